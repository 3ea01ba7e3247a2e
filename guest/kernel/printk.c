// SPDX-License-Identifier: MIT
/*
 * printk() to the serial console and panic(): the message, a backtrace, and the exit
 * device with GUEST_EXIT_PANIC. The formatting itself is guest/lib/vsprintf.c.
 */
#include <kern/printk.h>
#include <abi/layout.h>
#include <asm/exit.h>
#include <asm/processor.h>
#include <asm/serial.h>
#include <asm/stacktrace.h>
#include <asm/traps.h>

#define PRINTK_LINE_MAX	512	/* longer messages are cut */

int printk(const char *fmt, ...)
{
	char buf[PRINTK_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	serial_write(buf, MIN((size_t)n, sizeof(buf) - 1));
	return n;
}

void panic(const char *fmt, ...)
{
	static int panicking;
	char msg[256];
	va_list ap;

	local_irq_disable();
	if (panicking++)	/* a panic while panicking: just stop */
		arch_exit(GUEST_EXIT_PANIC);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("Kernel panic - not syncing: %s\n", msg);
	if (!oops_in_progress)	/* an oops has printed the interesting backtrace already */
		dump_stack();
	printk("---[ end Kernel panic - not syncing: %s ]---\n", msg);
	arch_exit(GUEST_EXIT_PANIC);
}

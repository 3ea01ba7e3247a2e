// SPDX-License-Identifier: MIT
/*
 * reboot(2), as Linux's kernel/reboot.c: the magic numbers are checked, and
 * LINUX_REBOOT_CMD_POWER_OFF powers off WITHOUT syncing (a program that wants its data on
 * the disk calls sync/fsync first, as on Linux). I/O already in flight is let finish.
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <asm/exit.h>
#include <guest/syscalls.h>
#include <guest/writeback.h>

#define LINUX_REBOOT_MAGIC1		0xfee1deadU
#define LINUX_REBOOT_MAGIC2		672274793U
#define LINUX_REBOOT_MAGIC2A		85072278U
#define LINUX_REBOOT_MAGIC2B		369367448U
#define LINUX_REBOOT_MAGIC2C		537993216U
#define LINUX_REBOOT_CMD_POWER_OFF	0x4321fedcU

void kernel_power_off(void)
{
	flusher_stop();
	writeback_drain();
	printk("reboot: Power down\n");
	arch_exit(0);
}

SYSCALL_DEFINE4(reboot, int, magic1, int, magic2, unsigned int, cmd,
		void __user *, arg)
{
	if ((unsigned int)magic1 != LINUX_REBOOT_MAGIC1 ||
	    ((unsigned int)magic2 != LINUX_REBOOT_MAGIC2 &&
	     (unsigned int)magic2 != LINUX_REBOOT_MAGIC2A &&
	     (unsigned int)magic2 != LINUX_REBOOT_MAGIC2B &&
	     (unsigned int)magic2 != LINUX_REBOOT_MAGIC2C))
		return -EINVAL;
	if (cmd != LINUX_REBOOT_CMD_POWER_OFF)
		return -EINVAL;
	kernel_power_off();
}

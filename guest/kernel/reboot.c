// SPDX-License-Identifier: MIT
/*
 * reboot(2), as Linux's kernel/reboot.c: the magic numbers are checked, and
 * LINUX_REBOOT_CMD_POWER_OFF powers off WITHOUT syncing (a program that wants its data on
 * the disk calls sync/fsync first, as on Linux). I/O already in flight is let finish.
 * HALT and RESTART end the VM the same way; CAD_ON and CAD_OFF succeed and do nothing.
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
#define LINUX_REBOOT_CMD_HALT		0xcdef0123U
#define LINUX_REBOOT_CMD_RESTART	0x01234567U
#define LINUX_REBOOT_CMD_CAD_ON		0x89abcdefU
#define LINUX_REBOOT_CMD_CAD_OFF	0x00000000U

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
	switch (cmd) {
	case LINUX_REBOOT_CMD_CAD_ON:
	case LINUX_REBOOT_CMD_CAD_OFF:
		return 0;		/* no Ctrl-Alt-Del here: nothing to turn on or off */
	case LINUX_REBOOT_CMD_POWER_OFF:
	case LINUX_REBOOT_CMD_HALT:	/* a VM that stops: the same as powering off */
	case LINUX_REBOOT_CMD_RESTART:	/* the VMM has no reset: the VM ends */
		kernel_power_off();
	default:
		return -EINVAL;
	}
}

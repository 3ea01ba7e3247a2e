// SPDX-License-Identifier: MIT
/*
 * The first user program, as Linux starts it: unpack the initramfs and mount the ext2 on
 * the "disk" device (if any) on EXT2_MNT, or, with no initramfs, mount the disk as the root
 * (Linux's root=/dev/vda); then run init (pid 1)
 * with descriptors 0, 1 and 2 on the console, arguments from initargs= and the command
 * line's other words, environment from its key=value words; then the flusher thread (pid
 * 2, periodic writeback). Task 0 then sleeps for good; init's exit unmounts the ext2
 * (everything written back, marked clean, no I/O left in flight) and ends the VM with
 * init's status (128 + N when signal N killed it).
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/string.h>
#include <mm/mm.h>
#include <asm/exit.h>
#include <guest/fs.h>
#include <guest/sched.h>
#include <guest/setup.h>
#include <guest/signal.h>
#include <guest/writeback.h>

#define INIT_DEFAULT	"/init"

struct task *init_process;

static const char *init_path;
static const char *init_argv[2 * CMDLINE_MAX_ARGS + 2];
static const char *init_envp[CMDLINE_MAX_ARGS + 2];

/* Runs as pid 1 in kernel mode; returning starts the program kernel_execve() loaded. */
static int init_main(void *unused)
{
	int err = console_open_stdio(current);

	if (!err)
		err = kernel_execve(init_path, init_argv, init_envp);
	if (err) {
		printk("init: cannot run %s: error %d\n", init_path, err);
		do_exit(W_EXITCODE(1, 0));
	}
	return 0;
}

void init_exit(int code)
{
	int sig = code & 0x7f, status = (code >> 8) & 0xff;

	/* init's files and mappings are gone, their dirty pages in the cache: write them. */
	ext2_vfs_umount();
	flusher_stop();
	writeback_drain();
	if (sig) {
		printk("init: killed by signal %d (%s): exit status %d\n", sig, signal_name(sig),
		       128 + sig);
		arch_exit(128 + sig);
	}
	printk("init: exited with status %d\n", status);
	arch_exit(status);
}

/* argv: the path, initargs=, then the bare words; envp: the key=value words. */
static void init_args(const struct cmdline *cl)
{
	unsigned int i, argc = 0, envc = 0;

	init_path = cl->init ? cl->init : INIT_DEFAULT;
	init_argv[argc++] = init_path;
	for (i = 0; i < cl->nr_initargs; i++)
		init_argv[argc++] = cl->initargs[i];
	for (i = 0; i < cl->argc; i++) {
		if (strchr(cl->argv[i], '='))
			init_envp[envc++] = cl->argv[i];
		else
			init_argv[argc++] = cl->argv[i];
	}
}

/* dirty_writeback_centisecs= and dirty_expire_centisecs=, before anything is dirtied. */
static void apply_writeback_settings(const struct cmdline *cl)
{
	/* cmdline.c checked the ranges: the setters cannot refuse them. */
	if (cl->has_dirty_writeback) {
		set_dirty_writeback_centisecs(cl->dirty_writeback_centisecs);
		printk("mm: dirty_writeback_centisecs %u\n", dirty_writeback_interval);
	}
	if (cl->has_dirty_expire) {
		set_dirty_expire_centisecs(cl->dirty_expire_centisecs);
		printk("mm: dirty_expire_centisecs %u\n", dirty_expire_interval);
	}
}

void run_init(const struct boot_info *bi, const struct cmdline *cl)
{
	u64 size = bi->initrd_end - bi->initrd_start;
	char why[160];
	int err;

	apply_writeback_settings(cl);
	if (!size) {
		/* No initramfs: the disk is the root, as Linux's root=/dev/vda. */
		err = ext2_vfs_mount(true);
		if (err) {
			printk("init: error: no initramfs and no root filesystem on the disk (%d)\n",
			       err);
			arch_exit(1);
		}
		goto start;
	}
	if (!boot_range_is_ram(bi, bi->initrd_start, size)) {
		printk("initramfs: error: [mem 0x%016llx-0x%016llx] is not in RAM\n",
		       (unsigned long long)bi->initrd_start, (unsigned long long)bi->initrd_end - 1);
		arch_exit(1);
	}
	err = initramfs_unpack(__va(bi->initrd_start), size, why, sizeof(why));
	if (err) {
		printk("initramfs: error: %s\n", why);
		arch_exit(1);
	}
	ext2_vfs_mount(false);	/* a disk that is not ext2 stays unmounted, with a line */
start:
	print_fatal_signals = cl->print_fatal_signals;
	init_args(cl);
	init_process = kernel_thread(init_main, NULL, "init");
	if (!init_process)
		panic("init: no memory for the first task");
	BUG_ON(init_process->pid != 1);
	if (flusher_start())
		panic("init: no memory for the flusher");
	printk("init: starting %s\n", init_path);

	/* Task 0 has nothing left to do: init's exit ends the VM. */
	init_task.state = TASK_BLOCKED;
	schedule();
	BUG();
}

// SPDX-License-Identifier: MIT
/*
 * The console as a file: what user programs write to descriptors 1 and 2 goes to the
 * serial port, a read of descriptor 0 finds the end of file (the console has no input).
 */
#include <kern/errno.h>
#include <asm/serial.h>
#include <guest/fs.h>
#include <guest/sched.h>

#define CONSOLE_CHUNK	256	/* bytes copied from user memory at a time */

static long console_read(struct file *f, char __user *buf, size_t len, u64 *pos)
{
	return 0;
}

static long console_write(struct file *f, const char __user *buf, size_t len, u64 *pos)
{
	char chunk[CONSOLE_CHUNK];
	size_t done = 0, n;

	while (done < len) {
		n = MIN(len - done, sizeof(chunk));
		if (copy_from_user(chunk, buf + done, n))
			return done ? (long)done : -EFAULT;
		serial_write(chunk, n);
		done += n;
	}
	return done;
}

static const struct file_operations console_fops = {
	.read = console_read,
	.write = console_write,
};

/* /dev/console: character device 5:1. */
static struct inode console_inode = {
	.ino = 1,
	.mode = S_IFCHR | 0620,
	.nlink = 1,
	.rdev = 5 << 8 | 1,
	.fop = &console_fops,
};

int console_open_stdio(struct task *t)
{
	struct file *f = file_alloc(&console_inode, &console_fops, O_RDWR);
	int fd;

	if (!f)
		return -ENOMEM;
	for (fd = 0; fd < 3; fd++) {
		t->files[fd] = f;
		if (fd)
			get_file(f);
	}
	return 0;
}

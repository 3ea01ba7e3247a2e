// SPDX-License-Identifier: MIT
/*
 * Pipes: a 16 KiB ring buffer between a read end and a write end. A reader blocks while the
 * pipe is empty and a writer exists (then gets end of file); a writer blocks while there
 * is no room, writes of up to PIPE_BUF bytes go in whole, and writing with no reader left
 * fails with EPIPE and SIGPIPE. pipe() and pipe2() (O_CLOEXEC, O_NONBLOCK).
 */
#include <kern/errno.h>
#include <kern/string.h>
#include <mm/slab.h>
#include <guest/fs.h>
#include <guest/sched.h>
#include <guest/signal.h>
#include <guest/syscalls.h>

#define PIPE_ORDER	2
#define PIPE_SIZE	(PAGE_SIZE << PIPE_ORDER)
#define PIPE_BUF	4096		/* writes up to this size are never split */

struct pipe {
	char *buf;
	u64 head, tail;			/* bytes written and read so far: used = head - tail */
	int readers, writers;		/* open ends */
	struct wait_queue_head rd_wait, wr_wait;
	struct inode inode;		/* what fstat() sees: a FIFO */
};

static size_t pipe_used(const struct pipe *p)
{
	return p->head - p->tail;
}

static long pipe_read(struct file *f, char __user *buf, size_t len, u64 *pos)
{
	struct pipe *p = f->private_data;
	size_t n, off, first;

	if (!len)
		return 0;
	if (!pipe_used(p) && p->writers && (f->flags & O_NONBLOCK))
		return -EAGAIN;
	wait_event(p->rd_wait, pipe_used(p) || !p->writers);
	n = MIN(len, pipe_used(p));
	if (!n)
		return 0;			/* no writer left: end of file */
	off = p->tail % PIPE_SIZE;
	first = MIN(n, PIPE_SIZE - off);
	if (copy_to_user(buf, p->buf + off, first) ||
	    copy_to_user(buf + first, p->buf, n - first))
		return -EFAULT;
	p->tail += n;
	wake_up(&p->wr_wait);
	return n;
}

static long pipe_write(struct file *f, const char __user *buf, size_t len, u64 *pos)
{
	struct pipe *p = f->private_data;
	size_t done = 0, need, n, off, first;

	while (done < len) {
		/* A small write goes in whole: wait until it fits. */
		need = (!done && len <= PIPE_BUF) ? len : 1;
		if (p->readers && PIPE_SIZE - pipe_used(p) < need) {
			if (f->flags & O_NONBLOCK)
				return done ? (long)done : -EAGAIN;
			wait_event(p->wr_wait, !p->readers || PIPE_SIZE - pipe_used(p) >= need);
		}
		if (!p->readers) {
			send_fatal_signal(SIGPIPE);
			return done ? (long)done : -EPIPE;
		}
		n = MIN(len - done, PIPE_SIZE - pipe_used(p));
		off = p->head % PIPE_SIZE;
		first = MIN(n, PIPE_SIZE - off);
		if (copy_from_user(p->buf + off, buf + done, first) ||
		    copy_from_user(p->buf, buf + done + first, n - first))
			return done ? (long)done : -EFAULT;
		p->head += n;
		done += n;
		wake_up(&p->rd_wait);
	}
	return done;
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->private_data;

	if ((f->flags & O_ACCMODE) == O_RDONLY) {
		p->readers--;
		wake_up(&p->wr_wait);
	} else {
		p->writers--;
		wake_up(&p->rd_wait);
	}
	if (!p->readers && !p->writers) {
		free_pages((unsigned long)p->buf, PIPE_ORDER);
		kfree(p);
	}
}

static const struct file_operations pipe_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.release = pipe_release,
};

int pipe_create(struct file *ends[2], unsigned int flags)
{
	static unsigned long pipe_ino = 1UL << 32;	/* apart from the initramfs's */
	struct pipe *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	p->buf = (char *)__get_free_pages(GFP_KERNEL, PIPE_ORDER);
	ends[0] = file_alloc(&p->inode, &pipe_fops, O_RDONLY | (flags & O_NONBLOCK));
	ends[1] = file_alloc(&p->inode, &pipe_fops, O_WRONLY | (flags & O_NONBLOCK));
	if (!p->buf || !ends[0] || !ends[1]) {
		if (p->buf)
			free_pages((unsigned long)p->buf, PIPE_ORDER);
		kfree(ends[0]);
		kfree(ends[1]);
		kfree(p);
		return -ENOMEM;
	}
	p->readers = p->writers = 1;
	init_waitqueue_head(&p->rd_wait);
	init_waitqueue_head(&p->wr_wait);
	p->inode.ino = pipe_ino++;
	p->inode.mode = S_IFIFO | 0600;
	p->inode.nlink = 1;
	p->inode.fop = &pipe_fops;
	ends[0]->private_data = ends[1]->private_data = p;
	return 0;
}

static long do_pipe2(int __user *fds, int flags)
{
	struct file *ends[2];
	int fd[2], err;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	err = pipe_create(ends, flags);
	if (err)
		return err;
	fd[0] = fd_install(ends[0], 0, flags & O_CLOEXEC);
	fd[1] = fd[0] < 0 ? fd[0] : fd_install(ends[1], 0, flags & O_CLOEXEC);
	if (fd[1] < 0) {
		if (fd[0] >= 0)
			current->files[fd[0]] = NULL;
		fput(ends[0]);
		fput(ends[1]);
		return -EMFILE;
	}
	if (copy_to_user(fds, fd, sizeof(fd))) {
		close_fd(fd[0]);
		close_fd(fd[1]);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE2(pipe2, int __user *, fds, int, flags)
{
	return do_pipe2(fds, flags);
}

SYSCALL_DEFINE1(pipe, int __user *, fds)
{
	return do_pipe2(fds, 0);
}

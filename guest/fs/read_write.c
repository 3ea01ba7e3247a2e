// SPDX-License-Identifier: MIT
/*
 * Data through descriptors: read, write, pread64, pwrite64, readv, writev, lseek, and
 * ioctl (which no file here supports: ENOTTY). Each goes to the file's own operations.
 */
#include <kern/errno.h>
#include <guest/fs.h>
#include <guest/sched.h>
#include <guest/syscalls.h>
#include <guest/uapi.h>

#define MAX_RW_COUNT	0x7ffff000UL	/* Linux's cap on one transfer */

static long do_read(struct file *f, char __user *buf, size_t len)
{
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	return f->fop->read(f, buf, MIN(len, MAX_RW_COUNT), &f->pos);
}

static long do_write(struct file *f, const char __user *buf, size_t len)
{
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	return f->fop->write(f, buf, MIN(len, MAX_RW_COUNT), &f->pos);
}

SYSCALL_DEFINE3(read, int, fd, char __user *, buf, size_t, count)
{
	struct file *f = fget(fd);

	return f ? do_read(f, buf, count) : -EBADF;
}

SYSCALL_DEFINE3(write, int, fd, const char __user *, buf, size_t, count)
{
	struct file *f = fget(fd);

	return f ? do_write(f, buf, count) : -EBADF;
}

/* pread64 (@write false), pwrite64: at @off, the file position left alone; -ESPIPE on a pipe. */
static long file_pio(int fd, char __user *buf, size_t count, long off, bool write)
{
	struct file *f = fget(fd);
	u64 pos = off;

	if (!f)
		return -EBADF;
	if (!f->fop->seekable)
		return -ESPIPE;
	if (off < 0)
		return -EINVAL;
	if ((f->flags & O_ACCMODE) == (write ? O_RDONLY : O_WRONLY))
		return -EBADF;
	count = MIN(count, MAX_RW_COUNT);
	return write ? f->fop->write(f, buf, count, &pos) : f->fop->read(f, buf, count, &pos);
}

SYSCALL_DEFINE4(pread64, int, fd, char __user *, buf, size_t, count, long, off)
{
	return file_pio(fd, buf, count, off, false);
}

SYSCALL_DEFINE4(pwrite64, int, fd, const char __user *, buf, size_t, count, long, off)
{
	return file_pio(fd, (char __user *)buf, count, off, true);
}

/* readv/writev: one transfer per vector, stopping at the first short one or error. */
static long do_iov(int fd, const struct iovec __user *uiov, int iovcnt, bool write)
{
	struct file *f = fget(fd);
	struct iovec iov;
	long done = 0, n;
	int i;

	if (!f)
		return -EBADF;
	if (iovcnt < 0 || iovcnt > UIO_MAXIOV)
		return -EINVAL;
	for (i = 0; i < iovcnt; i++) {
		if (copy_from_user(&iov, &uiov[i], sizeof(iov)))
			return done ? done : -EFAULT;
		if (iov.iov_len > MAX_RW_COUNT - done)
			return done ? done : -EINVAL;
		if (!iov.iov_len)
			continue;
		n = write ? do_write(f, iov.iov_base, iov.iov_len) :
			    do_read(f, iov.iov_base, iov.iov_len);
		if (n < 0)
			return done ? done : n;
		done += n;
		if ((u64)n < iov.iov_len)
			break;
	}
	return done;
}

SYSCALL_DEFINE3(readv, int, fd, const struct iovec __user *, iov, int, iovcnt)
{
	return do_iov(fd, iov, iovcnt, false);
}

SYSCALL_DEFINE3(writev, int, fd, const struct iovec __user *, iov, int, iovcnt)
{
	return do_iov(fd, iov, iovcnt, true);
}

SYSCALL_DEFINE3(lseek, int, fd, long, offset, int, whence)
{
	struct file *f = fget(fd);
	long base;

	if (!f)
		return -EBADF;
	if (!f->fop->seekable)
		return -ESPIPE;
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->pos;
		break;
	case SEEK_END:
		base = f->inode->size;
		break;
	default:
		return -EINVAL;
	}
	if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0)
		return -EINVAL;
	f->pos = base + offset;
	return f->pos;
}

SYSCALL_DEFINE3(ioctl, int, fd, unsigned int, cmd, unsigned long, arg)
{
	return fget(fd) ? -ENOTTY : -EBADF;
}

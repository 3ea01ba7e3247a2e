// SPDX-License-Identifier: MIT
/*
 * Open files and the descriptor table: reference-counted struct file, current's table
 * (lowest free descriptor first), close-on-exec, the system calls that manage descriptors
 * (close, dup, dup2, dup3, fcntl), and the accessors mm/ uses on an open file.
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <mm/slab.h>
#include <guest/fs.h>
#include <guest/sched.h>
#include <guest/syscalls.h>
#include <guest/uapi.h>

struct file *file_alloc(struct inode *inode, const struct file_operations *fop,
			unsigned int flags)
{
	struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	f->count = 1;
	f->inode = inode;
	f->fop = fop;
	f->flags = flags & (O_ACCMODE | O_APPEND | O_NONBLOCK);
	f->f_mode = ((flags & O_ACCMODE) != O_WRONLY ? FMODE_READ : 0) |
		    ((flags & O_ACCMODE) != O_RDONLY ? FMODE_WRITE : 0);
	return f;
}

/* ---- what mm/ asks of an open file (include/mm/fs.h) ----------------------------------- */
struct address_space *file_mapping(struct file *file)
{
	return file->inode->i_mapping;
}

struct file_ra_state *file_ra_state(struct file *file)
{
	return &file->f_ra;
}

unsigned int file_fmode(struct file *file)
{
	return file->f_mode;
}

void get_file(struct file *f)
{
	BUG_ON(f->count <= 0);
	f->count++;
}

void fput(struct file *f)
{
	BUG_ON(f->count <= 0);
	if (--f->count)
		return;
	if (f->fop->release)
		f->fop->release(f);
	kfree(f);
}

struct file *fget(int fd)
{
	if (fd < 0 || fd >= NR_OPEN)
		return NULL;
	return current->files[fd];
}

/* Put @f at descriptor @fd of current (free), with its close-on-exec flag. */
static void fd_set(int fd, struct file *f, bool cloexec)
{
	struct task *t = current;

	t->files[fd] = f;
	if (cloexec)
		t->cloexec |= 1ULL << fd;
	else
		t->cloexec &= ~(1ULL << fd);
}

int get_unused_fd(void)
{
	int fd;

	for (fd = 0; fd < NR_OPEN; fd++)
		if (!current->files[fd])
			return fd;
	return -EMFILE;
}

int fd_install(struct file *f, int min, bool cloexec)
{
	int fd;

	for (fd = min < 0 ? 0 : min; fd < NR_OPEN; fd++) {
		if (!current->files[fd]) {
			fd_set(fd, f, cloexec);
			return fd;
		}
	}
	return -EMFILE;
}

int close_fd(int fd)
{
	struct file *f = fget(fd);

	if (!f)
		return -EBADF;
	current->files[fd] = NULL;
	current->cloexec &= ~(1ULL << fd);
	fput(f);
	return 0;
}

void files_dup(struct task *child)
{
	int fd;

	for (fd = 0; fd < NR_OPEN; fd++) {
		child->files[fd] = current->files[fd];
		if (child->files[fd])
			get_file(child->files[fd]);
	}
	child->cloexec = current->cloexec;
}

void files_close_all(struct task *t)
{
	int fd;

	for (fd = 0; fd < NR_OPEN; fd++) {
		if (t->files[fd]) {
			fput(t->files[fd]);
			t->files[fd] = NULL;
		}
	}
	t->cloexec = 0;
}

void files_close_on_exec(struct task *t)
{
	int fd;

	for (fd = 0; fd < NR_OPEN; fd++) {
		if (t->files[fd] && (t->cloexec & (1ULL << fd))) {
			fput(t->files[fd]);
			t->files[fd] = NULL;
		}
	}
	t->cloexec = 0;
}

SYSCALL_DEFINE1(close, int, fd)
{
	return close_fd(fd);
}

SYSCALL_DEFINE1(dup, int, fd)
{
	struct file *f = fget(fd);
	int ret;

	if (!f)
		return -EBADF;
	get_file(f);
	ret = fd_install(f, 0, false);
	if (ret < 0)
		fput(f);
	return ret;
}

/* dup2/dup3: make @newfd refer to @oldfd's file, closing what @newfd held. */
static long do_dup3(int oldfd, int newfd, int flags)
{
	struct file *f = fget(oldfd), *old;

	if (!f || newfd < 0 || newfd >= NR_OPEN)
		return -EBADF;
	get_file(f);
	old = current->files[newfd];
	fd_set(newfd, f, flags & O_CLOEXEC);
	if (old)
		fput(old);
	return newfd;
}

SYSCALL_DEFINE2(dup2, int, oldfd, int, newfd)
{
	if (oldfd == newfd)
		return fget(oldfd) ? newfd : -EBADF;
	return do_dup3(oldfd, newfd, 0);
}

SYSCALL_DEFINE3(dup3, int, oldfd, int, newfd, int, flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return do_dup3(oldfd, newfd, flags);
}

SYSCALL_DEFINE3(fcntl, int, fd, int, cmd, unsigned long, arg)
{
	struct file *f = fget(fd);
	int ret;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= NR_OPEN)
			return -EINVAL;
		get_file(f);
		ret = fd_install(f, arg, cmd == F_DUPFD_CLOEXEC);
		if (ret < 0)
			fput(f);
		return ret;
	case F_GETFD:
		return current->cloexec & (1ULL << fd) ? FD_CLOEXEC : 0;
	case F_SETFD:
		fd_set(fd, f, arg & FD_CLOEXEC);
		return 0;
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		f->flags = (f->flags & ~(O_APPEND | O_NONBLOCK)) | (arg & (O_APPEND | O_NONBLOCK));
		return 0;
	default:
		return -EINVAL;
	}
}

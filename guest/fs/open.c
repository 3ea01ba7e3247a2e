// SPDX-License-Identifier: MIT
/*
 * Names to files: open() and openat() on the read-only tree or, for absolute paths under
 * its mount point, the ext2 disk (guest/fs/ext2_vfs.c); unlink and unlinkat; the stat
 * family (stat, lstat, fstat, newfstatat). Paths are relative to "/" (there is no chdir)
 * or, for the *at calls, to a directory descriptor.
 */
#include <kern/errno.h>
#include <kern/string.h>
#include <mm/slab.h>
#include <guest/fs.h>
#include <guest/sched.h>
#include <guest/syscalls.h>
#include <guest/uapi.h>

#define ST_BLKSIZE	4096

int getname(const char __user *upath, char **out)
{
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL);
	long len;

	if (!buf)
		return -ENOMEM;
	len = strncpy_from_user(buf, upath, PATH_MAX);
	if (len < 0 || len == PATH_MAX || !len) {
		kfree(buf);
		return len < 0 ? -EFAULT : len ? -ENAMETOOLONG : -ENOENT;
	}
	*out = buf;
	return 0;
}

/* Where a relative path starts for @dirfd: NULL (the root) for AT_FDCWD, or -E*. */
static int dirfd_start(int dirfd, struct dentry **start)
{
	struct file *f;

	*start = NULL;
	if (dirfd == AT_FDCWD)
		return 0;
	f = fget(dirfd);
	if (!f)
		return -EBADF;
	if (!f->dentry || !S_ISDIR(f->inode->mode))
		return -ENOTDIR;
	*start = f->dentry;
	return 0;
}

/* Resolve user path @upath relative to @dirfd. */
static int user_path_at(int dirfd, const char __user *upath, struct dentry **out)
{
	struct dentry *start;
	char *path;
	int err = getname(upath, &path);

	if (err)
		return err;
	err = *path == '/' ? 0 : dirfd_start(dirfd, &start);
	if (!err)
		err = path_lookup(*path == '/' ? NULL : start, path, out);
	kfree(path);
	return err;
}

/*
 * Open the user path @upath (relative to @dirfd) on the mounted ext2 if it is a path there
 * (ext2_vfs_path()): 0 with the file in *@f, -E*, or 1 if it is not one.
 */
static long ext2_open_user(int dirfd, const char __user *upath, int flags, unsigned int mode,
			   struct file **f)
{
	const char *inner;
	char *path;
	long ret = getname(upath, &path);

	if (ret)
		return ret;
	inner = ext2_vfs_path(dirfd, path);
	ret = inner ? ext2_vfs_open(inner, flags, mode, f) : 1;
	kfree(path);
	return ret;
}

/* Open @upath in the initramfs tree, which is read-only: 0 with the file in *@f, or -E*. */
static long tree_open(int dirfd, const char __user *upath, int flags, struct file **f)
{
	unsigned int acc = flags & O_ACCMODE;
	struct dentry *d;
	struct inode *inode;
	int err = user_path_at(dirfd, upath, &d);

	if (err == -ENOENT && (flags & O_CREAT))
		return -EROFS;		/* the tree is read-only */
	if (err)
		return err;
	inode = d->inode;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
		return -ENOTDIR;
	if (acc == 3)
		return -EINVAL;
	if (acc != O_RDONLY || (flags & O_TRUNC))
		return S_ISDIR(inode->mode) ? -EISDIR : -EROFS;
	*f = file_alloc(inode, inode->fop, flags);
	if (!*f)
		return -ENOMEM;
	(*f)->dentry = d;
	return 0;
}

/*
 * open/openat: on the ext2 for a path there, else in the initramfs tree. The descriptor is
 * found first, as Linux does, so that -EMFILE comes before O_CREAT or O_TRUNC changed the
 * file; it stays free while the open sleeps (no other task shares this table).
 */
static long do_openat(int dirfd, const char __user *upath, int flags, unsigned int mode)
{
	struct file *f;
	int fd = get_unused_fd();
	long err;

	if (fd < 0)
		return fd;
	err = ext2_open_user(dirfd, upath, flags, mode, &f);
	if (err == 1)
		err = tree_open(dirfd, upath, flags, &f);
	if (err)
		return err;
	BUG_ON(fd_install(f, fd, flags & O_CLOEXEC) != fd);
	return fd;
}

SYSCALL_DEFINE4(openat, int, dirfd, const char __user *, path, int, flags, int, mode)
{
	return do_openat(dirfd, path, flags, mode);
}

SYSCALL_DEFINE3(open, const char __user *, path, int, flags, int, mode)
{
	return do_openat(AT_FDCWD, path, flags, mode);
}

/* Fill a struct stat for @inode and store it at @ubuf. */
static long put_stat(const struct inode *inode, struct stat __user *ubuf)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_dev = 1;
	st.st_ino = inode->ino;
	st.st_nlink = inode->nlink;
	st.st_mode = inode->mode;
	st.st_rdev = inode->rdev;
	st.st_size = inode->size;
	st.st_blksize = ST_BLKSIZE;
	st.st_blocks = inode->nr_pages * (PAGE_SIZE / 512);
	st.st_atim.tv_sec = st.st_mtim.tv_sec = st.st_ctim.tv_sec = inode->mtime;
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

/* stat of a path on the mounted ext2: 0 or -E*; 1 if it is not one. */
static long ext2_stat(int dirfd, const char __user *upath, struct stat __user *ubuf)
{
	struct file *f;
	long ret = ext2_open_user(dirfd, upath, O_RDONLY, 0, &f);

	if (ret)
		return ret;
	ret = put_stat(f->inode, ubuf);
	fput(f);
	return ret;
}

SYSCALL_DEFINE2(fstat, int, fd, struct stat __user *, ubuf)
{
	struct file *f = fget(fd);

	if (!f)
		return -EBADF;
	return put_stat(f->inode, ubuf);
}

SYSCALL_DEFINE4(newfstatat, int, dirfd, const char __user *, path, struct stat __user *, ubuf,
		int, flags)
{
	struct dentry *d;
	char c;
	long err;

	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	if ((flags & AT_EMPTY_PATH) && !get_user(c, path) && !c) {
		struct file *f = fget(dirfd);

		if (!f)
			return -EBADF;
		return put_stat(f->inode, ubuf);
	}
	err = ext2_stat(dirfd, path, ubuf);
	if (err != 1)
		return err;
	err = user_path_at(dirfd, path, &d);
	return err ? err : put_stat(d->inode, ubuf);
}

/* stat and lstat are the same: neither the tree nor our ext2 follows symbolic links. */
static long do_stat(const char __user *path, struct stat __user *ubuf)
{
	struct dentry *d;
	long err = ext2_stat(AT_FDCWD, path, ubuf);

	if (err != 1)
		return err;
	err = user_path_at(AT_FDCWD, path, &d);
	return err ? err : put_stat(d->inode, ubuf);
}

SYSCALL_DEFINE2(stat, const char __user *, path, struct stat __user *, ubuf)
{
	return do_stat(path, ubuf);
}

SYSCALL_DEFINE2(lstat, const char __user *, path, struct stat __user *, ubuf)
{
	return do_stat(path, ubuf);
}

/* getcwd: every task's working directory is the root (there is no chdir). */
SYSCALL_DEFINE2(getcwd, char __user *, buf, unsigned long, size)
{
	if (size < 2)
		return -ERANGE;
	return copy_to_user(buf, "/", 2) ? -EFAULT : 2;
}

/* unlink, unlinkat: only files of the mounted ext2 can go (the initramfs is read-only). */
static long do_unlinkat(int dirfd, const char __user *upath, int flags)
{
	const char *inner;
	char *path;
	long err;

	if (flags)
		return -EINVAL;		/* AT_REMOVEDIR: no directories are removed */
	err = getname(upath, &path);
	if (err)
		return err;
	inner = ext2_vfs_path(dirfd, path);
	if (inner) {
		err = ext2_vfs_unlink(inner);
	} else {
		struct dentry *d;

		err = user_path_at(dirfd, upath, &d);
		if (!err)
			err = S_ISDIR(d->inode->mode) ? -EISDIR : -EROFS;
	}
	kfree(path);
	return err;
}

SYSCALL_DEFINE1(unlink, const char __user *, path)
{
	return do_unlinkat(AT_FDCWD, path, 0);
}

SYSCALL_DEFINE3(unlinkat, int, dirfd, const char __user *, path, int, flags)
{
	return do_unlinkat(dirfd, path, flags);
}

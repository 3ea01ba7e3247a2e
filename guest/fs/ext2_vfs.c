// SPDX-License-Identifier: MIT
/*
 * ext2 behind the VFS seam: the virtio-blk "disk" mounted at boot on EXT2_MNT (beside an
 * initramfs) or as the root (without one, as Linux's root=/dev/vda), and open
 * files on it whose reads, writes, mappings and fsync go through the inode's page cache
 * (guest/fs/ext2/, mm/filemap.c). A path under EXT2_MNT is resolved by ext2 itself (there
 * is no mount table yet); each open file gets its own struct inode front (i_mapping is the
 * ext2 inode's page cache, so fstat, lseek and mmap see the live size).
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/string.h>
#include <mm/mm.h>
#include <mm/pagemap.h>
#include <mm/slab.h>
#include <guest/blkdev.h>
#include <guest/fs.h>
#include <guest/sched.h>
#include <guest/syscalls.h>
#include <guest/writeback.h>
#include "ext2/ext2.h"

static struct ext2_sb_info *ext2_sbi;
static const char *ext2_mnt = EXT2_MNT;	/* "" when it is the root */

int ext2_vfs_mount(bool root)
{
	struct block_device *bdev = blkdev_get_by_role("disk");
	int err;

	if (!bdev)
		return -ENODEV;
	err = ext2_mount(bdev, bdev->read_only ? EXT2_MOUNT_RDONLY : 0, &ext2_sbi);
	if (err) {
		printk("ext2: disk: not mounted: error %d\n", err);
		ext2_sbi = NULL;
		return err;
	}
	ext2_mnt = root ? "" : EXT2_MNT;
	flusher_add(&ext2_sbi->wb);	/* the only filesystem: room is certain */
	printk("ext2: disk mounted on %s%s\n", root ? "/" : EXT2_MNT,
	       bdev->read_only ? " (read-only)" : "");
	return 0;
}

int ext2_vfs_umount(void)
{
	int err;

	if (!ext2_sbi)
		return 0;
	flusher_stop();
	err = ext2_umount(ext2_sbi);
	if (err == -EBUSY) {
		/* A file is still open (a task outlived init): written back, stays mounted. */
		printk("ext2: umount: busy: syncing instead\n");
		return 0;
	}
	ext2_sbi = NULL;
	if (err)
		printk("ext2: umount: error %d\n", err);
	else
		printk("ext2: disk unmounted cleanly\n");
	return err;
}

int ext2_vfs_sync(void)
{
	int err;

	if (!ext2_sbi)
		return 0;
	err = ext2_sync_fs(ext2_sbi);
	if (err)
		printk("ext2: sync: error %d\n", err);
	return err;
}

const char *ext2_vfs_path(int dirfd, const char *path)
{
	size_t n = strlen(ext2_mnt);

	if (!ext2_sbi)
		return NULL;
	if (path[0] != '/')
		return dirfd == AT_FDCWD && !n ? path : NULL;
	if (strncmp(path, ext2_mnt, n) || (path[n] && path[n] != '/'))
		return NULL;
	return path[n] ? path + n : "/";
}

/* The last component of @path (after its last '/', or all of it). */
static const char *last_component(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static struct ext2_inode_info *file_ei(struct file *f)
{
	return f->private_data;
}

/* Keep the front's size in step with the file's (lseek SEEK_END, fstat). */
static void sync_front(struct file *f)
{
	f->inode->size = ext2_size(file_ei(f));
}

static unsigned long copy_out_user(void *to, const void *from, unsigned long n)
{
	return copy_to_user((void __user *)to, from, n);
}

static unsigned long copy_in_user(void *to, const void *from, unsigned long n)
{
	return copy_from_user(to, (const void __user *)from, n);
}

static long ext2_vfs_read(struct file *f, char __user *buf, size_t len, u64 *pos)
{
	struct iov_iter it = { .buf = (char *)buf, .count = len, .copy_out = copy_out_user };

	return ext2_file_read(file_ei(f), &f->f_ra, pos, &it);
}

static long ext2_vfs_write(struct file *f, const char __user *buf, size_t len, u64 *pos)
{
	struct iov_iter it = { .buf = (char *)buf, .count = len, .copy_in = copy_in_user };
	long ret;

	if (f->flags & O_APPEND)
		*pos = ext2_size(file_ei(f));
	ret = ext2_file_write(file_ei(f), pos, &it);
	sync_front(f);
	return ret;
}

size_t ext2_vfs_kread(const struct inode *inode, u64 pos, void *buf, size_t len)
{
	struct ext2_inode_info *ei = inode->i_private;
	struct file_ra_state ra;
	struct iov_iter it;
	size_t done = 0;
	long n;

	file_ra_state_init(&ra, &ei->mapping);
	while (done < len) {
		iov_iter_kvec(&it, (char *)buf + done, len - done);
		n = ext2_file_read(ei, &ra, &pos, &it);
		if (n <= 0)
			break;
		done += n;
	}
	return done;
}

/* A regular file opened to be written (counted in writecount while open). */
static bool opened_for_write(const struct ext2_inode_info *ei, int flags)
{
	return EXT2_ISREG(ei->raw.i_mode) && (flags & O_ACCMODE) != O_RDONLY;
}

/* Linux's get_write_access() / put_write_access(): refused while the file runs. */
static int get_write_access(struct ext2_inode_info *ei)
{
	if (ei->writecount < 0)
		return -ETXTBSY;
	ei->writecount++;
	return 0;
}

static void put_write_access(struct ext2_inode_info *ei)
{
	ei->writecount--;
}

static void ext2_vfs_release(struct file *f)
{
	if (opened_for_write(file_ei(f), f->flags))
		put_write_access(file_ei(f));
	ext2_iput(file_ei(f));
	kfree(f->inode);
}

static const struct file_operations ext2_vfs_fops = {
	.read = ext2_vfs_read,
	.write = ext2_vfs_write,
	.seekable = true,
	.release = ext2_vfs_release,
};

int deny_write_access(struct file *f)
{
	if (!is_ext2_file(f))
		return 0;
	if (file_ei(f)->writecount > 0)
		return -ETXTBSY;
	file_ei(f)->writecount--;
	return 0;
}

void allow_write_access(struct file *f)
{
	if (is_ext2_file(f))
		file_ei(f)->writecount++;
}

bool is_ext2_file(struct file *f)
{
	return f->fop == &ext2_vfs_fops;
}

/* The directory holding @path's last component @last (a pointer into @path): 0 with a
 * reference in *@dir, or -E*. */
static int lookup_parent(const char *path, const char *last, struct ext2_inode_info **dir)
{
	char *parent = kmalloc(last - path + 1, GFP_KERNEL);
	int err;

	if (!parent)
		return -ENOMEM;
	memcpy(parent, path, last - path);
	parent[last - path] = '\0';
	err = ext2_namei(ext2_sbi, parent, dir);
	kfree(parent);
	return err;
}

/* Look up @path (absolute in the filesystem), creating a regular file with @flags O_CREAT. */
static int lookup_create(const char *path, int flags, unsigned int mode,
			 struct ext2_inode_info **out)
{
	const char *last = last_component(path);
	struct ext2_inode_info *dir;
	int err = ext2_namei(ext2_sbi, path, out);

	if (err == 0 && (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
		ext2_iput(*out);
		return -EEXIST;
	}
	if (err != -ENOENT || !(flags & O_CREAT))
		return err;
	if (!*last)
		return -EISDIR;		/* "dir/" to create */
	err = lookup_parent(path, last, &dir);
	if (err)
		return err;
	err = ext2_create(dir, last, strlen(last), mode & 07777, out);
	ext2_iput(dir);
	return err;
}

int ext2_vfs_open(const char *path, int flags, unsigned int mode, struct file **out)
{
	unsigned int acc = flags & O_ACCMODE;
	struct ext2_inode_info *ei;
	struct inode *front;
	struct file *f;
	bool writer, trunc;
	int err;

	if (acc == 3)
		return -EINVAL;
	err = lookup_create(path, flags, mode, &ei);
	if (err)
		return err;
	writer = opened_for_write(ei, flags);		/* write access held while open */
	trunc = (flags & O_TRUNC) && EXT2_ISREG(ei->raw.i_mode);	/* also O_RDONLY, as Linux */
	err = -ENOTDIR;
	if ((flags & O_DIRECTORY) && !EXT2_ISDIR(ei->raw.i_mode))
		goto out_iput;
	err = -EISDIR;
	if (EXT2_ISDIR(ei->raw.i_mode) && (acc != O_RDONLY || (flags & O_TRUNC)))
		goto out_iput;
	/* Taken before anything that sleeps: no exec slips in between. */
	if (writer || trunc) {
		err = get_write_access(ei);
		if (err)
			goto out_iput;
	}
	if (trunc) {
		err = ext2_setsize(ei, 0);
		if (!writer)
			put_write_access(ei);	/* O_RDONLY: only for the truncation */
		if (err)
			goto out_put_write;
	}
	err = -ENOMEM;
	front = kzalloc(sizeof(*front), GFP_KERNEL);
	if (!front)
		goto out_put_write;
	front->ino = ei->ino;
	front->mode = ext2_mode(ei);
	front->nlink = ei->raw.i_links_count;
	front->mtime = ei->raw.i_mtime;
	front->i_mapping = EXT2_ISREG(ei->raw.i_mode) ? &ei->mapping : NULL;
	front->fop = &ext2_vfs_fops;
	front->i_private = ei;
	f = file_alloc(front, &ext2_vfs_fops, flags);
	if (!f) {
		kfree(front);
		goto out_put_write;
	}
	f->private_data = ei;		/* ext2_vfs_release() drops the write access */
	file_ra_state_init(&f->f_ra, &ei->mapping);
	sync_front(f);
	*out = f;
	return 0;
out_put_write:
	if (writer)
		put_write_access(ei);
out_iput:
	ext2_iput(ei);
	return err;
}

int ext2_vfs_unlink(const char *path)
{
	const char *last = last_component(path);
	struct ext2_inode_info *dir;
	int err = lookup_parent(path, last, &dir);

	if (err)
		return err;
	err = *last ? ext2_unlink(dir, last, strlen(last)) : -EISDIR;
	ext2_iput(dir);
	return err;
}

SYSCALL_DEFINE2(ftruncate, int, fd, long, length)
{
	struct file *f = fget(fd);
	int err;

	if (!f)
		return -EBADF;
	if (!is_ext2_file(f) || !(f->f_mode & FMODE_WRITE))
		return -EINVAL;
	if (length < 0)
		return -EINVAL;
	err = ext2_setsize(file_ei(f), length);
	sync_front(f);
	return err;
}

static long do_fsync(int fd, int datasync)
{
	struct file *f = fget(fd);

	if (!f)
		return -EBADF;
	if (!is_ext2_file(f))
		return f->fop->seekable ? 0 : -EINVAL;
	return vfs_fsync_range(f, 0, UINT64_MAX, datasync);
}

SYSCALL_DEFINE1(fsync, int, fd)
{
	return do_fsync(fd, 0);
}

SYSCALL_DEFINE1(fdatasync, int, fd)
{
	return do_fsync(fd, 1);
}

int vfs_fsync_range(struct file *file, u64 start, u64 end, int datasync)
{
	if (!is_ext2_file(file))
		return 0;	/* the initramfs lives in memory and is read-only */
	return ext2_fsync(file_ei(file), start, end, datasync);
}

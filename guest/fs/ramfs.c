// SPDX-License-Identifier: MIT
/*
 * The in-memory filesystem the initramfs is unpacked into: a tree of struct dentry under
 * vfs_root, inodes whose data sits in whole pages, path lookup, and the file operations of
 * regular files (read from the pages) and directories (not readable as files). Read-only
 * once unpacked: nothing creates, writes or removes files at run time.
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/string.h>
#include <mm/slab.h>
#include <guest/fs.h>

struct dentry *vfs_root;
static unsigned long last_ino = 1;	/* 1 is the console */

size_t inode_read(const struct inode *inode, u64 pos, void *buf, size_t len)
{
	size_t done = 0, n, off;

	if (inode->i_private)
		return ext2_vfs_kread(inode, pos, buf, len);
	if (pos >= inode->size)
		return 0;
	len = MIN(len, inode->size - pos);
	while (done < len) {
		off = (pos + done) % PAGE_SIZE;
		n = MIN(len - done, PAGE_SIZE - off);
		memcpy((char *)buf + done,
		       (const char *)page_address(inode->pages[(pos + done) / PAGE_SIZE]) + off, n);
		done += n;
	}
	return done;
}

static long ramfs_file_read(struct file *f, char __user *buf, size_t len, u64 *pos)
{
	const struct inode *inode = f->inode;
	size_t done = 0, n, off;
	u64 p = *pos;

	if (p >= inode->size)
		return 0;
	len = MIN(len, inode->size - p);
	while (done < len) {
		off = (p + done) % PAGE_SIZE;
		n = MIN(len - done, PAGE_SIZE - off);
		if (copy_to_user(buf + done,
				 (const char *)page_address(inode->pages[(p + done) / PAGE_SIZE]) +
				 off, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	*pos = p + done;
	return done;
}

static long ramfs_readonly_write(struct file *f, const char __user *buf, size_t len, u64 *pos)
{
	return -EBADF;		/* opened read-only: open() refuses write access */
}

static long ramfs_dir_read(struct file *f, char __user *buf, size_t len, u64 *pos)
{
	return -EISDIR;
}

static const struct file_operations ramfs_file_fops = {
	.read = ramfs_file_read,
	.write = ramfs_readonly_write,
	.seekable = true,
};

static const struct file_operations ramfs_dir_fops = {
	.read = ramfs_dir_read,
	.write = ramfs_readonly_write,
	.seekable = true,
};

struct inode *new_inode(unsigned int mode)
{
	struct inode *inode = kzalloc(sizeof(*inode), GFP_KERNEL);

	if (!inode)
		return NULL;
	inode->ino = ++last_ino;
	inode->mode = mode;
	inode->nlink = S_ISDIR(mode) ? 2 : 1;
	inode->fop = S_ISDIR(mode) ? &ramfs_dir_fops : &ramfs_file_fops;
	return inode;
}

/* The root directory, created on first use. */
static struct dentry *root(void)
{
	struct inode *inode;

	if (vfs_root)
		return vfs_root;
	vfs_root = kzalloc(sizeof(*vfs_root), GFP_KERNEL);
	inode = new_inode(S_IFDIR | 0755);
	BUG_ON(!vfs_root || !inode);
	vfs_root->name = (char *)"/";
	vfs_root->inode = inode;
	vfs_root->parent = vfs_root;
	INIT_LIST_HEAD(&vfs_root->children);
	INIT_LIST_HEAD(&vfs_root->sibling);
	return vfs_root;
}

struct dentry *d_lookup(struct dentry *dir, const char *name, size_t len)
{
	struct dentry *d;

	list_for_each_entry(d, &dir->children, sibling)
		if (strlen(d->name) == len && !memcmp(d->name, name, len))
			return d;
	return NULL;
}

int vfs_create(struct dentry *dir, const char *name, size_t len, struct inode *inode,
	       struct dentry **out)
{
	struct dentry *d;

	if (!S_ISDIR(dir->inode->mode))
		return -ENOTDIR;
	if (d_lookup(dir, name, len))
		return -EEXIST;
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->name = kmalloc(len + 1, GFP_KERNEL);
	if (!d->name) {
		kfree(d);
		return -ENOMEM;
	}
	memcpy(d->name, name, len);
	d->name[len] = '\0';
	d->inode = inode;
	d->parent = dir;
	INIT_LIST_HEAD(&d->children);
	list_add_tail(&d->sibling, &dir->children);
	if (S_ISDIR(inode->mode))
		dir->inode->nlink++;
	if (out)
		*out = d;
	return 0;
}

int path_lookup(struct dentry *start, const char *path, struct dentry **out)
{
	struct dentry *d = *path == '/' ? root() : (start ? start : root());
	const char *p = path, *name;
	size_t len;

	if (!*path)
		return -ENOENT;
	if (strnlen(path, PATH_MAX) == PATH_MAX)
		return -ENAMETOOLONG;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		name = p;
		while (*p && *p != '/')
			p++;
		len = p - name;
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		if (!S_ISDIR(d->inode->mode))
			return -ENOTDIR;
		if (len == 1 && name[0] == '.')
			continue;
		if (len == 2 && name[0] == '.' && name[1] == '.') {
			d = d->parent;
			continue;
		}
		d = d_lookup(d, name, len);
		if (!d)
			return -ENOENT;
	}
	/* "dir/" names a directory: a trailing slash on anything else is ENOTDIR. */
	if (p > path && p[-1] == '/' && !S_ISDIR(d->inode->mode))
		return -ENOTDIR;
	*out = d;
	return 0;
}

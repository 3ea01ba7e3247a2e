/* SPDX-License-Identifier: MIT */
/*
 * The minimal VFS seam (guest/fs/): inodes, a tree of directory entries, open files and
 * the per-task descriptor table. The tree is the initramfs, unpacked at boot into inodes
 * whose data lives in whole pages (struct page *pages[]); the ext2 on the disk is reached
 * by absolute path under its mount point (guest/fs/ext2_vfs.c), its files through their
 * page cache (i_mapping). Pipes and the console are files without a name. Linux's flag and
 * mode values.
 */
#ifndef GUEST_FS_H
#define GUEST_FS_H

#include <kern/types.h>
#include <mm/fs.h>
#include <mm/list.h>
#include <mm/page_alloc.h>
#include <asm/uaccess.h>

#define S_IFMT		0170000
#define S_IFSOCK	0140000
#define S_IFLNK		0120000
#define S_IFREG		0100000
#define S_IFBLK		0060000
#define S_IFDIR		0040000
#define S_IFCHR		0020000
#define S_IFIFO		0010000
#define S_ISREG(m)	(((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)	(((m) & S_IFMT) == S_IFDIR)
#define S_IXUGO		0111

#define O_ACCMODE	00000003
#define O_RDONLY	00000000
#define O_WRONLY	00000001
#define O_RDWR		00000002
#define O_CREAT		00000100
#define O_EXCL		00000200
#define O_NOCTTY	00000400
#define O_TRUNC		00001000
#define O_APPEND	00002000
#define O_NONBLOCK	00004000
#define O_LARGEFILE	00100000
#define O_DIRECTORY	00200000
#define O_NOFOLLOW	00400000
#define O_CLOEXEC	02000000

#define AT_FDCWD	(-100)
#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2

#define PATH_MAX	4096	/* including the NUL */
#define NAME_MAX	255

struct file;

struct file_operations {
	/* Read / write @len bytes at *@pos (user buffer), advancing it; bytes or -E*. */
	long (*read)(struct file *f, char __user *buf, size_t len, u64 *pos);
	long (*write)(struct file *f, const char __user *buf, size_t len, u64 *pos);
	bool seekable;			/* lseek() works (else -ESPIPE) */
	void (*release)(struct file *f);	/* the last reference is gone */
};

struct inode {
	unsigned long ino;
	unsigned int mode;		/* S_IF* and permission bits */
	unsigned int nlink;
	u64 size;			/* bytes */
	u64 mtime;			/* seconds, as the archive gave it */
	unsigned int rdev;		/* device number (character devices) */
	struct page **pages;		/* regular files: page i holds bytes [i * 4096, +4096) */
	unsigned long nr_pages;
	/* mm/'s page cache for file mappings (include/mm/fs.h): ext2 files only; NULL (so
	 * mmap is -ENODEV) for the initramfs, pipes and the console. */
	struct address_space *i_mapping;
	const struct file_operations *fop;
	void *i_private;		/* ext2 fronts: the ext2 inode (guest/fs/ext2_vfs.c) */
};

/* A name in the tree: the root has parent == itself. */
struct dentry {
	char *name;
	struct inode *inode;
	struct dentry *parent;
	struct list_head children;	/* directories: their entries, by sibling */
	struct list_head sibling;
};

struct file {
	int count;			/* descriptors (across tasks) and other references */
	unsigned int flags;		/* O_ACCMODE, O_APPEND, O_NONBLOCK */
	unsigned int f_mode;		/* FMODE_READ, FMODE_WRITE: the access mode, for mm/ */
	struct file_ra_state f_ra;	/* readahead state, for mm/ */
	u64 pos;
	struct inode *inode;
	struct dentry *dentry;		/* its name in the tree; NULL for pipes, the console */
	const struct file_operations *fop;
	void *private_data;		/* pipes: their struct pipe */
};

/* ---- the tree (guest/fs/namei.c) ------------------------------------------------------- */
extern struct dentry *vfs_root;

/* A new inode with @mode (kzalloc'd, its fops chosen by the type), or NULL. */
struct inode *new_inode(unsigned int mode);
/* Create @name (a single component) in directory @dir; -EEXIST, -ENOMEM, -ENOTDIR. */
int vfs_create(struct dentry *dir, const char *name, size_t len, struct inode *inode,
	       struct dentry **out);
/* The entry @name (len bytes) in @dir, or NULL. */
struct dentry *d_lookup(struct dentry *dir, const char *name, size_t len);
/*
 * Resolve @path (absolute, or relative to @start) to its entry: "." and ".." work, empty
 * components are skipped. Returns 0, -ENOENT (a component, or the path, is empty or
 * missing), -ENOTDIR (a non-final component is not a directory), -ENAMETOOLONG.
 */
int path_lookup(struct dentry *start, const char *path, struct dentry **out);

/*
 * Copy the path at user address @upath into a new kernel buffer (*out, kfree it). Returns
 * 0, -EFAULT, -ENAMETOOLONG (PATH_MAX or more), -ENOENT (empty), -ENOMEM.
 */
int getname(const char __user *upath, char **out);

/* Read up to @len bytes of regular file @inode at @pos into kernel memory; bytes read
 * (ext2 files through their page cache: fewer on an I/O error). */
size_t inode_read(const struct inode *inode, u64 pos, void *buf, size_t len);

/* ---- open files and descriptors (guest/fs/file.c) -------------------------------------- */
struct task;

/* A new open file with one reference, or NULL. */
struct file *file_alloc(struct inode *inode, const struct file_operations *fop,
			unsigned int flags);
/* Take / drop a reference; the last drop calls fop->release. */
void get_file(struct file *f);
void fput(struct file *f);
/* current's file at descriptor @fd (borrowed: valid until current closes it), or NULL. */
struct file *fget(int fd);
/* The lowest free descriptor of current, or -EMFILE. */
int get_unused_fd(void);
/* Give @f (its reference) the lowest free descriptor >= @min: the fd, or -EMFILE. */
int fd_install(struct file *f, int min, bool cloexec);
/* Close @fd of current: 0 or -EBADF. */
int close_fd(int fd);
/* fork: the child gets every descriptor of current (each file one more reference). */
void files_dup(struct task *child);
/* exit: close every descriptor. exec: close the close-on-exec ones. */
void files_close_all(struct task *t);
void files_close_on_exec(struct task *t);
/* The program file a task runs (guest/kernel/exec.c): fork shares it (one more reference
 * and write denial), exec and exit drop it. */
void exe_file_dup(struct task *child, struct task *parent);
void exe_file_put(struct task *t);

/* ---- the console, pipes, the initramfs ---------------------------------------------------- */
/* Give @t descriptors 0, 1 and 2 on the console (stdin reads end of file). */
int console_open_stdio(struct task *t);
/* The pipe's two ends: [0] reads, [1] writes (guest/fs/pipe.c). 0 or -ENOMEM. */
int pipe_create(struct file *ends[2], unsigned int flags);
/*
 * Unpack the cpio "newc" archive [@start, @start + @size) into the tree (guest/fs/initramfs.c).
 * Returns 0, or a negative errno with *why saying which entry and what is wrong.
 */
int initramfs_unpack(const void *start, size_t size, char *why, size_t whylen);

/* ---- ext2 on the "disk" device (guest/fs/ext2_vfs.c) ------------------------------------ */
#define EXT2_MNT	"/mnt"		/* where the disk is mounted beside an initramfs */
/*
 * Mount the "disk" block device's ext2 on EXT2_MNT, or as the root with @root (no
 * initramfs: every absolute path is then the disk's): 0, -ENODEV (no disk), or the mount's
 * error (a console line says why; nothing is mounted).
 */
int ext2_vfs_mount(bool root);
/* inode_read() of an ext2 front. */
size_t ext2_vfs_kread(const struct inode *inode, u64 pos, void *buf, size_t len);
/* Write every dirty page and the metadata back and wait (init's exit): 0 or -EIO. */
int ext2_vfs_sync(void);
/*
 * Unmount at an orderly shutdown: stop the flusher for good, write everything back, mark
 * the filesystem clean and wait for the I/O; a file still open means a sync instead
 * (busy). 0 or -EIO.
 */
int ext2_vfs_umount(void);
/*
 * @path, relative to @dirfd, inside the mounted ext2: the path within it, or NULL. An
 * absolute path under the mount point; a relative one with AT_FDCWD when the ext2 is the
 * root (every task's working directory is /: there is no chdir).
 */
const char *ext2_vfs_path(int dirfd, const char *path);
/* open() of @path within the ext2 (O_CREAT, O_EXCL, O_TRUNC, O_DIRECTORY): 0 with *@out a
 * new file of one reference, or -ENOENT, -EEXIST, -EISDIR, -ENOTDIR, -EROFS, -ENOSPC, -EIO. */
int ext2_vfs_open(const char *path, int flags, unsigned int mode, struct file **out);
/* unlink() of @path within the ext2: 0, -ENOENT, -EISDIR, -EROFS, -EIO. */
int ext2_vfs_unlink(const char *path);
/* Is @f an open ext2 file? */
bool is_ext2_file(struct file *f);
/*
 * Linux's deny_write_access() / allow_write_access() for the file a process runs: while
 * any process runs an ext2 file, opening it for writing is -ETXTBSY, and a file open for
 * writing cannot be run (-ETXTBSY here). Nothing for other files (the initramfs is
 * read-only).
 */
int deny_write_access(struct file *f);
void allow_write_access(struct file *f);

#endif

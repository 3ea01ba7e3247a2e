/* SPDX-License-Identifier: MIT */
/*
 * ext2 (revision 1, 1/2/4 KiB blocks) over the page cache and the block layer's bios
 * (guest/include/guest/blkdev.h; the host tests implement them on a RAM disk): the
 * in-memory superblock and inodes, and the interface the kernel's VFS calls (and the host
 * tests drive through a RAM disk). Freestanding and portable: guest/fs/ext2/ builds into
 * the guest and into the host unit tests.
 *
 * Data of regular files lives in each inode's address_space (page cache, readahead,
 * writeback and mmap of mm/); metadata (superblock, group descriptors, bitmaps, inode
 * tables, indirect blocks, directories) goes through the block device's own page cache
 * (buffer.c), which writes back only the blocks that were dirtied. Every number read from
 * the disk is checked before use: a corrupt image makes the operation fail with -EIO or
 * -EINVAL (and a console line), never a crash.
 *
 * Locking: one CPU, the kernel is not preempted; operations may sleep on page locks
 * (I/O), so a caller must not run two operations on one inode at once.
 */
#ifndef EXT2_H
#define EXT2_H

#include <kern/types.h>
#include <mm/list.h>
#include <mm/pagemap.h>
#include <mm/writeback.h>
#include "ext2_fs.h"
/* The block layer's bio interface; a path from here, for the host tests' build too. */
#include "../../include/guest/blkdev.h"

#define EXT2_BIO_VECS	64		/* segments per bio we build (within max_segs) */

#define EXT2_MOUNT_RDONLY	0x1u

/* Linux's mode bits (the VFS's values). */
#define EXT2_S_IFMT		0170000
#define EXT2_S_IFREG		0100000
#define EXT2_S_IFDIR		0040000
#define EXT2_S_IFLNK		0120000
#define EXT2_ISREG(m)		(((m) & EXT2_S_IFMT) == EXT2_S_IFREG)
#define EXT2_ISDIR(m)		(((m) & EXT2_S_IFMT) == EXT2_S_IFDIR)

struct ext2_sb_info {
	struct block_device *bdev;
	struct address_space bd_mapping;	/* the device's page cache: metadata */
	/* Periodic writeback of every inode's pages and of bd_mapping (written last). */
	struct bdi_writeback wb;
	struct ext2_super_block es;		/* the superblock, written with bd_mapping */
	u16 mount_state;			/* s_state found at mount, | ERROR_FS on errors */
	bool closing;				/* unmounting: ext2_iget() refuses (-EIO) */
	struct ext2_group_desc *gd;		/* every group descriptor */
	unsigned int blocksize, blocksize_bits;
	unsigned int inode_size, inodes_per_block;
	unsigned int addr_per_block, addr_per_block_bits;
	unsigned int desc_per_block, gdt_blocks;
	u32 groups_count, blocks_per_group, inodes_per_group;
	u32 blocks_count, inodes_count, first_data_block, first_ino;
	u32 itb_per_group;			/* inode table blocks per group */
	u64 max_bytes;				/* largest file size */
	bool rdonly;
	unsigned long errors;			/* corruption found since mount */
	struct list_head inodes;		/* in-memory inodes (the inode cache) */
	u32 (*clock)(void);			/* seconds for timestamps (NULL: the image's) */
};

struct ext2_inode_info {
	struct ext2_sb_info *sbi;
	u32 ino;
	int count;				/* ext2_iget() references */
	int writecount;				/* > 0: open for writing, < 0: a running
						 * program's file (Linux's i_writecount) */
	struct ext2_inode raw;			/* on-disk inode (size: mapping.i_size) */
	struct address_space mapping;		/* the page cache of a regular file */
	struct list_head list;			/* on sbi->inodes */
	u32 block_group;
	u32 alloc_goal;				/* next block to try for locality */
};

static inline unsigned int ext2_mode(const struct ext2_inode_info *ei)
{
	return ei->raw.i_mode;
}

static inline u64 ext2_size(const struct ext2_inode_info *ei)
{
	return ei->mapping.i_size;
}

/* ---- mounting (super.c) ---------------------------------------------------------------- */
/*
 * Mount the ext2 filesystem on @bdev: check the superblock (magic, revision, block size,
 * counts, features) and the group descriptors, set up the metadata cache. *@out gets the
 * superblock info. Read-write, as Linux's ext2_fill_super(): s_mnt_count + 1, s_mtime now,
 * and EXT2_VALID_FS cleared on the disk until ext2_umount() (a crash leaves it "not
 * clean"); a line warns about an unchecked filesystem or one with errors. sbi->wb has no
 * wakeup: the kernel's flusher sets it. 0, -EINVAL (not a valid ext2 we support, a line on
 * the console says why), -EIO, -ENOMEM.
 */
int ext2_mount(struct block_device *bdev, unsigned int flags, struct ext2_sb_info **out);
/* Write every dirty page, inode, bitmap and the superblock, and wait. 0 or -EIO. */
int ext2_sync_fs(struct ext2_sb_info *sbi);
/*
 * Sync, restore s_state as found at mount (EXT2_VALID_FS, plus EXT2_ERROR_FS if errors
 * were found), write the superblock, wait for the I/O, and free everything. New inode
 * references are refused from the start (ext2_iget: -EIO). If an inode is still in use
 * after the sync: -EBUSY, synced (a sync error is printed) but still mounted and usable;
 * else 0 or the sync's -EIO (freed all the same).
 */
int ext2_umount(struct ext2_sb_info *sbi);
/* Free and used counts as the superblock keeps them (statfs). */
void ext2_statfs(struct ext2_sb_info *sbi, u64 *blocks, u64 *bfree, u64 *files, u64 *ffree);

/* ---- inodes (inode.c) ------------------------------------------------------------------- */
/* Take a reference to inode @ino (read on first use). 0, -EINVAL (bad number), -EIO. */
int ext2_iget(struct ext2_sb_info *sbi, u32 ino, struct ext2_inode_info **out);
/* Drop a reference: the last one of an unlinked inode frees its blocks and the inode. */
void ext2_iput(struct ext2_inode_info *ei);
/* ftruncate(): shrink (freeing blocks, pages and mappings past the end) or grow (sparse).
 * 0, -EFBIG, -EROFS, -EINVAL (not a regular file), -EIO. */
int ext2_setsize(struct ext2_inode_info *ei, u64 size);
/*
 * Map file block @iblock to a disk block (*@pblk, 0 for a hole), allocating it and any
 * indirect block on the way with @create. 0, -ENOSPC, -EFBIG, -EIO (a pointer out of
 * range or a loop in the indirect blocks).
 */
int ext2_get_block(struct ext2_inode_info *ei, u64 iblock, bool create, u32 *pblk);
extern const struct address_space_operations ext2_aops;

/* ---- directories and names (dir.c, namei.c) ------------------------------------------- */
/* The inode number of @name (@len bytes) in directory @dir. 0, -ENOENT, -ENOTDIR, -EIO. */
int ext2_lookup(struct ext2_inode_info *dir, const char *name, size_t len, u32 *ino);
/* Resolve an absolute @path from the root: a reference on its inode. 0, -ENOENT,
 * -ENOTDIR, -ENAMETOOLONG, -EIO. */
int ext2_namei(struct ext2_sb_info *sbi, const char *path, struct ext2_inode_info **out);
/* Create regular file @name in @dir with permission bits @mode (O_CREAT): a reference on
 * the new inode. 0, -EEXIST, -ENOSPC, -ENAMETOOLONG, -EROFS, -ENOTDIR, -EIO. */
int ext2_create(struct ext2_inode_info *dir, const char *name, size_t len, unsigned int mode,
		struct ext2_inode_info **out);
/* Remove @name (not a directory) from @dir; the inode goes with its last reference.
 * 0, -ENOENT, -EISDIR, -EROFS, -EIO. */
int ext2_unlink(struct ext2_inode_info *dir, const char *name, size_t len);
/*
 * Call @actor for each entry of @dir from byte *@pos on, advancing *@pos past each one;
 * stop when @actor returns non-zero (that entry is not consumed). 0 or -EIO.
 */
int ext2_readdir(struct ext2_inode_info *dir, u64 *pos,
		 int (*actor)(void *ctx, const char *name, unsigned int len, u32 ino,
			      unsigned int type),
		 void *ctx);

/* ---- file data (file.c) ---------------------------------------------------------------- */
/* read(): through the page cache with readahead @ra. Bytes, or -E* when none. */
long ext2_file_read(struct ext2_inode_info *ei, struct file_ra_state *ra, u64 *pos,
		    struct iov_iter *iter);
/* write(): allocating blocks as needed; grows the file. Bytes, or -E* when none. */
long ext2_file_write(struct ext2_inode_info *ei, u64 *pos, struct iov_iter *iter);
/* fsync / fdatasync of bytes [@start, @end]: data, then the metadata. 0 or -EIO. */
int ext2_fsync(struct ext2_inode_info *ei, u64 start, u64 end, int datasync);

/* ---- inside the filesystem -------------------------------------------------------------- */
/*
 * page->private of pages under ext2 I/O (buffer.c): bits 0..7 are the dirty blocks of a
 * metadata page, bits 8..23 count bios in flight on the page (plus one held by whoever
 * is still adding them), bit 24 says one of them failed.
 */
#define EXT2_PG_DIRTY_MASK	0xffUL
#define EXT2_PG_IO_ONE		0x100UL
#define EXT2_PG_IO_MASK		0xffff00UL
#define EXT2_PG_IO_ERROR	0x1000000UL

static inline void ext2_page_io_get(struct page *page)
{
	page->private += EXT2_PG_IO_ONE;
}

/* Drop one I/O of @page with @status; true if it was the last one. */
static inline bool ext2_page_io_put(struct page *page, int status)
{
	if (status)
		page->private |= EXT2_PG_IO_ERROR;
	page->private -= EXT2_PG_IO_ONE;
	return !(page->private & EXT2_PG_IO_MASK);
}

/* The last read I/O of a locked page ended: uptodate unless one failed; unlock. */
void ext2_end_page_read(struct page *page);
/* The last write I/O of a page under writeback ended. */
void ext2_end_page_write(struct page *page);
/* bio completions for pages counted with ext2_page_io_get(). */
void ext2_read_end_io(struct bio *bio);
void ext2_write_end_io(struct bio *bio);

/* A metadata block in the device's page cache (buffer.c). */
struct ext2_buf {
	struct page *page;
	void *data;				/* the block's bytes */
	u32 block;
};

int ext2_bread(struct ext2_sb_info *sbi, u32 block, struct ext2_buf *bh);
/* ext2_bread() of a block about to be overwritten whole: zeroed. */
int ext2_bread_zero(struct ext2_sb_info *sbi, u32 block, struct ext2_buf *bh);
void ext2_bdirty(struct ext2_sb_info *sbi, struct ext2_buf *bh);
void ext2_brelse(struct ext2_buf *bh);
/* A freed block: forget any unwritten metadata for it (it may become file data). */
void ext2_bforget(struct ext2_sb_info *sbi, u32 block);
/* Write the dirty metadata and ask the device to make it durable. 0 or -EIO. */
int ext2_sync_blockdev(struct ext2_sb_info *sbi);
void ext2_bdev_init(struct ext2_sb_info *sbi);
extern const struct address_space_operations ext2_bdev_aops;

/* Report corruption: a console line, counted; returns -EIO for the caller to pass on. */
int ext2_error(struct ext2_sb_info *sbi, const char *fn, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define EXT2_ERROR(sbi, ...)	ext2_error(sbi, __func__, __VA_ARGS__)

/* super.c */
u32 ext2_now(struct ext2_sb_info *sbi);
int ext2_write_group_desc(struct ext2_sb_info *sbi, u32 group);
int ext2_commit_super(struct ext2_sb_info *sbi);
/* ext2_commit_super() if anything but s_wtime differs from the cached on-disk copy. */
int ext2_update_super(struct ext2_sb_info *sbi);
/* Is @block a valid place for file data or an indirect block (in range, not metadata)? */
bool ext2_data_block_ok(struct ext2_sb_info *sbi, u32 block);

/* balloc.c / ialloc.c */
int ext2_new_block(struct ext2_sb_info *sbi, u32 goal, u32 *out);
int ext2_free_block(struct ext2_sb_info *sbi, u32 block);
int ext2_new_inode(struct ext2_sb_info *sbi, u32 group, bool dir, u32 *ino);
int ext2_free_inode(struct ext2_sb_info *sbi, u32 ino, bool dir);

/* dir.c: add an entry (no duplicate check: the caller looked first), remove one. */
int ext2_add_link(struct ext2_inode_info *dir, const char *name, size_t len, u32 ino,
		  unsigned int type);
int ext2_remove_link(struct ext2_inode_info *dir, const char *name, size_t len, u32 *ino);

/* inode.c */
int ext2_write_inode(struct ext2_inode_info *ei);
int ext2_truncate_blocks(struct ext2_inode_info *ei, u64 from);
/* Write a brand-new inode @raw as inode @ino, zeroing the rest of its on-disk slot. */
int ext2_init_inode(struct ext2_sb_info *sbi, u32 ino, const struct ext2_inode *raw);
/* i_blocks counts 512-byte sectors: one fs block is this many. */
static inline u32 ext2_sectors_per_block(const struct ext2_sb_info *sbi)
{
	return sbi->blocksize >> 9;
}

#endif

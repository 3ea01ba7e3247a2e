/* SPDX-License-Identifier: MIT */
/*
 * What mm/ knows of files, as in Linux's <linux/fs.h>: struct address_space (a file's
 * cached pages, its size and the VMAs that map it), the address_space_operations a
 * filesystem gives it (how pages are read and written), the per-open-file readahead state,
 * and the few things mm/ asks of the VFS's struct file, which stays opaque here.
 */
#ifndef MM_FS_H
#define MM_FS_H

#include <kern/types.h>
#include <mm/list.h>
#include <mm/xarray.h>
#include <mm/page_alloc.h>

struct page;
struct file;
struct address_space;
struct readahead_control;
struct writeback_control;
struct bdi_writeback;

/* Writeback errors recorded in mapping->flags until fsync/msync reports them. */
#define AS_EIO		0
#define AS_ENOSPC	1
/* The flusher is writing this mapping (Linux's I_SYNC): its owner must not free it yet. */
#define AS_WB_RUNNING	2

/* Marks in mapping->i_pages. */
#define PAGECACHE_TAG_DIRTY	XA_MARK_0
#define PAGECACHE_TAG_WRITEBACK	XA_MARK_1

/*
 * How a filesystem moves a mapping's pages to and from its storage. Pages handed to the
 * read operations are locked, in the cache and not uptodate: the filesystem sets
 * PG_uptodate when the data is there and unlocks each page when its I/O is over (at once,
 * or from the completion). A page that fails stays not uptodate.
 */
struct address_space_operations {
	/* Read one page. 0 (read started or done) or -E* (page already unlocked). */
	int (*readpage)(struct page *page);
	/* Read the pages of @rac, taken with readahead_page(), in as few requests as it can.
	 * Pages it does not take are unlocked by the caller (and read later by readpage). */
	void (*readahead)(struct readahead_control *rac);
	/* Write the locked page, PG_dirty already cleared by clear_page_dirty_for_io():
	 * set_page_writeback(), unlock, end_page_writeback() when done. 0 or -E*. */
	int (*writepage)(struct page *page, struct writeback_control *wbc);
	/* Write the dirty pages in wbc's range (optional: write_cache_pages + writepage). */
	int (*writepages)(struct address_space *mapping, struct writeback_control *wbc);
	/*
	 * write(): prepare bytes [pos, pos + len) of one page for a copy from the user (find or
	 * create it locked, read it if the copy will not cover it, allocate blocks): *pagep
	 * gets the locked page with a reference. 0 or -E* (-ENOSPC, -EIO, -ENOMEM, -EFBIG).
	 */
	int (*write_begin)(struct address_space *mapping, u64 pos, unsigned int len,
			   struct page **pagep);
	/* write(): @copied of the @len bytes arrived; mark the page dirty, grow i_size if
	 * needed, unlock and drop the page. Return the bytes accepted. */
	int (*write_end)(struct address_space *mapping, u64 pos, unsigned int len,
			 unsigned int copied, struct page *page);
};

struct address_space {
	struct xarray i_pages;		/* pages by index, with the PAGECACHE_TAG_* marks */
	unsigned long nrpages;
	u64 i_size;			/* the file's size (Linux: mapping->host->i_size) */
	const struct address_space_operations *a_ops;
	void *host;			/* the filesystem's inode */
	struct list_head i_mmap;	/* VMAs mapping this file, linked by vma->shared */
	unsigned int ra_pages;		/* readahead maximum in pages (Linux: the bdi's) */
	unsigned long flags;		/* AS_EIO, AS_ENOSPC */
	/* Periodic writeback (mm/fs-writeback.c; Linux keeps these in the inode). */
	struct bdi_writeback *wb;	/* whose dirty list it joins; NULL: none */
	struct list_head i_io_list;	/* on wb->b_dirty while it has dirty pages */
	u64 dirtied_when;		/* arch_clock_ns() when it went from clean to dirty */
};

/* Per open file: where sequential reads were heading (Linux's struct file_ra_state). */
struct file_ra_state {
	pgoff_t start;			/* where the current window starts */
	unsigned int size;		/* pages in the current window */
	unsigned int async_size;	/* start the next window with this many left */
	unsigned int ra_pages;		/* maximum window */
	unsigned int mmap_miss;		/* page-cache misses by mmap faults (read-around) */
	u64 prev_pos;			/* end of the last read(), for random detection */
};

/*
 * Where read() data goes or write() data comes from: a kernel buffer, or user memory
 * through the given copy functions (the guest's copy_to_user/copy_from_user), which
 * return the bytes NOT copied.
 */
struct iov_iter {
	char *buf;			/* next byte (kernel pointer or user address) */
	size_t count;			/* bytes left */
	unsigned long (*copy_out)(void *to, const void *from, unsigned long n);
	unsigned long (*copy_in)(void *to, const void *from, unsigned long n);
};

/* An iov_iter over the kernel buffer [@buf, @buf + @len). */
static inline void iov_iter_kvec(struct iov_iter *i, void *buf, size_t len)
{
	i->buf = buf;
	i->count = len;
	i->copy_out = NULL;
	i->copy_in = NULL;
}

/* ---- what mm/ asks of the VFS's struct file (guest/fs/; tests/unit/lib/ on the host) ---- */
#define FMODE_READ	0x1u
#define FMODE_WRITE	0x2u

/* The page cache of the file's inode (Linux's file->f_mapping). */
struct address_space *file_mapping(struct file *file);
/* The open file's readahead state (Linux's &file->f_ra). */
struct file_ra_state *file_ra_state(struct file *file);
/* FMODE_READ / FMODE_WRITE as opened (Linux's file->f_mode). */
unsigned int file_fmode(struct file *file);
/* fsync of bytes [@start, @end] (data only with @datasync): the filesystem's, normally
 * filemap_write_and_wait_range() plus its metadata. 0 or -E*. msync(MS_SYNC) calls it. */
int vfs_fsync_range(struct file *file, u64 start, u64 end, int datasync);
/* A VMA holds a reference to its file (get_file at mmap and split, fput at unmap). */
void get_file(struct file *file);
void fput(struct file *file);

#endif

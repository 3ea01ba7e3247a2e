/* SPDX-License-Identifier: MIT */
/*
 * Host-test stand-ins for what the page cache and filesystems sit on (tests/unit/lib/):
 * a RAM block device (struct rambd, behind the guest block layer's struct block_device,
 * guest/include/guest/blkdev.h, whose bio functions - bio_alloc, bio_add_page,
 * submit_bio, blkdev_issue_flush - the harness implements on the host) that queues
 * requests until someone waits, completes them in or out of order, counts them, and fails
 * reads or writes of chosen sectors on demand; the page-wait hook that runs those
 * completions (the tests' "scheduler"); a minimal struct file; and linfs, a trivial
 * filesystem whose files are linear runs of the disk, to test mm/ without ext2.
 */
#ifndef UNIT_RAMBD_H
#define UNIT_RAMBD_H

#include <mm/pagemap.h>
#include "guest/include/guest/blkdev.h"

#define RAMBD_MAX_SEGS	64		/* segments per request, as virtio-blk's seg_max */

/* ---- the RAM block device ---------------------------------------------------------- */
struct rambd {
	struct block_device bdev;
	u8 *data;
	u64 size;			/* bytes, a multiple of SECTOR_SIZE */
	/* What reached the device: requests (bios) and bytes, by operation. */
	unsigned long reads, writes, flushes;
	unsigned long read_bytes, write_bytes;
	unsigned long max_read_bytes;	/* largest read request */
	u32 read_log[256];		/* sizes of the first 256 read requests */
	/* Failure injection: a read (write) touching sectors [fail_start, fail_end) fails
	 * with -EIO while fail_reads (fail_writes) is non-zero (decremented; -1: always). */
	u64 fail_start, fail_end;
	int fail_reads, fail_writes;
	/* Completion: queued until rambd_run() or a page wait (the default), or at once. */
	bool sync;
	bool reverse;			/* complete the queue newest first */
	unsigned int npending;
	struct bio *pending;		/* submission order, linked by bi_next */
	struct rambd *next_rd;		/* every live disk, for the page-wait hook */
};

/* A zeroed disk of @size bytes (a multiple of 512). Aborts when out of memory. */
struct rambd *rambd_create(u64 size);
/* A disk holding the contents of image file @path (size: the file's). NULL on error. */
struct rambd *rambd_load(const char *path);
/* Write the disk's contents to @path. 0 or -errno. */
int rambd_save(struct rambd *rd, const char *path);
/* Complete every queued request (rd->reverse: newest first). Return how many. */
unsigned int rambd_run(struct rambd *rd);
/* Free the disk; requests still queued are a test bug (abort). */
void rambd_destroy(struct rambd *rd);

/* ---- sleeping: the page-wait hook ------------------------------------------------------ */
/*
 * Install page-wait ops whose wait runs unit_page_wait_hook (if set), then completes the
 * queued requests of every disk; waiting with nothing queued is a deadlock: panic.
 */
void unit_page_wait_init(void);
extern void (*unit_page_wait_hook)(struct page *page, enum pageflags bit);
extern unsigned long unit_page_waits;	/* waits so far */

/* ---- a minimal struct file --------------------------------------------------------------- */
struct file {
	int count;
	unsigned int f_mode;		/* FMODE_READ | FMODE_WRITE */
	struct address_space *f_mapping;
	struct file_ra_state f_ra;
	/* vfs_fsync_range(); NULL: filemap_write_and_wait_range() */
	int (*fsync)(struct file *file, u64 start, u64 end, int datasync);
	void *private_data;
};

/* A file open on @mapping with @fmode and one reference (fput frees it). */
struct file *unit_file_open(struct address_space *mapping, unsigned int fmode);

/* ---- linfs: files as linear runs of a disk -------------------------------------------- */
struct linfs_file {
	struct address_space mapping;
	struct rambd *rd;
	u64 base;			/* byte offset of page 0 on the disk (page aligned) */
	u64 max_size;			/* write_begin beyond this: -EFBIG */
	unsigned long readpages, readaheads;	/* a_ops calls */
};

/* A file of @size bytes whose page i lives at disk byte @base + i * PAGE_SIZE. */
void linfs_init(struct linfs_file *lf, struct rambd *rd, u64 base, u64 size, u64 max_size);
extern const struct address_space_operations linfs_aops;

#endif

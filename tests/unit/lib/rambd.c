// SPDX-License-Identifier: MIT
/*
 * The host tests' block device, sleeping hook, struct file and linfs (see
 * tests/unit/include/rambd.h): requests queue on the RAM disk until a page wait runs them,
 * which is how the tests see pages locked under I/O, waiters, and completion order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mm/pagemap.h>
#include <mm/slab.h>
#include "rambd.h"

static struct rambd *all_disks;
static int nr_disks;

/* ---- the RAM block device ---------------------------------------------------------- */

static u64 bio_end_sector(const struct bio *bio)
{
	return bio->bi_sector + (bio_bytes(bio) >> SECTOR_SHIFT);
}

/* Should this request fail? Consumes one failure of the matching kind. */
static bool rambd_should_fail(struct rambd *rd, const struct bio *bio)
{
	int *left = bio->bi_op == REQ_OP_READ ? &rd->fail_reads : &rd->fail_writes;

	if (bio->bi_op == REQ_OP_FLUSH || !*left)
		return false;
	if (bio_end_sector(bio) <= rd->fail_start || bio->bi_sector >= rd->fail_end)
		return false;
	if (*left > 0)
		(*left)--;
	return true;
}

/* Do the transfer of @bio and complete it. */
static void rambd_complete(struct rambd *rd, struct bio *bio)
{
	u64 off = bio->bi_sector << SECTOR_SHIFT;
	unsigned int i;

	bio->bi_status = 0;
	if (rambd_should_fail(rd, bio)) {
		bio->bi_status = -EIO;
		bio->bi_end_io(bio);
		return;
	}
	for (i = 0; i < bio->bi_vcnt; i++) {
		const struct bio_vec *bv = &bio->bi_io_vec[i];
		char *mem = (char *)page_address(bv->bv_page) + bv->bv_offset;

		if (bio->bi_op == REQ_OP_READ)
			memcpy(mem, rd->data + off, bv->bv_len);
		else if (bio->bi_op == REQ_OP_WRITE)
			memcpy(rd->data + off, mem, bv->bv_len);
		off += bv->bv_len;
	}
	bio->bi_end_io(bio);
}

/* ---- the block layer's bio interface, on the host -------------------------------------- */

/* bio_alloc, bio_put, bio_add_page and bio_bytes are the guest's own, guest/block/bio.c. */

/* A subset of the guest's bio_check() (guest/block/bio_submit.c): a bad bio completes at
 * once with its error. */
static int rambd_check(const struct bio *bio)
{
	const struct block_device *bdev = bio->bi_bdev;
	u64 bytes = bio_bytes(bio);

	if (bio->bi_op == REQ_OP_FLUSH)
		return bio->bi_vcnt ? -EINVAL : 0;
	if (!bytes || bytes % SECTOR_SIZE || bio->bi_vcnt > bdev->max_segs)
		return -EINVAL;
	if (bio->bi_sector > bdev->nr_sectors ||
	    (bytes >> SECTOR_SHIFT) > bdev->nr_sectors - bio->bi_sector)
		return -EIO;
	return 0;
}

void submit_bio(struct bio *bio)
{
	struct rambd *rd = bio->bi_bdev->private;
	struct bio **p;
	int err = rambd_check(bio);

	if (err) {
		fprintf(stderr, "rambd: bio refused (%d): a caller bug\n", err);
		bio->bi_status = err;
		bio->bi_end_io(bio);
		return;
	}
	switch (bio->bi_op) {
	case REQ_OP_READ:
		if (rd->reads < ARRAY_SIZE(rd->read_log))
			rd->read_log[rd->reads] = bio_bytes(bio);
		rd->reads++;
		rd->read_bytes += bio_bytes(bio);
		if (bio_bytes(bio) > rd->max_read_bytes)
			rd->max_read_bytes = bio_bytes(bio);
		break;
	case REQ_OP_WRITE:
		rd->writes++;
		rd->write_bytes += bio_bytes(bio);
		break;
	default:
		rd->flushes++;
		break;
	}
	if (rd->sync) {
		rambd_complete(rd, bio);
		return;
	}
	bio->bi_next = NULL;
	for (p = &rd->pending; *p; p = &(*p)->bi_next)
		;
	*p = bio;
	rd->npending++;
}

/* A flush waits on a page lock: the harness's one way to sleep. */
static void flush_end_io(struct bio *bio)
{
	struct page *token = bio->bi_private;

	token->private = bio->bi_status ? 1 : 0;
	unlock_page(token);
	bio_put(bio);
}

int blkdev_issue_flush(struct block_device *bdev)
{
	struct page *token = alloc_page(GFP_KERNEL);
	struct bio *bio = bio_alloc(bdev, REQ_OP_FLUSH, 0, 0, GFP_KERNEL);
	int err;

	if (!token || !bio)
		abort();
	trylock_page(token);
	bio->bi_private = token;
	bio->bi_end_io = flush_end_io;
	submit_bio(bio);
	wait_on_page_locked(token);
	err = token->private ? -EIO : 0;
	token->private = 0;
	put_page(token);
	return err;
}

unsigned int rambd_run(struct rambd *rd)
{
	unsigned int n = 0;

	while (rd->pending) {
		struct bio **p = &rd->pending, *bio;

		if (rd->reverse)
			while ((*p)->bi_next)
				p = &(*p)->bi_next;
		bio = *p;
		*p = bio->bi_next;
		rd->npending--;
		rambd_complete(rd, bio);	/* may queue more: the loop runs those too */
		n++;
	}
	return n;
}

struct rambd *rambd_create(u64 size)
{
	struct rambd *rd = calloc(1, sizeof(*rd));

	if (!rd || size % SECTOR_SIZE || !(rd->data = calloc(1, size ? size : 1))) {
		fprintf(stderr, "rambd_create: cannot make a %llu-byte disk\n",
			(unsigned long long)size);
		abort();
	}
	rd->size = size;
	snprintf(rd->bdev.name, sizeof(rd->bdev.name), "ram%d", ++nr_disks);
	rd->bdev.nr_sectors = size >> SECTOR_SHIFT;
	rd->bdev.max_segs = RAMBD_MAX_SEGS;
	rd->bdev.flush = true;
	rd->bdev.private = rd;
	rd->next_rd = all_disks;
	all_disks = rd;
	return rd;
}

struct rambd *rambd_load(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct rambd *rd;
	long size;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	rd = rambd_create(ALIGN_UP((u64)size, SECTOR_SIZE));
	if (size && fread(rd->data, size, 1, f) != 1) {
		fclose(f);
		rambd_destroy(rd);
		return NULL;
	}
	fclose(f);
	return rd;
}

int rambd_save(struct rambd *rd, const char *path)
{
	FILE *f = fopen(path, "wb");
	int err = 0;

	if (!f)
		return -errno;
	if (fwrite(rd->data, rd->size, 1, f) != 1)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

void rambd_destroy(struct rambd *rd)
{
	struct rambd **p;

	if (rd->npending) {
		fprintf(stderr, "rambd_destroy: %u requests still queued\n", rd->npending);
		abort();
	}
	for (p = &all_disks; *p; p = &(*p)->next_rd)
		if (*p == rd) {
			*p = rd->next_rd;
			break;
		}
	free(rd->data);
	free(rd);
}

/* ---- sleeping ------------------------------------------------------------------------------ */

void (*unit_page_wait_hook)(struct page *page, enum pageflags bit);
unsigned long unit_page_waits;

static void unit_page_wait(struct page *page, enum pageflags bit)
{
	unsigned int done = 0;
	struct rambd *rd;

	unit_page_waits++;
	if (unit_page_wait_hook)
		unit_page_wait_hook(page, bit);
	if (!PageFlag(page, bit))
		return;
	for (rd = all_disks; rd; rd = rd->next_rd)
		done += rambd_run(rd);
	if (!done && PageFlag(page, bit))
		panic("page %#lx: waiting for bit %d, but no I/O is queued (deadlock)",
		      page_to_pfn(page), bit);
}

static const struct page_wait_ops unit_page_wait_ops = {
	.wait = unit_page_wait,
};

void unit_page_wait_init(void)
{
	set_page_wait_ops(&unit_page_wait_ops);
	unit_page_wait_hook = NULL;
	unit_page_waits = 0;
}

/* ---- struct file ---------------------------------------------------------------------------- */

struct file *unit_file_open(struct address_space *mapping, unsigned int fmode)
{
	struct file *f = calloc(1, sizeof(*f));

	if (!f)
		abort();
	f->count = 1;
	f->f_mode = fmode;
	f->f_mapping = mapping;
	file_ra_state_init(&f->f_ra, mapping);
	return f;
}

struct address_space *file_mapping(struct file *file)
{
	return file->f_mapping;
}

struct file_ra_state *file_ra_state(struct file *file)
{
	return &file->f_ra;
}

unsigned int file_fmode(struct file *file)
{
	return file->f_mode;
}

void get_file(struct file *file)
{
	BUG_ON(file->count <= 0);
	file->count++;
}

void fput(struct file *file)
{
	BUG_ON(file->count <= 0);
	if (--file->count == 0)
		free(file);
}

int vfs_fsync_range(struct file *file, u64 start, u64 end, int datasync)
{
	if (file->fsync)
		return file->fsync(file, start, end, datasync);
	return filemap_write_and_wait_range(file->f_mapping, start, end);
}

/* ---- linfs ---------------------------------------------------------------------------------- */

static struct linfs_file *linfs_of(struct address_space *mapping)
{
	return mapping->host;
}

static u64 linfs_sector(const struct linfs_file *lf, pgoff_t index)
{
	return (lf->base + ((u64)index << PAGE_SHIFT)) >> SECTOR_SHIFT;
}

/* Reads: every page of the bio becomes uptodate (or not) and is unlocked. What lies past
 * i_size in the last page reads as zeroes, as in every Linux filesystem. */
static void linfs_read_end_io(struct bio *bio)
{
	unsigned int i;

	for (i = 0; i < bio->bi_vcnt; i++) {
		struct page *page = bio->bi_io_vec[i].bv_page;
		u64 isize = page_mapping(page)->i_size, start = (u64)page->index << PAGE_SHIFT;
		u64 valid = isize > start ? MIN(isize - start, PAGE_SIZE) : 0;

		if (!bio->bi_status) {
			memset((char *)page_address(page) + valid, 0, PAGE_SIZE - valid);
			SetPageUptodate(page);
		}
		unlock_page(page);
	}
	bio_put(bio);
}

static void linfs_write_end_io(struct bio *bio)
{
	unsigned int i;

	for (i = 0; i < bio->bi_vcnt; i++) {
		struct page *page = bio->bi_io_vec[i].bv_page;

		if (bio->bi_status)
			mapping_set_error(page_mapping(page), bio->bi_status);
		end_page_writeback(page);
	}
	bio_put(bio);
}

static int linfs_readpage(struct page *page)
{
	struct linfs_file *lf = linfs_of(page_mapping(page));
	struct bio *bio = bio_alloc(&lf->rd->bdev, REQ_OP_READ, linfs_sector(lf, page->index), 1,
				    GFP_KERNEL);

	lf->readpages++;
	if (!bio) {
		unlock_page(page);
		return -ENOMEM;
	}
	bio_add_page(bio, page, PAGE_SIZE, 0);
	bio->bi_end_io = linfs_read_end_io;
	submit_bio(bio);
	return 0;
}

/* One bio per run of pages (they are contiguous on the disk), RAMBD_MAX_SEGS at most. */
static void linfs_readahead(struct readahead_control *rac)
{
	struct linfs_file *lf = linfs_of(rac->mapping);
	struct bio *bio = NULL;
	struct page *page;

	lf->readaheads++;
	while ((page = readahead_page(rac)) != NULL) {
		if (bio && bio_add_page(bio, page, PAGE_SIZE, 0)) {
			submit_bio(bio);
			bio = NULL;
		}
		if (!bio) {
			bio = bio_alloc(&lf->rd->bdev, REQ_OP_READ, linfs_sector(lf, page->index),
					RAMBD_MAX_SEGS, GFP_KERNEL);
			if (!bio) {
				unlock_page(page);
				continue;
			}
			bio->bi_end_io = linfs_read_end_io;
			bio_add_page(bio, page, PAGE_SIZE, 0);
		}
	}
	if (bio)
		submit_bio(bio);
}

static int linfs_writepage(struct page *page, struct writeback_control *wbc)
{
	struct address_space *mapping = page_mapping(page);
	struct linfs_file *lf = linfs_of(mapping);
	u64 isize = mapping->i_size;
	struct bio *bio;

	/* The part past i_size may hold junk written through a mapping: it goes as zeroes. */
	if (((u64)page->index << PAGE_SHIFT) + PAGE_SIZE > isize && isize > (u64)page->index <<
	    PAGE_SHIFT)
		memset((char *)page_address(page) + (isize & ~PAGE_MASK), 0,
		       PAGE_SIZE - (isize & ~PAGE_MASK));
	bio = bio_alloc(&lf->rd->bdev, REQ_OP_WRITE, linfs_sector(lf, page->index), 1,
			GFP_KERNEL);
	if (!bio) {
		set_page_dirty(page);
		unlock_page(page);
		return -ENOMEM;
	}
	set_page_writeback(page);
	unlock_page(page);
	bio_add_page(bio, page, PAGE_SIZE, 0);
	bio->bi_end_io = linfs_write_end_io;
	submit_bio(bio);
	return 0;
}

static int linfs_write_begin(struct address_space *mapping, u64 pos, unsigned int len,
			     struct page **pagep)
{
	if (pos + len > linfs_of(mapping)->max_size)
		return -EFBIG;
	return generic_write_begin(mapping, pos, len, pagep);
}

const struct address_space_operations linfs_aops = {
	.readpage = linfs_readpage,
	.readahead = linfs_readahead,
	.writepage = linfs_writepage,
	.write_begin = linfs_write_begin,
	.write_end = generic_write_end,
};

void linfs_init(struct linfs_file *lf, struct rambd *rd, u64 base, u64 size, u64 max_size)
{
	memset(lf, 0, sizeof(*lf));
	address_space_init(&lf->mapping, &linfs_aops, lf);
	lf->mapping.i_size = size;
	lf->rd = rd;
	lf->base = base;
	lf->max_size = max_size;
}

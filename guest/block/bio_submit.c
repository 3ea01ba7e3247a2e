// SPDX-License-Identifier: MIT
/*
 * Submitting bios: checking them, and waiting for them. A refused bio completes at once with
 * its error; a good one goes to guest/block/blk_core.c to be merged and dispatched, and
 * completes from the driver's interrupt handler. Building bios is guest/block/bio.c.
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/string.h>
#include <asm/irq.h>
#include <guest/blkdev.h>
#include <guest/sched.h>
#include <mm/slab.h>

/* Is @bio's data well formed: each segment non-empty and inside its page, whole sectors,
 * at most BLK_MAX_REQUEST_BYTES? */
static bool bio_data_ok(const struct bio *bio)
{
	u64 bytes = 0;
	unsigned int i;

	for (i = 0; i < bio->bi_vcnt; i++) {
		const struct bio_vec *v = &bio->bi_io_vec[i];

		if (!v->bv_page || !v->bv_len || v->bv_offset >= PAGE_SIZE ||
		    v->bv_len > PAGE_SIZE - v->bv_offset)
			return false;
		bytes += v->bv_len;
	}
	return bytes && bytes % SECTOR_SIZE == 0 && bytes <= BLK_MAX_REQUEST_BYTES;
}

/* Return 0 if @bio may go to its device, else the error it completes with. */
static int bio_check(const struct bio *bio)
{
	const struct block_device *bdev = bio->bi_bdev;
	u64 sectors;

	if (!bdev)
		return -ENODEV;
	switch (bio->bi_op) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		if (!bio_data_ok(bio) || bio_phys_segs(bio) > bdev->max_segs)
			return -EINVAL;
		sectors = bio_bytes(bio) >> SECTOR_SHIFT;
		if (bio->bi_sector > bdev->nr_sectors ||
		    sectors > bdev->nr_sectors - bio->bi_sector)
			return -EIO;
		if (bio->bi_op == REQ_OP_WRITE && bdev->read_only)
			return -EROFS;
		return 0;
	case REQ_OP_FLUSH:
		return bio->bi_vcnt ? -EINVAL : 0;
	case REQ_OP_GET_ID:
		if (bio->bi_vcnt != 1 || !bio->bi_io_vec[0].bv_page || !bio->bi_io_vec[0].bv_len ||
		    bio->bi_io_vec[0].bv_offset >= PAGE_SIZE ||
		    bio->bi_io_vec[0].bv_len > PAGE_SIZE - bio->bi_io_vec[0].bv_offset)
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

/* Complete @bio now, with @status. */
static void bio_endio(struct bio *bio, int status)
{
	bio->bi_status = status;
	if (bio->bi_end_io)
		bio->bi_end_io(bio);
}

void submit_bio(struct bio *bio)
{
	unsigned long flags;
	int err;

	local_irq_save(flags);
	bio->bi_next = NULL;
	bio->bi_status = 0;
	err = bio_check(bio);
	if (err) {
		if (bio->bi_bdev)
			bio->bi_bdev->stats.errors++;
		bio_endio(bio, err);
	} else if (bio->bi_op == REQ_OP_FLUSH && !bio->bi_bdev->flush) {
		bio->bi_bdev->stats.bios++;
		bio_endio(bio, 0);	/* no write cache: completed writes are durable */
	} else {
		blk_queue_bio(bio);
	}
	local_irq_restore(flags);
}

struct bio_waiter {
	bool done;
	struct wait_queue_head wait;
};

static void submit_bio_wait_endio(struct bio *bio)
{
	struct bio_waiter *w = bio->bi_private;

	w->done = true;
	wake_up(&w->wait);
}

int submit_bio_wait_fn(struct bio *bio, int (*submit)(struct bio *bio, void *arg), void *arg)
{
	struct bio_waiter w = { .done = false };
	unsigned long flags;
	int err;

	init_waitqueue_head(&w.wait);
	bio->bi_private = &w;
	bio->bi_end_io = submit_bio_wait_endio;
	local_irq_save(flags);
	err = submit(bio, arg);
	if (!err) {
		blk_flush_plug();	/* a held bio would never complete */
		/* Interrupts off: the completion cannot come between the check and the sleep. */
		wait_event(w.wait, READ_ONCE(w.done));
		err = bio->bi_status;
	}
	local_irq_restore(flags);
	return err;
}

static int submit_bio_fn(struct bio *bio, void *arg)
{
	submit_bio(bio);
	return 0;
}

int submit_bio_wait(struct bio *bio)
{
	return submit_bio_wait_fn(bio, submit_bio_fn, NULL);
}

int blkdev_issue_flush(struct block_device *bdev)
{
	struct bio bio;

	bio_init(&bio, bdev, REQ_OP_FLUSH, 0, NULL, 0);
	return submit_bio_wait(&bio);
}

int blkdev_get_id(struct block_device *bdev, char *buf, size_t len)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	struct bio_vec vec;
	struct bio bio;
	int err;

	if (!len)
		return -EINVAL;
	if (!page)
		return -ENOMEM;
	bio_init(&bio, bdev, REQ_OP_GET_ID, 0, &vec, 1);
	bio_add_page(&bio, page, BLK_ID_BYTES, 0);
	err = submit_bio_wait(&bio);
	if (!err) {
		len = MIN(len - 1, (size_t)BLK_ID_BYTES);
		memcpy(buf, page_address(page), len);
		buf[len] = '\0';
	}
	__free_pages(page, 0);
	return err;
}

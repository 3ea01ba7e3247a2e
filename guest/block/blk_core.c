// SPDX-License-Identifier: MIT
/*
 * Requests: merging bios into them, plugging, dispatch to the driver, completion, and the
 * list of block devices. A bio that starts where the last waiting request of its device
 * ends (same direction, room for its segments) joins it; otherwise it opens a request of
 * its own. Requests wait on the submitting task's plug or on the device's queue; the queue
 * drains into the driver until it is full and refills from each completion.
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/string.h>
#include <asm/irq.h>
#include <guest/blkdev.h>
#include <guest/sched.h>

static LIST_HEAD(blk_devices);
static struct blk_plug *active_plug;	/* one CPU: at most one task's plug at a time */

/* Do the two pieces touch in physical memory (@a ends where @b starts)? */
static bool bvec_contiguous(const struct bio_vec *a, const struct bio_vec *b)
{
	return page_to_phys(a->bv_page) + a->bv_offset + a->bv_len ==
	       page_to_phys(b->bv_page) + b->bv_offset;
}

unsigned int bio_phys_segs(const struct bio *bio)
{
	unsigned int i, n = bio->bi_vcnt ? 1 : 0;

	for (i = 1; i < bio->bi_vcnt; i++)
		if (!bvec_contiguous(&bio->bi_io_vec[i - 1], &bio->bi_io_vec[i]))
			n++;
	return n;
}

struct request *blk_rq_from_bio(struct bio *bio)
{
	struct request *rq = &bio->bi_rq;

	INIT_LIST_HEAD(&rq->queuelist);
	rq->bdev = bio->bi_bdev;
	rq->bio = rq->biotail = bio;
	rq->op = bio->bi_op;
	rq->sector = bio->bi_sector;
	rq->bytes = bio_bytes(bio);
	rq->nr_bios = 1;
	rq->nr_segs = bio_phys_segs(bio);
	return rq;
}

/* Append @bio to @rq if it continues it; return whether it did. */
static bool blk_rq_merge(struct request *rq, struct bio *bio)
{
	const struct bio *tail = rq->biotail;
	u32 bytes = bio_bytes(bio);
	unsigned int segs;

	if (rq->bdev != bio->bi_bdev || rq->op != bio->bi_op ||
	    (rq->op != REQ_OP_READ && rq->op != REQ_OP_WRITE))
		return false;
	if (rq->sector + (rq->bytes >> SECTOR_SHIFT) != bio->bi_sector ||
	    bytes > BLK_MAX_REQUEST_BYTES - rq->bytes)
		return false;
	segs = rq->nr_segs + bio_phys_segs(bio);
	if (bvec_contiguous(&tail->bi_io_vec[tail->bi_vcnt - 1], &bio->bi_io_vec[0]))
		segs--;
	if (segs > rq->bdev->max_segs)
		return false;
	rq->biotail->bi_next = bio;
	rq->biotail = bio;
	rq->bytes += bytes;
	rq->nr_bios++;
	rq->nr_segs = segs;
	return true;
}

/* The last request on @list that belongs to @bdev, or NULL. */
static struct request *blk_last_request(struct list_head *list, struct block_device *bdev)
{
	struct list_head *p;

	for (p = list->prev; p != list; p = p->prev) {
		struct request *rq = list_entry(p, struct request, queuelist);

		if (rq->bdev == bdev)
			return rq;
	}
	return NULL;
}

static struct blk_plug *current_plug(void)
{
	return active_plug && active_plug->task == current ? active_plug : NULL;
}

void blk_queue_bio(struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;
	struct blk_plug *plug = current_plug();
	struct list_head *list = plug ? &plug->requests : &bdev->queue;
	struct request *rq = blk_last_request(list, bdev);

	bdev->stats.bios++;
	if (rq && blk_rq_merge(rq, bio)) {
		bdev->stats.merges++;
		return;		/* the queue did not move: the driver is still full */
	}
	rq = blk_rq_from_bio(bio);
	list_add_tail(&rq->queuelist, list);
	if (!plug)
		blk_run_queue(bdev);
}

void blk_start_plug(struct blk_plug *plug)
{
	INIT_LIST_HEAD(&plug->requests);
	plug->task = current;
	if (!active_plug)
		active_plug = plug;
}

void blk_flush_plug(void)
{
	struct blk_plug *plug = current_plug();
	struct block_device *bdev = NULL;
	unsigned long flags;

	if (!plug)
		return;
	local_irq_save(flags);
	while (!list_empty(&plug->requests)) {
		struct request *rq = list_first_entry(&plug->requests, struct request, queuelist);

		list_del_init(&rq->queuelist);
		if (bdev && bdev != rq->bdev)
			blk_run_queue(bdev);
		bdev = rq->bdev;
		list_add_tail(&rq->queuelist, &bdev->queue);
	}
	if (bdev)
		blk_run_queue(bdev);
	local_irq_restore(flags);
}

void blk_finish_plug(struct blk_plug *plug)
{
	if (active_plug != plug)
		return;		/* an inner plug: the outer one dispatches */
	blk_flush_plug();
	active_plug = NULL;
}

void blk_run_queue(struct block_device *bdev)
{
	unsigned int dispatched = 0;
	unsigned long flags;
	int err;

	local_irq_save(flags);
	while (!list_empty(&bdev->queue)) {
		struct request *rq = list_first_entry(&bdev->queue, struct request, queuelist);

		err = bdev->ops->queue_rq(bdev, rq);
		if (err == -EBUSY) {
			/* Full: a completion will call us again, so one must be pending. */
			BUG_ON(!bdev->in_flight);
			break;
		}
		list_del_init(&rq->queuelist);
		bdev->in_flight++;
		if (err) {
			blk_end_request(rq, err);
			continue;
		}
		bdev->stats.requests++;
		bdev->stats.segments += rq->nr_segs;
		dispatched++;
	}
	if (dispatched)
		bdev->ops->commit_rqs(bdev);
	local_irq_restore(flags);
}

void blk_end_request(struct request *rq, int status)
{
	struct block_device *bdev = rq->bdev;
	struct bio *bio = rq->bio, *next;

	BUG_ON(!bdev->in_flight);
	bdev->in_flight--;
	bdev->stats.completed++;
	if (!status && rq->op == REQ_OP_READ)
		bdev->stats.sectors_read += rq->bytes >> SECTOR_SHIFT;
	else if (!status && rq->op == REQ_OP_WRITE)
		bdev->stats.sectors_written += rq->bytes >> SECTOR_SHIFT;
	else if (!status && rq->op == REQ_OP_FLUSH)
		bdev->stats.flushes++;
	/* @rq lives in the first bio, which its bi_end_io may free: nothing reads it below. */
	for (; bio; bio = next) {
		next = bio->bi_next;
		bio->bi_next = NULL;
		bio->bi_status = status;
		if (status)
			bdev->stats.errors++;
		if (bio->bi_end_io)
			bio->bi_end_io(bio);
	}
}

unsigned int blk_rq_map_segs(const struct request *rq, struct blk_seg *segs, unsigned int max)
{
	const struct bio_vec *prev = NULL;
	const struct bio *bio;
	unsigned int n = 0, i;

	for (bio = rq->bio; bio; bio = bio->bi_next) {
		for (i = 0; i < bio->bi_vcnt; i++) {
			const struct bio_vec *v = &bio->bi_io_vec[i];

			if (prev && bvec_contiguous(prev, v)) {
				segs[n - 1].len += v->bv_len;
			} else {
				BUG_ON(n == max);
				segs[n].pa = page_to_phys(v->bv_page) + v->bv_offset;
				segs[n].len = v->bv_len;
				n++;
			}
			prev = v;
		}
	}
	BUG_ON(n != rq->nr_segs);
	return n;
}

int blkdev_register(struct block_device *bdev)
{
	if (!bdev->name[0] || !bdev->nr_sectors || !bdev->max_segs || !bdev->ops ||
	    !bdev->ops->queue_rq || !bdev->ops->commit_rqs)
		return -EINVAL;
	if (blkdev_get_by_role(bdev->name))
		return -EEXIST;
	INIT_LIST_HEAD(&bdev->queue);
	bdev->in_flight = 0;
	memset(&bdev->stats, 0, sizeof(bdev->stats));
	list_add_tail(&bdev->list, &blk_devices);
	return 0;
}

struct block_device *blkdev_get_by_role(const char *role)
{
	struct block_device *bdev;

	list_for_each_entry(bdev, &blk_devices, list)
		if (!strcmp(bdev->name, role))
			return bdev;
	return NULL;
}

/* SPDX-License-Identifier: MIT */
/*
 * The block layer (guest/block/): a bio is one transfer (a sector, (page, offset, length)
 * segments, an op, a status, a completion callback); bios that continue each other are
 * merged into one request, which a driver turns into one device request; a struct
 * block_device per disk, found by its role ("disk", "swap"). Submission is asynchronous
 * (submit_bio()); submit_bio_wait() sleeps until the interrupt that completes the bio.
 *
 * Locking: one CPU, and the kernel runs with interrupts off, so "interrupts off" is the
 * lock; every entry point also works when called with them on (it saves and restores).
 * Completions run in the driver's interrupt handler, with interrupts off.
 */
#ifndef GUEST_BLKDEV_H
#define GUEST_BLKDEV_H

#include <kern/types.h>
#include <mm/list.h>
#include <mm/page_alloc.h>

#define SECTOR_SHIFT		9
#define SECTOR_SIZE		(1U << SECTOR_SHIFT)
#define BLK_MAX_REQUEST_BYTES	(1U << 20)	/* one request moves at most 1 MiB */
#define BLK_NAME_LEN		16
#define BLK_ID_BYTES		20		/* an identity string, NUL-padded */

enum req_op {
	REQ_OP_READ,		/* device -> pages */
	REQ_OP_WRITE,		/* pages -> device */
	REQ_OP_FLUSH,		/* make completed writes durable; no data */
	REQ_OP_GET_ID,		/* the device's identity string into one segment */
};

struct bio_vec {
	struct page *bv_page;
	u32 bv_offset;		/* bv_offset + bv_len <= PAGE_SIZE */
	u32 bv_len;
};

struct bio;
struct block_device;

/*
 * One device request: bios in ascending sector order, each starting where the previous
 * one ended, linked by bi_next. It lives in its first bio (bio->bi_rq), so merging and
 * submitting never allocate.
 */
struct request {
	struct list_head queuelist;	/* on a plug or the device's queue until dispatched */
	struct block_device *bdev;
	struct bio *bio, *biotail;
	enum req_op op;
	u64 sector;
	u32 bytes;
	u16 nr_bios;
	u16 nr_segs;			/* physically contiguous pieces, <= bdev->max_segs */
};

typedef void (*bio_end_io_t)(struct bio *bio);

struct bio {
	struct block_device *bi_bdev;
	enum req_op bi_op;
	u64 bi_sector;			/* 512-byte units */
	struct bio_vec *bi_io_vec;
	u16 bi_vcnt, bi_max_vecs;
	int bi_status;			/* 0 or -E*, valid in bi_end_io */
	bio_end_io_t bi_end_io;		/* called once, interrupts off; may free the bio */
	void *bi_private;
	/* The block layer's: */
	struct bio *bi_next;		/* the next bio of the same request */
	struct request bi_rq;		/* the request this bio opens, if it is the first */
	struct bio_vec bi_inline_vecs[];	/* bio_alloc()'s vectors */
};

/* Counters of one device (cumulative since boot). */
struct blk_stats {
	u64 bios;		/* accepted by submit_bio() */
	u64 merges;		/* bios that joined a request another bio opened */
	u64 requests;		/* requests given to the driver */
	u64 segments;		/* physical segments in those requests */
	u64 completed;		/* requests completed by the driver */
	u64 errors;		/* bios that completed with an error, refused ones included */
	u64 sectors_read, sectors_written, flushes;
	u64 kicks;		/* the driver's notifications to the device */
	u64 interrupts;		/* the device's interrupts the driver handled */
};

struct block_device_ops {
	/*
	 * Start @rq on the device. Return 0, -EBUSY when the device has no room now (the
	 * request stays first in the queue and is retried after the next completion), or
	 * another -E* with which the request fails. Interrupts are off.
	 */
	int (*queue_rq)(struct block_device *bdev, struct request *rq);
	/* After one or more successful queue_rq() calls: tell the device (a kick). */
	void (*commit_rqs)(struct block_device *bdev);
};

struct block_device {
	char name[BLK_NAME_LEN];	/* its role: "disk", "swap" */
	u64 nr_sectors;
	u32 block_size;			/* the device's preferred block size, bytes */
	u16 max_segs;			/* physical segments per request */
	bool read_only;			/* writes fail with -EROFS before reaching the device */
	bool flush;			/* the device has a write cache to flush */
	const struct block_device_ops *ops;
	void *private;			/* the driver's */
	struct list_head queue;		/* requests waiting for the driver, in submission order */
	unsigned int in_flight;		/* requests the driver holds */
	struct list_head list;		/* all block devices */
	struct blk_stats stats;
};

/* Batches bios a task submits; blk_finish_plug() merges and dispatches them together. */
struct blk_plug {
	struct list_head requests;
	void *task;			/* the task that started it */
};

/* ---- bios (guest/block/bio.c) ------------------------------------------------------- */
/* Set up @bio for @op at @sector of @bdev with room for @max_vecs segments at @vecs. */
void bio_init(struct bio *bio, struct block_device *bdev, enum req_op op, u64 sector,
	      struct bio_vec *vecs, u16 max_vecs);
/* A bio with @nr_vecs inline segments from kmalloc(), or NULL; free it with bio_put(). */
struct bio *bio_alloc(struct block_device *bdev, enum req_op op, u64 sector, u16 nr_vecs,
		      gfp_t gfp);
void bio_put(struct bio *bio);
/* Append [@off, @off + @len) of @page. Returns 0, -E2BIG (no room) or -EINVAL. */
int bio_add_page(struct bio *bio, struct page *page, u32 len, u32 off);
/* Bytes of data in @bio. */
u32 bio_bytes(const struct bio *bio);
/* Physically contiguous pieces of @bio's data (guest/block/blk_core.c). */
unsigned int bio_phys_segs(const struct bio *bio);

/*
 * Start @bio. It completes later with bio->bi_status (0 or -E*) and bio->bi_end_io(bio):
 * from the device's interrupt, or before this returns when it is refused: -EINVAL (no
 * segment for a read or write, a segment that is empty or crosses its page, a length not
 * whole sectors, more than BLK_MAX_REQUEST_BYTES or bdev->max_segs physical segments, data
 * on a flush, not exactly one segment for GET_ID), -EIO (past the end of the device),
 * -EROFS (a write to a read-only device), -ENODEV (no device). A flush on a device without
 * a write cache completes at once with 0. Bios that continue each other are merged into
 * one device request while they wait: in a plug, or behind a full device queue.
 */
void submit_bio(struct bio *bio);
/* submit_bio() and sleep (the scheduler's wait queues) until it completes; its status. */
int submit_bio_wait(struct bio *bio);
/*
 * The same with @submit(@bio, @arg) doing the submission (test modes that go around
 * submit_bio()'s checks). @submit returns 0 when it took the bio, which then completes
 * as usual, or -E*, which is returned at once.
 */
int submit_bio_wait_fn(struct bio *bio, int (*submit)(struct bio *bio, void *arg), void *arg);
/* Flush @bdev's write cache and wait. Returns 0 or -E*. */
int blkdev_issue_flush(struct block_device *bdev);
/* Read the device's identity string (up to BLK_ID_BYTES, NUL-padded) into @buf[@len], NUL
 * terminated. Returns 0 or -E*. */
int blkdev_get_id(struct block_device *bdev, char *buf, size_t len);

/* ---- plugging and the queue (guest/block/blk_core.c) ---------------------------------- */
/*
 * Hold current's bios in @plug instead of dispatching each: bios that continue the last
 * held request join it. blk_finish_plug() dispatches them (one kick per device). Plugs
 * do not nest (an inner plug is ignored); submit_bio_wait() flushes the plug before it
 * sleeps, and a task must not sleep otherwise while it holds one.
 */
void blk_start_plug(struct blk_plug *plug);
void blk_finish_plug(struct blk_plug *plug);
/* Dispatch what current's plug holds, keeping the plug. */
void blk_flush_plug(void);

/*
 * For submit_bio(): queue @bio, already checked, on current's plug or its device's queue,
 * merging where it can, and dispatch when not plugged. Tests call it to send a bio the
 * checks would refuse (a write to a read-only device, to see the device refuse it).
 */
void blk_queue_bio(struct bio *bio);

/* ---- the driver's side (guest/block/blk_core.c) --------------------------------------- */
/*
 * Make @bdev (name, nr_sectors, max_segs, ops set) known. Returns 0, -EEXIST (the name is
 * taken) or -EINVAL.
 */
int blkdev_register(struct block_device *bdev);
/* The registered device named @role, or NULL. */
struct block_device *blkdev_get_by_role(const char *role);
/* Give queued requests to the driver until it is full; then commit_rqs() once. */
void blk_run_queue(struct block_device *bdev);
/* The driver finished @rq (given by queue_rq()) with @status: end each of its bios. */
void blk_end_request(struct request *rq, int status);
/* Open the request @bio heads, for a driver's test mode that sends it itself (it then
 * counts it in bdev->in_flight and ends it with blk_end_request()). */
struct request *blk_rq_from_bio(struct bio *bio);

/* One physically contiguous piece of a request. */
struct blk_seg {
	u64 pa;
	u32 len;
};

/* Fill @segs (room for @max) with @rq's data, adjacent pieces coalesced; return the count
 * (rq->nr_segs). */
unsigned int blk_rq_map_segs(const struct request *rq, struct blk_seg *segs, unsigned int max);

/* ---- the blktest= command line action (guest/block/blktest.c) ----------------------- */
/* Run the block-layer test @args names (docs/virtio.md) and exit with its status. */
void action_blktest(const char *args) __noreturn;

#endif

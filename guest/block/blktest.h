/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the block tests: the blktest= action (blktest.c), its benchmark
 * (blkbench.c) and the kernel self-tests (guest/selftest/block.c). Test code only.
 */
#ifndef GUEST_BLOCK_BLKTEST_H
#define GUEST_BLOCK_BLKTEST_H

#include <guest/blkdev.h>
#include <guest/sched.h>

#define BT_CHUNK_PAGES	64	/* pages one bt_transfer() moves at most */

/* Bios in flight, waited for together. */
struct bt_batch {
	unsigned int pending;
	int err;			/* the first error */
	struct wait_queue_head wait;
};

void bt_batch_init(struct bt_batch *b);
/* Submit @bio as part of @b (its bi_private and bi_end_io are taken). */
void bt_batch_submit(struct bt_batch *b, struct bio *bio);
/* Flush current's plug, sleep until every bio of @b completed; the first error or 0. */
int bt_batch_wait(struct bt_batch *b);

/* The test pages, allocated by bt_alloc_pages() (0 or -ENOMEM), zeroed at first. */
extern struct page *bt_pages[BT_CHUNK_PAGES];
int bt_alloc_pages(void);

/*
 * Read or write @nsect sectors at @sector (at most BT_CHUNK_PAGES pages) from or to
 * bt_pages[], one bio per page, all under one plug so that they merge; wait for them.
 * Returns 0 or the first error.
 */
int bt_transfer(struct block_device *bdev, enum req_op op, u64 sector, u32 nsect);
/* Fill bt_pages[] with the pattern of @nsect sectors from @sector / check it (0 or -EIO,
 * the first mismatch printed as a TAP diagnostic). */
void bt_fill(u64 sector, u32 nsect);
int bt_check(u64 sector, u32 nsect);

/* A submit function for submit_bio_wait_fn() that skips submit_bio()'s checks. */
int bt_queue_bio(struct bio *bio, void *arg);

/* blktest=bench: the figures of docs/virtio.md, @mib MiB per figure. */
void blkbench(struct block_device *bdev, u64 mib) __noreturn;

#endif

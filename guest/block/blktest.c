// SPDX-License-Identifier: MIT
/*
 * The blktest= command line action: block-layer tests that the host checks from outside
 * (tests/integration/run.sh), on the device whose role is given ("disk" by default):
 *
 *   blktest=write[,ROLE]       the pattern (include/abi/blk_pattern.h) over the whole device,
 *                              then a flush; TAP; exit 0 / 1
 *   blktest=read[,ROLE]        read the whole device and check the pattern; TAP; exit 0 / 1
 *   blktest=malformed[,ROLE]   every malformed chain of the shared driver's test mode fails
 *                              (IOERR, or DEVICE_NEEDS_RESET and a reset), and a good read
 *                              of the pattern works after each; TAP; exit 0 / 1
 *   blktest=ro[,ROLE]          on a read-only device a write is refused by the block layer
 *                              (-EROFS) and, sent around it, by the device (-EIO); the data
 *                              is unchanged; TAP; exit 0 / 1
 *   blktest=requests[,ROLE],N  N synchronous 4 KiB reads, then the counters; exit 0 / 1
 *   blktest=bench[,ROLE][,N]   throughput figures (guest/block/blkbench.c), N MiB each
 *
 * A bad value or a missing device is one "blktest: error: ..." line and exit 1.
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/string.h>
#include <abi/blk_pattern.h>
#include <asm/exit.h>
#include <asm/irq.h>
#include <guest/blkdev.h>
#include <guest/sched.h>
#include <guest/virtio.h>
#include "blktest.h"

#define BT_ARGS_MAX	64

/* ---- a batch of bios in flight, waited for together ---------------------------------- */

void bt_batch_init(struct bt_batch *b)
{
	b->pending = 0;
	b->err = 0;
	init_waitqueue_head(&b->wait);
}

static void bt_end_io(struct bio *bio)
{
	struct bt_batch *b = bio->bi_private;

	if (bio->bi_status && !b->err)
		b->err = bio->bi_status;
	if (!--b->pending)
		wake_up(&b->wait);
}

void bt_batch_submit(struct bt_batch *b, struct bio *bio)
{
	bio->bi_private = b;
	bio->bi_end_io = bt_end_io;
	b->pending++;
	submit_bio(bio);
}

int bt_batch_wait(struct bt_batch *b)
{
	unsigned long flags;

	local_irq_save(flags);
	blk_flush_plug();
	wait_event(b->wait, !b->pending);
	local_irq_restore(flags);
	return b->err;
}

/* ---- pages and transfers ------------------------------------------------------------ */

struct page *bt_pages[BT_CHUNK_PAGES];
static struct bio bt_bios[BT_CHUNK_PAGES];
static struct bio_vec bt_vecs[BT_CHUNK_PAGES];

int bt_alloc_pages(void)
{
	unsigned int i;

	for (i = 0; i < BT_CHUNK_PAGES; i++)
		if (!bt_pages[i] && !(bt_pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO)))
			return -ENOMEM;
	return 0;
}

int bt_transfer(struct block_device *bdev, enum req_op op, u64 sector, u32 nsect)
{
	const u32 per_page = PAGE_SIZE / SECTOR_SIZE;
	struct blk_plug plug;
	struct bt_batch b;
	unsigned int i;
	u32 n;

	BUG_ON(nsect > BT_CHUNK_PAGES * per_page);
	bt_batch_init(&b);
	blk_start_plug(&plug);
	for (i = 0; nsect; i++, sector += n, nsect -= n) {
		n = MIN(nsect, per_page);
		bio_init(&bt_bios[i], bdev, op, sector, &bt_vecs[i], 1);
		bio_add_page(&bt_bios[i], bt_pages[i], n * SECTOR_SIZE, 0);
		bt_batch_submit(&b, &bt_bios[i]);
	}
	blk_finish_plug(&plug);
	return bt_batch_wait(&b);
}

void bt_fill(u64 sector, u32 nsect)
{
	u32 s, w;

	for (s = 0; s < nsect; s++) {
		u64 *p = (u64 *)page_address(bt_pages[s / 8]) + (s % 8) * BLK_PATTERN_WORDS;

		for (w = 0; w < BLK_PATTERN_WORDS; w++)
			p[w] = blk_pattern_word(sector + s, w);
	}
}

int bt_check(u64 sector, u32 nsect)
{
	u32 s, w;

	for (s = 0; s < nsect; s++) {
		const u64 *p = (u64 *)page_address(bt_pages[s / 8]) + (s % 8) * BLK_PATTERN_WORDS;

		for (w = 0; w < BLK_PATTERN_WORDS; w++) {
			if (p[w] != blk_pattern_word(sector + s, w)) {
				printk("# sector %lu word %u: 0x%016lx, want 0x%016llx\n",
				       sector + s, w, p[w], blk_pattern_word(sector + s, w));
				return -EIO;
			}
		}
	}
	return 0;
}

/* ---- TAP -------------------------------------------------------------------------------- */

static unsigned int tap_n, tap_fails;

static void bt_tap_plan(unsigned int n)
{
	tap_n = tap_fails = 0;
	printk("TAP version 13\n1..%u\n", n);
}

static void bt_tap(bool ok, const char *name, const char *detail)
{
	tap_n++;
	if (!ok)
		tap_fails++;
	printk("%sok %u %s%s%s\n", ok ? "" : "not ", tap_n, name, detail ? " # " : "",
	       detail ? detail : "");
}

static void __noreturn bt_tap_exit(void)
{
	printk("# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:0 error:0\n", tap_n - tap_fails,
	       tap_fails);
	arch_exit(tap_fails ? 1 : 0);
}

/* ---- the tests ------------------------------------------------------------------------------ */

/* Run @op over the whole device, a chunk at a time: write the pattern, or read and check it. */
static int bt_whole(struct block_device *bdev, enum req_op op)
{
	const u32 chunk = BT_CHUNK_PAGES * (PAGE_SIZE / SECTOR_SIZE);
	u64 sector;
	u32 n;
	int err;

	for (sector = 0; sector < bdev->nr_sectors; sector += n) {
		n = MIN((u64)chunk, bdev->nr_sectors - sector);
		if (op == REQ_OP_WRITE)
			bt_fill(sector, n);
		err = bt_transfer(bdev, op, sector, n);
		if (err) {
			printk("# %s at sector %lu: error %d\n",
			       op == REQ_OP_WRITE ? "write" : "read", sector, err);
			return err;
		}
		if (op == REQ_OP_READ && bt_check(sector, n))
			return -EIO;
	}
	return 0;
}

static void __noreturn blktest_write(struct block_device *bdev)
{
	u64 reqs = bdev->stats.requests, bios = bdev->stats.bios;
	char detail[96];

	bt_tap_plan(3);
	bt_tap(!bt_whole(bdev, REQ_OP_WRITE), "write the pattern over the whole device", NULL);
	snprintf(detail, sizeof(detail), "%lu bios in %lu requests",
		 bdev->stats.bios - bios, bdev->stats.requests - reqs);
	bt_tap(bdev->stats.requests - reqs < bdev->stats.bios - bios,
	       "adjacent bios merged into fewer requests", detail);
	bt_tap(!blkdev_issue_flush(bdev) && (!bdev->flush || bdev->stats.flushes == 1),
	       "flush", bdev->flush ? "sent to the device" : "no write cache");
	bt_tap_exit();
}

static void __noreturn blktest_read(struct block_device *bdev)
{
	bt_tap_plan(1);
	bt_tap(!bt_whole(bdev, REQ_OP_READ), "read the whole device: the host's pattern", NULL);
	bt_tap_exit();
}

static int bt_submit_bad(struct bio *bio, void *kind)
{
	return virtio_blk_submit_bad(bio, *(enum blk_drv_bad *)kind);
}

static void __noreturn blktest_malformed(struct block_device *bdev)
{
	enum blk_drv_bad kind;
	struct bio_vec vec;
	struct bio bio;
	char name[64];
	u64 resets;
	int err;

	if (!is_virtio_blk(bdev)) {
		printk("blktest: error: %s is not a virtio-blk device\n", bdev->name);
		arch_exit(1);
	}
	bt_tap_plan(2 * BLK_BAD_NR);
	for (kind = 0; kind < BLK_BAD_NR; kind++) {
		resets = virtio_blk_resets(bdev);
		bio_init(&bio, bdev, REQ_OP_READ, 0, &vec, 1);
		bio_add_page(&bio, bt_pages[0], PAGE_SIZE, 0);
		err = submit_bio_wait_fn(&bio, bt_submit_bad, &kind);
		snprintf(name, sizeof(name), "malformed %s: %s", blk_drv_bad_name(kind),
			 blk_drv_bad_resets(kind) ? "DEVICE_NEEDS_RESET, reset, re-initialised" :
						    "IOERR");
		if (err != -EIO || virtio_blk_resets(bdev) - resets != blk_drv_bad_resets(kind))
			printk("# error %d, %lu resets\n", err, virtio_blk_resets(bdev) - resets);
		bt_tap(err == -EIO && virtio_blk_resets(bdev) - resets == blk_drv_bad_resets(kind),
		       name, NULL);

		memset(page_address(bt_pages[0]), 0, PAGE_SIZE);
		err = bt_transfer(bdev, REQ_OP_READ, 0, PAGE_SIZE / SECTOR_SIZE);
		snprintf(name, sizeof(name), "a good read after %s", blk_drv_bad_name(kind));
		bt_tap(!err && !bt_check(0, PAGE_SIZE / SECTOR_SIZE), name, NULL);
	}
	bt_tap_exit();
}

static void __noreturn blktest_ro(struct block_device *bdev)
{
	const u32 nsect = PAGE_SIZE / SECTOR_SIZE;
	u64 reqs;
	struct bio_vec vec;
	struct bio bio;
	int err;

	bt_tap_plan(5);
	bt_tap(bdev->read_only, "the device is read-only (VIRTIO_BLK_F_RO)", NULL);
	err = bt_transfer(bdev, REQ_OP_READ, 0, nsect);
	bt_tap(!err, "read the first page", NULL);
	memcpy(page_address(bt_pages[1]), page_address(bt_pages[0]), PAGE_SIZE);
	memset(page_address(bt_pages[2]), 0xa5, PAGE_SIZE);

	reqs = bdev->stats.requests;
	bio_init(&bio, bdev, REQ_OP_WRITE, 0, &vec, 1);
	bio_add_page(&bio, bt_pages[2], PAGE_SIZE, 0);
	err = submit_bio_wait(&bio);
	bt_tap(err == -EROFS && bdev->stats.requests == reqs,
	       "the block layer refuses a write with -EROFS, sending nothing", NULL);

	/* Around the block layer's check: the device must refuse it too. */
	bio_init(&bio, bdev, REQ_OP_WRITE, 0, &vec, 1);
	bio_add_page(&bio, bt_pages[2], PAGE_SIZE, 0);
	err = submit_bio_wait_fn(&bio, bt_queue_bio, NULL);
	bt_tap(err == -EIO && bdev->stats.requests == reqs + 1,
	       "the device refuses a write it is sent (IOERR)", NULL);

	memset(page_address(bt_pages[0]), 0, PAGE_SIZE);
	err = bt_transfer(bdev, REQ_OP_READ, 0, nsect);
	bt_tap(!err && !memcmp(page_address(bt_pages[0]), page_address(bt_pages[1]), PAGE_SIZE),
	       "the data is unchanged", NULL);
	bt_tap_exit();
}

int bt_queue_bio(struct bio *bio, void *arg)
{
	unsigned long flags;

	local_irq_save(flags);
	bio->bi_next = NULL;
	blk_queue_bio(bio);
	local_irq_restore(flags);
	return 0;
}

static void __noreturn blktest_requests(struct block_device *bdev, u64 count)
{
	const u32 nsect = PAGE_SIZE / SECTOR_SIZE;
	struct blk_stats s0 = bdev->stats;
	u64 isr0 = virtio_blk_isr_reads(bdev), i, slots = bdev->nr_sectors / nsect;
	struct bio_vec vec;
	struct bio bio;
	int err = 0;

	if (!slots) {
		printk("blktest: error: %s is smaller than a page\n", bdev->name);
		arch_exit(1);
	}
	for (i = 0; i < count && !err; i++) {
		bio_init(&bio, bdev, REQ_OP_READ, i % slots * nsect, &vec, 1);
		bio_add_page(&bio, bt_pages[0], PAGE_SIZE, 0);
		err = submit_bio_wait(&bio);
	}
	printk("blktest: requests=%lu errors=%lu kicks=%lu interrupts=%lu isr_reads=%lu "
	       "merges=%lu hlt_skips=%lu\n", bdev->stats.requests - s0.requests,
	       bdev->stats.errors - s0.errors, bdev->stats.kicks - s0.kicks,
	       bdev->stats.interrupts - s0.interrupts, virtio_blk_isr_reads(bdev) - isr0,
	       bdev->stats.merges - s0.merges, irq_hlt_skips);
	if (err)
		printk("blktest: request %lu failed: %d\n", i, err);
	arch_exit(err ? 1 : 0);
}

/* ---- arguments ------------------------------------------------------------------------ */

static bool bt_parse_u64(const char *s, u64 *out)
{
	u64 v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (~0ULL - 9) / 10)
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return true;
}

static void __noreturn bt_usage(const char *args, const char *why)
{
	printk("blktest: error: bad value in 'blktest=%s': %s (expected write, read, malformed, "
	       "ro, requests or bench, then optionally disk or swap, then N for requests and "
	       "bench)\n", args, why);
	arch_exit(1);
}

void action_blktest(const char *args)
{
	char buf[BT_ARGS_MAX], *op, *item, *next;
	const char *role = "disk";
	struct block_device *bdev;
	bool has_count = false, has_role = false;
	u64 count = 0;

	if (strlen(args) >= sizeof(buf))
		bt_usage(args, "too long");
	memcpy(buf, args, strlen(args) + 1);
	op = buf;
	next = strchr(buf, ',');
	if (next)
		*next++ = '\0';
	while ((item = next)) {
		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		if (!has_role && (!strcmp(item, "disk") || !strcmp(item, "swap"))) {
			role = !strcmp(item, "disk") ? "disk" : "swap";
			has_role = true;
		} else if (!has_count && bt_parse_u64(item, &count) && count) {
			has_count = true;
		} else {
			bt_usage(args, "unknown or repeated item");
		}
	}
	if (has_count && strcmp(op, "requests") && strcmp(op, "bench"))
		bt_usage(args, "a count only goes with requests and bench");
	if (!strcmp(op, "requests") && !has_count)
		bt_usage(args, "requests needs a count");

	bdev = blkdev_get_by_role(role);
	if (!bdev) {
		printk("blktest: error: no %s device (./vmm --%s FILE)\n", role, role);
		arch_exit(1);
	}
	if (bt_alloc_pages()) {
		printk("blktest: error: out of memory\n");
		arch_exit(1);
	}
	if (!strcmp(op, "write"))
		blktest_write(bdev);
	if (!strcmp(op, "read"))
		blktest_read(bdev);
	if (!strcmp(op, "malformed"))
		blktest_malformed(bdev);
	if (!strcmp(op, "ro"))
		blktest_ro(bdev);
	if (!strcmp(op, "requests"))
		blktest_requests(bdev, count);
	if (!strcmp(op, "bench"))
		blkbench(bdev, has_count ? count : 4);
	bt_usage(args, "unknown test");
}

// SPDX-License-Identifier: MIT
/*
 * Self-tests of interrupts and the block layer. The block tests run on the device whose
 * role is "disk" and overwrite it (give them a scratch image); without one they skip, and
 * the read-only test skips on a writable disk (and the writing ones on a read-only disk).
 */
#include <kern/errno.h>
#include <abi/layout.h>
#include <asm/irq.h>
#include <asm/segment.h>
#include <guest/blkdev.h>
#include <guest/selftest.h>
#include <guest/virtio.h>
#include "../block/blktest.h"

#define SECTORS_PER_PAGE	(PAGE_SIZE / SECTOR_SIZE)

#define TEST_GSI		23	/* the last IOAPIC input: no device uses it */

/* A hlt the test points a fake interrupt frame at, and the instruction after it. */
extern const u8 selftest_hlt_insn[];
__asm__(".pushsection .text\n"
	"selftest_hlt_insn: hlt\n"
	"nop\n"
	".popsection");

static void dummy_handler(unsigned int gsi, void *data)
{
}

static void counting_handler(unsigned int gsi, void *data)
{
	(*(unsigned int *)data)++;
}

/* Run do_irq() on a fake kernel-mode frame for TEST_GSI interrupted at @rip; the rip after. */
static unsigned long fake_irq(const u8 *rip)
{
	struct pt_regs regs = {
		.vector = IRQ_VECTOR_BASE + TEST_GSI,
		.rip = (unsigned long)rip,
		.cs = KERNEL_CS,
	};

	do_irq(&regs);
	return regs.rip;
}

int selftest_irq(void)
{
	unsigned int calls = 0;
	u64 skips = irq_hlt_skips, count = irq_count(TEST_GSI);

	ST_ASSERT_EQ(request_irq(NR_IRQS, dummy_handler, NULL), -EINVAL);
	ST_ASSERT_EQ(request_irq(3, NULL, NULL), -EINVAL);
	ST_ASSERT_EQ(free_irq(TEST_GSI), -EINVAL);
	ST_ASSERT(irqs_disabled());	/* the kernel runs with interrupts off */

	/* do_irq() runs the handler; a frame that would return onto a hlt returns past it. */
	ST_ASSERT_EQ(request_irq(TEST_GSI, counting_handler, &calls), 0);
	ST_ASSERT_EQ(request_irq(TEST_GSI, dummy_handler, NULL), -EBUSY);
	ST_ASSERT_EQ(fake_irq(selftest_hlt_insn), (unsigned long)selftest_hlt_insn + 1);
	ST_ASSERT_EQ(irq_hlt_skips - skips, 1);
	ST_ASSERT_EQ(fake_irq(selftest_hlt_insn + 1), (unsigned long)selftest_hlt_insn + 1);
	ST_ASSERT_EQ(irq_hlt_skips - skips, 1);
	ST_ASSERT_EQ(calls, 2);
	ST_ASSERT_EQ(irq_count(TEST_GSI) - count, 2);
	ST_ASSERT_EQ(free_irq(TEST_GSI), 0);
	ST_ASSERT_EQ(request_irq(TEST_GSI, dummy_handler, NULL), 0);
	ST_ASSERT_EQ(free_irq(TEST_GSI), 0);

	if (blkdev_get_by_role("disk")) {
		/* The disk's driver holds its GSI, and took interrupts for its GET_ID. */
		ST_ASSERT_EQ(request_irq(IRQ_VIRTIO_BASE + VIRTIO_SLOT_DISK, dummy_handler, NULL),
			     -EBUSY);
		ST_ASSERT(irq_count(IRQ_VIRTIO_BASE + VIRTIO_SLOT_DISK) > 0);
	}
	return SELFTEST_PASS;
}

/* The disk, when there is one that the test may use; else skip. */
#define GET_DISK(bdev, writable)						\
	do {									\
		(bdev) = blkdev_get_by_role("disk");				\
		if (!(bdev))							\
			ST_SKIP("no disk (./vmm --disk FILE)");			\
		if ((writable) && (bdev)->read_only)				\
			ST_SKIP("the disk is read-only");			\
		if (bt_alloc_pages())						\
			return SELFTEST_FAIL;					\
	} while (0)

int selftest_blk_pattern(void)
{
	const u32 chunk = BT_CHUNK_PAGES * SECTORS_PER_PAGE;
	struct block_device *bdev;
	u64 sector, irqs;
	u32 n;

	GET_DISK(bdev, true);
	irqs = bdev->stats.interrupts;
	for (sector = 0; sector < bdev->nr_sectors; sector += n) {
		n = MIN((u64)chunk, bdev->nr_sectors - sector);
		bt_fill(sector, n);
		ST_ASSERT_EQ(bt_transfer(bdev, REQ_OP_WRITE, sector, n), 0);
	}
	for (sector = 0; sector < bdev->nr_sectors; sector += n) {
		n = MIN((u64)chunk, bdev->nr_sectors - sector);
		memset(page_address(bt_pages[0]), 0, PAGE_SIZE);
		ST_ASSERT_EQ(bt_transfer(bdev, REQ_OP_READ, sector, n), 0);
		ST_ASSERT_EQ(bt_check(sector, n), 0);
	}
	ST_ASSERT(bdev->stats.interrupts > irqs);	/* completions came by interrupt */
	return SELFTEST_PASS;
}

static struct bio bios[BLK_DRV_SEG_MAX + 1];
static struct bio_vec vecs[BLK_DRV_SEG_MAX + 1];

/*
 * Under one plug, write one page per bio at consecutive pages from sector 0, page i of
 * the bio being page (i * @stride) of @block; then check what the block layer made of them.
 */
static int merge_case(struct block_device *bdev, struct page *block, unsigned int nbios,
		      unsigned int stride, u64 want_requests, u64 want_segments)
{
	struct blk_stats s0 = bdev->stats;
	struct blk_plug plug;
	struct bt_batch b;
	unsigned int i;
	u64 held;

	bt_batch_init(&b);
	blk_start_plug(&plug);
	for (i = 0; i < nbios; i++) {
		bio_init(&bios[i], bdev, REQ_OP_WRITE, i * SECTORS_PER_PAGE, &vecs[i], 1);
		bio_add_page(&bios[i], block + i * stride, PAGE_SIZE, 0);
		bt_batch_submit(&b, &bios[i]);
	}
	held = bdev->stats.requests - s0.requests;
	blk_finish_plug(&plug);
	ST_ASSERT_EQ(bt_batch_wait(&b), 0);
	ST_ASSERT_EQ(held, 0);				/* the plug held them all */
	ST_ASSERT_EQ(bdev->stats.bios - s0.bios, nbios);
	ST_ASSERT_EQ(bdev->stats.requests - s0.requests, want_requests);
	ST_ASSERT_EQ(bdev->stats.merges - s0.merges, nbios - want_requests);
	ST_ASSERT_EQ(bdev->stats.segments - s0.segments, want_segments);
	/* One notification for the whole plug, or none when the device was still polling. */
	ST_ASSERT(bdev->stats.kicks - s0.kicks <= 1);
	return SELFTEST_PASS;
}

int selftest_blk_merge(void)
{
	/* 2 * (seg_max + 1) contiguous pages: every other one is never contiguous. */
	const unsigned int order = 8;
	struct block_device *bdev;
	struct page *block;
	unsigned int max, i;
	int ret;

	GET_DISK(bdev, true);
	max = bdev->max_segs;
	ST_ASSERT(max <= BLK_DRV_SEG_MAX && 2 * (max + 1) <= 1U << order);
	ST_ASSERT((u64)(max + 1) * SECTORS_PER_PAGE <= bdev->nr_sectors);
	block = alloc_pages(GFP_KERNEL, order);
	ST_ASSERT(block);
	for (i = 0; i < 1U << order; i++)
		memset(page_address(block + i), i, PAGE_SIZE);
	/* 8 bios on contiguous pages: one request of one segment. */
	ret = merge_case(bdev, block, 8, 1, 1, 1);
	/* seg_max bios on scattered pages: one request of seg_max segments. */
	if (ret == SELFTEST_PASS)
		ret = merge_case(bdev, block, max, 2, 1, max);
	/* One more than the device takes: a second request. */
	if (ret == SELFTEST_PASS)
		ret = merge_case(bdev, block, max + 1, 2, 2, max + 1);
	/* The data of the last case arrived in order. */
	for (i = 0; ret == SELFTEST_PASS && i < max + 1; i += max) {
		memset(page_address(bt_pages[0]), 0xff, PAGE_SIZE);
		if (bt_transfer(bdev, REQ_OP_READ, i * SECTORS_PER_PAGE, SECTORS_PER_PAGE) ||
		    memcmp(page_address(bt_pages[0]), page_address(block + 2 * i), PAGE_SIZE))
			ret = SELFTEST_FAIL;
	}
	__free_pages(block, order);
	return ret;
}

int selftest_blk_flush(void)
{
	struct block_device *bdev;
	u64 flushes;

	GET_DISK(bdev, true);
	flushes = bdev->stats.flushes;
	ST_ASSERT_EQ(blkdev_issue_flush(bdev), 0);
	ST_ASSERT_EQ(bdev->stats.flushes - flushes, bdev->flush ? 1 : 0);
	return SELFTEST_PASS;
}

/* A one-page bio of @op at @sector, @len bytes, submitted and waited for: its status. */
static int one_bio(struct block_device *bdev, enum req_op op, u64 sector, u32 len)
{
	struct bio_vec vec;
	struct bio bio;

	bio_init(&bio, bdev, op, sector, &vec, 1);
	if (len)
		bio_add_page(&bio, bt_pages[0], len, 0);
	return submit_bio_wait(&bio);
}

int selftest_blk_bad_bios(void)
{
	struct block_device *bdev;
	struct blk_stats s0;

	GET_DISK(bdev, false);
	s0 = bdev->stats;
	ST_ASSERT_EQ(one_bio(bdev, REQ_OP_READ, bdev->nr_sectors, SECTOR_SIZE), -EIO);
	ST_ASSERT_EQ(one_bio(bdev, REQ_OP_READ, bdev->nr_sectors - 1, 2 * SECTOR_SIZE), -EIO);
	ST_ASSERT_EQ(one_bio(bdev, REQ_OP_READ, ~0ULL, SECTOR_SIZE), -EIO);
	ST_ASSERT_EQ(one_bio(bdev, REQ_OP_READ, 0, 100), -EINVAL);
	ST_ASSERT_EQ(one_bio(bdev, REQ_OP_READ, 0, 0), -EINVAL);
	ST_ASSERT_EQ(one_bio(bdev, REQ_OP_FLUSH, 0, SECTOR_SIZE), -EINVAL);
	ST_ASSERT_EQ(one_bio(NULL, REQ_OP_READ, 0, SECTOR_SIZE), -ENODEV);
	ST_ASSERT_EQ(bdev->stats.requests, s0.requests);	/* none reached the device */
	ST_ASSERT_EQ(bdev->stats.errors - s0.errors, 6);
	/* The last sector is fine. */
	ST_ASSERT_EQ(one_bio(bdev, REQ_OP_READ, bdev->nr_sectors - 1, SECTOR_SIZE), 0);
	return SELFTEST_PASS;
}

int selftest_blk_read_only(void)
{
	struct block_device *bdev;
	struct bio_vec vec;
	struct bio bio;
	u64 reqs;

	GET_DISK(bdev, false);
	if (!bdev->read_only)
		ST_SKIP("the disk is writable (./vmm --disk FILE,ro)");
	reqs = bdev->stats.requests;
	ST_ASSERT_EQ(one_bio(bdev, REQ_OP_WRITE, 0, PAGE_SIZE), -EROFS);
	ST_ASSERT_EQ(bdev->stats.requests, reqs);
	/* Around the block layer's check, the device refuses it (IOERR). */
	bio_init(&bio, bdev, REQ_OP_WRITE, 0, &vec, 1);
	bio_add_page(&bio, bt_pages[0], PAGE_SIZE, 0);
	ST_ASSERT_EQ(submit_bio_wait_fn(&bio, bt_queue_bio, NULL), -EIO);
	ST_ASSERT_EQ(bdev->stats.requests, reqs + 1);
	return SELFTEST_PASS;
}

int selftest_blk_get_id(void)
{
	struct block_device *bdev;
	char id[BLK_ID_BYTES + 1];

	GET_DISK(bdev, false);
	ST_ASSERT_EQ(blkdev_get_id(bdev, id, sizeof(id)), 0);
	ST_ASSERT_STREQ(id, "kvm-mm-disk");
	ST_ASSERT_EQ(blkdev_get_id(bdev, id, 5), 0);	/* truncated, still terminated */
	ST_ASSERT_STREQ(id, "kvm-");
	return SELFTEST_PASS;
}

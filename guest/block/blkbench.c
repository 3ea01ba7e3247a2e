// SPDX-License-Identifier: MIT
/*
 * blktest=bench: block throughput as the guest sees it, timed with the TSC. Sequential and
 * random reads and writes of 4 KiB and 128 KiB, one request at a time (a 128 KiB request
 * is 32 one-page bios merged under a plug), then random 4 KiB reads 32 at a time under a
 * plug. One machine-readable line per figure, for tests/bench.sh to format and to put
 * beside the host's pread() of the same file (tests/integration/blkread.c):
 *
 *   blkbench: pattern=seq op=read size=4096 requests=1024 bytes=4194304 ns=... kicks=...
 *             interrupts=... isr_reads=...
 *
 * Random offsets come from blk_bench_next() (include/abi/blk_pattern.h), as on the host.
 * Writes overwrite the device: run it on a scratch image.
 */
#include <kern/printk.h>
#include <abi/blk_pattern.h>
#include <asm/exit.h>
#include <guest/blkdev.h>
#include <guest/ktime.h>
#include <guest/virtio.h>
#include "blktest.h"

#define BENCH_BATCH	32	/* bios per plug in the batched figure */

struct bench_fig {
	bool rand;
	enum req_op op;
	u32 size;		/* bytes per request */
	u32 batch;		/* requests per plug and wait */
};

static const struct bench_fig figures[] = {
	{ false, REQ_OP_READ, 4096, 1 },
	{ false, REQ_OP_WRITE, 4096, 1 },
	{ true, REQ_OP_READ, 4096, 1 },
	{ true, REQ_OP_WRITE, 4096, 1 },
	{ false, REQ_OP_READ, 131072, 1 },
	{ false, REQ_OP_WRITE, 131072, 1 },
	{ true, REQ_OP_READ, 131072, 1 },
	{ true, REQ_OP_WRITE, 131072, 1 },
	{ true, REQ_OP_READ, 4096, BENCH_BATCH },
};

static struct bio bench_bios[BENCH_BATCH];
static struct bio_vec bench_vecs[BENCH_BATCH];

/* @f->batch one-page requests at random slots, under one plug, waited for together. */
static int bench_batch(struct block_device *bdev, const struct bench_fig *f,
		       unsigned long long *state, u64 slots)
{
	struct blk_plug plug;
	struct bt_batch b;
	unsigned int i;

	bt_batch_init(&b);
	blk_start_plug(&plug);
	for (i = 0; i < f->batch; i++) {
		u64 sector = blk_bench_next(state, slots) * (f->size / SECTOR_SIZE);

		bio_init(&bench_bios[i], bdev, f->op, sector, &bench_vecs[i], 1);
		bio_add_page(&bench_bios[i], bt_pages[i], f->size, 0);
		bt_batch_submit(&b, &bench_bios[i]);
	}
	blk_finish_plug(&plug);
	return bt_batch_wait(&b);
}

static int bench_one(struct block_device *bdev, const struct bench_fig *f, u64 mib)
{
	u64 slots = bdev->nr_sectors / (f->size / SECTOR_SIZE);
	u64 n = MIN(mib << 20, slots * f->size) / f->size, i, t0, ns;
	unsigned long long state = BLK_BENCH_SEED;
	struct blk_stats s0 = bdev->stats;
	u64 isr0 = virtio_blk_isr_reads(bdev);
	int err = 0;

	if (!slots)
		return 0;
	n = n / f->batch * f->batch;
	t0 = arch_rdtsc();
	for (i = 0; i < n && !err; i += f->batch) {
		u64 slot;

		if (f->batch > 1) {
			err = bench_batch(bdev, f, &state, slots);
			continue;
		}
		slot = f->rand ? blk_bench_next(&state, slots) : i % slots;
		err = bt_transfer(bdev, f->op, slot * (f->size / SECTOR_SIZE),
				  f->size / SECTOR_SIZE);
	}
	ns = tsc_to_ns(arch_rdtsc() - t0);
	if (err) {
		printk("blkbench: error %d\n", err);
		return err;
	}
	printk("blkbench: pattern=%s op=%s size=%u batch=%u requests=%lu bytes=%lu ns=%lu "
	       "kicks=%lu interrupts=%lu isr_reads=%lu\n", f->rand ? "rand" : "seq",
	       f->op == REQ_OP_READ ? "read" : "write", f->size, f->batch,
	       bdev->stats.requests - s0.requests, n * f->size, ns, bdev->stats.kicks - s0.kicks,
	       bdev->stats.interrupts - s0.interrupts, virtio_blk_isr_reads(bdev) - isr0);
	return 0;
}

void blkbench(struct block_device *bdev, u64 mib)
{
	unsigned int i;
	int err = 0;

	printk("blkbench: device=%s sectors=%lu mib=%lu\n", bdev->name, bdev->nr_sectors, mib);
	for (i = 0; i < ARRAY_SIZE(figures) && !err; i++)
		err = bench_one(bdev, &figures[i], mib);
	arch_exit(err ? 1 : 0);
}

// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the device half of virtio-blk: the input becomes a small guest RAM
 * holding a split ring the "driver" (the fuzzer) wrote, and the device is brought up
 * through its virtio-mmio registers, kicked, and its backend completes requests at once
 * or later in an input-chosen order, with resets in flight. Built with libFuzzer (clang,
 * `make fuzz`) and, for `make test`, with tests/fuzz/replay.c over the saved corpus.
 *
 * Input: byte 0 flags (FZ_*), byte 1 queue size log2 (mod 5), byte 2 a schedule seed,
 * then the first FZ_RAM bytes of guest RAM. Rings sit at FZ_DESC, FZ_AVAIL, FZ_USED.
 * Crashes are: any sanitizer report, and an abort() below when the device did something
 * its checks should have stopped (disk I/O past the end, a used id past the ring).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <virtio/blk_dev.h>
#include <virtio/mmio.h>
#include <virtio/mmio_dev.h>

#define FZ_RAM		0x4000		/* 16 KiB of guest RAM */
#define FZ_DESC		0x000		/* up to 16 descriptors */
#define FZ_AVAIL	0x100
#define FZ_USED		0x180
#define FZ_SECTORS	32		/* a 16 KiB disk */

#define FZ_EVENT_IDX	0x01		/* negotiate VIRTIO_RING_F_EVENT_IDX */
#define FZ_INDIRECT	0x02		/* negotiate VIRTIO_RING_F_INDIRECT_DESC */
#define FZ_RO		0x04		/* read-only disk */
#define FZ_FLUSH	0x08		/* negotiate VIRTIO_BLK_F_FLUSH */
#define FZ_ASYNC	0x10		/* backend completes later */
#define FZ_FAIL		0x20		/* backend fails every third op */
#define FZ_RESET	0x40		/* reset the device with requests in flight */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz_op {
	struct blk_req *req;
	int write;
	u64 off;
	const struct vq_iov *iov;
	unsigned int n;
};

static u8 ram[FZ_RAM] __attribute__((aligned(4096)));
static u8 disk[FZ_SECTORS * 512];
static struct fz_op pending[BLK_DEV_QUEUE_MAX];
static unsigned int npending, nops;
static u8 flags;

static void *fz_gpa_to_host(void *opaque, u64 gpa, u64 len)
{
	if (gpa >= FZ_RAM || len > FZ_RAM - gpa)
		return NULL;
	return ram + gpa;
}

static const struct vq_mem fz_mem = { fz_gpa_to_host, NULL };

/* Do one op now. The device promised it is inside the disk; abort if not. */
static int fz_run(const struct fz_op *o)
{
	u64 off = o->off;
	unsigned int i;

	if ((flags & FZ_FAIL) && ++nops % 3 == 0)
		return -5;
	for (i = 0; i < o->n; i++) {
		if (off > sizeof(disk) || o->iov[i].len > sizeof(disk) - off)
			abort();
		if (o->write)
			memcpy(disk + off, o->iov[i].base, o->iov[i].len);
		else
			memcpy(o->iov[i].base, disk + off, o->iov[i].len);
		off += o->iov[i].len;
	}
	return 0;
}

static int fz_submit(struct fz_op o)
{
	if (!(flags & FZ_ASYNC))
		return fz_run(&o);
	if (npending == BLK_DEV_QUEUE_MAX)
		abort();		/* more in flight than the device has slots */
	pending[npending++] = o;
	return BLK_IO_QUEUED;
}

static int fz_read(void *opaque, struct blk_req *req, u64 off, const struct vq_iov *iov,
		   unsigned int n)
{
	return fz_submit((struct fz_op){ req, 0, off, iov, n });
}

static int fz_write(void *opaque, struct blk_req *req, u64 off, const struct vq_iov *iov,
		    unsigned int n)
{
	return fz_submit((struct fz_op){ req, 1, off, iov, n });
}

static int fz_flush(void *opaque, struct blk_req *req)
{
	return fz_submit((struct fz_op){ req, 0, 0, NULL, 0 });
}

static const struct blk_backend_ops fz_backend = { fz_read, fz_write, fz_flush };

/* Complete pending op @i (removing it first: completion may queue new ones). */
static void fz_complete(unsigned int i)
{
	struct fz_op o = pending[i];

	pending[i] = pending[--npending];
	blk_dev_complete(o.req, fz_run(&o));
}

static void wr(struct mmio_dev *m, u32 off, u32 val)
{
	mmio_dev_write(m, off, &val, 4);
}

/* The driver's side of the handshake, done by the book: features from the flags. */
static void fz_bring_up(struct mmio_dev *m, u32 num)
{
	u32 lo = (flags & FZ_EVENT_IDX ? 1U << VIRTIO_RING_F_EVENT_IDX : 0) |
		 (flags & FZ_INDIRECT ? 1U << VIRTIO_RING_F_INDIRECT_DESC : 0) |
		 (flags & FZ_FLUSH ? 1U << VIRTIO_BLK_F_FLUSH : 0) |
		 (flags & FZ_RO ? 1U << VIRTIO_BLK_F_RO : 0);

	wr(m, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(m, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(m, VIRTIO_MMIO_DRIVER_FEATURES, lo);
	wr(m, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(m, VIRTIO_MMIO_DRIVER_FEATURES, 1);		/* VERSION_1 */
	wr(m, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK);
	wr(m, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(m, VIRTIO_MMIO_QUEUE_NUM, num);
	wr(m, VIRTIO_MMIO_QUEUE_DESC_LOW, FZ_DESC);
	wr(m, VIRTIO_MMIO_QUEUE_DRIVER_LOW, FZ_AVAIL);
	wr(m, VIRTIO_MMIO_QUEUE_DEVICE_LOW, FZ_USED);
	wr(m, VIRTIO_MMIO_QUEUE_READY, 1);
	wr(m, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

/* Every used entry the device wrote names a head inside the ring. */
static void fz_check_used(const struct blk_dev *dev, u32 num)
{
	const struct vring_used *used = (const struct vring_used *)(ram + FZ_USED);
	u32 i, n = MIN((u32)dev->vq.used_idx, num);

	if (!dev->vq.ready)
		return;
	for (i = 0; i < n; i++)
		if (used->ring[(u16)(dev->vq.used_idx - 1 - i) % num].id >= num)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct blk_dev *dev;
	static struct mmio_dev m;
	struct blk_dev_params p = {
		.capacity = FZ_SECTORS, .flush = true, .queue_max = 16, .id = "fuzz",
		.backend = &fz_backend,
	};
	unsigned int kick, seed;
	u32 num;

	if (size < 3)
		return 0;
	if (!dev && !(dev = calloc(1, sizeof(*dev))))
		abort();
	flags = data[0];
	num = 1U << (data[1] % 5);
	seed = data[2];
	memset(ram, 0, sizeof(ram));
	memcpy(ram, data + 3, MIN(size - 3, sizeof(ram)));
	npending = nops = 0;
	p.read_only = flags & FZ_RO;
	if (blk_dev_init(dev, &p, &fz_mem) || mmio_dev_init(&m, &dev->vdev, NULL, NULL))
		abort();
	fz_bring_up(&m, num);
	for (kick = 0; kick < 1 + seed % 3; kick++) {
		wr(&m, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		if ((flags & FZ_RESET) && kick == 1)
			wr(&m, VIRTIO_MMIO_STATUS, 0);
		while (npending > seed % 4)
			fz_complete((seed >> 2) % npending);
		fz_check_used(dev, num);
	}
	while (npending)
		fz_complete(0);
	fz_check_used(dev, num);
	return 0;
}

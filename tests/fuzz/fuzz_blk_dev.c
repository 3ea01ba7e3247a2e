// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the device half of virtio-blk: the input becomes a small guest RAM
 * holding a split ring the "driver" (the fuzzer) wrote, and the device is brought up
 * through its virtio-mmio registers, kicked, and its backend completes requests at once
 * or later in an input-chosen order, with resets in flight. Built with libFuzzer (clang,
 * `make fuzz`) and, for `make test`, with tests/fuzz/replay.c over the saved corpus.
 *
 * Input: byte 0 flags (FZ_*), byte 1 queue size log2 (mod 5), byte 2 a schedule seed, then
 * the descriptor table (16 bytes per entry), which lands at the very end of guest RAM so
 * that reading one entry too far is an ASan report, then the first bytes of guest RAM,
 * where the available ring (FZ_AVAIL) and used ring (FZ_USED) sit.
 * Crashes are: any sanitizer report, and an abort() below when the device did something
 * its checks should have stopped (disk I/O past the end) or lost track of its own state
 * (a request slot leaked, a used entry pushed for nothing or not pushed). The used ring in
 * guest RAM proves nothing: a guest buffer may overlap it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <virtio/blk_dev.h>
#include <virtio/mmio.h>
#include <virtio/mmio_dev.h>

#define FZ_RAM		0x4000		/* 16 KiB of guest RAM */
#define FZ_AVAIL	0x000		/* then the used ring; the descriptors end RAM */
#define FZ_USED		0x080
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
		if (!o->iov[i].len)
			continue;	/* an empty segment has no base */
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
static void fz_bring_up(struct mmio_dev *m, u32 num, u64 desc)
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
	wr(m, VIRTIO_MMIO_QUEUE_DESC_LOW, desc);
	wr(m, VIRTIO_MMIO_QUEUE_DRIVER_LOW, FZ_AVAIL);
	wr(m, VIRTIO_MMIO_QUEUE_DEVICE_LOW, FZ_USED);
	wr(m, VIRTIO_MMIO_QUEUE_READY, 1);
	wr(m, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

/*
 * Device bookkeeping after a drain: no request slot leaked, and (unless a reset restarted
 * the ring) one used entry pushed for every chain popped except those without a status.
 */
static void fz_check(const struct blk_dev *dev, bool was_reset)
{
	u64 pushed = dev->stats.requests - dev->vdev.err[VIRTIO_E_STATUS];

	if (dev->nfree != BLK_DEV_QUEUE_MAX)
		abort();
	if (!was_reset && dev->vq.ready && (u16)pushed != dev->vq.used_idx)
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
	u32 num, desc;

	if (size < 3)
		return 0;
	if (!dev && !(dev = calloc(1, sizeof(*dev))))
		abort();
	flags = data[0];
	num = 1U << (data[1] % 5);
	seed = data[2];
	data += 3;
	size -= 3;
	desc = FZ_RAM - 16 * num;
	memset(ram, 0, sizeof(ram));
	memcpy(ram + desc, data, MIN(size, 16 * num));
	if (size > 16 * num)
		memcpy(ram, data + 16 * num, MIN(size - 16 * num, desc));
	npending = nops = 0;
	p.read_only = flags & FZ_RO;
	if (blk_dev_init(dev, &p, &fz_mem) || mmio_dev_init(&m, &dev->vdev, NULL, NULL))
		abort();
	fz_bring_up(&m, num, desc);
	for (kick = 0; kick < 1 + seed % 3; kick++) {
		wr(&m, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		if ((flags & FZ_RESET) && kick == 1)
			wr(&m, VIRTIO_MMIO_STATUS, 0);
		while (npending > seed % 4)
			fz_complete((seed >> 2) % npending);
	}
	while (npending)
		fz_complete(0);
	fz_check(dev, (flags & FZ_RESET) && kick > 1);
	return 0;
}

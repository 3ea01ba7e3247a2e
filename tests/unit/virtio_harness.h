/* SPDX-License-Identifier: MIT */
/*
 * Host harness for the virtio/ unit tests: a fake guest RAM with its bounds-checked
 * translator, a RAM-disk backend that completes at once or later in any order, and a
 * loopback rig wiring the guest's driver half (blk_drv, mmio_drv) to the device half
 * (mmio_dev, blk_dev) through register reads and writes, as the VMM will.
 */
#ifndef UNIT_VIRTIO_HARNESS_H
#define UNIT_VIRTIO_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kern/errno.h>
#include <virtio/blk_dev.h>
#include <virtio/blk_drv.h>
#include <virtio/mmio.h>
#include <virtio/mmio_dev.h>
#include <virtio/mmio_drv.h>
#include <virtio/vq_dev.h>
#include <virtio/vq_drv.h>
#include "mm_test.h"		/* TAP: tap_plan, TAP_RUN, CHECK, tap_finish */

/* ---- fake guest RAM ------------------------------------------------------------------- */

struct fake_ram {
	u8 *base;
	u64 size;
	u64 brk;			/* bump allocator; page 0 stays unused */
	struct vq_mem mem;
};

/* The one translator: [gpa, gpa + len) wholly inside RAM, else NULL. */
static inline void *fake_gpa_to_host(void *opaque, u64 gpa, u64 len)
{
	struct fake_ram *r = opaque;

	if (gpa >= r->size || len > r->size - gpa)
		return NULL;
	return r->base + gpa;
}

static inline void fake_ram_init(struct fake_ram *r, u64 size)
{
	r->base = aligned_alloc(4096, size);
	if (!r->base)
		abort();
	memset(r->base, 0, size);
	r->size = size;
	r->brk = 0x1000;
	r->mem.gpa_to_host = fake_gpa_to_host;
	r->mem.opaque = r;
}

static inline void fake_ram_free(struct fake_ram *r)
{
	free(r->base);
	r->base = NULL;
}

/* Allocate @size bytes of guest RAM aligned to @align; return the guest-physical address. */
static inline u64 fake_ram_alloc(struct fake_ram *r, u64 size, u64 align)
{
	u64 gpa = (r->brk + align - 1) & ~(align - 1);

	if (gpa + size > r->size) {
		fprintf(stderr, "fake_ram: out of guest RAM\n");
		abort();
	}
	r->brk = gpa + size;
	return gpa;
}

static inline void *gva(struct fake_ram *r, u64 gpa)
{
	return r->base + gpa;
}

/* ---- RAM-disk backend ----------------------------------------------------------------- */

enum { RD_READ, RD_WRITE, RD_FLUSH };

struct rd_op {
	struct blk_req *req;
	int op;
	u64 off;
	const struct vq_iov *iov;
	unsigned int n;
};

struct ramdisk {
	u8 *data;
	u64 size;
	bool async;			/* queue every op until ramdisk_complete() */
	int fail;			/* fail this many ops with -EIO */
	unsigned long reads, writes, flushes;
	unsigned int npending;
	struct rd_op pending[BLK_DEV_QUEUE_MAX];
};

/* Do @o now; the device promised it fits, so a miss is a device bug and aborts. */
static inline int rd_run(struct ramdisk *rd, const struct rd_op *o)
{
	u64 off = o->off;
	unsigned int i;

	if (rd->fail > 0) {
		rd->fail--;
		return -EIO;
	}
	if (o->op == RD_FLUSH) {
		rd->flushes++;
		return 0;
	}
	for (i = 0; i < o->n; i++) {
		if (off > rd->size || o->iov[i].len > rd->size - off) {
			fprintf(stderr, "ramdisk: I/O past the end: device check missing\n");
			abort();
		}
		if (!o->iov[i].len)
			continue;	/* an empty segment has no base */
		if (o->op == RD_READ)
			memcpy(o->iov[i].base, rd->data + off, o->iov[i].len);
		else
			memcpy(rd->data + off, o->iov[i].base, o->iov[i].len);
		off += o->iov[i].len;
	}
	if (o->op == RD_READ)
		rd->reads++;
	else
		rd->writes++;
	return 0;
}

static inline int rd_submit(struct ramdisk *rd, struct rd_op o)
{
	if (!rd->async)
		return rd_run(rd, &o);
	rd->pending[rd->npending++] = o;
	return BLK_IO_QUEUED;
}

static inline int rd_read(void *opaque, struct blk_req *req, u64 off, const struct vq_iov *iov,
			  unsigned int n)
{
	return rd_submit(opaque, (struct rd_op){ req, RD_READ, off, iov, n });
}

static inline int rd_write(void *opaque, struct blk_req *req, u64 off, const struct vq_iov *iov,
			   unsigned int n)
{
	return rd_submit(opaque, (struct rd_op){ req, RD_WRITE, off, iov, n });
}

static inline int rd_flush(void *opaque, struct blk_req *req)
{
	return rd_submit(opaque, (struct rd_op){ req, RD_FLUSH, 0, NULL, 0 });
}

static const struct blk_backend_ops ramdisk_ops = {
	.read = rd_read,
	.write = rd_write,
	.flush = rd_flush,
};

/* Run pending op @i (in submission order among those left) and complete it. */
static inline void ramdisk_complete(struct ramdisk *rd, unsigned int i)
{
	struct rd_op o = rd->pending[i];

	memmove(&rd->pending[i], &rd->pending[i + 1], (rd->npending - i - 1) * sizeof(o));
	rd->npending--;
	blk_dev_complete(o.req, rd_run(rd, &o));
}

/* ---- the loopback rig ------------------------------------------------------------------ */

struct rig_opts {
	u32 num;			/* queue entries the driver asks for (default 16) */
	u64 sectors;			/* disk capacity (default 256) */
	bool ro, noflush, async;
	bool no_event_idx;		/* driver does not ask for EVENT_IDX */
	u16 queue_max;			/* device QueueNumMax (default 256) */
};

struct rig {
	struct fake_ram ram;
	struct ramdisk rd;
	struct blk_dev *dev;
	struct mmio_dev mdev;
	struct mmio_drv drv;
	struct blk_drv *bd;
	u64 ring_gpa;
	u64 buf_gpa;			/* 256 KiB of scratch guest RAM for data */
	unsigned long irqs;		/* interrupt line raised */
	unsigned long notifies;		/* QueueNotify writes by the driver */
	bool defer_kicks;		/* hold QueueNotify back, as if the I/O thread slept */
	unsigned long deferred;
	unsigned long logs;		/* lines logged by the device */
	char last_log[128];
};

#define RIG_RAM_SIZE	(2ULL << 20)
#define RIG_BUF_SIZE	(256ULL << 10)

static inline u32 rig_io_read(void *opaque, u32 off, unsigned int size)
{
	struct rig *r = opaque;
	u32 v = 0;

	mmio_dev_read(&r->mdev, off, &v, size);
	return v;
}

static inline void rig_io_write(void *opaque, u32 off, u32 val, unsigned int size)
{
	struct rig *r = opaque;

	if (off == VIRTIO_MMIO_QUEUE_NOTIFY) {
		r->notifies++;
		if (r->defer_kicks) {
			r->deferred++;
			return;
		}
	}
	mmio_dev_write(&r->mdev, off, &val, size);
}

static const struct mmio_drv_io rig_io = {
	.read = rig_io_read,
	.write = rig_io_write,
};

static inline void rig_irq(void *opaque)
{
	((struct rig *)opaque)->irqs++;
}

static inline void rig_log(void *opaque, const char *msg)
{
	struct rig *r = opaque;

	r->logs++;
	snprintf(r->last_log, sizeof(r->last_log), "%s", msg);
}

/* Bring the guest driver up on the device again (after DEVICE_NEEDS_RESET, say). */
static inline int rig_driver_init(struct rig *r, u32 num, u64 want)
{
	int err = mmio_drv_probe(&r->drv, &rig_io, r);

	if (err)
		return err;
	return blk_drv_init(r->bd, &r->drv, gva(&r->ram, r->ring_gpa), r->ring_gpa, num, want);
}

static inline u64 rig_want(const struct rig_opts *o)
{
	u64 want = BLK_DRV_FEATURES;

	if (o->no_event_idx)
		want &= ~VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX);
	return want;
}

/* Build device, transport and driver over a fresh RAM; 0 or -E*. Undo with rig_destroy(). */
static inline int rig_create(struct rig *r, const struct rig_opts *o)
{
	struct blk_dev_params p = {
		.capacity = o->sectors ? o->sectors : 256,
		.read_only = o->ro,
		.flush = !o->noflush,
		.blk_size = 4096,
		.queue_max = o->queue_max,
		.id = "kvm-mm-disk0",
		.backend = &ramdisk_ops,
		.backend_opaque = &r->rd,
		.log = rig_log,
		.log_opaque = r,
	};
	u32 num = o->num ? o->num : 16;
	int err;

	memset(r, 0, sizeof(*r));
	fake_ram_init(&r->ram, RIG_RAM_SIZE);
	r->rd.size = p.capacity * VIRTIO_BLK_SECTOR_SIZE;
	r->rd.data = calloc(1, r->rd.size);
	r->rd.async = o->async;
	r->dev = calloc(1, sizeof(*r->dev));
	r->bd = calloc(1, sizeof(*r->bd));
	if (!r->rd.data || !r->dev || !r->bd)
		abort();
	r->ring_gpa = fake_ram_alloc(&r->ram, blk_drv_mem_bytes(VQ_DRV_NUM_MAX), 4096);
	r->buf_gpa = fake_ram_alloc(&r->ram, RIG_BUF_SIZE, 4096);
	err = blk_dev_init(r->dev, &p, &r->ram.mem);
	if (!err)
		err = mmio_dev_init(&r->mdev, &r->dev->vdev, rig_irq, r);
	if (!err)
		err = rig_driver_init(r, num, rig_want(o));
	return err;
}

static inline void rig_destroy(struct rig *r)
{
	free(r->bd);
	free(r->dev);
	free(r->rd.data);
	fake_ram_free(&r->ram);
}

/* The I/O thread wakes up once for however many kicks were held back. */
static inline void rig_run_deferred(struct rig *r)
{
	if (!r->deferred)
		return;
	r->deferred = 0;
	blk_dev_notify(r->dev);
}

/* Fill @len bytes at guest address @gpa with a pattern derived from @seed. */
static inline void fill_pattern(struct rig *r, u64 gpa, u64 len, u32 seed)
{
	u8 *p = gva(&r->ram, gpa);
	u64 i;

	for (i = 0; i < len; i++)
		p[i] = (u8)(seed * 131 + i * 7 + (i >> 9));
}

static inline bool check_pattern(const u8 *p, u64 len, u32 seed)
{
	u64 i;

	for (i = 0; i < len; i++)
		if (p[i] != (u8)(seed * 131 + i * 7 + (i >> 9)))
			return false;
	return true;
}

/* Split [gpa, gpa + len) into @nseg segments (the last takes the rest). */
static inline unsigned int split_segs(struct vq_buf *seg, u64 gpa, u32 len, unsigned int nseg)
{
	u32 each = nseg ? len / nseg : 0;
	unsigned int i;

	for (i = 0; i < nseg; i++) {
		seg[i].pa = gpa + (u64)i * each;
		seg[i].len = i + 1 < nseg ? each : len - each * (nseg - 1);
		seg[i].write = false;
	}
	return nseg;
}

/*
 * Submit one request, kick, and reap its completion (the backend must be synchronous).
 * Return the status byte, or -1 when the request could not be submitted or did not
 * complete, with a diagnostic.
 */
static inline int rig_request(struct rig *r, u32 type, u64 sector, const struct vq_buf *seg,
			      unsigned int nseg)
{
	static int token;
	void *cookie = NULL;
	u8 status = 0xff;
	int head;

	head = blk_drv_submit(r->bd, type, sector, seg, nseg, &token);
	if (head < 0) {
		tap_diag("blk_drv_submit: %d", head);
		return -1;
	}
	blk_drv_kick(r->bd);
	if (blk_drv_reap(r->bd, &cookie, &status) != 1 || cookie != &token) {
		tap_diag("request type %u sector %llu did not complete", type,
			 (unsigned long long)sector);
		return -1;
	}
	return status;
}

/* A read or write of @len bytes at @sector through the scratch buffer, in @nseg pieces. */
static inline int rig_rw(struct rig *r, u32 type, u64 sector, u32 len, unsigned int nseg)
{
	struct vq_buf seg[BLK_DRV_SEG_MAX];

	return rig_request(r, type, sector, seg, split_segs(seg, r->buf_gpa, len, nseg));
}

/* ---- hand-built chains -------------------------------------------------------------------- */

/* In a template, next = RAW_ABS(i) means table index i, not template entry i. */
#define RAW_ABS(i)	(0x8000 | (i))

/*
 * Expose a chain built from @n template descriptors: each next names another template
 * entry (or RAW_ABS), so loops and bad indices can be written. Return the first index.
 */
static inline int rig_raw_chain(struct rig *r, const struct vring_desc *tmpl, unsigned int n,
				void *cookie)
{
	struct vq_drv *vq = &r->bd->vq;
	u16 idx[VQ_MAX_SEGS + 8];
	unsigned int k;

	if (n > ARRAY_SIZE(idx) || vq_drv_raw_alloc(vq, n, idx))
		return -ENOSPC;
	for (k = 0; k < n; k++) {
		vq->desc[idx[k]] = tmpl[k];
		if (tmpl[k].next & 0x8000)
			vq->desc[idx[k]].next = tmpl[k].next & 0x7fff;
		else if (tmpl[k].next < n)
			vq->desc[idx[k]].next = idx[tmpl[k].next];
	}
	vq_drv_raw_publish(vq, idx[0], n, idx[0], cookie);
	return idx[0];
}

/* Guest addresses of a header (filled with @type/@sector) and a status byte (0xff). */
static inline void rig_hdr_status(struct rig *r, u32 type, u64 sector, u64 *hdr, u64 *status)
{
	struct virtio_blk_req_hdr h = { .type = type, .sector = sector };

	*hdr = fake_ram_alloc(&r->ram, sizeof(h), 16);
	*status = fake_ram_alloc(&r->ram, 1, 1);
	memcpy(gva(&r->ram, *hdr), &h, sizeof(h));
	*(u8 *)gva(&r->ram, *status) = 0xff;
}

#endif

// SPDX-License-Identifier: MIT
/*
 * virtio-blk device model (virtio/blk_dev.h): request checks, dispatch to the backend,
 * completion in any order, counters. A request that breaks a rule completes with IOERR
 * (UNSUPP for an unknown type) when its status byte is usable; a chain without a usable
 * status byte, or a corrupt ring, sets DEVICE_NEEDS_RESET instead.
 */
#include <kern/errno.h>
#include <kern/string.h>
#include <virtio/blk_dev.h>
#include <virtio/mmio.h>

/* The header wherever it sits: data buffers have no alignment rule. */
struct blk_hdr_una {
	u32 type;
	u32 reserved;
	u64 sector;
} __packed;

static struct blk_dev *to_blk(struct virtio_dev *vdev)
{
	return container_of(vdev, struct blk_dev, vdev);
}

/* ---- request slots -------------------------------------------------------------------- */

static struct blk_req *blk_req_alloc(struct blk_dev *dev)
{
	struct blk_req *req;

	if (!dev->nfree)
		return NULL;
	req = dev->free[--dev->nfree];
	req->busy = true;
	req->gen = dev->gen;
	return req;
}

static void blk_req_free(struct blk_dev *dev, struct blk_req *req)
{
	req->busy = false;
	dev->free[dev->nfree++] = req;
}

/* ---- checks --------------------------------------------------------------------------- */

/* The status byte: the last segment, device-writable, in RAM, exactly 1 byte; else NULL. */
static u8 *blk_status_byte(const struct vq_elem *e)
{
	u16 last = e->nseg - 1;

	if (!e->nseg || e->flags[last] != VQ_SEG_WRITE || e->iov[last].len != 1)
		return NULL;
	return e->iov[last].base;
}

/* Read the header, the first segment: device-readable, exactly 16 bytes, not the status. */
static enum virtio_err blk_read_hdr(const struct vq_elem *e, struct virtio_blk_req_hdr *h)
{
	const volatile struct blk_hdr_una *s;

	if (e->nseg < 2 || e->flags[0] != 0 || e->iov[0].len != sizeof(*h))
		return VIRTIO_E_HDR;
	s = e->iov[0].base;
	h->type = s->type;
	h->reserved = 0;
	h->sector = s->sector;
	return VIRTIO_E_NONE;
}

/* Every data segment (between header and status) has direction @want; sum their lengths. */
static enum virtio_err blk_check_data(struct blk_req *req, u8 want)
{
	const struct vq_elem *e = &req->elem;
	u16 i;

	req->data_len = 0;
	for (i = 1; i + 1 < e->nseg; i++) {
		if ((e->flags[i] & VQ_SEG_WRITE) != want)
			return VIRTIO_E_DIR;
		req->data_len += e->iov[i].len;
	}
	return VIRTIO_E_NONE;
}

/* IN/OUT: direction, whole sectors, and [sector, sector + n) inside the disk, no overflow. */
static enum virtio_err blk_check_rw(struct blk_dev *dev, struct blk_req *req, u8 want)
{
	u64 cap = dev->p.capacity, nsect;
	enum virtio_err e;

	e = blk_check_data(req, want);
	if (e)
		return e;
	if (req->data_len % VIRTIO_BLK_SECTOR_SIZE)
		return VIRTIO_E_ALIGN;
	nsect = req->data_len >> VIRTIO_BLK_SECTOR_SHIFT;
	if (req->sector > cap || nsect > cap - req->sector)
		return VIRTIO_E_RANGE;
	return VIRTIO_E_NONE;
}

/* Check @req against every rule of its type; VIRTIO_E_NONE if it may run. */
static enum virtio_err blk_check(struct blk_dev *dev, struct blk_req *req)
{
	struct virtio_blk_req_hdr h;
	enum virtio_err e;

	if (req->elem.nbad)
		return VIRTIO_E_ADDR;
	e = blk_read_hdr(&req->elem, &h);
	if (e)
		return e;
	req->type = h.type;
	req->sector = h.sector;
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
		return blk_check_rw(dev, req, VQ_SEG_WRITE);
	case VIRTIO_BLK_T_OUT:
		e = blk_check_rw(dev, req, 0);
		if (!e && dev->p.read_only)
			e = VIRTIO_E_RO;
		return e;
	case VIRTIO_BLK_T_FLUSH:
		if (!(dev->vdev.acked & VIRTIO_BIT(VIRTIO_BLK_F_FLUSH)))
			return VIRTIO_E_UNSUPP;
		e = blk_check_data(req, 0);
		return e ? e : (req->data_len ? VIRTIO_E_DIR : VIRTIO_E_NONE);
	case VIRTIO_BLK_T_GET_ID:
		return blk_check_data(req, VQ_SEG_WRITE);
	default:
		return VIRTIO_E_UNSUPP;
	}
}

/* ---- completion ------------------------------------------------------------------------ */

/* Send a used-buffer notification if the driver wants one now. */
static void blk_dev_signal(struct blk_dev *dev)
{
	if (!vq_should_notify(&dev->vq))
		return;
	dev->stats.interrupts++;
	virtio_dev_signal_used(&dev->vdev, 0);
}

/* The device cannot go on (@e): stop the queue and set DEVICE_NEEDS_RESET. */
static void blk_dev_fail(struct blk_dev *dev, enum virtio_err e)
{
	dev->vq.broken = true;
	dev->stats.resets++;
	virtio_dev_fail(&dev->vdev, e);
}

/* Write @status, return the chain with @len bytes written, free the slot. */
static void blk_req_done(struct blk_dev *dev, struct blk_req *req, u8 status, u32 len)
{
	if (status != VIRTIO_BLK_S_OK)
		dev->stats.errors++;
	WRITE_ONCE(*req->status, status);
	vq_push(&dev->vq, req->elem.head, len);
	blk_req_free(dev, req);
}

/* Complete a request that failed check @e: UNSUPP or IOERR, nothing but the status written. */
static void blk_req_reject(struct blk_dev *dev, struct blk_req *req, enum virtio_err e)
{
	virtio_dev_error(&dev->vdev, e);
	blk_req_done(dev, req, e == VIRTIO_E_UNSUPP ? VIRTIO_BLK_S_UNSUPP : VIRTIO_BLK_S_IOERR, 1);
}

/* Complete a request the backend ran, with its result @err (0 or -E*). */
static void blk_req_finish(struct blk_dev *dev, struct blk_req *req, int err)
{
	if (err) {
		virtio_dev_error(&dev->vdev, VIRTIO_E_BACKEND);
		blk_req_done(dev, req, VIRTIO_BLK_S_IOERR, 1);
		return;
	}
	if (req->type == VIRTIO_BLK_T_IN)
		dev->stats.bytes_read += req->data_len;
	else if (req->type == VIRTIO_BLK_T_OUT)
		dev->stats.bytes_written += req->data_len;
	blk_req_done(dev, req, VIRTIO_BLK_S_OK, req->written + 1);
}

/* ---- running requests ------------------------------------------------------------------ */

/*
 * Copy up to @len bytes of @src into segments @iov[0..n); return the bytes copied. Empty
 * segments have a NULL base and are skipped.
 */
static u32 blk_iov_fill(const struct vq_iov *iov, unsigned int n, const void *src, u32 len)
{
	u32 done = 0, chunk;
	unsigned int i;

	for (i = 0; i < n && done < len; i++) {
		chunk = MIN((u64)iov[i].len, (u64)(len - done));
		if (!chunk)
			continue;
		memcpy(iov[i].base, (const u8 *)src + done, chunk);
		done += chunk;
	}
	return done;
}

/* Start checked request @req: 0 or -E* when done, BLK_IO_QUEUED when the backend took it. */
static int blk_start(struct blk_dev *dev, struct blk_req *req)
{
	const struct blk_backend_ops *ops = dev->p.backend;
	const struct vq_iov *data = &req->elem.iov[1];
	unsigned int n = req->elem.nseg - 2;
	u64 off = req->sector << VIRTIO_BLK_SECTOR_SHIFT;

	switch (req->type) {
	case VIRTIO_BLK_T_IN:
		dev->stats.reads++;
		req->written = req->data_len;
		return ops->read(dev->p.backend_opaque, req, off, data, n);
	case VIRTIO_BLK_T_OUT:
		dev->stats.writes++;
		return ops->write(dev->p.backend_opaque, req, off, data, n);
	case VIRTIO_BLK_T_FLUSH:
		dev->stats.flushes++;
		return ops->flush(dev->p.backend_opaque, req);
	case VIRTIO_BLK_T_GET_ID:
		dev->stats.get_ids++;
		req->written = blk_iov_fill(data, n, dev->p.id, VIRTIO_BLK_ID_BYTES);
		return 0;
	}
	return -EINVAL;
}

/* Run one popped chain: check it, start it, and complete it unless the backend queued it. */
static void blk_handle(struct blk_dev *dev, struct blk_req *req)
{
	enum virtio_err e;
	int r;

	dev->stats.requests++;
	req->type = 0;
	req->written = 0;
	req->data_len = 0;
	req->status = blk_status_byte(&req->elem);
	if (!req->status) {
		blk_req_free(dev, req);
		blk_dev_fail(dev, VIRTIO_E_STATUS);
		return;
	}
	e = blk_check(dev, req);
	if (e) {
		blk_req_reject(dev, req, e);
		return;
	}
	r = blk_start(dev, req);
	if (r != BLK_IO_QUEUED)
		blk_req_finish(dev, req, r);
}

/*
 * Pop and run requests until the ring is empty (then re-enable kicks and recheck), every
 * slot is busy (stalled: blk_dev_complete() resumes), or the device needs a reset.
 */
static void blk_dev_process(struct blk_dev *dev)
{
	struct blk_req *req;
	int r = 0;

	dev->stalled = false;
	if (!dev->vdev.driver_ok || !dev->vq.ready || dev->vq.broken)
		return;
	do {
		vq_disable_notify(&dev->vq);
		for (;;) {
			req = blk_req_alloc(dev);
			if (!req) {
				dev->stalled = true;
				goto out;
			}
			r = vq_pop(&dev->vq, &req->elem);
			if (r <= 0) {
				blk_req_free(dev, req);
				break;
			}
			blk_handle(dev, req);
			if (!dev->vdev.driver_ok)
				goto out;
		}
		if (r < 0) {
			blk_dev_fail(dev, dev->vq.err);
			goto out;
		}
	} while (vq_enable_notify(&dev->vq));
out:
	blk_dev_signal(dev);
}

void blk_dev_notify(struct blk_dev *dev)
{
	dev->stats.kicks++;
	blk_dev_process(dev);
}

void blk_dev_complete(struct blk_req *req, int err)
{
	struct blk_dev *dev = req->dev;

	if (!req->busy)
		return;
	if (req->gen != dev->gen) {
		blk_req_free(dev, req);		/* orphaned by a reset: the ring is gone */
	} else {
		blk_req_finish(dev, req, err);
		blk_dev_signal(dev);
	}
	if (dev->stalled)
		blk_dev_process(dev);
}

/* ---- virtio_dev ops and set-up ---------------------------------------------------------- */

static int blk_features_ok(struct virtio_dev *vdev, u64 acked)
{
	return 0;	/* every subset of what we offer works */
}

static void blk_notify(struct virtio_dev *vdev, u16 q)
{
	if (q == 0)
		blk_dev_notify(to_blk(vdev));
}

/* Forget the queue; requests still at the backend are orphaned by the new generation. */
static void blk_reset(struct virtio_dev *vdev)
{
	struct blk_dev *dev = to_blk(vdev);

	vq_dev_disable(&dev->vq);
	dev->gen++;
	dev->stalled = false;
}

static const struct virtio_dev_ops blk_dev_ops = {
	.features_ok = blk_features_ok,
	.notify = blk_notify,
	.reset = blk_reset,
};

static int blk_params_valid(const struct blk_dev_params *p)
{
	const struct blk_backend_ops *ops = p->backend;
	u32 bs = p->blk_size;

	if (!ops || !ops->read || !ops->write || (p->flush && !ops->flush))
		return -EINVAL;
	if (p->capacity > ((u64)-1 >> VIRTIO_BLK_SECTOR_SHIFT))
		return -EINVAL;
	if (bs && (bs < VIRTIO_BLK_SECTOR_SIZE || (bs & (bs - 1))))
		return -EINVAL;
	if (p->queue_max && !vring_size_valid(p->queue_max, BLK_DEV_QUEUE_MAX))
		return -EINVAL;
	return 0;
}

static u64 blk_offered_features(const struct blk_dev_params *p)
{
	u64 f = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX) |
		VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |
		VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE);

	if (p->read_only)
		f |= VIRTIO_BIT(VIRTIO_BLK_F_RO);
	if (p->flush)
		f |= VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);
	return f;
}

int blk_dev_init(struct blk_dev *dev, const struct blk_dev_params *p, const struct vq_mem *mem)
{
	unsigned int i;

	if (blk_params_valid(p) || !mem || !mem->gpa_to_host)
		return -EINVAL;
	memset(dev, 0, sizeof(*dev));
	dev->p = *p;
	if (!dev->p.blk_size)
		dev->p.blk_size = VIRTIO_BLK_SECTOR_SIZE;
	if (!dev->p.queue_max)
		dev->p.queue_max = BLK_DEV_QUEUE_MAX;
	dev->config.capacity = p->capacity;
	dev->config.seg_max = BLK_DEV_SEG_MAX;
	dev->config.blk_size = dev->p.blk_size;
	dev->config.num_queues = 1;
	for (i = 0; i < BLK_DEV_QUEUE_MAX; i++) {
		dev->req[i].dev = dev;
		dev->free[dev->nfree++] = &dev->req[i];
	}
	dev->vdev.device_id = VIRTIO_ID_BLOCK;
	dev->vdev.features = blk_offered_features(p);
	dev->vdev.config = &dev->config;
	dev->vdev.config_size = sizeof(dev->config);
	dev->vdev.vqs = &dev->vq;
	dev->vdev.nvqs = 1;
	dev->vdev.queue_max = dev->p.queue_max;
	dev->vdev.mem = mem;
	dev->vdev.ops = &blk_dev_ops;
	dev->vdev.log = p->log;
	dev->vdev.log_opaque = p->log_opaque;
	return 0;
}

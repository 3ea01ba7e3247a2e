/* SPDX-License-Identifier: MIT */
/*
 * Device half of a split virtqueue: ring setup checks, a validated pop that turns one
 * descriptor chain into an iovec list, push used, and notification suppression both
 * ways (EVENT_IDX or flags). Guest memory is reached only through struct vq_mem.
 */
#ifndef VIRTIO_VQ_DEV_H
#define VIRTIO_VQ_DEV_H

#include <kern/types.h>
#include <virtio/ring.h>
#include <virtio/virtio_dev.h>

/* Segments one element holds: a virtio-blk header, 64 data segments and a status byte. */
#define VQ_MAX_SEGS		66

/* Per-segment flags. */
#define VQ_SEG_WRITE		0x1	/* device-writable */
#define VQ_SEG_BAD		0x2	/* outside guest RAM or wrapping: base is NULL */

/* One segment, laid out like struct iovec so it can go straight to preadv()/io_uring. */
struct vq_iov {
	void *base;
	size_t len;
};

/* A popped descriptor chain: segments in chain order, indirect tables flattened. */
struct vq_elem {
	u16 head;			/* the id to push back with vq_push() */
	u16 nseg;
	u16 nbad;			/* segments flagged VQ_SEG_BAD */
	struct vq_iov iov[VQ_MAX_SEGS];
	u8 flags[VQ_MAX_SEGS];		/* VQ_SEG_* */
};

struct vq_dev {
	/* Set by vq_dev_enable(); the rings' host addresses are checked once, there. */
	bool ready;
	bool event_idx;			/* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool indirect;			/* VIRTIO_RING_F_INDIRECT_DESC negotiated */
	bool broken;			/* ring corrupted: no more pops until re-enabled */
	u16 num;
	u64 desc_gpa, avail_gpa, used_gpa;
	const struct vq_mem *mem;
	const struct vring_desc *desc;
	struct vring_avail *avail;	/* read-only to the device, by discipline */
	struct vring_used *used;
	/* Device-private state. */
	u16 last_avail_idx;		/* next available entry to pop */
	u16 used_idx;			/* next used entry to fill */
	u16 signalled_used;		/* used_idx when we last decided about an interrupt */
	enum virtio_err err;		/* why the queue broke */
};

/*
 * Check and enable a queue the driver set up: @num a power of 2 no larger than @num_max,
 * each ring part aligned (16/2/4) and wholly inside guest RAM. Indices restart at 0.
 * Return 0, or -EINVAL with the queue left disabled.
 */
int vq_dev_enable(struct vq_dev *vq, const struct vq_mem *mem, u32 num, u32 num_max,
		  u64 desc_gpa, u64 avail_gpa, u64 used_gpa, bool event_idx, bool indirect);

/* Disable the queue and forget all of its state (QueueReady = 0, device reset). */
void vq_dev_disable(struct vq_dev *vq);

/*
 * Pop the next available chain into @elem, checking everything the guest controls:
 * avail idx moving by more than num, head or next >= table size, chains longer than their
 * table (loops) or than VQ_MAX_SEGS, indirect tables that were not negotiated, nested,
 * flagged NEXT, not a non-empty multiple of 16 bytes, or outside RAM. A segment whose
 * addr/len falls outside RAM does not fail the pop: it is flagged VQ_SEG_BAD so the device
 * can still complete the request with an error. Each descriptor is read exactly once.
 * Return 1 with @elem filled, 0 if the ring is empty, or -EIO if the ring is corrupt: the
 * queue is then broken (vq->err says why) until re-enabled.
 */
int vq_pop(struct vq_dev *vq, struct vq_elem *elem);

/* Return chain @head to the driver with @len bytes written, publishing the used idx. */
void vq_push(struct vq_dev *vq, u16 head, u32 len);

/*
 * After one or more vq_push(): does the driver want a used-buffer notification? With
 * EVENT_IDX, true if the used idx passed used_event since the last call; otherwise true
 * unless the driver set VRING_AVAIL_F_NO_INTERRUPT.
 */
bool vq_should_notify(struct vq_dev *vq);

/* Ask the driver not to kick while the device is draining the queue anyway. */
void vq_disable_notify(struct vq_dev *vq);

/*
 * Ask the driver to kick again for the next buffer (avail_event = last_avail_idx with
 * EVENT_IDX, else clear VRING_USED_F_NO_NOTIFY), then recheck: return true if buffers
 * arrived meanwhile, so the caller must pop again instead of sleeping.
 */
bool vq_enable_notify(struct vq_dev *vq);

#endif

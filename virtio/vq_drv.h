/* SPDX-License-Identifier: MIT */
/*
 * Driver half of a split virtqueue, for the guest: a free descriptor list, adding a chain
 * and exposing it with barriers, the kick decision (EVENT_IDX or flags), reaping used
 * entries and asking for the next interrupt (used_event). A test mode builds chains a
 * device must reject. Chain links are kept privately, so freeing never trusts what the
 * shared descriptor table says. The caller serializes calls on one queue.
 */
#ifndef VIRTIO_VQ_DRV_H
#define VIRTIO_VQ_DRV_H

#include <kern/types.h>
#include <virtio/ring.h>

#define VQ_DRV_NUM_MAX		256

/* One physically contiguous piece of a buffer. */
struct vq_buf {
	u64 pa;
	u32 len;
	bool write;			/* device-writable */
};

struct vq_drv {
	u16 num;
	u16 num_free;
	u16 free_head;
	u16 avail_idx;			/* our copy of avail->idx */
	u16 kicked_idx;			/* avail idx at the last kick decision */
	u16 last_used_idx;		/* next used entry to reap */
	bool event_idx;			/* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool cb_off;			/* interrupts suppressed by vq_drv_disable_cb() */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	u64 desc_pa, avail_pa, used_pa;
	u16 link[VQ_DRV_NUM_MAX];	/* next descriptor: in a chain, or in the free list */
	u16 ndesc[VQ_DRV_NUM_MAX];	/* chain length at each in-flight head; 0 otherwise */
	void *cookie[VQ_DRV_NUM_MAX];	/* the caller's token for each in-flight head */
};

/* Bytes of ring memory for @num entries: descriptors, then avail, then used (4-aligned). */
u64 vq_drv_ring_bytes(u32 num);

/*
 * Lay out a queue of @num entries (a power of 2 <= VQ_DRV_NUM_MAX) in the physically
 * contiguous region at virtual @va / physical @pa, 16-byte aligned, of vq_drv_ring_bytes()
 * bytes; the region is zeroed. Return 0 or -EINVAL.
 */
int vq_drv_init(struct vq_drv *vq, u32 num, void *va, u64 pa, bool event_idx);

/*
 * Add the @n buffers @buf (device-readable ones first, §2.7.4) as one chain and expose it
 * to the device. @cookie (not NULL) comes back from vq_drv_get_used(). Return the head
 * index, -ENOSPC if fewer than @n descriptors are free, or -EINVAL.
 */
int vq_drv_add(struct vq_drv *vq, const struct vq_buf *buf, unsigned int n, void *cookie);

/* The head the next vq_drv_add() will use, or -ENOSPC when no descriptor is free. */
int vq_drv_next_head(const struct vq_drv *vq);

/*
 * After adding: must the device be notified? Orders the avail idx write before reading
 * the device's avail_event (EVENT_IDX) or VRING_USED_F_NO_NOTIFY. False when nothing was
 * added since the last call.
 */
bool vq_drv_kick_prepare(struct vq_drv *vq);

/*
 * Reap one used chain: its cookie, the length the device wrote, its head. Frees its
 * descriptors and, unless interrupts are off, moves used_event past it. Return 1, 0 when
 * nothing is used, or -EIO when the device returned an id it was never given.
 */
int vq_drv_get_used(struct vq_drv *vq, void **cookie, u32 *len, u16 *head);

/* Ask the device for no used-buffer interrupts (best effort; they may still come). */
void vq_drv_disable_cb(struct vq_drv *vq);

/* Ask for an interrupt at the next used buffer; return true if some are already there. */
bool vq_drv_enable_cb(struct vq_drv *vq);

/* ---- test mode: chains a device must reject ------------------------------------------ */

/*
 * Take @n free descriptors, linked privately in the order @idx[0..n) returns them; the
 * caller writes vq->desc[idx[i]] however it likes. Return 0 or -ENOSPC.
 */
int vq_drv_raw_alloc(struct vq_drv *vq, unsigned int n, u16 *idx);

/*
 * Expose @head_value (any value, even past the ring) in the available ring, accounting the
 * @n descriptors from vq_drv_raw_alloc() (starting at @first) to @cookie.
 */
void vq_drv_raw_publish(struct vq_drv *vq, u16 first, unsigned int n, u16 head_value,
			void *cookie);

/* Write @idx to avail->idx as is, whatever the ring holds. */
void vq_drv_raw_avail_idx(struct vq_drv *vq, u16 idx);

#endif

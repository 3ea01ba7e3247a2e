/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueue layout (virtio 1.2 §2.7), shared by the device half (./vmm) and the
 * driver half (guest): descriptors, available and used rings, the EVENT_IDX fields and
 * vring_need_event(), the ring feature bits, and the barriers both sides use.
 * Every field is little-endian on the wire; both sides are x86-64, so plain integers.
 */
#ifndef VIRTIO_RING_H
#define VIRTIO_RING_H

#include <kern/compiler.h>
#include <kern/types.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "virtio rings are little-endian");

/* ---- feature bits that belong to the rings and the transport (§6) ----------------- */
#define VIRTIO_RING_F_INDIRECT_DESC	28	/* the spec's VIRTIO_F_INDIRECT_DESC */
#define VIRTIO_RING_F_EVENT_IDX		29	/* the spec's VIRTIO_F_EVENT_IDX */
#define VIRTIO_F_VERSION_1		32	/* a virtio 1.x device, not legacy */
#define VIRTIO_BIT(f)			(1ULL << (f))

/* ---- descriptor flags and ring flags (§2.7.5, §2.7.6, §2.7.8) ---------------------- */
#define VRING_DESC_F_NEXT		1	/* buffer continues via 'next' */
#define VRING_DESC_F_WRITE		2	/* device-writable (else device-readable) */
#define VRING_DESC_F_INDIRECT		4	/* buffer is a table of descriptors */
#define VRING_AVAIL_F_NO_INTERRUPT	1	/* driver: no used-buffer notification wanted */
#define VRING_USED_F_NO_NOTIFY		1	/* device: no kick wanted */

#define VRING_MAX_SIZE			32768	/* largest queue size of a split ring */
#define VRING_DESC_ALIGN		16
#define VRING_AVAIL_ALIGN		2
#define VRING_USED_ALIGN		4

struct vring_desc {
	u64 addr;		/* guest-physical */
	u32 len;
	u16 flags;		/* VRING_DESC_F_* */
	u16 next;		/* next descriptor if flags & VRING_DESC_F_NEXT */
};

struct vring_avail {
	u16 flags;		/* VRING_AVAIL_F_* */
	u16 idx;		/* where the driver puts the next head (free-running) */
	u16 ring[];		/* [num] heads, then u16 used_event (EVENT_IDX) */
};

struct vring_used_elem {
	u32 id;			/* head of the used chain */
	u32 len;		/* bytes the device wrote into the chain */
};

struct vring_used {
	u16 flags;		/* VRING_USED_F_* */
	u16 idx;		/* where the device puts the next element (free-running) */
	struct vring_used_elem ring[];	/* [num], then u16 avail_event (EVENT_IDX) */
};

_Static_assert(sizeof(struct vring_desc) == 16, "vring_desc is 16 bytes");
_Static_assert(sizeof(struct vring_avail) == 4, "vring_avail header is 4 bytes");
_Static_assert(sizeof(struct vring_used_elem) == 8, "vring_used_elem is 8 bytes");
_Static_assert(sizeof(struct vring_used) == 4, "vring_used header is 4 bytes");

/* Bytes of each part for a queue of @num entries, event fields included (§2.7 table). */
static inline u64 vring_desc_bytes(u32 num)
{
	return 16ULL * num;
}

static inline u64 vring_avail_bytes(u32 num)
{
	return 6 + 2ULL * num;
}

static inline u64 vring_used_bytes(u32 num)
{
	return 6 + 8ULL * num;
}

/* True if @num is a usable queue size: a power of 2 in [1, min(@max, VRING_MAX_SIZE)]. */
static inline bool vring_size_valid(u32 num, u32 max)
{
	return num && !(num & (num - 1)) && num <= max && num <= VRING_MAX_SIZE;
}

/* The driver's used_event sits after the available ring's @num entries. */
static inline u16 *vring_used_event(struct vring_avail *avail, u32 num)
{
	return &avail->ring[num];
}

/* The device's avail_event sits after the used ring's @num entries. */
static inline u16 *vring_avail_event(struct vring_used *used, u32 num)
{
	return (u16 *)&used->ring[num];
}

/*
 * EVENT_IDX: the other side asked to be notified once index @event_idx is written. Having
 * moved our index from @old_idx to @new_idx, return true if that crossed @event_idx, i.e.
 * event_idx lies in [old_idx, new_idx) modulo 2^16.
 */
static inline bool vring_need_event(u16 event_idx, u16 new_idx, u16 old_idx)
{
	return (u16)(new_idx - event_idx - 1) < (u16)(new_idx - old_idx);
}

/*
 * Barriers between the driver (a vCPU) and the device (a host thread) over shared RAM:
 * virtio_wmb() orders ring writes before an index write, virtio_rmb() orders an index read
 * before ring reads, virtio_mb() orders an index write before reading the peer's event
 * field or flags. On x86 the first two are compiler barriers and the last a locked op.
 */
#define virtio_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define virtio_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define virtio_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)

#endif

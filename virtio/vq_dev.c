// SPDX-License-Identifier: MIT
/*
 * Device half of a split virtqueue (virtio/vq_dev.h): every index, length and address
 * the guest wrote is checked before use, and each descriptor is read exactly once, so
 * a driver rewriting the ring under us cannot make us use a value we did not check.
 */
#include <kern/errno.h>
#include <kern/string.h>
#include <virtio/vq_dev.h>

/* A descriptor wherever it sits (an indirect table has no alignment rule). */
struct vring_desc_una {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
} __packed;

static enum virtio_err vq_walk(struct vq_dev *vq, const void *table, u32 size, u16 i,
			       bool nested, struct vq_elem *elem);

/* Host pointer to guest range [gpa, gpa + len), or NULL if empty, wrapping or not all RAM. */
static void *vq_map(const struct vq_mem *mem, u64 gpa, u64 len)
{
	if (!len || gpa + len < gpa)
		return NULL;
	return mem->gpa_to_host(mem->opaque, gpa, len);
}

static bool host_aligned(const void *p, unsigned long align)
{
	return IS_ALIGNED((unsigned long)p, align);
}

void vq_dev_disable(struct vq_dev *vq)
{
	memset(vq, 0, sizeof(*vq));
}

int vq_dev_enable(struct vq_dev *vq, const struct vq_mem *mem, u32 num, u32 num_max,
		  u64 desc_gpa, u64 avail_gpa, u64 used_gpa, bool event_idx, bool indirect)
{
	void *desc, *avail, *used;

	vq_dev_disable(vq);
	if (!vring_size_valid(num, num_max))
		return -EINVAL;
	if (!IS_ALIGNED(desc_gpa, VRING_DESC_ALIGN) || !IS_ALIGNED(avail_gpa, VRING_AVAIL_ALIGN) ||
	    !IS_ALIGNED(used_gpa, VRING_USED_ALIGN))
		return -EINVAL;
	desc = vq_map(mem, desc_gpa, vring_desc_bytes(num));
	avail = vq_map(mem, avail_gpa, vring_avail_bytes(num));
	used = vq_map(mem, used_gpa, vring_used_bytes(num));
	if (!desc || !avail || !used)
		return -EINVAL;
	/* The translator keeps page offsets, but do not let UBSan find out the hard way. */
	if (!host_aligned(desc, VRING_DESC_ALIGN) || !host_aligned(avail, VRING_AVAIL_ALIGN) ||
	    !host_aligned(used, VRING_USED_ALIGN))
		return -EINVAL;
	vq->mem = mem;
	vq->num = num;
	vq->desc_gpa = desc_gpa;
	vq->avail_gpa = avail_gpa;
	vq->used_gpa = used_gpa;
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	vq->event_idx = event_idx;
	vq->indirect = indirect;
	vq->ready = true;
	return 0;
}

/* Mark the ring corrupt for reason @e; return the -EIO vq_pop() reports. */
static int vq_fail(struct vq_dev *vq, enum virtio_err e)
{
	vq->broken = true;
	vq->err = e;
	return -EIO;
}

/* Copy entry @i of descriptor table @table into @d, reading each field once. */
static void vq_read_desc(const void *table, u32 i, struct vring_desc *d)
{
	const volatile struct vring_desc_una *s =
		(const volatile struct vring_desc_una *)((const u8 *)table + 16ULL * i);

	d->addr = s->addr;
	d->len = s->len;
	d->flags = s->flags;
	d->next = s->next;
}

/*
 * Append the buffer @d describes to @elem. A buffer not wholly in RAM is kept, flagged
 * VQ_SEG_BAD with a NULL base, so the request can fail cleanly; an empty one has a NULL
 * base and is harmless. Return VIRTIO_E_SEGS when @elem is full.
 */
static enum virtio_err vq_add_seg(struct vq_dev *vq, const struct vring_desc *d,
				  struct vq_elem *elem)
{
	u16 n = elem->nseg;
	u8 flags = (d->flags & VRING_DESC_F_WRITE) ? VQ_SEG_WRITE : 0;
	void *base = NULL;

	if (n == VQ_MAX_SEGS)
		return VIRTIO_E_SEGS;
	if (d->len) {
		base = vq_map(vq->mem, d->addr, d->len);
		if (!base) {
			flags |= VQ_SEG_BAD;
			elem->nbad++;
		}
	}
	elem->iov[n].base = base;
	elem->iov[n].len = d->len;
	elem->flags[n] = flags;
	elem->nseg = n + 1;
	return VIRTIO_E_NONE;
}

/*
 * Follow the indirect descriptor @d: negotiated, not also flagged NEXT, a non-empty whole
 * number of descriptors (at most VRING_MAX_SIZE), all in RAM. Its table ends the chain.
 */
static enum virtio_err vq_walk_indirect(struct vq_dev *vq, const struct vring_desc *d,
					struct vq_elem *elem)
{
	const void *table;
	u32 n = d->len / sizeof(struct vring_desc);

	if (!vq->indirect || (d->flags & VRING_DESC_F_NEXT))
		return VIRTIO_E_INDIRECT;
	if (!d->len || d->len % sizeof(struct vring_desc) || n > VRING_MAX_SIZE)
		return VIRTIO_E_INDIRECT;
	table = vq_map(vq->mem, d->addr, d->len);
	if (!table)
		return VIRTIO_E_INDIRECT;
	return vq_walk(vq, table, n, 0, true, elem);
}

/*
 * Walk the chain starting at entry @i of @table (@size entries: the ring's table or an
 * indirect one, @nested) into @elem. Visiting more than @size descriptors means a loop.
 */
static enum virtio_err vq_walk(struct vq_dev *vq, const void *table, u32 size, u16 i,
			       bool nested, struct vq_elem *elem)
{
	struct vring_desc d;
	enum virtio_err e;
	u32 count;

	for (count = 1;; count++) {
		if (count > size)
			return VIRTIO_E_LOOP;
		vq_read_desc(table, i, &d);
		if (d.flags & VRING_DESC_F_INDIRECT) {
			if (nested)
				return VIRTIO_E_INDIRECT;
			return vq_walk_indirect(vq, &d, elem);
		}
		e = vq_add_seg(vq, &d, elem);
		if (e)
			return e;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return VIRTIO_E_NONE;
		if (d.next >= size)
			return VIRTIO_E_NEXT;
		i = d.next;
	}
}

int vq_pop(struct vq_dev *vq, struct vq_elem *elem)
{
	enum virtio_err e;
	u16 avail_idx, head;

	if (vq->broken)
		return -EIO;
	if (!vq->ready)
		return 0;
	avail_idx = READ_ONCE(vq->avail->idx);
	if (avail_idx == vq->last_avail_idx)
		return 0;
	if ((u16)(avail_idx - vq->last_avail_idx) > vq->num)
		return vq_fail(vq, VIRTIO_E_AVAIL_IDX);
	virtio_rmb();	/* read the entry only after seeing idx cover it */
	head = READ_ONCE(vq->avail->ring[vq->last_avail_idx & (vq->num - 1)]);
	if (head >= vq->num)
		return vq_fail(vq, VIRTIO_E_HEAD);
	elem->head = head;
	elem->nseg = 0;
	elem->nbad = 0;
	e = vq_walk(vq, vq->desc, vq->num, head, false, elem);
	if (e)
		return vq_fail(vq, e);
	vq->last_avail_idx++;
	return 1;
}

void vq_push(struct vq_dev *vq, u16 head, u32 len)
{
	struct vring_used_elem *e;

	if (!vq->ready)
		return;
	e = &vq->used->ring[vq->used_idx & (vq->num - 1)];
	WRITE_ONCE(e->id, head);
	WRITE_ONCE(e->len, len);
	vq->used_idx++;
	virtio_wmb();	/* the element before the index that publishes it */
	WRITE_ONCE(vq->used->idx, vq->used_idx);
}

bool vq_should_notify(struct vq_dev *vq)
{
	u16 old = vq->signalled_used, new = vq->used_idx;

	if (!vq->ready || old == new)
		return false;
	vq->signalled_used = new;
	virtio_mb();	/* used idx visible before we read used_event or flags */
	if (vq->event_idx)
		return vring_need_event(READ_ONCE(*vring_used_event(vq->avail, vq->num)), new, old);
	return !(READ_ONCE(vq->avail->flags) & VRING_AVAIL_F_NO_INTERRUPT);
}

void vq_disable_notify(struct vq_dev *vq)
{
	/* With EVENT_IDX, leaving avail_event behind last_avail_idx is enough. */
	if (vq->ready && !vq->event_idx)
		WRITE_ONCE(vq->used->flags, VRING_USED_F_NO_NOTIFY);
}

bool vq_enable_notify(struct vq_dev *vq)
{
	if (!vq->ready || vq->broken)
		return false;
	if (vq->event_idx)
		WRITE_ONCE(*vring_avail_event(vq->used, vq->num), vq->last_avail_idx);
	else
		WRITE_ONCE(vq->used->flags, 0);
	virtio_mb();	/* publish before rechecking, or a kick in between is lost */
	return READ_ONCE(vq->avail->idx) != vq->last_avail_idx;
}

// SPDX-License-Identifier: MIT
/*
 * Driver half of a split virtqueue (virtio/vq_drv.h). Order of a submission, §2.7.13:
 * fill descriptors, put the head in the ring, wmb, bump avail idx, mb, read avail_event
 * (or the NO_NOTIFY flag) to decide on a kick.
 */
#include <kern/errno.h>
#include <kern/string.h>
#include <virtio/vq_drv.h>

static u64 vq_drv_avail_off(u32 num)
{
	return vring_desc_bytes(num);
}

static u64 vq_drv_used_off(u32 num)
{
	return ALIGN_UP(vq_drv_avail_off(num) + vring_avail_bytes(num), (u64)VRING_USED_ALIGN);
}

u64 vq_drv_ring_bytes(u32 num)
{
	return vq_drv_used_off(num) + vring_used_bytes(num);
}

int vq_drv_init(struct vq_drv *vq, u32 num, void *va, u64 pa, bool event_idx)
{
	u32 i;

	if (!vring_size_valid(num, VQ_DRV_NUM_MAX) || !IS_ALIGNED(pa, (u64)VRING_DESC_ALIGN) ||
	    !IS_ALIGNED((unsigned long)va, VRING_DESC_ALIGN))
		return -EINVAL;
	memset(vq, 0, sizeof(*vq));
	memset(va, 0, vq_drv_ring_bytes(num));
	vq->num = num;
	vq->num_free = num;
	vq->event_idx = event_idx;
	vq->desc = va;
	vq->avail = (struct vring_avail *)((u8 *)va + vq_drv_avail_off(num));
	vq->used = (struct vring_used *)((u8 *)va + vq_drv_used_off(num));
	vq->desc_pa = pa;
	vq->avail_pa = pa + vq_drv_avail_off(num);
	vq->used_pa = pa + vq_drv_used_off(num);
	for (i = 0; i < num; i++)
		vq->link[i] = i + 1;
	return 0;
}

/* Unlink @n (<= num_free) descriptors from the free list; they stay linked in order. */
static u16 vq_drv_take(struct vq_drv *vq, unsigned int n)
{
	u16 head = vq->free_head, last = head;
	unsigned int k;

	for (k = 1; k < n; k++)
		last = vq->link[last];
	vq->free_head = vq->link[last];
	vq->num_free -= n;
	return head;
}

/* Give the chain at @head (ndesc[head] descriptors) back to the free list. */
static void vq_drv_free_chain(struct vq_drv *vq, u16 head)
{
	u16 last = head, k;

	for (k = 1; k < vq->ndesc[head]; k++)
		last = vq->link[last];
	vq->link[last] = vq->free_head;
	vq->free_head = head;
	vq->num_free += vq->ndesc[head];
	vq->ndesc[head] = 0;
	vq->cookie[head] = NULL;
}

/* Put @head in the next available slot and publish it (§2.7.13.2-3). */
static void vq_drv_publish(struct vq_drv *vq, u16 head)
{
	WRITE_ONCE(vq->avail->ring[vq->avail_idx & (vq->num - 1)], head);
	vq->avail_idx++;
	virtio_wmb();	/* descriptors and ring entry before the index that exposes them */
	WRITE_ONCE(vq->avail->idx, vq->avail_idx);
}

/* Readable buffers first, then writable ones. */
static bool vq_drv_order_ok(const struct vq_buf *buf, unsigned int n)
{
	bool seen_write = false;
	unsigned int k;

	for (k = 0; k < n; k++) {
		if (seen_write && !buf[k].write)
			return false;
		seen_write |= buf[k].write;
	}
	return true;
}

int vq_drv_add(struct vq_drv *vq, const struct vq_buf *buf, unsigned int n, void *cookie)
{
	struct vring_desc *d;
	unsigned int k;
	u16 head, i;

	if (!n || !cookie || !vq_drv_order_ok(buf, n))
		return -EINVAL;
	if (n > vq->num_free)
		return -ENOSPC;
	head = i = vq_drv_take(vq, n);
	for (k = 0; k < n; k++, i = vq->link[i]) {
		d = &vq->desc[i];
		d->addr = buf[k].pa;
		d->len = buf[k].len;
		d->flags = buf[k].write ? VRING_DESC_F_WRITE : 0;
		d->next = 0;
		if (k + 1 < n) {
			d->flags |= VRING_DESC_F_NEXT;
			d->next = vq->link[i];
		}
	}
	vq->ndesc[head] = n;
	vq->cookie[head] = cookie;
	vq_drv_publish(vq, head);
	return head;
}

int vq_drv_next_head(const struct vq_drv *vq)
{
	return vq->num_free ? vq->free_head : -ENOSPC;
}

bool vq_drv_kick_prepare(struct vq_drv *vq)
{
	u16 old = vq->kicked_idx, new = vq->avail_idx;

	if (old == new)
		return false;
	vq->kicked_idx = new;
	virtio_mb();	/* avail idx visible before we read avail_event or flags */
	if (vq->event_idx)
		return vring_need_event(READ_ONCE(*vring_avail_event(vq->used, vq->num)), new, old);
	return !(READ_ONCE(vq->used->flags) & VRING_USED_F_NO_NOTIFY);
}

int vq_drv_get_used(struct vq_drv *vq, void **cookie, u32 *len, u16 *head)
{
	const struct vring_used_elem *e;
	u32 id;

	if (vq->last_used_idx == READ_ONCE(vq->used->idx))
		return 0;
	virtio_rmb();	/* the entry only after the index that published it */
	e = &vq->used->ring[vq->last_used_idx & (vq->num - 1)];
	id = READ_ONCE(e->id);
	if (id >= vq->num || !vq->ndesc[id])
		return -EIO;
	*cookie = vq->cookie[id];
	if (len)
		*len = READ_ONCE(e->len);
	if (head)
		*head = id;
	vq_drv_free_chain(vq, id);
	vq->last_used_idx++;
	if (vq->event_idx && !vq->cb_off) {
		WRITE_ONCE(*vring_used_event(vq->avail, vq->num), vq->last_used_idx);
		/*
		 * The next call's read of used->idx must not pass this store (x86 reorders a
		 * load before an earlier store): else the device could push an entry, read
		 * the old used_event and not interrupt, while we read the old idx and stop.
		 */
		virtio_mb();
	}
	return 1;
}

void vq_drv_disable_cb(struct vq_drv *vq)
{
	vq->cb_off = true;
	/* With EVENT_IDX: an index the device cannot reach before we reap again. */
	if (vq->event_idx)
		WRITE_ONCE(*vring_used_event(vq->avail, vq->num), vq->last_used_idx + vq->num);
	else
		WRITE_ONCE(vq->avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
}

bool vq_drv_enable_cb(struct vq_drv *vq)
{
	vq->cb_off = false;
	if (vq->event_idx)
		WRITE_ONCE(*vring_used_event(vq->avail, vq->num), vq->last_used_idx);
	else
		WRITE_ONCE(vq->avail->flags, 0);
	virtio_mb();	/* publish before the recheck, or an interrupt in between is lost */
	return READ_ONCE(vq->used->idx) != vq->last_used_idx;
}

/* ---- test mode ------------------------------------------------------------------------- */

int vq_drv_raw_alloc(struct vq_drv *vq, unsigned int n, u16 *idx)
{
	unsigned int k;
	u16 i;

	if (!n || n > vq->num_free)
		return -ENOSPC;
	i = vq_drv_take(vq, n);
	for (k = 0; k < n; k++, i = vq->link[i])
		idx[k] = i;
	return 0;
}

void vq_drv_raw_publish(struct vq_drv *vq, u16 first, unsigned int n, u16 head_value,
			void *cookie)
{
	vq->ndesc[first] = n;
	vq->cookie[first] = cookie;
	vq_drv_publish(vq, head_value);
}

void vq_drv_raw_avail_idx(struct vq_drv *vq, u16 idx)
{
	vq->avail_idx = idx;
	virtio_wmb();
	WRITE_ONCE(vq->avail->idx, idx);
}

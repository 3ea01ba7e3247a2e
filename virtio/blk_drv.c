// SPDX-License-Identifier: MIT
/*
 * virtio-blk driver for the guest (virtio/blk_drv.h): device bring-up, request chains
 * (header device-readable, data, status device-writable), kick, reap, and the test mode's
 * malformed chains.
 */
#include <kern/errno.h>
#include <kern/string.h>
#include <virtio/blk_drv.h>
#include <virtio/mmio.h>

static u64 blk_drv_slot_off(u32 num)
{
	return ALIGN_UP(vq_drv_ring_bytes(num), (u64)sizeof(struct blk_drv_slot));
}

u64 blk_drv_mem_bytes(u32 num)
{
	return blk_drv_slot_off(num) + (u64)num * sizeof(struct blk_drv_slot);
}

static u64 slot_hdr_pa(const struct blk_drv *bd, u16 i)
{
	return bd->slot_pa + i * sizeof(struct blk_drv_slot) + offsetof(struct blk_drv_slot, hdr);
}

static u64 slot_status_pa(const struct blk_drv *bd, u16 i)
{
	return bd->slot_pa + i * sizeof(struct blk_drv_slot) +
	       offsetof(struct blk_drv_slot, status);
}

/* Largest power of 2 <= @n (n > 0). */
static u32 rounddown_pow2(u32 n)
{
	return 1U << (31 - __builtin_clz(n));
}

/* Read capacity, seg_max and blk_size as far as the negotiated features make them valid. */
static void blk_drv_read_config(struct blk_drv *bd)
{
	struct mmio_drv *t = bd->t;

	bd->capacity = mmio_drv_config64(t, offsetof(struct virtio_blk_config, capacity));
	bd->seg_max = 1;
	if (t->features & VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX))
		bd->seg_max = mmio_drv_config32(t, offsetof(struct virtio_blk_config, seg_max));
	bd->seg_max = MIN(MAX(bd->seg_max, 1U), (u32)BLK_DRV_SEG_MAX);
	bd->blk_size = VIRTIO_BLK_SECTOR_SIZE;
	if (t->features & VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE))
		bd->blk_size = mmio_drv_config32(t, offsetof(struct virtio_blk_config, blk_size));
	bd->ro = t->features & VIRTIO_BIT(VIRTIO_BLK_F_RO);
	bd->flush = t->features & VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);
}

int blk_drv_init(struct blk_drv *bd, struct mmio_drv *t, void *va, u64 pa, u32 num, u64 want)
{
	u32 max;
	int r;

	memset(bd, 0, sizeof(*bd));
	bd->t = t;
	if (t->device_id != VIRTIO_ID_BLOCK || !num)
		return -ENODEV;
	r = mmio_drv_negotiate(t, (want & BLK_DRV_FEATURES) | VIRTIO_BIT(VIRTIO_F_VERSION_1));
	if (r)
		return r;
	r = -ENODEV;
	max = mmio_drv_queue_max(t, 0);
	if (!max)
		goto fail;
	num = rounddown_pow2(MIN(MIN(num, max), (u32)VQ_DRV_NUM_MAX));
	r = vq_drv_init(&bd->vq, num, va, pa, t->features & VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX));
	if (r)
		goto fail;
	bd->slot = (struct blk_drv_slot *)((u8 *)va + blk_drv_slot_off(num));
	bd->slot_pa = pa + blk_drv_slot_off(num);
	r = mmio_drv_queue_setup(t, 0, num, bd->vq.desc_pa, bd->vq.avail_pa, bd->vq.used_pa);
	if (r)
		goto fail;
	blk_drv_read_config(bd);
	mmio_drv_driver_ok(t);
	return 0;
fail:
	mmio_drv_fail(t);
	return r;
}

/* Fill the slot of the chain that will start at @head: header, and a status of 0xff. */
static void blk_drv_fill_slot(struct blk_drv *bd, u16 head, u32 type, u64 sector)
{
	struct blk_drv_slot *s = &bd->slot[head];

	s->hdr.type = type;
	s->hdr.reserved = 0;
	s->hdr.sector = sector;
	s->status = 0xff;	/* not a status the device may write: catches a silent device */
}

int blk_drv_submit(struct blk_drv *bd, u32 type, u64 sector, const struct vq_buf *data,
		   unsigned int n, void *cookie)
{
	bool write = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
	unsigned int k;
	int head;

	if (n > bd->seg_max || !cookie)
		return -EINVAL;
	head = vq_drv_next_head(&bd->vq);
	if (head < 0 || bd->vq.num_free < n + 2)
		return -ENOSPC;
	blk_drv_fill_slot(bd, head, type, sector);
	bd->buf[0] = (struct vq_buf){ slot_hdr_pa(bd, head), sizeof(struct virtio_blk_req_hdr),
				      false };
	for (k = 0; k < n; k++)
		bd->buf[1 + k] = (struct vq_buf){ data[k].pa, data[k].len, write };
	bd->buf[n + 1] = (struct vq_buf){ slot_status_pa(bd, head), 1, true };
	return vq_drv_add(&bd->vq, bd->buf, n + 2, cookie);
}

bool blk_drv_kick(struct blk_drv *bd)
{
	if (!vq_drv_kick_prepare(&bd->vq))
		return false;
	bd->kicks++;
	mmio_drv_notify(bd->t, 0);
	return true;
}

int blk_drv_reap(struct blk_drv *bd, void **cookie, u8 *status)
{
	u16 head;
	int r;

	r = vq_drv_get_used(&bd->vq, cookie, NULL, &head);
	if (r <= 0)
		return r;
	*status = READ_ONCE(bd->slot[head].status);
	return 1;
}

u32 blk_drv_ack_irq(struct blk_drv *bd)
{
	return mmio_drv_ack_irq(bd->t);
}

bool blk_drv_needs_reset(struct blk_drv *bd)
{
	return mmio_drv_status(bd->t) & VIRTIO_STATUS_DEVICE_NEEDS_RESET;
}

/* ---- test mode ------------------------------------------------------------------------- */

static const char *const blk_drv_bad_names[BLK_BAD_NR] = {
	[BLK_BAD_HDR_LEN]	= "hdr_len",
	[BLK_BAD_DATA_ADDR]	= "data_addr",
	[BLK_BAD_DATA_DIR]	= "data_dir",
	[BLK_BAD_SECTOR]	= "sector",
	[BLK_BAD_STATUS_RO]	= "status_ro",
	[BLK_BAD_STATUS_LEN]	= "status_len",
	[BLK_BAD_LOOP]		= "loop",
	[BLK_BAD_NEXT]		= "next",
	[BLK_BAD_HEAD]		= "head",
	[BLK_BAD_AVAIL_IDX]	= "avail_idx",
	[BLK_BAD_INDIRECT]	= "indirect",
};

const char *blk_drv_bad_name(enum blk_drv_bad kind)
{
	return (unsigned int)kind < BLK_BAD_NR ? blk_drv_bad_names[kind] : "?";
}

bool blk_drv_bad_resets(enum blk_drv_bad kind)
{
	return kind >= BLK_BAD_STATUS_RO;
}

/* Break the well-formed read chain @d[0..2] (header, data, status) the way @kind says. */
static void blk_drv_break(struct blk_drv *bd, enum blk_drv_bad kind, struct vring_desc **d,
			  u16 first, u64 bad_pa)
{
	switch (kind) {
	case BLK_BAD_HDR_LEN:
		d[0]->len = 8;
		break;
	case BLK_BAD_DATA_ADDR:
		d[1]->addr = bad_pa;
		break;
	case BLK_BAD_DATA_DIR:
		d[1]->flags &= ~VRING_DESC_F_WRITE;
		break;
	case BLK_BAD_SECTOR:
		bd->slot[first].hdr.sector = bd->capacity + 1;
		break;
	case BLK_BAD_STATUS_RO:
		d[2]->flags &= ~VRING_DESC_F_WRITE;
		break;
	case BLK_BAD_STATUS_LEN:
		d[2]->len = 2;
		break;
	case BLK_BAD_LOOP:
		d[2]->flags |= VRING_DESC_F_NEXT;
		d[2]->next = first;
		break;
	case BLK_BAD_NEXT:
		d[1]->next = bd->vq.num;
		break;
	case BLK_BAD_INDIRECT:
		d[0]->flags |= VRING_DESC_F_INDIRECT;
		break;
	default:		/* HEAD and AVAIL_IDX break the ring, not the chain */
		break;
	}
}

int blk_drv_submit_bad(struct blk_drv *bd, enum blk_drv_bad kind, u64 data_pa, u32 data_len,
		       u64 bad_pa, void *cookie)
{
	struct vring_desc *d[3];
	u16 idx[3], head;
	int k;

	if ((unsigned int)kind >= BLK_BAD_NR || data_len < VIRTIO_BLK_SECTOR_SIZE || !cookie)
		return -EINVAL;
	if (vq_drv_raw_alloc(&bd->vq, 3, idx))
		return -ENOSPC;
	blk_drv_fill_slot(bd, idx[0], VIRTIO_BLK_T_IN, 0);
	for (k = 0; k < 3; k++)
		d[k] = &bd->vq.desc[idx[k]];
	*d[0] = (struct vring_desc){ slot_hdr_pa(bd, idx[0]), sizeof(struct virtio_blk_req_hdr),
				     VRING_DESC_F_NEXT, idx[1] };
	*d[1] = (struct vring_desc){ data_pa, data_len, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
				     idx[2] };
	*d[2] = (struct vring_desc){ slot_status_pa(bd, idx[0]), 1, VRING_DESC_F_WRITE, 0 };
	blk_drv_break(bd, kind, d, idx[0], bad_pa);
	head = kind == BLK_BAD_HEAD ? bd->vq.num : idx[0];
	vq_drv_raw_publish(&bd->vq, idx[0], 3, head, cookie);
	if (kind == BLK_BAD_AVAIL_IDX)
		vq_drv_raw_avail_idx(&bd->vq, bd->vq.avail_idx + bd->vq.num);
	return idx[0];
}

// SPDX-License-Identifier: MIT
/*
 * The virtio-blk driver: one struct block_device per device, one virtqueue of 256
 * entries in pages from the page allocator, requests from the block layer turned into
 * header / data / status chains by the shared driver half (virtio/blk_drv.c), EVENT_IDX
 * for both kicks and interrupts. DEVICE_NEEDS_RESET is logged, the requests in flight fail
 * with -EIO, and the device is reset and brought up again.
 *
 * The interrupt handler reaps the used ring first and reads InterruptStatus (an exit to
 * the VMM) only when the ring does not explain the interrupt or requests are still out:
 * the device pulses its edge-triggered line for every notification whatever
 * InterruptStatus holds (docs/virtio.md), so a completion that leaves nothing in flight
 * costs no exit, and a config interrupt (DEVICE_NEEDS_RESET) is never missed, because a
 * broken device still holds the request that broke it.
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/string.h>
#include <abi/layout.h>
#include <asm/irq.h>
#include <guest/blkdev.h>
#include <guest/virtio.h>
#include <mm/slab.h>
#include <virtio/mmio.h>

#define VIRTIO_BLK_QUEUE_SIZE	256

struct virtio_blk {
	struct block_device bdev;
	struct virtio_mmio_device *vdev;
	struct blk_drv drv;
	struct page *ring;		/* blk_drv_mem_bytes() of rings and request slots */
	unsigned int ring_order;
	bool dead;			/* re-initialisation failed: every request fails */
	u64 resets, isr_reads;
	struct blk_seg segs[BLK_DRV_SEG_MAX];	/* queue_rq()'s scratch (interrupts off) */
	struct vq_buf bufs[BLK_DRV_SEG_MAX];
};

static const struct block_device_ops virtio_blk_ops;

static int virtio_blk_errno(u8 status)
{
	switch (status) {
	case VIRTIO_BLK_S_OK:
		return 0;
	case VIRTIO_BLK_S_UNSUPP:
		return -EOPNOTSUPP;
	default:		/* IOERR, or a status byte the device never wrote */
		return -EIO;
	}
}

/* Negotiate and set up the queue (again, after a reset). */
static int virtio_blk_start(struct virtio_blk *vb)
{
	return blk_drv_init(&vb->drv, &vb->vdev->drv, page_address(vb->ring),
			    page_to_phys(vb->ring), VIRTIO_BLK_QUEUE_SIZE, BLK_DRV_FEATURES);
}

static int virtio_blk_queue_rq(struct block_device *bdev, struct request *rq)
{
	static const u32 types[] = {
		[REQ_OP_READ] = VIRTIO_BLK_T_IN,
		[REQ_OP_WRITE] = VIRTIO_BLK_T_OUT,
		[REQ_OP_FLUSH] = VIRTIO_BLK_T_FLUSH,
		[REQ_OP_GET_ID] = VIRTIO_BLK_T_GET_ID,
	};
	struct virtio_blk *vb = bdev->private;
	unsigned int n, k;
	int head;

	if (vb->dead)
		return -EIO;
	n = blk_rq_map_segs(rq, vb->segs, BLK_DRV_SEG_MAX);
	for (k = 0; k < n; k++)
		vb->bufs[k] = (struct vq_buf){ vb->segs[k].pa, vb->segs[k].len, false };
	head = blk_drv_submit(&vb->drv, types[rq->op], rq->sector, vb->bufs, n, rq);
	if (head == -ENOSPC)
		return -EBUSY;
	return head < 0 ? head : 0;
}

static void virtio_blk_commit_rqs(struct block_device *bdev)
{
	struct virtio_blk *vb = bdev->private;

	if (blk_drv_kick(&vb->drv))
		bdev->stats.kicks++;
}

static const struct block_device_ops virtio_blk_ops = {
	.queue_rq = virtio_blk_queue_rq,
	.commit_rqs = virtio_blk_commit_rqs,
};

/* End every request the device has finished; return how many. */
static unsigned int virtio_blk_reap(struct virtio_blk *vb)
{
	unsigned int n = 0;
	void *cookie;
	u8 status;
	int r;

	while ((r = blk_drv_reap(&vb->drv, &cookie, &status)) > 0) {
		blk_end_request(cookie, virtio_blk_errno(status));
		n++;
	}
	/* The device returned a chain it was never given: its bug, or memory corruption. */
	BUG_ON(r < 0);
	return n;
}

/* DEVICE_NEEDS_RESET: fail what is in flight, reset, set the queue up again. */
static void virtio_blk_reset(struct virtio_blk *vb)
{
	struct vq_drv *vq = &vb->drv.vq;
	struct request *rq, *next;
	LIST_HEAD(failed);
	unsigned int i;
	int err;

	for (i = 0; i < vq->num; i++)
		if (vq->ndesc[i]) {
			rq = vq->cookie[i];
			list_add_tail(&rq->queuelist, &failed);
		}
	vb->resets++;
	printk("virtio-blk: %s: device needs a reset (status 0x%x); resetting it, %u request(s) "
	       "in flight fail\n", vb->bdev.name, mmio_drv_status(&vb->vdev->drv),
	       vb->bdev.in_flight);
	err = virtio_blk_start(vb);
	if (err) {
		printk("virtio-blk: %s: cannot bring the device up again (%d); it is dead\n",
		       vb->bdev.name, err);
		vb->dead = true;
	}
	list_for_each_entry_safe(rq, next, &failed, queuelist) {
		list_del_init(&rq->queuelist);
		blk_end_request(rq, -EIO);
	}
}

static void virtio_blk_irq(unsigned int gsi, void *data)
{
	struct virtio_blk *vb = data;
	unsigned int reaped;
	u32 isr;

	vb->bdev.stats.interrupts++;
	reaped = virtio_blk_reap(vb);
	if (!reaped || vb->bdev.in_flight) {
		isr = blk_drv_ack_irq(&vb->drv);
		vb->isr_reads++;
		if ((isr & VIRTIO_MMIO_INT_CONFIG) && blk_drv_needs_reset(&vb->drv))
			virtio_blk_reset(vb);
		else if (isr & VIRTIO_MMIO_INT_VRING)
			virtio_blk_reap(vb);
	}
	blk_run_queue(&vb->bdev);
}

/* Print what the device is and what was negotiated, and its identity. */
static void virtio_blk_describe(struct virtio_blk *vb)
{
	struct block_device *bdev = &vb->bdev;
	u64 f = vb->vdev->drv.features;
	char id[BLK_ID_BYTES + 1];
	int err;

	printk("virtio-blk: %s: %lu sectors (%lu KiB), %s%s, seg_max %u, queue %u, "
	       "features 0x%lx%s%s, GSI %u, at 0x%lx\n", bdev->name, bdev->nr_sectors,
	       bdev->nr_sectors / 2, bdev->read_only ? "read-only" : "read-write",
	       bdev->flush ? ", write cache (flush)" : "", bdev->max_segs, vb->drv.vq.num, f,
	       f & VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX) ? " event_idx" : "",
	       f & VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC) ? " indirect_desc" : "",
	       vb->vdev->node.gsi, vb->vdev->node.base);
	err = blkdev_get_id(bdev, id, sizeof(id));
	if (err)
		printk("virtio-blk: %s: GET_ID failed (%d)\n", bdev->name, err);
	else
		printk("virtio-blk: %s: id \"%s\"\n", bdev->name, id);
}

int virtio_blk_probe(struct virtio_mmio_device *vdev)
{
	const char *role = vdev->node.role[0] ? vdev->node.role : "virtio-blk";
	struct virtio_blk *vb;
	int err = -ENOMEM;

	if (blkdev_get_by_role(role)) {
		printk("virtio-blk@%lx: a second device with role \"%s\"; ignored\n",
		       vdev->node.base, role);
		return -EEXIST;
	}
	vb = kzalloc(sizeof(*vb), GFP_KERNEL);
	if (!vb)
		goto out;
	vb->vdev = vdev;
	vb->ring_order = get_order(blk_drv_mem_bytes(VIRTIO_BLK_QUEUE_SIZE));
	vb->ring = alloc_pages(GFP_KERNEL | __GFP_ZERO, vb->ring_order);
	if (!vb->ring)
		goto out_free;
	err = virtio_blk_start(vb);
	if (err)
		goto out_free_ring;

	snprintf(vb->bdev.name, sizeof(vb->bdev.name), "%s", role);
	vb->bdev.nr_sectors = vb->drv.capacity;
	vb->bdev.block_size = vb->drv.blk_size;
	vb->bdev.max_segs = vb->drv.seg_max;
	vb->bdev.read_only = vb->drv.ro;
	vb->bdev.flush = vb->drv.flush;
	vb->bdev.ops = &virtio_blk_ops;
	vb->bdev.private = vb;
	err = -ENODEV;
	if (!vb->bdev.nr_sectors) {
		printk("virtio-blk: %s: capacity 0\n", role);
		goto out_reset;
	}
	err = blkdev_register(&vb->bdev);
	if (err)
		goto out_reset;
	/* Registered last: from here on the device may interrupt, and nothing fails. */
	err = request_irq(vdev->node.gsi, virtio_blk_irq, vb);
	if (err) {
		printk("virtio-blk: %s: GSI %u: request_irq failed (%d); requests fail\n", role,
		       vdev->node.gsi, err);
		vb->dead = true;
		return 0;
	}
	virtio_blk_describe(vb);
	return 0;

out_reset:
	mmio_drv_reset(&vdev->drv);
out_free_ring:
	printk("virtio-blk: %s: bring-up failed (%d)\n", role, err);
	__free_pages(vb->ring, vb->ring_order);
out_free:
	kfree(vb);
out:
	return err;
}

/* ---- test mode --------------------------------------------------------------------------- */

bool is_virtio_blk(const struct block_device *bdev)
{
	return bdev && bdev->ops == &virtio_blk_ops;
}

int virtio_blk_submit_bad(struct bio *bio, enum blk_drv_bad kind)
{
	struct block_device *bdev = bio->bi_bdev;
	struct virtio_blk *vb;
	struct request *rq;
	struct blk_seg seg;
	unsigned long flags;
	int head;

	if (!is_virtio_blk(bdev) || bio->bi_op != REQ_OP_READ || bio->bi_vcnt != 1 ||
	    bio->bi_io_vec[0].bv_len < SECTOR_SIZE)
		return -EINVAL;
	vb = bdev->private;
	if (vb->dead)
		return -EIO;
	local_irq_save(flags);
	bio->bi_next = NULL;
	rq = blk_rq_from_bio(bio);
	blk_rq_map_segs(rq, &seg, 1);
	/* MMIO_HOLE_START: guest RAM never reaches it. */
	head = blk_drv_submit_bad(&vb->drv, kind, seg.pa, seg.len, MMIO_HOLE_START, rq);
	if (head >= 0) {
		bdev->in_flight++;
		virtio_blk_commit_rqs(bdev);
	}
	local_irq_restore(flags);
	return head < 0 ? head : 0;
}

u64 virtio_blk_resets(const struct block_device *bdev)
{
	return is_virtio_blk(bdev) ? ((struct virtio_blk *)bdev->private)->resets : 0;
}

u64 virtio_blk_isr_reads(const struct block_device *bdev)
{
	return is_virtio_blk(bdev) ? ((struct virtio_blk *)bdev->private)->isr_reads : 0;
}

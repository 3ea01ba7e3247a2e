/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk driver for the guest: brings the device up over virtio-mmio, turns a request
 * (type, sector, physical segments) into a header / data / status chain, kicks and reaps.
 * The header and status byte of each request live in a slot array next to the rings, in
 * one physically contiguous region the caller provides. A test mode submits deliberately
 * malformed chains (enum blk_drv_bad) for integration tests of the device's checks.
 * The caller serializes calls on one device.
 */
#ifndef VIRTIO_BLK_DRV_H
#define VIRTIO_BLK_DRV_H

#include <kern/types.h>
#include <virtio/blk.h>
#include <virtio/mmio_drv.h>
#include <virtio/vq_drv.h>

#define BLK_DRV_SEG_MAX		64	/* data segments per request we ever use */

/*
 * Features the driver accepts; blk_drv_init() asks for those the caller wants too.
 * INDIRECT_DESC is accepted only so that test chains may use indirect tables; the driver's
 * own requests are direct chains.
 */
#define BLK_DRV_FEATURES	(VIRTIO_BIT(VIRTIO_F_VERSION_1) |			\
				 VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX) |			\
				 VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC) |		\
				 VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |			\
				 VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |			\
				 VIRTIO_BIT(VIRTIO_BLK_F_RO) |				\
				 VIRTIO_BIT(VIRTIO_BLK_F_FLUSH))

/* Header and status of the request whose chain starts at the same index. */
struct blk_drv_slot {
	struct virtio_blk_req_hdr hdr;
	u8 status;
	u8 pad[15];
};

struct blk_drv {
	struct mmio_drv *t;
	struct vq_drv vq;
	struct blk_drv_slot *slot;	/* vq.num slots, indexed by head */
	u64 slot_pa;
	u64 capacity;			/* sectors */
	u32 seg_max;			/* data segments per request, <= BLK_DRV_SEG_MAX */
	u32 blk_size;
	bool ro, flush;			/* VIRTIO_BLK_F_RO, VIRTIO_BLK_F_FLUSH negotiated */
	u64 kicks;			/* notifications sent */
	struct vq_buf buf[BLK_DRV_SEG_MAX + 2];
};

/* Bytes of DMA memory blk_drv_init() needs for a queue of @num entries. */
u64 blk_drv_mem_bytes(u32 num);

/*
 * Bring up the virtio-blk device @t (probed, VIRTIO_ID_BLOCK): negotiate
 * (@want & BLK_DRV_FEATURES) | VERSION_1, set up queue 0 with min(@num, QueueNumMax)
 * entries (rounded down to a power of 2) in the 16-byte-aligned region @va / @pa of
 * blk_drv_mem_bytes(@num) bytes, read the config, DRIVER_OK. Also the way back after
 * DEVICE_NEEDS_RESET: every request in flight is forgotten. Return 0 or -E*.
 */
int blk_drv_init(struct blk_drv *bd, struct mmio_drv *t, void *va, u64 pa, u32 num, u64 want);

/*
 * Queue request @type (VIRTIO_BLK_T_*) at @sector with @n data segments (their .write is
 * set from the type). Read-only and range checks are the caller's. @cookie (not NULL)
 * comes back from blk_drv_reap(). Return the head, -ENOSPC (ring full) or -EINVAL.
 */
int blk_drv_submit(struct blk_drv *bd, u32 type, u64 sector, const struct vq_buf *data,
		   unsigned int n, void *cookie);

/* Notify the device if it wants to hear about what was submitted; return true if we did. */
bool blk_drv_kick(struct blk_drv *bd);

/* Reap one completion: its cookie and status byte. Return 1, 0 (none) or -EIO. */
int blk_drv_reap(struct blk_drv *bd, void **cookie, u8 *status);

/* Interrupt handler part: acknowledge and return VIRTIO_MMIO_INT_* bits. */
u32 blk_drv_ack_irq(struct blk_drv *bd);

/* Has the device set DEVICE_NEEDS_RESET? Then blk_drv_init() again. */
bool blk_drv_needs_reset(struct blk_drv *bd);

/* ---- test mode ------------------------------------------------------------------------- */

/* Malformed chains: a read of @data_len bytes at @data_pa, broken one way. */
enum blk_drv_bad {
	BLK_BAD_HDR_LEN,	/* header descriptor 8 bytes long: IOERR */
	BLK_BAD_DATA_ADDR,	/* data descriptor at @bad_pa, outside RAM: IOERR */
	BLK_BAD_DATA_DIR,	/* read into device-readable data: IOERR */
	BLK_BAD_SECTOR,		/* sector past the capacity: IOERR */
	BLK_BAD_STATUS_RO,	/* status descriptor not device-writable: NEEDS_RESET */
	BLK_BAD_STATUS_LEN,	/* status descriptor 2 bytes long: NEEDS_RESET */
	BLK_BAD_LOOP,		/* status descriptor chains back to the header: NEEDS_RESET */
	BLK_BAD_NEXT,		/* data descriptor's next past the table: NEEDS_RESET */
	BLK_BAD_HEAD,		/* head index past the ring in the avail ring: NEEDS_RESET */
	BLK_BAD_AVAIL_IDX,	/* avail idx jumps by more than the queue size: NEEDS_RESET */
	BLK_BAD_INDIRECT,	/* header flagged both INDIRECT and NEXT: NEEDS_RESET */
	BLK_BAD_NR
};

/* Must the device answer @kind with DEVICE_NEEDS_RESET (else: status IOERR)? */
bool blk_drv_bad_resets(enum blk_drv_bad kind);

/* A short name for @kind ("hdr_len"). */
const char *blk_drv_bad_name(enum blk_drv_bad kind);

/*
 * Submit one malformed read of @kind (see enum blk_drv_bad; @data_len >= 512) and expose
 * it, without kicking. Return its first descriptor index, -ENOSPC or -EINVAL.
 */
int blk_drv_submit_bad(struct blk_drv *bd, enum blk_drv_bad kind, u64 data_pa, u32 data_len,
		       u64 bad_pa, void *cookie);

#endif

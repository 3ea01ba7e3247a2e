/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk wire format (virtio 1.2 §5.2), shared by the device model (virtio/blk_dev.c)
 * and the guest driver (virtio/blk_drv.c): configuration layout, feature bits, the request
 * header, request types and status codes. Sectors are always 512 bytes on the wire.
 */
#ifndef VIRTIO_BLK_H
#define VIRTIO_BLK_H

#include <kern/compiler.h>
#include <kern/types.h>

/* ---- feature bits --------------------------------------------------------------------- */
#define VIRTIO_BLK_F_SIZE_MAX		1	/* size_max is valid */
#define VIRTIO_BLK_F_SEG_MAX		2	/* seg_max is valid */
#define VIRTIO_BLK_F_GEOMETRY		4	/* geometry is valid */
#define VIRTIO_BLK_F_RO			5	/* the disk is read-only */
#define VIRTIO_BLK_F_BLK_SIZE		6	/* blk_size is valid */
#define VIRTIO_BLK_F_FLUSH		9	/* VIRTIO_BLK_T_FLUSH is supported */
#define VIRTIO_BLK_F_TOPOLOGY		10	/* topology is valid */
#define VIRTIO_BLK_F_CONFIG_WCE		11	/* writeback is writable */
#define VIRTIO_BLK_F_MQ			12	/* num_queues is valid */

/* ---- configuration space (the fields up to num_queues; the rest reads as zero) ------ */
struct virtio_blk_config {
	u64 capacity;		/* in 512-byte sectors */
	u32 size_max;		/* largest segment, if VIRTIO_BLK_F_SIZE_MAX */
	u32 seg_max;		/* most data segments in one request, if VIRTIO_BLK_F_SEG_MAX */
	struct {
		u16 cylinders;
		u8 heads;
		u8 sectors;
	} geometry;
	u32 blk_size;		/* optimal block size, if VIRTIO_BLK_F_BLK_SIZE */
	struct {
		u8 physical_block_exp;
		u8 alignment_offset;
		u16 min_io_size;
		u32 opt_io_size;
	} topology;
	u8 writeback;
	u8 unused0;
	u16 num_queues;
} __packed;

_Static_assert(offsetof(struct virtio_blk_config, seg_max) == 12, "seg_max at 12");
_Static_assert(offsetof(struct virtio_blk_config, blk_size) == 20, "blk_size at 20");
_Static_assert(offsetof(struct virtio_blk_config, num_queues) == 34, "num_queues at 34");
_Static_assert(sizeof(struct virtio_blk_config) == 36, "virtio_blk_config is 36 bytes");

/* ---- requests: header (device-readable), data, status byte (device-writable) -------- */
#define VIRTIO_BLK_T_IN			0	/* read sectors into data */
#define VIRTIO_BLK_T_OUT		1	/* write data to sectors */
#define VIRTIO_BLK_T_FLUSH		4	/* commit the write cache */
#define VIRTIO_BLK_T_GET_ID		8	/* device ID string into data */

#define VIRTIO_BLK_S_OK			0
#define VIRTIO_BLK_S_IOERR		1
#define VIRTIO_BLK_S_UNSUPP		2

#define VIRTIO_BLK_SECTOR_SHIFT		9
#define VIRTIO_BLK_SECTOR_SIZE		512
#define VIRTIO_BLK_ID_BYTES		20	/* NUL-padded, no NUL when 20 bytes long */

struct virtio_blk_req_hdr {
	u32 type;		/* VIRTIO_BLK_T_* */
	u32 reserved;
	u64 sector;		/* in 512-byte units, for IN and OUT */
};

_Static_assert(sizeof(struct virtio_blk_req_hdr) == 16, "virtio-blk header is 16 bytes");

#endif

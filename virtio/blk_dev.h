/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk device model (virtio 1.2 §5.2) over a small backend interface. It checks
 * each chain vq_pop() hands it (header, data direction, length, range, status byte),
 * runs it on the backend now or later and in any order, writes the status byte and
 * pushes the chain back. Counters per device; one log line per error kind.
 *
 * Locking: calls into one device (blk_dev_notify(), blk_dev_complete(), and the transport
 * calling its virtio_dev_ops) must be serialized by the caller.
 */
#ifndef VIRTIO_BLK_DEV_H
#define VIRTIO_BLK_DEV_H

#include <kern/types.h>
#include <virtio/blk.h>
#include <virtio/virtio_dev.h>
#include <virtio/vq_dev.h>

#define BLK_DEV_QUEUE_MAX	256		/* QueueNumMax, and in-flight requests */
#define BLK_DEV_SEG_MAX		(VQ_MAX_SEGS - 2) /* data segments per request (seg_max) */
#define BLK_IO_QUEUED		1		/* backend: blk_dev_complete() comes later */

struct blk_req;

/*
 * The backing store, implemented by the VMM (preadv/pwritev/fdatasync, later io_uring) and
 * by the tests (a RAM disk). Each call returns 0 when the I/O is done, -E* when it failed,
 * or BLK_IO_QUEUED when it started and the backend will call blk_dev_complete(@req, err)
 * later, never from within the call. @off is a byte offset already checked against the
 * capacity; @iov are @n guest buffers, all in RAM, totalling a multiple of 512 bytes.
 */
struct blk_backend_ops {
	int (*read)(void *opaque, struct blk_req *req, u64 off, const struct vq_iov *iov,
		    unsigned int n);
	int (*write)(void *opaque, struct blk_req *req, u64 off, const struct vq_iov *iov,
		     unsigned int n);
	int (*flush)(void *opaque, struct blk_req *req);	/* may be NULL if !flush */
};

struct blk_dev_params {
	u64 capacity;			/* in 512-byte sectors */
	bool read_only;			/* offer VIRTIO_BLK_F_RO; writes fail with IOERR */
	bool flush;			/* offer VIRTIO_BLK_F_FLUSH */
	u32 blk_size;			/* BLK_F_BLK_SIZE: power of 2 >= 512; 0 means 512 */
	u16 queue_max;			/* power of 2 <= BLK_DEV_QUEUE_MAX; 0 means the max */
	char id[VIRTIO_BLK_ID_BYTES];	/* the GET_ID string, NUL-padded */
	const struct blk_backend_ops *backend;
	void *backend_opaque;
	void (*log)(void *opaque, const char *msg);	/* optional */
	void *log_opaque;
};

struct blk_dev_stats {
	u64 requests;			/* chains popped */
	u64 reads, writes, flushes, get_ids;	/* well-formed requests started, by type */
	u64 bytes_read, bytes_written;	/* disk bytes moved by successful requests */
	u64 kicks;			/* available-buffer notifications received */
	u64 interrupts;			/* used-buffer notifications sent */
	u64 errors;			/* requests completed with IOERR or UNSUPP */
	u64 resets;			/* times the device set DEVICE_NEEDS_RESET */
};

/* One request in flight; the backend gets a pointer to hand back to blk_dev_complete(). */
struct blk_req {
	struct blk_dev *dev;
	bool busy;
	u32 gen;			/* dev->gen when popped: a reset since orphans it */
	u32 type;			/* VIRTIO_BLK_T_* */
	u64 sector;
	u64 data_len;			/* bytes in the data segments */
	u32 written;			/* data bytes the device writes on success */
	u8 *status;			/* the status byte, in guest RAM */
	struct vq_elem elem;		/* iov[0] header, [1..nseg-2] data, [nseg-1] status */
};

struct blk_dev {
	struct virtio_dev vdev;		/* what the transport drives */
	struct vq_dev vq;		/* the one request queue */
	struct virtio_blk_config config;
	struct blk_dev_params p;
	struct blk_dev_stats stats;
	u32 gen;			/* bumped by each reset */
	bool stalled;			/* stopped popping: every request slot is busy */
	u16 nfree;
	struct blk_req *free[BLK_DEV_QUEUE_MAX];
	struct blk_req req[BLK_DEV_QUEUE_MAX];
};

/*
 * Set up @dev (caller-allocated, about 300 KiB) from @p, reaching guest RAM through @mem.
 * The transport then takes dev->vdev. Return 0, or -EINVAL for bad parameters.
 */
int blk_dev_init(struct blk_dev *dev, const struct blk_dev_params *p, const struct vq_mem *mem);

/*
 * A kick (also dev->vdev.ops->notify): pop and start every available request, complete
 * the ones the backend finished at once, and notify the driver if it asked. Does nothing
 * before DRIVER_OK, or after the device set DEVICE_NEEDS_RESET.
 */
void blk_dev_notify(struct blk_dev *dev);

/*
 * The backend finished @req, which it had answered BLK_IO_QUEUED: @err is 0 or -E*. Writes
 * the status, pushes the chain, notifies the driver if it asked, and resumes a stalled
 * queue. A request orphaned by a device reset is only freed.
 */
void blk_dev_complete(struct blk_req *req, int err);

#endif

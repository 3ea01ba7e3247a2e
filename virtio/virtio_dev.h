/* SPDX-License-Identifier: MIT */
/*
 * The device half's common ground: the one guest-memory translator, the error kinds a
 * device counts and logs, and struct virtio_dev, the seam between a device model
 * (virtio/blk_dev.c) and its transport (virtio/mmio_dev.c), like kvmtool's virtio_ops.
 */
#ifndef VIRTIO_VIRTIO_DEV_H
#define VIRTIO_VIRTIO_DEV_H

#include <kern/types.h>

/*
 * Guest RAM as the device sees it. gpa_to_host() returns a host pointer to
 * [gpa, gpa + len) when that range lies wholly inside guest RAM, else NULL; it is the
 * only way device code reaches guest memory. The VMM supplies its bounds-checked
 * translator; tests supply a fake RAM buffer.
 */
struct vq_mem {
	void *(*gpa_to_host)(void *opaque, u64 gpa, u64 len);
	void *opaque;
};

/* What a driver (or a broken/malicious guest) did wrong; one counter and one log line each. */
enum virtio_err {
	VIRTIO_E_NONE,
	/* Ring corruption: the queue stops and the device sets DEVICE_NEEDS_RESET. */
	VIRTIO_E_AVAIL_IDX,	/* avail idx moved more than the queue size */
	VIRTIO_E_HEAD,		/* head index >= queue size */
	VIRTIO_E_NEXT,		/* next index >= table size */
	VIRTIO_E_LOOP,		/* chain longer than its table: a loop */
	VIRTIO_E_SEGS,		/* chain has more segments than the device accepts */
	VIRTIO_E_INDIRECT,	/* bad indirect descriptor */
	VIRTIO_E_STATUS,	/* no device-writable 1-byte status at the end */
	/* Bad request: completed with VIRTIO_BLK_S_IOERR (or UNSUPP). */
	VIRTIO_E_ADDR,		/* buffer outside guest RAM */
	VIRTIO_E_HDR,		/* header not a device-readable 16-byte first segment */
	VIRTIO_E_DIR,		/* data direction does not match the request type */
	VIRTIO_E_ALIGN,		/* data length not a multiple of 512 */
	VIRTIO_E_RANGE,		/* sectors past the capacity */
	VIRTIO_E_RO,		/* write to a read-only disk */
	VIRTIO_E_UNSUPP,	/* unknown request type, or FLUSH not negotiated */
	VIRTIO_E_BACKEND,	/* the backing store failed */
	/* Transport misuse: ignored. */
	VIRTIO_E_ACCESS,	/* register access of the wrong width, offset or direction */
	VIRTIO_E_QUEUE_SETUP,	/* QueueReady with a bad size or ring address */
	VIRTIO_E_FEATURES,	/* FEATURES_OK refused */
	VIRTIO_E_STATUS_WRITE,	/* status write that clears bits or skips a step */
	VIRTIO_E_NR
};

struct vq_dev;
struct virtio_dev;

/* Implemented by a device model; called by the transport. */
struct virtio_dev_ops {
	/* May the driver run with @acked (a subset of the offered features)? 0 or -EINVAL. */
	int (*features_ok)(struct virtio_dev *vdev, u64 acked);
	/* Available-buffer notification for queue @q (driver kick or ioeventfd). */
	void (*notify)(struct virtio_dev *vdev, u16 q);
	/* Device reset: forget queues and in-flight requests. */
	void (*reset)(struct virtio_dev *vdev);
};

/* Implemented by a transport; called by the device model. */
struct virtio_transport_ops {
	/* Used buffers were added to queue @q and the driver wants to hear of it. */
	void (*signal_used)(struct virtio_dev *vdev, u16 q);
	/* The device cannot go on: set DEVICE_NEEDS_RESET and tell the driver. */
	void (*needs_reset)(struct virtio_dev *vdev);
};

struct virtio_dev {
	u32 device_id;			/* VIRTIO_ID_* */
	u64 features;			/* offered to the driver */
	u64 acked;			/* accepted at FEATURES_OK; 0 before */
	bool driver_ok;			/* DRIVER_OK set and no reset pending */
	const void *config;		/* device configuration space, read-only to the driver */
	u32 config_size;
	struct vq_dev *vqs;		/* nvqs queues */
	u16 nvqs;
	u16 queue_max;			/* QueueNumMax of every queue */
	const struct vq_mem *mem;
	const struct virtio_dev_ops *ops;
	const struct virtio_transport_ops *transport;	/* set by the transport */
	void *transport_priv;
	void (*log)(void *opaque, const char *msg);	/* optional; once per error kind */
	void *log_opaque;
	u32 logged;			/* bit e set: kind e was logged */
	u64 err[VIRTIO_E_NR];		/* count of each error kind */
};

_Static_assert(VIRTIO_E_NR <= 32, "virtio_dev.logged holds one bit per error kind");

/* A short description of @e ("avail idx moved past the queue size"). */
const char *virtio_err_str(enum virtio_err e);
/* Count one @e against @vdev; log it through vdev->log the first time only. */
void virtio_dev_error(struct virtio_dev *vdev, enum virtio_err e);
/* Tell the transport queue @q has new used buffers worth an interrupt. */
void virtio_dev_signal_used(struct virtio_dev *vdev, u16 q);
/* Count @e, log it, stop the device and ask the transport for DEVICE_NEEDS_RESET. */
void virtio_dev_fail(struct virtio_dev *vdev, enum virtio_err e);

#endif

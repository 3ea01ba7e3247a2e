// SPDX-License-Identifier: MIT
/*
 * Device-half helpers shared by every device model: error counting and log-once, and the
 * calls from a device model up to its transport (virtio/virtio_dev.h).
 */
#include <virtio/virtio_dev.h>

static const char *const virtio_err_names[VIRTIO_E_NR] = {
	[VIRTIO_E_NONE]		= "no error",
	[VIRTIO_E_AVAIL_IDX]	= "avail idx moved past the queue size",
	[VIRTIO_E_HEAD]		= "head descriptor index past the queue size",
	[VIRTIO_E_NEXT]		= "next descriptor index past the table",
	[VIRTIO_E_LOOP]		= "descriptor chain longer than its table (loop)",
	[VIRTIO_E_SEGS]		= "descriptor chain has too many segments",
	[VIRTIO_E_INDIRECT]	= "bad indirect descriptor table",
	[VIRTIO_E_STATUS]	= "no device-writable 1-byte status descriptor",
	[VIRTIO_E_ADDR]		= "buffer outside guest RAM",
	[VIRTIO_E_HDR]		= "request header not a device-readable 16-byte descriptor",
	[VIRTIO_E_DIR]		= "data direction does not match the request type",
	[VIRTIO_E_ALIGN]	= "data length not a multiple of 512",
	[VIRTIO_E_RANGE]	= "request past the disk capacity",
	[VIRTIO_E_RO]		= "write to a read-only disk",
	[VIRTIO_E_UNSUPP]	= "unsupported request type",
	[VIRTIO_E_BACKEND]	= "backing store I/O error",
	[VIRTIO_E_ACCESS]	= "bad register access",
	[VIRTIO_E_QUEUE_SETUP]	= "bad queue size or ring address",
	[VIRTIO_E_FEATURES]	= "driver features refused",
	[VIRTIO_E_STATUS_WRITE]	= "bad device status write",
};

const char *virtio_err_str(enum virtio_err e)
{
	if ((unsigned int)e >= VIRTIO_E_NR)
		return "unknown error";
	return virtio_err_names[e];
}

void virtio_dev_error(struct virtio_dev *vdev, enum virtio_err e)
{
	if ((unsigned int)e >= VIRTIO_E_NR || e == VIRTIO_E_NONE)
		return;
	vdev->err[e]++;
	if (vdev->logged & (1U << e))
		return;
	vdev->logged |= 1U << e;
	if (vdev->log)
		vdev->log(vdev->log_opaque, virtio_err_str(e));
}

void virtio_dev_signal_used(struct virtio_dev *vdev, u16 q)
{
	if (vdev->transport && vdev->transport->signal_used)
		vdev->transport->signal_used(vdev, q);
}

void virtio_dev_fail(struct virtio_dev *vdev, enum virtio_err e)
{
	virtio_dev_error(vdev, e);
	vdev->driver_ok = false;
	if (vdev->transport && vdev->transport->needs_reset)
		vdev->transport->needs_reset(vdev);
}

/* SPDX-License-Identifier: MIT */
/*
 * Device side of the virtio-mmio v2 transport (virtio 1.2 §4.2): the register file of one
 * device as pure read/write handlers over a state struct, so the VMM forwards each
 * KVM_EXIT_MMIO in [VIRTIO_MMIO_BASE + i * STRIDE, + VIRTIO_MMIO_REGION_SIZE) here. It
 * negotiates features, checks queue set-up, resets, keeps InterruptStatus, serves config
 * space and passes QueueNotify to the device model (struct virtio_dev).
 *
 * Locking: the caller serializes register accesses with the device's other entry points
 * (one lock per device). InterruptStatus alone is updated atomically.
 */
#ifndef VIRTIO_MMIO_DEV_H
#define VIRTIO_MMIO_DEV_H

#include <kern/types.h>
#include <virtio/virtio_dev.h>

#define MMIO_DEV_MAX_VQS	4

/* What the driver wrote for one queue, applied at QueueReady = 1. */
struct mmio_dev_queue {
	u32 num;
	u64 desc, driver, device;
};

struct mmio_dev {
	struct virtio_dev *vdev;
	u32 status;			/* VIRTIO_STATUS_* */
	u32 dev_features_sel;
	u32 drv_features_sel;
	u64 drv_features;		/* as written; becomes vdev->acked at FEATURES_OK */
	u32 queue_sel;
	u32 shm_sel;
	u32 isr;			/* VIRTIO_MMIO_INT_*; atomic */
	u32 config_gen;
	struct mmio_dev_queue q[MMIO_DEV_MAX_VQS];
	/* Raise the device's interrupt line (the VMM writes its irqfd); may be NULL. */
	void (*irq)(void *opaque);
	void *irq_opaque;
};

/*
 * Bind register file @m to device model @vdev (at most MMIO_DEV_MAX_VQS queues) and to the
 * interrupt callback @irq(@irq_opaque). The device starts reset. Return 0 or -EINVAL.
 */
int mmio_dev_init(struct mmio_dev *m, struct virtio_dev *vdev, void (*irq)(void *opaque),
		  void *irq_opaque);

/*
 * A guest read of @len (1, 2, 4 or 8) bytes at offset @off in the region into @data. Control
 * registers need len 4 at an aligned offset; config space needs natural alignment. A bad
 * access, or a read of a write-only register, reads as 0 and returns -EINVAL.
 */
int mmio_dev_read(struct mmio_dev *m, u64 off, void *data, u32 len);

/*
 * A guest write of @len bytes from @data at offset @off. Writes that break the spec's rules
 * (wrong width, read-only register, queue registers while the queue is ready, clearing
 * status bits) change nothing and return -EINVAL; a refused FEATURES_OK or QueueReady reads
 * back as 0 and returns -EINVAL. Status 0 resets the device.
 */
int mmio_dev_write(struct mmio_dev *m, u64 off, const void *data, u32 len);

/* The device changed its config space: bump ConfigGeneration, raise a config interrupt. */
void mmio_dev_config_changed(struct mmio_dev *m);

#endif

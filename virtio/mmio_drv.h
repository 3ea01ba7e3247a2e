/* SPDX-License-Identifier: MIT */
/*
 * Driver side of virtio-mmio v2 for the guest: probe, the status handshake and feature
 * negotiation (§3.1.1), queue set-up, notify, interrupt acknowledge, config reads that
 * honour ConfigGeneration. Register access goes through a small ops struct: the guest
 * maps the region and does readl/writel; the host tests call mmio_dev_read/write.
 */
#ifndef VIRTIO_MMIO_DRV_H
#define VIRTIO_MMIO_DRV_H

#include <kern/types.h>

struct mmio_drv_io {
	/* Read or write @size (1, 2 or 4) bytes at register offset @off. */
	u32 (*read)(void *opaque, u32 off, unsigned int size);
	void (*write)(void *opaque, u32 off, u32 val, unsigned int size);
};

struct mmio_drv {
	const struct mmio_drv_io *io;
	void *opaque;
	u32 device_id;			/* VIRTIO_ID_* found by mmio_drv_probe() */
	u64 features;			/* negotiated by mmio_drv_negotiate() */
};

/* Check magic and version 2; a device ID of 0 is an empty slot. Return 0 or -ENODEV. */
int mmio_drv_probe(struct mmio_drv *d, const struct mmio_drv_io *io, void *opaque);

/*
 * Reset, ACKNOWLEDGE, DRIVER, accept the features in @want the device offers (it must
 * offer VIRTIO_F_VERSION_1), FEATURES_OK and check that it stuck. On failure set FAILED
 * and return -ENODEV (no common version) or -EIO (features refused).
 */
int mmio_drv_negotiate(struct mmio_drv *d, u64 want);

/* QueueNumMax of queue @q: 0 if it does not exist. */
u32 mmio_drv_queue_max(struct mmio_drv *d, u16 q);

/*
 * Program queue @q with @num entries and the three ring addresses, then QueueReady = 1.
 * Return 0, -EBUSY (already ready), -ENOENT (no such queue), -EINVAL (@num too big) or
 * -EIO (the device refused the rings).
 */
int mmio_drv_queue_setup(struct mmio_drv *d, u16 q, u32 num, u64 desc_pa, u64 avail_pa,
			 u64 used_pa);

void mmio_drv_driver_ok(struct mmio_drv *d);
/* Write 0 to status and wait for it to read back 0. Return 0 or -EIO. */
int mmio_drv_reset(struct mmio_drv *d);
/* Give up on the device: set FAILED. */
void mmio_drv_fail(struct mmio_drv *d);
u32 mmio_drv_status(struct mmio_drv *d);
/* Available-buffer notification for queue @q. */
void mmio_drv_notify(struct mmio_drv *d, u16 q);
/* Read InterruptStatus and acknowledge exactly those bits; return them. */
u32 mmio_drv_ack_irq(struct mmio_drv *d);

/* Config space reads, repeated until ConfigGeneration is stable around them. */
u32 mmio_drv_config32(struct mmio_drv *d, u32 off);
u64 mmio_drv_config64(struct mmio_drv *d, u32 off);

#endif

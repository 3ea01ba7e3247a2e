// SPDX-License-Identifier: MIT
/* Driver side of virtio-mmio v2 (virtio/mmio_drv.h): the guest's half of the handshake. */
#include <kern/errno.h>
#include <virtio/mmio.h>
#include <virtio/mmio_drv.h>
#include <virtio/ring.h>

#define MMIO_DRV_RETRIES	1000	/* reset read-back and config generation retries */

static u32 rd(struct mmio_drv *d, u32 off)
{
	return d->io->read(d->opaque, off, 4);
}

static void wr(struct mmio_drv *d, u32 off, u32 val)
{
	d->io->write(d->opaque, off, val, 4);
}

int mmio_drv_probe(struct mmio_drv *d, const struct mmio_drv_io *io, void *opaque)
{
	d->io = io;
	d->opaque = opaque;
	d->features = 0;
	d->device_id = 0;
	if (rd(d, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC ||
	    rd(d, VIRTIO_MMIO_VERSION) != VIRTIO_MMIO_VERSION_2)
		return -ENODEV;
	d->device_id = rd(d, VIRTIO_MMIO_DEVICE_ID);
	return d->device_id ? 0 : -ENODEV;
}

u32 mmio_drv_status(struct mmio_drv *d)
{
	return rd(d, VIRTIO_MMIO_STATUS);
}

/* Add @bits to the device status. */
static void mmio_drv_add_status(struct mmio_drv *d, u32 bits)
{
	wr(d, VIRTIO_MMIO_STATUS, mmio_drv_status(d) | bits);
}

int mmio_drv_reset(struct mmio_drv *d)
{
	int i;

	wr(d, VIRTIO_MMIO_STATUS, 0);
	for (i = 0; i < MMIO_DRV_RETRIES; i++)
		if (mmio_drv_status(d) == 0)
			return 0;
	return -EIO;
}

void mmio_drv_fail(struct mmio_drv *d)
{
	mmio_drv_add_status(d, VIRTIO_STATUS_FAILED);
}

/* The device's 64 feature bits, read 32 at a time. */
static u64 mmio_drv_device_features(struct mmio_drv *d)
{
	u64 f;

	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	f = rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	return f | (u64)rd(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
}

static void mmio_drv_write_features(struct mmio_drv *d, u64 f)
{
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (u32)f);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (u32)(f >> 32));
}

int mmio_drv_negotiate(struct mmio_drv *d, u64 want)
{
	int r;

	r = mmio_drv_reset(d);
	if (r)
		goto fail;
	mmio_drv_add_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
	mmio_drv_add_status(d, VIRTIO_STATUS_DRIVER);
	d->features = mmio_drv_device_features(d) & want;
	r = -ENODEV;
	if (!(d->features & VIRTIO_BIT(VIRTIO_F_VERSION_1)))
		goto fail;
	mmio_drv_write_features(d, d->features);
	mmio_drv_add_status(d, VIRTIO_STATUS_FEATURES_OK);
	r = -EIO;
	if (!(mmio_drv_status(d) & VIRTIO_STATUS_FEATURES_OK))
		goto fail;
	return 0;
fail:
	mmio_drv_fail(d);
	return r;
}

u32 mmio_drv_queue_max(struct mmio_drv *d, u16 q)
{
	wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
	return rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
}

/* Write 64-bit @val to the LOW register at @off and the HIGH one after it. */
static void wr64(struct mmio_drv *d, u32 off, u64 val)
{
	wr(d, off, (u32)val);
	wr(d, off + 4, (u32)(val >> 32));
}

int mmio_drv_queue_setup(struct mmio_drv *d, u16 q, u32 num, u64 desc_pa, u64 avail_pa,
			 u64 used_pa)
{
	u32 max = mmio_drv_queue_max(d, q);

	if (rd(d, VIRTIO_MMIO_QUEUE_READY))
		return -EBUSY;
	if (!max)
		return -ENOENT;
	if (!num || num > max)
		return -EINVAL;
	wr(d, VIRTIO_MMIO_QUEUE_NUM, num);
	wr64(d, VIRTIO_MMIO_QUEUE_DESC_LOW, desc_pa);
	wr64(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, avail_pa);
	wr64(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, used_pa);
	wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
	return rd(d, VIRTIO_MMIO_QUEUE_READY) == 1 ? 0 : -EIO;
}

void mmio_drv_driver_ok(struct mmio_drv *d)
{
	mmio_drv_add_status(d, VIRTIO_STATUS_DRIVER_OK);
}

void mmio_drv_notify(struct mmio_drv *d, u16 q)
{
	wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

u32 mmio_drv_ack_irq(struct mmio_drv *d)
{
	u32 isr = rd(d, VIRTIO_MMIO_INTERRUPT_STATUS);

	if (isr)
		wr(d, VIRTIO_MMIO_INTERRUPT_ACK, isr);
	return isr;
}

u32 mmio_drv_config32(struct mmio_drv *d, u32 off)
{
	u32 gen, val;
	int i = 0;

	do {
		gen = rd(d, VIRTIO_MMIO_CONFIG_GENERATION);
		val = rd(d, VIRTIO_MMIO_CONFIG + off);
	} while (gen != rd(d, VIRTIO_MMIO_CONFIG_GENERATION) && ++i < MMIO_DRV_RETRIES);
	return val;
}

u64 mmio_drv_config64(struct mmio_drv *d, u32 off)
{
	u32 gen, lo, hi;
	int i = 0;

	do {
		gen = rd(d, VIRTIO_MMIO_CONFIG_GENERATION);
		lo = rd(d, VIRTIO_MMIO_CONFIG + off);
		hi = rd(d, VIRTIO_MMIO_CONFIG + off + 4);
	} while (gen != rd(d, VIRTIO_MMIO_CONFIG_GENERATION) && ++i < MMIO_DRV_RETRIES);
	return (u64)hi << 32 | lo;
}

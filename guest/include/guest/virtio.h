/* SPDX-License-Identifier: MIT */
/*
 * virtio devices in the guest (guest/drivers/): the device-tree description of a
 * virtio-mmio window (virtio_mmio_dt.c, pure code the host tests include), the probe of
 * every window (virtio_mmio.c) and the virtio-blk driver under the block layer
 * (virtio_blk.c), with its test mode for malformed requests.
 */
#ifndef GUEST_VIRTIO_H
#define GUEST_VIRTIO_H

#include <kern/types.h>
#include <virtio/blk_drv.h>
#include <virtio/mmio_drv.h>

#define VIRTIO_ROLE_LEN		16

/* A "virtio,mmio" node of the device tree. */
struct virtio_mmio_node {
	u64 base, size;			/* the register window */
	u32 gsi;			/* its IOAPIC input */
	char role[VIRTIO_ROLE_LEN];	/* DT_PROP_VIRTIO_ROLE ("disk", "swap"), or "" */
};

/*
 * Read node @node of @fdt (a DT_COMPAT_VIRTIO_MMIO node) into @out: reg must be one
 * (address, size) entry in its parent's cells, wholly inside the 32-bit MMIO hole
 * [MMIO_HOLE_START, 4 GiB) and at least VIRTIO_MMIO_REGION_SIZE long; interrupts one
 * cell; DT_PROP_VIRTIO_ROLE, if there, a string of 1..VIRTIO_ROLE_LEN - 1 characters.
 * Returns 0, or -EINVAL with a one-line reason in *why.
 */
int dt_virtio_mmio_node(const void *fdt, int node, struct virtio_mmio_node *out,
			const char **why);

/* One probed virtio-mmio device: its node, its mapped registers, the transport driver. */
struct virtio_mmio_device {
	struct virtio_mmio_node node;
	void *regs;			/* ioremap()ed window */
	struct mmio_drv drv;		/* probed: device_id known */
};

struct boot_info;

/*
 * Bring up interrupts (irq_init()) and every device of the tree: each virtio,mmio node is
 * mapped, checked (magic, version 2, device ID; ID 0 is an empty slot) and handed to its
 * driver. A bad node or device is reported in one line and skipped. Call once at boot,
 * after the page allocator and the scheduler are up.
 */
void devices_init(const struct boot_info *bi);

/* Drive @vdev (a VIRTIO_ID_BLOCK device) as the block device named after its role. */
int virtio_blk_probe(struct virtio_mmio_device *vdev);

/* ---- virtio-blk test mode -------------------------------------------------------------- */
struct bio;
struct block_device;

/* Is @bdev driven by virtio_blk.c? */
bool is_virtio_blk(const struct block_device *bdev);

/*
 * Send @bio (a read of one segment of at least 512 bytes, on a virtio-blk device) as the
 * malformed chain @kind (enum blk_drv_bad), its data pointer replaced by an address
 * outside RAM for BLK_BAD_DATA_ADDR, and kick. It completes like any bio: -EIO when the
 * device answered IOERR or when the device needed a reset (DEVICE_NEEDS_RESET), after which
 * the driver resets and re-initialises the device. Returns 0, or -E* when it was not sent.
 */
int virtio_blk_submit_bad(struct bio *bio, enum blk_drv_bad kind);

/* Device resets the driver did after DEVICE_NEEDS_RESET, and InterruptStatus reads. */
u64 virtio_blk_resets(const struct block_device *bdev);
u64 virtio_blk_isr_reads(const struct block_device *bdev);

#endif

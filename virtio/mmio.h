/* SPDX-License-Identifier: MIT */
/*
 * virtio-mmio version 2 (virtio 1.2 §4.2): register offsets, the "virt" magic, device
 * status bits (§2.1) and interrupt status bits. Shared by the device's register file
 * (virtio/mmio_dev.c) and the guest's driver (virtio/mmio_drv.c). Control registers are
 * 32 bits wide and 32-bit aligned; device configuration space starts at 0x100.
 */
#ifndef VIRTIO_MMIO_H
#define VIRTIO_MMIO_H

/* ---- register offsets (R: driver reads, W: driver writes) ------------------------- */
#define VIRTIO_MMIO_MAGIC_VALUE		0x000	/* R: VIRTIO_MMIO_MAGIC */
#define VIRTIO_MMIO_VERSION		0x004	/* R: 2 */
#define VIRTIO_MMIO_DEVICE_ID		0x008	/* R: VIRTIO_ID_* */
#define VIRTIO_MMIO_VENDOR_ID		0x00c	/* R */
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010	/* R: 32 bits, page DEVICE_FEATURES_SEL */
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL	0x014	/* W */
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020	/* W: 32 bits, page DRIVER_FEATURES_SEL */
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL	0x024	/* W */
#define VIRTIO_MMIO_QUEUE_SEL		0x030	/* W: queue the QUEUE_* registers name */
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034	/* R: 0 if the queue does not exist */
#define VIRTIO_MMIO_QUEUE_NUM		0x038	/* W: queue size */
#define VIRTIO_MMIO_QUEUE_READY		0x044	/* RW */
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050	/* W: queue index */
#define VIRTIO_MMIO_INTERRUPT_STATUS	0x060	/* R: VIRTIO_MMIO_INT_* */
#define VIRTIO_MMIO_INTERRUPT_ACK	0x064	/* W: the bits handled */
#define VIRTIO_MMIO_STATUS		0x070	/* RW: VIRTIO_STATUS_*; writing 0 resets */
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080	/* W: descriptor area */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW	0x090	/* W: driver area (available ring) */
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH	0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW	0x0a0	/* W: device area (used ring) */
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH	0x0a4
#define VIRTIO_MMIO_SHM_SEL		0x0ac	/* W: shared memory region (we have none) */
#define VIRTIO_MMIO_SHM_LEN_LOW		0x0b0	/* R: ~0: no such region */
#define VIRTIO_MMIO_SHM_LEN_HIGH	0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW	0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH	0x0bc
#define VIRTIO_MMIO_QUEUE_RESET		0x0c0	/* RW: F_RING_RESET, not offered */
#define VIRTIO_MMIO_CONFIG_GENERATION	0x0fc	/* R */
#define VIRTIO_MMIO_CONFIG		0x100	/* device-specific configuration space */

#define VIRTIO_MMIO_MAGIC		0x74726976	/* "virt" read as a little-endian u32 */
#define VIRTIO_MMIO_VERSION_2		2
#define VIRTIO_MMIO_VENDOR		0x4d4d564b	/* "KVMM" */
#define VIRTIO_MMIO_REGION_SIZE		0x200	/* registers + 256 bytes of config */

/* ---- InterruptStatus / InterruptACK bits ------------------------------------------ */
#define VIRTIO_MMIO_INT_VRING		0x1	/* used buffer notification */
#define VIRTIO_MMIO_INT_CONFIG		0x2	/* configuration change notification */

/* ---- device status (§2.1) ----------------------------------------------------------- */
#define VIRTIO_STATUS_ACKNOWLEDGE	0x01	/* the driver found the device */
#define VIRTIO_STATUS_DRIVER		0x02	/* the driver knows how to drive it */
#define VIRTIO_STATUS_DRIVER_OK		0x04	/* the driver is ready */
#define VIRTIO_STATUS_FEATURES_OK	0x08	/* feature negotiation is complete */
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 0x40	/* the device hit an error it cannot recover */
#define VIRTIO_STATUS_FAILED		0x80	/* the driver gave up on the device */

/* ---- device IDs (§5) ---------------------------------------------------------------- */
#define VIRTIO_ID_BLOCK			2

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Port I/O and MMIO dispatch: each bus is a short table of devices, each owning the
 * address range [base, base + len). The run loop hands every KVM_EXIT_IO and
 * KVM_EXIT_MMIO to io_pio() / io_mmio(); what no device claims reads as all ones
 * (ports) or zeros (MMIO), is otherwise ignored, and is logged once with -v.
 */
#ifndef HOST_IO_H
#define HOST_IO_H

#include "host/util.h"

#define IO_BUS_MAX_DEVS		16
#define IO_MMIO_LOG_MAX		16	/* unknown MMIO addresses remembered for log-once */

struct io_dev {
	const char *name;
	u64 base;
	u64 len;
	/*
	 * An access of @size (1, 2, 4 or 8) bytes at @off (relative to base, inside the
	 * device). @data is @size bytes, little-endian, as the guest wrote or will read
	 * them. Both are called from the vCPU thread and must not fail.
	 */
	void (*read)(void *opaque, u64 off, void *data, u32 size);
	void (*write)(void *opaque, u64 off, const void *data, u32 size);
	void *opaque;
};

struct io_bus {
	const char *name;		/* "port" or "MMIO", for messages */
	struct io_dev devs[IO_BUS_MAX_DEVS];
	unsigned int nr_devs;
};

/*
 * io_bus_register - add @dev to @bus. Returns 0, -EEXIST if its range overlaps a device
 * already there or is empty or wraps, -ENOSPC if the bus is full (@e says which).
 */
int io_bus_register(struct io_bus *bus, const struct io_dev *dev, struct errbuf *e);

/*
 * io_bus_find - the device whose range holds all of [addr, addr + size), or NULL.
 */
const struct io_dev *io_bus_find(const struct io_bus *bus, u64 addr, u32 size);

struct vm;

/*
 * io_pio / io_mmio - perform one guest access on the VM's port or MMIO bus. A read
 * nobody claims fills @data with 0xff (ports) or 0 (MMIO); a write nobody claims is
 * dropped. Either is logged with -v the first time its address is seen.
 */
void io_pio(struct vm *vm, u16 port, void *data, u32 size, bool write);
void io_mmio(struct vm *vm, u64 addr, void *data, u32 size, bool write);

#endif

/* SPDX-License-Identifier: MIT */
/* Port and MMIO buses: device lookup by address, and what happens to unclaimed accesses. */
#include <errno.h>
#include <string.h>

#include "host/io.h"
#include "host/kvm.h"

int io_bus_register(struct io_bus *bus, const struct io_dev *dev, struct errbuf *e)
{
	unsigned int i;

	if (!dev->len || dev->base + dev->len < dev->base)
		return errf(e, -EEXIST, "%s: empty or wrapping %s range", dev->name, bus->name);
	for (i = 0; i < bus->nr_devs; i++) {
		const struct io_dev *d = &bus->devs[i];

		if (dev->base < d->base + d->len && d->base < dev->base + dev->len)
			return errf(e, -EEXIST, "%s: %s range 0x%llx+0x%llx overlaps %s",
				    dev->name, bus->name, (unsigned long long)dev->base,
				    (unsigned long long)dev->len, d->name);
	}
	if (bus->nr_devs == IO_BUS_MAX_DEVS)
		return errf(e, -ENOSPC, "%s: %s bus full", dev->name, bus->name);
	bus->devs[bus->nr_devs++] = *dev;
	return 0;
}

const struct io_dev *io_bus_find(const struct io_bus *bus, u64 addr, u32 size)
{
	unsigned int i;

	for (i = 0; i < bus->nr_devs; i++) {
		const struct io_dev *d = &bus->devs[i];

		if (addr >= d->base && size <= d->len && addr - d->base <= d->len - size)
			return d;
	}
	return NULL;
}

void io_pio(struct vm *vm, u16 port, void *data, u32 size, bool write)
{
	const struct io_dev *d = io_bus_find(&vm->pio, port, size);

	if (d) {
		if (write)
			d->write(d->opaque, port - d->base, data, size);
		else
			d->read(d->opaque, port - d->base, data, size);
		return;
	}
	if (!write)
		memset(data, 0xff, size);
	if (!(vm->pio_logged[port / 8] & (1u << (port % 8)))) {
		vm->pio_logged[port / 8] |= 1u << (port % 8);
		vmm_log("unknown port 0x%x: %u-byte %s ignored (logged once)", port, size,
			write ? "write" : "read");
	}
}

void io_mmio(struct vm *vm, u64 addr, void *data, u32 size, bool write)
{
	const struct io_dev *d = io_bus_find(&vm->mmio, addr, size);
	unsigned int i;

	if (d) {
		if (write)
			d->write(d->opaque, addr - d->base, data, size);
		else
			d->read(d->opaque, addr - d->base, data, size);
		return;
	}
	if (!write)
		memset(data, 0, size);
	for (i = 0; i < vm->nr_mmio_logged; i++) {
		if (vm->mmio_logged[i] == addr)
			return;
	}
	if (vm->nr_mmio_logged < IO_MMIO_LOG_MAX) {
		vm->mmio_logged[vm->nr_mmio_logged++] = addr;
		vmm_log("unknown MMIO 0x%llx: %u-byte %s ignored (logged once)%s",
			(unsigned long long)addr, size, write ? "write" : "read",
			vm->nr_mmio_logged == IO_MMIO_LOG_MAX ? "; no more MMIO logged" : "");
	}
}

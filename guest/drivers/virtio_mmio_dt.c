// SPDX-License-Identifier: MIT
/*
 * The device-tree side of virtio-mmio: read one "virtio,mmio" node (reg, interrupts,
 * kvm-mm,role) and refuse anything malformed. Pure code (libfdt only): the host unit test
 * tests/unit/test_guest_virtio_dt.c includes this file.
 */
#include <libfdt.h>
#include <kern/compiler.h>
#include <kern/errno.h>
#include <kern/string.h>
#include <abi/layout.h>
#include <virtio/mmio.h>
/* By path, so that the host test build (which does not search guest/include) finds it. */
#include "../include/guest/virtio.h"

#define VIRTIO_MMIO_HOLE_END	(4ULL << 30)	/* 32-bit devices: below 4 GiB */

static int bad(const char **why, const char *reason)
{
	*why = reason;
	return -EINVAL;
}

static u64 read_cells(const fdt32_t *p, int cells)
{
	u64 v = 0;

	while (cells--)
		v = (v << 32) | fdt32_to_cpu(*p++);
	return v;
}

int dt_virtio_mmio_node(const void *fdt, int node, struct virtio_mmio_node *out,
			const char **why)
{
	int parent = fdt_parent_offset(fdt, node);
	const fdt32_t *reg, *irq;
	const char *role;
	int ac, sc, len;

	memset(out, 0, sizeof(*out));
	if (parent < 0)
		return bad(why, "not a node");
	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return bad(why, "parent #address-cells or #size-cells is not 1 or 2");
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return bad(why, "no reg property");
	if (len != (ac + sc) * 4)
		return bad(why, "reg is not one (address, size) entry");
	out->base = read_cells(reg, ac);
	out->size = read_cells(reg + ac, sc);
	if (out->size < VIRTIO_MMIO_REGION_SIZE)
		return bad(why, "register window smaller than 0x200 bytes");
	if (out->base < MMIO_HOLE_START || out->base >= VIRTIO_MMIO_HOLE_END ||
	    out->size > VIRTIO_MMIO_HOLE_END - out->base)
		return bad(why, "register window outside the MMIO hole [0xc0000000, 4 GiB)");

	irq = fdt_getprop(fdt, node, "interrupts", &len);
	if (!irq)
		return bad(why, "no interrupts property");
	if (len != 4)
		return bad(why, "interrupts is not one cell");
	out->gsi = fdt32_to_cpu(*irq);

	role = fdt_getprop(fdt, node, DT_PROP_VIRTIO_ROLE, &len);
	if (role) {
		if (len < 2 || len > VIRTIO_ROLE_LEN || strnlen(role, len) != (size_t)len - 1)
			return bad(why, "kvm-mm,role is not a string of 1 to 15 characters");
		memcpy(out->role, role, len);
	}
	return 0;
}

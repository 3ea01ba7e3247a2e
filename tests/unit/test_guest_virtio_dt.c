// SPDX-License-Identifier: MIT
/*
 * Host tests of the guest's reading of "virtio,mmio" device-tree nodes
 * (guest/drivers/virtio_mmio_dt.c, included here): the nodes ./vmm itself builds
 * (host/fdt.c) for --disk and --swap, and every malformed node refused with a reason.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libfdt.h>

#include "guest/drivers/virtio_mmio_dt.c"
#include "host/fdt.h"
#include "mm_test.h"

static char blob[BOOT_FDT_MAX];
static struct virtio_mmio_node vn;
static const char *why;
static bool fdt_ok;

#define T(call)						\
	do {						\
		if ((call) < 0)				\
			fdt_ok = false;			\
	} while (0)

/* A tree whose root has @ac/@sc cells and one virtio,mmio node with the given properties:
 * @reg of @nreg cells (NULL: none), @irq of @nirq cells, @role of @rolelen bytes. */
static int node_tree(int ac, int sc, const u32 *reg, int nreg, const u32 *irq, int nirq,
		     const char *role, int rolelen)
{
	fdt32_t cells[8];
	int i;

	fdt_ok = true;
	T(fdt_create(blob, sizeof(blob)));
	T(fdt_finish_reservemap(blob));
	T(fdt_begin_node(blob, ""));
	T(fdt_property_u32(blob, "#address-cells", ac));
	T(fdt_property_u32(blob, "#size-cells", sc));
	T(fdt_begin_node(blob, "virtio_mmio@d0000000"));
	T(fdt_property_string(blob, "compatible", DT_COMPAT_VIRTIO_MMIO));
	if (reg) {
		for (i = 0; i < nreg; i++)
			cells[i] = cpu_to_fdt32(reg[i]);
		T(fdt_property(blob, "reg", cells, nreg * 4));
	}
	if (irq) {
		for (i = 0; i < nirq; i++)
			cells[i] = cpu_to_fdt32(irq[i]);
		T(fdt_property(blob, "interrupts", cells, nirq * 4));
	}
	if (role)
		T(fdt_property(blob, DT_PROP_VIRTIO_ROLE, role, rolelen));
	T(fdt_end_node(blob));
	T(fdt_end_node(blob));
	T(fdt_finish(blob));
	if (!fdt_ok)
		return -1;
	return fdt_node_offset_by_compatible(blob, -1, DT_COMPAT_VIRTIO_MMIO);
}

static const u32 good_reg[] = { 0, 0xd0000000, 0, 0x200 };
static const u32 good_irq[] = { 16 };

static int parse(int node)
{
	why = NULL;
	return dt_virtio_mmio_node(blob, node, &vn, &why);
}

/* The nodes ./vmm writes for --disk and --swap read back as they were written. */
static bool test_vmm_nodes(void)
{
	struct dt_params p = {
		.ram_size = 64ULL << 20,
		.cmdline = "",
		.nr_cpus = 1,
		.nr_virtio = 2,
		.virtio = {
			{ VIRTIO_MMIO_BASE, IRQ_VIRTIO_BASE, "disk" },
			{ VIRTIO_MMIO_BASE + VIRTIO_MMIO_STRIDE, IRQ_VIRTIO_BASE + 1, "swap" },
		},
	};
	struct errbuf e;
	int node, n = 0;

	CHECK(dt_build(blob, sizeof(blob), &p, &e) == 0);
	for (node = fdt_node_offset_by_compatible(blob, -1, DT_COMPAT_VIRTIO_MMIO); node >= 0;
	     node = fdt_node_offset_by_compatible(blob, node, DT_COMPAT_VIRTIO_MMIO), n++) {
		CHECK(n < 2);
		CHECK(parse(node) == 0);
		CHECK(vn.base == p.virtio[n].base && vn.size == VIRTIO_MMIO_REGION_SIZE);
		CHECK(vn.gsi == p.virtio[n].gsi && !strcmp(vn.role, p.virtio[n].role));
	}
	CHECK(n == 2);
	return true;
}

/* One-cell parents work; the role is optional. */
static bool test_minimal_node(void)
{
	static const u32 reg[] = { 0xd0001000, 0x1000 };

	CHECK(parse(node_tree(1, 1, reg, 2, good_irq, 1, NULL, 0)) == 0);
	CHECK(vn.base == 0xd0001000 && vn.size == 0x1000 && vn.gsi == 16 && vn.role[0] == '\0');
	return true;
}

/* Expect node @node to be refused with a reason containing @want. */
static bool refused(int node, const char *want)
{
	CHECK(node >= 0);
	CHECK(parse(node) == -EINVAL);
	CHECK(why && strstr(why, want));
	return true;
}

static bool test_bad_reg(void)
{
	static const u32 small[] = { 0, 0xd0000000, 0, 0x100 };
	static const u32 low[] = { 0, 0xa0000000, 0, 0x200 };
	static const u32 high[] = { 1, 0x00000000, 0, 0x200 };
	static const u32 crossing[] = { 0, 0xfffff000, 0, 0x2000 };
	static const u32 two[] = { 0, 0xd0000000, 0, 0x200, 0, 0xd0001000, 0, 0x200 };

	CHECK(refused(node_tree(2, 2, NULL, 0, good_irq, 1, "disk", 5), "no reg"));
	CHECK(refused(node_tree(2, 2, good_reg, 3, good_irq, 1, "disk", 5), "one (address"));
	CHECK(refused(node_tree(2, 2, two, 8, good_irq, 1, "disk", 5), "one (address"));
	CHECK(refused(node_tree(2, 2, small, 4, good_irq, 1, "disk", 5), "smaller than"));
	CHECK(refused(node_tree(2, 2, low, 4, good_irq, 1, "disk", 5), "outside the MMIO hole"));
	CHECK(refused(node_tree(2, 2, high, 4, good_irq, 1, "disk", 5), "outside the MMIO hole"));
	CHECK(refused(node_tree(2, 2, crossing, 4, good_irq, 1, "disk", 5), "outside the MMIO"));
	CHECK(refused(node_tree(3, 2, good_reg, 4, good_irq, 1, "disk", 5), "#address-cells"));
	return true;
}

static bool test_bad_interrupts(void)
{
	static const u32 two[] = { 16, 4 };

	CHECK(refused(node_tree(2, 2, good_reg, 4, NULL, 0, "disk", 5), "no interrupts"));
	CHECK(refused(node_tree(2, 2, good_reg, 4, two, 2, "disk", 5), "one cell"));
	CHECK(refused(node_tree(2, 2, good_reg, 4, two, 0, "disk", 5), "one cell"));
	return true;
}

static bool test_bad_role(void)
{
	CHECK(refused(node_tree(2, 2, good_reg, 4, good_irq, 1, "", 1), "role"));
	CHECK(refused(node_tree(2, 2, good_reg, 4, good_irq, 1, "disk", 4), "role"));
	CHECK(refused(node_tree(2, 2, good_reg, 4, good_irq, 1, "di\0k", 5), "role"));
	CHECK(refused(node_tree(2, 2, good_reg, 4, good_irq, 1, "a-role-far-too-long", 20),
		      "role"));
	/* 15 characters is the most. */
	CHECK(parse(node_tree(2, 2, good_reg, 4, good_irq, 1, "fifteen-chars-x", 16)) == 0);
	CHECK(!strcmp(vn.role, "fifteen-chars-x"));
	return true;
}

int main(void)
{
	tap_plan(5);
	TAP_RUN(test_vmm_nodes);
	TAP_RUN(test_minimal_node);
	TAP_RUN(test_bad_reg);
	TAP_RUN(test_bad_interrupts);
	TAP_RUN(test_bad_role);
	return tap_finish();
}

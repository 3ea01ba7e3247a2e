/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the device tree builder (host/fdt.c): build a tree, parse it back with
 * libfdt and check every node and property the guest relies on (docs/boot.md), the
 * memory reservation map, optional properties, and running out of room.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>

#include <abi/layout.h>
#include "host/fdt.h"
#include "host/options.h"
#include "mm_test.h"

static u8 blob[BOOT_FDT_MAX];
static struct errbuf e;

static const struct dt_params std = {
	.ram_size = 256ULL << 20,
	.cmdline = "console=ttyS0 selftest",
	.nr_cpus = 4,
	.tsc_khz = 2500000,
};

static int node(const char *path)
{
	return fdt_path_offset(blob, path);
}

/* The property is a string equal to @want. */
static bool prop_str(const char *path, const char *name, const char *want)
{
	int len;
	const char *v = fdt_getprop(blob, node(path), name, &len);

	if (!v || len != (int)strlen(want) + 1 || strcmp(v, want)) {
		tap_diag("%s %s: got \"%s\" (len %d), want \"%s\"", path, name, v ? v : "(none)",
			 len, want);
		return false;
	}
	return true;
}

/* The property is one 32-bit cell equal to @want. */
static bool prop_u32(const char *path, const char *name, u32 want)
{
	int len;
	const fdt32_t *v = fdt_getprop(blob, node(path), name, &len);

	if (!v || len != 4 || fdt32_to_cpu(*v) != want) {
		tap_diag("%s %s: len %d value 0x%x, want 0x%x", path, name, len,
			 v ? fdt32_to_cpu(*v) : 0, want);
		return false;
	}
	return true;
}

/*
 * "reg" is <addr-hi addr-lo size-hi size-lo> = (@addr, @size). Property values are only
 * 4-byte aligned, so 64-bit cells are read with fdt64_ld().
 */
static bool prop_reg(const char *path, u64 addr, u64 size)
{
	int len;
	const fdt64_t *v = fdt_getprop(blob, node(path), "reg", &len);

	if (!v || len != 16 || fdt64_ld(&v[0]) != addr || fdt64_ld(&v[1]) != size) {
		tap_diag("%s reg: len %d", path, len);
		return false;
	}
	return true;
}

static bool build(const struct dt_params *p)
{
	memset(blob, 0xee, sizeof(blob));
	memset(&e, 0, sizeof(e));
	if (dt_build(blob, sizeof(blob), p, &e)) {
		tap_diag("dt_build: %s", e.msg);
		return false;
	}
	return fdt_check_header(blob) == 0 && fdt_totalsize(blob) <= BOOT_FDT_MAX;
}

static bool test_header_and_root(void)
{
	CHECK(build(&std));
	CHECK(fdt_magic(blob) == FDT_MAGIC);
	CHECK(prop_str("/", "compatible", DT_COMPAT_MACHINE));
	CHECK(prop_u32("/", "#address-cells", 2));
	CHECK(prop_u32("/", "#size-cells", 2));
	return true;
}

static bool test_memory(void)
{
	CHECK(build(&std));
	CHECK(prop_str("/memory@0", "device_type", "memory"));
	CHECK(prop_reg("/memory@0", 0, 256ULL << 20));
	return true;
}

static bool test_chosen(void)
{
	int len;

	CHECK(build(&std));
	CHECK(prop_str("/chosen", "bootargs", "console=ttyS0 selftest"));
	CHECK(prop_str("/chosen", "stdout-path", "/serial@3f8"));
	CHECK(node(fdt_getprop(blob, node("/chosen"), "stdout-path", &len)) >= 0);
	CHECK(!fdt_getprop(blob, node("/chosen"), "linux,initrd-start", &len));
	return true;
}

static bool test_cpus(void)
{
	int cpus, sub, n = 0;

	CHECK(build(&std));
	CHECK(prop_u32("/cpus", "#address-cells", 1));
	CHECK(prop_u32("/cpus", "#size-cells", 0));
	CHECK(prop_u32("/cpus", "tsc-khz", 2500000));
	cpus = node("/cpus");
	fdt_for_each_subnode(sub, blob, cpus) {
		char path[32];
		int len;

		snprintf(path, sizeof(path), "/cpus/cpu@%d", n);
		CHECKF(!strcmp(fdt_get_name(blob, sub, &len), path + 6), "cpu node %d", n);
		CHECK(prop_str(path, "device_type", "cpu"));
		CHECK(prop_u32(path, "reg", n));
		n++;
	}
	CHECK(n == 4);
	return true;
}

static bool test_serial_and_exit(void)
{
	int len;

	CHECK(build(&std));
	CHECK(prop_str("/serial@3f8", "compatible", "ns16550a"));
	CHECK(prop_reg("/serial@3f8", SERIAL_PORT, SERIAL_PORT_COUNT));
	CHECK(fdt_getprop(blob, node("/serial@3f8"), "reg-io-space", &len) && len == 0);
	CHECK(prop_u32("/serial@3f8", "clock-frequency", 1843200));
	CHECK(prop_u32("/serial@3f8", "interrupts", IRQ_SERIAL));
	CHECK(prop_str("/exit@f4", "compatible", DT_COMPAT_EXIT));
	CHECK(prop_reg("/exit@f4", EXIT_PORT, 4));
	CHECK(fdt_getprop(blob, node("/exit@f4"), "reg-io-space", &len) && len == 0);
	CHECK(fdt_node_offset_by_compatible(blob, -1, DT_COMPAT_EXIT) == node("/exit@f4"));
	return true;
}

static bool test_reservemap(void)
{
	u64 addr, size;

	CHECK(build(&std));
	CHECK(fdt_num_mem_rsv(blob) == 1);
	CHECK(fdt_get_mem_rsv(blob, 0, &addr, &size) == 0);
	CHECK(addr == 0 && size == BOOT_RESERVED_END);
	return true;
}

static bool test_optional_properties(void)
{
	struct dt_params p = std;
	const fdt64_t *v;
	int len;

	p.tsc_khz = 0;
	p.cmdline = NULL;
	p.initrd_start = 0x4000000;
	p.initrd_end = 0x4123456;
	CHECK(build(&p));
	CHECK(!fdt_getprop(blob, node("/cpus"), "tsc-khz", &len));
	CHECK(prop_str("/chosen", "bootargs", ""));
	v = fdt_getprop(blob, node("/chosen"), "linux,initrd-start", &len);
	CHECK(v && len == 8 && fdt64_ld(v) == 0x4000000);
	v = fdt_getprop(blob, node("/chosen"), "linux,initrd-end", &len);
	CHECK(v && len == 8 && fdt64_ld(v) == 0x4123456);
	return true;
}

/* The initrd: 64-bit /chosen properties with its exact end, its whole pages reserved. */
static bool test_initrd(void)
{
	struct dt_params p = std;
	const fdt64_t *v;
	u64 addr, size;
	int len;

	p.initrd_start = (256ULL << 20) - 0x3000;
	p.initrd_end = p.initrd_start + 10000;
	CHECK(build(&p));
	v = fdt_getprop(blob, node("/chosen"), "linux,initrd-start", &len);
	CHECK(v && len == 8 && fdt64_ld(v) == p.initrd_start);
	v = fdt_getprop(blob, node("/chosen"), "linux,initrd-end", &len);
	CHECK(v && len == 8 && fdt64_ld(v) == p.initrd_start + 10000);
	CHECK(fdt_num_mem_rsv(blob) == 2);
	CHECK(fdt_get_mem_rsv(blob, 0, &addr, &size) == 0);
	CHECK(addr == 0 && size == BOOT_RESERVED_END);
	CHECK(fdt_get_mem_rsv(blob, 1, &addr, &size) == 0);
	CHECK(addr == p.initrd_start && size == 0x3000);
	/* An empty range is no initrd. */
	p.initrd_end = p.initrd_start;
	CHECK(build(&p));
	CHECK(!fdt_getprop(blob, node("/chosen"), "linux,initrd-start", &len));
	CHECK(fdt_num_mem_rsv(blob) == 1);
	return true;
}

/* The fault-trace region: a node the guest finds by compatible, and a reservation. */
static bool test_fault_trace(void)
{
	struct dt_params p = std;
	u64 addr, size;
	char path[40];

	CHECK(build(&p));
	CHECK(fdt_node_offset_by_compatible(blob, -1, DT_COMPAT_TRACE) == -FDT_ERR_NOTFOUND);
	p.trace_gpa = (256ULL << 20) - (1ULL << 20);
	p.trace_size = 1ULL << 20;
	p.initrd_start = p.trace_gpa - 0x2000;
	p.initrd_end = p.trace_gpa - 0x100;
	CHECK(build(&p));
	snprintf(path, sizeof(path), "/fault-trace@%llx", (unsigned long long)p.trace_gpa);
	CHECK(!strcmp(path, "/fault-trace@ff00000"));
	CHECK(fdt_node_offset_by_compatible(blob, -1, DT_COMPAT_TRACE) == node(path));
	CHECK(prop_str(path, "compatible", DT_COMPAT_TRACE));
	CHECK(prop_reg(path, p.trace_gpa, p.trace_size));
	/* Reserved in address order: low memory, the initrd's pages, the trace. */
	CHECK(fdt_num_mem_rsv(blob) == 3);
	CHECK(fdt_get_mem_rsv(blob, 1, &addr, &size) == 0);
	CHECK(addr == p.initrd_start && size == 0x2000);
	CHECK(fdt_get_mem_rsv(blob, 2, &addr, &size) == 0);
	CHECK(addr == p.trace_gpa && size == p.trace_size);
	return true;
}

/* virtio-mmio devices: Linux's binding (compatible, reg, interrupts) and their role. */
static bool test_virtio(void)
{
	struct dt_params p = std;
	int sub, n = 0;

	CHECK(build(&p));
	CHECK(fdt_node_offset_by_compatible(blob, -1, DT_COMPAT_VIRTIO_MMIO) == -FDT_ERR_NOTFOUND);
	p.nr_virtio = 2;
	p.virtio[0] = (struct dt_virtio){ VIRTIO_MMIO_BASE, IRQ_VIRTIO_BASE, "disk" };
	p.virtio[1] = (struct dt_virtio){ VIRTIO_MMIO_BASE + VIRTIO_MMIO_STRIDE,
					  IRQ_VIRTIO_BASE + 1, "swap" };
	CHECK(build(&p));
	CHECK(prop_str("/virtio_mmio@d0000000", "compatible", "virtio,mmio"));
	CHECK(prop_reg("/virtio_mmio@d0000000", VIRTIO_MMIO_BASE, 0x200));
	CHECK(prop_u32("/virtio_mmio@d0000000", "interrupts", 16));
	CHECK(prop_str("/virtio_mmio@d0000000", DT_PROP_VIRTIO_ROLE, "disk"));
	CHECK(prop_str("/virtio_mmio@d0001000", "compatible", "virtio,mmio"));
	CHECK(prop_reg("/virtio_mmio@d0001000", VIRTIO_MMIO_BASE + VIRTIO_MMIO_STRIDE, 0x200));
	CHECK(prop_u32("/virtio_mmio@d0001000", "interrupts", 17));
	CHECK(prop_str("/virtio_mmio@d0001000", DT_PROP_VIRTIO_ROLE, "swap"));
	for (sub = fdt_node_offset_by_compatible(blob, -1, DT_COMPAT_VIRTIO_MMIO); sub >= 0;
	     sub = fdt_node_offset_by_compatible(blob, sub, DT_COMPAT_VIRTIO_MMIO))
		n++;
	CHECK(n == 2);
	/* Swap alone keeps its slot; a device without a role has no role property. */
	p.nr_virtio = 1;
	p.virtio[0] = p.virtio[1];
	p.virtio[0].role = NULL;
	CHECK(build(&p));
	CHECK(node("/virtio_mmio@d0000000") < 0);
	CHECK(prop_u32("/virtio_mmio@d0001000", "interrupts", 17));
	CHECK(!fdt_getprop(blob, node("/virtio_mmio@d0001000"), DT_PROP_VIRTIO_ROLE, NULL));
	/* More devices than slots is a caller bug, refused. */
	p.nr_virtio = VIRTIO_MMIO_MAX_DEVS + 1;
	CHECK(dt_build(blob, sizeof(blob), &p, &e) == -EINVAL);
	return true;
}

static bool test_one_cpu_and_big_memory(void)
{
	struct dt_params p = std;
	int sub, n = 0;

	p.nr_cpus = 1;
	p.ram_size = RAM_MAX_SIZE;
	CHECK(build(&p));
	CHECK(prop_reg("/memory@0", 0, RAM_MAX_SIZE));
	fdt_for_each_subnode(sub, blob, node("/cpus"))
		n++;
	CHECK(n == 1);
	return true;
}

/* The largest machine the options allow still fits in BOOT_FDT_MAX. */
static bool test_largest_fits(void)
{
	static char cmdline[VMM_CMDLINE_MAX];
	struct dt_params p = std;
	unsigned int i;

	memset(cmdline, 'x', sizeof(cmdline) - 1);
	p.cmdline = cmdline;
	p.nr_cpus = VMM_MAX_CPUS;
	p.initrd_start = 0x10000000;
	p.initrd_end = 0x20000000;
	p.trace_gpa = 0x20000000;
	p.trace_size = 0x1000;
	p.nr_virtio = VIRTIO_MMIO_MAX_DEVS;
	for (i = 0; i < VIRTIO_MMIO_MAX_DEVS; i++)
		p.virtio[i] = (struct dt_virtio){ VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_STRIDE,
						  IRQ_VIRTIO_BASE + i, "disk" };
	CHECK(build(&p));
	CHECK(prop_u32("/cpus/cpu@63", "reg", 63));
	CHECK(prop_u32("/virtio_mmio@d0007000", "interrupts", IRQ_VIRTIO_BASE + 7));
	tap_diag("largest tree: %u of %u bytes", fdt_totalsize(blob), BOOT_FDT_MAX);
	return true;
}

static bool test_no_room(void)
{
	static char huge[BOOT_FDT_MAX];
	struct dt_params p = std;

	CHECK(dt_build(blob, 256, &std, &e) == -ENOSPC);
	CHECKF(strstr(e.msg, "larger than 256 bytes"), "%s", e.msg);
	memset(huge, 'x', sizeof(huge) - 1);
	p.cmdline = huge;
	CHECK(dt_build(blob, sizeof(blob), &p, &e) == -ENOSPC);
	return true;
}

int main(void)
{
	tap_plan(13);
	TAP_RUN(test_header_and_root);
	TAP_RUN(test_memory);
	TAP_RUN(test_chosen);
	TAP_RUN(test_cpus);
	TAP_RUN(test_serial_and_exit);
	TAP_RUN(test_reservemap);
	TAP_RUN(test_optional_properties);
	TAP_RUN(test_initrd);
	TAP_RUN(test_fault_trace);
	TAP_RUN(test_virtio);
	TAP_RUN(test_one_cpu_and_big_memory);
	TAP_RUN(test_largest_fits);
	TAP_RUN(test_no_room);
	return tap_finish();
}

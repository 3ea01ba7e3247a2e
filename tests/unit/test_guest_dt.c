// SPDX-License-Identifier: MIT
/*
 * Host tests of the guest's device tree parser (guest/kernel/dt.c, included here): trees
 * written with libfdt's sequential-write API as a VMM would, checked field by field, and
 * every malformed input refused with an error and a reason. One test parses the tree that
 * ./vmm itself builds (host/fdt.c), so the two sides cannot drift apart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>

#include "guest/kernel/dt.c"
#include "host/fdt.h"
#include "mm_test.h"

static char blob[BOOT_FDT_MAX];
static struct boot_info bi;
static const char *why;

/* ---- a small tree builder: each call is one step of fdt_create .. fdt_finish ---------- */

static bool fdt_ok = true;

#define T(call)						\
	do {						\
		if ((call) < 0)				\
			fdt_ok = false;			\
	} while (0)

/* Start a tree with @nrsv reserve-map entries from @rsv and a root of @ac/@sc cells. */
static void tree_begin(const struct mem_range *rsv, int nrsv, int ac, int sc)
{
	int i;

	fdt_ok = true;
	T(fdt_create(blob, sizeof(blob)));
	for (i = 0; i < nrsv; i++)
		T(fdt_add_reservemap_entry(blob, rsv[i].base, rsv[i].size));
	T(fdt_finish_reservemap(blob));
	T(fdt_begin_node(blob, ""));
	T(fdt_property_string(blob, "compatible", DT_COMPAT_MACHINE));
	if (ac)
		T(fdt_property_u32(blob, "#address-cells", ac));
	if (sc)
		T(fdt_property_u32(blob, "#size-cells", sc));
}

/* A reg property of @n (base, size) pairs in @ac/@sc cells. */
static void prop_reg(const struct mem_range *r, int n, int ac, int sc)
{
	fdt32_t cells[4 * (BOOT_MAX_MEM_RANGES + 1)];
	int i, k = 0;

	for (i = 0; i < n; i++) {
		if (ac == 2)
			cells[k++] = cpu_to_fdt32(r[i].base >> 32);
		cells[k++] = cpu_to_fdt32(r[i].base);
		if (sc == 2)
			cells[k++] = cpu_to_fdt32(r[i].size >> 32);
		if (sc >= 1)
			cells[k++] = cpu_to_fdt32(r[i].size);
	}
	T(fdt_property(blob, "reg", cells, k * sizeof(fdt32_t)));
}

static void memory_node(const char *name, const struct mem_range *r, int n, int ac, int sc)
{
	T(fdt_begin_node(blob, name));
	T(fdt_property_string(blob, "device_type", "memory"));
	prop_reg(r, n, ac, sc);
	T(fdt_end_node(blob));
}

static void chosen_node(const char *bootargs)
{
	T(fdt_begin_node(blob, "chosen"));
	T(fdt_property_string(blob, "bootargs", bootargs));
	T(fdt_end_node(blob));
}

/* /cpus with @n cpu nodes; tsc-khz on /cpus if @tsc_on_cpus, else on cpu@0 (0: none). */
static void cpus_node(int n, u32 tsc_khz, bool tsc_on_cpus)
{
	char name[16];
	int i;

	T(fdt_begin_node(blob, "cpus"));
	T(fdt_property_u32(blob, "#address-cells", 1));
	T(fdt_property_u32(blob, "#size-cells", 0));
	if (tsc_khz && tsc_on_cpus)
		T(fdt_property_u32(blob, "tsc-khz", tsc_khz));
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "cpu@%d", i);
		T(fdt_begin_node(blob, name));
		T(fdt_property_string(blob, "device_type", "cpu"));
		T(fdt_property_u32(blob, "reg", i));
		if (tsc_khz && !tsc_on_cpus && i == 0)
			T(fdt_property_u32(blob, "tsc-khz", tsc_khz));
		T(fdt_end_node(blob));
	}
	T(fdt_end_node(blob));
}

static void io_device(const char *name, const char *compat, u64 port, u64 count)
{
	struct mem_range r = { port, count };

	T(fdt_begin_node(blob, name));
	T(fdt_property_string(blob, "compatible", compat));
	prop_reg(&r, 1, 2, 2);
	T(fdt_end_node(blob));
}

static bool tree_end(void)
{
	T(fdt_end_node(blob));
	T(fdt_finish(blob));
	return fdt_ok;
}

/* The usual machine with one memory node holding @mem; the tree is ready to parse. */
static bool standard_tree(const struct mem_range *mem, int n)
{
	static const struct mem_range rsv = { 0, 0x100000 };

	tree_begin(&rsv, 1, 2, 2);
	memory_node("memory@0", mem, n, 2, 2);
	chosen_node("console=ttyS0 selftest");
	cpus_node(1, 0, true);
	return tree_end();
}

static int parse(void)
{
	why = NULL;
	return dt_parse(blob, sizeof(blob), &bi, &why);
}

/* Parsing fails with @err and says why. */
static bool refused(int err)
{
	int ret = parse();

	if (ret != err || !why) {
		tap_diag("dt_parse returned %d (want %d), why: %s", ret, err, why ? why : "(none)");
		return false;
	}
	tap_diag("refused as expected: %s", why);
	return true;
}

/* ---- the tests -------------------------------------------------------------------------- */

static bool test_full_tree(void)
{
	static const struct mem_range rsv[] = { { 0, 0x100000 }, { 0xff00000, 0x100000 } };
	static const struct mem_range high[] = { { 0x40000000, 0x10000000 },
						 { 0x20000000, 0x8000000 } };
	static const struct mem_range low = { 0, 0x10000000 };

	tree_begin(rsv, 2, 2, 2);
	memory_node("memory@40000000", high, 2, 2, 2);	/* two ranges, out of order */
	memory_node("memory@0", &low, 1, 2, 2);
	chosen_node("console=ttyS0 exit=7 init=/bin/sh");
	cpus_node(3, 2500000, true);
	io_device("serial@3f8", "ns16550a", 0x3f8, 8);
	io_device("exit@f4", DT_COMPAT_EXIT, 0xf4, 4);
	CHECK(tree_end());
	CHECK(parse() == 0);

	CHECK(bi.nr_mem == 3);
	CHECK(bi.mem[0].base == 0 && bi.mem[0].size == 0x10000000);
	CHECK(bi.mem[1].base == 0x20000000 && bi.mem[1].size == 0x8000000);
	CHECK(bi.mem[2].base == 0x40000000 && bi.mem[2].size == 0x10000000);
	CHECK(boot_ram_size(&bi) == 0x28000000);
	CHECK(bi.nr_reserved == 2);
	CHECK(bi.reserved[0].base == 0 && bi.reserved[0].size == 0x100000);
	CHECK(bi.reserved[1].base == 0xff00000 && bi.reserved[1].size == 0x100000);
	CHECK(!strcmp(bi.cmdline, "console=ttyS0 exit=7 init=/bin/sh"));
	CHECK(bi.nr_cpus == 3);
	CHECK(bi.tsc_khz == 2500000);
	CHECK(bi.serial_port == 0x3f8);
	CHECK(bi.exit_port == 0xf4);
	CHECK(bi.fdt_size == fdt_totalsize(blob));
	return true;
}

/* What ./vmm boot writes is what the guest reads. */
static bool test_vmm_tree(void)
{
	const struct dt_params p = {
		.ram_size = 64ULL << 20,
		.cmdline = "console=ttyS0 selftest",
		.nr_cpus = 2,
		.tsc_khz = 1999999,
	};
	struct errbuf e;

	CHECK(dt_build(blob, sizeof(blob), &p, &e) == 0);
	CHECK(parse() == 0);
	CHECK(bi.nr_mem == 1 && bi.mem[0].base == 0 && bi.mem[0].size == 64ULL << 20);
	CHECK(bi.nr_reserved == 1 && bi.reserved[0].base == 0);
	CHECK(bi.reserved[0].size == BOOT_RESERVED_END);
	CHECK(!strcmp(bi.cmdline, p.cmdline));
	CHECK(bi.nr_cpus == 2 && bi.tsc_khz == 1999999);
	CHECK(bi.serial_port == SERIAL_PORT && bi.exit_port == EXIT_PORT);
	return true;
}

/* One-cell roots, no /chosen, tsc-khz only on cpu@0, no devices. */
static bool test_minimal_tree(void)
{
	static const struct mem_range mem = { 0x100000, 0x1000000 };

	tree_begin(NULL, 0, 1, 1);
	memory_node("memory@100000", &mem, 1, 1, 1);
	cpus_node(1, 1000000, false);
	CHECK(tree_end());
	CHECK(parse() == 0);
	CHECK(bi.nr_mem == 1 && bi.mem[0].base == 0x100000 && bi.mem[0].size == 0x1000000);
	CHECK(bi.nr_reserved == 0);
	CHECK(bi.cmdline[0] == '\0');
	CHECK(bi.nr_cpus == 1 && bi.tsc_khz == 1000000);
	CHECK(bi.serial_port == 0 && bi.exit_port == 0);
	return true;
}

/* Ranges are trimmed inward to whole pages; one smaller than a page disappears. */
static bool test_unaligned_memory(void)
{
	static const struct mem_range mem[] = { { 0x1800, 0x10000 }, { 0x100000, 0xfff } };

	CHECK(standard_tree(mem, 2));
	CHECK(parse() == 0);
	CHECK(bi.nr_mem == 1);
	CHECK(bi.mem[0].base == 0x2000 && bi.mem[0].size == 0xf000);
	return true;
}

static bool test_missing_memory(void)
{
	tree_begin(NULL, 0, 2, 2);
	chosen_node("x");
	cpus_node(1, 0, true);
	CHECK(tree_end());
	return refused(-ENOENT);
}

static bool test_bad_blob(void)
{
	memset(blob, 0xa5, sizeof(blob));
	CHECK(refused(-EINVAL));
	/* A good tree with its magic broken. */
	CHECK(standard_tree(&(struct mem_range){ 0, 1 << 24 }, 1));
	blob[0] ^= 0xff;
	return refused(-EINVAL);
}

static bool test_truncated_blob(void)
{
	CHECK(standard_tree(&(struct mem_range){ 0, 1 << 24 }, 1));
	why = NULL;
	CHECK(dt_parse(blob, fdt_totalsize(blob) - 1, &bi, &why) == -EINVAL && why);
	CHECK(dt_parse(blob, 8, &bi, &why) == -EINVAL);
	/* A structure block that ends early: fdt_check_full() catches it. */
	CHECK(standard_tree(&(struct mem_range){ 0, 1 << 24 }, 1));
	memset(blob + fdt_off_dt_struct(blob) + 8, 0xff, 16);
	return refused(-EINVAL);
}

static bool test_overlapping_memory(void)
{
	static const struct mem_range mem[] = { { 0, 0x200000 }, { 0x100000, 0x200000 } };

	CHECK(standard_tree(mem, 2));
	return refused(-EINVAL);
}

static bool test_wrapping_ranges(void)
{
	static const struct mem_range mem = { 0xfffffffffffff000ULL, 0x2000 };
	static const struct mem_range rsv = { 0xfffffffffffff000ULL, 0x2000 };
	static const struct mem_range ok = { 0, 1 << 24 };

	CHECK(standard_tree(&mem, 1));
	CHECK(refused(-EINVAL));
	tree_begin(&rsv, 1, 2, 2);
	memory_node("memory@0", &ok, 1, 2, 2);
	cpus_node(1, 0, true);
	CHECK(tree_end());
	return refused(-EINVAL);
}

static bool test_bad_reg(void)
{
	static const struct mem_range mem = { 0, 1 << 24 };
	fdt32_t odd[3] = { 0, 0, cpu_to_fdt32(1) };

	/* reg of three cells with 2 + 2 cells per entry */
	tree_begin(NULL, 0, 2, 2);
	T(fdt_begin_node(blob, "memory@0"));
	T(fdt_property_string(blob, "device_type", "memory"));
	T(fdt_property(blob, "reg", odd, sizeof(odd)));
	T(fdt_end_node(blob));
	cpus_node(1, 0, true);
	CHECK(tree_end());
	CHECK(refused(-EINVAL));
	/* a memory node without reg */
	tree_begin(NULL, 0, 2, 2);
	T(fdt_begin_node(blob, "memory@0"));
	T(fdt_property_string(blob, "device_type", "memory"));
	T(fdt_end_node(blob));
	cpus_node(1, 0, true);
	CHECK(tree_end());
	CHECK(refused(-EINVAL));
	/* three address cells */
	tree_begin(NULL, 0, 3, 2);
	memory_node("memory@0", &mem, 1, 2, 2);
	cpus_node(1, 0, true);
	CHECK(tree_end());
	return refused(-EINVAL);
}

static bool test_too_many_ranges(void)
{
	struct mem_range mem[BOOT_MAX_MEM_RANGES + 1];
	int i;

	for (i = 0; i < BOOT_MAX_MEM_RANGES + 1; i++) {
		mem[i].base = (u64)i << 24;
		mem[i].size = 1 << 20;
	}
	CHECK(standard_tree(mem, BOOT_MAX_MEM_RANGES));
	CHECK(parse() == 0 && bi.nr_mem == BOOT_MAX_MEM_RANGES);
	CHECK(standard_tree(mem, BOOT_MAX_MEM_RANGES + 1));
	return refused(-E2BIG);
}

static bool test_bad_bootargs(void)
{
	static const struct mem_range mem = { 0, 1 << 24 };
	static char longargs[BOOT_CMDLINE_MAX + 1];

	/* not NUL-terminated */
	tree_begin(NULL, 0, 2, 2);
	memory_node("memory@0", &mem, 1, 2, 2);
	T(fdt_begin_node(blob, "chosen"));
	T(fdt_property(blob, "bootargs", "abc", 3));
	T(fdt_end_node(blob));
	cpus_node(1, 0, true);
	CHECK(tree_end());
	CHECK(refused(-EINVAL));

	/* the longest that fits, then one byte more */
	memset(longargs, 'a', BOOT_CMDLINE_MAX - 1);
	tree_begin(NULL, 0, 2, 2);
	memory_node("memory@0", &mem, 1, 2, 2);
	chosen_node(longargs);
	cpus_node(1, 0, true);
	CHECK(tree_end());
	CHECK(parse() == 0 && strlen(bi.cmdline) == BOOT_CMDLINE_MAX - 1);
	longargs[BOOT_CMDLINE_MAX - 1] = 'a';
	tree_begin(NULL, 0, 2, 2);
	memory_node("memory@0", &mem, 1, 2, 2);
	chosen_node(longargs);
	cpus_node(1, 0, true);
	CHECK(tree_end());
	return refused(-E2BIG);
}

static bool test_missing_cpus(void)
{
	static const struct mem_range mem = { 0, 1 << 24 };

	tree_begin(NULL, 0, 2, 2);
	memory_node("memory@0", &mem, 1, 2, 2);
	CHECK(tree_end());
	CHECK(refused(-ENOENT));
	tree_begin(NULL, 0, 2, 2);
	memory_node("memory@0", &mem, 1, 2, 2);
	cpus_node(0, 0, true);
	CHECK(tree_end());
	return refused(-ENOENT);
}

/* /chosen with an initrd given in @bytes-sized (4 or 8) cells; @end_too: -end as well. */
static void initrd_chosen(u64 start, u64 end, int bytes, bool end_too)
{
	T(fdt_begin_node(blob, "chosen"));
	if (bytes == 8) {
		T(fdt_property_u64(blob, "linux,initrd-start", start));
		if (end_too)
			T(fdt_property_u64(blob, "linux,initrd-end", end));
	} else if (bytes == 4) {
		T(fdt_property_u32(blob, "linux,initrd-start", start));
		if (end_too)
			T(fdt_property_u32(blob, "linux,initrd-end", end));
	} else {
		T(fdt_property(blob, "linux,initrd-start", "abc", 3));
		T(fdt_property(blob, "linux,initrd-end", "abc", 3));
	}
	T(fdt_end_node(blob));
}

static bool initrd_tree(u64 start, u64 end, int bytes, bool end_too)
{
	static const struct mem_range mem = { 0, 1 << 28 };

	tree_begin(NULL, 0, 2, 2);
	memory_node("memory@0", &mem, 1, 2, 2);
	initrd_chosen(start, end, bytes, end_too);
	cpus_node(1, 0, true);
	return tree_end();
}

/* The initrd in 8- and 4-byte cells, and the fault-trace region, as ./vmm writes them. */
static bool test_initrd_and_trace(void)
{
	static const struct mem_range mem = { 0, 1 << 28 };
	const struct dt_params p = {
		.ram_size = 256ULL << 20,
		.cmdline = "",
		.nr_cpus = 1,
		.initrd_start = 0xfe00000,
		.initrd_end = 0xfe12345,
		.trace_gpa = 0xff00000,
		.trace_size = 0x100000,
	};
	struct errbuf e;

	CHECK(initrd_tree(0x1000000, 0x1234567, 8, true));
	CHECK(parse() == 0 && bi.initrd_start == 0x1000000 && bi.initrd_end == 0x1234567);
	CHECK(initrd_tree(0x2000000, 0x2000100, 4, true));
	CHECK(parse() == 0 && bi.initrd_start == 0x2000000 && bi.initrd_end == 0x2000100);
	CHECK(standard_tree(&mem, 1));
	CHECK(parse() == 0 && !bi.initrd_start && !bi.initrd_end && !bi.trace_size);

	tree_begin(NULL, 0, 2, 2);
	memory_node("memory@0", &mem, 1, 2, 2);
	cpus_node(1, 0, true);
	io_device("fault-trace@ff00000", DT_COMPAT_TRACE, 0xff00000, 0x100000);
	CHECK(tree_end());
	CHECK(parse() == 0 && bi.trace_base == 0xff00000 && bi.trace_size == 0x100000);

	CHECK(dt_build(blob, sizeof(blob), &p, &e) == 0);
	CHECK(parse() == 0);
	CHECK(bi.initrd_start == p.initrd_start && bi.initrd_end == p.initrd_end);
	CHECK(bi.trace_base == p.trace_gpa && bi.trace_size == p.trace_size);
	return true;
}

static bool test_bad_initrd_and_trace(void)
{
	static const struct mem_range mem = { 0, 1 << 28 };

	CHECK(initrd_tree(0x1000000, 0, 8, false));		/* start without end */
	CHECK(refused(-EINVAL));
	CHECK(initrd_tree(0x2000000, 0x1000000, 8, true));	/* end below start */
	CHECK(refused(-EINVAL));
	CHECK(initrd_tree(0, 0, 3, true));			/* 3-byte values */
	CHECK(refused(-EINVAL));
	/* a fault-trace node without reg */
	tree_begin(NULL, 0, 2, 2);
	memory_node("memory@0", &mem, 1, 2, 2);
	cpus_node(1, 0, true);
	T(fdt_begin_node(blob, "fault-trace@0"));
	T(fdt_property_string(blob, "compatible", DT_COMPAT_TRACE));
	T(fdt_end_node(blob));
	CHECK(tree_end());
	return refused(-EINVAL);
}

int main(void)
{
	tap_plan(15);
	TAP_RUN(test_full_tree);
	TAP_RUN(test_vmm_tree);
	TAP_RUN(test_minimal_tree);
	TAP_RUN(test_unaligned_memory);
	TAP_RUN(test_missing_memory);
	TAP_RUN(test_bad_blob);
	TAP_RUN(test_truncated_blob);
	TAP_RUN(test_overlapping_memory);
	TAP_RUN(test_wrapping_ranges);
	TAP_RUN(test_bad_reg);
	TAP_RUN(test_too_many_ranges);
	TAP_RUN(test_bad_bootargs);
	TAP_RUN(test_missing_cpus);
	TAP_RUN(test_initrd_and_trace);
	TAP_RUN(test_bad_initrd_and_trace);
	return tap_finish();
}

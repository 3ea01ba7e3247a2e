// SPDX-License-Identifier: MIT
/*
 * Device tree parsing at boot: turn the VMM's flattened device tree into struct boot_info
 * (guest/include/guest/bootinfo.h) with libfdt. Pure code with no console or hardware, so
 * the host unit test tests/unit/test_guest_dt.c includes this file and checks it.
 */
#include <libfdt.h>
#include <kern/compiler.h>
#include <kern/errno.h>
#include <kern/string.h>
#include <abi/layout.h>
/* By path, so that the host test build (which does not search guest/include) finds it. */
#include "../include/guest/bootinfo.h"

#define DT_PAGE_SIZE	4096ULL

/* Record @reason for the caller and return @err. */
static int fail(const char **why, int err, const char *reason)
{
	*why = reason;
	return err;
}

/* Read a 1- or 2-cell big-endian number at @p. */
static u64 dt_read_cells(const fdt32_t *p, int cells)
{
	u64 v = 0;

	while (cells--)
		v = (v << 32) | fdt32_to_cpu(*p++);
	return v;
}

/*
 * Entry @index of node @node's reg property, sized by its parent's #address-cells and
 * #size-cells. Returns 0, -ENOENT past the last entry or when there is no reg, -EINVAL for
 * cell counts other than 1 or 2 (and 0 size cells) or a reg that is not whole entries.
 */
static int dt_reg(const void *fdt, int node, int index, u64 *base, u64 *size)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac, sc, len;
	const fdt32_t *reg;

	if (parent < 0)
		return -EINVAL;
	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	if (ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return -EINVAL;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return -ENOENT;
	if (len <= 0 || len % ((ac + sc) * 4))
		return -EINVAL;
	if (index >= len / ((ac + sc) * 4))
		return -ENOENT;
	reg += index * (ac + sc);
	*base = dt_read_cells(reg, ac);
	*size = sc ? dt_read_cells(reg + ac, sc) : 0;
	return 0;
}

/* Insert [base, base + size) into the sorted table @r of @n entries (room checked). */
static void insert_sorted(struct mem_range *r, unsigned int n, u64 base, u64 size)
{
	unsigned int i = n;

	while (i > 0 && r[i - 1].base > base) {
		r[i] = r[i - 1];
		i--;
	}
	r[i].base = base;
	r[i].size = size;
}

static int dt_parse_memory(const void *fdt, struct boot_info *bi, const char **why)
{
	int node, i, err;
	unsigned int k;
	u64 base, size, start, end;

	if (fdt_address_cells(fdt, 0) != 2 && fdt_address_cells(fdt, 0) != 1)
		return fail(why, -EINVAL, "root #address-cells is not 1 or 2");
	if (fdt_size_cells(fdt, 0) != 2 && fdt_size_cells(fdt, 0) != 1)
		return fail(why, -EINVAL, "root #size-cells is not 1 or 2");

	for (node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory",
						     sizeof("memory"));
	     node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory",
						     sizeof("memory"))) {
		for (i = 0; (err = dt_reg(fdt, node, i, &base, &size)) == 0; i++) {
			if (base + size < base)
				return fail(why, -EINVAL, "memory range wraps around");
			start = ALIGN_UP(base, DT_PAGE_SIZE);
			end = ALIGN_DOWN(base + size, DT_PAGE_SIZE);
			if (start >= end)
				continue;	/* less than a page */
			if (bi->nr_mem == BOOT_MAX_MEM_RANGES)
				return fail(why, -E2BIG, "too many memory ranges");
			insert_sorted(bi->mem, bi->nr_mem++, start, end - start);
		}
		if (err != -ENOENT || i == 0)
			return fail(why, -EINVAL, "memory node without a valid reg property");
	}
	if (node != -FDT_ERR_NOTFOUND)
		return fail(why, -EINVAL, "malformed structure block");
	if (!bi->nr_mem)
		return fail(why, -ENOENT, "no memory node (device_type = \"memory\")");
	for (k = 1; k < bi->nr_mem; k++)
		if (bi->mem[k].base < bi->mem[k - 1].base + bi->mem[k - 1].size)
			return fail(why, -EINVAL, "overlapping memory ranges");
	return 0;
}

static int dt_parse_reservemap(const void *fdt, struct boot_info *bi, const char **why)
{
	int i, n = fdt_num_mem_rsv(fdt);
	u64 base, size;

	if (n < 0)
		return fail(why, -EINVAL, "malformed memory reserve map");
	for (i = 0; i < n; i++) {
		if (fdt_get_mem_rsv(fdt, i, &base, &size) < 0)
			return fail(why, -EINVAL, "malformed memory reserve map");
		if (base + size < base)
			return fail(why, -EINVAL, "reserved range wraps around");
		if (!size)
			continue;
		if (bi->nr_reserved == BOOT_MAX_RESERVED)
			return fail(why, -E2BIG, "too many reserved ranges");
		bi->reserved[bi->nr_reserved].base = base;
		bi->reserved[bi->nr_reserved].size = size;
		bi->nr_reserved++;
	}
	return 0;
}

/* A 4- or 8-byte number property: 1 if present, 0 if absent, -EINVAL for another size. */
static int dt_u32_or_u64(const void *fdt, int node, const char *name, u64 *v)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, node, name, &len);
	if (!p)
		return 0;
	if (len != 4 && len != 8)
		return -EINVAL;
	*v = dt_read_cells(p, len / 4);
	return 1;
}

static int dt_parse_initrd(const void *fdt, int node, struct boot_info *bi, const char **why)
{
	u64 start = 0, end = 0;
	int s = dt_u32_or_u64(fdt, node, "linux,initrd-start", &start);
	int e = dt_u32_or_u64(fdt, node, "linux,initrd-end", &end);

	if (s < 0 || e < 0)
		return fail(why, -EINVAL, "/chosen/linux,initrd-start or -end is not 4 or 8 bytes");
	if (s != e)
		return fail(why, -EINVAL, "/chosen has only one of linux,initrd-start and -end");
	if (end < start)
		return fail(why, -EINVAL, "/chosen/linux,initrd-end is below linux,initrd-start");
	bi->initrd_start = start;
	bi->initrd_end = end;
	return 0;
}

static int dt_parse_chosen(const void *fdt, struct boot_info *bi, const char **why)
{
	int node = fdt_path_offset(fdt, "/chosen");
	const char *args;
	int len;

	if (node < 0)
		return 0;
	args = fdt_getprop(fdt, node, "bootargs", &len);
	if (args) {
		if (len < 1 || strnlen(args, len) != (size_t)len - 1)
			return fail(why, -EINVAL,
				    "/chosen/bootargs is not one NUL-terminated string");
		if ((size_t)len > sizeof(bi->cmdline))
			return fail(why, -E2BIG, "/chosen/bootargs is too long");
		memcpy(bi->cmdline, args, len);
	}
	return dt_parse_initrd(fdt, node, bi, why);
}

/* The fault-trace region: the first reg of the DT_COMPAT_TRACE node, if there is one. */
static int dt_parse_trace(const void *fdt, struct boot_info *bi, const char **why)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, DT_COMPAT_TRACE);

	if (node < 0)
		return 0;
	if (dt_reg(fdt, node, 0, &bi->trace_base, &bi->trace_size) ||
	    bi->trace_base + bi->trace_size < bi->trace_base)
		return fail(why, -EINVAL, "fault-trace node without a valid reg property");
	return 0;
}

/* A u32 property, or false when absent or of another size. */
static bool dt_u32(const void *fdt, int node, const char *name, u32 *v)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, node, name, &len);
	if (!p || len != 4)
		return false;
	*v = fdt32_to_cpu(*p);
	return true;
}

static int dt_parse_cpus(const void *fdt, struct boot_info *bi, const char **why)
{
	int cpus = fdt_path_offset(fdt, "/cpus");
	int node, first = -1;
	const char *type;

	if (cpus < 0)
		return fail(why, -ENOENT, "no /cpus node");
	fdt_for_each_subnode(node, fdt, cpus) {
		type = fdt_getprop(fdt, node, "device_type", NULL);
		if (!type || strcmp(type, "cpu"))
			continue;
		if (first < 0)
			first = node;
		bi->nr_cpus++;
	}
	if (!bi->nr_cpus)
		return fail(why, -ENOENT, "no cpu node under /cpus");
	if (!dt_u32(fdt, cpus, "tsc-khz", &bi->tsc_khz))
		dt_u32(fdt, first, "tsc-khz", &bi->tsc_khz);
	return 0;
}

/* The first reg address of the first node compatible with @compat, or 0. */
static u64 dt_device_base(const void *fdt, const char *compat)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, compat);
	u64 base, size;

	if (node < 0 || dt_reg(fdt, node, 0, &base, &size))
		return 0;
	return base;
}

int dt_parse(const void *fdt, size_t bufsize, struct boot_info *bi, const char **why)
{
	int err;

	memset(bi, 0, sizeof(*bi));
	if (bufsize < sizeof(struct fdt_header))
		return fail(why, -EINVAL, "buffer smaller than a device tree header");
	err = fdt_check_header(fdt);
	if (err)
		return fail(why, -EINVAL, fdt_strerror(err));
	if (fdt_totalsize(fdt) > bufsize)
		return fail(why, -EINVAL, "device tree larger than its buffer");
	/* The whole structure block, so that the walks below meet only well-formed nodes. */
	err = fdt_check_full(fdt, fdt_totalsize(fdt));
	if (err)
		return fail(why, -EINVAL, fdt_strerror(err));
	bi->fdt_size = fdt_totalsize(fdt);

	err = dt_parse_memory(fdt, bi, why);
	if (err)
		return err;
	err = dt_parse_reservemap(fdt, bi, why);
	if (err)
		return err;
	err = dt_parse_chosen(fdt, bi, why);
	if (err)
		return err;
	err = dt_parse_cpus(fdt, bi, why);
	if (err)
		return err;
	err = dt_parse_trace(fdt, bi, why);
	if (err)
		return err;
	bi->serial_port = dt_device_base(fdt, "ns16550a");
	bi->exit_port = dt_device_base(fdt, DT_COMPAT_EXIT);
	return 0;
}

u64 boot_ram_size(const struct boot_info *bi)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < bi->nr_mem; i++)
		sum += bi->mem[i].size;
	return sum;
}

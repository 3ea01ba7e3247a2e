/* SPDX-License-Identifier: MIT */
/*
 * What the guest kernel learns from the device tree at boot (guest/kernel/dt.c), copied
 * out of the blob so that nothing needs the blob afterwards.
 */
#ifndef GUEST_BOOTINFO_H
#define GUEST_BOOTINFO_H

#include <kern/types.h>

#define BOOT_MAX_MEM_RANGES	16
#define BOOT_MAX_RESERVED	16
#define BOOT_CMDLINE_MAX	1024	/* including the NUL */

struct mem_range {
	u64 base;
	u64 size;
};

struct boot_info {
	struct mem_range mem[BOOT_MAX_MEM_RANGES];	/* sorted, disjoint, page-aligned */
	unsigned int nr_mem;
	struct mem_range reserved[BOOT_MAX_RESERVED];	/* the reserve map, as given */
	unsigned int nr_reserved;
	char cmdline[BOOT_CMDLINE_MAX];			/* /chosen/bootargs, or "" */
	unsigned int nr_cpus;				/* /cpus/cpu@N nodes */
	u32 tsc_khz;					/* tsc-khz, 0 when absent */
	u64 serial_port;				/* "ns16550a" node's reg, 0: none */
	u64 exit_port;					/* DT_COMPAT_EXIT node's reg, 0: none */
	u64 initrd_start, initrd_end;			/* linux,initrd-*, 0: none */
	u64 trace_base, trace_size;			/* DT_COMPAT_TRACE reg, 0: none */
	u64 fdt_pa;					/* where the blob is (set by the caller) */
	u32 fdt_size;					/* its totalsize */
};

extern struct boot_info boot_info;

/*
 * Parse the flattened device tree @fdt, of which @bufsize bytes are readable, into @bi
 * (zeroed first; the caller sets fdt_pa):
 *  - every node with device_type = "memory": its reg (address and size cells from the
 *    root, 1 or 2 each) as RAM ranges, trimmed inward to page boundaries, sorted;
 *  - the memory reserve map; /chosen/bootargs and linux,initrd-start/-end (both or
 *    neither, 4 or 8 bytes each, end >= start); the cpu nodes under /cpus and tsc-khz
 *    (on /cpus, else on the first cpu); the serial ("ns16550a"), exit device and
 *    fault-trace (DT_COMPAT_TRACE, its reg) nodes.
 * Returns 0, or -EINVAL (bad blob, malformed property, overlapping or wrapping ranges),
 * -ENOENT (no memory or no cpu), -E2BIG (a table or the bootargs too long), and then sets
 * *why to a one-line reason.
 */
int dt_parse(const void *fdt, size_t bufsize, struct boot_info *bi, const char **why);

/* Sum of the RAM ranges' sizes. */
u64 boot_ram_size(const struct boot_info *bi);

#endif

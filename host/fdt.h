/* SPDX-License-Identifier: MIT */
/*
 * The flattened device tree that describes the machine to the guest (at BOOT_FDT_GPA):
 * memory, command line, initrd, CPUs, the console, the exit device, the fault-trace region
 * and the virtio-mmio devices. Built by a pure function into any buffer, so a host test can
 * parse it back with libfdt.
 */
#ifndef HOST_FDT_H
#define HOST_FDT_H

#include <abi/layout.h>
#include "host/util.h"

/* One virtio-mmio device: /virtio_mmio@BASE. */
struct dt_virtio {
	u64 base;		/* reg = <base VIRTIO_MMIO_REGION_SIZE> */
	u32 gsi;		/* interrupts = <gsi> (an IOAPIC input) */
	const char *role;	/* DT_PROP_VIRTIO_ROLE: "disk", "swap" */
};

/* What the tree says; each later device or boot feature adds its fields here. */
struct dt_params {
	u64 ram_size;		/* /memory@0: [0, ram_size) */
	const char *cmdline;	/* /chosen/bootargs */
	unsigned int nr_cpus;	/* /cpus/cpu@0 .. cpu@N-1 */
	u32 tsc_khz;		/* /cpus/tsc-khz; 0: left out (KVM did not say) */
	u64 initrd_start;	/* /chosen/linux,initrd-start, -end; both 0: no initrd */
	u64 initrd_end;
	u64 trace_gpa;		/* /fault-trace@ADDR, reserved; trace_size 0: none */
	u64 trace_size;
	unsigned int nr_virtio;	/* at most VIRTIO_MMIO_MAX_DEVS */
	struct dt_virtio virtio[VIRTIO_MMIO_MAX_DEVS];
};

/*
 * dt_build - write the device tree for @p into @buf (@size bytes, e.g. BOOT_FDT_MAX).
 * The memory reservation map covers [0, BOOT_RESERVED_END) and, when present, the initrd
 * (rounded up to whole pages) and the fault-trace region. Returns 0 with a packed blob
 * (fdt_totalsize() bytes) in @buf, or -ENOSPC / -EINVAL (e.g. too many virtio devices) with
 * @e saying why.
 */
int dt_build(void *buf, size_t size, const struct dt_params *p, struct errbuf *e);

#endif

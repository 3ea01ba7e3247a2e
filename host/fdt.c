/* SPDX-License-Identifier: MIT */
/* The device tree builder (libfdt sequential-write API): one function per node. */
#include <errno.h>
#include <stdio.h>
#include <libfdt.h>

#include <abi/layout.h>
#include <virtio/mmio.h>
#include "host/fdt.h"
#include "host/layout.h"

#define SERIAL_CLOCK_HZ	1843200

/* Every fdt_* call below returns 0 or a negative FDT_ERR_*; stop at the first. */
#define TRY(x)						\
	do {						\
		int __r = (x);				\
		if (__r < 0)				\
			return __r;			\
	} while (0)

/* A "reg" with #address-cells = #size-cells = 2. */
static int prop_reg64(void *fdt, u64 addr, u64 size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(addr), cpu_to_fdt64(size) };

	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

static int dt_memory(void *fdt, const struct dt_params *p)
{
	TRY(fdt_begin_node(fdt, "memory@0"));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	TRY(prop_reg64(fdt, 0, p->ram_size));
	return fdt_end_node(fdt);
}

static int dt_chosen(void *fdt, const struct dt_params *p)
{
	char path[32];

	snprintf(path, sizeof(path), "/serial@%x", SERIAL_PORT);
	TRY(fdt_begin_node(fdt, "chosen"));
	TRY(fdt_property_string(fdt, "bootargs", p->cmdline ? p->cmdline : ""));
	TRY(fdt_property_string(fdt, "stdout-path", path));
	if (p->initrd_end > p->initrd_start) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start", p->initrd_start));
		TRY(fdt_property_u64(fdt, "linux,initrd-end", p->initrd_end));
	}
	return fdt_end_node(fdt);
}

static int dt_cpus(void *fdt, const struct dt_params *p)
{
	unsigned int i;

	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	if (p->tsc_khz)
		TRY(fdt_property_u32(fdt, "tsc-khz", p->tsc_khz));
	for (i = 0; i < p->nr_cpus; i++) {
		char name[16];

		snprintf(name, sizeof(name), "cpu@%u", i);
		TRY(fdt_begin_node(fdt, name));
		TRY(fdt_property_string(fdt, "device_type", "cpu"));
		TRY(fdt_property_u32(fdt, "reg", i));	/* = APIC ID */
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

/* I/O-port devices: reg is <0 port 0 count>, flagged by an empty "reg-io-space". */
static int dt_serial(void *fdt)
{
	char name[32];

	snprintf(name, sizeof(name), "serial@%x", SERIAL_PORT);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "compatible", "ns16550a"));
	TRY(prop_reg64(fdt, SERIAL_PORT, SERIAL_PORT_COUNT));
	TRY(fdt_property(fdt, "reg-io-space", NULL, 0));
	TRY(fdt_property_u32(fdt, "clock-frequency", SERIAL_CLOCK_HZ));
	TRY(fdt_property_u32(fdt, "interrupts", IRQ_SERIAL));
	return fdt_end_node(fdt);
}

static int dt_exit(void *fdt)
{
	char name[32];

	snprintf(name, sizeof(name), "exit@%x", EXIT_PORT);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "compatible", DT_COMPAT_EXIT));
	TRY(prop_reg64(fdt, EXIT_PORT, 4));
	TRY(fdt_property(fdt, "reg-io-space", NULL, 0));
	return fdt_end_node(fdt);
}

/* What the guest must not allocate: the VMM's low memory, then each region, ascending. */
static int dt_reservemap(void *fdt, const struct dt_params *p)
{
	TRY(fdt_add_reservemap_entry(fdt, 0, BOOT_RESERVED_END));
	if (p->initrd_end > p->initrd_start)
		TRY(fdt_add_reservemap_entry(fdt, p->initrd_start,
					     ALIGN_UP(p->initrd_end, GUEST_PAGE_SIZE) -
					     p->initrd_start));
	if (p->trace_size)
		TRY(fdt_add_reservemap_entry(fdt, p->trace_gpa, p->trace_size));
	return fdt_finish_reservemap(fdt);
}

/* The fault-trace region (include/abi/fault_trace.h): ordinary RAM the guest writes. */
static int dt_trace(void *fdt, const struct dt_params *p)
{
	char name[40];

	if (!p->trace_size)
		return 0;
	snprintf(name, sizeof(name), "fault-trace@%llx", (unsigned long long)p->trace_gpa);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "compatible", DT_COMPAT_TRACE));
	TRY(prop_reg64(fdt, p->trace_gpa, p->trace_size));
	return fdt_end_node(fdt);
}

/* A virtio-mmio transport (Linux's virtio-mmio binding) and what it is for. */
static int dt_virtio(void *fdt, const struct dt_virtio *v)
{
	char name[40];

	snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long)v->base);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "compatible", DT_COMPAT_VIRTIO_MMIO));
	TRY(prop_reg64(fdt, v->base, VIRTIO_MMIO_REGION_SIZE));
	TRY(fdt_property_u32(fdt, "interrupts", v->gsi));
	if (v->role)
		TRY(fdt_property_string(fdt, DT_PROP_VIRTIO_ROLE, v->role));
	return fdt_end_node(fdt);
}

static int dt_write(void *fdt, size_t size, const struct dt_params *p)
{
	unsigned int i;

	TRY(fdt_create(fdt, size));
	TRY(dt_reservemap(fdt, p));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_string(fdt, "compatible", DT_COMPAT_MACHINE));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(dt_memory(fdt, p));
	TRY(dt_chosen(fdt, p));
	TRY(dt_cpus(fdt, p));
	TRY(dt_serial(fdt));
	TRY(dt_exit(fdt));
	TRY(dt_trace(fdt, p));
	for (i = 0; i < p->nr_virtio; i++)
		TRY(dt_virtio(fdt, &p->virtio[i]));
	TRY(fdt_end_node(fdt));
	TRY(fdt_finish(fdt));
	return fdt_pack(fdt);
}

int dt_build(void *buf, size_t size, const struct dt_params *p, struct errbuf *e)
{
	int err;

	if (size > INT32_MAX)
		size = INT32_MAX;
	if (p->nr_virtio > VIRTIO_MMIO_MAX_DEVS)
		return errf(e, -EINVAL, "device tree: %u virtio devices, at most %d",
			    p->nr_virtio, VIRTIO_MMIO_MAX_DEVS);
	err = dt_write(buf, size, p);
	if (err == -FDT_ERR_NOSPACE)
		return errf(e, -ENOSPC,
			    "device tree: larger than %zu bytes (command line too long?)", size);
	if (err < 0)
		return errf(e, -EINVAL, "device tree: %s", fdt_strerror(err));
	return 0;
}

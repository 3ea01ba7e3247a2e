// SPDX-License-Identifier: MIT
/*
 * The guest side of the fault trace (include/abi/fault_trace.h): find the region the VMM
 * described in the device tree, check its header, and append one record per fault that
 * mm/ reports (guest_fault_trace(), called through arch_fault_trace()) to this CPU's ring,
 * plus one per #PF that mm/ refused before handling it (fault_trace_refused()). A full ring
 * drops new records and counts them. The region is RAM, reached through the direct map; the
 * VMM reads it after the guest stops.
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <abi/fault_trace.h>
#include <mm/mm.h>
#include <asm/percpu.h>
#include <guest/bootinfo.h>
#include <guest/sched.h>
#include <guest/setup.h>

static struct fault_trace_hdr *trace;	/* NULL: no tracing */
static struct fault_trace_entry *rings;
static u32 nr_rings, ring_entries;

u16 fault_trace_type(u32 kind, u32 result)
{
	if (result & VM_FAULT_ERROR)
		return FT_ERROR;
	switch (kind) {
	case FAULT_KIND_ANON_ZERO:
		return FT_ANON_ZERO;
	case FAULT_KIND_ANON_NEW:
		return FT_ANON_NEW;
	case FAULT_KIND_WP_REUSE:
		return FT_WP_REUSE;
	case FAULT_KIND_WP_COPY:
		return FT_WP_COPY;
	case FAULT_KIND_FILE:
		return result & VM_FAULT_MAJOR ? FT_FILE_MAJOR : FT_FILE_MINOR;
	case FAULT_KIND_FILE_AROUND:
		return FT_FILE_AROUND;
	case FAULT_KIND_FILE_COW:	/* a read from disk first shows in result (MAJOR) */
		return FT_FILE_COW;
	case FAULT_KIND_FILE_SHARED:
		return FT_FILE_SHARED;
	case FAULT_KIND_SWAP:
		return result & VM_FAULT_MAJOR ? FT_SWAP_MAJOR : FT_SWAP_MINOR;
	default:		/* spurious (the pte already allowed it), or nothing ran */
		return FT_NONE;
	}
}

/* The x86 error code a fault without a #PF (mm_populate) would have had. */
static u16 flags_to_error_code(u32 flags)
{
	return (flags & FAULT_FLAG_WRITE ? 1u << 1 : 0) | (flags & FAULT_FLAG_USER ? 1u << 2 : 0) |
	       (flags & FAULT_FLAG_INSTRUCTION ? 1u << 4 : 0);
}

/* Append one entry to this CPU's ring, or count it dropped when the ring is full. */
static void trace_append(u64 start, u64 end, u64 address, u16 type, u16 error_code,
			 u32 result)
{
	unsigned int cpu = this_cpu()->cpu;
	struct fault_trace_entry *e;
	u64 head;

	if (!trace || cpu >= nr_rings)
		return;
	head = trace->head[cpu];
	if (head >= ring_entries) {
		trace->dropped[cpu]++;
		return;
	}
	e = &rings[(u64)cpu * ring_entries + head];
	e->start_tsc = start;
	e->end_tsc = end;
	e->address = address;
	e->type = type;
	e->error_code = error_code;
	e->result = result;
	barrier();		/* the entry is whole before head counts it */
	trace->head[cpu] = head + 1;
}

void guest_fault_trace(const struct fault_trace_rec *rec)
{
	struct task *t = this_cpu()->cur_task;
	bool in_pf = t && t->pf.active;

	if (in_pf)
		t->pf.traced++;
	trace_append(in_pf ? t->pf.start_tsc : rec->tsc_start, rec->tsc_end, rec->address,
		     fault_trace_type(rec->kind, rec->result),
		     in_pf ? t->pf.error_code : flags_to_error_code(rec->flags), rec->result);
}

void fault_trace_refused(unsigned long address, unsigned long error_code, u64 start_tsc,
			 int sig)
{
	u32 result = sig == SIGBUS ? VM_FAULT_SIGBUS : sig == SIGKILL ? VM_FAULT_OOM :
		     VM_FAULT_SIGSEGV;

	trace_append(start_tsc, arch_rdtsc(), address, FT_ERROR, error_code, result);
}

int fault_trace_last(struct fault_trace_entry *out, u64 *count, u64 *capacity)
{
	unsigned int cpu = this_cpu()->cpu;

	if (!trace || cpu >= nr_rings)
		return -ENODEV;
	*capacity = ring_entries;
	*count = trace->head[cpu];
	if (*count)
		*out = rings[(u64)cpu * ring_entries + *count - 1];
	return 0;
}

void fault_trace_init(const struct boot_info *bi)
{
	const struct fault_trace_hdr *h;
	u64 need;

	if (!bi->trace_size)
		return;
	if (!boot_range_is_ram(bi, bi->trace_base, bi->trace_size) ||
	    bi->trace_size < sizeof(*h)) {
		printk("trace: region [mem 0x%016llx, +0x%llx) is not in RAM: no fault trace\n",
		       (unsigned long long)bi->trace_base, (unsigned long long)bi->trace_size);
		return;
	}
	h = __va(bi->trace_base);
	need = sizeof(*h) + (u64)h->nr_cpus * h->ring_entries * sizeof(struct fault_trace_entry);
	if (h->magic != FAULT_TRACE_MAGIC || h->version != FAULT_TRACE_VERSION ||
	    !h->nr_cpus || h->nr_cpus > FAULT_TRACE_MAX_CPUS || !h->ring_entries ||
	    need > bi->trace_size) {
		printk("trace: bad header (magic 0x%x, version %u, %u CPUs x %u records in %llu "
		       "bytes): no fault trace\n", h->magic, h->version, h->nr_cpus,
		       h->ring_entries, (unsigned long long)bi->trace_size);
		return;
	}
	nr_rings = h->nr_cpus;
	ring_entries = h->ring_entries;
	rings = (struct fault_trace_entry *)(h + 1);
	trace = (struct fault_trace_hdr *)h;
	printk("trace: fault trace at [mem 0x%016llx, +0x%llx), %u rings of %u records\n",
	       (unsigned long long)bi->trace_base, (unsigned long long)bi->trace_size, nr_rings,
	       ring_entries);
}

/* SPDX-License-Identifier: MIT */
/*
 * The fault trace: the guest records every page fault it handles into a region of guest RAM
 * that the VMM allocates (at the top of RAM) and describes in the device tree
 * (`/fault-trace@ADDR`, compatible DT_COMPAT_TRACE, reg = <addr size>, also a memreserve
 * entry). At exit `./vmm` reads it and prints per-type count and latency percentiles.
 *
 * Layout: one struct fault_trace_hdr, then nr_cpus per-CPU rings one after the other, each
 * `ring_entries` entries of struct fault_trace_entry: ring c starts at byte offset
 * sizeof(struct fault_trace_hdr) + c * ring_entries * sizeof(struct fault_trace_entry). The
 * region is a whole number of 4 KiB pages; ring_entries is as many as fit.
 *
 * The VMM writes the header before the guest starts: magic, version, nr_cpus (= --cpus),
 * ring_entries, and every head[] and dropped[] 0; the guest only reads the first four. Only CPU c writes ring c: it fills entry
 * head[c], then (after a compiler barrier) increments head[c]; once head[c] == ring_entries
 * the ring is full and each new record only increments dropped[c] (so the statistics cover
 * the first faults, never a torn mix). The VMM reads the region after the guest has stopped,
 * trusting nothing in it: it uses its own nr_cpus and ring_entries, clamps head[c] to
 * ring_entries, skips entries with an unknown type or end_tsc < start_tsc, and ignores the
 * whole region if the magic or version was overwritten.
 */
#ifndef ABI_FAULT_TRACE_H
#define ABI_FAULT_TRACE_H

#define FAULT_TRACE_MAGIC	0x54464d56	/* "VMFT" */
#define FAULT_TRACE_VERSION	1
#define FAULT_TRACE_MAX_CPUS	64	/* = the VMM's --cpus limit: every vCPU has a ring */

#ifndef __ASSEMBLY__
#include <stdint.h>

/* What kind of fault, as decided by the handler that resolved it. */
enum fault_type {
	FT_NONE = 0,
	FT_ANON_ZERO,		/* read of untouched anon memory: the shared zero page mapped */
	FT_ANON_NEW,		/* first write to anon memory: a zeroed page allocated */
	FT_WP_REUSE,		/* write to a write-protected page we own alone: made writable */
	FT_WP_COPY,		/* write to a shared (COW / zero) page: copied */
	FT_FILE_MINOR,		/* file page found in the page cache */
	FT_FILE_AROUND,		/* file page mapped by fault-around (map_pages) */
	FT_FILE_MAJOR,		/* file page read from disk */
	FT_FILE_COW,		/* private write to a file mapping */
	FT_FILE_SHARED,		/* shared write to a file mapping (page_mkwrite) */
	FT_SWAP_MINOR,		/* swapped-out page found in the swap cache */
	FT_SWAP_MAJOR,		/* swapped-out page read from the swap device */
	FT_ERROR,		/* the fault ended in SIGSEGV/SIGBUS/OOM */
	FT_NR_TYPES
};

#define FAULT_TRACE_TYPE_NAMES {					\
	"none", "anon-zero", "anon-new", "wp-reuse", "wp-copy",		\
	"file-minor", "file-around", "file-major", "file-cow", "file-shared", \
	"swap-minor", "swap-major", "error" }

struct fault_trace_hdr {
	uint32_t magic;			/* FAULT_TRACE_MAGIC, written by the VMM */
	uint32_t version;		/* FAULT_TRACE_VERSION */
	uint32_t nr_cpus;		/* rings that follow */
	uint32_t ring_entries;		/* entries per ring */
	uint64_t head[FAULT_TRACE_MAX_CPUS];	/* records written, per CPU (guest) */
	uint64_t dropped[FAULT_TRACE_MAX_CPUS];	/* records dropped on a full ring (guest) */
};

struct fault_trace_entry {
	uint64_t start_tsc;		/* rdtsc at #PF entry */
	uint64_t end_tsc;		/* rdtsc when the handler returns */
	uint64_t address;		/* faulting virtual address (CR2) */
	uint16_t type;			/* enum fault_type */
	uint16_t error_code;		/* x86 #PF error code, low 16 bits */
	uint32_t result;		/* vm_fault_t bits */
};

_Static_assert(sizeof(struct fault_trace_hdr) == 16 + 16 * FAULT_TRACE_MAX_CPUS,
	       "fault_trace_hdr has no padding: both sides agree on the ring offset");
_Static_assert(sizeof(struct fault_trace_entry) == 32, "fault_trace_entry is 32 bytes");
#endif

#endif

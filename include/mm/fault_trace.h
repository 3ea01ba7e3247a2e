/* SPDX-License-Identifier: MIT */
/*
 * One record per page fault handled by handle_mm_fault() (mm/memory.c), handed to the arch
 * hook arch_fault_trace(): the guest appends it to the fault trace ring, host tests record it.
 */
#ifndef MM_FAULT_TRACE_H
#define MM_FAULT_TRACE_H

#include <kern/types.h>

/* What the fault path did. */
enum fault_kind {
	FAULT_KIND_NONE,	/* failed before a handler ran (no memory for a page table) */
	FAULT_KIND_ANON_ZERO,	/* read of untouched anonymous memory: the shared zero page */
	FAULT_KIND_ANON_NEW,	/* first write (or shared mapping): a new zeroed page */
	FAULT_KIND_WP_REUSE,	/* write to an exclusive read-only anon page: made writable */
	FAULT_KIND_WP_COPY,	/* write to a shared (COW) or zero page: copied */
	FAULT_KIND_FILE,	/* do_read_fault(): page cache page from ->fault (major with
				 * VM_FAULT_MAJOR: it had to be read) */
	FAULT_KIND_SWAP,	/* do_swap_page(): swapped-out page (a later issue) */
	FAULT_KIND_SPURIOUS,	/* the pte already allowed the access (stale TLB, or a race) */
	FAULT_KIND_FILE_AROUND,	/* do_fault_around(): mapped with the pages around it */
	FAULT_KIND_FILE_COW,	/* do_cow_fault(): private write, copied from the page cache */
	FAULT_KIND_FILE_SHARED,	/* do_shared_fault() / wp_page_shared(): shared write */
	NR_FAULT_KINDS
};

struct fault_trace_rec {
	u64 address;		/* faulting address (not page aligned) */
	u64 tsc_start;		/* arch_rdtsc() on entry to handle_mm_fault() */
	u64 tsc_end;		/* and on return */
	u32 kind;		/* enum fault_kind */
	u32 result;		/* vm_fault_t */
	u32 flags;		/* FAULT_FLAG_* */
	u32 reserved;
};

#endif

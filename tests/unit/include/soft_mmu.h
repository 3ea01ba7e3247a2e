/* SPDX-License-Identifier: MIT */
/*
 * The host tests' software MMU (tests/unit/lib/soft_mmu.c): user accesses to an mm walk
 * its x86-64 page tables as the CPU does (present, write, user, NX at every level; accessed
 * and dirty bits set), through a small TLB that only the mm/ TLB flush hooks invalidate;
 * a failed access calls handle_user_addr_fault() with the x86 error code, as the guest's
 * trap handler does, and retries.
 */
#ifndef UNIT_SOFT_MMU_H
#define UNIT_SOFT_MMU_H

#include <stddef.h>
#include <mm/mm.h>

/*
 * Copy to/from user memory of @mm as user-mode accesses. Return 0, or the signal the fault
 * handler asked for (SIGSEGV, SIGBUS, SIGKILL) at the first page that failed, or -1 if a
 * fault was not resolved after several tries (an mm bug; a diagnostic is printed).
 */
int umem_read(struct mm_struct *mm, unsigned long addr, void *buf, size_t len);
int umem_write(struct mm_struct *mm, unsigned long addr, const void *buf, size_t len);
/* An instruction fetch at @addr (one byte). */
int umem_fetch(struct mm_struct *mm, unsigned long addr);
/* Read/write one byte / one u64 (shorthands for the tests). */
int umem_read8(struct mm_struct *mm, unsigned long addr, unsigned char *v);
int umem_write8(struct mm_struct *mm, unsigned long addr, unsigned char v);

/*
 * Walk @mm's tables for @addr without faulting and without the TLB: return the pte value
 * mapping it (0 when a level is missing).
 */
u64 soft_mmu_pte(struct mm_struct *mm, unsigned long addr);

struct soft_mmu_stats {
	unsigned long tlb_hits, tlb_misses;	/* translations from the TLB / from a walk */
	unsigned long faults;			/* calls into handle_user_addr_fault() */
	unsigned long flushes;			/* arch_flush_tlb_page/_mm calls */
	int last_si_code;			/* of the last signal returned */
	struct task_fault_stats task;		/* min_flt/maj_flt of "the task" */
};

extern struct soft_mmu_stats soft_mmu_stats;

/* Empty the TLB and zero the statistics (tests call it when they boot a new arena). */
void soft_mmu_reset(void);

/* Recorder for arch_fault_trace(): NULL (the default) records nothing. */
extern void (*unit_fault_trace_hook)(const struct fault_trace_rec *rec);

#endif

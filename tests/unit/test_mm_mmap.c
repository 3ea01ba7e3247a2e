// SPDX-License-Identifier: MIT
/*
 * Host tests of mmap and friends seen through the software MMU: mprotect (read-only and
 * PROT_NONE), munmap (pages and page tables freed), MADV_DONTNEED and MADV_WILLNEED,
 * MAP_POPULATE, shared anonymous memory, stack growth with the guard gap, and brk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kern/errno.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include "mm_test.h"
#include "soft_mmu.h"

#define ARENA_SIZE	(16UL << 20)
#define BASE		0x40000000UL
#define ANON		(MAP_PRIVATE | MAP_ANONYMOUS)
#define FIXED		(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
#define RW		(PROT_READ | PROT_WRITE)

static struct mm_struct *new_mm(void)
{
	unit_mm_boot(ARENA_SIZE);
	soft_mmu_reset();
	unit_fault_trace_hook = NULL;
	return mm_alloc();
}

static bool fill(struct mm_struct *mm, unsigned long addr, unsigned long pages, unsigned char v)
{
	unsigned long i;

	for (i = 0; i < pages; i++)
		if (umem_write8(mm, addr + i * PAGE_SIZE, (unsigned char)(v + i)))
			return false;
	return true;
}

static bool test_mprotect_readonly(void)
{
	struct mm_struct *mm = new_mm();
	unsigned char v;

	CHECK(do_mmap(mm, NULL, BASE, 4 * PAGE_SIZE, RW, FIXED, 0) == BASE);
	CHECK(fill(mm, BASE, 4, 10));
	CHECK(do_mprotect(mm, BASE + PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ) == 0);
	CHECK(umem_write8(mm, BASE, 1) == 0);
	CHECK(umem_write8(mm, BASE + PAGE_SIZE, 1) == SIGSEGV);
	CHECK(soft_mmu_stats.last_si_code == MM_SEGV_ACCERR);
	CHECK(umem_write8(mm, BASE + 2 * PAGE_SIZE + 5, 1) == SIGSEGV);
	CHECK(umem_write8(mm, BASE + 3 * PAGE_SIZE, 1) == 0);
	CHECK(umem_read8(mm, BASE + 2 * PAGE_SIZE, &v) == 0 && v == 12);
	CHECK(mm->map_count == 3 && validate_mm(mm) == 0);
	mmput(mm);
	return true;
}

static bool test_mprotect_none_keeps_data(void)
{
	struct mm_struct *mm = new_mm();
	unsigned char v;
	u64 pte;

	CHECK(do_mmap(mm, NULL, BASE, 2 * PAGE_SIZE, RW, FIXED, 0) == BASE);
	CHECK(fill(mm, BASE, 2, 40));
	CHECK(do_mprotect(mm, BASE, 2 * PAGE_SIZE, PROT_NONE) == 0);
	pte = soft_mmu_pte(mm, BASE);
	CHECK(!(pte & _PAGE_PRESENT) && pte_present(__pte(pte)) && pte_protnone(__pte(pte)));
	CHECK(umem_read8(mm, BASE, &v) == SIGSEGV && soft_mmu_stats.last_si_code == MM_SEGV_ACCERR);
	CHECK(umem_write8(mm, BASE + PAGE_SIZE, 1) == SIGSEGV);
	CHECK(get_mm_counter(mm, MM_ANONPAGES) == 2);
	CHECK(do_mprotect(mm, BASE, 2 * PAGE_SIZE, PROT_READ) == 0);
	CHECK(umem_read8(mm, BASE + PAGE_SIZE, &v) == 0 && v == 41);
	CHECK(umem_write8(mm, BASE, 1) == SIGSEGV);
	mmput(mm);
	return true;
}

static bool test_munmap_frees(void)
{
	struct mm_struct *mm = new_mm();
	unsigned long nfree;
	unsigned char v;

	CHECK(do_mmap(mm, NULL, BASE, PAGE_SIZE, PROT_READ, FIXED, 0) == BASE);
	nfree = nr_free_pages();
	/* 2 MiB + 2 pages straddling a pmd boundary: two pte tables. */
	CHECK(do_mmap(mm, NULL, BASE + PMD_SIZE - PAGE_SIZE, PMD_SIZE + 2 * PAGE_SIZE, RW,
		      FIXED, 0) == BASE + PMD_SIZE - PAGE_SIZE);
	CHECK(fill(mm, BASE + PMD_SIZE - PAGE_SIZE, 3, 1));
	CHECK(umem_write8(mm, BASE + 2 * PMD_SIZE, 1) == 0);
	CHECK(get_mm_counter(mm, MM_ANONPAGES) == 4);
	CHECK(do_munmap(mm, BASE + PMD_SIZE - PAGE_SIZE, PMD_SIZE + 2 * PAGE_SIZE) == 0);
	CHECK(umem_read8(mm, BASE + PMD_SIZE, &v) == SIGSEGV);
	CHECK(soft_mmu_stats.last_si_code == MM_SEGV_MAPERR);
	CHECK(get_mm_counter(mm, MM_ANONPAGES) == 0);
	/* Every table below is empty now (BASE itself was never touched): all freed. */
	CHECK(mm->nr_pgtables == 0 && nr_free_pages() == nfree);
	/* Partial munmap in the middle of a VMA. */
	CHECK(do_mmap(mm, NULL, BASE + 8 * PAGE_SIZE, 8 * PAGE_SIZE, RW, FIXED, 0) ==
	      BASE + 8 * PAGE_SIZE);
	CHECK(fill(mm, BASE + 8 * PAGE_SIZE, 8, 100));
	CHECK(do_munmap(mm, BASE + 10 * PAGE_SIZE, 3 * PAGE_SIZE + 1) == 0);	/* 4 pages */
	CHECK(umem_read8(mm, BASE + 9 * PAGE_SIZE, &v) == 0 && v == 101);
	CHECK(umem_read8(mm, BASE + 10 * PAGE_SIZE, &v) == SIGSEGV);
	CHECK(umem_read8(mm, BASE + 13 * PAGE_SIZE, &v) == SIGSEGV);
	CHECK(umem_read8(mm, BASE + 14 * PAGE_SIZE, &v) == 0 && v == 106);
	CHECK(get_mm_counter(mm, MM_ANONPAGES) == 4 && mm->total_vm == 5);
	CHECK(validate_mm(mm) == 0);
	mmput(mm);
	return true;
}

static bool test_madvise_dontneed(void)
{
	struct mm_struct *mm = new_mm();
	unsigned long nfree;
	unsigned char v;

	CHECK(do_mmap(mm, NULL, BASE, 4 * PAGE_SIZE, RW, FIXED, 0) == BASE);
	CHECK(fill(mm, BASE, 4, 7));
	nfree = nr_free_pages();
	CHECK(do_madvise(mm, BASE + PAGE_SIZE, 2 * PAGE_SIZE, MADV_DONTNEED) == 0);
	CHECK(nr_free_pages() == nfree + 2 && get_mm_counter(mm, MM_ANONPAGES) == 2);
	CHECK(umem_read8(mm, BASE + PAGE_SIZE, &v) == 0 && v == 0);	/* zero again */
	CHECK(umem_read8(mm, BASE + 2 * PAGE_SIZE, &v) == 0 && v == 0);
	CHECK(umem_read8(mm, BASE, &v) == 0 && v == 7);
	CHECK(umem_read8(mm, BASE + 3 * PAGE_SIZE, &v) == 0 && v == 10);
	CHECK(mm->map_count == 1);			/* the VMA is untouched */
	mmput(mm);
	return true;
}

static bool test_madvise_willneed(void)
{
	struct mm_struct *mm = new_mm();
	unsigned long nfree;

	CHECK(do_mmap(mm, NULL, BASE, 4 * PAGE_SIZE, RW, FIXED, 0) == BASE);
	nfree = nr_free_pages();
	CHECK(do_madvise(mm, BASE, 4 * PAGE_SIZE, MADV_WILLNEED) == 0);
	/* Anonymous memory: nothing to read ahead, nothing allocated (as in Linux). */
	CHECK(nr_free_pages() == nfree && get_mm_rss(mm) == 0);
	CHECK(do_madvise(mm, BASE, 4 * PAGE_SIZE, MADV_SEQUENTIAL) == 0);
	CHECK(do_madvise(mm, BASE, 4 * PAGE_SIZE, MADV_NORMAL) == 0);
	mmput(mm);
	return true;
}

static bool test_populate_takes_no_faults(void)
{
	struct mm_struct *mm = new_mm();
	unsigned char buf[3 * PAGE_SIZE];
	unsigned long a;

	a = do_mmap(mm, NULL, 0, 3 * PAGE_SIZE, RW, ANON | MAP_POPULATE, 0);
	CHECK(!IS_ERR_VALUE(a));
	CHECK(get_mm_counter(mm, MM_ANONPAGES) == 3);
	CHECK(soft_mmu_pte(mm, a) & _PAGE_RW);		/* populated for writing */
	memset(buf, 0x3c, sizeof(buf));
	CHECK(umem_write(mm, a, buf, sizeof(buf)) == 0);
	CHECK(umem_read(mm, a, buf, sizeof(buf)) == 0 && buf[sizeof(buf) - 1] == 0x3c);
	CHECK(soft_mmu_stats.faults == 0 && mm->min_flt == 0);
	/* Read-only private memory is populated with the zero page. */
	a = do_mmap(mm, NULL, 0, 2 * PAGE_SIZE, PROT_READ, ANON | MAP_POPULATE, 0);
	CHECK(!IS_ERR_VALUE(a));
	CHECK(pte_pfn(__pte(soft_mmu_pte(mm, a + PAGE_SIZE))) == page_to_pfn(zero_page));
	CHECK(umem_read(mm, a, buf, 2 * PAGE_SIZE) == 0 && buf[0] == 0);
	CHECK(soft_mmu_stats.faults == 0);
	/* PROT_NONE is not populated. */
	a = do_mmap(mm, NULL, 0, PAGE_SIZE, PROT_NONE, ANON | MAP_POPULATE, 0);
	CHECK(!IS_ERR_VALUE(a) && soft_mmu_pte(mm, a) == 0);
	mmput(mm);
	return true;
}

/* MAP_SHARED|MAP_ANONYMOUS memory is populated at mmap time and keeps its data on
 * MADV_DONTNEED (in Linux the pages live on in shmem). */
static bool test_shared_anon(void)
{
	struct mm_struct *mm = new_mm();
	unsigned char v;
	unsigned long a;

	a = do_mmap(mm, NULL, 0, 2 * PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS, 0);
	CHECK(!IS_ERR_VALUE(a));
	CHECK(get_mm_counter(mm, MM_ANONPAGES) == 2);
	CHECK(soft_mmu_pte(mm, a) & _PAGE_RW);
	CHECK(umem_write8(mm, a, 5) == 0 && soft_mmu_stats.faults == 0);
	CHECK(do_madvise(mm, a, 2 * PAGE_SIZE, MADV_DONTNEED) == 0);
	CHECK(umem_read8(mm, a, &v) == 0 && v == 5);
	/* mprotect of shared memory keeps the ptes writable when PROT_WRITE is back. */
	CHECK(do_mprotect(mm, a, PAGE_SIZE, PROT_READ) == 0);
	CHECK(umem_write8(mm, a, 6) == SIGSEGV);
	CHECK(do_mprotect(mm, a, PAGE_SIZE, RW) == 0);
	CHECK(soft_mmu_pte(mm, a) & _PAGE_RW);
	CHECK(umem_write8(mm, a, 6) == 0);
	mmput(mm);
	return true;
}

/* A stack VMA grows down on faults below it, up to its limit and not into the guard gap. */
static bool test_stack_growth(void)
{
	struct mm_struct *mm = new_mm();
	unsigned long top = STACK_TOP, lo = top - 4 * PAGE_SIZE;
	struct vm_area_struct *stack;
	unsigned char v;

	CHECK(do_mmap(mm, NULL, lo, 4 * PAGE_SIZE, RW, FIXED | MAP_GROWSDOWN, 0) == lo);
	stack = find_vma(mm, lo);
	CHECK(stack && (stack->vm_flags & VM_GROWSDOWN));
	CHECK(umem_write8(mm, top - 1, 1) == 0);
	CHECK(umem_write8(mm, lo - 10 * PAGE_SIZE + 8, 2) == 0);	/* grows by 10 pages */
	CHECK(stack->vm_start == lo - 10 * PAGE_SIZE && mm->total_vm == 14);
	CHECK(umem_read8(mm, lo - 5 * PAGE_SIZE, &v) == 0 && v == 0);
	CHECK(validate_mm(mm) == 0);
	/* Past the stack limit: SIGSEGV, the VMA unchanged. */
	mm->stack_rlimit = 64 * PAGE_SIZE;
	CHECK(umem_write8(mm, top - 65 * PAGE_SIZE, 3) == SIGSEGV);
	CHECK(soft_mmu_stats.last_si_code == MM_SEGV_MAPERR);
	CHECK(umem_write8(mm, top - 64 * PAGE_SIZE, 3) == 0);
	CHECK(stack->vm_start == top - 64 * PAGE_SIZE);
	mm->stack_rlimit = STACK_RLIMIT_DEFAULT;
	/* A mapping just below: the stack may not come within stack_guard_gap of it. */
	CHECK(do_mmap(mm, NULL, stack->vm_start - stack_guard_gap - 4 * PAGE_SIZE, PAGE_SIZE, RW,
		      FIXED, 0) == stack->vm_start - stack_guard_gap - 4 * PAGE_SIZE);
	CHECK(umem_write8(mm, stack->vm_start - 3 * PAGE_SIZE, 4) == 0);	/* gap intact */
	CHECK(umem_write8(mm, stack->vm_start - 2 * PAGE_SIZE, 5) == SIGSEGV);
	CHECK(expand_stack(stack, stack->vm_start - 2 * PAGE_SIZE) == -ENOMEM);
	/* A normal VMA does not grow. */
	CHECK(do_mmap(mm, NULL, BASE, PAGE_SIZE, RW, FIXED, 0) == BASE);
	CHECK(umem_write8(mm, BASE - 1, 6) == SIGSEGV);
	CHECK(expand_stack(find_vma(mm, BASE), BASE - PAGE_SIZE) == -EFAULT);
	CHECK(validate_mm(mm) == 0);
	mmput(mm);
	return true;
}

static bool test_brk(void)
{
	struct mm_struct *mm = new_mm();
	unsigned long start = 0x600000, nfree;
	unsigned char v;

	mm->start_brk = mm->brk = start;
	nfree = nr_free_pages();
	CHECK(do_brk(mm, start + 3 * PAGE_SIZE + 10) == start + 3 * PAGE_SIZE + 10);
	CHECK(mm->brk == start + 3 * PAGE_SIZE + 10 && mm->total_vm == 4);
	CHECK(fill(mm, start, 4, 1));
	CHECK(umem_write8(mm, start + 4 * PAGE_SIZE, 1) == SIGSEGV);
	/* Growing again extends the same VMA. */
	CHECK(do_brk(mm, start + 6 * PAGE_SIZE) == start + 6 * PAGE_SIZE);
	CHECK(mm->map_count == 1 && mm->total_vm == 6);
	CHECK(umem_read8(mm, start + 2 * PAGE_SIZE, &v) == 0 && v == 3);
	/* Shrinking unmaps and frees. */
	CHECK(do_brk(mm, start + PAGE_SIZE) == start + PAGE_SIZE);
	CHECK(umem_read8(mm, start + PAGE_SIZE, &v) == SIGSEGV);
	CHECK(umem_read8(mm, start, &v) == 0 && v == 1);
	CHECK(get_mm_counter(mm, MM_ANONPAGES) == 1 && mm->total_vm == 1);
	/* Growing back gives zeroes. */
	CHECK(do_brk(mm, start + 2 * PAGE_SIZE) == start + 2 * PAGE_SIZE);
	CHECK(umem_read8(mm, start + PAGE_SIZE, &v) == 0 && v == 0);
	/* Below start_brk or into another mapping: refused, brk unchanged. */
	CHECK(do_brk(mm, start - 1) == start + 2 * PAGE_SIZE);
	CHECK(do_mmap(mm, NULL, start + 8 * PAGE_SIZE, PAGE_SIZE, RW, FIXED, 0) ==
	      start + 8 * PAGE_SIZE);
	CHECK(do_brk(mm, start + 8 * PAGE_SIZE) == start + 2 * PAGE_SIZE);
	CHECK(do_brk(mm, start + 7 * PAGE_SIZE) == start + 7 * PAGE_SIZE);
	CHECK(do_brk(mm, TASK_SIZE + 1) == start + 7 * PAGE_SIZE);
	CHECK(do_brk(mm, 0) == start + 7 * PAGE_SIZE);	/* the query form */
	CHECK(do_brk(mm, start) == start);
	CHECK(validate_mm(mm) == 0);
	CHECK(do_munmap(mm, start + 8 * PAGE_SIZE, PAGE_SIZE) == 0);
	CHECK(mm->map_count == 0 && get_mm_rss(mm) == 0);
	CHECK(mm->nr_pgtables == 0 && nr_free_pages() == nfree);
	mmput(mm);
	return true;
}

int main(void)
{
	tap_plan(9);
	TAP_RUN(test_mprotect_readonly);
	TAP_RUN(test_mprotect_none_keeps_data);
	TAP_RUN(test_munmap_frees);
	TAP_RUN(test_madvise_dontneed);
	TAP_RUN(test_madvise_willneed);
	TAP_RUN(test_populate_takes_no_faults);
	TAP_RUN(test_shared_anon);
	TAP_RUN(test_stack_growth);
	TAP_RUN(test_brk);
	unit_arena_destroy();
	return tap_finish();
}

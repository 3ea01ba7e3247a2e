// SPDX-License-Identifier: MIT
/*
 * Host tests of the page-fault pipeline through the software MMU: anonymous read (zero
 * page) and write faults, write-protect faults (reuse and copy), spurious faults from a
 * stale TLB, accessed/dirty bits, NX, kernel addresses, do_fault without ->fault and the
 * do_swap_page hook,
 * the fault trace and counters, and out-of-memory as VM_FAULT_OOM rather than a crash.
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

static struct fault_trace_rec trace[64];
static unsigned int ntrace;

static void record(const struct fault_trace_rec *rec)
{
	if (ntrace < ARRAY_SIZE(trace))
		trace[ntrace] = *rec;
	ntrace++;
}

static struct mm_struct *new_mm(void)
{
	unit_mm_boot(ARENA_SIZE);
	soft_mmu_reset();
	ntrace = 0;
	unit_fault_trace_hook = record;
	return mm_alloc();
}

/* The last traced fault was of @kind with result @result. */
static bool last_fault_is(enum fault_kind kind, vm_fault_t result)
{
	const struct fault_trace_rec *r;

	if (!ntrace) {
		tap_diag("no fault traced");
		return false;
	}
	r = &trace[(ntrace - 1) % ARRAY_SIZE(trace)];
	if (r->kind != kind || r->result != result || r->tsc_end < r->tsc_start) {
		tap_diag("last fault: kind %u result %#x, want kind %u result %#x", r->kind,
			 r->result, kind, result);
		return false;
	}
	return true;
}

static bool test_read_maps_zero_page(void)
{
	struct mm_struct *mm = new_mm();
	unsigned long nfree;
	unsigned char buf[64];
	u64 pte;

	CHECK(do_mmap(mm, NULL, BASE, 4 * PAGE_SIZE, RW, FIXED, 0) == BASE);
	nfree = nr_free_pages();
	memset(buf, 0xff, sizeof(buf));
	CHECK(umem_read(mm, BASE + 100, buf, sizeof(buf)) == 0);
	CHECK(buf[0] == 0 && buf[63] == 0);
	CHECK(ntrace == 1 && last_fault_is(FAULT_KIND_ANON_ZERO, 0));
	CHECK(trace[0].address == BASE + 100 && trace[0].flags & FAULT_FLAG_USER);
	pte = soft_mmu_pte(mm, BASE);
	CHECK(pte_pfn(__pte(pte)) == page_to_pfn(zero_page));
	CHECK(!(pte & _PAGE_RW) && (pte & _PAGE_USER) && (pte & _PAGE_NX));
	CHECK(get_mm_counter(mm, MM_ANONPAGES) == 0);
	/* Only page tables were allocated (pud, pmd, pte tables). */
	CHECK(mm->nr_pgtables == 3 && nr_free_pages() == nfree - 3);
	CHECK(mm->min_flt == 1 && soft_mmu_stats.task.min_flt == 1 && mm->maj_flt == 0);
	/* Again: no fault. */
	CHECK(umem_read(mm, BASE, buf, 8) == 0 && ntrace == 1);
	mmput(mm);
	return true;
}

static bool test_write_allocates(void)
{
	struct mm_struct *mm = new_mm();
	unsigned char v = 0;
	struct page *page;
	u64 pte;

	CHECK(do_mmap(mm, NULL, BASE, 4 * PAGE_SIZE, RW, FIXED, 0) == BASE);
	CHECK(umem_write8(mm, BASE + PAGE_SIZE + 7, 0x5a) == 0);
	CHECK(ntrace == 1 && last_fault_is(FAULT_KIND_ANON_NEW, 0));
	CHECK(trace[0].flags & FAULT_FLAG_WRITE);
	pte = soft_mmu_pte(mm, BASE + PAGE_SIZE);
	CHECK((pte & (_PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_PRESENT)) ==
	      (_PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_PRESENT));
	page = pfn_to_page(pte_pfn(__pte(pte)));
	CHECK(PageAnon(page) && page_mapcount(page) == 1 && page_ref_count(page) == 1);
	CHECK(((unsigned char *)page_address(page))[7] == 0x5a);
	CHECK(((unsigned char *)page_address(page))[8] == 0);	/* the rest is zeroed */
	CHECK(get_mm_counter(mm, MM_ANONPAGES) == 1);
	CHECK(umem_read8(mm, BASE + PAGE_SIZE + 7, &v) == 0 && v == 0x5a && ntrace == 1);
	mmput(mm);
	return true;
}

/* Read first (zero page), then write: the zero page is "copied" into a new zeroed page. */
static bool test_zero_page_then_write(void)
{
	struct mm_struct *mm = new_mm();
	unsigned char v = 1;
	u64 before, after;

	CHECK(do_mmap(mm, NULL, BASE, PAGE_SIZE, RW, FIXED, 0) == BASE);
	CHECK(umem_read8(mm, BASE, &v) == 0 && v == 0);
	before = soft_mmu_pte(mm, BASE);
	CHECK(umem_write8(mm, BASE + 1, 9) == 0);
	CHECK(ntrace == 2 && last_fault_is(FAULT_KIND_WP_COPY, VM_FAULT_WRITE));
	after = soft_mmu_pte(mm, BASE);
	CHECK(pte_pfn(__pte(before)) == page_to_pfn(zero_page));
	CHECK(pte_pfn(__pte(after)) != page_to_pfn(zero_page) && (after & _PAGE_RW));
	CHECK(umem_read8(mm, BASE, &v) == 0 && v == 0);
	CHECK(umem_read8(mm, BASE + 1, &v) == 0 && v == 9);
	/* The zero page itself is untouched. */
	CHECK(((unsigned char *)page_address(zero_page))[1] == 0);
	CHECK(get_mm_counter(mm, MM_ANONPAGES) == 1);
	mmput(mm);
	return true;
}

/* mprotect(READ) then back to RW: the exclusive page is reused, not copied. */
static bool test_wp_reuse_after_mprotect(void)
{
	struct mm_struct *mm = new_mm();
	u64 pte1, pte2;

	CHECK(do_mmap(mm, NULL, BASE, PAGE_SIZE, RW, FIXED, 0) == BASE);
	CHECK(umem_write8(mm, BASE, 1) == 0);
	pte1 = soft_mmu_pte(mm, BASE);
	CHECK(do_mprotect(mm, BASE, PAGE_SIZE, PROT_READ) == 0);
	CHECK(!(soft_mmu_pte(mm, BASE) & _PAGE_RW));
	CHECK(umem_write8(mm, BASE, 2) == SIGSEGV && soft_mmu_stats.last_si_code == MM_SEGV_ACCERR);
	CHECK(do_mprotect(mm, BASE, PAGE_SIZE, RW) == 0);
	/* A writable private pte stays writable across mprotect only if it was; it was not. */
	CHECK(umem_write8(mm, BASE, 3) == 0);
	CHECK(last_fault_is(FAULT_KIND_WP_REUSE, VM_FAULT_WRITE));
	pte2 = soft_mmu_pte(mm, BASE);
	CHECK(pte_pfn(__pte(pte1)) == pte_pfn(__pte(pte2)) && (pte2 & _PAGE_RW));
	mmput(mm);
	return true;
}

/* A writable pte stays writable across an mprotect that keeps PROT_WRITE. */
static bool test_mprotect_keeps_writable(void)
{
	struct mm_struct *mm = new_mm();
	unsigned int n;

	CHECK(do_mmap(mm, NULL, BASE, 2 * PAGE_SIZE, RW, FIXED, 0) == BASE);
	CHECK(umem_write8(mm, BASE, 1) == 0);
	CHECK(do_mprotect(mm, BASE, 2 * PAGE_SIZE, RW | PROT_EXEC) == 0);
	n = ntrace;
	CHECK(umem_write8(mm, BASE, 2) == 0 && ntrace == n);
	CHECK(umem_fetch(mm, BASE) == 0);
	mmput(mm);
	return true;
}

static bool test_nx_and_kernel_addresses(void)
{
	struct mm_struct *mm = new_mm();
	unsigned char v;

	CHECK(do_mmap(mm, NULL, BASE, PAGE_SIZE, RW, FIXED, 0) == BASE);
	CHECK(do_mmap(mm, NULL, BASE + PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_EXEC, FIXED, 0) ==
	      BASE + PAGE_SIZE);
	CHECK(umem_fetch(mm, BASE) == SIGSEGV && soft_mmu_stats.last_si_code == MM_SEGV_ACCERR);
	CHECK(umem_fetch(mm, BASE + PAGE_SIZE) == 0);
	/* Fetch from a page first mapped by a read: the NX bit itself stops it. */
	CHECK(umem_read8(mm, BASE, &v) == 0);
	CHECK(umem_fetch(mm, BASE) == SIGSEGV);
	CHECK(umem_read8(mm, TASK_SIZE, &v) == SIGSEGV);
	CHECK(umem_read8(mm, 0xffff888000000000UL, &v) == SIGSEGV);
	CHECK(umem_read8(mm, 0, &v) == SIGSEGV && soft_mmu_stats.last_si_code == MM_SEGV_MAPERR);
	CHECK(umem_write8(mm, BASE + 2 * PAGE_SIZE, 1) == SIGSEGV);
	mmput(mm);
	return true;
}

/* The CPU sets the accessed bit on reads and the dirty bit on writes, through the TLB. */
static bool test_accessed_dirty_bits(void)
{
	struct mm_struct *mm = new_mm();
	unsigned char v;
	pte_t *ptep;

	CHECK(do_mmap(mm, NULL, BASE, PAGE_SIZE, RW, FIXED | MAP_POPULATE, 0) == BASE);
	ptep = walk_to_pte(mm, BASE, false);
	CHECK(ptep);
	set_pte(ptep, pte_mkold(pte_mkclean(ptep_get(ptep))));
	flush_tlb_page(mm, BASE);
	CHECK(umem_read8(mm, BASE, &v) == 0);
	CHECK(pte_young(ptep_get(ptep)) && !pte_dirty(ptep_get(ptep)));
	CHECK(umem_write8(mm, BASE, 1) == 0);
	CHECK(pte_dirty(ptep_get(ptep)));
	mmput(mm);
	return true;
}

/* A stale read-only TLB entry makes a write fault on a pte that allows it: spurious. */
static bool test_spurious_fault(void)
{
	struct mm_struct *mm = new_mm();
	pte_t *ptep;
	unsigned char v;

	CHECK(do_mmap(mm, NULL, BASE, PAGE_SIZE, RW, FIXED, 0) == BASE);
	CHECK(umem_write8(mm, BASE, 1) == 0);
	ptep = walk_to_pte(mm, BASE, false);
	set_pte(ptep, pte_wrprotect(ptep_get(ptep)));
	flush_tlb_page(mm, BASE);
	CHECK(umem_read8(mm, BASE, &v) == 0);		/* caches the read-only translation */
	set_pte(ptep, pte_mkwrite(ptep_get(ptep)));	/* an upgrade needs no flush */
	ntrace = 0;
	CHECK(umem_write8(mm, BASE, 2) == 0);
	CHECK(ntrace == 1 && last_fault_is(FAULT_KIND_SPURIOUS, 0));
	mmput(mm);
	return true;
}

/* A file VMA whose vm_ops cannot supply pages. */
static const struct vm_operations_struct dummy_ops = { .fault = NULL };

/* do_fault() without ->fault (as Linux) and do_swap_page() (a hook for now) say SIGBUS. */
static bool test_hooks_sigbus(void)
{
	struct mm_struct *mm = new_mm();
	unsigned char v;
	pte_t *ptep;

	CHECK(do_mmap(mm, NULL, BASE, 2 * PAGE_SIZE, RW, FIXED, 0) == BASE);
	find_vma(mm, BASE)->vm_ops = &dummy_ops;
	CHECK(umem_read8(mm, BASE, &v) == SIGBUS);
	CHECK(last_fault_is(FAULT_KIND_FILE, VM_FAULT_SIGBUS));
	CHECK(mm->min_flt == 0);			/* errors are not counted */
	find_vma(mm, BASE)->vm_ops = NULL;

	ptep = walk_to_pte(mm, BASE + PAGE_SIZE, true);
	CHECK(ptep);
	set_pte(ptep, swp_entry_to_pte(swp_entry(3, 12345)));
	mm->rss[MM_SWAPENTS]++;
	CHECK(umem_read8(mm, BASE + PAGE_SIZE, &v) == SIGBUS);
	CHECK(last_fault_is(FAULT_KIND_SWAP, VM_FAULT_SIGBUS));
	mmput(mm);				/* zaps the swap pte */
	return true;
}

static bool test_swap_entry_encoding(void)
{
	static const unsigned long offsets[] = { 0, 1, 0x12345, (1UL << 50) - 1 };
	unsigned int type, i;

	for (type = 0; type < MAX_SWAPFILES; type++) {
		for (i = 0; i < ARRAY_SIZE(offsets); i++) {
			pte_t pte = swp_entry_to_pte(swp_entry(type, offsets[i]));
			swp_entry_t e = pte_to_swp_entry(pte);

			CHECK(!pte_none(pte) && !pte_present(pte) && is_swap_pte(pte));
			CHECK(!(pte_val(pte) & _PAGE_PRESENT));
			CHECK(swp_type(e) == type && swp_offset(e) == offsets[i]);
		}
	}
	return true;
}

static bool test_pte_helpers(void)
{
	pte_t pte = pfn_pte(0x1234, __pgprot(_PAGE_PRESENT | _PAGE_USER | _PAGE_NX));

	CHECK(pte_present(pte) && !pte_none(pte) && pte_pfn(pte) == 0x1234);
	CHECK(!pte_write(pte) && pte_write(pte_mkwrite(pte)));
	CHECK(!pte_write(pte_wrprotect(pte_mkwrite(pte))));
	CHECK(pte_dirty(pte_mkdirty(pte)) && !pte_dirty(pte_mkclean(pte_mkdirty(pte))));
	CHECK(pte_young(pte_mkyoung(pte)) && !pte_young(pte_mkold(pte_mkyoung(pte))));
	CHECK(!pte_exec(pte) && pte_exec(pfn_pte(0x1234, __pgprot(_PAGE_PRESENT))));
	CHECK(!pte_same(pte, pfn_pte(0x1234, __pgprot(_PAGE_PRESENT | _PAGE_USER))));
	CHECK(pte_same(pte, __pte(pte_val(pte))));
	pte = pte_modify(pte_mkdirty(pte_mkwrite(pte)), vm_get_page_prot(VM_NONE));
	CHECK(pte_present(pte) && pte_protnone(pte) && pte_dirty(pte) && !pte_write(pte));
	CHECK(!(pte_val(pte) & _PAGE_PRESENT) && pte_pfn(pte) == 0x1234);
	CHECK(!(pgprot_val(vm_get_page_prot(VM_READ | VM_WRITE)) & _PAGE_RW));
	CHECK(pgprot_val(vm_get_page_prot(VM_READ | VM_WRITE | VM_SHARED)) & _PAGE_RW);
	CHECK(!(pgprot_val(vm_get_page_prot(VM_READ | VM_EXEC)) & _PAGE_NX));
	return true;
}

/* Arena exhausted: the fault says VM_FAULT_OOM, the task gets SIGKILL, nothing crashes. */
static bool test_oom(void)
{
	struct mm_struct *mm = new_mm();
	struct page **hog = calloc(ARENA_SIZE / PAGE_SIZE, sizeof(*hog));
	unsigned long n = 0;
	struct page *page;
	unsigned char v = 0;

	CHECK(hog);
	CHECK(do_mmap(mm, NULL, BASE, 2 * PAGE_SIZE, RW, FIXED, 0) == BASE);
	CHECK(umem_read8(mm, BASE, &v) == 0);		/* page tables exist now */
	while ((page = alloc_page(GFP_KERNEL)) != NULL)
		hog[n++] = page;
	CHECK(umem_write8(mm, BASE + PAGE_SIZE, 1) == SIGKILL);
	CHECK(last_fault_is(FAULT_KIND_NONE, VM_FAULT_OOM));
	/* The zero-page copy needs a page too. */
	CHECK(umem_write8(mm, BASE, 1) == SIGKILL);
	CHECK(last_fault_is(FAULT_KIND_NONE, VM_FAULT_OOM));
	/* A fault needing a new page table fails the same way. */
	CHECK(do_mmap(mm, NULL, BASE + (1UL << 30), PAGE_SIZE, RW, FIXED, 0) == BASE + (1UL << 30));
	CHECK(umem_read8(mm, BASE + (1UL << 30), &v) == SIGKILL);
	CHECK(mm->min_flt == 1);
	/* Memory back: the same accesses work. */
	while (n)
		__free_page(hog[--n]);
	CHECK(umem_write8(mm, BASE + PAGE_SIZE, 1) == 0);
	CHECK(umem_write8(mm, BASE, 2) == 0);
	CHECK(umem_read8(mm, BASE + (1UL << 30), &v) == 0 && v == 0);
	CHECK(validate_mm(mm) == 0);
	mmput(mm);
	free(hog);
	return true;
}

/* mm_alloc() and dup-free paths under memory pressure return NULL without leaking. */
static bool test_oom_mm_alloc(void)
{
	struct page **hog = calloc(ARENA_SIZE / PAGE_SIZE, sizeof(*hog));
	unsigned long n = 0, nfree;
	struct page *page;

	CHECK(hog);
	unit_mm_boot(ARENA_SIZE);
	soft_mmu_reset();
	nfree = nr_free_pages();
	while ((page = alloc_page(GFP_KERNEL)) != NULL)
		hog[n++] = page;
	CHECK(mm_alloc() == NULL);
	__free_page(hog[--n]);			/* room for the mm's kmalloc slab only */
	CHECK(mm_alloc() == NULL);
	while (n)
		__free_page(hog[--n]);
	CHECK(nr_free_pages() == nfree && kmalloc_slab_pages() == 0);
	free(hog);
	return true;
}

/* A flush must follow every downgrade: the software TLB would otherwise let these pass. */
static bool test_tlb_flushed_on_downgrade(void)
{
	struct mm_struct *mm = new_mm();
	unsigned char v;

	CHECK(do_mmap(mm, NULL, BASE, 2 * PAGE_SIZE, RW, FIXED, 0) == BASE);
	CHECK(umem_write8(mm, BASE, 1) == 0);
	CHECK(umem_write8(mm, BASE, 2) == 0 && soft_mmu_stats.tlb_hits > 0);
	CHECK(do_mprotect(mm, BASE, PAGE_SIZE, PROT_READ) == 0);
	CHECK(umem_write8(mm, BASE, 3) == SIGSEGV);
	CHECK(umem_read8(mm, BASE, &v) == 0 && v == 2);
	CHECK(do_madvise(mm, BASE, PAGE_SIZE, MADV_DONTNEED) == 0);
	CHECK(umem_read8(mm, BASE, &v) == 0 && v == 0);
	CHECK(do_munmap(mm, BASE, PAGE_SIZE) == 0);
	CHECK(umem_read8(mm, BASE, &v) == SIGSEGV);
	mmput(mm);
	return true;
}

/* Every fault is traced; accesses count as minor faults, populating does not. */
static bool test_trace_and_counters(void)
{
	struct mm_struct *mm = new_mm();
	unsigned char v;
	unsigned int i;

	CHECK(do_mmap(mm, NULL, BASE, 8 * PAGE_SIZE, RW, FIXED, 0) == BASE);
	for (i = 0; i < 4; i++)
		CHECK(umem_read8(mm, BASE + i * PAGE_SIZE, &v) == 0);
	for (i = 0; i < 8; i++)
		CHECK(umem_write8(mm, BASE + i * PAGE_SIZE, 1) == 0);
	CHECK(ntrace == 12);
	for (i = 0; i < 4; i++)
		CHECK(trace[i].kind == FAULT_KIND_ANON_ZERO);
	for (i = 4; i < 8; i++)
		CHECK(trace[i].kind == FAULT_KIND_WP_COPY && trace[i].result == VM_FAULT_WRITE);
	for (i = 8; i < 12; i++)
		CHECK(trace[i].kind == FAULT_KIND_ANON_NEW);
	for (i = 0; i < 12; i++)
		CHECK(trace[i].tsc_end >= trace[i].tsc_start && trace[i].flags & FAULT_FLAG_USER);
	CHECK(mm->min_flt == 12 && soft_mmu_stats.task.min_flt == 12 && mm->maj_flt == 0);
	CHECK(soft_mmu_stats.faults == 12);

	CHECK(do_mmap(mm, NULL, BASE + 8 * PAGE_SIZE, 4 * PAGE_SIZE, RW,
		      FIXED | MAP_POPULATE, 0) == BASE + 8 * PAGE_SIZE);
	CHECK(ntrace == 16 && (trace[15].flags & FAULT_FLAG_POPULATE));
	CHECK(mm->min_flt == 12);
	mmput(mm);
	return true;
}

int main(void)
{
	tap_plan(15);
	TAP_RUN(test_read_maps_zero_page);
	TAP_RUN(test_write_allocates);
	TAP_RUN(test_zero_page_then_write);
	TAP_RUN(test_wp_reuse_after_mprotect);
	TAP_RUN(test_mprotect_keeps_writable);
	TAP_RUN(test_nx_and_kernel_addresses);
	TAP_RUN(test_accessed_dirty_bits);
	TAP_RUN(test_spurious_fault);
	TAP_RUN(test_hooks_sigbus);
	TAP_RUN(test_swap_entry_encoding);
	TAP_RUN(test_pte_helpers);
	TAP_RUN(test_oom);
	TAP_RUN(test_oom_mm_alloc);
	TAP_RUN(test_tlb_flushed_on_downgrade);
	TAP_RUN(test_trace_and_counters);
	unit_arena_destroy();
	return tap_finish();
}

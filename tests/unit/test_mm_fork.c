// SPDX-License-Identifier: MIT
/*
 * Host tests of fork (dup_mm) and copy-on-write through the software MMU: sharing after
 * fork, copy on the first write, reuse once the page is exclusive again (also after the
 * child's mm is torn down), the zero page, shared anonymous memory, VM_DONTCOPY,
 * out-of-memory during fork, and a random fork/write/exit workload checked against a
 * model, with refcount == mapcount == number of ptes for every page.
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
#define FIXED		(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
#define RW		(PROT_READ | PROT_WRITE)

static enum fault_kind last_kind;

static void record(const struct fault_trace_rec *rec)
{
	last_kind = rec->kind;
}

static void boot(void)
{
	unit_mm_boot(ARENA_SIZE);
	soft_mmu_reset();
	unit_fault_trace_hook = record;
}

static struct page *page_at(struct mm_struct *mm, unsigned long addr)
{
	u64 pte = soft_mmu_pte(mm, addr);

	return pte ? pfn_to_page(pte_pfn(__pte(pte))) : NULL;
}

static bool test_cow_basic(void)
{
	struct mm_struct *parent, *child;
	struct page *page;
	unsigned char v;

	boot();
	parent = mm_alloc();
	CHECK(parent);
	CHECK(do_mmap(parent, NULL, BASE, 2 * PAGE_SIZE, RW, FIXED, 0) == BASE);
	CHECK(umem_write8(parent, BASE, 11) == 0 && umem_write8(parent, BASE + PAGE_SIZE, 12) == 0);
	child = dup_mm(parent);
	CHECK(child && validate_mm(child) == 0 && child->map_count == 1);
	page = page_at(parent, BASE);
	CHECK(page == page_at(child, BASE));
	CHECK(page_ref_count(page) == 2 && page_mapcount(page) == 2);
	CHECK(!(soft_mmu_pte(parent, BASE) & _PAGE_RW) && !(soft_mmu_pte(child, BASE) & _PAGE_RW));
	CHECK(get_mm_counter(child, MM_ANONPAGES) == 2);
	CHECK(umem_read8(child, BASE, &v) == 0 && v == 11);

	/* The child writes: it gets a copy, the parent keeps the original. */
	CHECK(umem_write8(child, BASE, 21) == 0 && last_kind == FAULT_KIND_WP_COPY);
	CHECK(page_at(child, BASE) != page && page_at(parent, BASE) == page);
	CHECK(page_ref_count(page) == 1 && page_mapcount(page) == 1);
	CHECK(umem_read8(parent, BASE, &v) == 0 && v == 11);
	CHECK(umem_read8(child, BASE, &v) == 0 && v == 21);
	/* Now the parent's page is exclusive again: its write reuses it in place. */
	CHECK(umem_write8(parent, BASE, 31) == 0 && last_kind == FAULT_KIND_WP_REUSE);
	CHECK(page_at(parent, BASE) == page);
	CHECK(umem_read8(child, BASE, &v) == 0 && v == 21);
	/* The second page is still shared: the parent copies it. */
	CHECK(umem_write8(parent, BASE + PAGE_SIZE, 32) == 0 && last_kind == FAULT_KIND_WP_COPY);
	CHECK(umem_read8(child, BASE + PAGE_SIZE, &v) == 0 && v == 12);
	mmput(child);
	mmput(parent);
	return true;
}

/* After the child's mm is torn down, the parent's next write is a reuse, not a copy. */
static bool test_reuse_after_child_exit(void)
{
	struct mm_struct *parent, *child;
	unsigned long nfree;
	struct page *page;
	unsigned int i;

	boot();
	nfree = nr_free_pages();
	parent = mm_alloc();
	CHECK(parent);
	CHECK(do_mmap(parent, NULL, BASE, 8 * PAGE_SIZE, RW, FIXED, 0) == BASE);
	for (i = 0; i < 8; i++)
		CHECK(umem_write8(parent, BASE + i * PAGE_SIZE, i) == 0);
	page = page_at(parent, BASE + 3 * PAGE_SIZE);
	child = dup_mm(parent);
	CHECK(child);
	CHECK(page_ref_count(page) == 2);
	mmput(child);
	CHECK(page_ref_count(page) == 1 && page_mapcount(page) == 1);
	for (i = 0; i < 8; i++) {
		CHECK(umem_write8(parent, BASE + i * PAGE_SIZE, 100 + i) == 0);
		CHECK(last_kind == FAULT_KIND_WP_REUSE);
	}
	CHECK(page_at(parent, BASE + 3 * PAGE_SIZE) == page);
	mmput(parent);
	CHECK(nr_free_pages() == nfree);
	return true;
}

static bool test_zero_page_and_readonly(void)
{
	struct mm_struct *parent, *child;
	unsigned char v = 1;

	boot();
	parent = mm_alloc();
	CHECK(parent);
	CHECK(do_mmap(parent, NULL, BASE, PAGE_SIZE, RW, FIXED, 0) == BASE);
	CHECK(do_mmap(parent, NULL, BASE + PAGE_SIZE, PAGE_SIZE, PROT_READ, FIXED, 0) ==
	      BASE + PAGE_SIZE);
	CHECK(umem_read8(parent, BASE, &v) == 0 && v == 0);		/* zero page */
	CHECK(umem_read8(parent, BASE + PAGE_SIZE, &v) == 0);
	child = dup_mm(parent);
	CHECK(child);
	CHECK(page_at(child, BASE) == zero_page && page_ref_count(zero_page) == 1);
	CHECK(umem_write8(child, BASE, 7) == 0 && last_kind == FAULT_KIND_WP_COPY);
	CHECK(umem_read8(parent, BASE, &v) == 0 && v == 0);
	CHECK(umem_write8(child, BASE + PAGE_SIZE, 7) == SIGSEGV);
	CHECK(umem_write8(parent, BASE, 8) == 0 && last_kind == FAULT_KIND_WP_COPY);
	CHECK(umem_read8(child, BASE, &v) == 0 && v == 7);
	mmput(parent);
	CHECK(umem_read8(child, BASE, &v) == 0 && v == 7);
	mmput(child);
	return true;
}

static bool test_shared_anon_and_dontcopy(void)
{
	struct mm_struct *parent, *child;
	unsigned long shared;
	unsigned char v;

	boot();
	parent = mm_alloc();
	CHECK(parent);
	shared = do_mmap(parent, NULL, 0, PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS, 0);
	CHECK(!IS_ERR_VALUE(shared));
	CHECK(do_mmap(parent, NULL, BASE, PAGE_SIZE, RW, FIXED, 0) == BASE);
	CHECK(umem_write8(parent, BASE, 1) == 0);
	find_vma(parent, BASE)->vm_flags |= VM_DONTCOPY;
	child = dup_mm(parent);
	CHECK(child && child->map_count == 1 && child->total_vm == 1);
	CHECK(umem_write8(child, shared, 42) == 0);
	CHECK(umem_read8(parent, shared, &v) == 0 && v == 42);
	CHECK(umem_write8(parent, shared + 1, 43) == 0);
	CHECK(umem_read8(child, shared + 1, &v) == 0 && v == 43);
	CHECK(soft_mmu_pte(child, shared) & _PAGE_RW);	/* shared: never write-protected */
	CHECK(umem_read8(child, BASE, &v) == SIGSEGV);	/* not inherited */
	CHECK(page_at(parent, BASE) && page_ref_count(page_at(parent, BASE)) == 1);
	mmput(child);
	CHECK(umem_read8(parent, shared, &v) == 0 && v == 42);
	mmput(parent);
	return true;
}

static bool test_fork_oom(void)
{
	struct page **hog = calloc(ARENA_SIZE / PAGE_SIZE, sizeof(*hog));
	struct mm_struct *parent, *child;
	unsigned long n = 0, nfree, i, tried, forked = 0;
	struct page *page;
	unsigned char v;

	CHECK(hog);
	boot();
	parent = mm_alloc();
	CHECK(parent);
	/* Two pmds' worth of pages, so the child needs several page tables. */
	CHECK(do_mmap(parent, NULL, BASE, 4 * PAGE_SIZE, RW, FIXED, 0) == BASE);
	CHECK(do_mmap(parent, NULL, BASE + (1UL << 30), 4 * PAGE_SIZE, RW, FIXED, 0) ==
	      BASE + (1UL << 30));
	for (i = 0; i < 4; i++) {
		CHECK(umem_write8(parent, BASE + i * PAGE_SIZE, i) == 0);
		CHECK(umem_write8(parent, BASE + (1UL << 30) + i * PAGE_SIZE, i) == 0);
	}
	nfree = nr_free_pages();
	/* Leave 0, 1, 2, ... pages free: every failure point of dup_mm in turn. */
	for (tried = 0; tried < 12; tried++) {
		while (nr_free_pages() > tried && (page = alloc_page(GFP_KERNEL)) != NULL)
			hog[n++] = page;
		child = dup_mm(parent);
		if (child) {
			CHECKF(tried >= 6, "fork succeeded with %lu free pages", tried);
			forked++;
			mmput(child);
		}
		CHECK(nr_free_pages() == tried);
		while (n)
			__free_page(hog[--n]);
		CHECK(nr_free_pages() == nfree);
		page = page_at(parent, BASE);
		CHECK(page_ref_count(page) == 1 && page_mapcount(page) == 1);
	}
	CHECK(forked > 0 && forked < 12);
	/* The parent's pages are exclusive again: writes reuse them. */
	CHECK(umem_write8(parent, BASE, 9) == 0 && last_kind == FAULT_KIND_WP_REUSE);
	CHECK(umem_read8(parent, BASE + (1UL << 30) + 3 * PAGE_SIZE, &v) == 0 && v == 3);
	mmput(parent);
	free(hog);
	return true;
}

/*
 * Random writes, forks and exits over up to 6 address spaces of 16 pages each, against a
 * byte-per-page model. After every step each page's data matches, and every mapped page
 * has refcount == mapcount == the number of ptes mapping it.
 */
#define NMM	6
#define NPG	16

static struct mm_struct *mms[NMM];
static unsigned char model[NMM][NPG];

static bool check_refcounts(void)
{
	static unsigned int ptes[ARENA_SIZE / PAGE_SIZE];
	unsigned int m, i;

	memset(ptes, 0, sizeof(ptes));
	for (m = 0; m < NMM; m++)
		for (i = 0; mms[m] && i < NPG; i++) {
			struct page *p = page_at(mms[m], BASE + i * PAGE_SIZE);

			if (p && p != zero_page)
				ptes[page_to_pfn(p)]++;
		}
	for (i = 0; i < ARENA_SIZE / PAGE_SIZE; i++) {
		struct page *p = pfn_to_page(i);

		if (!ptes[i])
			continue;
		CHECKF(page_ref_count(p) == (int)ptes[i] && page_mapcount(p) == (int)ptes[i],
		       "pfn %#x: ref %d map %d ptes %u", i, page_ref_count(p), page_mapcount(p),
		       ptes[i]);
	}
	return true;
}

static bool test_random_fork_workload(void)
{
	unsigned long nfree;
	unsigned int step, m, i;

	boot();
	nfree = nr_free_pages();
	memset(mms, 0, sizeof(mms));
	mms[0] = mm_alloc();
	CHECK(mms[0]);
	CHECK(do_mmap(mms[0], NULL, BASE, NPG * PAGE_SIZE, RW, FIXED, 0) == BASE);
	memset(model, 0, sizeof(model));
	srand(99);
	for (step = 0; step < 3000; step++) {
		unsigned int op = rand() % 10, a = rand() % NMM, pg = rand() % NPG;
		unsigned char v;

		if (!mms[a])
			continue;
		if (op < 6) {
			v = (unsigned char)rand();
			CHECK(umem_write8(mms[a], BASE + pg * PAGE_SIZE, v) == 0);
			model[a][pg] = v;
		} else if (op < 8) {
			CHECK(umem_read8(mms[a], BASE + pg * PAGE_SIZE, &v) == 0);
			CHECKF(v == model[a][pg], "step %u mm %u page %u: %u want %u", step, a, pg,
			       v, model[a][pg]);
		} else if (op == 8) {
			for (m = 0; m < NMM && mms[m]; m++)
				;
			if (m == NMM)
				continue;
			mms[m] = dup_mm(mms[a]);
			CHECK(mms[m]);
			memcpy(model[m], model[a], NPG);
		} else {
			unsigned int alive = 0;

			for (m = 0; m < NMM; m++)
				alive += mms[m] != NULL;
			if (alive == 1)
				continue;
			mmput(mms[a]);
			mms[a] = NULL;
		}
		if (step % 10 == 0 && !check_refcounts())
			return false;
	}
	for (m = 0; m < NMM; m++) {
		for (i = 0; mms[m] && i < NPG; i++) {
			unsigned char v;

			CHECK(umem_read8(mms[m], BASE + i * PAGE_SIZE, &v) == 0);
			CHECK(v == model[m][i]);
		}
	}
	CHECK(check_refcounts());
	for (m = 0; m < NMM; m++)
		if (mms[m])
			mmput(mms[m]);
	CHECK(nr_free_pages() == nfree && kmalloc_slab_pages() == 0);
	return true;
}

int main(void)
{
	tap_plan(6);
	TAP_RUN(test_cow_basic);
	TAP_RUN(test_reuse_after_child_exit);
	TAP_RUN(test_zero_page_and_readonly);
	TAP_RUN(test_shared_anon_and_dontcopy);
	TAP_RUN(test_fork_oom);
	TAP_RUN(test_random_fork_workload);
	unit_arena_destroy();
	return tap_finish();
}

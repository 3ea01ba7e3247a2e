// SPDX-License-Identifier: MIT
/*
 * Host tests of mm/page_alloc.c: mem_init() accounting, buddy split and merge, alignment,
 * exhaustion, reserved ranges and holes, __GFP_ZERO, reference counts, poisoning of free
 * pages, BUG on double free, and a random workload checked against an ownership map.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mm/memblock.h>
#include <mm/page_alloc.h>
#include "mm_test.h"

#define ARENA_SIZE	(16UL << 20)
#define ARENA_PAGES	(ARENA_SIZE / PAGE_SIZE)

static unsigned long blocks_before[NR_ORDERS];

static void save_blocks(void)
{
	unsigned int o;

	for (o = 0; o <= MAX_ORDER; o++)
		blocks_before[o] = nr_free_blocks(o);
}

static bool blocks_unchanged(void)
{
	unsigned int o;

	for (o = 0; o <= MAX_ORDER; o++)
		if (nr_free_blocks(o) != blocks_before[o]) {
			tap_diag("order %u: %lu free blocks, %lu before", o, nr_free_blocks(o),
				 blocks_before[o]);
			return false;
		}
	return true;
}

static bool test_boot_accounting(void)
{
	unsigned long map_pages;

	unit_mm_boot(ARENA_SIZE);
	map_pages = PFN_UP(ARENA_PAGES * sizeof(struct page));
	CHECK(max_pfn == ARENA_PAGES);
	CHECK(sizeof(struct page) == 64);
	/* Everything but page 0, mem_map[] itself and the zero page. */
	CHECK(totalram_pages == ARENA_PAGES - 1 - map_pages - 1);
	CHECK(PageReserved(zero_page) && PageZero(zero_page));
	CHECK(is_zero_pfn(page_to_pfn(zero_page)) && !is_zero_pfn(page_to_pfn(zero_page) + 1));
	CHECK(((unsigned long *)page_address(zero_page))[PAGE_SIZE / sizeof(long) - 1] == 0);
	CHECK(nr_free_pages() == totalram_pages);
	CHECK(PageReserved(pfn_to_page(0)));
	CHECK(PageReserved(virt_to_page(mem_map)));
	CHECK(nr_free_blocks(MAX_ORDER) >= 2);
	return true;
}

static bool test_conversions(void)
{
	struct page *page = alloc_page(GFP_KERNEL);

	CHECK(page);
	CHECK(pfn_to_page(page_to_pfn(page)) == page);
	CHECK(phys_to_page(page_to_phys(page)) == page);
	CHECK(phys_to_page(page_to_phys(page) + PAGE_SIZE - 1) == page);
	CHECK(page_address(page) == (char *)unit_arena_base + page_to_phys(page));
	CHECK(virt_to_page((char *)page_address(page) + 100) == page);
	CHECK(page_ref_count(page) == 1 && page_mapcount(page) == 0);
	__free_page(page);
	return true;
}

static bool test_split_and_merge(void)
{
	unsigned long nfree = nr_free_pages(), before0[NR_ORDERS], n = 0;
	struct page *page, *taken[64];
	unsigned int o, k;

	save_blocks();
	memcpy(before0, blocks_before, sizeof(before0));
	/* Take the free order-0 blocks, so that the next order-0 allocation has to split. */
	while (nr_free_blocks(0)) {
		CHECK(n < ARRAY_SIZE(taken));
		taken[n++] = alloc_page(GFP_KERNEL);
	}
	CHECK(nr_free_pages() == nfree - n);
	save_blocks();
	for (k = 0; k <= MAX_ORDER && !blocks_before[k]; k++)
		;
	CHECK(k > 0 && k <= MAX_ORDER);
	page = alloc_page(GFP_KERNEL);
	CHECK(page);
	CHECK(nr_free_pages() == nfree - n - 1);
	/* The smallest free block (order k) split into one free block of each order below. */
	for (o = 0; o < k; o++)
		CHECK(nr_free_blocks(o) == blocks_before[o] + 1);
	CHECK(nr_free_blocks(k) == blocks_before[k] - 1);
	__free_page(page);
	CHECK(blocks_unchanged());
	while (n)
		__free_page(taken[--n]);
	CHECK(nr_free_pages() == nfree);
	memcpy(blocks_before, before0, sizeof(before0));
	CHECK(blocks_unchanged());
	return true;
}

static bool test_order_alignment(void)
{
	unsigned long nfree = nr_free_pages();
	struct page *pages[NR_ORDERS];
	unsigned int o;

	save_blocks();
	for (o = 0; o <= MAX_ORDER; o++) {
		pages[o] = alloc_pages(GFP_KERNEL, o);
		CHECKF(pages[o], "order %u", o);
		CHECKF(page_to_pfn(pages[o]) % (1UL << o) == 0, "order %u at pfn %#lx", o,
		       page_to_pfn(pages[o]));
		CHECK(page_ref_count(pages[o]) == 1);
		if (o)
			CHECK(page_ref_count(pages[o] + 1) == 0);
	}
	CHECK(nr_free_pages() == nfree - ((1UL << NR_ORDERS) - 1));
	for (o = 0; o <= MAX_ORDER; o++)
		__free_pages(pages[o], o);
	CHECK(nr_free_pages() == nfree);
	CHECK(blocks_unchanged());
	CHECK(alloc_pages(GFP_KERNEL, MAX_ORDER + 1) == NULL);
	return true;
}

/* Allocate every page; each is unique, not reserved, not page 0; then free them all. */
static bool test_exhaustion(void)
{
	unsigned long nfree = nr_free_pages(), n = 0, i;
	struct page **all = calloc(ARENA_PAGES, sizeof(*all));
	unsigned char *seen = calloc(ARENA_PAGES, 1);
	struct page *page;

	CHECK(all && seen);
	save_blocks();
	while ((page = alloc_page(GFP_KERNEL)) != NULL) {
		unsigned long pfn = page_to_pfn(page);

		CHECK(n < ARENA_PAGES);
		CHECK(pfn != 0 && pfn < max_pfn);
		CHECKF(!seen[pfn], "pfn %#lx handed out twice", pfn);
		CHECK(!memblock_is_reserved(page_to_phys(page)));
		seen[pfn] = 1;
		all[n++] = page;
	}
	CHECK(n == nfree);
	CHECK(nr_free_pages() == 0);
	for (i = 0; i <= MAX_ORDER; i++)
		CHECK(alloc_pages(GFP_KERNEL, i) == NULL);
	for (i = 0; i < n; i++)
		__free_page(all[i]);
	CHECK(nr_free_pages() == nfree);
	CHECK(blocks_unchanged());		/* everything merged back */
	free(all);
	free(seen);
	return true;
}

static bool test_gfp_zero(void)
{
	unsigned long nfree = nr_free_pages(), n = 0, i, j;
	struct page **all = calloc(ARENA_PAGES, sizeof(*all));
	struct page *page;

	CHECK(all);
	while ((page = alloc_page(GFP_KERNEL)) != NULL) {
		memset(page_address(page), 0xa5, PAGE_SIZE);
		all[n++] = page;
	}
	for (i = 0; i < n; i++)
		__free_page(all[i]);
	n = 0;
	while ((page = alloc_page(GFP_KERNEL | __GFP_ZERO)) != NULL) {
		const unsigned long *w = page_address(page);

		for (j = 0; j < PAGE_SIZE / sizeof(*w); j++)
			CHECKF(w[j] == 0, "pfn %#lx word %lu", page_to_pfn(page), j);
		all[n++] = page;
	}
	CHECK(n == nfree);
	for (i = 0; i < n; i++)
		__free_page(all[i]);
	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 3);
	CHECK(page);
	for (j = 0; j < (PAGE_SIZE << 3); j++)
		CHECK(((unsigned char *)page_address(page))[j] == 0);
	__free_pages(page, 3);
	CHECK(nr_free_pages() == nfree);
	free(all);
	return true;
}

static bool test_refcount(void)
{
	unsigned long nfree = nr_free_pages();
	struct page *page = alloc_pages(GFP_KERNEL, 2);

	CHECK(page);
	get_page(page);
	CHECK(page_ref_count(page) == 2);
	__free_pages(page, 2);
	CHECK(nr_free_pages() == nfree - 4);	/* still referenced */
	CHECK(!arch_mem_is_poisoned(page_address(page)));
	__free_pages(page, 2);
	CHECK(nr_free_pages() == nfree);

	page = alloc_page(GFP_KERNEL);
	CHECK(page);
	get_page(page);
	put_page(page);
	CHECK(nr_free_pages() == nfree - 1);
	put_page(page);
	CHECK(nr_free_pages() == nfree);
	return true;
}

static bool test_free_pages_are_poisoned(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 1);
	char *va;

	CHECK(page);
	va = page_address(page);
	CHECK(!arch_mem_is_poisoned(va) && !arch_mem_is_poisoned(va + 2 * PAGE_SIZE - 1));
	__free_pages(page, 1);
	/* A use after free is an ASan report, not silent corruption. */
	CHECK(arch_mem_is_poisoned(va) && arch_mem_is_poisoned(va + 2 * PAGE_SIZE - 1));
	return true;
}

static bool test_get_free_pages(void)
{
	unsigned long nfree = nr_free_pages();
	unsigned long a = __get_free_pages(GFP_KERNEL, 1), z;

	CHECK(a && IS_ALIGNED(a - (unsigned long)unit_arena_base, 2 * PAGE_SIZE));
	memset((void *)a, 0xff, 2 * PAGE_SIZE);
	free_pages(a, 1);
	z = get_zeroed_page(GFP_KERNEL);
	CHECK(z);
	CHECK(((unsigned char *)z)[0] == 0 && ((unsigned char *)z)[PAGE_SIZE - 1] == 0);
	free_pages(z, 0);
	free_pages(0, 0);
	CHECK(nr_free_pages() == nfree);
	return true;
}

static void do_double_free(void *arg)
{
	struct page *page = alloc_page(GFP_KERNEL);

	__free_page(page);
	__free_page(page);
}

static void do_free_reserved(void *arg)
{
	put_page(virt_to_page(mem_map));
}

static void do_free_mapped(void *arg)
{
	struct page *page = alloc_page(GFP_KERNEL);

	page->_mapcount = 0;
	put_page(page);
}

static bool test_bad_frees_bug(void)
{
	unit_mm_boot(ARENA_SIZE);
	CHECK(unit_catch_panic(do_double_free, NULL));
	CHECK(strstr(unit_panic_message(), "_refcount"));
	unit_mm_boot(ARENA_SIZE);
	CHECK(unit_catch_panic(do_free_reserved, NULL));
	unit_mm_boot(ARENA_SIZE);
	CHECK(unit_catch_panic(do_free_mapped, NULL));
	return true;
}

/* RAM with a hole, reservations that cover pages partially, and an end that is not a
 * multiple of the largest block: none of it may be handed out or merged across. */
static bool test_holes_and_partial_reservations(void)
{
	const phys_addr_t ram1 = 0x300000, hole_end = 0x500000, end = 0x783000;
	const phys_addr_t r1 = 0x100800, r1_end = 0x102010;	/* pages 0x100..0x102 */
	unsigned long nfree, n = 0;
	struct page *page, **all;

	unit_arena_create(end);
	memblock_init();
	CHECK(memblock_add(0, ram1) == 0);
	CHECK(memblock_add(hole_end, end - hole_end) == 0);
	CHECK(memblock_reserve(r1, r1_end - r1) == 0);
	mem_init();
	nfree = nr_free_pages();
	CHECK(nfree == PFN_DOWN(ram1) + PFN_DOWN(end - hole_end) - 1 - 3 - 1 -
	      PFN_UP(PFN_DOWN(end) * sizeof(struct page)));
	all = calloc(nfree + 1, sizeof(*all));
	CHECK(all);
	while ((page = alloc_page(GFP_KERNEL)) != NULL) {
		phys_addr_t pa = page_to_phys(page);

		CHECK(pa != 0);
		CHECKF(pa < ram1 || pa >= hole_end, "page %#llx in the hole",
		       (unsigned long long)pa);
		CHECKF(pa + PAGE_SIZE <= r1 || pa >= r1_end, "page %#llx reserved",
		       (unsigned long long)pa);
		CHECK(pa + PAGE_SIZE <= end);
		all[n++] = page;
	}
	CHECK(n == nfree);
	while (n)
		__free_page(all[--n]);
	CHECK(nr_free_pages() == nfree);
	CHECK(PageReserved(phys_to_page(ram1)) && PageReserved(phys_to_page(r1)));
	free(all);
	return true;
}

/* Random allocations and frees of random orders, checked against an ownership map. */
static bool test_random_workload(void)
{
	struct blk {
		struct page *page;
		unsigned int order;
	} *live;
	unsigned long nfree, nlive = 0, step, i;
	unsigned int *owner;

	unit_mm_boot(ARENA_SIZE);
	nfree = nr_free_pages();
	save_blocks();
	live = calloc(ARENA_PAGES, sizeof(*live));
	owner = calloc(ARENA_PAGES, sizeof(*owner));
	CHECK(live && owner);
	srand(42);
	for (step = 0; step < 20000; step++) {
		if (nlive && (rand() % 100 < 45 || nlive == ARENA_PAGES)) {
			unsigned long k = rand() % nlive, pfn = page_to_pfn(live[k].page);
			unsigned int *tag = (unsigned int *)page_address(live[k].page);

			for (i = 0; i < (1UL << live[k].order); i++) {
				CHECK(owner[pfn + i] == pfn + 1);
				owner[pfn + i] = 0;
			}
			CHECK(*tag == pfn);		/* nobody else wrote into it */
			__free_pages(live[k].page, live[k].order);
			live[k] = live[--nlive];
		} else {
			unsigned int order = rand() % 100 < 70 ? 0 : rand() % (MAX_ORDER + 1);
			struct page *page = alloc_pages(GFP_KERNEL, order);
			unsigned long pfn;

			if (!page)
				continue;
			pfn = page_to_pfn(page);
			CHECK(pfn % (1UL << order) == 0 && pfn + (1UL << order) <= max_pfn);
			live[nlive].page = page;
			live[nlive].order = order;
			for (i = 0; i < (1UL << order); i++) {
				CHECKF(owner[pfn + i] == 0, "pfn %#lx handed out twice", pfn + i);
				owner[pfn + i] = pfn + 1;
			}
			*(unsigned int *)page_address(page) = pfn;
			nlive++;
		}
	}
	while (nlive) {
		nlive--;
		__free_pages(live[nlive].page, live[nlive].order);
	}
	CHECK(nr_free_pages() == nfree);
	CHECK(blocks_unchanged());
	free(live);
	free(owner);
	return true;
}

int main(void)
{
	tap_plan(12);
	TAP_RUN(test_boot_accounting);
	TAP_RUN(test_conversions);
	TAP_RUN(test_split_and_merge);
	TAP_RUN(test_order_alignment);
	TAP_RUN(test_exhaustion);
	TAP_RUN(test_gfp_zero);
	TAP_RUN(test_refcount);
	TAP_RUN(test_free_pages_are_poisoned);
	TAP_RUN(test_get_free_pages);
	TAP_RUN(test_bad_frees_bug);
	TAP_RUN(test_holes_and_partial_reservations);
	TAP_RUN(test_random_workload);
	unit_arena_destroy();
	return tap_finish();
}

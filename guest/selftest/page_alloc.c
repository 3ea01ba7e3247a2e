// SPDX-License-Identifier: MIT
/*
 * Self-tests of the buddy allocator in the real guest: every order from 0 to MAX_ORDER
 * gives an aligned block of RAM that nothing reserved overlaps and no other live block
 * overlaps; many single pages are all distinct (and exhausting a small machine yields
 * exactly nr_free_pages()); the free count comes back after each test; __GFP_ZERO zeroes.
 */
#include <mm/memblock.h>
#include <mm/page_alloc.h>
#include <guest/bootinfo.h>
#include <guest/selftest.h>
#include <guest/setup.h>

/* The block is RAM, reserved by nobody, and was handed out whole (refcount 1). */
static bool block_ok(struct page *page, unsigned int order)
{
	u64 pa = page_to_phys(page), len = PAGE_SIZE << order;

	return boot_range_is_ram(&boot_info, pa, len) && !bootmem_overlaps_reserved(pa, len) &&
	       !memblock_is_reserved(pa) && !memblock_is_reserved(pa + len - 1) &&
	       IS_ALIGNED(page_to_pfn(page), 1UL << order) && page_ref_count(page) == 1;
}

/* Every page of the block is writable memory (one word each: cheap under emulation). */
static void touch_block(struct page *page, unsigned int order)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++)
		*(volatile u64 *)page_address(page + i) = page_to_phys(page + i);
}

int selftest_page_alloc_orders(void)
{
	struct page *blocks[MAX_ORDER + 1];
	unsigned long before = nr_free_pages();
	unsigned int order, other;

	for (order = 0; order <= MAX_ORDER; order++) {
		blocks[order] = alloc_pages(GFP_KERNEL, order);
		ST_ASSERT(blocks[order] != NULL);
		ST_ASSERT(block_ok(blocks[order], order));
		for (other = 0; other < order; other++) {
			u64 a = page_to_phys(blocks[order]), b = page_to_phys(blocks[other]);

			ST_ASSERT(a + (PAGE_SIZE << order) <= b || b + (PAGE_SIZE << other) <= a);
		}
		touch_block(blocks[order], order);
	}
	ST_ASSERT_EQ(before - nr_free_pages(), (1UL << (MAX_ORDER + 1)) - 1);
	ST_ASSERT(alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER + 1) == NULL);
	for (order = 0; order <= MAX_ORDER; order++)
		__free_pages(blocks[order], order);
	ST_ASSERT_EQ(nr_free_pages(), before);
	return SELFTEST_PASS;
}

/*
 * Take up to PAGES_MANY free pages one at a time (all of them on a small machine, which
 * must then run dry), chaining them through their first word. Each is tagged with its own
 * physical address and all tags are checked afterwards: a page handed out twice shows up
 * as a wrong tag.
 */
#define PAGES_MANY	2048

int selftest_page_alloc_many(void)
{
	unsigned long before = nr_free_pages(), count = 0, bad = 0;
	unsigned long want = MIN(before, (unsigned long)PAGES_MANY);
	struct page *page = NULL;
	u64 *head = NULL, *p, *next;

	while (count < PAGES_MANY && (page = alloc_page(GFP_KERNEL | __GFP_NOWARN))) {
		if (!block_ok(page, 0))
			bad++;
		p = page_address(page);
		p[0] = (u64)(uintptr_t)head;
		p[1] = page_to_phys(page);
		head = p;
		count++;
	}
	ST_ASSERT_EQ(nr_free_pages(), before - count);
	for (p = head; p; p = (u64 *)(uintptr_t)p[0])
		if (p[1] != __pa(p))
			bad++;
	for (p = head; p; p = next) {
		next = (u64 *)(uintptr_t)p[0];
		__free_page(virt_to_page(p));
	}
	printk("# allocated and freed %lu of %lu free pages\n", count, before);
	ST_ASSERT_EQ(bad, 0);
	ST_ASSERT_EQ(count, want);
	if (before <= PAGES_MANY)
		ST_ASSERT(page == NULL);	/* ran dry exactly at nr_free_pages() */
	ST_ASSERT_EQ(nr_free_pages(), before);
	return SELFTEST_PASS;
}

int selftest_page_alloc_zero(void)
{
	unsigned long before = nr_free_pages();
	unsigned int order, i;
	struct page *page;
	u8 *p;

	for (order = 0; order <= 3; order++) {
		/* Dirty a block, free it, and ask for zeroed memory of the same order: the
		 * buddy allocator hands back the block just freed first. */
		page = alloc_pages(GFP_KERNEL, order);
		ST_ASSERT(page != NULL);
		memset(page_address(page), 0xa5, PAGE_SIZE << order);
		__free_pages(page, order);
		page = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
		ST_ASSERT(page != NULL);
		p = page_address(page);
		for (i = 0; i < (PAGE_SIZE << order) && !p[i]; i++)
			;
		__free_pages(page, order);
		ST_ASSERT_EQ(i, PAGE_SIZE << order);
	}
	ST_ASSERT_EQ(nr_free_pages(), before);
	return SELFTEST_PASS;
}

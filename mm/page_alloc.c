// SPDX-License-Identifier: MIT
/*
 * The frame table and the buddy allocator: mem_init() builds mem_map[] from memblock and
 * frees every unreserved page; alloc_pages()/__free_pages() split and merge power-of-two
 * blocks of orders 0..MAX_ORDER. Free memory is poisoned for the host's AddressSanitizer.
 */
#include "internal.h"

struct page *mem_map;
unsigned long max_pfn;
unsigned long totalram_pages;
struct page *zero_page;

struct free_area {
	struct list_head free_list;
	unsigned long nr_free;		/* blocks of this order */
};

static struct free_area free_area[NR_ORDERS];
static spinlock_t zone_lock = __SPIN_LOCK_UNLOCKED;

static void add_to_free_list(struct page *page, unsigned int order)
{
	SetPageFlag(page, PG_buddy);
	page->private = order;
	list_add(&page->lru, &free_area[order].free_list);
	free_area[order].nr_free++;
}

static void del_page_from_free_list(struct page *page, unsigned int order)
{
	list_del_init(&page->lru);
	ClearPageFlag(page, PG_buddy);
	page->private = 0;
	free_area[order].nr_free--;
}

/* A free block of the same order starts at @buddy: the two may merge. */
static bool page_is_buddy(const struct page *buddy, unsigned int order)
{
	return PageBuddy(buddy) && buddy->private == order;
}

/*
 * Put the 2^@order block at @pfn on the free lists, merging it with its buddy for as long
 * as the buddy is free and of the same order. Called with zone_lock held.
 */
static void __free_one_page(unsigned long pfn, unsigned int order)
{
	while (order < MAX_ORDER) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy;

		if (!pfn_valid(buddy_pfn))
			break;
		buddy = pfn_to_page(buddy_pfn);
		if (!page_is_buddy(buddy, order))
			break;
		del_page_from_free_list(buddy, order);
		pfn &= buddy_pfn;
		order++;
	}
	add_to_free_list(pfn_to_page(pfn), order);
}

/* Take a block of at least 2^@order pages off the free lists, splitting a larger one and
 * returning its upper halves ("expand"). Called with zone_lock held. */
static struct page *__rmqueue(unsigned int order)
{
	unsigned int o;

	for (o = order; o <= MAX_ORDER; o++) {
		struct page *page;

		if (list_empty(&free_area[o].free_list))
			continue;
		page = list_first_entry(&free_area[o].free_list, struct page, lru);
		del_page_from_free_list(page, o);
		while (o > order) {
			o--;
			add_to_free_list(page + (1UL << o), o);
		}
		return page;
	}
	return NULL;
}

/* Every page of a block leaving or entering the free lists must be clean. */
static void check_free_block(const struct page *page, unsigned int order)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++) {
		BUG_ON(page[i]._refcount != 0);
		BUG_ON(page[i]._mapcount != -1);
		BUG_ON(page[i].flags & ~(1UL << PG_buddy));
	}
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	struct page *page;

	if (order > MAX_ORDER)
		return NULL;
	spin_lock(&zone_lock);
	page = __rmqueue(order);
	spin_unlock(&zone_lock);
	if (!page)
		return NULL;

	check_free_block(page, order);
	page->_refcount = 1;
	page->mapping = NULL;
	page->index = 0;
	page->private = 0;
	arch_mem_unpoison(page_address(page), PAGE_SIZE << order);
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
	return page;
}

/* The last reference to a 2^@order block is gone: return it to the buddy lists. */
static void free_pages_ok(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);

	BUG_ON(!pfn_valid(pfn) || (pfn & ((1UL << order) - 1)));
	page->flags = 0;
	page->mapping = NULL;
	page->private = 0;
	check_free_block(page, order);
	arch_mem_poison(page_address(page), PAGE_SIZE << order);
	spin_lock(&zone_lock);
	__free_one_page(pfn, order);
	spin_unlock(&zone_lock);
}

/* A page whose count drops to zero must not be reserved, on a free list, still mapped, or
 * locked or under writeback (a page-cache reference count bug). */
static void check_last_put(const struct page *page)
{
	BUG_ON(page->flags & ((1UL << PG_reserved) | (1UL << PG_buddy) | (1UL << PG_slab)));
	BUG_ON(page->flags & ((1UL << PG_locked) | (1UL << PG_writeback)));
	BUG_ON(page->_mapcount != -1);
}

void __free_pages(struct page *page, unsigned int order)
{
	BUG_ON(order > MAX_ORDER);
	BUG_ON(page->_refcount <= 0);
	if (--page->_refcount)
		return;
	check_last_put(page);
	free_pages_ok(page, order);
}

void put_page(struct page *page)
{
	unsigned int order = 0;

	BUG_ON(page->_refcount <= 0);
	if (--page->_refcount)
		return;
	check_last_put(page);
	if (PageHead(page))
		order = page->private;
	free_pages_ok(page, order);
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page((void *)addr), order);
}

unsigned long nr_free_blocks(unsigned int order)
{
	unsigned long n;

	if (order > MAX_ORDER)
		return 0;
	spin_lock(&zone_lock);
	n = free_area[order].nr_free;
	spin_unlock(&zone_lock);
	return n;
}

unsigned long nr_free_pages(void)
{
	unsigned long n = 0;
	unsigned int o;

	spin_lock(&zone_lock);
	for (o = 0; o <= MAX_ORDER; o++)
		n += free_area[o].nr_free << o;
	spin_unlock(&zone_lock);
	return n;
}

/* Free [pfn, end) in the largest aligned blocks that fit; they merge as they go. */
static void free_boot_range(unsigned long pfn, unsigned long end)
{
	while (pfn < end) {
		unsigned int order = MIN((unsigned int)__builtin_ctzl(pfn), MAX_ORDER);
		unsigned long i;

		while (pfn + (1UL << order) > end)
			order--;
		for (i = 0; i < (1UL << order); i++) {
			mem_map[pfn + i].flags = 0;
			mem_map[pfn + i]._refcount = 0;
		}
		arch_mem_poison(__va(PFN_PHYS(pfn)), PAGE_SIZE << order);
		__free_one_page(pfn, order);
		totalram_pages += 1UL << order;
		pfn += 1UL << order;
	}
}

void mem_init(void)
{
	phys_addr_t cursor, start, end, map, zero;
	unsigned long pfn, size;
	unsigned int o;

	max_pfn = PFN_DOWN(memblock_end_of_DRAM());
	size = max_pfn * sizeof(struct page);
	map = memblock_alloc(size, PAGE_SIZE);
	zero = memblock_alloc(PAGE_SIZE, PAGE_SIZE);
	if (!max_pfn || !map || !zero)
		panic("mem_init: no room for %lu struct pages (%lu bytes) and the zero page",
		      max_pfn, size);
	mem_map = __va(map);
	memset(__va(zero), 0, PAGE_SIZE);

	/* Everything starts reserved with one reference; free ranges are released below. */
	for (pfn = 0; pfn < max_pfn; pfn++) {
		struct page *page = &mem_map[pfn];

		memset(page, 0, sizeof(*page));
		page->flags = 1UL << PG_reserved;
		page->_refcount = 1;
		page->_mapcount = -1;
		INIT_LIST_HEAD(&page->lru);
	}
	zero_page = phys_to_page(zero);
	SetPageFlag(zero_page, PG_zero);
	for (o = 0; o <= MAX_ORDER; o++) {
		INIT_LIST_HEAD(&free_area[o].free_list);
		free_area[o].nr_free = 0;
	}
	spin_lock_init(&zone_lock);
	totalram_pages = 0;

	spin_lock(&zone_lock);
	for_each_free_mem_range(cursor, start, end) {
		/* Page 0 is never handed out: physical 0 always means "none". */
		unsigned long first = MAX(PFN_UP(start), 1UL), last = PFN_DOWN(end);

		if (first < last)
			free_boot_range(first, last);
	}
	spin_unlock(&zone_lock);
	memblock.retired = true;
	kmalloc_init();
	pagecache_init();
}

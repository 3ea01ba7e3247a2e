// SPDX-License-Identifier: MIT
/*
 * Reclaim of page-cache pages, a small part of Linux's mm/vmscan.c: every page-cache page
 * is on one LRU list in the order it entered the cache; when an allocation for the page
 * cache or a user fault fails or finds free memory below the low watermark (kept for
 * allocations that cannot reclaim), shrink_page_cache() walks from the oldest end and drops
 * clean pages that nobody else holds, first unmapping them from their file's VMAs (the
 * pte dirty bits move to the page, which then stays). Dirty pages and pages under I/O are
 * skipped: writeback makes them reclaimable later. Anonymous memory is not reclaimed (no
 * swap yet), so a file larger than RAM can be read and mapped end to end.
 */
#include "internal.h"

#define SWAP_CLUSTER_MAX	32UL	/* pages reclaimed per attempt, as Linux */

static LIST_HEAD(page_cache_lru);

void pagecache_init(void)
{
	INIT_LIST_HEAD(&page_cache_lru);
	nr_file_pages = nr_file_dirty = nr_writeback = 0;
}

void lru_cache_add(struct page *page)
{
	list_add_tail(&page->lru, &page_cache_lru);
}

void lru_cache_del(struct page *page)
{
	list_del_init(&page->lru);
}

/* Try to take @page out of the cache. True if it went. */
static bool reclaim_page(struct page *page)
{
	struct address_space *mapping = page_mapping(page);
	bool freed = false;

	if (PageLocked(page) || PageDirty(page) || PageWriteback(page) || !mapping)
		return false;
	get_page(page);
	if (!trylock_page(page))
		goto out;
	if (page_mapcount(page))
		unmap_mapping_pages(mapping, page->index, 1, false);
	/* Ours and the cache's references only: no pte, no one in the middle of using it. */
	if (page->mapping == mapping && !PageDirty(page) && !page_mapcount(page) &&
	    page_ref_count(page) == 2) {
		delete_from_page_cache(page);
		freed = true;
	}
	unlock_page(page);
out:
	put_page(page);
	return freed;
}

unsigned long shrink_page_cache(unsigned long nr_to_reclaim)
{
	unsigned long scan = nr_file_pages, freed = 0;

	while (scan-- && freed < nr_to_reclaim && !list_empty(&page_cache_lru)) {
		struct page *page = list_first_entry(&page_cache_lru, struct page, lru);

		/* Oldest first; one that stays moves to the young end. */
		list_del_init(&page->lru);
		list_add_tail(&page->lru, &page_cache_lru);
		if (reclaim_page(page))
			freed++;
	}
	return freed;
}

/*
 * Free pages kept for allocations that cannot reclaim (kmalloc for bios and requests, an
 * indirect block read under a locked page): a 64th of RAM, as Linux's low watermark.
 */
static bool below_low_watermark(void)
{
	return nr_free_pages() < totalram_pages / 64;
}

struct page *alloc_page_reclaim(gfp_t gfp)
{
	struct page *page;

	if (below_low_watermark())
		shrink_page_cache(SWAP_CLUSTER_MAX);
	page = alloc_page(gfp | __GFP_NOWARN);

	if (!page && shrink_page_cache(SWAP_CLUSTER_MAX))
		page = alloc_page(gfp);
	return page;
}

// SPDX-License-Identifier: MIT
/*
 * Removing file pages from the page cache when a file shrinks (Linux's mm/truncate.c):
 * truncate_inode_pages() drops whole pages past the new end, waiting for their I/O and
 * unmapping them, and zeroes the tail of a partial last page; truncate_setsize() is what a
 * filesystem's setattr calls: new i_size, then ptes and pages beyond it go.
 */
#include "internal.h"

/* Zero [@from, PAGE_SIZE) of @page. */
static void zero_page_tail(struct page *page, unsigned int from)
{
	memset((char *)page_address(page) + from, 0, PAGE_SIZE - from);
}

void truncate_inode_pages(struct address_space *mapping, u64 lstart)
{
	pgoff_t start = (lstart + PAGE_SIZE - 1) >> PAGE_SHIFT, index;
	unsigned int partial = lstart & ~PAGE_MASK;
	struct page *page;

	xa_for_each_range(&mapping->i_pages, index, page, start, ~0UL - 1, XA_PRESENT) {
		get_page(page);
		lock_page(page);
		if (page->mapping == mapping) {
			wait_on_page_writeback(page);
			if (page_mapcount(page))
				unmap_mapping_pages(mapping, index, 1, false);
			delete_from_page_cache(page);
		}
		unlock_page(page);
		put_page(page);
	}
	if (!partial)
		return;
	page = find_lock_page(mapping, lstart >> PAGE_SHIFT);
	if (!page)
		return;
	/* The bytes past the new end must read as zeroes if the file grows again. */
	wait_on_page_writeback(page);
	if (PageUptodate(page))
		zero_page_tail(page, partial);
	unlock_page(page);
	put_page(page);
}

void truncate_setsize(struct address_space *mapping, u64 newsize)
{
	u64 holebegin = PAGE_ALIGN(newsize);

	mapping->i_size = newsize;
	/* Private COW copies of pages past the end go too: their accesses get SIGBUS. */
	unmap_mapping_pages(mapping, holebegin >> PAGE_SHIFT, 0, true);
	truncate_inode_pages(mapping, newsize);
}

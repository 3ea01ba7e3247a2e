// SPDX-License-Identifier: MIT
/*
 * Reverse-map accounting of mapped pages: _mapcount counts the ptes mapping a page (-1 =
 * none). The reverse map proper (anon_vma, page_referenced, try_to_unmap) comes with
 * reclaim in a later issue; page->mapping/index are already filled for it.
 */
#include "internal.h"

static pgoff_t linear_page_index(const struct vm_area_struct *vma, unsigned long address)
{
	return vma->vm_pgoff + ((address - vma->vm_start) >> PAGE_SHIFT);
}

/* A fresh anonymous page gets its first mapping. */
void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma,
			    unsigned long address)
{
	BUG_ON(page->_mapcount != -1);
	SetPageFlag(page, PG_anon);
	page->_mapcount = 0;
	page->mapping = vma->anon_vma;
	page->index = linear_page_index(vma, address);
}

/* One more pte maps an already mapped page (fork). */
void page_dup_rmap(struct page *page)
{
	BUG_ON(page->_mapcount < 0);
	page->_mapcount++;
}

/* A pte mapping @page went away. */
void page_remove_rmap(struct page *page, struct vm_area_struct *vma)
{
	BUG_ON(page->_mapcount < 0);
	page->_mapcount--;
}

// SPDX-License-Identifier: MIT
/*
 * Reverse-map accounting of mapped pages: _mapcount counts the ptes mapping a page (-1 =
 * none). File pages are found through their mapping's i_mmap list of VMAs (page_mkclean);
 * the anonymous reverse map (anon_vma, page_referenced, try_to_unmap) comes with reclaim
 * in a later issue; page->mapping/index are already filled for it.
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

/* A page-cache page gets one more pte. */
void page_add_file_rmap(struct page *page, struct vm_area_struct *vma)
{
	BUG_ON(PageAnon(page));
	page->_mapcount++;
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

/* Write-protect and clean the pte mapping @page in shared @vma, if any. True if it was
 * dirty or writable. */
static bool page_mkclean_one(struct page *page, struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr;
	bool cleaned = false;
	pte_t *pte, entry;

	if (page->index < vma->vm_pgoff || page->index - vma->vm_pgoff >= vma_pages(vma))
		return false;
	addr = vma->vm_start + ((page->index - vma->vm_pgoff) << PAGE_SHIFT);
	pte = follow_pte(mm, addr);
	if (!pte)
		return false;
	entry = ptep_get(pte);
	if (pte_present(entry) && pte_pfn(entry) == page_to_pfn(page) &&
	    (pte_dirty(entry) || pte_write(entry))) {
		set_pte(pte, pte_wrprotect(pte_mkclean(entry)));
		flush_tlb_page(mm, addr);
		cleaned = true;
	}
	pte_unmap_unlock(mm, pte);
	return cleaned;
}

bool page_mkclean(struct page *page)
{
	struct address_space *mapping = page->mapping;
	struct vm_area_struct *vma;
	bool cleaned = false;

	BUG_ON(!PageLocked(page));
	if (!mapping || PageAnon(page) || !page_mapcount(page))
		return false;
	/* Private VMAs map page-cache pages read-only and clean: only shared ones matter. */
	list_for_each_entry(vma, &mapping->i_mmap, shared)
		if (vma->vm_flags & VM_SHARED)
			cleaned |= page_mkclean_one(page, vma);
	return cleaned;
}

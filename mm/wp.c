// SPDX-License-Identifier: MIT
/*
 * Write faults on present read-only ptes (Linux's do_wp_page and helpers): reuse the page
 * when this pte is its only user, otherwise copy it (copy-on-write after fork, the first
 * write after a read mapped the zero page, or a private write to a page-cache page); a
 * clean page of a shared file mapping goes through page_mkwrite and is dirtied.
 */
#include "internal.h"

/*
 * The page is ours alone, or the mapping is shared: make the pte writable in place.
 * Called with the page table lock held; releases it. The CPU dropped the read-only TLB
 * entry when it faulted, so no flush is needed for this upgrade.
 */
static vm_fault_t wp_page_reuse(struct vm_fault *vmf)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	pte_t entry = pte_mkwrite(pte_mkdirty(pte_mkyoung(vmf->orig_pte)));

	set_pte(vmf->pte, entry);
	pte_unmap_unlock(mm, vmf->pte);
	vmf->kind = FAULT_KIND_WP_REUSE;
	return VM_FAULT_WRITE;
}

/*
 * Map a private writable copy of vmf->page (a zeroed page if it is NULL: the zero page).
 * Called with the lock released and, if vmf->page is set, with a reference on it that
 * this function drops. The pte is re-checked after the allocation: if it changed, the
 * copy is thrown away and the access retried.
 */
static vm_fault_t wp_page_copy(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct page *old_page = vmf->page, *new_page;
	vm_fault_t ret = 0;
	pte_t entry;

	new_page = alloc_page_reclaim(old_page ? GFP_USER : GFP_USER | __GFP_ZERO);
	if (!new_page) {
		if (old_page)
			put_page(old_page);
		return VM_FAULT_OOM;
	}
	if (old_page)
		memcpy(page_address(new_page), page_address(old_page), PAGE_SIZE);

	vmf->pte = pte_offset_map(vmf->pmd, vmf->address);
	spin_lock(&mm->page_table_lock);
	if (pte_same(ptep_get(vmf->pte), vmf->orig_pte)) {
		if (old_page) {
			page_remove_rmap(old_page, vma);
			if (!PageAnon(old_page)) {
				mm->rss[MM_FILEPAGES]--;
				mm->rss[MM_ANONPAGES]++;
			}
		} else {
			mm->rss[MM_ANONPAGES]++;
		}
		entry = mk_pte(new_page, vma->vm_page_prot);
		entry = pte_mkwrite(pte_mkdirty(pte_mkyoung(entry)));
		page_add_new_anon_rmap(new_page, vma, vmf->address);
		/* Another frame: the old translation must be gone from the TLB. */
		pte_clear(vmf->pte);
		flush_tlb_page(mm, vmf->address);
		set_pte(vmf->pte, entry);
		if (old_page)
			put_page(old_page);	/* the reference the old pte held */
		new_page = NULL;
		vmf->kind = FAULT_KIND_WP_COPY;
		ret = VM_FAULT_WRITE;
	}
	pte_unmap_unlock(mm, vmf->pte);
	if (new_page)
		put_page(new_page);
	if (old_page)
		put_page(old_page);		/* the caller's reference */
	return ret;
}

/*
 * A write to a clean (write-protected) page of a shared file mapping: ask the filesystem
 * (page_mkwrite), make the pte writable again if it did not change meanwhile, and dirty
 * the page. Called with the page table lock held; releases it. Linux's wp_page_shared().
 */
static vm_fault_t wp_page_shared(struct vm_fault *vmf)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	struct page *page = vmf->page;
	vm_fault_t tmp;

	get_page(page);
	pte_unmap_unlock(mm, vmf->pte);
	tmp = do_page_mkwrite(vmf, page);
	if (tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)) {
		put_page(page);
		return tmp;
	}
	/* finish_mkwrite_fault(): the pte must still be the one we saw. */
	vmf->pte = pte_offset_map(vmf->pmd, vmf->address);
	spin_lock(&mm->page_table_lock);
	if (!pte_same(ptep_get(vmf->pte), vmf->orig_pte)) {
		pte_unmap_unlock(mm, vmf->pte);
		unlock_page(page);
		put_page(page);
		return VM_FAULT_NOPAGE;
	}
	wp_page_reuse(vmf);			/* unlocks the pte */
	fault_dirty_shared_page(vmf);		/* unlocks the page */
	put_page(page);
	vmf->kind = FAULT_KIND_FILE_SHARED;
	return VM_FAULT_WRITE;
}

vm_fault_t do_wp_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page;

	if (!(vma->vm_flags & VM_WRITE)) {
		pte_unmap_unlock(vma->vm_mm, vmf->pte);
		return VM_FAULT_SIGSEGV;
	}
	page = vmf->page = vm_normal_page(vma, vmf->address, vmf->orig_pte);
	if (vma->vm_flags & VM_SHARED) {
		if (page && !PageAnon(page) && vma->vm_ops && vma->vm_ops->page_mkwrite)
			return wp_page_shared(vmf);
		return wp_page_reuse(vmf);
	}
	/* Exclusive: one mapping and no other reference (none in flight, e.g. I/O). */
	if (page && PageAnon(page) && page_mapcount(page) == 1 && page_ref_count(page) == 1)
		return wp_page_reuse(vmf);
	if (page)
		get_page(page);
	pte_unmap_unlock(vma->vm_mm, vmf->pte);
	return wp_page_copy(vmf);
}

// SPDX-License-Identifier: MIT
/*
 * fork()'s side of mm/ (Linux's dup_mmap in kernel/fork.c and copy_page_range in
 * mm/memory.c): copy the VMAs, share the pages. Private writable pages are write-protected
 * in parent and child and copied on the first write (mm/wp.c).
 */
#include "internal.h"

/* Copy the ptes of [addr, end) below one pmd. Both page table locks are held. */
static void copy_pte_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
			   pte_t *dst_pte, pte_t *src_pte, unsigned long addr, unsigned long end)
{
	struct mm_struct *dst_mm = dst_vma->vm_mm;

	for (; addr < end; addr += PAGE_SIZE, src_pte++, dst_pte++) {
		pte_t pte = ptep_get(src_pte);
		struct page *page;

		if (pte_none(pte))
			continue;
		if (!pte_present(pte)) {
			/* A swap entry: a later issue takes a reference on the slot here. */
			set_pte(dst_pte, pte);
			dst_mm->rss[MM_SWAPENTS]++;
			continue;
		}
		page = vm_normal_page(src_vma, addr, pte);
		if (page) {
			get_page(page);
			page_dup_rmap(page);
			dst_mm->rss[PageAnon(page) ? MM_ANONPAGES : MM_FILEPAGES]++;
		}
		if (is_cow_mapping(src_vma->vm_flags) && pte_write(pte)) {
			pte = pte_wrprotect(pte);
			set_pte(src_pte, pte);
		}
		if (src_vma->vm_flags & VM_SHARED)
			pte = pte_mkclean(pte);
		set_pte(dst_pte, pte_mkold(pte));
	}
}

/* Copy the page-table entries of @src_vma into @dst_vma's (empty) range. 0 or -ENOMEM. */
static int copy_page_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma)
{
	struct mm_struct *dst_mm = dst_vma->vm_mm, *src_mm = src_vma->vm_mm;
	unsigned long addr, next, end = src_vma->vm_end;
	bool cow = is_cow_mapping(src_vma->vm_flags);

	for (addr = src_vma->vm_start; addr < end; addr = next) {
		pmd_t *src_pmd = mm_find_pmd(src_mm, addr), *dst_pmd;
		pud_t *dst_pud;

		next = pmd_addr_end(addr, end);
		if (!src_pmd || pmd_none(*src_pmd))
			continue;
		dst_pud = pud_alloc(dst_mm, pgd_offset(dst_mm, addr), addr);
		dst_pmd = dst_pud ? pmd_alloc(dst_mm, dst_pud, addr) : NULL;
		if (!dst_pmd || (pmd_none(*dst_pmd) && __pte_alloc(dst_mm, dst_pmd))) {
			if (cow)
				flush_tlb_range(src_mm, src_vma->vm_start, addr);
			return -ENOMEM;
		}
		spin_lock(&src_mm->page_table_lock);
		spin_lock(&dst_mm->page_table_lock);
		copy_pte_range(dst_vma, src_vma, pte_offset_map(dst_pmd, addr),
			       pte_offset_map(src_pmd, addr), addr, next);
		spin_unlock(&dst_mm->page_table_lock);
		spin_unlock(&src_mm->page_table_lock);
	}
	/* The parent's writable translations of COW pages must go. */
	if (cow)
		flush_tlb_range(src_mm, src_vma->vm_start, end);
	return 0;
}

/* Copy every VMA of @oldmm (but VM_DONTCOPY ones) and its ptes into the empty @mm. */
static int dup_mmap(struct mm_struct *mm, struct mm_struct *oldmm)
{
	struct vm_area_struct *mpnt, *tmp;
	int err;

	mm->start_brk = oldmm->start_brk;
	mm->brk = oldmm->brk;
	mm->start_stack = oldmm->start_stack;
	mm->mmap_base = oldmm->mmap_base;
	mm->mmap_min_addr = oldmm->mmap_min_addr;
	mm->stack_rlimit = oldmm->stack_rlimit;
	for_each_vma(oldmm, mpnt) {
		if (mpnt->vm_flags & VM_DONTCOPY)
			continue;
		tmp = vm_area_dup(mpnt);
		if (!tmp)
			return -ENOMEM;
		tmp->vm_mm = mm;
		vma_link(mm, tmp);
		mm->total_vm += vma_pages(tmp);
		err = copy_page_range(tmp, mpnt);
		if (err)
			return err;
	}
	return 0;
}

struct mm_struct *dup_mm(struct mm_struct *oldmm)
{
	struct mm_struct *mm = mm_alloc();

	if (!mm)
		return NULL;
	if (dup_mmap(mm, oldmm)) {
		mmput(mm);		/* drops what was copied so far */
		return NULL;
	}
	return mm;
}

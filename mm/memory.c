// SPDX-License-Identifier: MIT
/*
 * The page-fault pipeline, one decision per function as in Linux's mm/memory.c:
 * handle_mm_fault() (accounting, trace) -> __handle_mm_fault() (fill struct vm_fault,
 * allocate the upper levels) -> handle_pte_fault() (dispatch) -> do_anonymous_page(),
 * do_wp_page() (mm/wp.c), do_fault() and do_swap_page() (hooks for later issues).
 * Also zap_page_range(): removing ptes and dropping their pages.
 */
#include "internal.h"

struct page *vm_normal_page(struct vm_area_struct *vma, unsigned long addr, pte_t pte)
{
	unsigned long pfn = pte_pfn(pte);

	if (is_zero_pfn(pfn))
		return NULL;
	BUG_ON(!pfn_valid(pfn));
	return pfn_to_page(pfn);
}

static void inc_mm_counter(struct mm_struct *mm, int member)
{
	mm->rss[member]++;
}

static void dec_mm_counter(struct mm_struct *mm, int member)
{
	BUG_ON(mm->rss[member] == 0);
	mm->rss[member]--;
}

/*
 * A fault on a pte that is none in anonymous memory. A read maps the shared zero page
 * read-only; a write (or any access to shared anonymous memory) maps a new zeroed page.
 * Enters with the pte unlocked, returns with it unlocked.
 */
static vm_fault_t do_anonymous_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct page *page;
	pte_t entry;

	if (pmd_none(*vmf->pmd) && __pte_alloc(mm, vmf->pmd))
		return VM_FAULT_OOM;

	if (!(vmf->flags & FAULT_FLAG_WRITE) && !(vma->vm_flags & VM_SHARED)) {
		entry = pte_wrprotect(mk_pte(zero_page, vma->vm_page_prot));
		vmf->pte = pte_offset_map(vmf->pmd, vmf->address);
		spin_lock(&mm->page_table_lock);
		if (pte_none(ptep_get(vmf->pte))) {
			set_pte(vmf->pte, entry);
			vmf->kind = FAULT_KIND_ANON_ZERO;
		}
		pte_unmap_unlock(mm, vmf->pte);
		return 0;
	}

	page = alloc_page(GFP_USER | __GFP_ZERO);
	if (!page)
		return VM_FAULT_OOM;
	entry = mk_pte(page, vma->vm_page_prot);
	if (vma->vm_flags & VM_WRITE)
		entry = pte_mkwrite(pte_mkdirty(entry));

	vmf->pte = pte_offset_map(vmf->pmd, vmf->address);
	spin_lock(&mm->page_table_lock);
	/* The allocation could have slept: someone else may have filled the pte. */
	if (!pte_none(ptep_get(vmf->pte))) {
		pte_unmap_unlock(mm, vmf->pte);
		put_page(page);
		return 0;
	}
	page_add_new_anon_rmap(page, vma, vmf->address);
	inc_mm_counter(mm, MM_ANONPAGES);
	set_pte(vmf->pte, entry);
	vmf->kind = FAULT_KIND_ANON_NEW;
	pte_unmap_unlock(mm, vmf->pte);
	return 0;
}

/*
 * A fault on a none pte in a file-backed VMA: read the page through vma->vm_ops->fault.
 * File mappings arrive with a later issue; until then this is SIGBUS.
 */
static vm_fault_t do_fault(struct vm_fault *vmf)
{
	vmf->kind = FAULT_KIND_FILE;
	return VM_FAULT_SIGBUS;
}

/*
 * A fault on a swap pte: read the page back from swap. Swap arrives with a later issue;
 * until then no swap pte exists and this is SIGBUS.
 */
static vm_fault_t do_swap_page(struct vm_fault *vmf)
{
	vmf->kind = FAULT_KIND_SWAP;
	return VM_FAULT_SIGBUS;
}

/*
 * Dispatch on the pte: none -> do_anonymous_page()/do_fault(); swap -> do_swap_page();
 * present but read-only on a write -> do_wp_page(); otherwise the pte already allows the
 * access (a stale TLB entry): mark it young (and dirty for a write).
 * Enters with the pte unlocked, returns with it unlocked.
 */
static vm_fault_t handle_pte_fault(struct vm_fault *vmf)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	pte_t entry;

	if (pmd_none(*vmf->pmd)) {
		vmf->pte = NULL;
	} else {
		vmf->pte = pte_offset_map(vmf->pmd, vmf->address);
		vmf->orig_pte = ptep_get(vmf->pte);
		if (pte_none(vmf->orig_pte)) {
			pte_unmap(vmf->pte);
			vmf->pte = NULL;
		}
	}
	if (!vmf->pte)
		return vma_is_anonymous(vmf->vma) ? do_anonymous_page(vmf) : do_fault(vmf);
	if (!pte_present(vmf->orig_pte))
		return do_swap_page(vmf);

	spin_lock(&mm->page_table_lock);
	entry = vmf->orig_pte;
	if (!pte_same(ptep_get(vmf->pte), entry))
		goto unlock;			/* changed under us: the access will tell */
	if (vmf->flags & FAULT_FLAG_WRITE) {
		if (!pte_write(entry))
			return do_wp_page(vmf);	/* unlocks */
		entry = pte_mkdirty(entry);
	}
	entry = pte_mkyoung(entry);
	set_pte(vmf->pte, entry);
	flush_tlb_page(mm, vmf->address);
	vmf->kind = FAULT_KIND_SPURIOUS;
unlock:
	pte_unmap_unlock(mm, vmf->pte);
	return 0;
}

/*
 * Walk to (and allocate) the pmd for the address, then handle_pte_fault(). Returns
 * VM_FAULT_OOM if an upper-level table cannot be allocated.
 */
static vm_fault_t __handle_mm_fault(struct vm_fault *vmf)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	pgd_t *pgd = pgd_offset(mm, vmf->address);
	pud_t *pud;

	pud = pud_alloc(mm, pgd, vmf->address);
	if (!pud)
		return VM_FAULT_OOM;
	vmf->pmd = pmd_alloc(mm, pud, vmf->address);
	if (!vmf->pmd)
		return VM_FAULT_OOM;
	return handle_pte_fault(vmf);
}

/* Count a completed fault: errors and retries are not faults the task took. */
static void mm_account_fault(struct mm_struct *mm, unsigned int flags, vm_fault_t ret)
{
	if (ret & (VM_FAULT_ERROR | VM_FAULT_RETRY) || (flags & FAULT_FLAG_POPULATE))
		return;
	if (ret & VM_FAULT_MAJOR)
		mm->maj_flt++;
	else
		mm->min_flt++;
}

vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
			   unsigned int flags)
{
	struct vm_fault vmf = {
		.vma = vma,
		.gfp_mask = GFP_USER,
		.address = address & PAGE_MASK,
		.real_address = address,
		.flags = flags,
		.pgoff = vma->vm_pgoff + ((address - vma->vm_start) >> PAGE_SHIFT),
		.kind = FAULT_KIND_NONE,
	};
	struct fault_trace_rec rec = { .address = address, .flags = flags };
	vm_fault_t ret;

	BUG_ON(address < vma->vm_start || address >= vma->vm_end);
	rec.tsc_start = arch_rdtsc();
	ret = __handle_mm_fault(&vmf);
	rec.tsc_end = arch_rdtsc();
	mm_account_fault(vma->vm_mm, flags, ret);
	rec.kind = vmf.kind;
	rec.result = ret;
	arch_fault_trace(&rec);
	return ret;
}

/* ---- zap: removing ptes ------------------------------------------------------------- */

/* Clear the ptes of [addr, end) below one pmd and drop what they held. */
static void zap_pte_range(struct vm_area_struct *vma, pmd_t *pmd, unsigned long addr,
			  unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t *pte = pte_offset_map(pmd, addr);

	spin_lock(&mm->page_table_lock);
	for (; addr < end; addr += PAGE_SIZE, pte++) {
		pte_t entry = ptep_get(pte);
		struct page *page;

		if (pte_none(entry))
			continue;
		pte_clear(pte);
		if (!pte_present(entry)) {
			/* A swap entry: the swap slot is freed by a later issue. */
			dec_mm_counter(mm, MM_SWAPENTS);
			continue;
		}
		page = vm_normal_page(vma, addr, entry);
		if (!page)
			continue;		/* the zero page */
		page_remove_rmap(page, vma);
		dec_mm_counter(mm, PageAnon(page) ? MM_ANONPAGES : MM_FILEPAGES);
		/* One CPU: nothing can use the stale TLB entry before the flush below. */
		put_page(page);
	}
	spin_unlock(&mm->page_table_lock);
}

void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr, next;

	BUG_ON(start < vma->vm_start || end > vma->vm_end);
	for (addr = start; addr < end; addr = next) {
		pmd_t *pmd = mm_find_pmd(mm, addr);

		next = pmd_addr_end(addr, end);
		if (pmd && !pmd_none(*pmd))
			zap_pte_range(vma, pmd, addr, next);
	}
	flush_tlb_range(mm, start, end);
}

// SPDX-License-Identifier: MIT
/*
 * The page-fault pipeline, one decision per function as in Linux's mm/memory.c:
 * handle_mm_fault() (accounting, trace) -> __handle_mm_fault() (fill struct vm_fault,
 * allocate the upper levels) -> handle_pte_fault() (dispatch) -> do_anonymous_page(),
 * do_wp_page() (mm/wp.c), do_fault() for file pages (do_read_fault with fault-around,
 * do_cow_fault, do_shared_fault, finish_fault) and do_swap_page() (a hook for a later
 * issue). Also zap_page_range() and unmap_mapping_pages(): removing ptes.
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

	page = alloc_page_reclaim(GFP_USER | __GFP_ZERO);
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

/* ---- file pages: the do_fault() family ------------------------------------------------ */

unsigned long fault_around_bytes = FAULT_AROUND_BYTES;

unsigned long set_fault_around_bytes(unsigned long bytes)
{
	unsigned long v = PAGE_SIZE;

	/* A power of two, at least a page, at most a page table (Linux rounds down too). */
	while (v * 2 <= bytes && v * 2 <= PTRS_PER_PTE * PAGE_SIZE)
		v *= 2;
	fault_around_bytes = v;
	return v;
}

static pte_t maybe_mkwrite(pte_t pte, const struct vm_area_struct *vma)
{
	return vma->vm_flags & VM_WRITE ? pte_mkwrite(pte) : pte;
}

void do_set_pte(struct vm_fault *vmf, struct page *page, unsigned long addr)
{
	struct vm_area_struct *vma = vmf->vma;
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	pte_t entry = pte_mkyoung(mk_pte(page, vma->vm_page_prot));

	assert_spin_locked(&vma->vm_mm->page_table_lock);
	BUG_ON(!pte_none(ptep_get(vmf->pte)));
	if (write)
		entry = maybe_mkwrite(pte_mkdirty(entry), vma);
	if (write && !(vma->vm_flags & VM_SHARED)) {
		inc_mm_counter(vma->vm_mm, MM_ANONPAGES);
		page_add_new_anon_rmap(page, vma, addr);
	} else {
		inc_mm_counter(vma->vm_mm, MM_FILEPAGES);
		page_add_file_rmap(page, vma);
	}
	set_pte(vmf->pte, entry);
}

/*
 * Install the page __do_fault() found (vmf->cow_page for a private write) at
 * vmf->address, taking over the caller's reference, unless the pte was filled meanwhile:
 * then VM_FAULT_NOPAGE and the caller keeps its reference. Linux's finish_fault().
 */
static vm_fault_t finish_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct page *page;
	vm_fault_t ret = 0;

	if ((vmf->flags & FAULT_FLAG_WRITE) && !(vma->vm_flags & VM_SHARED))
		page = vmf->cow_page;
	else
		page = vmf->page;
	if (pmd_none(*vmf->pmd) && __pte_alloc(mm, vmf->pmd))
		return VM_FAULT_OOM;
	vmf->pte = pte_offset_map(vmf->pmd, vmf->address);
	spin_lock(&mm->page_table_lock);
	if (pte_none(ptep_get(vmf->pte)))
		do_set_pte(vmf, page, vmf->address);
	else
		ret = VM_FAULT_NOPAGE;
	pte_unmap_unlock(mm, vmf->pte);
	return ret;
}

/*
 * Map the uptodate cached pages around the fault, in the fault_around_bytes window that
 * contains it (aligned to its size), clamped to the VMA and to the page table.
 */
static vm_fault_t do_fault_around(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	pgoff_t nr_pages = fault_around_bytes >> PAGE_SHIFT;
	pgoff_t pte_off = pte_index(vmf->address);
	pgoff_t vma_off = vmf->pgoff - vma->vm_pgoff;	/* page of the address in the VMA */
	pgoff_t from_pte, to_pte;

	from_pte = MAX(ALIGN_DOWN(pte_off, nr_pages), pte_off - MIN(pte_off, vma_off));
	to_pte = MIN(MIN(from_pte + nr_pages, (pgoff_t)PTRS_PER_PTE),
		     pte_off + vma_pages(vma) - vma_off) - 1;
	if (pmd_none(*vmf->pmd) && __pte_alloc(vma->vm_mm, vmf->pmd))
		return VM_FAULT_OOM;
	return vma->vm_ops->map_pages(vmf, vmf->pgoff + from_pte - pte_off,
				      vmf->pgoff + to_pte - pte_off);
}

static bool should_fault_around(const struct vm_fault *vmf)
{
	return vmf->vma->vm_ops->map_pages && fault_around_bytes >> PAGE_SHIFT > 1;
}

/*
 * Get the page at vmf->pgoff through ->fault: vmf->page, locked, with a reference.
 * Errors and VM_FAULT_NOPAGE leave vmf->page unset.
 */
static vm_fault_t __do_fault(struct vm_fault *vmf)
{
	vm_fault_t ret = vmf->vma->vm_ops->fault(vmf);

	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	if (!(ret & VM_FAULT_LOCKED))
		lock_page(vmf->page);
	BUG_ON(!PageLocked(vmf->page));
	return ret;
}

/* A read of a none pte: fault-around first, ->fault for the page itself if still needed. */
static vm_fault_t do_read_fault(struct vm_fault *vmf)
{
	struct page *page;
	vm_fault_t ret;

	if (should_fault_around(vmf)) {
		ret = do_fault_around(vmf);
		if (ret) {
			if (ret & VM_FAULT_NOPAGE)
				vmf->kind = FAULT_KIND_FILE_AROUND;
			return ret;
		}
	}
	ret = __do_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	page = vmf->page;
	ret |= finish_fault(vmf);
	unlock_page(page);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))
		put_page(page);
	else
		vmf->kind = FAULT_KIND_FILE;
	return ret & ~VM_FAULT_LOCKED;
}

/* A private write to a none pte: copy the file page into a new anonymous page. */
static vm_fault_t do_cow_fault(struct vm_fault *vmf)
{
	vm_fault_t ret;

	vmf->cow_page = alloc_page_reclaim(GFP_USER);
	if (!vmf->cow_page)
		return VM_FAULT_OOM;
	ret = __do_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		goto out_put;
	memcpy(page_address(vmf->cow_page), page_address(vmf->page), PAGE_SIZE);
	ret |= finish_fault(vmf);
	unlock_page(vmf->page);
	put_page(vmf->page);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))
		goto out_put;
	vmf->kind = FAULT_KIND_FILE_COW;
	return ret & ~VM_FAULT_LOCKED;
out_put:
	put_page(vmf->cow_page);
	return ret & ~VM_FAULT_LOCKED;
}

vm_fault_t do_page_mkwrite(struct vm_fault *vmf, struct page *page)
{
	unsigned int old_flags = vmf->flags;
	vm_fault_t ret;

	vmf->flags = FAULT_FLAG_WRITE | FAULT_FLAG_MKWRITE;
	ret = vmf->vma->vm_ops->page_mkwrite(vmf);
	vmf->flags = old_flags;
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))
		return ret;
	if (!(ret & VM_FAULT_LOCKED)) {
		lock_page(page);
		if (!page->mapping) {		/* truncated: retry the access */
			unlock_page(page);
			return VM_FAULT_NOPAGE;
		}
		ret |= VM_FAULT_LOCKED;
	}
	BUG_ON(!PageLocked(page));
	return ret;
}

void fault_dirty_shared_page(struct vm_fault *vmf)
{
	struct page *page = vmf->page;
	struct address_space *mapping = page->mapping;

	set_page_dirty(page);
	unlock_page(page);
	if (mapping)
		balance_dirty_pages_ratelimited(mapping);
}

/* A shared write to a none pte: tell the filesystem (page_mkwrite), map it writable and
 * dirty, and account the page dirty. */
static vm_fault_t do_shared_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page;
	vm_fault_t ret, tmp;

	ret = __do_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	page = vmf->page;
	if (vma->vm_ops->page_mkwrite) {
		unlock_page(page);
		tmp = do_page_mkwrite(vmf, page);
		if (tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)) {
			put_page(page);
			return tmp;
		}
	}
	ret |= finish_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE)) {
		unlock_page(page);
		put_page(page);
		return ret & ~VM_FAULT_LOCKED;
	}
	fault_dirty_shared_page(vmf);
	vmf->kind = FAULT_KIND_FILE_SHARED;
	return ret & ~VM_FAULT_LOCKED;
}

/*
 * A fault on a none pte in a file-backed VMA (Linux's do_fault): reads go to
 * do_read_fault(), private writes to do_cow_fault(), shared writes to do_shared_fault().
 * A VMA without ->fault cannot supply pages: SIGBUS.
 */
static vm_fault_t do_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;

	vmf->kind = FAULT_KIND_FILE;
	if (!vma->vm_ops->fault)
		return VM_FAULT_SIGBUS;
	if (!(vmf->flags & FAULT_FLAG_WRITE))
		return do_read_fault(vmf);
	if (!(vma->vm_flags & VM_SHARED))
		return do_cow_fault(vmf);
	return do_shared_fault(vmf);
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

/*
 * Clear the ptes of [addr, end) below one pmd and drop what they held. A dirty pte of a
 * file page makes the page dirty: unmapping never loses data. Without @even_cows,
 * anonymous pages (private copies) are left mapped.
 */
static void zap_pte_range(struct vm_area_struct *vma, pmd_t *pmd, unsigned long addr,
			  unsigned long end, bool even_cows)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t *pte = pte_offset_map(pmd, addr);

	spin_lock(&mm->page_table_lock);
	for (; addr < end; addr += PAGE_SIZE, pte++) {
		pte_t entry = ptep_get(pte);
		struct page *page;

		if (pte_none(entry))
			continue;
		if (!pte_present(entry)) {
			/* A swap entry: the swap slot is freed by a later issue. */
			if (!even_cows)
				continue;
			pte_clear(pte);
			dec_mm_counter(mm, MM_SWAPENTS);
			continue;
		}
		page = vm_normal_page(vma, addr, entry);
		if (page && PageAnon(page) && !even_cows)
			continue;
		pte_clear(pte);
		if (!page)
			continue;		/* the zero page */
		if (!PageAnon(page) && pte_dirty(entry))
			set_page_dirty(page);
		page_remove_rmap(page, vma);
		dec_mm_counter(mm, PageAnon(page) ? MM_ANONPAGES : MM_FILEPAGES);
		/* One CPU: nothing can use the stale TLB entry before the flush below. */
		put_page(page);
	}
	spin_unlock(&mm->page_table_lock);
}

static void unmap_page_range(struct vm_area_struct *vma, unsigned long start,
			     unsigned long end, bool even_cows)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr, next;

	BUG_ON(start < vma->vm_start || end > vma->vm_end);
	for (addr = start; addr < end; addr = next) {
		pmd_t *pmd = mm_find_pmd(mm, addr);

		next = pmd_addr_end(addr, end);
		if (pmd && !pmd_none(*pmd))
			zap_pte_range(vma, pmd, addr, next, even_cows);
	}
	flush_tlb_range(mm, start, end);
}

void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	unmap_page_range(vma, start, end, true);
}

void unmap_mapping_pages(struct address_space *mapping, pgoff_t start, pgoff_t nr,
			 bool even_cows)
{
	pgoff_t last = nr ? start + nr - 1 : ~0UL;
	struct vm_area_struct *vma;

	list_for_each_entry(vma, &mapping->i_mmap, shared) {
		pgoff_t first = vma->vm_pgoff, end = vma->vm_pgoff + vma_pages(vma) - 1;

		if (end < start || first > last)
			continue;
		unmap_page_range(vma, vma->vm_start + ((MAX(start, first) - first) << PAGE_SHIFT),
				 vma->vm_start + ((MIN(last, end) - first + 1) << PAGE_SHIFT),
				 even_cows);
	}
}

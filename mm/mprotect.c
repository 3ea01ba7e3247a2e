// SPDX-License-Identifier: MIT
/* mprotect(): change the protection of whole pages, splitting and merging VMAs. */
#include "internal.h"

/* Rewrite the present ptes of [addr, end) below one pmd with vma->vm_page_prot. */
static void change_pte_range(struct vm_area_struct *vma, pmd_t *pmd, unsigned long addr,
			     unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t *pte = pte_offset_map(pmd, addr);

	spin_lock(&mm->page_table_lock);
	for (; addr < end; addr += PAGE_SIZE, pte++) {
		pte_t old = ptep_get(pte), new;

		if (!pte_present(old))
			continue;		/* none or swap: the fault applies the new prot */
		new = pte_modify(old, vma->vm_page_prot);
		/* A writable private pte is exclusive: it may stay writable. */
		if (pte_write(old) && (vma->vm_flags & VM_WRITE))
			new = pte_mkwrite(new);
		set_pte(pte, new);
	}
	spin_unlock(&mm->page_table_lock);
}

static void change_protection(struct vm_area_struct *vma, unsigned long start,
			      unsigned long end)
{
	unsigned long addr, next;

	for (addr = start; addr < end; addr = next) {
		pmd_t *pmd = mm_find_pmd(vma->vm_mm, addr);

		next = pmd_addr_end(addr, end);
		if (pmd && !pmd_none(*pmd))
			change_pte_range(vma, pmd, addr, next);
	}
	flush_tlb_range(vma->vm_mm, start, end);
}

/* Give [start, end), inside @vma, the flags @newflags. Return 0 or -ENOMEM. */
static int mprotect_fixup(struct mm_struct *mm, struct vm_area_struct *vma,
			  unsigned long start, unsigned long end, unsigned long newflags)
{
	int err;

	if (newflags == vma->vm_flags)
		return 0;
	err = vma_modify_flags(mm, vma, start, end, newflags);
	if (err)
		return err;
	change_protection(vma, start, end);
	vma_merge(mm, vma);
	return 0;
}

int do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len,
		unsigned long prot)
{
	unsigned long end, addr, want;
	struct vm_area_struct *vma;
	int err;

	if (!PAGE_ALIGNED(start) || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	if (!len)
		return 0;
	if (len > TASK_SIZE || start > TASK_SIZE - PAGE_ALIGN(len))
		return -ENOMEM;
	end = start + PAGE_ALIGN(len);
	want = (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);

	/* All or nothing: the range must be mapped without holes, and each VMA allow it. */
	vma = find_vma(mm, start);
	for (addr = start; addr < end; vma = vma_next(vma)) {
		if (!vma || vma->vm_start > addr)
			return -ENOMEM;
		if (want & ~(vma->vm_flags >> 4) & VM_ACCESS_FLAGS)
			return -EACCES;		/* VM_MAYREAD etc. are VM_READ etc. << 4 */
		addr = vma->vm_end;
	}

	for (addr = start; addr < end; ) {
		unsigned long tmp;

		vma = find_vma(mm, addr);
		tmp = MIN(end, vma->vm_end);
		err = mprotect_fixup(mm, vma, addr, tmp,
				     (vma->vm_flags & ~VM_ACCESS_FLAGS) | want);
		if (err)
			return err;
		addr = tmp;
	}
	return 0;
}

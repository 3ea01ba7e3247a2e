// SPDX-License-Identifier: MIT
/* Populating ranges of an address space ahead of access (MAP_POPULATE, shared anonymous
 * memory): Linux's __mm_populate/populate_vma_page_range, without the page pinning. */
#include "internal.h"

/* Fault in [start, end) of one accessible VMA. Return 0, -ENOMEM or -EFAULT. */
static int populate_vma_page_range(struct vm_area_struct *vma, unsigned long start,
				   unsigned long end)
{
	unsigned int flags = FAULT_FLAG_POPULATE;
	unsigned long addr;

	/* Private writable memory is touched for writing, so that COW is broken now. */
	if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
		flags |= FAULT_FLAG_WRITE;
	for (addr = start; addr < end; addr += PAGE_SIZE) {
		pte_t *pte = walk_to_pte(vma->vm_mm, addr, false);
		vm_fault_t ret;

		if (pte) {
			pte_t entry = ptep_get(pte);

			if (pte_present(entry) && (!(flags & FAULT_FLAG_WRITE) || pte_write(entry)))
				continue;
		}
		ret = handle_mm_fault(vma, addr, flags);
		if (ret & VM_FAULT_OOM)
			return -ENOMEM;
		if (ret & VM_FAULT_ERROR)
			return -EFAULT;
	}
	return 0;
}

int mm_populate(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	unsigned long end = start + PAGE_ALIGN(len), addr;
	int err;

	for (addr = start; addr < end; ) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		unsigned long tmp;

		if (!vma || vma->vm_start >= end)
			break;
		addr = MAX(addr, vma->vm_start);
		tmp = MIN(end, vma->vm_end);
		/* PROT_NONE is skipped, but shared anonymous pages must exist before fork. */
		if (vma->vm_flags & (VM_ACCESS_FLAGS | VM_SHARED)) {
			err = populate_vma_page_range(vma, addr, tmp);
			if (err)
				return err;
		}
		addr = tmp;
	}
	return 0;
}

// SPDX-License-Identifier: MIT
/* madvise(): MADV_DONTNEED drops anonymous pages (the next touch sees zeroes again);
 * MADV_WILLNEED will start swap-in readahead once swap exists; the rest are hints. */
#include "internal.h"

static int madvise_vma(struct vm_area_struct *vma, unsigned long start, unsigned long end,
		       int behavior)
{
	switch (behavior) {
	case MADV_DONTNEED:
		if (vma->vm_flags & VM_LOCKED)
			return -EINVAL;
		/* Shared anonymous pages are the mapping's contents (no shmem object holds
		 * them), so they stay; in Linux they would be re-read from shmem anyway. */
		if (!(vma->vm_flags & VM_SHARED))
			zap_page_range(vma, start, end);
		return 0;
	case MADV_WILLNEED:
		/* Anonymous memory: only swapped-out pages could be read ahead (later issue). */
		return 0;
	default:
		return 0;		/* MADV_NORMAL, _RANDOM, _SEQUENTIAL: no readahead yet */
	}
}

int do_madvise(struct mm_struct *mm, unsigned long start, unsigned long len, int behavior)
{
	unsigned long end, addr;
	int unmapped_error = 0, err;

	switch (behavior) {
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_DONTNEED:
		break;
	default:
		return -EINVAL;
	}
	if (!PAGE_ALIGNED(start) || len > TASK_SIZE || start > TASK_SIZE - PAGE_ALIGN(len))
		return -EINVAL;
	end = start + PAGE_ALIGN(len);

	for (addr = start; addr < end; ) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		unsigned long tmp;

		if (!vma || vma->vm_start >= end)
			return -ENOMEM;
		if (vma->vm_start > addr) {
			unmapped_error = -ENOMEM;	/* a hole: advise the rest anyway */
			addr = vma->vm_start;
		}
		tmp = MIN(end, vma->vm_end);
		err = madvise_vma(vma, addr, tmp, behavior);
		if (err)
			return err;
		addr = tmp;
	}
	return unmapped_error;
}

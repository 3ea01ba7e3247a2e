// SPDX-License-Identifier: MIT
/*
 * madvise(): MADV_DONTNEED drops pages (anonymous ones read back as zeroes, file ones come
 * back from the page cache); MADV_WILLNEED reads a file range into the page cache now
 * (force_page_cache_readahead); MADV_RANDOM / MADV_SEQUENTIAL / MADV_NORMAL set the VMA's
 * VM_RAND_READ / VM_SEQ_READ readahead hints, splitting the VMA where the range ends.
 */
#include "internal.h"

/* Give [start, end) of @vma the readahead hint @newflags (splitting and merging). */
static int madvise_update_vma(struct vm_area_struct *vma, unsigned long start,
			      unsigned long end, unsigned long newflags)
{
	int err;

	if (newflags == vma->vm_flags)
		return 0;
	err = vma_modify_flags(vma->vm_mm, vma, start, end, newflags);
	if (!err)
		vma_merge(vma->vm_mm, vma);
	return err;
}

/* Read the file pages behind [start, end) of @vma into the page cache. */
static int madvise_willneed(struct vm_area_struct *vma, unsigned long start,
			    unsigned long end)
{
	struct file *file = vma->vm_file;
	pgoff_t index;

	if (!file)
		return 0;	/* anonymous: only swapped-out pages could be read (later issue) */
	index = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT);
	force_page_cache_readahead(file_mapping(file), file_ra_state(file), index,
				   (end - start) >> PAGE_SHIFT);
	return 0;
}

static int madvise_vma(struct vm_area_struct *vma, unsigned long start, unsigned long end,
		       int behavior)
{
	unsigned long flags = vma->vm_flags & ~(VM_RAND_READ | VM_SEQ_READ);

	switch (behavior) {
	case MADV_DONTNEED:
		if (vma->vm_flags & VM_LOCKED)
			return -EINVAL;
		/* Shared anonymous pages are the mapping's contents (no shmem object holds
		 * them), so they stay; in Linux they would be re-read from shmem anyway. */
		if (!(vma->vm_flags & VM_SHARED) || vma->vm_file)
			zap_page_range(vma, start, end);
		return 0;
	case MADV_WILLNEED:
		return madvise_willneed(vma, start, end);
	case MADV_RANDOM:
		return madvise_update_vma(vma, start, end, flags | VM_RAND_READ);
	case MADV_SEQUENTIAL:
		return madvise_update_vma(vma, start, end, flags | VM_SEQ_READ);
	default:
		return madvise_update_vma(vma, start, end, flags);
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

// SPDX-License-Identifier: MIT
/*
 * msync() (Linux's mm/msync.c): MS_SYNC writes the dirty pages of the shared file
 * mappings in the range back through the file's fsync and waits; MS_ASYNC is a no-op
 * because dirty pages are tracked by the page cache and written back anyway.
 */
#include "internal.h"

int do_msync(struct mm_struct *mm, unsigned long start, unsigned long len, int flags)
{
	unsigned long end;
	int unmapped_error = 0, err;

	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if (!PAGE_ALIGNED(start))
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	if (len > TASK_SIZE || start > TASK_SIZE - PAGE_ALIGN(len))
		return -ENOMEM;
	end = start + PAGE_ALIGN(len);
	while (start < end) {
		struct vm_area_struct *vma = find_vma(mm, start);
		unsigned long fstart, fend;

		if (!vma)
			return -ENOMEM;
		if (start < vma->vm_start) {
			unmapped_error = -ENOMEM;	/* a hole: the rest is still synced */
			start = vma->vm_start;
			if (start >= end)
				break;
		}
		if ((flags & MS_INVALIDATE) && (vma->vm_flags & VM_LOCKED))
			return -EBUSY;
		fstart = (start - vma->vm_start) + (vma->vm_pgoff << PAGE_SHIFT);
		fend = fstart + (MIN(end, vma->vm_end) - start) - 1;
		if ((flags & MS_SYNC) && vma->vm_file && (vma->vm_flags & VM_SHARED)) {
			err = vfs_fsync_range(vma->vm_file, fstart, fend, 1);
			if (err)
				return err;
		}
		start = vma->vm_end;
	}
	return unmapped_error;
}

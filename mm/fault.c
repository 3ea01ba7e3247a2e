// SPDX-License-Identifier: MIT
/*
 * The arch-independent half of the x86 page-fault handler (Linux's do_user_addr_fault and
 * access_error): find the VMA, grow the stack, check the access against the VMA, call
 * handle_mm_fault(), retry, and turn the outcome into a signal for the task.
 */
#include "internal.h"

/* x86 page-fault error code bits. */
#define PF_PROT		(1UL << 0)	/* the page was present: a protection violation */
#define PF_WRITE	(1UL << 1)
#define PF_USER		(1UL << 2)
#define PF_RSVD		(1UL << 3)	/* reserved bit set in a paging entry */
#define PF_INSTR	(1UL << 4)

/* True if the VMA does not allow the access the error code describes. */
static bool access_error(unsigned long error_code, const struct vm_area_struct *vma)
{
	if (error_code & PF_WRITE)
		return !(vma->vm_flags & VM_WRITE);
	if (error_code & PF_INSTR)
		return !(vma->vm_flags & VM_EXEC);
	/* A read of a present page: x86 cannot make a present page unreadable. */
	if (error_code & PF_PROT)
		return true;
	return !(vma->vm_flags & VM_ACCESS_FLAGS);
}

int handle_user_addr_fault(struct mm_struct *mm, unsigned long address,
			   unsigned long error_code, struct task_fault_stats *stats,
			   int *si_code)
{
	unsigned int flags = FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE;
	struct vm_area_struct *vma;
	int code = MM_SEGV_MAPERR;
	vm_fault_t fault;

	/* Our own page tables are corrupt: a kernel bug, not the task's. */
	BUG_ON(error_code & PF_RSVD);
	if (error_code & PF_USER)
		flags |= FAULT_FLAG_USER;
	if (error_code & PF_WRITE)
		flags |= FAULT_FLAG_WRITE;
	if (error_code & PF_INSTR)
		flags |= FAULT_FLAG_INSTRUCTION;
	if (address >= TASK_SIZE)
		goto bad_area;
retry:
	vma = find_vma(mm, address);
	if (!vma)
		goto bad_area;
	if (vma->vm_start > address) {
		if (!(vma->vm_flags & VM_GROWSDOWN) || expand_stack(vma, address))
			goto bad_area;
	}
	if (access_error(error_code, vma)) {
		code = MM_SEGV_ACCERR;
		goto bad_area;
	}

	fault = handle_mm_fault(vma, address, flags);
	if ((fault & VM_FAULT_RETRY) && (flags & FAULT_FLAG_ALLOW_RETRY)) {
		/* Once: a handler must not ask again without FAULT_FLAG_ALLOW_RETRY. */
		flags = (flags & ~FAULT_FLAG_ALLOW_RETRY) | FAULT_FLAG_TRIED;
		goto retry;
	}
	if (fault & VM_FAULT_OOM)
		return SIGKILL;		/* no OOM killer yet: the faulting task dies */
	if (fault & (VM_FAULT_SIGBUS | VM_FAULT_HWPOISON)) {
		if (si_code)
			*si_code = MM_BUS_ADRERR;
		return SIGBUS;
	}
	if (fault & VM_FAULT_SIGSEGV)
		goto bad_area;
	if (stats && !(fault & VM_FAULT_RETRY)) {
		if (fault & VM_FAULT_MAJOR)
			stats->maj_flt++;
		else
			stats->min_flt++;
	}
	return 0;

bad_area:
	if (si_code)
		*si_code = code;
	return SIGSEGV;
}

// SPDX-License-Identifier: MIT
/*
 * Address spaces and their mappings: mm_alloc()/mmput()/exit_mmap(), mmap of anonymous
 * memory and of files (address search, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_POPULATE),
 * munmap, brk and stack growth.
 */
#include "internal.h"

unsigned long stack_guard_gap = 256UL << PAGE_SHIFT;

pgprot_t vm_get_page_prot(unsigned long vm_flags)
{
	u64 prot = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;

	if (!(vm_flags & VM_ACCESS_FLAGS))
		return __pgprot(_PAGE_PROTNONE | _PAGE_ACCESSED);
	/* Private writable pages start read-only: the first write copies or reuses them. */
	if ((vm_flags & (VM_WRITE | VM_SHARED)) == (VM_WRITE | VM_SHARED))
		prot |= _PAGE_RW;
	if (!(vm_flags & VM_EXEC))
		prot |= _PAGE_NX;
	return __pgprot(prot);
}

/* Shared writable file mappings whose filesystem wants to hear of the first write to a
 * clean page (to dirty it and allocate its blocks): Linux's vma_wants_writenotify(). */
static bool vma_wants_writenotify(const struct vm_area_struct *vma)
{
	return (vma->vm_flags & (VM_WRITE | VM_SHARED)) == (VM_WRITE | VM_SHARED) &&
	       vma->vm_ops && vma->vm_ops->page_mkwrite;
}

void vma_set_page_prot(struct vm_area_struct *vma)
{
	pgprot_t prot = vm_get_page_prot(vma->vm_flags);

	if (vma_wants_writenotify(vma))
		prot = __pgprot(pgprot_val(prot) & ~_PAGE_RW);
	vma->vm_page_prot = prot;
}

static unsigned long calc_vm_prot_bits(unsigned long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = kzalloc(sizeof(*mm), GFP_KERNEL);

	if (!mm)
		return NULL;
	mm->pgd = pgd_alloc(mm);
	if (!mm->pgd) {
		kfree(mm);
		return NULL;
	}
	mm->mm_rb = RB_ROOT;
	mm->mm_users = 1;
	spin_lock_init(&mm->page_table_lock);
	mm->mmap_base = STACK_TOP - MMAP_GAP_MIN;
	mm->mmap_min_addr = MMAP_MIN_ADDR_DEFAULT;
	mm->stack_rlimit = STACK_RLIMIT_DEFAULT;
	return mm;
}

void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma;

	while ((vma = vma_first(mm)) != NULL) {
		zap_page_range(vma, vma->vm_start, vma->vm_end);
		vma_unlink(mm, vma);
		mm->total_vm -= vma_pages(vma);
		vm_area_free(vma);
	}
	free_pgtables(mm, 0, TASK_SIZE);
}

void mmput(struct mm_struct *mm)
{
	BUG_ON(mm->mm_users <= 0);
	if (--mm->mm_users)
		return;
	exit_mmap(mm);
	BUG_ON(mm->nr_pgtables || get_mm_rss(mm) || mm->total_vm);
	pgd_free(mm, mm->pgd);
	kfree(mm);
}

/* Where @vma's guard gap starts: a stack keeps stack_guard_gap free below it. */
static unsigned long vm_start_gap(const struct vm_area_struct *vma)
{
	unsigned long start = vma->vm_start;

	if (vma->vm_flags & VM_GROWSDOWN)
		start = start > stack_guard_gap ? start - stack_guard_gap : 0;
	return start;
}

/* [addr, addr + len) overlaps no VMA and no stack guard gap. */
static bool range_is_free(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return !vma || addr + len <= vm_start_gap(vma);
}

/*
 * A free range of @len bytes whose address is @align_off modulo @align (a power of two, at
 * least PAGE_SIZE): the hint if it is free, else the highest such range below
 * mm->mmap_base (Linux's top-down layout). Walks the VMAs from the top: O(n). Return the
 * address or -ENOMEM.
 */
static unsigned long unmapped_area(struct mm_struct *mm, unsigned long hint,
				   unsigned long len, unsigned long align, unsigned long align_off)
{
	struct vm_area_struct *next = NULL, *prev = vma_last(mm);
	unsigned long need = len + align - PAGE_SIZE;	/* room for any misalignment */

	hint = PAGE_ALIGN(hint);
	if (hint && hint >= mm->mmap_min_addr && hint <= TASK_SIZE - len &&
	    range_is_free(mm, hint, len))
		return hint;
	for (;;) {
		unsigned long lo = prev ? prev->vm_end : 0;
		unsigned long hi = next ? vm_start_gap(next) : TASK_SIZE;

		lo = MAX(lo, mm->mmap_min_addr);
		hi = MIN(hi, mm->mmap_base);
		if (hi > lo && hi - lo >= need)
			return hi - len - ((hi - len - align_off) & (align - 1));
		if (!prev || prev->vm_end <= mm->mmap_min_addr)
			break;
		next = prev;
		prev = vma_prev(prev);
	}
	return -ENOMEM;
}

/*
 * Where a mapping of @len bytes (of @file from page @pgoff, or anonymous) goes: a file
 * mapping of a PMD or more gets its file offset and address equal modulo PMD_SIZE where a
 * gap has room for that (Linux's thp_get_unmapped_area, which ext4 and others use), so that
 * page tables and fault-around windows line up with the file; anything else, or when no gap
 * is large enough, only page alignment. Return the address or -ENOMEM.
 */
static unsigned long get_unmapped_area(struct mm_struct *mm, struct file *file,
				       unsigned long hint, unsigned long len, pgoff_t pgoff)
{
	unsigned long addr = -ENOMEM;

	if (file && len >= PMD_SIZE)
		addr = unmapped_area(mm, hint, len, PMD_SIZE, pgoff << PAGE_SHIFT);
	if (IS_ERR_VALUE(addr))
		addr = unmapped_area(mm, hint, len, PAGE_SIZE, 0);
	return addr;
}

/* Map [addr, addr + len) with @vm_flags (of @file from page @pgoff, or anonymous memory),
 * replacing whatever was there. Return addr or -ENOMEM. */
static unsigned long mmap_region(struct mm_struct *mm, struct file *file, unsigned long addr,
				 unsigned long len, unsigned long vm_flags, pgoff_t pgoff)
{
	struct vm_area_struct *vma;
	int err;

	if (find_vma_intersection(mm, addr, addr + len)) {
		err = do_munmap(mm, addr, len);
		if (err)
			return err;
	}
	vma = vm_area_alloc(mm);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	vma->vm_pgoff = pgoff;
	if (file) {
		vma->vm_ops = &generic_file_vm_ops;
		vma_link_file(vma, file);
	}
	vma_set_page_prot(vma);
	vma_link(mm, vma);
	mm->total_vm += len >> PAGE_SHIFT;
	vma_merge(mm, vma);
	return addr;
}

unsigned long do_mmap(struct mm_struct *mm, struct file *file, unsigned long addr,
		      unsigned long len, unsigned long prot, unsigned long flags,
		      unsigned long pgoff)
{
	unsigned long vm_flags, type = flags & MAP_TYPE;
	unsigned int fmode = 0;

	if (file) {
		fmode = file_fmode(file);
		if (!(fmode & FMODE_READ))
			return -EACCES;
		if (type == MAP_SHARED && (prot & PROT_WRITE) && !(fmode & FMODE_WRITE))
			return -EACCES;
	} else if (!(flags & MAP_ANONYMOUS)) {
		return -EBADF;
	}
	if (!len || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	if (type != MAP_SHARED && type != MAP_PRIVATE)
		return -EINVAL;
	if (type == MAP_SHARED && (flags & MAP_GROWSDOWN))
		return -EINVAL;
	if (len > TASK_SIZE)
		return -ENOMEM;
	len = PAGE_ALIGN(len);
	if (file && pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;

	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (!PAGE_ALIGNED(addr))
			return -EINVAL;
		if (addr > TASK_SIZE - len)
			return -ENOMEM;
		if (addr < mm->mmap_min_addr)
			return -EPERM;
		if ((flags & MAP_FIXED_NOREPLACE) && find_vma_intersection(mm, addr, addr + len))
			return -EEXIST;
	} else {
		addr = get_unmapped_area(mm, file, addr, len, pgoff);
		if (IS_ERR_VALUE(addr))
			return addr;
	}

	vm_flags = calc_vm_prot_bits(prot) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	if (type == MAP_SHARED) {
		vm_flags |= VM_SHARED | VM_MAYSHARE;
		/* A file opened read-only: never writable, so private in effect (as Linux). */
		if (file && !(fmode & FMODE_WRITE))
			vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
	}
	if (flags & MAP_GROWSDOWN)
		vm_flags |= VM_GROWSDOWN;
	if (flags & MAP_NORESERVE)
		vm_flags |= VM_NORESERVE;
	addr = mmap_region(mm, file, addr, len, vm_flags, file ? pgoff : addr >> PAGE_SHIFT);
	if (IS_ERR_VALUE(addr))
		return addr;

	if (type == MAP_SHARED && !file) {
		/* No shmem object holds these pages: they must exist before any fork. */
		if (mm_populate(mm, addr, len)) {
			do_munmap(mm, addr, len);
			return -ENOMEM;
		}
	} else if (flags & MAP_POPULATE) {
		mm_populate(mm, addr, len);	/* best effort, as in Linux */
	}
	return addr;
}

int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	struct vm_area_struct *vma, *last, *next;
	unsigned long end;

	if (!PAGE_ALIGNED(start) || start > TASK_SIZE || len > TASK_SIZE - start)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len)
		return -EINVAL;
	end = start + len;

	vma = find_vma(mm, start);
	if (!vma || vma->vm_start >= end)
		return 0;
	if (vma->vm_start < start && split_vma(mm, vma, start, 1))
		return -ENOMEM;
	last = find_vma(mm, end);
	if (last && last->vm_start < end && split_vma(mm, last, end, 1))
		return -ENOMEM;

	for (vma = find_vma(mm, start); vma && vma->vm_start < end; vma = next) {
		next = vma_next(vma);
		zap_page_range(vma, vma->vm_start, vma->vm_end);
		vma_unlink(mm, vma);
		mm->total_vm -= vma_pages(vma);
		vm_area_free(vma);
	}
	free_pgtables(mm, start, end);
	return 0;
}

unsigned long do_brk(struct mm_struct *mm, unsigned long brk)
{
	unsigned long newbrk, oldbrk;
	struct vm_area_struct *next;

	if (brk < mm->start_brk || brk > TASK_SIZE)
		return mm->brk;
	newbrk = PAGE_ALIGN(brk);
	oldbrk = PAGE_ALIGN(mm->brk);
	if (newbrk == oldbrk)
		goto set;
	if (brk <= mm->brk) {
		if (do_munmap(mm, newbrk, oldbrk - newbrk))
			return mm->brk;
		goto set;
	}
	/* Keep a page (and any stack guard gap) free between the heap and what is above. */
	next = find_vma(mm, oldbrk);
	if (next && newbrk + PAGE_SIZE > vm_start_gap(next))
		return mm->brk;
	if (IS_ERR_VALUE(mmap_region(mm, NULL, oldbrk, newbrk - oldbrk,
				     VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC,
				     oldbrk >> PAGE_SHIFT)))
		return mm->brk;
set:
	mm->brk = brk;
	return brk;
}

int expand_stack(struct vm_area_struct *vma, unsigned long address)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_area_struct *prev;
	unsigned long grow;

	address &= PAGE_MASK;
	if (!(vma->vm_flags & VM_GROWSDOWN))
		return -EFAULT;
	if (address >= vma->vm_start)
		return 0;
	if (vma->vm_end - address > mm->stack_rlimit)
		return -ENOMEM;
	if (address < mm->mmap_min_addr)
		return -EPERM;
	prev = vma_prev(vma);
	if (prev && (prev->vm_end > address || address - prev->vm_end < stack_guard_gap))
		return -ENOMEM;
	grow = (vma->vm_start - address) >> PAGE_SHIFT;
	vma->vm_start = address;
	vma->vm_pgoff -= grow;
	mm->total_vm += grow;
	return 0;
}

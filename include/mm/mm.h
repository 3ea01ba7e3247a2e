/* SPDX-License-Identifier: MIT */
/*
 * The address-space interface of mm/: creating, copying and dropping an mm, VMA lookup,
 * mmap/munmap/mprotect/brk/madvise, populating, and the page-fault pipeline.
 */
#ifndef MM_MM_H
#define MM_MM_H

#include <kern/types.h>
#include "mm_arch.h"
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <mm/mm_types.h>
#include <mm/mman.h>
#include <mm/fault_trace.h>

/* Signals the fault path asks for (Linux's numbers). */
#ifndef SIGBUS
#define SIGBUS		7
#endif
#ifndef SIGKILL
#define SIGKILL		9
#endif
#ifndef SIGSEGV
#define SIGSEGV		11
#endif
/* si_code values for them (Linux's SEGV_MAPERR, SEGV_ACCERR, BUS_ADRERR). */
#define MM_SEGV_MAPERR	1		/* no mapping at the address */
#define MM_SEGV_ACCERR	2		/* mapping forbids the access */
#define MM_BUS_ADRERR	2

#define PAGE_ALIGN(x)	ALIGN_UP((unsigned long)(x), PAGE_SIZE)
#define PAGE_ALIGNED(x)	IS_ALIGNED((unsigned long)(x), PAGE_SIZE)
#define IS_ERR_VALUE(x)	((unsigned long)(x) >= (unsigned long)-4095)

/* Gap kept free below a stack VMA (Linux's stack_guard_gap: 256 pages). */
extern unsigned long stack_guard_gap;
#define STACK_TOP		TASK_SIZE
#define MMAP_GAP_MIN		(128UL << 20)	/* mmap_base = STACK_TOP - this */
#define STACK_RLIMIT_DEFAULT	(8UL << 20)
#define MMAP_MIN_ADDR_DEFAULT	0x10000UL

/* ---- vm_fault_t (Linux's values) ---------------------------------------------------- */
#define VM_FAULT_OOM		0x000001u
#define VM_FAULT_SIGBUS		0x000002u
#define VM_FAULT_MAJOR		0x000004u	/* needed I/O */
#define VM_FAULT_WRITE		0x000008u	/* the pte was made writable (COW done) */
#define VM_FAULT_HWPOISON	0x000010u
#define VM_FAULT_SIGSEGV	0x000040u
#define VM_FAULT_NOPAGE		0x000100u	/* handler installed the pte itself */
#define VM_FAULT_LOCKED		0x000200u	/* handler returns the page locked */
#define VM_FAULT_RETRY		0x000400u	/* dropped the locks: try again */
#define VM_FAULT_FALLBACK	0x000800u
#define VM_FAULT_DONE_COW	0x001000u
#define VM_FAULT_ERROR	\
	(VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV | VM_FAULT_HWPOISON)

/* ---- fault flags (Linux's, plus FAULT_FLAG_POPULATE) --------------------------------- */
#define FAULT_FLAG_WRITE		(1u << 0)
#define FAULT_FLAG_MKWRITE		(1u << 1)
#define FAULT_FLAG_ALLOW_RETRY		(1u << 2)
#define FAULT_FLAG_RETRY_NOWAIT		(1u << 3)
#define FAULT_FLAG_KILLABLE		(1u << 4)
#define FAULT_FLAG_TRIED		(1u << 5)
#define FAULT_FLAG_USER			(1u << 6)	/* the access came from user mode */
#define FAULT_FLAG_REMOTE		(1u << 7)
#define FAULT_FLAG_INSTRUCTION		(1u << 8)	/* instruction fetch */
/* Made by mm_populate() rather than by an access: traced but not counted in min_flt. */
#define FAULT_FLAG_POPULATE		(1u << 16)

/* Everything one fault needs, filled by __handle_mm_fault() (Linux's struct vm_fault). */
struct vm_fault {
	struct vm_area_struct *vma;
	gfp_t gfp_mask;			/* for page and page-table allocations */
	pgoff_t pgoff;			/* page index of address in the VMA's object */
	unsigned long address;		/* faulting address, page aligned */
	unsigned long real_address;	/* faulting address as the CPU reported it */
	unsigned int flags;		/* FAULT_FLAG_* */
	pmd_t *pmd;			/* the pmd entry covering address */
	pte_t *pte;			/* the pte, or NULL when none (or no table yet) */
	pte_t orig_pte;			/* the pte as read before the lock: re-checked */
	struct page *page;		/* the page the pte maps (do_wp_page) */
	struct page *cow_page;		/* the new page of a copy */
	enum fault_kind kind;		/* what the handler did, for the trace */
};

/* Page-fault statistics of one task (the guest keeps one per task; may be omitted). */
struct task_fault_stats {
	unsigned long min_flt;
	unsigned long maj_flt;
};

/* ---- address spaces (mm/mmap.c, mm/fork.c) ------------------------------------------ */
/* A new empty address space with one reference; NULL when memory is exhausted. */
struct mm_struct *mm_alloc(void);
static inline void mmget(struct mm_struct *mm)
{
	mm->mm_users++;
}
/* Drop a reference; the last one unmaps everything and frees the page tables and mm. */
void mmput(struct mm_struct *mm);
/* Unmap every VMA and free all user page tables (the mm itself stays). */
void exit_mmap(struct mm_struct *mm);
/*
 * fork(): a copy of @oldmm whose private writable pages are shared copy-on-write (write
 * protected in both), shared mappings shared. NULL (and @oldmm unchanged apart from
 * write protection) when memory is exhausted.
 */
struct mm_struct *dup_mm(struct mm_struct *oldmm);

/* ---- VMAs (mm/vma.c) ------------------------------------------------------------------- */
/* The first VMA with vm_end > @addr, or NULL. O(log n). */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
/* find_vma(), also storing the VMA before it (or NULL) in *pprev. */
struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr,
				     struct vm_area_struct **pprev);
/* The first VMA overlapping [start, end), or NULL. */
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end);
struct vm_area_struct *vma_next(struct vm_area_struct *vma);
struct vm_area_struct *vma_prev(struct vm_area_struct *vma);
struct vm_area_struct *vma_first(struct mm_struct *mm);
struct vm_area_struct *vma_last(struct mm_struct *mm);

#define for_each_vma(mm, vma)	\
	for ((vma) = vma_first(mm); (vma); (vma) = vma_next(vma))

/* Insert @vma (not overlapping any other) into @mm's tree. */
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma);
/* Remove @vma from the tree (it is not freed). */
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma);
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
/* A copy of @orig, not linked in a tree; a file VMA's copy holds its own file reference
 * and is on the mapping's i_mmap list too. */
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig);
/* Free @vma (unlinked from the tree), dropping its file reference and i_mmap entry. */
void vm_area_free(struct vm_area_struct *vma);
/* Make @vma map @file: take a reference and put it on the file mapping's i_mmap list. */
void vma_link_file(struct vm_area_struct *vma, struct file *file);
/*
 * Split @vma at @addr (page aligned, strictly inside it) into two VMAs. With @new_below
 * the new VMA is the lower part, else the upper part; @vma keeps the other. Page tables
 * are not touched. Return 0 or -ENOMEM.
 */
int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
	      int new_below);
/*
 * Make [start, end), inside @vma, a VMA of its own with the flags @newflags and the page
 * protection they imply: split off what lies outside the range. The ptes are not touched;
 * the caller rewrites them if it must, then calls vma_merge(). Return 0 or -ENOMEM (a
 * split failed: the flags are unchanged).
 */
int vma_modify_flags(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
		     unsigned long end, unsigned long newflags);
/* Merge @vma with its neighbours where they touch and are compatible (same flags, object,
 * contiguous offsets). Return the VMA now covering @vma's range. */
struct vm_area_struct *vma_merge(struct mm_struct *mm, struct vm_area_struct *vma);
/* Check the tree and the counters (order, no overlap, map_count, total_vm, rb invariants).
 * Return 0 or -EINVAL with a printk saying what is wrong. */
int validate_mm(struct mm_struct *mm);

/* pte protection bits for VMA flags: never writable for private mappings (COW). */
pgprot_t vm_get_page_prot(unsigned long vm_flags);

/* ---- mmap and friends (system-call semantics, Linux's errors) ---------------------------- */
/*
 * Map [addr, addr + len) (MAP_FIXED, MAP_FIXED_NOREPLACE) or at a free address (top-down
 * below mm->mmap_base; @addr is a hint): anonymous memory (@file NULL, MAP_ANONYMOUS), or
 * @file from page @pgoff through its page cache (the VMA holds a file reference; the file
 * must be open for reading, and for writing if MAP_SHARED with PROT_WRITE: else -EACCES;
 * a shared mapping of a read-only file can never become writable). MAP_POPULATE faults
 * the range in. MAP_SHARED|MAP_ANONYMOUS memory is populated at once (there is no shmem
 * object to find its pages later). Return the address, or -EINVAL, -ENOMEM, -EEXIST,
 * -EPERM, -EBADF, -EACCES, -EOVERFLOW as an unsigned long.
 */
unsigned long do_mmap(struct mm_struct *mm, struct file *file, unsigned long addr,
		      unsigned long len, unsigned long prot, unsigned long flags,
		      unsigned long pgoff);
/* munmap(): unmap [start, start + len), splitting VMAs at the ends; 0 or -EINVAL. */
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);
/* mprotect(): 0, -EINVAL, -ENOMEM (range not fully mapped, or no memory), -EACCES. */
int do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len,
		unsigned long prot);
/* brk(): move the end of the heap to @brk; return the new end, or the old one on failure. */
unsigned long do_brk(struct mm_struct *mm, unsigned long brk);
/* madvise() with MADV_NORMAL, _RANDOM, _SEQUENTIAL, _WILLNEED, _DONTNEED: 0, -EINVAL,
 * -ENOMEM (part of the range unmapped; the mapped parts are still advised). */
int do_madvise(struct mm_struct *mm, unsigned long start, unsigned long len, int behavior);
/* Grow the stack VMA @vma down to cover @address: 0, -EFAULT (not a stack), -ENOMEM (past
 * the stack limit or into the guard gap), -EPERM (below mmap_min_addr). */
int expand_stack(struct vm_area_struct *vma, unsigned long address);
/*
 * msync(): with MS_SYNC, write the dirty pages of shared file mappings in the range and
 * wait (vfs_fsync_range); MS_ASYNC does nothing (dirty pages are already tracked).
 * 0, -EINVAL, -ENOMEM (part of the range unmapped), -EBUSY, or the writeback error.
 */
int do_msync(struct mm_struct *mm, unsigned long start, unsigned long len, int flags);
/* Fault in every page of [start, start + len) (writable private ones for writing); faults
 * are flagged FAULT_FLAG_POPULATE. Return 0 or -ENOMEM / -EFAULT. */
int mm_populate(struct mm_struct *mm, unsigned long start, unsigned long len);
/* Remove the ptes of [start, end) inside @vma and drop their pages (a dirty pte makes its
 * file page dirty); flushes the TLB. */
void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);

/* ---- the fault path (mm/memory.c, mm/wp.c, mm/fault.c) ------------------------------ */
/*
 * Resolve a fault at @address in @vma (the caller checked that the VMA allows the access).
 * Counts it in the mm (unless FAULT_FLAG_POPULATE or an error), traces it through
 * arch_fault_trace(), and returns the VM_FAULT_* mask. Enters and returns with the page
 * table lock free.
 */
vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
			   unsigned int flags);

/*
 * The mm half of the arch's page-fault handler: @address is CR2, @error_code the x86 one
 * (bit 0 protection, 1 write, 2 user, 3 reserved bit, 4 instruction fetch). Find the VMA,
 * grow the stack, check the access, handle_mm_fault() and retry as asked. Return 0 when
 * the access can be restarted, else the signal for the task: SIGSEGV (no mapping, access
 * not allowed), SIGBUS, or SIGKILL (out of memory); *si_code says why. @stats gets
 * min_flt/maj_flt. @stats and @si_code may be NULL.
 */
int handle_user_addr_fault(struct mm_struct *mm, unsigned long address,
			   unsigned long error_code, struct task_fault_stats *stats,
			   int *si_code);

/* The page a pte maps, or NULL for the zero page. */
struct page *vm_normal_page(struct vm_area_struct *vma, unsigned long addr, pte_t pte);

/* ---- reverse-map accounting (mm/rmap.c) ------------------------------------------------ */
void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma,
			    unsigned long address);
void page_add_file_rmap(struct page *page, struct vm_area_struct *vma);
void page_dup_rmap(struct page *page);
void page_remove_rmap(struct page *page, struct vm_area_struct *vma);

static inline unsigned long get_mm_counter(const struct mm_struct *mm, int member)
{
	return mm->rss[member];
}

static inline unsigned long get_mm_rss(const struct mm_struct *mm)
{
	return mm->rss[MM_ANONPAGES] + mm->rss[MM_FILEPAGES];
}

#endif

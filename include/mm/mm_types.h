/* SPDX-License-Identifier: MIT */
/*
 * The address space (struct mm_struct) and its mappings (struct vm_area_struct), as Linux's
 * <linux/mm_types.h>. VMAs live in a red-black tree ordered by address (mm/vma.c).
 */
#ifndef MM_MM_TYPES_H
#define MM_MM_TYPES_H

#include <kern/types.h>
#include "mm_arch.h"
#include <mm/pgtable.h>
#include <mm/rbtree.h>

struct file;			/* the VFS's, opaque to mm/ (include/mm/fs.h) */

/* What a fault handler did: a bit mask of VM_FAULT_* (include/mm/mm.h). */
typedef unsigned int vm_fault_t;
struct vm_fault;
struct vm_area_struct;

/* VMA flags (Linux's values for the ones that exist there). */
#define VM_NONE		0x00000000UL
#define VM_READ		0x00000001UL
#define VM_WRITE	0x00000002UL
#define VM_EXEC		0x00000004UL
#define VM_SHARED	0x00000008UL
#define VM_MAYREAD	0x00000010UL	/* the VM_READ etc. that mprotect() may set */
#define VM_MAYWRITE	0x00000020UL
#define VM_MAYEXEC	0x00000040UL
#define VM_MAYSHARE	0x00000080UL
#define VM_GROWSDOWN	0x00000100UL	/* the stack: grows down on a fault below it */
#define VM_LOCKED	0x00002000UL
#define VM_SEQ_READ	0x00008000UL
#define VM_RAND_READ	0x00010000UL
#define VM_DONTCOPY	0x00020000UL	/* not inherited by fork */
#define VM_ACCOUNT	0x00100000UL
#define VM_NORESERVE	0x00200000UL

#define VM_ACCESS_FLAGS	(VM_READ | VM_WRITE | VM_EXEC)
#define VM_MAY_FLAGS	(VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)

/* What a file-backed VMA provides (generic_file_vm_ops for the page cache). */
struct vm_operations_struct {
	/* Find the page at vmf->pgoff: vmf->page (with a reference, locked if the result has
	 * VM_FAULT_LOCKED), or VM_FAULT_SIGBUS / _OOM / _NOPAGE. */
	vm_fault_t (*fault)(struct vm_fault *vmf);
	/* Map the already uptodate pages of [start_pgoff, end_pgoff] whose ptes are none
	 * (fault-around); VM_FAULT_NOPAGE if the faulting address got one. */
	vm_fault_t (*map_pages)(struct vm_fault *vmf, pgoff_t start_pgoff, pgoff_t end_pgoff);
	/* vmf->page is about to become writable in a shared mapping: make it dirty (and
	 * writable on disk). VM_FAULT_LOCKED with the page locked, or an error / NOPAGE. */
	vm_fault_t (*page_mkwrite)(struct vm_fault *vmf);
};

struct vm_area_struct {
	unsigned long vm_start;		/* first byte */
	unsigned long vm_end;		/* first byte after */
	struct mm_struct *vm_mm;
	unsigned long vm_flags;
	pgprot_t vm_page_prot;		/* pte bits of pages mapped here (no RW if private) */
	pgoff_t vm_pgoff;		/* offset in vm_file in pages; anon: vm_start >> 12 */
	struct file *vm_file;		/* NULL: anonymous */
	const struct vm_operations_struct *vm_ops;	/* NULL: anonymous */
	void *anon_vma;			/* reverse map, filled by a later issue */
	struct list_head shared;	/* file VMAs: on the mapping's i_mmap list */
	struct rb_node vm_rb;
};

/* Counters of resident pages (Linux's MM_*PAGES). */
enum {
	MM_ANONPAGES,
	MM_FILEPAGES,
	MM_SWAPENTS,
	NR_MM_COUNTERS
};

struct mm_struct {
	pgd_t *pgd;
	struct rb_root mm_rb;		/* VMAs by address */
	int map_count;			/* VMAs in mm_rb */
	int mm_users;			/* references: mmput() of the last frees it */
	spinlock_t page_table_lock;	/* protects ptes and the allocation of tables */

	unsigned long mmap_base;	/* top of the area searched for mmap addresses */
	unsigned long mmap_min_addr;	/* lowest address mmap() hands out */
	unsigned long start_brk, brk;	/* the heap: [start_brk, brk), set by exec */
	unsigned long start_stack;
	unsigned long stack_rlimit;	/* largest size the stack VMA may grow to */

	unsigned long total_vm;		/* pages covered by VMAs */
	unsigned long rss[NR_MM_COUNTERS];
	unsigned long nr_pgtables;	/* page-table pages below pgd (not counting it) */
	unsigned long min_flt, maj_flt;	/* faults by accesses (populate is not counted) */
};

static inline bool vma_is_anonymous(const struct vm_area_struct *vma)
{
	return !vma->vm_ops;
}

static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

#endif

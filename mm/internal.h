/* SPDX-License-Identifier: MIT */
/*
 * The one header every mm/ source file includes: freestanding basics, the public mm headers and the
 * arch seam "mm_arch.h", which the guest takes from guest/arch/include/ and the host unit
 * tests from tests/unit/include/ (as Linux's tools/testing/vma replaces mm/vma_internal.h).
 */
#ifndef MM_INTERNAL_H
#define MM_INTERNAL_H

#include <kern/types.h>
#include <kern/compiler.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/string.h>
#include "mm_arch.h"
#include <mm/list.h>
#include <mm/memblock.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <mm/rbtree.h>
#include <mm/pgtable.h>
#include <mm/mm_types.h>
#include <mm/mm.h>
#include <mm/xarray.h>
#include <mm/fs.h>
#include <mm/pagemap.h>
#include <mm/writeback.h>

/* page_alloc.c -> slab.c: reset the kmalloc caches (mem_init() calls it last). */
void kmalloc_init(void);
/* page_alloc.c -> vmscan.c: an empty page-cache LRU and counters (mem_init() calls it). */
void pagecache_init(void);

/* memory.c -> wp.c: a write to a present read-only pte. Enters with the page table lock
 * held and the pte unchanged since vmf->orig_pte; returns with it released. */
vm_fault_t do_wp_page(struct vm_fault *vmf);

/* filemap.c: @bit of @page was cleared; wake its sleepers (page-writeback.c uses it). */
void wake_up_page(struct page *page, enum pageflags bit);

/* readahead.c -> filemap.c: read the window rac->ra describes (start, size, async_size). */
void page_cache_ra_window(struct readahead_control *rac);

/*
 * memory.c -> filemap.c: map @page (with a reference for the pte) at @addr through the
 * none pte vmf->pte, page table lock held: writable and dirty for a write fault, a new
 * anonymous page for a private write (COW), else a file page. Linux's set_pte_range().
 */
void do_set_pte(struct vm_fault *vmf, struct page *page, unsigned long addr);

/* memory.c -> wp.c: ->page_mkwrite for vmf->page (locked on success: VM_FAULT_LOCKED),
 * and dirtying the page after a shared write was allowed (unlocks it). */
vm_fault_t do_page_mkwrite(struct vm_fault *vmf, struct page *page);
void fault_dirty_shared_page(struct vm_fault *vmf);

/* mmap.c: vm_page_prot for the VMA's flags, without RW where writes must be noticed
 * (shared file mappings with page_mkwrite: Linux's vma_wants_writenotify). */
void vma_set_page_prot(struct vm_area_struct *vma);

/* (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE: private and possibly writable, so
 * its pages are copied on write. */
static inline bool is_cow_mapping(unsigned long flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

#endif

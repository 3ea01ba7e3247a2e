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

/* page_alloc.c -> slab.c: reset the kmalloc caches (mem_init() calls it last). */
void kmalloc_init(void);

/* memory.c -> wp.c: a write to a present read-only pte. Enters with the page table lock
 * held and the pte unchanged since vmf->orig_pte; returns with it released. */
vm_fault_t do_wp_page(struct vm_fault *vmf);

/* (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE: private and possibly writable, so
 * its pages are copied on write. */
static inline bool is_cow_mapping(unsigned long flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * kmalloc (mm/slab.c): small kernel objects from power-of-two size classes 16..2048, each
 * class carving whole pages into equal objects; larger requests take whole buddy blocks.
 */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include <kern/types.h>
#include <mm/page_alloc.h>

#define KMALLOC_MIN_SIZE	16
#define KMALLOC_MAX_CACHE_SIZE	2048
#define KMALLOC_MAX_SIZE	(PAGE_SIZE << MAX_ORDER)

/* What kmalloc(0) returns: not NULL, but any access faults; kfree() accepts it. */
#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(p)	((unsigned long)(p) <= (unsigned long)ZERO_SIZE_PTR)

/*
 * Allocate @size bytes aligned to the size class (at least 16 bytes; page-aligned above
 * KMALLOC_MAX_CACHE_SIZE). Return NULL if memory is exhausted or @size > KMALLOC_MAX_SIZE,
 * ZERO_SIZE_PTR for size 0. __GFP_ZERO zeroes the object.
 */
void *kmalloc(size_t size, gfp_t gfp);

static inline void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

/* Free what kmalloc() returned (NULL and ZERO_SIZE_PTR are ignored). A pointer kmalloc()
 * did not return, or a double free, is a BUG (the double free only where it can be seen). */
void kfree(const void *p);

/* Pages currently held by the kmalloc slabs (large kmalloc blocks not counted). */
unsigned long kmalloc_slab_pages(void);

#endif

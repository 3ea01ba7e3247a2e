/* SPDX-License-Identifier: MIT */
/*
 * Page frames (mm/page_alloc.c): one struct page per physical frame in mem_map[], the buddy
 * allocator (orders 0..MAX_ORDER), reference counts and pfn/phys/virt conversions.
 */
#ifndef MM_PAGE_ALLOC_H
#define MM_PAGE_ALLOC_H

#include <kern/types.h>
#include <kern/compiler.h>
#include <kern/printk.h>
#include "mm_arch.h"
#include <mm/list.h>

#define MAX_ORDER	10		/* largest block: 2^10 pages = 4 MiB */
#define NR_ORDERS	(MAX_ORDER + 1)

typedef unsigned int gfp_t;
typedef unsigned long pgoff_t;

#define __GFP_ZERO	0x100u		/* return zeroed memory */
#define __GFP_NOWARN	0x200u		/* no console message on failure */
#define GFP_KERNEL	0x001u
#define GFP_USER	0x002u		/* pages that will be mapped to user space */

struct kmem_cache;

/* Page flags (bit numbers in page->flags). */
enum pageflags {
	PG_reserved,	/* not managed by the buddy allocator (memblock reserved, holes) */
	PG_buddy,	/* first page of a free block; private = its order */
	PG_slab,	/* kmalloc slab page; slab_cache/freelist/inuse are valid */
	PG_head,	/* first page of a kmalloc allocation of order private > 0 */
	PG_anon,	/* mapped anonymous memory */
	PG_dirty,	/* newer than its backing store (page cache: DIRTY mark too) */
	PG_uptodate,	/* holds valid data (page cache: read completed) */
	PG_locked,	/* page cache: I/O or a state change in progress (lock_page) */
	PG_lru,
	PG_swapbacked,
	PG_zero,	/* the shared zero page */
	PG_writeback,	/* page cache: being written (WRITEBACK mark too) */
	PG_readahead,	/* page cache: reaching it starts the next readahead window */
	NR_PAGEFLAGS
};

struct page {
	unsigned long flags;
	int _refcount;		/* 0: free or a tail page; the put that reaches 0 frees */
	int _mapcount;		/* page-table mappings minus one: -1 = unmapped */
	union {
		struct {		/* mapped pages */
			void *mapping;	/* anon_vma, or the struct address_space */
			pgoff_t index;	/* offset within the mapping, in pages */
		};
		struct {		/* PG_slab pages */
			struct kmem_cache *slab_cache;
			void *freelist;	/* first free object */
		};
	};
	struct list_head lru;	/* buddy free list, slab partial list, later LRU lists */
	unsigned long private;	/* buddy / kmalloc order; slab: objects in use */
	unsigned long _pad;	/* keeps struct page at 64 bytes */
};

static inline bool PageFlag(const struct page *p, enum pageflags f)
{
	return (p->flags >> f) & 1;
}

static inline void SetPageFlag(struct page *p, enum pageflags f)
{
	p->flags |= 1UL << f;
}

static inline void ClearPageFlag(struct page *p, enum pageflags f)
{
	p->flags &= ~(1UL << f);
}

#define PageReserved(p)		PageFlag(p, PG_reserved)
#define PageBuddy(p)		PageFlag(p, PG_buddy)
#define PageSlab(p)		PageFlag(p, PG_slab)
#define PageHead(p)		PageFlag(p, PG_head)
#define PageAnon(p)		PageFlag(p, PG_anon)
#define PageDirty(p)		PageFlag(p, PG_dirty)
#define PageZero(p)		PageFlag(p, PG_zero)
#define PageUptodate(p)		PageFlag(p, PG_uptodate)
#define PageLocked(p)		PageFlag(p, PG_locked)
#define PageWriteback(p)	PageFlag(p, PG_writeback)
#define PageReadahead(p)	PageFlag(p, PG_readahead)

/* ---- the frame table --------------------------------------------------------------- */
extern struct page *mem_map;		/* struct page of pfn 0 .. max_pfn - 1 */
extern unsigned long max_pfn;
extern unsigned long totalram_pages;	/* pages handed to the buddy allocator by mem_init() */
/* The shared zero page: always zero, mapped read-only for reads of untouched anonymous
 * memory; never refcounted or mapcounted through ptes (reserved, set up by mem_init()). */
extern struct page *zero_page;

#define PFN_DOWN(x)	((unsigned long)((x) >> PAGE_SHIFT))
#define PFN_UP(x)	((unsigned long)(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT))
#define PFN_PHYS(pfn)	((phys_addr_t)(pfn) << PAGE_SHIFT)

static inline unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - mem_map);
}

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return mem_map + pfn;
}

static inline bool pfn_valid(unsigned long pfn)
{
	return pfn < max_pfn;
}

static inline bool is_zero_pfn(unsigned long pfn)
{
	return pfn == (unsigned long)(zero_page - mem_map);
}

static inline phys_addr_t page_to_phys(const struct page *page)
{
	return PFN_PHYS(page_to_pfn(page));
}

static inline struct page *phys_to_page(phys_addr_t pa)
{
	return pfn_to_page(PFN_DOWN(pa));
}

static inline void *page_address(const struct page *page)
{
	return __va(page_to_phys(page));
}

static inline struct page *virt_to_page(const void *va)
{
	return phys_to_page(__pa(va));
}

/* ---- reference counts -------------------------------------------------------------- */
static inline int page_ref_count(const struct page *page)
{
	return READ_ONCE(page->_refcount);
}

static inline int page_mapcount(const struct page *page)
{
	return READ_ONCE(page->_mapcount) + 1;
}

static inline void get_page(struct page *page)
{
	BUG_ON(page->_refcount <= 0);
	page->_refcount++;
}

/* Drop a reference; the last one frees the page (a kmalloc'd PG_head block as a whole). */
void put_page(struct page *page);

/* ---- the buddy allocator ------------------------------------------------------------- */
/*
 * Build mem_map[] from memblock (allocated with memblock_alloc()), set aside the zero page,
 * hand every page of every free memblock range to the buddy allocator, retire memblock
 * and set up kmalloc. Call once,
 * after every memblock_add()/memblock_reserve() and with all RAM reachable through __va().
 * Panics if mem_map[] does not fit.
 */
void mem_init(void);

/*
 * Allocate 2^@order physically contiguous pages, aligned to their size. The first page
 * holds one reference; the others have refcount 0. Return NULL if @order > MAX_ORDER or
 * no free block is large enough. __GFP_ZERO zeroes the memory.
 */
struct page *alloc_pages(gfp_t gfp, unsigned int order);

/* Drop the reference of alloc_pages(); the block goes back to the buddy lists when it was
 * the last one. @order must be the order it was allocated with. */
void __free_pages(struct page *page, unsigned int order);

static inline struct page *alloc_page(gfp_t gfp)
{
	return alloc_pages(gfp, 0);
}

static inline void __free_page(struct page *page)
{
	__free_pages(page, 0);
}

/* alloc_pages() returning the direct-map address, or 0 on failure. */
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
unsigned long get_zeroed_page(gfp_t gfp);
void free_pages(unsigned long addr, unsigned int order);

/* Free pages in the buddy allocator. */
unsigned long nr_free_pages(void);
/* Free blocks of exactly @order (for tests and diagnostics). */
unsigned long nr_free_blocks(unsigned int order);

/* Smallest order whose block holds @size bytes (size 0 -> 0). */
static inline unsigned int get_order(unsigned long size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

#endif

// SPDX-License-Identifier: MIT
/*
 * kmalloc/kfree: one cache per power-of-two size class 16..2048. A slab is one page cut into
 * equal objects; free objects are linked through their first word (page->freelist), and a
 * slab with free objects sits on its cache's partial list. A slab whose objects are all free
 * goes back to the buddy allocator. Larger requests are whole PG_head buddy blocks.
 */
#include "internal.h"

struct kmem_cache {
	unsigned int size;		/* object size, a power of two */
	unsigned int objects;		/* objects per slab */
	struct list_head partial;	/* slabs with at least one free object */
	unsigned long nr_slabs;
	spinlock_t lock;
};

#define NR_KMALLOC_CACHES	8	/* 16 << 0 .. 16 << 7 = 2048 */

static struct kmem_cache kmalloc_caches[NR_KMALLOC_CACHES];

void kmalloc_init(void)
{
	unsigned int i;

	for (i = 0; i < NR_KMALLOC_CACHES; i++) {
		struct kmem_cache *s = &kmalloc_caches[i];

		s->size = KMALLOC_MIN_SIZE << i;
		s->objects = PAGE_SIZE / s->size;
		INIT_LIST_HEAD(&s->partial);
		s->nr_slabs = 0;
		spin_lock_init(&s->lock);
	}
}

static struct kmem_cache *kmalloc_slab(size_t size)
{
	unsigned int i = 0;

	while ((size_t)(KMALLOC_MIN_SIZE << i) < size)
		i++;
	return &kmalloc_caches[i];
}

/* A fresh slab for @s with every object on its free list, or NULL. Cache lock held. */
static struct page *new_slab(struct kmem_cache *s)
{
	struct page *page = alloc_page(GFP_KERNEL);
	char *base;
	unsigned int i;

	if (!page)
		return NULL;
	base = page_address(page);
	for (i = 0; i < s->objects; i++) {
		char *next = i + 1 < s->objects ? base + (i + 1) * s->size : NULL;

		*(void **)(base + i * s->size) = next;
	}
	arch_mem_poison(base, PAGE_SIZE);
	SetPageFlag(page, PG_slab);
	page->slab_cache = s;
	page->freelist = base;
	page->private = 0;
	list_add(&page->lru, &s->partial);
	s->nr_slabs++;
	return page;
}

static void *slab_alloc(struct kmem_cache *s, size_t size, gfp_t gfp)
{
	struct page *page;
	void *obj = NULL;

	spin_lock(&s->lock);
	if (list_empty(&s->partial) && !new_slab(s))
		goto out;
	page = list_first_entry(&s->partial, struct page, lru);
	obj = page->freelist;
	arch_mem_unpoison(obj, sizeof(void *));
	page->freelist = *(void **)obj;
	arch_mem_poison(obj, s->size);
	if (++page->private == s->objects)
		list_del_init(&page->lru);	/* full: off the partial list */
out:
	spin_unlock(&s->lock);
	if (!obj)
		return NULL;
	/* Only the requested bytes are addressable: an overflow is an ASan report on the host. */
	arch_mem_unpoison(obj, size);
	if (gfp & __GFP_ZERO)
		memset(obj, 0, size);
	return obj;
}

static void slab_free(struct page *page, const void *p)
{
	struct kmem_cache *s = page->slab_cache;
	unsigned long off = (unsigned long)((const char *)p - (const char *)page_address(page));
	void *obj = (void *)p;

	BUG_ON(off % s->size);
	spin_lock(&s->lock);
	/* Already free: the head of the list, or (on the host) poisoned. */
	BUG_ON(obj == page->freelist || arch_mem_is_poisoned(obj));
	arch_mem_unpoison(obj, sizeof(void *));
	*(void **)obj = page->freelist;
	arch_mem_poison(obj, s->size);
	page->freelist = obj;
	if (page->private-- == s->objects)
		list_add(&page->lru, &s->partial);
	if (page->private == 0) {
		list_del_init(&page->lru);
		ClearPageFlag(page, PG_slab);
		page->slab_cache = NULL;
		page->freelist = NULL;
		s->nr_slabs--;
		__free_page(page);
	}
	spin_unlock(&s->lock);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	struct page *page;
	unsigned int order;

	if (size == 0)
		return ZERO_SIZE_PTR;
	if (size <= KMALLOC_MAX_CACHE_SIZE)
		return slab_alloc(kmalloc_slab(size), size, gfp);
	if (size > KMALLOC_MAX_SIZE)
		return NULL;

	order = get_order(size);
	page = alloc_pages(gfp, order);
	if (!page)
		return NULL;
	SetPageFlag(page, PG_head);
	page->private = order;
	arch_mem_poison(page_address(page), PAGE_SIZE << order);
	arch_mem_unpoison(page_address(page), size);	/* the tail stays a redzone */
	return page_address(page);
}

void kfree(const void *p)
{
	struct page *page;

	if (ZERO_OR_NULL_PTR(p))
		return;
	page = virt_to_page(p);
	if (PageSlab(page)) {
		slab_free(page, p);
		return;
	}
	BUG_ON(!PageHead(page) || p != page_address(page));
	put_page(page);
}

unsigned long kmalloc_slab_pages(void)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < NR_KMALLOC_CACHES; i++)
		n += kmalloc_caches[i].nr_slabs;
	return n;
}

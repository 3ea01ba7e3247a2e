// SPDX-License-Identifier: MIT
/*
 * Host tests of mm/slab.c: size classes and alignment, reuse, objects never overlapping,
 * kzalloc, large allocations, exhaustion, empty slabs returned to the buddy allocator,
 * redzones past the requested size, and BUG on double or bogus kfree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include "mm_test.h"

#define ARENA_SIZE	(8UL << 20)

static unsigned long class_of(size_t size)
{
	unsigned long c = KMALLOC_MIN_SIZE;

	while (c < size)
		c <<= 1;
	return c;
}

static bool test_sizes_and_alignment(void)
{
	unsigned long nfree = nr_free_pages();
	size_t size;

	for (size = 1; size <= 3 * PAGE_SIZE; size += size < 64 ? 1 : 61) {
		unsigned char *p = kmalloc(size, GFP_KERNEL);
		unsigned long align = size <= KMALLOC_MAX_CACHE_SIZE ? class_of(size) : PAGE_SIZE;

		CHECKF(p, "size %zu", size);
		CHECKF(__pa(p) % align == 0, "size %zu at %#llx", size,
		       (unsigned long long)__pa(p));
		memset(p, 0x5a, size);		/* every requested byte is usable */
		CHECK(!arch_mem_is_poisoned(p + size - 1));
		kfree(p);
	}
	CHECK(kmalloc_slab_pages() == 0);
	CHECK(nr_free_pages() == nfree);
	return true;
}

static bool test_zero_size_and_null(void)
{
	CHECK(kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR);
	kfree(ZERO_SIZE_PTR);
	kfree(NULL);
	CHECK(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL) == NULL);
	return true;
}

static bool test_reuse_lifo(void)
{
	void *a = kmalloc(100, GFP_KERNEL), *b = kmalloc(100, GFP_KERNEL), *c;

	CHECK(a && b && a != b);
	kfree(b);
	c = kmalloc(120, GFP_KERNEL);		/* same 128-byte class */
	CHECK(c == b);
	kfree(a);
	kfree(c);
	CHECK(kmalloc_slab_pages() == 0);
	return true;
}

static bool test_slab_fill(void)
{
	unsigned long nfree = nr_free_pages();
	unsigned int per = PAGE_SIZE / 256, i;
	void *obj[PAGE_SIZE / 256 + 1];

	for (i = 0; i < per; i++) {
		obj[i] = kmalloc(256, GFP_KERNEL);
		CHECK(obj[i]);
		CHECK(virt_to_page(obj[i]) == virt_to_page(obj[0]));
	}
	CHECK(kmalloc_slab_pages() == 1 && nr_free_pages() == nfree - 1);
	obj[per] = kmalloc(256, GFP_KERNEL);
	CHECK(virt_to_page(obj[per]) != virt_to_page(obj[0]));
	CHECK(kmalloc_slab_pages() == 2);
	CHECK(PageSlab(virt_to_page(obj[0])));
	for (i = 0; i <= per; i++)
		kfree(obj[i]);
	CHECK(kmalloc_slab_pages() == 0 && nr_free_pages() == nfree);
	return true;
}

/* Many objects of mixed sizes, each filled with its own pattern: no two overlap. */
static bool test_no_overlap_mixed(void)
{
	enum { N = 3000 };
	static unsigned char *p[N];
	static size_t sz[N];
	unsigned long nfree = nr_free_pages();
	unsigned int i, round;

	srand(3);
	for (round = 0; round < 4; round++) {
		for (i = 0; i < N; i++) {
			if (p[i] && rand() % 2) {
				size_t j;

				for (j = 0; j < sz[i]; j++)
					CHECK(p[i][j] == (unsigned char)i);
				kfree(p[i]);
				p[i] = NULL;
			}
			if (!p[i]) {
				sz[i] = 1 + rand() % (rand() % 8 ? 300 : 5000);
				p[i] = kmalloc(sz[i], GFP_KERNEL);
				CHECK(p[i]);
				memset(p[i], (unsigned char)i, sz[i]);
			}
		}
	}
	for (i = 0; i < N; i++) {
		size_t j;

		for (j = 0; j < sz[i]; j++)
			CHECKF(p[i][j] == (unsigned char)i, "object %u byte %zu", i, j);
		kfree(p[i]);
		p[i] = NULL;
	}
	CHECK(kmalloc_slab_pages() == 0);
	CHECK(nr_free_pages() == nfree);
	return true;
}

static bool test_kzalloc(void)
{
	unsigned char *p = kmalloc(512, GFP_KERNEL), *q;
	unsigned int i;

	CHECK(p);
	memset(p, 0xee, 512);
	kfree(p);
	q = kzalloc(500, GFP_KERNEL);
	CHECK(q == p);				/* the same memory, dirty before */
	for (i = 0; i < 500; i++)
		CHECK(q[i] == 0);
	kfree(q);
	q = kzalloc(3 * PAGE_SIZE, GFP_KERNEL);
	CHECK(q);
	for (i = 0; i < 3 * PAGE_SIZE; i++)
		CHECK(q[i] == 0);
	kfree(q);
	return true;
}

static bool test_large(void)
{
	unsigned long nfree = nr_free_pages();
	void *p = kmalloc(5 * PAGE_SIZE, GFP_KERNEL);
	struct page *page;

	CHECK(p);
	page = virt_to_page(p);
	CHECK(PageHead(page) && !PageSlab(page));
	CHECK(nr_free_pages() == nfree - 8);	/* order 3 */
	CHECK(kmalloc_slab_pages() == 0);
	kfree(p);
	CHECK(nr_free_pages() == nfree);
	p = kmalloc(KMALLOC_MAX_CACHE_SIZE + 1, GFP_KERNEL);
	CHECK(p && PageHead(virt_to_page(p)) && nr_free_pages() == nfree - 1);
	kfree(p);
	CHECK(nr_free_pages() == nfree);
	return true;
}

/* The bytes past the requested size are poisoned: an overflow is an ASan report. */
static bool test_redzone(void)
{
	static const size_t sizes[] = { 1, 13, 16, 100, 2000, 2049, 3 * PAGE_SIZE + 5 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned char *p = kmalloc(sizes[i], GFP_KERNEL);

		CHECK(p);
		CHECK(!arch_mem_is_poisoned(p + sizes[i] - 1));
		CHECKF(arch_mem_is_poisoned(p + ALIGN_UP(sizes[i], 8)), "size %zu", sizes[i]);
		if (sizes[i] % 8)
			CHECKF(arch_mem_is_poisoned(p + sizes[i]), "size %zu", sizes[i]);
		kfree(p);
		CHECK(arch_mem_is_poisoned(p));		/* use after free: ASan report */
	}
	return true;
}

static bool test_exhaustion(void)
{
	unsigned long nfree = nr_free_pages(), n = 0;
	void **objs = calloc(nfree * (PAGE_SIZE / 64) + 1, sizeof(*objs));
	void *p;

	CHECK(objs);
	while ((p = kmalloc(64, GFP_KERNEL)) != NULL)
		objs[n++] = p;
	CHECK(n == nfree * (PAGE_SIZE / 64));
	CHECK(nr_free_pages() == 0);
	CHECK(kmalloc(2048, GFP_KERNEL) == NULL);
	CHECK(kmalloc(3 * PAGE_SIZE, GFP_KERNEL) == NULL);
	while (n)
		kfree(objs[--n]);
	CHECK(nr_free_pages() == nfree && kmalloc_slab_pages() == 0);
	free(objs);
	return true;
}

static void do_double_kfree(void *arg)
{
	void *a = kmalloc(32, GFP_KERNEL), *b = kmalloc(32, GFP_KERNEL);

	kfree(a);
	kfree(b);
	kfree(a);		/* not the head of the free list: caught by the poison check */
}

static void do_interior_kfree(void *arg)
{
	char *p = kmalloc(64, GFP_KERNEL);

	kfree(p + 16);
}

static void do_bogus_kfree(void *arg)
{
	struct page *page = alloc_page(GFP_KERNEL);

	kfree(page_address(page));
}

static void do_large_double_kfree(void *arg)
{
	void *p = kmalloc(2 * PAGE_SIZE, GFP_KERNEL);

	kfree(p);
	kfree(p);
}

static bool test_bad_kfree_bugs(void)
{
	CHECK(unit_catch_panic(do_double_kfree, NULL));
	unit_mm_boot(ARENA_SIZE);
	CHECK(unit_catch_panic(do_interior_kfree, NULL));
	unit_mm_boot(ARENA_SIZE);
	CHECK(unit_catch_panic(do_bogus_kfree, NULL));
	unit_mm_boot(ARENA_SIZE);
	CHECK(unit_catch_panic(do_large_double_kfree, NULL));
	unit_mm_boot(ARENA_SIZE);
	return true;
}

int main(void)
{
	unit_mm_boot(ARENA_SIZE);
	tap_plan(10);
	TAP_RUN(test_sizes_and_alignment);
	TAP_RUN(test_zero_size_and_null);
	TAP_RUN(test_reuse_lifo);
	TAP_RUN(test_slab_fill);
	TAP_RUN(test_no_overlap_mixed);
	TAP_RUN(test_kzalloc);
	TAP_RUN(test_large);
	TAP_RUN(test_redzone);
	TAP_RUN(test_exhaustion);
	TAP_RUN(test_bad_kfree_bugs);
	unit_arena_destroy();
	return tap_finish();
}

// SPDX-License-Identifier: MIT
/*
 * Host tests of mm/xarray.c, the page cache's radix tree: insert/load/erase at the edges
 * of every level, growing and shrinking the tree (no node left behind), marks summarised
 * upwards, xa_find over entries and marks, a random workload against a model, and
 * -ENOMEM leaving the tree as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kern/errno.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <mm/xarray.h>
#include "mm_test.h"

#define ARENA_SIZE	(32UL << 20)

/* Entries are fake pointers made from the index (never dereferenced). */
static void *ent(unsigned long i)
{
	return (void *)((i << 4) | 8);
}

static bool test_empty(void)
{
	struct xarray xa = XARRAY_INIT;
	unsigned long idx = 0;

	CHECK(xa_empty(&xa) && !xa_load(&xa, 0) && !xa_load(&xa, ~0UL));
	CHECK(!xa_find(&xa, &idx, ~0UL, XA_PRESENT) && !xa_erase(&xa, 5));
	CHECK(!xa_marked(&xa, XA_MARK_0) && !xa_get_mark(&xa, 0, XA_MARK_0));
	xa_set_mark(&xa, 3, XA_MARK_1);		/* no entry: nothing happens */
	CHECK(xa_empty(&xa) && xa_nodes(&xa) == 0);
	return true;
}

static bool test_edges_grow_shrink(void)
{
	static const unsigned long idx[] = {
		0, 1, 63, 64, 65, 4095, 4096, 262143, 262144, 1UL << 30, (1UL << 36) + 5,
		1UL << 52, ~0UL - 1, ~0UL,
	};
	unsigned long slab = kmalloc_slab_pages(), nfree = nr_free_pages(), i, j, at;
	struct xarray xa = XARRAY_INIT;

	for (i = 0; i < ARRAY_SIZE(idx); i++) {
		CHECKF(xa_insert(&xa, idx[i], ent(idx[i]), GFP_KERNEL) == 0, "index %#lx", idx[i]);
		for (j = 0; j <= i; j++)
			CHECKF(xa_load(&xa, idx[j]) == ent(idx[j]), "index %#lx", idx[j]);
		CHECK(xa_insert(&xa, idx[i], ent(1), GFP_KERNEL) == -EEXIST);
	}
	CHECK(!xa_load(&xa, 2) && !xa_load(&xa, 4097) && !xa_load(&xa, 1UL << 31));
	/* xa_find walks them in order. */
	at = 0;
	for (i = 0; i < ARRAY_SIZE(idx); i++) {
		CHECK(xa_find(&xa, &at, ~0UL, XA_PRESENT) == ent(idx[i]) && at == idx[i]);
		if (at != ~0UL)
			at++;
	}
	/* Erase in an order that empties the low indices first: the root must shrink. */
	for (i = 0; i < ARRAY_SIZE(idx); i++) {
		CHECK(xa_erase(&xa, idx[i]) == ent(idx[i]));
		CHECK(!xa_load(&xa, idx[i]) && !xa_erase(&xa, idx[i]));
		for (j = i + 1; j < ARRAY_SIZE(idx); j++)
			CHECK(xa_load(&xa, idx[j]) == ent(idx[j]));
	}
	CHECK(xa_empty(&xa) && xa_nodes(&xa) == 0);
	CHECK(kmalloc_slab_pages() == slab && nr_free_pages() == nfree);

	/* Grow to height 3 then remove the high entry: back to one leaf. */
	CHECK(xa_insert(&xa, 5, ent(5), GFP_KERNEL) == 0 && xa_nodes(&xa) == 1);
	CHECK(xa_insert(&xa, 300000, ent(300000), GFP_KERNEL) == 0);
	/* The old leaf, three new roots (shifts 6, 12, 18) and a new path 12, 6, 0. */
	CHECK(xa_nodes(&xa) == 7);
	CHECK(xa_erase(&xa, 300000) && xa_nodes(&xa) == 1 && xa_load(&xa, 5) == ent(5));
	CHECK(xa_erase(&xa, 5) && xa_empty(&xa));
	return true;
}

static bool test_marks(void)
{
	struct xarray xa = XARRAY_INIT;
	unsigned long at, i;

	for (i = 0; i < 10000; i += 7)
		CHECK(xa_insert(&xa, i, ent(i), GFP_KERNEL) == 0);
	CHECK(!xa_marked(&xa, XA_MARK_0));
	xa_set_mark(&xa, 4900, XA_MARK_0);
	xa_set_mark(&xa, 7007, XA_MARK_0);
	xa_set_mark(&xa, 7007, XA_MARK_2);
	xa_set_mark(&xa, 4901, XA_MARK_0);	/* no entry there */
	CHECK(xa_marked(&xa, XA_MARK_0) && xa_marked(&xa, XA_MARK_2) && !xa_marked(&xa, XA_MARK_1));
	CHECK(xa_get_mark(&xa, 4900, XA_MARK_0) && !xa_get_mark(&xa, 4900, XA_MARK_1));
	CHECK(!xa_get_mark(&xa, 4901, XA_MARK_0) && !xa_get_mark(&xa, 4907, XA_MARK_0));
	at = 0;
	CHECK(xa_find(&xa, &at, ~0UL, XA_MARK_0) == ent(4900) && at == 4900);
	at++;
	CHECK(xa_find(&xa, &at, ~0UL, XA_MARK_0) == ent(7007) && at == 7007);
	at++;
	CHECK(!xa_find(&xa, &at, ~0UL, XA_MARK_0));
	at = 0;
	CHECK(!xa_find(&xa, &at, 4899, XA_MARK_0));	/* max is honoured */
	at = 0;
	CHECK(xa_find(&xa, &at, ~0UL, XA_MARK_2) == ent(7007));
	/* Clearing the only mark clears the summaries up to the root. */
	xa_clear_mark(&xa, 7007, XA_MARK_2);
	CHECK(!xa_marked(&xa, XA_MARK_2));
	/* Erasing a marked entry drops its mark. */
	CHECK(xa_erase(&xa, 4900) == ent(4900));
	at = 0;
	CHECK(xa_find(&xa, &at, ~0UL, XA_MARK_0) == ent(7007));
	CHECK(xa_erase(&xa, 7007) && !xa_marked(&xa, XA_MARK_0));
	/* Re-inserting at a once-marked index starts unmarked. */
	CHECK(xa_insert(&xa, 4900, ent(4900), GFP_KERNEL) == 0 && !xa_get_mark(&xa, 4900, 0));
	for (i = 0; i < 10000; i += 7)
		xa_erase(&xa, i);
	CHECK(xa_empty(&xa) && xa_nodes(&xa) == 0);
	return true;
}

/* Random inserts, erases and marks in a sparse range, checked against arrays. */
static bool test_random_vs_model(void)
{
	enum { RANGE = 1 << 17, OPS = 60000 };
	unsigned char *present = calloc(RANGE, 1), *mark = calloc(RANGE, 1);
	unsigned long slab = kmalloc_slab_pages(), i, at, expect;
	struct xarray xa = XARRAY_INIT;
	unsigned int seed = 42;
	int op;

	CHECK(present && mark);
	for (op = 0; op < OPS; op++) {
		/* Clustered indices: low bits random, a few high regions. */
		unsigned long idx = (rand_r(&seed) % 4) * (RANGE / 4) + rand_r(&seed) % 3000;
		int what = rand_r(&seed) % 10;

		if (what < 4) {
			int err = xa_insert(&xa, idx, ent(idx), GFP_KERNEL);

			CHECK(err == (present[idx] ? -EEXIST : 0));
			present[idx] = 1;
		} else if (what < 7) {
			CHECK(xa_erase(&xa, idx) == (present[idx] ? ent(idx) : NULL));
			present[idx] = mark[idx] = 0;
		} else if (what < 9) {
			xa_set_mark(&xa, idx, XA_MARK_1);
			mark[idx] = present[idx];
		} else {
			xa_clear_mark(&xa, idx, XA_MARK_1);
			mark[idx] = 0;
		}
		if (op % 5000)
			continue;
		/* Full comparison, through loads and both kinds of find. */
		for (i = 0; i < RANGE; i++) {
			CHECKF(xa_load(&xa, i) == (present[i] ? ent(i) : NULL), "index %lu", i);
			CHECK(xa_get_mark(&xa, i, XA_MARK_1) == !!mark[i]);
		}
		expect = 0;
		at = 0;
		while (xa_find(&xa, &at, RANGE - 1, XA_MARK_1)) {
			CHECKF(mark[at], "found unmarked %lu", at);
			expect++;
			at++;
		}
		for (i = 0; i < RANGE; i++)
			expect -= mark[i];
		CHECK(expect == 0);
		/* Bounded searches from random points. */
		for (i = 0; i < 500; i++) {
			unsigned long start = rand_r(&seed) % RANGE, max, j;
			xa_mark_t f = i & 1 ? XA_PRESENT : XA_MARK_1;
			const unsigned char *model = i & 1 ? present : mark;
			void *got;

			max = start + rand_r(&seed) % 5000;
			if (max >= RANGE)
				max = RANGE - 1;
			for (j = start; j <= max && !model[j]; j++)
				;
			at = start;
			got = xa_find(&xa, &at, max, f);
			CHECKF(j <= max ? got == ent(j) && at == j : !got,
			       "find [%lu, %lu] filter %u: model %lu", start, max, f, j);
		}
	}
	for (i = 0; i < RANGE; i++)
		if (present[i])
			CHECK(xa_erase(&xa, i) == ent(i));
	CHECK(xa_empty(&xa) && kmalloc_slab_pages() == slab);
	free(present);
	free(mark);
	return true;
}

/* Take every page and every free kmalloc object large enough for a node. */
static void **exhaust(unsigned long *n)
{
	void **held = malloc(sizeof(void *) * (nr_free_pages() * 4 + 64));
	struct page *page;
	void *p;

	*n = 0;
	while ((p = kmalloc(sizeof(struct xa_node), GFP_KERNEL)) != NULL)
		held[(*n)++] = p;
	while ((page = alloc_page(GFP_KERNEL)) != NULL)
		held[(*n)++] = (void *)((unsigned long)page | 1);
	return held;
}

static void release(void **held, unsigned long n)
{
	while (n--) {
		if ((unsigned long)held[n] & 1)
			__free_page((struct page *)((unsigned long)held[n] & ~1UL));
		else
			kfree(held[n]);
	}
	free(held);
}

static bool test_enomem_changes_nothing(void)
{
	struct xarray xa = XARRAY_INIT;
	unsigned long n, nodes;
	void **held;

	CHECK(xa_insert(&xa, 10, ent(10), GFP_KERNEL) == 0);
	nodes = xa_nodes(&xa);
	held = exhaust(&n);
	CHECK(n > 1);
	CHECK(xa_insert(&xa, 11, ent(11), GFP_KERNEL) == 0);	/* same leaf: no node */
	CHECK(xa_insert(&xa, 1UL << 20, ent(1), GFP_KERNEL) == -ENOMEM);
	CHECK(xa_nodes(&xa) == nodes && !xa_load(&xa, 1UL << 20));
	/* One node available but three needed: it is given back. */
	kfree(held[--n]);
	CHECK(xa_insert(&xa, 1UL << 20, ent(1), GFP_KERNEL) == -ENOMEM);
	CHECK(xa_nodes(&xa) == nodes && xa_load(&xa, 10) == ent(10));
	held[n] = kmalloc(sizeof(struct xa_node), GFP_KERNEL);
	CHECK(held[n++]);
	release(held, n);
	CHECK(xa_insert(&xa, 1UL << 20, ent(1), GFP_KERNEL) == 0);
	CHECK(xa_erase(&xa, 1UL << 20) && xa_erase(&xa, 10) && xa_erase(&xa, 11));
	CHECK(xa_empty(&xa));
	return true;
}

int main(void)
{
	unit_mm_boot(ARENA_SIZE);
	tap_plan(5);
	TAP_RUN(test_empty);
	TAP_RUN(test_edges_grow_shrink);
	TAP_RUN(test_marks);
	TAP_RUN(test_random_vs_model);
	TAP_RUN(test_enomem_changes_nothing);
	return tap_finish();
}

// SPDX-License-Identifier: MIT
/*
 * Host tests of mm/memblock.c: sorted merged tables, bad input, free-range iteration against
 * a byte-map model, top-down aligned early allocation, retirement by mem_init().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kern/errno.h>
#include <mm/memblock.h>
#include <mm/page_alloc.h>
#include "mm_test.h"

static bool region_is(const struct memblock_type *t, unsigned int i, phys_addr_t base,
		      phys_addr_t size)
{
	if (i >= t->cnt || t->regions[i].base != base || t->regions[i].size != size) {
		tap_diag("region %u: want [%#llx, +%#llx), have cnt %u [%#llx, +%#llx)", i,
			 (unsigned long long)base, (unsigned long long)size, t->cnt,
			 i < t->cnt ? (unsigned long long)t->regions[i].base : 0ULL,
			 i < t->cnt ? (unsigned long long)t->regions[i].size : 0ULL);
		return false;
	}
	return true;
}

static bool test_add_merges_adjacent(void)
{
	memblock_init();
	CHECK(memblock_add(0x1000, 0x1000) == 0);
	CHECK(memblock_add(0x2000, 0x1000) == 0);
	CHECK(memblock.memory.cnt == 1);
	CHECK(region_is(&memblock.memory, 0, 0x1000, 0x2000));
	CHECK(memblock_add(0x0, 0x1000) == 0);		/* touches from below */
	CHECK(region_is(&memblock.memory, 0, 0, 0x3000));
	return true;
}

static bool test_add_sorted_and_overlaps(void)
{
	memblock_init();
	CHECK(memblock_add(0x50000, 0x1000) == 0);
	CHECK(memblock_add(0x10000, 0x1000) == 0);
	CHECK(memblock_add(0x30000, 0x1000) == 0);
	CHECK(memblock.memory.cnt == 3);
	CHECK(region_is(&memblock.memory, 0, 0x10000, 0x1000));
	CHECK(region_is(&memblock.memory, 1, 0x30000, 0x1000));
	CHECK(region_is(&memblock.memory, 2, 0x50000, 0x1000));
	/* Contained range: no change. */
	CHECK(memblock_add(0x30100, 0x10) == 0);
	CHECK(memblock.memory.cnt == 3);
	CHECK(region_is(&memblock.memory, 1, 0x30000, 0x1000));
	/* Overlapping the top of one region. */
	CHECK(memblock_add(0x30800, 0x1000) == 0);
	CHECK(region_is(&memblock.memory, 1, 0x30000, 0x1800));
	/* One range bridging all three. */
	CHECK(memblock_add(0x10800, 0x40000) == 0);
	CHECK(memblock.memory.cnt == 1);
	CHECK(region_is(&memblock.memory, 0, 0x10000, 0x41000));
	return true;
}

static bool test_add_bad_input(void)
{
	memblock_init();
	CHECK(memblock_add(0x1000, 0x1000) == 0);
	CHECK(memblock_add(~0ULL - 0xfff, 0x2000) == -EINVAL);
	CHECK(memblock_reserve(~0ULL, 2) == -EINVAL);
	CHECK(memblock_add(0x5000, 0) == 0);
	CHECK(memblock_reserve(0x5000, 0) == 0);
	CHECK(memblock.memory.cnt == 1 && memblock.reserved.cnt == 0);
	CHECK(region_is(&memblock.memory, 0, 0x1000, 0x1000));
	/* A range must end below 2^64: the last page cannot be added, the one before can. */
	CHECK(memblock_reserve(~0ULL - 0xfff, 0x1000) == -EINVAL);
	CHECK(memblock_reserve(~0ULL - 0x1fff, 0x1000) == 0);
	return true;
}

static bool test_table_full(void)
{
	unsigned int i;

	memblock_init();
	for (i = 0; i < MEMBLOCK_MAX_REGIONS; i++)
		CHECK(memblock_reserve(0x10000ULL * (i + 1), 0x1000) == 0);
	CHECK(memblock.reserved.cnt == MEMBLOCK_MAX_REGIONS);
	CHECK(memblock_reserve(0x10000ULL * 100, 0x1000) == -ENOSPC);
	CHECK(memblock_reserve(0x100, 0x100) == -ENOSPC);
	CHECK(memblock.reserved.cnt == MEMBLOCK_MAX_REGIONS);
	CHECK(region_is(&memblock.reserved, 0, 0x10000, 0x1000));
	/* Growing an existing region needs no new slot; bridging two frees one. */
	CHECK(memblock_reserve(0x11000, 0x1000) == 0);
	CHECK(memblock_reserve(0x12000, 0xe000) == 0);
	CHECK(memblock.reserved.cnt == MEMBLOCK_MAX_REGIONS - 1);
	CHECK(region_is(&memblock.reserved, 0, 0x10000, 0x11000));
	CHECK(memblock_reserve(0x10000ULL * 100, 0x1000) == 0);
	return true;
}

static bool test_free_ranges_fixed(void)
{
	static const phys_addr_t want[][2] = {
		{ 0x1000, 0x8000 }, { 0x9000, 0x10000 }, { 0x200000, 0x280000 },
		{ 0x290000, 0x300000 },
	};
	phys_addr_t cursor, s, e;
	unsigned int n = 0;

	memblock_init();
	CHECK(memblock_add(0, 0x10000) == 0);
	CHECK(memblock_add(0x200000, 0x100000) == 0);
	CHECK(memblock_reserve(0, 0x1000) == 0);
	CHECK(memblock_reserve(0x8000, 0x1000) == 0);
	CHECK(memblock_reserve(0x20000, 0x1000) == 0);		/* in the hole */
	CHECK(memblock_reserve(0x280000, 0x10000) == 0);
	CHECK(memblock_reserve(0x300000, 0x1000) == 0);		/* just past the end */
	for_each_free_mem_range(cursor, s, e) {
		CHECKF(n < ARRAY_SIZE(want), "extra range [%#llx, %#llx)",
		       (unsigned long long)s, (unsigned long long)e);
		CHECKF(s == want[n][0] && e == want[n][1], "range %u: [%#llx, %#llx)", n,
		       (unsigned long long)s, (unsigned long long)e);
		n++;
	}
	CHECK(n == ARRAY_SIZE(want));
	CHECK(memblock_end_of_DRAM() == 0x300000);
	CHECK(memblock_phys_mem_size() == 0x110000);
	CHECK(memblock_reserved_size() == 0x14000);
	CHECK(memblock_is_memory(0x200000) && !memblock_is_memory(0x100000));
	CHECK(memblock_is_reserved(0x8fff) && !memblock_is_reserved(0x9000));
	return true;
}

static bool sorted_with_gaps(const struct memblock_type *t)
{
	unsigned int i;

	for (i = 1; i < t->cnt; i++)
		if (t->regions[i - 1].base + t->regions[i - 1].size >= t->regions[i].base)
			return false;
	return true;
}

/* Random adds and reserves over 64 KiB at 16-byte granularity, against a byte-map model:
 * the free ranges must be exactly the maximal runs of memory-and-not-reserved. */
#define MODEL_UNITS	4096
#define MODEL_GRAIN	16

static bool test_free_ranges_random(void)
{
	static unsigned char mem[MODEL_UNITS], res[MODEL_UNITS];
	unsigned int round;

	srand(1);
	for (round = 0; round < 200; round++) {
		phys_addr_t cursor, s, e, pos = 0;
		unsigned int i, n = 1 + rand() % 40;

		memblock_init();
		memset(mem, 0, sizeof(mem));
		memset(res, 0, sizeof(res));
		for (i = 0; i < n; i++) {
			unsigned int a = rand() % MODEL_UNITS;
			unsigned int len = 1 + rand() % (MODEL_UNITS / 8);
			unsigned char *map = rand() % 2 ? mem : res;

			if (a + len > MODEL_UNITS)
				len = MODEL_UNITS - a;
			if (map == mem)
				CHECK(memblock_add(a * MODEL_GRAIN, len * MODEL_GRAIN) == 0);
			else
				CHECK(memblock_reserve(a * MODEL_GRAIN, len * MODEL_GRAIN) == 0);
			memset(map + a, 1, len);
		}
		/* Tables sorted with gaps between regions (fully merged). */
		CHECK(sorted_with_gaps(&memblock.memory) && sorted_with_gaps(&memblock.reserved));
		for_each_free_mem_range(cursor, s, e) {
			unsigned int su = s / MODEL_GRAIN, eu = e / MODEL_GRAIN;

			CHECK(s % MODEL_GRAIN == 0 && e % MODEL_GRAIN == 0 && s < e);
			for (i = pos / MODEL_GRAIN; i < su; i++)
				CHECKF(!mem[i] || res[i], "round %u: unit %u skipped", round, i);
			for (i = su; i < eu; i++)
				CHECKF(mem[i] && !res[i], "round %u: unit %u not free", round, i);
			CHECK(eu == MODEL_UNITS || !mem[eu] || res[eu]);	/* maximal */
			pos = e;
		}
		for (i = pos / MODEL_GRAIN; i < MODEL_UNITS; i++)
			CHECKF(!mem[i] || res[i], "round %u: trailing unit %u missed", round, i);
	}
	return true;
}

static bool test_alloc_top_down_aligned(void)
{
	phys_addr_t a, b, c;

	memblock_init();
	CHECK(memblock_add(0, 0x100000) == 0);
	CHECK(memblock_reserve(0, 0x1000) == 0);
	CHECK(memblock_reserve(0xff000, 0x1000) == 0);
	a = memblock_alloc(0x1000, 0);
	CHECK(a == 0xfe000);
	CHECK(memblock_is_reserved(a) && memblock_is_reserved(a + 0xfff));
	b = memblock_alloc(0x10, 0x10000);
	CHECK(b == 0xf0000);
	c = memblock_alloc(0x3000, 0x2000);
	CHECK(c == 0xfa000);		/* from the range above b */
	CHECK(memblock_alloc(0x1000, 0x3000) == 0);	/* alignment not a power of two */
	CHECK(memblock_alloc(0, 0x1000) == 0);
	CHECK(memblock_alloc(0x100000, 0) == 0);	/* larger than any free range */
	return true;
}

static bool test_alloc_never_returns_zero(void)
{
	memblock_init();
	CHECK(memblock_add(0, 0x1000) == 0);
	CHECK(memblock_alloc(0x1000, 0x1000) == 0);
	CHECK(memblock_alloc(0x800, 0x1000) == 0);
	CHECK(memblock_alloc(0x800, 0x800) == 0x800);
	CHECK(memblock.reserved.cnt == 1);
	return true;
}

static bool test_alloc_random_disjoint(void)
{
	phys_addr_t got[256][2];
	unsigned int n = 0, i, j;

	memblock_init();
	CHECK(memblock_add(0x100000, 0x200000) == 0);
	CHECK(memblock_add(0x400000, 0x80000) == 0);
	CHECK(memblock_reserve(0x180000, 0x4321) == 0);
	CHECK(memblock_reserve(0x400000, 0x1000) == 0);
	srand(7);
	while (n < ARRAY_SIZE(got)) {
		phys_addr_t size = 1 + rand() % 0x8000, align = 1ULL << (rand() % 16);
		phys_addr_t pa = memblock_alloc(size, align);

		if (!pa)
			break;
		CHECK(pa % align == 0);
		CHECK(memblock_is_memory(pa) && memblock_is_memory(pa + size - 1));
		CHECK(!(pa < 0x180000 + 0x4321 && pa + size > 0x180000));
		CHECK(!(pa < 0x401000 && pa + size > 0x400000));
		got[n][0] = pa;
		got[n][1] = pa + size;
		n++;
	}
	CHECK(n > 50);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			CHECKF(got[i][1] <= got[j][0] || got[j][1] <= got[i][0],
			       "allocations %u and %u overlap", i, j);
	return true;
}

static bool test_retired_after_mem_init(void)
{
	unit_mm_boot(4UL << 20);
	CHECK(memblock.retired);
	CHECK(memblock_alloc(0x1000, 0x1000) == 0);
	unit_arena_destroy();
	return true;
}

int main(void)
{
	tap_plan(10);
	TAP_RUN(test_add_merges_adjacent);
	TAP_RUN(test_add_sorted_and_overlaps);
	TAP_RUN(test_add_bad_input);
	TAP_RUN(test_table_full);
	TAP_RUN(test_free_ranges_fixed);
	TAP_RUN(test_free_ranges_random);
	TAP_RUN(test_alloc_top_down_aligned);
	TAP_RUN(test_alloc_never_returns_zero);
	TAP_RUN(test_alloc_random_disjoint);
	TAP_RUN(test_retired_after_mem_init);
	return tap_finish();
}

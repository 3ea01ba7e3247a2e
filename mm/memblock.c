// SPDX-License-Identifier: MIT
/*
 * Boot-time physical memory map: RAM and reserved ranges in fixed sorted, merged tables,
 * and top-down early allocation. mem_init() (mm/page_alloc.c) retires it.
 */
#include "internal.h"

struct memblock memblock;

void memblock_init(void)
{
	memset(&memblock, 0, sizeof(memblock));
}

static phys_addr_t region_end(const struct memblock_region *r)
{
	return r->base + r->size;
}

/*
 * Insert [base, base + size) into @type, merging it with every region it overlaps or
 * touches, so the table stays sorted with gaps between all regions. Nothing changes on error.
 */
static int memblock_add_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size)
{
	phys_addr_t start = base, end = base + size;
	unsigned int i, j, cnt;

	if (size == 0)
		return 0;
	if (end < base)
		return -EINVAL;

	/* Regions [i, j) overlap or touch [start, end). */
	for (i = 0; i < type->cnt && region_end(&type->regions[i]) < start; i++)
		;
	for (j = i; j < type->cnt && type->regions[j].base <= end; j++)
		;
	cnt = type->cnt - (j - i) + 1;
	if (cnt > MEMBLOCK_MAX_REGIONS)
		return -ENOSPC;

	if (j > i) {
		start = MIN(start, type->regions[i].base);
		end = MAX(end, region_end(&type->regions[j - 1]));
	}
	memmove(&type->regions[i + 1], &type->regions[j],
		(type->cnt - j) * sizeof(type->regions[0]));
	type->regions[i].base = start;
	type->regions[i].size = end - start;
	type->cnt = cnt;
	return 0;
}

int memblock_add(phys_addr_t base, phys_addr_t size)
{
	return memblock_add_range(&memblock.memory, base, size);
}

int memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	return memblock_add_range(&memblock.reserved, base, size);
}

bool memblock_next_free_range(phys_addr_t *cursor, phys_addr_t *start, phys_addr_t *end)
{
	const struct memblock_type *mem = &memblock.memory, *res = &memblock.reserved;
	unsigned int i, j;

	for (i = 0; i < mem->cnt; i++) {
		phys_addr_t mend = region_end(&mem->regions[i]);
		phys_addr_t s = MAX(*cursor, mem->regions[i].base), e = mend;

		if (mend <= *cursor)
			continue;
		/* Step over reserved regions covering s; stop at the first one above it. */
		for (j = 0; j < res->cnt; j++) {
			const struct memblock_region *r = &res->regions[j];

			if (region_end(r) <= s)
				continue;
			if (r->base <= s) {
				s = region_end(r);
				continue;
			}
			e = MIN(e, r->base);
			break;
		}
		if (s >= mend)
			continue;
		*start = s;
		*end = e;
		*cursor = e;
		return true;
	}
	return false;
}

phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align)
{
	phys_addr_t cursor, start, end, best = 0;

	if (align == 0)
		align = PAGE_SIZE;
	if (size == 0 || (align & (align - 1)) || memblock.retired)
		return 0;

	for_each_free_mem_range(cursor, start, end) {
		phys_addr_t cand;

		if (end - start < size)
			continue;
		cand = ALIGN_DOWN(end - size, align);
		/* Physical 0 doubles as the failure value and is never handed out. */
		if (cand >= start && cand > best)
			best = cand;
	}
	if (best == 0 || memblock_reserve(best, size))
		return 0;
	return best;
}

static bool memblock_contains(const struct memblock_type *type, phys_addr_t addr)
{
	unsigned int i;

	for (i = 0; i < type->cnt; i++)
		if (addr >= type->regions[i].base && addr < region_end(&type->regions[i]))
			return true;
	return false;
}

bool memblock_is_memory(phys_addr_t addr)
{
	return memblock_contains(&memblock.memory, addr);
}

bool memblock_is_reserved(phys_addr_t addr)
{
	return memblock_contains(&memblock.reserved, addr);
}

phys_addr_t memblock_end_of_DRAM(void)
{
	const struct memblock_type *mem = &memblock.memory;

	return mem->cnt ? region_end(&mem->regions[mem->cnt - 1]) : 0;
}

static phys_addr_t memblock_total(const struct memblock_type *type)
{
	phys_addr_t sum = 0;
	unsigned int i;

	for (i = 0; i < type->cnt; i++)
		sum += type->regions[i].size;
	return sum;
}

phys_addr_t memblock_phys_mem_size(void)
{
	return memblock_total(&memblock.memory);
}

phys_addr_t memblock_reserved_size(void)
{
	return memblock_total(&memblock.reserved);
}

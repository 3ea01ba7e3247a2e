/* SPDX-License-Identifier: MIT */
/*
 * The boot-time physical memory map (mm/memblock.c), as Linux's memblock: RAM ranges and
 * reserved ranges in two small sorted, merged tables; early allocations before the buddy
 * allocator exists; mem_init() then hands every free range to the buddy allocator.
 */
#ifndef MM_MEMBLOCK_H
#define MM_MEMBLOCK_H

#include <kern/types.h>

#define MEMBLOCK_MAX_REGIONS	64

struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
};

struct memblock_type {
	unsigned int cnt;
	struct memblock_region regions[MEMBLOCK_MAX_REGIONS];
};

struct memblock {
	struct memblock_type memory;
	struct memblock_type reserved;
	bool retired;		/* set by mem_init(): memblock_alloc() is over */
};

extern struct memblock memblock;

/* Forget every range (the tables start empty, so the guest need not call it; tests do). */
void memblock_init(void);

/*
 * Add [base, base + size) as RAM / mark it reserved. Overlapping and adjacent ranges merge.
 * Return 0 (also for size 0), -EINVAL if base + size does not fit in 64 bits (so the last
 * page of the address space cannot be added), -ENOSPC if the table is full.
 */
int memblock_add(phys_addr_t base, phys_addr_t size);
int memblock_reserve(phys_addr_t base, phys_addr_t size);

/*
 * Allocate @size bytes of RAM aligned to @align (a power of two; 0 means PAGE_SIZE) from the
 * highest free range, and reserve it. The memory is not zeroed. Return its physical address,
 * or 0 if nothing fits, @align is not a power of two, or mem_init() has already run.
 */
phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align);

/*
 * Free-range iteration: ranges of RAM not reserved, in ascending order. Start with
 * *cursor = 0; each call stores the next range in [*start, *end) and returns true, or
 * returns false when there are no more.
 */
bool memblock_next_free_range(phys_addr_t *cursor, phys_addr_t *start, phys_addr_t *end);

#define for_each_free_mem_range(cursor, start, end)				\
	for ((cursor) = 0; memblock_next_free_range(&(cursor), &(start), &(end)); )

bool memblock_is_memory(phys_addr_t addr);
bool memblock_is_reserved(phys_addr_t addr);
phys_addr_t memblock_end_of_DRAM(void);
phys_addr_t memblock_phys_mem_size(void);
phys_addr_t memblock_reserved_size(void);

#endif

// SPDX-License-Identifier: MIT
/*
 * The arena that stands for guest-physical memory in the host unit tests: __va(pa) is
 * unit_arena_base + pa (tests/unit/include/mm_arch.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/asan_interface.h>
#include <mm/memblock.h>
#include <mm/page_alloc.h>
#include "mm_test.h"

char *unit_arena_base;
phys_addr_t unit_arena_size;

void unit_arena_destroy(void)
{
	if (!unit_arena_base)
		return;
	/* mm/ poisons free pages and slab objects; hand ASan back a clean block. */
	ASAN_UNPOISON_MEMORY_REGION(unit_arena_base, unit_arena_size);
	free(unit_arena_base);
	unit_arena_base = NULL;
	unit_arena_size = 0;
}

void unit_arena_create(size_t size)
{
	unit_arena_destroy();
	if (size == 0 || size % PAGE_SIZE) {
		fprintf(stderr, "unit_arena_create: size %zu is not a positive page multiple\n",
			size);
		abort();
	}
	/* 2 MiB alignment makes arena offsets and host addresses agree on large alignments. */
	unit_arena_base = aligned_alloc(2UL << 20, ALIGN_UP(size, 2UL << 20));
	if (!unit_arena_base) {
		fprintf(stderr, "unit_arena_create: cannot allocate %zu bytes\n", size);
		abort();
	}
	memset(unit_arena_base, 0, size);
	unit_arena_size = size;
	memblock_init();
	if (memblock_add(0, size)) {
		fprintf(stderr, "unit_arena_create: memblock_add failed\n");
		abort();
	}
}

void unit_mm_boot(size_t size)
{
	unit_arena_create(size);
	memblock_reserve(0, PAGE_SIZE);
	mem_init();
}

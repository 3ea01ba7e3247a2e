// SPDX-License-Identifier: MIT
/*
 * From the boot memory map to the page allocator: memblock gets the device tree's RAM
 * ranges and every range the kernel must not hand out, then mem_init() builds the buddy
 * allocator from what is left. The reserved list is kept for the self-tests and poke.
 */
#include <kern/printk.h>
#include <mm/memblock.h>
#include <mm/page_alloc.h>
#include <guest/setup.h>

static struct mem_range reserved[BOOT_MAX_RESERVED + 5];
static unsigned int nr_reserved;

static bool ranges_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

static void reserve(const char *what, u64 base, u64 size)
{
	int err = memblock_reserve(base, size);

	if (err)
		panic("bootmem: cannot reserve %s [mem 0x%016lx-0x%016lx]: error %d", what, base,
		      base + size - 1, err);
	reserved[nr_reserved].base = base;
	reserved[nr_reserved].size = size;
	nr_reserved++;
}

void bootmem_init(const struct boot_info *bi)
{
	unsigned long free;
	unsigned int i;
	int err;

	for (i = 0; i < bi->nr_mem; i++) {
		err = memblock_add(bi->mem[i].base, bi->mem[i].size);
		if (err)
			panic("bootmem: cannot add [mem 0x%016lx-0x%016lx]: error %d",
			      bi->mem[i].base, bi->mem[i].base + bi->mem[i].size - 1, err);
	}
	reserve("page 0", 0, PAGE_SIZE);
	reserve("the kernel image", __pa(_text), _end - _text);
	reserve("the device tree", bi->fdt_pa, bi->fdt_size);
	for (i = 0; i < bi->nr_reserved; i++)
		reserve("a reserve-map range", bi->reserved[i].base, bi->reserved[i].size);
	/* The VMM lists these in the reserve map too; in RAM, they are kept either way. */
	if (bi->initrd_end > bi->initrd_start &&
	    boot_range_is_ram(bi, bi->initrd_start, bi->initrd_end - bi->initrd_start))
		reserve("the initrd", bi->initrd_start, bi->initrd_end - bi->initrd_start);
	if (bi->trace_size && boot_range_is_ram(bi, bi->trace_base, bi->trace_size))
		reserve("the fault trace", bi->trace_base, bi->trace_size);

	mem_init();
	free = nr_free_pages();
	printk("mm: %lu pages free (%lu KiB)\n", free, free * (PAGE_SIZE / 1024));
}

bool bootmem_overlaps_reserved(u64 pa, u64 len)
{
	unsigned int i;

	for (i = 0; i < nr_reserved; i++)
		if (ranges_overlap(pa, len, reserved[i].base, reserved[i].size))
			return true;
	return false;
}

bool boot_range_is_ram(const struct boot_info *bi, u64 pa, u64 len)
{
	unsigned int i;

	if (pa + len < pa)
		return false;
	for (i = 0; i < bi->nr_mem; i++)
		if (pa >= bi->mem[i].base && pa + len <= bi->mem[i].base + bi->mem[i].size)
			return true;
	return false;
}

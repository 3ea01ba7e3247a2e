// SPDX-License-Identifier: MIT
/*
 * The kernel's own page tables, built once at boot from a static pool (no allocator exists
 * yet) and replacing the VMM's boot tables:
 *   - the direct map: all RAM at PAGE_OFFSET_VIRT, 2 MiB pages where a whole aligned 2 MiB
 *     is RAM and 4 KiB pages at the ragged ends, read-write, no-execute, global;
 *   - the kernel image at KERNEL_VIRT_BASE in 4 KiB pages: text read-only executable,
 *     rodata read-only, data and bss read-write no-execute, the boot stack's guard page absent.
 * The identity map of the boot tables is gone afterwards: a NULL dereference faults.
 * Device registers in the MMIO hole are mapped later, uncached, by ioremap().
 */
#include <kern/printk.h>
#include <abi/layout.h>
#include <asm/msr.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/stacktrace.h>
#include <guest/bootinfo.h>
#include <guest/setup.h>

#define PT_ENTRIES		512
#define PT_POOL_PAGES		32
#define LARGE_PAGE_SIZE		(2UL << 20)

static u64 pt_pool[PT_POOL_PAGES][PT_ENTRIES] __aligned(PAGE_SIZE);
static unsigned int pt_pool_used;

u64 *kernel_pml4;
u64 x86_pte_nx;
u64 direct_map_end;

static unsigned int pt_index(unsigned long va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

static u64 *pt_alloc(void)
{
	if (pt_pool_used == PT_POOL_PAGES)
		panic("paging: out of boot page-table pages (%d): too much RAM?", PT_POOL_PAGES);
	return pt_pool[pt_pool_used++];
}

/* Pool tables live in the kernel image, reachable through it before and after the switch. */
static u64 *pool_table(u64 entry)
{
	return (u64 *)(uintptr_t)((entry & X86_PTE_ADDR) + KERNEL_VIRT_BASE);
}

/* Map @va to @pa with a leaf at @leaf (1: 4 KiB page, 2: 2 MiB page), creating tables. */
static void map_one(unsigned long va, u64 pa, u64 flags, int leaf)
{
	u64 *table = kernel_pml4, *e;
	int level;

	for (level = 4; level > leaf; level--) {
		e = &table[pt_index(va, level)];
		if (!(*e & X86_PTE_P))
			*e = __pa(pt_alloc()) | X86_PTE_P | X86_PTE_RW;
		BUG_ON(*e & X86_PTE_PS);
		table = pool_table(*e);
	}
	e = &table[pt_index(va, leaf)];
	BUG_ON(*e & X86_PTE_P);
	*e = pa | flags | X86_PTE_P | (leaf == 2 ? X86_PTE_PS : 0);
}

static void map_direct(u64 start, u64 end)
{
	u64 pa = start;
	u64 flags = X86_PTE_RW | X86_PTE_G | x86_pte_nx;

	while (pa < end) {
		if (IS_ALIGNED(pa, LARGE_PAGE_SIZE) && end - pa >= LARGE_PAGE_SIZE) {
			map_one(PAGE_OFFSET_VIRT + pa, pa, flags, 2);
			pa += LARGE_PAGE_SIZE;
		} else {
			map_one(PAGE_OFFSET_VIRT + pa, pa, flags, 1);
			pa += PAGE_SIZE;
		}
	}
}

static void map_kernel_image(void)
{
	unsigned long va;
	u64 flags;

	for (va = (unsigned long)_text; va < (unsigned long)_end; va += PAGE_SIZE) {
		if (va == (unsigned long)init_stack_guard)
			continue;
		if (va < (unsigned long)_etext)
			flags = 0;
		else if (va < (unsigned long)__end_rodata)
			flags = x86_pte_nx;
		else
			flags = X86_PTE_RW | x86_pte_nx;
		map_one(va, va - KERNEL_VIRT_BASE, flags | X86_PTE_G, 1);
	}
}

void paging_init(const struct boot_info *bi)
{
	unsigned int i;

	if (cpu_has_nx()) {
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
		x86_pte_nx = X86_PTE_NX;
	}
	kernel_pml4 = pt_alloc();
	for (i = 0; i < bi->nr_mem; i++)
		map_direct(bi->mem[i].base, bi->mem[i].base + bi->mem[i].size);
	map_kernel_image();

	write_cr3(__pa(kernel_pml4));
	/* Drop global TLB entries too: the boot tables may have had some. */
	write_cr4(read_cr4() & ~X86_CR4_PGE);
	write_cr4(read_cr4() | X86_CR4_PGE);
	direct_map_end = bi->mem[bi->nr_mem - 1].base + bi->mem[bi->nr_mem - 1].size;

	printk("paging: direct map of RAM at 0x%016llx, kernel 0x%016lx-0x%016lx, NX %s, "
	       "%u page-table pages\n", PAGE_OFFSET_VIRT, (unsigned long)_text,
	       (unsigned long)_end - 1, x86_pte_nx ? "on" : "off (no CPU support)", pt_pool_used);
}

void *ioremap(u64 pa, u64 size)
{
	u64 start = ALIGN_DOWN(pa, (u64)PAGE_SIZE), end, p, e;
	u64 flags = X86_PTE_RW | X86_PTE_PCD | X86_PTE_PWT | X86_PTE_G | x86_pte_nx;
	int level;

	if (!size || pa < MMIO_HOLE_START || pa + size > IOREMAP_END || pa + size < pa)
		return NULL;
	end = ALIGN_UP(pa + size, (u64)PAGE_SIZE);
	for (p = start; p < end; p += PAGE_SIZE) {
		e = kernel_lookup(PAGE_OFFSET_VIRT + p, &level);
		if (!e)
			map_one(PAGE_OFFSET_VIRT + p, p, flags, 1);
		else
			BUG_ON(level != 1 || (e & X86_PTE_ADDR) != p);	/* mapped by us before */
	}
	return __va(pa);
}

u64 kernel_lookup(unsigned long va, int *level)
{
	u64 table = read_cr3() & X86_PTE_ADDR, e;
	int l;

	*level = 0;
	if (!direct_map_end)
		return 0;	/* before paging_init(): no direct map to walk through */
	for (l = 4; l >= 1; l--) {
		*level = l;
		if (table + PAGE_SIZE > direct_map_end)
			return 0;
		e = ((const u64 *)__va(table))[pt_index(va, l)];
		if (!(e & X86_PTE_P))
			return 0;
		if (l == 1 || (l <= 3 && (e & X86_PTE_PS)))
			return e;
		table = e & X86_PTE_ADDR;
	}
	return 0;
}

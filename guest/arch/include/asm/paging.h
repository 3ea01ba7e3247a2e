/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own page tables (guest/arch/paging.c), built at boot from a static pool:
 * the direct map of all RAM at PAGE_OFFSET_VIRT and the kernel image at KERNEL_VIRT_BASE.
 */
#ifndef ASM_PAGING_H
#define ASM_PAGING_H

#include <kern/types.h>

/* Paging-entry bits; X86_PTE_ names keep clear of mm/'s own pte helpers. */
#define X86_PTE_P		(1ULL << 0)
#define X86_PTE_RW		(1ULL << 1)
#define X86_PTE_US		(1ULL << 2)
#define X86_PTE_PWT		(1ULL << 3)	/* with PCD and the reset PAT: uncached */
#define X86_PTE_PCD		(1ULL << 4)
#define X86_PTE_A		(1ULL << 5)
#define X86_PTE_D		(1ULL << 6)
#define X86_PTE_PS		(1ULL << 7)	/* in a PD or PDPT entry: a 2 MiB or 1 GiB page */
#define X86_PTE_G		(1ULL << 8)
#define X86_PTE_NX		(1ULL << 63)
#define X86_PTE_ADDR		0x000ffffffffff000ULL

struct boot_info;

/*
 * Build the kernel page tables for the RAM in @bi, switch CR3 to them and flush the TLB,
 * global entries included. Enables EFER.NXE when CPUID has NX. Afterwards the identity
 * map is gone and __va() works for every RAM address. Panics if the pool runs out.
 */
void paging_init(const struct boot_info *bi);

/* The kernel PML4 (its kernel half is what every address space will share). */
extern u64 *kernel_pml4;

/* NX as used in kernel mappings: X86_PTE_NX, or 0 when the CPU has no NX. */
extern u64 x86_pte_nx;

/*
 * Walk the loaded page tables for @va. Returns the leaf entry and stores its level in
 * *level (1: 4 KiB, 2: 2 MiB, 3: 1 GiB), or returns 0 when @va is not mapped, with *level
 * the level whose entry is not present (4: PML4) or 0 before paging_init(). Only follows
 * tables below direct_map_end, so it is safe on a corrupt table.
 */
u64 kernel_lookup(unsigned long va, int *level);

/* The end of the range ioremap() maps: the top of the 32-bit MMIO hole. */
#define IOREMAP_END		(4ULL << 30)

/*
 * Map the device registers at [@pa, @pa + @size), which must lie in the MMIO hole
 * [MMIO_HOLE_START, IOREMAP_END), uncached (PCD|PWT), read-write, no-execute, at their
 * direct-map address __va(@pa): RAM never reaches the hole, so the two cannot collide, and
 * the mapping sits under the direct map's top-level entry, which every address space
 * shares. Mapping a page twice is fine. Returns __va(@pa), or NULL for a range outside the
 * hole. Page tables come from the boot pool: call it at boot (it panics if the pool runs out).
 */
void *ioremap(u64 pa, u64 size);

/* The last physical address + 1 that the direct map covers. */
extern u64 direct_map_end;

#endif

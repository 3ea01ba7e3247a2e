// SPDX-License-Identifier: MIT
/*
 * Self-test of the kernel page tables, read back by walking the live tables: the identity
 * map is gone, each part of the image has its permissions, the stack guard page is absent,
 * and the direct map covers exactly RAM (2 MiB pages where possible), no-execute.
 */
#include <abi/layout.h>
#include <asm/msr.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/stacktrace.h>
#include <guest/bootinfo.h>
#include <guest/selftest.h>
#include <guest/setup.h>

#define LARGE_PAGE	(2ULL << 20)

/* The physical address the tables give @va, or ~0 when unmapped. */
static u64 translate(unsigned long va)
{
	int level;
	u64 e = kernel_lookup(va, &level);
	u64 page_mask = (1ULL << (PAGE_SHIFT + 9 * (level - 1))) - 1;

	if (!e)
		return ~0ULL;
	return (e & X86_PTE_ADDR & ~page_mask) | (va & page_mask);
}

static u64 pte_of(const void *va)
{
	int level;

	return kernel_lookup((unsigned long)va, &level);
}

int selftest_paging(void)
{
	const struct boot_info *bi = &boot_info;
	u64 e, a, end;
	unsigned int i;
	int level;
	bool large_seen = false;

	ST_ASSERT_EQ(!!(rdmsr(MSR_EFER) & EFER_NXE), cpu_has_nx());
	ST_ASSERT_EQ(read_cr3() & X86_PTE_ADDR, __pa(kernel_pml4));
	ST_ASSERT(!kernel_lookup(0, &level));
	ST_ASSERT(!kernel_lookup(KERNEL_LOAD_MIN, &level));	/* identity map gone */

	e = pte_of(_text);
	ST_ASSERT((e & X86_PTE_P) && !(e & X86_PTE_RW) && !(e & X86_PTE_NX) && (e & X86_PTE_G));
	e = pte_of(__start_rodata);
	ST_ASSERT((e & X86_PTE_P) && !(e & X86_PTE_RW) && (e & X86_PTE_NX) == x86_pte_nx);
	e = pte_of(_data);
	ST_ASSERT((e & X86_PTE_P) && (e & X86_PTE_RW) && (e & X86_PTE_NX) == x86_pte_nx);
	e = pte_of(init_stack);
	ST_ASSERT((e & X86_PTE_P) && (e & X86_PTE_RW));
	ST_ASSERT(!pte_of(init_stack_guard));
	ST_ASSERT(!pte_of(_end));
	ST_ASSERT_EQ(translate((unsigned long)_text), __pa(_text));
	ST_ASSERT_EQ(translate((unsigned long)_end - 1), __pa(_end) - 1);

	for (i = 0; i < bi->nr_mem; i++) {
		end = bi->mem[i].base + bi->mem[i].size;
		ST_ASSERT_EQ(translate((unsigned long)__va(bi->mem[i].base)), bi->mem[i].base);
		ST_ASSERT_EQ(translate((unsigned long)__va(end - 8)), end - 8);
		e = kernel_lookup((unsigned long)__va(bi->mem[i].base), &level);
		ST_ASSERT((e & X86_PTE_RW) && (e & X86_PTE_NX) == x86_pte_nx && !(e & X86_PTE_US));
		if (i + 1 == bi->nr_mem || bi->mem[i + 1].base != end)
			ST_ASSERT_EQ(translate((unsigned long)__va(end)), ~0ULL);
		a = ALIGN_UP(bi->mem[i].base, LARGE_PAGE);
		if (a + LARGE_PAGE <= end) {
			kernel_lookup((unsigned long)__va(a), &level);
			ST_ASSERT_EQ(level, 2);
			large_seen = true;
		}
	}
	if (!large_seen)
		printk("# no RAM range holds an aligned 2 MiB: large pages not checked\n");
	return SELFTEST_PASS;
}

// SPDX-License-Identifier: MIT
/*
 * The kernel's GDT (layout in asm/segment.h) and its 64-bit TSS, whose interrupt stack
 * table gives #DF, NMI and #MC stacks of their own: a double fault from a kernel stack
 * overflow still has a stack to report on.
 */
#include <kern/compiler.h>
#include <abi/layout.h>
#include <asm/segment.h>
#include <asm/stacktrace.h>
#include <asm/thread.h>
#include <asm/traps.h>

_Static_assert(KERNEL_CS == BOOT_CS && KERNEL_DS == BOOT_DS,
	       "the kernel keeps the boot contract's selectors");
_Static_assert(USER_DS == USER32_CS + 8 && USER_CS == USER32_CS + 16,
	       "SYSRET loads SS and CS at fixed offsets from STAR[63:48]");

struct tss64 {
	u32 reserved0;
	u64 rsp[3];		/* stack for a privilege change to ring 0..2 */
	u64 reserved1;
	u64 ist[7];		/* IST1..IST7 */
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;		/* past the limit: no I/O permission bitmap */
} __packed;

_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS layout");

/* Segment descriptor flags: access byte (bits 40..47) and G/L/D/B (bits 52..55). */
#define DESC_ACCESSED	(1ULL << 40)	/* preset, so the CPU never writes the GDT */
#define DESC_RW		(1ULL << 41)	/* data: writable; code: readable */
#define DESC_CODE	(1ULL << 43)
#define DESC_S		(1ULL << 44)	/* code or data (not system) */
#define DESC_DPL3	(3ULL << 45)
#define DESC_P		(1ULL << 47)
#define DESC_L		(1ULL << 53)	/* 64-bit code */
#define DESC_DB		(1ULL << 54)	/* 32-bit code / big data */
#define DESC_G		(1ULL << 55)	/* limit in 4 KiB units */
#define DESC_LIMIT_MAX	(0xffffULL | (0xfULL << 48))
#define DESC_TSS64	(0x9ULL << 40)	/* available 64-bit TSS */

#define SEG_FLAT	(DESC_P | DESC_S | DESC_ACCESSED | DESC_RW | DESC_G | DESC_LIMIT_MAX)

static u64 gdt[GDT_ENTRIES] __aligned(16) = {
	[GDT_ENTRY_KERNEL_CS] = SEG_FLAT | DESC_CODE | DESC_L,
	[GDT_ENTRY_KERNEL_DS] = SEG_FLAT | DESC_DB,
	[GDT_ENTRY_USER32_CS] = SEG_FLAT | DESC_CODE | DESC_DB | DESC_DPL3,
	[GDT_ENTRY_USER_DS] = SEG_FLAT | DESC_DB | DESC_DPL3,
	[GDT_ENTRY_USER_CS] = SEG_FLAT | DESC_CODE | DESC_L | DESC_DPL3,
};

static struct tss64 tss __aligned(16) = { .iomap_base = sizeof(struct tss64) };

char ist_stacks[NR_IST][IST_STACK_SIZE] __aligned(16);

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;

static void set_tss_desc(u64 *d, unsigned long base, u32 limit)
{
	d[0] = (limit & 0xffffULL) | ((base & 0xffffffULL) << 16) | DESC_TSS64 | DESC_P |
	       ((u64)(limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xffULL) << 56);
	d[1] = base >> 32;
}

void tss_set_rsp0(unsigned long sp)
{
	tss.rsp[0] = sp;
}

void gdt_init(void)
{
	struct desc_ptr gdtr = { sizeof(gdt) - 1, (unsigned long)gdt };
	unsigned int i;

	for (i = 0; i < NR_IST; i++)
		tss.ist[i] = (unsigned long)ist_stacks[i] + IST_STACK_SIZE;
	set_tss_desc(&gdt[GDT_ENTRY_TSS], (unsigned long)&tss, sizeof(tss) - 1);

	/* Reload CS with a far return, then the data segments. FS and GS keep their
	 * selector (KERNEL_DS, as at entry) and so their MSR bases: FS holds the canary. */
	__asm__ __volatile__("lgdt %0\n\t"
			     "pushq %1\n\t"
			     "leaq 1f(%%rip), %%rax\n\t"
			     "pushq %%rax\n\t"
			     "lretq\n"
			     "1:\n\t"
			     "movl %2, %%eax\n\t"
			     "movl %%eax, %%ds\n\t"
			     "movl %%eax, %%es\n\t"
			     "movl %%eax, %%ss\n\t"
			     "ltr %w3"
			     : : "m"(gdtr), "i"(KERNEL_CS), "i"(KERNEL_DS), "r"(TSS_SELECTOR)
			     : "rax", "memory");
}

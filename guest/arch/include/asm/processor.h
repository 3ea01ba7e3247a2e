/* SPDX-License-Identifier: MIT */
/*
 * CPU helpers: CPUID, the control registers (CR3 and invlpg come from mm_arch.h, which
 * mm/ shares), interrupt masking and halting.
 */
#ifndef ASM_PROCESSOR_H
#define ASM_PROCESSOR_H

#include <kern/types.h>
#include "mm_arch.h"

#define X86_CR0_WP		(1UL << 16)
#define X86_CR0_PG		(1UL << 31)
#define X86_CR4_PAE		(1UL << 5)
#define X86_CR4_PGE		(1UL << 7)

#define X86_EFLAGS_IF		(1UL << 9)

/* CPUID leaf 0x80000001 EDX: no-execute page protection. */
#define CPUID_80000001_EDX_NX	(1U << 20)

struct cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(u32 leaf, u32 subleaf)
{
	struct cpuid_regs r;

	__asm__ __volatile__("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			     : "a"(leaf), "c"(subleaf));
	return r;
}

static inline bool cpu_has_nx(void)
{
	return cpuid(0x80000000, 0).eax >= 0x80000001 &&
	       (cpuid(0x80000001, 0).edx & CPUID_80000001_EDX_NX);
}

static inline unsigned long read_cr0(void)
{
	unsigned long v;

	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline unsigned long read_cr2(void)
{
	unsigned long v;

	__asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline unsigned long read_cr4(void)
{
	unsigned long v;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(unsigned long v)
{
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline unsigned long read_rflags(void)
{
	unsigned long v;

	__asm__ __volatile__("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline void local_irq_disable(void)
{
	__asm__ __volatile__("cli" : : : "memory");
}

/* Stop this CPU for good: interrupts off, halt forever. */
static inline __noreturn void halt_forever(void)
{
	for (;;)
		__asm__ __volatile__("cli; hlt" : : : "memory");
}

#endif

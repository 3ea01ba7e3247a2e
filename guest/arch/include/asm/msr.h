/* SPDX-License-Identifier: MIT */
/* Model-specific registers: the numbers the kernel uses and rdmsr/wrmsr. Usable from asm. */
#ifndef ASM_MSR_H
#define ASM_MSR_H

#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102

#define EFER_SCE		(1UL << 0)	/* SYSCALL/SYSRET */
#define EFER_LME		(1UL << 8)
#define EFER_LMA		(1UL << 10)
#define EFER_NXE		(1UL << 11)	/* the NX bit in page-table entries */

#ifndef __ASSEMBLY__
#include <kern/types.h>

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}
#endif

#endif

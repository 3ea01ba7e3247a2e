/* SPDX-License-Identifier: MIT */
/*
 * The register frame an exception entry saves (guest/arch/entry.S), lowest address first:
 * the general registers pushed by the common entry, the vector and error code pushed by the
 * per-vector stub (0 where the CPU pushes none), then the CPU's own frame.
 */
#ifndef ASM_PTRACE_H
#define ASM_PTRACE_H

#include <kern/types.h>

struct pt_regs {
	unsigned long r15, r14, r13, r12, rbp, rbx;
	unsigned long r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
	unsigned long vector;
	unsigned long error_code;
	/* pushed by the CPU */
	unsigned long rip, cs, rflags, rsp, ss;
};

static inline bool user_mode(const struct pt_regs *regs)
{
	return (regs->cs & 3) != 0;
}

#endif

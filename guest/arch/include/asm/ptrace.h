/* SPDX-License-Identifier: MIT */
/*
 * The register frame an exception or system call entry saves (guest/arch/entry.S,
 * guest/arch/syscall.S), lowest address first: the general registers pushed by the common
 * entry, the vector and error code pushed by the per-vector stub (0 where the CPU pushes
 * none), then the CPU's own frame. A system call builds the same frame by hand, with vector
 * PT_VECTOR_SYSCALL and the system call number in the error code slot (Linux's orig_ax).
 * Usable from asm (the offsets).
 */
#ifndef ASM_PTRACE_H
#define ASM_PTRACE_H

#define PT_R15		0
#define PT_RBX		40
#define PT_R11		48
#define PT_RAX		80
#define PT_RCX		88
#define PT_VECTOR	120
#define PT_ERROR_CODE	128
#define PT_RIP		136
#define PT_CS		144
#define PT_RFLAGS	152
#define PT_RSP		160
#define PT_SS		168
#define PT_REGS_SIZE	176

/* The vector of a system call frame: no exception has it. */
#define PT_VECTOR_SYSCALL	(-1)

#ifndef __ASSEMBLY__
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

#endif

/* SPDX-License-Identifier: MIT */
/*
 * PUSH_REGS / POP_REGS: save and restore the general registers in the order of struct
 * pt_regs (asm/ptrace.h), for every kernel entry: exceptions (entry.S), device interrupts
 * (irq_entry.S) and system calls (syscall.S). Assembly only.
 */
#ifndef ASM_CALLING_H
#define ASM_CALLING_H

#ifdef __ASSEMBLY__
.macro PUSH_REGS
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%rax
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
.endm

.macro POP_REGS
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rax
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
.endm
#endif

#endif

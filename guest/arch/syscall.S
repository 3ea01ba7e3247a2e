/* SPDX-License-Identifier: MIT */
/*
 * Entering and leaving user mode. entry_SYSCALL_64 is the SYSCALL target (MSR_LSTAR): it
 * swaps to the kernel GS base, moves to the task's kernel stack, builds a struct pt_regs
 * (asm/ptrace.h) and calls do_syscall_64(), then returns with SYSRET when that says it may,
 * else through ret_to_user_iret. A new task starts in ret_from_fork (its first switch
 * "returns" there), and __switch_to_asm switches kernel stacks between tasks.
 */
#include <kern/errno.h>
#include <asm/percpu.h>
#include <asm/calling.h>
#include <asm/ptrace.h>
#include <asm/segment.h>

	.text
	.code64

/*
 * SYSCALL: RCX = user RIP, R11 = user RFLAGS, RAX = number, arguments in RDI RSI RDX R10
 * R8 R9. RFLAGS.IF, TF, DF, AC are clear (MSR_SYSCALL_MASK); RSP is still the user's.
 */
	.p2align 4
	.globl entry_SYSCALL_64
	.type entry_SYSCALL_64, @function
entry_SYSCALL_64:
	swapgs
	movq	%rsp, %gs:PERCPU_USER_RSP
	movq	%gs:PERCPU_TOP_OF_STACK, %rsp
	pushq	$USER_DS			/* ss */
	pushq	%gs:PERCPU_USER_RSP		/* rsp */
	pushq	%r11				/* rflags */
	pushq	$USER_CS			/* cs */
	pushq	%rcx				/* rip */
	pushq	%rax				/* error_code: the system call number */
	pushq	$PT_VECTOR_SYSCALL		/* vector */
	PUSH_REGS
	xorl	%ebp, %ebp			/* ends the kernel's frame-pointer chain */
	movq	%rsp, %rdi
	call	do_syscall_64
	testb	%al, %al
	jz	ret_to_user_iret
	/* SYSRET: do_syscall_64() checked RCX == RIP (canonical), R11 == RFLAGS. */
	POP_REGS
	movq	PT_RSP - PT_VECTOR(%rsp), %rsp	/* the user RSP; nothing is pushed after */
	swapgs
	sysretq
	.size entry_SYSCALL_64, . - entry_SYSCALL_64

/* Return to user mode with the frame at RSP, whatever it holds. */
	.globl ret_to_user_iret
	.type ret_to_user_iret, @function
ret_to_user_iret:
	POP_REGS
	addq	$16, %rsp			/* vector and error code */
	swapgs
	iretq
	.size ret_to_user_iret, . - ret_to_user_iret

/*
 * A SYSCALL from 32-bit compatibility mode (MSR_CSTAR; AMD CPUs allow it): there is no
 * 32-bit ABI, so fail it with -ENOSYS at once and go back, as Linux does without IA32.
 */
	.globl entry_SYSCALL_compat
	.type entry_SYSCALL_compat, @function
entry_SYSCALL_compat:
	movl	$-ENOSYS, %eax
	sysretl
	.size entry_SYSCALL_compat, . - entry_SYSCALL_compat

/*
 * Where a new task's first switch lands, on its own stack with its struct pt_regs at RSP.
 * RBX = a kernel function to run first (0: none) and R12 its argument (copy_thread()).
 * The function returns when the frame holds a user context to start (kernel_execve()).
 */
	.globl ret_from_fork
	.type ret_from_fork, @function
ret_from_fork:
	call	schedule_tail
	testq	%rbx, %rbx
	jz	1f
	movq	%r12, %rdi
	call	*%rbx
1:	jmp	ret_to_user_iret
	.size ret_from_fork, . - ret_from_fork

/*
 * void __switch_to_asm(unsigned long *prev_sp, unsigned long next_sp): save the callee-
 * saved registers on this stack, store RSP in *prev_sp, move to @next_sp and pop the next
 * task's. Returns in the next task, where it once called this (or in ret_from_fork).
 */
	.globl __switch_to_asm
	.type __switch_to_asm, @function
__switch_to_asm:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size __switch_to_asm, . - __switch_to_asm

/* No executable stack (the linker asks). */
	.section .note.GNU-stack, "", @progbits

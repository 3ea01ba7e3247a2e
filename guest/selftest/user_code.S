/* SPDX-License-Identifier: MIT */
/*
 * Ring-3 code for the user-mode self-tests (guest/selftest/user.c): each snippet is copied
 * to a user page of its own address space and run as a task. Position-independent; each
 * ends by exiting or by the exception it is there to take.
 */
#define SNIPPET(name)		\
	.globl name, name##_end;	\
name:
#define END(name)		\
name##_end:

#define NR_sched_yield	24
#define NR_getpid	39
#define NR_exit_group	231

	.section .rodata
	.code64

/* exit_group(getpid()): SYSCALL in, SYSRET out, the result in RAX. */
SNIPPET(user_getpid_exit)
	movl	$NR_getpid, %eax
	syscall
	movl	%eax, %edi
	movl	$NR_exit_group, %eax
	syscall
END(user_getpid_exit)

/* An unknown system call returns -ENOSYS (-38): exit 0 if so, else 1. */
SNIPPET(user_enosys)
	movl	$1000, %eax
	syscall
	xorl	%edi, %edi
	cmpq	$-38, %rax
	setne	%dil
	movl	$NR_exit_group, %eax
	syscall
END(user_enosys)

/*
 * SSE and callee registers survive a hundred context switches: XMM0 and RBX hold the pid,
 * then sched_yield() runs the other tasks; exit 0 if both still hold it, else 1.
 */
SNIPPET(user_xmm_yield)
	movl	$NR_getpid, %eax
	syscall
	movq	%rax, %rbx
	movq	%rax, %xmm0
	movl	$100, %r12d
1:	movl	$NR_sched_yield, %eax
	syscall
	decl	%r12d
	jnz	1b
	movq	%xmm0, %rax
	xorl	%edi, %edi
	cmpq	%rbx, %rax
	setne	%dil
	movl	$NR_getpid, %eax
	pushq	%rdi
	syscall
	popq	%rdi
	cmpq	%rbx, %rax
	je	2f
	movl	$1, %edi
2:	movl	$NR_exit_group, %eax
	syscall
END(user_xmm_yield)

SNIPPET(user_ud2)
	ud2
END(user_ud2)

SNIPPET(user_div0)
	xorl	%ecx, %ecx
	movl	$1, %eax
	xorl	%edx, %edx
	divl	%ecx
END(user_div0)

/* Reading the kernel image: a protection #PF (supervisor page). */
SNIPPET(user_read_kernel)
	movabsq	$0xffffffff80100000, %rax
	movq	(%rax), %rax
END(user_read_kernel)

/* A non-canonical address: #GP, not #PF. */
SNIPPET(user_noncanonical)
	movabsq	$0x8000000000000000, %rax
	movq	(%rax), %rax
END(user_noncanonical)

/* A privileged instruction: #GP. */
SNIPPET(user_hlt)
	hlt
END(user_hlt)

/* A store into its own (read-only, executable) code page. */
SNIPPET(user_write_code)
	leaq	user_write_code(%rip), %rax
	movb	$0, (%rax)
END(user_write_code)

/* No executable stack (the linker asks). */
	.section .note.GNU-stack, "", @progbits

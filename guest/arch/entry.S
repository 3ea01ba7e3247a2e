/* SPDX-License-Identifier: MIT */
/*
 * Exception entry for vectors 0..31. Each stub pushes a zero where the CPU pushes no error
 * code, then its vector; the common path saves the general registers to complete a
 * struct pt_regs (asm/ptrace.h), switches to the kernel's GS base when it came from user
 * mode (swapgs), calls do_exception(regs), restores everything, and returns with iretq to
 * whatever regs->rip then says.
 */
#include <asm/msr.h>
#include <asm/calling.h>
#include <asm/ptrace.h>
#include <asm/segment.h>

/* Vectors with a CPU-pushed error code: DF TS NP SS GP PF AC CP VC SX. */
#define HAS_ERROR_CODE(v) \
	((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.text
	.code64

.macro EXCEPTION_STUB vector
	.p2align 4
exception_stub_\vector:
	.if HAS_ERROR_CODE(\vector) == 0
	pushq	$0
	.endif
	pushq	$\vector
	jmp	exception_common
.endm

	.altmacro
.macro EXCEPTION_STUBS from=0, to=31
	EXCEPTION_STUB %\from
	.if \to - \from
	EXCEPTION_STUBS %(\from + 1), \to
	.endif
.endm
	EXCEPTION_STUBS

exception_common:
	PUSH_REGS
	cld
	/*
	 * GS: from user mode, swap in the kernel's per-CPU base (%ebx = 1 remembers to swap
	 * back). From kernel mode GS is already the kernel's, except in the few instructions
	 * of the system call entry and exit around swapgs, where interrupts are off and only
	 * NMI, #DF and #MC (the IST vectors) can arrive: those check the GS base MSR itself,
	 * whose kernel value is negative, as Linux's paranoid entry does.
	 */
	xorl	%ebx, %ebx
	testb	$3, PT_CS(%rsp)
	jz	1f
	swapgs
	movl	$1, %ebx
	jmp	3f
1:	movq	PT_VECTOR(%rsp), %rax
	cmpq	$2, %rax		/* NMI */
	je	2f
	cmpq	$8, %rax		/* #DF */
	je	2f
	cmpq	$18, %rax		/* #MC */
	jne	3f
2:	movl	$MSR_GS_BASE, %ecx
	rdmsr
	testl	%edx, %edx
	js	3f
	swapgs
	movl	$1, %ebx
3:	/* 22 quadwords on a 16-byte aligned exception stack: RSP is aligned for the call. */
	movq	%rsp, %rdi
	call	do_exception
	testl	%ebx, %ebx
	jz	4f
	swapgs
4:	POP_REGS
	addq	$16, %rsp		/* vector and error code */
	iretq

/* The stubs' addresses, for idt_init(). */
	.section .rodata
	.p2align 3
	.globl exception_stubs
exception_stubs:
.macro STUB_ADDR vector
	.quad	exception_stub_\vector
.endm
.macro STUB_ADDRS from=0, to=31
	STUB_ADDR %\from
	.if \to - \from
	STUB_ADDRS %(\from + 1), \to
	.endif
.endm
	STUB_ADDRS

/* No executable stack (the linker asks). */
	.section .note.GNU-stack, "", @progbits

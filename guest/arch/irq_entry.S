/* SPDX-License-Identifier: MIT */
/*
 * Device interrupt entry, vectors IRQ_VECTOR_BASE .. + NR_IRQS - 1, and the local APIC
 * timer's, LOCAL_TIMER_VECTOR. Each stub pushes a zero
 * error code and its vector; the common path saves a struct pt_regs (asm/ptrace.h), swaps
 * to the kernel's GS base when it came from user mode, calls do_irq(regs) and returns with
 * iretq. Interrupts are off everywhere in the kernel except at halts and in user mode, so
 * one never lands between a system call's swapgs and its stack switch. The spurious
 * vector returns at once: the local APIC wants no EOI for it.
 */
#include <asm/irq.h>
#include <asm/calling.h>
#include <asm/ptrace.h>

	.text
	.code64

.macro IRQ_STUB vector
	.p2align 4
irq_stub_\vector:
	pushq	$0
	pushq	$\vector
	jmp	irq_common
.endm

	.altmacro
.macro IRQ_STUBS from, to
	IRQ_STUB %\from
	.if \to - \from
	IRQ_STUBS %(\from + 1), \to
	.endif
.endm
	IRQ_STUBS IRQ_VECTOR_BASE, (IRQ_VECTOR_BASE + NR_IRQS - 1)

/* The local APIC timer: the same path; do_irq() tells it by its vector. */
	.p2align 4
	.globl timer_interrupt_stub
timer_interrupt_stub:
	pushq	$0
	pushq	$LOCAL_TIMER_VECTOR
	jmp	irq_common

irq_common:
	PUSH_REGS
	cld
	xorl	%ebx, %ebx		/* %ebx = 1: swap GS back on the way out */
	testb	$3, PT_CS(%rsp)
	jz	1f
	swapgs
	movl	$1, %ebx
1:	/* 22 quadwords on a 16-byte aligned stack: RSP is aligned for the call. */
	movq	%rsp, %rdi
	call	do_irq
	testl	%ebx, %ebx
	jz	2f
	swapgs
2:	POP_REGS
	addq	$16, %rsp		/* vector and error code */
	iretq

	.p2align 4
	.globl spurious_interrupt_stub
spurious_interrupt_stub:
	iretq

/* The stubs' addresses, by GSI, for irq_init(). */
	.section .rodata
	.p2align 3
	.globl irq_stubs
irq_stubs:
.macro STUB_ADDR vector
	.quad	irq_stub_\vector
.endm
.macro STUB_ADDRS from, to
	STUB_ADDR %\from
	.if \to - \from
	STUB_ADDRS %(\from + 1), \to
	.endif
.endm
	STUB_ADDRS IRQ_VECTOR_BASE, (IRQ_VECTOR_BASE + NR_IRQS - 1)

/* No executable stack (the linker asks). */
	.section .note.GNU-stack, "", @progbits

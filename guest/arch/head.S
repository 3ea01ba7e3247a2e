/* SPDX-License-Identifier: MIT */
/*
 * The kernel entry point. ./vmm enters here in 64-bit mode on its boot page tables (see
 * include/abi/layout.h: RDI = FDT physical address, RSI = BOOT_MAGIC, interrupts off).
 * Clear .bss, move to the kernel stack, point the FS base (the stack canary) and the GS base
 * at the per-CPU area, then call start_kernel(fdt_pa, magic), which never returns.
 */
#include <asm/msr.h>
#include <asm/percpu.h>
#include <asm/stacktrace.h>

	.section .head.text, "ax"
	.code64
	.globl startup_64
	.type startup_64, @function
startup_64:
	cld
	movq	%rdi, %r12		/* fdt_pa */
	movq	%rsi, %r13		/* magic */

	/* .bss: the VMM's RAM starts zeroed, but the kernel does not depend on it. */
	leaq	__bss_start(%rip), %rdi
	leaq	_end(%rip), %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb

	leaq	init_stack_end(%rip), %rsp
	xorl	%ebp, %ebp		/* ends the frame-pointer chain */

	/* Stack canary from the TSC, low byte zero (stops string overruns), then FS base. */
	rdtsc
	shlq	$32, %rdx
	orq	%rdx, %rax
	movabsq	$0x9e3779b97f4a7c15, %rdx
	imulq	%rdx, %rax
	xorb	%al, %al
	movq	%rax, boot_percpu + PERCPU_CANARY_OFFSET(%rip)
	leaq	boot_percpu(%rip), %rax
	movq	%rax, %rdx
	shrq	$32, %rdx
	movl	$MSR_FS_BASE, %ecx
	wrmsr
	movl	$MSR_GS_BASE, %ecx	/* the kernel's per-CPU base (asm/percpu.h) */
	wrmsr

	movq	%r12, %rdi
	movq	%r13, %rsi
	call	start_kernel
1:	cli
	hlt
	jmp	1b
	.size startup_64, . - startup_64

/* The boot stack, with a guard page below it that paging_init() leaves unmapped. */
	.section .bss..page_aligned, "aw", @nobits
	.balign 4096
	.globl init_stack_guard, init_stack, init_stack_end
init_stack_guard:
	.skip	4096
init_stack:
	.skip	THREAD_SIZE
init_stack_end:

/* No executable stack (the linker asks). */
	.section .note.GNU-stack, "", @progbits

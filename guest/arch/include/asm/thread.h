/* SPDX-License-Identifier: MIT */
/*
 * The architecture's part of a task (struct task, guest/include/guest/sched.h): its saved
 * kernel stack pointer, user FS/GS bases, FPU/SSE state, and the calls that create, start
 * and switch tasks (guest/arch/process.c, guest/arch/syscall.S).
 */
#ifndef ASM_THREAD_H
#define ASM_THREAD_H

#include <kern/types.h>
#include <kern/compiler.h>
#include <asm/ptrace.h>
#include <asm/stacktrace.h>

/* User addresses are below this (the 47-bit canonical lower half); TASK_SIZE is lower. */
#define USER_ADDR_LIMIT		0x0000800000000000UL

/* The legacy FXSAVE area: x87, MMX and SSE registers and MXCSR (CR4.OSFXSR is set). */
struct fxregs_state {
	u8 bytes[512];
} __aligned(16);

struct thread_struct {
	struct fxregs_state fpu;	/* saved while the task is switched out */
	unsigned long sp;		/* kernel RSP saved by __switch_to_asm */
	unsigned long fsbase;		/* user FS base (arch_prctl ARCH_SET_FS) */
	unsigned long gsbase;		/* user GS base (ARCH_SET_GS) */
};

struct task;

/* SYSCALL/SYSRET MSRs (entry points, segments, flag mask). Once, after the GDT. */
void syscall_init(void);

/*
 * Set up @p's kernel stack (@stack, THREAD_SIZE bytes) so that its first switch-in runs
 * fn(arg) in kernel mode (when @fn) and then returns to user mode with the frame at the
 * top of the stack: a copy of @regs (fork, with RAX = 0) or zeros. FPU state and FS/GS
 * bases are copied from the running task (fork) or reset (@regs NULL).
 */
void copy_thread(struct task *p, void *stack, const struct pt_regs *regs,
		 int (*fn)(void *), void *arg);

/* exec: reset @regs to start user code at @ip with stack @sp; FPU, FS and GS reset. */
void start_thread(struct pt_regs *regs, unsigned long ip, unsigned long sp);

/*
 * Switch from @prev (the running task) to @next: FPU state, FS/GS bases, kernel stack
 * (TSS.RSP0 and the syscall stack), then the registers. Returns when @prev runs again.
 */
void switch_to(struct task *prev, struct task *next);

/* The FPU state every new program starts with: x87 control word 0x37f, MXCSR 0x1f80. */
void fpu_init_state(struct fxregs_state *fx);

/* The boot CPU's TSS.RSP0 (gdt.c): the stack an interrupt from user mode lands on. */
void tss_set_rsp0(unsigned long sp);

#endif

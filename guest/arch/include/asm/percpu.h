/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU area. The GS base points at it while the CPU runs kernel code (user mode has
 * its own GS base, swapped in and out with swapgs on every entry and exit); head.S also
 * points the FS base at it at boot, for the stack canary at %fs:0x28 that Debian's libfdt.a
 * (built with -fstack-protector) reads. After boot the FS base belongs to user space.
 * Usable from asm (the offsets).
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#define PERCPU_CANARY_OFFSET	0x28
#define PERCPU_TOP_OF_STACK	0x30	/* kernel RSP at syscall entry (= TSS.RSP0) */
#define PERCPU_USER_RSP		0x38	/* scratch: the user RSP at syscall entry */
#define PERCPU_CURRENT		0x40	/* the running task */

#ifndef __ASSEMBLY__
#include <kern/types.h>

struct task;

struct percpu {
	struct percpu *self;		/* 0x00: this_cpu() reads it through %gs */
	u64 reserved[4];		/* 0x08 */
	u64 stack_canary;		/* 0x28 */
	unsigned long top_of_stack;	/* 0x30 */
	unsigned long user_rsp;		/* 0x38 */
	struct task *cur_task;		/* 0x40 */
	unsigned int cpu;		/* this CPU's number: its fault-trace ring */
};

extern struct percpu boot_percpu;

/* This CPU's area, through the GS base (valid from trap_init() on). */
static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__("movq %%gs:0, %0" : "=r"(p));
	return p;
}

/* Called by -fstack-protector code when the canary changed: panics. */
void __stack_chk_fail(void) __noreturn;
#endif

#endif

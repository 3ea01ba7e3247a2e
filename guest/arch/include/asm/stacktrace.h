/* SPDX-License-Identifier: MIT */
/*
 * Kernel stacks and the frame-pointer backtrace. The kernel is built with
 * -fno-omit-frame-pointer, so each frame starts with the caller's RBP and the return address.
 * Usable from asm (the sizes).
 */
#ifndef ASM_STACKTRACE_H
#define ASM_STACKTRACE_H

#include <asm/segment.h>

#define THREAD_SIZE		16384	/* the boot stack and every task's kernel stack */
#define IST_STACK_SIZE		8192

#ifndef __ASSEMBLY__
#include <kern/types.h>

/* The boot stack (head.S), with an unmapped guard page just below it, and the IST stacks. */
extern char init_stack_guard[], init_stack[], init_stack_end[];
extern char ist_stacks[NR_IST][IST_STACK_SIZE];

/* True if [addr, addr + len) lies within one kernel stack: the boot stack, an IST stack
 * or the running task's. */
bool on_kernel_stack(unsigned long addr, size_t len);

/*
 * Print "Call Trace:" and one return address a line, starting with @rip (when non-zero)
 * and walking the RBP chain from @rbp. The walk only reads memory on a kernel stack, stops
 * after 32 frames and when the chain does not move up the stack.
 */
void show_backtrace(unsigned long rip, unsigned long rbp);

/* show_backtrace() from the caller of dump_stack(). */
void dump_stack(void);
#endif

#endif

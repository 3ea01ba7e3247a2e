/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU area that the FS base points to (set in head.S). Its only tenant so far is
 * the stack canary at %fs:0x28, where code built with -fstack-protector (Debian's libfdt.a)
 * looks for it, as in user space. Usable from asm.
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#define PERCPU_CANARY_OFFSET	0x28

#ifndef __ASSEMBLY__
#include <kern/types.h>

struct percpu {
	struct percpu *self;		/* 0x00 */
	u64 reserved[4];		/* 0x08 */
	u64 stack_canary;		/* 0x28 */
};

extern struct percpu boot_percpu;

/* Called by -fstack-protector code when the canary changed: panics. */
void __stack_chk_fail(void) __noreturn;
#endif

#endif

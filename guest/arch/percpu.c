// SPDX-License-Identifier: MIT
/*
 * The boot CPU's per-CPU area. head.S points the FS base at it and stores a stack canary
 * at offset 0x28 before any C code runs, for the -fstack-protector code in libfdt.a.
 */
#include <kern/printk.h>
#include <asm/percpu.h>

_Static_assert(offsetof(struct percpu, stack_canary) == PERCPU_CANARY_OFFSET,
	       "the canary must sit at %fs:0x28");

struct percpu boot_percpu = { .self = &boot_percpu };

void __stack_chk_fail(void)
{
	panic("stack-protector: kernel stack is corrupted");
}

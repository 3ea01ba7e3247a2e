// SPDX-License-Identifier: MIT
/*
 * The boot CPU's per-CPU area. head.S points the FS base at it and stores a stack canary
 * at offset 0x28 before any C code runs, for the -fstack-protector code in libfdt.a;
 * trap_init() points the GS base at it for the kernel's own use (asm/percpu.h).
 */
#include <kern/printk.h>
#include <asm/percpu.h>

_Static_assert(offsetof(struct percpu, stack_canary) == PERCPU_CANARY_OFFSET,
	       "the canary must sit at %fs:0x28");
_Static_assert(offsetof(struct percpu, top_of_stack) == PERCPU_TOP_OF_STACK,
	       "syscall entry finds the kernel stack at %gs:PERCPU_TOP_OF_STACK");
_Static_assert(offsetof(struct percpu, user_rsp) == PERCPU_USER_RSP, "asm offset");
_Static_assert(offsetof(struct percpu, cur_task) == PERCPU_CURRENT, "asm offset");

struct percpu boot_percpu = { .self = &boot_percpu };

void __stack_chk_fail(void)
{
	panic("stack-protector: kernel stack is corrupted");
}

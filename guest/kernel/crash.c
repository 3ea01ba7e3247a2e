// SPDX-License-Identifier: MIT
/*
 * crash=KIND: take an exception in kernel mode on purpose, to show that each one ends in
 * a register dump and a panic (exit status GUEST_EXIT_PANIC). The faulting instructions
 * are inline asm so that the compiler cannot reason the accesses away.
 */
#include <kern/printk.h>
#include <guest/setup.h>

#define CRASH_NULL_ADDRESS	0x8UL			/* a NULL pointer's field */
#define CRASH_NONCANONICAL	0x8000000000000000UL	/* bits 63..47 differ */

static unsigned long read_address(unsigned long addr)
{
	unsigned long v;

	__asm__ __volatile__("movq (%1), %0" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

void action_crash(enum crash_kind kind)
{
	unsigned int lo = 1, hi = 0, zero = 0;

	printk("crash: taking a '%s' exception in kernel mode, as asked\n", crash_kind_name(kind));
	switch (kind) {
	case CRASH_PF:
		read_address(CRASH_NULL_ADDRESS);
		break;
	case CRASH_UD:
		__asm__ __volatile__("ud2");
		break;
	case CRASH_GP:
		read_address(CRASH_NONCANONICAL);
		break;
	case CRASH_DE:
		__asm__ __volatile__("divl %2" : "+a"(lo), "+d"(hi) : "r"(zero));
		break;
	case CRASH_BP:
		__asm__ __volatile__("int3");
		break;
	case CRASH_TRIPLE: {
		static const struct { u16 limit; u64 base; } __packed no_idt = { 0, 0 };

		__asm__ __volatile__("lidt %0; ud2" : : "m"(no_idt));
		break;
	}
	case CRASH_HANG:
		for (;;)
			__asm__ __volatile__("cli; pause");
	}
	panic("crash: the '%s' exception came back", crash_kind_name(kind));
}

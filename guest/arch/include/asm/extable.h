/* SPDX-License-Identifier: MIT */
/*
 * The exception table: pairs (instruction, fixup) for the few kernel instructions that may
 * fault on a user address (guest/arch/copy_user.S). When one of them faults and the fault
 * cannot be resolved, the #PF handler resumes at its fixup instead of oopsing. The linker
 * script gathers the pairs between __start___ex_table and __stop___ex_table. Usable from asm.
 */
#ifndef ASM_EXTABLE_H
#define ASM_EXTABLE_H

#ifdef __ASSEMBLY__
#define _ASM_EXTABLE(from, to)						\
	.pushsection __ex_table, "a";					\
	.balign 8;							\
	.quad from, to;							\
	.popsection
#else
#include <kern/types.h>

struct exception_table_entry {
	unsigned long insn;	/* the instruction that may fault */
	unsigned long fixup;	/* where to resume if its fault is not resolved */
};

extern const struct exception_table_entry __start___ex_table[], __stop___ex_table[];

/* The fixup address for a fault at @rip, or 0 when @rip may not fault. */
unsigned long search_exception_table(unsigned long rip);
#endif

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The one kernel routine that touches user memory: a byte copy whose faults the #PF handler
 * resolves through the mm/ fault path (then the copy goes on where it stopped) or, when
 * the address is bad, ends early through the exception table. Callers check the range
 * first (guest/arch/uaccess.c).
 */
#include <asm/extable.h>

	.text
	.code64

/*
 * unsigned long __copy_user(void *to, const void *from, unsigned long n): copy @n bytes,
 * one of the two buffers in user space. Returns the number of bytes NOT copied (0: all).
 * On a fault at `rep movsb`, RCX holds the bytes still to copy: the fixup returns it.
 */
	.globl __copy_user
	.type __copy_user, @function
__copy_user:
	movq	%rdx, %rcx
1:	rep movsb
	xorl	%eax, %eax
	ret
2:	movq	%rcx, %rax
	ret
	_ASM_EXTABLE(1b, 2b)
	.size __copy_user, . - __copy_user

/* No executable stack (the linker asks). */
	.section .note.GNU-stack, "", @progbits

/* SPDX-License-Identifier: MIT */
/*
 * Reaching user memory from the kernel (guest/arch/uaccess.c). Every access checks the range
 * first (below USER_ADDR_LIMIT, no wrap-around), then copies with the one routine whose
 * faults the #PF handler resolves through the mm/ fault path, exactly as if user mode had
 * made the access: pages are faulted in, copy-on-write broken, a bad address ends the copy.
 */
#ifndef ASM_UACCESS_H
#define ASM_UACCESS_H

#include <kern/errno.h>
#include <kern/types.h>
#include <asm/thread.h>

/* Marks a pointer into user space (documentation only: there is no checker). */
#define __user

/* True if [@addr, @addr + @len) lies below USER_ADDR_LIMIT without wrapping around. */
static inline bool access_ok(const void __user *addr, unsigned long len)
{
	unsigned long a = (unsigned long)addr;

	return len <= USER_ADDR_LIMIT && a <= USER_ADDR_LIMIT - len;
}

/*
 * Copy @n bytes from user @from to kernel @to (copy_from_user) or back (copy_to_user).
 * Return the number of bytes NOT copied: 0 on success, else the copy stopped at a bad
 * address (all @n when the range itself is refused). Callers turn non-zero into -EFAULT.
 */
unsigned long copy_from_user(void *to, const void __user *from, unsigned long n);
unsigned long copy_to_user(void __user *to, const void *from, unsigned long n);

/*
 * Copy the NUL-terminated string at @src into @dst (@count bytes). Return its length
 * (without the NUL, which is copied), @count if there was no NUL in the first @count bytes
 * (@dst is then not terminated), or -EFAULT. Reads no page past the one holding the NUL.
 */
long strncpy_from_user(char *dst, const char __user *src, long count);

/* Store / load one value of the pointed-to type: 0 or -EFAULT. */
#define put_user(val, ptr) ({							\
	__typeof__(*(ptr)) __pu_val = (val);					\
	copy_to_user((ptr), &__pu_val, sizeof(__pu_val)) ? -EFAULT : 0;		\
})
#define get_user(var, ptr) ({							\
	copy_from_user(&(var), (ptr), sizeof(*(ptr))) ? -EFAULT : 0;		\
})

/*
 * The #PF handler's call for a kernel-mode fault at @address: true if it came from a
 * user-access instruction (it has an exception-table entry), after resolving the fault
 * (*sig = 0) or redirecting @regs to the fixup (*sig = the signal mm/ answered). False: a
 * kernel bug, the caller oopses.
 */
struct pt_regs;
bool fixup_user_access_fault(struct pt_regs *regs, unsigned long error_code,
			     unsigned long address, int *sig);

#endif

// SPDX-License-Identifier: MIT
/*
 * copy_from_user, copy_to_user, strncpy_from_user and the exception table. The range is
 * checked here; the copy itself (guest/arch/copy_user.S) may fault, and the #PF handler
 * then calls fixup_user_access_fault(): the mm/ fault path resolves the fault (the copy
 * resumes) or refuses it (the copy ends early through the exception table).
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/string.h>
#include <asm/extable.h>
#include <asm/traps.h>
#include <asm/uaccess.h>
#include <guest/sched.h>

unsigned long __copy_user(void *to, const void *from, unsigned long n);	/* copy_user.S */

unsigned long search_exception_table(unsigned long rip)
{
	const struct exception_table_entry *e;

	for (e = __start___ex_table; e < __stop___ex_table; e++)
		if (e->insn == rip)
			return e->fixup;
	return 0;
}

unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	if (!access_ok(from, n))
		return n;
	return __copy_user(to, (const void *)from, n);
}

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	if (!access_ok(to, n))
		return n;
	return __copy_user((void *)to, from, n);
}

long strncpy_from_user(char *dst, const char __user *src, long count)
{
	unsigned long addr = (unsigned long)src;
	long done = 0;

	while (done < count) {
		/* Up to the end of the page: the next page may legitimately be unmapped. */
		long chunk = MIN(count - done, (long)(PAGE_SIZE - (addr & (PAGE_SIZE - 1))));
		const char *nul;

		if (copy_from_user(dst + done, (const void __user *)addr, chunk))
			return -EFAULT;
		nul = memchr(dst + done, '\0', chunk);
		if (nul)
			return nul - dst;
		done += chunk;
		addr += chunk;
	}
	return count;
}

bool fixup_user_access_fault(struct pt_regs *regs, unsigned long error_code,
			     unsigned long address, int *sig)
{
	unsigned long fixup = search_exception_table(regs->rip);
	struct task *t = current;

	/* Only the user side of a copy may fault: a bad kernel buffer is a kernel bug. */
	if (!fixup || address >= USER_ADDR_LIMIT)
		return false;
	*sig = SIGSEGV;
	if (t->mm)
		*sig = handle_user_addr_fault(t->mm, address, error_code, &t->faults, NULL);
	if (!*sig)
		return true;		/* resolved: the copy resumes at the same instruction */
	if (*sig == SIGKILL)
		send_fatal_signal(SIGKILL);	/* out of memory: dies on the way out */
	regs->rip = fixup;
	return true;
}

// SPDX-License-Identifier: MIT
/*
 * The memory system calls: mmap, munmap, mprotect, brk, madvise on current's address space,
 * each a thin layer over mm/ (include/mm/mm.h) with Linux's argument checks in front.
 */
#include <kern/errno.h>
#include <guest/fs.h>
#include <guest/sched.h>
#include <guest/syscalls.h>

SYSCALL_DEFINE6(mmap, unsigned long, addr, unsigned long, len, unsigned long, prot,
		unsigned long, flags, int, fd, unsigned long, off)
{
	if (off & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		if (!fget(fd))
			return -EBADF;
		return -ENODEV;		/* file mappings arrive with a later issue */
	}
	return do_mmap(current->mm, NULL, addr, len, prot, flags, off >> PAGE_SHIFT);
}

SYSCALL_DEFINE2(munmap, unsigned long, addr, unsigned long, len)
{
	return do_munmap(current->mm, addr, len);
}

SYSCALL_DEFINE3(mprotect, unsigned long, addr, unsigned long, len, unsigned long, prot)
{
	return do_mprotect(current->mm, addr, len, prot);
}

SYSCALL_DEFINE1(brk, unsigned long, brk)
{
	return do_brk(current->mm, brk);
}

SYSCALL_DEFINE3(madvise, unsigned long, addr, unsigned long, len, int, advice)
{
	return do_madvise(current->mm, addr, len, advice);
}

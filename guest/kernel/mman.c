// SPDX-License-Identifier: MIT
/*
 * The memory system calls: mmap (anonymous, or of an ext2 file), munmap, mprotect, brk,
 * madvise, msync on current's address space, each a thin layer over mm/ (include/mm/mm.h)
 * with Linux's argument checks in front.
 */
#include <kern/errno.h>
#include <guest/fs.h>
#include <guest/sched.h>
#include <guest/syscalls.h>

SYSCALL_DEFINE6(mmap, unsigned long, addr, unsigned long, len, unsigned long, prot,
		unsigned long, flags, int, fd, unsigned long, off)
{
	struct file *f = NULL;

	if (off & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		f = fget(fd);
		if (!f)
			return -EBADF;
		if (!f->inode->i_mapping)
			return -ENODEV;		/* only ext2 files have a page cache */
	}
	return do_mmap(current->mm, f, addr, len, prot, flags, off >> PAGE_SHIFT);
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

SYSCALL_DEFINE3(msync, unsigned long, addr, unsigned long, len, int, flags)
{
	return do_msync(current->mm, addr, len, flags);
}

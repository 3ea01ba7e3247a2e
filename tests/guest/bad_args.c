/* SPDX-License-Identifier: MIT */
/*
 * Bad arguments to mmap, munmap, mprotect and madvise are refused with Linux's errno and
 * change nothing. The calls go through syscall() so that musl's own checks stay out of it.
 */
#include <sys/syscall.h>

#include "util.h"

#define RW	(PROT_READ | PROT_WRITE)
#define ANON	(MAP_PRIVATE | MAP_ANONYMOUS)

static long sys_mmap(unsigned long addr, unsigned long len, int prot, int flags, int fd,
		     unsigned long off)
{
	return syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

static long sys_munmap(void *addr, unsigned long len)
{
	return syscall(SYS_munmap, addr, len);
}

static long sys_mprotect(void *addr, unsigned long len, int prot)
{
	return syscall(SYS_mprotect, addr, len, prot);
}

static long sys_madvise(void *addr, unsigned long len, int advice)
{
	return syscall(SYS_madvise, addr, len, advice);
}

/* A two-page mapping filled with pattern 1 that each test may try to damage. */
static char *victim;

static int victim_intact(void)
{
	return CHECK_PAGES(victim, 2, 1, "the mapping the refused calls named") &&
	       CHECK_EXITED(probe_write(victim + PAGE_SIZE), 0, "write to it afterwards");
}

static int test_mmap_einval(void)
{
	int ok;

	ok = CHECK_ERRNO(sys_mmap(0, 0, RW, ANON, -1, 0), -1, EINVAL, "mmap of length 0");
	ok &= CHECK_ERRNO(sys_mmap(0, PAGE_SIZE, RW, MAP_ANONYMOUS, -1, 0), -1, EINVAL,
			  "mmap with neither MAP_PRIVATE nor MAP_SHARED");
	ok &= CHECK_ERRNO(sys_mmap((unsigned long)victim + 1, PAGE_SIZE, RW, ANON | MAP_FIXED,
				   -1, 0), -1, EINVAL, "MAP_FIXED at an unaligned address");
	ok &= CHECK_ERRNO(sys_mmap(0, PAGE_SIZE, RW, ANON, -1, 1), -1, EINVAL,
			  "mmap with an unaligned offset");
	return ok && victim_intact();
}

static int test_mmap_enomem(void)
{
	int ok;

	ok = CHECK_ERRNO(sys_mmap(0, ~0UL, RW, ANON, -1, 0), -1, ENOMEM,
			 "mmap of 2^64 - 1 bytes");
	ok &= CHECK_ERRNO(sys_mmap(0, -PAGE_SIZE, RW, ANON, -1, 0), -1, ENOMEM,
			  "mmap of 2^64 - 4096 bytes");
	ok &= CHECK_ERRNO(sys_mmap(0xffff800000000000, PAGE_SIZE, RW,
				   ANON | MAP_FIXED_NOREPLACE, -1, 0), -1, ENOMEM,
			  "MAP_FIXED_NOREPLACE in the kernel half");
	ok &= CHECK_ERRNO(sys_mmap(-PAGE_SIZE, PAGE_SIZE, RW, ANON | MAP_FIXED, -1, 0), -1,
			  ENOMEM, "MAP_FIXED at the last page of memory");
	return ok;
}

static int test_mmap_ebadf(void)
{
	int ok;

	ok = CHECK_ERRNO(sys_mmap(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, -1, 0), -1, EBADF,
			 "file mapping of fd -1");
	ok &= CHECK_ERRNO(sys_mmap(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, 1000, 0), -1, EBADF,
			  "file mapping of fd 1000 (not open)");
	return ok;
}

static int test_munmap(void)
{
	int ok;

	ok = CHECK_ERRNO(sys_munmap(victim + 1, PAGE_SIZE), -1, EINVAL,
			 "munmap of an unaligned address");
	ok &= CHECK_ERRNO(sys_munmap(victim, 0), -1, EINVAL, "munmap of length 0");
	ok &= CHECK_ERRNO(sys_munmap(opaque(0xffff800000000000), PAGE_SIZE), -1, EINVAL,
			  "munmap in the kernel half");
	ok &= CHECK_ERRNO(sys_munmap(victim, -PAGE_SIZE), -1, EINVAL,
			  "munmap of a length running past the end of memory");
	return ok && victim_intact();
}

static int test_mprotect(void)
{
	char *hole = map_rw(1);
	int ok;

	if (!hole)
		return TAP_FAIL;
	munmap(hole, PAGE_SIZE);
	ok = CHECK_ERRNO(sys_mprotect(victim + 1, PAGE_SIZE, PROT_READ), -1, EINVAL,
			 "mprotect of an unaligned address");
	ok &= CHECK_ERRNO(sys_mprotect(victim, 2 * PAGE_SIZE, PROT_READ | 0x80), -1, EINVAL,
			  "mprotect with an unknown PROT bit");
	ok &= CHECK_ERRNO(sys_mprotect(hole, PAGE_SIZE, PROT_READ), -1, ENOMEM,
			  "mprotect of an unmapped page");
	ok &= CHECK_ERRNO(sys_mprotect(opaque(0xffff800000000000), PAGE_SIZE, PROT_READ), -1,
			  ENOMEM, "mprotect in the kernel half");
	return ok && victim_intact();
}

static int test_madvise(void)
{
	char *hole = map_rw(1);
	int ok;

	if (!hole)
		return TAP_FAIL;
	munmap(hole, PAGE_SIZE);
	ok = CHECK_ERRNO(sys_madvise(victim + 1, PAGE_SIZE, MADV_DONTNEED), -1, EINVAL,
			 "MADV_DONTNEED at an unaligned address");
	ok &= CHECK_ERRNO(sys_madvise(victim, 2 * PAGE_SIZE, 9999), -1, EINVAL,
			  "madvise with unknown advice 9999");
	ok &= CHECK_ERRNO(sys_madvise(hole, PAGE_SIZE, MADV_DONTNEED), -1, ENOMEM,
			  "MADV_DONTNEED of an unmapped page");
	ok &= CHECK_EQ(sys_madvise(victim, 0, MADV_DONTNEED), 0, "MADV_DONTNEED of length 0");
	return ok && victim_intact();
}

static const struct tap_test tests[] = {
	{ "mmap: length 0, no MAP_PRIVATE/SHARED, unaligned address or offset: EINVAL",
	  test_mmap_einval },
	{ "mmap: lengths or fixed addresses beyond user space: ENOMEM", test_mmap_enomem },
	{ "mmap of a file descriptor that is not open: EBADF", test_mmap_ebadf },
	{ "munmap: unaligned, length 0, outside user space: EINVAL", test_munmap },
	{ "mprotect: unaligned or unknown PROT bit: EINVAL; nothing mapped: ENOMEM",
	  test_mprotect },
	{ "madvise: unaligned or unknown advice: EINVAL; nothing mapped: ENOMEM; length 0: 0",
	  test_madvise },
};

int main(void)
{
	victim = map_rw(2);
	if (victim)
		fill_pages(victim, 2, 1);
	else
		victim = opaque(PAGE_SIZE);	/* every test then fails on victim_intact() */
	return tap_run(tests, ARRAY_SIZE(tests));
}

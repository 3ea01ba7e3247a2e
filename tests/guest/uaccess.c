/* SPDX-License-Identifier: MIT */
/*
 * System calls and user pointers: a pointer to memory the caller may not access (NULL,
 * unmapped, kernel half, non-canonical, off the top of user space, read-only for a write)
 * fails the call with EFAULT and changes nothing; a pointer into memory not yet faulted in,
 * into the zero page, or into a page shared copy-on-write works exactly like a user store.
 */
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>

#include "util.h"

struct usys {
	const char *name;
	int writes;		/* the kernel stores through the pointer (else it reads) */
	int null_ok;		/* NULL means "no such argument" */
	long (*call)(void *p);
};

static long do_uname(void *p)
{
	return syscall(SYS_uname, p);
}

static long do_getrusage(void *p)
{
	return syscall(SYS_getrusage, RUSAGE_SELF, p);
}

static long do_clock_gettime(void *p)
{
	return syscall(SYS_clock_gettime, CLOCK_MONOTONIC, p);
}

static long do_fstat(void *p)
{
	return syscall(SYS_fstat, 1, p);
}

static long do_sigmask_get(void *p)
{
	return syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, p, 8);
}

/* Blocks the signals in the set at @p; every caller's set is empty or unreadable. */
static long do_sigmask_set(void *p)
{
	return syscall(SYS_rt_sigprocmask, SIG_BLOCK, p, NULL, 8);
}

static long do_openat(void *p)
{
	long fd = syscall(SYS_openat, AT_FDCWD, p, O_RDONLY);

	if (fd >= 0)
		close(fd);
	return fd;
}

static const struct usys calls[] = {
	{ "uname", 1, 0, do_uname },
	{ "getrusage", 1, 0, do_getrusage },
	{ "clock_gettime", 1, 0, do_clock_gettime },
	{ "fstat", 1, 0, do_fstat },
	{ "rt_sigprocmask(oldset)", 1, 1, do_sigmask_get },
	{ "rt_sigprocmask(set)", 0, 1, do_sigmask_set },
	{ "openat(path)", 0, 0, do_openat },
};

static unsigned long efault_addr;

/* Child: every call (only those that write, if @arg is non-NULL) fails with EFAULT. */
static int child_efault(void *writes_only)
{
	void *p = opaque(efault_addr);
	char what[64];
	int ok = 1;

	for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
		if ((writes_only && !calls[i].writes) || (!p && calls[i].null_ok))
			continue;
		snprintf(what, sizeof(what), "%s(%p)", calls[i].name, p);
		ok &= CHECK_ERRNO(calls[i].call(p), -1, EFAULT, what);
	}
	return !ok;
}

static int efault_at(unsigned long addr, const char *what)
{
	efault_addr = addr;
	return CHECK_EXITED(run_child(child_efault, NULL), 0, what);
}

static int test_null(void)
{
	return efault_at(0, "calls given NULL");
}

static int test_unmapped(void)
{
	void *p = map_rw(1);

	if (!p)
		return TAP_FAIL;
	munmap(p, PAGE_SIZE);
	return efault_at((unsigned long)p, "calls given an unmapped page");
}

static int test_kernel(void)
{
	int ok;

	ok = efault_at(0xffffffff80000000, "calls given the kernel image");
	ok &= efault_at(0xffff888000000000, "calls given the direct map");
	ok &= efault_at(0xfffffffffffffff0, "calls given the last bytes of memory");
	return ok;
}

static int test_noncanonical(void)
{
	int ok;

	ok = efault_at(0x8000000000000000, "calls given a non-canonical address");
	ok &= efault_at((1UL << 47) - 8, "calls given the last 8 bytes below 2^47");
	return ok;
}

/* A buffer that starts in a writable page and runs into an unmapped one. */
static int test_straddle(void)
{
	char *p = map_rw(2);
	int ok;

	if (!p)
		return TAP_FAIL;
	munmap(p + PAGE_SIZE, PAGE_SIZE);
	efault_addr = (unsigned long)p + PAGE_SIZE - 4;
	ok = CHECK_EXITED(run_child(child_efault, (void *)1), 0,
			  "calls given a buffer running into an unmapped page");
	munmap(p, PAGE_SIZE);
	return ok;
}

/* Child: calls that write fail on the read-only page at efault_addr, which stays as it was. */
static int child_efault_ro(void *arg)
{
	return child_efault((void *)1) ||
	       !CHECK_PAGES(opaque(efault_addr), 1, 1, "read-only page after the calls");
}

static int test_readonly(void)
{
	void *p = map_rw(1);
	int ok;

	if (!p)
		return TAP_FAIL;
	fill_pages(p, 1, 1);
	ok = CHECK_EQ(mprotect(p, PAGE_SIZE, PROT_READ), 0, "mprotect(PROT_READ)");
	efault_addr = (unsigned long)p;
	ok &= CHECK_EXITED(run_child(child_efault_ro, NULL), 0, "writing calls given PROT_READ");
	ok &= CHECK_PAGES(p, 1, 1, "the parent's read-only page");
	munmap(p, PAGE_SIZE);
	return ok;
}

/*
 * Make every call with a pointer to its own page of @base (untouched, zero-page or shared
 * copy-on-write memory): each must succeed as it would with a touched page, openat() failing
 * with ENOENT for the empty path it finds there.
 */
static int calls_work(unsigned char *base)
{
	char what[64];
	int ok = 1;

	for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
		void *p = base + i * PAGE_SIZE;

		snprintf(what, sizeof(what), "%s(%p)", calls[i].name, p);
		if (calls[i].call == do_openat)
			ok &= CHECK_ERRNO(calls[i].call(p), -1, ENOENT, what);
		else
			ok &= CHECK_EQ(calls[i].call(p), 0, what);
	}
	ok &= CHECK(((struct utsname *)base)->sysname[0], "uname wrote no sysname");
	return ok;
}

#define NCALLS	ARRAY_SIZE(calls)

static int test_untouched(void)
{
	unsigned char *p = map_rw(NCALLS);
	int ok;

	if (!p)
		return TAP_FAIL;
	ok = calls_work(p);
	munmap(p, NCALLS * PAGE_SIZE);
	return ok;
}

static int test_zero_page(void)
{
	unsigned char *p = map_rw(NCALLS + 1);
	int ok;

	if (!p)
		return TAP_FAIL;
	touch_pages(p, NCALLS + 1, 0, 0);
	ok = calls_work(p);
	ok &= CHECK_PAGES_AT(p, NCALLS, 1, 0, "page no call wrote");
	ok &= fresh_memory_zero(NCALLS);
	munmap(p, (NCALLS + 1) * PAGE_SIZE);
	return ok;
}

static void *region;

/* Child: the calls write into pages it shares with the parent. */
static int child_calls(void *arg)
{
	unsigned char *p = region;

	/* The calls that read find zeros, as in the other tests (this is a write: a copy). */
	for (size_t i = 0; i < NCALLS; i++)
		if (!calls[i].writes)
			memset(p + i * PAGE_SIZE, 0, PAGE_SIZE);
	return !calls_work(p);
}

static int test_cow(void)
{
	int ok;

	if (!(region = map_rw(NCALLS)))
		return TAP_FAIL;
	fill_pages(region, NCALLS, 1);
	ok = CHECK_EXITED(run_child(child_calls, NULL), 0, "child's calls into shared pages");
	ok &= CHECK_PAGES(region, NCALLS, 1, "the parent's pages");
	munmap(region, NCALLS * PAGE_SIZE);
	return ok;
}

static const struct tap_test tests[] = {
	{ "calls given NULL: EFAULT", test_null },
	{ "calls given an unmapped page: EFAULT", test_unmapped },
	{ "calls given kernel addresses: EFAULT", test_kernel },
	{ "calls given non-canonical or top-of-range addresses: EFAULT", test_noncanonical },
	{ "writing calls given a buffer running into a hole: EFAULT", test_straddle },
	{ "writing calls given a PROT_READ page: EFAULT, page unchanged", test_readonly },
	{ "calls given untouched pages work", test_untouched },
	{ "calls writing into zero-page memory copy it", test_zero_page },
	{ "calls writing into copy-on-write pages reach only the caller's copy", test_cow },
};

int main(void)
{
	return tap_run(tests, ARRAY_SIZE(tests));
}

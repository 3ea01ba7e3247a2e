/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the guest fault test programs: anonymous mappings without THP, page-fault
 * counters (getrusage), and children that make one access so that the parent can see how
 * the child died. No signal handlers: a bad access is observed as the child's wait status.
 */
#ifndef GUEST_UTIL_H
#define GUEST_UTIL_H

#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#undef PAGE_SIZE			/* musl's limits.h has an int one */
#define PAGE_SIZE	4096UL
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Faults a measured stretch of test code may take besides the ones it measures: the first
 * run of its own text, a new stack page, the counters' own buffer.
 */
#define FAULT_SLACK	16

static int getrusage_failed;

/* Page faults (minor + major) this process has taken so far. */
static inline long faults(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru)) {
		getrusage_failed = errno;
		return 0;
	}
	return ru.ru_minflt + ru.ru_majflt;
}

/*
 * The fault count @f of a measured stretch lies in [@lo, @hi] (@hi LONG_MAX: no upper bound).
 * The count is printed either way, so that a run in the guest can be compared with a native one.
 */
#define CHECK_FAULTS(f, lo, hi, what) ({						\
	long __f = (f), __lo = (lo), __hi = (hi);					\
	if (__hi == LONG_MAX)								\
		tap_diag("%s: %ld faults (at least %ld)", what, __f, __lo);		\
	else										\
		tap_diag("%s: %ld faults (bounds %ld..%ld)", what, __f, __lo, __hi);	\
	CHECK(!getrusage_failed, "getrusage: %s", strerror(getrusage_failed)) &&	\
	CHECK(__f >= __lo && __f <= __hi, "%s: expected %ld..%ld faults, got %ld",	\
	      what, __lo, __hi, __f);							\
})

/*
 * Ask for base pages only, so that one touch is one fault on Linux whatever its THP setting.
 * A kernel without THP refuses the advice with EINVAL, which is just as good.
 */
static inline int no_thp(void *p, size_t len)
{
	if (madvise(p, len, MADV_NOHUGEPAGE) && errno != EINVAL)
		return -errno;
	return 0;
}

/* A private anonymous mapping of @len bytes backed by base pages; NULL (and a diagnostic). */
static inline void *map_anon(size_t len, int prot, int flags)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);

	if (p == MAP_FAILED) {
		tap_diag("mmap(%zu bytes, prot %#x, flags %#x): %s", len, prot, flags,
			 strerror(errno));
		return NULL;
	}
	if (no_thp(p, len)) {
		tap_diag("madvise(MADV_NOHUGEPAGE): %s", strerror(errno));
		munmap(p, len);
		return NULL;
	}
	return p;
}

static inline void *map_rw(size_t npages)
{
	return map_anon(npages * PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
}

/* Touch one byte of each of @npages pages at @p: read it, or (@write) store @v there. */
static inline void touch_pages(void *p, size_t npages, int write, unsigned char v)
{
	volatile unsigned char *q = p;

	for (size_t pg = 0; pg < npages; pg++) {
		if (write)
			q[pg * PAGE_SIZE] = v;
		else
			(void)q[pg * PAGE_SIZE];
	}
}

/* The 64-bit word a test stores at word @w of page @pg, distinct for every (seed, pg, w). */
static inline uint64_t pattern(uint64_t seed, size_t pg, size_t w)
{
	return (seed << 48) ^ (pg << 12) ^ w ^ 0x5a5a000000000000ull;
}

/* In a page filled by fill_pages(), the byte at PROBE_OFF is PROBE_BYTE (for probe_read()). */
#define PROBE_OFF	(8 * 42)
#define PROBE_BYTE	42

/* Fill @npages pages at @p with pattern(seed, ...). */
static inline void fill_pages(void *p, size_t npages, uint64_t seed)
{
	volatile uint64_t *q = p;

	for (size_t pg = 0; pg < npages; pg++)
		for (size_t w = 0; w < PAGE_SIZE / 8; w++)
			q[pg * (PAGE_SIZE / 8) + w] = pattern(seed, pg, w);
}

/*
 * Check pages [@first, @first + @npages) of a region at @base filled by fill_pages(@seed)
 * (zeros when @seed is 0). Return the index of the first bad page, after printing what was
 * found there, or @first + @npages when all are intact.
 */
static inline size_t bad_page(const void *base, size_t first, size_t npages, uint64_t seed)
{
	const volatile uint64_t *q = base;

	for (size_t pg = first; pg < first + npages; pg++) {
		for (size_t w = 0; w < PAGE_SIZE / 8; w++) {
			uint64_t want = seed ? pattern(seed, pg, w) : 0;
			uint64_t got = q[pg * (PAGE_SIZE / 8) + w];

			if (got != want) {
				tap_diag("page %zu word %zu: expected %#llx, got %#llx", pg, w,
					 (unsigned long long)want, (unsigned long long)got);
				return pg;
			}
		}
	}
	return first + npages;
}

/* Pages [first, first + npages) of the region at @base hold their pattern (or zeros). */
#define CHECK_PAGES_AT(base, first, npages, seed, what) \
	CHECK(bad_page(base, first, npages, seed) == (first) + (npages), "%s: contents wrong", what)
#define CHECK_PAGES(p, npages, seed, what)	CHECK_PAGES_AT(p, 0, npages, seed, what)

/*
 * A new mapping of @npages reads as zeros: a test that wrote near the zero page checks with
 * this that it did not write through it, which would show in everybody's fresh memory.
 */
static inline int fresh_memory_zero(size_t npages)
{
	void *p = map_rw(npages);
	int ok;

	if (!p)
		return 0;
	ok = CHECK_PAGES(p, npages, 0, "a fresh mapping");
	munmap(p, npages * PAGE_SIZE);
	return ok;
}

/*
 * Fork; the child returns fn(arg) as its exit status. Returns the child's wait status, or -1
 * (with a diagnostic) if fork or wait4 failed. stdout is line-buffered (tap_plan), so nothing
 * is pending at the fork, and the child leaves with _exit() so it flushes nothing twice.
 */
static inline int run_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		tap_diag("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0)
		_exit(fn(arg));
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			tap_diag("wait4: %s", strerror(errno));
			return -1;
		}
	}
	return status;
}

static inline int __read_byte(void *p)
{
	return *(volatile unsigned char *)p;
}

static inline int __write_byte(void *p)
{
	volatile unsigned char *q = p;

	*q = 0xa5;
	return *q == 0xa5 ? 0 : 1;
}

static inline int __call(void *p)
{
	return ((int (*)(void))p)();
}

/* A child reads the byte at @p and exits with its value. */
static inline int probe_read(void *p)
{
	return run_child(__read_byte, p);
}

/* A child writes 0xa5 at @p and exits 0 if it reads it back, else 1. */
static inline int probe_write(void *p)
{
	return run_child(__write_byte, p);
}

/* x86-64 code for `int f(void) { return 42; }`: mov $42, %eax; ret */
#define RET42_CODE	{ 0xb8, 42, 0, 0, 0, 0xc3 }

/* A child calls the code at @p and exits with what it returns. */
static inline int probe_exec(void *p)
{
	return run_child(__call, p);
}

/* @a as a pointer the compiler knows nothing about (it must not turn *NULL into a trap). */
static inline void *opaque(unsigned long a)
{
	__asm__("" : "+r"(a));
	return (void *)a;
}

/* Describe a wait status: "exited with 3", "killed by signal 11 (Segmentation fault)". */
static inline const char *status_str(int st)
{
	static char buf[80];

	if (st == -1)
		snprintf(buf, sizeof(buf), "no child (fork or wait4 failed)");
	else if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exited with %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "killed by signal %d (%s)", WTERMSIG(st),
			 strsignal(WTERMSIG(st)));
	else
		snprintf(buf, sizeof(buf), "wait status %#x", st);
	return buf;
}

/* The child was killed by signal @sig. */
#define CHECK_KILLED(st, sig, what) ({							\
	int __st = (st);								\
	CHECK(__st != -1 && WIFSIGNALED(__st) && WTERMSIG(__st) == (sig),		\
	      "%s: expected the child killed by signal %d (%s), got %s", what, (sig),	\
	      strsignal(sig), status_str(__st));					\
})

/* The child exited normally with @code. */
#define CHECK_EXITED(st, code, what) ({							\
	int __st = (st);								\
	CHECK(__st != -1 && WIFEXITED(__st) && WEXITSTATUS(__st) == (code),		\
	      "%s: expected the child to exit with %d, got %s", what, (code),		\
	      status_str(__st));							\
})

#endif

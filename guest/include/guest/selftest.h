/* SPDX-License-Identifier: MIT */
/*
 * Kernel self-tests (the `selftest` command line word): guest/kernel/selftest.c runs each
 * test below and prints kselftest TAP on the console. A test returns SELFTEST_PASS, _FAIL
 * or _SKIP; ST_ASSERT() prints the failed condition with file:line and fails the test.
 */
#ifndef GUEST_SELFTEST_H
#define GUEST_SELFTEST_H

#include <kern/printk.h>
#include <kern/string.h>

enum { SELFTEST_PASS, SELFTEST_FAIL, SELFTEST_SKIP };

#define ST_ASSERT(cond)								\
	do {									\
		if (!(cond)) {							\
			printk("# %s:%d: %s: assertion failed: %s\n",		\
			       __FILE__, __LINE__, __func__, #cond);		\
			return SELFTEST_FAIL;					\
		}								\
	} while (0)

/* Like ST_ASSERT(a == b), printing both values. */
#define ST_ASSERT_EQ(a, b)							\
	do {									\
		unsigned long long __a = (unsigned long long)(a);		\
		unsigned long long __b = (unsigned long long)(b);		\
		if (__a != __b) {						\
			printk("# %s:%d: %s: %s == %s failed: 0x%llx != 0x%llx\n", \
			       __FILE__, __LINE__, __func__, #a, #b, __a, __b);	\
			return SELFTEST_FAIL;					\
		}								\
	} while (0)

/* Like ST_ASSERT(!strcmp(a, b)), printing both strings. */
#define ST_ASSERT_STREQ(a, b)							\
	do {									\
		const char *__a = (a), *__b = (b);				\
		if (strcmp(__a, __b)) {						\
			printk("# %s:%d: %s: \"%s\" != \"%s\"\n",		\
			       __FILE__, __LINE__, __func__, __a, __b);		\
			return SELFTEST_FAIL;					\
		}								\
	} while (0)

/* Skip the running test, saying why on its TAP line. */
#define ST_SKIP(why)								\
	do {									\
		selftest_skip_reason = (why);					\
		return SELFTEST_SKIP;						\
	} while (0)

extern const char *selftest_skip_reason;

/* Run every self-test; returns the number that failed. */
int run_selftests(void);

/* The tests, one per concern (guest/selftest/). */
int selftest_string(void);
int selftest_vsnprintf(void);
int selftest_dt(void);
int selftest_exception_round_trip(void);
int selftest_pf_decode(void);
int selftest_paging(void);
int selftest_page_fault(void);
int selftest_direct_map(void);
int selftest_page_alloc_orders(void);
int selftest_page_alloc_many(void);
int selftest_page_alloc_zero(void);
int selftest_kmalloc(void);
int selftest_cpio(void);
int selftest_elf(void);
int selftest_syscall_table(void);
int selftest_uaccess(void);
int selftest_user_syscalls(void);
int selftest_user_exceptions(void);
int selftest_fault_trace(void);
int selftest_irq(void);
int selftest_ns_to_tsc(void);
int selftest_timers(void);
int selftest_blk_pattern(void);
int selftest_blk_merge(void);
int selftest_blk_flush(void);
int selftest_blk_bad_bios(void);
int selftest_blk_read_only(void);
int selftest_blk_get_id(void);

#endif

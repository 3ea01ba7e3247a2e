/* SPDX-License-Identifier: MIT */
/*
 * kselftest TAP output for the guest fault test programs: a plan, one `ok`/`not ok` line per
 * test, `# ` diagnostics that say expected versus got, `# Totals`, and the exit code
 * (0 all passed, 1 any failed, 4 all skipped).
 */
#ifndef GUEST_TAP_H
#define GUEST_TAP_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { TAP_FAIL, TAP_PASS, TAP_SKIP };

struct tap_test {
	const char *name;
	int (*fn)(void);	/* returns TAP_PASS, TAP_FAIL or tap_skip(why) */
};

static struct {
	int planned, n, pass, fail, skip;
	const char *skip_why;
} tap;

static inline void tap_plan(int n)
{
	/* Line-buffered even into a pipe: nothing is pending when a test forks or dies. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	tap.planned = n;
	printf("TAP version 13\n1..%d\n", n);
}

static inline void __attribute__((format(printf, 1, 2))) tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* A test function returns this to be reported as skipped, with the reason. */
static inline int tap_skip(const char *why)
{
	tap.skip_why = why;
	return TAP_SKIP;
}

static inline void tap_result(int res, const char *name)
{
	tap.n++;
	if (res == TAP_SKIP) {
		tap.skip++;
		printf("ok %d %s # SKIP %s\n", tap.n, name, tap.skip_why);
	} else if (res == TAP_PASS) {
		tap.pass++;
		printf("ok %d %s\n", tap.n, name);
	} else {
		tap.fail++;
		printf("not ok %d %s\n", tap.n, name);
	}
}

/* Print the totals and return the exit code; a plan that was not met is a failure. */
static inline int tap_finish(void)
{
	if (tap.n != tap.planned) {
		tap_diag("planned %d tests but ran %d", tap.planned, tap.n);
		tap.fail++;
	}
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
	       tap.pass, tap.fail, tap.skip);
	if (tap.fail)
		return 1;
	return tap.skip && !tap.pass ? 4 : 0;
}

/* Run a table of tests in order; the return value is main()'s exit code. */
static inline int tap_run(const struct tap_test *t, int n)
{
	tap_plan(n);
	for (int i = 0; i < n; i++)
		tap_result(t[i].fn(), t[i].name);
	return tap_finish();
}

/*
 * Checks: each returns 1 if it holds; otherwise it prints `# file:line: what: expected ...,
 * got ...` and returns 0, so a test can report every broken expectation and then fail.
 */
static inline int __attribute__((format(printf, 4, 5)))
tap_check(int ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return 1;
	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return 0;
}

#define CHECK(cond, ...)	tap_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define __CHECK_CMP(got, op, exp, what) ({						\
	long long __g = (long long)(got), __e = (long long)(exp);			\
	CHECK(__g op __e, "%s: expected %s%lld (%#llx), got %lld (%#llx)",		\
	      what, #op[0] == '=' ? "" : #op " ", __e, __e, __g, __g);			\
})
#define CHECK_EQ(got, exp, what)	__CHECK_CMP(got, ==, exp, what)
#define CHECK_GE(got, min, what)	__CHECK_CMP(got, >=, min, what)
#define CHECK_LE(got, max, what)	__CHECK_CMP(got, <=, max, what)
#define CHECK_LT(got, max, what)	__CHECK_CMP(got, <, max, what)

static inline int tap_check_errno(const char *file, int line, const char *what, long r, int en,
				  long fail_val, int err)
{
	if (r != fail_val)
		return tap_check(0, file, line,
				 "%s: expected %ld with errno %d (%s), got %ld (%#lx)",
				 what, fail_val, err, strerror(err), r, r);
	return tap_check(en == err, file, line, "%s: expected errno %d (%s), got errno %d (%s)",
			 what, err, strerror(err), en, strerror(en));
}

/* A call that failed: @ret, returned by it, is @fail_val, and errno is @err. */
#define CHECK_ERRNO(ret, fail_val, err, what) ({					\
	long __r = (long)(ret);								\
											\
	tap_check_errno(__FILE__, __LINE__, what, __r, errno, (long)(fail_val), err);	\
})

#endif

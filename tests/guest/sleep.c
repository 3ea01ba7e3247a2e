/* SPDX-License-Identifier: MIT */
/*
 * Sleeping: nanosleep(2) and clock_nanosleep(2) on CLOCK_REALTIME, MONOTONIC, BOOTTIME, TAI
 * sleep at least the time asked (measured on the same clock: a lower bound, never an
 * upper one), an absolute time in the past returns at once, a child sleeps while its
 * parent waits for it, and bad arguments fail with EINVAL, EOPNOTSUPP or EFAULT.
 */
#include <sys/syscall.h>
#include <time.h>

#include "util.h"

#define NS_PER_SEC	1000000000LL
#define SLEEP_NS	2000000LL	/* 2 ms: short, since emulated timers are slow */
#define KERNEL_ADDR	((void *)0xffff888000000000UL)

static long long now_ns(clockid_t clock)
{
	struct timespec ts;

	if (clock_gettime(clock, &ts))
		return -1;
	return ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

static struct timespec ns_to_ts(long long ns)
{
	return (struct timespec){ .tv_sec = ns / NS_PER_SEC, .tv_nsec = ns % NS_PER_SEC };
}

/* The raw system calls: -1 and errno on failure, whatever the libc would add. */
static long sys_nanosleep(const struct timespec *req, struct timespec *rem)
{
	return syscall(SYS_nanosleep, req, rem);
}

static long sys_clock_nanosleep(clockid_t clock, int flags, const struct timespec *req,
				struct timespec *rem)
{
	return syscall(SYS_clock_nanosleep, clock, flags, req, rem);
}

static int test_nanosleep(void)
{
	struct timespec req = ns_to_ts(SLEEP_NS), rem = { 12345, 6789 };
	long long t0 = now_ns(CLOCK_MONOTONIC);
	int ok;

	ok = CHECK_EQ(sys_nanosleep(&req, &rem), 0, "nanosleep(2 ms)");
	ok &= CHECK_GE(now_ns(CLOCK_MONOTONIC) - t0, SLEEP_NS, "ns slept (CLOCK_MONOTONIC)");
	/* The remaining time is written only when a signal cuts the sleep short. */
	ok &= CHECK(rem.tv_sec == 12345 && rem.tv_nsec == 6789, "rem was written");
	ok &= CHECK_EQ(sys_nanosleep(&(struct timespec){ 0, 0 }, NULL), 0, "nanosleep(0)");
	/* A bad rem is not touched either when the sleep runs to its end. */
	ok &= CHECK_EQ(sys_nanosleep(&(struct timespec){ 0, 1000 }, KERNEL_ADDR), 0,
		       "nanosleep(1 us) with a kernel address as rem");
	return ok;
}

static int test_clock_nanosleep_relative(void)
{
	static const clockid_t clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME,
					    CLOCK_TAI };
	struct timespec req = ns_to_ts(SLEEP_NS);
	int ok = 1;

	for (size_t i = 0; i < ARRAY_SIZE(clocks); i++) {
		long long t0 = now_ns(clocks[i]);

		ok &= CHECK_EQ(sys_clock_nanosleep(clocks[i], 0, &req, NULL), 0,
			       "clock_nanosleep(2 ms)");
		ok &= CHECK_GE(now_ns(clocks[i]) - t0, SLEEP_NS, "ns slept, on that clock");
	}
	return ok;
}

static int test_clock_nanosleep_abstime(void)
{
	static const clockid_t clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME };
	int ok = 1;

	for (size_t i = 0; i < ARRAY_SIZE(clocks); i++) {
		long long until = now_ns(clocks[i]) + SLEEP_NS;
		struct timespec req = ns_to_ts(until), past = ns_to_ts(until - 2 * SLEEP_NS);

		ok &= CHECK_EQ(sys_clock_nanosleep(clocks[i], TIMER_ABSTIME, &req, NULL), 0,
			       "clock_nanosleep(TIMER_ABSTIME, now + 2 ms)");
		ok &= CHECK_GE(now_ns(clocks[i]), until, "the clock after the sleep");
		/* In the past: returns at once (no upper bound is asserted, only success). */
		ok &= CHECK_EQ(sys_clock_nanosleep(clocks[i], TIMER_ABSTIME, &past, NULL), 0,
			       "clock_nanosleep(TIMER_ABSTIME, a time past)");
		ok &= CHECK_EQ(sys_clock_nanosleep(clocks[i], TIMER_ABSTIME,
						   &(struct timespec){ 0, 0 }, NULL), 0,
			       "clock_nanosleep(TIMER_ABSTIME, 0)");
	}
	return ok;
}

static int sleeping_child(void *arg)
{
	struct timespec req = ns_to_ts(SLEEP_NS);

	return nanosleep(&req, NULL) ? 1 : 7;
}

/* The parent blocks in waitpid() while its only child sleeps: nothing runnable, no panic. */
static int test_child_sleeps(void)
{
	long long t0 = now_ns(CLOCK_MONOTONIC);
	int ok;

	ok = CHECK_EXITED(run_child(sleeping_child, NULL), 7, "a child that slept");
	ok &= CHECK_GE(now_ns(CLOCK_MONOTONIC) - t0, SLEEP_NS, "ns until the child was reaped");
	return ok;
}

static int test_bad_args(void)
{
	static const struct timespec bad[] = {
		{ 0, NS_PER_SEC }, { 0, -1 }, { -1, 0 }, { -1, NS_PER_SEC - 1 }, { 0, 1L << 40 },
	};
	int ok = 1;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		ok &= CHECK_ERRNO(sys_nanosleep(&bad[i], NULL), -1, EINVAL,
				  "nanosleep with tv_nsec out of range or tv_sec < 0");
		ok &= CHECK_ERRNO(sys_clock_nanosleep(CLOCK_MONOTONIC, 0, &bad[i], NULL), -1,
				  EINVAL, "clock_nanosleep, the same");
		ok &= CHECK_ERRNO(sys_clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &bad[i],
						      NULL), -1, EINVAL,
				  "clock_nanosleep(TIMER_ABSTIME), the same");
	}
	ok &= CHECK_ERRNO(sys_nanosleep(NULL, NULL), -1, EFAULT, "nanosleep(NULL)");
	ok &= CHECK_ERRNO(sys_nanosleep(KERNEL_ADDR, NULL), -1, EFAULT,
			  "nanosleep of a kernel address");
	ok &= CHECK_ERRNO(sys_clock_nanosleep(CLOCK_MONOTONIC, 0, NULL, NULL), -1, EFAULT,
			  "clock_nanosleep(NULL)");
	ok &= CHECK_ERRNO(sys_clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, KERNEL_ADDR, NULL),
			  -1, EFAULT, "clock_nanosleep of a kernel address");
	ok &= CHECK_ERRNO(sys_clock_nanosleep(12345, 0, &(struct timespec){ 0, 1 }, NULL), -1,
			  EINVAL, "clock_nanosleep on clock 12345");
	ok &= CHECK_ERRNO(sys_clock_nanosleep(-1, 0, &(struct timespec){ 0, 1 }, NULL), -1,
			  EINVAL, "clock_nanosleep on clock -1");
	ok &= CHECK_ERRNO(sys_clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0,
					      &(struct timespec){ 0, 1 }, NULL), -1, EOPNOTSUPP,
			  "clock_nanosleep on CLOCK_THREAD_CPUTIME_ID");
	ok &= CHECK_ERRNO(sys_clock_nanosleep(CLOCK_MONOTONIC_RAW, 0,
					      &(struct timespec){ 0, 1 }, NULL), -1, EOPNOTSUPP,
			  "clock_nanosleep on CLOCK_MONOTONIC_RAW");
	/* musl's wrapper returns the error instead of setting errno. */
	ok &= CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad[0], NULL), EINVAL,
		       "clock_nanosleep() from the libc, tv_nsec = 10^9");
	return ok;
}

static const struct tap_test tests[] = {
	{ "nanosleep sleeps at least the time asked; rem untouched", test_nanosleep },
	{ "clock_nanosleep on REALTIME, MONOTONIC, BOOTTIME: at least the time asked",
	  test_clock_nanosleep_relative },
	{ "clock_nanosleep TIMER_ABSTIME: until the time; a time past returns at once",
	  test_clock_nanosleep_abstime },
	{ "a child sleeps while its parent waits for it", test_child_sleeps },
	{ "bad arguments: EINVAL, EOPNOTSUPP, EFAULT", test_bad_args },
};

int main(void)
{
	return tap_run(tests, ARRAY_SIZE(tests));
}

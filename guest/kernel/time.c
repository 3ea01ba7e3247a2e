// SPDX-License-Identifier: MIT
/*
 * Clocks: every clock counts from the TSC at the rate the device tree gives. There is no
 * real-time clock, so CLOCK_REALTIME (and gettimeofday, time) is the time since the VM
 * started, as from the epoch; the CPU-time clocks are the task's own times. Sleeps
 * (nanosleep, clock_nanosleep) wait on a kernel timer (guest/kernel/timer.c).
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/string.h>
#include <guest/bootinfo.h>
#include <guest/ktime.h>
#include <guest/sched.h>
#include <guest/syscalls.h>
#include <guest/timer.h>

#define NSEC_PER_USEC	1000ULL
#define TSC_KHZ_FALLBACK 1000000	/* 1 GHz, when the device tree does not say */

u32 tsc_khz(void)
{
	static bool warned;

	if (boot_info.tsc_khz)
		return boot_info.tsc_khz;
	if (!warned) {
		warned = true;
		printk("time: no tsc-khz in the device tree: clocks assume 1 GHz\n");
	}
	return TSC_KHZ_FALLBACK;
}

u64 tsc_to_ns(u64 tsc)
{
	u64 khz = tsc_khz();

	/* ns = tsc * 10^6 / khz, split so that no product exceeds 64 bits. */
	return tsc / khz * NSEC_PER_MSEC + tsc % khz * NSEC_PER_MSEC / khz;
}

u64 ns_to_tsc(u64 ns)
{
	u64 khz = tsc_khz(), ms = ns / NSEC_PER_MSEC, rest = ns % NSEC_PER_MSEC;

	if (ms > (UINT64_MAX - khz) / khz)	/* the rounded-up rest adds up to khz */
		return UINT64_MAX;
	/* tsc = ceil(ns * khz / 10^6): tsc_to_ns() of the result is never below @ns. */
	return ms * khz + (rest * khz + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC;
}

struct timespec ns_to_timespec(u64 ns)
{
	return (struct timespec){ ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };
}

struct timeval ns_to_timeval(u64 ns)
{
	return (struct timeval){ ns / NSEC_PER_SEC, ns % NSEC_PER_SEC / NSEC_PER_USEC };
}

void usage_to_rusage(const struct task_usage *u, struct rusage *ru)
{
	memset(ru, 0, sizeof(*ru));
	ru->ru_utime = ns_to_timeval(tsc_to_ns(u->utime));
	ru->ru_stime = ns_to_timeval(tsc_to_ns(u->stime));
	ru->ru_minflt = u->min_flt;
	ru->ru_majflt = u->maj_flt;
}

/* The time of @clock in nanoseconds, or -EINVAL. */
static long clock_ns(int clock, u64 *ns)
{
	struct task *t = current;

	switch (clock) {
	case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME:
	case CLOCK_TAI:
		*ns = tsc_to_ns(arch_rdtsc());
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
		account_time(t, false);
		*ns = tsc_to_ns(t->usage.utime + t->usage.stime);
		return 0;
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE2(clock_gettime, int, clock, struct timespec __user *, tp)
{
	struct timespec ts;
	u64 ns;
	long err = clock_ns(clock, &ns);

	if (err)
		return err;
	ts = ns_to_timespec(ns);
	return copy_to_user(tp, &ts, sizeof(ts)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(clock_getres, int, clock, struct timespec __user *, tp)
{
	struct timespec ts = { 0, 1 };
	u64 ns;
	long err = clock_ns(clock, &ns);

	if (err)
		return err;
	if (tp && copy_to_user(tp, &ts, sizeof(ts)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(gettimeofday, struct timeval __user *, tv, void __user *, tz)
{
	struct timeval v = ns_to_timeval(tsc_to_ns(arch_rdtsc()));

	if (tv && copy_to_user(tv, &v, sizeof(v)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE1(time, long __user *, tloc)
{
	long now = tsc_to_ns(arch_rdtsc()) / NSEC_PER_SEC;

	if (tloc && put_user(now, tloc))
		return -EFAULT;
	return now;
}

/*
 * Copy in and check a sleep's time: -EFAULT, or -EINVAL for a negative tv_sec or a tv_nsec
 * outside 0..999999999 (Linux's timespec64_valid()). Its nanoseconds, saturated, in *ns.
 */
static long get_sleep_ns(const struct timespec __user *u, u64 *ns)
{
	struct timespec ts;

	if (copy_from_user(&ts, u, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || (u64)ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	if ((u64)ts.tv_sec > (UINT64_MAX - (u64)ts.tv_nsec) / NSEC_PER_SEC)
		*ns = UINT64_MAX;
	else
		*ns = (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
	return 0;
}

/*
 * Sleep until ktime_get_ns() reaches @until. No signal can interrupt it (signals only
 * kill, and only the task itself sends them), so it never ends early with -EINTR and the
 * remaining time is never written. A stray wake-up just sleeps again.
 */
static void sleep_until(u64 until)
{
	u64 now;

	while ((now = ktime_get_ns()) < until)
		schedule_timeout_ns(until - now);
}

SYSCALL_DEFINE2(nanosleep, const struct timespec __user *, rqtp, struct timespec __user *, rmtp)
{
	u64 ns;
	long err = get_sleep_ns(rqtp, &ns);

	if (err)
		return err;
	sleep_until(ktime_after_ns(ns));
	return 0;
}

/*
 * REALTIME, MONOTONIC and BOOTTIME are one clock here, so an absolute time means the same
 * on each. Linux's errors, in its order: an unknown clock -EINVAL, a clock that cannot
 * sleep (the raw, coarse and thread CPU clocks; here also the process CPU clock, which
 * Linux can sleep on) -EOPNOTSUPP, then the time's (-EFAULT, -EINVAL). @rmtp is never
 * written, as nothing interrupts a sleep.
 */
SYSCALL_DEFINE4(clock_nanosleep, int, clock, int, flags, const struct timespec __user *, rqtp,
		struct timespec __user *, rmtp)
{
	u64 ns;
	long err;

	switch (clock) {
	case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_BOOTTIME: case CLOCK_TAI:
		break;
	case CLOCK_MONOTONIC_RAW: case CLOCK_REALTIME_COARSE: case CLOCK_MONOTONIC_COARSE:
	case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
	err = get_sleep_ns(rqtp, &ns);
	if (err)
		return err;
	sleep_until(flags & TIMER_ABSTIME ? ns : ktime_after_ns(ns));
	return 0;
}

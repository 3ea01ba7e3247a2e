/* SPDX-License-Identifier: MIT */
/*
 * Time from the TSC (guest/kernel/time.c), whose rate the device tree gives (tsc-khz):
 * the clocks of clock_gettime() and the times of getrusage().
 */
#ifndef GUEST_KTIME_H
#define GUEST_KTIME_H

#include <kern/types.h>
#include <guest/uapi.h>

struct task_usage;

#define NSEC_PER_SEC	1000000000ULL
#define NSEC_PER_MSEC	1000000ULL

/* The TSC's rate: the device tree's tsc-khz, else 1 GHz (with a warning, once). */
u32 tsc_khz(void);
/* TSC ticks to nanoseconds, exactly (no overflow for any 64-bit count). */
u64 tsc_to_ns(u64 tsc);
/* Nanoseconds to TSC ticks, rounded up (so tsc_to_ns() of it is >= @ns); UINT64_MAX when
 * out of range. */
u64 ns_to_tsc(u64 ns);
/* Nanoseconds to a timespec / timeval. */
struct timespec ns_to_timespec(u64 ns);
struct timeval ns_to_timeval(u64 ns);
/* A task's times and fault counts as struct rusage (the rest zero). */
void usage_to_rusage(const struct task_usage *u, struct rusage *ru);

#endif

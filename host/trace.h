/* SPDX-License-Identifier: MIT */
/*
 * The fault-trace region (include/abi/fault_trace.h), VMM side: its size arithmetic, the
 * header the VMM writes before the guest runs, and at exit a parse of the guest's rings that
 * trusts nothing in them, into per-type latency percentiles and the "vmm: faults" lines.
 * Pure functions over a buffer, so host tests feed them hostile rings.
 */
#ifndef HOST_TRACE_H
#define HOST_TRACE_H

#include <abi/fault_trace.h>
#include "host/util.h"

/* Latencies (end_tsc - start_tsc) of one fault type, in TSC ticks. */
struct trace_type_stats {
	u64 count;
	u64 p50, p99, max;
};

struct trace_stats {
	struct trace_type_stats type[FT_NR_TYPES];
	u64 total;		/* records counted in type[] */
	u64 dropped;		/* the guest's dropped[] counts, summed (saturating) */
	u64 ignored;		/* records skipped: type >= FT_NR_TYPES, or end_tsc < start_tsc */
	u64 clamped;		/* rings whose head[] was past ring_entries (read as full) */
};

/*
 * trace_ring_entries - records per CPU ring in a region of @size bytes shared by @nr_cpus
 * rings (as many as fit after the header, at most UINT32_MAX). Returns 0 when @nr_cpus is 0
 * or above FAULT_TRACE_MAX_CPUS, or when not even one record per CPU fits.
 */
u32 trace_ring_entries(u64 size, u32 nr_cpus);

/*
 * trace_init - write the header at @buf: magic, version, @nr_cpus and @ring_entries (from
 * trace_ring_entries()), every head[] and dropped[] 0. The rings are left as they are: only
 * entries below a head are ever read, so they need no zeroing (and their host pages are not
 * touched before the guest writes them).
 */
void trace_init(void *buf, u32 nr_cpus, u32 ring_entries);

/*
 * trace_parse - read the region @buf of @size bytes that the guest has written, with the
 * VMM's own @nr_cpus and @ring_entries (never the header's), into @st: head[c] is clamped to
 * @ring_entries, records of an unknown type or that end before they start are skipped, each
 * record is read once. Returns 0; -EINVAL if @nr_cpus/@ring_entries do not fit in @size;
 * -EBADMSG (with @st zeroed) if the guest overwrote the magic or version; -ENOMEM.
 */
int trace_parse(const void *buf, u64 size, u32 nr_cpus, u32 ring_entries,
		struct trace_stats *st);

/*
 * trace_percentile - the nearest-rank @pct-th percentile (0..100) of the @n ascending values
 * @sorted: the smallest value with at least @pct percent of the values at or below it.
 * 0 when @n is 0.
 */
u64 trace_percentile(const u64 *sorted, size_t n, unsigned int pct);

/* trace_ticks_to_ns - @ticks of a @tsc_khz TSC in nanoseconds (saturating); @ticks if 0 kHz. */
u64 trace_ticks_to_ns(u64 ticks, u32 tsc_khz);

/*
 * trace_report - call @line once per output line (without "vmm: " or newline): first
 * "faults total=N dropped=N ignored=N clamped=N", then per type with a non-zero count
 * "faults TYPE count=N p50=Xns p99=Yns max=Zns" (with "cyc" for "ns" when @tsc_khz is 0).
 */
void trace_report(const struct trace_stats *st, u32 tsc_khz,
		  void (*line)(void *ctx, const char *text), void *ctx);

#endif

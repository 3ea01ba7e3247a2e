/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the VMM's half of the fault trace (host/trace.c, include/abi/fault_trace.h):
 * ring arithmetic, the header it writes, percentiles, TSC conversion, the report lines, and
 * parsing rings a hostile guest wrote (huge heads, bad types, time running backwards, an
 * overwritten header). Buffers are malloc'd to their exact size so ASan sees any overrun.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <abi/layout.h>
#include "host/options.h"
#include "host/trace.h"
#include "mm_test.h"

#define HDR	sizeof(struct fault_trace_hdr)
#define ENT	sizeof(struct fault_trace_entry)
#define SIZE	(64 * 1024ULL)

static u8 *buf;			/* SIZE bytes: the region */
static u32 ncpu, nent;
static struct trace_stats st;

static struct fault_trace_hdr *hdr(void)
{
	return (struct fault_trace_hdr *)buf;
}

static struct fault_trace_entry *ent(u32 cpu, u64 i)
{
	return (struct fault_trace_entry *)(buf + HDR + ((u64)cpu * nent + i) * ENT);
}

/* A fresh region for @cpus CPUs, as the VMM sets it up. */
static void fresh(u32 cpus)
{
	ncpu = cpus;
	nent = trace_ring_entries(SIZE, cpus);
	memset(buf, 0xee, SIZE);
	trace_init(buf, ncpu, nent);
}

/* What the guest does per fault: fill entry head[cpu], bump head[cpu] or count a drop. */
static void record(u32 cpu, u16 type, u64 start, u64 ticks)
{
	struct fault_trace_entry *e;

	if (hdr()->head[cpu] == nent) {
		hdr()->dropped[cpu]++;
		return;
	}
	e = ent(cpu, hdr()->head[cpu]);
	e->start_tsc = start;
	e->end_tsc = start + ticks;
	e->address = 0x400000 + start;
	e->type = type;
	hdr()->head[cpu]++;
}

static int parse(void)
{
	return trace_parse(buf, SIZE, ncpu, nent, &st);
}

static bool test_abi_sizes(void)
{
	CHECK(HDR == 16 + 16 * FAULT_TRACE_MAX_CPUS);
	CHECK(ENT == 32);
	CHECK(FAULT_TRACE_MAX_CPUS >= VMM_MAX_CPUS);	/* every vCPU gets a ring */
	return true;
}

static bool test_ring_entries(void)
{
	const u64 def = TRACE_RING_SIZE_DEFAULT;

	CHECK(trace_ring_entries(def, 1) == (def - HDR) / ENT);
	CHECK(trace_ring_entries(def, 64) == (def - HDR) / 64 / ENT);
	CHECK(trace_ring_entries(HDR + 3 * ENT, 3) == 1);
	CHECK(trace_ring_entries(HDR + 3 * ENT - 1, 3) == 0);	/* not one record each */
	CHECK(trace_ring_entries(HDR - 1, 1) == 0);
	CHECK(trace_ring_entries(4096, 0) == 0);
	CHECK(trace_ring_entries(4096, FAULT_TRACE_MAX_CPUS + 1) == 0);
	CHECK(trace_ring_entries(1ULL << 50, 1) == UINT32_MAX);
	return true;
}

static bool test_init_writes_the_header(void)
{
	u64 i;

	fresh(3);
	CHECK(hdr()->magic == FAULT_TRACE_MAGIC && !memcmp(buf, "VMFT", 4));
	CHECK(hdr()->version == FAULT_TRACE_VERSION);
	CHECK(hdr()->nr_cpus == 3 && hdr()->ring_entries == nent);
	for (i = 16; i < HDR; i++)
		CHECKF(buf[i] == 0, "header byte %llu not zeroed", (unsigned long long)i);
	for (i = HDR; i < SIZE; i++)
		CHECKF(buf[i] == 0xee, "ring byte %llu touched", (unsigned long long)i);
	/* Nothing recorded yet: an empty table. */
	CHECK(parse() == 0 && st.total == 0 && st.dropped == 0 && st.ignored == 0);
	return true;
}

static bool test_percentile(void)
{
	u64 v[200];
	size_t i;

	for (i = 0; i < 200; i++)
		v[i] = i + 1;
	CHECK(trace_percentile(v, 0, 50) == 0);
	CHECK(trace_percentile(v, 1, 50) == 1 && trace_percentile(v, 1, 99) == 1);
	CHECK(trace_percentile(v, 100, 50) == 50);
	CHECK(trace_percentile(v, 100, 99) == 99);
	CHECK(trace_percentile(v, 100, 100) == 100);
	CHECK(trace_percentile(v, 100, 0) == 1);
	CHECK(trace_percentile(v, 200, 99) == 198);
	CHECK(trace_percentile(v, 3, 50) == 2);		/* ceil(1.5) = 2nd */
	CHECK(trace_percentile(v, 2, 50) == 1);
	CHECK(trace_percentile(v, 10, 99) == 10);
	CHECK(trace_percentile(v, 10, 250) == 10);	/* clamped to 100 */
	return true;
}

static bool test_ticks_to_ns(void)
{
	CHECK(trace_ticks_to_ns(2500, 2500000) == 1000);	/* 2.5 GHz */
	CHECK(trace_ticks_to_ns(1, 1000000) == 1);
	CHECK(trace_ticks_to_ns(3, 2000000) == 1);		/* rounds down */
	CHECK(trace_ticks_to_ns(1234, 0) == 1234);		/* unknown rate: ticks */
	CHECK(trace_ticks_to_ns(UINT64_MAX, 1) == UINT64_MAX);	/* saturates */
	CHECK(trace_ticks_to_ns(UINT64_MAX / 2, 1000000) == UINT64_MAX / 2);
	return true;
}

static bool test_parse_two_cpus(void)
{
	u64 i;

	fresh(2);
	/* CPU 0: 100 anon-new faults of 1..100 ticks; CPU 1: 3 wp-copy faults and 1 error. */
	for (i = 1; i <= 100; i++)
		record(0, FT_ANON_NEW, 1000 * i, 101 - i);
	record(1, FT_WP_COPY, 50, 300);
	record(1, FT_WP_COPY, 60, 100);
	record(1, FT_WP_COPY, 70, 200);
	record(1, FT_ERROR, 80, 0);
	CHECK(parse() == 0);
	CHECK(st.total == 104 && st.ignored == 0 && st.dropped == 0 && st.clamped == 0);
	CHECK(st.type[FT_ANON_NEW].count == 100);
	CHECK(st.type[FT_ANON_NEW].p50 == 50 && st.type[FT_ANON_NEW].p99 == 99);
	CHECK(st.type[FT_ANON_NEW].max == 100);
	CHECK(st.type[FT_WP_COPY].count == 3 && st.type[FT_WP_COPY].p50 == 200);
	CHECK(st.type[FT_WP_COPY].p99 == 300 && st.type[FT_WP_COPY].max == 300);
	CHECK(st.type[FT_ERROR].count == 1 && st.type[FT_ERROR].max == 0);
	CHECK(st.type[FT_ANON_ZERO].count == 0 && st.type[FT_NONE].count == 0);
	return true;
}

static bool test_full_ring_drops(void)
{
	u64 i;

	fresh(1);
	for (i = 0; i < nent + 5; i++)
		record(0, FT_ANON_ZERO, i, 10);
	CHECK(hdr()->head[0] == nent && hdr()->dropped[0] == 5);
	CHECK(parse() == 0);
	CHECK(st.total == nent && st.type[FT_ANON_ZERO].count == nent && st.dropped == 5);
	CHECK(st.clamped == 0);
	return true;
}

static bool test_malicious_heads(void)
{
	fresh(2);
	record(0, FT_ANON_NEW, 0, 7);
	hdr()->head[0] = UINT64_MAX;			/* reads as a full ring, no further */
	hdr()->head[1] = (u64)nent + 1;
	hdr()->head[FAULT_TRACE_MAX_CPUS - 1] = 5;	/* a CPU that has no ring */
	hdr()->dropped[0] = UINT64_MAX;
	hdr()->dropped[1] = 2;				/* the sum saturates */
	CHECK(parse() == 0);
	CHECK(st.clamped == 2 && st.dropped == UINT64_MAX);
	/* Ring 0 holds one real record, then never-written garbage (type 0xeeee), as ring 1. */
	CHECK(st.total == 1 && st.ignored == 2ULL * nent - 1);
	CHECK(st.type[FT_ANON_NEW].count == 1 && st.type[FT_ANON_NEW].max == 7);
	/* Zeroed entries are type none, 0 ticks: counted as such. */
	memset(buf + HDR, 0, SIZE - HDR);
	CHECK(parse() == 0 && st.total == 2ULL * nent);
	CHECK(st.type[FT_NONE].count == 2ULL * nent && st.type[FT_NONE].max == 0);
	return true;
}

static bool test_malicious_entries(void)
{
	fresh(1);
	record(0, FT_NR_TYPES, 0, 1);		/* unknown types */
	record(0, 0xffff, 0, 1);
	record(0, FT_SWAP_MAJOR, 100, 5);
	ent(0, hdr()->head[0])->start_tsc = 100;	/* time runs backwards */
	ent(0, hdr()->head[0])->end_tsc = 99;
	ent(0, hdr()->head[0])->type = FT_FILE_MAJOR;
	hdr()->head[0]++;
	record(0, FT_FILE_MAJOR, UINT64_MAX - 1, 1);	/* ends at exactly 2^64 - 1: fine */
	CHECK(parse() == 0);
	CHECK(st.ignored == 3 && st.total == 2);
	CHECK(st.type[FT_SWAP_MAJOR].count == 1 && st.type[FT_SWAP_MAJOR].max == 5);
	CHECK(st.type[FT_FILE_MAJOR].count == 1 && st.type[FT_FILE_MAJOR].max == 1);
	return true;
}

static bool test_malicious_header(void)
{
	fresh(1);
	record(0, FT_ANON_NEW, 0, 3);
	/* A guest that rewrites the geometry is not believed: the VMM's own values are used. */
	hdr()->nr_cpus = FAULT_TRACE_MAX_CPUS;
	hdr()->ring_entries = UINT32_MAX;
	CHECK(parse() == 0 && st.total == 1 && st.type[FT_ANON_NEW].count == 1);
	hdr()->magic = 0;
	CHECK(parse() == -EBADMSG && st.total == 0);
	hdr()->magic = FAULT_TRACE_MAGIC;
	hdr()->version = 2;
	CHECK(parse() == -EBADMSG);
	return true;
}

static bool test_parse_bad_geometry(void)
{
	fresh(2);
	CHECK(trace_parse(buf, SIZE, 2, nent + 1, &st) == -EINVAL);
	CHECK(trace_parse(buf, SIZE, 0, nent, &st) == -EINVAL);
	CHECK(trace_parse(buf, SIZE, FAULT_TRACE_MAX_CPUS + 1, 1, &st) == -EINVAL);
	CHECK(trace_parse(buf, SIZE, 2, 0, &st) == -EINVAL);
	CHECK(trace_parse(buf, HDR - 1, 1, 1, &st) == -EINVAL);
	return true;
}

static char lines[8][256];
static unsigned int nlines;

static void collect(void *ctx, const char *text)
{
	if (nlines < ARRAY_SIZE(lines))
		snprintf(lines[nlines], sizeof(lines[0]), "%s", text);
	nlines++;
}

static bool test_report(void)
{
	u64 i;

	fresh(1);
	for (i = 1; i <= 100; i++)
		record(0, FT_WP_REUSE, i, 2500 * i);		/* 1..100 us at 2.5 GHz */
	record(0, FT_FILE_AROUND, 0, 25);
	hdr()->dropped[0] = 9;
	record(0, 0x1234, 0, 1);
	CHECK(parse() == 0);
	nlines = 0;
	trace_report(&st, 2500000, collect, NULL);
	CHECK(nlines == 3);
	CHECKF(!strcmp(lines[0], "faults total=101 dropped=9 ignored=1 clamped=0"), "%s",
	       lines[0]);
	CHECKF(!strcmp(lines[1],
			"faults wp-reuse count=100 p50=50000ns p99=99000ns max=100000ns"),
	       "%s", lines[1]);
	CHECKF(!strcmp(lines[2], "faults file-around count=1 p50=10ns p99=10ns max=10ns"), "%s",
	       lines[2]);
	/* Without a TSC rate, in cycles. */
	nlines = 0;
	trace_report(&st, 0, collect, NULL);
	CHECKF(!strcmp(lines[2], "faults file-around count=1 p50=25cyc p99=25cyc max=25cyc"),
	       "%s", lines[2]);
	return true;
}

int main(void)
{
	buf = malloc(SIZE);
	if (!buf)
		return 1;
	tap_plan(12);
	TAP_RUN(test_abi_sizes);
	TAP_RUN(test_ring_entries);
	TAP_RUN(test_init_writes_the_header);
	TAP_RUN(test_percentile);
	TAP_RUN(test_ticks_to_ns);
	TAP_RUN(test_parse_two_cpus);
	TAP_RUN(test_full_ring_drops);
	TAP_RUN(test_malicious_heads);
	TAP_RUN(test_malicious_entries);
	TAP_RUN(test_malicious_header);
	TAP_RUN(test_parse_bad_geometry);
	TAP_RUN(test_report);
	free(buf);
	return tap_finish();
}

/* SPDX-License-Identifier: MIT */
/* The fault-trace region, VMM side: header, defensive parse, percentiles, report (trace.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/trace.h"

#define HDR_SIZE	sizeof(struct fault_trace_hdr)
#define ENTRY_SIZE	sizeof(struct fault_trace_entry)

static const char *const type_names[] = FAULT_TRACE_TYPE_NAMES;
_Static_assert(ARRAY_SIZE(type_names) == FT_NR_TYPES, "a name for every fault type");

/* One record that passed the checks: its type and latency. */
struct sample {
	u64 ticks;
	u32 type;
};

u32 trace_ring_entries(u64 size, u32 nr_cpus)
{
	u64 n;

	if (!nr_cpus || nr_cpus > FAULT_TRACE_MAX_CPUS || size < HDR_SIZE)
		return 0;
	n = (size - HDR_SIZE) / nr_cpus / ENTRY_SIZE;
	return n > UINT32_MAX ? UINT32_MAX : n;
}

void trace_init(void *buf, u32 nr_cpus, u32 ring_entries)
{
	struct fault_trace_hdr h = {
		.magic = FAULT_TRACE_MAGIC,
		.version = FAULT_TRACE_VERSION,
		.nr_cpus = nr_cpus,
		.ring_entries = ring_entries,
	};

	memcpy(buf, &h, sizeof(h));
}

u64 trace_percentile(const u64 *sorted, size_t n, unsigned int pct)
{
	size_t rank;

	if (!n)
		return 0;
	if (pct > 100)
		pct = 100;
	rank = ((unsigned __int128)n * pct + 99) / 100;	/* ceil(n * pct / 100) */
	return sorted[rank ? rank - 1 : 0];
}

u64 trace_ticks_to_ns(u64 ticks, u32 tsc_khz)
{
	unsigned __int128 ns;

	if (!tsc_khz)
		return ticks;
	ns = (unsigned __int128)ticks * 1000000 / tsc_khz;
	return ns > UINT64_MAX ? UINT64_MAX : (u64)ns;
}

static int sample_cmp(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->ticks < y->ticks ? -1 : x->ticks > y->ticks;
}

static u64 add_sat(u64 a, u64 b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* Fill st->type[] from @s[0..n), sorted by type then latency. */
static int summarize(struct trace_stats *st, const struct sample *s, size_t n)
{
	u64 *ticks = malloc((n ? n : 1) * sizeof(*ticks));
	size_t i = 0, j, k;

	if (!ticks)
		return -ENOMEM;
	while (i < n) {
		struct trace_type_stats *t = &st->type[s[i].type];

		for (j = i; j < n && s[j].type == s[i].type; j++)
			ticks[j - i] = s[j].ticks;
		k = j - i;
		t->count = k;
		t->p50 = trace_percentile(ticks, k, 50);
		t->p99 = trace_percentile(ticks, k, 99);
		t->max = ticks[k - 1];
		i = j;
	}
	free(ticks);
	return 0;
}

int trace_parse(const void *buf, u64 size, u32 nr_cpus, u32 ring_entries,
		struct trace_stats *st)
{
	const u8 *rings = (const u8 *)buf + HDR_SIZE;
	struct fault_trace_hdr h;
	struct sample *s;
	size_t n = 0, max = 0;
	u32 c;
	u64 i;
	int err;

	memset(st, 0, sizeof(*st));
	if (!nr_cpus || nr_cpus > FAULT_TRACE_MAX_CPUS || !ring_entries ||
	    trace_ring_entries(size, nr_cpus) < ring_entries)
		return -EINVAL;
	memcpy(&h, buf, sizeof(h));	/* one snapshot of what the guest left */
	if (h.magic != FAULT_TRACE_MAGIC || h.version != FAULT_TRACE_VERSION)
		return -EBADMSG;
	for (c = 0; c < nr_cpus; c++) {
		if (h.head[c] > ring_entries) {
			h.head[c] = ring_entries;
			st->clamped++;
		}
		max += h.head[c];
		st->dropped = add_sat(st->dropped, h.dropped[c]);
	}
	s = malloc((max ? max : 1) * sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (c = 0; c < nr_cpus; c++) {
		const u8 *ring = rings + (u64)c * ring_entries * ENTRY_SIZE;

		for (i = 0; i < h.head[c]; i++) {
			struct fault_trace_entry en;

			memcpy(&en, ring + i * ENTRY_SIZE, sizeof(en));
			if (en.type >= FT_NR_TYPES || en.end_tsc < en.start_tsc) {
				st->ignored++;
				continue;
			}
			s[n].type = en.type;
			s[n].ticks = en.end_tsc - en.start_tsc;
			n++;
		}
	}
	qsort(s, n, sizeof(*s), sample_cmp);
	st->total = n;
	err = summarize(st, s, n);
	free(s);
	return err;
}

void trace_report(const struct trace_stats *st, u32 tsc_khz,
		  void (*line)(void *ctx, const char *text), void *ctx)
{
	const char *unit = tsc_khz ? "ns" : "cyc";
	char buf[256];
	unsigned int t;

	snprintf(buf, sizeof(buf), "faults total=%llu dropped=%llu ignored=%llu clamped=%llu",
		 (unsigned long long)st->total, (unsigned long long)st->dropped,
		 (unsigned long long)st->ignored, (unsigned long long)st->clamped);
	line(ctx, buf);
	for (t = 0; t < FT_NR_TYPES; t++) {
		const struct trace_type_stats *ts = &st->type[t];

		if (!ts->count)
			continue;
		snprintf(buf, sizeof(buf), "faults %s count=%llu p50=%llu%s p99=%llu%s max=%llu%s",
			 type_names[t], (unsigned long long)ts->count,
			 (unsigned long long)trace_ticks_to_ns(ts->p50, tsc_khz), unit,
			 (unsigned long long)trace_ticks_to_ns(ts->p99, tsc_khz), unit,
			 (unsigned long long)trace_ticks_to_ns(ts->max, tsc_khz), unit);
		line(ctx, buf);
	}
}

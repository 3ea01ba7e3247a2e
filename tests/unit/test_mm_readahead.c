// SPDX-License-Identifier: MIT
/*
 * Host tests of readahead (mm/readahead.c and its callers in mm/filemap.c) on a linfs file
 * over the RAM disk, which logs every request: the window ramping up x2 / x4 to the
 * maximum, requests growing with size / window rather than with pages, the async window
 * started without waiting, random reads read alone, readahead off and a larger maximum,
 * mmap read-around, MADV_SEQUENTIAL / MADV_RANDOM / MADV_WILLNEED, cached pages splitting
 * a batch, and interleaved readers.
 */
#include "filemap_harness.h"

#define KB(x)	((x) << 10)

static bool log_is(const u32 *want, unsigned int n)
{
	unsigned int i;

	if (ft.rd->reads != n) {
		tap_diag("%lu read requests, want %u", ft.rd->reads, n);
		for (i = 0; i < ft.rd->reads && i < ARRAY_SIZE(ft.rd->read_log); i++)
			tap_diag("  request %u: %u bytes", i, ft.rd->read_log[i]);
		return false;
	}
	for (i = 0; i < n; i++)
		if (ft.rd->read_log[i] != want[i]) {
			tap_diag("request %u: %u bytes, want %u", i, ft.rd->read_log[i], want[i]);
			return false;
		}
	return true;
}

/* Sequential read() in 16 KiB pieces: windows of 8, 16, then 32 pages (128 KiB). */
static bool test_sequential_ramp_up(void)
{
	static const u32 want[] = { KB(32), KB(64), KB(128), KB(128), KB(128), KB(128),
				    KB(128), KB(128), KB(128), KB(32) };
	unsigned char buf[KB(16)];
	u64 pos;

	ft_setup(KB(1024));
	for (pos = 0; pos < KB(1024); pos += sizeof(buf)) {
		CHECK(ft_read(pos, buf, sizeof(buf)) == sizeof(buf));
		CHECK(ft_is_pattern(buf, pos, sizeof(buf)));
	}
	CHECK(log_is(want, ARRAY_SIZE(want)));
	CHECK(ft.rd->read_bytes == KB(1024) && ft.lf.readpages == 0);
	return ft_teardown();
}

/* Requests follow size / window: 4x the file, about 4x the requests, never per page. */
static bool test_requests_scale_with_window(void)
{
	static unsigned char buf[KB(64)];
	unsigned long small, big;
	u64 pos;

	ft_setup(KB(1024));
	for (pos = 0; pos < KB(1024); pos += sizeof(buf))
		CHECK(ft_read(pos, buf, sizeof(buf)) == sizeof(buf));
	small = ft.rd->reads;
	CHECK(ft_teardown());
	ft_setup(KB(4096));
	for (pos = 0; pos < KB(4096); pos += sizeof(buf))
		CHECK(ft_read(pos, buf, sizeof(buf)) == sizeof(buf));
	big = ft.rd->reads;
	CHECK(ft.rd->max_read_bytes == KB(128));
	CHECKF(small <= KB(1024) / KB(128) + 2 && big <= KB(4096) / KB(128) + 2,
	       "%lu and %lu requests", small, big);
	CHECK(big >= 3 * small);
	return ft_teardown();
}

/* The next window is started at the marker and not waited for. */
static bool test_async_window_not_waited(void)
{
	unsigned char buf[KB(16)];

	ft_setup(KB(1024));
	CHECK(ft_read(0, buf, sizeof(buf)) == sizeof(buf));	/* pages 0..7, marker at 4 */
	CHECK(ft.rd->reads == 1 && ft.rd->npending == 0);
	CHECK(ft_read(KB(16), buf, sizeof(buf)) == sizeof(buf));	/* hits the marker */
	CHECK(ft.rd->reads == 2 && ft.rd->npending == 1);	/* 8..23 queued, not waited */
	CHECK(ft_is_pattern(buf, KB(16), sizeof(buf)));
	CHECK(ft.file->f_ra.start == 8 && ft.file->f_ra.size == 16 &&
	      ft.file->f_ra.async_size == 16);
	rambd_run(ft.rd);
	return ft_teardown();
}

/* Reads at scattered offsets are read alone: one page, one request each. */
static bool test_random_reads_not_read_ahead(void)
{
	static const unsigned int idx[] = { 200, 17, 90, 3, 151, 60, 240, 33, 120, 8 };
	unsigned char buf[100];
	unsigned int i;

	ft_setup(KB(1024));
	for (i = 0; i < ARRAY_SIZE(idx); i++) {
		u64 pos = (u64)idx[i] * PAGE_SIZE + 50;

		CHECK(ft_read(pos, buf, sizeof(buf)) == sizeof(buf));
		CHECK(ft_is_pattern(buf, pos, 100));
		if (i == 0)
			continue;	/* the first read of a file is a start-of-stream guess */
		CHECKF(ft.rd->read_log[i] == PAGE_SIZE, "read %u: %u bytes", i,
		       ft.rd->read_log[i]);
	}
	CHECK(ft.rd->reads == ARRAY_SIZE(idx));
	return ft_teardown();
}

static bool test_readahead_off_and_larger(void)
{
	static unsigned char buf[KB(32)];
	u64 pos;

	ft_setup(KB(32));
	ft.file->f_ra.ra_pages = 0;
	CHECK(ft_read(0, buf, sizeof(buf)) == sizeof(buf) && ft_is_pattern(buf, 0, sizeof(buf)));
	CHECK(ft.rd->reads == 8 && ft.rd->max_read_bytes == PAGE_SIZE);
	CHECK(ft_teardown());

	CHECK(set_readahead_max_bytes(KB(1024)) == 256);
	ft_setup(KB(4096));
	CHECK(ft.file->f_ra.ra_pages == 256);
	for (pos = 0; pos < KB(4096); pos += sizeof(buf))
		CHECK(ft_read(pos, buf, sizeof(buf)) == sizeof(buf));
	/* Windows of 1 MiB go out as bios of RAMBD_MAX_SEGS pages. */
	CHECK(ft.rd->max_read_bytes == RAMBD_MAX_SEGS * PAGE_SIZE);
	CHECKF(ft.rd->reads <= KB(4096) / (RAMBD_MAX_SEGS * PAGE_SIZE) + 4, "%lu requests",
	       ft.rd->reads);
	set_readahead_max_bytes(VM_READAHEAD_PAGES * PAGE_SIZE);
	CHECK(set_readahead_max_bytes(~0UL) == 1024);
	set_readahead_max_bytes(VM_READAHEAD_PAGES * PAGE_SIZE);
	return ft_teardown();
}

/* Touch every page of a mapping in order; return the major faults. */
static unsigned long touch_all(unsigned long npages)
{
	unsigned long i;
	unsigned char v;

	for (i = 0; i < npages; i++)
		if (umem_read8(ft.mm, FT_BASE + i * PAGE_SIZE, &v) ||
		    v != ft_pattern(i * PAGE_SIZE))
			return ~0UL;
	return ft.mm->maj_flt;
}

static bool mmap_sequential(int advice, unsigned long want_majors, unsigned long max_reads)
{
	unsigned long npages = 256, majors;

	ft_setup(npages * PAGE_SIZE);
	CHECK(do_mmap(ft.mm, ft.file, FT_BASE, npages * PAGE_SIZE, PROT_READ,
		      MAP_PRIVATE | MAP_FIXED, 0) == FT_BASE);
	CHECK(do_madvise(ft.mm, FT_BASE, npages * PAGE_SIZE, advice) == 0);
	majors = touch_all(npages);
	CHECKF(majors == want_majors, "advice %d: %lu major faults", advice, majors);
	CHECKF(ft.rd->reads <= max_reads, "advice %d: %lu requests", advice, ft.rd->reads);
	CHECK(ft.rd->read_bytes == npages * PAGE_SIZE);
	return ft_teardown();
}

static bool test_mmap_readaround_and_advice(void)
{
	CHECK(mmap_sequential(MADV_NORMAL, 1, 256 / 32 + 1));
	CHECK(mmap_sequential(MADV_SEQUENTIAL, 1, 256 / 32 + 1));
	CHECK(mmap_sequential(MADV_RANDOM, 256, 256));
	return true;
}

static bool test_madvise_willneed(void)
{
	unsigned long npages = 200;

	ft_setup(npages * PAGE_SIZE);
	CHECK(do_mmap(ft.mm, ft.file, FT_BASE, 256 * PAGE_SIZE, PROT_READ,
		      MAP_SHARED | MAP_FIXED, 0) == FT_BASE);
	CHECK(do_madvise(ft.mm, FT_BASE, 256 * PAGE_SIZE, MADV_WILLNEED) == 0);
	/* Up to EOF, in full bios, without waiting. */
	CHECK(ft.mapping->nrpages == npages && ft.rd->npending == 4);
	CHECK(ft.rd->reads == 4 && ft.rd->read_log[0] == RAMBD_MAX_SEGS * PAGE_SIZE);
	CHECK(touch_all(npages) == 0 && ft.rd->reads == 4);
	/* Willneed of an anonymous range is accepted and does nothing. */
	CHECK(do_mmap(ft.mm, NULL, FT_BASE + PMD_SIZE, PAGE_SIZE, PROT_READ,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0) == FT_BASE + PMD_SIZE);
	CHECK(do_madvise(ft.mm, FT_BASE + PMD_SIZE, PAGE_SIZE, MADV_WILLNEED) == 0);
	return ft_teardown();
}

/* Pages already cached split a readahead batch: one request per missing run. */
static bool test_cached_pages_split_batches(void)
{
	static unsigned char buf[KB(128)];
	struct page *page;

	ft_setup(KB(128));
	CHECK(read_mapping_page(ft.mapping, 10, &page) == 0);
	put_page(page);
	CHECK(read_mapping_page(ft.mapping, 20, &page) == 0);
	put_page(page);
	CHECK(ft.rd->reads == 2);
	CHECK(ft_read(0, buf, sizeof(buf)) == sizeof(buf) && ft_is_pattern(buf, 0, sizeof(buf)));
	/* 0..9, 11..19, 21..31 */
	CHECK(ft.rd->reads == 5 && ft.rd->read_log[2] == 10 * PAGE_SIZE &&
	      ft.rd->read_log[3] == 9 * PAGE_SIZE && ft.rd->read_log[4] == 11 * PAGE_SIZE);
	return ft_teardown();
}

/* Two readers of one file, each with its own state, interleaved: both stay sequential. */
static bool test_interleaved_readers(void)
{
	static unsigned char buf[KB(16)];
	struct file *other;
	u64 a = 0, b = KB(2048);
	struct iov_iter it;

	ft_setup(KB(4096));
	other = unit_file_open(ft.mapping, FMODE_READ);
	while (a < KB(2048)) {
		CHECK(ft_read(a, buf, sizeof(buf)) == sizeof(buf));
		CHECK(ft_is_pattern(buf, a, sizeof(buf)));
		a += sizeof(buf);
		iov_iter_kvec(&it, buf, sizeof(buf));
		CHECK(filemap_read(ft.mapping, &other->f_ra, &b, &it) == sizeof(buf));
		CHECK(ft_is_pattern(buf, b - sizeof(buf), sizeof(buf)));
	}
	CHECKF(ft.rd->reads <= 2 * (KB(2048) / KB(128) + 3), "%lu requests", ft.rd->reads);
	fput(other);
	return ft_teardown();
}

int main(void)
{
	tap_plan(9);
	TAP_RUN(test_sequential_ramp_up);
	TAP_RUN(test_requests_scale_with_window);
	TAP_RUN(test_async_window_not_waited);
	TAP_RUN(test_random_reads_not_read_ahead);
	TAP_RUN(test_readahead_off_and_larger);
	TAP_RUN(test_mmap_readaround_and_advice);
	TAP_RUN(test_madvise_willneed);
	TAP_RUN(test_cached_pages_split_batches);
	TAP_RUN(test_interleaved_readers);
	return tap_finish();
}

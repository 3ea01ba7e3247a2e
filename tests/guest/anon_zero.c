/* SPDX-License-Identifier: MIT */
/*
 * Private anonymous memory is zero-filled on demand: a first read maps zeros (on Linux, the
 * shared zero page), a later write gets a private copy and leaves every other page zero, a
 * first write takes one fault, pages are independent, and freed memory comes back zeroed.
 */
#include "util.h"

#define NPAGES	256

static int test_read_zero(void)
{
	void *p = map_rw(NPAGES);
	int ok;

	if (!p)
		return TAP_FAIL;
	ok = CHECK_PAGES(p, NPAGES, 0, "fresh mapping");
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

static int test_read_ro_zero(void)
{
	void *p = map_anon(NPAGES * PAGE_SIZE, PROT_READ, 0);
	int ok;

	if (!p)
		return TAP_FAIL;
	ok = CHECK_PAGES(p, NPAGES, 0, "fresh PROT_READ mapping");
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

static int test_read_faults(void)
{
	void *p = map_rw(NPAGES);
	long f;
	int ok;

	if (!p)
		return TAP_FAIL;
	f = faults();
	touch_pages(p, NPAGES, 0, 0);
	f = faults() - f;
	ok = CHECK_FAULTS(f, NPAGES / 2, NPAGES + FAULT_SLACK, "reading fresh pages");
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

/* After a read maps zeros everywhere, one page is written: the write must not reach others. */
static int test_write_after_read(void)
{
	unsigned char *p = map_rw(NPAGES);
	int ok;

	if (!p)
		return TAP_FAIL;
	touch_pages(p, NPAGES, 0, 0);
	fill_pages(p + NPAGES / 2 * PAGE_SIZE, 1, 7);
	ok = CHECK_PAGES(p + NPAGES / 2 * PAGE_SIZE, 1, 7, "written page");
	ok &= CHECK_PAGES(p, NPAGES / 2, 0, "pages below the written one");
	ok &= CHECK_PAGES_AT(p, NPAGES / 2 + 1, NPAGES / 2 - 1, 0, "pages above the written one");
	/* A write through a shared zero page would show up in every process's fresh memory. */
	ok &= fresh_memory_zero(NPAGES);
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

/* The read mapped the zero page read-only, so each first write faults again to copy it. */
static int test_write_after_read_faults(void)
{
	unsigned char *p = map_rw(NPAGES);
	long f;
	int ok;

	if (!p)
		return TAP_FAIL;
	touch_pages(p, NPAGES, 0, 0);
	f = faults();
	touch_pages(p, NPAGES, 1, 0x3c);
	f = faults() - f;
	ok = CHECK_FAULTS(f, NPAGES / 2, NPAGES + FAULT_SLACK, "writing pages first read");
	for (int pg = 0; pg < NPAGES && ok; pg++)
		ok = CHECK_EQ(p[pg * PAGE_SIZE], 0x3c, "byte written after the read");
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

/* A write to a page never touched allocates it at once: one fault, not a read then a copy. */
static int test_write_first_faults(void)
{
	unsigned char *p = map_rw(NPAGES);
	long f;
	int ok;

	if (!p)
		return TAP_FAIL;
	f = faults();
	touch_pages(p, NPAGES, 1, 0xc3);
	f = faults() - f;
	ok = CHECK_FAULTS(f, NPAGES / 2, NPAGES + FAULT_SLACK, "writing fresh pages");
	for (int pg = 0; pg < NPAGES && ok; pg++) {
		ok = CHECK_EQ(p[pg * PAGE_SIZE], 0xc3, "byte written first");
		ok &= CHECK_EQ(p[pg * PAGE_SIZE + 1], 0, "byte next to it");
	}
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

/* Every page holds its own data: no two virtual pages share a frame. */
static int test_pages_independent(void)
{
	void *p = map_rw(NPAGES);
	int ok;

	if (!p)
		return TAP_FAIL;
	fill_pages(p, NPAGES, 3);
	ok = CHECK_PAGES(p, NPAGES, 3, "pages each written with their own pattern");
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

/* Frames freed by munmap hold old data; whoever gets them next must see zeros. */
static int test_reuse_zeroed(void)
{
	int ok = 1;

	for (int round = 1; round <= 4 && ok; round++) {
		void *p = map_rw(NPAGES);

		if (!p)
			return TAP_FAIL;
		ok = CHECK_PAGES(p, NPAGES, 0, "mapping made after a dirty one was unmapped");
		fill_pages(p, NPAGES, round);
		munmap(p, NPAGES * PAGE_SIZE);
	}
	return ok;
}

static const struct tap_test tests[] = {
	{ "fresh private anonymous pages read as zeros", test_read_zero },
	{ "fresh PROT_READ anonymous pages read as zeros", test_read_ro_zero },
	{ "first read of each page takes one fault", test_read_faults },
	{ "a write after the read reaches only its own page", test_write_after_read },
	{ "a write after the read faults again (copy of the zero page)",
	  test_write_after_read_faults },
	{ "a first write takes one fault per page", test_write_first_faults },
	{ "pages are independent", test_pages_independent },
	{ "memory freed by munmap comes back zeroed", test_reuse_zeroed },
};

int main(void)
{
	return tap_run(tests, ARRAY_SIZE(tests));
}

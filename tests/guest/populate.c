/* SPDX-License-Identifier: MIT */
/*
 * MAP_POPULATE faults the whole mapping in at mmap() time: touching it afterwards takes
 * (almost) no page faults, and the pages read as zeros. Without it, every page is faulted in
 * on first touch. The populating faults themselves are not measured (Linux counts them
 * against the caller, another kernel need not).
 */
#include "util.h"

#define NPAGES	512

static int test_populated_zero(void)
{
	void *p = map_anon(NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_POPULATE);
	int ok;

	if (!p)
		return TAP_FAIL;
	ok = CHECK_PAGES(p, NPAGES, 0, "populated pages");
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

/* A writable private mapping is populated with pages of its own, not the zero page. */
static int test_populated_write(void)
{
	void *p = map_anon(NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_POPULATE);
	long f;
	int ok;

	if (!p)
		return TAP_FAIL;
	f = faults();
	touch_pages(p, NPAGES, 0, 0);
	touch_pages(p, NPAGES, 1, 0x77);
	f = faults() - f;
	ok = CHECK_FAULTS(f, 0, NPAGES / 8, "reading then writing populated pages");
	fill_pages(p, NPAGES, 1);
	ok &= CHECK_PAGES(p, NPAGES, 1, "populated pages written");
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

static int test_populated_read_only(void)
{
	void *p = map_anon(NPAGES * PAGE_SIZE, PROT_READ, MAP_POPULATE);
	long f;
	int ok;

	if (!p)
		return TAP_FAIL;
	f = faults();
	touch_pages(p, NPAGES, 0, 0);
	f = faults() - f;
	ok = CHECK_FAULTS(f, 0, NPAGES / 8, "reading populated read-only pages");
	ok &= CHECK_PAGES(p, NPAGES, 0, "populated read-only pages");
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

static int test_unpopulated(void)
{
	void *p = map_rw(NPAGES);
	long f;
	int ok;

	if (!p)
		return TAP_FAIL;
	f = faults();
	touch_pages(p, NPAGES, 1, 0x77);
	f = faults() - f;
	ok = CHECK_FAULTS(f, NPAGES / 2, NPAGES + FAULT_SLACK, "writing pages not populated");
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

static const struct tap_test tests[] = {
	{ "MAP_POPULATE pages read as zeros", test_populated_zero },
	{ "MAP_POPULATE pages take no faults to read and write", test_populated_write },
	{ "MAP_POPULATE read-only pages take no faults to read", test_populated_read_only },
	{ "without MAP_POPULATE each page faults on first write", test_unpopulated },
};

int main(void)
{
	return tap_run(tests, ARRAY_SIZE(tests));
}

/* SPDX-License-Identifier: MIT */
/*
 * munmap() and MAP_FIXED edit the address space exactly: unmapped pages fault with SIGSEGV,
 * the pages around an unmapped hole keep their data, MAP_FIXED replaces what it covers with
 * fresh zeros, MAP_FIXED_NOREPLACE refuses to cover anything, and a hint never clobbers.
 */
#include "util.h"

#define NPAGES	8

static void *map_at(void *addr, size_t npages, int flags)
{
	return mmap(addr, npages * PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
}

static int test_after_munmap(void)
{
	char *p = map_rw(NPAGES);
	int ok;

	if (!p)
		return TAP_FAIL;
	fill_pages(p, NPAGES, 1);
	ok = CHECK_EQ(munmap(p, NPAGES * PAGE_SIZE), 0, "munmap");
	ok &= CHECK_KILLED(probe_read(p), SIGSEGV, "read of the first unmapped page");
	ok &= CHECK_KILLED(probe_write(p + NPAGES * PAGE_SIZE - 1), SIGSEGV,
			   "write to the last unmapped byte");
	return ok;
}

static int test_hole(void)
{
	char *p = map_rw(NPAGES);
	int ok;

	if (!p)
		return TAP_FAIL;
	fill_pages(p, NPAGES, 1);
	ok = CHECK_EQ(munmap(p + 3 * PAGE_SIZE, 2 * PAGE_SIZE), 0, "munmap of pages 3-4");
	ok &= CHECK_KILLED(probe_read(p + 3 * PAGE_SIZE), SIGSEGV, "read of page 3");
	ok &= CHECK_KILLED(probe_write(p + 5 * PAGE_SIZE - 1), SIGSEGV, "write to page 4");
	ok &= CHECK_EXITED(probe_write(p + 3 * PAGE_SIZE - 1), 0, "write to page 2");
	ok &= CHECK_EXITED(probe_write(p + 5 * PAGE_SIZE), 0, "write to page 5");
	if (ok) {
		ok = CHECK_PAGES_AT(p, 0, 3, 1, "pages 0-2");
		ok &= CHECK_PAGES_AT(p, 5, 3, 1, "pages 5-7");
	}
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

static int test_map_fixed(void)
{
	char *p = map_rw(NPAGES), *q;
	int ok;

	if (!p)
		return TAP_FAIL;
	fill_pages(p, NPAGES, 1);
	q = map_at(p + 2 * PAGE_SIZE, 3, MAP_FIXED);
	ok = CHECK_EQ(q, p + 2 * PAGE_SIZE, "address of MAP_FIXED mmap over pages 2-4");
	if (ok) {
		ok = CHECK_PAGES_AT(p, 2, 3, 0, "replaced pages 2-4");
		ok &= CHECK_PAGES_AT(p, 0, 2, 1, "pages 0-1");
		ok &= CHECK_PAGES_AT(p, 5, 3, 1, "pages 5-7");
		fill_pages(q, 3, 2);
		ok &= CHECK_PAGES(q, 3, 2, "replaced pages written");
	}
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

static int test_noreplace(void)
{
	char *p = map_rw(NPAGES), *q;
	int ok;

	if (!p)
		return TAP_FAIL;
	fill_pages(p, NPAGES, 1);
	q = map_at(p + 2 * PAGE_SIZE, 1, MAP_FIXED_NOREPLACE);
	ok = CHECK_ERRNO(q, MAP_FAILED, EEXIST, "MAP_FIXED_NOREPLACE over page 2");
	/* Partly over a hole, partly over a mapping: still refused, and nothing is mapped. */
	munmap(p, PAGE_SIZE);
	q = map_at(p, 2, MAP_FIXED_NOREPLACE);
	ok &= CHECK_ERRNO(q, MAP_FAILED, EEXIST, "MAP_FIXED_NOREPLACE over the hole and page 1");
	ok &= CHECK_KILLED(probe_read(p), SIGSEGV, "read of the hole");
	ok &= CHECK_PAGES_AT(p, 1, NPAGES - 1, 1, "pages 1-7");
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

static int test_noreplace_hole(void)
{
	char *p = map_rw(NPAGES), *q;
	int ok;

	if (!p)
		return TAP_FAIL;
	fill_pages(p, NPAGES, 1);
	munmap(p + 3 * PAGE_SIZE, 2 * PAGE_SIZE);
	q = map_at(p + 3 * PAGE_SIZE, 2, MAP_FIXED_NOREPLACE);
	ok = CHECK_EQ(q, p + 3 * PAGE_SIZE, "address of MAP_FIXED_NOREPLACE into the hole");
	if (ok) {
		ok = CHECK_PAGES_AT(p, 3, 2, 0, "pages mapped into the hole");
		ok &= CHECK_PAGES_AT(p, 0, 3, 1, "pages 0-2");
		ok &= CHECK_PAGES_AT(p, 5, 3, 1, "pages 5-7");
	}
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

/* Without MAP_FIXED the address is a hint: an occupied one is not taken. */
static int test_hint(void)
{
	char *p = map_rw(NPAGES), *q;
	int ok;

	if (!p)
		return TAP_FAIL;
	fill_pages(p, NPAGES, 1);
	q = map_at(p + 2 * PAGE_SIZE, 2, 0);
	ok = CHECK(q != MAP_FAILED, "mmap with an occupied hint: %s", strerror(errno));
	ok &= CHECK(q + 2 * PAGE_SIZE <= p || q >= p + NPAGES * PAGE_SIZE,
		    "mmap with hint %p returned %p, inside the mapping at %p",
		    (void *)(p + 2 * PAGE_SIZE), (void *)q, (void *)p);
	ok &= CHECK_PAGES(p, NPAGES, 1, "the mapping at the hint");
	if (q != MAP_FAILED)
		munmap(q, 2 * PAGE_SIZE);
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

/* One munmap over a hole and two mappings of different protections removes them all. */
static int test_munmap_span(void)
{
	char *p = map_rw(NPAGES);
	int ok;

	if (!p)
		return TAP_FAIL;
	fill_pages(p, NPAGES, 1);
	ok = CHECK_EQ(munmap(p + 2 * PAGE_SIZE, 2 * PAGE_SIZE), 0, "munmap of pages 2-3");
	ok &= CHECK_EQ(mprotect(p + 5 * PAGE_SIZE, 3 * PAGE_SIZE, PROT_READ), 0,
		       "mprotect(PROT_READ) of pages 5-7");
	ok &= CHECK_EQ(munmap(p, NPAGES * PAGE_SIZE), 0, "munmap of all 8 pages");
	ok &= CHECK_KILLED(probe_read(p), SIGSEGV, "read of page 0");
	ok &= CHECK_KILLED(probe_read(p + 4 * PAGE_SIZE), SIGSEGV, "read of page 4");
	ok &= CHECK_KILLED(probe_read(p + 7 * PAGE_SIZE), SIGSEGV, "read of page 7");
	ok &= CHECK_EQ(munmap(p, NPAGES * PAGE_SIZE), 0, "munmap of the range again");
	return ok;
}

static const struct tap_test tests[] = {
	{ "read or write after munmap: SIGSEGV", test_after_munmap },
	{ "munmap of the middle leaves both ends usable", test_hole },
	{ "MAP_FIXED over part of a mapping replaces it with zeros", test_map_fixed },
	{ "MAP_FIXED_NOREPLACE over a mapping fails with EEXIST", test_noreplace },
	{ "MAP_FIXED_NOREPLACE into a hole maps exactly there", test_noreplace_hole },
	{ "an occupied hint address is not taken", test_hint },
	{ "munmap across a hole and two mappings removes all; again is a no-op",
	  test_munmap_span },
};

int main(void)
{
	return tap_run(tests, ARRAY_SIZE(tests));
}

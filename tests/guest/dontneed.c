/* SPDX-License-Identifier: MIT */
/*
 * madvise() on private anonymous memory: MADV_DONTNEED throws the pages away, so they read as
 * zeros afterwards (and only those pages, and only in the caller: a page shared with a forked
 * parent stays with the parent); MADV_WILLNEED is a hint that succeeds and changes nothing.
 */
#include "util.h"

#define NPAGES	16

static int test_dontneed_zero(void)
{
	void *p = map_rw(NPAGES);
	int ok;

	if (!p)
		return TAP_FAIL;
	fill_pages(p, NPAGES, 1);
	ok = CHECK_EQ(madvise(p, NPAGES * PAGE_SIZE, MADV_DONTNEED), 0, "MADV_DONTNEED");
	ok &= CHECK_PAGES(p, NPAGES, 0, "pages after MADV_DONTNEED");
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

static int test_dontneed_rewrite(void)
{
	void *p = map_rw(NPAGES);
	int ok;

	if (!p)
		return TAP_FAIL;
	fill_pages(p, NPAGES, 1);
	ok = CHECK_EQ(madvise(p, NPAGES * PAGE_SIZE, MADV_DONTNEED), 0, "MADV_DONTNEED");
	fill_pages(p, NPAGES, 2);
	ok &= CHECK_PAGES(p, NPAGES, 2, "pages written after MADV_DONTNEED");
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

static int test_dontneed_part(void)
{
	char *p = map_rw(NPAGES);
	int ok;

	if (!p)
		return TAP_FAIL;
	fill_pages(p, NPAGES, 1);
	ok = CHECK_EQ(madvise(p + 4 * PAGE_SIZE, 8 * PAGE_SIZE, MADV_DONTNEED), 0,
		      "MADV_DONTNEED of pages 4-11");
	ok &= CHECK_PAGES_AT(p, 4, 8, 0, "pages 4-11");
	ok &= CHECK_PAGES_AT(p, 0, 4, 1, "pages 0-3");
	ok &= CHECK_PAGES_AT(p, 12, 4, 1, "pages 12-15");
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

static void *region;

/* Child: drop the pages shared with the parent; they read as zeros here. */
static int child_dontneed(void *arg)
{
	int ok = CHECK_EQ(madvise(region, NPAGES * PAGE_SIZE, MADV_DONTNEED), 0,
			  "child's MADV_DONTNEED");

	return !(ok && CHECK_PAGES(region, NPAGES, 0, "child's pages after MADV_DONTNEED"));
}

static int test_dontneed_fork(void)
{
	int ok;

	if (!(region = map_rw(NPAGES)))
		return TAP_FAIL;
	fill_pages(region, NPAGES, 1);
	ok = CHECK_EXITED(run_child(child_dontneed, NULL), 0, "child");
	ok &= CHECK_PAGES(region, NPAGES, 1, "parent's pages");
	munmap(region, NPAGES * PAGE_SIZE);
	return ok;
}

static int test_willneed(void)
{
	char *p = map_rw(NPAGES);
	int ok;

	if (!p)
		return TAP_FAIL;
	fill_pages(p, NPAGES / 2, 1);
	ok = CHECK_EQ(madvise(p, NPAGES * PAGE_SIZE, MADV_WILLNEED), 0,
		      "MADV_WILLNEED over written and untouched pages");
	ok &= CHECK_PAGES(p, NPAGES / 2, 1, "written pages");
	ok &= CHECK_PAGES_AT(p, NPAGES / 2, NPAGES / 2, 0, "untouched pages");
	munmap(p, NPAGES * PAGE_SIZE);
	return ok;
}

static const struct tap_test tests[] = {
	{ "MADV_DONTNEED: pages read as zeros", test_dontneed_zero },
	{ "MADV_DONTNEED: pages can be written again", test_dontneed_rewrite },
	{ "MADV_DONTNEED of the middle pages leaves the others", test_dontneed_part },
	{ "MADV_DONTNEED in a child leaves the parent's copy", test_dontneed_fork },
	{ "MADV_WILLNEED succeeds and changes nothing", test_willneed },
};

int main(void)
{
	return tap_run(tests, ARRAY_SIZE(tests));
}

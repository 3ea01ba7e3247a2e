/* SPDX-License-Identifier: MIT */
/*
 * A mapping of a large part of memory, touched end to end: every page is written with its own
 * pattern and read back, first in address order and then from the far end, so that a kernel
 * that reclaims or swaps must bring each page back intact.
 * Usage: bigmap [MiB]   (default 64)
 */
#include "util.h"

#define MAX_MIB	(1UL << 24)

static size_t npages;
static void *map;

static int test_map(void)
{
	map = map_rw(npages);
	return map != NULL;
}

static int test_write(void)
{
	long f;

	if (!CHECK(map, "no mapping"))
		return TAP_FAIL;
	f = faults();
	fill_pages(map, npages, 9);
	f = faults() - f;
	return CHECK_FAULTS(f, (long)npages / 2, LONG_MAX, "writing every page");
}

static int test_read_forward(void)
{
	if (!CHECK(map, "no mapping"))
		return TAP_FAIL;
	return CHECK_PAGES(map, npages, 9, "pages read in address order");
}

static int test_read_backward(void)
{
	if (!CHECK(map, "no mapping"))
		return TAP_FAIL;
	for (size_t pg = npages; pg-- > 0;)
		if (!CHECK_PAGES_AT(map, pg, 1, 9, "pages read from the far end"))
			return TAP_FAIL;
	return TAP_PASS;
}

static int test_unmap(void)
{
	if (!CHECK(map, "no mapping"))
		return TAP_FAIL;
	return CHECK_EQ(munmap(map, npages * PAGE_SIZE), 0, "munmap");
}

static const struct tap_test tests[] = {
	{ "mmap of the whole size", test_map },
	{ "write every page with its own pattern", test_write },
	{ "every page reads back, in address order", test_read_forward },
	{ "every page reads back, from the far end", test_read_backward },
	{ "munmap of the whole size", test_unmap },
};

int main(int argc, char **argv)
{
	unsigned long mib = 64;
	char *endp;

	if (argc > 2) {
		fprintf(stderr, "usage: bigmap [MiB]\n");
		return 2;
	}
	if (argc == 2) {
		errno = 0;
		mib = strtoul(argv[1], &endp, 10);
		if (argv[1][0] < '0' || argv[1][0] > '9' || *endp || errno || !mib ||
		    mib > MAX_MIB) {
			fprintf(stderr, "bigmap: bad size '%s': want MiB, 1 to %lu\n", argv[1],
				MAX_MIB);
			return 2;
		}
	}
	npages = mib << 20 >> 12;
	tap_plan(ARRAY_SIZE(tests));
	tap_diag("mapping %lu MiB (%zu pages)", mib, npages);
	for (size_t i = 0; i < ARRAY_SIZE(tests); i++)
		tap_result(tests[i].fn(), tests[i].name);
	return tap_finish();
}

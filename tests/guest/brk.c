/* SPDX-License-Identifier: MIT */
/*
 * The program break, through the raw brk system call (musl's brk() and sbrk() refuse to
 * move it): it grows into zeroed memory, shrinking unmaps, growing again gives fresh zeros,
 * and it never moves below its start or into another mapping (brk then returns the old break).
 * The tests run in order on one heap; this program must not call malloc.
 */
#include <sys/syscall.h>

#include "util.h"

#define NPAGES	16

extern char end[];		/* the linker's end of .bss */

static unsigned long start;	/* the break when main() began */
static unsigned char *heap;	/* the first page boundary at or above it */

static unsigned long sys_brk(unsigned long addr)
{
	return (unsigned long)syscall(SYS_brk, addr);
}

static int test_query(void)
{
	int ok;

	ok = CHECK_GE(start, (unsigned long)end, "initial break against the end of .bss");
	ok &= CHECK_EQ(sys_brk(0), start, "brk(0) asked again");
	return ok;
}

static int test_grow(void)
{
	unsigned long want = (unsigned long)heap + NPAGES * PAGE_SIZE;
	int ok;

	if (!CHECK_EQ(sys_brk(want), want, "brk growing by 16 pages"))
		return TAP_FAIL;
	ok = CHECK_PAGES(heap, NPAGES, 0, "new heap pages");
	fill_pages(heap, NPAGES, 1);
	ok &= CHECK_PAGES(heap, NPAGES, 1, "heap pages written");
	ok &= CHECK_EQ(sys_brk(0), want, "brk(0) after growing");
	return ok;
}

static int test_shrink(void)
{
	unsigned long want = (unsigned long)heap + NPAGES / 2 * PAGE_SIZE;
	int ok;

	if (!CHECK_EQ(sys_brk(want), want, "brk shrinking by 8 pages"))
		return TAP_FAIL;
	ok = CHECK_KILLED(probe_read(heap + NPAGES / 2 * PAGE_SIZE), SIGSEGV,
			  "read of the first page above the new break");
	ok &= CHECK_KILLED(probe_write(heap + NPAGES * PAGE_SIZE - 1), SIGSEGV,
			   "write to the last page given back");
	ok &= CHECK_PAGES(heap, NPAGES / 2, 1, "heap pages below the new break");
	return ok;
}

static int test_regrow(void)
{
	unsigned long want = (unsigned long)heap + NPAGES * PAGE_SIZE;
	int ok;

	if (!CHECK_EQ(sys_brk(want), want, "brk growing by 8 pages again"))
		return TAP_FAIL;
	ok = CHECK_PAGES_AT(heap, NPAGES / 2, NPAGES / 2, 0, "re-grown heap pages");
	ok &= CHECK_PAGES(heap, NPAGES / 2, 1, "heap pages kept");
	return ok;
}

static int test_below_start(void)
{
	unsigned long cur = sys_brk(0);
	int ok;

	ok = CHECK_EQ(sys_brk(start - PAGE_SIZE), cur, "brk to a page below the initial break");
	ok &= CHECK_EQ(sys_brk(PAGE_SIZE), cur, "brk to address 4096");
	ok &= CHECK_EQ(sys_brk(0x800000000000), cur, "brk to 2^47 (over the stack)");
	ok &= CHECK_EQ(sys_brk(0xffffffff80000000), cur, "brk into the kernel half");
	ok &= CHECK_EQ(sys_brk(~0UL), cur, "brk to 2^64 - 1");
	ok &= CHECK_EQ(sys_brk(0), cur, "brk(0) after the refusals");
	ok &= CHECK_PAGES(heap, NPAGES / 2, 1, "heap pages");
	return ok;
}

static int test_into_mapping(void)
{
	unsigned long cur = sys_brk(0);
	unsigned char *m = heap + 2 * NPAGES * PAGE_SIZE;
	int ok;

	if (!CHECK_EQ(mmap(m, PAGE_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0), m,
		      "mmap of a page 16 pages above the break"))
		return TAP_FAIL;
	fill_pages(m, 1, 2);
	ok = CHECK_EQ(sys_brk((unsigned long)m + PAGE_SIZE), cur, "brk over the mapping");
	ok &= CHECK_EQ(sys_brk((unsigned long)m + 8 * PAGE_SIZE), cur, "brk past the mapping");
	ok &= CHECK_PAGES(m, 1, 2, "the mapping above the break");
	munmap(m, PAGE_SIZE);
	ok &= CHECK_EQ(sys_brk((unsigned long)m + PAGE_SIZE), (unsigned long)m + PAGE_SIZE,
		       "the same brk once the mapping is gone");
	ok &= CHECK_PAGES_AT(heap, NPAGES, NPAGES + 1, 0, "heap grown where the mapping was");
	return ok;
}

static int test_unaligned_and_back(void)
{
	unsigned long want = (unsigned long)heap + 100;
	int ok;

	ok = CHECK_EQ(sys_brk(want), want, "brk to 100 bytes into the first heap page");
	ok &= CHECK_EXITED(probe_write(heap + 99), 0, "write to the last byte below the break");
	ok &= CHECK_KILLED(probe_read(heap + PAGE_SIZE), SIGSEGV, "read of the next page");
	ok &= CHECK_EQ(sys_brk(start), start, "brk back to the initial break");
	ok &= CHECK_EQ(sys_brk(0), start, "brk(0) at the end");
	return ok;
}

static const struct tap_test tests[] = {
	{ "brk(0) reports the initial break, above .bss", test_query },
	{ "growing the break maps zeroed, writable pages", test_grow },
	{ "shrinking the break unmaps the pages above it", test_shrink },
	{ "growing it again gives zeros, not the old data", test_regrow },
	{ "brk below the initial break or beyond user space is refused", test_below_start },
	{ "brk into another mapping is refused", test_into_mapping },
	{ "an unaligned break is kept as asked; brk back to the start", test_unaligned_and_back },
};

int main(void)
{
	start = sys_brk(0);
	heap = (unsigned char *)((start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
	return tap_run(tests, ARRAY_SIZE(tests));
}

/* SPDX-License-Identifier: MIT */
/*
 * fork() shares private memory copy-on-write: the child starts with the parent's data, and
 * after the fork a write by either process stays in that process. Results come back from
 * children through their exit status (0: every check held), since there are no pipes.
 */
#include "util.h"

#define NPAGES	64

static void *region;

/* Child: the region still holds the parent's pattern 1. */
static int child_sees_parent(void *arg)
{
	return !CHECK_PAGES(region, NPAGES, 1, "child's view of the parent's data");
}

static int test_child_sees_parent(void)
{
	int ok;

	if (!(region = map_rw(NPAGES)))
		return TAP_FAIL;
	fill_pages(region, NPAGES, 1);
	ok = CHECK_EXITED(run_child(child_sees_parent, NULL), 0, "child checking the data");
	munmap(region, NPAGES * PAGE_SIZE);
	return ok;
}

/* Child: overwrite everything with pattern 2 and read it back. */
static int child_overwrite(void *arg)
{
	fill_pages(region, NPAGES, 2);
	return !CHECK_PAGES(region, NPAGES, 2, "child's own writes");
}

static int test_child_write_private(void)
{
	int ok;

	if (!(region = map_rw(NPAGES)))
		return TAP_FAIL;
	fill_pages(region, NPAGES, 1);
	ok = CHECK_EXITED(run_child(child_overwrite, NULL), 0, "child writing");
	ok &= CHECK_PAGES(region, NPAGES, 1, "parent's data after the child wrote");
	munmap(region, NPAGES * PAGE_SIZE);
	return ok;
}

/* Child: write word 0 of every page, counting faults; the copies keep the other words. */
static int child_write_word(void *arg)
{
	volatile uint64_t *q = region;
	long f = faults();
	int ok;

	for (size_t pg = 0; pg < NPAGES; pg++)
		q[pg * PAGE_SIZE / 8] = ~0ull;
	f = faults() - f;
	ok = CHECK_FAULTS(f, NPAGES / 2, NPAGES + FAULT_SLACK, "child's first writes");
	for (size_t pg = 0; pg < NPAGES && ok; pg++) {
		ok = CHECK_EQ(q[pg * PAGE_SIZE / 8], ~0ull, "word the child wrote");
		for (size_t w = 1; w < PAGE_SIZE / 8 && ok; w++)
			ok = CHECK_EQ(q[pg * PAGE_SIZE / 8 + w], pattern(1, pg, w),
				      "rest of the page copied for the child");
	}
	return !ok;
}

static int test_child_write_copies(void)
{
	int ok;

	if (!(region = map_rw(NPAGES)))
		return TAP_FAIL;
	fill_pages(region, NPAGES, 1);
	ok = CHECK_EXITED(run_child(child_write_word, NULL), 0, "child writing one word a page");
	ok &= CHECK_PAGES(region, NPAGES, 1, "parent's data after the child wrote");
	munmap(region, NPAGES * PAGE_SIZE);
	return ok;
}

/*
 * The parent overwrites the region right after fork() while the child checks it. Nothing
 * orders the child's reads after the parent's writes (no pipes, no signals), so this catches
 * a parent write leaking into the child whenever the parent runs first after fork, and can
 * never fail on a correct kernel.
 */
static int test_parent_write_private(void)
{
	pid_t pid;
	int ok, st;

	if (!(region = map_rw(NPAGES)))
		return TAP_FAIL;
	fill_pages(region, NPAGES, 1);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		tap_diag("fork: %s", strerror(errno));
		munmap(region, NPAGES * PAGE_SIZE);
		return TAP_FAIL;
	}
	if (pid == 0)
		_exit(child_sees_parent(NULL));
	fill_pages(region, NPAGES, 2);
	ok = CHECK_EQ(waitpid(pid, &st, 0), pid, "wait4");
	ok &= CHECK_EXITED(st, 0, "child checking its data while the parent wrote");
	ok &= CHECK_PAGES(region, NPAGES, 2, "parent's own writes");
	munmap(region, NPAGES * PAGE_SIZE);
	return ok;
}

static int child_nothing(void *arg)
{
	return 0;
}

/*
 * fork() write-protected the parent's pages too. Once the child is gone the parent is the
 * only user, so its write fault reuses the page in place: one fault per page, data intact.
 */
static int test_parent_write_after_exit(void)
{
	volatile uint64_t *q;
	long f;
	int ok;

	if (!(region = map_rw(NPAGES)))
		return TAP_FAIL;
	q = region;
	fill_pages(region, NPAGES, 1);
	ok = CHECK_EXITED(run_child(child_nothing, NULL), 0, "child");
	f = faults();
	for (size_t pg = 0; pg < NPAGES; pg++)
		q[pg * PAGE_SIZE / 8] = pattern(1, pg, 0);
	f = faults() - f;
	ok &= CHECK_FAULTS(f, NPAGES / 2, NPAGES + FAULT_SLACK, "parent's writes after the fork");
	ok &= CHECK_PAGES(region, NPAGES, 1, "parent's data");
	munmap(region, NPAGES * PAGE_SIZE);
	return ok;
}

/* Child: the region reads as zeros; fill it with pattern 2. */
static int child_zero_then_write(void *arg)
{
	int ok = CHECK_PAGES(region, NPAGES, 0, "child's view of untouched memory");

	fill_pages(region, NPAGES, 2);
	return !(ok && CHECK_PAGES(region, NPAGES, 2, "child's own writes"));
}

/* Pages the parent only read (zero page mapped) are shared like any other. */
static int test_zero_page_fork(void)
{
	int ok;

	if (!(region = map_rw(NPAGES)))
		return TAP_FAIL;
	touch_pages(region, NPAGES, 0, 0);
	ok = CHECK_EXITED(run_child(child_zero_then_write, NULL), 0, "child writing");
	ok &= CHECK_PAGES(region, NPAGES, 0, "parent's read-only-touched memory");
	munmap(region, NPAGES * PAGE_SIZE);
	return ok;
}

/* Pages nobody touched before the fork are filled independently afterwards. */
static int test_untouched_fork(void)
{
	int ok;

	if (!(region = map_rw(NPAGES)))
		return TAP_FAIL;
	ok = CHECK_EXITED(run_child(child_zero_then_write, NULL), 0, "child writing");
	ok &= CHECK_PAGES(region, NPAGES, 0, "parent's untouched memory");
	fill_pages(region, NPAGES, 1);
	ok &= CHECK_PAGES(region, NPAGES, 1, "parent's own writes");
	munmap(region, NPAGES * PAGE_SIZE);
	return ok;
}

/* Grandchild: sees pattern 1, writes pattern 3. */
static int grandchild(void *arg)
{
	int ok = CHECK_PAGES(region, NPAGES, 1, "grandchild's view");

	fill_pages(region, NPAGES, 3);
	return !(ok && CHECK_PAGES(region, NPAGES, 3, "grandchild's own writes"));
}

/* Child: its grandchild's writes stay there; then write pattern 2. */
static int child_with_grandchild(void *arg)
{
	int ok = CHECK_EXITED(run_child(grandchild, NULL), 0, "grandchild writing");

	ok &= CHECK_PAGES(region, NPAGES, 1, "child's data after the grandchild wrote");
	fill_pages(region, NPAGES, 2);
	return !(ok && CHECK_PAGES(region, NPAGES, 2, "child's own writes"));
}

/* Three processes share each page; every write stays with its writer. */
static int test_three_way(void)
{
	int ok;

	if (!(region = map_rw(NPAGES)))
		return TAP_FAIL;
	fill_pages(region, NPAGES, 1);
	ok = CHECK_EXITED(run_child(child_with_grandchild, NULL), 0, "child and grandchild");
	ok &= CHECK_PAGES(region, NPAGES, 1, "parent's data");
	munmap(region, NPAGES * PAGE_SIZE);
	return ok;
}

static volatile long data_var = 42;
static volatile long bss_var;

/* Child: change a .data, a .bss and a stack variable of the parent's (passed in @arg). */
static int child_globals(void *arg)
{
	volatile long *stack_var = arg;

	data_var = -1;
	bss_var = -2;
	*stack_var = -3;
	return !(data_var == -1 && bss_var == -2 && *stack_var == -3);
}

static int test_globals_private(void)
{
	volatile long stack_var = 7;
	int ok;

	bss_var = 9;
	ok = CHECK_EXITED(run_child(child_globals, (void *)&stack_var), 0, "child writing");
	ok &= CHECK_EQ(data_var, 42, "parent's .data variable");
	ok &= CHECK_EQ(bss_var, 9, "parent's .bss variable");
	ok &= CHECK_EQ(stack_var, 7, "parent's stack variable");
	return ok;
}

static const struct tap_test tests[] = {
	{ "child sees the parent's data", test_child_sees_parent },
	{ "child's writes stay in the child", test_child_write_private },
	{ "child's first write faults and copies the whole page", test_child_write_copies },
	{ "parent's writes after fork stay in the parent", test_parent_write_private },
	{ "parent's write after the child exited takes one fault a page",
	  test_parent_write_after_exit },
	{ "zero-page memory is shared and copied on write", test_zero_page_fork },
	{ "untouched memory is filled independently after fork", test_untouched_fork },
	{ "parent, child and grandchild keep their own writes", test_three_way },
	{ ".data, .bss and stack are private after fork", test_globals_private },
};

int main(void)
{
	return tap_run(tests, ARRAY_SIZE(tests));
}

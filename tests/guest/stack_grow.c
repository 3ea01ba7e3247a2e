/* SPDX-License-Identifier: MIT */
/*
 * The stack grows on demand below its lowest page, up to the stack limit (8 MiB), and stops
 * short of any mapping below it: recursion past the limit, or towards a mapping, dies with
 * SIGSEGV instead of writing over memory. Every test runs in a child, which may die.
 */
#include "util.h"

#define FRAME		4096			/* bytes of data in each recursion frame */
#define BIG_FRAME	(512 * 1024)		/* one frame far larger than a fresh stack */
#define RUNAWAY		(64UL << 20)		/* "unbounded": well past an 8 MiB limit */
#define SENTINEL_PAGES	16
#define SENTINEL_BELOW	(4UL << 20)		/* the sentinel's distance below the stack */

/* A mapping below the stack that the recursion must never write; NULL when unused. */
static volatile uint64_t *sentinel;

static int sentinel_intact(void)
{
	for (size_t w = 0; w < SENTINEL_PAGES * PAGE_SIZE / 8; w++)
		if (sentinel[w] != pattern(5, w / (PAGE_SIZE / 8), w % (PAGE_SIZE / 8)))
			return 0;
	return 1;
}

/*
 * Recurse to @max, each frame writing its FRAME bytes from the top down (as a well-behaved
 * program grows its stack, one page at a time) and checking them again on the way back up,
 * which also keeps the call from being a tail call. Returns the number of bytes found wrong.
 * Exits with 3 as soon as the sentinel mapping changes.
 */
static unsigned long __attribute__((noinline)) descend(unsigned long depth, unsigned long max)
{
	volatile unsigned char buf[FRAME];
	unsigned long bad;

	for (long i = FRAME - 1; i >= 0; i--)
		buf[i] = (unsigned char)(depth * 7 + i);
	if (sentinel && !sentinel_intact())
		_exit(3);
	if (depth == max)
		return 0;
	bad = descend(depth + 1, max);
	for (long i = 0; i < FRAME; i++)
		bad += buf[i] != (unsigned char)(depth * 7 + i);
	return bad;
}

/* Child: one frame of BIG_FRAME bytes, touched first at its lowest address. */
static int __attribute__((noinline)) big_frame(void *arg)
{
	volatile unsigned char buf[BIG_FRAME];

	buf[0] = 1;
	buf[BIG_FRAME / 2] = 2;
	buf[BIG_FRAME - 1] = 3;
	return !(buf[0] == 1 && buf[BIG_FRAME / 2] == 2 && buf[BIG_FRAME - 1] == 3);
}

static int test_big_frame(void)
{
	return CHECK_EXITED(run_child(big_frame, NULL), 0, "512 KiB frame touched at its bottom");
}

/* Child: recurse through 1 MiB of stack; exit 0 when every frame kept its data. */
static int deep_recursion(void *arg)
{
	unsigned long bad = descend(1, (1UL << 20) / FRAME);

	return !CHECK_EQ(bad, 0, "bytes changed in 1 MiB of recursion frames");
}

static int test_recursion(void)
{
	return CHECK_EXITED(run_child(deep_recursion, NULL), 0, "1 MiB of recursion");
}

/* Child: recurse until the kernel stops us; reaching RUNAWAY means it never did. */
static int runaway(void *arg)
{
	descend(1, RUNAWAY / FRAME);
	tap_diag("child recursed through %lu MiB of stack without a fault", RUNAWAY >> 20);
	return 1;
}

static int test_runaway(void)
{
	return CHECK_KILLED(run_child(runaway, NULL), SIGSEGV, "unbounded recursion");
}

/*
 * Child: map a sentinel SENTINEL_BELOW under the stack, within the stack limit, then recurse
 * without bound. The kernel must refuse to grow the stack next to the sentinel (Linux keeps a
 * guard gap of stack_guard_gap pages) and kill us; a kernel that let the stack run into it
 * would have the frames overwrite the sentinel, which every frame checks (exit 3).
 */
static int runaway_to_sentinel(void *arg)
{
	unsigned long sp = (unsigned long)__builtin_frame_address(0) & ~(PAGE_SIZE - 1);
	void *addr = (void *)(sp - SENTINEL_BELOW - SENTINEL_PAGES * PAGE_SIZE);
	void *s = mmap(addr, SENTINEL_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (!CHECK_EQ(s, addr, "sentinel mmap(MAP_FIXED_NOREPLACE) below the stack"))
		return 2;
	fill_pages(s, SENTINEL_PAGES, 5);
	sentinel = s;
	descend(1, RUNAWAY / FRAME);
	tap_diag("child recursed through %lu MiB of stack without a fault", RUNAWAY >> 20);
	return 1;
}

static int test_runaway_to_sentinel(void)
{
	return CHECK_KILLED(run_child(runaway_to_sentinel, NULL), SIGSEGV,
			    "unbounded recursion towards a mapping 4 MiB below the stack");
}

static const struct tap_test tests[] = {
	{ "a 512 KiB stack frame touched at its far end first", test_big_frame },
	{ "recursion through 1 MiB of stack keeps every frame", test_recursion },
	{ "unbounded recursion: SIGSEGV at the stack limit", test_runaway },
	{ "unbounded recursion towards a mapping: SIGSEGV, mapping untouched",
	  test_runaway_to_sentinel },
};

int main(void)
{
	return tap_run(tests, ARRAY_SIZE(tests));
}

/* SPDX-License-Identifier: MIT */
/*
 * Preemption of user mode: a process spinning without a system call does not keep the CPU
 * from a runnable one. The parent spins on a MAP_SHARED flag that only its child sets
 * (without preemption, on one CPU, that never ends: the suite's timeout is the failure),
 * then parent and child hand a counter back and forth, each spinning until the other moved.
 * The spinning loop keeps integer and SSE sums in registers that every preemption must keep.
 */
#include "util.h"

#define ROUNDS	4	/* hand-overs each way: every one needs a preemption on one CPU */

static volatile unsigned long *shared_page(void)
{
	void *p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		       -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int set_flag(void *arg)
{
	*(volatile unsigned long *)arg = 1;
	return 0;
}

static int test_spinning_parent(void)
{
	volatile unsigned long *flag = shared_page();
	unsigned long spins = 0, threes = 0;
	double dthrees = 0;
	pid_t pid;
	int st, ok;

	if (!CHECK(flag, "mmap: %s", strerror(errno)))
		return TAP_FAIL;
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(set_flag((void *)flag));
	if (!CHECK(pid > 0, "fork: %s", strerror(errno)))
		return TAP_FAIL;
	while (!*flag) {	/* user mode only: no system call in the loop */
		spins++;
		threes += 3;	/* in registers: each preemption must keep them all */
		dthrees += 3.0;
	}
	ok = CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	ok &= CHECK(threes == 3 * spins && dthrees == (double)threes,
		    "registers kept across preemption: %lu spins, %lu and %.0f", spins, threes,
		    dthrees);
	ok &= CHECK_EXITED(st, 0, "the child that set the flag");
	tap_diag("the parent spun %lu times before the child ran", spins);
	munmap((void *)flag, PAGE_SIZE);
	return ok;
}

/* Child: wait for each odd count, answer with the next even one. */
static int ping_pong_child(void *arg)
{
	volatile unsigned long *count = arg;

	for (unsigned long i = 1; i < 2 * ROUNDS; i += 2) {
		while (*count != i)
			;
		*count = i + 1;
	}
	return 0;
}

static int test_ping_pong(void)
{
	volatile unsigned long *count = shared_page();
	pid_t pid;
	int st, ok;

	if (!CHECK(count, "mmap: %s", strerror(errno)))
		return TAP_FAIL;
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(ping_pong_child((void *)count));
	if (!CHECK(pid > 0, "fork: %s", strerror(errno)))
		return TAP_FAIL;
	for (unsigned long i = 0; i < 2 * ROUNDS; i += 2) {
		while (*count != i)
			;
		*count = i + 1;
	}
	while (*count != 2 * ROUNDS)
		;
	ok = CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	ok &= CHECK_EXITED(st, 0, "the ping-pong child");
	munmap((void *)count, PAGE_SIZE);
	return ok;
}

static const struct tap_test tests[] = {
	{ "a parent spinning in user mode lets its child run and set the flag",
	  test_spinning_parent },
	{ "two spinning processes hand a counter back and forth", test_ping_pong },
};

int main(void)
{
	return tap_run(tests, ARRAY_SIZE(tests));
}

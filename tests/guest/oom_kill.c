/* SPDX-License-Identifier: MIT */
/*
 * Running out of memory costs only the process that asked for too much: a child that touches
 * twice the memory the kernel has is killed (SIGKILL from an OOM killer, or SIGSEGV/SIGBUS),
 * or refused with ENOMEM; the parent's memory is intact, and the child's memory comes back.
 * Usage: oom_kill [--limit-mib N]   N: the RAM (plus swap) the kernel has, in MiB. Without it
 * every test is skipped: natively this would set the host's OOM killer loose.
 */
#include "util.h"

#define MAX_MIB		(1UL << 24)
#define KEEP_PAGES	256			/* the parent's own data, checked after each kill */
#define CHUNK		(1UL << 20)		/* the child's step when one big mmap is refused */

static unsigned long limit_mib;
static void *keep;

/*
 * Child: touch 2 * limit_mib MiB. Exit 2 if the kernel refuses it with ENOMEM after handing
 * out at least half the limit (strict accounting), 3 if it refuses earlier or otherwise,
 * 1 if it all fit.
 */
static int hog(void *arg)
{
	size_t len = limit_mib * 2 * CHUNK, done;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p != MAP_FAILED) {
		touch_pages(p, len / PAGE_SIZE, 1, 1);
	} else {
		for (done = 0; done < len; done += CHUNK) {
			p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED) {
				tap_diag("child: mmap refused after %zu MiB: %s", done / CHUNK,
					 strerror(errno));
				return errno == ENOMEM && done / CHUNK >= limit_mib / 2 ? 2 : 3;
			}
			touch_pages(p, CHUNK / PAGE_SIZE, 1, 1);
		}
	}
	tap_diag("child touched %zu MiB and was not stopped", len / CHUNK);
	return 1;
}

static int test_child_stopped(void)
{
	int st;

	if (!limit_mib)
		return tap_skip("no --limit-mib: would provoke the host's OOM killer");
	st = run_child(hog, NULL);
	if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 2) {
		tap_diag("the kernel refused the memory (ENOMEM) instead of overcommitting");
		return TAP_PASS;
	}
	return CHECK(st != -1 && WIFSIGNALED(st) && (WTERMSIG(st) == SIGKILL ||
		     WTERMSIG(st) == SIGSEGV || WTERMSIG(st) == SIGBUS),
		     "child touching %lu MiB: expected it killed by SIGKILL, SIGSEGV or SIGBUS "
		     "(or exit 2: ENOMEM past half the limit), got %s", 2 * limit_mib,
		     status_str(st));
}

static int test_parent_intact(void)
{
	if (!limit_mib)
		return tap_skip("no --limit-mib");
	if (!CHECK(keep, "the parent's data could not be mapped"))
		return TAP_FAIL;
	return CHECK_PAGES(keep, KEEP_PAGES, 4, "the parent's data");
}

/* The parent maps and writes half the memory: the killed child's pages were freed. */
static int test_memory_back(void)
{
	size_t npages = limit_mib / 2 * (CHUNK / PAGE_SIZE);
	void *p;
	int ok;

	if (!limit_mib)
		return tap_skip("no --limit-mib");
	if (!(p = map_rw(npages)))
		return TAP_FAIL;
	fill_pages(p, npages, 6);
	ok = CHECK_PAGES(p, npages, 6, "half the memory, written after the kill");
	munmap(p, npages * PAGE_SIZE);
	return ok;
}

static const struct tap_test tests[] = {
	{ "a child touching twice the memory is stopped", test_child_stopped },
	{ "the parent's memory is intact", test_parent_intact },
	{ "the parent can use half the memory afterwards", test_memory_back },
	{ "a second child touching twice the memory is stopped", test_child_stopped },
	{ "the parent's memory is still intact", test_parent_intact },
	{ "the parent can use half the memory again", test_memory_back },
};

int main(int argc, char **argv)
{
	char *endp;

	if (argc == 3 && !strcmp(argv[1], "--limit-mib")) {
		errno = 0;
		limit_mib = strtoul(argv[2], &endp, 10);
		if (argv[2][0] < '0' || argv[2][0] > '9' || *endp || errno || limit_mib < 2 ||
		    limit_mib > MAX_MIB) {
			fprintf(stderr, "oom_kill: bad --limit-mib '%s': want MiB, 2 to %lu\n",
				argv[2], MAX_MIB);
			return 2;
		}
	} else if (argc != 1) {
		fprintf(stderr, "usage: oom_kill [--limit-mib N]\n");
		return 2;
	}
	if (limit_mib && (keep = map_rw(KEEP_PAGES)))
		fill_pages(keep, KEEP_PAGES, 4);
	return tap_run(tests, ARRAY_SIZE(tests));
}

// SPDX-License-Identifier: MIT
/*
 * make bench: anonymous page faults per second, as a program sees them (static musl: runs as
 * the guest's /init from build/bench-initramfs.cpio and natively on the host). Times with
 * CLOCK_MONOTONIC one pass over PAGES fresh pages for each kind:
 *   anon-new   first write to untouched private anonymous memory (a new zeroed page)
 *   anon-zero  first read of untouched memory (the shared zero page)
 *   wp-copy    after fork(), the child writes every page (copy-on-write copies; the child
 *              sends its time through a pipe)
 *   wp-reuse   after that child exited, the parent writes every page (exclusive again)
 * and prints per kind `fault_bench: kind=K pages=N faults=F ns=T` (F from getrusage(), the
 * faults the pass took) then `faults_per_s=` and `ns_per_fault=`.
 *
 *   fault_bench [PAGES]	(default 4096; 1 to 262144)
 *
 * Exits 0, or 1 with one line on stderr when something failed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define PAGE_SIZE	4096UL
#define MAX_PAGES	262144UL

struct pass {
	long faults;
	uint64_t ns;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static long faults(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return ru.ru_minflt + ru.ru_majflt;
}

/* Touch one byte of each of @n pages at @p (write or read); time it. */
static struct pass touch(volatile char *p, unsigned long n, int write)
{
	struct pass r;
	long f = faults();
	uint64_t t = now_ns();
	unsigned long i;
	char sink = 0;

	for (i = 0; i < n; i++) {
		if (write)
			p[i * PAGE_SIZE] = 1;
		else
			sink += p[i * PAGE_SIZE];
	}
	r.ns = now_ns() - t;
	r.faults = faults() - f;
	(void)sink;
	return r;
}

static void report(const char *kind, unsigned long pages, struct pass r)
{
	long n = r.faults > 0 ? r.faults : (long)pages;

	printf("fault_bench: kind=%s pages=%lu faults=%ld ns=%llu faults_per_s=%.0f "
	       "ns_per_fault=%.0f\n", kind, pages, r.faults, (unsigned long long)r.ns,
	       r.ns ? n / (r.ns / 1e9) : 0.0, (double)r.ns / n);
}

static char *map_pages(unsigned long n)
{
	char *p = mmap(NULL, n * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED) {
		fprintf(stderr, "fault_bench: mmap of %lu pages: %s\n", n, strerror(errno));
		return NULL;
	}
	/* Natively: 4 KiB faults, not transparent huge pages. The guest has none (EINVAL). */
	madvise(p, n * PAGE_SIZE, MADV_NOHUGEPAGE);
	return p;
}

/* fork(); the child writes every page of @p and sends its pass through a pipe. */
static int cow_pass(char *p, unsigned long n, struct pass *r)
{
	int fd[2], status;
	pid_t pid;

	if (pipe(fd)) {
		fprintf(stderr, "fault_bench: pipe: %s\n", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "fault_bench: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		struct pass c = touch(p, n, 1);

		_exit(write(fd[1], &c, sizeof(c)) == sizeof(c) ? 0 : 1);
	}
	close(fd[1]);
	if (read(fd[0], r, sizeof(*r)) != sizeof(*r) || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "fault_bench: the child's copy-on-write pass failed\n");
		return -1;
	}
	close(fd[0]);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n = 4096;
	struct pass r;
	char *end, *a, *z;

	if (argc > 2 || (argc == 2 && ((n = strtoul(argv[1], &end, 10)) < 1 || *end ||
				       n > MAX_PAGES))) {
		fprintf(stderr, "usage: fault_bench [PAGES]  (1 to %lu, default 4096)\n",
			MAX_PAGES);
		return 1;
	}
	if (!(a = map_pages(n)) || !(z = map_pages(n)))
		return 1;
	report("anon-new", n, touch(a, n, 1));
	report("anon-zero", n, touch(z, n, 0));
	if (cow_pass(a, n, &r))
		return 1;
	report("wp-copy", n, r);
	report("wp-reuse", n, touch(a, n, 1));
	return 0;
}

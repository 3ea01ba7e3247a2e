// SPDX-License-Identifier: MIT
/*
 * make bench: file-backed page faults as a program sees them (static musl: runs as
 * /file_bench from build/bench-initramfs.cpio on the guest's ext2 disk, and natively on the
 * host). Each pass works on its own file of DIR, made by --make, and counts its faults with
 * getrusage():
 *   minor    read() all of minor.dat (now cached), map it and read one word of every page:
 *            minor faults, about one per fault_around_bytes window
 *   major    map the cold major.dat and read every page in order: major faults + readahead
 *   cow      read() all of cow.dat, map it MAP_PRIVATE and write every page (copy-on-write)
 *   shared   read() all of shared.dat, map it MAP_SHARED and write every page (page_mkwrite)
 *   seq      read the cold seq_map.dat through a mapping, page by page, then the cold
 *            seq_read.dat (same size and contents) with read() of 64 KiB: throughput of both
 *   none     nothing (a boot that only mounts the disk and starts the program: a baseline)
 * and prints per pass `file_bench: pass=P pages=N minflt=A majflt=B ns=T mib_per_s=R`.
 * Pages read are checked against the pattern --make wrote.
 *
 *   file_bench --make DIR [MIB]         write the files into DIR (default 4 MiB each)
 *   file_bench [--native] DIR PASS...   run the passes in order
 * A file is cold in the guest because nothing read it since boot; with --native it is made
 * cold with fsync() and POSIX_FADV_DONTNEED, checked with mincore() (cold=0 when the host
 * kept it cached, e.g. on tmpfs).
 *
 * Exits 0, 1 with one line on stderr when something failed, 2 on bad arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>

#undef PAGE_SIZE
#define PAGE_SIZE	4096UL
#define MAX_MIB		256
#define READ_CHUNK	(64 * 1024)

static const char *dir;
static int native;

struct counts {
	long min, maj;
	uint64_t ns;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static struct counts counts(void)
{
	struct counts c = { 0, 0, now_ns() };
	struct rusage ru;

	if (!getrusage(RUSAGE_SELF, &ru)) {
		c.min = ru.ru_minflt;
		c.maj = ru.ru_majflt;
	}
	return c;
}

/* Page @pg of every file starts with this word (and ends with its complement). */
static uint64_t page_word(size_t pg)
{
	return pg * 0x9e3779b97f4a7c15ULL + 0x46424e43;
}

static void path_of(char *path, const char *name)
{
	snprintf(path, PATH_MAX, "%s/%s", dir, name);
}

static int fail(const char *what, const char *name)
{
	fprintf(stderr, "file_bench: %s %s: %s\n", what, name, strerror(errno));
	return -1;
}

/* Write @name in dir: @pages pattern pages. 0 or -1 with one line on stderr. */
static int make_file(const char *name, size_t pages)
{
	static uint64_t buf[PAGE_SIZE / 8];
	char path[PATH_MAX];
	size_t pg;
	int fd;

	path_of(path, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fail("create", path);
	for (pg = 0; pg < pages; pg++) {
		buf[0] = page_word(pg);
		buf[PAGE_SIZE / 8 - 1] = ~page_word(pg);
		if (write(fd, buf, PAGE_SIZE) != (ssize_t)PAGE_SIZE) {
			close(fd);
			return fail("write", path);
		}
	}
	return close(fd) ? fail("close", path) : 0;
}

/*
 * Open @name of dir read-write; its descriptor (and page count in *@pages), or -1. With
 * --native and @cold, drop it from the host's page cache first; *@is_cold says whether
 * mincore() then finds at most 1/16 of it resident (always 1 in the guest).
 */
static int open_file(const char *name, int cold, size_t *pages, int *is_cold)
{
	char path[PATH_MAX];
	unsigned char *vec;
	struct stat st;
	size_t pg, resident = 0;
	void *p;
	int fd;

	path_of(path, name);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return fail("open", path);
	if (fstat(fd, &st) || !(*pages = st.st_size / PAGE_SIZE)) {
		if (!fstat(fd, &st))
			errno = EINVAL;		/* less than a page */
		fail("fstat", path);
		close(fd);
		return -1;
	}
	*is_cold = 1;
	if (!native || !cold)
		return fd;
	fsync(fd);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	vec = malloc(*pages);
	p = mmap(NULL, *pages * PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	if (vec && p != MAP_FAILED && !mincore(p, *pages * PAGE_SIZE, vec)) {
		for (pg = 0; pg < *pages; pg++)
			resident += vec[pg] & 1;
		*is_cold = resident <= *pages / 16;
	} else {
		*is_cold = 0;
	}
	if (p != MAP_FAILED)
		munmap(p, *pages * PAGE_SIZE);
	free(vec);
	return fd;
}

/* read() all of @fd (into the page cache); 0, or -1 when a page is not the pattern. */
static int read_all(int fd, size_t pages)
{
	static uint64_t buf[READ_CHUNK / 8];
	size_t pg = 0, i, bad = 0;
	ssize_t r;

	lseek(fd, 0, SEEK_SET);
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < (size_t)r / PAGE_SIZE; i++, pg++)
			bad += buf[i * PAGE_SIZE / 8] != page_word(pg);
	if (r < 0 || pg != pages || bad) {
		fprintf(stderr, "file_bench: read(): %zu of %zu pages, %zu wrong%s%s\n", pg, pages,
			bad, r < 0 ? ": " : "", r < 0 ? strerror(errno) : "");
		return -1;
	}
	return 0;
}

static void *map(int fd, size_t pages, int prot, int flags)
{
	void *p = mmap(NULL, pages * PAGE_SIZE, prot, flags, fd, 0);

	if (p == MAP_FAILED) {
		fprintf(stderr, "file_bench: mmap of %zu pages: %s\n", pages, strerror(errno));
		return NULL;
	}
	return p;
}

/* Read the first word of every page of @p in order; the number of wrong pages. */
static size_t read_pages(const uint64_t *p, size_t pages)
{
	size_t pg, bad = 0;

	for (pg = 0; pg < pages; pg++)
		bad += *(volatile const uint64_t *)(p + pg * (PAGE_SIZE / 8)) != page_word(pg);
	return bad;
}

static void report(const char *pass, size_t pages, struct counts a, struct counts b,
		   int is_cold)
{
	uint64_t ns = b.ns - a.ns;

	printf("file_bench: pass=%s pages=%zu minflt=%ld majflt=%ld ns=%llu mib_per_s=%.1f%s\n",
	       pass, pages, b.min - a.min, b.maj - a.maj, (unsigned long long)ns,
	       ns ? (pages * PAGE_SIZE / 1048576.0) / (ns / 1e9) : 0.0,
	       is_cold ? "" : " cold=0");
}

/* minor, major: map @name read-only, read every page; @cached: read() it all first. */
static int pass_read(const char *pass, const char *name, int cached)
{
	struct counts a, b;
	size_t pages, bad;
	int fd, is_cold, ret = -1;
	uint64_t *p;

	fd = open_file(name, !cached, &pages, &is_cold);
	if (fd < 0)
		return -1;
	if (cached && read_all(fd, pages))
		goto out;
	p = map(fd, pages, PROT_READ, MAP_SHARED);
	if (!p)
		goto out;
	a = counts();
	bad = read_pages(p, pages);
	b = counts();
	munmap(p, pages * PAGE_SIZE);
	if (bad) {
		fprintf(stderr, "file_bench: %s: %zu mapped pages are not the pattern\n", pass, bad);
		goto out;
	}
	report(pass, pages, a, b, cached || is_cold);
	ret = 0;
out:
	close(fd);
	return ret;
}

/* cow, shared: read() @name all (cached), map it writable, write one byte of every page. */
static int pass_write(const char *pass, const char *name, int flags)
{
	struct counts a, b;
	size_t pages, pg;
	int fd, is_cold, ret = -1;
	volatile char *p;

	fd = open_file(name, 0, &pages, &is_cold);
	if (fd < 0)
		return -1;
	if (read_all(fd, pages))
		goto out;
	p = map(fd, pages, PROT_READ | PROT_WRITE, flags);
	if (!p)
		goto out;
	a = counts();
	for (pg = 0; pg < pages; pg++)
		p[pg * PAGE_SIZE + 8] = 1;	/* past the pattern word */
	b = counts();
	munmap((void *)p, pages * PAGE_SIZE);
	report(pass, pages, a, b, 1);
	ret = 0;
out:
	close(fd);
	return ret;
}

/* seq: the cold seq_map.dat read through a mapping, then the cold seq_read.dat by read(). */
static int pass_seq(void)
{
	struct counts a, b;
	size_t pages;
	int fd, is_cold;

	if (pass_read("seq-mmap", "seq_map.dat", 0))
		return -1;
	fd = open_file("seq_read.dat", 1, &pages, &is_cold);
	if (fd < 0)
		return -1;
	a = counts();
	if (read_all(fd, pages)) {
		close(fd);
		return -1;
	}
	b = counts();
	close(fd);
	report("seq-read", pages, a, b, is_cold);
	return 0;
}

static const char *const files[] = {
	"minor.dat", "major.dat", "cow.dat", "shared.dat", "seq_map.dat", "seq_read.dat"
};

static const char *const passes[] = { "none", "minor", "major", "cow", "shared", "seq" };

static int known(const char *pass)
{
	size_t i;

	for (i = 0; i < sizeof(passes) / sizeof(passes[0]); i++)
		if (!strcmp(pass, passes[i]))
			return 1;
	return 0;
}

/* Run @pass (a known one): 0, or -1 with one line on stderr. */
static int run(const char *pass)
{
	if (!strcmp(pass, "none"))
		return 0;
	if (!strcmp(pass, "minor"))
		return pass_read("minor", "minor.dat", 1);
	if (!strcmp(pass, "major"))
		return pass_read("major", "major.dat", 0);
	if (!strcmp(pass, "cow"))
		return pass_write("cow", "cow.dat", MAP_PRIVATE);
	if (!strcmp(pass, "shared"))
		return pass_write("shared", "shared.dat", MAP_SHARED);
	return pass_seq();
}

static int usage(void)
{
	fprintf(stderr, "usage: file_bench --make DIR [MIB]  (1 to %d, default 4)\n"
		"       file_bench [--native] DIR none|minor|major|cow|shared|seq...\n", MAX_MIB);
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long mib = 4;
	char *end;
	size_t i;
	int a = 1;

	if (argc >= 3 && !strcmp(argv[1], "--make")) {
		if (argc > 4 || (argc == 4 && ((mib = strtoul(argv[3], &end, 10)) < 1 || *end ||
					       mib > MAX_MIB)))
			return usage();
		dir = argv[2];
		for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
			if (make_file(files[i], mib * (1048576 / PAGE_SIZE)))
				return 1;
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--native")) {
		native = 1;
		a++;
	}
	if (argc - a < 2)
		return usage();
	dir = argv[a++];
	for (i = a; i < (size_t)argc; i++) {
		if (!known(argv[i])) {
			fprintf(stderr, "file_bench: unknown pass '%s'\n", argv[i]);
			return usage();
		}
	}
	for (; a < argc; a++) {
		if (run(argv[a]))
			return 1;
		fflush(stdout);
	}
	return 0;
}

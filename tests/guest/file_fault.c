/* SPDX-License-Identifier: MIT */
/*
 * Fault-around and readahead on file mappings, counted with getrusage: touching every page
 * of a cached file takes about one minor fault per fault_around_bytes window, not one per
 * page; reading a cold file through a mapping front to back takes far fewer major faults
 * than pages (readahead); with MADV_RANDOM every touched page of a cold file is its own
 * major fault (no readahead).
 *
 * Usage: file_fault [--window BYTES] [--cold] [--seq-only] [DIR]
 *        file_fault --make DIR
 *        file_fault --big PATH | --make-big PATH MIB | --bad-block PATH PAGE
 *   DIR        where the files are (default $TMPDIR or /tmp); the cached file is created
 *   --window   the kernel's fault_around_bytes (booted with it): also check the lower bound
 *   --cold     DIR/seq.dat and DIR/rand.dat were made by --make and not read since boot;
 *              without it they are temporary files made cold with fsync and
 *              POSIX_FADV_DONTNEED (skipped where the kernel keeps them, e.g. on tmpfs)
 *   --seq-only only the cold sequential read (file.sh counts its virtio requests)
 *   --make     write DIR/seq.dat and DIR/rand.dat (on the host, into the disk image)
 *   --big      PATH (from --make-big) read() and then mapped end to end, every page checked:
 *              a file larger than the guest's RAM goes through the page cache and reclaim;
 *              then written through a shared mapping and read back
 *   --bad-block PATH PAGE: PATH (a --make file) has page PAGE's block pointing past the end
 *              of the disk (debugfs on the host): read() stops there with EIO, a mapping
 *              reads the pages before it right and touching it is SIGBUS
 * In the guest DIR is /mnt on the ext2 disk (tests/integration/file.sh); natively on the host.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include "util.h"

#define CACHED_PAGES	512		/* 2 MiB */
#define SEQ_PAGES	1024		/* 4 MiB */
#define RAND_PAGES	256
#define RAND_STRIDE	4

static const char *dir;
static long window = 65536;		/* fault_around_bytes: Linux's default */
static int window_given, cold, seq_only;

struct counts {
	long min, maj;
};

static struct counts counts(void)
{
	struct rusage ru;
	struct counts c = { 0, 0 };

	if (getrusage(RUSAGE_SELF, &ru))
		getrusage_failed = errno;
	else
		c = (struct counts){ ru.ru_minflt, ru.ru_majflt };
	return c;
}

/* Page @pg of every test file starts with its index and a tag. */
static uint64_t page_word(size_t pg)
{
	return pg * 0x9e3779b97f4a7c15ULL + 0x46494c45;
}

/* Create @path holding @npages pattern pages with write(); its descriptor or -1. */
static int make_file(const char *path, size_t npages)
{
	static uint64_t buf[PAGE_SIZE / 8];
	size_t pg;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0) {
		tap_diag("%s: %s", path, strerror(errno));
		return -1;
	}
	for (pg = 0; pg < npages; pg++) {
		buf[0] = page_word(pg);
		buf[PAGE_SIZE / 8 - 1] = ~page_word(pg);
		if (write(fd, buf, PAGE_SIZE) != (ssize_t)PAGE_SIZE) {
			tap_diag("write %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* Map @npages of @fd read-only; NULL with a diagnostic. */
static const uint64_t *map_file(int fd, size_t npages)
{
	void *p = mmap(NULL, npages * PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED) {
		tap_diag("mmap: %s", strerror(errno));
		return NULL;
	}
	return p;
}

/* Read page @pg's first word through the mapping; 1 if it is the pattern. */
static int page_ok(const uint64_t *p, size_t pg)
{
	volatile const uint64_t *w = p + pg * (PAGE_SIZE / 8);

	return *w == page_word(pg);
}

static char tmp_path[3][PATH_MAX];

/* A temporary file in dir for slot @i; its descriptor or -1. */
static int temp_file(int i, size_t npages)
{
	int fd;

	snprintf(tmp_path[i], sizeof(tmp_path[i]), "%s/file_fault.%d.XXXXXX", dir, i);
	fd = mkstemp(tmp_path[i]);
	if (fd < 0) {
		tap_diag("mkstemp %s: %s", tmp_path[i], strerror(errno));
		return -1;
	}
	close(fd);
	return make_file(tmp_path[i], npages);
}

static int test_fault_around(void)
{
	size_t pg, pages = CACHED_PAGES, per = window / PAGE_SIZE;
	static char buf[64 * 1024];
	const uint64_t *p;
	struct counts a, b;
	char path[PATH_MAX];
	int fd, ok = 1;

	snprintf(path, sizeof(path), "%s/cached.dat", dir);
	fd = cold ? make_file(path, pages) : temp_file(0, pages);
	if (fd < 0)
		return TAP_FAIL;
	/* read() it all: every page is uptodate in the page cache before the mapping. */
	lseek(fd, 0, SEEK_SET);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	p = map_file(fd, pages);
	if (!p)
		return TAP_FAIL;
	a = counts();
	for (pg = 0; pg < pages; pg++)
		ok &= page_ok(p, pg);
	b = counts();
	ok = CHECK(ok, "a mapped page does not hold its pattern");
	tap_diag("%zu cached pages, window %ld: %ld minor, %ld major faults", pages, window,
		 b.min - a.min, b.maj - a.maj);
	ok &= CHECK_EQ(b.maj - a.maj, 0, "major faults on a cached file");
	ok &= CHECK_FAULTS(b.min - a.min, window_given ? (long)(pages / per) : 1,
			   (long)(pages / per + 1 + FAULT_SLACK),
			   "minor faults touching every page");
	munmap((void *)p, pages * PAGE_SIZE);
	close(fd);
	return ok;
}

/*
 * Open the cold file @name (slot @i) of @npages: DIR/@name with --cold, else a temporary
 * file written, synced and dropped from the page cache. 0 with *@fdp, or TAP_SKIP when the
 * kernel would not drop it (checked with mincore), TAP_FAIL on errors.
 */
static int open_cold(int i, const char *name, size_t npages, int *fdp)
{
	unsigned char vec[SEQ_PAGES];
	const uint64_t *p;
	size_t pg, resident = 0;
	char path[PATH_MAX];
	int fd;

	if (cold) {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		*fdp = open(path, O_RDONLY);
		if (*fdp < 0)
			tap_diag("%s: %s", path, strerror(errno));
		return *fdp < 0 ? TAP_FAIL : 0;
	}
	fd = temp_file(i, npages);
	if (fd < 0)
		return TAP_FAIL;
	*fdp = fd;
	if (!CHECK_EQ(fsync(fd), 0, "fsync") ||
	    !CHECK_EQ(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0, "POSIX_FADV_DONTNEED"))
		return TAP_FAIL;
	p = map_file(fd, npages);
	if (!p)
		return TAP_FAIL;
	if (mincore((void *)p, npages * PAGE_SIZE, vec)) {
		tap_diag("mincore: %s", strerror(errno));
		munmap((void *)p, npages * PAGE_SIZE);
		return tap_skip("mincore cannot tell whether the file is cold");
	}
	munmap((void *)p, npages * PAGE_SIZE);
	for (pg = 0; pg < npages; pg++)
		resident += vec[pg] & 1;
	if (resident > npages / 16) {
		tap_diag("%zu of %zu pages still cached after POSIX_FADV_DONTNEED", resident,
			 npages);
		return tap_skip("the kernel keeps this file cached (tmpfs?): not cold");
	}
	return 0;
}

static int test_cold_sequential(void)
{
	size_t pg, pages = SEQ_PAGES;
	const uint64_t *p;
	struct counts a, b;
	int fd = -1, ok = 1, ret;

	ret = open_cold(1, "seq.dat", pages, &fd);
	if (ret)
		goto out;
	p = map_file(fd, pages);
	if (!p) {
		ret = TAP_FAIL;
		goto out;
	}
	a = counts();
	for (pg = 0; pg < pages; pg++)
		ok &= page_ok(p, pg);
	b = counts();
	ok = CHECK(ok, "a mapped page does not hold its pattern");
	tap_diag("%zu cold pages read in order: %ld major, %ld minor faults", pages,
		 b.maj - a.maj, b.min - a.min);
	ok &= CHECK_GE(b.maj - a.maj, 1, "major faults: the file was cold");
	ok &= CHECK_LE(b.maj - a.maj, (long)(pages / 8), "major faults (readahead)");
	munmap((void *)p, pages * PAGE_SIZE);
	ret = ok;
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

static int test_random(void)
{
	size_t pg, pages = RAND_PAGES, touched = 0;
	const uint64_t *p;
	struct counts a, b;
	int fd = -1, ok = 1, ret;

	ret = open_cold(2, "rand.dat", pages, &fd);
	if (ret)
		goto out;
	p = map_file(fd, pages);
	if (!p) {
		ret = TAP_FAIL;
		goto out;
	}
	ok = CHECK_EQ(madvise((void *)p, pages * PAGE_SIZE, MADV_RANDOM), 0, "MADV_RANDOM");
	a = counts();
	for (pg = 0; pg < pages; pg += RAND_STRIDE, touched++)
		ok &= page_ok(p, pg);
	b = counts();
	ok &= CHECK(ok, "a mapped page does not hold its pattern");
	tap_diag("MADV_RANDOM, %zu of %zu cold pages touched: %ld major, %ld minor faults",
		 touched, pages, b.maj - a.maj, b.min - a.min);
	ok &= CHECK_GE(b.maj - a.maj, (long)touched - 2, "major faults: one per touched page");
	ok &= CHECK_LE(b.maj - a.maj, (long)touched, "major faults");
	munmap((void *)p, pages * PAGE_SIZE);
	ret = ok;
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

static const struct tap_test tests[] = {
	{ "cached file: about one minor fault per fault-around window", test_fault_around },
	{ "cold file read in order: major faults far fewer than pages", test_cold_sequential },
	{ "cold file, MADV_RANDOM: one major fault per touched page", test_random },
};

static const char *big_path;

/* Read @big_path with read(), then through one mapping, each page checked. */
static int test_big(void)
{
	static uint64_t buf[16 * PAGE_SIZE / 8];
	size_t pg = 0, i, pages, bad = 0;
	const uint64_t *p;
	struct stat st;
	ssize_t r;
	int fd = open(big_path, O_RDONLY), ok;

	if (fd < 0 || fstat(fd, &st)) {
		tap_diag("%s: %s", big_path, strerror(errno));
		return TAP_FAIL;
	}
	pages = st.st_size / PAGE_SIZE;
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < (size_t)r / PAGE_SIZE; i++, pg++)
			bad += buf[i * PAGE_SIZE / 8] != page_word(pg) ||
			       buf[(i + 1) * PAGE_SIZE / 8 - 1] != ~page_word(pg);
	}
	ok = CHECK_EQ(r, 0, "read() to the end") & CHECK_EQ(pg, pages, "pages read") &
	     CHECK_EQ(bad, 0, "pages read() with a wrong pattern");
	p = map_file(fd, pages);
	if (!p) {
		close(fd);
		return TAP_FAIL;
	}
	for (pg = 0, bad = 0; pg < pages; pg++)
		bad += !page_ok(p, pg) || p[(pg + 1) * PAGE_SIZE / 8 - 1] != ~page_word(pg);
	ok &= CHECK_EQ(bad, 0, "mapped pages with a wrong pattern");
	tap_diag("%s: %zu pages (%zu MiB) read and mapped", big_path, pages, pages >> 8);
	munmap((void *)p, pages * PAGE_SIZE);
	close(fd);
	return ok;
}

/* The second word of page @pg after test_big_write: not the pattern's, checkable. */
static uint64_t written_word(size_t pg)
{
	return ~page_word(pg) ^ 0x5752495445ULL;	/* "WRITE" */
}

/*
 * Write one word of every page of @big_path through one shared mapping, unmap it without
 * msync, then read() every page back: dirty pages of a file larger than RAM must be
 * written back to make room (reclaim, the flusher, dirty throttling), none lost.
 */
static int test_big_write(void)
{
	static uint64_t buf[16 * PAGE_SIZE / 8];
	size_t pg = 0, i, pages, bad = 0;
	struct stat st;
	uint64_t *p;
	ssize_t r;
	int fd = open(big_path, O_RDWR), ok;

	if (fd < 0 || fstat(fd, &st)) {
		tap_diag("%s: %s", big_path, strerror(errno));
		return TAP_FAIL;
	}
	pages = st.st_size / PAGE_SIZE;
	p = mmap(NULL, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		tap_diag("mmap: %s", strerror(errno));
		close(fd);
		return TAP_FAIL;
	}
	for (pg = 0; pg < pages; pg++)
		p[pg * PAGE_SIZE / 8 + 1] = written_word(pg);
	ok = CHECK_EQ(munmap(p, pages * PAGE_SIZE), 0, "munmap");
	for (pg = 0; (r = pread(fd, buf, sizeof(buf), pg * PAGE_SIZE)) > 0; ) {
		for (i = 0; i < (size_t)r / PAGE_SIZE; i++, pg++)
			bad += buf[i * PAGE_SIZE / 8] != page_word(pg) ||
			       buf[i * PAGE_SIZE / 8 + 1] != written_word(pg);
	}
	ok &= CHECK_EQ(r, 0, "read() to the end") & CHECK_EQ(pg, pages, "pages read") &
	      CHECK_EQ(bad, 0, "pages without what the mapping wrote");
	tap_diag("%s: %zu pages (%zu MiB) written through a shared mapping, read back", big_path,
		 pages, pages >> 8);
	close(fd);
	return ok;
}

static const struct tap_test big_tests[] = {
	{ "a file larger than RAM, read() and mapped end to end", test_big },
	{ "a file larger than RAM, written through a shared mapping, nothing lost", test_big_write },
};

static const char *bad_path;
static size_t bad_pg;

/* A read error in the middle of a file: EIO for read(), SIGBUS for a mapping, nothing else. */
static int test_bad_block(void)
{
	static uint64_t buf[PAGE_SIZE / 8];
	const uint64_t *p;
	size_t pg, bad = 0;
	ssize_t r = 0;
	int fd = open(bad_path, O_RDONLY), ok, st;

	if (fd < 0) {
		tap_diag("%s: %s", bad_path, strerror(errno));
		return TAP_FAIL;
	}
	for (pg = 0; pg < bad_pg && (r = read(fd, buf, PAGE_SIZE)) == PAGE_SIZE; pg++)
		bad += buf[0] != page_word(pg) || buf[PAGE_SIZE / 8 - 1] != ~page_word(pg);
	ok = CHECK_EQ(pg, bad_pg, "pages read() before the bad block") &
	     CHECK_EQ(bad, 0, "pages read() with a wrong pattern") &
	     CHECK_ERRNO(read(fd, buf, PAGE_SIZE), -1, EIO, "read() of the bad block");
	p = map_file(fd, bad_pg + 1);
	if (!p) {
		close(fd);
		return TAP_FAIL;
	}
	for (pg = 0, bad = 0; pg < bad_pg; pg++)
		bad += !page_ok(p, pg) || p[(pg + 1) * PAGE_SIZE / 8 - 1] != ~page_word(pg);
	ok &= CHECK_EQ(bad, 0, "mapped pages before the bad block with a wrong pattern");
	st = probe_read((void *)(p + bad_pg * PAGE_SIZE / 8));
	ok &= CHECK(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS,
		    "touching the mapped bad block: child %s, expected SIGBUS", status_str(st));
	munmap((void *)p, (bad_pg + 1) * PAGE_SIZE);
	close(fd);
	return ok;
}

static const struct tap_test bad_block_tests[] = {
	{ "a block past the end of the disk: read() EIO, mapping SIGBUS", test_bad_block },
};

static int usage(const char *why)
{
	fprintf(stderr, "file_fault: %s (usage: file_fault [--window BYTES] [--cold] "
		"[--seq-only] [DIR] | --make DIR | --big PATH | --make-big PATH MIB | "
		"--bad-block PATH PAGE)\n", why);
	return 2;
}

static int make(const char *d)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/seq.dat", d);
	fd = make_file(path, SEQ_PAGES);
	if (fd < 0)
		return 1;
	close(fd);
	snprintf(path, sizeof(path), "%s/rand.dat", d);
	fd = make_file(path, RAND_PAGES);
	if (fd < 0)
		return 1;
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *env = getenv("TMPDIR");
	int i, ret;
	char *end;

	dir = env && *env ? env : "/tmp";
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--big")) {
			if (argc != 3 || i != 1)
				return usage("--big takes one PATH and nothing else");
			big_path = argv[2];
			return tap_run(big_tests, ARRAY_SIZE(big_tests));
		} else if (!strcmp(argv[i], "--bad-block")) {
			if (argc != 4 || i != 1)
				return usage("--bad-block takes PATH and PAGE");
			errno = 0;
			bad_pg = strtoul(argv[3], &end, 10);
			if (errno || *end || bad_pg > SEQ_PAGES)
				return usage("--bad-block: PAGE from 0 to 1024");
			bad_path = argv[2];
			return tap_run(bad_block_tests, 1);
		} else if (!strcmp(argv[i], "--make-big")) {
			if (argc != 4 || i != 1)
				return usage("--make-big takes PATH and MIB");
			errno = 0;
			i = strtol(argv[3], &end, 10);
			if (errno || *end || i < 1 || i > 4096)
				return usage("--make-big: MIB from 1 to 4096");
			i = make_file(argv[2], (size_t)i << 8);
			if (i < 0)
				return 1;
			close(i);
			return 0;
		} else if (!strcmp(argv[i], "--make")) {
			if (argc != 3 || i != 1)
				return usage("--make takes one DIR and nothing else");
			return make(argv[2]);
		} else if (!strcmp(argv[i], "--window")) {
			if (++i == argc)
				return usage("--window needs BYTES");
			errno = 0;
			window = strtol(argv[i], &end, 0);
			if (errno || *end || window < (long)PAGE_SIZE || window > (2L << 20) ||
			    (window & (window - 1)))
				return usage("--window: a power of two from 4096 to 2097152");
			window_given = 1;
		} else if (!strcmp(argv[i], "--cold")) {
			cold = 1;
		} else if (!strcmp(argv[i], "--seq-only")) {
			seq_only = 1;
		} else if (argv[i][0] == '-' || i != argc - 1) {
			return usage("bad arguments");
		} else {
			dir = argv[i];
		}
	}
	if (seq_only)
		ret = tap_run(tests + 1, 1);
	else
		ret = tap_run(tests, ARRAY_SIZE(tests));
	for (i = 0; i < 3; i++)
		if (tmp_path[i][0])
			unlink(tmp_path[i]);
	return ret;
}

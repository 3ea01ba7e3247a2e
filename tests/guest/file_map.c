/* SPDX-License-Identifier: MIT */
/*
 * File mappings against read() and write(), on one file: write() then a mapping sees the
 * bytes; a MAP_SHARED store is seen by read() and, after msync and fsync, is the file; a
 * MAP_PRIVATE store stays in the private copy; touching a page wholly past end of file, or
 * past it after ftruncate() shrank the file, is SIGBUS. The file is left holding the
 * VERIFY_BYTES pattern, written through MAP_SHARED.
 *
 * Usage: file_map [PATH]        run the tests on PATH (created or truncated, and left there);
 *                               without PATH on a temporary file in $TMPDIR (removed)
 *        file_map --verify PATH PATH holds exactly the pattern (a later boot checks the disk)
 * In the guest PATH is on the ext2 disk (tests/integration/file.sh); natively on the host.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include "util.h"

#define VERIFY_BYTES	(2 * PAGE_SIZE + 100)

static int fd = -1;
static const char *path;		/* the file's name */

static unsigned char byte_at(size_t i, unsigned int seed)
{
	return (unsigned char)(i * 7 + seed * 13 + (i >> 12));
}

/* Make the file @len bytes of pattern @seed with write(). */
static int fill_file(size_t len, unsigned int seed)
{
	static unsigned char buf[4 * PAGE_SIZE];
	size_t i;

	if (len > sizeof(buf))
		return 0;
	for (i = 0; i < len; i++)
		buf[i] = byte_at(i, seed);
	return CHECK_EQ(ftruncate(fd, 0), 0, "ftruncate to 0") &
	       CHECK_EQ(pwrite(fd, buf, len, 0), (ssize_t)len, "pwrite the pattern");
}

/* The file's bytes [@off, @off + @len) read with pread() are pattern @seed. */
static int check_read(size_t off, size_t len, unsigned int seed, const char *what)
{
	static unsigned char buf[4 * PAGE_SIZE];
	size_t i;

	if (!CHECK_EQ(pread(fd, buf, len, off), (ssize_t)len, "pread"))
		return 0;
	for (i = 0; i < len; i++)
		if (buf[i] != byte_at(off + i, seed))
			return CHECK(0, "%s: byte %zu is %#x, expected %#x", what, off + i, buf[i],
				     byte_at(off + i, seed));
	return 1;
}

static int check_mem(const unsigned char *p, size_t len, unsigned int seed, const char *what)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != byte_at(i, seed))
			return CHECK(0, "%s: byte %zu is %#x, expected %#x", what, i, p[i],
				     byte_at(i, seed));
	return 1;
}

static unsigned char *map(size_t len, int prot, int flags)
{
	void *p = mmap(NULL, len, prot, flags, fd, 0);

	if (p == MAP_FAILED) {
		tap_diag("mmap: %s", strerror(errno));
		return NULL;
	}
	return p;
}

static int test_write_then_map(void)
{
	unsigned char *p;
	int ok;

	if (!fill_file(3 * PAGE_SIZE, 1) || !(p = map(3 * PAGE_SIZE, PROT_READ, MAP_SHARED)))
		return TAP_FAIL;
	ok = check_mem(p, 3 * PAGE_SIZE, 1, "mapping after write()");
	/* A write() after the mapping exists shows in it too: one page cache. */
	ok &= CHECK_EQ(pwrite(fd, "\x5a", 1, PAGE_SIZE + 9), 1, "pwrite one byte");
	ok &= CHECK_EQ(p[PAGE_SIZE + 9], 0x5a, "mapped byte after pwrite");
	munmap(p, 3 * PAGE_SIZE);
	return ok;
}

static int test_shared_store_read(void)
{
	unsigned char *p;
	size_t i;
	int ok;

	if (!fill_file(3 * PAGE_SIZE, 2) ||
	    !(p = map(3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED)))
		return TAP_FAIL;
	for (i = 0; i < 3 * PAGE_SIZE; i++)
		p[i] = byte_at(i, 3);
	ok = check_read(0, 3 * PAGE_SIZE, 3, "read() after MAP_SHARED stores");
	ok &= CHECK_EQ(msync(p, 3 * PAGE_SIZE, MS_SYNC), 0, "msync(MS_SYNC)");
	ok &= CHECK_EQ(fsync(fd), 0, "fsync");
	ok &= CHECK_EQ(fdatasync(fd), 0, "fdatasync");
	ok &= check_read(0, 3 * PAGE_SIZE, 3, "read() after msync");
	munmap(p, 3 * PAGE_SIZE);
	return ok;
}

static int test_private_store(void)
{
	unsigned char *priv, *shared;
	int ok;

	if (!fill_file(2 * PAGE_SIZE, 4) ||
	    !(priv = map(2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE)))
		return TAP_FAIL;
	shared = map(2 * PAGE_SIZE, PROT_READ, MAP_SHARED);
	if (!shared)
		return TAP_FAIL;
	ok = check_mem(priv, 2 * PAGE_SIZE, 4, "MAP_PRIVATE before the store");
	priv[5] ^= 0xff;
	priv[PAGE_SIZE + 5] ^= 0xff;
	ok &= CHECK_EQ(priv[5], (unsigned char)~byte_at(5, 4), "private copy holds the store");
	ok &= check_mem(shared, 2 * PAGE_SIZE, 4, "MAP_SHARED beside the private store");
	ok &= check_read(0, 2 * PAGE_SIZE, 4, "read() after the private store");
	/* Still private after the file changes under the untouched part? Page 1 was copied. */
	ok &= CHECK_EQ(pwrite(fd, "\x11", 1, PAGE_SIZE + 5), 1, "pwrite over the copied page");
	ok &= CHECK_EQ(priv[PAGE_SIZE + 5], (unsigned char)~byte_at(PAGE_SIZE + 5, 4),
		       "the private copy ignores later file writes");
	munmap(priv, 2 * PAGE_SIZE);
	munmap(shared, 2 * PAGE_SIZE);
	return ok;
}

static int test_sigbus_past_eof(void)
{
	unsigned char *p;
	int ok;

	if (!fill_file(PAGE_SIZE + 100, 5) || !(p = map(3 * PAGE_SIZE, PROT_READ, MAP_SHARED)))
		return TAP_FAIL;
	ok = CHECK_EQ(p[PAGE_SIZE + 99], byte_at(PAGE_SIZE + 99, 5), "last byte of the file");
	ok &= CHECK_EQ(p[PAGE_SIZE + 100], 0, "the tail of the last page reads zero");
	ok &= CHECK_KILLED(probe_read(p + 2 * PAGE_SIZE), SIGBUS, "read a page past EOF");
	munmap(p, 3 * PAGE_SIZE);
	return ok;
}

static int test_sigbus_after_truncate(void)
{
	unsigned char *p;
	int ok;

	if (!fill_file(3 * PAGE_SIZE, 6) || !(p = map(3 * PAGE_SIZE, PROT_READ, MAP_SHARED)))
		return TAP_FAIL;
	ok = CHECK_EQ(p[2 * PAGE_SIZE], byte_at(2 * PAGE_SIZE, 6), "page 2 before ftruncate");
	ok &= CHECK_EQ(ftruncate(fd, PAGE_SIZE), 0, "ftruncate to one page");
	ok &= CHECK_KILLED(probe_read(p + 2 * PAGE_SIZE), SIGBUS, "read page 2 after the shrink");
	ok &= CHECK_EQ(p[10], byte_at(10, 6), "page 0 after the shrink");
	munmap(p, 3 * PAGE_SIZE);
	return ok;
}

/* Leave the file as the VERIFY_BYTES pattern, stored through MAP_SHARED. */
static int test_leave_pattern(void)
{
	unsigned char *p;
	struct stat st;
	size_t i;
	int ok;

	if (!CHECK_EQ(ftruncate(fd, 0), 0, "ftruncate to 0") ||
	    !CHECK_EQ(ftruncate(fd, VERIFY_BYTES), 0, "ftruncate up") ||
	    !(p = map(VERIFY_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED)))
		return TAP_FAIL;
	for (i = 0; i < VERIFY_BYTES; i++)
		p[i] = byte_at(i, 9);
	ok = CHECK_EQ(munmap(p, VERIFY_BYTES), 0, "munmap");
	ok &= CHECK_EQ(fstat(fd, &st), 0, "fstat");
	ok &= CHECK_EQ(st.st_size, (off_t)VERIFY_BYTES, "size");
	ok &= check_read(0, VERIFY_BYTES, 9, "read() after munmap");
	return ok;
}

/* Bad requests on files are refused with Linux's errors. */
static int test_errors(void)
{
	char name[PATH_MAX + 8], c;
	int p[2], ro, ok;

	if (!CHECK_EQ(pipe(p), 0, "pipe") || !fill_file(PAGE_SIZE, 7))
		return TAP_FAIL;
	ok = CHECK_ERRNO(pread(p[0], &c, 1, 0), -1, ESPIPE, "pread of a pipe");
	ok &= CHECK_ERRNO(ftruncate(p[1], 0), -1, EINVAL, "ftruncate of a pipe");
	ok &= CHECK_ERRNO(pwrite(fd, "x", 1, -1), -1, EINVAL, "pwrite at offset -1");
	ok &= CHECK_ERRNO(ftruncate(fd, -1), -1, EINVAL, "ftruncate to -1");
	ok &= CHECK_ERRNO(open(path, O_RDWR | O_CREAT | O_EXCL, 0644), -1, EEXIST,
			  "O_CREAT|O_EXCL of the file");
	ro = open(path, O_RDONLY);
	ok &= CHECK(ro >= 0, "open O_RDONLY: %s", strerror(errno));
	ok &= CHECK(mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED &&
		    errno == EACCES, "writable MAP_SHARED of a read-only fd: expected EACCES");
	ok &= CHECK_ERRNO(write(ro, "x", 1), -1, EBADF, "write to a read-only fd");
	ok &= CHECK_ERRNO(pwrite(ro, "x", 1, 0), -1, EBADF, "pwrite to a read-only fd");
	ok &= CHECK_ERRNO(ftruncate(ro, 0), -1, EINVAL, "ftruncate of a read-only fd");
	close(ro);
	snprintf(name, sizeof(name), "%s.gone", path);
	ok &= CHECK_ERRNO(open(name, O_RDONLY), -1, ENOENT, "open of a missing file");
	ok &= CHECK_ERRNO(unlink(name), -1, ENOENT, "unlink of a missing file");
	ro = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
	ok &= CHECK(ro >= 0, "create %s: %s", name, strerror(errno));
	ok &= CHECK_ERRNO(pread(ro, &c, 1, 0), -1, EBADF, "pread of a write-only fd");
	close(ro);
	ok &= CHECK_EQ(unlink(name), 0, "unlink of the new file");
	ok &= CHECK_ERRNO(open(name, O_RDONLY), -1, ENOENT, "open after unlink");
	close(p[0]);
	close(p[1]);
	return ok;
}

/* stat() of the name agrees with fstat() of the open file. */
static int test_stat(void)
{
	struct stat a, b;

	if (!fill_file(PAGE_SIZE + 7, 8))
		return TAP_FAIL;
	if (!CHECK_EQ(fstat(fd, &a), 0, "fstat") || !CHECK_EQ(stat(path, &b), 0, "stat"))
		return TAP_FAIL;
	return CHECK_EQ(b.st_ino, a.st_ino, "st_ino") & CHECK_EQ(b.st_size, a.st_size, "st_size") &
	       CHECK_EQ(a.st_size, (off_t)(PAGE_SIZE + 7), "size") &
	       CHECK(S_ISREG(b.st_mode), "st_mode %#o: a regular file", b.st_mode);
}

/* open() gives the lowest free descriptor, whatever it is: here 1, with stdout closed. */
static int test_lowest_fd(void)
{
	int saved, fd1, ok;
	char c = 0;

	fflush(stdout);
	saved = dup(1);
	if (!CHECK(saved >= 0, "dup(1): %s", strerror(errno)))
		return TAP_FAIL;
	close(1);
	fd1 = open(path, O_RDONLY);
	ok = fd1 == 1 && pread(fd1, &c, 1, 0) == 1;
	if (fd1 >= 0)
		close(fd1);
	dup2(saved, 1);
	close(saved);
	return CHECK(ok, "open() with descriptor 1 free gave %d, expected 1, readable", fd1);
}

/*
 * open() as Linux: with the descriptor table full it fails with EMFILE before O_TRUNC or
 * O_CREAT touched anything; O_RDONLY|O_TRUNC truncates; a relative name is found from the
 * working directory (/ here: checked when the file is in /, as in the guest's ext2 root).
 */
static int test_open_semantics(void)
{
	char name[PATH_MAX + 8], cwd[PATH_MAX];
	int fds[256], n = 0, f, ok;
	struct rlimit old, lim;
	struct stat st;

	if (!fill_file(PAGE_SIZE, 7))
		return TAP_FAIL;
	snprintf(name, sizeof(name), "%s.new", path);
	/* A small table natively too (the guest's has 64 descriptors; it has no setrlimit). */
	getrlimit(RLIMIT_NOFILE, &old);
	lim = old;
	lim.rlim_cur = 64;
	setrlimit(RLIMIT_NOFILE, &lim);
	while (n < (int)ARRAY_SIZE(fds) && (fds[n] = dup(0)) >= 0)
		n++;
	ok = CHECK(n < (int)ARRAY_SIZE(fds) && errno == EMFILE, "dup until EMFILE: %d dups", n);
	ok &= CHECK_ERRNO(open(path, O_WRONLY | O_TRUNC), -1, EMFILE, "O_TRUNC, table full");
	ok &= CHECK_ERRNO(open(name, O_RDWR | O_CREAT, 0644), -1, EMFILE, "O_CREAT, table full");
	while (n)
		close(fds[--n]);
	setrlimit(RLIMIT_NOFILE, &old);
	ok &= CHECK(!stat(path, &st) && st.st_size == (off_t)PAGE_SIZE,
		    "the file after a failed O_TRUNC: size %lld, expected %lu",
		    (long long)st.st_size, PAGE_SIZE);
	ok &= CHECK_ERRNO(stat(name, &st), -1, ENOENT, "the file a failed O_CREAT named");
	unlink(name);
	if (!fill_file(PAGE_SIZE, 7))
		return TAP_FAIL;
	f = open(path, O_RDONLY | O_TRUNC);
	ok &= CHECK(f >= 0 && !fstat(f, &st) && st.st_size == 0,
		    "O_RDONLY|O_TRUNC: fd %d, size %lld, expected 0", f, (long long)st.st_size);
	if (f >= 0)
		close(f);
	ok &= CHECK(!getcwd(cwd, 1) && errno == ERANGE, "getcwd() into 1 byte: expected ERANGE");
	if (strchr(path, '/') == strrchr(path, '/') && path[0] == '/' && getcwd(cwd, sizeof(cwd)) &&
	    !strcmp(cwd, "/")) {
		f = open(path + 1, O_RDONLY);
		ok &= CHECK(f >= 0, "open(\"%s\") relative to /: %s", path + 1, strerror(errno));
		if (f >= 0)
			close(f);
	}
	return ok;
}

static const struct tap_test tests[] = {
	{ "stat() agrees with fstat()", test_stat },
	{ "open() with stdout closed gives descriptor 1", test_lowest_fd },
	{ "open(): EMFILE before O_TRUNC/O_CREAT, O_RDONLY|O_TRUNC, relative", test_open_semantics },
	{ "bad requests on files: Linux's errors", test_errors },
	{ "write() then mmap: the mapping sees the file", test_write_then_map },
	{ "MAP_SHARED store: read() sees it; msync, fsync", test_shared_store_read },
	{ "MAP_PRIVATE store does not reach the file", test_private_store },
	{ "SIGBUS on a page past end of file", test_sigbus_past_eof },
	{ "SIGBUS after ftruncate shrink", test_sigbus_after_truncate },
	{ "MAP_SHARED pattern left in the file", test_leave_pattern },
};

static int test_verify(void)
{
	unsigned char *p;
	struct stat st;
	int ok;

	if (!CHECK_EQ(fstat(fd, &st), 0, "fstat") ||
	    !CHECK_EQ(st.st_size, (off_t)VERIFY_BYTES, "size"))
		return TAP_FAIL;
	ok = check_read(0, VERIFY_BYTES, 9, "read() of the pattern");
	p = map(VERIFY_BYTES, PROT_READ, MAP_PRIVATE);
	if (!p)
		return TAP_FAIL;
	ok &= check_mem(p, VERIFY_BYTES, 9, "mapping of the pattern");
	munmap(p, VERIFY_BYTES);
	return ok;
}

static const struct tap_test verify_tests[] = {
	{ "the file holds the MAP_SHARED pattern", test_verify },
};

static int usage(const char *why)
{
	fprintf(stderr, "file_map: %s (usage: file_map [PATH] | file_map --verify PATH)\n", why);
	return 2;
}

int main(int argc, char **argv)
{
	char tmp[PATH_MAX];
	const char *dir = getenv("TMPDIR");
	int ret;

	if (argc > 1 && argv[1][0] == '-') {
		if (strcmp(argv[1], "--verify") || argc != 3)
			return usage("bad arguments");
		fd = open(argv[2], O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "file_map: %s: %s\n", argv[2], strerror(errno));
			return 1;
		}
		return tap_run(verify_tests, 1);
	}
	if (argc > 2)
		return usage("too many arguments");
	if (argc == 2) {
		path = argv[1];
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	} else {
		snprintf(tmp, sizeof(tmp), "%s/file_map.XXXXXX", dir && *dir ? dir : "/tmp");
		path = tmp;
		fd = mkstemp(tmp);
	}
	if (fd < 0) {
		fprintf(stderr, "file_map: %s: %s\n", argc == 2 ? argv[1] : tmp, strerror(errno));
		return 1;
	}
	ret = tap_run(tests, sizeof(tests) / sizeof(tests[0]));
	if (argc == 1)
		unlink(tmp);
	close(fd);
	return ret;
}

// SPDX-License-Identifier: MIT
/*
 * Host tests of the guest's cpio "newc" reader (guest/fs/cpio.c, included here): archives
 * built field by field and by GNU cpio are walked entry by entry; every corruption of a
 * header (magic, each hex field, name size, name bytes, data size, checksum, alignment)
 * and every truncation is refused with a reason. Archives are parsed from buffers of
 * exactly their size, so AddressSanitizer catches any read past the end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest/fs/cpio.c"
#include "mm_test.h"

static unsigned char ar[1 << 16];
static size_t ar_len;
static char why[128];

/* Append a newc entry; @magic "070701" or "070702" (then the checksum is computed). */
static void add_entry(const char *magic, const char *name, unsigned int mode, unsigned int mtime,
		      const void *data, size_t size)
{
	size_t namesize = strlen(name) + 1;
	unsigned int sum = 0;
	size_t i;

	for (i = 0; !strcmp(magic, "070702") && i < size; i++)
		sum += ((const unsigned char *)data)[i];
	ar_len += sprintf((char *)ar + ar_len,
			  "%s%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x", magic,
			  0x1234, mode, 1000, 100, 1, mtime, size, 8, 1, 5, 1, namesize, sum);
	memcpy(ar + ar_len, name, namesize);
	ar_len = (ar_len + namesize + 3) & ~3UL;
	if (size)
		memcpy(ar + ar_len, data, size);
	ar_len = (ar_len + size + 3) & ~3UL;
}

static void add(const char *name, unsigned int mode, const char *data)
{
	add_entry("070701", name, mode, 1700000000, data, data ? strlen(data) : 0);
}

static void trailer(void)
{
	add(CPIO_TRAILER, 0, NULL);
}

/* The standard archive: ".", a directory, two files, the trailer. */
static void standard(void)
{
	memset(ar, 0, sizeof(ar));
	ar_len = 0;
	add(".", 0040755, NULL);
	add("bin", 0040755, NULL);
	add("bin/hello", 0100755, "hello, world\n");
	add("init", 0100700, "#!x");
	trailer();
}

/* Walk @len bytes of @buf (copied to a buffer of exactly that size): entries or -errno. */
static int walk(const void *buf, size_t len)
{
	void *copy = malloc(len ? len : 1);
	struct cpio_iter it;
	struct cpio_entry e;
	int n = 0, ret;

	memcpy(copy, buf, len);
	why[0] = '\0';
	cpio_init(&it, copy, len);
	while ((ret = cpio_next(&it, &e, why, sizeof(why))) > 0) {
		if (e.namelen != strlen(e.name) ||
		    (const char *)e.data + e.size > (const char *)copy + len) {
			ret = -1000;	/* an entry outside the buffer: a parser bug */
			break;
		}
		n++;
	}
	free(copy);
	return ret < 0 ? ret : n;
}

/* The walk fails with a reason containing @word. */
static bool refused(const void *buf, size_t len, const char *word)
{
	int ret = walk(buf, len);

	if (ret != -EINVAL || !strstr(why, word)) {
		tap_diag("walk returned %d, why \"%s\" (want -EINVAL and \"%s\")", ret, why, word);
		return false;
	}
	return true;
}

static bool test_entries(void)
{
	struct cpio_iter it;
	struct cpio_entry e;

	standard();
	cpio_init(&it, ar, ar_len);
	CHECK(cpio_next(&it, &e, why, sizeof(why)) == 1 && !strcmp(e.name, "."));
	CHECK(cpio_next(&it, &e, why, sizeof(why)) == 1 && !strcmp(e.name, "bin"));
	CHECK(e.mode == 0040755 && e.size == 0 && e.namelen == 3);
	CHECK(cpio_next(&it, &e, why, sizeof(why)) == 1 && !strcmp(e.name, "bin/hello"));
	CHECK(e.mode == 0100755 && e.size == 13 && !memcmp(e.data, "hello, world\n", 13));
	CHECK(e.ino == 0x1234 && e.uid == 1000 && e.gid == 100 && e.nlink == 1);
	CHECK(e.mtime == 1700000000 && e.rdev_major == 5 && e.rdev_minor == 1);
	CHECK(((const unsigned char *)e.data - ar) % 4 == 0);
	CHECK(cpio_next(&it, &e, why, sizeof(why)) == 1 && !strcmp(e.name, "init"));
	CHECK(e.size == 3 && !memcmp(e.data, "#!x", 3));
	CHECK(cpio_next(&it, &e, why, sizeof(why)) == 0);
	CHECK(cpio_next(&it, &e, why, sizeof(why)) == 0);	/* and stays at the end */
	CHECK(it.entries == 4);
	return true;
}

/* Zero padding after the trailer, and a second archive after it (as Linux allows). */
static bool test_padding_and_concatenation(void)
{
	size_t first;

	standard();
	CHECK(walk(ar, ar_len) == 4);
	CHECK(walk(ar, ar_len + 512) == 4);		/* cpio pads to 512 bytes */
	first = ar_len + 512;
	ar_len = first;
	add("second", 0100644, "more");
	trailer();
	CHECK(walk(ar, ar_len) == 5);
	/* What follows the padding must start a header on a 4-byte boundary. */
	memmove(ar + first + 1, ar + first, ar_len - first);
	ar[first] = 0;
	CHECK(refused(ar, ar_len + 1, "aligned"));
	/* Something else than zeros or a header after the trailer. */
	standard();
	ar[ar_len] = 'x';
	return refused(ar, ar_len + 200, "magic");
}

/* The last entry's padding may be cut: an archive that ends right after the trailer name. */
static bool test_short_final_padding(void)
{
	standard();
	/* The trailer's name ends 11 bytes after its header; its padding is 1 byte. */
	CHECK(walk(ar, ar_len - 1) == 4);
	return true;
}

static bool test_crc_format(void)
{
	memset(ar, 0, sizeof(ar));
	ar_len = 0;
	add_entry("070702", "file", 0100644, 0, "checksum me", 11);
	trailer();
	CHECK(walk(ar, ar_len) == 1);
	ar[CPIO_HEADER_SIZE + 8] ^= 1;			/* the data, after "file\0" + padding */
	CHECK(refused(ar, ar_len, "checksum"));
	/* A 070701 header must have a zero check field. */
	standard();
	ar[6 + 8 * 12 + 7] = '1';
	return refused(ar, ar_len, "check");
}

static bool test_bad_magic(void)
{
	standard();
	memcpy(ar, "070707", 6);			/* the old binary-ish "odc" format */
	CHECK(refused(ar, ar_len, "magic"));
	standard();
	ar[5] = 'X';
	return refused(ar, ar_len, "magic");
}

/* Each of the 13 fields refuses a character that is not a hex digit, at each position. */
static bool test_bad_hex_fields(void)
{
	static const char *const names[] = { "ino", "mode", "uid", "gid", "nlink", "mtime",
		"filesize", "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize",
		"check" };
	static const char bad[] = { 'g', 'G', ' ', '-', 'x', '\0' };
	char want[32];
	int f, pos;

	for (f = 0; f < 13; f++) {
		for (pos = 0; pos < 8; pos++) {
			standard();
			ar[6 + 8 * f + pos] = bad[(f + pos) % sizeof(bad)];
			snprintf(want, sizeof(want), "field %s", names[f]);
			CHECK(refused(ar, ar_len, want));
		}
	}
	/* Upper-case hex digits are fine. */
	standard();
	memcpy(ar + 6, "0000ABCD", 8);
	return walk(ar, ar_len) == 4;
}

static void set_field(size_t hdr, int field, unsigned int v)
{
	char tmp[9];

	snprintf(tmp, sizeof(tmp), "%08x", v);
	memcpy(ar + hdr + 6 + 8 * field, tmp, 8);
}

static bool test_bad_names(void)
{
	size_t second;

	standard();
	second = 112;		/* "." takes 110 + 2 bytes */
	set_field(second, 11, 0);
	CHECK(refused(ar, ar_len, "name size"));
	standard();
	set_field(second, 11, 1);			/* just the NUL: an empty name */
	CHECK(refused(ar, ar_len, "name size"));
	standard();
	set_field(second, 11, CPIO_NAME_MAX + 1);
	CHECK(refused(ar, ar_len, "name size"));
	standard();
	set_field(second, 11, 3);			/* "bi" + 'n' where the NUL must be */
	CHECK(refused(ar, ar_len, "NUL"));
	standard();
	ar[second + CPIO_HEADER_SIZE + 1] = '\0';	/* "b\0n\0": an embedded NUL */
	CHECK(refused(ar, ar_len, "NUL"));
	standard();
	set_field(second, 11, 0x800);			/* a name past the end */
	return refused(ar, ar_len, "past the end");
}

static bool test_bad_sizes(void)
{
	standard();
	set_field(224, 6, 0xffffffff);			/* bin/hello's size: 4 GiB */
	CHECK(refused(ar, ar_len, "bin/hello"));
	standard();
	set_field(224, 6, ar_len);			/* just past the end */
	CHECK(refused(ar, ar_len, "past the end"));
	return true;
}

/* Every truncation is refused (or, past the trailer's name, accepted whole). */
static bool test_every_truncation(void)
{
	size_t len, trailer_start;
	int ret;

	standard();
	trailer_start = ar_len - 124;			/* 110 + "TRAILER!!!\0" + 1 padding */
	for (len = 0; len < ar_len; len++) {
		ret = walk(ar, len);
		if (len < trailer_start + CPIO_HEADER_SIZE + 11)
			CHECKF(ret == -EINVAL, "length %zu: %d", len, ret);
		else
			CHECKF(ret == 4, "length %zu: %d", len, ret);
	}
	CHECK(refused(ar, 0, "empty"));
	CHECK(refused(ar, trailer_start, "TRAILER"));
	return true;
}

/* Random corruption: never a crash or a read outside the buffer, only 0..n or -EINVAL. */
static bool test_random_corruption(void)
{
	unsigned int seed = 12345, i, k;
	int ret;

	for (i = 0; i < 20000; i++) {
		standard();
		for (k = 0; k < 1 + i % 4; k++) {
			seed = seed * 1103515245 + 12345;
			ar[(seed >> 8) % ar_len] = seed >> 24;
		}
		ret = walk(ar, ar_len - (i % 7 == 0 ? (seed >> 4) % ar_len : 0));
		CHECKF(ret == -EINVAL || (ret >= 0 && ret <= 8), "iteration %u: %d", i, ret);
	}
	return true;
}

/* What GNU cpio writes is what the guest reads (skipped when cpio is not installed). */
static bool test_gnu_cpio(void)
{
	char dir[] = "/tmp/test_guest_cpio.XXXXXX", path[256], cmd[512];
	static unsigned char big[10000];
	struct cpio_iter it;
	struct cpio_entry e;
	int seen = 0, ret;
	size_t i, n;
	FILE *f;

	if (system("command -v cpio >/dev/null 2>&1")) {
		tap_diag("cpio is not installed: cross-check skipped");
		return true;
	}
	CHECK(mkdtemp(dir));
	for (i = 0; i < sizeof(big); i++)
		big[i] = i * 7;
	snprintf(path, sizeof(path), "%s/sub", dir);
	CHECK(mkdir(path, 0755) == 0);
	snprintf(path, sizeof(path), "%s/sub/big", dir);
	CHECK((f = fopen(path, "w")));
	CHECK(fwrite(big, 1, sizeof(big), f) == sizeof(big));
	fclose(f);
	snprintf(path, sizeof(path), "%s/empty", dir);
	CHECK((f = fopen(path, "w")));
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cd %s && find . | LC_ALL=C sort | cpio -o -H newc --quiet; "
		 "rm -rf %s", dir, dir);
	CHECK((f = popen(cmd, "r")));
	n = fread(ar, 1, sizeof(ar), f);
	pclose(f);
	CHECKF(n > 0 && n < sizeof(ar), "archive of %zu bytes", n);
	CHECK(walk(ar, n) == 4);			/* ".", "empty", "sub", "sub/big" */
	cpio_init(&it, ar, n);
	while ((ret = cpio_next(&it, &e, why, sizeof(why))) == 1) {
		if (strstr(e.name, "sub/big")) {
			CHECK(e.size == sizeof(big) && !memcmp(e.data, big, sizeof(big)));
			CHECK((e.mode & 0170000) == 0100000);
			seen |= 1;
		} else if (strstr(e.name, "empty")) {
			CHECK(e.size == 0 && (e.mode & 0170000) == 0100000);
			seen |= 2;
		} else if (strstr(e.name, "sub")) {
			CHECK((e.mode & 0170000) == 0040000);
			seen |= 4;
		}
	}
	CHECKF(ret == 0 && seen == 7, "end %d, entries seen %#x, why: %s", ret, seen, why);
	return true;
}

int main(void)
{
	tap_plan(11);
	TAP_RUN(test_entries);
	TAP_RUN(test_padding_and_concatenation);
	TAP_RUN(test_short_final_padding);
	TAP_RUN(test_crc_format);
	TAP_RUN(test_bad_magic);
	TAP_RUN(test_bad_hex_fields);
	TAP_RUN(test_bad_names);
	TAP_RUN(test_bad_sizes);
	TAP_RUN(test_every_truncation);
	TAP_RUN(test_random_corruption);
	TAP_RUN(test_gnu_cpio);
	return tap_finish();
}

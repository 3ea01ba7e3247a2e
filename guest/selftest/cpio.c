// SPDX-License-Identifier: MIT
/*
 * Self-test of the initramfs reader in the kernel build (the host test
 * tests/unit/test_guest_cpio.c covers every case): an archive built here is walked entry
 * by entry, and corrupted copies are refused with a reason instead of being read past.
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/string.h>
#include <guest/cpio.h>
#include <guest/selftest.h>

static char archive[1024];

/* True if @s contains @word. */
static bool contains(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; *s; s++)
		if (!strncmp(s, word, n))
			return true;
	return false;
}

/* Append one newc entry at *off. */
static void add(size_t *off, const char *name, unsigned int mode, const char *data)
{
	size_t namesize = strlen(name) + 1, size = data ? strlen(data) : 0;

	*off += snprintf(archive + *off, sizeof(archive) - *off,
			 "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x",
			 1, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, namesize, 0);
	memcpy(archive + *off, name, namesize);
	*off = ALIGN_UP(*off + namesize, 4);
	if (size)
		memcpy(archive + *off, data, size);
	*off = ALIGN_UP(*off + size, 4);
}

static size_t build(void)
{
	size_t off = 0;

	memset(archive, 0, sizeof(archive));
	add(&off, ".", 0040755, NULL);
	add(&off, "bin", 0040755, NULL);
	add(&off, "bin/hello", 0100755, "hello, world\n");
	add(&off, CPIO_TRAILER, 0, NULL);
	return off;
}

/* Walk the archive; the number of entries, or the error. */
static int walk(size_t len, char *why, size_t whylen)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int n = 0, ret;

	cpio_init(&it, archive, len);
	while ((ret = cpio_next(&it, &e, why, whylen)) > 0)
		n++;
	return ret < 0 ? ret : n;
}

int selftest_cpio(void)
{
	struct cpio_iter it;
	struct cpio_entry e;
	char why[96];
	size_t len = build();

	cpio_init(&it, archive, len);
	ST_ASSERT_EQ(cpio_next(&it, &e, why, sizeof(why)), 1);
	ST_ASSERT_STREQ(e.name, ".");
	ST_ASSERT_EQ(cpio_next(&it, &e, why, sizeof(why)), 1);
	ST_ASSERT_STREQ(e.name, "bin");
	ST_ASSERT_EQ(e.mode, 0040755);
	ST_ASSERT_EQ(cpio_next(&it, &e, why, sizeof(why)), 1);
	ST_ASSERT_STREQ(e.name, "bin/hello");
	ST_ASSERT_EQ(e.size, 13);
	ST_ASSERT(!memcmp(e.data, "hello, world\n", 13));
	ST_ASSERT_EQ(cpio_next(&it, &e, why, sizeof(why)), 0);
	/* Padding after the trailer is fine. */
	ST_ASSERT_EQ(walk(len + 512, why, sizeof(why)), 3);

	archive[0] = '1';				/* bad magic */
	ST_ASSERT_EQ(walk(len, why, sizeof(why)), -EINVAL);
	ST_ASSERT(contains(why, "magic"));
	len = build();
	archive[6 + 8 * 6] = 'g';			/* a bad hex digit in filesize */
	ST_ASSERT_EQ(walk(len, why, sizeof(why)), -EINVAL);
	ST_ASSERT(contains(why, "filesize"));
	len = build();
	ST_ASSERT_EQ(walk(len - 120, why, sizeof(why)), -EINVAL);	/* no trailer */
	ST_ASSERT_EQ(walk(200, why, sizeof(why)), -EINVAL);	/* data cut short */
	ST_ASSERT_EQ(walk(0, why, sizeof(why)), -EINVAL);	/* empty */
	return SELFTEST_PASS;
}

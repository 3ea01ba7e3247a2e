/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the KVM binary-statistics reader (host/kvm_stats.c) on crafted files in
 * KVM_GET_STATS_FD format: the counters it picks, the line it prints, and files whose header,
 * descriptors or offsets are broken (it must refuse them without reading out of bounds).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "host/kvm_stats.h"
#include "mm_test.h"

#define NAME_SIZE	48		/* KVM's KVM_STATS_NAME_SIZE */

static char path[] = "/tmp/vmm-stats.XXXXXX";
static int fd;
static struct errbuf e;

struct stat_def {
	const char *name;
	u16 size;		/* u64 values */
	u64 value;
};

/*
 * Write a stats file: header, id string, descriptors (@name_size bytes of name each) and
 * data, laid out as KVM does; @hdr_fix may then break the header.
 */
static void craft(const struct stat_def *defs, unsigned int n, u32 name_size,
		  void (*hdr_fix)(struct kvm_stats_header *h))
{
	struct kvm_stats_header h = {
		.name_size = name_size,
		.num_desc = n,
		.id_offset = sizeof(h),
		.desc_offset = sizeof(h) + 64,
	};
	size_t dsize = sizeof(struct kvm_stats_desc) + name_size;
	u8 *desc = calloc(n ? n : 1, dsize);
	u32 off = 0;
	unsigned int i;

	h.data_offset = h.desc_offset + n * dsize;
	for (i = 0; i < n; i++) {
		struct kvm_stats_desc d = { .size = defs[i].size, .offset = off };

		memcpy(desc + i * dsize, &d, sizeof(d));
		strncpy((char *)desc + i * dsize + sizeof(d), defs[i].name, name_size);
		if (pwrite(fd, &defs[i].value, 8, h.data_offset + off) != 8)
			abort();
		off += defs[i].size * 8;
	}
	if (hdr_fix)
		hdr_fix(&h);
	if (pwrite(fd, &h, sizeof(h), 0) != sizeof(h) ||
	    pwrite(fd, "kvm-1234/vcpu-0", 16, sizeof(h)) != 16 ||
	    (n && pwrite(fd, desc, n * dsize, sizeof(h) + 64) != (ssize_t)(n * dsize)))
		abort();
	free(desc);
}

static void reset_file(void)
{
	if (ftruncate(fd, 0))
		abort();
}

static const struct stat_def kvm_like[] = {
	{ "halt_wakeup", 1, 3 },
	{ "hist", 0, 0 },			/* a histogram without values */
	{ "exits", 1, 1234 },
	{ "io_exits", 1, 56 },
	{ "buckets", 4, 99 },
	{ "mmio_exits", 1, 0 },
};

static const char *const wanted[] = { "exits", "io_exits", "mmio_exits", "pf_fixed", "hist" };

static bool test_reads_the_named_stats(void)
{
	u64 v[5] = { 0 };
	bool found[5];
	char line[256];

	reset_file();
	craft(kvm_like, ARRAY_SIZE(kvm_like), NAME_SIZE, NULL);
	CHECKF(kvm_stats_read(fd, wanted, 5, v, found, &e) == 3, "%s", e.msg);
	CHECK(found[0] && v[0] == 1234);
	CHECK(found[1] && v[1] == 56);
	CHECK(found[2] && v[2] == 0);
	CHECK(!found[3]);			/* not in this file */
	CHECK(!found[4]);			/* no values */
	CHECK(kvm_stats_line(line, sizeof(line), "kvm_", wanted, 5, v, found) == 3);
	CHECKF(!strcmp(line, "stat kvm_exits=1234 kvm_io_exits=56 kvm_mmio_exits=0"), "%s", line);
	return true;
}

static bool test_odd_name_size(void)
{
	u64 v[5];
	bool found[5];

	/* Descriptors at unaligned offsets (UBSan checks the reader copies them). */
	reset_file();
	craft(kvm_like, ARRAY_SIZE(kvm_like), 13, NULL);
	CHECKF(kvm_stats_read(fd, wanted, 5, v, found, &e) == 3, "%s", e.msg);
	CHECK(v[0] == 1234 && v[1] == 56);
	return true;
}

static bool test_name_without_nul(void)
{
	static const struct stat_def long_name[] = { { "exitsXXXX", 1, 7 } };
	static const char *const want[] = { "exitsXXX" };
	u64 v;
	bool found;

	/* A name that fills name_size with no NUL is cut at name_size - 1, never overrun. */
	reset_file();
	craft(long_name, 1, 9, NULL);
	CHECK(kvm_stats_read(fd, want, 1, &v, &found, &e) == 1 && found && v == 7);
	return true;
}

static void zero_name_size(struct kvm_stats_header *h) { h->name_size = 0; }
static void huge_name_size(struct kvm_stats_header *h) { h->name_size = 1u << 30; }
static void huge_num_desc(struct kvm_stats_header *h) { h->num_desc = 1u << 31; }
static void desc_past_eof(struct kvm_stats_header *h) { h->desc_offset = 1u << 30; }
static void data_past_eof(struct kvm_stats_header *h) { h->data_offset = 0xfffffff0u; }

static bool test_malformed_files(void)
{
	static void (*const fixes[])(struct kvm_stats_header *) = {
		zero_name_size, huge_name_size, huge_num_desc, desc_past_eof, data_past_eof,
	};
	u64 v[5];
	bool found[5];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fixes); i++) {
		reset_file();
		craft(kvm_like, ARRAY_SIZE(kvm_like), NAME_SIZE, fixes[i]);
		CHECKF(kvm_stats_read(fd, wanted, 5, v, found, &e) == -EINVAL, "case %zu", i);
		CHECKF(strstr(e.msg, "KVM stats: "), "%s", e.msg);
	}
	/* A file cut inside the header. */
	reset_file();
	CHECK(pwrite(fd, "abc", 3, 0) == 3);
	CHECK(kvm_stats_read(fd, wanted, 5, v, found, &e) == -EINVAL);
	/* Not a file at all. */
	CHECK(kvm_stats_read(-1, wanted, 5, v, found, &e) == -EBADF);
	return true;
}

static bool test_empty_line(void)
{
	u64 v[2] = { 1, 2 };
	bool found[2] = { false, false };
	char line[64];

	CHECK(kvm_stats_line(line, sizeof(line), "kvm_", wanted, 2, v, found) == 0);
	CHECK(!strcmp(line, "stat"));
	return true;
}

int main(void)
{
	int ret;

	fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	tap_plan(5);
	TAP_RUN(test_reads_the_named_stats);
	TAP_RUN(test_odd_name_size);
	TAP_RUN(test_name_without_nul);
	TAP_RUN(test_malformed_files);
	TAP_RUN(test_empty_line);
	ret = tap_finish();
	close(fd);
	unlink(path);
	return ret;
}

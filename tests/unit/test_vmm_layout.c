/* SPDX-License-Identifier: MIT */
/*
 * Host tests of what the VMM places at the top of guest RAM (host/layout.c, host/initrd.c):
 * the fault trace at the very top, the initrd page-aligned below it, every size that does or
 * does not fit, and the initrd file checks and its load into RAM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <abi/layout.h>
#include "host/initrd.h"
#include "host/kvm.h"
#include "host/layout.h"
#include "mm_test.h"

#define MIB		(1ULL << 20)
#define PG		GUEST_PAGE_SIZE
#define KEND		(MIB + 0x47123)		/* a kernel ending mid-page */

static char tmpdir[] = "/tmp/vmm-layout.XXXXXX";
static struct ram_plan p;
static struct errbuf e;

static int plan(u64 ram, u64 kend, u64 initrd, u64 trace)
{
	memset(&e, 0, sizeof(e));
	memset(&p, 0xee, sizeof(p));
	return ram_plan_make(&p, ram, kend, "rd.img", initrd, trace, &e);
}

/* Write @len bytes of pattern into the file @name in tmpdir; return its path (static). */
static const char *mkfile(const char *name, u64 len)
{
	static char path[256];
	u8 buf[4096];
	u64 done;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (done = 0; fd >= 0 && done < len; done += sizeof(buf)) {
		size_t i, n = MIN(len - done, (u64)sizeof(buf));

		for (i = 0; i < n; i++)
			buf[i] = (u8)((done + i) * 7 + 3);
		if (write(fd, buf, n) != (ssize_t)n)
			break;
	}
	if (fd < 0 || close(fd)) {
		perror(path);
		exit(1);
	}
	return path;
}

static bool test_nothing_placed(void)
{
	CHECK(plan(256 * MIB, KEND, 0, 0) == 0);
	CHECK(p.ram_size == 256 * MIB && p.kernel_end == KEND);
	CHECK(p.trace_gpa == 0 && p.trace_size == 0);
	CHECK(p.initrd_gpa == 0 && p.initrd_size == 0);
	return true;
}

static bool test_trace_at_the_top(void)
{
	CHECK(plan(256 * MIB, KEND, 0, TRACE_RING_SIZE_DEFAULT) == 0);
	CHECK(p.trace_gpa == 256 * MIB - TRACE_RING_SIZE_DEFAULT);
	CHECK(p.trace_size == TRACE_RING_SIZE_DEFAULT);
	CHECK(p.initrd_size == 0 && p.initrd_gpa == 0);
	CHECK(plan(16 * MIB, KEND, 0, PG) == 0 && p.trace_gpa == 16 * MIB - PG);
	return true;
}

static bool test_initrd_below_the_trace(void)
{
	/* A partial last page: the initrd starts on a page so that its pages end at the trace. */
	CHECK(plan(256 * MIB, KEND, 10000, MIB) == 0);
	CHECK(p.initrd_size == 10000);
	CHECK(p.initrd_gpa == 255 * MIB - 3 * PG);
	CHECK(IS_ALIGNED(p.initrd_gpa, PG));
	CHECK(ram_plan_initrd_end(&p) == p.trace_gpa);
	CHECK(p.initrd_gpa + p.initrd_size <= p.trace_gpa);
	/* Whole pages, and no trace: it ends exactly at the end of RAM. */
	CHECK(plan(64 * MIB, KEND, 8 * PG, 0) == 0);
	CHECK(p.initrd_gpa == 64 * MIB - 8 * PG && ram_plan_initrd_end(&p) == 64 * MIB);
	/* One byte takes one page. */
	CHECK(plan(64 * MIB, KEND, 1, 0) == 0 && p.initrd_gpa == 64 * MIB - PG);
	return true;
}

static bool test_exact_fit(void)
{
	u64 low = ALIGN_UP(KEND, PG), trace = 4 * PG;
	u64 room = 16 * MIB - trace - low;

	/* Every page between the kernel's last page and the trace. */
	CHECK(plan(16 * MIB, KEND, room, trace) == 0);
	CHECK(p.initrd_gpa == low && ram_plan_initrd_end(&p) == p.trace_gpa);
	/* One byte more needs one page more. */
	CHECKF(plan(16 * MIB, KEND, room + 1, trace) == -ENOSPC, "%s", e.msg);
	CHECKF(strstr(e.msg, "--initrd rd.img: ") == e.msg, "%s", e.msg);
	CHECKF(strstr(e.msg, "16M") && strstr(e.msg, "do not fit"), "%s", e.msg);
	/* The trace may take everything above the kernel, leaving no room for an initrd. */
	CHECK(plan(16 * MIB, KEND, 0, 16 * MIB - low) == 0 && p.trace_gpa == low);
	CHECK(plan(16 * MIB, KEND, 1, 16 * MIB - low) == -ENOSPC);
	return true;
}

static bool test_too_large(void)
{
	CHECK(plan(256 * MIB, KEND, 300 * MIB, 0) == -ENOSPC);
	CHECKF(strstr(e.msg, "314572800 bytes (300M)") && strstr(e.msg, "256M"), "%s", e.msg);
	CHECKF(strstr(e.msg, "the end of RAM"), "%s", e.msg);
	CHECK(plan(256 * MIB, KEND, 255 * MIB, MIB) == -ENOSPC);
	CHECKF(strstr(e.msg, "the fault trace"), "%s", e.msg);
	/* Sizes near 2^64 do not wrap into a fit. */
	CHECK(plan(256 * MIB, KEND, UINT64_MAX, 0) == -ENOSPC);
	CHECK(plan(256 * MIB, KEND, UINT64_MAX - PG + 2, MIB) == -ENOSPC);
	CHECK(plan(256 * MIB, KEND, 0, 256 * MIB) == -ENOSPC);
	CHECKF(strstr(e.msg, "--trace-size 256M: ") == e.msg, "%s", e.msg);
	CHECK(plan(256 * MIB, KEND, 0, UINT64_MAX & ~(PG - 1)) == -ENOSPC);
	/* A kernel that ends past RAM leaves room for nothing. */
	CHECK(plan(16 * MIB, 17 * MIB, 0, PG) == -ENOSPC);
	return true;
}

static bool test_trace_size_not_pages(void)
{
	CHECK(plan(256 * MIB, KEND, 0, PG + 1) == -EINVAL);
	CHECKF(strstr(e.msg, "multiple of 4K"), "%s", e.msg);
	return true;
}

static bool test_kernel_below_1m_counts_as_1m(void)
{
	CHECK(plan(16 * MIB, 0, 15 * MIB, 0) == 0 && p.initrd_gpa == MIB);
	CHECK(plan(16 * MIB, 0, 15 * MIB + 1, 0) == -ENOSPC);
	return true;
}

static bool test_initrd_open_checks(void)
{
	char path[300];
	int fd = 123;
	u64 size = 0;

	CHECK(initrd_open(mkfile("ok.img", 5000), &fd, &size, &e) == 0);
	CHECK(fd >= 0 && size == 5000);
	close(fd);
	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	CHECK(initrd_open(path, &fd, &size, &e) == -ENOENT);
	CHECKF(strstr(e.msg, path) == e.msg && strstr(e.msg, "No such file"), "%s", e.msg);
	CHECK(initrd_open(tmpdir, &fd, &size, &e) == -EINVAL);
	CHECKF(strstr(e.msg, "not a regular file"), "%s", e.msg);
	CHECK(initrd_open(mkfile("empty.img", 0), &fd, &size, &e) == -EINVAL);
	CHECKF(strstr(e.msg, "empty file"), "%s", e.msg);
	CHECK(fd == -1);
	CHECK(initrd_open("/dev/null", &fd, &size, &e) == -EINVAL);
	return true;
}

static bool test_initrd_load(void)
{
	struct vm vm = { .ram_size = 4 * MIB };
	const char *path = mkfile("load.img", 3 * PG + 17);
	u64 size, i;
	int fd;

	vm.ram = malloc(vm.ram_size);
	CHECK(vm.ram);
	memset(vm.ram, 0xaa, vm.ram_size);
	CHECK(ram_plan_make(&p, vm.ram_size, MIB, path, 3 * PG + 17, PG, &e) == 0);
	CHECK(initrd_open(path, &fd, &size, &e) == 0 && size == 3 * PG + 17);
	CHECKF(initrd_load(&vm, fd, path, p.initrd_gpa, size, &e) == 0, "%s", e.msg);
	CHECK(p.initrd_gpa == 4 * MIB - 5 * PG);
	for (i = 0; i < size; i++)
		CHECKF(vm.ram[p.initrd_gpa + i] == (u8)(i * 7 + 3), "byte %llu",
		       (unsigned long long)i);
	CHECK(vm.ram[p.initrd_gpa - 1] == 0xaa && vm.ram[p.initrd_gpa + size] == 0xaa);
	/* A range outside RAM is refused, and the file is closed either way. */
	CHECK(initrd_open(path, &fd, &size, &e) == 0);
	CHECK(initrd_load(&vm, fd, path, 4 * MIB - PG, size, &e) == -EFAULT);
	CHECK(fcntl(fd, F_GETFD) == -1 && errno == EBADF);
	/* A file that shrank after it was sized. */
	CHECK(initrd_open(path, &fd, &size, &e) == 0);
	CHECK(truncate(path, 100) == 0);
	CHECK(initrd_load(&vm, fd, path, MIB, size, &e) == -EIO);
	CHECKF(strstr(e.msg, "shrank"), "%s", e.msg);
	free(vm.ram);
	return true;
}

static int cleanup(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	tap_plan(9);
	TAP_RUN(test_nothing_placed);
	TAP_RUN(test_trace_at_the_top);
	TAP_RUN(test_initrd_below_the_trace);
	TAP_RUN(test_exact_fit);
	TAP_RUN(test_too_large);
	TAP_RUN(test_trace_size_not_pages);
	TAP_RUN(test_kernel_below_1m_counts_as_1m);
	TAP_RUN(test_initrd_open_checks);
	TAP_RUN(test_initrd_load);
	if (cleanup())
		tap_diag("could not remove %s", tmpdir);
	return tap_finish();
}

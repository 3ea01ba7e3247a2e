/* SPDX-License-Identifier: MIT */
/*
 * Periodic writeback, seen from a program: a pattern stored through a MAP_SHARED mapping
 * of a file, with no msync/fsync, is written back by the kernel's flusher on its own;
 * noticed because writeback write-protects the clean page, so the next store faults again
 * (ru_minflt + 1). Polled with nanosleep, for at most --bound-ms. Then, with --poweroff,
 * reboot(RB_POWER_OFF) without sync: whatever is on the disk got there by itself.
 *
 * Usage: writeback                         natively: skipped (see below)
 *        writeback [--poweroff] --bound-ms N PATH
 *                  the test on PATH (created or truncated; left holding the pattern)
 *        writeback --synced-poweroff PATH  the pattern through MAP_SHARED + msync(MS_SYNC),
 *                  then more stores without sync, and power off at once (before any expiry)
 *        writeback --verify PATH           PATH holds exactly the pattern (host check)
 *        writeback --outlive DIR           (as init) leave a child creating and writing files
 *                  in DIR and exit at once: the kernel unmounts while the child runs
 * In the guest PATH is on the ext2 disk with short dirty_*_centisecs (tests/integration/
 * writeback.sh). Natively the flusher's expiry is 30 s (vm.dirty_expire_centisecs) and
 * power-off is not ours to take: the bare run only reports a skip.
 */
#include <fcntl.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <time.h>
#include "util.h"

#define WB_BYTES	(3 * PAGE_SIZE + 100)	/* four pages, the last one partly */
#define WB_PAGES	((WB_BYTES + PAGE_SIZE - 1) / PAGE_SIZE)
#define BOUND_MS_MAX	600000L

#define LINUX_REBOOT_MAGIC1	0xfee1deadU
#define LINUX_REBOOT_MAGIC2	672274793U

static int fd = -1;
static long bound_ms;
static unsigned char *map;

static unsigned char byte_at(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 12) * 13 + 0x5a);
}

static long minflt(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return -1;
	return ru.ru_minflt;
}

static int test_reboot_refuses(void)
{
	long r1 = syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, 1234, RB_POWER_OFF, NULL);
	int e1 = errno;
	long r2 = syscall(SYS_reboot, 0xdeadbeefU, LINUX_REBOOT_MAGIC2, RB_POWER_OFF, NULL);
	int e2 = errno;
	long r3 = syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, 0x12345678, NULL);
	int e3 = errno;
	/* What init programs do at start (sysvinit, busybox): turn Ctrl-Alt-Del off. */
	long r4 = syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, RB_DISABLE_CAD, NULL);
	int e4 = errno;

	return CHECK(r1 == -1 && e1 == EINVAL, "bad magic2: %ld (%s)", r1, strerror(e1)) &
	       CHECK(r2 == -1 && e2 == EINVAL, "bad magic1: %ld (%s)", r2, strerror(e2)) &
	       CHECK(r3 == -1 && e3 == EINVAL, "bad command: %ld (%s)", r3, strerror(e3)) &
	       CHECK(r4 == 0, "RB_DISABLE_CAD: %ld (%s), expected 0", r4, strerror(e4));
}

/* The file is WB_BYTES long, a hole, and the pattern goes in through a shared mapping. */
static int test_store_through_mapping(void)
{
	size_t i;

	if (!CHECK_EQ(ftruncate(fd, WB_BYTES), 0, "ftruncate"))
		return 0;
	map = mmap(NULL, WB_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!CHECK(map != MAP_FAILED, "mmap: %s", strerror(errno))) {
		map = NULL;
		return 0;
	}
	for (i = 0; i < WB_BYTES; i++)
		map[i] = byte_at(i);
	return 1;
}

/* Store the byte already there at the start of page @pg; did that fault (once)? */
static long refault(size_t pg)
{
	volatile unsigned char *p = map + pg * PAGE_SIZE;
	long before = minflt();

	*p = byte_at(pg * PAGE_SIZE);
	return minflt() - before;
}

/* Each page, cleaned by the flusher, faults again on its next store: at most bound_ms. */
static int test_written_back_on_its_own(void)
{
	long step_ns = bound_ms >= 100 ? bound_ms * 10000L : 1000000L, waited_ns = 0, f = 0;
	struct timespec ts = { step_ns / 1000000000L, step_ns % 1000000000L };
	size_t pg;
	int ok = 1;

	if (!map)
		return 0;
	minflt();			/* getrusage's own first-call costs, if any, not counted */
	for (pg = 0; pg < WB_PAGES; pg++) {
		while ((f = refault(pg)) == 0 && waited_ns < bound_ms * 1000000L) {
			if (nanosleep(&ts, NULL))
				return CHECK(0, "nanosleep: %s", strerror(errno));
			waited_ns += step_ns;
		}
		ok &= CHECK(f == 1, "page %zu: %ld faults on the store after %ld ms (want 1 within"
			    " %ld ms)", pg, f, waited_ns / 1000000L, bound_ms);
	}
	if (ok)
		tap_diag("written back after about %ld ms of polling", waited_ns / 1000000L);
	return ok;
}

static int check_file(void)
{
	static unsigned char buf[WB_BYTES + 1];
	ssize_t n = pread(fd, buf, sizeof(buf), 0);
	size_t i;

	if (!CHECK_EQ(n, (ssize_t)WB_BYTES, "pread of the whole file"))
		return 0;
	for (i = 0; i < WB_BYTES; i++)
		if (buf[i] != byte_at(i))
			return CHECK(0, "byte %zu is %#x, expected %#x", i, buf[i], byte_at(i));
	return 1;
}

static int test_read_sees_pattern(void)
{
	return check_file();
}

static const struct tap_test tests[] = {
	{ "reboot() refuses bad magic numbers and commands (EINVAL)", test_reboot_refuses },
	{ "a pattern stored through MAP_SHARED, no msync or fsync", test_store_through_mapping },
	{ "periodic writeback cleans every page: the next store faults once",
	  test_written_back_on_its_own },
	{ "read() sees the pattern", test_read_sees_pattern },
};

static int test_native_skip(void)
{
	return tap_skip("needs the guest: periodic writeback with short dirty_*_centisecs, and"
			" power-off (natively expiry is 30 s; see tests/integration/writeback.sh)");
}

static const struct tap_test native_tests[] = {
	{ "periodic writeback of a shared mapping", test_native_skip },
};

/* The stores of a synced pattern, then of unsynced ones, then power off at once. */
static int synced_poweroff(void)
{
	tap_plan(1);
	tap_result(test_store_through_mapping() && CHECK_EQ(msync(map, WB_BYTES, MS_SYNC), 0,
							   "msync(MS_SYNC)") ? TAP_PASS : TAP_FAIL,
		   "a pattern stored through MAP_SHARED and msync(MS_SYNC)");
	if (map)
		map[WB_BYTES - 1] ^= 0xff;	/* dirty again, never synced */
	tap_finish();
	fflush(stdout);
	reboot(RB_POWER_OFF);
	fprintf(stderr, "writeback: reboot(RB_POWER_OFF): %s\n", strerror(errno));
	return 1;
}

static int usage(const char *why)
{
	fprintf(stderr, "writeback: %s (usage: writeback [--poweroff] --bound-ms N PATH | "
		"writeback --synced-poweroff PATH | writeback --verify PATH | "
		"writeback --outlive DIR)\n", why);
	return 2;
}

static int open_file(const char *path, int flags)
{
	fd = open(path, flags, 0644);
	if (fd < 0)
		fprintf(stderr, "writeback: %s: %s\n", path, strerror(errno));
	return fd;
}

/* A child that outlives its parent (init): files created and written in @dir, forever. */
static int outlive(const char *dir)
{
	static char buf[8192];
	struct timespec ts = { 0, 200000 };
	char name[PATH_MAX];
	pid_t pid;
	int f, i;

	memset(buf, 0x5a, sizeof(buf));
	/* Dirty data first: the unmount's writeback then sleeps long enough for the child. */
	snprintf(name, sizeof(name), "%s/outlive.dat", dir);
	f = open(name, O_CREAT | O_RDWR | O_TRUNC, 0644);
	for (i = 0; f >= 0 && i < 8; i++)
		if (write(f, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			break;
	if (f < 0 || i < 8) {
		fprintf(stderr, "writeback: %s: %s\n", name, strerror(errno));
		return 1;
	}
	close(f);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "writeback: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid) {
		printf("writeback: child %d left running\n", pid);
		fflush(stdout);
		return 0;		/* init exits: the kernel unmounts under the child */
	}
	for (i = 0;; i++) {
		nanosleep(&ts, NULL);
		snprintf(name, sizeof(name), "%s/outlive%d", dir, i);
		f = open(name, O_CREAT | O_RDWR, 0644);
		if (f >= 0) {
			if (write(f, buf, sizeof(buf)) < 0)
				break;
			close(f);
		}
	}
	return 1;
}

int main(int argc, char **argv)
{
	int poweroff = 0, i = 1, ret;
	char *end;

	if (argc == 1)
		return tap_run(native_tests, ARRAY_SIZE(native_tests));
	if (!strcmp(argv[1], "--outlive")) {
		if (argc != 3)
			return usage("--outlive takes one DIR");
		return outlive(argv[2]);
	}
	if (!strcmp(argv[1], "--verify") || !strcmp(argv[1], "--synced-poweroff")) {
		if (argc != 3)
			return usage("bad arguments");
		if (argv[1][2] == 'v') {
			if (open_file(argv[2], O_RDONLY) < 0)
				return 1;
			tap_plan(1);
			tap_result(check_file() ? TAP_PASS : TAP_FAIL, "the file holds the pattern");
			return tap_finish();
		}
		if (open_file(argv[2], O_RDWR | O_CREAT | O_TRUNC) < 0)
			return 1;
		return synced_poweroff();
	}
	if (!strcmp(argv[i], "--poweroff")) {
		poweroff = 1;
		i++;
	}
	if (argc - i != 3 || strcmp(argv[i], "--bound-ms"))
		return usage("bad arguments");
	errno = 0;
	bound_ms = strtol(argv[i + 1], &end, 10);
	if (errno || end == argv[i + 1] || *end || bound_ms < 1 || bound_ms > BOUND_MS_MAX)
		return usage("--bound-ms takes 1 to 600000");
	if (open_file(argv[i + 2], O_RDWR | O_CREAT | O_TRUNC) < 0)
		return 1;
	ret = tap_run(tests, ARRAY_SIZE(tests));
	if (!poweroff)
		return ret;
	fflush(stdout);
	reboot(RB_POWER_OFF);			/* no sync: Linux's does none either */
	fprintf(stderr, "writeback: reboot(RB_POWER_OFF): %s\n", strerror(errno));
	return 1;
}

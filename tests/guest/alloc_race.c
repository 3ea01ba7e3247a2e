/* SPDX-License-Identifier: MIT */
/*
 * Block allocation racing the flusher: files whose blocks 12..15 (past the direct blocks on
 * a 1 KiB-block ext2, so behind an indirect block) are stored through MAP_SHARED are left
 * to periodic writeback, while a child pwrite()s block 40 of the same files, which needs
 * the same indirect block. Whoever allocates it second must find it there, not allocate a
 * second one (the loser's blocks would leak and its data be lost). Every file must read
 * back right; tests/integration/writeback.sh then runs e2fsck -fn on the image. The child
 * starts at a different point of the flusher's period each round, to meet it mid-pass.
 *
 * Usage: alloc_race [DIR]   (default $TMPDIR or /tmp; in the guest /mnt, 1 KiB blocks,
 *                           dirty_writeback_centisecs=10 dirty_expire_centisecs=10)
 * Natively it is a plain test of the same stores and reads.
 */
#include <fcntl.h>
#include <time.h>
#include "util.h"

#define NFILES		48
#define ROUNDS		4
#define FILE_BYTES	65536
#define STORE_OFF	(3 * 4096)	/* 1 KiB blocks 12..15 */
#define POKE_OFF	(40 * 1024)	/* block 40: the same indirect block */

static const char *dir;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_until_ns(long long t)
{
	struct timespec ts = { t / 1000000000LL, t % 1000000000LL };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* One round: @r's files made, stored, poked by a child, then checked with read(). */
static int round_ok(int r)
{
	static unsigned char buf[4096];
	int fd[NFILES], i, st, bad = 0;
	char name[PATH_MAX];
	long long t;
	pid_t pid;

	for (i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), "%s/race%d_%d", dir, r, i);
		fd[i] = open(name, O_CREAT | O_RDWR | O_TRUNC, 0644);
		if (!CHECK(fd[i] >= 0 && !ftruncate(fd[i], FILE_BYTES), "%s: %s", name,
			   strerror(errno)))
			return 0;
	}
	t = now_ns();
	for (i = 0; i < NFILES; i++) {
		unsigned char *m = mmap(NULL, FILE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
					fd[i], 0);

		if (!CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno)))
			return 0;
		memset(m + STORE_OFF, 0xa0 + r, 4096);
		munmap(m, FILE_BYTES);
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		sleep_until_ns(t + 150000000LL + r * 40000000LL);
		for (i = NFILES - 1; i >= 0; i--)
			if (pwrite(fd[i], "x", 1, POKE_OFF) != 1)
				_exit(1);
		_exit(0);
	}
	if (!CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st),
		   "the child's pwrite()s"))
		return 0;
	sleep_until_ns(t + 1500000000LL);	/* the flusher passes more than once */
	for (i = 0; i < NFILES; i++) {
		int j;

		if (pread(fd[i], buf, sizeof(buf), STORE_OFF) != sizeof(buf))
			bad++;
		for (j = 0; j < (int)sizeof(buf); j++)
			bad += buf[j] != 0xa0 + r;
		if (pread(fd[i], buf, 1, POKE_OFF) != 1 || buf[0] != 'x')
			bad++;
		close(fd[i]);
	}
	return CHECK(bad == 0, "round %d: %d wrong bytes read back", r, bad);
}

static int test_race(void)
{
	int r, ok = 1;

	for (r = 0; r < ROUNDS; r++)
		ok &= round_ok(r);
	return ok;
}

int main(int argc, char **argv)
{
	static const struct tap_test tests[] = {
		{ "stores and writes racing the flusher for one indirect block", test_race },
	};
	const char *env = getenv("TMPDIR");

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "alloc_race: bad arguments (usage: alloc_race [DIR])\n");
		return 2;
	}
	dir = argc == 2 ? argv[1] : env && *env ? env : "/tmp";
	return tap_run(tests, ARRAY_SIZE(tests));
}

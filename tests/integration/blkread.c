/* SPDX-License-Identifier: MIT */
/*
 * blkread FILE SIZE COUNT seq|rand: the host's side of the block benchmark (make bench).
 * COUNT pread()s of SIZE bytes from FILE at the offsets blktest=bench uses: slot i for seq,
 * blk_bench_next() for rand (include/abi/blk_pattern.h), timed with CLOCK_MONOTONIC.
 * Prints "blkread: pattern=P size=S requests=N bytes=B ns=T". Exit 0, 1 on a failed or
 * short read, 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <abi/blk_pattern.h>

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	unsigned long long size, count, slots, i, slot, t0, state = BLK_BENCH_SEED;
	struct stat st;
	char *buf;
	int fd, rnd;

	if (argc != 5 || (strcmp(argv[4], "seq") && strcmp(argv[4], "rand"))) {
		fprintf(stderr, "usage: blkread FILE SIZE COUNT seq|rand\n");
		return 2;
	}
	size = strtoull(argv[2], NULL, 0);
	count = strtoull(argv[3], NULL, 0);
	rnd = !strcmp(argv[4], "rand");
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "blkread: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	slots = size ? st.st_size / size : 0;
	buf = size ? malloc(size) : NULL;
	if (!slots || !buf) {
		fprintf(stderr, "blkread: %s: no room for a %llu-byte read\n", argv[1], size);
		return 2;
	}
	t0 = now_ns();
	for (i = 0; i < count; i++) {
		slot = rnd ? blk_bench_next(&state, slots) : i % slots;
		if (pread(fd, buf, size, slot * size) != (ssize_t)size) {
			fprintf(stderr, "blkread: %s: read at %llu failed\n", argv[1], slot * size);
			return 1;
		}
	}
	printf("blkread: pattern=%s size=%llu requests=%llu bytes=%llu ns=%llu\n", argv[4], size,
	       count, count * size, now_ns() - t0);
	return 0;
}

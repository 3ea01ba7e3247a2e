/* SPDX-License-Identifier: MIT */
/*
 * blkpattern write|check FILE SECTORS: the host side of the block integration tests.
 * `write` makes FILE exactly SECTORS 512-byte sectors of the disk pattern
 * (include/abi/blk_pattern.h), for blktest=read; `check` verifies that FILE is exactly
 * SECTORS sectors long and holds the pattern, after blktest=write. Exit 0 when done or
 * all matches; 1 on the first mismatch or a wrong size (printed); 2 on bad usage or I/O
 * errors. Static, for the nested initramfs, whose busybox has no od or cmp -l worth using.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <abi/blk_pattern.h>

static void fill(uint64_t sector, uint64_t *words)
{
	unsigned int w;

	for (w = 0; w < BLK_PATTERN_WORDS; w++)
		words[w] = blk_pattern_word(sector, w);
}

int main(int argc, char **argv)
{
	uint64_t sectors, s, want[BLK_PATTERN_WORDS], got[BLK_PATTERN_WORDS];
	unsigned int w;
	struct stat st;
	char *end;
	FILE *f;

	if (argc != 4 || (strcmp(argv[1], "write") && strcmp(argv[1], "check"))) {
		fprintf(stderr, "usage: blkpattern write|check FILE SECTORS\n");
		return 2;
	}
	errno = 0;
	sectors = strtoull(argv[3], &end, 0);
	if (errno || *end || !sectors) {
		fprintf(stderr, "blkpattern: %s: not a sector count\n", argv[3]);
		return 2;
	}
	f = fopen(argv[2], argv[1][0] == 'w' ? "wb" : "rb");
	if (!f) {
		fprintf(stderr, "blkpattern: %s: %s\n", argv[2], strerror(errno));
		return 2;
	}
	if (argv[1][0] == 'w') {
		for (s = 0; s < sectors; s++) {
			fill(s, want);
			if (fwrite(want, sizeof(want), 1, f) != 1) {
				fprintf(stderr, "blkpattern: %s: %s\n", argv[2], strerror(errno));
				return 2;
			}
		}
		return fclose(f) ? 2 : 0;
	}
	if (fstat(fileno(f), &st) || (uint64_t)st.st_size != sectors * 512) {
		printf("%s: %lld bytes, expected %" PRIu64 " (%" PRIu64 " sectors)\n", argv[2],
		       (long long)st.st_size, sectors * 512, sectors);
		return 1;
	}
	for (s = 0; s < sectors; s++) {
		if (fread(got, sizeof(got), 1, f) != 1) {
			printf("%s: short read at sector %" PRIu64 "\n", argv[2], s);
			return 1;
		}
		fill(s, want);
		for (w = 0; w < BLK_PATTERN_WORDS; w++) {
			if (got[w] != want[w]) {
				printf("%s: sector %" PRIu64 " word %u: 0x%016" PRIx64
				       ", want 0x%016" PRIx64 "\n", argv[2], s, w, got[w], want[w]);
				return 1;
			}
		}
	}
	printf("%s: %" PRIu64 " sectors match the pattern\n", argv[2], sectors);
	return 0;
}

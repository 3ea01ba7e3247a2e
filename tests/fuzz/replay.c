// SPDX-License-Identifier: MIT
/*
 * Replay a fuzzer's saved corpus without libFuzzer: feed every file of a corpus folder, in
 * name order, to the same LLVMFuzzerTestOneInput() (built with gcc, ASan and UBSan) and
 * print kselftest TAP, one `ok N corpus/NAME` per file. A sanitizer report aborts the run,
 * which the TAP plan then shows. Usage: replay_NAME [DIR]; DIR defaults to
 * tests/fuzz/corpus/NAME, relative to the repository root where `make test` runs.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Corpus entries: regular names, not dot files. */
static int corpus_entry(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Read @path into an exact-size heap buffer (so an overread is an ASan report). */
static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc(n ? n : 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	*size = n;
out:
	fclose(f);
	return buf;
}

/* tests/fuzz/corpus/NAME for a program called .../replay_NAME. */
static void default_dir(const char *argv0, char *dir, size_t size)
{
	const char *base = strrchr(argv0, '/');

	base = base ? base + 1 : argv0;
	if (!strncmp(base, "replay_", 7))
		base += 7;
	snprintf(dir, size, "tests/fuzz/corpus/%s", base);
}

int main(int argc, char **argv)
{
	struct dirent **names;
	char path[4096], dir[1024];
	int n, i, fail = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	if (argc > 1)
		snprintf(dir, sizeof(dir), "%s", argv[1]);
	else
		default_dir(argv[0], dir, sizeof(dir));
	n = scandir(dir, &names, corpus_entry, alphasort);
	if (n <= 0) {
		printf("1..1\nnot ok 1 corpus %s: %s\n", dir, n < 0 ? strerror(errno) : "empty");
		return 1;
	}
	printf("1..%d\n", n);
	for (i = 0; i < n; i++) {
		size_t size = 0;
		uint8_t *buf;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		buf = read_file(path, &size);
		if (!buf) {
			printf("not ok %d %s # cannot read: %s\n", i + 1, path, strerror(errno));
			fail++;
		} else {
			LLVMFuzzerTestOneInput(buf, size);
			printf("ok %d %s\n", i + 1, path);
		}
		free(buf);
		free(names[i]);
	}
	free(names);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n", n - fail, fail);
	return fail ? 1 : 0;
}

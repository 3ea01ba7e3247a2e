/* SPDX-License-Identifier: MIT */
/* Helpers for the whole VMM: error messages, logging, number parsing, clocks, file reads. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "host/util.h"

bool vmm_verbose;
u64 vmm_start_us;

/* As early as a static binary can stamp its start: before main(), after exec and libc init. */
__attribute__((constructor(101))) static void stamp_start(void)
{
	vmm_start_us = now_us();
}

long peak_rss_kib(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? -1 : ru.ru_maxrss;
}

u64 now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000 + (u64)ts.tv_nsec / 1000;
}

int errf(struct errbuf *e, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return err;
}

static void vmsg(const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	/* One write per line so that lines from different sources never interleave. */
	dprintf(STDERR_FILENO, "vmm: %s\n", line);
}

void vmm_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void vmm_log(const char *fmt, ...)
{
	va_list ap;

	if (!vmm_verbose)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(VMM_EXIT_RUNTIME);
}

void die_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(VMM_EXIT_USAGE);
}

/* Parse the leading number of @s; *end points past it. */
static int parse_prefix(const char *s, u64 *out, const char **end)
{
	unsigned int base = 10;
	u64 v = 0;
	const char *p = s;
	int ndigits = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (;; p++, ndigits++) {
		unsigned int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (!ndigits)
		return -EINVAL;
	*out = v;
	*end = p;
	return 0;
}

int parse_u64(const char *s, u64 *out)
{
	const char *end;
	int err = parse_prefix(s, out, &end);

	if (err)
		return err;
	return *end ? -EINVAL : 0;
}

int parse_size(const char *s, u64 *out)
{
	const char *end;
	unsigned int shift = 0;
	u64 v;
	int err = parse_prefix(s, &v, &end);

	if (err)
		return err;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	default:
		return -EINVAL;
	}
	if (shift && end[1])
		return -EINVAL;
	if (v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

const char *fmt_size(char *buf, size_t len, u64 size)
{
	if (size && IS_ALIGNED(size, 1ULL << 30))
		snprintf(buf, len, "%lluG", (unsigned long long)(size >> 30));
	else if (size && IS_ALIGNED(size, 1ULL << 20))
		snprintf(buf, len, "%lluM", (unsigned long long)(size >> 20));
	else if (size && IS_ALIGNED(size, 1ULL << 10))
		snprintf(buf, len, "%lluK", (unsigned long long)(size >> 10));
	else
		snprintf(buf, len, "%llu", (unsigned long long)size);
	return buf;
}

int read_file(const char *path, size_t max, void **buf, size_t *len, struct errbuf *e)
{
	struct stat st;
	char *data = NULL;
	size_t got = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errf(e, -errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		err = errf(e, -errno, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = errf(e, -EINVAL, "%s: not a regular file", path);
		goto out;
	}
	if ((u64)st.st_size > max) {
		err = errf(e, -EFBIG, "%s: larger than %zu bytes", path, max);
		goto out;
	}
	data = malloc(st.st_size + 1);	/* +1: never malloc(0), and room for a NUL */
	if (!data) {
		err = errf(e, -ENOMEM, "%s: out of memory", path);
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errf(e, -errno, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;		/* shrank under us: take what is there */
		got += n;
	}
	data[got] = '\0';
	*buf = data;
	*len = got;
	data = NULL;
	err = 0;
out:
	free(data);
	close(fd);
	return err;
}

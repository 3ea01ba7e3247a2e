/* SPDX-License-Identifier: MIT */
/*
 * Small host helpers every host/ file uses: one-line error messages (struct errbuf, die),
 * verbose logging, number and size parsing, clocks and whole-file reads.
 */
#ifndef HOST_UTIL_H
#define HOST_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <kern/types.h>
#include <kern/compiler.h>

#define VMM_VERSION	"0.1.0"

/* Exit statuses of ./vmm itself (a guest's own status passes through unchanged). */
#define VMM_EXIT_RUNTIME	1	/* KVM or host failure, guest crash, timeout */
#define VMM_EXIT_USAGE		2	/* bad flag, value, config file or input file */

/*
 * An error message being carried back to whoever can print it: functions that may fail
 * fill one with errf() and return -E*; the caller prefixes "vmm: " and picks the exit
 * status. The message names the input at fault and holds no trailing newline.
 */
struct errbuf {
	char msg[512];
};

int errf(struct errbuf *e, int err, const char *fmt, ...) __printf(3, 4);

/* Print "vmm: <msg>" on stderr and exit 1 (die) or 2 (die_usage). Setup only. */
void die(const char *fmt, ...) __printf(1, 2) __noreturn;
void die_usage(const char *fmt, ...) __printf(1, 2) __noreturn;

/* Print "vmm: <msg>" on stderr: always (vmm_err) or only with -v (vmm_log). */
extern bool vmm_verbose;
void vmm_err(const char *fmt, ...) __printf(1, 2);
void vmm_log(const char *fmt, ...) __printf(1, 2);

/*
 * parse_u64 - parse a whole string as an unsigned decimal or 0x-hex number.
 * parse_size - the same, optionally followed by one of K, M, G (or k, m, g: powers of 1024).
 * Both return 0, or -EINVAL (empty, sign, junk, space) or -ERANGE (does not fit in 64 bits).
 */
int parse_u64(const char *s, u64 *out);
int parse_size(const char *s, u64 *out);

/* Write @size as the shortest exact "NG", "NM", "NK" or byte count into @buf. */
const char *fmt_size(char *buf, size_t len, u64 size);

/* Microseconds on CLOCK_MONOTONIC; vmm_start_us is taken before main() runs. */
u64 now_us(void);
/* Peak resident set size of the VMM so far, in KiB (getrusage ru_maxrss), or -1. */
long peak_rss_kib(void);
extern u64 vmm_start_us;

/*
 * read_file - read all of the regular file @path (at most @max bytes) into a malloc'd
 * buffer. Returns 0 with *buf and *len set (the caller frees *buf), or -errno with @e
 * saying "<path>: <why>".
 */
int read_file(const char *path, size_t max, void **buf, size_t *len, struct errbuf *e);

#endif

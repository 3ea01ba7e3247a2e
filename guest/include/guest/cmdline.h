/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line (guest/kernel/cmdline.c): words separated by blanks, each `key`
 * or `key=value`. Recognised: the action words selftest, exit=N, crash=KIND, poke=GPA,LEN,
 * blktest=ARGS (at most one of them); the settings init=/PATH (the first program; default
 * /init), initargs=A,B,... (its arguments after argv[0]), print-fatal-signals=0|1 (log
 * every process killed by a signal), and mm's tunables fault_around_bytes=N,
 * readahead_kb=N, dirty_writeback_centisecs=N and dirty_expire_centisecs=N (Linux's
 * debugfs fault_around_bytes, read_ahead_kb and vm.dirty_*_centisecs). Every other word
 * is kept, in order, for init: as Linux does, words with '=' go to its environment, the
 * others to its arguments.
 */
#ifndef GUEST_CMDLINE_H
#define GUEST_CMDLINE_H

#include <kern/types.h>
#include "bootinfo.h"		/* quoted: the host tests include this too */

#define CMDLINE_MAX_ARGS	32

/* fault_around_bytes=N: a power of two from a page to a page table's reach (PAGE_SIZE turns
 * fault-around off). readahead_kb=N: 0 (readahead off) or a power of two from a page to
 * 4 MiB (mm/readahead.c's largest window). */
#define CMDLINE_PAGE_SIZE		4096ULL
#define CMDLINE_FAULT_AROUND_MAX	(2ULL << 20)
#define CMDLINE_READAHEAD_KB_MAX	4096ULL
/* dirty_writeback_centisecs=N (0: no periodic writeback), dirty_expire_centisecs=N: 0 to a
 * day (mm's DIRTY_CENTISECS_MAX). */
#define CMDLINE_DIRTY_CENTISECS_MAX	8640000ULL

enum boot_action {
	ACTION_NONE,
	ACTION_SELFTEST,	/* selftest: run the kernel self-tests, exit 0 / 1 */
	ACTION_EXIT,		/* exit=N: exit with N (0..255) */
	ACTION_CRASH,		/* crash=pf|ud|gp|de|bp|triple|hang: take that exception in kernel mode */
	ACTION_POKE,		/* poke=GPA,LEN: write the poke pattern, exit 0 */
	ACTION_BLKTEST,		/* blktest=ARGS: a block-layer test (guest/block/blktest.c) */
};

enum crash_kind {
	CRASH_PF,		/* read an unmapped address */
	CRASH_UD,		/* ud2 */
	CRASH_GP,		/* read a non-canonical address */
	CRASH_DE,		/* divide by zero */
	CRASH_BP,		/* int3 */
	CRASH_TRIPLE,		/* ud2 with an empty IDT: #UD, #DF, then a triple fault */
	CRASH_HANG,		/* spin with interrupts off: the VMM's --timeout must end it */
};

struct cmdline {
	enum boot_action action;
	const char *action_word;	/* the word that set it */
	int exit_status;		/* ACTION_EXIT */
	enum crash_kind crash;		/* ACTION_CRASH */
	u64 poke_gpa, poke_len;		/* ACTION_POKE */
	const char *blktest;		/* ACTION_BLKTEST: its value, parsed by the action */
	const char *init;		/* init=: the first program, NULL: /init */
	unsigned int nr_initargs;	/* initargs=: split at the commas */
	char *initargs[CMDLINE_MAX_ARGS];
	bool print_fatal_signals;	/* print-fatal-signals=1 */
	u64 fault_around_bytes;		/* fault_around_bytes=: 0 when not given */
	bool has_readahead_kb;		/* readahead_kb= was given (0 is a value: off) */
	u64 readahead_kb;
	bool has_dirty_writeback;	/* dirty_writeback_centisecs= was given */
	u64 dirty_writeback_centisecs;
	bool has_dirty_expire;		/* dirty_expire_centisecs= was given */
	u64 dirty_expire_centisecs;
	unsigned int argc;		/* the unrecognised words */
	char *argv[CMDLINE_MAX_ARGS];
	char buf[BOOT_CMDLINE_MAX];	/* the words, NUL-terminated, argv points here */
};

/*
 * Parse @s into @cl. Returns 0, or -EINVAL (a bad value, a second action word) or -E2BIG
 * (the line or the word count too long), with a one-line message naming the word in @err.
 * Numbers are decimal or 0x-prefixed hex.
 */
int cmdline_parse(struct cmdline *cl, const char *s, char *err, size_t errlen);

/* The name of crash kind @k ("pf"). */
const char *crash_kind_name(enum crash_kind k);

#endif

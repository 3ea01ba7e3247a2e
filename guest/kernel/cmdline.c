// SPDX-License-Identifier: MIT
/*
 * Kernel command line parsing (guest/include/guest/cmdline.h). Pure code: the host unit
 * test tests/unit/test_guest_cmdline.c includes this file and checks every rule.
 */
#include <kern/compiler.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/string.h>
/* By path, so that the host test build (which does not search guest/include) finds it. */
#include "../include/guest/cmdline.h"

static const char *const crash_names[] = {
	[CRASH_PF] = "pf",
	[CRASH_UD] = "ud",
	[CRASH_GP] = "gp",
	[CRASH_DE] = "de",
	[CRASH_BP] = "bp",
	[CRASH_TRIPLE] = "triple",
	[CRASH_HANG] = "hang",
};

const char *crash_kind_name(enum crash_kind k)
{
	return (unsigned int)k < ARRAY_SIZE(crash_names) ? crash_names[k] : "?";
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Parse all of [s, end) as an unsigned number: decimal, or hex after "0x". Returns 0,
 * -EINVAL when empty or a character is not a digit, -ERANGE past 2^64 - 1.
 */
static int parse_u64(const char *s, const char *end, u64 *out)
{
	unsigned int base = 10, d;
	u64 v = 0;

	if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (s == end)
		return -EINVAL;
	for (; s < end; s++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		if (v > (~0ULL - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static int parse_crash(struct cmdline *cl, const char *val)
{
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(crash_names); k++) {
		if (!strcmp(val, crash_names[k])) {
			cl->crash = k;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_poke(struct cmdline *cl, const char *val)
{
	const char *comma = strchr(val, ',');

	if (!comma || parse_u64(val, comma, &cl->poke_gpa) ||
	    parse_u64(comma + 1, comma + 1 + strlen(comma + 1), &cl->poke_len))
		return -EINVAL;
	return 0;
}

/* initargs=A,B,C: split @val in place at the commas; no empty argument. */
static int parse_initargs(struct cmdline *cl, char *val)
{
	char *p = val, *comma;

	cl->nr_initargs = 0;
	for (;;) {
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (!*p || cl->nr_initargs == CMDLINE_MAX_ARGS)
			return -EINVAL;
		cl->initargs[cl->nr_initargs++] = p;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

static bool is_pow2(u64 v)
{
	return v && !(v & (v - 1));
}

/* fault_around_bytes=N: a power of two, a page to CMDLINE_FAULT_AROUND_MAX. */
static int parse_fault_around(struct cmdline *cl, const char *val)
{
	u64 n;

	if (!val || parse_u64(val, val + strlen(val), &n) || !is_pow2(n) ||
	    n < CMDLINE_PAGE_SIZE || n > CMDLINE_FAULT_AROUND_MAX)
		return -EINVAL;
	cl->fault_around_bytes = n;
	return 0;
}

/* readahead_kb=N: 0, or a power of two, a page (4) to CMDLINE_READAHEAD_KB_MAX. */
static int parse_readahead_kb(struct cmdline *cl, const char *val)
{
	u64 n;

	if (!val || parse_u64(val, val + strlen(val), &n) ||
	    (n && (!is_pow2(n) || n * 1024 < CMDLINE_PAGE_SIZE || n > CMDLINE_READAHEAD_KB_MAX)))
		return -EINVAL;
	cl->readahead_kb = n;
	cl->has_readahead_kb = true;
	return 0;
}

/* dirty_writeback_centisecs=N, dirty_expire_centisecs=N: 0 to CMDLINE_DIRTY_CENTISECS_MAX. */
static int parse_centisecs(const char *val, bool *has, u64 *out)
{
	u64 n;

	if (!val || parse_u64(val, val + strlen(val), &n) || n > CMDLINE_DIRTY_CENTISECS_MAX)
		return -EINVAL;
	*out = n;
	*has = true;
	return 0;
}

/*
 * A setting (not an action): init=, initargs=, print-fatal-signals=, fault_around_bytes=,
 * readahead_kb=, dirty_writeback_centisecs=, dirty_expire_centisecs=. Returns 1 if @word
 * is one (0 when its value is good, else -EINVAL through *ret, and what was expected
 * through *expect), 0 if it is not a setting.
 */
static int parse_setting(struct cmdline *cl, const char *word, char *val, int *ret,
			 const char **expect)
{
	*ret = 0;
	if (!strcmp(word, "init")) {
		*expect = "init=/PATH";
		if (!val || val[0] != '/' || strlen(val) >= 256)
			*ret = -EINVAL;
		else
			cl->init = val;
	} else if (!strcmp(word, "initargs")) {
		size_t i, len = val ? strlen(val) : 0;

		*expect = "initargs=A[,B...]";
		*ret = val ? parse_initargs(cl, val) : -EINVAL;
		for (i = 0; *ret && i < len; i++)	/* the message shows the value whole */
			if (!val[i])
				val[i] = ',';
	} else if (!strcmp(word, "print-fatal-signals")) {
		*expect = "print-fatal-signals=0|1";
		if (val && (!strcmp(val, "0") || !strcmp(val, "1")))
			cl->print_fatal_signals = val[0] == '1';
		else
			*ret = -EINVAL;
	} else if (!strcmp(word, "fault_around_bytes")) {
		*expect = "fault_around_bytes=N, N a power of two from 4096 to 2097152";
		*ret = parse_fault_around(cl, val);
	} else if (!strcmp(word, "readahead_kb")) {
		*expect = "readahead_kb=N, N 0 or a power of two from 4 to 4096";
		*ret = parse_readahead_kb(cl, val);
	} else if (!strcmp(word, "dirty_writeback_centisecs")) {
		*expect = "dirty_writeback_centisecs=N, N from 0 to 8640000";
		*ret = parse_centisecs(val, &cl->has_dirty_writeback,
				       &cl->dirty_writeback_centisecs);
	} else if (!strcmp(word, "dirty_expire_centisecs")) {
		*expect = "dirty_expire_centisecs=N, N from 0 to 8640000";
		*ret = parse_centisecs(val, &cl->has_dirty_expire, &cl->dirty_expire_centisecs);
	} else {
		return 0;
	}
	return 1;
}

/* Handle one word; @val is what follows '=' (NULL for a bare key). */
static int parse_word(struct cmdline *cl, char *word, char *val, char *err, size_t errlen)
{
	enum boot_action action = ACTION_NONE;
	const char *expect;
	u64 n;
	int ret = 0;

	if (parse_setting(cl, word, val, &ret, &expect)) {
		if (ret)
			snprintf(err, errlen, "bad value in '%s%s%s' (expected %s)", word,
				 val ? "=" : "", val ? val : "", expect);
		return ret;
	}
	if (!strcmp(word, "selftest")) {
		action = ACTION_SELFTEST;
		if (val)
			ret = -EINVAL;
	} else if (!strcmp(word, "exit")) {
		action = ACTION_EXIT;
		if (!val || parse_u64(val, val + strlen(val), &n) || n > 255)
			ret = -EINVAL;
		else
			cl->exit_status = n;
	} else if (!strcmp(word, "crash")) {
		action = ACTION_CRASH;
		ret = val ? parse_crash(cl, val) : -EINVAL;
	} else if (!strcmp(word, "poke")) {
		action = ACTION_POKE;
		ret = val ? parse_poke(cl, val) : -EINVAL;
	} else if (!strcmp(word, "blktest")) {
		action = ACTION_BLKTEST;
		cl->blktest = val;
		if (!val || !*val)
			ret = -EINVAL;
	}

	/* Undo the split: messages and argv show "key=value". */
	if (val)
		word[strlen(word)] = '=';

	if (action == ACTION_NONE) {
		if (cl->argc == CMDLINE_MAX_ARGS) {
			snprintf(err, errlen, "more than %d words", CMDLINE_MAX_ARGS);
			return -E2BIG;
		}
		cl->argv[cl->argc++] = word;
		return 0;
	}
	if (ret) {
		static const char *const usage[] = {
			[ACTION_SELFTEST] = "selftest, without a value",
			[ACTION_EXIT] = "exit=N with N in 0..255",
			[ACTION_CRASH] = "crash=pf|ud|gp|de|bp|triple|hang",
			[ACTION_POKE] = "poke=GPA,LEN",
			[ACTION_BLKTEST] = "blktest=OP[,disk|swap][,N]",
		};

		snprintf(err, errlen, "bad value in '%s' (expected %s)", word, usage[action]);
		return ret;
	}
	if (cl->action != ACTION_NONE) {
		snprintf(err, errlen, "'%s' conflicts with '%s': one action at most",
			 word, cl->action_word);
		return -EINVAL;
	}
	cl->action = action;
	cl->action_word = word;
	return 0;
}

int cmdline_parse(struct cmdline *cl, const char *s, char *err, size_t errlen)
{
	size_t len = strlen(s);
	char *p, *word, *eq;
	int ret;

	memset(cl, 0, sizeof(*cl));
	if (len >= sizeof(cl->buf)) {
		snprintf(err, errlen, "longer than %zu bytes", sizeof(cl->buf) - 1);
		return -E2BIG;
	}
	memcpy(cl->buf, s, len + 1);

	for (p = cl->buf; *p; ) {
		while (is_blank(*p))
			*p++ = '\0';
		if (!*p)
			break;
		word = p;
		while (*p && !is_blank(*p))
			p++;
		if (*p)
			*p++ = '\0';
		eq = strchr(word, '=');
		if (eq)
			*eq = '\0';
		ret = parse_word(cl, word, eq ? eq + 1 : NULL, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

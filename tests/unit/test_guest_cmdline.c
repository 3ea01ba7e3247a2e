// SPDX-License-Identifier: MIT
/*
 * Host tests of the guest's command line parser (guest/kernel/cmdline.c, included here):
 * each action word and its values, unknown words kept in order, and every bad input
 * refused with a one-line message naming the word.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "guest/kernel/cmdline.c"
#include "mm_test.h"

static struct cmdline cl;
static char err[160];

static int parse(const char *s)
{
	err[0] = '\0';
	return cmdline_parse(&cl, s, err, sizeof(err));
}

/* Parsing @s fails with @want and a message that contains @word. */
static bool refused(const char *s, int want, const char *word)
{
	int ret = parse(s);

	if (ret != want || !strstr(err, word)) {
		tap_diag("\"%s\": returned %d (want %d), message \"%s\" (want \"%s\" in it)",
			 s, ret, want, err, word);
		return false;
	}
	return true;
}

static bool test_no_action(void)
{
	CHECK(parse("") == 0 && cl.action == ACTION_NONE && cl.argc == 0);
	CHECK(parse("   \t\n ") == 0 && cl.action == ACTION_NONE && cl.argc == 0);
	CHECK(parse("console=ttyS0") == 0 && cl.action == ACTION_NONE);
	return true;
}

static bool test_selftest(void)
{
	CHECK(parse("selftest") == 0 && cl.action == ACTION_SELFTEST);
	CHECK(!strcmp(cl.action_word, "selftest"));
	CHECK(parse("console=ttyS0 selftest") == 0 && cl.action == ACTION_SELFTEST);
	CHECK(refused("selftest=1", -EINVAL, "selftest=1"));
	return true;
}

static bool test_exit(void)
{
	CHECK(parse("exit=0") == 0 && cl.action == ACTION_EXIT && cl.exit_status == 0);
	CHECK(parse("exit=7") == 0 && cl.exit_status == 7);
	CHECK(parse("exit=255") == 0 && cl.exit_status == 255);
	CHECK(parse("exit=0x10") == 0 && cl.exit_status == 16);
	CHECK(!strcmp(cl.action_word, "exit=0x10"));
	CHECK(refused("exit=256", -EINVAL, "exit=256"));
	CHECK(refused("exit=-1", -EINVAL, "exit=-1"));
	CHECK(refused("exit=", -EINVAL, "exit="));
	CHECK(refused("exit=7x", -EINVAL, "exit=7x"));
	CHECK(refused("exit=0x", -EINVAL, "exit=0x"));
	CHECK(refused("exit", -EINVAL, "exit"));
	CHECK(refused("exit=99999999999999999999999", -EINVAL, "exit=9"));
	return true;
}

static bool test_crash(void)
{
	static const char *const kinds[] = { "pf", "ud", "gp", "de", "bp", "triple", "hang" };
	char word[16];
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		snprintf(word, sizeof(word), "crash=%s", kinds[k]);
		CHECK(parse(word) == 0 && cl.action == ACTION_CRASH && cl.crash == k);
		CHECK(!strcmp(crash_kind_name(cl.crash), kinds[k]));
	}
	CHECK(refused("crash=oops", -EINVAL, "crash=oops"));
	CHECK(refused("crash=PF", -EINVAL, "crash=PF"));
	CHECK(refused("crash", -EINVAL, "crash"));
	return true;
}

static bool test_poke(void)
{
	CHECK(parse("poke=0x200000,0x10000") == 0 && cl.action == ACTION_POKE);
	CHECK(cl.poke_gpa == 0x200000 && cl.poke_len == 0x10000);
	CHECK(parse("poke=4096,8") == 0 && cl.poke_gpa == 4096 && cl.poke_len == 8);
	CHECK(parse("poke=0xFFFFFFFFFFFFFFF8,8") == 0 && cl.poke_gpa == 0xfffffffffffffff8ULL);
	/* Alignment and RAM are the kernel's checks (kernel/poke.c), not the parser's. */
	CHECK(parse("poke=3,5") == 0 && cl.poke_gpa == 3 && cl.poke_len == 5);
	CHECK(refused("poke=0x1000", -EINVAL, "poke=0x1000"));
	CHECK(refused("poke=,8", -EINVAL, "poke=,8"));
	CHECK(refused("poke=8,", -EINVAL, "poke=8,"));
	CHECK(refused("poke=8,8,8", -EINVAL, "poke=8,8,8"));
	CHECK(refused("poke=0x1g,8", -EINVAL, "poke=0x1g,8"));
	CHECK(refused("poke=0x10000000000000000,8", -EINVAL, "poke="));
	return true;
}

/* The value is the action's to parse (guest/block/blktest.c); it must be there. */
static bool test_blktest(void)
{
	CHECK(parse("blktest=write") == 0 && cl.action == ACTION_BLKTEST);
	CHECK(!strcmp(cl.blktest, "write"));
	CHECK(parse("console=ttyS0 blktest=requests,swap,400") == 0);
	CHECK(cl.action == ACTION_BLKTEST && !strcmp(cl.blktest, "requests,swap,400"));
	CHECK(refused("blktest", -EINVAL, "blktest"));
	CHECK(refused("blktest=", -EINVAL, "blktest="));
	CHECK(refused("blktest=read exit=0", -EINVAL, "exit=0"));
	return true;
}

static bool test_unknown_words_kept(void)
{
	CHECK(parse(" console=ttyS0  root=/dev/vda\tquiet selftest foo=a=b ") == 0);
	CHECK(cl.action == ACTION_SELFTEST);
	CHECK(cl.argc == 4);
	CHECK(!strcmp(cl.argv[0], "console=ttyS0"));
	CHECK(!strcmp(cl.argv[1], "root=/dev/vda"));
	CHECK(!strcmp(cl.argv[2], "quiet"));
	CHECK(!strcmp(cl.argv[3], "foo=a=b"));
	return true;
}

/* init=, initargs= and print-fatal-signals= are settings: kept apart, not actions. */
static bool test_init_settings(void)
{
	CHECK(parse("init=/bin/init initargs=-v,--limit-mib,64 print-fatal-signals=1 x") == 0);
	CHECK(cl.action == ACTION_NONE && cl.init && !strcmp(cl.init, "/bin/init"));
	CHECK(cl.nr_initargs == 3 && !strcmp(cl.initargs[0], "-v"));
	CHECK(!strcmp(cl.initargs[1], "--limit-mib") && !strcmp(cl.initargs[2], "64"));
	CHECK(cl.print_fatal_signals && cl.argc == 1 && !strcmp(cl.argv[0], "x"));
	CHECK(parse("selftest initargs=a print-fatal-signals=0") == 0);
	CHECK(cl.action == ACTION_SELFTEST && cl.nr_initargs == 1 && !cl.init);
	CHECK(!cl.print_fatal_signals && cl.argc == 0);
	CHECK(refused("init=bin/sh", -EINVAL, "init=bin/sh"));
	CHECK(refused("init", -EINVAL, "init"));
	CHECK(refused("init=", -EINVAL, "init="));
	CHECK(refused("initargs=a,,b", -EINVAL, "initargs=a,,b"));
	CHECK(refused("initargs=a,", -EINVAL, "initargs=a,"));
	CHECK(refused("initargs=", -EINVAL, "initargs="));
	CHECK(refused("print-fatal-signals=yes", -EINVAL, "print-fatal-signals=yes"));
	CHECK(refused("print-fatal-signals", -EINVAL, "print-fatal-signals"));
	return true;
}

/* fault_around_bytes= and readahead_kb=: powers of two in range, else refused. */
static bool test_mm_settings(void)
{
	CHECK(parse("x") == 0 && !cl.fault_around_bytes && !cl.has_readahead_kb);
	CHECK(parse("fault_around_bytes=4096 readahead_kb=0") == 0 && cl.action == ACTION_NONE);
	CHECK(cl.fault_around_bytes == 4096 && cl.has_readahead_kb && cl.readahead_kb == 0);
	CHECK(cl.argc == 0);
	CHECK(parse("fault_around_bytes=0x200000 readahead_kb=4096 selftest") == 0);
	CHECK(cl.fault_around_bytes == 2097152 && cl.readahead_kb == 4096);
	CHECK(cl.action == ACTION_SELFTEST);
	CHECK(parse("fault_around_bytes=65536 readahead_kb=4") == 0);
	CHECK(cl.fault_around_bytes == 65536 && cl.readahead_kb == 4);
	CHECK(refused("fault_around_bytes=0", -EINVAL, "'fault_around_bytes=0' (expected"));
	CHECK(refused("fault_around_bytes=2048", -EINVAL, "fault_around_bytes=2048"));
	CHECK(refused("fault_around_bytes=12288", -EINVAL, "fault_around_bytes=12288"));
	CHECK(refused("fault_around_bytes=4194304", -EINVAL, "fault_around_bytes=4194304"));
	CHECK(refused("fault_around_bytes=64k", -EINVAL, "fault_around_bytes=64k"));
	CHECK(refused("fault_around_bytes", -EINVAL, "power of two"));
	CHECK(refused("readahead_kb=2", -EINVAL, "readahead_kb=2"));
	CHECK(refused("readahead_kb=96", -EINVAL, "readahead_kb=96"));
	CHECK(refused("readahead_kb=8192", -EINVAL, "readahead_kb=8192"));
	CHECK(refused("readahead_kb=-1", -EINVAL, "readahead_kb=-1"));
	CHECK(refused("readahead_kb=99999999999999999999999", -EINVAL, "readahead_kb="));
	CHECK(refused("readahead_kb=", -EINVAL, "readahead_kb="));
	/* dirty_writeback_centisecs= / dirty_expire_centisecs=: 0 .. a day, else refused. */
	CHECK(parse("x") == 0 && !cl.has_dirty_writeback && !cl.has_dirty_expire);
	CHECK(parse("dirty_writeback_centisecs=10 dirty_expire_centisecs=0x14") == 0);
	CHECK(cl.has_dirty_writeback && cl.dirty_writeback_centisecs == 10 && cl.argc == 0);
	CHECK(cl.has_dirty_expire && cl.dirty_expire_centisecs == 20);
	CHECK(parse("dirty_writeback_centisecs=0 dirty_expire_centisecs=8640000") == 0);
	CHECK(cl.has_dirty_writeback && !cl.dirty_writeback_centisecs);
	CHECK(cl.dirty_expire_centisecs == 8640000);
	CHECK(refused("dirty_expire_centisecs=abc", -EINVAL,
		      "bad value in 'dirty_expire_centisecs=abc' (expected dirty_expire_centisecs=N"));
	CHECK(refused("dirty_expire_centisecs=8640001", -EINVAL, "dirty_expire_centisecs=8640001"));
	CHECK(refused("dirty_expire_centisecs=-1", -EINVAL, "dirty_expire_centisecs=-1"));
	CHECK(refused("dirty_expire_centisecs", -EINVAL, "from 0 to 8640000"));
	CHECK(refused("dirty_writeback_centisecs=", -EINVAL, "dirty_writeback_centisecs="));
	CHECK(refused("dirty_writeback_centisecs=5s", -EINVAL, "dirty_writeback_centisecs=5s"));
	CHECK(refused("dirty_writeback_centisecs=99999999999999999999", -EINVAL,
		      "dirty_writeback_centisecs="));
	return true;
}

static bool test_one_action_at_most(void)
{
	CHECK(refused("selftest exit=1", -EINVAL, "'exit=1' conflicts with 'selftest'"));
	CHECK(refused("exit=1 exit=2", -EINVAL, "'exit=2' conflicts with 'exit=1'"));
	CHECK(refused("crash=ud poke=8,8", -EINVAL, "poke=8,8"));
	return true;
}

static bool test_limits(void)
{
	static char line[BOOT_CMDLINE_MAX + 1];
	char *p = line;
	int i;

	/* CMDLINE_MAX_ARGS unknown words fit; one more does not. */
	for (i = 0; i < CMDLINE_MAX_ARGS; i++)
		p += sprintf(p, "w%d ", i);
	CHECK(parse(line) == 0 && cl.argc == CMDLINE_MAX_ARGS);
	CHECK(!strcmp(cl.argv[CMDLINE_MAX_ARGS - 1], "w31"));
	strcpy(p, "one-more");
	CHECK(refused(line, -E2BIG, "words"));

	/* The longest line that fits the kernel's buffer, then one byte more. */
	memset(line, 'a', BOOT_CMDLINE_MAX - 1);
	line[BOOT_CMDLINE_MAX - 1] = '\0';
	CHECK(parse(line) == 0 && cl.argc == 1);
	line[BOOT_CMDLINE_MAX - 1] = 'a';
	line[BOOT_CMDLINE_MAX] = '\0';
	CHECK(refused(line, -E2BIG, "longer than"));
	return true;
}

int main(void)
{
	tap_plan(11);
	TAP_RUN(test_no_action);
	TAP_RUN(test_selftest);
	TAP_RUN(test_exit);
	TAP_RUN(test_crash);
	TAP_RUN(test_poke);
	TAP_RUN(test_blktest);
	TAP_RUN(test_unknown_words_kept);
	TAP_RUN(test_init_settings);
	TAP_RUN(test_mm_settings);
	TAP_RUN(test_one_action_at_most);
	TAP_RUN(test_limits);
	return tap_finish();
}

/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the VMM's option parsing (host/options.c, host/config.c, host/util.c):
 * sizes, every kind of bad flag and value, the precedence of flags over the config file
 * whatever their order, config syntax, and config errors that name file:line.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <abi/layout.h>
#include "host/config.h"
#include "host/options.h"
#include "mm_test.h"

static char tmpdir[PATH_MAX];
static struct vmm_opts o;
static struct errbuf e;

/* Write @text to a file named @name in the test's directory; return its path (static). */
static const char *conf(const char *name, const char *text, size_t len)
{
	static char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
	return path;
}
#define CONF(name, text)	conf(name, text, strlen(text))

/* Parse the NULL-terminated words as `./vmm boot` arguments; return opts_parse_boot's. */
static int parse(const char *first, ...)
{
	char *argv[32];
	const char *a;
	va_list ap;
	int argc = 0;

	va_start(ap, first);
	for (a = first; a; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	memset(&e, 0, sizeof(e));
	return opts_parse_boot(&o, argc, argv, &e);
}
#define PARSE(...)	parse(__VA_ARGS__, (const char *)NULL)

/* The last parse failed with a message that begins with @prefix and contains @what. */
static bool failed_with(int err, const char *prefix, const char *what)
{
	if (err >= 0 || strncmp(e.msg, prefix, strlen(prefix)) || !strstr(e.msg, what)) {
		tap_diag("err %d, message \"%s\"; want \"%s...%s\"", err, e.msg, prefix, what);
		return false;
	}
	return true;
}

static bool test_parse_size(void)
{
	static const struct { const char *s; u64 v; } good[] = {
		{ "0", 0 }, { "1", 1 }, { "4096", 4096 }, { "16K", 16 << 10 }, { "2m", 2 << 20 },
		{ "2M", 2 << 20 }, { "3G", 3ULL << 30 }, { "0x1000", 0x1000 }, { "0x2M", 2 << 20 },
		{ "18446744073709551615", UINT64_MAX }, { "17179869183G", 17179869183ULL << 30 },
	};
	static const struct { const char *s; int err; } bad[] = {
		{ "", -EINVAL }, { "abc", -EINVAL }, { "3x", -EINVAL }, { "1MB", -EINVAL },
		{ "-1", -EINVAL }, { " 1", -EINVAL }, { "1 ", -EINVAL }, { "0x", -EINVAL },
		{ "M", -EINVAL }, { "1.5G", -EINVAL }, { "18446744073709551616", -ERANGE },
		{ "17179869184G", -ERANGE }, { "0x10000000000000000", -ERANGE },
	};
	size_t i;
	u64 v;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		v = 12345;
		CHECKF(parse_size(good[i].s, &v) == 0 && v == good[i].v, "\"%s\" -> %llu",
		       good[i].s, (unsigned long long)v);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		CHECKF(parse_size(bad[i].s, &v) == bad[i].err, "\"%s\"", bad[i].s);
	CHECK(parse_u64("0x10", &v) == 0 && v == 16);
	CHECK(parse_u64("10K", &v) == -EINVAL);
	return true;
}

static bool test_fmt_size(void)
{
	char b[32];

	CHECK(!strcmp(fmt_size(b, sizeof(b), 3ULL << 30), "3G"));
	CHECK(!strcmp(fmt_size(b, sizeof(b), 16ULL << 20), "16M"));
	CHECK(!strcmp(fmt_size(b, sizeof(b), (2048ULL << 20) | (1 << 10)), "2097153K"));
	CHECK(!strcmp(fmt_size(b, sizeof(b), 1000), "1000"));
	CHECK(!strcmp(fmt_size(b, sizeof(b), 0), "0"));
	return true;
}

static bool test_defaults(void)
{
	CHECK(PARSE("guest.elf") == 0);
	CHECK(!strcmp(o.image, "guest.elf"));
	CHECK(o.mem == 256ULL << 20);
	CHECK(o.cpus == 1);
	CHECK(o.cmdline[0] == '\0');
	CHECK(o.timeout_s == 0);
	CHECK(o.nr_dumps == 0);
	CHECK(!o.verbose && !o.help);
	CHECK(o.config[0] == '\0');
	return true;
}

static bool test_every_flag(void)
{
	CHECK(PARSE("--mem", "64M", "--cpus", "4", "--cmdline", "a b=c", "--timeout", "7",
		    "-v", "--dump", "0x1000,4K,out.bin", "guest.elf") == 0);
	CHECK(o.mem == 64ULL << 20 && o.cpus == 4 && o.timeout_s == 7 && o.verbose);
	CHECK(!strcmp(o.cmdline, "a b=c"));
	CHECK(o.nr_dumps == 1 && o.dumps[0].gpa == 0x1000 && o.dumps[0].len == 4096);
	CHECK(!strcmp(o.dumps[0].path, "out.bin"));
	/* --flag=value, the long form of -v, and the image first. */
	CHECK(PARSE("guest.elf", "--mem=32M", "--cmdline=x=y", "--verbose", "--cpus=2") == 0);
	CHECK(o.mem == 32ULL << 20 && o.cpus == 2 && o.verbose && !strcmp(o.cmdline, "x=y"));
	/* The last of a repeated scalar wins; an empty command line is allowed. */
	CHECK(PARSE("g", "--mem", "32M", "--mem", "48M", "--cmdline", "") == 0);
	CHECK(o.mem == 48ULL << 20 && o.cmdline[0] == '\0');
	/* After "--", words are not flags. */
	CHECK(PARSE("--", "-odd-name.elf") == 0 && !strcmp(o.image, "-odd-name.elf"));
	return true;
}

static bool test_mem_bad(void)
{
	CHECK(failed_with(PARSE("g", "--mem", "3x"), "--mem 3x: ", "not a size"));
	CHECK(failed_with(PARSE("g", "--mem", "abc"), "--mem abc: ", "not a size"));
	CHECK(failed_with(PARSE("g", "--mem", ""), "--mem : ", "not a size"));
	CHECK(failed_with(PARSE("g", "--mem", "1"), "--mem 1: ", "16M..3G"));
	CHECK(failed_with(PARSE("g", "--mem", "99999G"), "--mem 99999G: ", "out of range"));
	CHECK(failed_with(PARSE("g", "--mem", "99999999999999999999"), "--mem", "out of range"));
	CHECK(failed_with(PARSE("g", "--mem", "17M"), "--mem 17M: ", "multiple of 2M"));
	CHECK(failed_with(PARSE("g", "--mem=4G"), "--mem 4G: ", "out of range"));
	return true;
}

static bool test_mem_edges(void)
{
	CHECK(PARSE("g", "--mem", "16M") == 0 && o.mem == RAM_MIN_SIZE);
	CHECK(PARSE("g", "--mem", "3G") == 0 && o.mem == RAM_MAX_SIZE);
	CHECK(PARSE("g", "--mem", "3074M") < 0);	/* 3G + 2M */
	CHECK(PARSE("g", "--mem", "14M") < 0);		/* 16M - 2M */
	CHECK(PARSE("g", "--mem", "0x1000000") == 0 && o.mem == 16ULL << 20);
	CHECK(PARSE("g", "--mem", "16777216") == 0 && o.mem == 16ULL << 20);
	return true;
}

static bool test_other_values_bad(void)
{
	CHECK(failed_with(PARSE("g", "--cpus", "0"), "--cpus 0: ", "1..64"));
	CHECK(failed_with(PARSE("g", "--cpus", "65"), "--cpus 65: ", "1..64"));
	CHECK(failed_with(PARSE("g", "--cpus", "two"), "--cpus two: ", "not a number"));
	CHECK(failed_with(PARSE("g", "--timeout", "soon"), "--timeout soon: ", "seconds"));
	CHECK(failed_with(PARSE("g", "--timeout", "-1"), "--timeout -1: ", "seconds"));
	CHECK(failed_with(PARSE("g", "--timeout", "4294967296"), "--timeout", "out of range"));
	CHECK(PARSE("g", "--timeout", "4294967295") == 0 && o.timeout_s == UINT32_MAX);
	return true;
}

static bool test_cmdline_length(void)
{
	static char s[VMM_CMDLINE_MAX + 1];

	memset(s, 'a', VMM_CMDLINE_MAX - 1);
	CHECK(PARSE("g", "--cmdline", s) == 0 && strlen(o.cmdline) == VMM_CMDLINE_MAX - 1);
	s[VMM_CMDLINE_MAX - 1] = 'a';
	CHECK(failed_with(PARSE("g", "--cmdline", s), "--cmdline aaa", "longer than 2047"));
	return true;
}

static bool test_unknown_and_malformed_flags(void)
{
	CHECK(failed_with(PARSE("g", "--bogus"), "--bogus: ", "unknown option"));
	CHECK(failed_with(PARSE("g", "--bogus=1"), "--bogus: ", "unknown option"));
	CHECK(failed_with(PARSE("g", "-x"), "-x: ", "unknown option"));
	CHECK(failed_with(PARSE("g", "-vv"), "-vv: ", "unknown option"));
	CHECK(failed_with(PARSE("g", "--me", "1G"), "--me: ", "unknown option"));
	CHECK(failed_with(PARSE("g", "--mem"), "--mem: ", "missing SIZE"));
	CHECK(failed_with(PARSE("g", "--verbose=yes"), "--verbose: ", "takes no value"));
	return true;
}

static bool test_initrd(void)
{
	const char *f = CONF("initrd.conf", "initrd = \"from file.cpio\"\n");

	CHECK(PARSE("g") == 0 && o.initrd[0] == '\0');
	CHECK(PARSE("g", "--initrd", "rd.cpio") == 0 && !strcmp(o.initrd, "rd.cpio"));
	CHECK(PARSE("g", "--initrd=a,b") == 0 && !strcmp(o.initrd, "a,b"));
	CHECK(PARSE("g", "--config", f) == 0 && !strcmp(o.initrd, "from file.cpio"));
	CHECK(PARSE("g", "--initrd", "x", "--config", f) == 0 && !strcmp(o.initrd, "x"));
	CHECK(failed_with(PARSE("g", "--initrd", ""), "--initrd : ", "empty file name"));
	CHECK(failed_with(PARSE("g", "--initrd"), "--initrd: ", "missing FILE"));
	return true;
}

static bool test_trace_flags(void)
{
	const char *f = CONF("trace.conf", "trace-size = 64K\nfault-stats = yes\n");

	CHECK(PARSE("g") == 0 && o.trace_size == TRACE_RING_SIZE_DEFAULT && !o.fault_stats);
	CHECK(PARSE("g", "--trace-size", "0") == 0 && o.trace_size == 0);
	CHECK(PARSE("g", "--trace-size=8K", "--fault-stats") == 0);
	CHECK(o.trace_size == 8192 && o.fault_stats && !o.verbose);
	CHECK(PARSE("g", "--config", f) == 0 && o.trace_size == 65536 && o.fault_stats);
	CHECK(PARSE("g", "--config", f, "--trace-size", "0") == 0 && o.trace_size == 0);
	CHECK(PARSE("g", "--trace-size", "3G") == 0 && o.trace_size == RAM_MAX_SIZE);
	CHECK(failed_with(PARSE("g", "--trace-size", "5000"), "--trace-size 5000: ",
			  "multiple of 4K"));
	CHECK(failed_with(PARSE("g", "--trace-size", "1x"), "--trace-size 1x: ", "not a size"));
	CHECK(failed_with(PARSE("g", "--trace-size", "4G"), "--trace-size 4G: ", "at most 3G"));
	CHECK(failed_with(PARSE("g", "--fault-stats=1"), "--fault-stats: ", "takes no value"));
	f = CONF("trace2.conf", "fault-stats = maybe\n");
	CHECK(failed_with(PARSE("g", "--config", f), f, ":1: fault-stats = maybe: not a boolean"));
	return true;
}

static bool test_disk_flags(void)
{
	const char *f = CONF("disk.conf", "disk = \"my disk.img,ro\"\nswap = swap.img\n");

	CHECK(PARSE("g") == 0 && !o.disk.path[0] && !o.swap.path[0]);
	CHECK(PARSE("g", "--disk", "d.img", "--swap", "s.img") == 0);
	CHECK(!strcmp(o.disk.path, "d.img") && !o.disk.ro && !strcmp(o.swap.path, "s.img"));
	CHECK(PARSE("g", "--disk=d.img,ro") == 0 && !strcmp(o.disk.path, "d.img") && o.disk.ro);
	CHECK(PARSE("g", "--disk", "d.img,ro,ro") == 0 && o.disk.ro);
	CHECK(PARSE("g", "--config", f) == 0 && !strcmp(o.disk.path, "my disk.img"));
	CHECK(o.disk.ro && !strcmp(o.swap.path, "swap.img"));
	/* The last --disk wins whole: its ro or lack of it too. */
	CHECK(PARSE("g", "--config", f, "--disk", "other.img") == 0);
	CHECK(!strcmp(o.disk.path, "other.img") && !o.disk.ro);
	CHECK(failed_with(PARSE("g", "--disk", "d.img,bogus"), "--disk d.img,bogus: ",
			  "unknown disk option 'bogus' (there is only 'ro')"));
	CHECK(failed_with(PARSE("g", "--disk", "d.img,"), "--disk d.img,: ",
			  "unknown disk option ''"));
	CHECK(failed_with(PARSE("g", "--disk", "d.img,rw"), "--disk", "unknown disk option 'rw'"));
	CHECK(failed_with(PARSE("g", "--disk", ",ro"), "--disk ,ro: ", "empty file name"));
	CHECK(failed_with(PARSE("g", "--disk", ""), "--disk : ", "empty file name"));
	CHECK(failed_with(PARSE("g", "--swap", "s.img,ro"), "--swap s.img,ro: ",
			  "unknown option 'ro' (a swap device takes none)"));
	CHECK(failed_with(PARSE("g", "--disk", "x.img", "--swap", "x.img"), "--swap x.img: ",
			  "the same file as --disk"));
	CHECK(failed_with(PARSE("g", "--disk"), "--disk: ", "missing FILE[,ro]"));
	f = CONF("disk2.conf", "disk = a.img,fast\n");
	CHECK(failed_with(PARSE("g", "--config", f), f, ":1: disk = a.img,fast: unknown disk"));
	return true;
}

static bool test_image_count(void)
{
	CHECK(failed_with(PARSE("--mem", "64M"), "boot: ", "missing IMAGE"));
	CHECK(failed_with(PARSE("a.elf", "b.elf"), "boot: ", "unexpected argument 'b.elf'"));
	/* --help wins over everything else, even a missing image. */
	CHECK(PARSE("--help") == 0 && o.help);
	CHECK(PARSE("--mem", "64M", "-h") == 0 && o.help);
	return true;
}

static bool test_config_then_flags(void)
{
	const char *f = CONF("a.conf", "mem = 64M\ncpus = 2\ncmdline = \"from file\"\n"
				       "timeout = 9\n");

	/* The file alone. */
	CHECK(PARSE("g", "--config", f) == 0);
	CHECK(o.mem == 64ULL << 20 && o.cpus == 2 && o.timeout_s == 9);
	CHECK(!strcmp(o.cmdline, "from file") && !strcmp(o.config, f));
	/* A flag after --config wins; the file's other keys stay. */
	CHECK(PARSE("g", "--config", f, "--mem", "128M") == 0);
	CHECK(o.mem == 128ULL << 20 && o.cpus == 2 && !strcmp(o.cmdline, "from file"));
	/* A flag before --config wins too. */
	CHECK(PARSE("g", "--mem", "128M", "--cmdline", "flag", "--config", f) == 0);
	CHECK(o.mem == 128ULL << 20 && o.cpus == 2 && !strcmp(o.cmdline, "flag"));
	CHECK(o.timeout_s == 9);
	return true;
}

static bool test_config_syntax(void)
{
	const char *f = CONF("b.conf",
			     "# a comment\n"
			     "\n"
			     "   \t\n"
			     "  mem\t=   32M   # trailing comment\n"
			     "cmdline = \"quoted \\\"x\\\" a\\\\b # not a comment\"  # comment\r\n"
			     "  # indented comment\n"
			     "cpus=3\n"
			     "verbose = yes");	/* no final newline */

	CHECK(PARSE("g", "--config", f) == 0);
	CHECK(o.mem == 32ULL << 20 && o.cpus == 3 && o.verbose);
	CHECKF(!strcmp(o.cmdline, "quoted \"x\" a\\b # not a comment"), "cmdline [%s]",
	       o.cmdline);
	/* Unquoted: '#' not after a blank is part of the value; inner blanks are kept. */
	f = CONF("c.conf", "cmdline = a#b  c d\n");
	CHECK(PARSE("g", "--config", f) == 0 && !strcmp(o.cmdline, "a#b  c d"));
	/* An empty value and an empty file. */
	f = CONF("d.conf", "cmdline =\n");
	CHECK(PARSE("g", "--cmdline", "x", "--config", f) == 0 && !strcmp(o.cmdline, "x"));
	f = CONF("e.conf", "");
	CHECK(PARSE("g", "--config", f) == 0 && o.mem == VMM_DEFAULT_MEM);
	f = CONF("f.conf", "verbose = no\n");
	CHECK(PARSE("g", "-v", "--config", f) == 0 && o.verbose);
	return true;
}

static bool test_config_bad_lines(void)
{
	static const struct { const char *text, *where, *what; } bad[] = {
		{ "mem = 64M\nthis line is wrong\n", ":2: ", "expected 'key = value'" },
		{ "= 5\n", ":1: ", "expected 'key = value'" },
		{ "mem 64M\n", ":1: ", "expected 'key = value'" },
		{ "\n\n\nfoo = 1\n", ":4: ", "unknown key 'foo'" },
		{ "mem = 64Q\n", ":1: ", "mem = 64Q: not a size" },
		{ "cpus = 0\n", ":1: ", "cpus = 0: out of range" },
		{ "cmdline = \"abc\n", ":1: ", "unterminated quoted value" },
		{ "cmdline = \"a\" b\n", ":1: ", "after the closing quote" },
		{ "config = other.conf\n", ":1: ", "not allowed in a config file" },
		{ "help = yes\n", ":1: ", "not allowed in a config file" },
		{ "verbose = maybe\n", ":1: ", "not a boolean" },
		{ "dump = 1,2\n", ":1: ", "expected GPA,LEN,FILE" },
		{ "mem.x = 1\n", ":1: ", "expected 'key = value'" },
	};
	char prefix[PATH_MAX + 64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		const char *f = CONF("bad.conf", bad[i].text);

		snprintf(prefix, sizeof(prefix), "%s%s", f, bad[i].where);
		CHECKF(failed_with(PARSE("g", "--config", f, "--mem", "64M"), prefix, bad[i].what),
		       "config text: %s", bad[i].text);
	}
	/* A NUL byte: not a text file. */
	CHECK(failed_with(PARSE("g", "--config", conf("nul.conf", "mem = 1\0x\n", 10)),
			  tmpdir, "NUL byte"));
	return true;
}

static bool test_config_unreadable(void)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/missing.conf", tmpdir);
	CHECK(failed_with(PARSE("g", "--config", path), path, "No such file"));
	CHECK(failed_with(PARSE("g", "--config", tmpdir), tmpdir, "not a regular file"));
	CHECK(failed_with(PARSE("g", "--config", ""), "--config : ", "empty file name"));
	CHECK(failed_with(PARSE("g", "--config"), "--config: ", "missing FILE"));
	return true;
}

static bool test_dump(void)
{
	CHECK(PARSE("g", "--dump", "0x200000,64K,a.bin", "--dump", "0,1,b,c.bin") == 0);
	CHECK(o.nr_dumps == 2);
	CHECK(o.dumps[0].gpa == 0x200000 && o.dumps[0].len == 65536);
	CHECK(!strcmp(o.dumps[1].path, "b,c.bin") && o.dumps[1].len == 1);
	/* The last 64 KiB of 256M is in; one byte further is not. */
	CHECK(PARSE("g", "--dump", "0xfff0000,64K,a") == 0);
	CHECK(failed_with(PARSE("g", "--dump", "0xfff0001,64K,a"), "--dump 0xfff0001,65536,a: ",
			  "outside guest RAM [0, 256M)"));
	CHECK(failed_with(PARSE("g", "--dump", "0x10000000,1,a"), "--dump", "outside guest RAM"));
	/* Checked against the final --mem, whatever the order. */
	CHECK(PARSE("g", "--dump", "0x4000000,4K,a", "--mem", "64M") < 0);
	CHECK(PARSE("g", "--dump", "0x3fff000,4K,a", "--mem", "64M") == 0);
	CHECK(failed_with(PARSE("g", "--dump", "1,2"), "--dump 1,2: ", "GPA,LEN,FILE"));
	CHECK(failed_with(PARSE("g", "--dump", "x,1,f"), "--dump x,1,f: ", "GPA 'x'"));
	CHECK(failed_with(PARSE("g", "--dump", "0,0,f"), "--dump 0,0,f: ", "non-zero size"));
	CHECK(failed_with(PARSE("g", "--dump", "0,1,"), "--dump 0,1,: ", "empty FILE"));
	CHECK(failed_with(PARSE("g", "--dump", "0xffffffffffffffff,2,f"), "--dump", "overflows"));
	CHECK(failed_with(PARSE("g", "--dump", "0,1,a", "--dump", "0,1,b", "--dump", "0,1,c",
				"--dump", "0,1,d", "--dump", "0,1,e"), "--dump 0,1,e: ", "at most 4"));
	return true;
}

static bool test_dump_flags_replace_config(void)
{
	const char *f = CONF("dump.conf", "dump = 0x1000,4K,file1\ndump = 0x2000,4K,file2\n");

	CHECK(PARSE("g", "--config", f) == 0 && o.nr_dumps == 2);
	CHECK(!strcmp(o.dumps[1].path, "file2"));
	CHECK(PARSE("g", "--dump", "0x3000,8K,flag", "--config", f) == 0);
	CHECK(o.nr_dumps == 1 && o.dumps[0].gpa == 0x3000 && !strcmp(o.dumps[0].path, "flag"));
	return true;
}

/* config_parse on its own: the callback sees keys and values in order. */
struct seen {
	char log[256];
};

static int record(void *ctx, const char *key, const char *val, struct errbuf *err)
{
	struct seen *s = ctx;
	size_t n = strlen(s->log);

	snprintf(s->log + n, sizeof(s->log) - n, "[%s=%s]", key, val);
	return strcmp(key, "fail") ? 0 : errf(err, -EINVAL, "asked to fail");
}

static bool test_config_parse_callback(void)
{
	char text[] = "a = 1\n b-c_d =\"x y\"\n\n#c\nfail = now\nnever = reached\n";
	struct seen s = { "" };

	CHECK(config_parse("t.conf", text, strlen(text), record, &s, &e) == -EINVAL);
	CHECKF(!strcmp(s.log, "[a=1][b-c_d=x y][fail=now]"), "%s", s.log);
	CHECKF(!strcmp(e.msg, "t.conf:5: asked to fail"), "%s", e.msg);
	return true;
}

static bool test_config_twice(void)
{
	char first[PATH_MAX + 64];

	snprintf(first, sizeof(first), "%s", CONF("one.conf", "mem = 32M\ncpus = 2\n"));
	/* The last --config is the one read; the first is not merged in. */
	CHECK(PARSE("g", "--config", first, "--config", CONF("two.conf", "mem = 64M\n")) == 0);
	CHECK(o.mem == 64ULL << 20 && o.cpus == 1);
	return true;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/vmm-opts.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	tap_plan(21);
	TAP_RUN(test_parse_size);
	TAP_RUN(test_fmt_size);
	TAP_RUN(test_defaults);
	TAP_RUN(test_every_flag);
	TAP_RUN(test_mem_bad);
	TAP_RUN(test_mem_edges);
	TAP_RUN(test_other_values_bad);
	TAP_RUN(test_cmdline_length);
	TAP_RUN(test_unknown_and_malformed_flags);
	TAP_RUN(test_initrd);
	TAP_RUN(test_trace_flags);
	TAP_RUN(test_disk_flags);
	TAP_RUN(test_image_count);
	TAP_RUN(test_config_then_flags);
	TAP_RUN(test_config_syntax);
	TAP_RUN(test_config_bad_lines);
	TAP_RUN(test_config_unreadable);
	TAP_RUN(test_dump);
	TAP_RUN(test_dump_flags_replace_config);
	TAP_RUN(test_config_parse_callback);
	TAP_RUN(test_config_twice);
	if (nftw(tmpdir, remove_one, 8, FTW_DEPTH | FTW_PHYS))
		tap_diag("could not remove %s", tmpdir);
	return tap_finish();
}

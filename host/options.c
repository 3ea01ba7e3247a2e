/* SPDX-License-Identifier: MIT */
/*
 * `./vmm boot` options: the table below is the one place an option is defined; the
 * command line, the config file and --help all read it. A new option is one setter
 * and one table row.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <abi/layout.h>
#include "host/config.h"
#include "host/options.h"

#define OPT_REPEAT	(1u << 0)	/* may be given more than once; values accumulate */
#define OPT_CLI_ONLY	(1u << 1)	/* not a config-file key */

struct opt_def {
	const char *name;	/* --name on the command line, `name = value` in a config file */
	char short_name;	/* -c, or 0 */
	const char *arg;	/* the value's name in --help; NULL: a flag without a value */
	unsigned int flags;
	/* Parse @val into @o; returns 0 or -E* with @e saying why (without naming the option). */
	int (*set)(struct vmm_opts *o, const char *val, struct errbuf *e);
	/* OPT_REPEAT only: drop the values gathered so far (the command line overrides). */
	void (*reset)(struct vmm_opts *o);
	const char *help;
};

static int copy_str(char *dst, size_t size, const char *val, struct errbuf *e)
{
	size_t n = strlen(val);

	if (n >= size)
		return errf(e, -ENAMETOOLONG, "longer than %zu bytes", size - 1);
	memcpy(dst, val, n + 1);
	return 0;
}

static int set_mem(struct vmm_opts *o, const char *val, struct errbuf *e)
{
	char lo[16], hi[16], al[16];
	u64 v;
	int err = parse_size(val, &v);

	if (err == -EINVAL)
		return errf(e, -EINVAL, "not a size (bytes, or a number with K, M or G)");
	if (err || v < RAM_MIN_SIZE || v > RAM_MAX_SIZE)
		return errf(e, -ERANGE, "out of range: guest RAM must be %s..%s",
			    fmt_size(lo, sizeof(lo), RAM_MIN_SIZE),
			    fmt_size(hi, sizeof(hi), RAM_MAX_SIZE));
	if (!IS_ALIGNED(v, VMM_MEM_ALIGN))
		return errf(e, -EINVAL, "not a multiple of %s",
			    fmt_size(al, sizeof(al), VMM_MEM_ALIGN));
	o->mem = v;
	return 0;
}

static int set_cpus(struct vmm_opts *o, const char *val, struct errbuf *e)
{
	u64 v;

	if (parse_u64(val, &v))
		return errf(e, -EINVAL, "not a number");
	if (v < 1 || v > VMM_MAX_CPUS)
		return errf(e, -ERANGE, "out of range: 1..%d vCPUs", VMM_MAX_CPUS);
	o->cpus = v;
	return 0;
}

static int set_cmdline(struct vmm_opts *o, const char *val, struct errbuf *e)
{
	return copy_str(o->cmdline, sizeof(o->cmdline), val, e);
}

static int set_initrd(struct vmm_opts *o, const char *val, struct errbuf *e)
{
	if (!*val)
		return errf(e, -EINVAL, "empty file name");
	return copy_str(o->initrd, sizeof(o->initrd), val, e);
}

/*
 * FILE[,OPT...]: FILE is everything before the first comma (so it cannot hold one); the
 * options are "ro" where @ro_ok, nothing else.
 */
static int parse_disk(struct disk_opt *d, const char *val, bool ro_ok, struct errbuf *e)
{
	const char *comma = strchr(val, ','), *opt;
	size_t len = comma ? (size_t)(comma - val) : strlen(val);
	struct disk_opt n = { .ro = false };

	if (!len)
		return errf(e, -EINVAL, "empty file name");
	if (len >= sizeof(n.path))
		return errf(e, -ENAMETOOLONG, "longer than %zu bytes", sizeof(n.path) - 1);
	memcpy(n.path, val, len);
	for (opt = comma; opt; opt = comma) {
		size_t olen;

		opt++;
		comma = strchr(opt, ',');
		olen = comma ? (size_t)(comma - opt) : strlen(opt);
		if (ro_ok && olen == 2 && !strncmp(opt, "ro", 2))
			n.ro = true;
		else if (ro_ok)
			return errf(e, -EINVAL, "unknown disk option '%.*s' (there is only 'ro')",
				    (int)MIN(olen, (size_t)32), opt);
		else
			return errf(e, -EINVAL, "unknown option '%.*s' (a swap device takes none)",
				    (int)MIN(olen, (size_t)32), opt);
	}
	*d = n;
	return 0;
}

static int set_disk(struct vmm_opts *o, const char *val, struct errbuf *e)
{
	return parse_disk(&o->disk, val, true, e);
}

static int set_swap(struct vmm_opts *o, const char *val, struct errbuf *e)
{
	return parse_disk(&o->swap, val, false, e);
}

static int set_config(struct vmm_opts *o, const char *val, struct errbuf *e)
{
	if (!*val)
		return errf(e, -EINVAL, "empty file name");
	return copy_str(o->config, sizeof(o->config), val, e);
}

static int set_timeout(struct vmm_opts *o, const char *val, struct errbuf *e)
{
	u64 v;

	if (parse_u64(val, &v))
		return errf(e, -EINVAL, "not a number of seconds");
	if (v > UINT32_MAX)
		return errf(e, -ERANGE, "out of range: at most %u seconds", UINT32_MAX);
	o->timeout_s = v;
	return 0;
}

static int set_dump(struct vmm_opts *o, const char *val, struct errbuf *e)
{
	const char *c1 = strchr(val, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
	struct dump_req *d;
	char gpa[32], len[32];

	if (o->nr_dumps == VMM_MAX_DUMPS)
		return errf(e, -E2BIG, "at most %d dumps", VMM_MAX_DUMPS);
	if (!c1 || !c2 || c1 - val >= (long)sizeof(gpa) || c2 - c1 - 1 >= (long)sizeof(len))
		return errf(e, -EINVAL, "expected GPA,LEN,FILE");
	d = &o->dumps[o->nr_dumps];
	memcpy(gpa, val, c1 - val);
	gpa[c1 - val] = '\0';
	memcpy(len, c1 + 1, c2 - c1 - 1);
	len[c2 - c1 - 1] = '\0';
	if (parse_u64(gpa, &d->gpa))
		return errf(e, -EINVAL, "GPA '%s' is not a number", gpa);
	if (parse_size(len, &d->len) || !d->len)
		return errf(e, -EINVAL, "LEN '%s' is not a non-zero size", len);
	if (d->gpa + d->len < d->gpa)
		return errf(e, -ERANGE, "GPA + LEN overflows");
	if (!c2[1])
		return errf(e, -EINVAL, "empty FILE");
	if (copy_str(d->path, sizeof(d->path), c2 + 1, e))
		return -ENAMETOOLONG;
	o->nr_dumps++;
	return 0;
}

static void reset_dump(struct vmm_opts *o)
{
	o->nr_dumps = 0;
}

/* A flag's value: what the command line gives ("yes") or a config file says. */
static int parse_bool(const char *val, bool *out, struct errbuf *e)
{
	static const char *const yes[] = { "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(val, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(val, no[i])) {
			*out = false;
			return 0;
		}
	}
	return errf(e, -EINVAL, "not a boolean (yes or no)");
}

static int set_verbose(struct vmm_opts *o, const char *val, struct errbuf *e)
{
	return parse_bool(val, &o->verbose, e);
}

static int set_fault_stats(struct vmm_opts *o, const char *val, struct errbuf *e)
{
	return parse_bool(val, &o->fault_stats, e);
}

static int set_trace_size(struct vmm_opts *o, const char *val, struct errbuf *e)
{
	char hi[16];
	u64 v;
	int err = parse_size(val, &v);

	if (err == -EINVAL)
		return errf(e, -EINVAL, "not a size (bytes, or a number with K, M or G)");
	if (err || v > RAM_MAX_SIZE)
		return errf(e, -ERANGE, "out of range: at most %s",
			    fmt_size(hi, sizeof(hi), RAM_MAX_SIZE));
	if (!IS_ALIGNED(v, VMM_TRACE_ALIGN))
		return errf(e, -EINVAL, "not a multiple of 4K");
	o->trace_size = v;
	return 0;
}

static int set_help(struct vmm_opts *o, const char *val, struct errbuf *e)
{
	o->help = true;
	return 0;
}

static const struct opt_def boot_opts[] = {
	{ "mem", 0, "SIZE", 0, set_mem, NULL,
	  "guest RAM, 16M..3G in 2M steps, K/M/G (256M)" },
	{ "cpus", 0, "N", 0, set_cpus, NULL,
	  "vCPUs, 1..64 (1); vCPU 0 boots, APs wait for SIPI" },
	{ "cmdline", 0, "STR", 0, set_cmdline, NULL,
	  "guest command line, /chosen/bootargs (empty)" },
	{ "initrd", 0, "FILE", 0, set_initrd, NULL,
	  "load FILE at the top of RAM for the guest (/chosen)" },
	{ "disk", 0, "FILE[,ro]", 0, set_disk, NULL,
	  "virtio-blk disk backed by the image FILE" },
	{ "swap", 0, "FILE", 0, set_swap, NULL,
	  "virtio-blk swap device backed by the image FILE" },
	{ "config", 0, "FILE", OPT_CLI_ONLY, set_config, NULL,
	  "read `key = value` settings; flags override them" },
	{ "timeout", 0, "SECONDS", 0, set_timeout, NULL,
	  "stop the guest after SECONDS, exit 1 (0: never)" },
	{ "dump", 0, "GPA,LEN,FILE", OPT_REPEAT, set_dump, reset_dump,
	  "at exit, save guest-phys [GPA, GPA+LEN) (up to 4)" },
	{ "trace-size", 0, "SIZE", 0, set_trace_size, NULL,
	  "fault-trace rings at the top of RAM (1M); 0: none" },
	{ "fault-stats", 0, NULL, 0, set_fault_stats, NULL,
	  "print fault counts and latencies at exit (-v too)" },
	{ "verbose", 'v', NULL, 0, set_verbose, NULL,
	  "log unknown I/O, timings, exit counts (vmm: stat)" },
	{ "help", 'h', NULL, OPT_CLI_ONLY, set_help, NULL, "print this help" },
};

static const struct opt_def *find_long(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(boot_opts); i++) {
		if (strlen(boot_opts[i].name) == len && !strncmp(boot_opts[i].name, name, len))
			return &boot_opts[i];
	}
	return NULL;
}

static const struct opt_def *find_short(char c)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(boot_opts); i++) {
		if (boot_opts[i].short_name && boot_opts[i].short_name == c)
			return &boot_opts[i];
	}
	return NULL;
}

void opts_set_defaults(struct vmm_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mem = VMM_DEFAULT_MEM;
	o->cpus = 1;
	o->trace_size = TRACE_RING_SIZE_DEFAULT;
}

/* One option as the command line gave it. */
struct cli_opt {
	const struct opt_def *def;
	const char *val;
	const char *flag;	/* as typed, without any "=value", for messages */
};

/* Values quoted in messages are cut to this many bytes, so that the reason still shows. */
#define MSG_VAL_MAX	48
#define MSG_VAL(v)	(strlen(v) > MSG_VAL_MAX ? MSG_VAL_MAX : (int)strlen(v)), (v), \
			(strlen(v) > MSG_VAL_MAX ? "..." : "")

static int apply_config_key(void *ctx, const char *key, const char *val, struct errbuf *e)
{
	const struct opt_def *def = find_long(key, strlen(key));
	struct errbuf why;

	if (!def)
		return errf(e, -EINVAL, "unknown key '%s'", key);
	if (def->flags & OPT_CLI_ONLY)
		return errf(e, -EINVAL, "'%s' is not allowed in a config file", key);
	if (def->set(ctx, val, &why))
		return errf(e, -EINVAL, "%s = %.*s%s: %s", key, MSG_VAL(val), why.msg);
	return 0;
}

static int read_config(struct vmm_opts *o, const char *path, struct errbuf *e)
{
	size_t len;
	void *text;
	int err;

	err = read_file(path, 1 << 20, &text, &len, e);
	if (err)
		return err;
	err = config_parse(path, text, len, apply_config_key, o, e);
	free(text);
	return err;
}

/*
 * Split argv into options (checked against the table, values attached) and the one
 * positional IMAGE; nothing is applied yet. Returns the number of options in @out, or
 * -E* with @e set.
 */
static int scan_argv(struct vmm_opts *o, int argc, char **argv, struct cli_opt *out,
		     struct errbuf *e)
{
	bool dashdash = false;
	int i, n = 0;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *eq = NULL;
		const struct opt_def *def;
		struct cli_opt *c = &out[n];

		if (dashdash || a[0] != '-' || !a[1]) {
			if (o->image[0])
				return errf(e, -EINVAL, "boot: unexpected argument '%s'", a);
			if (copy_str(o->image, sizeof(o->image), a, e))
				return errf(e, -ENAMETOOLONG, "%s: file name too long", a);
			continue;
		}
		if (!strcmp(a, "--")) {
			dashdash = true;
			continue;
		}
		if (a[1] == '-') {
			eq = strchr(a + 2, '=');
			def = find_long(a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
		} else {
			def = a[2] ? NULL : find_short(a[1]);
		}
		if (!def) {
			int len = eq ? (int)(eq - a) : (int)strlen(a);

			return errf(e, -EINVAL, "%.*s: unknown option; see ./vmm --help", len, a);
		}
		c->def = def;
		c->flag = def->short_name && a[1] != '-' ? a : NULL;
		if (!def->arg) {
			if (eq)
				return errf(e, -EINVAL, "--%s: takes no value", def->name);
			c->val = "yes";
		} else if (eq) {
			c->val = eq + 1;
		} else if (i + 1 < argc) {
			c->val = argv[++i];
		} else {
			return errf(e, -EINVAL, "--%s: missing %s", def->name, def->arg);
		}
		n++;
	}
	return n;
}

/* Checks across options, once all are applied. */
static int check_opts(const struct vmm_opts *o, struct errbuf *e)
{
	char sz[16];
	unsigned int i;

	if (!o->image[0])
		return errf(e, -EINVAL, "boot: missing IMAGE; usage: ./vmm boot IMAGE [options]");
	if (o->disk.path[0] && !strcmp(o->disk.path, o->swap.path))
		return errf(e, -EINVAL, "--swap %s: the same file as --disk", o->swap.path);
	for (i = 0; i < o->nr_dumps; i++) {
		const struct dump_req *d = &o->dumps[i];

		if (d->gpa >= o->mem || d->len > o->mem - d->gpa)
			return errf(e, -ERANGE,
				    "--dump 0x%llx,%llu,%s: outside guest RAM [0, %s)",
				    (unsigned long long)d->gpa, (unsigned long long)d->len,
				    d->path, fmt_size(sz, sizeof(sz), o->mem));
	}
	return 0;
}

int opts_parse_boot(struct vmm_opts *o, int argc, char **argv, struct errbuf *e)
{
	bool seen[ARRAY_SIZE(boot_opts)] = { false };
	struct cli_opt *cli;
	int i, n, err;

	opts_set_defaults(o);
	cli = calloc(argc + 1, sizeof(*cli));
	if (!cli)
		return errf(e, -ENOMEM, "out of memory");
	n = err = scan_argv(o, argc, argv, cli, e);
	if (err < 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (cli[i].def->set == set_help) {
			o->help = true;
			err = 0;
			goto out;
		}
	}
	/* The file first, whatever --config's position, so that every flag overrides it. */
	for (i = 0; i < n; i++) {
		struct errbuf why;

		if (cli[i].def->set == set_config && set_config(o, cli[i].val, &why)) {
			err = errf(e, -EINVAL, "--config %s: %s", cli[i].val, why.msg);
			goto out;
		}
	}
	if (o->config[0]) {
		err = read_config(o, o->config, e);
		if (err)
			goto out;
	}
	for (i = 0; i < n; i++) {
		const struct opt_def *def = cli[i].def;
		size_t idx = def - boot_opts;
		struct errbuf why;

		if (def->set == set_config)
			continue;
		if ((def->flags & OPT_REPEAT) && !seen[idx])
			def->reset(o);
		seen[idx] = true;
		err = def->set(o, cli[i].val, &why);
		if (err) {
			if (cli[i].flag)
				errf(e, err, "%s: %s", cli[i].flag, why.msg);
			else
				errf(e, err, "--%s %.*s%s: %s", def->name, MSG_VAL(cli[i].val),
				     why.msg);
			goto out;
		}
	}
	err = check_opts(o, e);
out:
	free(cli);
	return err;
}

void opts_print_help(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: ./vmm boot IMAGE [options]   boot the x86-64 ELF kernel IMAGE under KVM\n"
		"       ./vmm test [IMAGE] [options] boot IMAGE (default guest/guest.elf) with\n"
		"                                    configs/test.conf: the guest runs the fault\n"
		"                                    test suite; exit 0 only if every test passes\n"
		"       ./vmm probe [-v]             check that /dev/kvm is hardware-assisted KVM;\n"
		"                                    exit 0 if so\n"
		"       ./vmm --help | help          this text\n"
		"       ./vmm --version | version    the version\n"
		"\n"
		"boot and test options:\n");
	for (i = 0; i < ARRAY_SIZE(boot_opts); i++) {
		const struct opt_def *d = &boot_opts[i];
		char flag[64];

		if (d->short_name)
			snprintf(flag, sizeof(flag), "-%c, --%s%s%s", d->short_name, d->name,
				 d->arg ? " " : "", d->arg ? d->arg : "");
		else
			snprintf(flag, sizeof(flag), "    --%s%s%s", d->name,
				 d->arg ? " " : "", d->arg ? d->arg : "");
		fprintf(f, "  %-25s %s\n", flag, d->help);
	}
	fprintf(f, "\nconfig file (--config FILE): one `key = value` per line; the keys:\n ");
	for (i = 0; i < ARRAY_SIZE(boot_opts); i++) {
		if (!(boot_opts[i].flags & OPT_CLI_ONLY))
			fprintf(f, " %s", boot_opts[i].name);
	}
	fprintf(f,
		"\n"
		"(flags as `verbose = yes`). `#` starts a comment; values may be\n"
		"\"double quoted\". Defaults < config file < flags.\n"
		"\n"
		"exit status: the guest's (the low byte of its write to port 0x%x); 1 for a\n"
		"runtime error (KVM, triple fault, timeout); 2 for a usage error (bad flag,\n"
		"value, config file or IMAGE). Without /dev/kvm, run ./vmm under QEMU with\n"
		"tests/nested/run.sh -- ./vmm ...\n",
		EXIT_PORT);
}

/* SPDX-License-Identifier: MIT */
/*
 * init: the guest kernel's first program, and the fault suite's runner. It runs every test
 * program of tests/guest/ from its own directory (argv[0]'s: "/" in the guest, build/progs/
 * natively) with fork and execve, reads each one's TAP through a pipe, and prints one
 * kselftest stream: every result renumbered as `ok N program: test`, diagnostics passed on,
 * the plan at the end, `# Totals`. A program that dies, misses its plan or exits with a
 * status its results contradict counts as one more failure; so does a program that does
 * not refuse bad arguments with one line on stderr and exit status 2.
 * Exit status 0 when everything passed, 1 otherwise.
 *
 * Usage: init [--limit-mib N]
 *   N is the memory, in MiB, that oom_kill may assume (its --limit-mib); below 128, bigmap
 *   maps N / 2 MiB instead of its 64. Without it, init running as pid 1 (the guest) takes
 *   the kernel's RAM from sysinfo(2); run natively, it passes none and oom_kill skips its
 *   tests rather than provoke the host's OOM killer.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINE_MAX_LEN	1024
#define BIGMAP_MIB	64	/* bigmap's default size */

/* The suite, in order; oom_kill gets --limit-mib, bigmap a size that fits (run_prog()). */
static const char *const programs[] = {
	"anon_zero", "fork_cow", "mprotect_segv", "munmap_segv", "stack_grow", "brk",
	"populate", "dontneed", "bigmap", "bad_addr", "bad_args", "uaccess", "pipe", "exec",
	"sleep", "preempt", "oom_kill",
};

/* Arguments each program must refuse: exit 2, one line on stderr, nothing on stdout. */
static const struct {
	const char *prog;
	const char *args[3];
} usage_tests[] = {
	{ "bigmap", { "abc" } },
	{ "bigmap", { "0" } },
	{ "bigmap", { "1", "2" } },
	{ "bigmap", { "99999999999999999999" } },
	{ "oom_kill", { "--limit-mib" } },
	{ "oom_kill", { "--limit-mib", "12x" } },
	{ "oom_kill", { "--limit-mib", "1" } },
	{ "oom_kill", { "--bogus" } },
	{ "exec", { "--bogus" } },
};

static char dir[PATH_MAX];
static int n, pass, fail, skip;

/* Print one renumbered result and count it. */
static void result(int ok, const char *name, const char *rest)
{
	n++;
	printf("%s %d %s%s%s\n", ok ? "ok" : "not ok", n, name, rest ? ": " : "",
	       rest ? rest : "");
	if (!ok)
		fail++;
	else if (rest && strstr(rest, "# SKIP"))
		skip++;
	else
		pass++;
}

/* Start @argv[0] (a name in dir) with stdout and stderr on pipes; its pid or -1. */
static pid_t spawn(char *const argv[], int out[2], int err[2])
{
	char path[PATH_MAX + 64];
	pid_t pid;

	snprintf(path, sizeof(path), "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", argv[0]);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("# fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (dup2(out[1], 1) < 0 || dup2(err ? err[1] : out[1], 2) < 0)
			_exit(126);
		execv(path, argv);
		dprintf(2, "init: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(out[1]);
	if (err)
		close(err[1]);
	return pid;
}

/* Wait for @pid, reaping any orphan that was handed to us meanwhile. Its status or -1. */
static int wait_for(pid_t pid)
{
	int status;
	pid_t got;

	for (;;) {
		got = waitpid(-1, &status, 0);
		if (got == pid)
			return status;
		if (got < 0 && errno != EINTR) {
			printf("# wait4: %s\n", strerror(errno));
			return -1;
		}
		if (got > 0)
			printf("# reaped orphan %d\n", got);
	}
}

/* Read @fd to its end, calling @line for each line (cut at LINE_MAX_LEN). Bytes read. */
static long read_lines(int fd, void (*line)(char *s, void *arg), void *arg)
{
	char buf[LINE_MAX_LEN + 1];
	size_t used = 0;
	long total = 0;
	ssize_t r;
	char *nl;

	for (;;) {
		r = read(fd, buf + used, LINE_MAX_LEN - used);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		total += r;
		used += r;
		buf[used] = '\0';
		while ((nl = memchr(buf, '\n', used))) {
			*nl = '\0';
			if (line)
				line(buf, arg);
			used -= nl + 1 - buf;
			memmove(buf, nl + 1, used);
		}
		if (used == LINE_MAX_LEN) {	/* a line too long: pass on what we have */
			buf[used] = '\0';
			if (line)
				line(buf, arg);
			used = 0;
		}
	}
	if (used && line) {
		buf[used] = '\0';
		line(buf, arg);
	}
	return r < 0 ? -1 : total;
}

struct prog_run {
	const char *name;
	int plan;		/* -1: none seen */
	int ran, failed;
};

/* One line of a program's TAP: renumber results, pass diagnostics on. */
static void tap_line(char *s, void *arg)
{
	struct prog_run *p = arg;
	char name[128];
	int ok;

	if (!strncmp(s, "TAP version ", 12) || !strncmp(s, "# Totals: ", 10))
		return;
	if (!strncmp(s, "1..", 3)) {
		p->plan = atoi(s + 3);
		return;
	}
	ok = !strncmp(s, "ok ", 3);
	if (ok || !strncmp(s, "not ok ", 7)) {
		char *rest = s + (ok ? 3 : 7);

		rest += strspn(rest, "0123456789");
		rest += strspn(rest, " ");
		p->ran++;
		p->failed += !ok;
		snprintf(name, sizeof(name), "%s", p->name);
		result(ok, name, rest);
		return;
	}
	if (s[0] == '#')
		printf("%s\n", s);
	else
		printf("# %s: %s\n", p->name, s);
}

static void run_prog(const char *name, unsigned long limit_mib)
{
	struct prog_run p = { .name = name, .plan = -1 };
	char mib[32], *argv[4] = { (char *)name };
	int out[2], status;
	pid_t pid;

	if (limit_mib && !strcmp(name, "oom_kill")) {
		snprintf(mib, sizeof(mib), "%lu", limit_mib);
		argv[1] = "--limit-mib";
		argv[2] = mib;
	} else if (limit_mib && limit_mib < 2 * BIGMAP_MIB && !strcmp(name, "bigmap")) {
		snprintf(mib, sizeof(mib), "%lu", limit_mib / 2 ? limit_mib / 2 : 1);
		argv[1] = mib;	/* a small guest: half its memory instead of 64 MiB */
	}
	if (pipe2(out, O_CLOEXEC)) {
		printf("# pipe2: %s\n", strerror(errno));
		result(0, name, "started");
		return;
	}
	pid = spawn(argv, out, NULL);
	read_lines(out[0], tap_line, &p);
	close(out[0]);
	status = pid < 0 ? -1 : wait_for(pid);
	if (status == -1) {
		result(0, name, "started");
	} else if (WIFSIGNALED(status)) {
		printf("# %s: killed by signal %d\n", name, WTERMSIG(status));
		result(0, name, "ran to the end");
	} else if (p.plan != p.ran) {
		printf("# %s: planned %d tests, ran %d\n", name, p.plan, p.ran);
		result(0, name, "ran its plan");
	} else if (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 4 && !p.failed) {
		printf("# %s: exit status %d, but no test failed\n", name, WEXITSTATUS(status));
		result(0, name, "exit status");
	} else if (WEXITSTATUS(status) == 0 && p.failed) {
		printf("# %s: exit status 0, but %d tests failed\n", name, p.failed);
		result(0, name, "exit status");
	}
}

static void count_line(char *s, void *arg)
{
	(*(int *)arg)++;
}

static void usage_test(const char *prog, const char *const args[3])
{
	char what[128] = "refuses arguments '", *argv[5] = { (char *)prog };
	int out[2], err[2], lines = 0, status, i;
	long outbytes;
	pid_t pid;

	for (i = 0; i < 3 && args[i]; i++) {
		argv[i + 1] = (char *)args[i];
		snprintf(what + strlen(what), sizeof(what) - strlen(what), "%s%s", i ? " " : "",
			 args[i]);
	}
	snprintf(what + strlen(what), sizeof(what) - strlen(what), "'");
	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
		printf("# pipe2: %s\n", strerror(errno));
		result(0, prog, what);
		return;
	}
	pid = spawn(argv, out, err);
	outbytes = read_lines(out[0], NULL, NULL);
	read_lines(err[0], count_line, &lines);
	close(out[0]);
	close(err[0]);
	status = pid < 0 ? -1 : wait_for(pid);
	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 2 && lines == 1 &&
	    !outbytes) {
		result(1, prog, what);
		return;
	}
	printf("# %s %s: expected exit 2 and one line on stderr, got status %#x, %d lines on "
	       "stderr, %ld bytes on stdout\n", prog, what, status, lines, outbytes);
	result(0, prog, what);
}

int main(int argc, char **argv)
{
	unsigned long limit_mib = 0;
	struct sysinfo si;
	char *slash, *endp;
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "--limit-mib")) {
		errno = 0;
		limit_mib = strtoul(argv[2], &endp, 10);
		if (argv[2][0] < '0' || argv[2][0] > '9' || *endp || errno || !limit_mib) {
			fprintf(stderr, "init: bad --limit-mib '%s': want MiB\n", argv[2]);
			return 2;
		}
	} else if (argc != 1) {
		fprintf(stderr, "usage: init [--limit-mib N]\n");
		return 2;
	} else if (getpid() == 1) {
		if (sysinfo(&si)) {
			fprintf(stderr, "init: sysinfo: %s\n", strerror(errno));
			return 1;
		}
		limit_mib = ((unsigned long long)si.totalram + si.totalswap) * si.mem_unit >> 20;
	}
	snprintf(dir, sizeof(dir), "%s", argv[0]);
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';

	printf("TAP version 13\n");
	printf("# init: running the fault suite from %s%s", dir, limit_mib ? "" : "\n");
	if (limit_mib)
		printf(", oom_kill --limit-mib %lu\n", limit_mib);
	for (i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		run_prog(programs[i], limit_mib);
	for (i = 0; i < sizeof(usage_tests) / sizeof(usage_tests[0]); i++)
		usage_test(usage_tests[i].prog, usage_tests[i].args);
	printf("1..%d\n", n);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n", pass, fail, skip);
	return fail ? 1 : 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Pipes, which init uses to gather every program's TAP: bytes come out as they went in,
 * a reader blocks until a writer writes and sees end of file once every writer is gone,
 * a writer blocks while the pipe is full, writing with no reader left fails with EPIPE
 * (SIGPIPE kills unless blocked), dup2() puts a pipe on stdout, and bad arguments fail.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "util.h"

#define BIG	(1UL << 20)		/* far more than any pipe buffer */

static int test_round_trip(void)
{
	char buf[16] = { 0 };
	int p[2], ok;

	if (!CHECK_EQ(pipe2(p, 0), 0, "pipe2"))
		return TAP_FAIL;
	ok = CHECK_EQ(write(p[1], "hello, pipe", 12), 12, "write");
	ok &= CHECK_EQ(read(p[0], buf, sizeof(buf)), 12, "read");
	ok &= CHECK(!strcmp(buf, "hello, pipe"), "read back '%s'", buf);
	close(p[1]);
	ok &= CHECK_EQ(read(p[0], buf, sizeof(buf)), 0, "read after the writer closed (EOF)");
	close(p[0]);
	return ok;
}

static int pipe_fds[2];

/* Child: write a byte pattern of BIG bytes, in odd-sized pieces. */
static int writer(void *arg)
{
	static unsigned char buf[7777];
	size_t done = 0, n, i;

	close(pipe_fds[0]);
	while (done < BIG) {
		n = BIG - done < sizeof(buf) ? BIG - done : sizeof(buf);
		for (i = 0; i < n; i++)
			buf[i] = (unsigned char)((done + i) * 31 + 7);
		if (write(pipe_fds[1], buf, n) != (ssize_t)n)
			return 1;
		done += n;
	}
	return 0;
}

/* A child writes 1 MiB; the parent reads it all back intact, then end of file. */
static int test_big_transfer(void)
{
	static unsigned char buf[5000];
	size_t got = 0, bad = 0;
	ssize_t r;
	pid_t pid;
	int st, ok;

	if (!CHECK_EQ(pipe(pipe_fds), 0, "pipe"))
		return TAP_FAIL;
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(writer(NULL));
	close(pipe_fds[1]);
	while ((r = read(pipe_fds[0], buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < r; i++)
			bad += buf[i] != (unsigned char)((got + i) * 31 + 7);
		got += r;
	}
	ok = CHECK_EQ(r, 0, "read at the end");
	ok &= CHECK_EQ(got, BIG, "bytes read");
	ok &= CHECK_EQ(bad, 0, "bytes that came out wrong");
	close(pipe_fds[0]);
	ok &= CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	ok &= CHECK_EXITED(st, 0, "the writer");
	return ok;
}

/* Child: write into a pipe whose read end is closed. */
static int write_to_closed(void *blocked)
{
	sigset_t set;
	int p[2];

	if (pipe(p))
		return 3;
	close(p[0]);
	if (blocked) {
		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
	if (write(p[1], "x", 1) != -1 || errno != EPIPE)
		return 1;
	return 0;
}

static int test_no_reader(void)
{
	int ok;

	ok = CHECK_KILLED(run_child(write_to_closed, NULL), SIGPIPE,
			  "write with no reader, SIGPIPE not blocked");
	ok &= CHECK_EXITED(run_child(write_to_closed, (void *)1), 0,
			   "write with no reader, SIGPIPE blocked: EPIPE");
	return ok;
}

/* Child: stdout becomes the pipe's write end. */
static int print_to_pipe(void *arg)
{
	if (dup2(pipe_fds[1], 1) != 1)
		return 1;
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	printf("through stdout\n");
	fflush(stdout);
	return 0;
}

static int test_dup2_stdout(void)
{
	char buf[32] = { 0 };
	size_t got = 0;
	ssize_t r;
	int ok, st;

	if (!CHECK_EQ(pipe(pipe_fds), 0, "pipe"))
		return TAP_FAIL;
	fflush(stdout);
	st = run_child(print_to_pipe, NULL);
	close(pipe_fds[1]);
	while ((r = read(pipe_fds[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += r;
	close(pipe_fds[0]);
	ok = CHECK_EXITED(st, 0, "the child");
	ok &= CHECK(!strcmp(buf, "through stdout\n"), "read '%s'", buf);
	return ok;
}

static int test_nonblock_and_flags(void)
{
	struct stat st;
	char c;
	int p[2], ok;

	if (!CHECK_EQ(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0, "pipe2(O_NONBLOCK | O_CLOEXEC)"))
		return TAP_FAIL;
	ok = CHECK_ERRNO(read(p[0], &c, 1), -1, EAGAIN, "read of an empty O_NONBLOCK pipe");
	ok &= CHECK_EQ(fcntl(p[0], F_GETFD), FD_CLOEXEC, "F_GETFD");
	ok &= CHECK_ERRNO(lseek(p[0], 0, SEEK_SET), -1, ESPIPE, "lseek on a pipe");
	ok &= CHECK_EQ(fstat(p[1], &st), 0, "fstat") && CHECK(S_ISFIFO(st.st_mode),
							      "mode %#o is not a FIFO", st.st_mode);
	close(p[0]);
	close(p[1]);
	return ok;
}

static int test_bad_args(void)
{
	int p[2], ok;

	ok = CHECK_ERRNO(syscall(SYS_pipe2, p, 0x1234), -1, EINVAL, "pipe2 with unknown flags");
	ok &= CHECK_ERRNO(syscall(SYS_pipe2, NULL, 0), -1, EFAULT, "pipe2 given NULL");
	ok &= CHECK_ERRNO(syscall(SYS_pipe2, (void *)0xffff888000000000UL, 0), -1, EFAULT,
			  "pipe2 given a kernel address");
	ok &= CHECK_ERRNO(read(1000, p, 1), -1, EBADF, "read of fd 1000");
	ok &= CHECK_ERRNO(dup2(1000, 5), -1, EBADF, "dup2 of fd 1000");
	return ok;
}

static const struct tap_test tests[] = {
	{ "bytes come out as they went in; EOF once the writer is gone", test_round_trip },
	{ "1 MiB from a child: the writer blocks on a full pipe, nothing lost", test_big_transfer },
	{ "writing with no reader: SIGPIPE, or EPIPE when it is blocked", test_no_reader },
	{ "dup2 puts a pipe on stdout", test_dup2_stdout },
	{ "O_NONBLOCK, O_CLOEXEC, lseek and fstat on a pipe", test_nonblock_and_flags },
	{ "bad arguments: EINVAL, EFAULT, EBADF", test_bad_args },
};

int main(void)
{
	return tap_run(tests, ARRAY_SIZE(tests));
}

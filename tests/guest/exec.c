/* SPDX-License-Identifier: MIT */
/*
 * execve: the new program gets exactly the arguments and environment it was given and the
 * auxiliary vector musl needs (page size, entry, program headers, 16 random bytes, the
 * file name); close-on-exec descriptors are closed and the others kept; a refused execve
 * (no such file, a directory, a path through a file, bad pointers, arguments too long)
 * fails with Linux's errno and leaves the caller running. The program finds itself through
 * AT_EXECFN and re-executes itself in a child with --child or --fds.
 */
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/syscall.h>

#include "util.h"

#define CHILD_OK	42

extern char **environ;
extern char _start[];

static const char *self;

/*
 * --child A B: check what execve gave us. Exit CHILD_OK if all is as sent, else 64 + a bit
 * per wrong thing: 1 argv, 2 envp, 4 page size, 8 entry, 16 program headers, 32 random
 * bytes, and the file name makes it 127.
 */
static int child_main(int argc, char **argv)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	int bad = 0, zero = 1, loads = 0;

	if (argc != 4 || strcmp(argv[2], "a b") || strcmp(argv[3], ""))
		bad |= 1;
	if (!environ[0] || strcmp(environ[0], "X=1") || !environ[1] ||
	    strcmp(environ[1], "EMPTY=") || environ[2])
		bad |= 2;
	if (getauxval(AT_PAGESZ) != 4096)
		bad |= 4;
	if (getauxval(AT_ENTRY) != (unsigned long)_start)
		bad |= 8;
	if (!ph || getauxval(AT_PHENT) != sizeof(Elf64_Phdr) || getauxval(AT_PHNUM) < 2)
		bad |= 16;
	for (unsigned long i = 0; !(bad & 16) && i < getauxval(AT_PHNUM); i++)
		loads += ph[i].p_type == PT_LOAD;
	if (!loads)
		bad |= 16;
	for (int i = 0; rnd && i < 16; i++)
		zero &= !rnd[i];
	if (!rnd || zero)
		bad |= 32;
	if (!execfn || strcmp(execfn, self))
		bad = 63;
	return bad ? 64 + bad : CHILD_OK;
}

/* --fds KEPT CLOSED: KEPT is open, CLOSED (close-on-exec) is not. */
static int fds_main(char **argv)
{
	int kept = atoi(argv[2]), closed = atoi(argv[3]);

	if (fcntl(kept, F_GETFD) != 0)
		return 1;
	if (fcntl(closed, F_GETFD) != -1 || errno != EBADF)
		return 2;
	return write(kept, "k", 1) == 1 ? CHILD_OK : 3;
}

static char *const child_argv[] = { "exec", "--child", "a b", "", NULL };
static char *const child_envp[] = { "X=1", "EMPTY=", NULL };

static int do_exec_child(void *arg)
{
	execve(self, child_argv, child_envp);
	return 100 + errno;
}

static int test_args_env_auxv(void)
{
	return CHECK_EXITED(run_child(do_exec_child, NULL), CHILD_OK,
			    "the new program's argv, envp and auxv");
}

static int pfd[2], cfd[2];

static int do_exec_fds(void *arg)
{
	char kept[16], closed[16];
	char *argv[] = { "exec", "--fds", kept, closed, NULL };

	snprintf(kept, sizeof(kept), "%d", pfd[1]);
	snprintf(closed, sizeof(closed), "%d", cfd[1]);
	execve(self, argv, environ);
	return 100 + errno;
}

static int test_cloexec(void)
{
	char c = 0;
	int ok;

	if (!CHECK_EQ(pipe2(pfd, 0), 0, "pipe2") ||
	    !CHECK_EQ(pipe2(cfd, O_CLOEXEC), 0, "pipe2(O_CLOEXEC)"))
		return TAP_FAIL;
	ok = CHECK_EXITED(run_child(do_exec_fds, NULL), CHILD_OK,
			  "descriptors after execve");
	close(pfd[1]);
	ok &= CHECK_EQ(read(pfd[0], &c, 1), 1, "read what the new program wrote");
	ok &= CHECK_EQ(c, 'k', "the byte");
	close(pfd[0]);
	close(cfd[0]);
	close(cfd[1]);
	return ok;
}

static long sys_execve(const char *path, char *const argv[], char *const envp[])
{
	return syscall(SYS_execve, path, argv, envp);
}

static int test_refused(void)
{
	static char long_path[5000], big_arg[200 * 1024];
	char through_file[PATH_MAX];
	char *big_argv[] = { "exec", big_arg, NULL };
	char *bad_argv[] = { "exec", opaque(1), NULL };
	int ok;

	ok = CHECK_ERRNO(sys_execve("/no/such/program", child_argv, child_envp), -1, ENOENT,
			 "execve of a missing file");
	ok &= CHECK_ERRNO(sys_execve("/", child_argv, child_envp), -1, EACCES,
			  "execve of a directory");
	snprintf(through_file, sizeof(through_file), "%s/x", self);
	ok &= CHECK_ERRNO(sys_execve(through_file, child_argv, child_envp), -1, ENOTDIR,
			  "execve of a path through a file");
	ok &= CHECK_ERRNO(sys_execve("", child_argv, child_envp), -1, ENOENT,
			  "execve of the empty path");
	ok &= CHECK_ERRNO(sys_execve(opaque(0), child_argv, child_envp), -1, EFAULT,
			  "execve of a NULL path");
	ok &= CHECK_ERRNO(sys_execve(opaque(0xffff888000000000UL), child_argv, child_envp), -1,
			  EFAULT, "execve of a kernel-address path");
	ok &= CHECK_ERRNO(sys_execve(self, opaque(1), child_envp), -1, EFAULT,
			  "execve with argv at a bad address");
	ok &= CHECK_ERRNO(sys_execve(self, bad_argv, child_envp), -1, EFAULT,
			  "execve with a bad argv string");
	memset(long_path, 'a', sizeof(long_path) - 1);
	ok &= CHECK_ERRNO(sys_execve(long_path, child_argv, child_envp), -1, ENAMETOOLONG,
			  "execve of a 4999-byte path");
	memset(big_arg, 'b', sizeof(big_arg) - 1);
	ok &= CHECK_ERRNO(sys_execve(self, big_argv, child_envp), -1, E2BIG,
			  "execve with a 200 KiB argument");
	return ok;
}

static const struct tap_test tests[] = {
	{ "the new program gets its argv, envp and auxiliary vector", test_args_env_auxv },
	{ "close-on-exec descriptors close, the others stay", test_cloexec },
	{ "refused execve: ENOENT, EACCES, ENOTDIR, EFAULT, ENAMETOOLONG, E2BIG", test_refused },
};

int main(int argc, char **argv)
{
	self = (const char *)getauxval(AT_EXECFN);
	if (argc == 4 && !strcmp(argv[1], "--child"))
		return child_main(argc, argv);
	if (argc == 4 && !strcmp(argv[1], "--fds"))
		return fds_main(argv);
	if (argc != 1) {
		fprintf(stderr, "usage: exec\n");
		return 2;
	}
	if (!self) {
		fprintf(stderr, "exec: no AT_EXECFN in the auxiliary vector\n");
		return 1;
	}
	return tap_run(tests, ARRAY_SIZE(tests));
}

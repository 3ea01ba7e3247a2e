// SPDX-License-Identifier: MIT
/*
 * Self-test of the system call table: every call tests/guest/SYSCALLS.md lists has a
 * handler under its Linux x86-64 number and name, and numbers without one (or past the
 * table) have none, so the dispatcher answers -ENOSYS.
 */
#include <kern/string.h>
#include <guest/selftest.h>
#include <guest/syscalls.h>

int selftest_syscall_table(void)
{
	static const struct {
		unsigned long nr;
		const char *name;
	} required[] = {
		{ 0, "read" }, { 1, "write" }, { 2, "open" }, { 3, "close" }, { 5, "fstat" },
		{ 8, "lseek" }, { 17, "pread64" }, { 18, "pwrite64" }, { 26, "msync" },
		{ 74, "fsync" }, { 75, "fdatasync" }, { 77, "ftruncate" }, { 87, "unlink" },
		{ 9, "mmap" }, { 10, "mprotect" }, { 11, "munmap" }, { 12, "brk" },
		{ 13, "rt_sigaction" }, { 14, "rt_sigprocmask" }, { 16, "ioctl" },
		{ 20, "writev" }, { 28, "madvise" }, { 33, "dup2" }, { 39, "getpid" },
		{ 56, "clone" }, { 57, "fork" }, { 59, "execve" }, { 60, "exit" },
		{ 61, "wait4" }, { 63, "uname" }, { 98, "getrusage" }, { 99, "sysinfo" },
		{ 158, "arch_prctl" }, { 169, "reboot" }, { 186, "gettid" },
		{ 218, "set_tid_address" }, { 35, "nanosleep" }, { 228, "clock_gettime" },
		{ 230, "clock_nanosleep" }, { 231, "exit_group" }, { 257, "openat" },
		{ 292, "dup3" }, { 293, "pipe2" },
	};
	static const unsigned long missing[] = { 7, 15, 62, 200, 334, NR_SYSCALLS - 1,
						 NR_SYSCALLS, 1UL << 32, -1UL };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(required); i++) {
		ST_ASSERT(syscall_handler(required[i].nr));
		ST_ASSERT_STREQ(syscall_name(required[i].nr), required[i].name);
	}
	for (i = 0; i < ARRAY_SIZE(missing); i++) {
		ST_ASSERT(!syscall_handler(missing[i]));
		ST_ASSERT(!syscall_name(missing[i]));
	}
	return SELFTEST_PASS;
}

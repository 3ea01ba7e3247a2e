/* SPDX-License-Identifier: MIT */
/*
 * The Linux x86-64 user ABI structures and constants that system calls copy in and out:
 * the same layouts as Linux's uapi headers, checked by size and offset below.
 */
#ifndef GUEST_UAPI_H
#define GUEST_UAPI_H

#include <kern/types.h>

struct timespec {
	s64 tv_sec;
	s64 tv_nsec;
};

struct timeval {
	s64 tv_sec;
	s64 tv_usec;
};

struct rusage {
	struct timeval ru_utime;
	struct timeval ru_stime;
	s64 ru_maxrss, ru_ixrss, ru_idrss, ru_isrss;
	s64 ru_minflt, ru_majflt, ru_nswap;
	s64 ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals;
	s64 ru_nvcsw, ru_nivcsw;
};

#define RUSAGE_SELF	0
#define RUSAGE_CHILDREN	(-1)
#define RUSAGE_THREAD	1

#define UTS_LEN		65
struct utsname {
	char sysname[UTS_LEN];
	char nodename[UTS_LEN];
	char release[UTS_LEN];
	char version[UTS_LEN];
	char machine[UTS_LEN];
	char domainname[UTS_LEN];
};

struct stat {
	u64 st_dev;
	u64 st_ino;
	u64 st_nlink;
	u32 st_mode;
	u32 st_uid;
	u32 st_gid;
	u32 __pad0;
	u64 st_rdev;
	s64 st_size;
	s64 st_blksize;
	s64 st_blocks;		/* 512-byte units */
	struct timespec st_atim, st_mtim, st_ctim;
	s64 __unused[3];
};

struct sysinfo {
	s64 uptime;
	u64 loads[3];
	u64 totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	u16 procs;
	u16 pad;
	u64 totalhigh, freehigh;
	u32 mem_unit;
};

struct iovec {
	void *iov_base;
	u64 iov_len;
};
#define UIO_MAXIOV	1024

/* rt_sigaction's struct (the kernel's layout, not libc's). */
struct kernel_sigaction {
	u64 handler;
	u64 flags;
	u64 restorer;
	u64 mask;
};
#define SIG_DFL		0
#define SIG_IGN		1
#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2

#define WNOHANG		0x00000001
#define WUNTRACED	0x00000002
#define WCONTINUED	0x00000008
#define __WNOTHREAD	0x20000000
#define __WALL		0x40000000
#define __WCLONE	0x80000000

#define ARCH_SET_GS	0x1001
#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define ARCH_GET_GS	0x1004

#define CLOCK_REALTIME			0
#define CLOCK_MONOTONIC			1
#define CLOCK_PROCESS_CPUTIME_ID	2
#define CLOCK_THREAD_CPUTIME_ID		3
#define CLOCK_MONOTONIC_RAW		4
#define CLOCK_REALTIME_COARSE		5
#define CLOCK_MONOTONIC_COARSE		6
#define CLOCK_BOOTTIME			7
#define CLOCK_TAI			11
#define TIMER_ABSTIME			1	/* clock_nanosleep(): an absolute time */

#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_DUPFD_CLOEXEC	1030
#define FD_CLOEXEC	1

#define AT_EMPTY_PATH		0x1000
#define AT_SYMLINK_NOFOLLOW	0x100

/* The auxiliary vector's keys (execve's initial stack). */
#define AT_NULL		0
#define AT_PHDR		3
#define AT_PHENT	4
#define AT_PHNUM	5
#define AT_PAGESZ	6
#define AT_BASE		7
#define AT_FLAGS	8
#define AT_ENTRY	9
#define AT_UID		11
#define AT_EUID		12
#define AT_GID		13
#define AT_EGID		14
#define AT_PLATFORM	15
#define AT_HWCAP	16
#define AT_CLKTCK	17
#define AT_SECURE	23
#define AT_RANDOM	25
#define AT_HWCAP2	26
#define AT_EXECFN	31

_Static_assert(sizeof(struct rusage) == 144, "struct rusage");
_Static_assert(sizeof(struct utsname) == 390, "struct utsname");
_Static_assert(sizeof(struct stat) == 144 && offsetof(struct stat, st_size) == 48 &&
	       offsetof(struct stat, st_mtim) == 88, "struct stat (x86-64)");
_Static_assert(sizeof(struct sysinfo) == 112 && offsetof(struct sysinfo, procs) == 80 &&
	       offsetof(struct sysinfo, totalhigh) == 88 &&
	       offsetof(struct sysinfo, mem_unit) == 104, "struct sysinfo (x86-64)");
_Static_assert(sizeof(struct kernel_sigaction) == 32, "struct sigaction (kernel)");

#endif

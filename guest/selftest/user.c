// SPDX-License-Identifier: MIT
/*
 * Self-tests of user mode without an initramfs: snippets of ring-3 code
 * (guest/selftest/user_code.S) run as tasks with address spaces of their own. System calls
 * return their results through SYSRET, SSE and callee-saved registers survive context
 * switches, and each exception a program can cause kills it with Linux's signal while the
 * kernel goes on. Where KVM cannot run ring-3 code at all (kvm_pvm delivers SYSCALL to the
 * entry point without leaving user mode) the tests skip, saying so.
 */
#include <kern/errno.h>
#include <mm/mm.h>
#include <asm/uaccess.h>
#include <guest/sched.h>
#include <guest/selftest.h>
#include <guest/signal.h>

#define USER_CODE	0x400000UL
#define USER_STACK_TOP	0x7fff00000000UL

#define DECLARE_SNIPPET(name)	extern const u8 name[], name##_end[]
DECLARE_SNIPPET(user_getpid_exit);
DECLARE_SNIPPET(user_enosys);
DECLARE_SNIPPET(user_xmm_yield);
DECLARE_SNIPPET(user_ud2);
DECLARE_SNIPPET(user_div0);
DECLARE_SNIPPET(user_read_kernel);
DECLARE_SNIPPET(user_noncanonical);
DECLARE_SNIPPET(user_hlt);
DECLARE_SNIPPET(user_write_code);

struct snippet {
	const char *name;
	const u8 *start, *end;
};

#define SNIPPET(n)	{ #n, n, n##_end }

void entry_SYSCALL_64(void);

/* The new task: build an address space with the code and a stack, then go to ring 3. */
static int snippet_main(void *arg)
{
	const struct snippet *s = arg;
	struct task *t = current;
	unsigned long len = s->end - s->start, a;

	t->mm = mm_alloc();
	if (!t->mm)
		do_exit(W_EXITCODE(120, 0));
	write_cr3(mm_pgd_phys(t->mm));
	a = do_mmap(t->mm, NULL, USER_CODE, PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
	if (a != USER_CODE || copy_to_user((void __user *)USER_CODE, s->start, len) ||
	    do_mprotect(t->mm, USER_CODE, PAGE_SIZE, PROT_READ | PROT_EXEC))
		do_exit(W_EXITCODE(121, 0));
	a = do_mmap(t->mm, NULL, USER_STACK_TOP - PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, 0);
	if (a != USER_STACK_TOP - PAGE_SIZE)
		do_exit(W_EXITCODE(122, 0));
	start_thread(current_pt_regs(), USER_CODE, USER_STACK_TOP);
	return 0;
}

/* Start @n snippets at once, wait for all; their wait statuses in @status, pids in @pid. */
static int run_snippets(const struct snippet *s, int n, int *status, int *pid)
{
	struct task *t;
	int i;

	for (i = 0; i < n; i++) {
		t = kernel_thread(snippet_main, (void *)&s[i], s[i].name);
		if (!t)
			return -ENOMEM;
		pid[i] = t->pid;
	}
	for (i = 0; i < n; i++)
		if (kernel_wait(pid[i], &status[i]) != pid[i])
			return -ECHILD;
	return 0;
}

/* Did the hypervisor fail to enter ring 0 on SYSCALL (kvm_pvm)? */
static bool syscall_broken(int status, int pid)
{
	return status == W_EXITCODE(0, SIGSEGV) && last_fatal_fault.pid == pid &&
	       last_fatal_fault.rip == (unsigned long)entry_SYSCALL_64;
}

int selftest_user_syscalls(void)
{
	static const struct snippet s[] = {
		SNIPPET(user_getpid_exit), SNIPPET(user_enosys),
		SNIPPET(user_xmm_yield), SNIPPET(user_xmm_yield), SNIPPET(user_xmm_yield),
	};
	int status[ARRAY_SIZE(s)], pid[ARRAY_SIZE(s)];
	unsigned int i;

	ST_ASSERT_EQ(run_snippets(s, 1, status, pid), 0);
	if (syscall_broken(status[0], pid[0]))
		ST_SKIP("SYSCALL from ring 3 does not reach ring 0 on this KVM (kvm_pvm?)");
	ST_ASSERT_EQ(status[0], W_EXITCODE(pid[0], 0));
	ST_ASSERT_EQ(run_snippets(s + 1, ARRAY_SIZE(s) - 1, status + 1, pid + 1), 0);
	for (i = 1; i < ARRAY_SIZE(s); i++) {
		if (status[i] != W_EXITCODE(0, 0))
			printk("# %s (pid %d): wait status 0x%x\n", s[i].name, pid[i], status[i]);
		ST_ASSERT_EQ(status[i], W_EXITCODE(0, 0));
	}
	return SELFTEST_PASS;
}

int selftest_user_exceptions(void)
{
	static const struct {
		struct snippet s;
		int sig;
	} cases[] = {
		{ SNIPPET(user_ud2), SIGILL },
		{ SNIPPET(user_div0), SIGFPE },
		{ SNIPPET(user_read_kernel), SIGSEGV },
		{ SNIPPET(user_noncanonical), SIGSEGV },
		{ SNIPPET(user_hlt), SIGSEGV },
		{ SNIPPET(user_write_code), SIGSEGV },
	};
	static const struct snippet probe = SNIPPET(user_getpid_exit);
	int status, pid;
	unsigned int i;

	ST_ASSERT_EQ(run_snippets(&probe, 1, &status, &pid), 0);
	if (syscall_broken(status, pid))
		ST_SKIP("SYSCALL from ring 3 does not reach ring 0 on this KVM (kvm_pvm?)");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ST_ASSERT_EQ(run_snippets(&cases[i].s, 1, &status, &pid), 0);
		if (status != W_EXITCODE(0, cases[i].sig))
			printk("# %s: wait status 0x%x, expected signal %d\n", cases[i].s.name,
			       status, cases[i].sig);
		ST_ASSERT_EQ(status, W_EXITCODE(0, cases[i].sig));
		ST_ASSERT_EQ(last_fatal_fault.pid, pid);
	}
	/* The last case, the store into the code page: where and what it hit. */
	ST_ASSERT_EQ(last_fatal_fault.rip, USER_CODE + (user_write_code_end - user_write_code) - 3);
	ST_ASSERT_EQ(last_fatal_fault.addr, USER_CODE);
	return SELFTEST_PASS;
}

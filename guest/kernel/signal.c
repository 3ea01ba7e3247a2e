// SPDX-License-Identifier: MIT
/*
 * Fatal signals: the kernel's answer to a bad access or an exception in user mode, to a
 * write into a pipe nobody reads (SIGPIPE) and to running out of memory (SIGKILL). With no
 * handlers, each one terminates the process with that signal as its wait status.
 */
#include <kern/printk.h>
#include <asm/ptrace.h>
#include <asm/traps.h>
#include <guest/sched.h>
#include <guest/setup.h>
#include <guest/signal.h>

bool print_fatal_signals;

static const char *const signal_names[] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
	[SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE",
	[SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV",
	[SIGUSR2] = "SIGUSR2", [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM",
	[SIGTERM] = "SIGTERM", [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
	[SIGSTOP] = "SIGSTOP",
};

const char *signal_name(int sig)
{
	if (sig > 0 && (unsigned int)sig < ARRAY_SIZE(signal_names) && signal_names[sig])
		return signal_names[sig];
	return "SIG?";
}

int signal_for_exception(unsigned long vector)
{
	switch (vector) {
	case X86_TRAP_DE: case X86_TRAP_MF: case X86_TRAP_XF:
		return SIGFPE;
	case X86_TRAP_DB: case X86_TRAP_BP:
		return SIGTRAP;
	case X86_TRAP_UD:
		return SIGILL;
	case X86_TRAP_NP: case X86_TRAP_SS: case X86_TRAP_AC:
		return SIGBUS;
	case X86_TRAP_NMI: case X86_TRAP_DF: case X86_TRAP_MC:
		return 0;
	default:	/* #GP, #OF, #BR, #TS, #NM, #CP, ... */
		return SIGSEGV;
	}
}

struct fatal_fault last_fatal_fault;

void entry_SYSCALL_64(void);

void force_sig_fault(int sig, int code, unsigned long addr, struct pt_regs *regs)
{
	struct task *t = current;

	last_fatal_fault = (struct fatal_fault){ t->pid, sig, addr, regs->rip };
	if (regs->rip == (unsigned long)entry_SYSCALL_64 && user_mode(regs))
		printk("%s[%d]: SYSCALL did not enter the kernel (it ran the entry point in user "
		       "mode): this KVM (kvm_pvm?) cannot run ring-3 code of an unmodified kernel; "
		       "use hardware-virtualized KVM, e.g. tests/nested/run.sh\n", t->comm, t->pid);
	if (print_fatal_signals || t == init_process)
		printk("%s[%d]: killed by %s (code %d) at 0x%lx, ip 0x%lx sp 0x%lx%s%s\n",
		       t->comm, t->pid, signal_name(sig), code, addr, regs->rip, regs->rsp,
		       regs->vector < NR_EXCEPTION_VECTORS ? ", exception " : "",
		       regs->vector < NR_EXCEPTION_VECTORS ? exception_name(regs->vector) : "");
	do_exit(W_EXITCODE(0, sig));
}

void send_fatal_signal(int sig)
{
	struct task *t = current;

	/* A blocked SIGPIPE stays pending and the write just fails, as on Linux; a fault's
	 * SIGKILL cannot be blocked. */
	if (sig != SIGKILL && (t->sig_blocked & sigmask(sig)))
		return;
	if (!t->fatal_signal)
		t->fatal_signal = sig;
}

void exit_to_user_mode(void)
{
	struct task *t = current;

	if (t->fatal_signal) {
		if (print_fatal_signals || t == init_process)
			printk("%s[%d]: killed by %s\n", t->comm, t->pid,
			       signal_name(t->fatal_signal));
		do_exit(W_EXITCODE(0, t->fatal_signal));
	}
}

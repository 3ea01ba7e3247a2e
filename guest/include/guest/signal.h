/* SPDX-License-Identifier: MIT */
/*
 * Signals (guest/kernel/signal.c). There are no handlers: every signal the kernel sends
 * takes its default action, which for all of them here is to terminate the process; its
 * parent sees WIFSIGNALED with WTERMSIG = the signal. Linux's numbers.
 */
#ifndef GUEST_SIGNAL_H
#define GUEST_SIGNAL_H

#include <kern/compiler.h>
#include <mm/mm.h>		/* SIGBUS, SIGKILL, SIGSEGV */

#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGFPE		8
#define SIGUSR1		10
#define SIGUSR2		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGCHLD		17
#define SIGCONT		18
#define SIGSTOP		19
#define _NSIG		64

#define sigmask(sig)	(1ULL << ((sig) - 1))

struct pt_regs;

/* "SIGSEGV" for 11, "SIG?" for numbers without a name here. */
const char *signal_name(int sig);

/* print-fatal-signals=1 on the command line: log every kill by a signal. */
extern bool print_fatal_signals;

/*
 * Kill current with @sig for a bad access at @addr (@code: si_code, SEGV_MAPERR...) or an
 * exception in user mode (@regs). Logged when print_fatal_signals or for init (pid 1).
 */
void force_sig_fault(int sig, int code, unsigned long addr, struct pt_regs *regs) __noreturn;

/* The last process force_sig_fault() killed, and where (for self-tests and messages). */
struct fatal_fault {
	int pid, sig;
	unsigned long addr, rip;
};
extern struct fatal_fault last_fatal_fault;

/* The signal an exception in user mode sends (SIGSEGV, SIGILL, SIGFPE, SIGBUS,
 * SIGTRAP), or 0 for the ones that are never the program's doing (NMI, #DF, #MC). */
int signal_for_exception(unsigned long vector);

/* On the way back to user mode: kill current if a fatal signal is pending. */
void exit_to_user_mode(void);

#endif

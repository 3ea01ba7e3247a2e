/* SPDX-License-Identifier: MIT */
/*
 * Tasks and the scheduler (guest/kernel/sched.c, fork.c, exit.c): one struct task per
 * process (single-threaded: pid = tid), a FIFO run queue, and wait queues to block on.
 * A task runs until it blocks, yields or exits, or, in user mode, until its 10 ms time
 * slice is over while another task is runnable (preempted on the timer interrupt's return
 * to user mode); the kernel runs with interrupts off and is never preempted, so nothing
 * comes between a check and the sleep.
 */
#ifndef GUEST_SCHED_H
#define GUEST_SCHED_H

#include <kern/types.h>
#include <mm/list.h>
#include <mm/mm.h>
#include <asm/percpu.h>
#include <asm/thread.h>
#include <asm/uaccess.h>

#define TASK_COMM_LEN	16
#define NR_OPEN		64		/* file descriptors per task */
#define STACK_END_MAGIC	0x57ac6e9d57ac6e9dUL	/* lowest word of every kernel stack */

enum task_state {
	TASK_RUNNING,		/* running, or on the run queue */
	TASK_BLOCKED,		/* waiting on a wait queue */
	TASK_ZOMBIE,		/* exited; its parent has not reaped it yet */
};

struct task;

struct wait_queue_head {
	struct list_head head;
};

struct wait_queue_entry {
	struct task *task;
	struct list_head entry;
};

#define WAIT_QUEUE_HEAD_INIT(name)	{ LIST_HEAD_INIT((name).head) }

static inline void init_waitqueue_head(struct wait_queue_head *wq)
{
	INIT_LIST_HEAD(&wq->head);
}

/* Times and fault counts, as getrusage() reports them (times in TSC ticks). */
struct task_usage {
	u64 utime, stime;
	unsigned long min_flt, maj_flt;
};

struct file;

struct task {
	struct thread_struct thread;	/* first: keeps the FXSAVE area 16-byte aligned */
	int pid;			/* also the thread id: one thread per process */
	enum task_state state;
	char comm[TASK_COMM_LEN];	/* the program's name, for messages */
	void *stack;			/* THREAD_SIZE bytes; STACK_END_MAGIC at the bottom */
	struct mm_struct *mm;		/* NULL: a kernel task (runs on kernel_pml4) */

	struct file *files[NR_OPEN];	/* the file descriptor table */
	struct file *exe_file;		/* the program it runs, write-denied; NULL: none or
					 * the initramfs's (Linux's mm->exe_file) */
	u64 cloexec;			/* bit fd: close files[fd] at execve */

	int exit_code;			/* wait status (Linux encoding) once a zombie */
	int fatal_signal;		/* a signal that kills on the way back to user mode */
	u64 sig_blocked;		/* rt_sigprocmask's mask (bit n-1: signal n) */
	unsigned long clear_child_tid;	/* set_tid_address(): stored, no threads to wake */
	int __user *set_child_tid;	/* clone(CLONE_CHILD_SETTID): written on first run */

	struct task *parent;
	struct list_head children;	/* this task's children, by sibling */
	struct list_head sibling;
	struct wait_queue_head wait_child;	/* wait4() sleeps here for a child's exit */
	struct list_head run_list;	/* on the run queue while runnable, not current */

	struct task_fault_stats faults;	/* page faults, counted by the fault handler */
	struct task_usage usage;	/* own times; faults are copied in at exit */
	struct task_usage cusage;	/* reaped children's (and their children's) */
	u64 tsc_mark;			/* when the current time slice (user or kernel) began */

	/* The #PF this task is handling, for the fault trace (per task: a fault may sleep). */
	struct {
		bool active;
		unsigned long error_code;
		u64 start_tsc;		/* TSC at #PF entry */
		unsigned int traced;	/* records it made so far */
	} pf;
};

/* The running task. */
static inline struct task *get_current(void)
{
	struct task *t;

	__asm__("movq %%gs:%c1, %0" : "=r"(t) : "i"(PERCPU_CURRENT));
	return t;
}
#define current get_current()

/* The saved user registers: the struct pt_regs at the top of @t's kernel stack. */
static inline struct pt_regs *task_pt_regs(struct task *t)
{
	return (struct pt_regs *)((char *)t->stack + THREAD_SIZE) - 1;
}

static inline struct pt_regs *current_pt_regs(void)
{
	return task_pt_regs(current);
}

/* ---- scheduler (guest/kernel/sched.c) ----------------------------------------------- */
/* Make the boot context task 0 (the idle task, "swapper") and current. */
void sched_init(void);
/* Run the next runnable task; return when current runs again. If current is blocked and
 * nothing is runnable, halt until an interrupt wakes a task; with nothing that could,
 * that is a deadlock: panic. */
void schedule(void);
/* Make a blocked task runnable (no effect on others). */
void wake_up_process(struct task *t);
/* Called by ret_from_fork on a new task's first run. */
void schedule_tail(void);
/* On an interrupt's way back to user mode: switch to the next runnable task if current's
 * time slice is over (the slice timer said so). Interrupts off. */
void sched_preempt(void);
/* Switches sched_preempt() made since boot. */
extern u64 sched_preemptions;
/* Interrupt sources that can wake a task from the idle halt (devices add theirs; a
 * pending kernel timer counts too, see idle_halt()). */
extern unsigned int sched_wakeup_sources;

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *wait);
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *wait);
/* Wake every task waiting on @wq. */
void wake_up(struct wait_queue_head *wq);

/* Sleep on @wq until @cond holds (checked before each sleep; interrupts are off). */
#define wait_event(wq, cond)							\
	do {									\
		struct wait_queue_entry __wait = {				\
			.entry = LIST_HEAD_INIT(__wait.entry) };		\
		for (;;) {							\
			prepare_to_wait(&(wq), &__wait);			\
			if (cond)						\
				break;						\
			schedule();						\
		}								\
		finish_wait(&(wq), &__wait);					\
	} while (0)

/* Account the time since current->tsc_mark as user (@user) or kernel time; restart it. */
void account_time(struct task *t, bool user);

/* ---- tasks (guest/kernel/fork.c, exit.c) -------------------------------------------- */
extern struct task init_task;		/* pid 0, the boot context */
extern unsigned int nr_tasks;		/* tasks alive or zombie, task 0 included */

/*
 * Create a task that runs fn(arg) in kernel mode, then returns to the user context that
 * fn left in its pt_regs (kernel_execve()); a child of current, runnable. Returns it, or
 * NULL when memory is exhausted.
 */
struct task *kernel_thread(int (*fn)(void *), void *arg, const char *comm);
/* Free a task that will never run again (a reaped zombie, a child that never started). */
void free_task(struct task *t);
/* Name @t after @name (cut to TASK_COMM_LEN - 1 characters). */
void set_task_comm(struct task *t, const char *name);
/* fork(): a copy of current (its mm copy-on-write, files shared by reference). Returns
 * the child's pid, or -ENOMEM / -EAGAIN. */
long do_fork(void);
/* Wait for child @pid of current to exit and reap it: its pid with *status set, or -ECHILD. */
int kernel_wait(int pid, int *status);
/* Terminate current with wait status @code (Linux encoding); never returns. */
void do_exit(int code) __noreturn;
/* Stop current on its way back to user mode with @sig as if killed (e.g. SIGPIPE). */
void send_fatal_signal(int sig);

/* Linux wait status encodings. */
#define W_EXITCODE(ret, sig)	(((ret) & 0xff) << 8 | ((sig) & 0x7f))

#endif

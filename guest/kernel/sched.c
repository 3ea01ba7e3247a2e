// SPDX-License-Identifier: MIT
/*
 * The scheduler: a FIFO run queue of runnable tasks. A task runs until it blocks on a wait
 * queue, yields or exits, or, in user mode, until its time slice (SCHED_SLICE_NS) is over
 * while another task waits: the slice timer then asks for a switch, made on the way back
 * to user mode from the timer interrupt (sched_preempt()); kernel code is never preempted.
 * The slice timer is armed only while someone waits for the CPU (tickless otherwise).
 * When nothing is runnable the CPU halts with interrupts on until an interrupt wakes
 * someone; with no device and no pending timer that could, every task waiting is a
 * deadlock, reported as a panic rather than a silent hang.
 */
#include <kern/printk.h>
#include <kern/string.h>
#include <asm/processor.h>
#include <asm/stacktrace.h>
#include <guest/sched.h>
#include <guest/setup.h>
#include <guest/timer.h>

#define SCHED_SLICE_NS	(10 * 1000 * 1000ULL)	/* a user task's time slice: 10 ms */

static LIST_HEAD(run_queue);
static void slice_expired(struct timer_list *t);
static struct timer_list slice_timer = {
	.entry = LIST_HEAD_INIT(slice_timer.entry),
	.fn = slice_expired,
};
static u64 slice_start;			/* ktime_get_ns() when current got the CPU */
static bool need_resched;		/* current's slice is over and another task waits */
u64 sched_preemptions;			/* switches sched_preempt() made, since boot */

struct task init_task = {
	.pid = 0,
	.state = TASK_RUNNING,
	.comm = "swapper",
};

unsigned int nr_tasks = 1;
unsigned int sched_wakeup_sources;

void sched_init(void)
{
	struct task *t = &init_task;

	t->stack = init_stack;
	*(unsigned long *)t->stack = STACK_END_MAGIC;
	t->thread.fsbase = (unsigned long)&boot_percpu;	/* head.S: the canary for libfdt */
	INIT_LIST_HEAD(&t->children);
	INIT_LIST_HEAD(&t->sibling);
	INIT_LIST_HEAD(&t->run_list);
	init_waitqueue_head(&t->wait_child);
	t->tsc_mark = arch_rdtsc();
	this_cpu()->cur_task = t;
	this_cpu()->top_of_stack = (unsigned long)init_stack_end;
	tss_set_rsp0((unsigned long)init_stack_end);
}

void account_time(struct task *t, bool user)
{
	u64 now = arch_rdtsc();

	if (user)
		t->usage.utime += now - t->tsc_mark;
	else
		t->usage.stime += now - t->tsc_mark;
	t->tsc_mark = now;
}

static void slice_expired(struct timer_list *t)
{
	if (!list_empty(&run_queue))
		need_resched = true;
}

/*
 * Arm the slice timer for the end of current's slice while a task waits, else disarm it.
 * @restart: a new slice began (a switch), so an armed timer moves to its end.
 */
static void slice_update(bool restart)
{
	if (list_empty(&run_queue))
		del_timer(&slice_timer);
	else if (restart || (!timer_pending(&slice_timer) && !need_resched))
		mod_timer(&slice_timer, slice_start + SCHED_SLICE_NS);
}

void wake_up_process(struct task *t)
{
	if (t->state != TASK_BLOCKED)
		return;
	t->state = TASK_RUNNING;
	/* Current may be woken between prepare_to_wait() and schedule(): it is not queued. */
	if (t != current) {
		list_add_tail(&t->run_list, &run_queue);
		slice_update(false);
	}
}

/* Halt until an interrupt arrives; interrupts are back off when this returns. */
static void idle_halt(void)
{
	if (!sched_wakeup_sources && !timers_pending())
		panic("sched: every task is blocked and no interrupt can wake one (deadlock)");
	__asm__ __volatile__("sti; hlt; cli" : : : "memory");
}

void schedule(void)
{
	struct task *prev = current, *next;

	BUG_ON(read_rflags() & X86_EFLAGS_IF);
	BUG_ON(*(unsigned long *)prev->stack != STACK_END_MAGIC);
	need_resched = false;
	while (list_empty(&run_queue)) {
		if (prev->state == TASK_RUNNING)
			return;		/* nobody else wants the CPU */
		account_time(prev, false);
		idle_halt();
		prev->tsc_mark = arch_rdtsc();	/* the halt is nobody's time */
	}
	next = list_first_entry(&run_queue, struct task, run_list);
	list_del_init(&next->run_list);
	if (prev->state == TASK_RUNNING)
		list_add_tail(&prev->run_list, &run_queue);
	/* next's slice starts now; a stale request from the idle halt is dropped. */
	need_resched = false;
	slice_start = ktime_get_ns();
	slice_update(true);
	account_time(prev, false);
	switch_to(prev, next);
	/* Back in prev, later: its time runs again from now. */
	prev->tsc_mark = arch_rdtsc();
}

void sched_preempt(void)
{
	if (!need_resched)
		return;
	sched_preemptions++;
	schedule();		/* current stays runnable: it goes to the back of the queue */
}

void schedule_tail(void)
{
	struct task *t = current;

	t->tsc_mark = arch_rdtsc();
	if (t->set_child_tid)	/* clone(CLONE_CHILD_SETTID), in the child's own memory */
		put_user(t->pid, t->set_child_tid);
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *wait)
{
	wait->task = current;
	if (list_empty(&wait->entry))
		list_add_tail(&wait->entry, &wq->head);
	current->state = TASK_BLOCKED;
}

void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *wait)
{
	current->state = TASK_RUNNING;
	list_del_init(&wait->entry);
}

void wake_up(struct wait_queue_head *wq)
{
	struct wait_queue_entry *w;

	list_for_each_entry(w, &wq->head, entry)
		wake_up_process(w->task);
}

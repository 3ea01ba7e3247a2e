// SPDX-License-Identifier: MIT
/*
 * The scheduler: a FIFO run queue of runnable tasks, switched cooperatively. A task runs
 * until it blocks on a wait queue, yields or exits. When nothing is runnable the CPU halts
 * with interrupts on until a device interrupt wakes someone; with no device that could,
 * every task waiting is a deadlock, reported as a panic rather than a silent hang.
 */
#include <kern/printk.h>
#include <kern/string.h>
#include <asm/processor.h>
#include <asm/stacktrace.h>
#include <guest/sched.h>
#include <guest/setup.h>

static LIST_HEAD(run_queue);

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

void wake_up_process(struct task *t)
{
	if (t->state != TASK_BLOCKED)
		return;
	t->state = TASK_RUNNING;
	/* Current may be woken between prepare_to_wait() and schedule(): it is not queued. */
	if (t != current)
		list_add_tail(&t->run_list, &run_queue);
}

/* Halt until an interrupt arrives; interrupts are back off when this returns. */
static void idle_halt(void)
{
	if (!sched_wakeup_sources)
		panic("sched: every task is blocked and no interrupt can wake one (deadlock)");
	__asm__ __volatile__("sti; hlt; cli" : : : "memory");
}

void schedule(void)
{
	struct task *prev = current, *next;

	BUG_ON(read_rflags() & X86_EFLAGS_IF);
	BUG_ON(*(unsigned long *)prev->stack != STACK_END_MAGIC);
	while (list_empty(&run_queue)) {
		if (prev->state == TASK_RUNNING)
			return;		/* nobody else wants the CPU */
		idle_halt();
	}
	next = list_first_entry(&run_queue, struct task, run_list);
	list_del_init(&next->run_list);
	if (prev->state == TASK_RUNNING)
		list_add_tail(&prev->run_list, &run_queue);
	account_time(prev, false);
	switch_to(prev, next);
	/* Back in prev, later: its time runs again from now. */
	prev->tsc_mark = arch_rdtsc();
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

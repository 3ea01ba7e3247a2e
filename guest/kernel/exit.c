// SPDX-License-Identifier: MIT
/*
 * Ending tasks: do_exit() closes the files, drops the address space, hands the children to
 * init and leaves a zombie with its wait status; wait4() reaps it and adds its usage to the
 * parent's children totals. When init (pid 1) exits the VM ends with its status.
 */
#include <kern/printk.h>
#include <kern/string.h>
#include <asm/paging.h>
#include <guest/fs.h>
#include <guest/ktime.h>
#include <guest/sched.h>
#include <guest/setup.h>
#include <guest/signal.h>
#include <guest/syscalls.h>
#include <guest/uapi.h>

/* Orphans go to init, which reaps them; without init (self-tests) to task 0. */
static void reparent_children(struct task *t)
{
	struct task *reaper = init_process && init_process != t ? init_process : &init_task;
	struct task *c, *n;
	bool zombies = false;

	list_for_each_entry_safe(c, n, &t->children, sibling) {
		list_del_init(&c->sibling);
		c->parent = reaper;
		list_add_tail(&c->sibling, &reaper->children);
		zombies |= c->state == TASK_ZOMBIE;
	}
	if (zombies)
		wake_up(&reaper->wait_child);
}

void do_exit(int code)
{
	struct task *t = current;
	struct mm_struct *mm = t->mm;

	BUG_ON(t == &init_task);
	files_close_all(t);
	exe_file_put(t);
	if (mm) {
		/* Off its page tables before they are freed. */
		t->mm = NULL;
		write_cr3(__pa(kernel_pml4));
		mmput(mm);
	}
	account_time(t, false);
	t->usage.min_flt = t->faults.min_flt;
	t->usage.maj_flt = t->faults.maj_flt;
	if (t == init_process)
		init_exit(code);
	reparent_children(t);
	t->exit_code = code;
	t->state = TASK_ZOMBIE;
	wake_up(&t->parent->wait_child);
	schedule();
	BUG();		/* a zombie never runs again */
}

SYSCALL_DEFINE1(exit, int, status)
{
	do_exit(W_EXITCODE(status, 0));
}

SYSCALL_DEFINE1(exit_group, int, status)
{
	do_exit(W_EXITCODE(status, 0));
}

/* Free zombie @z, adding its usage and its children's to its parent's children totals. */
static void release_task(struct task *z)
{
	struct task_usage *c = &z->parent->cusage;

	c->utime += z->usage.utime + z->cusage.utime;
	c->stime += z->usage.stime + z->cusage.stime;
	c->min_flt += z->usage.min_flt + z->cusage.min_flt;
	c->maj_flt += z->usage.maj_flt + z->cusage.maj_flt;
	list_del_init(&z->sibling);
	free_task(z);
}

/* Does child @c match wait4's @pid? No process groups: every process is in init's. */
static bool wait_matches(const struct task *c, int pid)
{
	if (pid > 0)
		return c->pid == pid;
	return pid == 0 || pid == -1 || pid == -1 * (init_process ? init_process->pid : 1);
}

/* A zombie child matching @pid, or NULL; *any says whether any child matches at all. */
static struct task *find_zombie(int pid, bool *any)
{
	struct task *c;

	*any = false;
	list_for_each_entry(c, &current->children, sibling) {
		if (!wait_matches(c, pid))
			continue;
		*any = true;
		if (c->state == TASK_ZOMBIE)
			return c;
	}
	return NULL;
}

/*
 * Wait for a child matching @pid to exit (unless WNOHANG). Returns the zombie, still
 * unreaped, or NULL with *err = 0 (WNOHANG, none yet) or -ECHILD (no such child).
 */
static struct task *wait_zombie(int pid, int options, long *err)
{
	struct wait_queue_entry wait = { .entry = LIST_HEAD_INIT(wait.entry) };
	struct task *z;
	bool any;

	for (;;) {
		prepare_to_wait(&current->wait_child, &wait);
		z = find_zombie(pid, &any);
		if (z || !any || (options & WNOHANG))
			break;
		schedule();
	}
	finish_wait(&current->wait_child, &wait);
	*err = any ? 0 : -ECHILD;
	return z;
}

int kernel_wait(int pid, int *status)
{
	long err;
	struct task *z = wait_zombie(pid, 0, &err);

	if (!z)
		return err;
	*status = z->exit_code;
	pid = z->pid;
	release_task(z);
	return pid;
}

SYSCALL_DEFINE4(wait4, int, pid, int __user *, wstatus, int, options,
		struct rusage __user *, ru)
{
	struct task *z;
	struct rusage r;
	long ret;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	z = wait_zombie(pid, options, &ret);
	if (!z)
		return ret;		/* 0: WNOHANG and nobody has exited yet */
	/* Store first: a bad pointer leaves the zombie for another wait4(). */
	if (wstatus && put_user(z->exit_code, wstatus))
		return -EFAULT;
	if (ru) {
		usage_to_rusage(&z->usage, &r);
		if (copy_to_user(ru, &r, sizeof(r)))
			return -EFAULT;
	}
	ret = z->pid;
	release_task(z);
	return ret;
}

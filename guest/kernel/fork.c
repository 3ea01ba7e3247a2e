// SPDX-License-Identifier: MIT
/*
 * Creating tasks: task_alloc() (the struct, a kernel stack with an end marker, a pid),
 * kernel_thread() for the kernel's own first user program, and fork() / vfork() / clone()
 * with fork semantics: the child gets a copy-on-write copy of the address space
 * (dup_mm), every descriptor, the FPU state and the FS base, and returns 0.
 */
#include <kern/printk.h>
#include <kern/string.h>
#include <mm/slab.h>
#include <guest/fs.h>
#include <guest/sched.h>
#include <guest/signal.h>
#include <guest/syscalls.h>

#define THREAD_ORDER	2		/* THREAD_SIZE = 16 KiB = 4 pages */
_Static_assert((PAGE_SIZE << THREAD_ORDER) == THREAD_SIZE, "kernel stack order");

#define CSIGNAL			0x000000ff	/* the exit signal */
#define CLONE_VM		0x00000100
#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_CLEARTID	0x00200000
#define CLONE_CHILD_SETTID	0x01000000

static int last_pid;

void set_task_comm(struct task *t, const char *name)
{
	size_t n = strnlen(name, TASK_COMM_LEN - 1);

	memcpy(t->comm, name, n);
	t->comm[n] = '\0';
}

/* A new task named @comm, blocked, with a kernel stack and a pid; NULL if out of memory. */
static struct task *task_alloc(const char *comm)
{
	struct task *t = kzalloc(sizeof(*t), GFP_KERNEL);
	struct page *stack;

	if (!t)
		return NULL;
	BUG_ON((unsigned long)&t->thread.fpu & 15);
	stack = alloc_pages(GFP_KERNEL, THREAD_ORDER);
	if (!stack) {
		kfree(t);
		return NULL;
	}
	t->stack = page_address(stack);
	*(unsigned long *)t->stack = STACK_END_MAGIC;
	t->pid = ++last_pid;
	t->state = TASK_BLOCKED;
	set_task_comm(t, comm);
	INIT_LIST_HEAD(&t->children);
	INIT_LIST_HEAD(&t->sibling);
	INIT_LIST_HEAD(&t->run_list);
	init_waitqueue_head(&t->wait_child);
	nr_tasks++;
	return t;
}

void free_task(struct task *t)
{
	__free_pages(virt_to_page(t->stack), THREAD_ORDER);
	kfree(t);
	nr_tasks--;
}

/* Make @child current's child and let it run. */
static void start_child(struct task *child)
{
	child->parent = current;
	list_add_tail(&child->sibling, &current->children);
	child->tsc_mark = arch_rdtsc();
	wake_up_process(child);
}

struct task *kernel_thread(int (*fn)(void *), void *arg, const char *comm)
{
	struct task *t = task_alloc(comm);

	if (!t)
		return NULL;
	copy_thread(t, t->stack, NULL, fn, arg);
	start_child(t);
	return t;
}

long do_fork(void)
{
	struct task *parent = current, *child;

	if (last_pid == INT32_MAX)
		return -EAGAIN;		/* pids are never reused */
	child = task_alloc(parent->comm);
	if (!child)
		return -ENOMEM;
	child->mm = dup_mm(parent->mm);
	if (!child->mm) {
		free_task(child);
		return -ENOMEM;
	}
	files_dup(child);
	exe_file_dup(child, parent);
	child->sig_blocked = parent->sig_blocked;
	copy_thread(child, child->stack, current_pt_regs(), NULL, NULL);
	start_child(child);
	return child->pid;
}

SYSCALL_DEFINE0(fork)
{
	return do_fork();
}

/* vfork() as fork(): POSIX allows it, and a correct vfork() caller cannot tell. */
SYSCALL_DEFINE0(vfork)
{
	return do_fork();
}

/* clone() with fork semantics only: no threads, no shared address space or files. */
SYSCALL_DEFINE5(clone, unsigned long, flags, unsigned long, newsp, int __user *, parent_tid,
		int __user *, child_tid, unsigned long, tls)
{
	unsigned long allowed = CSIGNAL | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID |
				CLONE_CHILD_CLEARTID;
	struct task *child = NULL, *c;
	long pid;

	if (flags & ~allowed)
		return (flags & CLONE_VM) ? -ENOSYS : -EINVAL;	/* threads: not supported */
	if ((flags & CSIGNAL) != SIGCHLD || newsp)
		return -EINVAL;
	pid = do_fork();
	if (pid < 0)
		return pid;
	list_for_each_entry(c, &current->children, sibling)
		if (c->pid == pid)
			child = c;
	if (flags & CLONE_CHILD_SETTID)
		child->set_child_tid = child_tid;
	if (flags & CLONE_CHILD_CLEARTID)
		child->clear_child_tid = (unsigned long)child_tid;
	if ((flags & CLONE_PARENT_SETTID) && put_user((int)pid, parent_tid))
		return -EFAULT;		/* the child runs anyway, as on Linux */
	return pid;
}

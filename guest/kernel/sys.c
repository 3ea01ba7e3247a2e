// SPDX-License-Identifier: MIT
/*
 * Small system calls about the process and the machine: ids, uname, getrusage, sysinfo,
 * arch_prctl (FS/GS bases), set_tid_address, sched_yield, and the signal-mask calls that
 * musl makes (rt_sigprocmask keeps a mask; rt_sigaction accepts only SIG_DFL).
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/string.h>
#include <asm/msr.h>
#include <guest/ktime.h>
#include <guest/sched.h>
#include <guest/setup.h>
#include <guest/signal.h>
#include <guest/syscalls.h>
#include <guest/uapi.h>

SYSCALL_DEFINE0(getpid)
{
	return current->pid;
}

SYSCALL_DEFINE0(gettid)
{
	return current->pid;		/* one thread per process */
}

SYSCALL_DEFINE0(getppid)
{
	return current->parent ? current->parent->pid : 0;
}

/* Everyone is root: there are no users. */
SYSCALL_DEFINE0(getuid)
{
	return 0;
}

SYSCALL_DEFINE0(geteuid)
{
	return 0;
}

SYSCALL_DEFINE0(getgid)
{
	return 0;
}

SYSCALL_DEFINE0(getegid)
{
	return 0;
}

SYSCALL_DEFINE0(sched_yield)
{
	schedule();
	return 0;
}

SYSCALL_DEFINE1(set_tid_address, int __user *, tidptr)
{
	current->clear_child_tid = (unsigned long)tidptr;
	return current->pid;
}

SYSCALL_DEFINE1(uname, struct utsname __user *, buf)
{
	static const struct utsname u = {
		.sysname = "kvm-mm",
		.nodename = "guest",
		.release = GUEST_KERNEL_VERSION,
		.version = "#1",
		.machine = "x86_64",
		.domainname = "(none)",
	};

	return copy_to_user(buf, &u, sizeof(u)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(getrusage, int, who, struct rusage __user *, ru)
{
	struct task *t = current;
	struct task_usage u;
	struct rusage r;

	account_time(t, false);
	switch (who) {
	case RUSAGE_SELF:
	case RUSAGE_THREAD:
		u = t->usage;
		u.min_flt = t->faults.min_flt;
		u.maj_flt = t->faults.maj_flt;
		break;
	case RUSAGE_CHILDREN:
		u = t->cusage;
		break;
	default:
		return -EINVAL;
	}
	usage_to_rusage(&u, &r);
	return copy_to_user(ru, &r, sizeof(r)) ? -EFAULT : 0;
}

SYSCALL_DEFINE1(sysinfo, struct sysinfo __user *, info)
{
	struct sysinfo si;

	memset(&si, 0, sizeof(si));
	si.uptime = tsc_to_ns(arch_rdtsc()) / 1000000000ULL;
	si.totalram = totalram_pages * PAGE_SIZE;
	si.freeram = nr_free_pages() * PAGE_SIZE;
	si.procs = nr_tasks - 1;	/* not counting task 0 */
	si.mem_unit = 1;
	return copy_to_user(info, &si, sizeof(si)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(arch_prctl, int, code, unsigned long, addr)
{
	struct thread_struct *th = &current->thread;

	switch (code) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (addr >= USER_ADDR_LIMIT)
			return -EPERM;
		if (code == ARCH_SET_FS) {
			th->fsbase = addr;
			wrmsr(MSR_FS_BASE, addr);
		} else {
			th->gsbase = addr;
			wrmsr(MSR_KERNEL_GS_BASE, addr);	/* swapgs makes it GS on return */
		}
		return 0;
	case ARCH_GET_FS:
		return put_user(th->fsbase, (unsigned long __user *)addr);
	case ARCH_GET_GS:
		return put_user(th->gsbase, (unsigned long __user *)addr);
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, const u64 __user *, set, u64 __user *, oset,
		size_t, sigsetsize)
{
	struct task *t = current;
	u64 new, old = t->sig_blocked;

	if (sigsetsize != sizeof(u64))
		return -EINVAL;
	if (set) {
		if (copy_from_user(&new, set, sizeof(new)))
			return -EFAULT;
		new &= ~(sigmask(SIGKILL) | sigmask(SIGSTOP));
		switch (how) {
		case SIG_BLOCK:
			new = old | new;
			break;
		case SIG_UNBLOCK:
			new = old & ~new;
			break;
		case SIG_SETMASK:
			break;
		default:
			return -EINVAL;
		}
	}
	if (oset && copy_to_user(oset, &old, sizeof(old)))
		return -EFAULT;
	if (set)
		t->sig_blocked = new;
	return 0;
}

/* No signal handlers: only the default action can be "installed"; reading one is SIG_DFL. */
SYSCALL_DEFINE4(rt_sigaction, int, sig, const struct kernel_sigaction __user *, act,
		struct kernel_sigaction __user *, oact, size_t, sigsetsize)
{
	static bool logged;
	struct kernel_sigaction ka, dfl = { .handler = SIG_DFL };

	if (sigsetsize != sizeof(u64) || sig < 1 || sig > _NSIG)
		return -EINVAL;
	if (act) {
		if (copy_from_user(&ka, act, sizeof(ka)))
			return -EFAULT;
		if (sig == SIGKILL || sig == SIGSTOP)
			return -EINVAL;
		if (ka.handler != SIG_DFL) {
			if (!logged) {
				logged = true;
				printk("%s[%d]: rt_sigaction: signal handlers are not supported: "
				       "-ENOSYS (logged once)\n", current->comm, current->pid);
			}
			return -ENOSYS;
		}
	}
	if (oact && copy_to_user(oact, &dfl, sizeof(dfl)))
		return -EFAULT;
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * The system call dispatcher: do_syscall_64() runs the handler for RAX from the table built
 * out of guest/include/guest/syscall_list.h, stores its result in RAX, and says whether the
 * return to user mode may take the SYSRET fast path. A number without a handler is -ENOSYS,
 * logged once per number.
 */
#include <kern/printk.h>
#include <asm/processor.h>
#include <guest/sched.h>
#include <guest/signal.h>
#include <guest/syscalls.h>

#define X86_EFLAGS_TF	(1UL << 8)
#define X86_EFLAGS_RF	(1UL << 16)

static const syscall_fn_t sys_call_table[NR_SYSCALLS] = {
#define SYSCALL(nr, name)	[nr] = sys_##name,
#include <guest/syscall_list.h>
#undef SYSCALL
};

static const char *const sys_call_names[NR_SYSCALLS] = {
#define SYSCALL(nr, name)	[nr] = #name,
#include <guest/syscall_list.h>
#undef SYSCALL
};

static u64 enosys_logged[NR_SYSCALLS / 64];

syscall_fn_t syscall_handler(unsigned long nr)
{
	return nr < NR_SYSCALLS ? sys_call_table[nr] : NULL;
}

const char *syscall_name(unsigned long nr)
{
	return nr < NR_SYSCALLS ? sys_call_names[nr] : NULL;
}

static long sys_ni_syscall(unsigned long nr)
{
	struct task *t = current;

	static bool logged_past_table;

	if (nr >= NR_SYSCALLS) {
		if (!logged_past_table)
			printk("%s[%d]: system call %lu does not exist: -ENOSYS (numbers past %d "
			       "logged once)\n", t->comm, t->pid, nr, NR_SYSCALLS - 1);
		logged_past_table = true;
	} else if (!(enosys_logged[nr / 64] & (1ULL << (nr % 64)))) {
		enosys_logged[nr / 64] |= 1ULL << (nr % 64);
		printk("%s[%d]: system call %lu not implemented: -ENOSYS (logged once)\n",
		       t->comm, t->pid, nr);
	}
	return -ENOSYS;
}

/*
 * SYSRET returns to RCX with RFLAGS = R11 and cannot fault in user mode, so the frame must
 * hold exactly that (a handler like execve changes it) with a canonical user RIP; TF and RF
 * need IRET's care, as on Linux.
 */
static bool sysret_ok(const struct pt_regs *regs)
{
	return regs->rcx == regs->rip && regs->r11 == regs->rflags &&
	       regs->rip < USER_ADDR_LIMIT && regs->cs == USER_CS && regs->ss == USER_DS &&
	       !(regs->rflags & (X86_EFLAGS_TF | X86_EFLAGS_RF));
}

bool do_syscall_64(struct pt_regs *regs)
{
	unsigned long nr = regs->rax;
	syscall_fn_t fn = syscall_handler(nr);
	struct task *t = current;

	account_time(t, true);
	regs->rax = fn ? fn(regs) : sys_ni_syscall(nr);
	exit_to_user_mode();
	account_time(t, false);
	return sysret_ok(regs);
}

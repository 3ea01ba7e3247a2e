// SPDX-License-Identifier: MIT
/*
 * Exception dispatch: do_exception() is where every vector 0..31 lands (entry.S). A
 * self-test hook may claim the exception; #PF goes to the page-fault handler; any other
 * exception in user mode kills the program with its signal (guest/kernel/signal.c);
 * anything else is unexpected in this kernel and ends in die(): name, registers,
 * backtrace, panic.
 */
#include <kern/printk.h>
#include <abi/layout.h>
#include <asm/exit.h>
#include <asm/processor.h>
#include <asm/thread.h>
#include <asm/traps.h>
#include <guest/sched.h>
#include <guest/signal.h>

int oops_in_progress;

static trap_hook_t trap_hooks[NR_EXCEPTION_VECTORS];

static const struct {
	const char *mnemonic;
	const char *name;
} exceptions[NR_EXCEPTION_VECTORS] = {
	[X86_TRAP_DE] = { "DE", "divide error" },
	[X86_TRAP_DB] = { "DB", "debug" },
	[X86_TRAP_NMI] = { "NMI", "non-maskable interrupt" },
	[X86_TRAP_BP] = { "BP", "int3" },
	[X86_TRAP_OF] = { "OF", "overflow" },
	[X86_TRAP_BR] = { "BR", "bounds" },
	[X86_TRAP_UD] = { "UD", "invalid opcode" },
	[X86_TRAP_NM] = { "NM", "device not available" },
	[X86_TRAP_DF] = { "DF", "double fault" },
	[X86_TRAP_OLD_MF] = { "CSO", "coprocessor segment overrun" },
	[X86_TRAP_TS] = { "TS", "invalid TSS" },
	[X86_TRAP_NP] = { "NP", "segment not present" },
	[X86_TRAP_SS] = { "SS", "stack segment" },
	[X86_TRAP_GP] = { "GP", "general protection fault" },
	[X86_TRAP_PF] = { "PF", "page fault" },
	[X86_TRAP_MF] = { "MF", "x87 floating point exception" },
	[X86_TRAP_AC] = { "AC", "alignment check" },
	[X86_TRAP_MC] = { "MC", "machine check" },
	[X86_TRAP_XF] = { "XM", "SIMD floating point exception" },
	[X86_TRAP_VE] = { "VE", "virtualization exception" },
	[X86_TRAP_CP] = { "CP", "control protection" },
	[X86_TRAP_HV] = { "HV", "hypervisor injection" },
	[X86_TRAP_VC] = { "VC", "VMM communication" },
	[X86_TRAP_SX] = { "SX", "security exception" },
};

const char *exception_name(unsigned long vector)
{
	if (vector < NR_EXCEPTION_VECTORS && exceptions[vector].name)
		return exceptions[vector].name;
	return "reserved vector";
}

const char *exception_mnemonic(unsigned long vector)
{
	if (vector < NR_EXCEPTION_VECTORS && exceptions[vector].mnemonic)
		return exceptions[vector].mnemonic;
	return "??";
}

bool exception_has_error_code(unsigned long vector)
{
	switch (vector) {
	case X86_TRAP_DF: case X86_TRAP_TS: case X86_TRAP_NP: case X86_TRAP_SS:
	case X86_TRAP_GP: case X86_TRAP_PF: case X86_TRAP_AC: case X86_TRAP_CP:
	case X86_TRAP_VC: case X86_TRAP_SX:
		return true;
	default:
		return false;
	}
}

void trap_set_hook(unsigned int vector, trap_hook_t hook)
{
	BUG_ON(vector >= NR_EXCEPTION_VECTORS);
	trap_hooks[vector] = hook;
}

void trap_init(void)
{
	gdt_init();
	idt_init();
	syscall_init();
}

void die(const char *str, struct pt_regs *regs, unsigned long error_code)
{
	if (oops_in_progress++) {	/* the oops itself faulted: do not recurse */
		printk("Oops: %s while printing an oops, giving up\n", str);
		arch_exit(GUEST_EXIT_PANIC);
	}
	printk("Oops: %s (#%s, vector %lu), error code 0x%lx, in %s mode\n", str,
	       exception_mnemonic(regs->vector), regs->vector, error_code,
	       user_mode(regs) ? "user" : "kernel");
	show_regs(regs);
	panic("Fatal exception: %s", str);
}

void do_exception(struct pt_regs *regs)
{
	unsigned long vector = regs->vector;
	/* CR2 first: nothing below may fault before it is read. */
	unsigned long cr2 = vector == X86_TRAP_PF ? read_cr2() : 0;
	bool user = user_mode(regs);
	int sig;

	if (vector < NR_EXCEPTION_VECTORS && trap_hooks[vector] && trap_hooks[vector](regs))
		return;
	if (user)
		account_time(current, true);
	if (vector == X86_TRAP_PF) {
		do_page_fault(regs, regs->error_code, cr2);
	} else if (user && (sig = signal_for_exception(vector))) {
		/* The program's own doing: it dies of the signal, the kernel goes on. */
		force_sig_fault(sig, 0, regs->rip, regs);
	} else {
		die(exception_name(vector), regs, regs->error_code);
	}
	if (user) {
		exit_to_user_mode();
		account_time(current, false);
	}
}

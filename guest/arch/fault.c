// SPDX-License-Identifier: MIT
/*
 * The page-fault handler (vector 14). A fault by user mode goes to do_user_addr_fault(),
 * which runs the mm/ fault pipeline for the task's address space and kills the task with
 * the signal it asks for. A fault by the kernel is resolved the same way when it comes
 * from a user-access instruction (copy_from_user and friends); any other is a bug: report
 * the address, the decoded error code and the page-table walk, dump registers and panic.
 */
#include <kern/printk.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/traps.h>
#include <asm/uaccess.h>
#include <guest/sched.h>
#include <guest/setup.h>
#include <guest/signal.h>

int pf_describe(unsigned long error_code, char *buf, size_t size)
{
	return snprintf(buf, size, "(%s, %s, %s%s%s%s)",
			error_code & X86_PF_PROT ? "present" : "not-present",
			error_code & X86_PF_WRITE ? "write" : "read",
			error_code & X86_PF_USER ? "user" : "kernel",
			error_code & X86_PF_RSVD ? ", reserved bit" : "",
			error_code & X86_PF_INSTR ? ", instruction fetch" : "",
			error_code & X86_PF_PK ? ", protection key" : "");
}

/* Print the leaf entry for @address, or the level where the walk found nothing. */
static void show_fault_pte(unsigned long address)
{
	static const char *const level_names[] = { "", "PTE", "PDE", "PDPTE", "PML4E" };
	int level;
	u64 pte = kernel_lookup(address, &level);

	if (pte)
		printk("#PF: %s 0x%016llx maps it\n", level_names[level], (unsigned long long)pte);
	else if (level)
		printk("#PF: not mapped (%s not present)\n", level_names[level]);
	else
		printk("#PF: page tables not walkable yet (before paging_init)\n");
}

/* A kernel-mode fault nothing can fix: the kernel's equivalent of Linux's page_fault_oops(). */
static void __noreturn page_fault_oops(struct pt_regs *regs, unsigned long error_code,
				       unsigned long address)
{
	char what[96];

	pf_describe(error_code, what, sizeof(what));
	printk("BUG: unable to handle page fault for address 0x%016lx, error code 0x%lx %s\n",
	       address, error_code, what);
	show_fault_pte(address);
	die("page fault", regs, error_code);
}

int do_user_addr_fault(struct pt_regs *regs, unsigned long error_code, unsigned long address,
		       int *si_code)
{
	struct task *t = current;

	if (!t->mm)		/* user mode always runs with an mm */
		page_fault_oops(regs, error_code, address);
	return handle_user_addr_fault(t->mm, address, error_code, &t->faults, si_code);
}

void do_page_fault(struct pt_regs *regs, unsigned long error_code, unsigned long address)
{
	u64 start = arch_rdtsc();
	struct task *t = this_cpu()->cur_task;	/* NULL only before sched_init() */
	int sig = 0, code = 0;

	if (!t)
		page_fault_oops(regs, error_code, address);
	/* For the fault trace: when this fault began and what the CPU said about it. */
	t->pf.start_tsc = start;
	t->pf.error_code = error_code;
	t->pf.traced = 0;
	t->pf.active = true;
	if (error_code & X86_PF_USER)
		sig = do_user_addr_fault(regs, error_code, address, &code);
	else if (!fixup_user_access_fault(regs, error_code, address, &sig))
		page_fault_oops(regs, error_code, address);
	/* A fault refused before mm/ handled it (no VMA, access not allowed) left no record. */
	if (sig && !t->pf.traced)
		fault_trace_refused(address, error_code, start, sig);
	t->pf.active = false;
	/* A user access dies of its signal; a user copy was already sent to its fixup. */
	if (sig && (error_code & X86_PF_USER))
		force_sig_fault(sig, code, address, regs);
}

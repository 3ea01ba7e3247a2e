// SPDX-License-Identifier: MIT
/*
 * The page-fault handler (vector 14). A fault by user mode goes to do_user_addr_fault(),
 * where the mm/ fault pipeline plugs in; a fault by the kernel itself is a bug: report the
 * address, the decoded error code and the page-table walk, dump registers and panic.
 */
#include <kern/printk.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/traps.h>

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

void do_user_addr_fault(struct pt_regs *regs, unsigned long error_code, unsigned long address)
{
	/* No processes yet: the mm/ pipeline (find_vma, handle_mm_fault) will live here. */
	page_fault_oops(regs, error_code, address);
}

void do_page_fault(struct pt_regs *regs, unsigned long error_code, unsigned long address)
{
	if (error_code & X86_PF_USER) {
		do_user_addr_fault(regs, error_code, address);
		return;
	}
	page_fault_oops(regs, error_code, address);
}

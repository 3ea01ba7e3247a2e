// SPDX-License-Identifier: MIT
/*
 * Self-test of page-fault delivery on the real MMU: reads, writes and an instruction
 * fetch that the kernel page tables forbid each raise #PF with the right CR2 and error
 * code. A #PF hook resumes the probe after the faulting instruction.
 */
#include <abi/layout.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/stacktrace.h>
#include <asm/traps.h>
#include <mm/page_alloc.h>
#include <guest/selftest.h>
#include <guest/setup.h>

static unsigned long probe_resume;	/* where the hook resumes; 0: not probing */
static unsigned long probe_rsp;		/* the stack pointer to resume with, 0: as faulted */
static unsigned long probe_cr2, probe_error, probe_rip;

static bool probe_hook(struct pt_regs *regs)
{
	if (!probe_resume)
		return false;
	probe_cr2 = read_cr2();
	probe_error = regs->error_code;
	probe_rip = regs->rip;
	regs->rip = probe_resume;
	if (probe_rsp)
		regs->rsp = probe_rsp;
	probe_resume = 0;
	probe_rsp = 0;
	return true;
}

/* Read 8 bytes at @addr, and write them back if @write. True if that faulted. */
static bool probe_access(unsigned long addr, bool write)
{
	int faulted = 1;

	probe_cr2 = probe_error = 0;
	if (write)
		__asm__ __volatile__("leaq 1f(%%rip), %%rax\n\t"
				     "movq %%rax, %[resume]\n\t"
				     "movq (%[addr]), %%rax\n\t"
				     "movq %%rax, (%[addr])\n\t"
				     "movl $0, %[faulted]\n"
				     "1:\tmovq $0, %[resume]"
				     : [faulted] "+r"(faulted), [resume] "=m"(probe_resume)
				     : [addr] "r"(addr) : "rax", "memory");
	else
		__asm__ __volatile__("leaq 1f(%%rip), %%rax\n\t"
				     "movq %%rax, %[resume]\n\t"
				     "movq (%[addr]), %%rax\n\t"
				     "movl $0, %[faulted]\n"
				     "1:\tmovq $0, %[resume]"
				     : [faulted] "+r"(faulted), [resume] "=m"(probe_resume)
				     : [addr] "r"(addr) : "rax", "memory");
	return faulted;
}

/* Call @addr (which holds a `ret`). True if the fetch faulted. */
static bool probe_exec(unsigned long addr)
{
	int faulted = 1;

	probe_cr2 = probe_error = 0;
	__asm__ __volatile__("leaq 1f(%%rip), %%rax\n\t"
			     "movq %%rax, %[resume]\n\t"
			     "movq %%rsp, %[rsp]\n\t"
			     "call *%[addr]\n\t"
			     "movl $0, %[faulted]\n"
			     "1:\tmovq $0, %[resume]\n\t"
			     "movq $0, %[rsp]"
			     : [faulted] "+r"(faulted), [resume] "=m"(probe_resume),
			       [rsp] "=m"(probe_rsp)
			     : [addr] "r"(addr)
			     : "rax", "memory");
	return faulted;
}

#define EXPECT_FAULT(expr, addr, err)						\
	do {									\
		ST_ASSERT(expr);						\
		ST_ASSERT_EQ(probe_cr2, (addr));				\
		ST_ASSERT_EQ(probe_error, (err));				\
	} while (0)

static int page_fault_cases(void)
{
	unsigned long text = (unsigned long)_text, rodata = (unsigned long)__start_rodata;
	unsigned long guard = (unsigned long)init_stack_guard;
	unsigned long beyond = (unsigned long)__va(direct_map_end);
	struct page *page;
	unsigned long code;
	bool faulted;

	EXPECT_FAULT(probe_access(KERNEL_LOAD_MIN, false), KERNEL_LOAD_MIN, 0);
	EXPECT_FAULT(probe_access(guard + 64, false), guard + 64, 0);
	EXPECT_FAULT(probe_access(beyond, false), beyond, 0);
	EXPECT_FAULT(probe_access(text, true), text, X86_PF_PROT | X86_PF_WRITE);
	EXPECT_FAULT(probe_access(rodata, true), rodata, X86_PF_PROT | X86_PF_WRITE);
	ST_ASSERT(!probe_access((unsigned long)_data, true));	/* allowed: no fault */
	ST_ASSERT(!probe_access(text, false));

	if (!x86_pte_nx)
		return SELFTEST_PASS;
	page = alloc_page(GFP_KERNEL);
	ST_ASSERT(page != NULL);
	code = (unsigned long)page_address(page);
	*(volatile u8 *)code = 0xc3;	/* ret */
	faulted = probe_exec(code);
	__free_page(page);
	EXPECT_FAULT(faulted, code, X86_PF_PROT | X86_PF_INSTR);
	ST_ASSERT_EQ(probe_rip, code);
	return SELFTEST_PASS;
}

int selftest_page_fault(void)
{
	int ret;

	trap_set_hook(X86_TRAP_PF, probe_hook);
	ret = page_fault_cases();
	trap_set_hook(X86_TRAP_PF, NULL);
	return ret;
}

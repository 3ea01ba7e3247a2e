// SPDX-License-Identifier: MIT
/*
 * Self-test of the guest side of the fault trace: mm/'s fault kinds map to the ABI's
 * types, and with a trace region (./vmm's default) real faults land in this CPU's ring:
 * a first write to a user page is one anon-new record with the address and the #PF error
 * code, and a copy into an unmapped page (refused before mm/ handles it) one error record.
 */
#include <abi/fault_trace.h>
#include <mm/mm.h>
#include <asm/paging.h>
#include <asm/traps.h>
#include <asm/uaccess.h>
#include <guest/sched.h>
#include <guest/selftest.h>
#include <guest/setup.h>

#define BASE	0x20000000UL

static int trace_checks(void)
{
	struct fault_trace_entry e;
	u64 before, after, cap;
	char c = 1;

	ST_ASSERT_EQ(fault_trace_last(&e, &before, &cap), 0);
	if (before + 2 > cap)
		ST_SKIP("the fault-trace ring is full");
	ST_ASSERT_EQ(copy_to_user((void __user *)(BASE + 8), &c, 1), 0);
	ST_ASSERT_EQ(fault_trace_last(&e, &after, &cap), 0);
	ST_ASSERT_EQ(after, before + 1);
	ST_ASSERT_EQ(e.type, FT_ANON_NEW);
	ST_ASSERT_EQ(e.address, BASE + 8);
	ST_ASSERT_EQ(e.error_code, X86_PF_WRITE);	/* not present, kernel mode */
	ST_ASSERT(e.end_tsc >= e.start_tsc);

	ST_ASSERT_EQ(copy_to_user((void __user *)(BASE + PAGE_SIZE), &c, 1), 1);
	ST_ASSERT_EQ(fault_trace_last(&e, &after, &cap), 0);
	ST_ASSERT_EQ(after, before + 2);
	ST_ASSERT_EQ(e.type, FT_ERROR);
	ST_ASSERT_EQ(e.address, BASE + PAGE_SIZE);
	ST_ASSERT_EQ(e.result, VM_FAULT_SIGSEGV);
	return SELFTEST_PASS;
}

int selftest_fault_trace(void)
{
	struct fault_trace_entry e;
	struct task *t = current;
	struct mm_struct *mm;
	u64 n, cap;
	int ret;

	ST_ASSERT_EQ(fault_trace_type(FAULT_KIND_ANON_ZERO, 0), FT_ANON_ZERO);
	ST_ASSERT_EQ(fault_trace_type(FAULT_KIND_ANON_NEW, 0), FT_ANON_NEW);
	ST_ASSERT_EQ(fault_trace_type(FAULT_KIND_WP_REUSE, VM_FAULT_WRITE), FT_WP_REUSE);
	ST_ASSERT_EQ(fault_trace_type(FAULT_KIND_WP_COPY, VM_FAULT_WRITE), FT_WP_COPY);
	ST_ASSERT_EQ(fault_trace_type(FAULT_KIND_FILE, 0), FT_FILE_MINOR);
	ST_ASSERT_EQ(fault_trace_type(FAULT_KIND_FILE, VM_FAULT_MAJOR), FT_FILE_MAJOR);
	ST_ASSERT_EQ(fault_trace_type(FAULT_KIND_FILE_AROUND, VM_FAULT_NOPAGE), FT_FILE_AROUND);
	ST_ASSERT_EQ(fault_trace_type(FAULT_KIND_FILE_COW, 0), FT_FILE_COW);
	ST_ASSERT_EQ(fault_trace_type(FAULT_KIND_FILE_COW, VM_FAULT_MAJOR), FT_FILE_COW);
	ST_ASSERT_EQ(fault_trace_type(FAULT_KIND_FILE_SHARED, VM_FAULT_WRITE), FT_FILE_SHARED);
	ST_ASSERT_EQ(fault_trace_type(FAULT_KIND_SWAP, 0), FT_SWAP_MINOR);
	ST_ASSERT_EQ(fault_trace_type(FAULT_KIND_SWAP, VM_FAULT_MAJOR), FT_SWAP_MAJOR);
	ST_ASSERT_EQ(fault_trace_type(FAULT_KIND_ANON_NEW, VM_FAULT_OOM), FT_ERROR);
	ST_ASSERT_EQ(fault_trace_type(FAULT_KIND_SPURIOUS, 0), FT_NONE);
	if (fault_trace_last(&e, &n, &cap))
		ST_SKIP("no fault-trace region (./vmm --trace-size 0)");
	mm = mm_alloc();
	ST_ASSERT(mm && !t->mm);
	ST_ASSERT_EQ(do_mmap(mm, NULL, BASE, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0), BASE);
	t->mm = mm;
	write_cr3(mm_pgd_phys(mm));
	ret = trace_checks();
	t->mm = NULL;
	write_cr3(__pa(kernel_pml4));
	mmput(mm);
	return ret;
}

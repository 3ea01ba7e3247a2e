// SPDX-License-Identifier: MIT
/*
 * Register dumps and frame-pointer backtraces for oopses and panics. The backtrace reads
 * only memory that lies on a kernel stack, so a corrupt RBP cannot fault in here.
 */
#include <kern/printk.h>
#include <asm/processor.h>
#include <asm/stacktrace.h>
#include <asm/traps.h>
#include <guest/sched.h>

#define BACKTRACE_MAX_FRAMES	32

bool on_kernel_stack(unsigned long addr, size_t len)
{
	unsigned long lo[2 + NR_IST], hi[2 + NR_IST];
	struct task *t = this_cpu()->cur_task;
	unsigned int i;

	lo[0] = (unsigned long)init_stack;
	hi[0] = (unsigned long)init_stack_end;
	for (i = 0; i < NR_IST; i++) {
		lo[1 + i] = (unsigned long)ist_stacks[i];
		hi[1 + i] = lo[1 + i] + IST_STACK_SIZE;
	}
	/* The running task's own stack (task 0's is init_stack). */
	lo[1 + NR_IST] = t ? (unsigned long)t->stack : 0;
	hi[1 + NR_IST] = t ? lo[1 + NR_IST] + THREAD_SIZE : 0;
	for (i = 0; i < ARRAY_SIZE(lo); i++)
		if (addr >= lo[i] && addr < hi[i] && len <= hi[i] - addr)
			return true;
	return false;
}

void show_backtrace(unsigned long rip, unsigned long rbp)
{
	unsigned int depth;
	const unsigned long *frame;

	printk("Call Trace:\n");
	if (rip)
		printk(" [<%016lx>]\n", rip);
	for (depth = 0; depth < BACKTRACE_MAX_FRAMES; depth++) {
		if (rbp & 7 || !on_kernel_stack(rbp, 2 * sizeof(long)))
			break;
		frame = (const unsigned long *)rbp;
		if (!frame[1])
			break;
		printk(" [<%016lx>]\n", frame[1]);
		if (frame[0] <= rbp)	/* callers' frames sit higher up the stack */
			break;
		rbp = frame[0];
	}
}

void dump_stack(void)
{
	show_backtrace(0, (unsigned long)__builtin_frame_address(0));
}

void show_regs(const struct pt_regs *regs)
{
	printk("RIP: %04lx:%016lx RFLAGS: %08lx\n", regs->cs, regs->rip, regs->rflags);
	printk("RSP: %04lx:%016lx\n", regs->ss, regs->rsp);
	printk("RAX: %016lx RBX: %016lx RCX: %016lx\n", regs->rax, regs->rbx, regs->rcx);
	printk("RDX: %016lx RSI: %016lx RDI: %016lx\n", regs->rdx, regs->rsi, regs->rdi);
	printk("RBP: %016lx R08: %016lx R09: %016lx\n", regs->rbp, regs->r8, regs->r9);
	printk("R10: %016lx R11: %016lx R12: %016lx\n", regs->r10, regs->r11, regs->r12);
	printk("R13: %016lx R14: %016lx R15: %016lx\n", regs->r13, regs->r14, regs->r15);
	printk("CS: %04lx SS: %04lx CR0: %016lx CR2: %016lx\n", regs->cs, regs->ss, read_cr0(),
	       read_cr2());
	printk("CR3: %016lx CR4: %016lx\n", read_cr3(), read_cr4());
	show_backtrace(regs->rip, regs->rbp);
}

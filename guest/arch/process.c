// SPDX-License-Identifier: MIT
/*
 * The architecture's side of tasks: the SYSCALL MSRs, a new task's first kernel stack
 * frame (copy_thread), a fresh user context for exec (start_thread), and the context
 * switch: address space, FPU/SSE registers, FS/GS bases and kernel stack.
 */
#include <kern/printk.h>
#include <kern/string.h>
#include <asm/msr.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/thread.h>
#include <guest/sched.h>

_Static_assert(offsetof(struct pt_regs, r11) == PT_R11 && offsetof(struct pt_regs, rbx) == PT_RBX &&
	       offsetof(struct pt_regs, rax) == PT_RAX && offsetof(struct pt_regs, rcx) == PT_RCX &&
	       offsetof(struct pt_regs, vector) == PT_VECTOR &&
	       offsetof(struct pt_regs, error_code) == PT_ERROR_CODE &&
	       offsetof(struct pt_regs, rip) == PT_RIP && offsetof(struct pt_regs, cs) == PT_CS &&
	       offsetof(struct pt_regs, rflags) == PT_RFLAGS &&
	       offsetof(struct pt_regs, rsp) == PT_RSP && offsetof(struct pt_regs, ss) == PT_SS &&
	       sizeof(struct pt_regs) == PT_REGS_SIZE, "asm/ptrace.h offsets match the struct");
_Static_assert(PT_REGS_SIZE % 16 == 0, "the frame keeps the stack 16-byte aligned");

#define MSR_CSTAR		0xc0000083

#define X86_EFLAGS_TF		(1UL << 8)
#define X86_EFLAGS_DF		(1UL << 10)
#define X86_EFLAGS_IOPL		(3UL << 12)
#define X86_EFLAGS_NT		(1UL << 14)
#define X86_EFLAGS_AC		(1UL << 18)
#define X86_EFLAGS_FIXED	(1UL << 1)

/* User code starts with interrupts enabled, as on Linux (nothing interrupts it yet). */
#define USER_RFLAGS_INIT	(X86_EFLAGS_FIXED | X86_EFLAGS_IF)

void entry_SYSCALL_64(void);
void entry_SYSCALL_compat(void);
void ret_from_fork(void);
void __switch_to_asm(unsigned long *prev_sp, unsigned long next_sp);

void syscall_init(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);	/* the VMM sets it; be sure */
	/* SYSCALL: CS = KERNEL_CS, SS = KERNEL_CS + 8. SYSRET: CS = USER32_CS + 16 (64-bit)
	 * or USER32_CS (compat), SS = USER32_CS + 8; asm/segment.h orders them so. */
	wrmsr(MSR_STAR, (u64)USER32_CS << 48 | (u64)KERNEL_CS << 32);
	wrmsr(MSR_LSTAR, (unsigned long)entry_SYSCALL_64);
	wrmsr(MSR_CSTAR, (unsigned long)entry_SYSCALL_compat);
	wrmsr(MSR_SYSCALL_MASK, X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_IF | X86_EFLAGS_IOPL |
	      X86_EFLAGS_NT | X86_EFLAGS_AC);
	/* The GS base is the per-CPU area (head.S); the user's waits in KERNEL_GS_BASE. */
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void fpu_init_state(struct fxregs_state *fx)
{
	memset(fx, 0, sizeof(*fx));
	*(u16 *)&fx->bytes[0] = 0x037f;		/* FCW: all x87 exceptions masked */
	*(u32 *)&fx->bytes[24] = 0x1f80;	/* MXCSR: all SIMD exceptions masked */
}

static inline void fxsave(struct fxregs_state *fx)
{
	__asm__ __volatile__("fxsaveq %0" : "=m"(*fx));
}

static inline void fxrstor(const struct fxregs_state *fx)
{
	__asm__ __volatile__("fxrstorq %0" : : "m"(*fx));
}

/* The callee-saved registers __switch_to_asm pops, then its return address. */
struct switch_frame {
	unsigned long r15, r14, r13, r12, rbx, rbp;
	unsigned long ret;
};

void copy_thread(struct task *p, void *stack, const struct pt_regs *regs,
		 int (*fn)(void *), void *arg)
{
	struct pt_regs *child = (struct pt_regs *)((char *)stack + THREAD_SIZE) - 1;
	struct switch_frame *frame = (struct switch_frame *)child - 1;

	if (regs) {
		*child = *regs;
		child->rax = 0;			/* fork() returns 0 in the child */
		fxsave(&p->thread.fpu);		/* the kernel never touches the FPU: it is ours */
		p->thread.fsbase = current->thread.fsbase;
		p->thread.gsbase = current->thread.gsbase;
	} else {
		memset(child, 0, sizeof(*child));
		fpu_init_state(&p->thread.fpu);
		p->thread.fsbase = 0;
		p->thread.gsbase = 0;
	}
	memset(frame, 0, sizeof(*frame));
	frame->rbx = (unsigned long)fn;
	frame->r12 = (unsigned long)arg;
	frame->ret = (unsigned long)ret_from_fork;
	p->thread.sp = (unsigned long)frame;
}

void start_thread(struct pt_regs *regs, unsigned long ip, unsigned long sp)
{
	struct task *t = current;

	memset(regs, 0, sizeof(*regs));
	regs->rip = ip;
	regs->rsp = sp;
	regs->cs = USER_CS;
	regs->ss = USER_DS;
	regs->rflags = USER_RFLAGS_INIT;
	regs->vector = PT_VECTOR_SYSCALL;
	t->thread.fsbase = 0;
	t->thread.gsbase = 0;
	wrmsr(MSR_FS_BASE, 0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	fpu_init_state(&t->thread.fpu);
	fxrstor(&t->thread.fpu);
}

/* Load @next's address space: its page tables, or the kernel's for a kernel task. */
static void switch_mm(struct task *next)
{
	unsigned long pgd = next->mm ? mm_pgd_phys(next->mm) : __pa(kernel_pml4);

	if ((read_cr3() & PAGE_MASK) != pgd)
		write_cr3(pgd);
}

void switch_to(struct task *prev, struct task *next)
{
	unsigned long top = (unsigned long)next->stack + THREAD_SIZE;

	BUG_ON(*(unsigned long *)next->stack != STACK_END_MAGIC);
	switch_mm(next);
	fxsave(&prev->thread.fpu);
	fxrstor(&next->thread.fpu);
	if (prev->thread.fsbase != next->thread.fsbase)
		wrmsr(MSR_FS_BASE, next->thread.fsbase);
	if (prev->thread.gsbase != next->thread.gsbase)
		wrmsr(MSR_KERNEL_GS_BASE, next->thread.gsbase);
	tss_set_rsp0(top);
	this_cpu()->top_of_stack = top;
	this_cpu()->cur_task = next;
	__switch_to_asm(&prev->thread.sp, next->thread.sp);
}

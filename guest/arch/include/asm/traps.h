/* SPDX-License-Identifier: MIT */
/*
 * Exceptions: vector numbers, the page-fault error code, the C entry points that
 * guest/arch/entry.S and the handlers share, and the oops path (register dump, panic).
 */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <kern/types.h>
#include <kern/compiler.h>
#include <asm/ptrace.h>

enum {
	X86_TRAP_DE = 0,	/* divide error */
	X86_TRAP_DB,		/* debug */
	X86_TRAP_NMI,
	X86_TRAP_BP,		/* int3 */
	X86_TRAP_OF,		/* overflow */
	X86_TRAP_BR,		/* bound range */
	X86_TRAP_UD,		/* invalid opcode */
	X86_TRAP_NM,		/* device not available */
	X86_TRAP_DF,		/* double fault */
	X86_TRAP_OLD_MF,	/* coprocessor segment overrun */
	X86_TRAP_TS,		/* invalid TSS */
	X86_TRAP_NP,		/* segment not present */
	X86_TRAP_SS,		/* stack segment */
	X86_TRAP_GP,		/* general protection */
	X86_TRAP_PF,		/* page fault */
	X86_TRAP_SPURIOUS,
	X86_TRAP_MF,		/* x87 floating point */
	X86_TRAP_AC,		/* alignment check */
	X86_TRAP_MC,		/* machine check */
	X86_TRAP_XF,		/* SIMD floating point */
	X86_TRAP_VE,		/* virtualization */
	X86_TRAP_CP,		/* control protection */
	X86_TRAP_HV = 28,	/* hypervisor injection */
	X86_TRAP_VC,		/* VMM communication */
	X86_TRAP_SX,		/* security */
	NR_EXCEPTION_VECTORS = 32,
};

/* Page-fault error code bits. */
#define X86_PF_PROT		(1UL << 0)	/* 0: not present, 1: protection violation */
#define X86_PF_WRITE		(1UL << 1)	/* 0: read, 1: write */
#define X86_PF_USER		(1UL << 2)	/* 0: kernel mode, 1: user mode */
#define X86_PF_RSVD		(1UL << 3)	/* a reserved bit was set in a paging entry */
#define X86_PF_INSTR		(1UL << 4)	/* instruction fetch */
#define X86_PF_PK		(1UL << 5)	/* protection key */

/* Load the kernel's GDT, TSS (with the IST stacks) and IDT; set the SYSCALL MSRs. Call once,
 * first thing. */
void trap_init(void);
void gdt_init(void);
void idt_init(void);

/* Called by entry.S with the saved frame of exception regs->vector. Returns when handled. */
void do_exception(struct pt_regs *regs);

/*
 * The #PF handler: @address is CR2. User-mode faults go to do_user_addr_fault() and kill
 * the task if it returns a signal; kernel-mode faults on a user address from a user-access
 * instruction are resolved the same way (or fixed up); any other kernel fault oopses.
 */
void do_page_fault(struct pt_regs *regs, unsigned long error_code, unsigned long address);

/*
 * The mm/ fault pipeline (handle_user_addr_fault) for a fault by user mode at @address in
 * current's address space. Returns 0 when the access can be retried, else the signal
 * that must kill the task (SIGSEGV, SIGBUS, SIGKILL) with *si_code saying why.
 */
int do_user_addr_fault(struct pt_regs *regs, unsigned long error_code, unsigned long address,
		       int *si_code);

/*
 * Describe a page-fault error code in @buf, as "(not-present, write, kernel)" with
 * ", reserved bit", ", instruction fetch", ", protection key" appended when set. Returns
 * the length snprintf() would write.
 */
int pf_describe(unsigned long error_code, char *buf, size_t size);

/* The name of exception @vector ("page fault") and its mnemonic ("PF"). */
const char *exception_name(unsigned long vector);
const char *exception_mnemonic(unsigned long vector);
/* True for the vectors where the CPU pushes an error code. */
bool exception_has_error_code(unsigned long vector);

/*
 * A hook run first for exception @vector (self-tests catch a deliberate int3 or page fault
 * with it): it returns true when it handled the exception (and may change @regs, such as
 * the RIP to resume at), false to let the normal handling go on. NULL removes it.
 */
typedef bool (*trap_hook_t)(struct pt_regs *regs);
void trap_set_hook(unsigned int vector, trap_hook_t hook);

/* Print the registers (RIP RSP RFLAGS, GPRs, CS/SS, CR0 CR2 CR3 CR4) and a backtrace. */
void show_regs(const struct pt_regs *regs);

/* Oops: print "Oops: @str", the error code and the registers, then panic. */
void die(const char *str, struct pt_regs *regs, unsigned long error_code) __noreturn;

/* Set by die(): panic() skips its own backtrace when an oops already printed one. */
extern int oops_in_progress;

#endif

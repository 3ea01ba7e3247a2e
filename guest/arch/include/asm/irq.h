/* SPDX-License-Identifier: MIT */
/*
 * Device interrupts (guest/arch/irq.c, irq_entry.S): IOAPIC input (GSI) g arrives on IDT
 * vector IRQ_VECTOR_BASE + g through the local APIC; request_irq() routes a GSI to a
 * handler. The local APIC timer has its own vector, LOCAL_TIMER_VECTOR. Interrupt masking
 * and the race-free "sti; hlt" wait. Usable from asm (the vector numbers).
 */
#ifndef ASM_IRQ_H
#define ASM_IRQ_H

#define IRQ_VECTOR_BASE		0x20	/* GSI g -> vector 0x20 + g */
#define NR_IRQS			24	/* IOAPIC inputs: GSIs 0..23 */
#define LOCAL_TIMER_VECTOR	0xec	/* the local APIC timer (as on Linux) */
#define SPURIOUS_APIC_VECTOR	0xff	/* the local APIC's spurious vector: no EOI */

#ifndef __ASSEMBLY__
#include <kern/types.h>
#include <asm/processor.h>
#include <asm/ptrace.h>

/* ---- masking (one CPU: "interrupts off" is the kernel's only lock) --------------------- */
static inline void local_irq_enable(void)
{
	__asm__ __volatile__("sti" : : : "memory");
}

/* local_irq_disable() is in asm/processor.h. */

#define local_irq_save(flags)	do { (flags) = arch_local_irq_save(); } while (0)

/* Back to the state local_irq_save() saved (interrupts are off when this is called). */
static inline void local_irq_restore(unsigned long flags)
{
	arch_local_irq_restore(flags);
}

static inline bool irqs_disabled(void)
{
	return !(read_rflags() & X86_EFLAGS_IF);
}

/*
 * With interrupts off: enable them and halt until one arrives, with no window between the
 * two (sti takes effect after the next instruction), then disable them again. A caller
 * that checked its wake-up condition with interrupts off cannot miss the interrupt.
 */
static inline void safe_halt(void)
{
	__asm__ __volatile__("sti; hlt; cli" : : : "memory");
}

/* ---- handlers ---------------------------------------------------------------------------- */
/* A device's handler: runs with interrupts off, on the interrupted stack, before the EOI. */
typedef void (*irq_handler_t)(unsigned int gsi, void *data);

/*
 * Mask the legacy PIC, enable the local APIC (spurious vector SPURIOUS_APIC_VECTOR, every
 * local source masked except LINT1 as NMI), find the IOAPIC and mask all its inputs, and
 * install the IDT gates of vectors IRQ_VECTOR_BASE.. and the spurious vector. Call once at
 * boot, after paging_init() (it ioremap()s both controllers). Panics without an APIC.
 */
void irq_init(void);

/*
 * Deliver GSI @gsi to @handler(@gsi, @data): program its IOAPIC redirection entry (vector
 * IRQ_VECTOR_BASE + gsi, fixed delivery, edge-triggered, active high, physical destination
 * this CPU's APIC ID) and unmask it. Edge, because irqfd pulses the line. The handler runs
 * from then on. Counts as a wake-up source for the scheduler's idle halt.
 * Returns 0, -EINVAL (@gsi not an IOAPIC input, or no handler) or -EBUSY (taken).
 */
int request_irq(unsigned int gsi, irq_handler_t handler, void *data);

/* Mask GSI @gsi and forget its handler. Returns 0, or -EINVAL if it had none. */
int free_irq(unsigned int gsi);

/* Interrupts taken on GSI @gsi since boot (0 for a bad @gsi). */
u64 irq_count(unsigned int gsi);
/* Interrupts that arrived between `sti` and `hlt` (an emulator's doing): do_irq() returns
 * past the hlt instead of onto it. */
extern u64 irq_hlt_skips;

/* Called by irq_entry.S with the saved frame of device vector regs->vector, or of
 * LOCAL_TIMER_VECTOR (then timer_interrupt()). Returning to user mode, it switches tasks
 * first when a time slice ran out (sched_preempt()). */
void do_irq(struct pt_regs *regs);

/* Point IDT vector @vector at @handler: an interrupt gate, kernel only (guest/arch/idt.c). */
void idt_set_interrupt_gate(unsigned int vector, unsigned long handler);

/* ---- the interrupt controllers (guest/arch/apic.c, ioapic.c) ----------------------------- */
void lapic_init(void);
/* This CPU's local APIC ID. */
u32 lapic_id(void);
/* End of interrupt: the in-service vector may be delivered again. */
void lapic_eoi(void);

/*
 * The local APIC timer, one-shot, on LOCAL_TIMER_VECTOR (guest/kernel/timer.c drives it).
 * lapic_timer_init(): TSC-deadline mode when CPUID.1:ECX[24] says so, else one-shot count
 * mode (divide by 1) calibrated against the TSC; disarmed. Called by irq_init().
 */
void lapic_timer_init(void);
/* Interrupt once, when the TSC reaches @tsc (at once if it has). Count mode caps a shot at
 * one second: an earlier interrupt then just finds nothing due. Replaces any earlier shot. */
void lapic_timer_arm(u64 tsc);
/* Cancel the armed shot, if any. */
void lapic_timer_stop(void);
/* Switch to TSC-deadline (@tsc_deadline) or count mode, disarmed (self-tests cover both;
 * no kernel timer may be pending); false, and no change, when the CPU lacks TSC-deadline. */
bool lapic_timer_set_mode(bool tsc_deadline);
/* True in TSC-deadline mode. */
bool lapic_timer_tsc_deadline(void);

void ioapic_init(void);
/* IOAPIC inputs (redirection entries). */
unsigned int ioapic_nr_pins(void);
/* Route input @pin to @vector on APIC @dest, edge-triggered, active high, unmasked. */
void ioapic_route(unsigned int pin, u8 vector, u32 dest);
/* Mask input @pin. */
void ioapic_mask(unsigned int pin);
#endif

#endif

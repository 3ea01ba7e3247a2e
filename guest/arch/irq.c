// SPDX-License-Identifier: MIT
/*
 * Device interrupt dispatch: one IDT vector per IOAPIC input (IRQ_VECTOR_BASE + GSI), one
 * handler per input (request_irq()), EOI to the local APIC after the handler; the local
 * APIC timer's vector runs the kernel timers. The kernel runs with interrupts off; they are
 * on only in user mode and in halts (safe_halt(), the scheduler's idle), so a handler never
 * interrupts kernel code between a check and a sleep, and preemption (a task switch on the
 * way back to user mode, sched_preempt()) never preempts kernel code.
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <guest/sched.h>
#include <guest/signal.h>
#include <guest/timer.h>

#define PIC1_DATA	0x21	/* the legacy 8259 pair's mask registers */
#define PIC2_DATA	0xa1
#define X86_INSN_HLT	0xf4

struct irq_desc {
	irq_handler_t handler;
	void *data;
	u64 count;
};

static struct irq_desc irq_desc[NR_IRQS];
u64 irq_hlt_skips;
static unsigned int nr_irqs;		/* IOAPIC inputs with a vector: min(pins, NR_IRQS) */

extern const unsigned long irq_stubs[NR_IRQS];	/* irq_entry.S */
extern const char spurious_interrupt_stub[];
extern const char timer_interrupt_stub[];

void irq_init(void)
{
	unsigned int gsi;

	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
	lapic_init();
	lapic_timer_init();
	ioapic_init();
	nr_irqs = MIN(ioapic_nr_pins(), (unsigned int)NR_IRQS);
	for (gsi = 0; gsi < nr_irqs; gsi++)
		idt_set_interrupt_gate(IRQ_VECTOR_BASE + gsi, irq_stubs[gsi]);
	idt_set_interrupt_gate(LOCAL_TIMER_VECTOR, (unsigned long)timer_interrupt_stub);
	idt_set_interrupt_gate(SPURIOUS_APIC_VECTOR, (unsigned long)spurious_interrupt_stub);
}

int request_irq(unsigned int gsi, irq_handler_t handler, void *data)
{
	unsigned long flags;

	if (gsi >= nr_irqs || !handler)
		return -EINVAL;
	if (irq_desc[gsi].handler)
		return -EBUSY;
	local_irq_save(flags);
	irq_desc[gsi].handler = handler;
	irq_desc[gsi].data = data;
	ioapic_route(gsi, IRQ_VECTOR_BASE + gsi, lapic_id());
	sched_wakeup_sources++;
	local_irq_restore(flags);
	return 0;
}

int free_irq(unsigned int gsi)
{
	unsigned long flags;

	if (gsi >= nr_irqs || !irq_desc[gsi].handler)
		return -EINVAL;
	local_irq_save(flags);
	ioapic_mask(gsi);
	irq_desc[gsi].handler = NULL;
	irq_desc[gsi].data = NULL;
	sched_wakeup_sources--;
	local_irq_restore(flags);
	return 0;
}

u64 irq_count(unsigned int gsi)
{
	return gsi < NR_IRQS ? READ_ONCE(irq_desc[gsi].count) : 0;
}

void do_irq(struct pt_regs *regs)
{
	unsigned int gsi = regs->vector - IRQ_VECTOR_BASE;
	bool user = user_mode(regs);
	struct irq_desc *d;

	if (user)
		account_time(current, true);
	if (regs->vector == LOCAL_TIMER_VECTOR) {
		timer_interrupt();
	} else {
		BUG_ON(gsi >= nr_irqs);
		d = &irq_desc[gsi];
		d->count++;
		if (d->handler)
			d->handler(gsi, d->data);
		else if (d->count == 1)	/* masked inputs cannot fire: say so once */
			printk("irq: interrupt on GSI %u, which has no handler\n", gsi);
	}
	lapic_eoi();
	/*
	 * An interrupt must not return to a hlt: that can only mean it was taken in the
	 * shadow of the sti before it (`sti; hlt`), which the architecture forbids but
	 * QEMU TCG's emulated SVM, nested, does. Halting then would wait for the next
	 * interrupt although this one may have been the wake-up the halt was for.
	 */
	if (!user && *(const u8 *)regs->rip == X86_INSN_HLT) {
		regs->rip++;
		irq_hlt_skips++;
	}
	if (user) {
		sched_preempt();	/* only here: kernel code is never preempted */
		exit_to_user_mode();
		account_time(current, false);
	}
}

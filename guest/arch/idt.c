// SPDX-License-Identifier: MIT
/*
 * The IDT: interrupt gates for the 32 exception vectors, pointing at the stubs of
 * guest/arch/entry.S. #DF, NMI and #MC run on IST stacks; int3 is callable from user mode
 * (DPL 3), as on Linux. Other vectors stay not-present until devices need them
 * (idt_set_interrupt_gate(), for guest/arch/irq.c).
 */
#include <kern/compiler.h>
#include <kern/printk.h>
#include <asm/irq.h>
#include <asm/segment.h>
#include <asm/traps.h>

struct idt_gate {
	u16 offset_low;
	u16 selector;
	u8 ist;
	u8 type_attr;		/* P, DPL, type */
	u16 offset_mid;
	u32 offset_high;
	u32 reserved;
} __packed;

_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate layout");

#define GATE_INTERRUPT	0x0e	/* clears IF on entry */
#define GATE_P		0x80
#define GATE_DPL3	0x60

extern const unsigned long exception_stubs[NR_EXCEPTION_VECTORS];	/* entry.S */

static struct idt_gate idt[256] __aligned(16);

static void set_gate(unsigned int vector, unsigned long handler, unsigned int ist, u8 dpl)
{
	struct idt_gate *g = &idt[vector];

	g->offset_low = handler & 0xffff;
	g->selector = KERNEL_CS;
	g->ist = ist;
	g->type_attr = GATE_P | dpl | GATE_INTERRUPT;
	g->offset_mid = handler >> 16 & 0xffff;
	g->offset_high = handler >> 32;
	g->reserved = 0;
}

void idt_set_interrupt_gate(unsigned int vector, unsigned long handler)
{
	BUG_ON(vector < NR_EXCEPTION_VECTORS || vector > 255);
	set_gate(vector, handler, 0, 0);
}

void idt_init(void)
{
	struct {
		u16 limit;
		u64 base;
	} __packed idtr = { sizeof(idt) - 1, (unsigned long)idt };
	unsigned int v;

	for (v = 0; v < NR_EXCEPTION_VECTORS; v++)
		set_gate(v, exception_stubs[v], 0, 0);
	set_gate(X86_TRAP_DF, exception_stubs[X86_TRAP_DF], IST_DF, 0);
	set_gate(X86_TRAP_NMI, exception_stubs[X86_TRAP_NMI], IST_NMI, 0);
	set_gate(X86_TRAP_MC, exception_stubs[X86_TRAP_MC], IST_MC, 0);
	set_gate(X86_TRAP_BP, exception_stubs[X86_TRAP_BP], 0, GATE_DPL3);

	__asm__ __volatile__("lidt %0" : : "m"(idtr));
}

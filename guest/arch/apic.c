// SPDX-License-Identifier: MIT
/*
 * The local APIC in xAPIC mode: its registers at LAPIC_GPA, mapped uncached. Enabled with
 * a spurious vector, task priority 0, its timer, LINT0 and error interrupts masked (the
 * legacy PIC is masked too) and LINT1 as NMI; device interrupts come from the IOAPIC.
 */
#include <kern/printk.h>
#include <abi/layout.h>
#include <asm/irq.h>
#include <asm/msr.h>
#include <asm/paging.h>
#include <asm/processor.h>

#define MSR_IA32_APICBASE		0x1b
#define APICBASE_X2APIC			(1UL << 10)
#define APICBASE_ENABLE			(1UL << 11)
#define APICBASE_ADDR			0xfffff000UL
#define CPUID_1_EDX_APIC		(1U << 9)

/* Register offsets (Intel SDM vol. 3, table 11-1). */
#define APIC_ID				0x020
#define APIC_LVR			0x030	/* version; bits 16..23: LVT entries - 1 */
#define APIC_TPR			0x080
#define APIC_EOI			0x0b0
#define APIC_SVR			0x0f0	/* spurious vector register */
#define APIC_ESR			0x280
#define APIC_LVTT			0x320	/* timer */
#define APIC_LVT0			0x350	/* LINT0 */
#define APIC_LVT1			0x360	/* LINT1 */
#define APIC_LVTERR			0x370

#define APIC_SVR_ENABLE			(1U << 8)
#define APIC_LVT_MASKED			(1U << 16)
#define APIC_DM_NMI			(4U << 8)

static volatile u32 *lapic;

static u32 apic_read(u32 reg)
{
	return lapic[reg / 4];
}

static void apic_write(u32 reg, u32 val)
{
	lapic[reg / 4] = val;
}

void lapic_init(void)
{
	u64 base;

	if (!(cpuid(1, 0).edx & CPUID_1_EDX_APIC))
		panic("apic: CPUID says this CPU has no local APIC");
	base = rdmsr(MSR_IA32_APICBASE);
	if (base & APICBASE_X2APIC)
		panic("apic: the local APIC is in x2APIC mode; this kernel drives xAPIC");
	if ((base & APICBASE_ADDR) != LAPIC_GPA)
		panic("apic: local APIC at 0x%lx, not LAPIC_GPA 0x%llx", base & APICBASE_ADDR,
		      LAPIC_GPA);
	if (!(base & APICBASE_ENABLE))
		wrmsr(MSR_IA32_APICBASE, base | APICBASE_ENABLE);
	lapic = ioremap(LAPIC_GPA, PAGE_SIZE);
	BUG_ON(!lapic);

	apic_write(APIC_LVTT, APIC_LVT_MASKED);
	apic_write(APIC_LVT0, APIC_LVT_MASKED);
	apic_write(APIC_LVT1, APIC_DM_NMI);
	apic_write(APIC_LVTERR, APIC_LVT_MASKED);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_APIC_VECTOR);
	apic_write(APIC_ESR, 0);	/* back-to-back writes clear the error status */
	apic_write(APIC_ESR, 0);
	apic_write(APIC_EOI, 0);	/* nothing should be in service; make sure */
	printk("apic: local APIC %u, version 0x%x, at 0x%llx (xAPIC)\n", lapic_id(),
	       apic_read(APIC_LVR) & 0xff, LAPIC_GPA);
}

u32 lapic_id(void)
{
	return apic_read(APIC_ID) >> 24;
}

void lapic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

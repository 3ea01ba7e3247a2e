// SPDX-License-Identifier: MIT
/*
 * The local APIC in xAPIC mode: its registers at LAPIC_GPA, mapped uncached. Enabled with
 * a spurious vector, task priority 0, LINT0 and error interrupts masked (the legacy PIC is
 * masked too) and LINT1 as NMI; device interrupts come from the IOAPIC. Its timer is the
 * kernel timers' one-shot event source (guest/kernel/timer.c) on LOCAL_TIMER_VECTOR:
 * TSC-deadline mode when CPUID.1:ECX[24] has it, else one-shot count mode calibrated
 * against the TSC.
 */
#include <kern/printk.h>
#include <abi/layout.h>
#include <asm/irq.h>
#include <asm/msr.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <guest/ktime.h>

#define MSR_IA32_APICBASE		0x1b
#define APICBASE_X2APIC			(1UL << 10)
#define APICBASE_ENABLE			(1UL << 11)
#define APICBASE_ADDR			0xfffff000UL
#define CPUID_1_EDX_APIC		(1U << 9)
#define CPUID_1_ECX_TSC_DEADLINE	(1U << 24)
#define MSR_IA32_TSC_DEADLINE		0x6e0

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
#define APIC_TMICT			0x380	/* timer initial count */
#define APIC_TMCCT			0x390	/* timer current count */
#define APIC_TDCR			0x3e0	/* timer divide configuration */

#define APIC_SVR_ENABLE			(1U << 8)
#define APIC_LVT_MASKED			(1U << 16)
#define APIC_DM_NMI			(4U << 8)
#define APIC_LVTT_ONESHOT		(0U << 17)
#define APIC_LVTT_TSCDEADLINE		(2U << 17)
#define APIC_TDCR_DIV_1			0xb

#define APIC_CALIBRATE_MS		10	/* TSC time the count-mode calibration spans */
#define APIC_MAX_DELTA_MS		1000	/* count mode: a longer wait takes more shots */

static volatile u32 *lapic;
static bool timer_has_deadline;		/* CPUID: TSC-deadline mode exists */
static bool timer_deadline;		/* the mode in use */
static u32 timer_khz;			/* count mode: timer ticks per ms (divide by 1) */

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

/* Read the current count; *@tsc = the TSC midway through the (trapping, slow) read. */
static u32 read_count_at(u64 *tsc)
{
	u64 before = arch_rdtsc();
	u32 count = apic_read(APIC_TMCCT);

	*tsc = before + (arch_rdtsc() - before) / 2;
	return count;
}

/*
 * Measure the timer's count rate against the TSC: count down from 2^32 - 1 for
 * APIC_CALIBRATE_MS of TSC time. The timer is masked meanwhile, so nothing fires.
 */
static void lapic_timer_calibrate(void)
{
	u64 khz = tsc_khz(), t0, t1;
	u32 c0, c1;

	apic_write(APIC_LVTT, APIC_LVT_MASKED | APIC_LVTT_ONESHOT | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TDCR, APIC_TDCR_DIV_1);
	apic_write(APIC_TMICT, 0xffffffff);
	c0 = read_count_at(&t0);
	while (arch_rdtsc() - t0 < khz * APIC_CALIBRATE_MS)
		;
	c1 = read_count_at(&t1);
	apic_write(APIC_TMICT, 0);
	timer_khz = (u64)(c0 - c1) * khz / (t1 - t0);
	if (!timer_khz)
		panic("apic: the local APIC timer does not count (calibration against the TSC)");
}

bool lapic_timer_set_mode(bool tsc_deadline)
{
	if (tsc_deadline && !timer_has_deadline)
		return false;
	if (!tsc_deadline && !timer_khz)
		lapic_timer_calibrate();
	timer_deadline = tsc_deadline;
	/* The mode is set before the deadline MSR is written (SDM 11.5.4.1); disarmed. */
	apic_write(APIC_TMICT, 0);
	apic_write(APIC_LVTT, LOCAL_TIMER_VECTOR |
		   (tsc_deadline ? APIC_LVTT_TSCDEADLINE : APIC_LVTT_ONESHOT));
	if (tsc_deadline)
		wrmsr(MSR_IA32_TSC_DEADLINE, 0);
	else
		apic_write(APIC_TDCR, APIC_TDCR_DIV_1);
	return true;
}

bool lapic_timer_tsc_deadline(void)
{
	return timer_deadline;
}

void lapic_timer_init(void)
{
	timer_has_deadline = cpuid(1, 0).ecx & CPUID_1_ECX_TSC_DEADLINE;
	lapic_timer_set_mode(timer_has_deadline);
	if (timer_deadline)
		printk("apic: timer in TSC-deadline mode\n");
	else
		printk("apic: timer in one-shot mode, %u kHz\n", timer_khz);
}

void lapic_timer_arm(u64 tsc)
{
	u64 now, delta, max = (u64)tsc_khz() * APIC_MAX_DELTA_MS;

	BUG_ON(!lapic);
	if (timer_deadline) {
		wrmsr(MSR_IA32_TSC_DEADLINE, tsc ? tsc : 1);	/* 0 would disarm it */
		return;
	}
	now = arch_rdtsc();
	delta = tsc > now ? MIN(tsc - now, max) : 0;
	/* Round up, so the interrupt does not come before @tsc; a count of 0 would disarm. */
	delta = (delta * timer_khz + tsc_khz() - 1) / tsc_khz();
	apic_write(APIC_TMICT, (u32)MIN(MAX(delta, 1), 0xffffffff));
}

void lapic_timer_stop(void)
{
	if (timer_deadline)
		wrmsr(MSR_IA32_TSC_DEADLINE, 0);
	else
		apic_write(APIC_TMICT, 0);
}

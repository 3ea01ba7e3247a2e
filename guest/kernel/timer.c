// SPDX-License-Identifier: MIT
/*
 * Kernel timers: one list of pending timers sorted by expiry, and the local APIC timer
 * (guest/arch/apic.c) armed one-shot for the first of them only, never while none is
 * pending (tickless). The timer interrupt runs every timer that is due and re-arms for the
 * next. schedule_timeout_ns() sleeps on a timer of its own.
 */
#include <kern/printk.h>
#include <asm/irq.h>
#include <guest/ktime.h>
#include <guest/sched.h>
#include <guest/timer.h>

static LIST_HEAD(timers);		/* pending, by expires; equal expiries in arming order */
static bool hw_armed;			/* the APIC timer has a shot armed ... */
static u64 hw_expires;			/* ... for this expiry */
u64 timer_interrupts;			/* since boot, for self-tests */

u64 ktime_get_ns(void)
{
	return tsc_to_ns(arch_rdtsc());
}

u64 ktime_after_ns(u64 ns)
{
	u64 now = ktime_get_ns();

	return now + ns < now ? UINT64_MAX : now + ns;
}

bool timers_pending(void)
{
	return !list_empty(&timers);
}

/* Arm the hardware for the first pending timer, or disarm it. Interrupts off. */
static void timer_program(void)
{
	struct timer_list *first;

	if (list_empty(&timers)) {
		if (hw_armed)
			lapic_timer_stop();
		hw_armed = false;
		return;
	}
	first = list_first_entry(&timers, struct timer_list, entry);
	if (hw_armed && hw_expires == first->expires)
		return;
	hw_armed = true;
	hw_expires = first->expires;
	lapic_timer_arm(ns_to_tsc(first->expires));
}

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *t))
{
	INIT_LIST_HEAD(&t->entry);
	t->expires = 0;
	t->fn = fn;
}

void mod_timer(struct timer_list *t, u64 expires)
{
	struct timer_list *pos;
	unsigned long flags;

	local_irq_save(flags);
	list_del_init(&t->entry);
	t->expires = expires;
	/* After every timer due no later: equal expiries run in the order they were armed. */
	list_for_each_entry(pos, &timers, entry)
		if (pos->expires > expires)
			break;
	list_add_tail(&t->entry, &pos->entry);
	timer_program();
	local_irq_restore(flags);
}

bool del_timer(struct timer_list *t)
{
	unsigned long flags;
	bool pending;

	local_irq_save(flags);
	pending = timer_pending(t);
	if (pending) {
		list_del_init(&t->entry);
		timer_program();
	}
	local_irq_restore(flags);
	return pending;
}

void timer_interrupt(void)
{
	LIST_HEAD(expired);
	struct timer_list *t, *n;
	u64 now = ktime_get_ns();

	timer_interrupts++;
	hw_armed = false;		/* the shot fired (or was a count-mode cap) */
	/*
	 * Take the due timers off first: one that re-arms itself for a time already past
	 * runs again at the next interrupt, not in an endless loop here.
	 */
	list_for_each_entry_safe(t, n, &timers, entry) {
		if (t->expires > now)
			break;
		list_del_init(&t->entry);
		list_add_tail(&t->entry, &expired);
	}
	while (!list_empty(&expired)) {
		t = list_first_entry(&expired, struct timer_list, entry);
		list_del_init(&t->entry);	/* not pending while its function runs */
		t->fn(t);
	}
	timer_program();
}

struct sleeper {
	struct timer_list timer;
	struct task *task;
};

static void sleeper_wake(struct timer_list *t)
{
	wake_up_process(container_of(t, struct sleeper, timer)->task);
}

u64 schedule_timeout_ns(u64 ns)
{
	struct sleeper s = { .task = current };
	u64 now, expires = ktime_after_ns(ns);

	BUG_ON(!irqs_disabled());
	if (!ns)
		return 0;
	timer_setup(&s.timer, sleeper_wake);
	current->state = TASK_BLOCKED;
	mod_timer(&s.timer, expires);
	schedule();
	del_timer(&s.timer);		/* woken otherwise: the timer must not outlive s */
	now = ktime_get_ns();
	return expires > now ? expires - now : 0;
}

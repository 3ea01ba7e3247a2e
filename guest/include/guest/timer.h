/* SPDX-License-Identifier: MIT */
/*
 * Kernel timers (guest/kernel/timer.c) on the local APIC timer (guest/arch/apic.c): one-shot,
 * armed for the earliest pending timer and not at all when none is pending (no periodic
 * tick). Times are nanoseconds since boot on the TSC clock (ktime_get_ns()).
 *
 * A timer's function runs in interrupt context with interrupts off: it may wake tasks
 * (wake_up, wake_up_process) and re-add timers, nothing that sleeps.
 */
#ifndef GUEST_TIMER_H
#define GUEST_TIMER_H

#include <kern/types.h>
#include <mm/list.h>

struct timer_list {
	struct list_head entry;		/* on the pending list, sorted by expires; else empty */
	u64 expires;			/* ktime_get_ns() at which fn runs */
	void (*fn)(struct timer_list *t);
};

/* Nanoseconds since boot (the TSC at the device tree's rate). */
u64 ktime_get_ns(void);
/* ktime_get_ns() + @ns, saturated at UINT64_MAX (a deadline that never comes). */
u64 ktime_after_ns(u64 ns);

/* Set up @t to call @fn; it is not pending. Call before any other use of @t. */
void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *t));
/*
 * (Re)arm @t to run at @expires (ns since boot), pending or not (a pending @t moves). Timers
 * run in expiry order, equal expiries in the order they were armed. A time already past
 * runs @t from the timer interrupt raised at once, i.e. as soon as interrupts are on (the
 * idle halt, user mode), never from inside mod_timer(). Any context; safe from @t's own
 * function.
 */
void mod_timer(struct timer_list *t, u64 expires);
/* Disarm @t; true when it was pending (then its function will not run). */
bool del_timer(struct timer_list *t);
static inline bool timer_pending(const struct timer_list *t)
{
	return !list_empty(&t->entry);
}

/*
 * Sleep until @ns nanoseconds have passed or the task is woken otherwise (wake_up_process(),
 * or a wait queue it joined with prepare_to_wait() before calling); returns the
 * nanoseconds left (0 when the time ran out). Sets current TASK_BLOCKED itself and leaves
 * it TASK_RUNNING; @ns == 0 returns 0 at once. Process context, interrupts off (as the
 * kernel always runs), so no wake-up is lost between the caller's check and the sleep.
 */
u64 schedule_timeout_ns(u64 ns);

/* ---- for the scheduler, the interrupt path and self-tests --------------------------- */
/* True while any timer is pending: the idle halt then has an interrupt to wait for. */
bool timers_pending(void);
/* The LOCAL_TIMER_VECTOR handler (do_irq()): run every due timer, re-arm for the next. */
void timer_interrupt(void);
/* Timer interrupts taken since boot. */
extern u64 timer_interrupts;

#endif

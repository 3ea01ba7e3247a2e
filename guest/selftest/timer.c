// SPDX-License-Identifier: MIT
/*
 * Self-tests of the kernel timers on the local APIC timer, in TSC-deadline mode (when the
 * CPU has it) and in one-shot count mode: several timers run in expiry order (equal
 * expiries in arming order), a deleted one never runs, mod_timer() moves a pending one,
 * a time in the past runs at once, and schedule_timeout_ns() sleeps at least its time;
 * nothing is pending while only one task is runnable (tickless).
 * Interrupts taken in the idle halt drive them, as in the scheduler's idle loop.
 */
#include <asm/irq.h>
#include <guest/ktime.h>
#include <guest/sched.h>
#include <guest/selftest.h>
#include <guest/timer.h>

#define US		1000ULL
#define MAX_WAIT_NS	(2 * NSEC_PER_SEC)	/* a timer this late is lost, not slow */

struct ordered {
	struct timer_list timer;
	int id;
	u64 ran_at;
};

static int order[8], nr_ran;

static void record(struct timer_list *t)
{
	struct ordered *o = container_of(t, struct ordered, timer);

	o->ran_at = ktime_get_ns();
	if (nr_ran < (int)ARRAY_SIZE(order))
		order[nr_ran] = o->id;
	nr_ran++;
}

/* Halt until @n timers ran or MAX_WAIT_NS passed; the number that ran. */
static int wait_for(int n)
{
	u64 start = ktime_get_ns();

	while (nr_ran < n && ktime_get_ns() - start < MAX_WAIT_NS)
		safe_halt();
	return nr_ran;
}

/* Static, not on the stack: a failed assertion returns with some still pending. */
static struct ordered t[6], gone, moved;

/* Disarm every timer of the test (after it passed or failed). */
static void timers_disarm(void)
{
	int i;

	for (i = 0; i < 6; i++)
		del_timer(&t[i].timer);
	del_timer(&gone.timer);
	del_timer(&moved.timer);
}

static int timer_order_one_mode(void)
{
	/* Expected run order: ids 0..5 (id 1 is `moved`; t[1] stays unused). */
	static const u64 delay_us[] = { 0, 500, 1000, 2000, 2000, 3000 };
	u64 now, irqs = timer_interrupts;
	int i;

	nr_ran = 0;
	for (i = 0; i < 6; i++) {
		timer_setup(&t[i].timer, record);
		t[i].id = i;
		t[i].ran_at = 0;
		ST_ASSERT(!timer_pending(&t[i].timer));
	}
	timer_setup(&gone.timer, record);
	gone.id = 100;
	gone.ran_at = 0;
	timer_setup(&moved.timer, record);
	moved.id = 1;
	moved.ran_at = 0;
	now = ktime_get_ns();
	/* Armed out of order; id 0 in the past, id 4 after id 3 at the same time. */
	mod_timer(&t[5].timer, now + delay_us[5] * US);
	mod_timer(&t[3].timer, now + delay_us[3] * US);
	mod_timer(&t[4].timer, now + delay_us[4] * US);
	mod_timer(&t[2].timer, now + delay_us[2] * US);
	mod_timer(&t[0].timer, now - 1);
	mod_timer(&gone.timer, now + 1500 * US);
	/* Id 1: armed late, then moved early (re-arm of a pending timer). */
	mod_timer(&moved.timer, now + 50 * 1000 * US);
	mod_timer(&moved.timer, now + delay_us[1] * US);
	ST_ASSERT(timer_pending(&moved.timer) && timer_pending(&gone.timer));
	ST_ASSERT(timers_pending());
	ST_ASSERT(del_timer(&gone.timer));
	ST_ASSERT(!del_timer(&gone.timer));
	ST_ASSERT(!timer_pending(&gone.timer));

	ST_ASSERT_EQ(nr_ran, 0);	/* nothing runs inside mod_timer(), even if due */
	ST_ASSERT_EQ(wait_for(6), 6);
	for (i = 0; i < 6; i++) {
		ST_ASSERT_EQ(order[i], i);
		ST_ASSERT(!timer_pending(&t[i].timer));
		if (i > 1)	/* never early */
			ST_ASSERT(t[i].ran_at >= now + delay_us[i] * US);
	}
	ST_ASSERT(moved.ran_at >= now + delay_us[1] * US);
	ST_ASSERT_EQ(gone.ran_at, 0);
	ST_ASSERT(!timers_pending());
	ST_ASSERT(timer_interrupts > irqs);

	/* A function that re-arms its own timer: it runs again. */
	nr_ran = 0;
	mod_timer(&t[0].timer, ktime_get_ns() + 100 * US);
	ST_ASSERT_EQ(wait_for(1), 1);
	mod_timer(&t[0].timer, ktime_get_ns());
	ST_ASSERT_EQ(wait_for(2), 2);
	ST_ASSERT(!timers_pending());

	/* schedule_timeout_ns() sleeps at least its time and returns 0 when it ran out. */
	now = ktime_get_ns();
	ST_ASSERT_EQ(schedule_timeout_ns(1000 * US), 0);
	ST_ASSERT(ktime_get_ns() - now >= 1000 * US);
	ST_ASSERT_EQ(schedule_timeout_ns(0), 0);
	ST_ASSERT(current->state == TASK_RUNNING);
	ST_ASSERT(!timers_pending());
	return SELFTEST_PASS;
}

int selftest_timers(void)
{
	bool deadline = lapic_timer_tsc_deadline();
	int ret;

	ST_ASSERT(irqs_disabled());
	/* Tickless: with only this task runnable (the user-mode tests' tasks are gone) no
	 * timer is pending, the scheduler's slice timer included. */
	ST_ASSERT(!timers_pending());
	printk("# timers: %s mode\n", deadline ? "TSC-deadline" : "one-shot count");
	ret = timer_order_one_mode();
	timers_disarm();
	if (ret != SELFTEST_PASS || !deadline)
		return ret;
	/* The same on the count-mode timer, then back. */
	printk("# timers: one-shot count mode\n");
	ST_ASSERT(!timers_pending());	/* a mode switch disarms the hardware */
	ST_ASSERT(lapic_timer_set_mode(false));
	ret = timer_order_one_mode();
	timers_disarm();
	ST_ASSERT(lapic_timer_set_mode(true));
	return ret;
}

/* ns_to_tsc() rounds up: the TSC deadline of a time is never before it. */
int selftest_ns_to_tsc(void)
{
	static const u64 ns[] = { 0, 1, 999, 1000000, 1000001, 123456789, 1ULL << 40,
				  (1ULL << 62) + 7 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		u64 tsc = ns_to_tsc(ns[i]);

		ST_ASSERT(tsc_to_ns(tsc) >= ns[i]);
		ST_ASSERT(!tsc || tsc == UINT64_MAX || tsc_to_ns(tsc - 1) < ns[i]);
	}
	ST_ASSERT_EQ(ns_to_tsc(UINT64_MAX), UINT64_MAX);
	/* Around the last whole millisecond that fits: saturates, never wraps to a small TSC. */
	for (i = 0; i < 3; i++) {
		u64 khz = tsc_khz(), ms = (UINT64_MAX - khz) / khz - 1 + i, tsc;

		if (ms > (UINT64_MAX - 999999) / NSEC_PER_MSEC)
			break;
		tsc = ns_to_tsc(ms * NSEC_PER_MSEC + 999999);
		ST_ASSERT(tsc == UINT64_MAX || tsc >= ms * khz);
	}
	return SELFTEST_PASS;
}

// SPDX-License-Identifier: MIT
/*
 * The flusher: one kernel thread that runs mm's wb_workfn() (mm/fs-writeback.c) for the
 * registered bdi_writebacks, the role of Linux's bdi_wq workers and each wb's delayed
 * work. wb_wakeup_delayed() arms one timer, and only while something is dirty (no tick);
 * the timer wakes the thread, which writes what expired; wb_workfn() re-arms while dirt
 * remains. Also mm's clock, arch_clock_ns() = ktime_get_ns().
 */
#include <kern/errno.h>
#include <mm/pagemap.h>
#include <guest/ktime.h>
#include <guest/sched.h>
#include <guest/timer.h>
#include <guest/writeback.h>

static struct bdi_writeback *flusher_wbs[FLUSHER_MAX_WB];
static unsigned int nr_flusher_wbs;
static struct task *flusher_task;
static struct timer_list flusher_timer;
static struct wait_queue_head flusher_wq;	/* the thread waits for flusher_due */
static struct wait_queue_head flusher_idle_wq;	/* flusher_stop() waits for !flusher_busy */
static bool flusher_due, flusher_busy, flusher_stopped;

u64 arch_clock_ns(void)
{
	return ktime_get_ns();
}

/* Interrupt context: the time has come. */
static void flusher_timer_fn(struct timer_list *t)
{
	flusher_due = true;
	wake_up(&flusher_wq);
}

/* mm's wb_wakeup_delayed(): an earlier request wins; a pending one is kept. */
static void flusher_wakeup_delayed(struct bdi_writeback *wb, u64 delay_ns)
{
	u64 when = ktime_get_ns() + delay_ns;

	if (flusher_stopped || !flusher_task)
		return;
	if (!timer_pending(&flusher_timer) || flusher_timer.expires > when)
		mod_timer(&flusher_timer, when);
}

static int flusher_main(void *unused)
{
	unsigned int i;

	for (;;) {
		wait_event(flusher_wq, flusher_due);
		flusher_due = false;
		if (flusher_stopped)
			continue;
		flusher_busy = true;
		for (i = 0; i < nr_flusher_wbs; i++)
			wb_workfn(flusher_wbs[i]);	/* may sleep in I/O */
		flusher_busy = false;
		wake_up(&flusher_idle_wq);
	}
	return 0;
}

int flusher_start(void)
{
	unsigned int i;

	init_waitqueue_head(&flusher_wq);
	init_waitqueue_head(&flusher_idle_wq);
	timer_setup(&flusher_timer, flusher_timer_fn);
	flusher_task = kernel_thread(flusher_main, NULL, "flush");
	if (!flusher_task)
		return -ENOMEM;
	/* Dirt from before the thread existed (mount) gets its wakeup now. */
	for (i = 0; i < nr_flusher_wbs; i++)
		if (wb_has_dirty_io(flusher_wbs[i]))
			wb_wakeup_delayed(flusher_wbs[i]);
	return 0;
}

int flusher_add(struct bdi_writeback *wb)
{
	if (nr_flusher_wbs == FLUSHER_MAX_WB)
		return -ENOSPC;
	wb->wakeup_delayed = flusher_wakeup_delayed;
	flusher_wbs[nr_flusher_wbs++] = wb;
	return 0;
}

void flusher_stop(void)
{
	flusher_stopped = true;
	if (!flusher_task)
		return;
	del_timer(&flusher_timer);
	if (current != flusher_task)
		wait_event(flusher_idle_wq, !flusher_busy);
}

void writeback_drain(void)
{
	while (nr_writeback)
		schedule_timeout_ns(NSEC_PER_MSEC);
}

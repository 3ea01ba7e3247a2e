/* SPDX-License-Identifier: MIT */
/*
 * The flusher (guest/kernel/flusher.c): the kernel thread that runs mm's periodic writeback
 * (include/mm/writeback.h) for each registered bdi_writeback, woken by a timer that is
 * armed only while something is dirty; and powering off (guest/kernel/reboot.c).
 */
#ifndef GUEST_WRITEBACK_H
#define GUEST_WRITEBACK_H

#include <mm/writeback.h>

#define FLUSHER_MAX_WB	4

/* Start the flusher thread ("flush", after init: pid 2). 0 or -ENOMEM. */
int flusher_start(void);
/* Have the flusher serve @wb (sets its wakeup). 0, or -ENOSPC past FLUSHER_MAX_WB. */
int flusher_add(struct bdi_writeback *wb);
/*
 * Stop periodic writeback for good: disarm the timer and wait until a pass in progress
 * has ended, so that nothing the flusher holds is freed under it (unmount, power-off).
 * Process context.
 */
void flusher_stop(void);
/* Wait for every page under writeback to finish (no new writeback is started). */
void writeback_drain(void);

/*
 * Power off without syncing, as Linux's kernel_power_off(): stop the flusher, let I/O in
 * flight finish, print "reboot: Power down" and end the VM with status 0.
 */
void kernel_power_off(void) __attribute__((noreturn));

#endif

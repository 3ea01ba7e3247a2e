/* SPDX-License-Identifier: MIT */
/*
 * Host harness for the mm/ unit tests: the arena standing for physical memory
 * (tests/unit/lib/arena.c), kselftest TAP output with file:line failure messages
 * (tests/unit/lib/mm_test.c) and catching an expected panic (tests/unit/lib/printk.c).
 */
#ifndef UNIT_MM_TEST_H
#define UNIT_MM_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- the arena ---------------------------------------------------------------------- */
/*
 * Replace "physical memory" by a fresh zeroed arena of @size bytes (a multiple of the page
 * size), with empty memblock tables and [0, @size) added as RAM. Nothing is reserved yet.
 */
void unit_arena_create(size_t size);
/* Free the arena (every pointer into it dies). */
void unit_arena_destroy(void);
/* unit_arena_create(@size), reserve page 0, then mem_init(): a booted page allocator. */
void unit_mm_boot(size_t size);

/* The clock behind arch_clock_ns() (mm/fs-writeback.c): nanoseconds, set by the tests. */
extern uint64_t unit_clock_ns;

/* ---- TAP -------------------------------------------------------------------------------- */
void tap_plan(unsigned int n);
/* Print "ok N name" or "not ok N name"; return @pass. */
bool tap_result(bool pass, const char *name);
/* Run one test function and report it as one TAP line. */
#define TAP_RUN(fn)	tap_result(fn(), #fn)
/* Print the totals, check the plan, return the kselftest exit status. */
int tap_finish(void);

/* Inside a bool test function: report "# file:line: cond" and fail the test. */
#define CHECK(cond)								\
	do {									\
		if (!(cond)) {							\
			tap_diag("%s:%d: check failed: %s", __FILE__, __LINE__, #cond); \
			return false;						\
		}								\
	} while (0)

/* CHECK with a printf-style explanation. */
#define CHECKF(cond, ...)							\
	do {									\
		if (!(cond)) {							\
			tap_diag("%s:%d: check failed: %s", __FILE__, __LINE__, #cond); \
			tap_diag(__VA_ARGS__);					\
			return false;						\
		}								\
	} while (0)

void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- panics ----------------------------------------------------------------------------- */
/*
 * Call fn(arg); return true if it panicked (a BUG_ON fired), false if it returned. After a
 * panic, mm state may be half-updated (a lock held): boot a fresh arena before going on.
 */
bool unit_catch_panic(void (*fn)(void *), void *arg);
/* The message of the last caught panic. */
const char *unit_panic_message(void);

#endif

// SPDX-License-Identifier: MIT
/* kselftest TAP output for the mm/ unit tests (see tests/unit/include/mm_test.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "mm_test.h"

/* mm's clock (mm_arch.h): a fake that only the tests move. */
uint64_t unit_clock_ns;

uint64_t arch_clock_ns(void);	/* mm_arch.h's, which this file does not include */
uint64_t arch_clock_ns(void)
{
	return unit_clock_ns;
}

static unsigned int tap_planned, tap_n, tap_pass, tap_fail;

void tap_plan(unsigned int n)
{
	tap_planned = n;
	printf("TAP version 13\n1..%u\n", n);
	fflush(stdout);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

bool tap_result(bool pass, const char *name)
{
	if (!strncmp(name, "test_", 5))
		name += 5;
	printf("%sok %u %s\n", pass ? "" : "not ", ++tap_n, name);
	fflush(stdout);
	if (pass)
		tap_pass++;
	else
		tap_fail++;
	return pass;
}

int tap_finish(void)
{
	if (tap_n != tap_planned) {
		tap_diag("planned %u tests but ran %u", tap_planned, tap_n);
		tap_fail++;
	}
	printf("# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:0 error:0\n", tap_pass, tap_fail);
	return tap_fail ? 1 : 0;
}

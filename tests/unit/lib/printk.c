// SPDX-License-Identifier: MIT
/*
 * printk and panic for the host unit tests: printk writes to stderr, panic aborts, unless a
 * test armed unit_catch_panic() to see that a BUG_ON fires. snprintf/vsnprintf are libc's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <kern/printk.h>
#include "mm_test.h"

static jmp_buf *panic_jmp;
static char panic_msg[256];

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(stderr, fmt, ap);
	va_end(ap);
	return n;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
	va_end(ap);
	if (panic_jmp)
		longjmp(*panic_jmp, 1);
	fprintf(stderr, "panic: %s\n", panic_msg);
	fflush(NULL);
	abort();
}

bool unit_catch_panic(void (*fn)(void *), void *arg)
{
	jmp_buf jb;
	bool panicked = false;

	panic_msg[0] = '\0';
	panic_jmp = &jb;
	if (setjmp(jb) == 0)
		fn(arg);
	else
		panicked = true;
	panic_jmp = NULL;
	return panicked;
}

const char *unit_panic_message(void)
{
	return panic_msg;
}

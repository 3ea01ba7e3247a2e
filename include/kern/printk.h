/* SPDX-License-Identifier: MIT */
/*
 * Console output and fatal errors for freestanding code. The guest prints to its
 * serial console and panics through the exit device (guest/kernel/); the host test
 * build prints to stderr and aborts (tests/unit/lib/).
 */
#ifndef KERN_PRINTK_H
#define KERN_PRINTK_H

#include <stdarg.h>
#include <kern/compiler.h>

int printk(const char *fmt, ...) __printf(1, 2);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

#define BUG_ON(cond)							\
	do {								\
		if (unlikely(cond))					\
			panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)
#define BUG()	panic("BUG at %s:%d", __FILE__, __LINE__)

#endif

/* SPDX-License-Identifier: MIT */
/*
 * System calls: the dispatcher's table (guest/kernel/syscall.c) and SYSCALL_DEFINEn, which
 * defines a handler with typed arguments as Linux does: SYSCALL_DEFINE3(read, int, fd,
 * char __user *, buf, size_t, count) defines sys_read(const struct pt_regs *regs), which
 * takes the arguments from RDI, RSI, RDX, R10, R8, R9 (truncated to each type) and calls
 * the body. Handlers return a value or -E*, which goes back to user mode in RAX.
 */
#ifndef GUEST_SYSCALLS_H
#define GUEST_SYSCALLS_H

#include <kern/errno.h>
#include <asm/ptrace.h>
#include <asm/uaccess.h>

#define NR_SYSCALLS	512	/* table size: numbers at or above it are -ENOSYS */

typedef long (*syscall_fn_t)(const struct pt_regs *regs);

#define SYSCALL(nr, name)	long sys_##name(const struct pt_regs *regs);
#include <guest/syscall_list.h>
#undef SYSCALL

/* The handler for @nr, or NULL; its name, or NULL. */
syscall_fn_t syscall_handler(unsigned long nr);
const char *syscall_name(unsigned long nr);

/* Called by entry_SYSCALL_64 with the saved frame; true when SYSRET may return. */
bool do_syscall_64(struct pt_regs *regs);

#define __SC_REG1	rdi
#define __SC_REG2	rsi
#define __SC_REG3	rdx
#define __SC_REG4	r10
#define __SC_REG5	r8
#define __SC_REG6	r9

#define __SC_DECL(n, t, a)	t a
#define __SC_CAST(n, t, a)	(t)regs->__SC_REG##n

#define __MAP1(m, t1, a1)	m(1, t1, a1)
#define __MAP2(m, t1, a1, t2, a2)	__MAP1(m, t1, a1), m(2, t2, a2)
#define __MAP3(m, t1, a1, t2, a2, t3, a3)	__MAP2(m, t1, a1, t2, a2), m(3, t3, a3)
#define __MAP4(m, t1, a1, t2, a2, t3, a3, t4, a4)					\
	__MAP3(m, t1, a1, t2, a2, t3, a3), m(4, t4, a4)
#define __MAP5(m, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5)				\
	__MAP4(m, t1, a1, t2, a2, t3, a3, t4, a4), m(5, t5, a5)
#define __MAP6(m, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6)			\
	__MAP5(m, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5), m(6, t6, a6)

#define SYSCALL_DEFINEx(x, name, ...)						\
	static long __do_sys_##name(__MAP##x(__SC_DECL, __VA_ARGS__));		\
	long sys_##name(const struct pt_regs *regs)				\
	{									\
		return __do_sys_##name(__MAP##x(__SC_CAST, __VA_ARGS__));	\
	}									\
	static long __do_sys_##name(__MAP##x(__SC_DECL, __VA_ARGS__))

#define SYSCALL_DEFINE0(name)	long sys_##name(const struct pt_regs *regs)
#define SYSCALL_DEFINE1(name, ...)	SYSCALL_DEFINEx(1, name, __VA_ARGS__)
#define SYSCALL_DEFINE2(name, ...)	SYSCALL_DEFINEx(2, name, __VA_ARGS__)
#define SYSCALL_DEFINE3(name, ...)	SYSCALL_DEFINEx(3, name, __VA_ARGS__)
#define SYSCALL_DEFINE4(name, ...)	SYSCALL_DEFINEx(4, name, __VA_ARGS__)
#define SYSCALL_DEFINE5(name, ...)	SYSCALL_DEFINEx(5, name, __VA_ARGS__)
#define SYSCALL_DEFINE6(name, ...)	SYSCALL_DEFINEx(6, name, __VA_ARGS__)

#endif

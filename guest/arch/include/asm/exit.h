/* SPDX-License-Identifier: MIT */
/* The exit device (EXIT_PORT): end the VM with a status. */
#ifndef ASM_EXIT_H
#define ASM_EXIT_H

#include <kern/compiler.h>

/* Write @status to EXIT_PORT; the VMM exits with (status & 0xff). Never returns: should the
 * VMM not stop the vCPU, it halts with interrupts off. */
void arch_exit(int status) __noreturn;

#endif

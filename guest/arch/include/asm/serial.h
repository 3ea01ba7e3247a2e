/* SPDX-License-Identifier: MIT */
/* The 16550 UART console at SERIAL_PORT: polled output only. */
#ifndef ASM_SERIAL_H
#define ASM_SERIAL_H

#include <kern/types.h>

/* Program 115200 8N1 with FIFOs enabled and interrupts off. */
void serial_init(void);
/* Write @len bytes, waiting for an empty transmit FIFO before each 16. */
void serial_write(const char *s, size_t len);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * A 16550A UART model, output only: what the guest writes to THR goes to a host file
 * descriptor, flushed at each newline. Every register a Linux 8250 probe touches reads
 * back as on hardware (scratch, divisor latch, loopback modem bits, FIFO in IIR).
 * No interrupts yet: IIR always says "none pending".
 */
#ifndef HOST_SERIAL_H
#define HOST_SERIAL_H

#include "host/util.h"

/* Register offsets from SERIAL_PORT (DLAB = LCR bit 7 selects DLL/DLM at 0 and 1). */
#define UART_RX		0	/* in: receive buffer */
#define UART_TX		0	/* out: transmit holding */
#define UART_DLL	0	/* DLAB: divisor latch low */
#define UART_IER	1
#define UART_DLM	1	/* DLAB: divisor latch high */
#define UART_IIR	2	/* in */
#define UART_FCR	2	/* out */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

#define UART_LCR_DLAB	0x80
#define UART_MCR_LOOP	0x10
#define UART_LSR_DR	0x01
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40
#define UART_IIR_NO_INT	0x01
#define UART_IIR_FIFO	0xc0	/* "FIFOs enabled" on a 16550A */
#define UART_FCR_FIFO	0x01

struct serial {
	u8 ier, lcr, mcr, scr, dll, dlm, fcr;
	u8 rbr;			/* loopback: the last byte sent, until read */
	bool rbr_full;
	int out_fd;
	size_t out_len;
	char out[256];
};

/* serial_init - reset state; THR output goes to @out_fd. */
void serial_init(struct serial *s, int out_fd);

/* serial_in / serial_out - one byte access at register @off (0..7; higher bits ignored). */
u8 serial_in(struct serial *s, unsigned int off);
void serial_out(struct serial *s, unsigned int off, u8 val);

/* serial_flush - write out what is buffered (done at each '\n', when full, and at exit). */
void serial_flush(struct serial *s);

struct vm;

/* serial_attach - reset vm->serial (output to @out_fd) and put it at SERIAL_PORT. */
int serial_attach(struct vm *vm, int out_fd, struct errbuf *e);

/* The port-bus adaptors; @opaque is the struct serial. */
void serial_io_read(void *opaque, u64 off, void *data, u32 size);
void serial_io_write(void *opaque, u64 off, const void *data, u32 size);

#endif

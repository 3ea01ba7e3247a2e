/* SPDX-License-Identifier: MIT */
/* The 16550A console: register file, loopback, and line-buffered output to a host fd. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <abi/layout.h>
#include "host/kvm.h"
#include "host/serial.h"

void serial_init(struct serial *s, int out_fd)
{
	memset(s, 0, sizeof(*s));
	s->out_fd = out_fd;
	s->dll = 12;		/* 9600 baud from the 1.8432 MHz clock, as a PC BIOS leaves it */
	s->lcr = 0x03;		/* 8N1 */
}

void serial_flush(struct serial *s)
{
	size_t done = 0;

	while (done < s->out_len) {
		ssize_t n = write(s->out_fd, s->out + done, s->out_len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* console gone: the guest keeps running, output is lost */
		done += n;
	}
	s->out_len = 0;
}

static void serial_tx(struct serial *s, u8 c)
{
	if (s->mcr & UART_MCR_LOOP) {
		s->rbr = c;	/* looped back to the receiver, never on the wire */
		s->rbr_full = true;
		return;
	}
	s->out[s->out_len++] = c;
	if (c == '\n' || s->out_len == sizeof(s->out))
		serial_flush(s);
}

u8 serial_in(struct serial *s, unsigned int off)
{
	bool dlab = s->lcr & UART_LCR_DLAB;

	switch (off & 7) {
	case UART_RX:
		if (dlab)
			return s->dll;
		s->rbr_full = false;
		return s->rbr;
	case UART_IER:
		return dlab ? s->dlm : s->ier;
	case UART_IIR:
		return UART_IIR_NO_INT | (s->fcr & UART_FCR_FIFO ? UART_IIR_FIFO : 0);
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		return UART_LSR_THRE | UART_LSR_TEMT | (s->rbr_full ? UART_LSR_DR : 0);
	case UART_MSR:
		/* Loopback wires OUT2, OUT1, DTR, RTS to DCD, RI, DSR, CTS; else a modem is up. */
		if (s->mcr & UART_MCR_LOOP)
			return ((s->mcr & 0x0c) << 4) | ((s->mcr & 0x01) << 5) |
			       ((s->mcr & 0x02) << 3);
		return 0xb0;	/* DCD | DSR | CTS */
	default:
		return s->scr;
	}
}

void serial_out(struct serial *s, unsigned int off, u8 val)
{
	bool dlab = s->lcr & UART_LCR_DLAB;

	switch (off & 7) {
	case UART_TX:
		if (dlab)
			s->dll = val;
		else
			serial_tx(s, val);
		break;
	case UART_IER:
		if (dlab)
			s->dlm = val;
		else
			s->ier = val & 0x0f;
		break;
	case UART_FCR:
		s->fcr = val & UART_FCR_FIFO;	/* the clear bits self-clear; no trigger level */
		break;
	case UART_LCR:
		s->lcr = val;
		break;
	case UART_MCR:
		s->mcr = val & 0x1f;
		break;
	case UART_LSR:
	case UART_MSR:
		break;		/* read-only (factory test writes ignored) */
	default:
		s->scr = val;
		break;
	}
}

/* A wider access is split into byte accesses at consecutive registers, as on an ISA bus. */
void serial_io_read(void *opaque, u64 off, void *data, u32 size)
{
	u8 *p = data;
	u32 i;

	for (i = 0; i < size; i++)
		p[i] = serial_in(opaque, off + i);
}

void serial_io_write(void *opaque, u64 off, const void *data, u32 size)
{
	const u8 *p = data;
	u32 i;

	for (i = 0; i < size; i++)
		serial_out(opaque, off + i, p[i]);
}

int serial_attach(struct vm *vm, int out_fd, struct errbuf *e)
{
	const struct io_dev dev = {
		.name = "serial",
		.base = SERIAL_PORT,
		.len = SERIAL_PORT_COUNT,
		.read = serial_io_read,
		.write = serial_io_write,
		.opaque = &vm->serial,
	};

	serial_init(&vm->serial, out_fd);
	return io_bus_register(&vm->pio, &dev, e);
}

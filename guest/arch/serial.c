// SPDX-License-Identifier: MIT
/*
 * The console: a 16550 UART at SERIAL_PORT, programmed for 115200 8N1 with FIFOs and
 * written by polling the line status register once per FIFO's worth (16 bytes), which
 * halves the port I/O exits. No input, no interrupts.
 */
#include <abi/layout.h>
#include <asm/io.h>
#include <asm/serial.h>

#define UART_THR	0	/* transmit holding (write, DLAB = 0) */
#define UART_DLL	0	/* divisor latch low (DLAB = 1) */
#define UART_IER	1	/* interrupt enable (DLAB = 0) */
#define UART_DLM	1	/* divisor latch high (DLAB = 1) */
#define UART_FCR	2	/* FIFO control (write) */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */

#define UART_LCR_8N1	0x03	/* 8 data bits, no parity, 1 stop bit */
#define UART_LCR_DLAB	0x80	/* divisor latch access */
#define UART_FCR_ENABLE	0x01
#define UART_FCR_CLEAR	0x06	/* clear both FIFOs */
#define UART_FCR_TRIG14	0xc0	/* receive trigger at 14 bytes */
#define UART_MCR_DTR	0x01
#define UART_MCR_RTS	0x02
#define UART_LSR_THRE	0x20	/* transmit holding register (with FIFOs: the FIFO) empty */
#define UART_FIFO_SIZE	16

#define UART_CLOCK	1843200
#define UART_BAUD	115200

/* Bounded wait for THRE: a UART that never reports it must not hang the kernel. */
#define UART_SPIN_MAX	100000

void serial_init(void)
{
	unsigned int divisor = UART_CLOCK / (16 * UART_BAUD);

	outb(SERIAL_PORT + UART_IER, 0);
	outb(SERIAL_PORT + UART_LCR, UART_LCR_DLAB);
	outb(SERIAL_PORT + UART_DLL, divisor & 0xff);
	outb(SERIAL_PORT + UART_DLM, divisor >> 8);
	outb(SERIAL_PORT + UART_LCR, UART_LCR_8N1);
	outb(SERIAL_PORT + UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR | UART_FCR_TRIG14);
	outb(SERIAL_PORT + UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
}

static void serial_wait_thre(void)
{
	unsigned int spin = 0;

	while (!(inb(SERIAL_PORT + UART_LSR) & UART_LSR_THRE) && ++spin < UART_SPIN_MAX)
		;
}

/* THRE with FIFOs on means the whole transmit FIFO is empty: fill it before asking again. */
void serial_write(const char *s, size_t len)
{
	size_t i;

	while (len) {
		serial_wait_thre();
		for (i = 0; i < UART_FIFO_SIZE && len; i++, len--)
			outb(SERIAL_PORT + UART_THR, *s++);
	}
}

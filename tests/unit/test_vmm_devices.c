/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the VMM's port devices and their bus (host/serial.c, host/exitdev.c,
 * host/io.c): the 16550 registers a Linux 8250 probe checks, console output and its
 * flushing, the exit device's value, and what unclaimed ports and MMIO read as.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <abi/layout.h>
#include "host/exitdev.h"
#include "host/kvm.h"
#include "host/serial.h"
#include "mm_test.h"

static int out[2];		/* the console pipe: serial writes out[1], we read out[0] */
static struct vm vm;

/* Everything the console has written so far, as a string (static). */
static const char *console(void)
{
	static char buf[4096];
	ssize_t n = read(out[0], buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void reset_vm(void)
{
	struct errbuf e;

	vm_init(&vm);
	if (serial_attach(&vm, out[1], &e) || exitdev_attach(&vm, &e)) {
		printf("Bail out! %s\n", e.msg);
		exit(1);
	}
}

static u8 inb(u16 port)
{
	u8 v;

	io_pio(&vm, port, &v, 1, false);
	return v;
}

static void outb(u16 port, u8 v)
{
	io_pio(&vm, port, &v, 1, true);
}

static bool test_scratch_and_lsr(void)
{
	reset_vm();
	outb(SERIAL_PORT + UART_SCR, 0x55);
	CHECK(inb(SERIAL_PORT + UART_SCR) == 0x55);
	outb(SERIAL_PORT + UART_SCR, 0xaa);
	CHECK(inb(SERIAL_PORT + UART_SCR) == 0xaa);
	CHECK(inb(SERIAL_PORT + UART_LSR) == (UART_LSR_THRE | UART_LSR_TEMT));
	outb(SERIAL_PORT + UART_LSR, 0);			/* read-only */
	CHECK(inb(SERIAL_PORT + UART_LSR) == 0x60);
	return true;
}

static bool test_divisor_latch(void)
{
	reset_vm();
	outb(SERIAL_PORT + UART_IER, 0x05);
	outb(SERIAL_PORT + UART_LCR, UART_LCR_DLAB | 0x03);
	outb(SERIAL_PORT + UART_DLL, 0x01);
	outb(SERIAL_PORT + UART_DLM, 0x02);
	CHECK(inb(SERIAL_PORT + UART_DLL) == 0x01);
	CHECK(inb(SERIAL_PORT + UART_DLM) == 0x02);
	CHECK(inb(SERIAL_PORT + UART_LCR) == (UART_LCR_DLAB | 0x03));
	outb(SERIAL_PORT + UART_LCR, 0x03);
	CHECK(inb(SERIAL_PORT + UART_IER) == 0x05);	/* IER untouched by the DLM write */
	CHECK(console()[0] == '\0');			/* DLL writes are not output */
	outb(SERIAL_PORT + UART_IER, 0xff);
	CHECK(inb(SERIAL_PORT + UART_IER) == 0x0f);	/* the 16550 has 4 IER bits */
	return true;
}

static bool test_iir_and_fifo(void)
{
	reset_vm();
	CHECK(inb(SERIAL_PORT + UART_IIR) == UART_IIR_NO_INT);
	outb(SERIAL_PORT + UART_FCR, UART_FCR_FIFO | 0x06);	/* enable, clear both FIFOs */
	CHECK(inb(SERIAL_PORT + UART_IIR) == (UART_IIR_FIFO | UART_IIR_NO_INT));  /* 16550A */
	outb(SERIAL_PORT + UART_FCR, 0);
	CHECK(inb(SERIAL_PORT + UART_IIR) == UART_IIR_NO_INT);
	return true;
}

static bool test_loopback(void)
{
	reset_vm();
	CHECK(inb(SERIAL_PORT + UART_MSR) == 0xb0);		/* DCD | DSR | CTS */
	/* Linux's 8250 autoconfig: MCR = LOOP | OUT2 | RTS must read MSR & 0xf0 == 0x90. */
	outb(SERIAL_PORT + UART_MCR, 0x1a);
	CHECK((inb(SERIAL_PORT + UART_MSR) & 0xf0) == 0x90);
	outb(SERIAL_PORT + UART_MCR, 0x1f);
	CHECK((inb(SERIAL_PORT + UART_MSR) & 0xf0) == 0xf0);
	outb(SERIAL_PORT + UART_MCR, 0x10);
	CHECK((inb(SERIAL_PORT + UART_MSR) & 0xf0) == 0x00);
	/* A byte sent in loopback comes back on the receiver, not on the console. */
	outb(SERIAL_PORT + UART_TX, 'L');
	CHECK(inb(SERIAL_PORT + UART_LSR) & UART_LSR_DR);
	CHECK(inb(SERIAL_PORT + UART_RX) == 'L');
	CHECK(!(inb(SERIAL_PORT + UART_LSR) & UART_LSR_DR));
	serial_flush(&vm.serial);
	CHECK(console()[0] == '\0');
	return true;
}

static bool test_console_output(void)
{
	const char *s;

	reset_vm();
	for (s = "hello\n"; *s; s++)
		outb(SERIAL_PORT, *s);
	CHECK(!strcmp(console(), "hello\n"));		/* a newline flushes */
	outb(SERIAL_PORT, 'a');
	outb(SERIAL_PORT, 'b');
	CHECK(console()[0] == '\0');			/* a partial line waits ... */
	serial_flush(&vm.serial);
	CHECK(!strcmp(console(), "ab"));		/* ... for serial_flush() */
	return true;
}

static bool test_console_long_line(void)
{
	char want[301];
	const char *s;
	unsigned int i;

	reset_vm();
	for (i = 0; i < 300; i++) {
		want[i] = 'a' + i % 26;
		outb(SERIAL_PORT, want[i]);
	}
	want[300] = '\0';
	s = console();						/* flushed when full */
	CHECK(strlen(s) == sizeof(vm.serial.out) && !strncmp(s, want, strlen(s)));
	serial_flush(&vm.serial);
	CHECK(!strcmp(console(), want + sizeof(vm.serial.out)));
	return true;
}

static bool test_exit_device(void)
{
	u32 v = 0x12345607;
	u8 b = 9;

	reset_vm();
	io_pio(&vm, EXIT_PORT + 1, &b, 1, true);	/* not the exit port itself */
	CHECK(!vm.exit_requested);
	io_pio(&vm, EXIT_PORT, &v, 4, true);
	CHECK(vm.exit_requested && vm.exit_value == 0x12345607);
	reset_vm();
	io_pio(&vm, EXIT_PORT, &b, 1, true);		/* outb counts too */
	CHECK(vm.exit_requested && vm.exit_value == 9);
	v = 0xdeadbeef;
	io_pio(&vm, EXIT_PORT, &v, 4, false);
	CHECK(v == 0);
	return true;
}

static bool test_unclaimed_accesses(void)
{
	u32 v = 0;
	u64 q = 0x1122334455667788ULL;

	reset_vm();
	io_pio(&vm, 0x80, &v, 4, false);
	CHECK(v == 0xffffffff);
	io_pio(&vm, 0x80, &v, 1, true);			/* dropped */
	/* An access that straddles a device's end belongs to nobody. */
	v = 0;
	io_pio(&vm, SERIAL_PORT + 6, &v, 4, false);
	CHECK(v == 0xffffffff);
	io_mmio(&vm, VIRTIO_MMIO_BASE, &q, 8, false);
	CHECK(q == 0);
	io_mmio(&vm, 0xfeedf00d, &q, 4, true);
	CHECK(vm.nr_mmio_logged == 2);
	io_mmio(&vm, 0xfeedf00d, &q, 4, false);		/* the same address is logged once */
	CHECK(vm.nr_mmio_logged == 2);
	return true;
}

static void nop_read(void *opaque, u64 off, void *data, u32 size)
{
	memset(data, 0x42, size);
	*(u64 *)opaque = off;
}

static void nop_write(void *opaque, u64 off, const void *data, u32 size)
{
}

static bool test_bus_register_and_find(void)
{
	struct io_bus bus = { .name = "MMIO" };
	struct io_dev d = { "a", 0x1000, 0x100, nop_read, nop_write, NULL };
	struct errbuf e;
	unsigned int i;

	CHECK(io_bus_register(&bus, &d, &e) == 0);
	d.name = "b";
	d.base = 0x10ff;					/* overlaps a's last byte */
	CHECK(io_bus_register(&bus, &d, &e) == -EEXIST && strstr(e.msg, "overlaps a"));
	d.base = 0xf01;
	CHECK(io_bus_register(&bus, &d, &e) == -EEXIST);	/* overlaps a's first byte */
	d.base = 0x1100;
	CHECK(io_bus_register(&bus, &d, &e) == 0);		/* adjacent */
	d.len = 0;
	CHECK(io_bus_register(&bus, &d, &e) == -EEXIST);	/* empty */
	d.base = UINT64_MAX;
	d.len = 2;
	CHECK(io_bus_register(&bus, &d, &e) == -EEXIST);	/* wraps */
	CHECK(io_bus_find(&bus, 0x1000, 1) == &bus.devs[0]);
	CHECK(io_bus_find(&bus, 0x10fc, 4) == &bus.devs[0]);
	CHECK(io_bus_find(&bus, 0x10fd, 4) == NULL);		/* straddles a and b */
	CHECK(io_bus_find(&bus, 0x1100, 8) == &bus.devs[1]);
	CHECK(io_bus_find(&bus, 0xfff, 1) == NULL);
	CHECK(io_bus_find(&bus, UINT64_MAX, 8) == NULL);
	for (i = bus.nr_devs; i < IO_BUS_MAX_DEVS; i++) {
		d.base = 0x10000 + i * 0x100;
		d.len = 0x100;
		CHECK(io_bus_register(&bus, &d, &e) == 0);
	}
	d.base = 0x100000;
	CHECK(io_bus_register(&bus, &d, &e) == -ENOSPC);
	return true;
}

static bool test_bus_dispatch_offsets(void)
{
	u64 seen = UINT64_MAX;
	struct io_dev d = { "probe", 0xd0000000, 0x1000, nop_read, nop_write, &seen };
	struct errbuf e;
	u32 v = 0;

	reset_vm();
	CHECK(io_bus_register(&vm.mmio, &d, &e) == 0);
	io_mmio(&vm, 0xd0000ffc, &v, 4, false);
	CHECK(v == 0x42424242 && seen == 0xffc);		/* offsets are device-relative */
	return true;
}

int main(void)
{
	if (pipe2(out, O_NONBLOCK)) {
		perror("pipe2");
		return 1;
	}
	tap_plan(10);
	TAP_RUN(test_scratch_and_lsr);
	TAP_RUN(test_divisor_latch);
	TAP_RUN(test_iir_and_fifo);
	TAP_RUN(test_loopback);
	TAP_RUN(test_console_output);
	TAP_RUN(test_console_long_line);
	TAP_RUN(test_exit_device);
	TAP_RUN(test_unclaimed_accesses);
	TAP_RUN(test_bus_register_and_find);
	TAP_RUN(test_bus_dispatch_offsets);
	return tap_finish();
}

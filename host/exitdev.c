/* SPDX-License-Identifier: MIT */
/* The exit device: the guest's way to end the VM with a status (see exitdev.h). */
#include <string.h>

#include <abi/layout.h>
#include "host/exitdev.h"
#include "host/kvm.h"

/* Reads of the exit port return 0 (it holds nothing). */
static void exitdev_read(void *opaque, u64 off, void *data, u32 size)
{
	memset(data, 0, size);
}

/*
 * The contract is a 32-bit write to EXIT_PORT itself; narrower writes there count too
 * (zero-extended), writes at EXIT_PORT + 1..3 are ignored.
 */
static void exitdev_write(void *opaque, u64 off, const void *data, u32 size)
{
	struct vm *vm = opaque;
	u32 val = 0;

	if (off)
		return;
	memcpy(&val, data, MIN(size, sizeof(val)));
	vm->exit_value = val;
	vm->exit_requested = true;
}

int exitdev_attach(struct vm *vm, struct errbuf *e)
{
	const struct io_dev dev = {
		.name = "exit",
		.base = EXIT_PORT,
		.len = 4,
		.read = exitdev_read,
		.write = exitdev_write,
		.opaque = vm,
	};

	return io_bus_register(&vm->pio, &dev, e);
}

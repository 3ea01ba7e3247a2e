// SPDX-License-Identifier: MIT
/* The exit device: one 32-bit write to EXIT_PORT ends the VM with that status. */
#include <abi/layout.h>
#include <asm/exit.h>
#include <asm/io.h>
#include <asm/processor.h>

void arch_exit(int status)
{
	outl(EXIT_PORT, (u32)status);
	halt_forever();
}

// SPDX-License-Identifier: MIT
/*
 * poke=GPA,LEN: write a pattern into guest RAM through the direct map for the VMM to read
 * back (./vmm --dump): the 8-byte little-endian word at guest-physical address A holds
 * A ^ POKE_XOR. Refuses, with one line and exit status 1, a range that is not 8-aligned,
 * is empty, leaves RAM, or covers the running kernel image.
 */
#include <kern/printk.h>
#include <asm/exit.h>
#include <guest/setup.h>
#include "mm_arch.h"

#define POKE_XOR	0x5a5a5a5a5a5a5a5aULL

void action_poke(const struct boot_info *bi, u64 gpa, u64 len)
{
	u64 a, image = __pa(_text), image_len = _end - _text;

	if (!IS_ALIGNED(gpa, 8) || !IS_ALIGNED(len, 8) || !len) {
		printk("poke: error: GPA 0x%lx and LEN 0x%lx must be 8-byte aligned, LEN > 0\n",
		       gpa, len);
		arch_exit(1);
	}
	if (!boot_range_is_ram(bi, gpa, len)) {
		printk("poke: error: [mem 0x%016lx-0x%016lx] is not inside usable RAM\n", gpa,
		       gpa + len - 1);
		arch_exit(1);
	}
	if (gpa < image + image_len && image < gpa + len) {
		printk("poke: error: [mem 0x%016lx-0x%016lx] overlaps the kernel image\n", gpa,
		       gpa + len - 1);
		arch_exit(1);
	}
	for (a = gpa; a < gpa + len; a += 8)
		*(volatile u64 *)__va(a) = a ^ POKE_XOR;
	printk("poke: wrote 0x%lx bytes at 0x%lx\n", len, gpa);
	arch_exit(0);
}

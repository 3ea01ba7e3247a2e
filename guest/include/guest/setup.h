/* SPDX-License-Identifier: MIT */
/* Boot steps of start_kernel() that live in their own files, and what they leave behind. */
#ifndef GUEST_SETUP_H
#define GUEST_SETUP_H

#include <kern/types.h>
#include <guest/bootinfo.h>
#include <guest/cmdline.h>

#define GUEST_KERNEL_VERSION	"0.1"

/* The kernel image's bounds (guest/guest.ld); virtual addresses at KERNEL_VIRT_BASE. */
extern char _text[], _etext[], _data[], _edata[], __bss_start[], _end[];
extern char __start_rodata[], __end_rodata[];

extern struct cmdline boot_cmdline;

/*
 * The C entry point, called by head.S on the kernel stack with the boot contract's RDI
 * (the device tree's physical address) and RSI (BOOT_MAGIC). Never returns: it ends in the
 * exit device, with the status the command line's action gives (docs/guest.md).
 */
void start_kernel(u64 fdt_pa, u64 magic) __noreturn;

/*
 * Give memblock the RAM and every range the kernel must not hand out (page 0, the kernel
 * image, the device tree blob, the reserve map), then build the page allocator (mem_init()).
 */
void bootmem_init(const struct boot_info *bi);

/* True if [pa, pa + len) overlaps a range that bootmem_init() reserved. */
bool bootmem_overlaps_reserved(u64 pa, u64 len);

/* True if [pa, pa + len) lies inside one RAM range of @bi. */
bool boot_range_is_ram(const struct boot_info *bi, u64 pa, u64 len);

/* The actions of the command line; none of them returns. */
void action_crash(enum crash_kind kind) __noreturn;
void action_poke(const struct boot_info *bi, u64 gpa, u64 len) __noreturn;

#endif

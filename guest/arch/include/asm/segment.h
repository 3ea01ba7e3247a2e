/* SPDX-License-Identifier: MIT */
/*
 * The kernel's GDT layout (guest/arch/gdt.c). Kernel code and data keep the boot
 * contract's selectors (BOOT_CS, BOOT_DS); the user entries are ordered for SYSRET, which
 * loads SS = STAR[63:48] + 8 and CS = STAR[63:48] + 16. Usable from asm.
 */
#ifndef ASM_SEGMENT_H
#define ASM_SEGMENT_H

#define GDT_ENTRY_KERNEL_CS	1
#define GDT_ENTRY_KERNEL_DS	2
#define GDT_ENTRY_USER32_CS	3	/* unused; the SYSRET base (STAR[63:48]) */
#define GDT_ENTRY_USER_DS	4
#define GDT_ENTRY_USER_CS	5
#define GDT_ENTRY_TSS		6	/* a 64-bit TSS descriptor takes two entries */
#define GDT_ENTRIES		8

#define KERNEL_CS		(GDT_ENTRY_KERNEL_CS * 8)
#define KERNEL_DS		(GDT_ENTRY_KERNEL_DS * 8)
#define USER32_CS		(GDT_ENTRY_USER32_CS * 8 + 3)
#define USER_DS			(GDT_ENTRY_USER_DS * 8 + 3)
#define USER_CS			(GDT_ENTRY_USER_CS * 8 + 3)
#define TSS_SELECTOR		(GDT_ENTRY_TSS * 8)

/* Interrupt stack table slots (1-based, as in an IDT gate). */
#define IST_DF			1	/* double fault */
#define IST_NMI			2
#define IST_MC			3	/* machine check */
#define NR_IST			3

#endif

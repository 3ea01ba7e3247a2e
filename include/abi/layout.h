/* SPDX-License-Identifier: MIT */
/*
 * The boot contract between ./vmm and the guest kernel: guest-physical layout,
 * I/O ports, interrupt lines and entry state. Both sides include this header;
 * docs/boot.md explains it. Plain integer constants only, usable from C and asm.
 */
#ifndef ABI_LAYOUT_H
#define ABI_LAYOUT_H

/* ---- guest-physical layout (bytes) ---------------------------------------- */
/* Page 0 is never used, so a NULL physical address always faults in tests. */
#define BOOT_GDT_GPA		0x1000		/* 3 descriptors: null, code64, data */
#define BOOT_PML4_GPA		0x2000		/* boot page tables, built by the VMM */
#define BOOT_PDPT_GPA		0x3000		/* PML4[0] and PML4[511] -> this PDPT */
#define BOOT_PD_GPA		0x4000		/* 4 PDs of 2 MiB pages: 0..4 GiB */
#define BOOT_PD_COUNT		4
#define BOOT_TABLES_END		0x8000
#define BOOT_FDT_GPA		0x10000		/* flattened device tree blob */
#define BOOT_FDT_MAX		0x10000		/* its largest size: 64 KiB */
#define BOOT_STACK_TOP		0x80000		/* entry RSP; stack grows down into 0x70000 */
#define BOOT_STACK_SIZE		0x10000
#define BOOT_RESERVED_END	0x100000	/* everything below 1 MiB is the VMM's */

#define KERNEL_LOAD_MIN		0x100000	/* ELF PT_LOAD p_paddr must be >= this */

/* Guest RAM is one range [0, mem) below the MMIO hole. */
#define RAM_MIN_SIZE		(16ULL << 20)
#define RAM_MAX_SIZE		(3ULL << 30)
#define MMIO_HOLE_START		0xc0000000ULL	/* 3 GiB: devices live above here */

/* Virtual addresses the guest kernel uses (x86-64, 4-level paging). */
#define KERNEL_VIRT_BASE	0xffffffff80000000ULL	/* kernel image: phys + this */
#define PAGE_OFFSET_VIRT	0xffff888000000000ULL	/* direct map of all RAM */

/* Boot page tables map [0, 4 GiB) twice with 2 MiB pages: identity at 0, and at
 * KERNEL_VIRT_BASE (PML4[511] -> PDPT, whose entries 510 and 511 hold PD 0 and 1),
 * so [KERNEL_VIRT_BASE, +2 GiB) -> [0, 2 GiB). */

/* ---- fault trace ring (issue 4): the VMM allocates it at the top of RAM ---- */
#define TRACE_RING_SIZE_DEFAULT	(1ULL << 20)

/* ---- MMIO ----------------------------------------------------------------- */
#define VIRTIO_MMIO_BASE	0xd0000000ULL	/* device i at BASE + i * STRIDE */
#define VIRTIO_MMIO_STRIDE	0x1000ULL
#define VIRTIO_MMIO_MAX_DEVS	8
#define VIRTIO_SLOT_DISK	0		/* --disk: virtio-blk, whether or not --swap */
#define VIRTIO_SLOT_SWAP	1		/* --swap: virtio-blk, whether or not --disk */
#define IOAPIC_GPA		0xfec00000ULL
#define LAPIC_GPA		0xfee00000ULL

/* ---- interrupts (IOAPIC GSI numbers) -------------------------------------- */
#define IRQ_SERIAL		4
#define IRQ_VIRTIO_BASE		16		/* virtio device i -> GSI 16 + i */

/* ---- I/O ports ------------------------------------------------------------ */
#define SERIAL_PORT		0x3f8		/* 16550 COM1, 8 registers */
#define SERIAL_PORT_COUNT	8
#define EXIT_PORT		0xf4		/* 32-bit write: VMM exits with (value & 0xff) */

/* Exit statuses the guest kernel writes to EXIT_PORT besides 0 (success), 1 (a failed
 * self-test or a bad command line) and the N of "exit=N". */
#define GUEST_EXIT_PANIC	100		/* panic(), BUG_ON(), unhandled exception */

/* ---- entry state ---------------------------------------------------------- */
/* RIP = ELF e_entry (a KERNEL_VIRT_BASE address), RDI = BOOT_FDT_GPA,
 * RSI = BOOT_MAGIC, RSP = BOOT_STACK_TOP (identity mapped), RFLAGS = 0x2 (IF=0).
 * CS = BOOT_CS (64-bit), DS/ES/SS/FS/GS = BOOT_DS, bases 0.
 * CR0 = PE|MP|ET|NE|WP|AM|PG, CR3 = BOOT_PML4_GPA, CR4 = PAE|PGE|OSFXSR|OSXMMEXCPT,
 * EFER = LME|LMA|SCE|NXE. */
#define BOOT_MAGIC		0x564d4d42	/* "VMMB" */
#define BOOT_CS			0x08
#define BOOT_DS			0x10

/* ---- device tree ---------------------------------------------------------- */
#define DT_COMPAT_MACHINE	"kvm-mm,virt"
#define DT_COMPAT_EXIT		"kvm-mm,exit-port"
#define DT_COMPAT_TRACE		"kvm-mm,fault-trace"
#define DT_COMPAT_VIRTIO_MMIO	"virtio,mmio"		/* node virtio_mmio@ADDR */
#define DT_PROP_VIRTIO_ROLE	"kvm-mm,role"		/* its use: "disk" or "swap" */

#endif

/* SPDX-License-Identifier: MIT */
/*
 * x86-64 entry state for the boot contract (include/abi/layout.h): the GDT and boot page
 * tables the VMM writes into guest RAM, the long-mode control and segment registers, the
 * entry registers, and the CPUID table each vCPU gets.
 */
#ifndef HOST_X86_H
#define HOST_X86_H

#include <linux/kvm.h>
#include "host/util.h"

#define X86_CR0_PE	(1ULL << 0)
#define X86_CR0_MP	(1ULL << 1)
#define X86_CR0_ET	(1ULL << 4)
#define X86_CR0_NE	(1ULL << 5)
#define X86_CR0_WP	(1ULL << 16)
#define X86_CR0_AM	(1ULL << 18)
#define X86_CR0_PG	(1ULL << 31)
#define X86_CR4_PAE	(1ULL << 5)
#define X86_CR4_PGE	(1ULL << 7)
#define X86_CR4_OSFXSR	(1ULL << 9)
#define X86_CR4_OSXMMEXCPT (1ULL << 10)
#define X86_EFER_SCE	(1ULL << 0)
#define X86_EFER_LME	(1ULL << 8)
#define X86_EFER_LMA	(1ULL << 10)
#define X86_EFER_NXE	(1ULL << 11)

#define X86_PTE_P	(1ULL << 0)
#define X86_PTE_RW	(1ULL << 1)
#define X86_PTE_PWT	(1ULL << 3)
#define X86_PTE_PCD	(1ULL << 4)
#define X86_PTE_PS	(1ULL << 7)

#define BOOT_CR0	(X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | \
			 X86_CR0_AM | X86_CR0_PG)
#define BOOT_CR4	(X86_CR4_PAE | X86_CR4_PGE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)
#define BOOT_EFER	(X86_EFER_SCE | X86_EFER_LME | X86_EFER_LMA)	/* | NXE if CPUID has NX */

/* MTRRs enabled, default type write-back: without this all RAM would be uncached. */
#define MSR_MTRR_DEF_TYPE	0x2ff
#define BOOT_MTRR_DEF_TYPE	((1ULL << 11) | 6)	/* E | WB */

/* GDT descriptors: flat 4 GiB, DPL 0; code is 64-bit (L=1), data is read/write. */
#define BOOT_GDT_CODE64	0x00af9b000000ffffULL
#define BOOT_GDT_DATA	0x00cf93000000ffffULL
#define BOOT_GDT_ENTRIES 3

struct vm;
struct vcpu;

/*
 * x86_write_boot_tables - write the GDT at BOOT_GDT_GPA and the boot page tables at
 * BOOT_PML4_GPA..BOOT_TABLES_END: [0, 4 GiB) identity-mapped with 2 MiB pages (the MMIO
 * hole uncached), and [KERNEL_VIRT_BASE, +2 GiB) -> [0, 2 GiB). Returns 0 or -EFAULT.
 */
int x86_write_boot_tables(struct vm *vm, struct errbuf *e);

/* x86_boot_sregs - turn KVM's reset-state @s into the long-mode entry state. */
void x86_boot_sregs(struct kvm_sregs *s, bool nx);

/* x86_boot_regs - the entry registers: RIP @entry, RDI, RSI, RSP per layout.h, RFLAGS 2. */
void x86_boot_regs(struct kvm_regs *r, u64 entry);

/* x86_cpuid_has_nx - whether CPUID 0x80000001 EDX advertises NX (execute disable). */
bool x86_cpuid_has_nx(const struct kvm_cpuid2 *c);

/* x86_cpuid_set_apic_id - make leaves 1, 0xb and 0x1f report APIC ID @id. */
void x86_cpuid_set_apic_id(struct kvm_cpuid2 *c, u32 id);

/* x86_cpuid_set_tsc_deadline - make leaf 1 advertise the TSC-deadline timer (ECX bit 24). */
void x86_cpuid_set_tsc_deadline(struct kvm_cpuid2 *c);

/*
 * x86_get_supported_cpuid - KVM_GET_SUPPORTED_CPUID into vm->cpuid (malloc'd), plus the
 * TSC-deadline timer when KVM_CAP_TSC_DEADLINE_TIMER says the in-kernel LAPIC has it
 * (KVM leaves that bit to userspace). Returns 0 or -errno.
 */
int x86_get_supported_cpuid(struct vm *vm, struct errbuf *e);

/*
 * x86_init_vcpu - give @v its CPUID (with its APIC ID) and MTRR default type. For the boot
 * vCPU (@boot) also set the long-mode entry state with RIP = @entry; the others stay in
 * wait-for-SIPI.
 * Returns 0 or -errno.
 */
int x86_init_vcpu(struct vcpu *v, bool boot, u64 entry, struct errbuf *e);

#endif

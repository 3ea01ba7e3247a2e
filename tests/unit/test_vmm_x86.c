/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the x86-64 entry state (host/x86.c): the boot page tables, walked by a
 * software MMU exactly as the CPU would; the GDT descriptors, decoded; the control,
 * segment and general registers against layout.h; and the per-vCPU CPUID patching.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <abi/layout.h>
#include "host/kvm.h"
#include "host/x86.h"
#include "mm_test.h"

#define RAM		(4ULL << 20)
#define NO_MAPPING	UINT64_MAX
#define ADDR_MASK	0x000ffffffffff000ULL

static struct vm vm;
static u64 leaf_flags;		/* the flags of the last walk's leaf entry */

static u64 entry_at(u64 table_pa, unsigned int index)
{
	u64 *t = gpa_to_host(&vm, table_pa, 4096);

	return t ? t[index] : 0;
}

/* Translate @va through the tables at CR3 = @cr3 as a 4-level x86-64 MMU does. */
static u64 walk(u64 cr3, u64 va)
{
	u64 e;

	if ((u64)((s64)(va << 16) >> 16) != va)		/* non-canonical */
		return NO_MAPPING;
	e = entry_at(cr3 & ADDR_MASK, (va >> 39) & 511);
	if (!(e & X86_PTE_P))
		return NO_MAPPING;
	e = entry_at(e & ADDR_MASK, (va >> 30) & 511);
	if (!(e & X86_PTE_P))
		return NO_MAPPING;
	if (e & X86_PTE_PS) {
		leaf_flags = e & 0xfff;
		return (e & ADDR_MASK & ~((1ULL << 30) - 1)) | (va & ((1ULL << 30) - 1));
	}
	e = entry_at(e & ADDR_MASK, (va >> 21) & 511);
	if (!(e & X86_PTE_P) || !(e & X86_PTE_PS))	/* the boot tables use 2 MiB pages */
		return NO_MAPPING;
	leaf_flags = e & 0xfff;
	return (e & ADDR_MASK & ~((2ULL << 20) - 1)) | (va & ((2ULL << 20) - 1));
}

static bool test_identity_map(void)
{
	static const u64 pas[] = {
		0, 0x1000, 0x1fffff, 0x200000, 0x12345678, 0xbfffffff, MMIO_HOLE_START,
		VIRTIO_MMIO_BASE, IOAPIC_GPA, LAPIC_GPA + 0x30, 0xffffffff,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pas); i++)
		CHECKF(walk(BOOT_PML4_GPA, pas[i]) == pas[i], "identity 0x%llx",
		       (unsigned long long)pas[i]);
	CHECK(walk(BOOT_PML4_GPA, 1ULL << 32) == NO_MAPPING);
	return true;
}

static bool test_kernel_map(void)
{
	static const u64 pas[] = { 0, KERNEL_LOAD_MIN, 0x1234567, (2ULL << 30) - 1 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pas); i++)
		CHECKF(walk(BOOT_PML4_GPA, KERNEL_VIRT_BASE + pas[i]) == pas[i], "kernel 0x%llx",
		       (unsigned long long)pas[i]);
	CHECK(walk(BOOT_PML4_GPA, KERNEL_VIRT_BASE - 1) == NO_MAPPING);
	CHECK(walk(BOOT_PML4_GPA, PAGE_OFFSET_VIRT) == NO_MAPPING);	/* the guest's job */
	CHECK(walk(BOOT_PML4_GPA, 0x0000800000000000ULL) == NO_MAPPING);	/* non-canonical */
	return true;
}

static bool test_page_flags(void)
{
	walk(BOOT_PML4_GPA, KERNEL_LOAD_MIN);
	CHECK((leaf_flags & (X86_PTE_P | X86_PTE_RW | X86_PTE_PS)) ==
	      (X86_PTE_P | X86_PTE_RW | X86_PTE_PS));
	CHECK(!(leaf_flags & (1ULL << 2)));			/* supervisor only */
	CHECK(!(leaf_flags & (X86_PTE_PCD | X86_PTE_PWT)));	/* RAM is cached */
	walk(BOOT_PML4_GPA, MMIO_HOLE_START - 1);
	CHECK(!(leaf_flags & X86_PTE_PCD));
	walk(BOOT_PML4_GPA, MMIO_HOLE_START);
	CHECK(leaf_flags & X86_PTE_PCD);			/* devices are not */
	walk(BOOT_PML4_GPA, LAPIC_GPA);
	CHECK(leaf_flags & X86_PTE_PCD);
	/* The layout.h structure: PML4[0] and [511] share the PDPT, PDPT[510/511] = PD 0/1. */
	CHECK((entry_at(BOOT_PML4_GPA, 0) & ADDR_MASK) == BOOT_PDPT_GPA);
	CHECK((entry_at(BOOT_PML4_GPA, 511) & ADDR_MASK) == BOOT_PDPT_GPA);
	CHECK((entry_at(BOOT_PDPT_GPA, 510) & ADDR_MASK) == BOOT_PD_GPA);
	CHECK((entry_at(BOOT_PDPT_GPA, 511) & ADDR_MASK) == BOOT_PD_GPA + 0x1000);
	return true;
}

static bool test_gdt(void)
{
	u64 *gdt = gpa_to_host(&vm, BOOT_GDT_GPA, 24);
	u64 cs = gdt[BOOT_CS / 8], ds = gdt[BOOT_DS / 8];

	CHECK(gdt[0] == 0);
	/* Code: present, DPL 0, S, type execute/read, L = 1, D = 0. */
	CHECK(cs & (1ULL << 47));
	CHECK(((cs >> 45) & 3) == 0);
	CHECK(cs & (1ULL << 44));
	CHECK(((cs >> 40) & 0xf) == 0xb);
	CHECK((cs & (1ULL << 53)) && !(cs & (1ULL << 54)));
	/* Data: present, DPL 0, S, type read/write. */
	CHECK((ds & (1ULL << 47)) && (ds & (1ULL << 44)));
	CHECK(((ds >> 40) & 0xf) == 0x3);
	CHECK(!(ds & (1ULL << 53)));
	return true;
}

static bool test_tables_need_ram(void)
{
	struct vm small = { .ram = vm.ram, .ram_size = BOOT_TABLES_END - 1 };
	struct errbuf e;

	CHECK(x86_write_boot_tables(&small, &e) == -EFAULT);
	CHECK(strstr(e.msg, "guest RAM too small"));
	return true;
}

static bool test_sregs(void)
{
	struct kvm_sregs s;

	memset(&s, 0xff, sizeof(s));
	x86_boot_sregs(&s, false);
	/* The numbers spelled out in layout.h: PE|MP|ET|NE|WP|AM|PG, PAE|PGE|OSFXSR|OSXMMEXCPT. */
	CHECK(s.cr0 == 0x80050033);
	CHECK(s.cr4 == 0x6a0);
	CHECK(s.cr3 == BOOT_PML4_GPA);
	CHECK(s.efer == 0x501);		/* SCE | LME | LMA */
	x86_boot_sregs(&s, true);
	CHECK(s.efer == 0xd01);		/* + NXE */
	CHECK(s.cs.selector == BOOT_CS && s.cs.l == 1 && s.cs.db == 0 && s.cs.present);
	CHECK(s.cs.base == 0 && s.cs.dpl == 0 && s.cs.type == 0xb);
	CHECK(s.ss.selector == BOOT_DS && s.ds.selector == BOOT_DS && s.es.selector == BOOT_DS);
	CHECK(s.fs.selector == BOOT_DS && s.gs.selector == BOOT_DS);
	CHECK(s.ds.base == 0 && s.ss.base == 0 && s.fs.base == 0 && s.gs.base == 0);
	CHECK(s.gdt.base == BOOT_GDT_GPA && s.gdt.limit == 23);
	return true;
}

static bool test_regs(void)
{
	struct kvm_regs r;

	memset(&r, 0xff, sizeof(r));
	x86_boot_regs(&r, KERNEL_VIRT_BASE + 0x100040);
	CHECK(r.rip == KERNEL_VIRT_BASE + 0x100040);
	CHECK(r.rdi == BOOT_FDT_GPA);
	CHECK(r.rsi == BOOT_MAGIC);
	CHECK(r.rsp == BOOT_STACK_TOP);
	CHECK(r.rflags == 2);
	CHECK(r.rax == 0 && r.rbx == 0 && r.rbp == 0 && r.r15 == 0);
	return true;
}

static bool test_cpuid(void)
{
	struct {
		struct kvm_cpuid2 hdr;
		struct kvm_cpuid_entry2 ent[5];
	} c = {
		.hdr.nent = 5,
		.ent = {
			{ .function = 0, .eax = 0x1f },
			{ .function = 1, .ebx = 0xab102030, .edx = 0x1234 },
			{ .function = 0xb, .index = 0, .edx = 0 },
			{ .function = 0xb, .index = 1, .edx = 0 },
			{ .function = 0x80000001, .edx = 1u << 20 },
		},
	};

	x86_cpuid_set_apic_id(&c.hdr, 5);
	CHECK(c.ent[1].ebx == 0x05102030);	/* only bits 31:24 change */
	CHECK(c.ent[1].edx == 0x1234);
	CHECK(c.ent[2].edx == 5 && c.ent[3].edx == 5);
	CHECK(c.ent[0].eax == 0x1f);
	CHECK(x86_cpuid_has_nx(&c.hdr));
	CHECK(!(c.ent[1].ecx & (1u << 24)));
	x86_cpuid_set_tsc_deadline(&c.hdr);
	CHECK(c.ent[1].ecx == 1u << 24 && c.ent[0].ecx == 0);
	c.ent[4].edx = 0;
	CHECK(!x86_cpuid_has_nx(&c.hdr));
	c.hdr.nent = 4;				/* no leaf 0x80000001 at all */
	CHECK(!x86_cpuid_has_nx(&c.hdr));
	return true;
}

int main(void)
{
	struct errbuf e;

	vm.ram = calloc(1, RAM);
	vm.ram_size = RAM;
	if (x86_write_boot_tables(&vm, &e)) {
		printf("Bail out! %s\n", e.msg);
		return 1;
	}
	tap_plan(8);
	TAP_RUN(test_identity_map);
	TAP_RUN(test_kernel_map);
	TAP_RUN(test_page_flags);
	TAP_RUN(test_gdt);
	TAP_RUN(test_tables_need_ram);
	TAP_RUN(test_sregs);
	TAP_RUN(test_regs);
	TAP_RUN(test_cpuid);
	free(vm.ram);
	return tap_finish();
}

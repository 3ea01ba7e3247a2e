/* SPDX-License-Identifier: MIT */
/* Long-mode entry state: GDT, boot page tables, control/segment registers, CPUID. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <abi/layout.h>
#include "host/kvm.h"
#include "host/vcpu.h"
#include "host/x86.h"

#define PT_ENTRIES	512
#define PT_SIZE		0x1000ULL
#define SZ_2M		(2ULL << 20)
#define SZ_1G		(1ULL << 30)

_Static_assert(BOOT_PD_GPA + BOOT_PD_COUNT * PT_SIZE <= BOOT_TABLES_END, "boot PDs fit");
_Static_assert(BOOT_GDT_GPA + BOOT_GDT_ENTRIES * 8 <= BOOT_PML4_GPA, "GDT fits");
_Static_assert(BOOT_PD_COUNT * SZ_1G == 4 * SZ_1G, "boot tables map 4 GiB");

int x86_write_boot_tables(struct vm *vm, struct errbuf *e)
{
	u64 *gdt = gpa_to_host(vm, BOOT_GDT_GPA, BOOT_GDT_ENTRIES * 8);
	u64 *tables = gpa_to_host(vm, BOOT_PML4_GPA, BOOT_TABLES_END - BOOT_PML4_GPA);
	u64 *pml4, *pdpt, *pd;
	unsigned int i;

	if (!gdt || !tables)
		return errf(e, -EFAULT, "boot tables: guest RAM too small");
	gdt[0] = 0;
	gdt[BOOT_CS / 8] = BOOT_GDT_CODE64;
	gdt[BOOT_DS / 8] = BOOT_GDT_DATA;

	memset(tables, 0, BOOT_TABLES_END - BOOT_PML4_GPA);
	pml4 = tables;
	pdpt = tables + (BOOT_PDPT_GPA - BOOT_PML4_GPA) / 8;
	pd = tables + (BOOT_PD_GPA - BOOT_PML4_GPA) / 8;

	/* One PDPT serves both the identity map (PML4[0]) and the kernel map (PML4[511]). */
	pml4[0] = BOOT_PDPT_GPA | X86_PTE_P | X86_PTE_RW;
	pml4[PT_ENTRIES - 1] = BOOT_PDPT_GPA | X86_PTE_P | X86_PTE_RW;
	for (i = 0; i < BOOT_PD_COUNT; i++)
		pdpt[i] = (BOOT_PD_GPA + i * PT_SIZE) | X86_PTE_P | X86_PTE_RW;
	/* KERNEL_VIRT_BASE is PML4 511, PDPT 510: [-2 GiB, 0) -> PDs 0 and 1 = [0, 2 GiB). */
	pdpt[PT_ENTRIES - 2] = pdpt[0];
	pdpt[PT_ENTRIES - 1] = pdpt[1];
	for (i = 0; i < BOOT_PD_COUNT * PT_ENTRIES; i++) {
		u64 pa = i * SZ_2M;

		pd[i] = pa | X86_PTE_P | X86_PTE_RW | X86_PTE_PS;
		if (pa >= MMIO_HOLE_START)
			pd[i] |= X86_PTE_PCD | X86_PTE_PWT;	/* devices: uncached */
	}
	return 0;
}

void x86_boot_sregs(struct kvm_sregs *s, bool nx)
{
	const struct kvm_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = BOOT_CS,
		.type = 0xb,		/* execute/read, accessed */
		.present = 1, .dpl = 0, .db = 0, .s = 1, .l = 1, .g = 1,
	};
	const struct kvm_segment data = {
		.base = 0, .limit = 0xffffffff, .selector = BOOT_DS,
		.type = 0x3,		/* read/write, accessed */
		.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};

	s->cs = code;
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	s->gdt.base = BOOT_GDT_GPA;
	s->gdt.limit = BOOT_GDT_ENTRIES * 8 - 1;
	/* No IDT: any exception before the kernel loads its own is a triple fault, reported. */
	s->idt.base = 0;
	s->idt.limit = 0;
	s->cr0 = BOOT_CR0;
	s->cr3 = BOOT_PML4_GPA;
	s->cr4 = BOOT_CR4;
	s->efer = BOOT_EFER | (nx ? X86_EFER_NXE : 0);
}

void x86_boot_regs(struct kvm_regs *r, u64 entry)
{
	memset(r, 0, sizeof(*r));
	r->rip = entry;
	r->rdi = BOOT_FDT_GPA;
	r->rsi = BOOT_MAGIC;
	r->rsp = BOOT_STACK_TOP;
	r->rflags = 0x2;	/* bit 1 is always set; IF = 0 */
}

bool x86_cpuid_has_nx(const struct kvm_cpuid2 *c)
{
	u32 i;

	for (i = 0; i < c->nent; i++) {
		if (c->entries[i].function == 0x80000001)
			return c->entries[i].edx & (1u << 20);
	}
	return false;
}

void x86_cpuid_set_apic_id(struct kvm_cpuid2 *c, u32 id)
{
	u32 i;

	for (i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *ent = &c->entries[i];

		if (ent->function == 1)
			ent->ebx = (ent->ebx & 0x00ffffff) | (id << 24);	/* initial APIC ID */
		else if (ent->function == 0xb || ent->function == 0x1f)
			ent->edx = id;					/* x2APIC ID */
	}
}

void x86_cpuid_set_tsc_deadline(struct kvm_cpuid2 *c)
{
	u32 i;

	for (i = 0; i < c->nent; i++) {
		if (c->entries[i].function == 1)
			c->entries[i].ecx |= 1u << 24;
	}
}

int x86_get_supported_cpuid(struct vm *vm, struct errbuf *e)
{
	u32 nent;

	for (nent = 64; nent <= 4096; nent *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));

		if (!c)
			return errf(e, -ENOMEM, "CPUID table: out of memory");
		c->nent = nent;
		if (!ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, c)) {
			if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_TSC_DEADLINE_TIMER) > 0)
				x86_cpuid_set_tsc_deadline(c);
			vm->cpuid = c;
			return 0;
		}
		free(c);
		if (errno != E2BIG)
			return errf(e, -errno, "KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
	}
	return errf(e, -E2BIG, "KVM_GET_SUPPORTED_CPUID: more than 4096 entries");
}

static int set_boot_msrs(struct vcpu *v, struct errbuf *e)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry ent[1];
	} msrs = {
		.hdr.nmsrs = 1,
		.ent[0] = { .index = MSR_MTRR_DEF_TYPE, .data = BOOT_MTRR_DEF_TYPE },
	};
	int n = ioctl(v->fd, KVM_SET_MSRS, &msrs);

	if (n != (int)msrs.hdr.nmsrs)
		return errf(e, n < 0 ? -errno : -EINVAL, "vcpu%u: KVM_SET_MSRS: MSR 0x%x refused",
			    v->id, msrs.ent[n > 0 ? n : 0].index);
	return 0;
}

int x86_init_vcpu(struct vcpu *v, bool boot, u64 entry, struct errbuf *e)
{
	struct vm *vm = v->vm;
	size_t size = sizeof(*vm->cpuid) + vm->cpuid->nent * sizeof(vm->cpuid->entries[0]);
	struct kvm_cpuid2 *c = malloc(size);
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int err = 0;

	if (!c)
		return errf(e, -ENOMEM, "vcpu%u: CPUID table: out of memory", v->id);
	memcpy(c, vm->cpuid, size);
	x86_cpuid_set_apic_id(c, v->id);
	/* CPUID first: KVM checks EFER.NXE in KVM_SET_SREGS against the guest's CPUID. */
	if (ioctl(v->fd, KVM_SET_CPUID2, c) < 0) {
		err = errf(e, -errno, "vcpu%u: KVM_SET_CPUID2: %s", v->id, strerror(errno));
		goto out;
	}
	err = set_boot_msrs(v, e);
	if (err || !boot)
		goto out;
	if (ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0) {
		err = errf(e, -errno, "vcpu%u: KVM_GET_SREGS: %s", v->id, strerror(errno));
		goto out;
	}
	x86_boot_sregs(&sregs, x86_cpuid_has_nx(c));
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs) < 0) {
		err = errf(e, -errno, "vcpu%u: KVM_SET_SREGS: %s", v->id, strerror(errno));
		goto out;
	}
	x86_boot_regs(&regs, entry);
	if (ioctl(v->fd, KVM_SET_REGS, &regs) < 0)
		err = errf(e, -errno, "vcpu%u: KVM_SET_REGS: %s", v->id, strerror(errno));
out:
	free(c);
	return err;
}

// SPDX-License-Identifier: MIT
/*
 * A software x86-64 MMU for the host tests: page walks with the hardware's permission
 * rules, accessed/dirty bits, a direct-mapped TLB tagged by the top-level table, and page
 * faults delivered to handle_user_addr_fault() exactly as the guest's #PF handler does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mm/mm.h>
#include "soft_mmu.h"

#define PF_PROT		(1UL << 0)
#define PF_WRITE	(1UL << 1)
#define PF_USER		(1UL << 2)
#define PF_INSTR	(1UL << 4)

#define TLB_ENTRIES	64
#define MAX_TRIES	4

enum access { ACC_READ, ACC_WRITE, ACC_EXEC };

struct tlb_entry {
	bool valid;
	phys_addr_t pgd;		/* the address space it belongs to */
	unsigned long vpn;
	phys_addr_t frame;
	bool rw, us, nx, dirty;		/* effective permissions and the leaf's dirty bit */
};

static struct tlb_entry tlb[TLB_ENTRIES];
struct soft_mmu_stats soft_mmu_stats;
void (*unit_fault_trace_hook)(const struct fault_trace_rec *rec);

void arch_fault_trace(const struct fault_trace_rec *rec)
{
	if (unit_fault_trace_hook)
		unit_fault_trace_hook(rec);
}

static void tlb_invalidate(phys_addr_t pgd_pa, unsigned long addr)
{
	struct tlb_entry *e = &tlb[(addr >> PAGE_SHIFT) % TLB_ENTRIES];

	if (e->valid && e->pgd == pgd_pa && e->vpn == addr >> PAGE_SHIFT)
		e->valid = false;
}

void arch_flush_tlb_page(phys_addr_t pgd_pa, unsigned long addr)
{
	soft_mmu_stats.flushes++;
	tlb_invalidate(pgd_pa, addr);
}

void arch_flush_tlb_mm(phys_addr_t pgd_pa)
{
	unsigned int i;

	soft_mmu_stats.flushes++;
	for (i = 0; i < TLB_ENTRIES; i++)
		if (tlb[i].pgd == pgd_pa)
			tlb[i].valid = false;
}

void soft_mmu_reset(void)
{
	memset(tlb, 0, sizeof(tlb));
	memset(&soft_mmu_stats, 0, sizeof(soft_mmu_stats));
}

static u64 *table_at(u64 entry, unsigned long addr)
{
	phys_addr_t pa = entry & PTE_PFN_MASK;

	if (pa + PAGE_SIZE > unit_arena_size) {
		fprintf(stderr, "soft_mmu: entry %#llx for %#lx points outside RAM\n",
			(unsigned long long)entry, addr);
		abort();
	}
	return __va(pa);
}

/*
 * Walk the four levels for @addr. Return 0 and fill @out, or the error code of the
 * resulting #PF (P set when every level was present: a protection violation).
 */
static unsigned long walk(struct mm_struct *mm, unsigned long addr, enum access acc,
			  struct tlb_entry *out)
{
	unsigned long err = PF_USER | (acc == ACC_WRITE ? PF_WRITE : 0) |
			    (acc == ACC_EXEC ? PF_INSTR : 0);
	u64 *table = (u64 *)mm->pgd, *entry[4];
	bool rw = true, us = true, nx = false;
	int level;

	for (level = 3; level >= 0; level--) {
		u64 *e = &table[(addr >> (PAGE_SHIFT + 9 * level)) & 511];

		if (!(*e & _PAGE_PRESENT))
			return err;
		if (level && (*e & _PAGE_PSE)) {
			fprintf(stderr, "soft_mmu: huge page entry at %#lx: mm/ never makes one\n",
				addr);
			abort();
		}
		rw &= !!(*e & _PAGE_RW);
		us &= !!(*e & _PAGE_USER);
		nx |= !!(*e & _PAGE_NX);
		entry[level] = e;
		if (level)
			table = table_at(*e, addr);
	}
	if (!us || (acc == ACC_WRITE && !rw) || (acc == ACC_EXEC && nx))
		return err | PF_PROT;
	table_at(*entry[0], addr);		/* the frame must be RAM */
	for (level = 3; level >= 0; level--)
		*entry[level] |= _PAGE_ACCESSED;
	if (acc == ACC_WRITE)
		*entry[0] |= _PAGE_DIRTY;
	out->valid = true;
	out->pgd = mm_pgd_phys(mm);
	out->vpn = addr >> PAGE_SHIFT;
	out->frame = *entry[0] & PTE_PFN_MASK;
	out->rw = rw;
	out->us = us;
	out->nx = nx;
	out->dirty = !!(*entry[0] & _PAGE_DIRTY);
	return 0;
}

/* Translate through the TLB, walking on a miss. Return 0 or a #PF error code. */
static unsigned long translate(struct mm_struct *mm, unsigned long addr, enum access acc,
			       phys_addr_t *pa)
{
	struct tlb_entry *e = &tlb[(addr >> PAGE_SHIFT) % TLB_ENTRIES];
	unsigned long err;

	if (e->valid && e->pgd == mm_pgd_phys(mm) && e->vpn == addr >> PAGE_SHIFT) {
		/* A cached entry is trusted, stale or not: that is what a missing flush costs. */
		if (acc == ACC_WRITE && !e->rw)
			return PF_USER | PF_WRITE | PF_PROT;
		if (acc == ACC_EXEC && e->nx)
			return PF_USER | PF_INSTR | PF_PROT;
		if (acc != ACC_WRITE || e->dirty) {
			soft_mmu_stats.tlb_hits++;
			*pa = e->frame | (addr & ~PAGE_MASK);
			return 0;
		}
		/* First write through a clean entry: walk again to set the dirty bit. */
	}
	soft_mmu_stats.tlb_misses++;
	err = walk(mm, addr, acc, e);
	if (err)
		return err;
	*pa = e->frame | (addr & ~PAGE_MASK);
	return 0;
}

/* Make one access to the page holding @addr possible, faulting as needed. */
static int access_page(struct mm_struct *mm, unsigned long addr, enum access acc,
		       phys_addr_t *pa)
{
	int tries, sig;

	for (tries = 0; tries < MAX_TRIES; tries++) {
		unsigned long err = translate(mm, addr, acc, pa);

		if (!err)
			return 0;
		/* A #PF drops the TLB entry for the address, as the CPU does. */
		tlb_invalidate(mm_pgd_phys(mm), addr);
		soft_mmu_stats.faults++;
		sig = handle_user_addr_fault(mm, addr, err, &soft_mmu_stats.task,
					     &soft_mmu_stats.last_si_code);
		if (sig)
			return sig;
	}
	fprintf(stderr, "soft_mmu: fault at %#lx (access %d) not resolved after %d tries\n",
		addr, acc, MAX_TRIES);
	return -1;
}

static int umem_copy(struct mm_struct *mm, unsigned long addr, void *buf, size_t len,
		     enum access acc)
{
	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (addr & ~PAGE_MASK));
		phys_addr_t pa;
		int sig = access_page(mm, addr, acc, &pa);

		if (sig)
			return sig;
		if (acc == ACC_WRITE)
			memcpy(__va(pa), buf, chunk);
		else
			memcpy(buf, __va(pa), chunk);
		addr += chunk;
		buf = (char *)buf + chunk;
		len -= chunk;
	}
	return 0;
}

int umem_read(struct mm_struct *mm, unsigned long addr, void *buf, size_t len)
{
	return umem_copy(mm, addr, buf, len, ACC_READ);
}

int umem_write(struct mm_struct *mm, unsigned long addr, const void *buf, size_t len)
{
	return umem_copy(mm, addr, (void *)buf, len, ACC_WRITE);
}

int umem_fetch(struct mm_struct *mm, unsigned long addr)
{
	phys_addr_t pa;

	return access_page(mm, addr, ACC_EXEC, &pa);
}

int umem_read8(struct mm_struct *mm, unsigned long addr, unsigned char *v)
{
	return umem_read(mm, addr, v, 1);
}

int umem_write8(struct mm_struct *mm, unsigned long addr, unsigned char v)
{
	return umem_write(mm, addr, &v, 1);
}

u64 soft_mmu_pte(struct mm_struct *mm, unsigned long addr)
{
	u64 *table = (u64 *)mm->pgd;
	int level;

	for (level = 3; level > 0; level--) {
		u64 e = table[(addr >> (PAGE_SHIFT + 9 * level)) & 511];

		if (!(e & _PAGE_PRESENT))
			return 0;
		table = table_at(e, addr);
	}
	return table[(addr >> PAGE_SHIFT) & 511];
}

/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 guest's side of the mm/ arch seam: page size, the direct map (__va/__pa),
 * TLB flushes, CR3, interrupt-safe spinlocks, the TSC and the fault-trace hook. The host
 * unit tests provide the same names in tests/unit/include/mm_arch.h.
 */
#ifndef GUEST_MM_ARCH_H
#define GUEST_MM_ARCH_H

#include <kern/types.h>
#include <kern/compiler.h>
#include <kern/printk.h>
#include <abi/layout.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

/* Lowest and highest+1 user virtual address (47-bit canonical lower half, last page kept). */
#define TASK_SIZE	0x00007ffffffff000UL

/*
 * Physical memory is reachable through the direct map at PAGE_OFFSET_VIRT; the guest must
 * map all RAM there before mem_init(). __pa() also accepts kernel-image addresses.
 */
static inline void *arch_va(phys_addr_t pa)
{
	return (void *)(uintptr_t)(pa + PAGE_OFFSET_VIRT);
}

static inline phys_addr_t arch_pa(const volatile void *va)
{
	uintptr_t v = (uintptr_t)va;

	if (v >= KERNEL_VIRT_BASE)
		return v - KERNEL_VIRT_BASE;
	return v - PAGE_OFFSET_VIRT;
}

#define __va(pa)	arch_va((phys_addr_t)(pa))
#define __pa(va)	arch_pa(va)

/* ---- control registers and the TLB ------------------------------------------------- */
static inline unsigned long read_cr3(void)
{
	unsigned long v;

	__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(unsigned long v)
{
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void invlpg(unsigned long addr)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(addr) : "memory");
}

/* Flush one user page of the address space whose top-level table is at @pgd_pa. Only the
 * loaded address space can have TLB entries: a switch reloads CR3, which drops them. */
static inline void arch_flush_tlb_page(phys_addr_t pgd_pa, unsigned long addr)
{
	if ((read_cr3() & PAGE_MASK) == pgd_pa)
		invlpg(addr);
}

/* Flush every non-global entry of the address space at @pgd_pa. */
static inline void arch_flush_tlb_mm(phys_addr_t pgd_pa)
{
	unsigned long cr3 = read_cr3();

	if ((cr3 & PAGE_MASK) == pgd_pa)
		write_cr3(cr3);
}

/* Fill the kernel half (entries 256..511) of a new top-level table from the loaded one:
 * every address space shares the kernel's upper-level tables. */
static inline void arch_pgd_init(u64 *pgd)
{
	const u64 *cur = __va(read_cr3() & 0x000ffffffffff000ULL);
	unsigned int i;

	for (i = 256; i < 512; i++)
		pgd[i] = cur[i];
}

/* ---- interrupts and spinlocks (one CPU: a lock is "interrupts off" plus a check) ---- */
static inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags;

	__asm__ __volatile__("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

static inline void arch_local_irq_restore(unsigned long flags)
{
	if (flags & (1UL << 9))		/* RFLAGS.IF */
		__asm__ __volatile__("sti" : : : "memory");
}

typedef struct {
	int locked;
	unsigned long flags;	/* RFLAGS saved by spin_lock() */
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED	{ 0, 0 }

static inline void spin_lock_init(spinlock_t *l)
{
	l->locked = 0;
	l->flags = 0;
}

/* Disable interrupts and take @l; taking a held lock on one CPU is a deadlock: BUG. Locks
 * nest and must be released in reverse order. */
static inline void spin_lock(spinlock_t *l)
{
	unsigned long flags = arch_local_irq_save();

	BUG_ON(l->locked);
	l->locked = 1;
	l->flags = flags;
}

static inline void spin_unlock(spinlock_t *l)
{
	unsigned long flags = l->flags;

	BUG_ON(!l->locked);
	l->locked = 0;
	arch_local_irq_restore(flags);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
	return READ_ONCE(l->locked) != 0;
}

#define assert_spin_locked(l)	BUG_ON(!spin_is_locked(l))

/* ---- time and debugging hooks -------------------------------------------------------- */
static inline u64 arch_rdtsc(void)
{
	u32 lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* mm's monotonic clock in nanoseconds (dirty expiry): ktime_get_ns(), guest/kernel/flusher.c. */
u64 arch_clock_ns(void);

/*
 * Fault tracing: handle_mm_fault() hands every record to arch_fault_trace(). The guest
 * kernel defines guest_fault_trace() to append it to the trace ring; while it does not,
 * the weak reference is NULL and nothing is traced.
 */
struct fault_trace_rec;
void guest_fault_trace(const struct fault_trace_rec *rec) __attribute__((weak));

static inline void arch_fault_trace(const struct fault_trace_rec *rec)
{
	if (guest_fault_trace)
		guest_fault_trace(rec);
}

/* Free memory is poisoned for the host's AddressSanitizer; the guest has no shadow. */
static inline void arch_mem_poison(const volatile void *addr, size_t size) { }
static inline void arch_mem_unpoison(const volatile void *addr, size_t size) { }
static inline bool arch_mem_is_poisoned(const volatile void *addr) { return false; }

#endif

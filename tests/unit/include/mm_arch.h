/* SPDX-License-Identifier: MIT */
/*
 * The host unit tests' side of the mm/ arch seam (the guest's is guest/arch/include/mm_arch.h).
 * "Physical memory" is an arena that the harness allocates (tests/unit/lib/arena.c), so
 * __va(pa) is arena_base + pa; TLB flushes go to the software MMU's TLB; spinlocks are flags
 * that BUG on misuse; free memory is poisoned for AddressSanitizer. Freestanding: mm/ includes it.
 */
#ifndef UNIT_MM_ARCH_H
#define UNIT_MM_ARCH_H

#include <kern/types.h>
#include <kern/compiler.h>
#include <kern/printk.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

#define TASK_SIZE	0x00007ffffffff000UL

/* The arena standing for physical memory [0, unit_arena_size). */
extern char *unit_arena_base;
extern phys_addr_t unit_arena_size;

#define __va(pa)	((void *)(unit_arena_base + (phys_addr_t)(pa)))
#define __pa(va)	((phys_addr_t)((const char *)(va) - unit_arena_base))

/* The software MMU's TLB (tests/unit/lib/soft_mmu.c) caches translations per address space
 * like hardware does, so a missing flush shows up as a stale access in a test. */
void arch_flush_tlb_page(phys_addr_t pgd_pa, unsigned long addr);
void arch_flush_tlb_mm(phys_addr_t pgd_pa);

/* User address spaces have no kernel half on the host. */
static inline void arch_pgd_init(u64 *pgd) { }

/* mm's monotonic clock in nanoseconds (dirty expiry): a fake the tests move (unit_clock_ns,
 * tests/unit/lib/mm_test.c). */
u64 arch_clock_ns(void);

/* Fault tracing: calls the recorder a test installed (tests/unit/lib/soft_mmu.c). */
struct fault_trace_rec;
void arch_fault_trace(const struct fault_trace_rec *rec);

typedef struct {
	int locked;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED	{ 0 }

static inline void spin_lock_init(spinlock_t *l)
{
	l->locked = 0;
}

/* One thread: taking a held lock would deadlock, releasing a free one is a bug. */
static inline void spin_lock(spinlock_t *l)
{
	BUG_ON(l->locked);
	l->locked = 1;
}

static inline void spin_unlock(spinlock_t *l)
{
	BUG_ON(!l->locked);
	l->locked = 0;
}

static inline bool spin_is_locked(const spinlock_t *l)
{
	return READ_ONCE(l->locked) != 0;
}

#define assert_spin_locked(l)	BUG_ON(!spin_is_locked(l))

static inline u64 arch_rdtsc(void)
{
	return __builtin_ia32_rdtsc();
}

/* AddressSanitizer's manual poisoning (its runtime is linked into every unit test). */
void __asan_poison_memory_region(const volatile void *addr, size_t size);
void __asan_unpoison_memory_region(const volatile void *addr, size_t size);
int __asan_address_is_poisoned(const volatile void *addr);

static inline void arch_mem_poison(const volatile void *addr, size_t size)
{
	__asan_poison_memory_region(addr, size);
}

static inline void arch_mem_unpoison(const volatile void *addr, size_t size)
{
	__asan_unpoison_memory_region(addr, size);
}

/* True if @addr is poisoned: free memory, or past the end of a kmalloc object. */
static inline bool arch_mem_is_poisoned(const volatile void *addr)
{
	return __asan_address_is_poisoned(addr) != 0;
}

#endif

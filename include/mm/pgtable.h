/* SPDX-License-Identifier: MIT */
/*
 * x86-64 4-level page tables as mm/ sees them (mm/pgtable.c): entry types and bits, pte
 * helpers, swap-entry encoding, and the walk pgd -> pud -> pmd -> pte (no p4d level).
 * The same tables are walked by the CPU in the guest and by the software MMU in host tests.
 */
#ifndef MM_PGTABLE_H
#define MM_PGTABLE_H

#include <kern/types.h>
#include "mm_arch.h"
#include <mm/page_alloc.h>

/* ---- entry bits (hardware, then the software bits mm/ owns) ---------------------- */
#define _PAGE_PRESENT	(1ULL << 0)
#define _PAGE_RW	(1ULL << 1)
#define _PAGE_USER	(1ULL << 2)
#define _PAGE_PWT	(1ULL << 3)
#define _PAGE_PCD	(1ULL << 4)
#define _PAGE_ACCESSED	(1ULL << 5)
#define _PAGE_DIRTY	(1ULL << 6)
#define _PAGE_PSE	(1ULL << 7)	/* huge page in a pmd/pud: never set by mm/ */
#define _PAGE_GLOBAL	(1ULL << 8)
#define _PAGE_NX	(1ULL << 63)
/* PROT_NONE pages: the CPU sees "not present", mm/ sees a present page (Linux's trick:
 * user ptes are never global, so bit 8 is free when P is clear). */
#define _PAGE_PROTNONE	_PAGE_GLOBAL
/* Non-present, non-none ptes that are not PROT_NONE hold a swap entry and this bit. */
#define _PAGE_SWP	(1ULL << 9)

#define PTE_PFN_MASK	0x000ffffffffff000ULL
#define PTE_FLAGS_MASK	(~PTE_PFN_MASK)

/* Upper-level entries grant everything; the leaf decides. */
#define _PAGE_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

typedef struct { u64 pte; } pte_t;
typedef struct { u64 pmd; } pmd_t;
typedef struct { u64 pud; } pud_t;
typedef struct { u64 pgd; } pgd_t;
typedef struct { u64 pgprot; } pgprot_t;

#define pte_val(x)	((x).pte)
#define pmd_val(x)	((x).pmd)
#define pud_val(x)	((x).pud)
#define pgd_val(x)	((x).pgd)
#define pgprot_val(x)	((x).pgprot)
#define __pte(x)	((pte_t){ (x) })
#define __pmd(x)	((pmd_t){ (x) })
#define __pud(x)	((pud_t){ (x) })
#define __pgd(x)	((pgd_t){ (x) })
#define __pgprot(x)	((pgprot_t){ (x) })

#define PTRS_PER_PTE	512
#define PTRS_PER_PMD	512
#define PTRS_PER_PUD	512
#define PTRS_PER_PGD	512
#define PMD_SHIFT	21
#define PUD_SHIFT	30
#define PGDIR_SHIFT	39
#define PMD_SIZE	(1UL << PMD_SHIFT)
#define PUD_SIZE	(1UL << PUD_SHIFT)
#define PGDIR_SIZE	(1UL << PGDIR_SHIFT)
#define PMD_MASK	(~(PMD_SIZE - 1))
#define PUD_MASK	(~(PUD_SIZE - 1))
#define PGDIR_MASK	(~(PGDIR_SIZE - 1))
/* User space is the lower half: pgd entries 0..255. The upper half is the kernel's. */
#define USER_PTRS_PER_PGD	(PTRS_PER_PGD / 2)

static inline unsigned long pte_index(unsigned long addr)
{
	return (addr >> PAGE_SHIFT) & (PTRS_PER_PTE - 1);
}

static inline unsigned long pmd_index(unsigned long addr)
{
	return (addr >> PMD_SHIFT) & (PTRS_PER_PMD - 1);
}

static inline unsigned long pud_index(unsigned long addr)
{
	return (addr >> PUD_SHIFT) & (PTRS_PER_PUD - 1);
}

static inline unsigned long pgd_index(unsigned long addr)
{
	return (addr >> PGDIR_SHIFT) & (PTRS_PER_PGD - 1);
}

/* Next boundary of the level after @addr, capped at @end (Linux's p?d_addr_end). */
#define __level_addr_end(addr, end, size)					\
	({ unsigned long __b = ((addr) + (size)) & ~((size) - 1);		\
	   (__b - 1 < (end) - 1) ? __b : (end); })
#define pgd_addr_end(addr, end)	__level_addr_end(addr, end, PGDIR_SIZE)
#define pud_addr_end(addr, end)	__level_addr_end(addr, end, PUD_SIZE)
#define pmd_addr_end(addr, end)	__level_addr_end(addr, end, PMD_SIZE)

/* ---- pte helpers ---------------------------------------------------------------------- */
static inline bool pte_none(pte_t pte)		{ return pte_val(pte) == 0; }
/* Present to mm/: mapped by the CPU, or PROT_NONE. */
static inline bool pte_present(pte_t pte)
{
	return pte_val(pte) & (_PAGE_PRESENT | _PAGE_PROTNONE);
}
static inline bool pte_protnone(pte_t pte)
{
	return (pte_val(pte) & (_PAGE_PRESENT | _PAGE_PROTNONE)) == _PAGE_PROTNONE;
}
static inline bool pte_same(pte_t a, pte_t b)	{ return pte_val(a) == pte_val(b); }
static inline bool pte_write(pte_t pte)		{ return pte_val(pte) & _PAGE_RW; }
static inline bool pte_dirty(pte_t pte)		{ return pte_val(pte) & _PAGE_DIRTY; }
static inline bool pte_young(pte_t pte)		{ return pte_val(pte) & _PAGE_ACCESSED; }
static inline bool pte_exec(pte_t pte)		{ return !(pte_val(pte) & _PAGE_NX); }
static inline unsigned long pte_pfn(pte_t pte)
{
	return (pte_val(pte) & PTE_PFN_MASK) >> PAGE_SHIFT;
}

static inline pte_t pte_mkdirty(pte_t pte)	{ return __pte(pte_val(pte) | _PAGE_DIRTY); }
static inline pte_t pte_mkclean(pte_t pte)	{ return __pte(pte_val(pte) & ~_PAGE_DIRTY); }
static inline pte_t pte_mkyoung(pte_t pte)	{ return __pte(pte_val(pte) | _PAGE_ACCESSED); }
static inline pte_t pte_mkold(pte_t pte)	{ return __pte(pte_val(pte) & ~_PAGE_ACCESSED); }
static inline pte_t pte_mkwrite(pte_t pte)	{ return __pte(pte_val(pte) | _PAGE_RW); }
static inline pte_t pte_wrprotect(pte_t pte)	{ return __pte(pte_val(pte) & ~_PAGE_RW); }

static inline pte_t pfn_pte(unsigned long pfn, pgprot_t prot)
{
	return __pte(((u64)pfn << PAGE_SHIFT) | pgprot_val(prot));
}

static inline pte_t mk_pte(struct page *page, pgprot_t prot)
{
	return pfn_pte(page_to_pfn(page), prot);
}

/* Keep the frame, accessed and dirty bits of @pte; take every permission from @prot. */
static inline pte_t pte_modify(pte_t pte, pgprot_t prot)
{
	u64 keep = pte_val(pte) & (PTE_PFN_MASK | _PAGE_ACCESSED | _PAGE_DIRTY);

	return __pte(keep | pgprot_val(prot));
}

/* ---- swap entries (used by later issues): type and offset of a swapped-out page ------- */
typedef struct { unsigned long val; } swp_entry_t;

#define SWP_TYPE_BITS		5
#define MAX_SWAPFILES		(1 << SWP_TYPE_BITS)
#define SWP_OFFSET_BITS		50

static inline swp_entry_t swp_entry(unsigned int type, pgoff_t offset)
{
	return (swp_entry_t){ ((unsigned long)type << SWP_OFFSET_BITS) |
			      (offset & ((1UL << SWP_OFFSET_BITS) - 1)) };
}

static inline unsigned int swp_type(swp_entry_t e)	{ return e.val >> SWP_OFFSET_BITS; }
static inline pgoff_t swp_offset(swp_entry_t e)
{
	return e.val & ((1UL << SWP_OFFSET_BITS) - 1);
}

/* pte layout: P = 0, bits 1..5 type, bit 9 _PAGE_SWP, bits 12..61 offset. P and bit 8
 * stay clear, so the CPU faults and pte_present() is false; bit 9 makes it non-none. */
static inline pte_t swp_entry_to_pte(swp_entry_t e)
{
	return __pte(((u64)swp_type(e) << 1) | _PAGE_SWP | ((u64)swp_offset(e) << PAGE_SHIFT));
}

static inline swp_entry_t pte_to_swp_entry(pte_t pte)
{
	return swp_entry((pte_val(pte) >> 1) & (MAX_SWAPFILES - 1), pte_val(pte) >> PAGE_SHIFT);
}

static inline bool is_swap_pte(pte_t pte)
{
	return !pte_none(pte) && !pte_present(pte);
}

/* ---- upper levels ----------------------------------------------------------------------- */
static inline bool pgd_none(pgd_t e)	{ return pgd_val(e) == 0; }
static inline bool pud_none(pud_t e)	{ return pud_val(e) == 0; }
static inline bool pmd_none(pmd_t e)	{ return pmd_val(e) == 0; }

static inline void *pgd_page_vaddr(pgd_t e)	{ return __va(pgd_val(e) & PTE_PFN_MASK); }
static inline void *pud_page_vaddr(pud_t e)	{ return __va(pud_val(e) & PTE_PFN_MASK); }
static inline void *pmd_page_vaddr(pmd_t e)	{ return __va(pmd_val(e) & PTE_PFN_MASK); }

struct mm_struct;

static inline pud_t *pud_offset(pgd_t *pgd, unsigned long addr)
{
	return (pud_t *)pgd_page_vaddr(*pgd) + pud_index(addr);
}

static inline pmd_t *pmd_offset(pud_t *pud, unsigned long addr)
{
	return (pmd_t *)pud_page_vaddr(*pud) + pmd_index(addr);
}

/* No high memory: "map" is pointer arithmetic and pte_unmap() does nothing. */
static inline pte_t *pte_offset_map(pmd_t *pmd, unsigned long addr)
{
	return (pte_t *)pmd_page_vaddr(*pmd) + pte_index(addr);
}

static inline void pte_unmap(pte_t *pte) { }

static inline pte_t ptep_get(const pte_t *ptep)
{
	return __pte(READ_ONCE(ptep->pte));
}

static inline void set_pte(pte_t *ptep, pte_t pte)
{
	WRITE_ONCE(ptep->pte, pte_val(pte));
}

static inline void pte_clear(pte_t *ptep)
{
	set_pte(ptep, __pte(0));
}

/* ---- mm/pgtable.c ----------------------------------------------------------------------- */
pgd_t *pgd_offset(struct mm_struct *mm, unsigned long addr);

/*
 * Allocate the missing table below *pgd / *pud / *pmd. Return 0 (also if another path
 * filled it first), or -ENOMEM. Called without the page table lock; takes it to install.
 */
int __pud_alloc(struct mm_struct *mm, pgd_t *pgd);
int __pmd_alloc(struct mm_struct *mm, pud_t *pud);
int __pte_alloc(struct mm_struct *mm, pmd_t *pmd);

/* The pud / pmd entry for @addr, allocating the table that holds it; NULL on -ENOMEM. */
pud_t *pud_alloc(struct mm_struct *mm, pgd_t *pgd, unsigned long addr);
pmd_t *pmd_alloc(struct mm_struct *mm, pud_t *pud, unsigned long addr);

/* The pmd entry for @addr (possibly none), or NULL when the pgd or pud level is missing. */
pmd_t *mm_find_pmd(struct mm_struct *mm, unsigned long addr);

/*
 * Return the PTE for @addr in @mm's page tables. If @alloc, allocate missing levels (a
 * NULL return then means -ENOMEM); otherwise return NULL when a level is missing. The
 * page table lock is not taken.
 */
pte_t *walk_to_pte(struct mm_struct *mm, unsigned long addr, bool alloc);

/* walk_to_pte(mm, addr, true) with mm->page_table_lock taken on success. */
pte_t *get_locked_pte(struct mm_struct *mm, unsigned long addr);
/* The pte for @addr with the lock taken, or NULL (no lock) when a level is missing. */
pte_t *follow_pte(struct mm_struct *mm, unsigned long addr);
void pte_unmap_unlock(struct mm_struct *mm, pte_t *pte);

/* A zeroed top-level table with the kernel half filled by the arch; NULL on -ENOMEM. */
pgd_t *pgd_alloc(struct mm_struct *mm);
/* Free the top-level table; every user table below it must already be gone. */
void pgd_free(struct mm_struct *mm, pgd_t *pgd);

/*
 * Free the page-table pages below [start, end) that no longer map anything (every entry
 * none). The caller has already zapped the ptes of every unmapped part of the range.
 */
void free_pgtables(struct mm_struct *mm, unsigned long start, unsigned long end);

/* Flush the TLB for the user range / a page / the whole address space of @mm. */
void flush_tlb_range(struct mm_struct *mm, unsigned long start, unsigned long end);
void flush_tlb_page(struct mm_struct *mm, unsigned long addr);
void flush_tlb_mm(struct mm_struct *mm);

/* Physical address of @mm's top-level table: what CR3 holds while @mm runs. */
phys_addr_t mm_pgd_phys(const struct mm_struct *mm);

#endif

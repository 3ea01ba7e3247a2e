// SPDX-License-Identifier: MIT
/*
 * Page-table pages of user address spaces: the walk to a pte allocating missing levels,
 * the top-level table (kernel half from the arch), freeing tables that map nothing, and
 * TLB flushes by range.
 */
#include "internal.h"

pgd_t *pgd_offset(struct mm_struct *mm, unsigned long addr)
{
	return mm->pgd + pgd_index(addr);
}

phys_addr_t mm_pgd_phys(const struct mm_struct *mm)
{
	return __pa(mm->pgd);
}

/*
 * Give the empty entry @entry a zeroed table. The page is allocated before the lock is
 * taken; if the entry was filled meanwhile the new page is dropped. Return 0 or -ENOMEM.
 */
static int __table_alloc(struct mm_struct *mm, u64 *entry)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

	if (!page)
		return -ENOMEM;
	spin_lock(&mm->page_table_lock);
	if (READ_ONCE(*entry) == 0) {
		WRITE_ONCE(*entry, page_to_phys(page) | _PAGE_TABLE);
		mm->nr_pgtables++;
		page = NULL;
	}
	spin_unlock(&mm->page_table_lock);
	if (page)
		__free_page(page);
	return 0;
}

int __pud_alloc(struct mm_struct *mm, pgd_t *pgd)
{
	return __table_alloc(mm, &pgd->pgd);
}

int __pmd_alloc(struct mm_struct *mm, pud_t *pud)
{
	return __table_alloc(mm, &pud->pud);
}

int __pte_alloc(struct mm_struct *mm, pmd_t *pmd)
{
	return __table_alloc(mm, &pmd->pmd);
}

pud_t *pud_alloc(struct mm_struct *mm, pgd_t *pgd, unsigned long addr)
{
	if (pgd_none(*pgd) && __pud_alloc(mm, pgd))
		return NULL;
	return pud_offset(pgd, addr);
}

pmd_t *pmd_alloc(struct mm_struct *mm, pud_t *pud, unsigned long addr)
{
	if (pud_none(*pud) && __pmd_alloc(mm, pud))
		return NULL;
	return pmd_offset(pud, addr);
}

pmd_t *mm_find_pmd(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	pud_t *pud;

	if (pgd_none(*pgd))
		return NULL;
	pud = pud_offset(pgd, addr);
	if (pud_none(*pud))
		return NULL;
	return pmd_offset(pud, addr);
}

pte_t *walk_to_pte(struct mm_struct *mm, unsigned long addr, bool alloc)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	pud_t *pud;
	pmd_t *pmd;

	BUG_ON(addr >= TASK_SIZE);
	if (alloc) {
		pud = pud_alloc(mm, pgd, addr);
		pmd = pud ? pmd_alloc(mm, pud, addr) : NULL;
		if (!pmd || (pmd_none(*pmd) && __pte_alloc(mm, pmd)))
			return NULL;
		return pte_offset_map(pmd, addr);
	}
	pmd = mm_find_pmd(mm, addr);
	if (!pmd || pmd_none(*pmd))
		return NULL;
	return pte_offset_map(pmd, addr);
}

pte_t *get_locked_pte(struct mm_struct *mm, unsigned long addr)
{
	pte_t *pte = walk_to_pte(mm, addr, true);

	if (pte)
		spin_lock(&mm->page_table_lock);
	return pte;
}

pte_t *follow_pte(struct mm_struct *mm, unsigned long addr)
{
	pte_t *pte = walk_to_pte(mm, addr, false);

	if (pte)
		spin_lock(&mm->page_table_lock);
	return pte;
}

void pte_unmap_unlock(struct mm_struct *mm, pte_t *pte)
{
	pte_unmap(pte);
	spin_unlock(&mm->page_table_lock);
}

pgd_t *pgd_alloc(struct mm_struct *mm)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

	if (!page)
		return NULL;
	arch_pgd_init(page_address(page));
	return page_address(page);
}

void pgd_free(struct mm_struct *mm, pgd_t *pgd)
{
	unsigned int i;

	for (i = 0; i < USER_PTRS_PER_PGD; i++)
		BUG_ON(!pgd_none(pgd[i]));
	/* The next address space may get this page as its pgd: no stale TLB entries. */
	arch_flush_tlb_mm(__pa(pgd));
	__free_page(virt_to_page(pgd));
}

static bool table_empty(const u64 *table)
{
	unsigned int i;

	for (i = 0; i < PTRS_PER_PTE; i++)
		if (table[i])
			return false;
	return true;
}

/* Free the table *@entry points to if every entry of it is none. */
static bool free_if_empty(struct mm_struct *mm, u64 *entry)
{
	u64 *table = __va(*entry & PTE_PFN_MASK);

	if (!table_empty(table))
		return false;
	*entry = 0;
	__free_page(virt_to_page(table));
	mm->nr_pgtables--;
	return true;
}

void free_pgtables(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	unsigned long addr, pud_end, pmd_end;
	bool freed = false;

	spin_lock(&mm->page_table_lock);
	for (addr = start; addr < end; addr = pgd_addr_end(addr, end)) {
		pgd_t *pgd = pgd_offset(mm, addr);
		unsigned long a2;

		if (pgd_none(*pgd))
			continue;
		pud_end = pgd_addr_end(addr, end);
		for (a2 = addr; a2 < pud_end; a2 = pud_addr_end(a2, pud_end)) {
			pud_t *pud = pud_offset(pgd, a2);
			unsigned long a3;

			if (pud_none(*pud))
				continue;
			pmd_end = pud_addr_end(a2, pud_end);
			for (a3 = a2; a3 < pmd_end; a3 = pmd_addr_end(a3, pmd_end)) {
				pmd_t *pmd = pmd_offset(pud, a3);

				if (!pmd_none(*pmd))
					freed |= free_if_empty(mm, &pmd->pmd);
			}
			freed |= free_if_empty(mm, &pud->pud);
		}
		freed |= free_if_empty(mm, &pgd->pgd);
	}
	spin_unlock(&mm->page_table_lock);
	/* The CPU caches upper-level entries too: forget the freed tables before reuse. */
	if (freed)
		flush_tlb_range(mm, start, end);
}

#define FLUSH_ALL_THRESHOLD	32	/* pages: above this, one full flush is cheaper */

void flush_tlb_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	unsigned long addr;

	if ((end - start) >> PAGE_SHIFT > FLUSH_ALL_THRESHOLD) {
		flush_tlb_mm(mm);
		return;
	}
	for (addr = start & PAGE_MASK; addr < end; addr += PAGE_SIZE)
		arch_flush_tlb_page(__pa(mm->pgd), addr);
}

void flush_tlb_page(struct mm_struct *mm, unsigned long addr)
{
	arch_flush_tlb_page(__pa(mm->pgd), addr & PAGE_MASK);
}

void flush_tlb_mm(struct mm_struct *mm)
{
	arch_flush_tlb_mm(__pa(mm->pgd));
}

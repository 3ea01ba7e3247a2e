// SPDX-License-Identifier: MIT
/*
 * Host tests of the file fault paths (mm/memory.c do_fault family, mm/filemap.c
 * filemap_fault / filemap_map_pages / filemap_page_mkwrite, mm/wp.c wp_page_shared,
 * mm/rmap.c page_mkclean, mm/msync.c) through the software MMU on a linfs file: major and
 * minor faults, fault-around (window, alignment, clamping, counts), SIGBUS past EOF,
 * after truncation and after I/O errors, the truncation race, private COW, shared writes
 * with dirty tracking and write-protection after writeback, nothing lost at munmap or
 * exit, fork, madvise, mprotect, msync, mmap's checks and placement, out of memory with and without
 * reclaimable page cache, and a file larger than RAM mapped end to end.
 */
#include "filemap_harness.h"

#define RO	PROT_READ
#define RW	(PROT_READ | PROT_WRITE)
#define SHARED	(MAP_SHARED | MAP_FIXED)
#define PRIVATE	(MAP_PRIVATE | MAP_FIXED)

static unsigned long map_file(unsigned long addr, unsigned long len, unsigned long prot,
			      unsigned long flags, pgoff_t pgoff)
{
	return do_mmap(ft.mm, ft.file, addr, len, prot, flags, pgoff);
}

/* The page cache page at @index (a reference is taken and dropped: the cache holds it). */
static struct page *cache_page(pgoff_t index)
{
	struct page *page = find_get_page(ft.mapping, index);

	if (page)
		put_page(page);
	return page;
}

static bool pte_maps(unsigned long addr, const struct page *page)
{
	u64 pte = soft_mmu_pte(ft.mm, addr);

	return (pte & _PAGE_PRESENT) && page && pte_pfn(__pte(pte)) == page_to_pfn(page);
}

static bool test_major_then_minor(void)
{
	unsigned char v;
	struct page *page;
	u64 pte;

	ft_setup(64 * PAGE_SIZE);
	CHECK(map_file(FT_BASE, 64 * PAGE_SIZE, RO, PRIVATE, 0) == FT_BASE);
	CHECK(umem_read8(ft.mm, FT_BASE + 3 * PAGE_SIZE + 5, &v) == 0);
	CHECK(v == ft_pattern(3 * PAGE_SIZE + 5));
	CHECK(ft_ntrace == 1 && ft_last_fault(FAULT_KIND_FILE, VM_FAULT_MAJOR));
	CHECK(ft.mm->maj_flt == 1 && soft_mmu_stats.task.maj_flt == 1 && ft.mm->min_flt == 0);
	/* Read-around: 32 pages centred on the fault (clamped at 0), one request. */
	CHECK(ft.rd->reads == 1 && ft.rd->read_bytes == 32 * PAGE_SIZE);
	page = cache_page(3);
	pte = soft_mmu_pte(ft.mm, FT_BASE + 3 * PAGE_SIZE);
	CHECK(pte_maps(FT_BASE + 3 * PAGE_SIZE, page) && !(pte & _PAGE_RW));
	CHECK(page_mapcount(page) == 1 && page_ref_count(page) == 2 && !PageAnon(page));
	CHECK(get_mm_counter(ft.mm, MM_FILEPAGES) == 1);
	/* The next page is cached: fault-around maps it with its neighbours, a minor fault. */
	CHECK(umem_read8(ft.mm, FT_BASE + 20 * PAGE_SIZE, &v) == 0);
	CHECK(v == ft_pattern(20 * PAGE_SIZE));
	CHECK(ft_last_fault(FAULT_KIND_FILE_AROUND, VM_FAULT_NOPAGE));
	CHECK(ft.mm->min_flt == 1 && ft.rd->reads == 1);
	return ft_teardown();
}

/* Every page of a cached file, read through a mapping: size / fault_around_bytes faults. */
static bool fault_around_count(unsigned long around, unsigned long want_faults,
			       enum fault_kind kind)
{
	unsigned long npages = 64, i;
	unsigned char v;

	ft_setup(npages * PAGE_SIZE);
	set_fault_around_bytes(around);
	CHECK(force_page_cache_readahead(ft.mapping, &ft.file->f_ra, 0, npages) == 0);
	CHECK(ft.mapping->nrpages == npages);
	rambd_run(ft.rd);
	CHECK(map_file(FT_BASE, npages * PAGE_SIZE, RO, PRIVATE, 0) == FT_BASE);
	for (i = 0; i < npages; i++) {
		CHECK(umem_read8(ft.mm, FT_BASE + i * PAGE_SIZE + i, &v) == 0);
		CHECK(v == ft_pattern(i * PAGE_SIZE + i));
	}
	CHECKF(ft_ntrace == want_faults, "%u faults, want %lu", ft_ntrace, want_faults);
	for (i = 0; i < ft_ntrace; i++)
		CHECK(ft_trace[i].kind == kind && !(ft_trace[i].result & VM_FAULT_MAJOR));
	CHECK(get_mm_counter(ft.mm, MM_FILEPAGES) == npages && ft.mm->maj_flt == 0);
	set_fault_around_bytes(FAULT_AROUND_BYTES);
	return ft_teardown();
}

static bool test_fault_around_counts(void)
{
	CHECK(fault_around_bytes == 65536);
	CHECK(fault_around_count(FAULT_AROUND_BYTES, 64 / 16, FAULT_KIND_FILE_AROUND));
	CHECK(fault_around_count(16 * PAGE_SIZE * 2, 64 / 32, FAULT_KIND_FILE_AROUND));
	CHECK(fault_around_count(PAGE_SIZE, 64, FAULT_KIND_FILE));	/* off */
	/* Values are rounded down to a power of two and clamped to a page table. */
	CHECK(set_fault_around_bytes(100000) == 65536);
	CHECK(set_fault_around_bytes(0) == PAGE_SIZE);
	CHECK(set_fault_around_bytes(1UL << 30) == PTRS_PER_PTE * PAGE_SIZE);
	set_fault_around_bytes(FAULT_AROUND_BYTES);
	return true;
}

/* Which of the pages [first, first + n) of the mapping at @base are mapped. */
static unsigned long mapped_mask(unsigned long base, unsigned long first, unsigned long n)
{
	unsigned long mask = 0, i;

	for (i = 0; i < n; i++)
		if (soft_mmu_pte(ft.mm, base + (first + i) * PAGE_SIZE) & _PAGE_PRESENT)
			mask |= 1UL << i;
	return mask;
}

static bool test_fault_around_window(void)
{
	unsigned long base = FT_BASE + 2 * PMD_SIZE, start;
	unsigned char v;

	ft_setup(128 * PAGE_SIZE);
	CHECK(force_page_cache_readahead(ft.mapping, &ft.file->f_ra, 0, 128) == 0);
	rambd_run(ft.rd);
	/* Aligned to 16 pages of virtual address: a fault at page 20 maps 16..31. */
	CHECK(map_file(base, 64 * PAGE_SIZE, RO, PRIVATE, 0) == base);
	CHECK(umem_read8(ft.mm, base + 20 * PAGE_SIZE, &v) == 0);
	CHECK(mapped_mask(base, 0, 64) == 0xffffUL << 16);
	/* Clamped to the VMA: a mapping of file pages 5..11 at a page 3 address. */
	start = base + 3 * PAGE_SIZE + 128 * PAGE_SIZE;
	CHECK(map_file(start, 7 * PAGE_SIZE, RO, PRIVATE, 5) == start);
	CHECK(umem_read8(ft.mm, start + 6 * PAGE_SIZE, &v) == 0 && v == ft_pattern(11 * PAGE_SIZE));
	CHECK(mapped_mask(start, 0, 7) == 0x7f);
	CHECK(get_mm_counter(ft.mm, MM_FILEPAGES) == 16 + 7);
	/* Clamped to the page table: a mapping across a 2 MiB boundary. */
	start = FT_BASE + 4 * PMD_SIZE - 8 * PAGE_SIZE;
	CHECK(map_file(start, 32 * PAGE_SIZE, RO, PRIVATE, 0) == start);
	CHECK(umem_read8(ft.mm, start + 7 * PAGE_SIZE, &v) == 0);	/* last pte of a table */
	CHECK(mapped_mask(start, 0, 32) == 0xff);
	CHECK(umem_read8(ft.mm, start + 8 * PAGE_SIZE, &v) == 0);	/* first of the next */
	CHECK(mapped_mask(start, 0, 32) == 0xffffff);
	return ft_teardown();
}

/* Readahead-marked pages are left to ->fault, which pushes the window on. */
static bool test_fault_around_skips_marker(void)
{
	unsigned char v;

	ft_setup(64 * PAGE_SIZE);
	CHECK(map_file(FT_BASE, 64 * PAGE_SIZE, RO, PRIVATE, 0) == FT_BASE);
	CHECK(umem_read8(ft.mm, FT_BASE, &v) == 0);	/* read-around 0..31, marker at 24 */
	CHECK(cache_page(24) && PageReadahead(cache_page(24)));
	CHECK(mapped_mask(FT_BASE, 0, 32) == 1);	/* a cold fault maps its page only */
	CHECK(umem_read8(ft.mm, FT_BASE + 17 * PAGE_SIZE, &v) == 0);
	CHECKF(mapped_mask(FT_BASE, 16, 16) == 0xfeff, "mask %#lx",
	       mapped_mask(FT_BASE, 16, 16));		/* all but 24 */
	CHECK(ft.rd->reads == 1);
	/* Touching the marker page is a minor fault that starts the next window. */
	CHECK(umem_read8(ft.mm, FT_BASE + 24 * PAGE_SIZE, &v) == 0);
	CHECK(ft_last_fault(FAULT_KIND_FILE, 0) && !PageReadahead(cache_page(24)));
	CHECK(ft.rd->reads == 2 && ft.mapping->nrpages == 64);
	return ft_teardown();
}

static bool test_sigbus_past_eof(void)
{
	unsigned char v;

	ft_setup(2 * PAGE_SIZE + 100);
	CHECK(map_file(FT_BASE, 4 * PAGE_SIZE, RO, PRIVATE, 0) == FT_BASE);
	CHECK(umem_read8(ft.mm, FT_BASE + 2 * PAGE_SIZE + 99, &v) == 0);
	CHECK(v == ft_pattern(2 * PAGE_SIZE + 99));
	/* The rest of the last page reads as zeroes. */
	CHECK(umem_read8(ft.mm, FT_BASE + 2 * PAGE_SIZE + 100, &v) == 0 && v == 0);
	CHECK(umem_read8(ft.mm, FT_BASE + 3 * PAGE_SIZE, &v) == SIGBUS);
	CHECK(soft_mmu_stats.last_si_code == MM_BUS_ADRERR);
	CHECK(ft_last_fault(FAULT_KIND_FILE, VM_FAULT_SIGBUS));
	CHECK(umem_write8(ft.mm, FT_BASE + 3 * PAGE_SIZE, 1) == SIGSEGV);	/* read-only */
	CHECK(!(soft_mmu_pte(ft.mm, FT_BASE + 3 * PAGE_SIZE) & _PAGE_PRESENT));
	return ft_teardown();
}

/* A read that fails is retried once, synchronously; a second failure is SIGBUS. */
static bool test_io_error(void)
{
	unsigned char v;

	ft_setup(64 * PAGE_SIZE);
	CHECK(map_file(FT_BASE, 64 * PAGE_SIZE, RO, PRIVATE, 0) == FT_BASE);
	ft.rd->fail_start = 5 * PAGE_SIZE / SECTOR_SIZE;
	ft.rd->fail_end = 6 * PAGE_SIZE / SECTOR_SIZE;
	ft.rd->fail_reads = 1;
	CHECK(umem_read8(ft.mm, FT_BASE + 5 * PAGE_SIZE, &v) == 0 &&
	      v == ft_pattern(5 * PAGE_SIZE));
	CHECK(ft_last_fault(FAULT_KIND_FILE, VM_FAULT_MAJOR));
	CHECK(ft.rd->reads == 2);	/* the failed read-around, then the page alone */

	ft.rd->fail_start = 40 * PAGE_SIZE / SECTOR_SIZE;
	ft.rd->fail_end = 41 * PAGE_SIZE / SECTOR_SIZE;
	ft.rd->fail_reads = 2;
	CHECK(umem_read8(ft.mm, FT_BASE + 40 * PAGE_SIZE, &v) == SIGBUS);
	CHECK(ft_last_fault(FAULT_KIND_FILE, VM_FAULT_SIGBUS));
	/* The disk recovered: the same access now works. */
	CHECK(umem_read8(ft.mm, FT_BASE + 40 * PAGE_SIZE, &v) == 0 &&
	      v == ft_pattern(40 * PAGE_SIZE));
	ft.rd->fail_reads = -1;
	ft.rd->fail_start = 50 * PAGE_SIZE / SECTOR_SIZE;
	ft.rd->fail_end = 51 * PAGE_SIZE / SECTOR_SIZE;
	CHECK(umem_read8(ft.mm, FT_BASE + 50 * PAGE_SIZE, &v) == SIGBUS);
	ft.rd->fail_reads = 0;
	return ft_teardown();
}

/* While the fault sleeps on the page lock, the file is truncated to nothing. */
static int truncations;

static void truncate_during_wait(struct page *page, enum pageflags bit)
{
	if (truncations++)
		return;
	truncate_setsize(ft.mapping, 0);
}

static bool test_truncation_race(void)
{
	unsigned char v;

	ft_setup(8 * PAGE_SIZE);
	CHECK(map_file(FT_BASE, 8 * PAGE_SIZE, RO, MAP_SHARED | MAP_FIXED, 0) == FT_BASE);
	truncations = 0;
	unit_page_wait_hook = truncate_during_wait;
	CHECK(umem_read8(ft.mm, FT_BASE + 2 * PAGE_SIZE, &v) == SIGBUS);
	unit_page_wait_hook = NULL;
	CHECK(truncations >= 1 && ft.mapping->i_size == 0);
	CHECK(!(soft_mmu_pte(ft.mm, FT_BASE + 2 * PAGE_SIZE) & _PAGE_PRESENT));
	CHECK(get_mm_counter(ft.mm, MM_FILEPAGES) == 0);
	return ft_teardown();
}

static bool test_private_write_cow(void)
{
	unsigned char v, buf[16];
	struct page *page;
	u64 pte;

	ft_setup(16 * PAGE_SIZE);
	CHECK(map_file(FT_BASE, 16 * PAGE_SIZE, RW, PRIVATE, 0) == FT_BASE);
	/* A write to a none pte: do_cow_fault copies the file page. */
	CHECK(umem_write8(ft.mm, FT_BASE + 2 * PAGE_SIZE + 1, 0xee) == 0);
	CHECK(ft_last_fault(FAULT_KIND_FILE_COW, VM_FAULT_MAJOR));
	pte = soft_mmu_pte(ft.mm, FT_BASE + 2 * PAGE_SIZE);
	page = pfn_to_page(pte_pfn(__pte(pte)));
	CHECK(PageAnon(page) && page != cache_page(2) && (pte & _PAGE_RW) && (pte & _PAGE_DIRTY));
	CHECK(get_mm_counter(ft.mm, MM_ANONPAGES) == 1 && get_mm_counter(ft.mm, MM_FILEPAGES) == 0);
	CHECK(umem_read8(ft.mm, FT_BASE + 2 * PAGE_SIZE, &v) == 0 &&
	      v == ft_pattern(2 * PAGE_SIZE));
	CHECK(umem_read8(ft.mm, FT_BASE + 2 * PAGE_SIZE + 1, &v) == 0 && v == 0xee);
	/* The file is untouched, in the cache and on the disk. */
	CHECK(ft_read(2 * PAGE_SIZE, buf, 16) == 16 && ft_is_pattern(buf, 2 * PAGE_SIZE, 16));
	CHECK(!PageDirty(cache_page(2)) && nr_file_dirty == 0);
	/* Read first, then write: the page-cache pte is replaced by a copy (wp_page_copy). */
	CHECK(umem_read8(ft.mm, FT_BASE + 5 * PAGE_SIZE, &v) == 0);
	CHECK(pte_maps(FT_BASE + 5 * PAGE_SIZE, cache_page(5)));
	CHECK(umem_write8(ft.mm, FT_BASE + 5 * PAGE_SIZE, 0x11) == 0);
	CHECK(ft_last_fault(FAULT_KIND_WP_COPY, VM_FAULT_WRITE));
	CHECK(!pte_maps(FT_BASE + 5 * PAGE_SIZE, cache_page(5)));
	CHECK(page_mapcount(cache_page(5)) == 0 && page_ref_count(cache_page(5)) == 1);
	CHECK(ft_read(5 * PAGE_SIZE, buf, 1) == 1 && buf[0] == ft_pattern(5 * PAGE_SIZE));
	CHECK(filemap_write_and_wait(ft.mapping) == 0 && ft.rd->writes == 0);
	return ft_teardown();
}

static bool test_shared_write_and_writeback(void)
{
	unsigned char v, buf[4];
	struct page *page;
	u64 pte;

	ft_setup(16 * PAGE_SIZE);
	CHECK(map_file(FT_BASE, 16 * PAGE_SIZE, RW, SHARED, 0) == FT_BASE);
	CHECK(umem_write8(ft.mm, FT_BASE + 3 * PAGE_SIZE + 2, 0x77) == 0);
	CHECK(ft_last_fault(FAULT_KIND_FILE_SHARED, VM_FAULT_MAJOR));
	page = cache_page(3);
	pte = soft_mmu_pte(ft.mm, FT_BASE + 3 * PAGE_SIZE);
	CHECK(pte_maps(FT_BASE + 3 * PAGE_SIZE, page) && (pte & _PAGE_RW) && (pte & _PAGE_DIRTY));
	CHECK(PageDirty(page) && nr_file_dirty == 1 && !PageLocked(page));
	/* read() sees it: one page, two views. */
	CHECK(ft_read(3 * PAGE_SIZE + 2, buf, 1) == 1 && buf[0] == 0x77);
	/* msync(MS_SYNC) writes it, cleans it and write-protects the pte. */
	CHECK(do_msync(ft.mm, FT_BASE, 16 * PAGE_SIZE, MS_SYNC) == 0);
	CHECK(ft.rd->writes == 1 && ft.rd->data[3 * PAGE_SIZE + 2] == 0x77);
	pte = soft_mmu_pte(ft.mm, FT_BASE + 3 * PAGE_SIZE);
	CHECK(!PageDirty(page) && !(pte & _PAGE_RW) && !(pte & _PAGE_DIRTY));
	/* The next write faults (wp_page_shared) and dirties the page again. */
	ft_ntrace = 0;
	CHECK(umem_write8(ft.mm, FT_BASE + 3 * PAGE_SIZE + 3, 0x78) == 0);
	CHECK(ft_ntrace == 1 && ft_last_fault(FAULT_KIND_FILE_SHARED, VM_FAULT_WRITE));
	CHECK(PageDirty(page) && (soft_mmu_pte(ft.mm, FT_BASE + 3 * PAGE_SIZE) & _PAGE_RW));
	CHECK(do_msync(ft.mm, FT_BASE, PAGE_SIZE * 16, MS_ASYNC) == 0 && ft.rd->writes == 1);
	CHECK(do_msync(ft.mm, FT_BASE, PAGE_SIZE * 16, MS_SYNC) == 0 && ft.rd->writes == 2);
	CHECK(ft.rd->data[3 * PAGE_SIZE + 3] == 0x78);
	/* Read fault first on a shared writable mapping: mapped read-only, so that the first
	 * write is noticed. */
	CHECK(umem_read8(ft.mm, FT_BASE + 9 * PAGE_SIZE, &v) == 0);
	CHECK(!(soft_mmu_pte(ft.mm, FT_BASE + 9 * PAGE_SIZE) & _PAGE_RW));
	CHECK(umem_write8(ft.mm, FT_BASE + 9 * PAGE_SIZE, 9) == 0);
	CHECK(ft_last_fault(FAULT_KIND_FILE_SHARED, VM_FAULT_WRITE) && PageDirty(cache_page(9)));
	/* write() is seen through the mapping without a fault. */
	ft_ntrace = 0;
	buf[0] = 0x42;
	CHECK(ft_write(9 * PAGE_SIZE + 1, buf, 1) == 1);
	CHECK(umem_read8(ft.mm, FT_BASE + 9 * PAGE_SIZE + 1, &v) == 0 && v == 0x42 && !ft_ntrace);
	return ft_teardown();
}

/* Dirty data written through a shared mapping survives munmap and exit. */
static bool test_nothing_lost_at_unmap(void)
{
	struct page *page;

	ft_setup(8 * PAGE_SIZE);
	CHECK(map_file(FT_BASE, 8 * PAGE_SIZE, RW, SHARED, 0) == FT_BASE);
	CHECK(umem_write8(ft.mm, FT_BASE + PAGE_SIZE, 0xa1) == 0);
	CHECK(umem_write8(ft.mm, FT_BASE + 6 * PAGE_SIZE, 0xa6) == 0);
	/* Forget PG_dirty of page 1 behind mm's back: only the pte's dirty bit remains. */
	page = cache_page(1);
	ClearPageFlag(page, PG_dirty);
	xa_clear_mark(&ft.mapping->i_pages, 1, PAGECACHE_TAG_DIRTY);
	nr_file_dirty--;
	CHECK(do_munmap(ft.mm, FT_BASE, 4 * PAGE_SIZE) == 0);
	CHECK(PageDirty(page) && page_mapcount(page) == 0);
	mmput(ft.mm);				/* exit: page 6 */
	ft.mm = NULL;
	CHECK(filemap_write_and_wait(ft.mapping) == 0);
	CHECK(ft.rd->data[PAGE_SIZE] == 0xa1 && ft.rd->data[6 * PAGE_SIZE] == 0xa6);
	return ft_teardown();
}

static bool test_truncate_unmaps(void)
{
	unsigned char v;
	unsigned long addr2 = FT_BASE + 16 * PAGE_SIZE;

	ft_setup(4 * PAGE_SIZE);
	CHECK(map_file(FT_BASE, 4 * PAGE_SIZE, RW, SHARED, 0) == FT_BASE);
	CHECK(map_file(addr2, 4 * PAGE_SIZE, RW, PRIVATE, 0) == addr2);
	CHECK(umem_read8(ft.mm, FT_BASE + 3 * PAGE_SIZE, &v) == 0);
	CHECK(umem_read8(ft.mm, addr2 + PAGE_SIZE, &v) == 0);		/* page cache page */
	CHECK(umem_write8(ft.mm, addr2 + 2 * PAGE_SIZE, 5) == 0);	/* private copy */
	truncate_setsize(ft.mapping, PAGE_SIZE);
	CHECK(umem_read8(ft.mm, FT_BASE + 3 * PAGE_SIZE, &v) == SIGBUS);
	CHECK(umem_read8(ft.mm, addr2 + PAGE_SIZE, &v) == SIGBUS);
	CHECK(umem_read8(ft.mm, addr2 + 2 * PAGE_SIZE, &v) == SIGBUS);	/* the copy too */
	CHECK(umem_read8(ft.mm, FT_BASE, &v) == 0 && umem_read8(ft.mm, addr2, &v) == 0);
	CHECK(get_mm_counter(ft.mm, MM_ANONPAGES) == 0);
	return ft_teardown();
}

static bool test_fork(void)
{
	struct mm_struct *child;
	unsigned char v;

	ft_setup(8 * PAGE_SIZE);
	CHECK(map_file(FT_BASE, 4 * PAGE_SIZE, RW, SHARED, 0) == FT_BASE);
	CHECK(map_file(FT_BASE + 8 * PAGE_SIZE, 4 * PAGE_SIZE, RW, PRIVATE, 0) ==
	      FT_BASE + 8 * PAGE_SIZE);
	CHECK(umem_write8(ft.mm, FT_BASE, 1) == 0);
	CHECK(umem_write8(ft.mm, FT_BASE + 8 * PAGE_SIZE, 2) == 0);
	CHECK(umem_read8(ft.mm, FT_BASE + 9 * PAGE_SIZE, &v) == 0);
	CHECK(ft.file->count == 3);
	child = dup_mm(ft.mm);
	CHECK(child && ft.file->count == 5);
	/* Shared: both see each other's writes. Private: each its own. */
	CHECK(umem_write8(child, FT_BASE, 3) == 0);
	CHECK(umem_read8(ft.mm, FT_BASE, &v) == 0 && v == 3);
	CHECK(umem_write8(child, FT_BASE + 8 * PAGE_SIZE, 4) == 0);
	CHECK(umem_read8(ft.mm, FT_BASE + 8 * PAGE_SIZE, &v) == 0 && v == 2);
	CHECK(umem_write8(child, FT_BASE + 9 * PAGE_SIZE, 5) == 0);
	CHECK(umem_read8(ft.mm, FT_BASE + 9 * PAGE_SIZE, &v) == 0 &&
	      v == ft_pattern(9 * PAGE_SIZE - 8 * PAGE_SIZE));
	CHECK(page_mapcount(cache_page(0)) == 2);
	mmput(child);
	CHECK(ft.file->count == 3 && page_mapcount(cache_page(0)) == 1);
	return ft_teardown();
}

static bool test_madvise_and_mprotect(void)
{
	unsigned char v;
	struct vm_area_struct *vma;

	ft_setup(8 * PAGE_SIZE);
	CHECK(map_file(FT_BASE, 8 * PAGE_SIZE, RW, SHARED, 0) == FT_BASE);
	CHECK(umem_write8(ft.mm, FT_BASE + PAGE_SIZE, 0x33) == 0);
	/* DONTNEED drops the ptes; the data stays in the (dirty) page cache. */
	CHECK(do_madvise(ft.mm, FT_BASE, 8 * PAGE_SIZE, MADV_DONTNEED) == 0);
	CHECK(!(soft_mmu_pte(ft.mm, FT_BASE + PAGE_SIZE) & _PAGE_PRESENT));
	CHECK(PageDirty(cache_page(1)));
	CHECK(umem_read8(ft.mm, FT_BASE + PAGE_SIZE, &v) == 0 && v == 0x33);
	/* RANDOM / SEQUENTIAL split the VMA and set the hint. */
	CHECK(do_madvise(ft.mm, FT_BASE + 2 * PAGE_SIZE, 2 * PAGE_SIZE, MADV_RANDOM) == 0);
	vma = find_vma(ft.mm, FT_BASE + 2 * PAGE_SIZE);
	CHECK(vma->vm_start == FT_BASE + 2 * PAGE_SIZE && vma->vm_end == FT_BASE + 4 * PAGE_SIZE);
	CHECK((vma->vm_flags & VM_RAND_READ) && vma->vm_pgoff == 2 && ft.mm->map_count == 3);
	CHECK(do_madvise(ft.mm, FT_BASE + 2 * PAGE_SIZE, 2 * PAGE_SIZE, MADV_NORMAL) == 0);
	CHECK(ft.mm->map_count == 1 && validate_mm(ft.mm) == 0);
	CHECK(do_madvise(ft.mm, FT_BASE, 8 * PAGE_SIZE, MADV_SEQUENTIAL) == 0);
	CHECK(find_vma(ft.mm, FT_BASE)->vm_flags & VM_SEQ_READ);
	/* mprotect back to writable keeps writes noticed (no RW in vm_page_prot). */
	CHECK(do_mprotect(ft.mm, FT_BASE, 8 * PAGE_SIZE, RO) == 0);
	CHECK(filemap_write_and_wait(ft.mapping) == 0);
	CHECK(do_mprotect(ft.mm, FT_BASE, 8 * PAGE_SIZE, RW) == 0);
	CHECK(!(pgprot_val(find_vma(ft.mm, FT_BASE)->vm_page_prot) & _PAGE_RW));
	CHECK(umem_write8(ft.mm, FT_BASE + PAGE_SIZE, 0x34) == 0);
	CHECK(ft_last_fault(FAULT_KIND_FILE_SHARED, VM_FAULT_WRITE) && PageDirty(cache_page(1)));
	return ft_teardown();
}

static bool test_mmap_checks(void)
{
	struct file *ro, *wo;

	ft_setup(8 * PAGE_SIZE);
	ro = unit_file_open(ft.mapping, FMODE_READ);
	wo = unit_file_open(ft.mapping, FMODE_WRITE);
	CHECK(do_mmap(ft.mm, ro, FT_BASE, PAGE_SIZE, RW, SHARED, 0) == (unsigned long)-EACCES);
	CHECK(do_mmap(ft.mm, wo, FT_BASE, PAGE_SIZE, RO, PRIVATE, 0) == (unsigned long)-EACCES);
	CHECK(do_mmap(ft.mm, ft.file, FT_BASE, 2 * PAGE_SIZE, RO, SHARED, ~0UL) ==
	      (unsigned long)-EOVERFLOW);
	/* Shared but read-only file: never writable, even through mprotect. */
	CHECK(do_mmap(ft.mm, ro, FT_BASE, PAGE_SIZE, RO, SHARED, 0) == FT_BASE);
	CHECK(do_mprotect(ft.mm, FT_BASE, PAGE_SIZE, RW) == -EACCES);
	/* Private mappings of a read-only file may be written (copies). */
	CHECK(do_mmap(ft.mm, ro, FT_BASE + PAGE_SIZE, PAGE_SIZE, RW, PRIVATE, 0) ==
	      FT_BASE + PAGE_SIZE);
	CHECK(umem_write8(ft.mm, FT_BASE + PAGE_SIZE, 1) == 0);
	fput(ro);
	fput(wo);
	CHECK(ro->count == 2);			/* the VMAs still hold it */
	return ft_teardown();
}

/* Without MAP_FIXED, a file mapping of a PMD or more is placed with its file offset and its
 * address equal modulo PMD_SIZE (fault-around windows then line up with the file). */
static bool test_mmap_alignment(void)
{
	unsigned long a, b, c, lo, hole;

	ft_setup(8 * PAGE_SIZE);
	a = do_mmap(ft.mm, ft.file, 0, PMD_SIZE, RO, MAP_SHARED, 3);
	CHECK(!IS_ERR_VALUE(a) && (a - 3 * PAGE_SIZE) % PMD_SIZE == 0);
	b = do_mmap(ft.mm, ft.file, 0, 3 * PMD_SIZE, RO, MAP_PRIVATE, 0);
	CHECK(!IS_ERR_VALUE(b) && b % PMD_SIZE == 0 && b + 3 * PMD_SIZE <= a);
	/* Smaller: the highest free pages, wherever that puts the offset (here not aligned). */
	c = do_mmap(ft.mm, ft.file, 0, 5 * PAGE_SIZE, RO, MAP_PRIVATE, 1);
	CHECKF(!IS_ERR_VALUE(c) && (c - PAGE_SIZE) % PMD_SIZE != 0, "small mapping at %#lx", c);
	CHECK(validate_mm(ft.mm) == 0);
	/* The only free 2 MiB starts at an odd MiB: used anyway, unaligned (no -ENOMEM). */
	lo = ft.mm->mmap_min_addr;
	hole = ALIGN_DOWN(ft.mm->mmap_base / 2, PMD_SIZE) + PMD_SIZE / 2;
	CHECK(do_mmap(ft.mm, NULL, lo, hole - lo, RO, PRIVATE | MAP_ANONYMOUS, 0) == lo);
	CHECK(do_mmap(ft.mm, NULL, hole + PMD_SIZE, ft.mm->mmap_base - hole - PMD_SIZE, RO,
		      PRIVATE | MAP_ANONYMOUS, 0) == hole + PMD_SIZE);
	c = do_mmap(ft.mm, ft.file, 0, PMD_SIZE, RO, MAP_SHARED, 0);
	CHECKF(c == hole, "2 MiB file mapping in the only 2 MiB hole: %#lx, want %#lx", c, hole);
	CHECK(validate_mm(ft.mm) == 0);
	return ft_teardown();
}

static bool test_msync_checks(void)
{
	ft_setup(8 * PAGE_SIZE);
	CHECK(map_file(FT_BASE, 4 * PAGE_SIZE, RW, SHARED, 0) == FT_BASE);
	CHECK(map_file(FT_BASE + 5 * PAGE_SIZE, 2 * PAGE_SIZE, RW, SHARED, 5) ==
	      FT_BASE + 5 * PAGE_SIZE);
	CHECK(do_msync(ft.mm, FT_BASE + 1, PAGE_SIZE, MS_SYNC) == -EINVAL);
	CHECK(do_msync(ft.mm, FT_BASE, PAGE_SIZE, MS_SYNC | MS_ASYNC) == -EINVAL);
	CHECK(do_msync(ft.mm, FT_BASE, PAGE_SIZE, 8) == -EINVAL);
	CHECK(do_msync(ft.mm, FT_BASE, 0, MS_SYNC) == 0);
	/* A hole: the mapped parts are still written, then -ENOMEM. */
	CHECK(umem_write8(ft.mm, FT_BASE + 6 * PAGE_SIZE, 0x66) == 0);
	CHECK(do_msync(ft.mm, FT_BASE, 8 * PAGE_SIZE, MS_SYNC) == -ENOMEM);
	CHECK(ft.rd->data[6 * PAGE_SIZE] == 0x66);
	/* A write error comes back from msync. */
	CHECK(umem_write8(ft.mm, FT_BASE, 0x10) == 0);
	ft.rd->fail_start = 0;
	ft.rd->fail_end = 8;
	ft.rd->fail_writes = 1;
	CHECK(do_msync(ft.mm, FT_BASE, 4 * PAGE_SIZE, MS_SYNC) == -EIO);
	return ft_teardown();
}

/*
 * Out of memory: clean page-cache pages are reclaimed (unmapped first) to satisfy a fault;
 * with nothing reclaimable a file fault is VM_FAULT_OOM (SIGKILL), never a crash or leak.
 */
static bool test_oom(void)
{
	struct page **held = malloc(sizeof(*held) * (FT_ARENA >> PAGE_SHIFT)), *p;
	unsigned int n = 0;
	unsigned long i;
	unsigned char v;

	ft_setup(64 * PAGE_SIZE);
	CHECK(map_file(FT_BASE, 64 * PAGE_SIZE, RW, SHARED, 0) == FT_BASE);
	CHECK(umem_read8(ft.mm, FT_BASE, &v) == 0);	/* tables, pages 0..31 cached */
	while ((p = alloc_page(GFP_KERNEL)) != NULL)
		held[n++] = p;
	CHECK(umem_read8(ft.mm, FT_BASE + 40 * PAGE_SIZE, &v) == 0 &&
	      v == ft_pattern(40 * PAGE_SIZE));
	CHECK(ft.mapping->nrpages < 32);		/* paid for by older clean pages */
	/* Dirty every cached page: nothing is reclaimable any more. */
	for (i = 0; i < 64; i++)
		if (cache_page(i))
			CHECK(umem_write8(ft.mm, FT_BASE + i * PAGE_SIZE, 1) == 0);
	for (i = 0; i < 64 && cache_page(i); i++)
		;
	CHECK(i < 64);
	/* What reclaim freed beyond the fault's need (it frees in batches) is taken too. */
	while ((p = alloc_page(GFP_KERNEL)) != NULL)
		held[n++] = p;
	CHECK(umem_read8(ft.mm, FT_BASE + i * PAGE_SIZE, &v) == SIGKILL);
	CHECK(ft_last_fault(FAULT_KIND_FILE, VM_FAULT_OOM));
	while (n)
		put_page(held[--n]);
	free(held);
	CHECK(umem_read8(ft.mm, FT_BASE + i * PAGE_SIZE, &v) == 0 &&
	      v == ft_pattern(i * PAGE_SIZE));
	return ft_teardown();
}

/* A file four times larger than RAM, mapped and read end to end (reclaim at work). */
static bool test_file_larger_than_ram(void)
{
	u64 size = 12UL << 20, off;
	unsigned char v;

	ft_setup_arena(size, 3UL << 20);
	CHECK(map_file(FT_BASE, size, RO, PRIVATE, 0) == FT_BASE);
	for (off = 0; off < size; off += PAGE_SIZE / 2) {
		CHECK(umem_read8(ft.mm, FT_BASE + off, &v) == 0);
		CHECKF(v == ft_pattern(off), "offset %#llx", (unsigned long long)off);
	}
	CHECK(ft.rd->read_bytes >= size && nr_file_pages < (3UL << 20) / PAGE_SIZE);
	CHECK(ft.mm->maj_flt <= size / (VM_READAHEAD_PAGES * PAGE_SIZE) * 2);
	return ft_teardown();
}

int main(void)
{
	tap_plan(18);
	TAP_RUN(test_major_then_minor);
	TAP_RUN(test_fault_around_counts);
	TAP_RUN(test_fault_around_window);
	TAP_RUN(test_fault_around_skips_marker);
	TAP_RUN(test_sigbus_past_eof);
	TAP_RUN(test_io_error);
	TAP_RUN(test_truncation_race);
	TAP_RUN(test_private_write_cow);
	TAP_RUN(test_shared_write_and_writeback);
	TAP_RUN(test_nothing_lost_at_unmap);
	TAP_RUN(test_truncate_unmaps);
	TAP_RUN(test_fork);
	TAP_RUN(test_madvise_and_mprotect);
	TAP_RUN(test_mmap_checks);
	TAP_RUN(test_mmap_alignment);
	TAP_RUN(test_msync_checks);
	TAP_RUN(test_oom);
	TAP_RUN(test_file_larger_than_ram);
	return tap_finish();
}

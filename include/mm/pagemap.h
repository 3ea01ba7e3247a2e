/* SPDX-License-Identifier: MIT */
/*
 * The page cache (Linux's <linux/pagemap.h>): finding, adding and removing pages of an
 * address_space (mm/filemap.c), the page lock and waiting for I/O, read()/write() through
 * the cache, readahead (mm/readahead.c), dirty pages and writeback (mm/page-writeback.c),
 * truncation, and the file fault handlers the VMAs of mapped files use.
 *
 * Reference counts: the cache holds one reference on each of its pages; every lookup
 * returns a page with one more, which the caller drops with put_page(). A page's mapping
 * and index are set while it is in the cache; a page removed by truncation has
 * page->mapping == NULL, which callers holding the page lock check.
 */
#ifndef MM_PAGEMAP_H
#define MM_PAGEMAP_H

#include <kern/types.h>
#include <mm/fs.h>
#include <mm/mm.h>

#define VM_READAHEAD_PAGES	32	/* Linux's default readahead maximum: 128 KiB */
#define FAULT_AROUND_BYTES	65536	/* Linux's default fault-around window: 64 KiB */

static inline void address_space_init(struct address_space *mapping,
				      const struct address_space_operations *a_ops, void *host)
{
	xa_init(&mapping->i_pages);
	mapping->nrpages = 0;
	mapping->i_size = 0;
	mapping->a_ops = a_ops;
	mapping->host = host;
	INIT_LIST_HEAD(&mapping->i_mmap);
	mapping->ra_pages = 0;		/* 0: the default, readahead_max_pages */
	mapping->flags = 0;
	mapping->wb = NULL;
	INIT_LIST_HEAD(&mapping->i_io_list);
	mapping->dirtied_when = 0;
}

/* The address_space a page-cache page belongs to; NULL for anonymous or truncated pages. */
static inline struct address_space *page_mapping(const struct page *page)
{
	return PageAnon(page) ? NULL : (struct address_space *)page->mapping;
}

static inline bool mapping_mapped(const struct address_space *mapping)
{
	return !list_empty(&mapping->i_mmap);
}

/* The page index holding byte @pos. */
static inline pgoff_t page_index_of(u64 pos)
{
	return pos >> PAGE_SHIFT;
}

/* ---- sleeping on page bits: the kernel's scheduler plugs in here ------------------- */
/*
 * wait(page, bit): sleep until @bit of @page may have cleared (return early is fine:
 * callers re-check). wake(page, bit): @bit of @page just cleared (called with interrupts
 * off, possibly from an I/O completion). The guest's are kernel_page_wait_ops (hashed wait
 * queues and its scheduler, guest/kernel/pagewait.c), used unless set_page_wait_ops() says
 * otherwise; the host tests' wait runs the RAM disk's pending completions. Without ops,
 * waiting is a panic (nothing could ever clear the bit).
 */
struct page_wait_ops {
	void (*wait)(struct page *page, enum pageflags bit);
	void (*wake)(struct page *page, enum pageflags bit);
};

void set_page_wait_ops(const struct page_wait_ops *ops);

/* ---- the page lock and I/O state (mm/filemap.c) -------------------------------------- */
/* Take PG_locked, sleeping while someone else holds it. */
void lock_page(struct page *page);
/* Take PG_locked if it is free: true if taken. */
bool trylock_page(struct page *page);
/* Release PG_locked and wake its waiters. */
void unlock_page(struct page *page);
/* Sleep until @bit of @page is clear. */
void wait_on_page_bit(struct page *page, enum pageflags bit);

static inline void wait_on_page_locked(struct page *page)
{
	if (PageLocked(page))
		wait_on_page_bit(page, PG_locked);
}

static inline void wait_on_page_writeback(struct page *page)
{
	if (PageWriteback(page))
		wait_on_page_bit(page, PG_writeback);
}

static inline void SetPageUptodate(struct page *page)
{
	SetPageFlag(page, PG_uptodate);
}

/* ---- finding and adding pages (mm/filemap.c) ------------------------------------------ */
/*
 * Insert the new (not uptodate) @page at @index, locked, with the cache's reference.
 * Return 0, -EEXIST (someone else's page is there) or -ENOMEM; on failure @page is
 * untouched and unlocked.
 */
int add_to_page_cache(struct page *page, struct address_space *mapping, pgoff_t index,
		      gfp_t gfp);
/* Remove the locked @page from its mapping (it must not be mapped, dirty or under
 * writeback) and drop the cache's reference. */
void delete_from_page_cache(struct page *page);

/* pagecache_get_page() flags (Linux's FGP_*). */
#define FGP_LOCK	0x1u	/* return the page locked */
#define FGP_CREAT	0x2u	/* add a new page if there is none (implies FGP_LOCK) */
#define FGP_NOWAIT	0x4u	/* with FGP_LOCK: fail rather than sleep on a locked page */

/*
 * The page at @index with a reference (locked with FGP_LOCK, checked still in @mapping),
 * or NULL: none and no FGP_CREAT, no memory (-ENOMEM is the only reason with FGP_CREAT),
 * or locked with FGP_NOWAIT.
 */
struct page *pagecache_get_page(struct address_space *mapping, pgoff_t index,
				unsigned int fgp_flags, gfp_t gfp);

static inline struct page *find_get_page(struct address_space *mapping, pgoff_t index)
{
	return pagecache_get_page(mapping, index, 0, 0);
}

static inline struct page *find_lock_page(struct address_space *mapping, pgoff_t index)
{
	return pagecache_get_page(mapping, index, FGP_LOCK, 0);
}

/* find_or_create for write(): the page at @index, locked, created if needed. */
static inline struct page *grab_cache_page_write_begin(struct address_space *mapping,
						       pgoff_t index)
{
	return pagecache_get_page(mapping, index, FGP_LOCK | FGP_CREAT, GFP_USER);
}

/*
 * The uptodate page at @index, read (synchronously, one readpage) if needed: *@pagep gets
 * it unlocked with a reference. 0, -EIO (the read failed) or -ENOMEM.
 */
int read_mapping_page(struct address_space *mapping, pgoff_t index, struct page **pagep);

/* The first index in [@index, @index + @max_scan) with no page, or @index + @max_scan. */
pgoff_t page_cache_next_miss(struct address_space *mapping, pgoff_t index,
			     unsigned long max_scan);
/* The last index in (@index - @max_scan, @index] with no page, or @index - @max_scan. */
pgoff_t page_cache_prev_miss(struct address_space *mapping, pgoff_t index,
			     unsigned long max_scan);

/* ---- read() and write() through the cache (mm/filemap.c) ------------------------------ */
/*
 * read(): copy up to iter->count bytes at *@pos (stopping at i_size) into @iter, reading
 * pages through readahead (@ra). Advances *@pos. Return the bytes copied, or -EIO /
 * -ENOMEM / -EFAULT when nothing was.
 */
long filemap_read(struct address_space *mapping, struct file_ra_state *ra, u64 *pos,
		  struct iov_iter *iter);
/*
 * write(): copy @iter to *@pos page by page through a_ops->write_begin / write_end (which
 * grow i_size). Advances *@pos. Return the bytes written, or -E* when nothing was.
 */
long generic_perform_write(struct address_space *mapping, u64 *pos, struct iov_iter *iter);

/*
 * Helpers for a filesystem's write_begin / write_end: find or create the locked page and
 * bring it uptodate when the write will not cover it (read it, or zero it when it lies
 * wholly past i_size); then accept the copied bytes, grow i_size, dirty, unlock, put.
 */
int generic_write_begin(struct address_space *mapping, u64 pos, unsigned int len,
			struct page **pagep);
int generic_write_end(struct address_space *mapping, u64 pos, unsigned int len,
		      unsigned int copied, struct page *page);

/* ---- truncation (mm/filemap.c, mm/memory.c) -------------------------------------------- */
/*
 * Remove the pages of [@lstart, end of file) from the cache, waiting for their I/O; a
 * partial first page keeps its head and has the tail zeroed. Mapped pages are unmapped
 * first. The caller has already set the new i_size.
 */
void truncate_inode_pages(struct address_space *mapping, u64 lstart);
/* Set i_size to @newsize and drop what lies past it: the page cache and every pte,
 * private COW copies included (Linux's truncate_setsize). */
void truncate_setsize(struct address_space *mapping, u64 newsize);
/*
 * Remove the ptes mapping file pages [@start, @start + @nr) (@nr 0: to the end) from every
 * VMA of @mapping
 * (shared VMAs, and private ones' page-cache ptes; with @even_cows their private copies
 * too), moving pte dirty bits to the pages.
 */
void unmap_mapping_pages(struct address_space *mapping, pgoff_t start, pgoff_t nr,
			 bool even_cows);

/* ---- the file fault handlers (mm/filemap.c) ------------------------------------------ */
vm_fault_t filemap_fault(struct vm_fault *vmf);
vm_fault_t filemap_map_pages(struct vm_fault *vmf, pgoff_t start_pgoff, pgoff_t end_pgoff);
vm_fault_t filemap_page_mkwrite(struct vm_fault *vmf);
/* fault, map_pages, page_mkwrite: what do_mmap() gives every file VMA. */
extern const struct vm_operations_struct generic_file_vm_ops;

/* Fault-around window in bytes (a power of two, PAGE_SIZE .. PMD_SIZE; PAGE_SIZE turns it
 * off). Set it with set_fault_around_bytes(): it rounds down to a power of two and clamps;
 * returns the value taken. */
extern unsigned long fault_around_bytes;
unsigned long set_fault_around_bytes(unsigned long bytes);

/* ---- readahead (mm/readahead.c) ------------------------------------------------------- */
struct readahead_control {
	struct address_space *mapping;
	struct file_ra_state *ra;
	pgoff_t _index;			/* next page readahead_page() hands out */
	unsigned int _nr_pages;		/* pages left to hand out */
};

/* Default maximum window for mappings with ra_pages 0 (set_readahead_max_bytes()). */
extern unsigned int readahead_max_pages;
/* Set the default maximum in bytes (rounded down to pages; 0 turns readahead off).
 * Returns the pages taken. */
unsigned int set_readahead_max_bytes(unsigned long bytes);

/* An open file's readahead state starts empty, with its mapping's maximum. */
void file_ra_state_init(struct file_ra_state *ra, struct address_space *mapping);

/* The next page of the batch (locked, in the cache, with no extra reference), or NULL. */
struct page *readahead_page(struct readahead_control *rac);

static inline pgoff_t readahead_index(const struct readahead_control *rac)
{
	return rac->_index;
}

static inline unsigned int readahead_count(const struct readahead_control *rac)
{
	return rac->_nr_pages;
}

/* A read of @req_count pages at @index missed the cache: read it and what should follow. */
void page_cache_sync_readahead(struct address_space *mapping, struct file_ra_state *ra,
			       pgoff_t index, unsigned long req_count);
/* A read reached @page, which carries PG_readahead: start the next window early. */
void page_cache_async_readahead(struct address_space *mapping, struct file_ra_state *ra,
				struct page *page, pgoff_t index, unsigned long req_count);
/* MADV_WILLNEED / fadvise: read [@index, @index + @nr_to_read) whatever the state says.
 * Return 0, or -EINVAL when the mapping cannot read. */
int force_page_cache_readahead(struct address_space *mapping, struct file_ra_state *ra,
			       pgoff_t index, unsigned long nr_to_read);

/* ---- dirty pages and writeback (mm/page-writeback.c) ---------------------------------- */
enum writeback_sync_modes {
	WB_SYNC_NONE,			/* start what can be started; skip pages under I/O */
	WB_SYNC_ALL,			/* data integrity: wait for pages already under I/O */
};

struct writeback_control {
	long nr_to_write;		/* pages still to write (decremented) */
	u64 range_start, range_end;	/* byte range, inclusive */
	enum writeback_sync_modes sync_mode;
};

/* Mark @page dirty (and DIRTY in its mapping). True if it was clean. */
bool set_page_dirty(struct page *page);
/*
 * Before writing the locked @page: write-protect its ptes in shared mappings, moving their
 * dirty bits to the page (page_mkclean), then clear PG_dirty. True if it was dirty.
 */
bool clear_page_dirty_for_io(struct page *page);
/* Write I/O begins on the locked page / has ended (wake waiters). */
void set_page_writeback(struct page *page);
void end_page_writeback(struct page *page);
/* Remember a writeback error for the next fsync (AS_EIO / AS_ENOSPC). */
void mapping_set_error(struct address_space *mapping, int error);
/* Report and clear a remembered writeback error: 0, -EIO or -ENOSPC. */
int filemap_check_errors(struct address_space *mapping);

/* Call @writepage for every dirty page of @mapping in wbc's range (locked, dirty cleared
 * for I/O). Return 0 or the first error. */
int write_cache_pages(struct address_space *mapping, struct writeback_control *wbc,
		      int (*writepage)(struct page *page, struct writeback_control *wbc,
				       void *data),
		      void *data);
/* a_ops->writepages, or write_cache_pages() with a_ops->writepage. */
int do_writepages(struct address_space *mapping, struct writeback_control *wbc);
/* Start writing the dirty pages of bytes [@start, @end]. */
int filemap_fdatawrite_range(struct address_space *mapping, u64 start, u64 end);
/* Wait for writeback of [@start, @end] to finish; report errors (filemap_check_errors). */
int filemap_fdatawait_range(struct address_space *mapping, u64 start, u64 end);
/* Both: what msync(MS_SYNC), fsync and fdatasync need of the page cache. */
int filemap_write_and_wait_range(struct address_space *mapping, u64 start, u64 end);

static inline int filemap_write_and_wait(struct address_space *mapping)
{
	return filemap_write_and_wait_range(mapping, 0, ~0ULL);
}

/* Called after dirtying pages: start background writeback of @mapping when more than
 * dirty_background_pages (0: a tenth of RAM) are dirty. */
extern unsigned long dirty_background_pages;
void balance_dirty_pages_ratelimited(struct address_space *mapping);

/* Page-cache pages, dirty ones and ones under writeback (Linux's NR_FILE_PAGES,
 * NR_FILE_DIRTY, NR_WRITEBACK). */
extern unsigned long nr_file_pages, nr_file_dirty, nr_writeback;

/* ---- reclaim (mm/vmscan.c) ------------------------------------------------------------ */
/* Drop up to @nr_to_reclaim clean, otherwise unused page-cache pages, oldest first
 * (unmapping them where mapped). Return how many went. */
unsigned long shrink_page_cache(unsigned long nr_to_reclaim);
/*
 * alloc_page() that reclaims page-cache pages and tries again when memory is short. For
 * page-cache pages and user faults: the caller holds no page table lock and no page lock
 * of another page-cache page it would need to be dropped.
 */
struct page *alloc_page_reclaim(gfp_t gfp);
/* filemap.c: pages entering and leaving the cache go on and off the LRU list. */
void lru_cache_add(struct page *page);
void lru_cache_del(struct page *page);

/* Write-protect and clean every pte mapping @page in a shared VMA (mm/rmap.c). Return
 * true if one of them was dirty. */
bool page_mkclean(struct page *page);

#endif

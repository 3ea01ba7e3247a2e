// SPDX-License-Identifier: MIT
/*
 * The page cache, as Linux's mm/filemap.c: the page lock and sleeping on page bits,
 * adding, finding and removing the pages of an address_space, read() and write() through
 * the cache (filemap_read, generic_perform_write), and the file fault handlers: filemap_fault
 * (cache hit with async readahead, miss with sync read-around, I/O error, EOF, truncation
 * race), filemap_map_pages (fault-around) and filemap_page_mkwrite.
 *
 * One CPU, and the kernel runs with interrupts off: an I/O completion (which only sets
 * PG_uptodate, clears PG_locked / PG_writeback and the WRITEBACK mark, and wakes) never
 * interleaves with this code, so the tree needs no lock of its own.
 */
#include "internal.h"

unsigned long nr_file_pages, nr_file_dirty, nr_writeback;

/* ---- sleeping on page bits ----------------------------------------------------------- */

static const struct page_wait_ops *page_wait_ops;
/* The kernel's (guest/kernel/pagewait.c), used until someone sets others; a weak reference,
 * so NULL where it is not linked in (the host tests register theirs). */
extern const struct page_wait_ops kernel_page_wait_ops __attribute__((weak));

void set_page_wait_ops(const struct page_wait_ops *ops)
{
	page_wait_ops = ops;
}

static const struct page_wait_ops *wait_ops(void)
{
	return page_wait_ops ? page_wait_ops : &kernel_page_wait_ops;
}

void wait_on_page_bit(struct page *page, enum pageflags bit)
{
	while (PageFlag(page, bit)) {
		if (!wait_ops())
			panic("page %#lx: waiting for bit %d with no way to sleep",
			      page_to_pfn(page), bit);
		wait_ops()->wait(page, bit);
	}
}

/* @bit of @page has just been cleared: wake whoever sleeps on it. */
void wake_up_page(struct page *page, enum pageflags bit)
{
	if (wait_ops() && wait_ops()->wake)
		wait_ops()->wake(page, bit);
}

bool trylock_page(struct page *page)
{
	if (PageLocked(page))
		return false;
	SetPageFlag(page, PG_locked);
	return true;
}

void lock_page(struct page *page)
{
	while (!trylock_page(page))
		wait_on_page_bit(page, PG_locked);
}

void unlock_page(struct page *page)
{
	BUG_ON(!PageLocked(page));
	ClearPageFlag(page, PG_locked);
	wake_up_page(page, PG_locked);
}

/* ---- the cache itself ------------------------------------------------------------------ */

int add_to_page_cache(struct page *page, struct address_space *mapping, pgoff_t index,
		      gfp_t gfp)
{
	int err;

	BUG_ON(PageLocked(page) || PageAnon(page) || page->mapping);
	SetPageFlag(page, PG_locked);
	page->mapping = mapping;
	page->index = index;
	err = xa_insert(&mapping->i_pages, index, page, gfp);
	if (err) {
		page->mapping = NULL;
		ClearPageFlag(page, PG_locked);
		return err;
	}
	get_page(page);			/* the cache's reference */
	mapping->nrpages++;
	nr_file_pages++;
	lru_cache_add(page);
	return 0;
}

void delete_from_page_cache(struct page *page)
{
	struct address_space *mapping = page->mapping;

	BUG_ON(!PageLocked(page) || !mapping || page_mapcount(page) || PageWriteback(page));
	BUG_ON(xa_erase(&mapping->i_pages, page->index) != page);
	if (PageDirty(page)) {			/* cancel_dirty_page(): the data is dropped */
		ClearPageFlag(page, PG_dirty);
		nr_file_dirty--;
		inode_clean_check(mapping);	/* the erase took its DIRTY mark */
	}
	ClearPageFlag(page, PG_readahead);
	page->mapping = NULL;
	mapping->nrpages--;
	nr_file_pages--;
	lru_cache_del(page);
	put_page(page);
}

struct page *pagecache_get_page(struct address_space *mapping, pgoff_t index,
				unsigned int fgp_flags, gfp_t gfp)
{
	struct page *page;
	int err;

repeat:
	page = xa_load(&mapping->i_pages, index);
	if (page) {
		get_page(page);
		if (!(fgp_flags & (FGP_LOCK | FGP_CREAT)))
			return page;
		if (fgp_flags & FGP_NOWAIT) {
			if (!trylock_page(page)) {
				put_page(page);
				return NULL;
			}
		} else {
			lock_page(page);
		}
		if (page->mapping != mapping) {	/* truncated while we slept */
			unlock_page(page);
			put_page(page);
			goto repeat;
		}
		return page;
	}
	if (!(fgp_flags & FGP_CREAT))
		return NULL;
	page = alloc_page_reclaim(gfp);
	if (!page)
		return NULL;
	err = add_to_page_cache(page, mapping, index, gfp);
	if (err == -ENOMEM && shrink_page_cache(1))	/* no memory for a tree node */
		err = add_to_page_cache(page, mapping, index, gfp);
	if (err) {
		put_page(page);
		if (err == -EEXIST)
			goto repeat;
		return NULL;
	}
	return page;
}

/* Start reading the locked page and wait for it. 0, or -EIO when it is still not uptodate. */
static int filemap_read_page(struct page *page)
{
	struct address_space *mapping = page->mapping;
	int err = mapping->a_ops->readpage(page);

	if (err)
		return err;
	wait_on_page_locked(page);
	return PageUptodate(page) ? 0 : -EIO;
}

int read_mapping_page(struct address_space *mapping, pgoff_t index, struct page **pagep)
{
	struct page *page = pagecache_get_page(mapping, index, FGP_LOCK | FGP_CREAT, GFP_USER);
	int err;

	if (!page)
		return -ENOMEM;
	if (PageUptodate(page)) {
		unlock_page(page);
	} else {
		err = filemap_read_page(page);
		if (err) {
			put_page(page);
			return err;
		}
	}
	*pagep = page;
	return 0;
}

pgoff_t page_cache_next_miss(struct address_space *mapping, pgoff_t index,
			     unsigned long max_scan)
{
	while (max_scan-- && xa_load(&mapping->i_pages, index))
		index++;
	return index;
}

pgoff_t page_cache_prev_miss(struct address_space *mapping, pgoff_t index,
			     unsigned long max_scan)
{
	while (max_scan-- && xa_load(&mapping->i_pages, index))
		index--;
	return index;
}

/* ---- read() and write() ------------------------------------------------------------------ */

/* Copy @bytes at @offset of @page out to @i; return the bytes copied. */
static size_t copy_page_to_iter(struct page *page, size_t offset, size_t bytes,
				struct iov_iter *i)
{
	const char *from = (const char *)page_address(page) + offset;

	if (i->copy_out)
		bytes -= i->copy_out(i->buf, from, bytes);
	else
		memcpy(i->buf, from, bytes);
	i->buf += bytes;
	i->count -= bytes;
	return bytes;
}

long filemap_read(struct address_space *mapping, struct file_ra_state *ra, u64 *ppos,
		  struct iov_iter *iter)
{
	u64 pos = *ppos;
	long done = 0;
	int err = 0;

	while (iter->count && pos < mapping->i_size) {
		pgoff_t index = pos >> PAGE_SHIFT;
		pgoff_t last = (pos + iter->count + PAGE_SIZE - 1) >> PAGE_SHIFT;
		size_t offset, bytes, copied;
		struct page *page;

		page = find_get_page(mapping, index);
		if (!page) {
			page_cache_sync_readahead(mapping, ra, index, last - index);
			page = find_get_page(mapping, index);
		}
		if (!page) {			/* no readahead (off, or no memory): one page */
			err = read_mapping_page(mapping, index, &page);
			if (err)
				break;
		}
		if (PageReadahead(page))
			page_cache_async_readahead(mapping, ra, page, index, last - index);
		if (!PageUptodate(page)) {
			/* Under I/O (wait), or an earlier read failed (read it again, once). */
			wait_on_page_locked(page);
			lock_page(page);
			if (page->mapping != mapping) {	/* truncated: look again */
				unlock_page(page);
				put_page(page);
				continue;
			}
			if (PageUptodate(page))
				unlock_page(page);
			else
				err = filemap_read_page(page);
			if (err) {
				put_page(page);
				break;
			}
		}
		/* i_size may have shrunk while we waited: it decides what is readable. */
		if (pos >= mapping->i_size) {
			put_page(page);
			break;
		}
		offset = pos & ~PAGE_MASK;
		bytes = MIN(MIN(PAGE_SIZE - offset, iter->count), mapping->i_size - pos);
		copied = copy_page_to_iter(page, offset, bytes, iter);
		put_page(page);
		pos += copied;
		done += copied;
		if (copied < bytes) {
			err = -EFAULT;
			break;
		}
	}
	ra->prev_pos = pos;
	*ppos = pos;
	return done ? done : err;
}

int generic_write_begin(struct address_space *mapping, u64 pos, unsigned int len,
			struct page **pagep)
{
	unsigned int offset = pos & ~PAGE_MASK;
	struct page *page;
	int err;

	for (;;) {
		page = grab_cache_page_write_begin(mapping, pos >> PAGE_SHIFT);
		if (!page)
			return -ENOMEM;
		if (PageUptodate(page) || (offset == 0 && len == PAGE_SIZE))
			break;
		if ((pos & PAGE_MASK) >= mapping->i_size) {
			/* Nothing of this page is in the file yet: no need to read it. */
			memset(page_address(page), 0, PAGE_SIZE);
			SetPageUptodate(page);
			break;
		}
		err = filemap_read_page(page);		/* unlocks it */
		if (err) {
			put_page(page);
			return err;
		}
		lock_page(page);
		if (page->mapping == mapping)
			break;
		unlock_page(page);			/* truncated meanwhile: again */
		put_page(page);
	}
	*pagep = page;
	return 0;
}

int generic_write_end(struct address_space *mapping, u64 pos, unsigned int len,
		      unsigned int copied, struct page *page)
{
	if (!PageUptodate(page)) {
		/* A whole-page write that came up short leaves garbage: accept nothing. */
		if (copied < len)
			copied = 0;
		else
			SetPageUptodate(page);
	}
	if (copied) {
		if (pos + copied > mapping->i_size)
			mapping->i_size = pos + copied;
		set_page_dirty(page);
	}
	unlock_page(page);
	put_page(page);
	return copied;
}

long generic_perform_write(struct address_space *mapping, u64 *ppos, struct iov_iter *iter)
{
	const struct address_space_operations *a_ops = mapping->a_ops;
	struct page *bounce = NULL;
	u64 pos = *ppos;
	long written = 0;
	int status = 0;

	/*
	 * User data is copied into a bounce page before the page cache page is locked: a
	 * fault on the source (which may be a mapping of this very page) must never wait on
	 * a lock we hold. Linux pre-faults the source and copies with faults disabled.
	 */
	if (iter->copy_in && iter->count) {
		bounce = alloc_page(GFP_KERNEL);
		if (!bounce)
			return -ENOMEM;
	}
	while (iter->count) {
		unsigned int offset = pos & ~PAGE_MASK;
		unsigned int bytes = MIN(PAGE_SIZE - offset, iter->count);
		const char *src = iter->buf;
		struct page *page;
		int copied;

		if (bounce) {
			bytes -= iter->copy_in(page_address(bounce), iter->buf, bytes);
			if (!bytes) {
				status = -EFAULT;
				break;
			}
			src = page_address(bounce);
		}
		status = a_ops->write_begin(mapping, pos, bytes, &page);
		if (status)
			break;
		memcpy((char *)page_address(page) + offset, src, bytes);
		copied = a_ops->write_end(mapping, pos, bytes, bytes, page);
		if (copied < 0) {
			status = copied;
			break;
		}
		iter->buf += copied;
		iter->count -= copied;
		pos += copied;
		written += copied;
		if ((unsigned int)copied < bytes) {
			status = -EFAULT;
			break;
		}
		balance_dirty_pages_ratelimited(mapping);
	}
	if (bounce)
		put_page(bounce);
	*ppos = pos;
	return written ? written : status;
}

/* ---- the file fault handlers --------------------------------------------------------- */

/* mmap read-around: too many misses and it stops (Linux's MMAP_LOTSAMISS). */
#define MMAP_LOTSAMISS	100

/* A fault missed the cache: read around it, or follow the sequential stream. */
static void do_sync_mmap_readahead(struct vm_fault *vmf, struct address_space *mapping,
				   struct file_ra_state *ra)
{
	unsigned long vm_flags = vmf->vma->vm_flags;
	struct readahead_control rac = { .mapping = mapping, .ra = ra };

	if ((vm_flags & VM_RAND_READ) || !ra->ra_pages)
		return;
	if (vm_flags & VM_SEQ_READ) {
		page_cache_sync_readahead(mapping, ra, vmf->pgoff, ra->ra_pages);
		return;
	}
	if (ra->mmap_miss < MMAP_LOTSAMISS * 10)
		ra->mmap_miss++;
	if (ra->mmap_miss > MMAP_LOTSAMISS)
		return;
	/* Read-around: a window of ra_pages centred on the fault, the last quarter async. */
	ra->start = vmf->pgoff > ra->ra_pages / 2 ? vmf->pgoff - ra->ra_pages / 2 : 0;
	ra->size = ra->ra_pages;
	ra->async_size = ra->ra_pages / 4;
	rac._index = ra->start;
	page_cache_ra_window(&rac);
}

/* A fault found @page in the cache: if it carries the readahead mark, read further. */
static void do_async_mmap_readahead(struct vm_fault *vmf, struct address_space *mapping,
				    struct file_ra_state *ra, struct page *page)
{
	if ((vmf->vma->vm_flags & VM_RAND_READ) || !ra->ra_pages)
		return;
	if (ra->mmap_miss)
		ra->mmap_miss--;
	if (PageReadahead(page))
		page_cache_async_readahead(mapping, ra, page, vmf->pgoff, ra->ra_pages);
}

vm_fault_t filemap_fault(struct vm_fault *vmf)
{
	struct file *file = vmf->vma->vm_file;
	struct address_space *mapping = file_mapping(file);
	struct file_ra_state *ra = file_ra_state(file);
	pgoff_t index = vmf->pgoff;
	bool retried = false;
	vm_fault_t ret = 0;
	struct page *page;

	if (index >= PFN_UP(mapping->i_size))
		return VM_FAULT_SIGBUS;

	page = find_get_page(mapping, index);
	if (page) {
		if (!(vmf->flags & FAULT_FLAG_TRIED))
			do_async_mmap_readahead(vmf, mapping, ra, page);
		lock_page(page);
		/* Truncated while we slept on the lock? Then it is not the file's page. */
		if (page->mapping != mapping) {
			unlock_page(page);
			put_page(page);
			goto retry_find;
		}
	} else {
		/* Not in the cache at all: a major fault. */
		ret = VM_FAULT_MAJOR;
		do_sync_mmap_readahead(vmf, mapping, ra);
retry_find:
		/* Locked, and checked to be still in the mapping. */
		page = pagecache_get_page(mapping, index, FGP_CREAT, vmf->gfp_mask);
		if (!page)
			return VM_FAULT_OOM;
	}

	if (!PageUptodate(page)) {
		/*
		 * Readahead was off (VM_RAND_READ), or the read failed. Read it ourselves,
		 * synchronously: a second failure is the application's SIGBUS.
		 */
		if (retried) {
			unlock_page(page);
			put_page(page);
			return VM_FAULT_SIGBUS;
		}
		retried = true;
		ret |= VM_FAULT_MAJOR;
		ClearPageFlag(page, PG_readahead);
		filemap_read_page(page);	/* unlocks */
		put_page(page);
		goto retry_find;
	}
	/* i_size is checked again under the page lock: truncate takes the lock too. */
	if (index >= PFN_UP(mapping->i_size)) {
		unlock_page(page);
		put_page(page);
		return VM_FAULT_SIGBUS;
	}
	vmf->page = page;
	return ret | VM_FAULT_LOCKED;
}

vm_fault_t filemap_map_pages(struct vm_fault *vmf, pgoff_t start_pgoff, pgoff_t end_pgoff)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct address_space *mapping = file_mapping(vma->vm_file);
	struct file_ra_state *ra = file_ra_state(vma->vm_file);
	vm_fault_t ret = 0;
	struct page *page;
	pgoff_t index;

	if (!mapping->i_size)
		return 0;
	end_pgoff = MIN(end_pgoff, (pgoff_t)((mapping->i_size - 1) >> PAGE_SHIFT));
	spin_lock(&mm->page_table_lock);
	xa_for_each_range(&mapping->i_pages, index, page, start_pgoff, end_pgoff, XA_PRESENT) {
		unsigned long addr = vma->vm_start + ((index - vma->vm_pgoff) << PAGE_SHIFT);

		/* Only what needs no I/O and no decision: readahead marks go to ->fault. */
		if (!PageUptodate(page) || PageLocked(page) || PageReadahead(page))
			continue;
		vmf->pte = pte_offset_map(vmf->pmd, addr);
		if (!pte_none(ptep_get(vmf->pte)))
			continue;
		get_page(page);			/* the pte's reference */
		do_set_pte(vmf, page, addr);
		if (addr == vmf->address)
			ret = VM_FAULT_NOPAGE;
		if (ra->mmap_miss)
			ra->mmap_miss--;
	}
	spin_unlock(&mm->page_table_lock);
	vmf->pte = NULL;
	return ret;
}

vm_fault_t filemap_page_mkwrite(struct vm_fault *vmf)
{
	struct address_space *mapping = file_mapping(vmf->vma->vm_file);
	struct page *page = vmf->page;

	lock_page(page);
	if (page->mapping != mapping) {		/* truncated: let the access fault again */
		unlock_page(page);
		return VM_FAULT_NOPAGE;
	}
	set_page_dirty(page);
	/* Stable pages: no write into a page while it is on its way to the disk. */
	wait_on_page_writeback(page);
	return VM_FAULT_LOCKED;
}

const struct vm_operations_struct generic_file_vm_ops = {
	.fault = filemap_fault,
	.map_pages = filemap_map_pages,
	.page_mkwrite = filemap_page_mkwrite,
};

/*
 * Until the kernel's VFS maps files (it defines these for its struct file), no file VMA
 * can exist and these are never reached: weak stand-ins keep the kernel linking.
 */
__attribute__((weak)) struct address_space *file_mapping(struct file *file)
{
	panic("file_mapping: the VFS does not map files");
}

__attribute__((weak)) struct file_ra_state *file_ra_state(struct file *file)
{
	panic("file_ra_state: the VFS does not map files");
}

__attribute__((weak)) unsigned int file_fmode(struct file *file)
{
	return 0;		/* do_mmap() of a file: -EACCES */
}

__attribute__((weak)) int vfs_fsync_range(struct file *file, u64 start, u64 end, int datasync)
{
	return filemap_write_and_wait_range(file_mapping(file), start, end);
}

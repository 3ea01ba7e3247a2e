// SPDX-License-Identifier: MIT
/*
 * Dirty page-cache pages and their writeback, as Linux's mm/page-writeback.c: marking pages
 * dirty (with the DIRTY mark in the mapping), clear_page_dirty_for_io() which also
 * write-protects the page's shared ptes (so the next write through a mapping faults and
 * dirties it again), the PG_writeback state, write_cache_pages() / do_writepages(), the
 * fsync/msync helpers filemap_write_and_wait_range(), writeback error reporting, and
 * starting background writeback when too much is dirty; the periodic writeback settings
 * (the flusher's pass is mm/fs-writeback.c).
 */
#include "internal.h"

#define WB_ALL_PAGES	((long)(~0UL >> 1))

/* Background writeback starts when more than this many pages are dirty (0: 10% of RAM). */
unsigned long dirty_background_pages;

/* Linux's dirty_writeback_interval and dirty_expire_interval (centiseconds). */
unsigned int dirty_writeback_interval = DIRTY_WRITEBACK_CENTISECS;
unsigned int dirty_expire_interval = DIRTY_EXPIRE_CENTISECS;

static int set_centisecs(unsigned int *setting, unsigned long cs)
{
	if (cs > DIRTY_CENTISECS_MAX)
		return -EINVAL;
	*setting = cs;
	return 0;
}

int set_dirty_writeback_centisecs(unsigned long cs)
{
	return set_centisecs(&dirty_writeback_interval, cs);
}

int set_dirty_expire_centisecs(unsigned long cs)
{
	return set_centisecs(&dirty_expire_interval, cs);
}

bool set_page_dirty(struct page *page)
{
	struct address_space *mapping = page->mapping;

	if (PageDirty(page))
		return false;
	SetPageFlag(page, PG_dirty);
	if (mapping && !PageAnon(page)) {
		nr_file_dirty++;
		xa_set_mark(&mapping->i_pages, page->index, PAGECACHE_TAG_DIRTY);
		__mark_inode_dirty(mapping);
	}
	return true;
}

bool clear_page_dirty_for_io(struct page *page)
{
	struct address_space *mapping = page->mapping;

	BUG_ON(!PageLocked(page));
	/* A pte that is dirty or writable means data newer than what we are about to write
	 * may be (or come) there: fold it into PG_dirty and make the next write fault. */
	if (page_mkclean(page))
		set_page_dirty(page);
	if (!PageDirty(page))
		return false;
	ClearPageFlag(page, PG_dirty);
	if (mapping) {
		nr_file_dirty--;
		xa_clear_mark(&mapping->i_pages, page->index, PAGECACHE_TAG_DIRTY);
		inode_clean_check(mapping);
	}
	return true;
}

void set_page_writeback(struct page *page)
{
	BUG_ON(!PageLocked(page) || PageWriteback(page) || !page->mapping);
	SetPageFlag(page, PG_writeback);
	xa_set_mark(&page_mapping(page)->i_pages, page->index, PAGECACHE_TAG_WRITEBACK);
	nr_writeback++;
}

void end_page_writeback(struct page *page)
{
	BUG_ON(!PageWriteback(page));
	ClearPageFlag(page, PG_writeback);
	/* Truncation waits for writeback before removing a page: the mapping is still ours. */
	xa_clear_mark(&page_mapping(page)->i_pages, page->index, PAGECACHE_TAG_WRITEBACK);
	nr_writeback--;
	wake_up_page(page, PG_writeback);
}

void mapping_set_error(struct address_space *mapping, int error)
{
	if (!error)
		return;
	mapping->flags |= 1UL << (error == -ENOSPC ? AS_ENOSPC : AS_EIO);
}

int filemap_check_errors(struct address_space *mapping)
{
	int ret = 0;

	if (mapping->flags & (1UL << AS_ENOSPC))
		ret = -ENOSPC;
	if (mapping->flags & (1UL << AS_EIO))
		ret = -EIO;
	mapping->flags &= ~((1UL << AS_ENOSPC) | (1UL << AS_EIO));
	return ret;
}

int write_cache_pages(struct address_space *mapping, struct writeback_control *wbc,
		      int (*writepage)(struct page *page, struct writeback_control *wbc,
				       void *data),
		      void *data)
{
	pgoff_t index, end = wbc->range_end >> PAGE_SHIFT;
	struct page *page;
	int ret = 0, err;

	for (index = wbc->range_start >> PAGE_SHIFT; index <= end; index++) {
		page = xa_find(&mapping->i_pages, &index, end, PAGECACHE_TAG_DIRTY);
		if (!page)
			break;
		get_page(page);
		lock_page(page);
		if (page->mapping != mapping || !PageDirty(page))
			goto skip;		/* truncated or cleaned while we waited */
		if (PageWriteback(page)) {
			if (wbc->sync_mode == WB_SYNC_NONE)
				goto skip;
			wait_on_page_writeback(page);
		}
		if (!clear_page_dirty_for_io(page))
			goto skip;
		err = writepage(page, wbc, data);	/* unlocks */
		put_page(page);
		if (err && !ret)
			ret = err;
		if (--wbc->nr_to_write <= 0 && wbc->sync_mode == WB_SYNC_NONE)
			break;
		continue;
skip:
		unlock_page(page);
		put_page(page);
	}
	return ret;
}

static int __writepage(struct page *page, struct writeback_control *wbc, void *data)
{
	struct address_space *mapping = data;
	int err = mapping->a_ops->writepage(page, wbc);

	mapping_set_error(mapping, err);
	return err;
}

int do_writepages(struct address_space *mapping, struct writeback_control *wbc)
{
	if (mapping->a_ops->writepages)
		return mapping->a_ops->writepages(mapping, wbc);
	if (mapping->a_ops->writepage)
		return write_cache_pages(mapping, wbc, __writepage, mapping);
	return 0;
}

static int __filemap_fdatawrite_range(struct address_space *mapping, u64 start, u64 end,
				      enum writeback_sync_modes mode, long nr_to_write)
{
	struct writeback_control wbc = {
		.nr_to_write = nr_to_write,
		.range_start = start,
		.range_end = end,
		.sync_mode = mode,
	};

	if (!xa_marked(&mapping->i_pages, PAGECACHE_TAG_DIRTY))
		return 0;
	return do_writepages(mapping, &wbc);
}

int filemap_fdatawrite_range(struct address_space *mapping, u64 start, u64 end)
{
	return __filemap_fdatawrite_range(mapping, start, end, WB_SYNC_ALL, WB_ALL_PAGES);
}

int filemap_fdatawait_range(struct address_space *mapping, u64 start, u64 end)
{
	pgoff_t index, last = end >> PAGE_SHIFT;
	struct page *page;

	xa_for_each_range(&mapping->i_pages, index, page, start >> PAGE_SHIFT, last,
			  PAGECACHE_TAG_WRITEBACK) {
		get_page(page);
		wait_on_page_writeback(page);
		put_page(page);
	}
	return filemap_check_errors(mapping);
}

int filemap_write_and_wait_range(struct address_space *mapping, u64 start, u64 end)
{
	int err = filemap_fdatawrite_range(mapping, start, end), err2;

	if (err == -EIO) {
		filemap_check_errors(mapping);
		return err;
	}
	err2 = filemap_fdatawait_range(mapping, start, end);
	return err ? err : err2;
}

void balance_dirty_pages_ratelimited(struct address_space *mapping)
{
	unsigned long limit = dirty_background_pages ? dirty_background_pages :
			      totalram_pages / 10;

	/* Start (not wait for) writeback of this file: Linux's flusher, made synchronous. */
	if (nr_file_dirty > limit)
		__filemap_fdatawrite_range(mapping, 0, ~0ULL, WB_SYNC_NONE, 1024);
}

// SPDX-License-Identifier: MIT
/*
 * Host tests of the page cache (mm/filemap.c, mm/page-writeback.c, mm/truncate.c) on a
 * linfs file over the RAM disk: adding and finding pages and their references, the page
 * lock held across I/O and waiters woken by its completion, read errors, read() and
 * write() through the cache, dirty accounting and writeback (requests, errors reported
 * once), truncation, and reading a file larger than RAM (page-cache reclaim).
 */
#include "filemap_harness.h"

static bool test_add_find_delete(void)
{
	struct page *page, *found;

	ft_setup(16 * PAGE_SIZE);
	page = alloc_page(GFP_USER);
	CHECK(page);
	CHECK(add_to_page_cache(page, ft.mapping, 3, GFP_USER) == 0);
	CHECK(PageLocked(page) && page_ref_count(page) == 2 && page->index == 3);
	CHECK(page_mapping(page) == ft.mapping && ft.mapping->nrpages == 1 && nr_file_pages == 1);
	found = find_get_page(ft.mapping, 3);
	CHECK(found == page && page_ref_count(page) == 3);
	put_page(found);
	CHECK(!find_get_page(ft.mapping, 4));
	/* A second page at the same index is refused and left untouched. */
	found = alloc_page(GFP_USER);
	CHECK(add_to_page_cache(found, ft.mapping, 3, GFP_USER) == -EEXIST);
	CHECK(!PageLocked(found) && !found->mapping && page_ref_count(found) == 1);
	put_page(found);
	/* FGP_NOWAIT does not sleep on the locked page. */
	CHECK(!pagecache_get_page(ft.mapping, 3, FGP_LOCK | FGP_NOWAIT, 0));
	delete_from_page_cache(page);
	CHECK(!page->mapping && ft.mapping->nrpages == 0 && nr_file_pages == 0);
	CHECK(page_ref_count(page) == 1);
	unlock_page(page);
	put_page(page);
	CHECK(!find_get_page(ft.mapping, 3));
	return ft_teardown();
}

/* A page being read stays locked until the completion; waiting runs it. */
static bool test_lock_held_across_io(void)
{
	struct page *page;

	ft_setup(16 * PAGE_SIZE);
	page = pagecache_get_page(ft.mapping, 5, FGP_CREAT, GFP_USER);
	CHECK(page && PageLocked(page) && !PageUptodate(page));
	CHECK(linfs_aops.readpage(page) == 0);
	CHECK(ft.rd->npending == 1 && PageLocked(page) && !PageUptodate(page));
	CHECK(!trylock_page(page));
	lock_page(page);			/* sleeps: the "scheduler" completes the read */
	CHECK(unit_page_waits == 1 && ft.rd->npending == 0 && PageUptodate(page));
	CHECK(ft_is_pattern(page_address(page), 5 * PAGE_SIZE, PAGE_SIZE));
	unlock_page(page);
	put_page(page);
	return ft_teardown();
}

/* Waiting for a bit nothing will clear is a deadlock: the wait hook says so. */
static void wait_forever(void *arg)
{
	struct page *page = arg;

	lock_page(page);
}

static bool test_deadlock_detected(void)
{
	struct page *page;

	ft_setup(PAGE_SIZE);
	page = pagecache_get_page(ft.mapping, 0, FGP_CREAT, GFP_USER);
	CHECK(unit_catch_panic(wait_forever, page));
	CHECK(strstr(unit_panic_message(), "deadlock"));
	unlock_page(page);
	put_page(page);
	return ft_teardown();
}

static bool test_read_error_then_retry(void)
{
	struct page *page = NULL;

	ft_setup(16 * PAGE_SIZE);
	ft.rd->fail_start = 2 * PAGE_SIZE / SECTOR_SIZE;
	ft.rd->fail_end = 3 * PAGE_SIZE / SECTOR_SIZE;
	ft.rd->fail_reads = 1;
	CHECK(read_mapping_page(ft.mapping, 2, &page) == -EIO && !page);
	page = find_get_page(ft.mapping, 2);		/* left in the cache, not uptodate */
	CHECK(page && !PageUptodate(page) && !PageLocked(page));
	put_page(page);
	page = NULL;
	CHECK(read_mapping_page(ft.mapping, 2, &page) == 0 && PageUptodate(page));
	CHECK(ft.rd->reads == 2);
	put_page(page);
	return ft_teardown();
}

static bool test_read_whole_file(void)
{
	u64 size = 300 * PAGE_SIZE + 123;
	unsigned char *buf = malloc(size + 100);
	long n;

	ft_setup(size);
	n = ft_read(0, buf, size + 100);
	CHECKF(n == (long)size, "read %ld", n);
	CHECK(ft_is_pattern(buf, 0, size));
	CHECK(ft_read(size, buf, 10) == 0 && ft_read(size + 5000, buf, 10) == 0);
	CHECK(ft.mapping->nrpages == 301 && nr_file_pages == 301);
	/* Again from the cache: no I/O. */
	n = ft.rd->reads;
	memset(buf, 0, size);
	CHECK(ft_read(0, buf, size) == (long)size && ft_is_pattern(buf, 0, size));
	CHECK(ft.rd->reads == (unsigned long)n);
	/* An unaligned piece in the middle. */
	CHECK(ft_read(5 * PAGE_SIZE - 7, buf, 20) == 20);
	CHECK(ft_is_pattern(buf, 5 * PAGE_SIZE - 7, 20));
	free(buf);
	return ft_teardown();
}

static bool test_write_then_read(void)
{
	unsigned char in[3 * PAGE_SIZE], out[3 * PAGE_SIZE];
	u64 pos = 2 * PAGE_SIZE + 100;
	size_t i;

	ft_setup(8 * PAGE_SIZE);
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 31 + 5);
	CHECK(ft_write(pos, in, sizeof(in)) == (long)sizeof(in));
	/* Partial first and last pages were read before being written: 2 reads. */
	CHECK(ft.rd->reads == 2 && ft.rd->writes == 0);
	CHECK(nr_file_dirty == 4 && xa_marked(&ft.mapping->i_pages, PAGECACHE_TAG_DIRTY));
	CHECK(ft_read(pos, out, sizeof(out)) == (long)sizeof(out) && !memcmp(in, out, sizeof(in)));
	CHECK(ft_read(2 * PAGE_SIZE, out, 100) == 100 && ft_is_pattern(out, 2 * PAGE_SIZE, 100));
	CHECK(ft_read(pos + sizeof(in), out, 50) == 50 &&
	      ft_is_pattern(out, pos + sizeof(in), 50));
	/* Not on the disk yet; after writeback it is, and the pages are clean. */
	CHECK(ft.rd->data[pos] == ft_pattern(pos));
	CHECK(filemap_write_and_wait(ft.mapping) == 0);
	CHECK(!memcmp(ft.rd->data + pos, in, sizeof(in)));
	CHECK(ft.rd->writes == 4 && nr_file_dirty == 0 && nr_writeback == 0);
	CHECK(!xa_marked(&ft.mapping->i_pages, PAGECACHE_TAG_DIRTY));
	CHECK(!xa_marked(&ft.mapping->i_pages, PAGECACHE_TAG_WRITEBACK));
	/* Nothing dirty: nothing written. */
	CHECK(filemap_write_and_wait(ft.mapping) == 0 && ft.rd->writes == 4);
	return ft_teardown();
}

static bool test_write_extends_file(void)
{
	unsigned char buf[100], out[PAGE_SIZE];

	ft_setup(PAGE_SIZE + 10);
	memset(buf, 0xab, sizeof(buf));
	CHECK(ft_write(5 * PAGE_SIZE + 50, buf, sizeof(buf)) == 100);
	CHECK(ft.mapping->i_size == 5 * PAGE_SIZE + 150);
	/* The new page past the old end is not read from the disk: zeroes around the data. */
	CHECK(ft.rd->reads == 0);
	CHECK(ft_read(5 * PAGE_SIZE, out, PAGE_SIZE) == 150);
	CHECK(out[0] == 0 && out[49] == 0 && out[50] == 0xab && out[149] == 0xab);
	/* Writes past the maximum size fail without partial effects. */
	CHECK(ft_write(FT_DISK, buf, 1) == -EFBIG && ft.mapping->i_size == 5 * PAGE_SIZE + 150);
	return ft_teardown();
}

/* A failed write is reported by the next fsync, and only once. */
static bool test_writeback_error_reported_once(void)
{
	unsigned char buf[PAGE_SIZE];

	ft_setup(4 * PAGE_SIZE);
	memset(buf, 1, sizeof(buf));
	CHECK(ft_write(PAGE_SIZE, buf, sizeof(buf)) == PAGE_SIZE);
	ft.rd->fail_start = 0;
	ft.rd->fail_end = ~0ULL;
	ft.rd->fail_writes = 1;
	CHECK(filemap_write_and_wait(ft.mapping) == -EIO);
	CHECK(filemap_write_and_wait(ft.mapping) == 0);
	CHECK(nr_writeback == 0);
	return ft_teardown();
}

/* Writeback in WB_SYNC_ALL waits for a page already under writeback, then rewrites it. */
static bool test_redirty_during_writeback(void)
{
	unsigned char buf[PAGE_SIZE];
	struct page *page;

	ft_setup(PAGE_SIZE);
	memset(buf, 1, sizeof(buf));
	CHECK(ft_write(0, buf, sizeof(buf)) == PAGE_SIZE);
	CHECK(filemap_fdatawrite_range(ft.mapping, 0, ~0ULL) == 0);
	page = find_get_page(ft.mapping, 0);
	CHECK(PageWriteback(page) && !PageDirty(page) && ft.rd->npending == 1);
	memset(buf, 2, sizeof(buf));
	CHECK(ft_write(0, buf, sizeof(buf)) == PAGE_SIZE && PageDirty(page));
	CHECK(filemap_write_and_wait(ft.mapping) == 0);
	CHECK(ft.rd->writes == 2 && ft.rd->data[0] == 2 && !PageWriteback(page));
	put_page(page);
	return ft_teardown();
}

static bool test_truncate(void)
{
	static unsigned char buf[10 * PAGE_SIZE];
	struct page *page;

	ft_setup(10 * PAGE_SIZE);
	CHECK(ft_read(0, buf, sizeof(buf)) == sizeof(buf));
	CHECK(ft.mapping->nrpages == 10);
	page = find_get_page(ft.mapping, 7);
	truncate_setsize(ft.mapping, 3 * PAGE_SIZE + 100);
	CHECK(ft.mapping->i_size == 3 * PAGE_SIZE + 100 && ft.mapping->nrpages == 4);
	CHECK(!page->mapping && page_ref_count(page) == 1);	/* only ours is left */
	put_page(page);
	CHECK(ft_read(3 * PAGE_SIZE, buf, PAGE_SIZE) == 100);
	CHECK(ft_read(4 * PAGE_SIZE, buf, 1) == 0);
	/* Growing again shows zeroes past the old end, not the stale page tail. */
	truncate_setsize(ft.mapping, 4 * PAGE_SIZE);
	CHECK(ft_read(3 * PAGE_SIZE, buf, PAGE_SIZE) == PAGE_SIZE);
	CHECK(ft_is_pattern(buf, 3 * PAGE_SIZE, 100) && buf[100] == 0 && buf[PAGE_SIZE - 1] == 0);
	/* Truncation waits for a page under writeback before it drops it. */
	CHECK(ft_write(0, buf, 10) == 10);
	CHECK(filemap_fdatawrite_range(ft.mapping, 0, ~0ULL) == 0 && ft.rd->npending == 1);
	truncate_setsize(ft.mapping, 0);
	CHECK(ft.rd->npending == 0 && ft.mapping->nrpages == 0 && nr_writeback == 0);
	return ft_teardown();
}

/* read() of a file four times larger than RAM: old clean pages make room for new ones. */
static bool test_read_larger_than_ram(void)
{
	static unsigned char buf[64 * 1024];
	u64 size = 12UL << 20, pos;

	ft_setup_arena(size, 3UL << 20);
	for (pos = 0; pos < size; pos += sizeof(buf)) {
		CHECK(ft_read(pos, buf, sizeof(buf)) == sizeof(buf));
		CHECK(ft_is_pattern(buf, pos, sizeof(buf)));
	}
	CHECK(nr_file_pages < (3UL << 20) / PAGE_SIZE && ft.rd->read_bytes == size);
	/* Dirty pages are never dropped: written data survives memory pressure. */
	memset(buf, 0x3c, sizeof(buf));
	CHECK(ft_write(0, buf, sizeof(buf)) == sizeof(buf));
	for (pos = sizeof(buf); pos < size; pos += sizeof(buf))
		CHECK(ft_read(pos, buf, sizeof(buf)) == sizeof(buf));
	CHECK(ft.rd->data[0] != 0x3c && filemap_write_and_wait(ft.mapping) == 0);
	CHECK(ft.rd->data[0] == 0x3c && ft.rd->data[sizeof(buf) - 1] == 0x3c);
	return ft_teardown();
}

int main(void)
{
	tap_plan(11);
	TAP_RUN(test_add_find_delete);
	TAP_RUN(test_lock_held_across_io);
	TAP_RUN(test_deadlock_detected);
	TAP_RUN(test_read_error_then_retry);
	TAP_RUN(test_read_whole_file);
	TAP_RUN(test_write_then_read);
	TAP_RUN(test_write_extends_file);
	TAP_RUN(test_writeback_error_reported_once);
	TAP_RUN(test_redirty_during_writeback);
	TAP_RUN(test_truncate);
	TAP_RUN(test_read_larger_than_ram);
	return tap_finish();
}

// SPDX-License-Identifier: MIT
/*
 * Readahead, as Linux's mm/readahead.c: a per-file window (start, size, async_size) that
 * a cache miss opens (synchronous readahead) and that reaching the PG_readahead page of
 * the current window pushes forward (asynchronous readahead), growing x4 then x2 up to the
 * maximum (get_init_ra_size, get_next_ra_size); random reads read only what was asked;
 * MADV_WILLNEED forces a range in. New pages are added locked and handed to the
 * filesystem in contiguous batches (a_ops->readahead), so that one request covers a
 * window rather than one request per page.
 */
#include "internal.h"

unsigned int readahead_max_pages = VM_READAHEAD_PAGES;

/* Largest window accepted from the command line: 4 MiB (Linux has no fixed limit). */
#define READAHEAD_MAX_LIMIT	1024U

unsigned int set_readahead_max_bytes(unsigned long bytes)
{
	unsigned long pages = bytes >> PAGE_SHIFT;

	readahead_max_pages = MIN(pages, (unsigned long)READAHEAD_MAX_LIMIT);
	return readahead_max_pages;
}

void file_ra_state_init(struct file_ra_state *ra, struct address_space *mapping)
{
	memset(ra, 0, sizeof(*ra));
	ra->ra_pages = mapping->ra_pages ? mapping->ra_pages : readahead_max_pages;
	ra->prev_pos = ~0ULL;
}

struct page *readahead_page(struct readahead_control *rac)
{
	struct page *page;

	if (!rac->_nr_pages)
		return NULL;
	page = xa_load(&rac->mapping->i_pages, rac->_index);
	BUG_ON(!page || !PageLocked(page) || PageUptodate(page));
	rac->_index++;
	rac->_nr_pages--;
	return page;
}

/*
 * Hand the batch [rac->_index, + rac->_nr_pages) (locked, new pages) to the filesystem.
 * Pages its ->readahead leaves are unlocked without data: whoever needs one reads it with
 * ->readpage. Without ->readahead, each page goes to ->readpage.
 */
static void read_pages(struct readahead_control *rac)
{
	const struct address_space_operations *a_ops = rac->mapping->a_ops;
	struct page *page;

	if (!readahead_count(rac))
		return;
	if (a_ops->readahead) {
		a_ops->readahead(rac);
		while ((page = readahead_page(rac)) != NULL) {
			ClearPageFlag(page, PG_readahead);
			unlock_page(page);
		}
	} else {
		while ((page = readahead_page(rac)) != NULL)
			a_ops->readpage(page);
	}
}

/*
 * Add and read the pages of [index, index + @nr_to_read) that are not cached, where index
 * is readahead_index(@rac); the page @lookahead_size before the end gets PG_readahead.
 * Cached pages split the batches. Stops quietly when memory runs out.
 */
static void page_cache_ra_unbounded(struct readahead_control *rac, unsigned long nr_to_read,
				    unsigned long lookahead_size)
{
	struct address_space *mapping = rac->mapping;
	pgoff_t index = readahead_index(rac);
	unsigned long i;

	rac->_nr_pages = 0;
	for (i = 0; i < nr_to_read; i++) {
		struct page *page = xa_load(&mapping->i_pages, index + i);

		if (page) {
			read_pages(rac);
			rac->_index = index + i + 1;
			continue;
		}
		page = alloc_page_reclaim(GFP_USER | __GFP_NOWARN);
		if (!page)
			break;
		if (add_to_page_cache(page, mapping, index + i, GFP_USER | __GFP_NOWARN)) {
			put_page(page);
			break;
		}
		/* The cache's reference is enough: the page stays locked until its read ends. */
		put_page(page);
		if (i == nr_to_read - lookahead_size)
			SetPageFlag(page, PG_readahead);
		rac->_nr_pages++;
	}
	read_pages(rac);
}

/* page_cache_ra_unbounded() clamped to the end of the file. */
static void do_page_cache_ra(struct readahead_control *rac, unsigned long nr_to_read,
			     unsigned long lookahead_size)
{
	u64 isize = rac->mapping->i_size;
	pgoff_t index = readahead_index(rac), end_index;

	if (!isize)
		return;
	end_index = (isize - 1) >> PAGE_SHIFT;
	if (index > end_index)
		return;
	if (nr_to_read > end_index - index)
		nr_to_read = end_index - index + 1;
	page_cache_ra_unbounded(rac, nr_to_read, lookahead_size);
}

void page_cache_ra_window(struct readahead_control *rac)
{
	struct file_ra_state *ra = rac->ra;

	rac->_index = ra->start;
	do_page_cache_ra(rac, ra->size, ra->async_size);
}

/* 2 MiB at a time, as Linux's force_page_cache_ra(). */
#define FORCE_RA_CHUNK	((2UL << 20) >> PAGE_SHIFT)

/* Read [index, index + @nr_to_read) in chunks, ignoring the readahead state. */
static void force_page_cache_ra(struct readahead_control *rac, unsigned long nr_to_read)
{
	pgoff_t index = readahead_index(rac);

	while (nr_to_read) {
		unsigned long chunk = MIN(nr_to_read, FORCE_RA_CHUNK);

		rac->_index = index;
		do_page_cache_ra(rac, chunk, 0);
		index += chunk;
		nr_to_read -= chunk;
	}
}

/* The first window: 4x a small request, 2x a medium one, the maximum for a large one. */
static unsigned long get_init_ra_size(unsigned long size, unsigned long max)
{
	unsigned long newsize = 1;

	while (newsize < size)		/* roundup_pow_of_two */
		newsize <<= 1;
	if (newsize <= max / 32)
		newsize *= 4;
	else if (newsize <= max / 4)
		newsize *= 2;
	else
		newsize = max;
	return newsize;
}

/* Each following window: 4x while small, then 2x, capped at the maximum. */
static unsigned long get_next_ra_size(const struct file_ra_state *ra, unsigned long max)
{
	unsigned long cur = ra->size;

	if (cur < max / 16)
		return 4 * cur;
	if (cur <= max / 2)
		return 2 * cur;
	return max;
}

/* Cached pages just before @index: the trace a sequential reader leaves behind. */
static pgoff_t count_history_pages(struct address_space *mapping, pgoff_t index,
				   unsigned long max)
{
	pgoff_t head = page_cache_prev_miss(mapping, index - 1, max);

	return index - 1 - head;
}

/* A miss with no matching state: if the pages before it are cached, treat it as a stream
 * (interleaved readers of one file). Return true with a window set up. */
static bool try_context_readahead(struct address_space *mapping, struct file_ra_state *ra,
				  pgoff_t index, unsigned long req_size, unsigned long max)
{
	pgoff_t size = count_history_pages(mapping, index, max);

	if (size <= req_size)
		return false;		/* not enough history: a random read */
	if (size >= index)
		size *= 2;		/* cached from the start: a whole-file reader */
	ra->start = index;
	ra->size = MIN(size + req_size, max);
	ra->async_size = 1;
	return true;
}

/*
 * The readahead decision (Linux's ondemand_readahead): @page is the PG_readahead page that
 * was hit (async), or NULL for a miss (sync); @req_size the pages the reader wants.
 */
static void ondemand_readahead(struct readahead_control *rac, struct page *page,
			       unsigned long req_size)
{
	struct file_ra_state *ra = rac->ra;
	unsigned long max_pages = ra->ra_pages, add_pages;
	pgoff_t index = readahead_index(rac), prev_index;

	if (!index)
		goto initial_readahead;		/* start of file */

	/* The expected marker, or the end of the window: sequential. Push it forward. */
	if (index == ra->start + ra->size - ra->async_size || index == ra->start + ra->size) {
		ra->start += ra->size;
		ra->size = get_next_ra_size(ra, max_pages);
		ra->async_size = ra->size;
		goto readit;
	}

	/* A marker without matching state (interleaved readers): find where the cached
	 * run ends and continue from there. */
	if (page) {
		pgoff_t start = page_cache_next_miss(rac->mapping, index + 1, max_pages);

		if (!start || start - index > max_pages)
			return;
		ra->start = start;
		ra->size = start - index;	/* the old async_size */
		ra->size += req_size;
		ra->size = get_next_ra_size(ra, max_pages);
		ra->async_size = ra->size;
		goto readit;
	}

	if (req_size > max_pages)
		goto initial_readahead;		/* oversize read */

	/* Sequential miss: the next page, or the same one (unaligned reads). */
	prev_index = ra->prev_pos >> PAGE_SHIFT;
	if (index - prev_index <= 1UL)
		goto initial_readahead;

	if (try_context_readahead(rac->mapping, ra, index, req_size, max_pages))
		goto readit;

	/* Standalone small random read: read what was asked and leave the state alone. */
	do_page_cache_ra(rac, req_size, 0);
	return;

initial_readahead:
	ra->start = index;
	ra->size = get_init_ra_size(req_size, max_pages);
	ra->async_size = ra->size > req_size ? ra->size - req_size : ra->size;

readit:
	/* Would this read hit its own marker at once? Then merge the next window in now. */
	if (index == ra->start && ra->size == ra->async_size) {
		add_pages = get_next_ra_size(ra, max_pages);
		if (ra->size + add_pages <= max_pages) {
			ra->async_size = add_pages;
			ra->size += add_pages;
		} else {
			ra->size = max_pages;
			ra->async_size = max_pages >> 1;
		}
	}
	page_cache_ra_window(rac);
}

void page_cache_sync_readahead(struct address_space *mapping, struct file_ra_state *ra,
			       pgoff_t index, unsigned long req_count)
{
	struct readahead_control rac = { .mapping = mapping, .ra = ra, ._index = index };

	/* Readahead off: still read the page asked for, as a readahead of one. */
	if (!ra->ra_pages) {
		force_page_cache_ra(&rac, 1);
		return;
	}
	ondemand_readahead(&rac, NULL, req_count);
}

void page_cache_async_readahead(struct address_space *mapping, struct file_ra_state *ra,
				struct page *page, pgoff_t index, unsigned long req_count)
{
	struct readahead_control rac = { .mapping = mapping, .ra = ra, ._index = index };

	if (!ra->ra_pages || PageWriteback(page))
		return;
	ClearPageFlag(page, PG_readahead);
	ondemand_readahead(&rac, page, req_count);
}

int force_page_cache_readahead(struct address_space *mapping, struct file_ra_state *ra,
			       pgoff_t index, unsigned long nr_to_read)
{
	struct readahead_control rac = { .mapping = mapping, .ra = ra, ._index = index };

	if (!mapping->a_ops->readpage && !mapping->a_ops->readahead)
		return -EINVAL;
	force_page_cache_ra(&rac, nr_to_read);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * Periodic writeback, as Linux's fs/fs-writeback.c: the dirty list of mappings kept in
 * dirtied_when order (__mark_inode_dirty, inode_io_list_del), the flusher's pass over the
 * mappings that expired (wb_writeback with for_kupdate, move_expired_inodes,
 * requeue_inode) and its re-arming while anything stays dirty (wb_workfn,
 * wb_wakeup_delayed). One CPU and no preemption: the lists need no lock, but a pass may
 * sleep in I/O, so it takes one mapping at a time off a private list.
 */
#include "internal.h"

#define NSEC_PER_CENTISEC	10000000ULL
#define WB_ALL_PAGES		((long)(~0UL >> 1))

void wb_init(struct bdi_writeback *wb,
	     void (*wakeup_delayed)(struct bdi_writeback *wb, u64 delay_ns))
{
	INIT_LIST_HEAD(&wb->b_dirty);
	wb->metadata = NULL;
	wb->wakeup_delayed = wakeup_delayed;
}

void inode_attach_wb(struct address_space *mapping, struct bdi_writeback *wb)
{
	BUG_ON(!list_empty(&mapping->i_io_list));
	mapping->wb = wb;
	if (wb && xa_marked(&mapping->i_pages, PAGECACHE_TAG_DIRTY))
		__mark_inode_dirty(mapping);
}

void inode_io_list_del(struct address_space *mapping)
{
	list_del_init(&mapping->i_io_list);
}

void wb_wakeup_delayed(struct bdi_writeback *wb)
{
	if (dirty_writeback_interval && wb->wakeup_delayed)
		wb->wakeup_delayed(wb, dirty_writeback_interval * NSEC_PER_CENTISEC);
}

void __mark_inode_dirty(struct address_space *mapping)
{
	struct bdi_writeback *wb = mapping->wb;
	bool wakeup;

	if (!wb || !list_empty(&mapping->i_io_list))
		return;
	wakeup = !wb_has_dirty_io(wb);
	mapping->dirtied_when = arch_clock_ns();
	list_add_tail(&mapping->i_io_list, &wb->b_dirty);
	if (wakeup)
		wb_wakeup_delayed(wb);
}

void inode_clean_check(struct address_space *mapping)
{
	if (!xa_marked(&mapping->i_pages, PAGECACHE_TAG_DIRTY))
		list_del_init(&mapping->i_io_list);
}

/*
 * Back on @wb's list, in dirtied_when order (Linux's redirty_tail keeps the order by
 * refreshing the stamp; here the stamp stays, so that old dirt is not made young).
 */
static void wb_requeue(struct bdi_writeback *wb, struct address_space *mapping)
{
	struct list_head *pos = wb->b_dirty.prev;

	while (pos != &wb->b_dirty &&
	       list_entry(pos, struct address_space, i_io_list)->dirtied_when >
	       mapping->dirtied_when)
		pos = pos->prev;
	list_add(&mapping->i_io_list, pos);
}

/* Write one mapping's dirty pages without waiting (Linux's __writeback_single_inode). */
static long writeback_single_mapping(struct bdi_writeback *wb, struct address_space *mapping)
{
	struct writeback_control wbc = {
		.nr_to_write = WB_ALL_PAGES,
		.range_start = 0,
		.range_end = ~0ULL,
		.sync_mode = WB_SYNC_NONE,
	};

	list_del_init(&mapping->i_io_list);
	mapping->flags |= 1UL << AS_WB_RUNNING;
	do_writepages(mapping, &wbc);		/* errors wait in mapping->flags for fsync */
	mapping->flags &= ~(1UL << AS_WB_RUNNING);
	/* Pages skipped (under writeback) or redirtied meanwhile: keep it listed. */
	if (xa_marked(&mapping->i_pages, PAGECACHE_TAG_DIRTY) && list_empty(&mapping->i_io_list))
		wb_requeue(wb, mapping);
	return WB_ALL_PAGES - wbc.nr_to_write;
}

long wb_writeback(struct bdi_writeback *wb, u64 older_than_ns)
{
	struct address_space *mapping, *meta = wb->metadata;
	LIST_HEAD(b_io);
	bool meta_due = false;
	long written = 0;

	/* move_expired_inodes(): the list is in dirtied_when order. */
	while (wb_has_dirty_io(wb)) {
		mapping = list_first_entry(&wb->b_dirty, struct address_space, i_io_list);
		if (mapping->dirtied_when > older_than_ns)
			break;
		list_del_init(&mapping->i_io_list);
		list_add_tail(&mapping->i_io_list, &b_io);
	}
	/* One at a time from the head: others may come and go while a write sleeps. */
	while (!list_empty(&b_io)) {
		mapping = list_first_entry(&b_io, struct address_space, i_io_list);
		if (mapping == meta) {
			list_del_init(&mapping->i_io_list);
			wb_requeue(wb, mapping);	/* written below, last */
			meta_due = true;
			continue;
		}
		written += writeback_single_mapping(wb, mapping);
	}
	if (meta && (written || meta_due) && xa_marked(&meta->i_pages, PAGECACHE_TAG_DIRTY))
		written += writeback_single_mapping(wb, meta);
	return written;
}

long wb_workfn(struct bdi_writeback *wb)
{
	u64 now = arch_clock_ns(), expire = dirty_expire_interval * NSEC_PER_CENTISEC;
	long written = 0;

	if (now >= expire)
		written = wb_writeback(wb, now - expire);
	if (wb_has_dirty_io(wb))
		wb_wakeup_delayed(wb);
	return written;
}

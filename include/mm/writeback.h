/* SPDX-License-Identifier: MIT */
/*
 * Periodic writeback of dirty page cache, as Linux's <linux/writeback.h> and
 * <linux/backing-dev.h> (mm/fs-writeback.c): a mapping that goes from clean to dirty joins
 * its bdi_writeback's dirty list stamped with dirtied_when (__mark_inode_dirty); the
 * flusher, woken dirty_writeback_interval after the list became non-empty and again every
 * interval while it stays so (wb_wakeup_delayed), writes the mappings dirtied more than
 * dirty_expire_interval ago (wb_workfn -> wb_writeback). A mapping leaves the list when
 * its last dirty page is cleaned (by writeback, fsync or truncation). The kernel provides
 * the clock (arch_clock_ns, mm_arch.h) and what runs wb_workfn (a thread woken by a timer).
 */
#ifndef MM_WRITEBACK_H
#define MM_WRITEBACK_H

#include <kern/types.h>
#include <mm/list.h>
#include <mm/fs.h>

struct bdi_writeback {
	struct list_head b_dirty;	/* dirty mappings, oldest dirtied_when first */
	/*
	 * Written at the end of every pass that wrote other mappings, expired or not: the
	 * filesystem's metadata cache (ext2's block device), which writing data may dirty
	 * (block allocation), so that a pass leaves data and metadata consistent. NULL: none.
	 */
	struct address_space *metadata;
	/* Run wb_workfn(wb) in about @delay_ns (arm the flusher); NULL: the caller drives. */
	void (*wakeup_delayed)(struct bdi_writeback *wb, u64 delay_ns);
};

/* Linux's vm.dirty_writeback_centisecs and vm.dirty_expire_centisecs, and defaults. */
#define DIRTY_WRITEBACK_CENTISECS	500
#define DIRTY_EXPIRE_CENTISECS		3000
#define DIRTY_CENTISECS_MAX		8640000		/* a day */
extern unsigned int dirty_writeback_interval;	/* centiseconds; 0: no periodic writeback */
extern unsigned int dirty_expire_interval;	/* centiseconds */
/* Set them: 0, or -EINVAL above DIRTY_CENTISECS_MAX (nothing changes). */
int set_dirty_writeback_centisecs(unsigned long cs);
int set_dirty_expire_centisecs(unsigned long cs);

void wb_init(struct bdi_writeback *wb,
	     void (*wakeup_delayed)(struct bdi_writeback *wb, u64 delay_ns));
/* From now on @mapping's dirtying puts it on @wb's dirty list (Linux: inode_attach_wb). */
void inode_attach_wb(struct address_space *mapping, struct bdi_writeback *wb);
/* Take @mapping off its dirty list, dirty or not (before it is freed). */
void inode_io_list_del(struct address_space *mapping);
/*
 * @mapping got its first dirty page (set_page_dirty calls it): stamp dirtied_when and put
 * it at the tail of its wb's dirty list; if that list was empty, wake the flusher after
 * dirty_writeback_interval. Nothing if it is already listed or has no wb.
 */
void __mark_inode_dirty(struct address_space *mapping);
/* Linux's wb_wakeup_delayed(): ask for wb_workfn() in one dirty_writeback_interval (none
 * when that is 0 or @wb has no wakeup). */
void wb_wakeup_delayed(struct bdi_writeback *wb);
/* @mapping may have lost its last dirty page: take it off the list if so. */
void inode_clean_check(struct address_space *mapping);

/*
 * Is the flusher inside @mapping (it may sleep there)? Its owner must then not free it:
 * Linux's evict() waits for I_SYNC; ext2 keeps the inode until unmount instead.
 */
static inline bool mapping_wb_running(const struct address_space *mapping)
{
	return mapping->flags & (1UL << AS_WB_RUNNING);
}

static inline bool wb_has_dirty_io(const struct bdi_writeback *wb)
{
	return !list_empty(&wb->b_dirty);
}

/*
 * Write back (WB_SYNC_NONE: start the I/O, wait for nothing) every mapping on @wb's list
 * dirtied at or before @older_than_ns, oldest first, then wb->metadata if anything was
 * written; a mapping still dirty afterwards stays listed. Returns pages written.
 */
long wb_writeback(struct bdi_writeback *wb, u64 older_than_ns);
/*
 * The flusher's work (Linux's wb_workfn with wb_check_old_data_flush): write what expired
 * by now, then, while anything is dirty, ask to run again in dirty_writeback_interval.
 * Returns pages written.
 */
long wb_workfn(struct bdi_writeback *wb);

#endif

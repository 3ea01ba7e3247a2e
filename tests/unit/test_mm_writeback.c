// SPDX-License-Identifier: MIT
/*
 * Periodic writeback (mm/fs-writeback.c) on a fake clock: a mapping dirtied at t is not
 * written before t + dirty_expire_interval and is written at it, leaves the dirty list
 * once clean (by writeback, fsync or truncation), gets a new dirtied_when when dirtied
 * again, passes go oldest first, the metadata mapping is written last by any pass that
 * wrote data, the flusher is armed only while something is dirty (tickless), and periodic
 * writeback write-protects shared-mapped pages so the next write faults and re-dirties.
 */
#include "filemap_harness.h"
#include <mm/writeback.h>

#define CS		10000000ULL	/* a centisecond in ns */
#define RW		(PROT_READ | PROT_WRITE)
#define SHARED		(MAP_SHARED | MAP_FIXED)
#define META_BASE	(8UL << 20)	/* the second linfs file's place on the disk */

static struct bdi_writeback wb;
static unsigned int nr_wakeups;
static u64 last_delay;

static void count_wakeup(struct bdi_writeback *w, u64 delay_ns)
{
	if (w != &wb)
		abort();
	nr_wakeups++;
	last_delay = delay_ns;
}

/* ft's file on a fresh wb with the default intervals, at time @t0. */
static void wb_setup(u64 t0)
{
	ft_setup(16 * PAGE_SIZE);
	unit_clock_ns = t0;
	dirty_writeback_interval = DIRTY_WRITEBACK_CENTISECS;
	dirty_expire_interval = DIRTY_EXPIRE_CENTISECS;
	wb_init(&wb, count_wakeup);
	nr_wakeups = 0;
	last_delay = 0;
	inode_attach_wb(ft.mapping, &wb);
}

static bool wb_teardown(void)
{
	inode_io_list_del(ft.mapping);
	return ft_teardown();
}

static bool dirty_byte(u64 pos, unsigned char v)
{
	return ft_write(pos, &v, 1) == 1;
}

static bool listed(struct address_space *mapping)
{
	struct address_space *m;

	list_for_each_entry(m, &wb.b_dirty, i_io_list)
		if (m == mapping)
			return true;
	return false;
}

/* Run the flusher at @t and complete its I/O; return the pages it wrote. */
static long flush_at(u64 t)
{
	long n;

	unit_clock_ns = t;
	n = wb_workfn(&wb);
	rambd_run(ft.rd);
	return n;
}

static bool test_expire(void)
{
	const u64 t = 7 * CS, expire = DIRTY_EXPIRE_CENTISECS * CS;

	wb_setup(t);
	CHECK(!wb_has_dirty_io(&wb) && nr_wakeups == 0);
	CHECK(dirty_byte(2 * PAGE_SIZE + 5, 0x5a));
	CHECK(listed(ft.mapping) && ft.mapping->dirtied_when == t);
	/* Clean -> dirty armed the flusher once, for one writeback interval. */
	CHECK(nr_wakeups == 1 && last_delay == DIRTY_WRITEBACK_CENTISECS * CS);
	CHECK(dirty_byte(9 * PAGE_SIZE, 0x5b) && nr_wakeups == 1);
	/* Not before t + expire: nothing written, still listed, flusher re-armed. */
	CHECK(flush_at(t + expire - 1) == 0 && ft.rd->writes == 0);
	CHECK(listed(ft.mapping) && nr_wakeups == 2 && nr_file_dirty == 2);
	/* At t + expire: both pages, and the mapping leaves the list; no re-arm. */
	CHECK(flush_at(t + expire) == 2 && ft.rd->writes >= 1 && nr_file_dirty == 0);
	CHECK(ft.rd->data[2 * PAGE_SIZE + 5] == 0x5a && ft.rd->data[9 * PAGE_SIZE] == 0x5b);
	CHECK(!listed(ft.mapping) && !wb_has_dirty_io(&wb) && nr_wakeups == 2);
	/* Nothing dirty: a pass writes nothing and does not arm the flusher (tickless). */
	CHECK(flush_at(t + 10 * expire) == 0 && nr_wakeups == 2);
	return wb_teardown();
}

static bool test_redirty_new_stamp(void)
{
	const u64 expire = DIRTY_EXPIRE_CENTISECS * CS;

	wb_setup(CS);
	CHECK(dirty_byte(0, 1) && ft.mapping->dirtied_when == CS);
	/* More dirt while listed keeps the first stamp (the oldest dirt decides). */
	unit_clock_ns = 2 * CS;
	CHECK(dirty_byte(PAGE_SIZE, 2) && ft.mapping->dirtied_when == CS);
	CHECK(flush_at(CS + expire) == 2 && !listed(ft.mapping));
	/* Dirtied again later: a new stamp, a new wakeup, and a new expiry. */
	unit_clock_ns = 5 * expire;
	CHECK(dirty_byte(0, 3) && listed(ft.mapping) && ft.mapping->dirtied_when == 5 * expire);
	CHECK(nr_wakeups == 2);
	CHECK(flush_at(6 * expire - 1) == 0 && listed(ft.mapping));
	CHECK(flush_at(6 * expire) == 1 && ft.rd->data[0] == 3 && !listed(ft.mapping));
	return wb_teardown();
}

static bool test_clean_leaves_list(void)
{
	wb_setup(0);
	/* fsync cleans it: off the list at once. */
	CHECK(dirty_byte(3 * PAGE_SIZE, 4) && listed(ft.mapping));
	CHECK(filemap_write_and_wait(ft.mapping) == 0 && !listed(ft.mapping));
	CHECK(!wb_has_dirty_io(&wb));
	/* Truncation drops the dirty page: off the list too, and nothing is written. */
	CHECK(dirty_byte(3 * PAGE_SIZE, 5) && listed(ft.mapping));
	truncate_inode_pages(ft.mapping, 0);
	CHECK(!listed(ft.mapping) && nr_file_dirty == 0);
	/* Still dirty after a partial clean: stays listed. */
	CHECK(dirty_byte(PAGE_SIZE, 6) && dirty_byte(8 * PAGE_SIZE, 7));
	CHECK(filemap_write_and_wait_range(ft.mapping, 0, 2 * PAGE_SIZE - 1) == 0);
	CHECK(listed(ft.mapping) && nr_file_dirty == 1);
	/* A mapping without a wb is never listed. */
	CHECK(filemap_write_and_wait(ft.mapping) == 0);
	inode_io_list_del(ft.mapping);
	ft.mapping->wb = NULL;
	CHECK(dirty_byte(0, 8) && list_empty(&ft.mapping->i_io_list) && !wb_has_dirty_io(&wb));
	CHECK(filemap_write_and_wait(ft.mapping) == 0);
	return wb_teardown();
}

/* Oldest first, only the expired ones; metadata goes last in any pass that wrote data. */
static bool test_order_and_metadata(void)
{
	const u64 expire = DIRTY_EXPIRE_CENTISECS * CS;
	struct linfs_file a, meta;
	struct bio *bio, *last = NULL;
	unsigned char v = 0x11;
	u64 pos = 0;
	struct iov_iter it;

	wb_setup(0);
	linfs_init(&a, ft.rd, 4UL << 20, 4 * PAGE_SIZE, 4 * PAGE_SIZE);
	linfs_init(&meta, ft.rd, META_BASE, 4 * PAGE_SIZE, 4 * PAGE_SIZE);
	inode_attach_wb(&a.mapping, &wb);
	inode_attach_wb(&meta.mapping, &wb);
	wb.metadata = &meta.mapping;
	/* ft's file at 0, meta at 10 cs, a at 20 cs. */
	CHECK(dirty_byte(0, 0x10));
	unit_clock_ns = 10 * CS;
	iov_iter_kvec(&it, &v, 1);
	CHECK(generic_perform_write(&meta.mapping, &pos, &it) == 1);
	unit_clock_ns = 20 * CS;
	pos = 0;
	iov_iter_kvec(&it, &v, 1);
	CHECK(generic_perform_write(&a.mapping, &pos, &it) == 1);
	CHECK(list_first_entry(&wb.b_dirty, struct address_space, i_io_list) == ft.mapping);
	CHECK(wb.b_dirty.prev == &a.mapping.i_io_list);
	/* At expire + 5 cs only ft's file expired; the metadata (not expired) follows it. */
	unit_clock_ns = expire + 5 * CS;
	CHECK(wb_workfn(&wb) == 2 && ft.rd->npending == 2);
	for (bio = ft.rd->pending; bio; bio = bio->bi_next)
		last = bio;
	CHECK(last && last->bi_sector == META_BASE >> SECTOR_SHIFT);
	rambd_run(ft.rd);
	CHECK(!listed(ft.mapping) && !listed(&meta.mapping) && listed(&a.mapping));
	/* Metadata alone, expired: written by itself. */
	pos = 1;
	iov_iter_kvec(&it, &v, 1);
	CHECK(generic_perform_write(&meta.mapping, &pos, &it) == 1);
	CHECK(meta.mapping.dirtied_when == expire + 5 * CS);
	/* At 20 cs + expire: a expired; meta follows it although younger. */
	CHECK(flush_at(20 * CS + expire) == 2 && !wb_has_dirty_io(&wb));
	CHECK(ft.rd->data[META_BASE + 1] == 0x11 && ft.rd->data[4UL << 20] == 0x11);
	/* Metadata dirty alone: written when it expires, not before. */
	unit_clock_ns = 100 * expire;
	pos = 2;
	iov_iter_kvec(&it, &v, 1);
	CHECK(generic_perform_write(&meta.mapping, &pos, &it) == 1);
	CHECK(flush_at(101 * expire - 1) == 0 && listed(&meta.mapping));
	CHECK(flush_at(101 * expire) == 1 && !wb_has_dirty_io(&wb));
	truncate_inode_pages(&a.mapping, 0);
	truncate_inode_pages(&meta.mapping, 0);
	return wb_teardown();
}

/* Periodic writeback write-protects a shared mapping's pages: the next write faults. */
static bool test_writeback_write_protects(void)
{
	const u64 expire = DIRTY_EXPIRE_CENTISECS * CS;
	unsigned long minflt;
	u64 pte;

	wb_setup(0);
	CHECK(do_mmap(ft.mm, ft.file, FT_BASE, 16 * PAGE_SIZE, RW, SHARED, 0) == FT_BASE);
	CHECK(umem_write8(ft.mm, FT_BASE + 4 * PAGE_SIZE, 0x44) == 0);
	CHECK(listed(ft.mapping) && nr_wakeups == 1);
	pte = soft_mmu_pte(ft.mm, FT_BASE + 4 * PAGE_SIZE);
	CHECK((pte & _PAGE_RW) && (pte & _PAGE_DIRTY));
	/* Writes through the writable pte do not fault and do not re-stamp. */
	unit_clock_ns = 3 * CS;
	minflt = soft_mmu_stats.task.min_flt;
	CHECK(umem_write8(ft.mm, FT_BASE + 4 * PAGE_SIZE + 1, 0x45) == 0);
	CHECK(soft_mmu_stats.task.min_flt == minflt && ft.mapping->dirtied_when == 0);
	CHECK(flush_at(expire) == 1 && ft.rd->data[4 * PAGE_SIZE + 1] == 0x45);
	pte = soft_mmu_pte(ft.mm, FT_BASE + 4 * PAGE_SIZE);
	CHECK(!(pte & _PAGE_RW) && !(pte & _PAGE_DIRTY) && !listed(ft.mapping));
	/* The next write faults once, dirties the page and lists the mapping anew. */
	unit_clock_ns = 2 * expire;
	minflt = soft_mmu_stats.task.min_flt;
	CHECK(umem_write8(ft.mm, FT_BASE + 4 * PAGE_SIZE + 2, 0x46) == 0);
	CHECK(soft_mmu_stats.task.min_flt == minflt + 1);
	CHECK(ft_last_fault(FAULT_KIND_FILE_SHARED, VM_FAULT_WRITE));
	CHECK(listed(ft.mapping) && ft.mapping->dirtied_when == 2 * expire && nr_wakeups == 2);
	CHECK(flush_at(3 * expire) == 1 && ft.rd->data[4 * PAGE_SIZE + 2] == 0x46);
	/* munmap of a page dirtied through a pte only: dirtied at zap, written later. */
	CHECK(umem_write8(ft.mm, FT_BASE + 4 * PAGE_SIZE + 3, 0x47) == 0);
	CHECK(do_munmap(ft.mm, FT_BASE, 16 * PAGE_SIZE) == 0 && listed(ft.mapping));
	CHECK(flush_at(5 * expire) == 1 && ft.rd->data[4 * PAGE_SIZE + 3] == 0x47);
	return wb_teardown();
}

/* AS_WB_RUNNING (Linux's I_SYNC) is set while the flusher is inside a mapping only. */
static int seen_running = -1;

static int peek_writepages(struct address_space *mapping, struct writeback_control *wbc)
{
	const struct address_space_operations *mine = mapping->a_ops;
	int err;

	seen_running = mapping_wb_running(mapping);
	mapping->a_ops = &linfs_aops;
	err = do_writepages(mapping, wbc);
	mapping->a_ops = mine;
	return err;
}

static bool test_wb_running_flag(void)
{
	struct address_space_operations aops = linfs_aops;

	aops.writepages = peek_writepages;
	wb_setup(0);
	ft.mapping->a_ops = &aops;
	CHECK(dirty_byte(0, 1) && !mapping_wb_running(ft.mapping));
	CHECK(flush_at(DIRTY_EXPIRE_CENTISECS * CS) == 1 && seen_running == 1);
	CHECK(!mapping_wb_running(ft.mapping));
	seen_running = -1;
	CHECK(dirty_byte(0, 2) && filemap_write_and_wait(ft.mapping) == 0 && seen_running == 0);
	ft.mapping->a_ops = &linfs_aops;
	return wb_teardown();
}

static bool test_settings(void)
{
	CHECK(set_dirty_writeback_centisecs(DIRTY_CENTISECS_MAX + 1) == -EINVAL);
	CHECK(set_dirty_expire_centisecs(~0UL) == -EINVAL);
	CHECK(dirty_writeback_interval == DIRTY_WRITEBACK_CENTISECS);
	CHECK(dirty_expire_interval == DIRTY_EXPIRE_CENTISECS);
	CHECK(set_dirty_writeback_centisecs(10) == 0 && dirty_writeback_interval == 10);
	CHECK(set_dirty_expire_centisecs(0) == 0 && dirty_expire_interval == 0);
	/* dirty_writeback_centisecs=0: no periodic writeback, the flusher is never armed. */
	wb_setup(0);
	dirty_writeback_interval = 0;
	CHECK(dirty_byte(0, 1) && listed(ft.mapping) && nr_wakeups == 0);
	CHECK(filemap_write_and_wait(ft.mapping) == 0);
	CHECK(wb_teardown());
	/* expire 0: a pass writes everything dirty up to now. */
	wb_setup(5 * CS);
	dirty_expire_interval = 0;
	CHECK(dirty_byte(0, 2) && flush_at(5 * CS) == 1 && ft.rd->data[0] == 2);
	dirty_writeback_interval = DIRTY_WRITEBACK_CENTISECS;
	dirty_expire_interval = DIRTY_EXPIRE_CENTISECS;
	return wb_teardown();
}

int main(void)
{
	tap_plan(7);
	TAP_RUN(test_expire);
	TAP_RUN(test_redirty_new_stamp);
	TAP_RUN(test_clean_leaves_list);
	TAP_RUN(test_order_and_metadata);
	TAP_RUN(test_writeback_write_protects);
	TAP_RUN(test_wb_running_flag);
	TAP_RUN(test_settings);
	return tap_finish();
}

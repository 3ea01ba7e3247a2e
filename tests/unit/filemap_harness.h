/* SPDX-License-Identifier: MIT */
/*
 * Shared set-up of the page-cache tests (test_mm_filemap.c, test_mm_file_fault.c,
 * test_mm_readahead.c): a fresh arena, a RAM disk filled with a known pattern, one linfs
 * file on it opened read-write, an empty address space, and a fault-trace recorder.
 */
#ifndef UNIT_FILEMAP_HARNESS_H
#define UNIT_FILEMAP_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kern/errno.h>
#include <mm/mm.h>
#include <mm/pagemap.h>
#include "mm_test.h"
#include "rambd.h"
#include "soft_mmu.h"

#define FT_ARENA	(64UL << 20)
#define FT_DISK		(16UL << 20)
#define FT_BASE		0x40000000UL	/* where the tests map files */

struct ft {
	struct rambd *rd;
	struct linfs_file lf;
	struct address_space *mapping;
	struct file *file;
	struct mm_struct *mm;
};

static struct ft ft;
static struct fault_trace_rec ft_trace[512];
static unsigned int ft_ntrace;

static void ft_record(const struct fault_trace_rec *rec)
{
	if (ft_ntrace < sizeof(ft_trace) / sizeof(ft_trace[0]))
		ft_trace[ft_ntrace] = *rec;
	ft_ntrace++;
}

/* The byte the disk holds at offset @off before anything writes it. */
static inline unsigned char ft_pattern(u64 off)
{
	return (unsigned char)(off * 7 + (off >> PAGE_SHIFT) * 13 + 1);
}

/* Boot an @arena-byte machine; the file is @size bytes at disk offset 0 and may grow to
 * the end of the disk. */
static inline void ft_setup_arena(u64 size, size_t arena)
{
	u64 i;

	unit_mm_boot(arena);
	nr_file_pages = nr_file_dirty = nr_writeback = 0;	/* after a failed test */
	soft_mmu_reset();
	unit_page_wait_init();
	ft_ntrace = 0;
	unit_fault_trace_hook = ft_record;
	ft.rd = rambd_create(FT_DISK);
	for (i = 0; i < FT_DISK; i++)
		ft.rd->data[i] = ft_pattern(i);
	linfs_init(&ft.lf, ft.rd, 0, size, FT_DISK);
	ft.mapping = &ft.lf.mapping;
	ft.file = unit_file_open(ft.mapping, FMODE_READ | FMODE_WRITE);
	ft.mm = mm_alloc();
	if (!ft.mm)
		abort();
}

static inline void ft_setup(u64 size)
{
	ft_setup_arena(size, FT_ARENA);
}

/* Tear down: no page may stay referenced after the mm and the cache are gone. */
static inline bool ft_teardown(void)
{
	unsigned long nfree;

	if (ft.mm)
		mmput(ft.mm);
	ft.mm = NULL;
	fput(ft.file);
	truncate_inode_pages(ft.mapping, 0);
	rambd_run(ft.rd);
	CHECK(ft.mapping->nrpages == 0 && xa_empty(&ft.mapping->i_pages));
	CHECK(nr_file_pages == 0 && nr_file_dirty == 0 && nr_writeback == 0);
	rambd_destroy(ft.rd);
	nfree = nr_free_pages();
	CHECKF(nfree == totalram_pages, "%lu pages leaked", totalram_pages - nfree);
	unit_fault_trace_hook = NULL;
	return true;
}

/* The kind and result of the last traced fault. */
static inline bool ft_last_fault(enum fault_kind kind, vm_fault_t result)
{
	const struct fault_trace_rec *r;

	if (!ft_ntrace) {
		tap_diag("no fault traced");
		return false;
	}
	r = &ft_trace[(ft_ntrace - 1) % (sizeof(ft_trace) / sizeof(ft_trace[0]))];
	if (r->kind != kind || r->result != result) {
		tap_diag("last fault: kind %u result %#x, want kind %u result %#x", r->kind,
			 r->result, kind, result);
		return false;
	}
	return true;
}

/* Does [buf, buf + len) hold the disk pattern of file offset @off? */
static inline bool ft_is_pattern(const unsigned char *buf, u64 off, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != ft_pattern(off + i)) {
			tap_diag("byte %#llx is %#x, pattern %#x", (unsigned long long)(off + i),
				 buf[i], ft_pattern(off + i));
			return false;
		}
	return true;
}

static inline long ft_read(u64 pos, void *buf, size_t len)
{
	struct iov_iter it;

	iov_iter_kvec(&it, buf, len);
	return filemap_read(ft.mapping, &ft.file->f_ra, &pos, &it);
}

static inline long ft_write(u64 pos, const void *buf, size_t len)
{
	struct iov_iter it;

	iov_iter_kvec(&it, (void *)buf, len);
	return generic_perform_write(ft.mapping, &pos, &it);
}

#endif

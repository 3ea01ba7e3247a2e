// SPDX-License-Identifier: MIT
/*
 * Sleeping on page bits for mm/ (struct page_wait_ops, include/mm/pagemap.h): a task
 * waiting for a page to be unlocked or to finish writeback sleeps on one of 64 wait queues
 * hashed by the page, as Linux's page_waitqueue(); whoever clears the bit (unlock_page,
 * end_page_writeback, often from an I/O completion interrupt) wakes that queue, and each
 * sleeper checks its own page again.
 */
#include <guest/sched.h>
#include <mm/pagemap.h>

#define PAGE_WAIT_TABLE_BITS	6
#define PAGE_WAIT_TABLE_SIZE	(1U << PAGE_WAIT_TABLE_BITS)

static struct wait_queue_head page_wait_table[PAGE_WAIT_TABLE_SIZE];
static bool page_wait_table_ready;

static struct wait_queue_head *page_waitqueue(struct page *page)
{
	u32 hash = (u32)page_to_pfn(page) * 0x9e3779b1u;	/* golden-ratio hashing */
	unsigned int i;

	if (!page_wait_table_ready) {		/* one CPU: no race on the first use */
		for (i = 0; i < PAGE_WAIT_TABLE_SIZE; i++)
			init_waitqueue_head(&page_wait_table[i]);
		page_wait_table_ready = true;
	}
	return &page_wait_table[hash >> (32 - PAGE_WAIT_TABLE_BITS)];
}

static void kernel_page_wait(struct page *page, enum pageflags bit)
{
	wait_event(*page_waitqueue(page), !PageFlag(page, bit));
}

static void kernel_page_wake(struct page *page, enum pageflags bit)
{
	wake_up(page_waitqueue(page));
}

const struct page_wait_ops kernel_page_wait_ops = {
	.wait = kernel_page_wait,
	.wake = kernel_page_wake,
};

// SPDX-License-Identifier: MIT
/*
 * ext2 metadata through the block device's page cache (the role of Linux's buffer heads
 * on the bdev mapping): ext2_bread() finds or reads the page holding a block, ext2_bdirty()
 * marks that one block dirty, and the device's writepage writes only the dirty blocks of
 * a page, so that a freed metadata block (ext2_bforget) that became file data is never
 * overwritten by a stale copy. Also the page I/O counting and bio completions shared with
 * file data (inode.c), and syncing the device.
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/string.h>
#include "ext2.h"

/* ---- page I/O completion ------------------------------------------------------------ */

void ext2_end_page_read(struct page *page)
{
	if (!(page->private & EXT2_PG_IO_ERROR))
		SetPageUptodate(page);
	page->private &= EXT2_PG_DIRTY_MASK;
	unlock_page(page);
}

void ext2_end_page_write(struct page *page)
{
	if (page->private & EXT2_PG_IO_ERROR)
		mapping_set_error(page_mapping(page), -EIO);
	page->private &= EXT2_PG_DIRTY_MASK;
	end_page_writeback(page);
}

/* Each page of the bio once (its segments are consecutive), then the bio itself. */
static void ext2_end_io(struct bio *bio, void (*finish)(struct page *page))
{
	struct page *prev = NULL;
	unsigned int i;

	for (i = 0; i < bio->bi_vcnt; i++) {
		struct page *page = bio->bi_io_vec[i].bv_page;

		if (page == prev)
			continue;
		prev = page;
		if (ext2_page_io_put(page, bio->bi_status))
			finish(page);
	}
	bio_put(bio);
}

void ext2_read_end_io(struct bio *bio)
{
	ext2_end_io(bio, ext2_end_page_read);
}

void ext2_write_end_io(struct bio *bio)
{
	ext2_end_io(bio, ext2_end_page_write);
}

/* Send [@off, @off + @len) of @page to/from the device at byte @pos, as one bio. */
static void bdev_page_io(struct ext2_sb_info *sbi, struct page *page, enum req_op op,
			 u64 pos, unsigned int off, unsigned int len)
{
	struct bio *bio = bio_alloc(sbi->bdev, op, pos >> SECTOR_SHIFT, 1, GFP_KERNEL);

	if (!bio) {
		page->private |= EXT2_PG_IO_ERROR;
		return;
	}
	bio->bi_end_io = op == REQ_OP_READ ? ext2_read_end_io : ext2_write_end_io;
	bio_add_page(bio, page, len, off);
	ext2_page_io_get(page);
	submit_bio(bio);
}

/* ---- the device's address_space ------------------------------------------------------ */

static int ext2_bdev_readpage(struct page *page)
{
	struct ext2_sb_info *sbi = page_mapping(page)->host;
	u64 pos = (u64)page->index << PAGE_SHIFT, dev = sbi->bd_mapping.i_size;
	unsigned int len = pos + PAGE_SIZE <= dev ? PAGE_SIZE : dev > pos ? dev - pos : 0;

	page->private = 0;
	memset((char *)page_address(page) + len, 0, PAGE_SIZE - len);
	ext2_page_io_get(page);			/* ours, while submitting */
	if (len)
		bdev_page_io(sbi, page, REQ_OP_READ, pos, 0, len);
	if (ext2_page_io_put(page, 0))
		ext2_end_page_read(page);
	return 0;
}

/* Write the dirty blocks of the page: one bio per run of them. */
static int ext2_bdev_writepage(struct page *page, struct writeback_control *wbc)
{
	struct ext2_sb_info *sbi = page_mapping(page)->host;
	unsigned long dirty = page->private & EXT2_PG_DIRTY_MASK;
	unsigned int per_page = PAGE_SIZE >> sbi->blocksize_bits, b = 0, run;
	u64 pos = (u64)page->index << PAGE_SHIFT;

	page->private &= ~EXT2_PG_DIRTY_MASK;
	if (!dirty) {
		unlock_page(page);
		return 0;
	}
	set_page_writeback(page);
	ext2_page_io_get(page);
	unlock_page(page);
	while (b < per_page) {
		if (!(dirty & (1UL << b))) {
			b++;
			continue;
		}
		for (run = 1; b + run < per_page && (dirty & (1UL << (b + run))); run++)
			;
		bdev_page_io(sbi, page, REQ_OP_WRITE, pos + ((u64)b << sbi->blocksize_bits),
			     b << sbi->blocksize_bits, run << sbi->blocksize_bits);
		b += run;
	}
	if (ext2_page_io_put(page, 0))
		ext2_end_page_write(page);
	return 0;
}

static int ext2_bdev_write_one(struct page *page, struct writeback_control *wbc, void *data)
{
	int err = ext2_bdev_writepage(page, wbc);

	mapping_set_error(page_mapping(page), err);
	return err;
}

/*
 * Writing metadata back writes the superblock with it when it changed (its free counts
 * follow the bitmaps): the periodic flusher keeps the image consistent without a sync.
 */
static int ext2_bdev_writepages(struct address_space *mapping, struct writeback_control *wbc)
{
	struct ext2_sb_info *sbi = mapping->host;
	int err = sbi->rdonly ? 0 : ext2_update_super(sbi), e;

	e = write_cache_pages(mapping, wbc, ext2_bdev_write_one, NULL);
	return err ? err : e;
}

const struct address_space_operations ext2_bdev_aops = {
	.readpage = ext2_bdev_readpage,
	.writepage = ext2_bdev_writepage,
	.writepages = ext2_bdev_writepages,
};

void ext2_bdev_init(struct ext2_sb_info *sbi)
{
	address_space_init(&sbi->bd_mapping, &ext2_bdev_aops, sbi);
	sbi->bd_mapping.i_size = sbi->bdev->nr_sectors << SECTOR_SHIFT;
}

/* ---- blocks --------------------------------------------------------------------------- */

static pgoff_t block_page(const struct ext2_sb_info *sbi, u32 block)
{
	return (pgoff_t)block >> (PAGE_SHIFT - sbi->blocksize_bits);
}

static unsigned int block_offset(const struct ext2_sb_info *sbi, u32 block)
{
	return ((u64)block << sbi->blocksize_bits) & ~PAGE_MASK;
}

int ext2_bread(struct ext2_sb_info *sbi, u32 block, struct ext2_buf *bh)
{
	int err;

	if (block >= sbi->blocks_count)
		return EXT2_ERROR(sbi, "block %u past the end (%u blocks)", block,
				  sbi->blocks_count);
	err = read_mapping_page(&sbi->bd_mapping, block_page(sbi, block), &bh->page);
	if (err)
		return err == -EIO ? EXT2_ERROR(sbi, "cannot read block %u", block) : err;
	bh->data = (char *)page_address(bh->page) + block_offset(sbi, block);
	bh->block = block;
	return 0;
}

int ext2_bread_zero(struct ext2_sb_info *sbi, u32 block, struct ext2_buf *bh)
{
	struct page *page;

	if (block >= sbi->blocks_count)
		return EXT2_ERROR(sbi, "block %u past the end", block);
	if (sbi->blocksize != PAGE_SIZE) {
		int err = ext2_bread(sbi, block, bh);

		if (!err)
			memset(bh->data, 0, sbi->blocksize);
		return err;
	}
	/* The block is the whole page: no need to read what we overwrite. */
	page = pagecache_get_page(&sbi->bd_mapping, block_page(sbi, block), FGP_LOCK | FGP_CREAT,
				  GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	wait_on_page_writeback(page);
	memset(page_address(page), 0, PAGE_SIZE);
	SetPageUptodate(page);
	unlock_page(page);
	bh->page = page;
	bh->data = page_address(page);
	bh->block = block;
	return 0;
}

void ext2_bdirty(struct ext2_sb_info *sbi, struct ext2_buf *bh)
{
	bh->page->private |= 1UL << (block_offset(sbi, bh->block) >> sbi->blocksize_bits);
	set_page_dirty(bh->page);
}

void ext2_brelse(struct ext2_buf *bh)
{
	if (bh->page)
		put_page(bh->page);
	bh->page = NULL;
	bh->data = NULL;
}

void ext2_bforget(struct ext2_sb_info *sbi, u32 block)
{
	struct page *page = find_get_page(&sbi->bd_mapping, block_page(sbi, block));

	if (!page)
		return;
	page->private &= ~(1UL << (block_offset(sbi, block) >> sbi->blocksize_bits));
	put_page(page);
}

int ext2_sync_blockdev(struct ext2_sb_info *sbi)
{
	int err = filemap_write_and_wait(&sbi->bd_mapping), ferr;

	ferr = blkdev_issue_flush(sbi->bdev);
	return err ? err : ferr;
}

// SPDX-License-Identifier: MIT
/*
 * ext2 inodes (Linux's fs/ext2/inode.c): the inode cache, reading and writing on-disk
 * inodes, mapping file blocks through the direct and single / double / triple indirect
 * blocks (allocating on demand, refusing pointers out of range and loops), freeing blocks
 * on truncate and delete, and the address_space_operations that move a file's page-cache
 * pages to and from the disk: reads and writes batched into one bio per run of contiguous
 * disk blocks (Linux's mpage), blocks allocated at write() and at writeback of pages
 * written through a mapping.
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/string.h>
#include <mm/slab.h>
#include "ext2.h"

/* ---- on-disk inodes ------------------------------------------------------------------ */

static int ext2_inode_buf(struct ext2_sb_info *sbi, u32 ino, struct ext2_buf *bh,
			  unsigned int *off)
{
	u32 group = (ino - 1) / sbi->inodes_per_group, idx = (ino - 1) % sbi->inodes_per_group;

	*off = (idx % sbi->inodes_per_block) * sbi->inode_size;
	return ext2_bread(sbi, sbi->gd[group].bg_inode_table + idx / sbi->inodes_per_block, bh);
}

int ext2_write_inode(struct ext2_inode_info *ei)
{
	struct ext2_sb_info *sbi = ei->sbi;
	u64 size = ext2_size(ei);
	struct ext2_buf bh;
	unsigned int off;
	int err;

	if (sbi->rdonly)
		return -EROFS;
	ei->raw.i_size = (u32)size;
	if (EXT2_ISREG(ei->raw.i_mode)) {
		ei->raw.i_size_high = size >> 32;
		if (size > 0x7fffffffULL &&
		    !(sbi->es.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE))
			sbi->es.s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
	}
	err = ext2_inode_buf(sbi, ei->ino, &bh, &off);
	if (err)
		return err;
	memcpy((char *)bh.data + off, &ei->raw, sizeof(ei->raw));
	ext2_bdirty(sbi, &bh);
	ext2_brelse(&bh);
	return 0;
}

int ext2_init_inode(struct ext2_sb_info *sbi, u32 ino, const struct ext2_inode *raw)
{
	struct ext2_buf bh;
	unsigned int off;
	int err = ext2_inode_buf(sbi, ino, &bh, &off);

	if (err)
		return err;
	memset((char *)bh.data + off, 0, sbi->inode_size);
	memcpy((char *)bh.data + off, raw, sizeof(*raw));
	ext2_bdirty(sbi, &bh);
	ext2_brelse(&bh);
	return 0;
}

int ext2_iget(struct ext2_sb_info *sbi, u32 ino, struct ext2_inode_info **out)
{
	struct ext2_inode_info *ei;
	struct ext2_buf bh;
	unsigned int off;
	int err;

	if (ino < 1 || ino > sbi->inodes_count)
		return -EINVAL;
	if (sbi->closing)
		return -EIO;		/* ext2_umount() is under way: no new references */
	list_for_each_entry(ei, &sbi->inodes, list) {
		if (ei->ino == ino) {
			ei->count++;
			*out = ei;
			return 0;
		}
	}
	ei = kzalloc(sizeof(*ei), GFP_KERNEL);
	if (!ei)
		return -ENOMEM;
	err = ext2_inode_buf(sbi, ino, &bh, &off);
	if (err) {
		kfree(ei);
		return err;
	}
	memcpy(&ei->raw, (char *)bh.data + off, sizeof(ei->raw));
	ext2_brelse(&bh);
	if (!ei->raw.i_links_count || !ei->raw.i_mode) {
		kfree(ei);
		return EXT2_ERROR(sbi, "inode %u is not in use", ino);
	}
	ei->sbi = sbi;
	ei->ino = ino;
	ei->count = 1;
	ei->block_group = (ino - 1) / sbi->inodes_per_group;
	address_space_init(&ei->mapping, &ext2_aops, ei);
	inode_attach_wb(&ei->mapping, &sbi->wb);
	ei->mapping.i_size = ei->raw.i_size;
	if (EXT2_ISREG(ei->raw.i_mode))
		ei->mapping.i_size |= (u64)ei->raw.i_size_high << 32;
	list_add(&ei->list, &sbi->inodes);
	*out = ei;
	return 0;
}

/* A fast symlink keeps its target in i_block: no block pointers there. */
static bool ext2_has_blocks(const struct ext2_inode_info *ei)
{
	u32 acl = ei->raw.i_file_acl ? ext2_sectors_per_block(ei->sbi) : 0;

	if ((ei->raw.i_mode & EXT2_S_IFMT) == EXT2_S_IFLNK)
		return ei->raw.i_blocks > acl;
	return EXT2_ISREG(ei->raw.i_mode) || EXT2_ISDIR(ei->raw.i_mode);
}

/* Drop the inode's extended-attribute block (shared blocks are reference counted). */
static int ext2_release_xattr_block(struct ext2_inode_info *ei)
{
	struct ext2_sb_info *sbi = ei->sbi;
	u32 block = ei->raw.i_file_acl;
	struct ext2_buf bh;
	u32 *hdr;
	int err;

	if (!ext2_data_block_ok(sbi, block))
		return EXT2_ERROR(sbi, "inode %u: attribute block %u out of range", ei->ino, block);
	err = ext2_bread(sbi, block, &bh);
	if (err)
		return err;
	hdr = bh.data;
	if (hdr[0] != EXT2_EXT_ATTR_MAGIC || !hdr[1]) {
		ext2_brelse(&bh);
		return EXT2_ERROR(sbi, "inode %u: bad attribute block %u", ei->ino, block);
	}
	if (--hdr[1])
		ext2_bdirty(sbi, &bh);
	ext2_brelse(&bh);
	if (!hdr[1]) {
		err = ext2_free_block(sbi, block);
		if (err)
			return err;
	}
	ei->raw.i_file_acl = 0;
	ei->raw.i_blocks -= ext2_sectors_per_block(sbi);
	return 0;
}

/* The last reference to an unlinked inode: free its pages, blocks and the inode. */
static void ext2_evict_inode(struct ext2_inode_info *ei)
{
	struct ext2_sb_info *sbi = ei->sbi;

	truncate_inode_pages(&ei->mapping, 0);
	if (!sbi->rdonly) {
		ei->raw.i_dtime = ext2_now(sbi);
		if (ext2_has_blocks(ei)) {
			ei->mapping.i_size = 0;
			ext2_truncate_blocks(ei, 0);
		}
		if (ei->raw.i_file_acl)
			ext2_release_xattr_block(ei);
		ext2_write_inode(ei);
		ext2_free_inode(sbi, ei->ino, EXT2_ISDIR(ei->raw.i_mode));
	}
	inode_io_list_del(&ei->mapping);
	if (mapping_wb_running(&ei->mapping)) {
		/* The flusher sleeps inside this mapping: keep the (empty) inode, unnumbered,
		 * for ext2_umount() to free. */
		ei->ino = 0;
		return;
	}
	list_del_init(&ei->list);
	kfree(ei);
}

void ext2_iput(struct ext2_inode_info *ei)
{
	BUG_ON(ei->count <= 0);
	if (--ei->count)
		return;
	if (!ei->raw.i_links_count)
		ext2_evict_inode(ei);
	/* Otherwise it stays cached (with its pages) until unmount. */
}

/* ---- block mapping ------------------------------------------------------------------- */

/* The slots leading to file block @iblock: off[0] in i_block, then one per indirect
 * level. Return the depth (1..4) or -EFBIG. */
static int block_to_path(const struct ext2_sb_info *sbi, u64 iblock, unsigned int off[4])
{
	unsigned int bits = sbi->addr_per_block_bits;
	u64 ptrs = sbi->addr_per_block, mask = ptrs - 1;

	if (iblock < EXT2_NDIR_BLOCKS) {
		off[0] = iblock;
		return 1;
	}
	iblock -= EXT2_NDIR_BLOCKS;
	if (iblock < ptrs) {
		off[0] = EXT2_IND_BLOCK;
		off[1] = iblock;
		return 2;
	}
	iblock -= ptrs;
	if (iblock < ptrs << bits) {
		off[0] = EXT2_DIND_BLOCK;
		off[1] = iblock >> bits;
		off[2] = iblock & mask;
		return 3;
	}
	iblock -= ptrs << bits;
	if (iblock < ptrs << (2 * bits)) {
		off[0] = EXT2_TIND_BLOCK;
		off[1] = iblock >> (2 * bits);
		off[2] = (iblock >> bits) & mask;
		off[3] = iblock & mask;
		return 4;
	}
	return -EFBIG;
}

/* A new block for @ei near its last one; an indirect block (@meta) is zeroed. */
static int ext2_alloc_block(struct ext2_inode_info *ei, bool meta, u32 *out)
{
	struct ext2_sb_info *sbi = ei->sbi;
	u32 goal = ei->alloc_goal, nr;
	struct ext2_buf bh;
	int err;

	if (!goal)
		goal = sbi->first_data_block + ei->block_group * sbi->blocks_per_group;
	err = ext2_new_block(sbi, goal, &nr);
	if (err)
		return err;
	if (meta) {
		err = ext2_bread_zero(sbi, nr, &bh);
		if (err) {
			ext2_free_block(sbi, nr);
			return err;
		}
		ext2_bdirty(sbi, &bh);
		ext2_brelse(&bh);
	}
	ei->raw.i_blocks += ext2_sectors_per_block(sbi);
	ei->alloc_goal = nr + 1;
	*out = nr;
	return 0;
}

int ext2_get_block(struct ext2_inode_info *ei, u64 iblock, bool create, u32 *pblk)
{
	struct ext2_sb_info *sbi = ei->sbi;
	struct ext2_buf bh = { 0 };		/* the indirect block holding *slot */
	bool inode_dirty = false;
	unsigned int off[4];
	int depth, k, j, err = 0;
	u32 chain[4], nr = 0, *slot;

	depth = block_to_path(sbi, iblock, off);
	if (depth < 0)
		return depth;
	if (create && sbi->rdonly)
		create = false;
	slot = &ei->raw.i_block[off[0]];
	for (k = 0; k < depth; k++) {
		nr = *slot;
		if (!nr) {
			if (!create)
				goto out;		/* a hole */
			err = ext2_alloc_block(ei, k < depth - 1, &nr);
			if (err)
				goto out;
			if (*slot) {
				/*
				 * Another task (the flusher, a writer) filled the slot while
				 * this one slept in the allocation: keep its block.
				 */
				ext2_free_block(sbi, nr);
				ei->raw.i_blocks -= ext2_sectors_per_block(sbi);
				nr = *slot;
			} else {
				*slot = nr;
				if (bh.page)
					ext2_bdirty(sbi, &bh);
			}
			inode_dirty = true;	/* i_blocks, and maybe i_block[] */
		} else if (!ext2_data_block_ok(sbi, nr)) {
			err = EXT2_ERROR(sbi, "inode %u: block pointer %u out of range", ei->ino,
					 nr);
			goto out;
		}
		for (j = 0; j < k; j++) {
			if (chain[j] == nr) {
				err = EXT2_ERROR(sbi, "inode %u: loop through indirect block %u",
						 ei->ino, nr);
				goto out;
			}
		}
		chain[k] = nr;
		if (k == depth - 1)
			break;
		ext2_brelse(&bh);
		err = ext2_bread(sbi, nr, &bh);
		if (err)
			goto out;
		slot = (u32 *)bh.data + off[k + 1];
	}
out:
	ext2_brelse(&bh);
	if (inode_dirty) {
		int e = ext2_write_inode(ei);

		if (!err)
			err = e;
	}
	*pblk = err ? 0 : nr;
	return err;
}

/* ---- freeing blocks ------------------------------------------------------------------ */

/*
 * Free what the tree of @level (0: a data block) rooted at block @nr maps at relative
 * file blocks >= @start, and @nr itself when @start is 0. @anc / @nanc: the indirect
 * blocks above it, to catch loops.
 */
static int free_branch(struct ext2_inode_info *ei, u32 nr, int level, u64 start,
		       const u32 *anc, int nanc)
{
	struct ext2_sb_info *sbi = ei->sbi;
	u32 chain[4], *entries;
	u64 per, first;
	struct ext2_buf bh;
	int i, err = 0;

	if (!ext2_data_block_ok(sbi, nr))
		return EXT2_ERROR(sbi, "inode %u: block pointer %u out of range", ei->ino, nr);
	for (i = 0; i < nanc; i++) {
		if (anc[i] == nr)
			return EXT2_ERROR(sbi, "inode %u: loop through indirect block %u", ei->ino,
					  nr);
		chain[i] = anc[i];
	}
	if (level) {
		chain[nanc] = nr;
		per = 1ULL << ((level - 1) * sbi->addr_per_block_bits);
		first = start / per;
		err = ext2_bread(sbi, nr, &bh);
		if (err)
			return err;
		entries = bh.data;
		for (i = first; i < (int)sbi->addr_per_block && !err; i++) {
			u64 inner = (u64)i == first ? start % per : 0;

			if (!entries[i])
				continue;
			err = free_branch(ei, entries[i], level - 1, inner, chain, nanc + 1);
			if (!err && !inner) {
				entries[i] = 0;
				ext2_bdirty(sbi, &bh);
			}
		}
		ext2_brelse(&bh);
		if (err || start)
			return err;
	} else if (start) {
		return 0;
	}
	err = ext2_free_block(sbi, nr);
	if (!err)
		ei->raw.i_blocks -= ext2_sectors_per_block(sbi);
	return err;
}

int ext2_truncate_blocks(struct ext2_inode_info *ei, u64 from)
{
	struct ext2_sb_info *sbi = ei->sbi;
	u64 base = EXT2_NDIR_BLOCKS, span = sbi->addr_per_block;
	int level, err = 0, e;
	u64 i;

	for (i = from; i < EXT2_NDIR_BLOCKS && !err; i++) {
		if (!ei->raw.i_block[i])
			continue;
		err = free_branch(ei, ei->raw.i_block[i], 0, 0, NULL, 0);
		if (!err)
			ei->raw.i_block[i] = 0;
	}
	for (level = 1; level <= 3 && !err; level++) {
		u32 *slot = &ei->raw.i_block[EXT2_NDIR_BLOCKS + level - 1];

		if (*slot && from < base + span) {
			u64 start = from > base ? from - base : 0;

			err = free_branch(ei, *slot, level, start, NULL, 0);
			if (!err && !start)
				*slot = 0;
		}
		base += span;
		span <<= sbi->addr_per_block_bits;
	}
	e = ext2_write_inode(ei);
	return err ? err : e;
}

int ext2_setsize(struct ext2_inode_info *ei, u64 size)
{
	struct ext2_sb_info *sbi = ei->sbi;
	u64 old = ext2_size(ei);
	int err = 0;

	if (!EXT2_ISREG(ei->raw.i_mode))
		return -EINVAL;
	if (sbi->rdonly)
		return -EROFS;
	if (size > sbi->max_bytes)
		return -EFBIG;
	if (size < old && (size & ~PAGE_MASK)) {
		/* The rest of the new last page must be zero on the disk too, in case the file
		 * grows again: zero it in the cache and let writeback carry it (its block is
		 * mapped; a hole reads as zeroes anyway). Linux's block_truncate_page(). */
		u32 pblk;
		struct page *page;

		err = ext2_get_block(ei, size >> sbi->blocksize_bits, false, &pblk);
		if (!err && pblk)
			err = read_mapping_page(&ei->mapping, size >> PAGE_SHIFT, &page);
		if (err)
			return err;
		if (pblk) {
			lock_page(page);
			if (page->mapping) {
				memset((char *)page_address(page) + (size & ~PAGE_MASK), 0,
				       PAGE_SIZE - (size & ~PAGE_MASK));
				set_page_dirty(page);
			}
			unlock_page(page);
			put_page(page);
		}
	}
	truncate_setsize(&ei->mapping, size);
	if (size < old)
		err = ext2_truncate_blocks(ei, (size + sbi->blocksize - 1) >> sbi->blocksize_bits);
	ei->raw.i_mtime = ei->raw.i_ctime = ext2_now(sbi);
	if (!err)
		err = ext2_write_inode(ei);
	return err;
}

/* ---- page I/O: batched like Linux's mpage ---------------------------------------------- */

struct ext2_mpage {
	struct ext2_sb_info *sbi;
	enum req_op op;
	struct bio *bio;
	u64 next_sector;		/* where the bio being built ends */
	struct page *last_page;		/* the page last counted in bio */
};

static void mpage_submit(struct ext2_mpage *mp)
{
	if (mp->bio)
		submit_bio(mp->bio);
	mp->bio = NULL;
	mp->last_page = NULL;
}

/* Append a block of @page at @off to the bio: merged into the last segment when it
 * continues it in the same page. False when the bio is full. */
static bool mpage_append(struct ext2_mpage *mp, struct page *page, unsigned int off)
{
	struct bio *bio = mp->bio;
	struct bio_vec *last = &bio->bi_io_vec[bio->bi_vcnt - 1];
	unsigned int len = mp->sbi->blocksize;

	if (last->bv_page == page && last->bv_offset + last->bv_len == off)
		last->bv_len += len;
	else if (bio_add_page(bio, page, len, off))
		return false;
	mp->next_sector += len >> SECTOR_SHIFT;
	if (mp->last_page != page) {
		ext2_page_io_get(page);
		mp->last_page = page;
	}
	return true;
}

/* Add the block at @off of @page, on disk at block @pblk, to the bio being built,
 * starting a new one when it is not contiguous or full. 0 or -ENOMEM. */
static int mpage_add(struct ext2_mpage *mp, struct page *page, u32 pblk, unsigned int off)
{
	u64 sector = (u64)pblk << (mp->sbi->blocksize_bits - SECTOR_SHIFT);
	u16 vecs = MIN(EXT2_BIO_VECS, mp->sbi->bdev->max_segs);

	if (mp->bio && mp->next_sector == sector && mpage_append(mp, page, off))
		return 0;
	mpage_submit(mp);
	mp->bio = bio_alloc(mp->sbi->bdev, mp->op, sector, vecs ? vecs : 1, GFP_KERNEL);
	if (!mp->bio)
		return -ENOMEM;
	mp->bio->bi_end_io = mp->op == REQ_OP_READ ? ext2_read_end_io : ext2_write_end_io;
	bio_add_page(mp->bio, page, mp->sbi->blocksize, off);
	mp->next_sector = sector + (mp->sbi->blocksize >> SECTOR_SHIFT);
	ext2_page_io_get(page);
	mp->last_page = page;
	return 0;
}

static struct ext2_inode_info *page_inode(struct page *page)
{
	return page_mapping(page)->host;
}

/* Queue the reads of one locked page: holes and blocks past EOF are zeroed. */
static void ext2_read_page(struct ext2_mpage *mp, struct page *page)
{
	struct ext2_inode_info *ei = page_inode(page);
	unsigned int bits = mp->sbi->blocksize_bits, b;
	u64 first = (u64)page->index << (PAGE_SHIFT - bits), isize = ext2_size(ei);

	page->private = 0;
	ext2_page_io_get(page);
	for (b = 0; b < PAGE_SIZE >> bits; b++) {
		u32 pblk = 0;
		int err = 0;

		if ((first + b) << bits < isize)
			err = ext2_get_block(ei, first + b, false, &pblk);
		if (!err && pblk)
			err = mpage_add(mp, page, pblk, b << bits);
		else
			memset((char *)page_address(page) + (b << bits), 0, 1U << bits);
		if (err)
			page->private |= EXT2_PG_IO_ERROR;
	}
	if (ext2_page_io_put(page, 0))
		ext2_end_page_read(page);
}

static int ext2_readpage(struct page *page)
{
	struct ext2_mpage mp = { .sbi = page_inode(page)->sbi, .op = REQ_OP_READ };

	ext2_read_page(&mp, page);
	mpage_submit(&mp);
	return 0;
}

static void ext2_readahead(struct readahead_control *rac)
{
	struct ext2_inode_info *ei = rac->mapping->host;
	struct ext2_mpage mp = { .sbi = ei->sbi, .op = REQ_OP_READ };
	struct page *page;

	while ((page = readahead_page(rac)) != NULL)
		ext2_read_page(&mp, page);
	mpage_submit(&mp);
}

/*
 * Write one locked page whose dirty bit was cleared for I/O: map (allocating, for pages
 * written through a mapping) each block inside EOF, then queue it. The part of the page
 * past EOF goes out as zeroes.
 */
static int ext2_write_page(struct page *page, struct writeback_control *wbc, void *data)
{
	struct ext2_mpage *mp = data;
	struct ext2_inode_info *ei = page_inode(page);
	unsigned int bits = mp->sbi->blocksize_bits, nblocks, b;
	u64 start = (u64)page->index << PAGE_SHIFT, isize = ext2_size(ei);
	u32 pblk[PAGE_SIZE >> EXT2_MIN_BLOCK_LOG];
	int err;

	if (start >= isize) {			/* truncated meanwhile: nothing to write */
		unlock_page(page);
		return 0;
	}
	if (isize - start < PAGE_SIZE)
		memset((char *)page_address(page) + (isize - start), 0,
		       PAGE_SIZE - (isize - start));
	nblocks = MIN((u64)PAGE_SIZE >> bits, (isize - start + (1U << bits) - 1) >> bits);
	for (b = 0; b < nblocks; b++) {
		err = ext2_get_block(ei, (start >> bits) + b, true, &pblk[b]);
		if (!err && !pblk[b])
			err = -EROFS;
		if (err) {
			mapping_set_error(&ei->mapping, err);
			unlock_page(page);
			return err;
		}
	}
	set_page_writeback(page);
	page->private = 0;
	ext2_page_io_get(page);
	unlock_page(page);
	for (b = 0; b < nblocks; b++)
		if (mpage_add(mp, page, pblk[b], b << bits))
			page->private |= EXT2_PG_IO_ERROR;
	if (ext2_page_io_put(page, 0))
		ext2_end_page_write(page);
	return 0;
}

static int ext2_writepage(struct page *page, struct writeback_control *wbc)
{
	struct ext2_mpage mp = { .sbi = page_inode(page)->sbi, .op = REQ_OP_WRITE };
	int err = ext2_write_page(page, wbc, &mp);

	mpage_submit(&mp);
	return err;
}

static int ext2_writepages(struct address_space *mapping, struct writeback_control *wbc)
{
	struct ext2_inode_info *ei = mapping->host;
	struct ext2_mpage mp = { .sbi = ei->sbi, .op = REQ_OP_WRITE };
	int err = write_cache_pages(mapping, wbc, ext2_write_page, &mp);

	mpage_submit(&mp);
	return err;
}

/* write(): the page ready for the copy, with every block it will hold inside EOF. */
static int ext2_write_begin(struct address_space *mapping, u64 pos, unsigned int len,
			    struct page **pagep)
{
	struct ext2_inode_info *ei = mapping->host;
	struct ext2_sb_info *sbi = ei->sbi;
	unsigned int bits = sbi->blocksize_bits, b;
	u64 start = pos & PAGE_MASK, end = MAX(ext2_size(ei), pos + len);
	struct page *page;
	u32 pblk;
	int err;

	if (sbi->rdonly)
		return -EROFS;
	if (pos + len > sbi->max_bytes)
		return -EFBIG;
	err = generic_write_begin(mapping, pos, len, &page);
	if (err)
		return err;
	for (b = 0; b < PAGE_SIZE >> bits && start + ((u64)b << bits) < end; b++) {
		err = ext2_get_block(ei, (start >> bits) + b, true, &pblk);
		if (err) {
			unlock_page(page);
			put_page(page);
			/* No blocks may stay past EOF (e2fsck would object): Linux's
			 * ext2_write_failed(). */
			ext2_truncate_blocks(ei, (ext2_size(ei) + sbi->blocksize - 1) >> bits);
			return err;
		}
	}
	*pagep = page;
	return 0;
}

static int ext2_write_end(struct address_space *mapping, u64 pos, unsigned int len,
			  unsigned int copied, struct page *page)
{
	struct ext2_inode_info *ei = mapping->host;
	int ret = generic_write_end(mapping, pos, len, copied, page), err;

	ei->raw.i_mtime = ei->raw.i_ctime = ext2_now(ei->sbi);
	err = ext2_write_inode(ei);
	return err ? err : ret;
}

const struct address_space_operations ext2_aops = {
	.readpage = ext2_readpage,
	.readahead = ext2_readahead,
	.writepage = ext2_writepage,
	.writepages = ext2_writepages,
	.write_begin = ext2_write_begin,
	.write_end = ext2_write_end,
};

// SPDX-License-Identifier: MIT
/*
 * Mounting ext2 (Linux's fs/ext2/super.c): read and check the superblock and the group
 * descriptors of a block device, refuse what we do not support; writing the superblock
 * and descriptors back, syncing, unmounting, statfs, and the error report.
 */
#include <stdarg.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/string.h>
#include <mm/slab.h>
#include "ext2.h"

int ext2_error(struct ext2_sb_info *sbi, const char *fn, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("ext2: %s: %s\n", fn, msg);
	sbi->errors++;
	sbi->es.s_state |= EXT2_ERROR_FS;
	sbi->mount_state |= EXT2_ERROR_FS;
	return -EIO;
}

/* A mount-time complaint: the image is not one we can use. */
static int bad_super(const char *what)
{
	printk("ext2: mount: %s\n", what);
	return -EINVAL;
}

u32 ext2_now(struct ext2_sb_info *sbi)
{
	const struct ext2_super_block *es = &sbi->es;

	if (sbi->clock)
		return sbi->clock();
	/* No clock: the latest time the image itself records. */
	return MAX(MAX(es->s_wtime, es->s_mtime), MAX(es->s_mkfs_time, es->s_lastcheck));
}

bool ext2_data_block_ok(struct ext2_sb_info *sbi, u32 block)
{
	const struct ext2_group_desc *gd;
	u32 group;

	if (block <= sbi->first_data_block + sbi->gdt_blocks || block >= sbi->blocks_count)
		return false;
	group = (block - sbi->first_data_block) / sbi->blocks_per_group;
	gd = &sbi->gd[group];
	return block != gd->bg_block_bitmap && block != gd->bg_inode_bitmap &&
	       (block < gd->bg_inode_table || block - gd->bg_inode_table >= sbi->itb_per_group);
}

int ext2_write_group_desc(struct ext2_sb_info *sbi, u32 group)
{
	struct ext2_buf bh;
	int err;

	err = ext2_bread(sbi, sbi->first_data_block + 1 + group / sbi->desc_per_block, &bh);
	if (err)
		return err;
	memcpy((char *)bh.data + (group % sbi->desc_per_block) * sizeof(struct ext2_group_desc),
	       &sbi->gd[group], sizeof(struct ext2_group_desc));
	ext2_bdirty(sbi, &bh);
	ext2_brelse(&bh);
	return 0;
}

int ext2_commit_super(struct ext2_sb_info *sbi)
{
	struct ext2_buf bh;
	int err;

	err = ext2_bread(sbi, EXT2_SUPER_OFFSET >> sbi->blocksize_bits, &bh);
	if (err)
		return err;
	sbi->es.s_wtime = ext2_now(sbi);
	memcpy((char *)bh.data + (EXT2_SUPER_OFFSET & (sbi->blocksize - 1)), &sbi->es,
	       sizeof(sbi->es));
	ext2_bdirty(sbi, &bh);
	ext2_brelse(&bh);
	return 0;
}

int ext2_update_super(struct ext2_sb_info *sbi)
{
	struct ext2_super_block *disk;
	struct ext2_buf bh;
	u32 wtime = sbi->es.s_wtime;
	int err;

	err = ext2_bread(sbi, EXT2_SUPER_OFFSET >> sbi->blocksize_bits, &bh);
	if (err)
		return err;
	disk = (void *)((char *)bh.data + (EXT2_SUPER_OFFSET & (sbi->blocksize - 1)));
	sbi->es.s_wtime = disk->s_wtime;
	if (memcmp(disk, &sbi->es, sizeof(sbi->es))) {
		sbi->es.s_wtime = ext2_now(sbi);
		memcpy(disk, &sbi->es, sizeof(sbi->es));
		ext2_bdirty(sbi, &bh);
	} else {
		sbi->es.s_wtime = wtime;
	}
	ext2_brelse(&bh);
	return 0;
}

/* Check the superblock copy in sbi->es against itself and the device; fill sbi. */
static int ext2_check_super(struct ext2_sb_info *sbi)
{
	struct ext2_super_block *es = &sbi->es;
	u64 dev_bytes = sbi->bdev->nr_sectors << SECTOR_SHIFT;
	u64 tree;

	if (es->s_magic != EXT2_SUPER_MAGIC)
		return bad_super("bad magic number: not ext2");
	if (es->s_rev_level != EXT2_DYNAMIC_REV)
		return bad_super("unsupported revision (only revision 1)");
	if (es->s_log_block_size > EXT2_MAX_BLOCK_LOG - EXT2_MIN_BLOCK_LOG)
		return bad_super("unsupported block size (1, 2 or 4 KiB only)");
	if (es->s_feature_incompat & ~EXT2_SUPPORTED_INCOMPAT)
		return bad_super("unsupported incompatible features");
	sbi->blocksize_bits = EXT2_MIN_BLOCK_LOG + es->s_log_block_size;
	sbi->blocksize = 1U << sbi->blocksize_bits;
	sbi->inode_size = es->s_inode_size;
	if (sbi->inode_size < EXT2_GOOD_OLD_INODE_SIZE || sbi->inode_size > sbi->blocksize ||
	    (sbi->inode_size & (sbi->inode_size - 1)))
		return bad_super("bad inode size");
	sbi->blocks_count = es->s_blocks_count;
	sbi->inodes_count = es->s_inodes_count;
	sbi->first_data_block = es->s_first_data_block;
	sbi->blocks_per_group = es->s_blocks_per_group;
	sbi->inodes_per_group = es->s_inodes_per_group;
	sbi->first_ino = es->s_first_ino;
	if (sbi->first_data_block != (sbi->blocksize == 1024 ? 1U : 0U))
		return bad_super("bad first data block");
	if (!sbi->blocks_per_group || sbi->blocks_per_group > 8 * sbi->blocksize ||
	    !sbi->inodes_per_group || sbi->inodes_per_group > 8 * sbi->blocksize)
		return bad_super("bad blocks or inodes per group");
	if (sbi->blocks_count <= sbi->first_data_block)
		return bad_super("bad block count");
	if ((u64)sbi->blocks_count << sbi->blocksize_bits > dev_bytes)
		return bad_super("filesystem larger than the device (truncated image?)");
	sbi->groups_count = (sbi->blocks_count - sbi->first_data_block +
			     sbi->blocks_per_group - 1) / sbi->blocks_per_group;
	if ((u64)sbi->inodes_per_group * sbi->groups_count != sbi->inodes_count)
		return bad_super("inode count does not match the groups");
	if (sbi->first_ino < 11 || sbi->first_ino >= sbi->inodes_count)
		return bad_super("bad first inode");
	if (es->s_free_blocks_count > sbi->blocks_count ||
	    es->s_free_inodes_count > sbi->inodes_count)
		return bad_super("free counts larger than the totals");
	sbi->inodes_per_block = sbi->blocksize / sbi->inode_size;
	sbi->itb_per_group = (sbi->inodes_per_group + sbi->inodes_per_block - 1) /
			     sbi->inodes_per_block;
	sbi->addr_per_block = sbi->blocksize / 4;
	sbi->addr_per_block_bits = sbi->blocksize_bits - 2;
	sbi->desc_per_block = sbi->blocksize / sizeof(struct ext2_group_desc);
	sbi->gdt_blocks = (sbi->groups_count + sbi->desc_per_block - 1) / sbi->desc_per_block;
	if (sbi->first_data_block + 1 + sbi->gdt_blocks > sbi->blocks_count)
		return bad_super("group descriptors past the end");
	/* Largest file: what the indirect tree reaches, and what 32-bit i_blocks counts. */
	tree = EXT2_NDIR_BLOCKS + (u64)sbi->addr_per_block +
	       ((u64)sbi->addr_per_block << sbi->addr_per_block_bits) +
	       ((u64)sbi->addr_per_block << (2 * sbi->addr_per_block_bits));
	sbi->max_bytes = MIN(tree, 0xffffffffULL >> (sbi->blocksize_bits - 9)) <<
			 sbi->blocksize_bits;
	if (es->s_feature_ro_compat & ~EXT2_SUPPORTED_RO_COMPAT) {
		printk("ext2: mount: unsupported read-only features: mounting read-only\n");
		sbi->rdonly = true;
	}
	return 0;
}

/* Read the descriptor table and check every group's bitmaps and inode table. */
static int ext2_load_groups(struct ext2_sb_info *sbi)
{
	struct ext2_buf bh = { 0 };
	int err = 0;
	u32 g;

	sbi->gd = kmalloc(sbi->groups_count * sizeof(*sbi->gd), GFP_KERNEL);
	if (!sbi->gd)
		return -ENOMEM;
	for (g = 0; g < sbi->groups_count; g++) {
		u32 first = sbi->first_data_block + g * sbi->blocks_per_group;
		u32 end = MIN(first + sbi->blocks_per_group, sbi->blocks_count);
		struct ext2_group_desc *gd = &sbi->gd[g];

		if (g % sbi->desc_per_block == 0) {
			ext2_brelse(&bh);
			err = ext2_bread(sbi, sbi->first_data_block + 1 + g / sbi->desc_per_block,
					 &bh);
			if (err)
				return err;
		}
		memcpy(gd, (char *)bh.data + (g % sbi->desc_per_block) * sizeof(*gd), sizeof(*gd));
		if (gd->bg_block_bitmap < first || gd->bg_block_bitmap >= end ||
		    gd->bg_inode_bitmap < first || gd->bg_inode_bitmap >= end ||
		    gd->bg_inode_table < first || gd->bg_inode_table >= end ||
		    sbi->itb_per_group > end - gd->bg_inode_table ||
		    gd->bg_free_blocks_count > end - first ||
		    gd->bg_free_inodes_count > sbi->inodes_per_group) {
			printk("ext2: mount: group %u: bitmaps or inode table outside it\n", g);
			err = -EINVAL;
			break;
		}
	}
	ext2_brelse(&bh);
	return err;
}

/*
 * A read-write mount, as Linux's ext2_setup_super() and the ext2_write_super() that ends
 * ext2_fill_super(): count the mount, and write the superblock with EXT2_VALID_FS cleared,
 * so that the disk says "not clean" until ext2_umount() puts the mount state back.
 */
static int ext2_setup_super(struct ext2_sb_info *sbi)
{
	struct ext2_super_block *es = &sbi->es;
	int err;

	sbi->mount_state = es->s_state;
	if (!(sbi->mount_state & EXT2_VALID_FS))
		printk("ext2: warning: mounting unchecked fs, running e2fsck is recommended\n");
	else if (sbi->mount_state & EXT2_ERROR_FS)
		printk("ext2: warning: mounting fs with errors, running e2fsck is recommended\n");
	es->s_mnt_count++;
	es->s_mtime = ext2_now(sbi);
	es->s_state &= ~EXT2_VALID_FS;
	err = ext2_commit_super(sbi);
	return err ? err : ext2_sync_blockdev(sbi);
}

static void ext2_put_sbi(struct ext2_sb_info *sbi)
{
	inode_io_list_del(&sbi->bd_mapping);
	truncate_inode_pages(&sbi->bd_mapping, 0);
	kfree(sbi->gd);
	kfree(sbi);
}

int ext2_mount(struct block_device *bdev, unsigned int flags, struct ext2_sb_info **out)
{
	struct ext2_sb_info *sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	struct page *page;
	int err;

	if (!sbi)
		return -ENOMEM;
	sbi->bdev = bdev;
	sbi->rdonly = flags & EXT2_MOUNT_RDONLY;
	INIT_LIST_HEAD(&sbi->inodes);
	wb_init(&sbi->wb, NULL);
	ext2_bdev_init(sbi);
	if (sbi->bd_mapping.i_size < EXT2_SUPER_OFFSET + sizeof(sbi->es)) {
		err = bad_super("device too small for a superblock");
		goto fail;
	}
	err = read_mapping_page(&sbi->bd_mapping, 0, &page);
	if (err) {
		printk("ext2: mount: cannot read the superblock\n");
		goto fail;
	}
	memcpy(&sbi->es, (char *)page_address(page) + EXT2_SUPER_OFFSET, sizeof(sbi->es));
	put_page(page);
	err = ext2_check_super(sbi);
	if (!err)
		err = ext2_load_groups(sbi);
	if (err)
		goto fail;
	if (!sbi->rdonly) {
		err = ext2_setup_super(sbi);
		if (err)
			goto fail;
	}
	inode_attach_wb(&sbi->bd_mapping, &sbi->wb);
	sbi->wb.metadata = &sbi->bd_mapping;
	*out = sbi;
	return 0;
fail:
	ext2_put_sbi(sbi);
	return err;
}

int ext2_sync_fs(struct ext2_sb_info *sbi)
{
	struct ext2_inode_info *ei;
	int err = 0, e;

	if (sbi->rdonly)
		return 0;
	/* Data first: writing it back may allocate blocks, which dirties metadata. */
	list_for_each_entry(ei, &sbi->inodes, list) {
		e = filemap_write_and_wait(&ei->mapping);
		if (e && !err)
			err = e;
	}
	e = ext2_commit_super(sbi);
	if (e && !err)
		err = e;
	e = ext2_sync_blockdev(sbi);
	return err ? err : e;
}

int ext2_umount(struct ext2_sb_info *sbi)
{
	struct ext2_inode_info *ei, *next;
	int err, e;

	/*
	 * Writing back sleeps, and other tasks (ones that outlived init) run meanwhile: from
	 * here on they get no new inode, so once none is held nobody touches the filesystem
	 * while the rest sleeps, and the inodes can be freed.
	 */
	sbi->closing = true;
	err = ext2_sync_fs(sbi);
	list_for_each_entry(ei, &sbi->inodes, list) {
		if (ei->count) {
			sbi->closing = false;
			if (err)
				printk("ext2: umount: sync: error %d\n", err);
			return -EBUSY;
		}
	}
	if (!sbi->rdonly) {		/* Linux's ext2_put_super() */
		sbi->es.s_state = sbi->mount_state;
		e = ext2_commit_super(sbi);
		if (!e)
			e = ext2_sync_blockdev(sbi);
		if (e && !err)
			err = e;
	}
	list_for_each_entry_safe(ei, next, &sbi->inodes, list) {
		inode_io_list_del(&ei->mapping);
		truncate_inode_pages(&ei->mapping, 0);
		list_del_init(&ei->list);
		kfree(ei);
	}
	ext2_put_sbi(sbi);
	return err;
}

void ext2_statfs(struct ext2_sb_info *sbi, u64 *blocks, u64 *bfree, u64 *files, u64 *ffree)
{
	*blocks = sbi->blocks_count;
	*bfree = sbi->es.s_free_blocks_count;
	*files = sbi->inodes_count;
	*ffree = sbi->es.s_free_inodes_count;
}

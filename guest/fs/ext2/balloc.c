// SPDX-License-Identifier: MIT
/*
 * Block and inode allocation (Linux's fs/ext2/balloc.c and ialloc.c, without reservation
 * windows or the Orlov allocator): first fit in the bitmaps from a goal, group by group,
 * keeping the group descriptors' and the superblock's free counts exact, as e2fsck checks.
 */
#include <kern/errno.h>
#include <kern/string.h>
#include "ext2.h"

/* The first clear bit of @map in [@start, @size), or @size. */
static u32 find_next_zero_bit(const u8 *map, u32 size, u32 start)
{
	u32 i;

	for (i = start; i < size; i++) {
		if (!(i & 7) && map[i >> 3] == 0xff && i + 8 <= size) {
			i += 7;
			continue;
		}
		if (!(map[i >> 3] & (1U << (i & 7))))
			return i;
	}
	return size;
}

static bool test_bit(const u8 *map, u32 bit)
{
	return map[bit >> 3] & (1U << (bit & 7));
}

static void flip_bit(u8 *map, u32 bit)
{
	map[bit >> 3] ^= 1U << (bit & 7);
}

/* Blocks in group @g (the last group may be short). */
static u32 group_blocks(const struct ext2_sb_info *sbi, u32 g)
{
	return MIN(sbi->blocks_per_group,
		   sbi->blocks_count - sbi->first_data_block - g * sbi->blocks_per_group);
}

int ext2_new_block(struct ext2_sb_info *sbi, u32 goal, u32 *out)
{
	u32 g0, bit0, n;
	int err;

	if (sbi->rdonly)
		return -EROFS;
	if (goal < sbi->first_data_block || goal >= sbi->blocks_count)
		goal = sbi->first_data_block;
	g0 = (goal - sbi->first_data_block) / sbi->blocks_per_group;
	bit0 = (goal - sbi->first_data_block) % sbi->blocks_per_group;
	/* The goal's group from the goal, every other group, then the goal's from its start. */
	for (n = 0; n <= sbi->groups_count; n++) {
		u32 g = (g0 + n) % sbi->groups_count, nbits = group_blocks(sbi, g), bit, block;
		struct ext2_group_desc *gd = &sbi->gd[g];
		struct ext2_buf bh;

		if (!gd->bg_free_blocks_count)
			continue;
		err = ext2_bread(sbi, gd->bg_block_bitmap, &bh);
		if (err)
			return err;
		bit = find_next_zero_bit(bh.data, nbits, n ? 0 : bit0);
		if (bit >= nbits) {
			ext2_brelse(&bh);
			continue;
		}
		block = sbi->first_data_block + g * sbi->blocks_per_group + bit;
		if (!ext2_data_block_ok(sbi, block)) {
			ext2_brelse(&bh);
			return EXT2_ERROR(sbi, "bitmap of group %u says metadata block %u is free",
					  g, block);
		}
		flip_bit(bh.data, bit);
		ext2_bdirty(sbi, &bh);
		ext2_brelse(&bh);
		gd->bg_free_blocks_count--;
		sbi->es.s_free_blocks_count--;
		err = ext2_write_group_desc(sbi, g);
		if (err)
			return err;
		*out = block;
		return 0;
	}
	return -ENOSPC;
}

int ext2_free_block(struct ext2_sb_info *sbi, u32 block)
{
	u32 g, bit;
	struct ext2_buf bh;
	int err;

	if (!ext2_data_block_ok(sbi, block))
		return EXT2_ERROR(sbi, "freeing block %u outside the data area", block);
	g = (block - sbi->first_data_block) / sbi->blocks_per_group;
	bit = (block - sbi->first_data_block) % sbi->blocks_per_group;
	err = ext2_bread(sbi, sbi->gd[g].bg_block_bitmap, &bh);
	if (err)
		return err;
	if (!test_bit(bh.data, bit)) {
		ext2_brelse(&bh);
		return EXT2_ERROR(sbi, "block %u freed twice", block);
	}
	flip_bit(bh.data, bit);
	ext2_bdirty(sbi, &bh);
	ext2_brelse(&bh);
	sbi->gd[g].bg_free_blocks_count++;
	sbi->es.s_free_blocks_count++;
	ext2_bforget(sbi, block);
	return ext2_write_group_desc(sbi, g);
}

int ext2_new_inode(struct ext2_sb_info *sbi, u32 group, bool dir, u32 *ino)
{
	u32 n;
	int err;

	if (sbi->rdonly)
		return -EROFS;
	for (n = 0; n < sbi->groups_count; n++) {
		u32 g = (group + n) % sbi->groups_count, bit;
		struct ext2_group_desc *gd = &sbi->gd[g];
		struct ext2_buf bh;

		if (!gd->bg_free_inodes_count)
			continue;
		err = ext2_bread(sbi, gd->bg_inode_bitmap, &bh);
		if (err)
			return err;
		/* The reserved inodes (1 .. first_ino - 1) live in group 0. */
		bit = find_next_zero_bit(bh.data, sbi->inodes_per_group,
					 g ? 0 : MIN(sbi->first_ino - 1, sbi->inodes_per_group));
		if (bit >= sbi->inodes_per_group) {
			ext2_brelse(&bh);
			continue;
		}
		flip_bit(bh.data, bit);
		ext2_bdirty(sbi, &bh);
		ext2_brelse(&bh);
		gd->bg_free_inodes_count--;
		if (dir)
			gd->bg_used_dirs_count++;
		sbi->es.s_free_inodes_count--;
		err = ext2_write_group_desc(sbi, g);
		if (err)
			return err;
		*ino = g * sbi->inodes_per_group + bit + 1;
		return 0;
	}
	return -ENOSPC;
}

int ext2_free_inode(struct ext2_sb_info *sbi, u32 ino, bool dir)
{
	u32 g, bit;
	struct ext2_buf bh;
	int err;

	if (ino < sbi->first_ino || ino > sbi->inodes_count)
		return EXT2_ERROR(sbi, "freeing reserved or bad inode %u", ino);
	g = (ino - 1) / sbi->inodes_per_group;
	bit = (ino - 1) % sbi->inodes_per_group;
	err = ext2_bread(sbi, sbi->gd[g].bg_inode_bitmap, &bh);
	if (err)
		return err;
	if (!test_bit(bh.data, bit)) {
		ext2_brelse(&bh);
		return EXT2_ERROR(sbi, "inode %u freed twice", ino);
	}
	flip_bit(bh.data, bit);
	ext2_bdirty(sbi, &bh);
	ext2_brelse(&bh);
	sbi->gd[g].bg_free_inodes_count++;
	if (dir && sbi->gd[g].bg_used_dirs_count)
		sbi->gd[g].bg_used_dirs_count--;
	sbi->es.s_free_inodes_count++;
	return ext2_write_group_desc(sbi, g);
}

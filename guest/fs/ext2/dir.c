// SPDX-License-Identifier: MIT
/*
 * ext2 directories (Linux's fs/ext2/dir.c): blocks of variable-length entries read through
 * the metadata cache, every entry checked before it is trusted (record length, name
 * length, inode number); finding, adding (into slack space or a new block) and removing
 * entries, and readdir. Hash-indexed directories are read linearly, and lose their index
 * flag when changed, as Linux's ext2 does.
 */
#include <kern/errno.h>
#include <kern/string.h>
#include "ext2.h"

/* Where an entry is: block of the directory, offset, and the entry before it (or -1). */
struct ext2_dirent_loc {
	u64 block;
	unsigned int off;
	int prev;
	u32 ino;
};

/* The entry at @off of a directory block, checked; NULL (and an error) if corrupt. */
static struct ext2_dir_entry_2 *dirent_at(struct ext2_inode_info *dir, void *data,
					  unsigned int off)
{
	struct ext2_sb_info *sbi = dir->sbi;
	struct ext2_dir_entry_2 *de = (struct ext2_dir_entry_2 *)((char *)data + off);
	unsigned int bs = sbi->blocksize;

	if (off + EXT2_DIR_REC_LEN(1) > bs || de->rec_len < EXT2_DIR_REC_LEN(1) ||
	    (de->rec_len & 3) || de->rec_len > bs - off ||
	    de->rec_len < EXT2_DIR_REC_LEN(de->name_len) || de->inode > sbi->inodes_count) {
		EXT2_ERROR(sbi, "directory %u: bad entry at offset %u (rec_len %u, name_len %u, "
			   "inode %u)", dir->ino, off, de->rec_len, de->name_len, de->inode);
		return NULL;
	}
	return de;
}

/* Read block @n of directory @dir (which has no holes). */
static int dir_block(struct ext2_inode_info *dir, u64 n, struct ext2_buf *bh)
{
	u32 pblk;
	int err = ext2_get_block(dir, n, false, &pblk);

	if (err)
		return err;
	if (!pblk)
		return EXT2_ERROR(dir->sbi, "directory %u: hole at block %llu", dir->ino,
				  (unsigned long long)n);
	return ext2_bread(dir->sbi, pblk, bh);
}

/* Blocks of a directory, or -EIO when its size is not a whole number of them. */
static long dir_blocks(struct ext2_inode_info *dir)
{
	u64 size = ext2_size(dir);

	if (size & (dir->sbi->blocksize - 1))
		return EXT2_ERROR(dir->sbi, "directory %u: size %llu not in whole blocks",
				  dir->ino, (unsigned long long)size);
	return size >> dir->sbi->blocksize_bits;
}

/* Find @name: 0 with *@loc filled, -ENOENT, -EIO. */
static int ext2_find_entry(struct ext2_inode_info *dir, const char *name, size_t len,
			   struct ext2_dirent_loc *loc)
{
	long nblocks = dir_blocks(dir), n;
	int err;

	if (nblocks < 0)
		return nblocks;
	for (n = 0; n < nblocks; n++) {
		struct ext2_buf bh;
		unsigned int off = 0;
		int prev = -1;

		err = dir_block(dir, n, &bh);
		if (err)
			return err;
		while (off < dir->sbi->blocksize) {
			struct ext2_dir_entry_2 *de = dirent_at(dir, bh.data, off);

			if (!de) {
				ext2_brelse(&bh);
				return -EIO;
			}
			if (de->inode && de->name_len == len && !memcmp(de->name, name, len)) {
				loc->block = n;
				loc->off = off;
				loc->prev = prev;
				loc->ino = de->inode;
				ext2_brelse(&bh);
				return 0;
			}
			prev = off;
			off += de->rec_len;
		}
		ext2_brelse(&bh);
	}
	return -ENOENT;
}

/* The directory changed: times, and no hash index any more (we do not keep it). */
static int dir_touch(struct ext2_inode_info *dir)
{
	dir->raw.i_mtime = dir->raw.i_ctime = ext2_now(dir->sbi);
	dir->raw.i_flags &= ~EXT2_INDEX_FL;
	return ext2_write_inode(dir);
}

static void fill_entry(struct ext2_sb_info *sbi, struct ext2_dir_entry_2 *de, const char *name,
		       size_t len, u32 ino, unsigned int type)
{
	de->inode = ino;
	de->name_len = len;
	de->file_type = sbi->es.s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE ? type : 0;
	memcpy(de->name, name, len);
}

int ext2_add_link(struct ext2_inode_info *dir, const char *name, size_t len, u32 ino,
		  unsigned int type)
{
	struct ext2_sb_info *sbi = dir->sbi;
	unsigned int need = EXT2_DIR_REC_LEN(len);
	long nblocks = dir_blocks(dir), n;
	struct ext2_buf bh;
	u32 pblk;
	int err;

	if (nblocks < 0)
		return nblocks;
	for (n = 0; n < nblocks; n++) {
		unsigned int off = 0;

		err = dir_block(dir, n, &bh);
		if (err)
			return err;
		while (off < sbi->blocksize) {
			struct ext2_dir_entry_2 *de = dirent_at(dir, bh.data, off);
			unsigned int used;

			if (!de) {
				ext2_brelse(&bh);
				return -EIO;
			}
			used = de->inode ? EXT2_DIR_REC_LEN(de->name_len) : 0;
			if (de->rec_len - used >= need) {
				if (used) {	/* split: the new entry takes the slack */
					struct ext2_dir_entry_2 *nde = (void *)((char *)de + used);

					nde->rec_len = de->rec_len - used;
					de->rec_len = used;
					de = nde;
				}
				fill_entry(sbi, de, name, len, ino, type);
				ext2_bdirty(sbi, &bh);
				ext2_brelse(&bh);
				return dir_touch(dir);
			}
			off += de->rec_len;
		}
		ext2_brelse(&bh);
	}
	/* No room: a new block with one entry spanning it. */
	err = ext2_get_block(dir, nblocks, true, &pblk);
	if (err)
		return err;
	err = ext2_bread_zero(sbi, pblk, &bh);
	if (err)
		return err;
	((struct ext2_dir_entry_2 *)bh.data)->rec_len = sbi->blocksize;
	fill_entry(sbi, bh.data, name, len, ino, type);
	ext2_bdirty(sbi, &bh);
	ext2_brelse(&bh);
	dir->mapping.i_size += sbi->blocksize;
	return dir_touch(dir);
}

static int ext2_delete_entry(struct ext2_inode_info *dir, const struct ext2_dirent_loc *loc)
{
	struct ext2_sb_info *sbi = dir->sbi;
	struct ext2_dir_entry_2 *de;
	struct ext2_buf bh;
	int err = dir_block(dir, loc->block, &bh);

	if (err)
		return err;
	de = (struct ext2_dir_entry_2 *)((char *)bh.data + loc->off);
	if (loc->prev >= 0)		/* the previous entry absorbs it */
		((struct ext2_dir_entry_2 *)((char *)bh.data + loc->prev))->rec_len += de->rec_len;
	else
		de->inode = 0;
	ext2_bdirty(sbi, &bh);
	ext2_brelse(&bh);
	return dir_touch(dir);
}

int ext2_lookup(struct ext2_inode_info *dir, const char *name, size_t len, u32 *ino)
{
	struct ext2_dirent_loc loc;
	int err;

	if (!EXT2_ISDIR(dir->raw.i_mode))
		return -ENOTDIR;
	if (len > 255)
		return -ENAMETOOLONG;
	err = ext2_find_entry(dir, name, len, &loc);
	if (err)
		return err;
	if (!loc.ino)
		return -ENOENT;
	*ino = loc.ino;
	return 0;
}

int ext2_remove_link(struct ext2_inode_info *dir, const char *name, size_t len, u32 *ino)
{
	struct ext2_dirent_loc loc;
	int err = ext2_find_entry(dir, name, len, &loc);

	if (err)
		return err;
	*ino = loc.ino;
	return ext2_delete_entry(dir, &loc);
}

int ext2_readdir(struct ext2_inode_info *dir, u64 *pos,
		 int (*actor)(void *ctx, const char *name, unsigned int len, u32 ino,
			      unsigned int type),
		 void *ctx)
{
	struct ext2_sb_info *sbi = dir->sbi;
	long nblocks;
	int err;

	if (!EXT2_ISDIR(dir->raw.i_mode))
		return -ENOTDIR;
	nblocks = dir_blocks(dir);
	if (nblocks < 0)
		return nblocks;
	while ((long)(*pos >> sbi->blocksize_bits) < nblocks) {
		u64 n = *pos >> sbi->blocksize_bits;
		unsigned int off = 0, want = *pos & (sbi->blocksize - 1);
		struct ext2_buf bh;

		err = dir_block(dir, n, &bh);
		if (err)
			return err;
		while (off < sbi->blocksize) {
			struct ext2_dir_entry_2 *de = dirent_at(dir, bh.data, off);

			if (!de) {
				ext2_brelse(&bh);
				return -EIO;
			}
			if (off >= want && de->inode &&
			    actor(ctx, de->name, de->name_len, de->inode, de->file_type)) {
				ext2_brelse(&bh);
				return 0;
			}
			off += de->rec_len;
			if (off > want)
				*pos = (n << sbi->blocksize_bits) + off;
		}
		ext2_brelse(&bh);
		*pos = (n + 1) << sbi->blocksize_bits;
	}
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * Names (Linux's fs/ext2/namei.c): path lookup from the root, creating regular files
 * (O_CREAT: a new inode and its directory entry) and unlinking them.
 */
#include <kern/errno.h>
#include <kern/string.h>
#include "ext2.h"

int ext2_namei(struct ext2_sb_info *sbi, const char *path, struct ext2_inode_info **out)
{
	struct ext2_inode_info *cur, *next;
	int err = ext2_iget(sbi, EXT2_ROOT_INO, &cur);

	if (err)
		return err;
	if (!EXT2_ISDIR(cur->raw.i_mode)) {
		ext2_iput(cur);
		return EXT2_ERROR(sbi, "root inode is not a directory");
	}
	while (*path) {
		const char *end;
		size_t len;
		u32 ino;

		while (*path == '/')
			path++;
		end = path;
		while (*end && *end != '/')
			end++;
		len = end - path;
		if (!len)
			break;
		if (len == 1 && *path == '.') {
			path = end;
			continue;
		}
		err = ext2_lookup(cur, path, len, &ino);
		if (!err)
			err = ext2_iget(sbi, ino, &next);
		ext2_iput(cur);
		if (err)
			return err == -EINVAL ? -EIO : err;
		cur = next;
		path = end;
	}
	*out = cur;
	return 0;
}

/* A name for a new entry: not empty, no '/', at most 255 bytes, not "." or "..". */
static int check_name(const char *name, size_t len)
{
	if (!len)
		return -ENOENT;
	if (len > 255)
		return -ENAMETOOLONG;
	if (memchr(name, '/', len) || (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return -EINVAL;
	return 0;
}

int ext2_create(struct ext2_inode_info *dir, const char *name, size_t len, unsigned int mode,
		struct ext2_inode_info **out)
{
	struct ext2_sb_info *sbi = dir->sbi;
	struct ext2_inode raw;
	struct ext2_inode_info *ei;
	u32 ino, now;
	int err;

	if (!EXT2_ISDIR(dir->raw.i_mode))
		return -ENOTDIR;
	err = check_name(name, len);
	if (err)
		return err;
	if (sbi->rdonly)
		return -EROFS;
	err = ext2_lookup(dir, name, len, &ino);
	if (err != -ENOENT)
		return err ? err : -EEXIST;
	err = ext2_new_inode(sbi, dir->block_group, false, &ino);
	if (err)
		return err;
	now = ext2_now(sbi);
	memset(&raw, 0, sizeof(raw));
	raw.i_mode = EXT2_S_IFREG | (mode & 07777);
	raw.i_links_count = 1;
	raw.i_atime = raw.i_ctime = raw.i_mtime = now;
	err = ext2_init_inode(sbi, ino, &raw);
	if (!err)
		err = ext2_iget(sbi, ino, &ei);
	if (err) {
		ext2_free_inode(sbi, ino, false);
		return err;
	}
	err = ext2_add_link(dir, name, len, ino, EXT2_FT_REG_FILE);
	if (err) {
		ei->raw.i_links_count = 0;	/* ext2_iput() deletes it again */
		ext2_iput(ei);
		return err;
	}
	*out = ei;
	return 0;
}

int ext2_unlink(struct ext2_inode_info *dir, const char *name, size_t len)
{
	struct ext2_sb_info *sbi = dir->sbi;
	struct ext2_inode_info *ei;
	u32 ino;
	int err;

	err = ext2_lookup(dir, name, len, &ino);
	if (err)
		return err;
	if (sbi->rdonly)
		return -EROFS;
	err = ext2_iget(sbi, ino, &ei);
	if (err)
		return err == -EINVAL ? -EIO : err;
	if (EXT2_ISDIR(ei->raw.i_mode)) {
		ext2_iput(ei);
		return -EISDIR;
	}
	err = ext2_remove_link(dir, name, len, &ino);
	if (!err) {
		ei->raw.i_links_count--;
		ei->raw.i_ctime = ext2_now(sbi);
		err = ext2_write_inode(ei);
	}
	ext2_iput(ei);		/* the last reference of the last link deletes it */
	return err;
}

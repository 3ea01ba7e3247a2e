// SPDX-License-Identifier: MIT
/*
 * Regular-file data (Linux's fs/ext2/file.c): read() and write() through the page cache
 * (filemap_read, generic_perform_write with ext2's write_begin / write_end), and fsync.
 * mmap needs nothing more: the file's address_space and generic_file_vm_ops do it.
 */
#include <kern/errno.h>
#include "ext2.h"

long ext2_file_read(struct ext2_inode_info *ei, struct file_ra_state *ra, u64 *pos,
		    struct iov_iter *iter)
{
	if (EXT2_ISDIR(ei->raw.i_mode))
		return -EISDIR;
	if (!EXT2_ISREG(ei->raw.i_mode))
		return -EINVAL;
	return filemap_read(&ei->mapping, ra, pos, iter);
}

long ext2_file_write(struct ext2_inode_info *ei, u64 *pos, struct iov_iter *iter)
{
	struct ext2_sb_info *sbi = ei->sbi;

	if (!EXT2_ISREG(ei->raw.i_mode))
		return EXT2_ISDIR(ei->raw.i_mode) ? -EISDIR : -EINVAL;
	if (sbi->rdonly)
		return -EROFS;
	if (!iter->count)
		return 0;
	if (*pos >= sbi->max_bytes)
		return -EFBIG;
	if (iter->count > sbi->max_bytes - *pos)
		iter->count = sbi->max_bytes - *pos;
	return generic_perform_write(&ei->mapping, pos, iter);
}

int ext2_fsync(struct ext2_inode_info *ei, u64 start, u64 end, int datasync)
{
	int err = filemap_write_and_wait_range(&ei->mapping, start, end), e;

	/* The inode, indirect blocks and bitmaps the data needs are in the device cache. */
	e = ext2_sync_blockdev(ei->sbi);
	return err ? err : e;
}

/* SPDX-License-Identifier: MIT */
/*
 * The ext2 on-disk format (revision 1), as Linux's fs/ext2/ext2.h describes it: the
 * superblock at byte 1024, the group descriptor table in the block after it, per-group
 * block and inode bitmaps and inode tables, inodes with 12 direct and single, double and
 * triple indirect block pointers, and directory entries with a file type byte. All fields
 * are little-endian, which is also the CPU's order on both sides (x86-64).
 */
#ifndef EXT2_FS_H
#define EXT2_FS_H

#include <kern/types.h>
#include <kern/compiler.h>

#define EXT2_SUPER_MAGIC	0xEF53
#define EXT2_SUPER_OFFSET	1024		/* bytes from the start of the device */
#define EXT2_MIN_BLOCK_LOG	10		/* 1 KiB */
#define EXT2_MAX_BLOCK_LOG	12		/* 4 KiB: a block never spans pages */
#define EXT2_DYNAMIC_REV	1
#define EXT2_GOOD_OLD_INODE_SIZE 128

#define EXT2_ROOT_INO		2
#define EXT2_NDIR_BLOCKS	12
#define EXT2_IND_BLOCK		12
#define EXT2_DIND_BLOCK		13
#define EXT2_TIND_BLOCK		14
#define EXT2_N_BLOCKS		15

#define EXT2_VALID_FS		0x0001		/* s_state: cleanly unmounted */
#define EXT2_ERROR_FS		0x0002

/* Features we know. Unknown incompat ones refuse the mount; unknown ro_compat ones make
 * it read-only; compat ones are harmless to an implementation that ignores them. */
#define EXT2_FEATURE_INCOMPAT_FILETYPE		0x0002
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER	0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE	0x0002
#define EXT2_SUPPORTED_INCOMPAT		EXT2_FEATURE_INCOMPAT_FILETYPE
#define EXT2_SUPPORTED_RO_COMPAT	(EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | \
					 EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

#define EXT2_INDEX_FL		0x00001000	/* hash-indexed directory (htree) */

#define EXT2_EXT_ATTR_MAGIC	0xEA020000	/* header of an extended attribute block */

struct ext2_super_block {
	u32 s_inodes_count;
	u32 s_blocks_count;
	u32 s_r_blocks_count;
	u32 s_free_blocks_count;
	u32 s_free_inodes_count;
	u32 s_first_data_block;
	u32 s_log_block_size;		/* block size = 1024 << this */
	u32 s_log_frag_size;
	u32 s_blocks_per_group;
	u32 s_frags_per_group;
	u32 s_inodes_per_group;
	u32 s_mtime;
	u32 s_wtime;
	u16 s_mnt_count;
	u16 s_max_mnt_count;
	u16 s_magic;
	u16 s_state;
	u16 s_errors;
	u16 s_minor_rev_level;
	u32 s_lastcheck;
	u32 s_checkinterval;
	u32 s_creator_os;
	u32 s_rev_level;
	u16 s_def_resuid;
	u16 s_def_resgid;
	/* EXT2_DYNAMIC_REV */
	u32 s_first_ino;
	u16 s_inode_size;
	u16 s_block_group_nr;
	u32 s_feature_compat;
	u32 s_feature_incompat;
	u32 s_feature_ro_compat;
	u8 s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	u32 s_algorithm_usage_bitmap;
	u8 s_prealloc_blocks;
	u8 s_prealloc_dir_blocks;
	u16 s_padding1;
	u8 s_journal_uuid[16];
	u32 s_journal_inum;
	u32 s_journal_dev;
	u32 s_last_orphan;
	u32 s_hash_seed[4];
	u8 s_def_hash_version;
	u8 s_reserved_char_pad;
	u16 s_reserved_word_pad;
	u32 s_default_mount_opts;
	u32 s_first_meta_bg;
	u32 s_mkfs_time;
	u32 s_reserved[189];
};

struct ext2_group_desc {
	u32 bg_block_bitmap;
	u32 bg_inode_bitmap;
	u32 bg_inode_table;
	u16 bg_free_blocks_count;
	u16 bg_free_inodes_count;
	u16 bg_used_dirs_count;
	u16 bg_pad;
	u32 bg_reserved[3];
};

struct ext2_inode {
	u16 i_mode;
	u16 i_uid;
	u32 i_size;
	u32 i_atime;
	u32 i_ctime;
	u32 i_mtime;
	u32 i_dtime;			/* deletion time: non-zero for a deleted inode */
	u16 i_gid;
	u16 i_links_count;
	u32 i_blocks;			/* 512-byte sectors, indirect blocks included */
	u32 i_flags;
	u32 i_osd1;
	u32 i_block[EXT2_N_BLOCKS];
	u32 i_generation;
	u32 i_file_acl;			/* extended attribute block */
	u32 i_size_high;		/* regular files with LARGE_FILE: i_size bits 32..63 */
	u32 i_faddr;
	u8 i_osd2[12];
};

/* A directory entry: name_len bytes of name follow, padded so rec_len is a multiple of 4. */
struct ext2_dir_entry_2 {
	u32 inode;			/* 0: unused */
	u16 rec_len;			/* bytes to the next entry */
	u8 name_len;
	u8 file_type;
	char name[];
};

#define EXT2_DIR_PAD		4
#define EXT2_DIR_REC_LEN(name_len)	\
	(((name_len) + 8 + EXT2_DIR_PAD - 1) & ~(EXT2_DIR_PAD - 1))

/* file_type values (filetype feature). */
enum {
	EXT2_FT_UNKNOWN,
	EXT2_FT_REG_FILE,
	EXT2_FT_DIR,
	EXT2_FT_CHRDEV,
	EXT2_FT_BLKDEV,
	EXT2_FT_FIFO,
	EXT2_FT_SOCK,
	EXT2_FT_SYMLINK,
};

_Static_assert(sizeof(struct ext2_super_block) == 1024, "ext2 superblock is 1024 bytes");
_Static_assert(sizeof(struct ext2_group_desc) == 32, "ext2 group descriptor is 32 bytes");
_Static_assert(sizeof(struct ext2_inode) == 128, "ext2 inode is 128 bytes");

#endif

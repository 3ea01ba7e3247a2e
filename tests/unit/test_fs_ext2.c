// SPDX-License-Identifier: MIT
/*
 * Host tests of ext2 (guest/fs/ext2/) over the page cache and a RAM disk, for 1, 2 and
 * 4 KiB blocks. Each test builds an image with the real tools at run time (mke2fs -t ext2
 * -b BS -d TREE into a temporary directory), mounts it from a RAM disk, works on it, and
 * after unmounting checks it with `e2fsck -fn` (which must find nothing: no error status,
 * no question answered "no", no warning) and reads the
 * results back with debugfs (dump, bmap), independently of our code. Corrupt images (bad
 * magic, truncated, descriptors or block pointers out of range, loops through indirect
 * blocks, bad directory entries, unknown features) must fail cleanly.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <mm/mm.h>
#include <mm/pagemap.h>
#include "guest/fs/ext2/ext2.h"
#include "mm_test.h"
#include "rambd.h"
#include "soft_mmu.h"

#define FT_ARENA	(64UL << 20)
#define FT_BASE		0x40000000UL

#define IMG_SIZE	"8M"
#define BIG_SIZE	(300 * 1024 + 77)	/* past the single indirect blocks at 1 KiB */
#define SMALL_TEXT	"hello, ext2\n"

static const unsigned int block_sizes[] = { 1024, 2048, 4096 };
static char tmpdir[64];
static unsigned int bs;			/* block size of the current image */
static struct rambd *disk;
static struct ext2_sb_info *sbi;

static unsigned char big_byte(u64 off)
{
	return (unsigned char)(off * 131 + (off >> 9) * 7 + 3);
}

/* Offset inside the triple-indirect range for the current block size. */
static u64 tind_offset(void)
{
	u64 apb = bs / 4;

	return (12 + apb + apb * apb) * (u64)bs + 5 * (u64)bs + 100;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return rc == -1 ? -1 : WEXITSTATUS(rc);
}

static void write_host_file(const char *path, const void *data, size_t len, u64 at)
{
	FILE *f = fopen(path, "r+b");

	if (!f)
		f = fopen(path, "wb");
	if (!f || fseek(f, at, SEEK_SET) || (len && fwrite(data, len, 1, f) != 1) || fclose(f)) {
		fprintf(stderr, "cannot write %s\n", path);
		abort();
	}
}

/* The tree every image starts from. */
static void make_tree(const char *dir)
{
	unsigned char *big = malloc(BIG_SIZE);
	char path[256];
	u64 i;

	for (i = 0; i < BIG_SIZE; i++)
		big[i] = big_byte(i);
	sh("rm -rf %s && mkdir -p %s/dir", dir, dir);
	snprintf(path, sizeof(path), "%s/small.txt", dir);
	write_host_file(path, SMALL_TEXT, strlen(SMALL_TEXT), 0);
	snprintf(path, sizeof(path), "%s/big.bin", dir);
	write_host_file(path, big, BIG_SIZE, 0);
	snprintf(path, sizeof(path), "%s/empty", dir);
	write_host_file(path, "", 0, 0);
	snprintf(path, sizeof(path), "%s/dir/nested.txt", dir);
	write_host_file(path, "nested\n", 7, 0);
	/* Sparse: a page at 0 and a few bytes in the triple-indirect range. */
	snprintf(path, sizeof(path), "%s/sparse.bin", dir);
	write_host_file(path, big, 4096, 0);
	write_host_file(path, "TIND", 4, tind_offset());
	free(big);
}

static const char *img_path(void)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/img", tmpdir);
	return path;
}

/* A fresh arena and a RAM disk holding a new image; @opts go to mke2fs. */
static bool new_image(const char *opts)
{
	char tree[128];

	unit_mm_boot(FT_ARENA);
	nr_file_pages = nr_file_dirty = nr_writeback = 0;
	soft_mmu_reset();
	unit_page_wait_init();
	snprintf(tree, sizeof(tree), "%s/tree", tmpdir);
	make_tree(tree);
	CHECK(sh("mke2fs -q -F -t ext2 -b %u %s -d %s %s " IMG_SIZE " >/dev/null 2>&1", bs, opts,
		 tree, img_path()) == 0);
	disk = rambd_load(img_path());
	CHECK(disk);
	return true;
}

static bool mount_image(unsigned int flags)
{
	int err = ext2_mount(&disk->bdev, flags, &sbi);

	CHECKF(!err, "mount: %d", err);
	return true;
}

static bool umount_image(void)
{
	int err = ext2_umount(sbi);

	sbi = NULL;
	CHECKF(!err, "umount: %d", err);
	CHECK(disk->npending == 0);
	return true;
}

/* Save the disk and run e2fsck -fn on it: it must find nothing. */
static bool fsck_clean(void)
{
	char log[160];
	int rc;

	CHECK(rambd_save(disk, img_path()) == 0);
	snprintf(log, sizeof(log), "%s/fsck.log", tmpdir);
	rc = sh("e2fsck -fn %s >%s 2>&1", img_path(), log);
	/* Some problems (the superblock's free counts) leave the exit status 0: any question
	 * e2fsck had to answer "no" to is a failure too. */
	if (!rc && sh("grep -q '? no$\\|WARNING' %s", log) == 0)
		rc = 99;
	if (rc) {
		FILE *f = fopen(log, "r");
		char line[256];

		tap_diag("e2fsck -fn exited %d (block size %u):", rc, bs);
		while (f && fgets(line, sizeof(line), f))
			tap_diag("  %s", strtok(line, "\n") ? line : "");
		if (f)
			fclose(f);
		return false;
	}
	return true;
}

/* Free the disk; every page must be back. */
static bool finish(void)
{
	if (sbi)
		ext2_umount(sbi);
	sbi = NULL;
	rambd_run(disk);
	rambd_destroy(disk);
	disk = NULL;
	CHECK(nr_file_pages == 0 && nr_file_dirty == 0 && nr_writeback == 0);
	CHECKF(nr_free_pages() == totalram_pages, "%lu pages leaked",
	       totalram_pages - nr_free_pages());
	return true;
}

/* debugfs's view of @path: dumped into a host file, read back into a malloc'd buffer. */
static unsigned char *debugfs_dump(const char *path, size_t *len)
{
	char out[160];
	unsigned char *buf;
	struct stat st;
	FILE *f;

	snprintf(out, sizeof(out), "%s/dump", tmpdir);
	unlink(out);
	if (sh("debugfs -R 'dump %s %s' %s >/dev/null 2>&1", path, out, img_path()) ||
	    stat(out, &st))
		return NULL;
	buf = malloc(st.st_size + 1);
	f = fopen(out, "rb");
	if (!f || (st.st_size && fread(buf, st.st_size, 1, f) != 1)) {
		free(buf);
		buf = NULL;
	}
	if (f)
		fclose(f);
	*len = st.st_size;
	return buf;
}

/* debugfs's mapping of logical block @lblk of @path (0: a hole), or -1. */
static long debugfs_bmap(const char *path, u64 lblk)
{
	char cmd[256];
	long v = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "debugfs -R 'bmap %s %llu' %s 2>/dev/null", path,
		 (unsigned long long)lblk, img_path());
	p = popen(cmd, "r");
	if (!p || fscanf(p, "%ld", &v) != 1)
		v = -1;
	if (p)
		pclose(p);
	return v;
}

/* Does debugfs find @path? */
static bool debugfs_exists(const char *path)
{
	return sh("debugfs -R 'stat %s' %s 2>&1 | grep -q 'not found'", path, img_path()) != 0;
}

/* ---- helpers over our ext2 ---------------------------------------------------------- */

static long f_read(struct ext2_inode_info *ei, u64 pos, void *buf, size_t len)
{
	struct file_ra_state ra;
	struct iov_iter it;

	file_ra_state_init(&ra, &ei->mapping);
	iov_iter_kvec(&it, buf, len);
	return ext2_file_read(ei, &ra, &pos, &it);
}

static long f_write(struct ext2_inode_info *ei, u64 pos, const void *buf, size_t len)
{
	struct iov_iter it;

	iov_iter_kvec(&it, (void *)buf, len);
	return ext2_file_write(ei, &pos, &it);
}

static struct ext2_inode_info *get(const char *path)
{
	struct ext2_inode_info *ei = NULL;
	int err = ext2_namei(sbi, path, &ei);

	if (err)
		tap_diag("namei %s: %d", path, err);
	return err ? NULL : ei;
}

static bool is_big(const unsigned char *buf, u64 off, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != big_byte(off + i)) {
			tap_diag("byte %llu: %#x, want %#x", (unsigned long long)(off + i), buf[i],
				 big_byte(off + i));
			return false;
		}
	return true;
}

static int collect(void *ctx, const char *name, unsigned int len, u32 ino, unsigned int type)
{
	char *names = ctx;

	strncat(names, name, len);
	strcat(names, " ");
	return 0;
}

/* ---- the tests (each runs for every block size) --------------------------------------- */

static bool t_mount_and_read(void)
{
	static unsigned char buf[BIG_SIZE + 100];
	struct ext2_inode_info *ei, *dir;
	char names[512] = "";
	u64 pos = 0;
	u32 ino;

	CHECK(new_image("") && mount_image(0));
	CHECK(sbi->blocksize == bs);
	CHECK((ei = get("/small.txt")) && EXT2_ISREG(ext2_mode(ei)));
	CHECK(f_read(ei, 0, buf, 100) == (long)strlen(SMALL_TEXT));
	CHECK(!memcmp(buf, SMALL_TEXT, strlen(SMALL_TEXT)));
	ext2_iput(ei);
	CHECK((ei = get("big.bin")) && ext2_size(ei) == BIG_SIZE);
	CHECK(f_read(ei, 0, buf, sizeof(buf)) == BIG_SIZE && is_big(buf, 0, BIG_SIZE));
	CHECK(f_read(ei, 123456, buf, 1000) == 1000 && is_big(buf, 123456, 1000));
	ext2_iput(ei);
	CHECK((ei = get("/empty")) && f_read(ei, 0, buf, 10) == 0);
	ext2_iput(ei);
	CHECK((ei = get("/dir/nested.txt")) && f_read(ei, 0, buf, 10) == 7);
	CHECK(!memcmp(buf, "nested\n", 7));
	ext2_iput(ei);
	/* Sparse: data, holes reading as zeroes, data in the triple-indirect range. */
	CHECK((ei = get("/sparse.bin")) && ext2_size(ei) == tind_offset() + 4);
	CHECK(f_read(ei, 0, buf, 4096) == 4096 && is_big(buf, 0, 4096));
	CHECK(f_read(ei, 1 << 20, buf, 4096) == 4096 && buf[0] == 0 && buf[4095] == 0);
	CHECK(f_read(ei, tind_offset() - 2, buf, 100) == 6);
	CHECK(buf[0] == 0 && buf[1] == 0 && !memcmp(buf + 2, "TIND", 4));
	ext2_iput(ei);
	/* Names. */
	CHECK((dir = get("/")) && EXT2_ISDIR(ext2_mode(dir)));
	CHECK(ext2_lookup(dir, "nope", 4, &ino) == -ENOENT);
	CHECK(ext2_namei(sbi, "/small.txt/x", &ei) == -ENOTDIR);
	CHECK(ext2_namei(sbi, "/dir/../dir/./nested.txt", &ei) == 0);
	ext2_iput(ei);
	CHECK(ext2_readdir(dir, &pos, collect, names) == 0);
	CHECK(strstr(names, "small.txt ") && strstr(names, "big.bin ") && strstr(names, "dir ") &&
	      strstr(names, "lost+found ") && strstr(names, ". ") && strstr(names, ".. "));
	CHECK(f_read(dir, 0, buf, 1) == -EISDIR);
	ext2_iput(dir);
	CHECK(ext2_umount(sbi) == 0);
	sbi = NULL;
	CHECK(fsck_clean());
	return finish();
}

/* A cold sequential read goes out in few large requests: per window, not per page. */
static bool t_read_batched(void)
{
	static unsigned char buf[BIG_SIZE];
	struct ext2_inode_info *ei;
	unsigned long data_reads, pages = (BIG_SIZE + PAGE_SIZE - 1) / PAGE_SIZE;

	CHECK(new_image("") && mount_image(0));
	CHECK((ei = get("/big.bin")));
	disk->reads = 0;
	CHECK(f_read(ei, 0, buf, sizeof(buf)) == BIG_SIZE && is_big(buf, 0, BIG_SIZE));
	data_reads = disk->reads;
	CHECKF(data_reads <= pages / 4, "%lu requests for %lu pages", data_reads, pages);
	CHECK(disk->max_read_bytes >= 64 * 1024);
	ext2_iput(ei);
	CHECK(umount_image());
	return finish();
}

/* The same file through a mapping, through the software MMU. */
static bool t_mmap_read(void)
{
	struct ext2_inode_info *ei;
	struct mm_struct *mm;
	struct file *file;
	unsigned char v;
	u64 off;

	CHECK(new_image("") && mount_image(0));
	CHECK((ei = get("/big.bin")));
	file = unit_file_open(&ei->mapping, FMODE_READ);
	mm = mm_alloc();
	CHECK(do_mmap(mm, file, FT_BASE, BIG_SIZE, PROT_READ, MAP_PRIVATE | MAP_FIXED, 0) ==
	      FT_BASE);
	for (off = 0; off < BIG_SIZE; off += 997) {
		CHECK(umem_read8(mm, FT_BASE + off, &v) == 0);
		CHECKF(v == big_byte(off), "offset %llu", (unsigned long long)off);
	}
	CHECK(mm->maj_flt >= 1 && mm->maj_flt + mm->min_flt < BIG_SIZE / PAGE_SIZE / 4);
	CHECK(umem_read8(mm, FT_BASE + PAGE_ALIGN(BIG_SIZE), &v) == SIGSEGV);
	mmput(mm);
	fput(file);
	ext2_iput(ei);
	CHECK(umount_image());
	return finish();
}

/* Overwrite part of an existing file: the real tools see the new bytes. */
static bool t_write_existing(void)
{
	static unsigned char expect[BIG_SIZE], patch[10000];
	struct ext2_inode_info *ei;
	unsigned char *got;
	size_t len, i;

	for (i = 0; i < BIG_SIZE; i++)
		expect[i] = big_byte(i);
	for (i = 0; i < sizeof(patch); i++)
		patch[i] = (unsigned char)(i ^ 0x5a);
	CHECK(new_image("") && mount_image(0));
	CHECK((ei = get("/big.bin")));
	CHECK(f_write(ei, 5000, patch, sizeof(patch)) == sizeof(patch));
	CHECK(f_write(ei, 290000, patch, 500) == 500);
	memcpy(expect + 5000, patch, sizeof(patch));
	memcpy(expect + 290000, patch, 500);
	CHECK(ext2_fsync(ei, 0, ~0ULL, 0) == 0);
	ext2_iput(ei);
	CHECK(umount_image() && fsck_clean());
	got = debugfs_dump("/big.bin", &len);
	CHECK(got && len == BIG_SIZE && !memcmp(got, expect, BIG_SIZE));
	free(got);
	return finish();
}

/* Holes filled, files grown past indirect boundaries, a block deep in the triple tree. */
static bool t_write_holes_and_grow(void)
{
	static unsigned char grow[300 * 1024];
	struct ext2_inode_info *ei;
	u64 bfree0, blocks, files, ffree, bfree1;
	unsigned char *got, blk[4096];
	size_t len, i;
	long pblk;
	FILE *f;

	for (i = 0; i < sizeof(grow); i++)
		grow[i] = (unsigned char)(i * 7 + 1);
	CHECK(new_image("") && mount_image(0));
	ext2_statfs(sbi, &blocks, &bfree0, &files, &ffree);
	CHECK((ei = get("/small.txt")));
	CHECK(f_write(ei, strlen(SMALL_TEXT), grow, sizeof(grow)) == sizeof(grow));
	CHECK(ext2_size(ei) == strlen(SMALL_TEXT) + sizeof(grow));
	ext2_iput(ei);
	CHECK((ei = get("/sparse.bin")));
	CHECK(f_write(ei, 1 << 20, "HOLE", 4) == 4);
	CHECK(f_write(ei, tind_offset() + 5 * bs, "DEEP", 4) == 4);
	CHECK(ext2_size(ei) == tind_offset() + 5 * bs + 4);
	ext2_iput(ei);
	ext2_statfs(sbi, &blocks, &bfree1, &files, &ffree);
	CHECK(bfree1 < bfree0);
	CHECK(umount_image() && fsck_clean());
	got = debugfs_dump("/small.txt", &len);
	CHECK(got && len == strlen(SMALL_TEXT) + sizeof(grow));
	CHECK(!memcmp(got, SMALL_TEXT, strlen(SMALL_TEXT)));
	CHECK(!memcmp(got + strlen(SMALL_TEXT), grow, sizeof(grow)));
	free(got);
	/* The sparse file is too large to dump: find its blocks with debugfs, read the image. */
	f = fopen(img_path(), "rb");
	CHECK(f);
	pblk = debugfs_bmap("/sparse.bin", (1 << 20) / bs);
	CHECK(pblk > 0 && !fseek(f, pblk * bs + (1 << 20) % bs, SEEK_SET));
	CHECK(fread(blk, 4, 1, f) == 1 && !memcmp(blk, "HOLE", 4));
	pblk = debugfs_bmap("/sparse.bin", (tind_offset() + 5 * bs) / bs);
	CHECK(pblk > 0 && !fseek(f, pblk * bs + (tind_offset() + 5 * bs) % bs, SEEK_SET));
	CHECK(fread(blk, 4, 1, f) == 1 && !memcmp(blk, "DEEP", 4));
	CHECK(debugfs_bmap("/sparse.bin", (2 << 20) / bs) == 0);	/* still a hole */
	fclose(f);
	return finish();
}

/* Writes through a shared mapping into a hole: blocks are allocated at writeback. */
static bool t_mmap_write_hole(void)
{
	struct ext2_inode_info *dir, *ei;
	struct mm_struct *mm;
	struct file *file;
	unsigned char *got;
	size_t len, i;

	CHECK(new_image("") && mount_image(0));
	CHECK((dir = get("/")));
	CHECK(ext2_create(dir, "mapped", 6, 0644, &ei) == 0);
	CHECK(ext2_setsize(ei, 64 * 1024) == 0 && ei->raw.i_blocks == 0);
	file = unit_file_open(&ei->mapping, FMODE_READ | FMODE_WRITE);
	mm = mm_alloc();
	CHECK(do_mmap(mm, file, FT_BASE, 64 * 1024, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		      0) == FT_BASE);
	for (i = 0; i < 64 * 1024; i += 1000)
		CHECK(umem_write8(mm, FT_BASE + i, (unsigned char)(i / 1000 + 1)) == 0);
	CHECK(ei->raw.i_blocks == 0);			/* nothing allocated yet */
	CHECK(do_msync(mm, FT_BASE, 64 * 1024, MS_SYNC) == 0);
	CHECK(ei->raw.i_blocks >= 64 * 1024 / 512);
	mmput(mm);
	fput(file);
	ext2_iput(ei);
	ext2_iput(dir);
	CHECK(umount_image() && fsck_clean());
	got = debugfs_dump("/mapped", &len);
	CHECK(got && len == 64 * 1024);
	for (i = 0; i < len; i++)
		CHECKF(got[i] == (i % 1000 ? 0 : (unsigned char)(i / 1000 + 1)), "byte %zu", i);
	free(got);
	return finish();
}

/* O_CREAT of many files: the directory grows new blocks; all survive a remount. */
static bool t_create_many(void)
{
	struct ext2_inode_info *dir, *ei;
	char name[32], path[64], *got;
	u64 blocks, bfree, files, ffree0, ffree;
	unsigned int i, n = 250;
	size_t len;

	CHECK(new_image("") && mount_image(0));
	ext2_statfs(sbi, &blocks, &bfree, &files, &ffree0);
	CHECK((dir = get("/dir")));
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "file-%03u.txt", i);
		CHECK(ext2_create(dir, name, strlen(name), 0600, &ei) == 0);
		CHECK(f_write(ei, 0, name, strlen(name)) == (long)strlen(name));
		ext2_iput(ei);
	}
	CHECK(ext2_create(dir, "file-007.txt", 12, 0600, &ei) == -EEXIST);
	CHECK(ext2_create(dir, "", 0, 0600, &ei) == -ENOENT);
	CHECK(ext2_create(dir, "a/b", 3, 0600, &ei) == -EINVAL);
	CHECK(ext2_size(dir) > bs);
	ext2_statfs(sbi, &blocks, &bfree, &files, &ffree);
	CHECK(ffree == ffree0 - n);
	ext2_iput(dir);
	CHECK(umount_image() && fsck_clean());
	got = (char *)debugfs_dump("/dir/file-123.txt", &len);
	CHECK(got && len == 12 && !memcmp(got, "file-123.txt", 12));
	free(got);
	CHECK(mount_image(0));
	for (i = 0; i < n; i += 7) {
		snprintf(path, sizeof(path), "/dir/file-%03u.txt", i);
		CHECK((ei = get(path)));
		ext2_iput(ei);
	}
	CHECK(umount_image());
	return finish();
}

/* ftruncate: shrink across indirect levels, then grow (the old tail reads as zeroes). */
static bool t_truncate(void)
{
	static unsigned char buf[BIG_SIZE];
	struct ext2_inode_info *ei;
	u64 blocks, bfree0, bfree, files, ffree;
	unsigned char *got;
	size_t len;

	CHECK(new_image("") && mount_image(0));
	ext2_statfs(sbi, &blocks, &bfree0, &files, &ffree);
	CHECK((ei = get("/big.bin")));
	CHECK(f_read(ei, 0, buf, 100) == 100);		/* some pages cached */
	CHECK(ext2_setsize(ei, 100000) == 0 && ext2_size(ei) == 100000);
	CHECK(ext2_setsize(ei, 5003) == 0);
	CHECK(ext2_setsize(ei, 150000) == 0);
	CHECK(f_read(ei, 0, buf, sizeof(buf)) == 150000);
	CHECK(is_big(buf, 0, 5003) && buf[5003] == 0 && buf[149999] == 0);
	ext2_statfs(sbi, &blocks, &bfree, &files, &ffree);
	CHECK(bfree > bfree0 + 250 * 1024 / bs);
	ext2_iput(ei);
	CHECK((ei = get("/sparse.bin")));
	CHECK(ext2_setsize(ei, 0) == 0 && ei->raw.i_blocks == 0);
	CHECK(ext2_setsize(ei, sbi->max_bytes + 1) == -EFBIG);
	ext2_iput(ei);
	CHECK((ei = get("/dir")) && ext2_setsize(ei, 0) == -EINVAL);
	ext2_iput(ei);
	CHECK(umount_image() && fsck_clean());
	got = debugfs_dump("/big.bin", &len);
	CHECK(got && len == 150000 && is_big(got, 0, 5003));
	for (len = 5003; len < 150000; len++)
		CHECKF(!got[len], "byte %zu not zero", len);
	free(got);
	return finish();
}

/* unlink frees the inode and its blocks; an open file lives until its last reference. */
static bool t_unlink(void)
{
	static unsigned char buf[BIG_SIZE];
	struct ext2_inode_info *dir, *held, *sub;
	u64 blocks, bfree0, bfree, files, ffree0, ffree;
	u32 ino;

	CHECK(new_image("") && mount_image(0));
	ext2_statfs(sbi, &blocks, &bfree0, &files, &ffree0);
	CHECK((dir = get("/")) && (held = get("/big.bin")));
	CHECK(ext2_unlink(dir, "big.bin", 7) == 0);
	CHECK(ext2_lookup(dir, "big.bin", 7, &ino) == -ENOENT);
	CHECK(f_read(held, 0, buf, sizeof(buf)) == BIG_SIZE && is_big(buf, 0, BIG_SIZE));
	ext2_statfs(sbi, &blocks, &bfree, &files, &ffree);
	CHECK(bfree == bfree0 && ffree == ffree0);	/* still open */
	ext2_iput(held);
	ext2_statfs(sbi, &blocks, &bfree, &files, &ffree);
	CHECK(bfree > bfree0 + BIG_SIZE / bs && ffree == ffree0 + 1);
	CHECK(ext2_unlink(dir, "sparse.bin", 10) == 0);
	CHECK(ext2_unlink(dir, "dir", 3) == -EISDIR);
	CHECK(ext2_unlink(dir, "nope", 4) == -ENOENT);
	CHECK((sub = get("/dir")) && ext2_unlink(sub, "nested.txt", 10) == 0);
	ext2_iput(sub);
	ext2_iput(dir);
	CHECK(umount_image() && fsck_clean());
	CHECK(!debugfs_exists("/big.bin") && !debugfs_exists("/dir/nested.txt"));
	CHECK(debugfs_exists("/small.txt"));
	return finish();
}

/* A full disk: write stops with ENOSPC and the filesystem stays consistent. */
static bool t_enospc(void)
{
	static unsigned char chunk[64 * 1024];
	struct ext2_inode_info *dir, *ei;
	u64 pos = 0, blocks, bfree, files, ffree;
	long n;

	memset(chunk, 0xcc, sizeof(chunk));
	CHECK(new_image("") && mount_image(0));
	CHECK((dir = get("/")));
	CHECK(ext2_create(dir, "fill", 4, 0644, &ei) == 0);
	while ((n = f_write(ei, pos, chunk, sizeof(chunk))) == sizeof(chunk))
		pos += n;
	CHECKF(n == -ENOSPC || (n >= 0 && n < (long)sizeof(chunk)), "write: %ld", n);
	/* Full, but for the blocks of a page that could not be completed (given back). */
	ext2_statfs(sbi, &blocks, &bfree, &files, &ffree);
	CHECKF(bfree < PAGE_SIZE / bs + 2, "%llu blocks free", (unsigned long long)bfree);
	if (bs < PAGE_SIZE) {
		/* Some but not all blocks of a new page: the write fails, and what it took
		 * is given back (no block may stay past EOF). */
		u64 before;

		if (!bfree)
			CHECK(ext2_unlink(dir, "small.txt", 9) == 0);
		ext2_statfs(sbi, &blocks, &before, &files, &ffree);
		CHECK(before > 0 && before < PAGE_SIZE / bs);
		CHECK(f_write(ei, PAGE_ALIGN(ext2_size(ei)) + PAGE_SIZE, chunk, PAGE_SIZE) ==
		      -ENOSPC);
		ext2_statfs(sbi, &blocks, &bfree, &files, &ffree);
		CHECK(bfree == before);
	}
	CHECK(ext2_fsync(ei, 0, ~0ULL, 0) == 0);
	ext2_iput(ei);
	/* Deleting it gives the space back. */
	CHECK(ext2_unlink(dir, "fill", 4) == 0);
	ext2_statfs(sbi, &blocks, &bfree, &files, &ffree);
	CHECK(bfree > 1000);
	ext2_iput(dir);
	CHECK(umount_image() && fsck_clean());
	return finish();
}

static bool t_readonly(void)
{
	struct ext2_inode_info *dir, *ei, *held;
	unsigned long writes;

	CHECK(new_image("") && mount_image(EXT2_MOUNT_RDONLY));
	CHECK((dir = get("/")) && (ei = get("/small.txt")));
	CHECK(f_write(ei, 0, "x", 1) == -EROFS);
	CHECK(ext2_setsize(ei, 0) == -EROFS);
	CHECK(ext2_create(dir, "new", 3, 0644, &held) == -EROFS);
	CHECK(ext2_unlink(dir, "small.txt", 9) == -EROFS);
	ext2_iput(ei);
	ext2_iput(dir);
	writes = disk->writes;
	CHECK(umount_image() && disk->writes == writes);
	return finish();
}

/* 128-byte inodes work as well as 256-byte ones. */
static bool t_small_inodes(void)
{
	struct ext2_inode_info *dir, *ei;

	CHECK(new_image("-I 128") && mount_image(0));
	CHECK(sbi->inode_size == 128);
	CHECK((dir = get("/")));
	CHECK(ext2_create(dir, "x", 1, 0644, &ei) == 0 && f_write(ei, 0, "abc", 3) == 3);
	ext2_iput(ei);
	CHECK(ext2_unlink(dir, "big.bin", 7) == 0);
	ext2_iput(dir);
	CHECK(umount_image() && fsck_clean());
	return finish();
}

/* ---- corrupt images ----------------------------------------------------------------- */

/* Byte offset of inode @ino on the disk (mounted). */
static u64 inode_offset(u32 ino)
{
	u32 g = (ino - 1) / sbi->inodes_per_group, idx = (ino - 1) % sbi->inodes_per_group;

	return (u64)sbi->gd[g].bg_inode_table * bs + (u64)idx * sbi->inode_size;
}

static void poke32(u64 off, u32 v)
{
	memcpy(disk->data + off, &v, 4);
}

static bool t_bad_magic(void)
{
	CHECK(new_image(""));
	disk->data[1024 + 56] ^= 0xff;
	CHECK(ext2_mount(&disk->bdev, 0, &sbi) == -EINVAL);
	sbi = NULL;
	return finish();
}

static bool t_truncated_image(void)
{
	CHECK(new_image(""));
	disk->bdev.nr_sectors /= 2;
	CHECK(ext2_mount(&disk->bdev, 0, &sbi) == -EINVAL);
	disk->bdev.nr_sectors = 2;		/* not even a superblock */
	CHECK(ext2_mount(&disk->bdev, 0, &sbi) == -EINVAL);
	sbi = NULL;
	return finish();
}

static bool t_bad_super_fields(void)
{
	static const struct { unsigned int off; u32 val; } bad[] = {
		{ 76, 0 },		/* revision 0 */
		{ 24, 5 },		/* 32 KiB blocks */
		{ 96, 0x40 },		/* incompat: extents */
		{ 4, 0x7fffffff },	/* blocks count past the device */
		{ 40, 0 },		/* no inodes per group */
		{ 0, 12345 },		/* inode count not groups x per group */
	};
	unsigned int i;

	CHECK(new_image(""));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		u32 save;

		memcpy(&save, disk->data + 1024 + bad[i].off, 4);
		poke32(1024 + bad[i].off, bad[i].val);
		CHECKF(ext2_mount(&disk->bdev, 0, &sbi) == -EINVAL, "field at %u", bad[i].off);
		poke32(1024 + bad[i].off, save);
	}
	sbi = NULL;
	CHECK(mount_image(0) && umount_image());
	return finish();
}

static bool t_bad_group_desc(void)
{
	u64 gdt = (u64)(bs == 1024 ? 2 : 1) * bs;

	CHECK(new_image(""));
	poke32(gdt + 8, 0x7ffffff0);		/* group 0's inode table */
	CHECK(ext2_mount(&disk->bdev, 0, &sbi) == -EINVAL);
	sbi = NULL;
	return finish();
}

/* Block pointers past the end: reads fail with EIO, deleting fails cleanly. */
static bool t_block_past_end(void)
{
	static unsigned char buf[BIG_SIZE];
	struct ext2_inode_info *ei, *dir;
	u64 off;

	CHECK(new_image("") && mount_image(0));
	CHECK((ei = get("/big.bin")));
	off = inode_offset(ei->ino);
	ext2_iput(ei);
	CHECK(umount_image());
	poke32(off + 40 + 4 * 11, 99999999);		/* i_block[11] */
	poke32(off + 40 + 4 * EXT2_DIND_BLOCK, 99999998);
	CHECK(mount_image(0));
	CHECK((ei = get("/big.bin")));
	CHECK(f_read(ei, 0, buf, 2 * bs) == 2 * bs && is_big(buf, 0, 2 * bs));
	CHECK(f_read(ei, 11 * bs, buf, bs) == -EIO);
	CHECK(sbi->errors > 0);
	ext2_iput(ei);
	CHECK((dir = get("/")));
	CHECK(ext2_unlink(dir, "big.bin", 7) == 0);	/* the entry goes; the blocks cannot */
	ext2_iput(dir);
	CHECK(umount_image());
	return finish();
}

/* An indirect block that points at itself: a loop, refused on every path. */
static bool t_indirect_loop(void)
{
	static unsigned char buf[4096];
	struct ext2_inode_info *ei, *dir;
	u32 ind;

	CHECK(new_image("") && mount_image(0));
	CHECK((ei = get("/big.bin")));
	ind = ei->raw.i_block[EXT2_IND_BLOCK];
	ext2_iput(ei);
	CHECK(ind && umount_image());
	poke32((u64)ind * bs, ind);			/* its first entry is itself */
	poke32((u64)ind * bs + 4, ind);
	CHECK(mount_image(0));
	CHECK((ei = get("/big.bin")));
	CHECK(f_read(ei, 12 * (u64)bs, buf, bs) == -EIO);
	CHECK(f_write(ei, 13 * (u64)bs, buf, bs) == -EIO);
	CHECK(ext2_setsize(ei, 12 * (u64)bs) == -EIO);
	ext2_iput(ei);
	CHECK((dir = get("/")) && ext2_unlink(dir, "big.bin", 7) == 0);
	ext2_iput(dir);
	CHECK(umount_image());
	return finish();
}

static bool t_bad_dirent(void)
{
	struct ext2_inode_info *root, *ei;
	u32 ino, blk;
	u64 pos = 0;

	CHECK(new_image("") && mount_image(0));
	CHECK((root = get("/")));
	blk = root->raw.i_block[0];
	ext2_iput(root);
	CHECK(umount_image());
	/* The second entry ("..") gets an impossible record length. */
	memcpy(disk->data + (u64)blk * bs + 12 + 4, &(u16){ 3 }, 2);
	CHECK(mount_image(0));
	CHECK(ext2_namei(sbi, "/small.txt", &ei) == -EIO);
	CHECK((root = get("/")));
	CHECK(ext2_lookup(root, "x", 1, &ino) == -EIO);
	CHECK(ext2_create(root, "x", 1, 0644, &ei) == -EIO);
	CHECK(ext2_readdir(root, &pos, collect, (char[512]){ 0 }) == -EIO);
	ext2_iput(root);
	CHECK(umount_image());
	return finish();
}

/* ---- the metadata cache ---------------------------------------------------------------- */

/* Only dirty blocks of a metadata page are written: a freed block's stale copy is not. */
static bool t_only_dirty_blocks_written(void)
{
	struct ext2_buf bh;
	u32 block;

	CHECK(new_image("") && mount_image(0));
	CHECK(ext2_sync_fs(sbi) == 0);
	block = sbi->gd[0].bg_block_bitmap;
	CHECK(ext2_bread(sbi, block, &bh) == 0);
	ext2_bdirty(sbi, &bh);
	ext2_brelse(&bh);
	disk->writes = disk->write_bytes = 0;
	CHECK(ext2_sync_blockdev(sbi) == 0);
	CHECK(disk->writes == 1 && disk->write_bytes == bs && disk->flushes >= 1);
	/* Dirty, then forgotten (freed): nothing is written. */
	CHECK(ext2_bread(sbi, block, &bh) == 0);
	ext2_bdirty(sbi, &bh);
	ext2_brelse(&bh);
	ext2_bforget(sbi, block);
	disk->writes = 0;
	CHECK(ext2_sync_blockdev(sbi) == 0 && disk->writes == 0);
	CHECK(ext2_bread(sbi, sbi->blocks_count, &bh) == -EIO);
	CHECK(umount_image());
	return finish();
}

/* ---- periodic writeback and the superblock's state -------------------------------------- */

static const struct ext2_super_block *disk_super(void)
{
	return (const struct ext2_super_block *)(disk->data + EXT2_SUPER_OFFSET);
}

/* Mounting counts the mount and marks the disk "not clean" (Linux's ext2_setup_super);
 * unmounting puts the state back, with EXT2_ERROR_FS if corruption was found. */
static bool t_mount_state(void)
{
	u16 count;

	CHECK(new_image(""));
	count = disk_super()->s_mnt_count;
	CHECK(disk_super()->s_state == EXT2_VALID_FS);
	CHECK(mount_image(0));
	CHECK(disk_super()->s_mnt_count == count + 1 && disk_super()->s_state == 0);
	CHECK(sbi->es.s_mtime && disk_super()->s_mtime == sbi->es.s_mtime);
	CHECK(ext2_sync_fs(sbi) == 0 && disk_super()->s_state == 0);
	CHECK(umount_image() && fsck_clean());
	CHECK(disk_super()->s_state == EXT2_VALID_FS && disk_super()->s_mnt_count == count + 1);
	/* Read-only: nothing written. */
	CHECK(mount_image(EXT2_MOUNT_RDONLY) && disk_super()->s_mnt_count == count + 1);
	CHECK(umount_image() && disk_super()->s_state == EXT2_VALID_FS);
	/* An error found while mounted stays recorded after the unmount. */
	CHECK(mount_image(0));
	EXT2_ERROR(sbi, "test: a made-up corruption");
	CHECK(umount_image());
	CHECK(disk_super()->s_state == (EXT2_VALID_FS | EXT2_ERROR_FS));
	CHECK(disk_super()->s_mnt_count == count + 2);
	return finish();
}

/*
 * A sparse file filled through MAP_SHARED, never synced: one flusher pass after the expiry
 * writes the data, allocates its blocks and writes every piece of metadata with it, so
 * that the image, unmounted or not, is e2fsck-clean; the pages end write-protected.
 */
static bool t_periodic_writeback(void)
{
	const u64 size = 3 * PAGE_SIZE + 100, expire = (u64)dirty_expire_interval * 10000000;
	struct ext2_inode_info *dir, *ei;
	struct mm_struct *mm;
	struct file *file;
	unsigned char *got;
	size_t len, i;

	CHECK(new_image("") && mount_image(0));
	unit_clock_ns = 1000;
	CHECK((dir = get("/")));
	CHECK(ext2_create(dir, "wb", 2, 0644, &ei) == 0);
	CHECK(ext2_setsize(ei, size) == 0 && ei->raw.i_blocks == 0);
	file = unit_file_open(&ei->mapping, FMODE_READ | FMODE_WRITE);
	mm = mm_alloc();
	CHECK(do_mmap(mm, file, FT_BASE, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_FIXED, 0) == FT_BASE);
	for (i = 0; i < size; i += 97)
		CHECK(umem_write8(mm, FT_BASE + i, (unsigned char)(i / 97 + 1)) == 0);
	CHECK(wb_has_dirty_io(&sbi->wb) && ei->mapping.dirtied_when == 1000);
	/* Before the expiry nothing moves; at it, everything. */
	unit_clock_ns = 1000 + expire - 1;
	CHECK(wb_workfn(&sbi->wb) == 0 && ei->raw.i_blocks == 0);
	unit_clock_ns = 1000 + expire;
	CHECK(wb_workfn(&sbi->wb) > 4);		/* 4 data pages, then the metadata */
	rambd_run(disk);
	CHECK(!wb_has_dirty_io(&sbi->wb) && nr_file_dirty == 0 && nr_writeback == 0);
	CHECK(ei->raw.i_blocks >= (size + bs - 1) / bs * (bs / 512));	/* all inside EOF */
	CHECK(!(soft_mmu_pte(mm, FT_BASE + PAGE_SIZE) & _PAGE_RW));
	CHECK(fsck_clean());				/* still mounted: written by the flusher */
	got = debugfs_dump("/wb", &len);
	CHECK(got && len == size);
	for (i = 0; i < len; i++)
		CHECKF(got[i] == (i % 97 ? 0 : (unsigned char)(i / 97 + 1)), "byte %zu", i);
	free(got);
	mmput(mm);
	fput(file);
	ext2_iput(ei);
	ext2_iput(dir);
	CHECK(umount_image() && fsck_clean());
	return finish();
}

/* An unlinked inode whose mapping the flusher is inside is not freed under it: kept,
 * unnumbered, until the unmount frees it (and the blocks and inode are free already). */
static bool t_evict_during_writeback(void)
{
	struct ext2_inode_info *dir, *ei;
	u32 ino;

	CHECK(new_image("") && mount_image(0));
	CHECK((dir = get("/")));
	CHECK(ext2_create(dir, "gone", 4, 0644, &ei) == 0);
	CHECK(f_write(ei, 0, SMALL_TEXT, sizeof(SMALL_TEXT)) == (long)sizeof(SMALL_TEXT));
	ei->mapping.flags |= 1UL << AS_WB_RUNNING;	/* as wb_writeback() sets it */
	CHECK(ext2_unlink(dir, "gone", 4) == 0);
	ext2_iput(ei);					/* evicted: blocks and inode freed */
	CHECK(ei->ino == 0 && ei->mapping.nrpages == 0);
	CHECK(ext2_lookup(dir, "gone", 4, &ino) == -ENOENT);
	ei->mapping.flags &= ~(1UL << AS_WB_RUNNING);
	ext2_iput(dir);
	CHECK(umount_image() && fsck_clean());		/* ASan: freed once, here */
	return finish();
}

/* ---- main ------------------------------------------------------------------------------ */

static void run_all_sizes(bool (*fn)(void), const char *name)
{
	char title[96];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(block_sizes); i++) {
		bs = block_sizes[i];
		snprintf(title, sizeof(title), "%s bs=%u", name, bs);
		if (!tap_result(fn(), title) && disk) {
			if (sbi)
				ext2_umount(sbi);
			sbi = NULL;
			rambd_run(disk);
			rambd_destroy(disk);
			disk = NULL;
		}
	}
}

#define RUN(fn)	run_all_sizes(fn, #fn + 2)

int main(void)
{
	int ret;

	snprintf(tmpdir, sizeof(tmpdir), "%s/ext2test.XXXXXX", getenv("TMPDIR") ?: "/tmp");
	if (!mkdtemp(tmpdir) || sh("command -v mke2fs e2fsck debugfs >/dev/null")) {
		printf("TAP version 13\n1..0 # SKIP mke2fs, e2fsck and debugfs are needed\n");
		return 4;
	}
	tap_plan(23 * ARRAY_SIZE(block_sizes));
	RUN(t_mount_and_read);
	RUN(t_read_batched);
	RUN(t_mmap_read);
	RUN(t_write_existing);
	RUN(t_write_holes_and_grow);
	RUN(t_mmap_write_hole);
	RUN(t_create_many);
	RUN(t_truncate);
	RUN(t_unlink);
	RUN(t_enospc);
	RUN(t_readonly);
	RUN(t_small_inodes);
	RUN(t_bad_magic);
	RUN(t_truncated_image);
	RUN(t_bad_super_fields);
	RUN(t_bad_group_desc);
	RUN(t_block_past_end);
	RUN(t_indirect_loop);
	RUN(t_bad_dirent);
	RUN(t_only_dirty_blocks_written);
	RUN(t_mount_state);
	RUN(t_periodic_writeback);
	RUN(t_evict_during_writeback);
	ret = tap_finish();
	sh("rm -rf %s", tmpdir);
	return ret;
}

/* SPDX-License-Identifier: MIT */
/*
 * A reader for cpio "newc" archives (the initramfs format; guest/fs/cpio.c): walks the
 * entries of one or more concatenated archives in place, checking every header field
 * before use. Pure code: tests/unit/test_guest_cpio.c includes it.
 */
#ifndef GUEST_CPIO_H
#define GUEST_CPIO_H

#include <kern/types.h>

#define CPIO_HEADER_SIZE	110
#define CPIO_NAME_MAX		4096		/* including the NUL (PATH_MAX) */
#define CPIO_TRAILER		"TRAILER!!!"

struct cpio_entry {
	const char *name;		/* NUL-terminated, inside the archive */
	size_t namelen;			/* without the NUL */
	unsigned int mode;		/* S_IF* type and permission bits */
	u32 ino, uid, gid, nlink;
	u64 mtime;
	u32 rdev_major, rdev_minor;
	const void *data;		/* @size bytes inside the archive */
	size_t size;
};

struct cpio_iter {
	const u8 *base;
	size_t size;
	size_t off;			/* where the next header is */
	bool trailer;			/* the last entry was a TRAILER!!! */
	unsigned int entries;		/* entries returned so far */
};

void cpio_init(struct cpio_iter *it, const void *buf, size_t size);

/*
 * The next entry of the archive: returns 1 with *e filled, 0 at the end (the last
 * archive's TRAILER!!! then nothing but zero padding), or -EINVAL for a corrupt archive
 * with a one-line reason in @why ("offset 0x1a4: bad magic"). Trailers are not returned.
 * Checks: each header whole and 4-byte aligned, magic 070701 (or 070702, whose checksum
 * is verified), 8 hex digits per field, a name of 1..CPIO_NAME_MAX - 1 bytes ending in
 * the one NUL that namesize counts, the data inside the archive.
 */
int cpio_next(struct cpio_iter *it, struct cpio_entry *e, char *why, size_t whylen);

#endif

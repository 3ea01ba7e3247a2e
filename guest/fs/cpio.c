// SPDX-License-Identifier: MIT
/*
 * cpio "newc" archive reader (guest/include/guest/cpio.h). Every header is 110 ASCII bytes
 * (magic, then 13 fields of 8 hex digits), then the name and its NUL, padded to 4 bytes,
 * then the data, padded to 4 bytes. Nothing in the archive is trusted: every length is
 * checked against what is left before anything is read. Pure code, tested on the host.
 */
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/string.h>
/* By path, so that the host test build (which does not search guest/include) finds it. */
#include "../include/guest/cpio.h"

enum {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR, F_DEVMINOR,
	F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK, NR_FIELDS
};

static const char *const field_names[NR_FIELDS] = {
	"ino", "mode", "uid", "gid", "nlink", "mtime", "filesize", "devmajor", "devminor",
	"rdevmajor", "rdevminor", "namesize", "check",
};

#define MAGIC_LEN	6
#define ALIGN4(x)	(((x) + 3) & ~(size_t)3)

void cpio_init(struct cpio_iter *it, const void *buf, size_t size)
{
	it->base = buf;
	it->size = size;
	it->off = 0;
	it->trailer = false;
	it->entries = 0;
}

static int hex_field(const u8 *p, u32 *out)
{
	u32 v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		u8 c = p[i];

		if (c >= '0' && c <= '9')
			v = v << 4 | (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v << 4 | (c - 'A' + 10);
		else
			return -EINVAL;
	}
	*out = v;
	return 0;
}

static int bad(char *why, size_t whylen, size_t off, const char *what, const char *name)
{
	if (name)
		snprintf(why, whylen, "offset 0x%zx: %s: %s", off, name, what);
	else
		snprintf(why, whylen, "offset 0x%zx: %s", off, what);
	return -EINVAL;
}

/* After a trailer: only zero padding, or another archive starting 4-byte aligned. */
static void skip_padding(struct cpio_iter *it)
{
	while (it->off < it->size && !it->base[it->off])
		it->off++;
}

int cpio_next(struct cpio_iter *it, struct cpio_entry *e, char *why, size_t whylen)
{
	char what[64];
	u32 f[NR_FIELDS], sum = 0;
	const u8 *h;
	size_t off, name_off, data_off, i;
	bool crc;

	for (;;) {
		if (it->trailer)
			skip_padding(it);
		off = it->off;
		if (off >= it->size) {
			if (it->trailer)
				return 0;
			return bad(why, whylen, off, it->entries || off ?
				   "archive ends without a TRAILER!!! entry (truncated?)" :
				   "empty archive", NULL);
		}
		if (off & 3)
			return bad(why, whylen, off, "header not 4-byte aligned", NULL);
		if (it->size - off < CPIO_HEADER_SIZE)
			return bad(why, whylen, off, "truncated header", NULL);
		h = it->base + off;
		if (!memcmp(h, "070701", MAGIC_LEN))
			crc = false;
		else if (!memcmp(h, "070702", MAGIC_LEN))
			crc = true;
		else
			return bad(why, whylen, off, "bad magic (not a cpio newc archive)", NULL);
		for (i = 0; i < NR_FIELDS; i++) {
			if (hex_field(h + MAGIC_LEN + 8 * i, &f[i])) {
				snprintf(what, sizeof(what), "bad hex digit in field %s",
					 field_names[i]);
				return bad(why, whylen, off, what, NULL);
			}
		}
		if (!crc && f[F_CHECK])
			return bad(why, whylen, off, "non-zero check field in a 070701 header",
				   NULL);

		/* The name: namesize counts the NUL, which must be its last byte. */
		name_off = off + CPIO_HEADER_SIZE;
		if (f[F_NAMESIZE] < 2 || f[F_NAMESIZE] > CPIO_NAME_MAX)
			return bad(why, whylen, off, "bad name size", NULL);
		if (f[F_NAMESIZE] > it->size - name_off)
			return bad(why, whylen, off, "name runs past the end of the archive", NULL);
		e->name = (const char *)it->base + name_off;
		e->namelen = f[F_NAMESIZE] - 1;
		if (e->name[e->namelen] || strnlen(e->name, e->namelen) != e->namelen)
			return bad(why, whylen, off, "name is not one NUL-terminated string", NULL);

		/* The data, 4-byte aligned after the name. */
		data_off = ALIGN4(name_off + f[F_NAMESIZE]);
		if (!f[F_FILESIZE])
			data_off = MIN(data_off, it->size);	/* a last name's padding cut */
		if (data_off > it->size || f[F_FILESIZE] > it->size - data_off)
			return bad(why, whylen, off, "data runs past the end of the archive",
				   e->name);
		e->data = it->base + data_off;
		e->size = f[F_FILESIZE];
		if (crc) {
			for (i = 0; i < e->size; i++)
				sum += ((const u8 *)e->data)[i];
			if (sum != f[F_CHECK])
				return bad(why, whylen, off, "checksum mismatch", e->name);
		}
		/* The next header; the last entry's padding may be cut short. */
		it->off = MIN(ALIGN4(data_off + e->size), it->size);

		if (!strcmp(e->name, CPIO_TRAILER)) {
			it->trailer = true;
			continue;
		}
		it->trailer = false;
		e->mode = f[F_MODE];
		e->ino = f[F_INO];
		e->uid = f[F_UID];
		e->gid = f[F_GID];
		e->nlink = f[F_NLINK];
		e->mtime = f[F_MTIME];
		e->rdev_major = f[F_RDEVMAJOR];
		e->rdev_minor = f[F_RDEVMINOR];
		it->entries++;
		return 1;
	}
}

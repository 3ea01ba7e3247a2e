// SPDX-License-Identifier: MIT
/*
 * Bios: building them (guest/block/bio_submit.c checks, submits and waits for them).
 * Portable: the host tests' RAM disk (tests/unit/lib/rambd.c) links this same file.
 */
#include <kern/errno.h>
#include <kern/string.h>
#include <guest/blkdev.h>
#include <mm/slab.h>

void bio_init(struct bio *bio, struct block_device *bdev, enum req_op op, u64 sector,
	      struct bio_vec *vecs, u16 max_vecs)
{
	memset(bio, 0, sizeof(*bio));
	bio->bi_bdev = bdev;
	bio->bi_op = op;
	bio->bi_sector = sector;
	bio->bi_io_vec = vecs;
	bio->bi_max_vecs = max_vecs;
}

struct bio *bio_alloc(struct block_device *bdev, enum req_op op, u64 sector, u16 nr_vecs,
		      gfp_t gfp)
{
	struct bio *bio = kmalloc(sizeof(*bio) + nr_vecs * sizeof(struct bio_vec), gfp);

	if (bio)
		bio_init(bio, bdev, op, sector, bio->bi_inline_vecs, nr_vecs);
	return bio;
}

void bio_put(struct bio *bio)
{
	kfree(bio);
}

int bio_add_page(struct bio *bio, struct page *page, u32 len, u32 off)
{
	if (!page || !len || off >= PAGE_SIZE || len > PAGE_SIZE - off)
		return -EINVAL;
	if (bio->bi_vcnt == bio->bi_max_vecs)
		return -E2BIG;
	bio->bi_io_vec[bio->bi_vcnt++] = (struct bio_vec){ page, off, len };
	return 0;
}

u32 bio_bytes(const struct bio *bio)
{
	u32 bytes = 0;
	unsigned int i;

	for (i = 0; i < bio->bi_vcnt; i++)
		bytes += bio->bi_io_vec[i].bv_len;
	return bytes;
}

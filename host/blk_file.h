/* SPDX-License-Identifier: MIT */
/*
 * The file backend of the virtio-blk device model (virtio/blk_dev.h, struct blk_backend_ops):
 * a disk image served with preadv/pwritev/fdatasync, synchronously, from the I/O thread. The
 * image is checked when opened (a non-empty regular file, whole 512-byte sectors) and locked
 * (flock) against a second writer. Another backend (io_uring) would sit beside this one.
 */
#ifndef HOST_BLK_FILE_H
#define HOST_BLK_FILE_H

#include <virtio/blk_dev.h>
#include "host/util.h"

struct blk_file {
	int fd;
	u64 size;		/* bytes: a non-zero multiple of VIRTIO_BLK_SECTOR_SIZE */
	bool ro;		/* opened read-only; writes fail with -EROFS */
	u64 dev, ino;		/* st_dev, st_ino: the same image named twice is refused */
};

/*
 * blk_file_open - open the disk image @path read-write (or read-only with @ro), check it
 * and lock it (exclusive, or shared with @ro). Returns 0 with @f set, or -errno with @e
 * saying "<path>: <why>": missing or unreadable, a directory or not a regular file, empty,
 * a size that is not whole sectors, or in use by another process.
 */
int blk_file_open(struct blk_file *f, const char *path, bool ro, struct errbuf *e);

/* blk_file_close - close the image (and drop its lock); @f may be closed already. */
void blk_file_close(struct blk_file *f);

/* The backend: @opaque is the struct blk_file. Every call completes before it returns. */
extern const struct blk_backend_ops blk_file_ops;

#endif

/* SPDX-License-Identifier: MIT */
/* virtio-blk's file backend: image checks, and preadv/pwritev/fdatasync (blk_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "host/blk_file.h"

int blk_file_open(struct blk_file *f, const char *path, bool ro, struct errbuf *e)
{
	struct stat st;
	int err;

	f->ro = ro;
	f->fd = open(path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (f->fd < 0 && errno == EISDIR)
		return errf(e, -EISDIR, "%s: is a directory, not a disk image", path);
	if (f->fd < 0)
		return errf(e, -errno, "%s: %s", path, strerror(errno));
	if (fstat(f->fd, &st) < 0) {
		err = errf(e, -errno, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		err = errf(e, -EISDIR, "%s: is a directory, not a disk image", path);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		err = errf(e, -EINVAL, "%s: not a regular file", path);
		goto fail;
	}
	if (!st.st_size) {
		err = errf(e, -EINVAL, "%s: empty; a disk needs at least one 512-byte sector",
			   path);
		goto fail;
	}
	if (st.st_size % VIRTIO_BLK_SECTOR_SIZE) {
		err = errf(e, -EINVAL, "%s: size %lld bytes is not a multiple of 512", path,
			   (long long)st.st_size);
		goto fail;
	}
	if (flock(f->fd, (ro ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0) {
		err = errno == EWOULDBLOCK ?
		      errf(e, -EBUSY, "%s: in use (locked) by another process", path) :
		      errf(e, -errno, "%s: flock: %s", path, strerror(errno));
		goto fail;
	}
	f->size = st.st_size;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	return 0;
fail:
	close(f->fd);
	f->fd = -1;
	return err;
}

void blk_file_close(struct blk_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

_Static_assert(sizeof(struct vq_iov) == sizeof(struct iovec) &&
	       offsetof(struct vq_iov, base) == offsetof(struct iovec, iov_base) &&
	       offsetof(struct vq_iov, len) == offsetof(struct iovec, iov_len),
	       "vq_iov is laid out like struct iovec");

/*
 * Move all of @iov[0..n) (guest buffers) to or from the image at @off, resuming after
 * short transfers. Returns 0, -EIO if the image ended early (it shrank), or -errno.
 */
static int blk_file_rw(struct blk_file *f, bool write, u64 off, const struct vq_iov *iov,
		       unsigned int n)
{
	struct iovec v[VQ_MAX_SEGS];
	unsigned int i = 0;
	ssize_t r;

	if (n > VQ_MAX_SEGS)
		return -EINVAL;
	if (write && f->ro)
		return -EROFS;
	memcpy(v, iov, n * sizeof(*v));
	while (i < n) {
		if (!v[i].iov_len) {
			i++;
			continue;
		}
		r = write ? pwritev(f->fd, v + i, n - i, off) : preadv(f->fd, v + i, n - i, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;
		off += r;
		while (r > 0 && i < n) {
			size_t step = MIN((size_t)r, v[i].iov_len);

			v[i].iov_base = (u8 *)v[i].iov_base + step;
			v[i].iov_len -= step;
			r -= step;
			if (!v[i].iov_len)
				i++;
		}
	}
	return 0;
}

static int blk_file_read(void *opaque, struct blk_req *req, u64 off, const struct vq_iov *iov,
			 unsigned int n)
{
	return blk_file_rw(opaque, false, off, iov, n);
}

static int blk_file_write(void *opaque, struct blk_req *req, u64 off, const struct vq_iov *iov,
			  unsigned int n)
{
	return blk_file_rw(opaque, true, off, iov, n);
}

static int blk_file_flush(void *opaque, struct blk_req *req)
{
	struct blk_file *f = opaque;

	return fdatasync(f->fd) < 0 ? -errno : 0;
}

const struct blk_backend_ops blk_file_ops = {
	.read = blk_file_read,
	.write = blk_file_write,
	.flush = blk_file_flush,
};

/* SPDX-License-Identifier: MIT */
/* The initrd: checked when opened, read into guest RAM with pread (initrd.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/initrd.h"
#include "host/kvm.h"

int initrd_open(const char *path, int *fd, u64 *size, struct errbuf *e)
{
	struct stat st;
	int err;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return errf(e, -errno, "%s: %s", path, strerror(errno));
	if (fstat(*fd, &st) < 0) {
		err = errf(e, -errno, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		err = errf(e, -EINVAL, "%s: not a regular file", path);
		goto fail;
	}
	if (!st.st_size) {
		err = errf(e, -EINVAL, "%s: empty file", path);
		goto fail;
	}
	*size = st.st_size;
	return 0;
fail:
	close(*fd);
	*fd = -1;
	return err;
}

int initrd_load(struct vm *vm, int fd, const char *path, u64 gpa, u64 size, struct errbuf *e)
{
	u8 *dst = gpa_to_host(vm, gpa, size);
	u64 done = 0;
	int err = 0;

	if (!dst) {
		err = errf(e, -EFAULT, "%s: [0x%llx, +0x%llx) is not guest RAM", path,
			   (unsigned long long)gpa, (unsigned long long)size);
		goto out;
	}
	while (done < size) {
		ssize_t n = pread(fd, dst + done, MIN(size - done, (u64)1 << 30), done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errf(e, -errno, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0) {
			err = errf(e, -EIO, "%s: shrank to %llu bytes while being read", path,
				   (unsigned long long)done);
			goto out;
		}
		done += n;
	}
out:
	close(fd);
	return err;
}

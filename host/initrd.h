/* SPDX-License-Identifier: MIT */
/*
 * The initial RAM disk (--initrd): opened and sized with the other inputs, before /dev/kvm,
 * then read straight into the guest RAM that host/layout.c chose for it.
 */
#ifndef HOST_INITRD_H
#define HOST_INITRD_H

#include "host/util.h"

struct vm;

/*
 * initrd_open - open @path for reading; it must be a non-empty regular file. Returns 0 with
 * *fd and *size set, or -errno with @e saying "<path>: <why>".
 */
int initrd_open(const char *path, int *fd, u64 *size, struct errbuf *e);

/*
 * initrd_load - read @size bytes of @fd (from offset 0) into guest-physical [@gpa, +@size),
 * then close @fd. Returns 0, -EFAULT if the range is not RAM, -EIO if the file shrank, or
 * -errno of a failed read, with @e saying "<path>: <why>".
 */
int initrd_load(struct vm *vm, int fd, const char *path, u64 gpa, u64 size,
		struct errbuf *e);

#endif

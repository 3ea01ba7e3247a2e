/* SPDX-License-Identifier: MIT */
/*
 * KVM's binary statistics (KVM_GET_STATS_FD, Linux 5.14+): a reader for chosen counters of a
 * vCPU or the VM, and the "vmm: stat kvm_..." lines printed with -v. The reader takes any
 * file descriptor in that format, so a host test feeds it a crafted (or broken) file.
 */
#ifndef HOST_KVM_STATS_H
#define HOST_KVM_STATS_H

#include "host/util.h"

#define KVM_STATS_MAX_DESC	4096	/* more descriptors than this is not KVM */
#define KVM_STATS_MAX_NAME	256	/* longest name_size accepted */

/*
 * kvm_stats_read - from the stats file @fd, the first value of each statistic named in
 * @names[0..n): vals[i] and found[i] = true where present, found[i] = false otherwise.
 * Every offset and size in the file is checked before use. Returns the number found, or
 * -EINVAL (a malformed file) / -errno with @e saying why.
 */
int kvm_stats_read(int fd, const char *const *names, unsigned int n, u64 *vals, bool *found,
		   struct errbuf *e);

/*
 * kvm_stats_line - "stat PREFIXNAME=V ..." for the statistics found, in @names order, into
 * @buf; returns the number printed (0: leave the line out).
 */
unsigned int kvm_stats_line(char *buf, size_t size, const char *prefix,
			    const char *const *names, unsigned int n, const u64 *vals,
			    const bool *found);

struct vm;

/*
 * kvm_print_stats - with -v: vCPU 0's exit and fault counters and the VM's page-mapping
 * counters, one "vmm: stat kvm_..." line each; a line saying why when KVM has no stats fd.
 */
void kvm_print_stats(struct vm *vm);

#endif

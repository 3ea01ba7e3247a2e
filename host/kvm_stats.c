/* SPDX-License-Identifier: MIT */
/* KVM binary statistics: a checked reader and the -v lines (kvm_stats.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "host/kvm.h"
#include "host/kvm_stats.h"
#include "host/vcpu.h"

/* Read exactly @len bytes at @off; -EINVAL if the file ends first. */
static int pread_all(int fd, void *buf, size_t len, u64 off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = pread(fd, (u8 *)buf + done, len - done, off + done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EINVAL;
		done += r;
	}
	return 0;
}

int kvm_stats_read(int fd, const char *const *names, unsigned int n, u64 *vals, bool *found,
		   struct errbuf *e)
{
	struct kvm_stats_header h;
	size_t dsize;
	u8 *descs = NULL;
	unsigned int i, j;
	int err, nfound = 0;

	for (j = 0; j < n; j++)
		found[j] = false;
	err = pread_all(fd, &h, sizeof(h), 0);
	if (err)
		return errf(e, err, "KVM stats: header: %s", strerror(-err));
	if (!h.name_size || h.name_size > KVM_STATS_MAX_NAME || h.num_desc > KVM_STATS_MAX_DESC)
		return errf(e, -EINVAL, "KVM stats: implausible header (name_size %u, %u stats)",
			    h.name_size, h.num_desc);
	dsize = sizeof(struct kvm_stats_desc) + h.name_size;
	descs = malloc(dsize * h.num_desc + 1);
	if (!descs)
		return errf(e, -ENOMEM, "KVM stats: out of memory");
	err = pread_all(fd, descs, dsize * h.num_desc, h.desc_offset);
	if (err) {
		errf(e, err, "KVM stats: descriptors: %s", strerror(-err));
		goto out;
	}
	for (i = 0; i < h.num_desc; i++) {
		struct kvm_stats_desc d;	/* copied: descriptors need not be aligned */
		char *name = (char *)descs + i * dsize + sizeof(d);

		memcpy(&d, descs + i * dsize, sizeof(d));
		name[h.name_size - 1] = '\0';
		for (j = 0; j < n; j++) {
			if (found[j] || strcmp(name, names[j]))
				continue;
			if (!d.size)
				break;
			err = pread_all(fd, &vals[j], sizeof(vals[j]),
					(u64)h.data_offset + d.offset);
			if (err) {
				errf(e, err, "KVM stats: %s: %s", names[j], strerror(-err));
				goto out;
			}
			found[j] = true;
			nfound++;
			break;
		}
	}
	err = nfound;
out:
	free(descs);
	return err;
}

unsigned int kvm_stats_line(char *buf, size_t size, const char *prefix,
			    const char *const *names, unsigned int n, const u64 *vals,
			    const bool *found)
{
	unsigned int i, printed = 0;
	size_t len;

	len = snprintf(buf, size, "stat");
	for (i = 0; i < n && len < size; i++) {
		if (!found[i])
			continue;
		len += snprintf(buf + len, size - len, " %s%s=%llu", prefix, names[i],
				(unsigned long long)vals[i]);
		printed++;
	}
	return printed;
}

/* vCPU counters: exits by kind, and the shadow/nested page faults KVM itself handled. */
static const char *const vcpu_stats[] = {
	"exits", "io_exits", "mmio_exits", "halt_exits", "irq_exits", "signal_exits",
	"irq_window_exits", "irq_injections", "insn_emulation", "pf_taken", "pf_fixed",
	"pf_guest", "tlb_flush", "halt_wakeup",
};

/* VM counters: how KVM maps guest RAM (page sizes) and TLB shootdowns. */
static const char *const vm_stats[] = {
	"pages_4k", "pages_2m", "pages_1g", "remote_tlb_flush", "mmu_shadow_zapped",
};

#define STATS_MAX	16
_Static_assert(ARRAY_SIZE(vcpu_stats) <= STATS_MAX && ARRAY_SIZE(vm_stats) <= STATS_MAX,
	       "room for every statistic");

/* Print the statistics @names of the object @obj_fd (a vCPU or VM fd) as one line. */
static void print_one(int obj_fd, const char *what, const char *prefix,
		      const char *const *names, unsigned int n)
{
	u64 vals[STATS_MAX];
	bool found[STATS_MAX];
	struct errbuf e;
	char line[1024];
	int fd = ioctl(obj_fd, KVM_GET_STATS_FD, NULL);

	if (fd < 0) {
		vmm_err("stat %s: KVM_GET_STATS_FD: %s", what, strerror(errno));
		return;
	}
	if (kvm_stats_read(fd, names, n, vals, found, &e) < 0)
		vmm_err("%s", e.msg);
	else if (kvm_stats_line(line, sizeof(line), prefix, names, n, vals, found))
		vmm_err("%s", line);
	close(fd);
}

void kvm_print_stats(struct vm *vm)
{
	if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_BINARY_STATS_FD) <= 0) {
		vmm_err("stat kvm: no binary statistics (KVM_CAP_BINARY_STATS_FD, Linux 5.14+)");
		return;
	}
	print_one(vm->vcpus[0].fd, "vcpu0", "kvm_", vcpu_stats, ARRAY_SIZE(vcpu_stats));
	print_one(vm->vm_fd, "vm", "kvm_vm_", vm_stats, ARRAY_SIZE(vm_stats));
}

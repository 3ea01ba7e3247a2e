/* SPDX-License-Identifier: MIT */
/*
 * vCPUs: creation, the KVM_RUN loop with its exit handling, kicking a vCPU out of the
 * guest (timeouts), the register dump printed when a guest dies, and exit statistics.
 */
#ifndef HOST_VCPU_H
#define HOST_VCPU_H

#include "host/util.h"

struct vm;
struct kvm_run;

struct vcpu {
	struct vm *vm;
	unsigned int id;	/* vCPU index = APIC ID = /cpus/cpu@N */
	int fd;
	struct kvm_run *run;	/* the shared kvm_run page(s) */
};

/* Why vcpu_run() returned. */
enum run_stop {
	RUN_EXIT_PORT,		/* the guest wrote EXIT_PORT; value in run_result.value */
	RUN_SHUTDOWN,		/* triple fault */
	RUN_TIMEOUT,		/* the timeout passed */
	RUN_ERROR,		/* KVM failed or an exit we cannot handle */
};

struct run_result {
	enum run_stop why;
	u32 value;		/* RUN_EXIT_PORT: the 32 bits the guest wrote */
	u64 first_run_us;	/* now_us() just before the first KVM_RUN */
	long entry_rss_kib;	/* peak RSS just before the first KVM_RUN: the VMM's own cost
				 * plus the image, tables and initrd it wrote into guest RAM */
	u64 end_us;		/* now_us() when the loop ended */
	struct errbuf err;	/* otherwise what happened, for "vmm: <msg>" */
};

/* vcpu_create - KVM_CREATE_VCPU @id into vm->vcpus[@id] and map its kvm_run. */
int vcpu_create(struct vm *vm, unsigned int id, struct errbuf *e);

/*
 * vcpu_run - run @v until the guest writes the exit port, dies, or @timeout_ms passes
 * (0: no limit), handling I/O and MMIO exits on the way. Runs in the calling thread;
 * a timer signal kicks KVM_RUN out (immediate_exit closes the race with entry), so a
 * hung guest cannot hang the VMM. Counts every exit in vm->exits[].
 */
void vcpu_run(struct vcpu *v, u64 timeout_ms, struct run_result *r);

/* vcpu_dump_regs - GPRs, RIP, RFLAGS, control registers, EFER and selectors to stderr. */
void vcpu_dump_regs(struct vcpu *v);

/* vm_print_exit_stats - one "vmm: stat exits_..." line: io, mmio, total, other reasons. */
void vm_print_exit_stats(const struct vm *vm);

#endif

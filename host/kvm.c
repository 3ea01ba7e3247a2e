/* SPDX-License-Identifier: MIT */
/* /dev/kvm, its capabilities, the VM, guest RAM and the one guest-physical translation. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "host/kvm.h"

#define KVM_API_VERSION_WANTED	12


void vm_init(struct vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = vm->vm_fd = -1;
	vm->pio.name = "port";
	vm->mmio.name = "MMIO";
}

int kvm_open(struct vm *vm, const char *cmd, struct errbuf *e)
{
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd >= 0)
		return 0;
	switch (errno) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		return errf(e, -errno, "/dev/kvm: no such device; run nested: %s -- %s",
			    NESTED_CMD, cmd);
	case EACCES:
	case EPERM:
		return errf(e, -errno,
			    "/dev/kvm: permission denied (join group kvm?); or run nested: %s -- %s",
			    NESTED_CMD, cmd);
	default:
		return errf(e, -errno, "/dev/kvm: %s", strerror(errno));
	}
}

static const struct {
	int cap;
	const char *name;
} required_caps[] = {
#define CAP(c) { c, #c }
	CAP(KVM_CAP_USER_MEMORY),	/* guest RAM as a memslot */
	CAP(KVM_CAP_SET_TSS_ADDR),	/* Intel: the real-mode TSS pages */
	CAP(KVM_CAP_SET_IDENTITY_MAP_ADDR), /* Intel: the EPT identity-map page */
	CAP(KVM_CAP_IRQCHIP),		/* in-kernel PIC, IOAPIC and LAPICs */
	CAP(KVM_CAP_HLT),		/* HLT stays in the kernel with an irqchip */
	CAP(KVM_CAP_EXT_CPUID),		/* KVM_GET_SUPPORTED_CPUID, KVM_SET_CPUID2 */
	CAP(KVM_CAP_GET_TSC_KHZ),	/* /cpus/tsc-khz in the device tree */
	CAP(KVM_CAP_IMMEDIATE_EXIT),	/* kicking a vCPU out of KVM_RUN without a race */
	CAP(KVM_CAP_IOEVENTFD),		/* virtio-mmio doorbells (I/O thread) */
	CAP(KVM_CAP_IRQFD),		/* virtio interrupts from the I/O thread */
#undef CAP
};

/*
 * Which hardware virtualisation extension backs /dev/kvm: "vmx", "svm", or NULL when the CPU
 * has neither (a software KVM such as kvm_pvm: shadow paging, no EPT/NPT to measure, and
 * instructions it cannot emulate). Read from the host's /proc/cpuinfo flags.
 */
const char *kvm_hw_extension(void)
{
	static const char *const exts[] = { "vmx", "svm" };
	const char *found = NULL;
	char line[4096];
	FILE *f = fopen("/proc/cpuinfo", "r");
	size_t i;

	if (!f)
		return NULL;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
			char *p = strstr(line, exts[i]);

			if (p && p[-1] == ' ' && (p[3] == ' ' || p[3] == '\n'))
				found = exts[i];
		}
		break;
	}
	fclose(f);
	return found;
}

int kvm_check(struct vm *vm, struct errbuf *e)
{
	int v = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	size_t i;

	if (v < 0)
		return errf(e, -errno, "/dev/kvm: KVM_GET_API_VERSION: %s (not KVM?)",
			    strerror(errno));
	if (v != KVM_API_VERSION_WANTED)
		return errf(e, -ENOTSUP, "/dev/kvm: KVM API version %d, need %d", v,
			    KVM_API_VERSION_WANTED);
	for (i = 0; i < ARRAY_SIZE(required_caps); i++) {
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, required_caps[i].cap) <= 0)
			return errf(e, -ENOTSUP, "/dev/kvm: missing capability %s",
				    required_caps[i].name);
	}
	return 0;
}

unsigned int kvm_max_vcpus(struct vm *vm)
{
	int n = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);

	if (n <= 0)	/* old kernels: the recommended count is the limit */
		n = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
	return n > 0 ? n : 1;
}

int kvm_create_vm(struct vm *vm, struct errbuf *e)
{
	u64 idmap = KVM_IDENTITY_MAP_GPA;

	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return errf(e, -errno, "KVM_CREATE_VM: %s", strerror(errno));
	/* Both must precede the first vCPU. */
	if (ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap) < 0)
		return errf(e, -errno, "KVM_SET_IDENTITY_MAP_ADDR: %s", strerror(errno));
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_GPA) < 0)
		return errf(e, -errno, "KVM_SET_TSS_ADDR: %s", strerror(errno));
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return errf(e, -errno, "KVM_CREATE_IRQCHIP: %s", strerror(errno));
	vm->run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size < (int)sizeof(struct kvm_run))
		return errf(e, -EINVAL, "KVM_GET_VCPU_MMAP_SIZE: %d", vm->run_size);
	return 0;
}

int ram_alloc(struct vm *vm, u64 size, struct errbuf *e)
{
	void *p;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return errf(e, -errno, "guest RAM: mmap of %llu bytes: %s",
			    (unsigned long long)size, strerror(errno));
	vm->ram = p;
	vm->ram_size = size;
	return 0;
}

int kvm_map_ram(struct vm *vm, struct errbuf *e)
{
	struct kvm_userspace_memory_region slot = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = vm->ram_size,
		.userspace_addr = (u64)(uintptr_t)vm->ram,
	};

	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
		return errf(e, -errno, "KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
	return 0;
}

void *gpa_to_host(struct vm *vm, u64 gpa, u64 len)
{
	if (!len || gpa >= vm->ram_size || len > vm->ram_size - gpa)
		return NULL;
	return vm->ram + gpa;
}

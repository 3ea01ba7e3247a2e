/* SPDX-License-Identifier: MIT */
/*
 * The VM: /dev/kvm and its capabilities, the VM file descriptor, guest RAM (one memslot
 * at guest-physical 0) and the one bounds-checked guest-physical -> host translation,
 * gpa_to_host(). Nothing else in host/ turns a guest address into a pointer.
 */
#ifndef HOST_KVM_H
#define HOST_KVM_H

#include <abi/layout.h>
#include "host/io.h"
#include "host/serial.h"
#include "host/util.h"

/*
 * Pages KVM needs for itself on Intel (real-mode TSS: 3 pages; EPT identity map: 1 page),
 * placed in the MMIO hole away from every device in layout.h.
 */
#define KVM_TSS_GPA		0xfffbc000ULL
#define KVM_TSS_SIZE		0x3000ULL
#define KVM_IDENTITY_MAP_GPA	0xfffbf000ULL
_Static_assert(KVM_TSS_GPA + KVM_TSS_SIZE == KVM_IDENTITY_MAP_GPA, "KVM private pages");
_Static_assert(KVM_TSS_GPA >= LAPIC_GPA + 0x100000, "KVM private pages above the LAPIC");
_Static_assert(IOAPIC_GPA < LAPIC_GPA, "IOAPIC below LAPIC");
_Static_assert(VIRTIO_MMIO_BASE + VIRTIO_MMIO_MAX_DEVS * VIRTIO_MMIO_STRIDE <= IOAPIC_GPA,
	       "virtio-mmio below the IOAPIC");
_Static_assert(RAM_MAX_SIZE <= MMIO_HOLE_START, "RAM ends below the MMIO hole");

#define VMM_EXIT_REASONS	64	/* exits[] slots; reasons past the end count in the last */

struct vcpu;
struct kvm_cpuid2;

struct vm {
	int kvm_fd;			/* /dev/kvm */
	int vm_fd;
	int run_size;			/* KVM_GET_VCPU_MMAP_SIZE */
	u8 *ram;			/* host mapping of guest-physical [0, ram_size) */
	u64 ram_size;
	struct kvm_cpuid2 *cpuid;	/* KVM_GET_SUPPORTED_CPUID, patched per vCPU */
	unsigned int nr_vcpus;
	struct vcpu *vcpus;

	struct io_bus pio;
	struct io_bus mmio;
	u8 pio_logged[65536 / 8];	/* unknown ports already logged */
	u64 mmio_logged[IO_MMIO_LOG_MAX];
	unsigned int nr_mmio_logged;

	struct serial serial;
	bool exit_requested;		/* the guest wrote EXIT_PORT ... */
	u32 exit_value;			/* ... this value */

	u64 exits[VMM_EXIT_REASONS];	/* KVM_RUN returns, by exit_reason (vCPU 0 only) */
	u64 exits_total;
};

/* vm_init - an empty VM: no KVM file descriptors, no RAM, no devices. */
void vm_init(struct vm *vm);

/*
 * kvm_open - open /dev/kvm read-write. If it is missing or not ours, @e says so and names
 * the nested harness command that runs @cmd instead (e.g. "./vmm boot guest.elf").
 * Returns 0 or -errno.
 */
int kvm_open(struct vm *vm, const char *cmd, struct errbuf *e);

/*
 * kvm_check - KVM_GET_API_VERSION must be 12 and every capability the VMM relies on
 * present; @e names the first one missing. Returns 0 or -ENOTSUP.
 */
/* The harness that runs ./vmm on KVM nested inside QEMU, named by errors. */
#define NESTED_CMD	"tests/nested/run.sh"

const char *kvm_hw_extension(void);
int kvm_check(struct vm *vm, struct errbuf *e);

/* kvm_max_vcpus - how many vCPUs KVM allows in one VM (KVM_CAP_MAX_VCPUS). */
unsigned int kvm_max_vcpus(struct vm *vm);

/*
 * kvm_create_vm - KVM_CREATE_VM, the TSS and identity-map pages, the in-kernel irqchip
 * (PIC, IOAPIC, LAPICs), and the size of the per-vCPU kvm_run mapping. Returns 0 or -errno.
 */
int kvm_create_vm(struct vm *vm, struct errbuf *e);

/*
 * ram_alloc - reserve @size bytes of host memory for guest RAM: anonymous, private,
 * MAP_NORESERVE (pages are allocated when the guest first touches them). The one place
 * to add memfd, hugepage or prefault backings. Returns 0 and sets vm->ram, vm->ram_size,
 * or -errno.
 */
int ram_alloc(struct vm *vm, u64 size, struct errbuf *e);

/* kvm_map_ram - register vm->ram as memslot 0 at guest-physical 0. Returns 0 or -errno. */
int kvm_map_ram(struct vm *vm, struct errbuf *e);

/*
 * gpa_to_host - the host address of guest-physical [gpa, gpa + len), or NULL unless the
 * whole range (non-empty, not wrapping) lies in guest RAM. Anything the guest controls
 * passes through here before the VMM touches it.
 */
void *gpa_to_host(struct vm *vm, u64 gpa, u64 len);

#endif

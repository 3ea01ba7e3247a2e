/* SPDX-License-Identifier: MIT */
/* virtio-blk devices on the VM: set-up, register access, kicks and interrupts (virtio_blk.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include <abi/layout.h>
#include <virtio/mmio.h>
#include "host/ioloop.h"
#include "host/kvm.h"
#include "host/virtio_blk.h"

int vmm_blk_open(struct vmm_blk **out, const char *role, unsigned int slot, const char *path,
		 bool ro, struct errbuf *e)
{
	struct vmm_blk *b;
	int err;

	if (slot >= VIRTIO_MMIO_MAX_DEVS)
		return errf(e, -EINVAL, "%s: no virtio-mmio slot %u", role, slot);
	b = calloc(1, sizeof(*b));
	if (!b)
		return errf(e, -ENOMEM, "%s: out of memory", path);
	b->role = role;
	b->slot = slot;
	b->base = VIRTIO_MMIO_BASE + slot * VIRTIO_MMIO_STRIDE;
	b->gsi = IRQ_VIRTIO_BASE + slot;
	b->kick_fd = b->irq_fd = -1;
	pthread_mutex_init(&b->lock, NULL);
	err = blk_file_open(&b->file, path, ro, e);
	if (err) {
		vmm_blk_close(b);
		return err;
	}
	*out = b;
	return 0;
}

/* ---- what the device model and register file call back ---------------------------------- */

static void *vmm_blk_gpa(void *opaque, u64 gpa, u64 len)
{
	return gpa_to_host(opaque, gpa, len);
}

/* The interrupt line: one irqfd write is one edge on the GSI. Called under b->lock. */
static void vmm_blk_irq(void *opaque)
{
	struct vmm_blk *b = opaque;
	u64 one = 1;

	if (write(b->irq_fd, &one, sizeof(one)) == sizeof(one))
		return;
	if (!b->irq_failed++)
		vmm_err("%s: interrupt (irqfd) write failed: %s (logged once)", b->role,
			strerror(errno));
}

/* A guest mistake, the first time of each kind (counted in blk.vdev.err[] always). */
static void vmm_blk_log(void *opaque, const char *msg)
{
	struct vmm_blk *b = opaque;

	vmm_err("%s: guest driver error: %s (each kind logged once)", b->role, msg);
}

/* ---- the two threads' entry points ------------------------------------------------------- */

static void vmm_blk_mmio_read(void *opaque, u64 off, void *data, u32 size)
{
	struct vmm_blk *b = opaque;

	pthread_mutex_lock(&b->lock);
	mmio_dev_read(&b->mmio, off, data, size);
	pthread_mutex_unlock(&b->lock);
}

static void vmm_blk_mmio_write(void *opaque, u64 off, const void *data, u32 size)
{
	struct vmm_blk *b = opaque;

	pthread_mutex_lock(&b->lock);
	mmio_dev_write(&b->mmio, off, data, size);
	pthread_mutex_unlock(&b->lock);
}

void vmm_blk_kick(void *opaque)
{
	struct vmm_blk *b = opaque;

	pthread_mutex_lock(&b->lock);
	blk_dev_notify(&b->blk);
	pthread_mutex_unlock(&b->lock);
}

/* ---- set-up -------------------------------------------------------------------------------- */

int vmm_blk_setup(struct vmm_blk *b, struct vm *vm, struct ioloop *loop, struct errbuf *e)
{
	struct blk_dev_params p = {
		.capacity = b->file.size / VIRTIO_BLK_SECTOR_SIZE,
		.read_only = b->file.ro,
		.flush = !b->file.ro,
		.backend = &blk_file_ops,
		.backend_opaque = &b->file,
		.log = vmm_blk_log,
		.log_opaque = b,
	};
	struct io_dev dev = {
		.name = b->role,
		.base = b->base,
		.len = VIRTIO_MMIO_REGION_SIZE,
		.read = vmm_blk_mmio_read,
		.write = vmm_blk_mmio_write,
		.opaque = b,
	};
	int err;

	snprintf(p.id, sizeof(p.id), "kvm-mm-%s", b->role);
	b->mem.gpa_to_host = vmm_blk_gpa;
	b->mem.opaque = vm;
	if (blk_dev_init(&b->blk, &p, &b->mem) ||
	    mmio_dev_init(&b->mmio, &b->blk.vdev, vmm_blk_irq, b))
		return errf(e, -EINVAL, "%s: virtio-blk device set-up refused", b->role);
	b->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	b->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->kick_fd < 0 || b->irq_fd < 0)
		return errf(e, -errno, "%s: eventfd: %s", b->role, strerror(errno));
	err = io_bus_register(&vm->mmio, &dev, e);
	if (!err)
		err = ioloop_add(loop, b->kick_fd, vmm_blk_kick, b, e);
	return err;
}

int vmm_blk_connect(struct vmm_blk *b, struct vm *vm, struct errbuf *e)
{
	struct kvm_ioeventfd kick = {
		.datamatch = 0,				/* queue 0, the only one */
		.addr = b->base + VIRTIO_MMIO_QUEUE_NOTIFY,
		.len = 4,
		.fd = b->kick_fd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};
	struct kvm_irqfd irq = { .fd = b->irq_fd, .gsi = b->gsi };

	if (ioctl(vm->vm_fd, KVM_IOEVENTFD, &kick) < 0)
		return errf(e, -errno, "%s: KVM_IOEVENTFD at 0x%llx: %s", b->role,
			    (unsigned long long)kick.addr, strerror(errno));
	if (ioctl(vm->vm_fd, KVM_IRQFD, &irq) < 0)
		return errf(e, -errno, "%s: KVM_IRQFD on GSI %u: %s", b->role, b->gsi,
			    strerror(errno));
	return 0;
}

void vmm_blk_stats_line(const struct vmm_blk *b, char *buf, size_t size)
{
	const struct blk_dev_stats *s = &b->blk.stats;

	snprintf(buf, size,
		 "stat dev=%s requests=%llu reads=%llu writes=%llu flushes=%llu bytes_read=%llu "
		 "bytes_written=%llu kicks=%llu interrupts=%llu errors=%llu resets=%llu",
		 b->role, (unsigned long long)s->requests, (unsigned long long)s->reads,
		 (unsigned long long)s->writes, (unsigned long long)s->flushes,
		 (unsigned long long)s->bytes_read, (unsigned long long)s->bytes_written,
		 (unsigned long long)s->kicks, (unsigned long long)s->interrupts,
		 (unsigned long long)s->errors, (unsigned long long)s->resets);
}

void vmm_blk_close(struct vmm_blk *b)
{
	if (!b)
		return;
	if (b->kick_fd >= 0)
		close(b->kick_fd);
	if (b->irq_fd >= 0)
		close(b->irq_fd);
	blk_file_close(&b->file);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

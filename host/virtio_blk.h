/* SPDX-License-Identifier: MIT */
/*
 * The VM's virtio-blk devices (--disk, --swap): each is the shared device model
 * (virtio/blk_dev.c) over the file backend (host/blk_file.c), behind the shared virtio-mmio
 * register file (virtio/mmio_dev.c) on the MMIO bus at VIRTIO_MMIO_BASE + slot * STRIDE.
 * Register accesses arrive as KVM_EXIT_MMIO on the vCPU thread; QueueNotify writes go to an
 * ioeventfd that the I/O thread (host/ioloop.c) serves; interrupts leave through an irqfd on
 * GSI IRQ_VIRTIO_BASE + slot. One mutex per device serializes the two threads.
 */
#ifndef HOST_VIRTIO_BLK_H
#define HOST_VIRTIO_BLK_H

#include <pthread.h>
#include <virtio/blk_dev.h>
#include <virtio/mmio_dev.h>
#include "host/blk_file.h"
#include "host/util.h"

struct vm;
struct ioloop;

struct vmm_blk {
	const char *role;		/* "disk" or "swap": DT kvm-mm,role, messages, stats */
	unsigned int slot;		/* VIRTIO_SLOT_*: MMIO base and GSI */
	u64 base;			/* VIRTIO_MMIO_BASE + slot * VIRTIO_MMIO_STRIDE */
	u32 gsi;			/* IRQ_VIRTIO_BASE + slot */
	pthread_mutex_t lock;		/* mmio and blk, against the other thread */
	struct blk_file file;
	struct vq_mem mem;		/* guest RAM through gpa_to_host() */
	struct mmio_dev mmio;
	int kick_fd;			/* ioeventfd: the guest wrote 0 to QueueNotify */
	int irq_fd;			/* irqfd: raises the GSI */
	u64 irq_failed;			/* irqfd writes that failed */
	struct blk_dev blk;		/* large (~300 KiB): struct vmm_blk is heap-allocated */
};

/*
 * vmm_blk_open - allocate the device for @role in @slot and open its image @path (@ro:
 * read-only). Before /dev/kvm: a bad image is a usage error. Returns 0 with *@out set, or
 * -E* with @e saying "<path>: <why>".
 */
int vmm_blk_open(struct vmm_blk **out, const char *role, unsigned int slot, const char *path,
		 bool ro, struct errbuf *e);

/*
 * vmm_blk_setup - build the device model and its register file over @vm's RAM, put it on
 * the MMIO bus, create its kick and interrupt eventfds and register the kick with @loop.
 * Needs no KVM: host tests drive the device through io_mmio() and the eventfds.
 * Returns 0 or -E*.
 */
int vmm_blk_setup(struct vmm_blk *b, struct vm *vm, struct ioloop *loop, struct errbuf *e);

/*
 * vmm_blk_connect - tell KVM about the eventfds: KVM_IOEVENTFD on the QueueNotify register
 * (4-byte writes of 0, queue 0; others still exit and are refused by the register file)
 * and KVM_IRQFD on the GSI. Returns 0 or -errno.
 */
int vmm_blk_connect(struct vmm_blk *b, struct vm *vm, struct errbuf *e);

/* vmm_blk_kick - the I/O thread's handler for the kick eventfd: serve the queue. */
void vmm_blk_kick(void *opaque);

/*
 * vmm_blk_stats_line - "stat dev=ROLE requests=N reads=N writes=N flushes=N bytes_read=N
 * bytes_written=N kicks=N interrupts=N errors=N resets=N" into @buf (after the I/O thread
 * stopped, or under the lock).
 */
void vmm_blk_stats_line(const struct vmm_blk *b, char *buf, size_t size);

/* vmm_blk_close - close the eventfds and the image and free @b (NULL is fine). */
void vmm_blk_close(struct vmm_blk *b);

#endif

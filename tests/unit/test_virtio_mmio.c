// SPDX-License-Identifier: MIT
/*
 * Host tests of the virtio-mmio v2 register file (virtio/mmio_dev.c) driven register by
 * register over a virtio-blk device: identity, feature pages and negotiation, the status
 * rules, reset, queue set-up checks (sizes, alignment, RAM), interrupt status and ack,
 * config space by width and generation, and every kind of bad access.
 */
#include <virtio/mmio.h>
#include <virtio/mmio_dev.h>
#include "virtio_harness.h"

struct mt {
	struct fake_ram ram;
	struct ramdisk rd;
	struct blk_dev *dev;
	struct mmio_dev m;
	struct vq_drv drv;		/* a driver-side ring to point the queue at */
	unsigned long irqs;
	unsigned long logs;
};

#define MT_RAM		(1ULL << 20)
#define STATUS_UP	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER)
#define F_VERSION_1	VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define F_EVENT_IDX	VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX)

static void mt_irq(void *opaque)
{
	((struct mt *)opaque)->irqs++;
}

static void mt_log(void *opaque, const char *msg)
{
	((struct mt *)opaque)->logs++;
}

static struct mt *mt_new(u16 queue_max)
{
	struct mt *t = calloc(1, sizeof(*t));
	struct blk_dev_params p = {
		.capacity = 0x123456789ULL, .flush = true, .blk_size = 4096,
		.queue_max = queue_max, .backend = &ramdisk_ops, .log = mt_log,
	};
	u64 ring;

	fake_ram_init(&t->ram, MT_RAM);
	t->rd.size = 1 << 20;
	t->rd.data = calloc(1, t->rd.size);
	p.backend_opaque = &t->rd;
	p.log_opaque = t;
	t->dev = calloc(1, sizeof(*t->dev));
	ring = fake_ram_alloc(&t->ram, vq_drv_ring_bytes(16), 4096);
	if (!t->rd.data || !t->dev || vq_drv_init(&t->drv, 16, gva(&t->ram, ring), ring, true) ||
	    blk_dev_init(t->dev, &p, &t->ram.mem) || mmio_dev_init(&t->m, &t->dev->vdev, mt_irq, t))
		abort();
	return t;
}

static void mt_free(struct mt *t)
{
	free(t->dev);
	free(t->rd.data);
	fake_ram_free(&t->ram);
	free(t);
}

static u32 rd32(struct mt *t, u64 off)
{
	u32 v = 0xdeadbeef;

	mmio_dev_read(&t->m, off, &v, 4);
	return v;
}

static int wr32(struct mt *t, u64 off, u32 v)
{
	return mmio_dev_write(&t->m, off, &v, 4);
}

/* ACKNOWLEDGE, DRIVER, write @f, FEATURES_OK; return whether FEATURES_OK stuck. */
static bool negotiate(struct mt *t, u64 f)
{
	wr32(t, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr32(t, VIRTIO_MMIO_STATUS, STATUS_UP);
	wr32(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr32(t, VIRTIO_MMIO_DRIVER_FEATURES, (u32)f);
	wr32(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr32(t, VIRTIO_MMIO_DRIVER_FEATURES, (u32)(f >> 32));
	wr32(t, VIRTIO_MMIO_STATUS, STATUS_UP | VIRTIO_STATUS_FEATURES_OK);
	return rd32(t, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK;
}

/* Program queue 0 with @num and the given rings, QueueReady = 1; return the return code. */
static int setup_queue(struct mt *t, u32 num, u64 desc, u64 avail, u64 used)
{
	wr32(t, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr32(t, VIRTIO_MMIO_QUEUE_NUM, num);
	wr32(t, VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)desc);
	wr32(t, VIRTIO_MMIO_QUEUE_DESC_HIGH, (u32)(desc >> 32));
	wr32(t, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (u32)avail);
	wr32(t, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (u32)(avail >> 32));
	wr32(t, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (u32)used);
	wr32(t, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (u32)(used >> 32));
	return wr32(t, VIRTIO_MMIO_QUEUE_READY, 1);
}

/* Queue 0 on the driver ring. */
static int setup_drv_queue(struct mt *t)
{
	return setup_queue(t, 16, t->drv.desc_pa, t->drv.avail_pa, t->drv.used_pa);
}

/* Negotiated, queue ready, DRIVER_OK. */
static bool bring_up(struct mt *t)
{
	CHECK(negotiate(t, F_VERSION_1 | F_EVENT_IDX));
	CHECK(setup_drv_queue(t) == 0);
	CHECK(wr32(t, VIRTIO_MMIO_STATUS, STATUS_UP | VIRTIO_STATUS_FEATURES_OK |
		   VIRTIO_STATUS_DRIVER_OK) == 0);
	CHECK(t->dev->vdev.driver_ok);
	return true;
}

/* ---- identity and features ----------------------------------------------------------------- */

static bool test_identity_registers(void)
{
	struct mt *t = mt_new(0);

	CHECK(rd32(t, VIRTIO_MMIO_MAGIC_VALUE) == 0x74726976);
	CHECK(!memcmp("virt", &(u32){ rd32(t, VIRTIO_MMIO_MAGIC_VALUE) }, 4));
	CHECK(rd32(t, VIRTIO_MMIO_VERSION) == 2);
	CHECK(rd32(t, VIRTIO_MMIO_DEVICE_ID) == VIRTIO_ID_BLOCK);
	CHECK(rd32(t, VIRTIO_MMIO_VENDOR_ID) == VIRTIO_MMIO_VENDOR);
	CHECK(rd32(t, VIRTIO_MMIO_STATUS) == 0);
	CHECK(rd32(t, VIRTIO_MMIO_QUEUE_NUM_MAX) == BLK_DEV_QUEUE_MAX);
	mt_free(t);
	return true;
}

static bool test_device_feature_pages(void)
{
	struct mt *t = mt_new(0);
	u32 lo, hi;

	lo = rd32(t, VIRTIO_MMIO_DEVICE_FEATURES);
	CHECK(lo & (1U << VIRTIO_BLK_F_SEG_MAX) && lo & (1U << VIRTIO_BLK_F_BLK_SIZE));
	CHECK(lo & (1U << VIRTIO_BLK_F_FLUSH) && !(lo & (1U << VIRTIO_BLK_F_RO)));
	CHECK(lo & (1U << VIRTIO_RING_F_EVENT_IDX) && lo & (1U << VIRTIO_RING_F_INDIRECT_DESC));
	CHECK(wr32(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1) == 0);
	hi = rd32(t, VIRTIO_MMIO_DEVICE_FEATURES);
	CHECK(hi == 1);					/* VERSION_1, bit 32 */
	CHECK(wr32(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2) == 0);
	CHECK(rd32(t, VIRTIO_MMIO_DEVICE_FEATURES) == 0);
	mt_free(t);
	return true;
}

static bool test_features_ok_accepted(void)
{
	struct mt *t = mt_new(0);

	CHECK(negotiate(t, F_VERSION_1 | F_EVENT_IDX));
	CHECK(t->dev->vdev.acked == (F_VERSION_1 | F_EVENT_IDX));
	CHECK(rd32(t, VIRTIO_MMIO_STATUS) == (STATUS_UP | VIRTIO_STATUS_FEATURES_OK));
	mt_free(t);
	return true;
}

static bool test_features_without_version_1_refused(void)
{
	struct mt *t = mt_new(0);

	CHECK(!negotiate(t, F_EVENT_IDX));
	CHECK(rd32(t, VIRTIO_MMIO_STATUS) == STATUS_UP && t->dev->vdev.acked == 0);
	CHECK(t->dev->vdev.err[VIRTIO_E_FEATURES] == 1 && t->logs == 1);
	mt_free(t);
	return true;
}

static bool test_features_not_offered_refused(void)
{
	struct mt *t = mt_new(0);

	CHECK(!negotiate(t, F_VERSION_1 | VIRTIO_BIT(0)));	/* legacy BARRIER */
	CHECK(wr32(t, VIRTIO_MMIO_STATUS, 0) == 0);
	CHECK(!negotiate(t, F_VERSION_1 | VIRTIO_BIT(40)));
	CHECK(wr32(t, VIRTIO_MMIO_STATUS, 0) == 0);
	CHECK(!negotiate(t, F_VERSION_1 | VIRTIO_BIT(VIRTIO_BLK_F_RO)));	/* not a RO disk */
	CHECK(t->dev->vdev.err[VIRTIO_E_FEATURES] == 3);
	mt_free(t);
	return true;
}

static bool test_driver_feature_page_2_must_be_zero(void)
{
	struct mt *t = mt_new(0);

	CHECK(wr32(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2) == 0);
	CHECK(wr32(t, VIRTIO_MMIO_DRIVER_FEATURES, 0) == 0);
	CHECK(wr32(t, VIRTIO_MMIO_DRIVER_FEATURES, 1) == -EINVAL);
	mt_free(t);
	return true;
}

static bool test_driver_features_frozen_after_features_ok(void)
{
	struct mt *t = mt_new(0);

	CHECK(negotiate(t, F_VERSION_1));
	CHECK(wr32(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0) == 0);
	CHECK(wr32(t, VIRTIO_MMIO_DRIVER_FEATURES, 1U << VIRTIO_RING_F_EVENT_IDX) == -EINVAL);
	CHECK(t->dev->vdev.acked == F_VERSION_1 && t->m.drv_features == F_VERSION_1);
	mt_free(t);
	return true;
}

/* ---- status ---------------------------------------------------------------------------------- */

static bool test_features_ok_needs_driver(void)
{
	struct mt *t = mt_new(0);

	CHECK(wr32(t, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE) == 0);
	CHECK(wr32(t, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_FEATURES_OK) ==
	      -EINVAL);
	CHECK(rd32(t, VIRTIO_MMIO_STATUS) == VIRTIO_STATUS_ACKNOWLEDGE);
	CHECK(t->dev->vdev.err[VIRTIO_E_STATUS_WRITE] == 1);
	mt_free(t);
	return true;
}

static bool test_driver_ok_needs_features_ok(void)
{
	struct mt *t = mt_new(0);

	CHECK(wr32(t, VIRTIO_MMIO_STATUS, STATUS_UP) == 0);
	CHECK(wr32(t, VIRTIO_MMIO_STATUS, STATUS_UP | VIRTIO_STATUS_DRIVER_OK) == -EINVAL);
	CHECK(rd32(t, VIRTIO_MMIO_STATUS) == STATUS_UP && !t->dev->vdev.driver_ok);
	mt_free(t);
	return true;
}

static bool test_refused_features_ok_drops_driver_ok(void)
{
	struct mt *t = mt_new(0);

	CHECK(wr32(t, VIRTIO_MMIO_STATUS, STATUS_UP) == 0);
	CHECK(wr32(t, VIRTIO_MMIO_STATUS, STATUS_UP | VIRTIO_STATUS_FEATURES_OK |
		   VIRTIO_STATUS_DRIVER_OK) == -EINVAL);	/* no VERSION_1 written */
	CHECK(rd32(t, VIRTIO_MMIO_STATUS) == STATUS_UP && !t->dev->vdev.driver_ok);
	mt_free(t);
	return true;
}

static bool test_status_bits_cannot_be_cleared(void)
{
	struct mt *t = mt_new(0);

	CHECK(negotiate(t, F_VERSION_1));
	CHECK(wr32(t, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE) == -EINVAL);
	CHECK(wr32(t, VIRTIO_MMIO_STATUS, STATUS_UP) == -EINVAL);
	CHECK(rd32(t, VIRTIO_MMIO_STATUS) == (STATUS_UP | VIRTIO_STATUS_FEATURES_OK));
	mt_free(t);
	return true;
}

static bool test_failed_stops_the_device(void)
{
	struct mt *t = mt_new(0);

	CHECK(bring_up(t));
	CHECK(wr32(t, VIRTIO_MMIO_STATUS, rd32(t, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FAILED) == 0);
	CHECK(rd32(t, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FAILED);
	CHECK(!t->dev->vdev.driver_ok);
	mt_free(t);
	return true;
}

static bool test_reset_clears_everything(void)
{
	struct mt *t = mt_new(0);

	CHECK(bring_up(t));
	virtio_dev_signal_used(&t->dev->vdev, 0);
	CHECK(rd32(t, VIRTIO_MMIO_INTERRUPT_STATUS) == VIRTIO_MMIO_INT_VRING);
	wr32(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	CHECK(wr32(t, VIRTIO_MMIO_STATUS, 0) == 0);
	CHECK(rd32(t, VIRTIO_MMIO_STATUS) == 0);
	CHECK(rd32(t, VIRTIO_MMIO_INTERRUPT_STATUS) == 0);
	CHECK(rd32(t, VIRTIO_MMIO_QUEUE_READY) == 0 && !t->dev->vq.ready);
	CHECK(t->dev->vdev.acked == 0 && !t->dev->vdev.driver_ok && t->m.drv_features == 0);
	CHECK(rd32(t, VIRTIO_MMIO_DEVICE_FEATURES) & (1U << VIRTIO_BLK_F_FLUSH));	/* sel 0 */
	CHECK(t->m.q[0].num == 0 && t->m.q[0].desc == 0);
	/* And it comes up again. */
	CHECK(bring_up(t));
	mt_free(t);
	return true;
}

/* ---- queues ------------------------------------------------------------------------------ */

static bool test_queue_setup(void)
{
	struct mt *t = mt_new(0);

	CHECK(negotiate(t, F_VERSION_1 | F_EVENT_IDX));
	CHECK(setup_drv_queue(t) == 0);
	CHECK(rd32(t, VIRTIO_MMIO_QUEUE_READY) == 1);
	CHECK(t->dev->vq.ready && t->dev->vq.num == 16 && t->dev->vq.event_idx);
	CHECK(!t->dev->vq.indirect);		/* not negotiated */
	CHECK(t->dev->vq.desc_gpa == t->drv.desc_pa && t->dev->vq.used_gpa == t->drv.used_pa);
	mt_free(t);
	return true;
}

static bool test_queue_64bit_addresses(void)
{
	struct mt *t = mt_new(0);

	CHECK(negotiate(t, F_VERSION_1));
	/* High halves matter: 4 GiB + desc is not in a 1 MiB RAM. */
	CHECK(setup_queue(t, 16, (1ULL << 32) + t->drv.desc_pa, t->drv.avail_pa, t->drv.used_pa) ==
	      -EINVAL);
	CHECK(rd32(t, VIRTIO_MMIO_QUEUE_READY) == 0);
	CHECK(t->m.q[0].desc == (1ULL << 32) + t->drv.desc_pa);
	CHECK(setup_drv_queue(t) == 0);
	mt_free(t);
	return true;
}

static bool test_queue_bad_sizes(void)
{
	static const u32 bad[] = { 0, 3, 100, 512, 65536, 0xffffffff };
	struct mt *t = mt_new(0);
	unsigned int i;

	CHECK(negotiate(t, F_VERSION_1));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECKF(setup_queue(t, bad[i], 0x10000, 0x20000, 0x30000) == -EINVAL, "num %u",
		       bad[i]);
		CHECK(rd32(t, VIRTIO_MMIO_QUEUE_READY) == 0 && !t->dev->vq.ready);
	}
	CHECK(t->dev->vdev.err[VIRTIO_E_QUEUE_SETUP] == ARRAY_SIZE(bad) && t->logs == 1);
	CHECK(setup_queue(t, 256, 0x10000, 0x20000, 0x30000) == 0);
	mt_free(t);
	return true;
}

static bool test_queue_size_above_device_max(void)
{
	struct mt *t = mt_new(64);

	CHECK(rd32(t, VIRTIO_MMIO_QUEUE_NUM_MAX) == 64);
	CHECK(negotiate(t, F_VERSION_1));
	CHECK(setup_queue(t, 128, 0x10000, 0x20000, 0x30000) == -EINVAL);
	CHECK(setup_queue(t, 64, 0x10000, 0x20000, 0x30000) == 0);
	mt_free(t);
	return true;
}

static bool test_queue_misaligned_rings(void)
{
	struct mt *t = mt_new(0);

	CHECK(negotiate(t, F_VERSION_1));
	CHECK(setup_queue(t, 16, 0x10004, 0x20000, 0x30000) == -EINVAL);
	CHECK(setup_queue(t, 16, 0x10000, 0x20001, 0x30000) == -EINVAL);
	CHECK(setup_queue(t, 16, 0x10000, 0x20000, 0x30006) == -EINVAL);
	CHECK(rd32(t, VIRTIO_MMIO_QUEUE_READY) == 0);
	mt_free(t);
	return true;
}

static bool test_queue_rings_outside_ram(void)
{
	struct mt *t = mt_new(0);

	CHECK(negotiate(t, F_VERSION_1));
	CHECK(setup_queue(t, 16, MT_RAM, 0x20000, 0x30000) == -EINVAL);
	CHECK(setup_queue(t, 16, 0x10000, MT_RAM - 2, 0x30000) == -EINVAL);
	CHECK(setup_queue(t, 16, 0x10000, 0x20000, MT_RAM - 8) == -EINVAL);
	CHECK(setup_queue(t, 16, 0xfffffffffffffff0ULL, 0x20000, 0x30000) == -EINVAL);
	CHECK(rd32(t, VIRTIO_MMIO_QUEUE_READY) == 0);
	mt_free(t);
	return true;
}

static bool test_queue_ready_before_features_ok(void)
{
	struct mt *t = mt_new(0);

	CHECK(wr32(t, VIRTIO_MMIO_STATUS, STATUS_UP) == 0);
	CHECK(setup_drv_queue(t) == -EINVAL);
	CHECK(rd32(t, VIRTIO_MMIO_QUEUE_READY) == 0);
	mt_free(t);
	return true;
}

static bool test_queue_registers_frozen_while_ready(void)
{
	struct mt *t = mt_new(0);

	CHECK(negotiate(t, F_VERSION_1));
	CHECK(setup_drv_queue(t) == 0);
	CHECK(wr32(t, VIRTIO_MMIO_QUEUE_NUM, 4) == -EINVAL);
	CHECK(wr32(t, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x40000) == -EINVAL);
	CHECK(wr32(t, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 1) == -EINVAL);
	CHECK(t->dev->vq.num == 16 && t->dev->vq.desc_gpa == t->drv.desc_pa);
	CHECK(t->m.q[0].num == 16 && t->m.q[0].desc == t->drv.desc_pa);
	CHECK(wr32(t, VIRTIO_MMIO_QUEUE_READY, 1) == 0);	/* already ready: no change */
	CHECK(t->dev->vq.ready);
	mt_free(t);
	return true;
}

static bool test_queue_ready_zero_stops_queue(void)
{
	struct mt *t = mt_new(0);

	CHECK(negotiate(t, F_VERSION_1));
	CHECK(setup_drv_queue(t) == 0);
	CHECK(wr32(t, VIRTIO_MMIO_QUEUE_READY, 0) == 0);
	CHECK(rd32(t, VIRTIO_MMIO_QUEUE_READY) == 0 && !t->dev->vq.ready);
	CHECK(wr32(t, VIRTIO_MMIO_QUEUE_NUM, 8) == 0);		/* may be reprogrammed */
	CHECK(wr32(t, VIRTIO_MMIO_QUEUE_READY, 1) == 0 && t->dev->vq.num == 8);
	mt_free(t);
	return true;
}

static bool test_nonexistent_queue(void)
{
	struct mt *t = mt_new(0);

	CHECK(negotiate(t, F_VERSION_1));
	CHECK(wr32(t, VIRTIO_MMIO_QUEUE_SEL, 1) == 0);
	CHECK(rd32(t, VIRTIO_MMIO_QUEUE_NUM_MAX) == 0);
	CHECK(rd32(t, VIRTIO_MMIO_QUEUE_READY) == 0);
	CHECK(wr32(t, VIRTIO_MMIO_QUEUE_NUM, 16) == -EINVAL);
	CHECK(wr32(t, VIRTIO_MMIO_QUEUE_READY, 1) == -EINVAL);
	CHECK(wr32(t, VIRTIO_MMIO_QUEUE_SEL, 0xffffffff) == 0);
	CHECK(wr32(t, VIRTIO_MMIO_QUEUE_DESC_LOW, 0) == -EINVAL);
	CHECK(wr32(t, VIRTIO_MMIO_QUEUE_NOTIFY, 1) == -EINVAL);
	CHECK(t->dev->stats.kicks == 0);
	mt_free(t);
	return true;
}

/* ---- interrupts, notify, config ------------------------------------------------------------ */

static bool test_interrupt_status_and_ack(void)
{
	struct mt *t = mt_new(0);

	CHECK(bring_up(t));
	CHECK(rd32(t, VIRTIO_MMIO_INTERRUPT_STATUS) == 0);
	virtio_dev_signal_used(&t->dev->vdev, 0);
	CHECK(t->irqs == 1 && rd32(t, VIRTIO_MMIO_INTERRUPT_STATUS) == VIRTIO_MMIO_INT_VRING);
	mmio_dev_config_changed(&t->m);
	CHECK(t->irqs == 2 && rd32(t, VIRTIO_MMIO_INTERRUPT_STATUS) == 3);
	CHECK(wr32(t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING) == 0);
	CHECK(rd32(t, VIRTIO_MMIO_INTERRUPT_STATUS) == VIRTIO_MMIO_INT_CONFIG);
	CHECK(wr32(t, VIRTIO_MMIO_INTERRUPT_ACK, 0xffffffff) == 0);
	CHECK(rd32(t, VIRTIO_MMIO_INTERRUPT_STATUS) == 0);
	mt_free(t);
	return true;
}

static bool test_config_generation(void)
{
	struct mt *t = mt_new(0);
	u32 gen = rd32(t, VIRTIO_MMIO_CONFIG_GENERATION);

	mmio_dev_config_changed(&t->m);			/* before DRIVER_OK: no interrupt */
	CHECK(rd32(t, VIRTIO_MMIO_CONFIG_GENERATION) == gen + 1 && t->irqs == 0);
	CHECK(bring_up(t));
	mmio_dev_config_changed(&t->m);
	CHECK(rd32(t, VIRTIO_MMIO_CONFIG_GENERATION) == gen + 2 && t->irqs == 1);
	mt_free(t);
	return true;
}

static bool test_config_reads_by_width(void)
{
	struct mt *t = mt_new(0);
	u64 v64 = 0;
	u16 v16 = 0;
	u8 v8 = 0, big[8];

	CHECK(mmio_dev_read(&t->m, VIRTIO_MMIO_CONFIG, &v64, 8) == 0 && v64 == 0x123456789ULL);
	CHECK(rd32(t, VIRTIO_MMIO_CONFIG) == 0x23456789 && rd32(t, VIRTIO_MMIO_CONFIG + 4) == 1);
	CHECK(mmio_dev_read(&t->m, VIRTIO_MMIO_CONFIG + 2, &v16, 2) == 0 && v16 == 0x2345);
	CHECK(mmio_dev_read(&t->m, VIRTIO_MMIO_CONFIG + 12, &v8, 1) == 0 && v8 == BLK_DEV_SEG_MAX);
	CHECK(rd32(t, VIRTIO_MMIO_CONFIG + 20) == 4096);	/* blk_size */
	/* Past the structure, and far past it: zeros. */
	CHECK(rd32(t, VIRTIO_MMIO_CONFIG + 36) == 0 && rd32(t, VIRTIO_MMIO_CONFIG + 0xefc) == 0);
	memset(big, 0xaa, sizeof(big));
	CHECK(mmio_dev_read(&t->m, VIRTIO_MMIO_CONFIG + 32, big, 8) == 0);
	CHECK(big[2] == 1 && big[3] == 0 && big[4] == 0);	/* num_queues, then nothing */
	mt_free(t);
	return true;
}

static bool test_config_misaligned_read(void)
{
	struct mt *t = mt_new(0);
	u64 v = ~0ULL;

	CHECK(mmio_dev_read(&t->m, VIRTIO_MMIO_CONFIG + 2, &v, 4) == -EINVAL && (u32)v == 0);
	CHECK(mmio_dev_read(&t->m, VIRTIO_MMIO_CONFIG + 4, &v, 8) == -EINVAL && v == 0);
	CHECK(t->dev->vdev.err[VIRTIO_E_ACCESS] == 2);
	mt_free(t);
	return true;
}

static bool test_config_write_rejected(void)
{
	struct mt *t = mt_new(0);
	u8 b = 1;

	CHECK(wr32(t, VIRTIO_MMIO_CONFIG, 0) == -EINVAL);
	CHECK(mmio_dev_write(&t->m, VIRTIO_MMIO_CONFIG + 32, &b, 1) == -EINVAL);
	CHECK(t->dev->config.capacity == 0x123456789ULL && t->dev->config.writeback == 0);
	mt_free(t);
	return true;
}

static bool test_shared_memory_absent(void)
{
	struct mt *t = mt_new(0);

	CHECK(wr32(t, VIRTIO_MMIO_SHM_SEL, 0) == 0);
	CHECK(rd32(t, VIRTIO_MMIO_SHM_LEN_LOW) == 0xffffffff);
	CHECK(rd32(t, VIRTIO_MMIO_SHM_LEN_HIGH) == 0xffffffff);
	mt_free(t);
	return true;
}

static bool test_bad_access_widths(void)
{
	struct mt *t = mt_new(0);
	u64 v = ~0ULL;
	u32 w = 0;

	CHECK(mmio_dev_read(&t->m, VIRTIO_MMIO_MAGIC_VALUE, &v, 2) == -EINVAL && (u16)v == 0);
	CHECK(mmio_dev_read(&t->m, VIRTIO_MMIO_MAGIC_VALUE, &v, 8) == -EINVAL && v == 0);
	CHECK(mmio_dev_read(&t->m, VIRTIO_MMIO_MAGIC_VALUE + 1, &w, 4) == -EINVAL && w == 0);
	v = 0x55;
	CHECK(mmio_dev_read(&t->m, VIRTIO_MMIO_MAGIC_VALUE, &v, 3) == -EINVAL && v == 0x55);
	CHECK(mmio_dev_read(&t->m, VIRTIO_MMIO_MAGIC_VALUE, &v, 16) == -EINVAL && v == 0x55);
	CHECK(mmio_dev_write(&t->m, VIRTIO_MMIO_STATUS, &w, 1) == -EINVAL);
	CHECK(mmio_dev_write(&t->m, VIRTIO_MMIO_STATUS + 2, &w, 4) == -EINVAL);
	CHECK(t->dev->vdev.err[VIRTIO_E_ACCESS] == 7 && t->logs == 1);
	mt_free(t);
	return true;
}

static bool test_writes_to_read_only_registers(void)
{
	static const u32 ro[] = {
		VIRTIO_MMIO_MAGIC_VALUE, VIRTIO_MMIO_VERSION, VIRTIO_MMIO_DEVICE_ID,
		VIRTIO_MMIO_VENDOR_ID, VIRTIO_MMIO_DEVICE_FEATURES, VIRTIO_MMIO_QUEUE_NUM_MAX,
		VIRTIO_MMIO_INTERRUPT_STATUS, VIRTIO_MMIO_CONFIG_GENERATION,
		VIRTIO_MMIO_SHM_LEN_LOW,
		VIRTIO_MMIO_QUEUE_RESET, 0x0fc - 4, 0x0c4,
	};
	struct mt *t = mt_new(0);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ro); i++)
		CHECKF(wr32(t, ro[i], 0x12345678) == -EINVAL, "register %#x", ro[i]);
	CHECK(rd32(t, VIRTIO_MMIO_MAGIC_VALUE) == VIRTIO_MMIO_MAGIC);
	CHECK(rd32(t, VIRTIO_MMIO_QUEUE_NUM_MAX) == BLK_DEV_QUEUE_MAX);
	mt_free(t);
	return true;
}

static bool test_reads_of_write_only_registers(void)
{
	static const u32 wo[] = {
		VIRTIO_MMIO_DEVICE_FEATURES_SEL, VIRTIO_MMIO_DRIVER_FEATURES,
		VIRTIO_MMIO_DRIVER_FEATURES_SEL, VIRTIO_MMIO_QUEUE_SEL, VIRTIO_MMIO_QUEUE_NUM,
		VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_QUEUE_DESC_LOW,
		VIRTIO_MMIO_SHM_SEL, 0x0f8,
	};
	struct mt *t = mt_new(0);
	unsigned int i;
	u32 v;

	for (i = 0; i < ARRAY_SIZE(wo); i++) {
		v = 0xdeadbeef;
		CHECKF(mmio_dev_read(&t->m, wo[i], &v, 4) == -EINVAL && v == 0, "register %#x",
		       wo[i]);
	}
	mt_free(t);
	return true;
}

/* Post one GET_ID request on the driver ring (not kicked). */
static void post_get_id(struct mt *t)
{
	u64 buf = fake_ram_alloc(&t->ram, 64, 16);
	struct virtio_blk_req_hdr h = { .type = VIRTIO_BLK_T_GET_ID };
	struct vq_buf b[3] = { { buf, 16, false }, { buf + 16, 20, true }, { buf + 40, 1, true } };

	memcpy(gva(&t->ram, buf), &h, sizeof(h));
	vq_drv_add(&t->drv, b, 3, t);
}

static bool test_notify_before_driver_ok_ignored(void)
{
	struct mt *t = mt_new(0);

	CHECK(negotiate(t, F_VERSION_1 | F_EVENT_IDX));
	CHECK(setup_drv_queue(t) == 0);
	post_get_id(t);
	CHECK(wr32(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0) == 0);
	CHECK(t->dev->stats.kicks == 1 && t->dev->stats.requests == 0 && t->drv.used->idx == 0);
	CHECK(wr32(t, VIRTIO_MMIO_STATUS, STATUS_UP | VIRTIO_STATUS_FEATURES_OK |
		   VIRTIO_STATUS_DRIVER_OK) == 0);
	CHECK(wr32(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0) == 0);
	CHECK(t->dev->stats.requests == 1 && t->drv.used->idx == 1 && t->irqs == 1);
	mt_free(t);
	return true;
}

static bool test_needs_reset_sticks_until_reset(void)
{
	struct mt *t = mt_new(0);
	u32 st;

	CHECK(bring_up(t));
	vq_drv_raw_avail_idx(&t->drv, 100);		/* corrupt ring */
	CHECK(wr32(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0) == 0);
	st = rd32(t, VIRTIO_MMIO_STATUS);
	CHECK(st & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	CHECK(rd32(t, VIRTIO_MMIO_INTERRUPT_STATUS) == VIRTIO_MMIO_INT_CONFIG && t->irqs == 1);
	/* Writing the status back (as drivers do when adding a bit) does not clear it. */
	CHECK(wr32(t, VIRTIO_MMIO_STATUS, st) == 0);
	CHECK((rd32(t, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
	CHECK(!t->dev->vdev.driver_ok);
	CHECK(wr32(t, VIRTIO_MMIO_QUEUE_READY, 0) == 0);
	CHECK(setup_drv_queue(t) == -EINVAL);		/* no queue until reset */
	CHECK(wr32(t, VIRTIO_MMIO_STATUS, 0) == 0 && rd32(t, VIRTIO_MMIO_STATUS) == 0);
	CHECK(vq_drv_init(&t->drv, 16, t->drv.desc, t->drv.desc_pa, true) == 0);
	CHECK(bring_up(t));
	post_get_id(t);
	CHECK(wr32(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0) == 0 && t->drv.used->idx == 1);
	mt_free(t);
	return true;
}

static bool test_init_rejects_bad_arguments(void)
{
	struct mt *t = mt_new(0);
	struct virtio_dev vdev = t->dev->vdev;
	struct mmio_dev m;

	vdev.nvqs = MMIO_DEV_MAX_VQS + 1;
	CHECK(mmio_dev_init(&m, &vdev, NULL, NULL) == -EINVAL);
	vdev = t->dev->vdev;
	vdev.ops = NULL;
	CHECK(mmio_dev_init(&m, &vdev, NULL, NULL) == -EINVAL);
	vdev = t->dev->vdev;
	vdev.mem = NULL;
	CHECK(mmio_dev_init(&m, &vdev, NULL, NULL) == -EINVAL);
	CHECK(mmio_dev_init(&m, NULL, NULL, NULL) == -EINVAL);
	mt_free(t);
	return true;
}

static bool test_blk_dev_rejects_bad_params(void)
{
	static const struct blk_backend_ops no_flush = { .read = rd_read, .write = rd_write };
	struct blk_dev *dev = calloc(1, sizeof(*dev));
	struct fake_ram ram;
	struct blk_dev_params ok = { .capacity = 8, .backend = &ramdisk_ops }, p;

	fake_ram_init(&ram, 1 << 16);
	CHECK(dev && blk_dev_init(dev, &ok, &ram.mem) == 0);
	CHECK(dev->config.blk_size == 512 && dev->p.queue_max == BLK_DEV_QUEUE_MAX);
	p = ok, p.capacity = 1ULL << 55;
	CHECK(blk_dev_init(dev, &p, &ram.mem) == -EINVAL);
	p = ok, p.blk_size = 1000;
	CHECK(blk_dev_init(dev, &p, &ram.mem) == -EINVAL);
	p = ok, p.blk_size = 256;
	CHECK(blk_dev_init(dev, &p, &ram.mem) == -EINVAL);
	p = ok, p.queue_max = 3;
	CHECK(blk_dev_init(dev, &p, &ram.mem) == -EINVAL);
	p = ok, p.queue_max = 512;
	CHECK(blk_dev_init(dev, &p, &ram.mem) == -EINVAL);
	p = ok, p.backend = NULL;
	CHECK(blk_dev_init(dev, &p, &ram.mem) == -EINVAL);
	p = ok, p.backend = &no_flush, p.flush = true;
	CHECK(blk_dev_init(dev, &p, &ram.mem) == -EINVAL);
	CHECK(blk_dev_init(dev, &ok, NULL) == -EINVAL);
	fake_ram_free(&ram);
	free(dev);
	return true;
}

int main(void)
{
	tap_plan(36);
	TAP_RUN(test_identity_registers);
	TAP_RUN(test_device_feature_pages);
	TAP_RUN(test_features_ok_accepted);
	TAP_RUN(test_features_without_version_1_refused);
	TAP_RUN(test_features_not_offered_refused);
	TAP_RUN(test_driver_feature_page_2_must_be_zero);
	TAP_RUN(test_driver_features_frozen_after_features_ok);
	TAP_RUN(test_features_ok_needs_driver);
	TAP_RUN(test_driver_ok_needs_features_ok);
	TAP_RUN(test_refused_features_ok_drops_driver_ok);
	TAP_RUN(test_status_bits_cannot_be_cleared);
	TAP_RUN(test_failed_stops_the_device);
	TAP_RUN(test_reset_clears_everything);
	TAP_RUN(test_queue_setup);
	TAP_RUN(test_queue_64bit_addresses);
	TAP_RUN(test_queue_bad_sizes);
	TAP_RUN(test_queue_size_above_device_max);
	TAP_RUN(test_queue_misaligned_rings);
	TAP_RUN(test_queue_rings_outside_ram);
	TAP_RUN(test_queue_ready_before_features_ok);
	TAP_RUN(test_queue_registers_frozen_while_ready);
	TAP_RUN(test_queue_ready_zero_stops_queue);
	TAP_RUN(test_nonexistent_queue);
	TAP_RUN(test_interrupt_status_and_ack);
	TAP_RUN(test_config_generation);
	TAP_RUN(test_config_reads_by_width);
	TAP_RUN(test_config_misaligned_read);
	TAP_RUN(test_config_write_rejected);
	TAP_RUN(test_shared_memory_absent);
	TAP_RUN(test_bad_access_widths);
	TAP_RUN(test_writes_to_read_only_registers);
	TAP_RUN(test_reads_of_write_only_registers);
	TAP_RUN(test_notify_before_driver_ok_ignored);
	TAP_RUN(test_needs_reset_sticks_until_reset);
	TAP_RUN(test_init_rejects_bad_arguments);
	TAP_RUN(test_blk_dev_rejects_bad_params);
	return tap_finish();
}

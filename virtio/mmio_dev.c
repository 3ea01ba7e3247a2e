// SPDX-License-Identifier: MIT
/*
 * Device side of virtio-mmio v2 (virtio/mmio_dev.h): the register file. Status follows
 * §2.1/§3.1: bits are only added, in order; FEATURES_OK sticks only for an acceptable
 * feature set; writing 0 resets. A queue goes live at QueueReady = 1 only after
 * vq_dev_enable() has checked its size and ring addresses.
 */
#include <kern/errno.h>
#include <kern/string.h>
#include <virtio/mmio.h>
#include <virtio/mmio_dev.h>
#include <virtio/ring.h>
#include <virtio/vq_dev.h>

/* The status bits a driver may set. */
#define STATUS_DRIVER_BITS	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |	\
				 VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK |	\
				 VIRTIO_STATUS_FAILED)

static struct mmio_dev *to_mmio(struct virtio_dev *vdev)
{
	return vdev->transport_priv;
}

/* ---- interrupts and the device model's calls up ----------------------------------------- */

static void mmio_raise(struct mmio_dev *m, u32 bits)
{
	__atomic_fetch_or(&m->isr, bits, __ATOMIC_SEQ_CST);
	if (m->irq)
		m->irq(m->irq_opaque);
}

static void mmio_signal_used(struct virtio_dev *vdev, u16 q)
{
	mmio_raise(to_mmio(vdev), VIRTIO_MMIO_INT_VRING);
}

/* §2.1.2: set DEVICE_NEEDS_RESET; a live driver hears of it by a config interrupt. */
static void mmio_needs_reset(struct virtio_dev *vdev)
{
	struct mmio_dev *m = to_mmio(vdev);

	m->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	if (m->status & VIRTIO_STATUS_DRIVER_OK)
		mmio_raise(m, VIRTIO_MMIO_INT_CONFIG);
}

static const struct virtio_transport_ops mmio_transport_ops = {
	.signal_used = mmio_signal_used,
	.needs_reset = mmio_needs_reset,
};

void mmio_dev_config_changed(struct mmio_dev *m)
{
	m->config_gen++;
	if (m->status & VIRTIO_STATUS_DRIVER_OK)
		mmio_raise(m, VIRTIO_MMIO_INT_CONFIG);
}

/* ---- reset and set-up ----------------------------------------------------------------- */

/* Device reset: the model forgets requests and queues; every register returns to 0. */
static void mmio_reset(struct mmio_dev *m)
{
	struct virtio_dev *vdev = m->vdev;
	unsigned int i;

	vdev->ops->reset(vdev);
	for (i = 0; i < vdev->nvqs; i++)
		vq_dev_disable(&vdev->vqs[i]);
	vdev->acked = 0;
	vdev->driver_ok = false;
	memset(m->q, 0, sizeof(m->q));
	m->status = 0;
	m->dev_features_sel = 0;
	m->drv_features_sel = 0;
	m->drv_features = 0;
	m->queue_sel = 0;
	m->shm_sel = 0;
	__atomic_store_n(&m->isr, 0, __ATOMIC_SEQ_CST);
}

int mmio_dev_init(struct mmio_dev *m, struct virtio_dev *vdev, void (*irq)(void *opaque),
		  void *irq_opaque)
{
	if (!vdev || !vdev->ops || !vdev->ops->notify || !vdev->ops->reset || !vdev->mem ||
	    vdev->nvqs > MMIO_DEV_MAX_VQS || (vdev->config_size && !vdev->config))
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	m->vdev = vdev;
	m->irq = irq;
	m->irq_opaque = irq_opaque;
	vdev->transport = &mmio_transport_ops;
	vdev->transport_priv = m;
	mmio_reset(m);
	return 0;
}

/* ---- reads ----------------------------------------------------------------------------- */

/* The queue QueueSel names, or NULL if there is no such queue. */
static struct vq_dev *mmio_sel_vq(struct mmio_dev *m)
{
	return m->queue_sel < m->vdev->nvqs ? &m->vdev->vqs[m->queue_sel] : NULL;
}

/* Control register @off into @val; VIRTIO_E_ACCESS for a write-only or unknown one. */
static enum virtio_err mmio_reg_read(struct mmio_dev *m, u64 off, u32 *val)
{
	const struct virtio_dev *vdev = m->vdev;
	const struct vq_dev *vq = mmio_sel_vq(m);

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		*val = VIRTIO_MMIO_MAGIC;
		break;
	case VIRTIO_MMIO_VERSION:
		*val = VIRTIO_MMIO_VERSION_2;
		break;
	case VIRTIO_MMIO_DEVICE_ID:
		*val = vdev->device_id;
		break;
	case VIRTIO_MMIO_VENDOR_ID:
		*val = VIRTIO_MMIO_VENDOR;
		break;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		*val = 0;
		if (m->dev_features_sel < 2)
			*val = vdev->features >> (32 * m->dev_features_sel);
		break;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		*val = vq ? vdev->queue_max : 0;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		*val = vq && vq->ready;
		break;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		*val = __atomic_load_n(&m->isr, __ATOMIC_SEQ_CST);
		break;
	case VIRTIO_MMIO_STATUS:
		*val = m->status;
		break;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		*val = m->config_gen;
		break;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		*val = ~0U;		/* no shared memory region: length -1 */
		break;
	case VIRTIO_MMIO_QUEUE_RESET:
		*val = 0;
		break;
	default:
		*val = 0;
		return VIRTIO_E_ACCESS;
	}
	return VIRTIO_E_NONE;
}

/* Config space bytes [off, off + len), naturally aligned; bytes past its end read as 0. */
static enum virtio_err mmio_config_read(struct mmio_dev *m, u64 off, void *data, u32 len)
{
	const struct virtio_dev *vdev = m->vdev;

	if (off % len)
		return VIRTIO_E_ACCESS;
	if (off < vdev->config_size)
		memcpy(data, (const u8 *)vdev->config + off,
		       MIN((u64)len, vdev->config_size - off));
	return VIRTIO_E_NONE;
}

static bool mmio_len_valid(u32 len)
{
	return len == 1 || len == 2 || len == 4 || len == 8;
}

int mmio_dev_read(struct mmio_dev *m, u64 off, void *data, u32 len)
{
	enum virtio_err e;
	u32 val;

	if (!mmio_len_valid(len)) {
		virtio_dev_error(m->vdev, VIRTIO_E_ACCESS);
		return -EINVAL;
	}
	memset(data, 0, len);
	if (off >= VIRTIO_MMIO_CONFIG) {
		e = mmio_config_read(m, off - VIRTIO_MMIO_CONFIG, data, len);
	} else if (len != 4 || off % 4) {
		e = VIRTIO_E_ACCESS;
	} else {
		e = mmio_reg_read(m, off, &val);
		memcpy(data, &val, sizeof(val));
	}
	virtio_dev_error(m->vdev, e);
	return e ? -EINVAL : 0;
}

/* ---- writes ---------------------------------------------------------------------------- */

/* DriverFeatures: one 32-bit page of the driver's features, before FEATURES_OK only. */
static enum virtio_err mmio_driver_features(struct mmio_dev *m, u32 val)
{
	u32 sel = m->drv_features_sel;

	if (m->status & VIRTIO_STATUS_FEATURES_OK)
		return VIRTIO_E_FEATURES;
	if (sel >= 2)
		return val ? VIRTIO_E_FEATURES : VIRTIO_E_NONE;
	m->drv_features &= ~(0xffffffffULL << (32 * sel));
	m->drv_features |= (u64)val << (32 * sel);
	return VIRTIO_E_NONE;
}

/* Replace the low or high half of @reg by @val. */
static void set_half(u64 *reg, u32 val, bool high)
{
	if (high)
		*reg = (*reg & 0xffffffffULL) | (u64)val << 32;
	else
		*reg = (*reg & ~0xffffffffULL) | val;
}

/* QueueNum and the ring address registers: only for an existing queue that is not ready. */
static enum virtio_err mmio_queue_reg(struct mmio_dev *m, u64 off, u32 val)
{
	const struct vq_dev *vq = mmio_sel_vq(m);
	struct mmio_dev_queue *q;

	if (!vq)
		return VIRTIO_E_ACCESS;
	if (vq->ready)
		return VIRTIO_E_QUEUE_SETUP;
	q = &m->q[m->queue_sel];
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:
		q->num = val;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_half(&q->desc, val, off == VIRTIO_MMIO_QUEUE_DESC_HIGH);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		set_half(&q->driver, val, off == VIRTIO_MMIO_QUEUE_DRIVER_HIGH);
		break;
	default:
		set_half(&q->device, val, off == VIRTIO_MMIO_QUEUE_DEVICE_HIGH);
		break;
	}
	return VIRTIO_E_NONE;
}

/*
 * QueueReady: 0 stops the queue. 1 needs FEATURES_OK (the ring format depends on the
 * features) and a queue that vq_dev_enable() accepts; otherwise it stays 0.
 */
static enum virtio_err mmio_queue_ready(struct mmio_dev *m, u32 val)
{
	struct virtio_dev *vdev = m->vdev;
	struct vq_dev *vq = mmio_sel_vq(m);
	const struct mmio_dev_queue *q;

	if (!vq)
		return VIRTIO_E_ACCESS;
	q = &m->q[m->queue_sel];
	if (!val) {
		vq_dev_disable(vq);
		return VIRTIO_E_NONE;
	}
	if (vq->ready)
		return VIRTIO_E_NONE;
	if (!(m->status & VIRTIO_STATUS_FEATURES_OK) ||
	    (m->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET))
		return VIRTIO_E_QUEUE_SETUP;
	if (vq_dev_enable(vq, vdev->mem, q->num, vdev->queue_max, q->desc, q->driver, q->device,
			  vdev->acked & VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX),
			  vdev->acked & VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC)))
		return VIRTIO_E_QUEUE_SETUP;
	return VIRTIO_E_NONE;
}

/* The driver's features become the device's at FEATURES_OK if they are acceptable. */
static enum virtio_err mmio_accept_features(struct mmio_dev *m)
{
	struct virtio_dev *vdev = m->vdev;
	u64 acked = m->drv_features;

	if ((acked & ~vdev->features) || !(acked & VIRTIO_BIT(VIRTIO_F_VERSION_1)))
		return VIRTIO_E_FEATURES;
	if (vdev->ops->features_ok && vdev->ops->features_ok(vdev, acked))
		return VIRTIO_E_FEATURES;
	vdev->acked = acked;
	return VIRTIO_E_NONE;
}

/*
 * Status: 0 resets. Otherwise the driver only adds bits: FEATURES_OK after DRIVER, and
 * DRIVER_OK after FEATURES_OK. A refused FEATURES_OK is left clear for the driver to see.
 */
static enum virtio_err mmio_set_status(struct mmio_dev *m, u32 val)
{
	u32 old = m->status & STATUS_DRIVER_BITS, set;
	enum virtio_err e;

	if (!val) {
		mmio_reset(m);
		return VIRTIO_E_NONE;
	}
	val &= STATUS_DRIVER_BITS;
	if (old & ~val)
		return VIRTIO_E_STATUS_WRITE;
	set = val & ~old;
	if ((set & VIRTIO_STATUS_FEATURES_OK) && !(val & VIRTIO_STATUS_DRIVER))
		return VIRTIO_E_STATUS_WRITE;
	if ((set & VIRTIO_STATUS_DRIVER_OK) && !(val & VIRTIO_STATUS_FEATURES_OK))
		return VIRTIO_E_STATUS_WRITE;
	if (set & VIRTIO_STATUS_FEATURES_OK) {
		e = mmio_accept_features(m);
		if (e) {
			m->status |= set & ~(VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
			return e;
		}
	}
	m->status |= set;
	if (set & VIRTIO_STATUS_DRIVER_OK)
		m->vdev->driver_ok = !(m->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	if (set & VIRTIO_STATUS_FAILED)
		m->vdev->driver_ok = false;
	return VIRTIO_E_NONE;
}

static enum virtio_err mmio_queue_notify(struct mmio_dev *m, u32 q)
{
	if (q >= m->vdev->nvqs)
		return VIRTIO_E_ACCESS;
	m->vdev->ops->notify(m->vdev, q);
	return VIRTIO_E_NONE;
}

static enum virtio_err mmio_reg_write(struct mmio_dev *m, u64 off, u32 val)
{
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		m->dev_features_sel = val;
		return VIRTIO_E_NONE;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		return mmio_driver_features(m, val);
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		m->drv_features_sel = val;
		return VIRTIO_E_NONE;
	case VIRTIO_MMIO_QUEUE_SEL:
		m->queue_sel = val;
		return VIRTIO_E_NONE;
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		return mmio_queue_reg(m, off, val);
	case VIRTIO_MMIO_QUEUE_READY:
		return mmio_queue_ready(m, val);
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		return mmio_queue_notify(m, val);
	case VIRTIO_MMIO_INTERRUPT_ACK:
		__atomic_fetch_and(&m->isr, ~val, __ATOMIC_SEQ_CST);
		return VIRTIO_E_NONE;
	case VIRTIO_MMIO_STATUS:
		return mmio_set_status(m, val);
	case VIRTIO_MMIO_SHM_SEL:
		m->shm_sel = val;
		return VIRTIO_E_NONE;
	default:
		return VIRTIO_E_ACCESS;	/* read-only, unknown, or QueueReset (not offered) */
	}
}

int mmio_dev_write(struct mmio_dev *m, u64 off, const void *data, u32 len)
{
	enum virtio_err e;
	u32 val;

	/* Config space is read-only: no writable field is offered (no CONFIG_WCE). */
	if (off >= VIRTIO_MMIO_CONFIG || len != 4 || off % 4) {
		e = VIRTIO_E_ACCESS;
	} else {
		memcpy(&val, data, sizeof(val));
		e = mmio_reg_write(m, off, val);
	}
	virtio_dev_error(m->vdev, e);
	return e ? -EINVAL : 0;
}

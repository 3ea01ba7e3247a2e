// SPDX-License-Identifier: MIT
/*
 * Host tests of the split virtqueue halves, virtio/vq_dev.c against virtio/vq_drv.c over a
 * fake guest RAM: ring set-up checks, the validated pop (each malicious ring or chain its
 * own test), indirect tables, push used, notification suppression both ways, and index
 * wrap-around with out-of-order completion.
 */
#include <virtio/ring.h>
#include <virtio/vq_dev.h>
#include <virtio/vq_drv.h>
#include "virtio_harness.h"

#define VQT_RAM		(1ULL << 20)

struct vqt {
	struct fake_ram ram;
	struct vq_dev vq;
	struct vq_drv drv;
	struct vq_elem elem;
	u64 buf;			/* 64 KiB of data buffers */
};

static struct vqt *vqt_new(u32 num, bool event_idx, bool indirect)
{
	struct vqt *t = calloc(1, sizeof(*t));
	u64 ring;

	fake_ram_init(&t->ram, VQT_RAM);
	ring = fake_ram_alloc(&t->ram, vq_drv_ring_bytes(num), 4096);
	t->buf = fake_ram_alloc(&t->ram, 64 << 10, 4096);
	if (vq_drv_init(&t->drv, num, gva(&t->ram, ring), ring, event_idx) ||
	    vq_dev_enable(&t->vq, &t->ram.mem, num, 256, t->drv.desc_pa, t->drv.avail_pa,
			  t->drv.used_pa, event_idx, indirect))
		abort();
	return t;
}

static void vqt_free(struct vqt *t)
{
	fake_ram_free(&t->ram);
	free(t);
}

/* Expose a chain from a template (next = template index, or RAW_ABS(table index)). */
static int vqt_chain(struct vqt *t, const struct vring_desc *tmpl, unsigned int n, u16 head_value)
{
	u16 idx[80];
	unsigned int k;

	if (vq_drv_raw_alloc(&t->drv, n, idx))
		return -1;
	for (k = 0; k < n; k++) {
		t->drv.desc[idx[k]] = tmpl[k];
		if (tmpl[k].next & 0x8000)
			t->drv.desc[idx[k]].next = tmpl[k].next & 0x7fff;
		else if (tmpl[k].next < n)
			t->drv.desc[idx[k]].next = idx[tmpl[k].next];
	}
	vq_drv_raw_publish(&t->drv, idx[0], n, head_value == 0xffff ? idx[0] : head_value, t);
	return idx[0];
}

/* Pop must fail with -EIO and reason @e, and keep failing. */
static bool pop_breaks(struct vqt *t, enum virtio_err e)
{
	int r = vq_pop(&t->vq, &t->elem);

	CHECKF(r == -EIO, "vq_pop returned %d", r);
	CHECKF(t->vq.err == e, "err %d (%s), want %d (%s)", t->vq.err, virtio_err_str(t->vq.err),
	       e, virtio_err_str(e));
	CHECK(t->vq.broken);
	CHECK(vq_pop(&t->vq, &t->elem) == -EIO);
	return true;
}

#define D(a, l, f, n)	((struct vring_desc){ .addr = (a), .len = (l), .flags = (f), \
					 .next = (n) })
#define NEXT		VRING_DESC_F_NEXT
#define WRITE		VRING_DESC_F_WRITE
#define INDIRECT	VRING_DESC_F_INDIRECT

/* ---- ring set-up ----------------------------------------------------------------------- */

static bool test_enable_accepts_valid_rings(void)
{
	struct vqt *t = vqt_new(16, true, false);

	CHECK(t->vq.ready && t->vq.num == 16 && !t->vq.broken);
	CHECK((u8 *)t->vq.desc == gva(&t->ram, t->drv.desc_pa));
	CHECK((u8 *)t->vq.used == gva(&t->ram, t->drv.used_pa));
	vqt_free(t);
	return true;
}

static bool test_enable_rejects_bad_sizes(void)
{
	struct vqt *t = vqt_new(16, true, false);
	const struct vq_mem *m = &t->ram.mem;
	static const u32 bad[] = { 0, 3, 24, 512, 65536, 0x80000000u };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECKF(vq_dev_enable(&t->vq, m, bad[i], 256, 0x10000, 0x20000, 0x30000, 0, 0) ==
		       -EINVAL, "num %u", bad[i]);
		CHECK(!t->vq.ready);
	}
	CHECK(vq_dev_enable(&t->vq, m, 256, 256, 0x10000, 0x20000, 0x30000, 0, 0) == 0);
	vqt_free(t);
	return true;
}

static bool test_enable_rejects_misaligned_rings(void)
{
	struct vqt *t = vqt_new(16, true, false);
	const struct vq_mem *m = &t->ram.mem;

	CHECK(vq_dev_enable(&t->vq, m, 16, 256, 0x10008, 0x20000, 0x30000, 0, 0) == -EINVAL);
	CHECK(vq_dev_enable(&t->vq, m, 16, 256, 0x10000, 0x20001, 0x30000, 0, 0) == -EINVAL);
	CHECK(vq_dev_enable(&t->vq, m, 16, 256, 0x10000, 0x20000, 0x30002, 0, 0) == -EINVAL);
	CHECK(!t->vq.ready);
	CHECK(vq_dev_enable(&t->vq, m, 16, 256, 0x10010, 0x20002, 0x30004, 0, 0) == 0);
	vqt_free(t);
	return true;
}

static bool test_enable_rejects_rings_outside_ram(void)
{
	struct vqt *t = vqt_new(16, true, false);
	const struct vq_mem *m = &t->ram.mem;
	u64 end = VQT_RAM;

	/* Wholly outside, straddling the end by one entry, and wrapping past 2^64. */
	CHECK(vq_dev_enable(&t->vq, m, 16, 256, end, 0x20000, 0x30000, 0, 0) == -EINVAL);
	CHECK(vq_dev_enable(&t->vq, m, 16, 256, end - 15 * 16, 0x20000, 0x30000, 0, 0) == -EINVAL);
	CHECK(vq_dev_enable(&t->vq, m, 16, 256, 0x10000, end - 36, 0x30000, 0, 0) == -EINVAL);
	CHECK(vq_dev_enable(&t->vq, m, 16, 256, 0x10000, 0x20000, end - 132, 0, 0) == -EINVAL);
	CHECK(vq_dev_enable(&t->vq, m, 16, 256, 0xfffffffffffffff0ULL, 0x20000, 0x30000, 0, 0) ==
	      -EINVAL);
	CHECK(vq_dev_enable(&t->vq, m, 16, 256, 0x10000, 0x20000, 0xfffffffffffffffcULL, 0, 0) ==
	      -EINVAL);
	/* Exactly at the end fits. */
	CHECK(vq_dev_enable(&t->vq, m, 16, 256, end - 16 * 16, end - 4096 + 2, end - 136, 0, 0) ==
	      0);
	vqt_free(t);
	return true;
}

/* ---- pop ------------------------------------------------------------------------------ */

static bool test_pop_empty(void)
{
	struct vqt *t = vqt_new(16, true, false);

	CHECK(vq_pop(&t->vq, &t->elem) == 0);
	CHECK(!t->vq.broken);
	vqt_free(t);
	return true;
}

static bool test_pop_direct_chain(void)
{
	struct vqt *t = vqt_new(16, true, false);
	struct vq_buf b[3] = {
		{ t->buf, 16, false }, { t->buf + 512, 1024, true }, { t->buf + 4096, 1, true },
	};
	int head = vq_drv_add(&t->drv, b, 3, t);

	CHECK(head >= 0);
	CHECK(vq_pop(&t->vq, &t->elem) == 1);
	CHECK(t->elem.head == head && t->elem.nseg == 3 && t->elem.nbad == 0);
	CHECK(t->elem.iov[0].base == gva(&t->ram, t->buf) && t->elem.iov[0].len == 16);
	CHECK(t->elem.iov[1].base == gva(&t->ram, t->buf + 512) && t->elem.iov[1].len == 1024);
	CHECK(t->elem.flags[0] == 0 && t->elem.flags[1] == VQ_SEG_WRITE &&
	      t->elem.flags[2] == VQ_SEG_WRITE);
	CHECK(vq_pop(&t->vq, &t->elem) == 0);
	vqt_free(t);
	return true;
}

static bool test_pop_flags_segment_outside_ram(void)
{
	struct vqt *t = vqt_new(16, true, false);
	struct vq_buf b[2] = { { t->buf, 16, false }, { VQT_RAM - 256, 512, true } };

	CHECK(vq_drv_add(&t->drv, b, 2, t) >= 0);
	CHECK(vq_pop(&t->vq, &t->elem) == 1);
	CHECK(t->elem.nbad == 1 && t->elem.flags[1] == (VQ_SEG_WRITE | VQ_SEG_BAD));
	CHECK(t->elem.iov[1].base == NULL && t->elem.flags[0] == 0);
	CHECK(!t->vq.broken);
	vqt_free(t);
	return true;
}

static bool test_pop_flags_overflowing_segment(void)
{
	struct vqt *t = vqt_new(16, true, false);
	struct vq_buf b[1] = { { 0xffffffffffffff00ULL, 512, false } };

	CHECK(vq_drv_add(&t->drv, b, 1, t) >= 0);
	CHECK(vq_pop(&t->vq, &t->elem) == 1);
	CHECK(t->elem.nbad == 1 && (t->elem.flags[0] & VQ_SEG_BAD));
	vqt_free(t);
	return true;
}

/* A translator that trusts gpa + len not to wrap: vq_map() must not rely on it. */
static void *naive_gpa_to_host(void *opaque, u64 gpa, u64 len)
{
	struct fake_ram *r = opaque;

	return gpa + len <= r->size ? r->base + gpa : NULL;
}

static bool test_wrapping_range_never_reaches_translator(void)
{
	struct vqt *t = vqt_new(16, true, true);
	struct vq_mem naive = { naive_gpa_to_host, &t->ram };
	struct vring_desc c[1] = { D(0xfffffffffffffff0ULL, 0x20, WRITE, 0) };

	t->vq.mem = &naive;
	CHECK(vqt_chain(t, c, 1, 0xffff) >= 0);
	CHECK(vq_pop(&t->vq, &t->elem) == 1);
	CHECK(t->elem.nbad == 1 && t->elem.iov[0].base == NULL);
	c[0] = D(0xfffffffffffffff0ULL, 0x20, INDIRECT, 0);
	CHECK(vqt_chain(t, c, 1, 0xffff) >= 0);
	CHECK(pop_breaks(t, VIRTIO_E_INDIRECT));
	vqt_free(t);
	return true;
}

static bool test_pop_zero_length_segment(void)
{
	struct vqt *t = vqt_new(16, true, false);
	struct vq_buf b[2] = { { VQT_RAM * 4, 0, false }, { t->buf, 1, true } };

	CHECK(vq_drv_add(&t->drv, b, 2, t) >= 0);
	CHECK(vq_pop(&t->vq, &t->elem) == 1);
	CHECK(t->elem.nbad == 0 && t->elem.iov[0].base == NULL && t->elem.iov[0].len == 0);
	vqt_free(t);
	return true;
}

static bool test_avail_idx_jump_breaks_queue(void)
{
	struct vqt *t = vqt_new(16, true, false);

	vq_drv_raw_avail_idx(&t->drv, 17);
	CHECK(pop_breaks(t, VIRTIO_E_AVAIL_IDX));
	vqt_free(t);
	return true;
}

static bool test_avail_idx_backwards_breaks_queue(void)
{
	struct vqt *t = vqt_new(16, true, false);
	struct vq_buf b = { t->buf, 1, true };

	CHECK(vq_drv_add(&t->drv, &b, 1, t) >= 0);
	CHECK(vq_pop(&t->vq, &t->elem) == 1);
	vq_drv_raw_avail_idx(&t->drv, 0);	/* "unexpose" a buffer: idx - last = 65535 */
	CHECK(pop_breaks(t, VIRTIO_E_AVAIL_IDX));
	vqt_free(t);
	return true;
}

static bool test_avail_idx_full_ring_is_fine(void)
{
	struct vqt *t = vqt_new(4, true, false);
	struct vq_buf b = { t->buf, 1, true };
	int i;

	for (i = 0; i < 4; i++)
		CHECK(vq_drv_add(&t->drv, &b, 1, t) >= 0);
	for (i = 0; i < 4; i++)
		CHECK(vq_pop(&t->vq, &t->elem) == 1);
	CHECK(vq_pop(&t->vq, &t->elem) == 0);
	vqt_free(t);
	return true;
}

static bool test_head_past_ring_breaks_queue(void)
{
	struct vqt *t = vqt_new(16, true, false);
	struct vring_desc c[1] = { D(t->buf, 1, WRITE, 0) };

	CHECK(vqt_chain(t, c, 1, 16) >= 0);
	CHECK(pop_breaks(t, VIRTIO_E_HEAD));
	vqt_free(t);
	return true;
}

static bool test_next_past_table_breaks_queue(void)
{
	struct vqt *t = vqt_new(16, true, false);
	struct vring_desc c[2] = { D(t->buf, 16, NEXT, RAW_ABS(16)), D(t->buf + 16, 1, WRITE, 0) };

	CHECK(vqt_chain(t, c, 2, 0xffff) >= 0);
	CHECK(pop_breaks(t, VIRTIO_E_NEXT));
	vqt_free(t);
	return true;
}

static bool test_loop_breaks_queue(void)
{
	struct vqt *t = vqt_new(16, true, false);
	struct vring_desc c[3] = {
		D(t->buf, 16, NEXT, 1), D(t->buf + 16, 512, NEXT, 2), D(t->buf + 600, 1, NEXT, 1),
	};

	CHECK(vqt_chain(t, c, 3, 0xffff) >= 0);
	CHECK(pop_breaks(t, VIRTIO_E_LOOP));
	vqt_free(t);
	return true;
}

static bool test_self_loop_breaks_queue(void)
{
	struct vqt *t = vqt_new(2, true, false);
	struct vring_desc c[1] = { D(t->buf, 16, NEXT, 0) };

	CHECK(vqt_chain(t, c, 1, 0xffff) >= 0);
	CHECK(pop_breaks(t, VIRTIO_E_LOOP));
	vqt_free(t);
	return true;
}

static bool test_chain_as_long_as_queue_is_fine(void)
{
	struct vqt *t = vqt_new(4, true, false);
	struct vring_desc c[4] = {
		D(t->buf, 16, NEXT, 1), D(t->buf, 16, NEXT, 2), D(t->buf, 16, NEXT, 3),
		D(t->buf, 1, WRITE, 0),
	};

	CHECK(vqt_chain(t, c, 4, 0xffff) >= 0);
	CHECK(vq_pop(&t->vq, &t->elem) == 1 && t->elem.nseg == 4);
	vqt_free(t);
	return true;
}

static bool test_too_many_segments_breaks_queue(void)
{
	struct vqt *t = vqt_new(256, true, false);
	struct vring_desc c[VQ_MAX_SEGS + 1];
	unsigned int k;

	for (k = 0; k <= VQ_MAX_SEGS; k++)
		c[k] = D(t->buf + k * 8, 8, NEXT, k + 1);
	c[VQ_MAX_SEGS - 1].flags = 0;		/* first: exactly VQ_MAX_SEGS */
	CHECK(vqt_chain(t, c, VQ_MAX_SEGS, 0xffff) >= 0);
	CHECK(vq_pop(&t->vq, &t->elem) == 1 && t->elem.nseg == VQ_MAX_SEGS);
	c[VQ_MAX_SEGS - 1].flags = NEXT;
	c[VQ_MAX_SEGS].flags = 0;		/* then one more */
	CHECK(vqt_chain(t, c, VQ_MAX_SEGS + 1, 0xffff) >= 0);
	CHECK(pop_breaks(t, VIRTIO_E_SEGS));
	vqt_free(t);
	return true;
}

/* ---- indirect tables ------------------------------------------------------------------- */

/* Write @n descriptors at guest address @gpa (any alignment). */
static void put_table(struct vqt *t, u64 gpa, const struct vring_desc *d, unsigned int n)
{
	memcpy(gva(&t->ram, gpa), d, n * sizeof(*d));
}

static bool test_indirect_table_flattened(void)
{
	struct vqt *t = vqt_new(16, true, true);
	u64 tab = t->buf + 8192;
	struct vring_desc d[3] = {
		D(t->buf, 16, NEXT, 1), D(t->buf + 512, 512, NEXT | WRITE, 2),
		D(t->buf + 1024, 1, WRITE, 0),
	};
	struct vring_desc c[1] = { D(tab, sizeof(d), INDIRECT | WRITE, 0) };

	put_table(t, tab, d, 3);
	CHECK(vqt_chain(t, c, 1, 0xffff) >= 0);
	CHECK(vq_pop(&t->vq, &t->elem) == 1);
	CHECK(t->elem.nseg == 3 && t->elem.flags[0] == 0 && t->elem.flags[1] == VQ_SEG_WRITE);
	CHECK(t->elem.iov[1].base == gva(&t->ram, t->buf + 512) && t->elem.iov[2].len == 1);
	vqt_free(t);
	return true;
}

static bool test_indirect_after_direct_descriptors(void)
{
	struct vqt *t = vqt_new(16, true, true);
	u64 tab = t->buf + 8192;
	struct vring_desc d[2] = {
		D(t->buf + 512, 512, NEXT | WRITE, 1), D(t->buf + 1024, 1, WRITE, 0),
	};
	struct vring_desc c[2] = { D(t->buf, 16, NEXT, 1), D(tab, sizeof(d), INDIRECT, 0) };

	put_table(t, tab, d, 2);
	CHECK(vqt_chain(t, c, 2, 0xffff) >= 0);
	CHECK(vq_pop(&t->vq, &t->elem) == 1 && t->elem.nseg == 3);
	CHECK(t->elem.iov[0].len == 16 && t->elem.iov[2].len == 1);
	vqt_free(t);
	return true;
}

static bool test_indirect_unaligned_table(void)
{
	struct vqt *t = vqt_new(16, true, true);
	u64 tab = t->buf + 8192 + 3;
	struct vring_desc d[2] = { D(t->buf, 16, NEXT, 1), D(t->buf + 1024, 1, WRITE, 0) };
	struct vring_desc c[1] = { D(tab, sizeof(d), INDIRECT, 0) };

	put_table(t, tab, d, 2);
	CHECK(vqt_chain(t, c, 1, 0xffff) >= 0);
	CHECK(vq_pop(&t->vq, &t->elem) == 1 && t->elem.nseg == 2);
	vqt_free(t);
	return true;
}

static bool test_indirect_not_negotiated_breaks_queue(void)
{
	struct vqt *t = vqt_new(16, true, false);
	u64 tab = t->buf + 8192;
	struct vring_desc d[1] = { D(t->buf, 1, WRITE, 0) };
	struct vring_desc c[1] = { D(tab, sizeof(d), INDIRECT, 0) };

	put_table(t, tab, d, 1);
	CHECK(vqt_chain(t, c, 1, 0xffff) >= 0);
	CHECK(pop_breaks(t, VIRTIO_E_INDIRECT));
	vqt_free(t);
	return true;
}

static bool test_indirect_nested_breaks_queue(void)
{
	struct vqt *t = vqt_new(16, true, true);
	u64 tab = t->buf + 8192;
	struct vring_desc d[2] = { D(t->buf, 16, NEXT, 1), D(tab, 32, INDIRECT, 0) };
	struct vring_desc c[1] = { D(tab, sizeof(d), INDIRECT, 0) };

	put_table(t, tab, d, 2);
	CHECK(vqt_chain(t, c, 1, 0xffff) >= 0);
	CHECK(pop_breaks(t, VIRTIO_E_INDIRECT));
	vqt_free(t);
	return true;
}

static bool test_indirect_with_next_breaks_queue(void)
{
	struct vqt *t = vqt_new(16, true, true);
	u64 tab = t->buf + 8192;
	struct vring_desc d[1] = { D(t->buf, 16, 0, 0) };
	struct vring_desc c[2] = {
		D(tab, sizeof(d), INDIRECT | NEXT, 1), D(t->buf + 64, 1, WRITE, 0),
	};

	put_table(t, tab, d, 1);
	CHECK(vqt_chain(t, c, 2, 0xffff) >= 0);
	CHECK(pop_breaks(t, VIRTIO_E_INDIRECT));
	vqt_free(t);
	return true;
}

static bool test_indirect_bad_length_breaks_queue(void)
{
	static const u32 bad_len[] = { 0, 8, 24, 17 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_len); i++) {
		struct vqt *t = vqt_new(16, true, true);
		struct vring_desc c[1] = { D(t->buf + 8192, bad_len[i], INDIRECT, 0) };

		CHECK(vqt_chain(t, c, 1, 0xffff) >= 0);
		CHECKF(pop_breaks(t, VIRTIO_E_INDIRECT), "len %u", bad_len[i]);
		vqt_free(t);
	}
	return true;
}

static bool test_indirect_table_outside_ram_breaks_queue(void)
{
	struct vqt *t = vqt_new(16, true, true);
	struct vring_desc c[1] = { D(VQT_RAM - 16, 32, INDIRECT, 0) };

	CHECK(vqt_chain(t, c, 1, 0xffff) >= 0);
	CHECK(pop_breaks(t, VIRTIO_E_INDIRECT));
	vqt_free(t);
	return true;
}

static bool test_indirect_huge_table_breaks_queue(void)
{
	struct vqt *t = vqt_new(16, true, true);
	struct vring_desc c[1] = { D(0, (VRING_MAX_SIZE + 1) * 16, INDIRECT, 0) };

	CHECK(vqt_chain(t, c, 1, 0xffff) >= 0);
	CHECK(pop_breaks(t, VIRTIO_E_INDIRECT));
	vqt_free(t);
	return true;
}

static bool test_indirect_loop_breaks_queue(void)
{
	struct vqt *t = vqt_new(16, true, true);
	u64 tab = t->buf + 8192;
	struct vring_desc d[2] = { D(t->buf, 16, NEXT, 1), D(t->buf, 16, NEXT, 0) };
	struct vring_desc c[1] = { D(tab, sizeof(d), INDIRECT, 0) };

	put_table(t, tab, d, 2);
	CHECK(vqt_chain(t, c, 1, 0xffff) >= 0);
	CHECK(pop_breaks(t, VIRTIO_E_LOOP));
	vqt_free(t);
	return true;
}

static bool test_indirect_next_past_table_breaks_queue(void)
{
	struct vqt *t = vqt_new(16, true, true);
	u64 tab = t->buf + 8192;
	struct vring_desc d[2] = { D(t->buf, 16, NEXT, 2), D(t->buf, 1, WRITE, 0) };
	struct vring_desc c[1] = { D(tab, sizeof(d), INDIRECT, 0) };

	put_table(t, tab, d, 2);
	CHECK(vqt_chain(t, c, 1, 0xffff) >= 0);
	CHECK(pop_breaks(t, VIRTIO_E_NEXT));
	vqt_free(t);
	return true;
}

/* ---- push and notification suppression ------------------------------------------------- */

static bool test_push_reaches_driver(void)
{
	struct vqt *t = vqt_new(16, true, false);
	struct vq_buf b = { t->buf, 512, true };
	void *cookie = NULL;
	u32 len = 0;
	u16 head = 0xffff;
	int h = vq_drv_add(&t->drv, &b, 1, &b);

	CHECK(vq_pop(&t->vq, &t->elem) == 1);
	CHECK(vq_drv_get_used(&t->drv, &cookie, &len, &head) == 0);	/* not yet */
	vq_push(&t->vq, t->elem.head, 512);
	CHECK(t->drv.used->idx == 1 && t->drv.used->ring[0].id == (u32)h);
	CHECK(vq_drv_get_used(&t->drv, &cookie, &len, &head) == 1);
	CHECK(cookie == &b && len == 512 && head == h && t->drv.num_free == 16);
	vqt_free(t);
	return true;
}

static bool test_driver_rejects_bogus_used_id(void)
{
	struct vqt *t = vqt_new(16, true, false);
	struct vq_buf b = { t->buf, 512, true };
	void *cookie;

	CHECK(vq_drv_add(&t->drv, &b, 1, &b) == 0);
	vq_push(&t->vq, 7, 0);			/* never handed out */
	CHECK(vq_drv_get_used(&t->drv, &cookie, NULL, NULL) == -EIO);
	t->vq.used->ring[0].id = 99;		/* past the ring */
	CHECK(vq_drv_get_used(&t->drv, &cookie, NULL, NULL) == -EIO);
	vqt_free(t);
	return true;
}

static bool test_driver_add_checks(void)
{
	struct vqt *t = vqt_new(4, true, false);
	struct vq_buf bad[2] = { { t->buf, 1, true }, { t->buf, 16, false } };
	struct vq_buf b[5] = {
		{ t->buf, 16, false }, { t->buf, 16, false }, { t->buf, 16, false },
		{ t->buf, 16, false }, { t->buf, 16, false },
	};

	CHECK(vq_drv_add(&t->drv, bad, 2, t) == -EINVAL);	/* writable before readable */
	CHECK(vq_drv_add(&t->drv, b, 0, t) == -EINVAL);
	CHECK(vq_drv_add(&t->drv, b, 1, NULL) == -EINVAL);
	CHECK(vq_drv_add(&t->drv, b, 5, t) == -ENOSPC);
	CHECK(vq_drv_add(&t->drv, b, 4, t) >= 0);
	CHECK(vq_drv_next_head(&t->drv) == -ENOSPC);
	CHECK(vq_drv_add(&t->drv, b, 1, t) == -ENOSPC);
	vqt_free(t);
	return true;
}

static bool test_should_notify_event_idx(void)
{
	struct vqt *t = vqt_new(16, true, false);
	struct vq_buf b = { t->buf, 1, true };
	void *cookie;
	int i;

	CHECK(!vq_should_notify(&t->vq));		/* nothing pushed */
	for (i = 0; i < 3; i++)
		CHECK(vq_drv_add(&t->drv, &b, 1, t) >= 0);
	for (i = 0; i < 3; i++)
		CHECK(vq_pop(&t->vq, &t->elem) == 1);
	vq_push(&t->vq, 0, 1);
	CHECK(vq_should_notify(&t->vq));		/* used_event 0: entry 0 written */
	vq_push(&t->vq, 1, 1);
	CHECK(!vq_should_notify(&t->vq));		/* driver has not reaped: quiet */
	CHECK(vq_drv_get_used(&t->drv, &cookie, NULL, NULL) == 1);
	CHECK(vq_drv_get_used(&t->drv, &cookie, NULL, NULL) == 1);
	CHECK(*vring_used_event(t->drv.avail, 16) == 2);
	vq_push(&t->vq, 2, 1);
	CHECK(vq_should_notify(&t->vq));		/* entry 2 == used_event */
	vqt_free(t);
	return true;
}

static bool test_should_notify_flags(void)
{
	struct vqt *t = vqt_new(16, false, false);
	struct vq_buf b = { t->buf, 1, true };
	int i;

	for (i = 0; i < 3; i++)
		CHECK(vq_drv_add(&t->drv, &b, 1, t) >= 0);
	for (i = 0; i < 3; i++)
		CHECK(vq_pop(&t->vq, &t->elem) == 1);
	vq_push(&t->vq, 0, 1);
	CHECK(vq_should_notify(&t->vq));
	CHECK(!vq_should_notify(&t->vq));		/* nothing new */
	vq_drv_disable_cb(&t->drv);
	CHECK(t->drv.avail->flags == VRING_AVAIL_F_NO_INTERRUPT);
	vq_push(&t->vq, 1, 1);
	CHECK(!vq_should_notify(&t->vq));
	CHECK(vq_drv_enable_cb(&t->drv));		/* used entries are waiting */
	vq_push(&t->vq, 2, 1);
	CHECK(vq_should_notify(&t->vq));
	vqt_free(t);
	return true;
}

static bool test_disable_cb_event_idx_silences(void)
{
	struct vqt *t = vqt_new(8, true, false);
	struct vq_buf b = { t->buf, 1, true };
	int i;

	vq_drv_disable_cb(&t->drv);
	for (i = 0; i < 8; i++)
		CHECK(vq_drv_add(&t->drv, &b, 1, t) >= 0);
	for (i = 0; i < 8; i++) {
		CHECK(vq_pop(&t->vq, &t->elem) == 1);
		vq_push(&t->vq, t->elem.head, 1);
		CHECK(!vq_should_notify(&t->vq));
	}
	CHECK(vq_drv_enable_cb(&t->drv));
	vqt_free(t);
	return true;
}

static bool test_kick_suppression_event_idx(void)
{
	struct vqt *t = vqt_new(16, true, false);
	struct vq_buf b = { t->buf, 1, true };

	CHECK(vq_drv_add(&t->drv, &b, 1, t) >= 0);
	CHECK(vq_drv_kick_prepare(&t->drv));		/* avail_event 0 crossed */
	CHECK(!vq_drv_kick_prepare(&t->drv));		/* nothing new */
	CHECK(vq_drv_add(&t->drv, &b, 1, t) >= 0);
	CHECK(!vq_drv_kick_prepare(&t->drv));		/* device has not caught up */
	vq_disable_notify(&t->vq);
	CHECK(vq_pop(&t->vq, &t->elem) == 1 && vq_pop(&t->vq, &t->elem) == 1);
	CHECK(!vq_enable_notify(&t->vq));		/* drained, nothing new */
	CHECK(*vring_avail_event(t->drv.used, 16) == 2);
	CHECK(vq_drv_add(&t->drv, &b, 1, t) >= 0);
	CHECK(vq_drv_kick_prepare(&t->drv));
	vqt_free(t);
	return true;
}

static bool test_kick_suppression_flags(void)
{
	struct vqt *t = vqt_new(16, false, false);
	struct vq_buf b = { t->buf, 1, true };

	vq_disable_notify(&t->vq);
	CHECK(t->drv.used->flags == VRING_USED_F_NO_NOTIFY);
	CHECK(vq_drv_add(&t->drv, &b, 1, t) >= 0);
	CHECK(!vq_drv_kick_prepare(&t->drv));
	CHECK(vq_enable_notify(&t->vq));		/* a buffer came while kicks were off */
	CHECK(t->drv.used->flags == 0);
	CHECK(vq_drv_add(&t->drv, &b, 1, t) >= 0);
	CHECK(vq_drv_kick_prepare(&t->drv));
	vqt_free(t);
	return true;
}

/* ---- many round trips ------------------------------------------------------------------- */

/* 70000 requests through a 4-entry ring: both 16-bit indices wrap; heads stay consistent. */
static bool test_indices_wrap(void)
{
	struct vqt *t = vqt_new(4, true, false);
	struct vq_buf b[2] = { { t->buf, 16, false }, { t->buf + 64, 1, true } };
	void *cookie;
	u16 head;
	long i;

	for (i = 0; i < 70000; i++) {
		int h = vq_drv_add(&t->drv, b, 2, (void *)(i + 1));

		CHECK(h >= 0);
		CHECK(vq_pop(&t->vq, &t->elem) == 1 && t->elem.head == h && t->elem.nseg == 2);
		vq_push(&t->vq, t->elem.head, 1);
		CHECK(vq_drv_get_used(&t->drv, &cookie, NULL, &head) == 1);
		CHECK(cookie == (void *)(i + 1) && head == h);
	}
	CHECK(t->drv.num_free == 4 && t->vq.last_avail_idx == (u16)70000);
	vqt_free(t);
	return true;
}

/* Chains of 1..3 descriptors completed in scrambled order: no descriptor is ever shared. */
static bool test_out_of_order_free_list(void)
{
	struct vqt *t = vqt_new(16, true, false);
	struct vq_elem *held = calloc(16, sizeof(*held));
	unsigned int seed = 12345, nheld = 0, round, k;
	void *cookie;

	CHECK(held);
	for (round = 0; round < 3000; round++) {
		unsigned int n = 1 + (seed = seed * 1103515245 + 12345) % 3;
		u64 tag = t->buf + (round % 64) * 512;
		struct vq_buf b[3] = {
			{ tag, 1, true }, { tag + 1, 1, true }, { tag + 2, 1, true },
		};

		if (vq_drv_add(&t->drv, b, n, (void *)(uintptr_t)tag) >= 0) {
			CHECK(vq_pop(&t->vq, &held[nheld]) == 1);
			CHECK(held[nheld].nseg == n);
			for (k = 0; k < n; k++)
				CHECK(held[nheld].iov[k].base == gva(&t->ram, tag + k));
			nheld++;
		}
		if (nheld && (seed >> 8) % 2) {
			k = (seed >> 12) % nheld;
			vq_push(&t->vq, held[k].head, 0);
			CHECK(vq_drv_get_used(&t->drv, &cookie, NULL, NULL) == 1);
			CHECK((u64)(uintptr_t)cookie ==
			      (u64)((u8 *)held[k].iov[0].base - t->ram.base));
			held[k] = held[--nheld];
		}
	}
	while (nheld) {
		vq_push(&t->vq, held[--nheld].head, 0);
		CHECK(vq_drv_get_used(&t->drv, &cookie, NULL, NULL) == 1);
	}
	CHECK(t->drv.num_free == 16);
	free(held);
	vqt_free(t);
	return true;
}

int main(void)
{
	tap_plan(40);
	TAP_RUN(test_enable_accepts_valid_rings);
	TAP_RUN(test_enable_rejects_bad_sizes);
	TAP_RUN(test_enable_rejects_misaligned_rings);
	TAP_RUN(test_enable_rejects_rings_outside_ram);
	TAP_RUN(test_pop_empty);
	TAP_RUN(test_pop_direct_chain);
	TAP_RUN(test_pop_flags_segment_outside_ram);
	TAP_RUN(test_pop_flags_overflowing_segment);
	TAP_RUN(test_pop_zero_length_segment);
	TAP_RUN(test_wrapping_range_never_reaches_translator);
	TAP_RUN(test_avail_idx_jump_breaks_queue);
	TAP_RUN(test_avail_idx_backwards_breaks_queue);
	TAP_RUN(test_avail_idx_full_ring_is_fine);
	TAP_RUN(test_head_past_ring_breaks_queue);
	TAP_RUN(test_next_past_table_breaks_queue);
	TAP_RUN(test_loop_breaks_queue);
	TAP_RUN(test_self_loop_breaks_queue);
	TAP_RUN(test_chain_as_long_as_queue_is_fine);
	TAP_RUN(test_too_many_segments_breaks_queue);
	TAP_RUN(test_indirect_table_flattened);
	TAP_RUN(test_indirect_after_direct_descriptors);
	TAP_RUN(test_indirect_unaligned_table);
	TAP_RUN(test_indirect_not_negotiated_breaks_queue);
	TAP_RUN(test_indirect_nested_breaks_queue);
	TAP_RUN(test_indirect_with_next_breaks_queue);
	TAP_RUN(test_indirect_bad_length_breaks_queue);
	TAP_RUN(test_indirect_table_outside_ram_breaks_queue);
	TAP_RUN(test_indirect_huge_table_breaks_queue);
	TAP_RUN(test_indirect_loop_breaks_queue);
	TAP_RUN(test_indirect_next_past_table_breaks_queue);
	TAP_RUN(test_push_reaches_driver);
	TAP_RUN(test_driver_rejects_bogus_used_id);
	TAP_RUN(test_driver_add_checks);
	TAP_RUN(test_should_notify_event_idx);
	TAP_RUN(test_should_notify_flags);
	TAP_RUN(test_disable_cb_event_idx_silences);
	TAP_RUN(test_kick_suppression_event_idx);
	TAP_RUN(test_kick_suppression_flags);
	TAP_RUN(test_indices_wrap);
	TAP_RUN(test_out_of_order_free_list);
	return tap_finish();
}

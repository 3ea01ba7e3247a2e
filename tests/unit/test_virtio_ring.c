// SPDX-License-Identifier: MIT
/*
 * Host tests of virtio/ring.h and the driver half's ring layout: part sizes and offsets
 * from the spec's table, queue size rules, the EVENT_IDX fields' places, and
 * vring_need_event() across wrap-around.
 */
#include <stddef.h>
#include <virtio/ring.h>
#include <virtio/vq_drv.h>
#include "virtio_harness.h"

static bool test_part_sizes_match_spec_table(void)
{
	CHECK(vring_desc_bytes(256) == 4096);
	CHECK(vring_avail_bytes(256) == 6 + 512);
	CHECK(vring_used_bytes(256) == 6 + 2048);
	CHECK(vring_desc_bytes(VRING_MAX_SIZE) == 512 * 1024);
	CHECK(offsetof(struct vring_desc, len) == 8);
	CHECK(offsetof(struct vring_desc, flags) == 12);
	CHECK(offsetof(struct vring_desc, next) == 14);
	CHECK(offsetof(struct vring_avail, ring) == 4);
	CHECK(offsetof(struct vring_used, ring) == 4);
	return true;
}

static bool test_event_fields_follow_the_rings(void)
{
	u8 buf[4 + 8 * 8 + 2] __aligned(8);
	struct vring_avail *avail = (struct vring_avail *)buf;
	struct vring_used *used = (struct vring_used *)buf;

	CHECK((u8 *)vring_used_event(avail, 8) == buf + 4 + 2 * 8);
	CHECK((u8 *)vring_avail_event(used, 8) == buf + 4 + 8 * 8);
	return true;
}

static bool test_queue_size_rules(void)
{
	CHECK(vring_size_valid(1, 256));
	CHECK(vring_size_valid(256, 256));
	CHECK(!vring_size_valid(0, 256));
	CHECK(!vring_size_valid(3, 256));
	CHECK(!vring_size_valid(384, 1024));
	CHECK(!vring_size_valid(512, 256));
	CHECK(vring_size_valid(32768, 65536));
	CHECK(!vring_size_valid(65536, 65536 * 2));	/* past the split ring's 32768 */
	return true;
}

static bool test_need_event_basic(void)
{
	/* event 0: the first entry written (old 0 -> new 1) crosses it, the second does not. */
	CHECK(vring_need_event(0, 1, 0));
	CHECK(!vring_need_event(0, 2, 1));
	/* A batch that jumps over the event index still notifies once. */
	CHECK(vring_need_event(5, 9, 3));
	CHECK(!vring_need_event(9, 9, 3));	/* event 9 is written only when new passes 9 */
	CHECK(vring_need_event(8, 9, 3));
	CHECK(!vring_need_event(5, 5, 5));	/* nothing written */
	return true;
}

static bool test_need_event_wraps(void)
{
	CHECK(vring_need_event(0xffff, 0x0001, 0xfffe));
	CHECK(vring_need_event(0x0000, 0x0002, 0xfffe));
	CHECK(!vring_need_event(0x0002, 0x0002, 0xfffe));
	CHECK(!vring_need_event(0xfffd, 0x0002, 0xfffe));
	return true;
}

/* Brute force against the definition: event in [old, new) modulo 2^16. */
static bool test_need_event_exhaustive_small(void)
{
	unsigned int old, d, ev;

	for (old = 0xfff0; old < 0x10010; old++)
		for (d = 0; d < 40; d++)
			for (ev = 0; ev < 80; ev++) {
				u16 o = old, n = old + d, e = old - 20 + ev;
				bool want = (u16)(e - o) < d;

				CHECKF(vring_need_event(e, n, o) == want, "e %u n %u o %u",
				       e, n, o);
			}
	return true;
}

static bool test_drv_layout_aligned(void)
{
	unsigned int num;

	for (num = 1; num <= VQ_DRV_NUM_MAX; num *= 2) {
		u64 used_off = vq_drv_ring_bytes(num) - vring_used_bytes(num);

		CHECK(used_off % VRING_USED_ALIGN == 0);
		CHECK(used_off >= vring_desc_bytes(num) + vring_avail_bytes(num));
	}
	return true;
}

static bool test_drv_init_rejects_bad_args(void)
{
	struct vq_drv *vq = calloc(1, sizeof(*vq));
	u8 *mem = aligned_alloc(4096, 8192);

	CHECK(vq && mem);
	CHECK(vq_drv_init(vq, 16, mem, 0x1000, true) == 0);
	CHECK(vq->num_free == 16 && vq->desc_pa == 0x1000);
	CHECK(vq_drv_init(vq, 3, mem, 0x1000, true) == -EINVAL);
	CHECK(vq_drv_init(vq, 512, mem, 0x1000, true) == -EINVAL);
	CHECK(vq_drv_init(vq, 16, mem, 0x1008, true) == -EINVAL);
	CHECK(vq_drv_init(vq, 16, mem + 8, 0x1000, true) == -EINVAL);
	free(mem);
	free(vq);
	return true;
}

int main(void)
{
	tap_plan(8);
	TAP_RUN(test_part_sizes_match_spec_table);
	TAP_RUN(test_event_fields_follow_the_rings);
	TAP_RUN(test_queue_size_rules);
	TAP_RUN(test_need_event_basic);
	TAP_RUN(test_need_event_wraps);
	TAP_RUN(test_need_event_exhaustive_small);
	TAP_RUN(test_drv_layout_aligned);
	TAP_RUN(test_drv_init_rejects_bad_args);
	return tap_finish();
}

// SPDX-License-Identifier: MIT
/*
 * Host tests of virtio-blk end to end: the guest's driver (virtio/blk_drv.c, mmio_drv.c)
 * against the device (virtio/mmio_dev.c, blk_dev.c) over a fake guest RAM and a RAM disk.
 * Data round trips, flush, GET_ID, read-only disks, out-of-order completion, kick and
 * interrupt counts with and without EVENT_IDX, device reset with requests in flight; then
 * every malformed request, each its own test: IOERR or DEVICE_NEEDS_RESET, one log line,
 * and a good request working afterwards.
 */
#include <virtio/blk.h>
#include <virtio/blk_dev.h>
#include <virtio/blk_drv.h>
#include "virtio_harness.h"

static int token[BLK_DEV_QUEUE_MAX];

/* A fresh rig or a failed test. */
#define RIG(r, ...)								\
	do {									\
		struct rig_opts _o = { __VA_ARGS__ };				\
		int _e = rig_create(r, &_o);					\
		CHECKF(_e == 0, "rig_create: %d", _e);				\
	} while (0)

/* Write a pattern at @sector and read it back through a cleared buffer. */
static bool round_trip(struct rig *r, u64 sector, u32 len, unsigned int nseg, u32 seed)
{
	fill_pattern(r, r->buf_gpa, len, seed);
	CHECK(rig_rw(r, VIRTIO_BLK_T_OUT, sector, len, nseg) == VIRTIO_BLK_S_OK);
	CHECK(check_pattern(r->rd.data + sector * 512, len, seed));
	memset(gva(&r->ram, r->buf_gpa), 0, len);
	CHECK(rig_rw(r, VIRTIO_BLK_T_IN, sector, len, nseg) == VIRTIO_BLK_S_OK);
	CHECK(check_pattern(gva(&r->ram, r->buf_gpa), len, seed));
	return true;
}

/* ---- working requests -------------------------------------------------------------------- */

static bool test_init_negotiates(void)
{
	struct rig r;

	RIG(&r);
	CHECK(r.drv.device_id == VIRTIO_ID_BLOCK);
	CHECK(r.bd->capacity == 256 && r.bd->seg_max == 64 && r.bd->blk_size == 4096);
	CHECK(r.bd->flush && !r.bd->ro && r.bd->vq.event_idx && r.bd->vq.num == 16);
	CHECK(r.mdev.status == (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK));
	CHECK(r.dev->vdev.driver_ok && r.dev->vq.ready && r.dev->vq.event_idx);
	CHECK(r.dev->vdev.acked == r.drv.features);
	rig_destroy(&r);
	return true;
}

static bool test_write_then_read_back(void)
{
	struct rig r;

	RIG(&r);
	CHECK(round_trip(&r, 10, 8 * 512, 1, 1));
	CHECK(r.dev->stats.writes == 1 && r.dev->stats.reads == 1 && r.dev->stats.requests == 2);
	CHECK(r.dev->stats.bytes_written == 4096 && r.dev->stats.bytes_read == 4096);
	CHECK(r.dev->stats.errors == 0 && r.logs == 0);
	rig_destroy(&r);
	return true;
}

static bool test_multi_segment_request(void)
{
	struct rig r;
	struct vq_buf seg[4];
	u64 a;

	RIG(&r);
	a = r.buf_gpa;
	/* Scattered, uneven segments; the disk sees them in order. */
	seg[0] = (struct vq_buf){ a + 3 * 4096, 512, false };
	seg[1] = (struct vq_buf){ a + 7, 1536, false };
	seg[2] = (struct vq_buf){ a + 8 * 4096, 4096, false };
	seg[3] = (struct vq_buf){ a + 2 * 4096 + 100, 2048, false };
	fill_pattern(&r, a, 16 * 4096, 3);
	CHECK(rig_request(&r, VIRTIO_BLK_T_OUT, 40, seg, 4) == VIRTIO_BLK_S_OK);
	CHECK(!memcmp(r.rd.data + 40 * 512, gva(&r.ram, seg[0].pa), 512));
	CHECK(!memcmp(r.rd.data + 40 * 512 + 512, gva(&r.ram, seg[1].pa), 1536));
	CHECK(!memcmp(r.rd.data + 40 * 512 + 2048, gva(&r.ram, seg[2].pa), 4096));
	CHECK(!memcmp(r.rd.data + 40 * 512 + 6144, gva(&r.ram, seg[3].pa), 2048));
	/* Read it back in three other pieces. */
	CHECK(round_trip(&r, 40, 8192, 3, 4));
	rig_destroy(&r);
	return true;
}

static bool test_seg_max_request(void)
{
	struct rig r;
	struct vq_buf seg[BLK_DRV_SEG_MAX + 1];

	RIG(&r, .num = 128);
	CHECK(round_trip(&r, 0, 64 * 512, 64, 5));
	CHECK(blk_drv_submit(r.bd, VIRTIO_BLK_T_IN, 0, seg, 65, token) == -EINVAL);
	rig_destroy(&r);
	return true;
}

static bool test_zero_length_read(void)
{
	struct rig r;

	RIG(&r);
	CHECK(rig_rw(&r, VIRTIO_BLK_T_IN, 5, 0, 0) == VIRTIO_BLK_S_OK);
	CHECK(rig_rw(&r, VIRTIO_BLK_T_IN, 256, 0, 0) == VIRTIO_BLK_S_OK);	/* at the end */
	rig_destroy(&r);
	return true;
}

static bool test_last_sector(void)
{
	struct rig r;

	RIG(&r);
	CHECK(round_trip(&r, 255, 512, 1, 6));
	CHECK(round_trip(&r, 248, 8 * 512, 2, 7));
	rig_destroy(&r);
	return true;
}

static bool test_flush(void)
{
	struct rig r;

	RIG(&r);
	CHECK(rig_rw(&r, VIRTIO_BLK_T_FLUSH, 0, 0, 0) == VIRTIO_BLK_S_OK);
	CHECK(r.rd.flushes == 1 && r.dev->stats.flushes == 1);
	rig_destroy(&r);
	return true;
}

static bool test_flush_not_offered_unsupp(void)
{
	struct rig r;

	RIG(&r, .noflush = true);
	CHECK(!r.bd->flush);
	CHECK(rig_rw(&r, VIRTIO_BLK_T_FLUSH, 0, 0, 0) == VIRTIO_BLK_S_UNSUPP);
	CHECK(r.rd.flushes == 0 && r.dev->vdev.err[VIRTIO_E_UNSUPP] == 1);
	CHECK(round_trip(&r, 1, 512, 1, 8));
	rig_destroy(&r);
	return true;
}

static bool test_flush_not_negotiated_unsupp(void)
{
	struct rig r;

	RIG(&r);
	CHECK(rig_driver_init(&r, 16, BLK_DRV_FEATURES & ~VIRTIO_BIT(VIRTIO_BLK_F_FLUSH)) == 0);
	CHECK(rig_rw(&r, VIRTIO_BLK_T_FLUSH, 0, 0, 0) == VIRTIO_BLK_S_UNSUPP);
	CHECK(r.rd.flushes == 0);
	rig_destroy(&r);
	return true;
}

static bool test_flush_with_data_ioerr(void)
{
	struct rig r;

	RIG(&r);
	CHECK(rig_rw(&r, VIRTIO_BLK_T_FLUSH, 0, 512, 1) == VIRTIO_BLK_S_IOERR);
	CHECK(r.rd.flushes == 0 && r.dev->vdev.err[VIRTIO_E_DIR] == 1);
	rig_destroy(&r);
	return true;
}

static bool test_get_id(void)
{
	struct rig r;
	u8 *buf;

	RIG(&r);
	buf = gva(&r.ram, r.buf_gpa);
	memset(buf, 0xaa, 32);
	CHECK(rig_rw(&r, VIRTIO_BLK_T_GET_ID, 0, 32, 1) == VIRTIO_BLK_S_OK);
	CHECK(!memcmp(buf, "kvm-mm-disk0\0\0\0\0\0\0\0\0", VIRTIO_BLK_ID_BYTES));
	CHECK(buf[20] == 0xaa && buf[31] == 0xaa);	/* 20 bytes, not one more */
	CHECK(r.dev->stats.get_ids == 1);
	rig_destroy(&r);
	return true;
}

static bool test_get_id_short_buffer(void)
{
	struct rig r;
	struct vq_buf seg[2];
	u8 *buf;

	RIG(&r);
	buf = gva(&r.ram, r.buf_gpa);
	memset(buf, 0xaa, 64);
	seg[0] = (struct vq_buf){ r.buf_gpa, 5, false };
	seg[1] = (struct vq_buf){ r.buf_gpa + 32, 3, false };
	CHECK(rig_request(&r, VIRTIO_BLK_T_GET_ID, 0, seg, 2) == VIRTIO_BLK_S_OK);
	CHECK(!memcmp(buf, "kvm-m", 5) && buf[5] == 0xaa);
	CHECK(!memcmp(buf + 32, "m-d", 3) && buf[35] == 0xaa);
	rig_destroy(&r);
	return true;
}

/* An empty segment has no base: the device must skip it, not memcpy() to NULL. */
static bool test_get_id_skips_empty_segment(void)
{
	struct rig r;
	struct vq_buf seg[2];
	u8 *buf;

	RIG(&r);
	buf = gva(&r.ram, r.buf_gpa);
	memset(buf, 0xaa, 64);
	seg[0] = (struct vq_buf){ r.buf_gpa, 0, false };
	seg[1] = (struct vq_buf){ r.buf_gpa + 32, 20, false };
	CHECK(rig_request(&r, VIRTIO_BLK_T_GET_ID, 0, seg, 2) == VIRTIO_BLK_S_OK);
	CHECK(!memcmp(buf + 32, "kvm-mm-disk0", 12) && buf[0] == 0xaa);
	CHECK(rig_rw(&r, VIRTIO_BLK_T_IN, 0, 0, 1) == VIRTIO_BLK_S_OK);	/* empty data */
	rig_destroy(&r);
	return true;
}

static bool test_ro_disk_rejects_writes(void)
{
	struct rig r;

	RIG(&r, .ro = true);
	CHECK(r.bd->ro);
	memset(r.rd.data, 0x5a, r.rd.size);
	fill_pattern(&r, r.buf_gpa, 4096, 9);
	CHECK(rig_rw(&r, VIRTIO_BLK_T_OUT, 0, 4096, 2) == VIRTIO_BLK_S_IOERR);
	CHECK(r.rd.data[0] == 0x5a && r.rd.data[4095] == 0x5a && r.rd.writes == 0);
	CHECK(r.dev->vdev.err[VIRTIO_E_RO] == 1 && r.dev->stats.errors == 1);
	CHECK(r.dev->stats.bytes_written == 0);
	CHECK(rig_rw(&r, VIRTIO_BLK_T_IN, 0, 4096, 1) == VIRTIO_BLK_S_OK);
	CHECK(*(u8 *)gva(&r.ram, r.buf_gpa) == 0x5a);
	rig_destroy(&r);
	return true;
}

static bool test_unknown_type_unsupp(void)
{
	struct rig r;

	RIG(&r);
	CHECK(rig_rw(&r, 99, 0, 512, 1) == VIRTIO_BLK_S_UNSUPP);
	CHECK(rig_rw(&r, 10 /* GET_LIFETIME */, 0, 0, 0) == VIRTIO_BLK_S_UNSUPP);
	CHECK(r.dev->vdev.err[VIRTIO_E_UNSUPP] == 2 && r.logs == 1);
	CHECK(round_trip(&r, 3, 512, 1, 10));
	rig_destroy(&r);
	return true;
}

static bool test_backend_error_ioerr(void)
{
	struct rig r;

	RIG(&r);
	r.rd.fail = 1;
	CHECK(rig_rw(&r, VIRTIO_BLK_T_IN, 0, 512, 1) == VIRTIO_BLK_S_IOERR);
	CHECK(r.dev->vdev.err[VIRTIO_E_BACKEND] == 1 && r.dev->stats.bytes_read == 0);
	CHECK(round_trip(&r, 0, 512, 1, 11));
	rig_destroy(&r);
	return true;
}

/* ---- asynchronous completion, kicks and interrupts ------------------------------------------ */

/* Submit one-sector request number @i: sector i, buffer buf + i * 4096, cookie token[i]. */
static bool submit_at(struct rig *r, u32 type, unsigned int i)
{
	struct vq_buf seg = { r->buf_gpa + i * 4096, 512, false };

	CHECK(blk_drv_submit(r->bd, type, i, &seg, 1, &token[i]) >= 0);
	return true;
}

/* Submit requests 0..n-1 (see submit_at()). */
static bool submit_n(struct rig *r, u32 type, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		CHECK(submit_at(r, type, i));
	return true;
}

/* Reap exactly the cookies token[order[0..n)] in that order, all with status OK. */
static bool reap_in_order(struct rig *r, const unsigned int *order, unsigned int n)
{
	unsigned int i;
	void *cookie;
	u8 status;

	for (i = 0; i < n; i++) {
		CHECKF(blk_drv_reap(r->bd, &cookie, &status) == 1, "reap %u", i);
		CHECKF(cookie == &token[order[i]], "reap %u: token %ld, want %u", i,
		       (long)((int *)cookie - token), order[i]);
		CHECK(status == VIRTIO_BLK_S_OK);
	}
	CHECK(blk_drv_reap(r->bd, &cookie, &status) == 0);
	return true;
}

static bool test_out_of_order_completion(void)
{
	static const unsigned int order[4] = { 2, 0, 3, 1 };
	unsigned int i;
	struct rig r;

	RIG(&r, .async = true);
	for (i = 0; i < 4; i++)
		fill_pattern(&r, r.buf_gpa + i * 4096, 512, 20 + i);
	CHECK(submit_n(&r, VIRTIO_BLK_T_OUT, 4));
	blk_drv_kick(r.bd);
	CHECK(r.rd.npending == 4 && r.dev->stats.requests == 4);
	/* Complete the third, first, fourth, second: pending[] shrinks as we go. */
	ramdisk_complete(&r.rd, 2);
	ramdisk_complete(&r.rd, 0);
	ramdisk_complete(&r.rd, 1);
	ramdisk_complete(&r.rd, 0);
	CHECK(reap_in_order(&r, order, 4));
	for (i = 0; i < 4; i++)
		CHECK(check_pattern(r.rd.data + i * 512, 512, 20 + i));
	rig_destroy(&r);
	return true;
}

/* Four completions, the driver reaping none until the last: one interrupt with EVENT_IDX. */
static bool interrupt_counts(bool event_idx, unsigned long want_batch)
{
	static const unsigned int order[4] = { 0, 1, 2, 3 };
	unsigned int i;
	struct rig r;

	RIG(&r, .async = true, .no_event_idx = !event_idx);
	CHECK(r.bd->vq.event_idx == event_idx);
	CHECK(submit_n(&r, VIRTIO_BLK_T_IN, 4));
	blk_drv_kick(r.bd);
	CHECK(r.irqs == 0);
	for (i = 0; i < 4; i++)
		ramdisk_complete(&r.rd, 0);
	CHECKF(r.irqs == want_batch, "irqs %lu, want %lu", r.irqs, want_batch);
	CHECK(r.dev->stats.interrupts == want_batch);
	CHECK(reap_in_order(&r, order, 4));
	/* The driver caught up: the next completion interrupts again. */
	CHECK(submit_n(&r, VIRTIO_BLK_T_IN, 1));
	blk_drv_kick(r.bd);
	ramdisk_complete(&r.rd, 0);
	CHECK(r.irqs == want_batch + 1 && r.dev->stats.interrupts == want_batch + 1);
	CHECK(blk_drv_ack_irq(r.bd) == VIRTIO_MMIO_INT_VRING);
	CHECK(blk_drv_ack_irq(r.bd) == 0);
	rig_destroy(&r);
	return true;
}

static bool test_interrupts_event_idx(void)
{
	return interrupt_counts(true, 1);
}

static bool test_interrupts_without_event_idx(void)
{
	return interrupt_counts(false, 4);
}

/* Four submissions while the device sleeps: EVENT_IDX needs one kick, flags need four. */
static bool kick_counts(bool event_idx, unsigned long want)
{
	static const unsigned int order[4] = { 0, 1, 2, 3 };
	unsigned int i;
	struct rig r;

	RIG(&r, .no_event_idx = !event_idx);
	r.defer_kicks = true;
	for (i = 0; i < 4; i++) {
		CHECK(submit_at(&r, VIRTIO_BLK_T_IN, i));
		blk_drv_kick(r.bd);
	}
	CHECKF(r.notifies == want && r.bd->kicks == want, "notifies %lu, want %lu", r.notifies,
	       want);
	rig_run_deferred(&r);		/* the I/O thread wakes once */
	CHECK(r.dev->stats.kicks == 1 && r.dev->stats.requests == 4);
	CHECK(reap_in_order(&r, order, 4));
	/* The device re-armed kicks when it went idle. */
	CHECK(submit_n(&r, VIRTIO_BLK_T_IN, 1));
	CHECK(blk_drv_kick(r.bd) && r.notifies == want + 1);
	rig_destroy(&r);
	return true;
}

static bool test_kicks_event_idx(void)
{
	return kick_counts(true, 1);
}

static bool test_kicks_without_event_idx(void)
{
	return kick_counts(false, 4);
}

static bool test_batch_one_kick_one_interrupt(void)
{
	static const unsigned int order[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	struct rig r;

	RIG(&r, .num = 32);
	CHECK(submit_n(&r, VIRTIO_BLK_T_IN, 8));
	CHECK(blk_drv_kick(r.bd));
	CHECK(!blk_drv_kick(r.bd));
	CHECK(r.dev->stats.requests == 8 && r.dev->stats.kicks == 1);
	CHECK(r.irqs == 1 && r.dev->stats.interrupts == 1);
	CHECK(reap_in_order(&r, order, 8));
	rig_destroy(&r);
	return true;
}

static bool test_reset_orphans_in_flight_requests(void)
{
	struct rig r;
	u16 used_before;

	RIG(&r, .async = true);
	CHECK(submit_n(&r, VIRTIO_BLK_T_IN, 3));
	blk_drv_kick(r.bd);
	CHECK(r.rd.npending == 3);
	CHECK(rig_driver_init(&r, 16, BLK_DRV_FEATURES) == 0);	/* resets the device */
	used_before = r.bd->vq.used->idx;
	while (r.rd.npending)
		ramdisk_complete(&r.rd, 0);
	CHECK(r.bd->vq.used->idx == used_before && r.irqs == 0);
	r.rd.async = false;
	CHECK(round_trip(&r, 7, 1024, 2, 12));
	rig_destroy(&r);
	return true;
}

/* Orphans fill every request slot: the queue stalls, then resumes as they complete. */
static bool test_stalled_queue_resumes(void)
{
	unsigned int round, i, n = 21;
	struct rig r;
	void *cookie;
	u8 status;

	RIG(&r, .async = true, .num = 64);
	for (round = 0; round < 12; round++) {
		CHECK(submit_n(&r, VIRTIO_BLK_T_IN, n));
		blk_drv_kick(r.bd);
		CHECK(rig_driver_init(&r, 64, BLK_DRV_FEATURES) == 0);
	}
	CHECK(r.rd.npending == 12 * n && r.dev->nfree == BLK_DEV_QUEUE_MAX - 12 * n);
	CHECK(submit_n(&r, VIRTIO_BLK_T_IN, n));
	blk_drv_kick(r.bd);
	CHECK(r.dev->stalled && r.dev->nfree == 0);
	for (i = 0; i < 12 * n; i++)
		ramdisk_complete(&r.rd, 0);
	CHECK(!r.dev->stalled && r.rd.npending == n);
	while (r.rd.npending)
		ramdisk_complete(&r.rd, 0);
	for (i = 0; i < n; i++)
		CHECK(blk_drv_reap(r.bd, &cookie, &status) == 1 && status == VIRTIO_BLK_S_OK);
	CHECK(r.dev->nfree == BLK_DEV_QUEUE_MAX);
	rig_destroy(&r);
	return true;
}

static bool test_log_once_per_kind(void)
{
	struct rig r;

	RIG(&r);
	CHECK(rig_rw(&r, VIRTIO_BLK_T_IN, 0, 100, 1) == VIRTIO_BLK_S_IOERR);
	CHECK(rig_rw(&r, VIRTIO_BLK_T_OUT, 0, 700, 1) == VIRTIO_BLK_S_IOERR);
	CHECK(r.dev->vdev.err[VIRTIO_E_ALIGN] == 2 && r.logs == 1);
	CHECK(!strcmp(r.last_log, virtio_err_str(VIRTIO_E_ALIGN)));
	CHECK(rig_rw(&r, VIRTIO_BLK_T_IN, 300, 512, 1) == VIRTIO_BLK_S_IOERR);
	CHECK(r.dev->vdev.err[VIRTIO_E_RANGE] == 1 && r.logs == 2 && r.dev->stats.errors == 3);
	rig_destroy(&r);
	return true;
}

/* ---- malformed requests ------------------------------------------------------------------ */

/*
 * After the bad request went in (and was kicked): it failed with @want, the device either
 * answered IOERR (the data buffer untouched) or set DEVICE_NEEDS_RESET (and, reset by the
 * driver, works again). One log line. A good request works afterwards. @status_byte: where
 * a hand-built chain put its status; NULL for the driver's own slot.
 */
static bool expect_failed(struct rig *r, bool resets, enum virtio_err want, const u8 *status_byte)
{
	void *cookie = NULL;
	u8 status = 0;

	CHECKF(r->dev->vdev.err[want] == 1, "err[%s] = %llu", virtio_err_str(want),
	       (unsigned long long)r->dev->vdev.err[want]);
	CHECK(r->logs == 1 && !strcmp(r->last_log, virtio_err_str(want)));
	if (resets) {
		CHECK(blk_drv_needs_reset(r->bd) && r->dev->stats.resets == 1);
		CHECK(!r->dev->vdev.driver_ok && r->dev->vq.broken);
		CHECK(blk_drv_ack_irq(r->bd) & VIRTIO_MMIO_INT_CONFIG);
		CHECK(blk_drv_reap(r->bd, &cookie, &status) == 0);
		/* A broken device consumes nothing more. */
		CHECK(submit_n(r, VIRTIO_BLK_T_IN, 1));
		blk_drv_kick(r->bd);
		CHECK(blk_drv_reap(r->bd, &cookie, &status) == 0);
		CHECK(rig_driver_init(r, r->bd->vq.num, BLK_DRV_FEATURES) == 0);
		CHECK(!blk_drv_needs_reset(r->bd) && r->dev->vdev.driver_ok);
	} else {
		CHECK(blk_drv_reap(r->bd, &cookie, &status) == 1 && cookie == token);
		if (status_byte)
			status = *status_byte;
		CHECKF(status == (want == VIRTIO_E_UNSUPP ? VIRTIO_BLK_S_UNSUPP :
				  VIRTIO_BLK_S_IOERR), "status %u", status);
		CHECK(r->dev->stats.errors == 1 && r->dev->stats.resets == 0);
		CHECK(!blk_drv_needs_reset(r->bd));
		CHECK(r->bd->vq.num_free == r->bd->vq.num);
		CHECK(check_pattern(gva(&r->ram, r->buf_gpa), 512, 77));
	}
	return round_trip(r, 9, 2048, 2, 13);
}

/* A malformed read from the driver's test mode, kicked. */
static bool bad_case(enum blk_drv_bad kind, enum virtio_err want)
{
	u64 outside = RIG_RAM_SIZE + 4096;
	struct rig r;

	RIG(&r);
	CHECK(round_trip(&r, 0, 512, 1, 14));
	fill_pattern(&r, r.buf_gpa, 512, 77);
	CHECK(blk_drv_submit_bad(r.bd, kind, r.buf_gpa, 512, outside, token) >= 0);
	CHECK(blk_drv_kick(r.bd));
	CHECKF(expect_failed(&r, blk_drv_bad_resets(kind), want, NULL), "case %s",
	       blk_drv_bad_name(kind));
	rig_destroy(&r);
	return true;
}

static bool test_bad_hdr_len(void)
{
	return bad_case(BLK_BAD_HDR_LEN, VIRTIO_E_HDR);
}

static bool test_bad_data_addr(void)
{
	return bad_case(BLK_BAD_DATA_ADDR, VIRTIO_E_ADDR);
}

static bool test_bad_data_dir(void)
{
	return bad_case(BLK_BAD_DATA_DIR, VIRTIO_E_DIR);
}

static bool test_bad_sector(void)
{
	return bad_case(BLK_BAD_SECTOR, VIRTIO_E_RANGE);
}

static bool test_bad_status_not_writable(void)
{
	return bad_case(BLK_BAD_STATUS_RO, VIRTIO_E_STATUS);
}

static bool test_bad_status_len(void)
{
	return bad_case(BLK_BAD_STATUS_LEN, VIRTIO_E_STATUS);
}

static bool test_bad_loop(void)
{
	return bad_case(BLK_BAD_LOOP, VIRTIO_E_LOOP);
}

static bool test_bad_next(void)
{
	return bad_case(BLK_BAD_NEXT, VIRTIO_E_NEXT);
}

static bool test_bad_head(void)
{
	return bad_case(BLK_BAD_HEAD, VIRTIO_E_HEAD);
}

static bool test_bad_avail_idx(void)
{
	return bad_case(BLK_BAD_AVAIL_IDX, VIRTIO_E_AVAIL_IDX);
}

static bool test_bad_indirect_with_next(void)
{
	return bad_case(BLK_BAD_INDIRECT, VIRTIO_E_INDIRECT);
}

/* A hand-built chain (see rig_raw_chain()), kicked, failing with @want. */
static bool raw_case(struct rig *r, const struct vring_desc *c, unsigned int n, bool resets,
		     enum virtio_err want, u64 status_gpa)
{
	fill_pattern(r, r->buf_gpa, 512, 77);
	CHECK(rig_raw_chain(r, c, n, token) >= 0);
	CHECK(blk_drv_kick(r->bd));
	return expect_failed(r, resets, want, gva(&r->ram, status_gpa));
}

#define D(a, l, f, n)	((struct vring_desc){ .addr = (a), .len = (l), .flags = (f), \
					 .next = (n) })
#define NEXT		VRING_DESC_F_NEXT
#define WRITE		VRING_DESC_F_WRITE
#define INDIRECT	VRING_DESC_F_INDIRECT

/* Header and status in guest RAM, then the chain built from @c, failing with @want. */
#define RAW_TEST(name, resets, want, type, sector, ...)					\
static bool test_##name(void)								\
{											\
	struct rig r;									\
	u64 h, s;									\
											\
	RIG(&r, .num = 128);								\
	rig_hdr_status(&r, type, sector, &h, &s);					\
	{										\
		u64 b = r.buf_gpa;							\
		struct vring_desc c[] = { __VA_ARGS__ };				\
											\
		(void)b;								\
		CHECK(raw_case(&r, c, ARRAY_SIZE(c), resets, want, s));			\
	}										\
	rig_destroy(&r);								\
	return true;									\
}

RAW_TEST(hdr_writable, false, VIRTIO_E_HDR, VIRTIO_BLK_T_IN, 0,
	 D(h, 16, WRITE | NEXT, 1), D(b, 512, WRITE | NEXT, 2), D(s, 1, WRITE, 0))
RAW_TEST(hdr_long, false, VIRTIO_E_HDR, VIRTIO_BLK_T_IN, 0,
	 D(h, 17, NEXT, 1), D(b, 512, WRITE | NEXT, 2), D(s, 1, WRITE, 0))
RAW_TEST(hdr_outside_ram, false, VIRTIO_E_ADDR, VIRTIO_BLK_T_IN, 0,
	 D(RIG_RAM_SIZE - 8, 16, NEXT, 1), D(b, 512, WRITE | NEXT, 2), D(s, 1, WRITE, 0))
RAW_TEST(hdr_addr_overflows, false, VIRTIO_E_ADDR, VIRTIO_BLK_T_IN, 0,
	 D(0xfffffffffffffff8ULL, 16, NEXT, 1), D(b, 512, WRITE | NEXT, 2), D(s, 1, WRITE, 0))
RAW_TEST(data_addr_overflows, false, VIRTIO_E_ADDR, VIRTIO_BLK_T_IN, 0,
	 D(h, 16, NEXT, 1), D(0xffffffffffffff00ULL, 512, WRITE | NEXT, 2), D(s, 1, WRITE, 0))
RAW_TEST(only_a_status_byte, false, VIRTIO_E_HDR, VIRTIO_BLK_T_IN, 0,
	 D(s, 1, WRITE, 0))
RAW_TEST(unknown_type_without_data, false, VIRTIO_E_UNSUPP, 77, 0,
	 D(h, 16, NEXT, 1), D(s, 1, WRITE, 0))
RAW_TEST(write_from_writable_data, false, VIRTIO_E_DIR, VIRTIO_BLK_T_OUT, 0,
	 D(h, 16, NEXT, 1), D(b, 512, WRITE | NEXT, 2), D(s, 1, WRITE, 0))
RAW_TEST(read_mixed_direction_data, false, VIRTIO_E_DIR, VIRTIO_BLK_T_IN, 0,
	 D(h, 16, NEXT, 1), D(b + 1024, 512, WRITE | NEXT, 2), D(b + 2048, 512, NEXT, 3),
	 D(s, 1, WRITE, 0))
RAW_TEST(get_id_into_readable_data, false, VIRTIO_E_DIR, VIRTIO_BLK_T_GET_ID, 0,
	 D(h, 16, NEXT, 1), D(b + 1024, 20, NEXT, 2), D(s, 1, WRITE, 0))
RAW_TEST(length_not_sector_multiple, false, VIRTIO_E_ALIGN, VIRTIO_BLK_T_IN, 0,
	 D(h, 16, NEXT, 1), D(b + 1024, 100, WRITE | NEXT, 2), D(s, 1, WRITE, 0))
RAW_TEST(sector_past_end, false, VIRTIO_E_RANGE, VIRTIO_BLK_T_IN, 255,
	 D(h, 16, NEXT, 1), D(b + 1024, 1024, WRITE | NEXT, 2), D(s, 1, WRITE, 0))
RAW_TEST(sector_overflows, false, VIRTIO_E_RANGE, VIRTIO_BLK_T_IN, 0xffffffffffffffffULL,
	 D(h, 16, NEXT, 1), D(b + 1024, 1024, WRITE | NEXT, 2), D(s, 1, WRITE, 0))
RAW_TEST(sector_shift_overflows, false, VIRTIO_E_RANGE, VIRTIO_BLK_T_OUT, 1ULL << 55,
	 D(h, 16, NEXT, 1), D(b + 1024, 512, NEXT, 2), D(s, 1, WRITE, 0))
RAW_TEST(status_outside_ram, true, VIRTIO_E_STATUS, VIRTIO_BLK_T_IN, 0,
	 D(h, 16, NEXT, 1), D(b, 512, WRITE | NEXT, 2), D(RIG_RAM_SIZE, 1, WRITE, 0))
RAW_TEST(status_empty, true, VIRTIO_E_STATUS, VIRTIO_BLK_T_IN, 0,
	 D(h, 16, NEXT, 1), D(b, 512, WRITE | NEXT, 2), D(s, 0, WRITE, 0))
RAW_TEST(status_missing, true, VIRTIO_E_STATUS, VIRTIO_BLK_T_OUT, 0,
	 D(h, 16, NEXT, 1), D(b, 512, 0, 0))
RAW_TEST(indirect_table_outside_ram, true, VIRTIO_E_INDIRECT, VIRTIO_BLK_T_IN, 0,
	 D(RIG_RAM_SIZE - 32, 48, INDIRECT, 0))
RAW_TEST(indirect_table_ragged, true, VIRTIO_E_INDIRECT, VIRTIO_BLK_T_IN, 0,
	 D(b, 40, INDIRECT, 0))

static bool test_too_many_segments(void)
{
	struct vring_desc c[VQ_MAX_SEGS + 1];
	struct rig r;
	unsigned int k;
	u64 h, s;

	RIG(&r, .num = 128);
	rig_hdr_status(&r, VIRTIO_BLK_T_IN, 0, &h, &s);
	c[0] = D(h, 16, NEXT, 1);
	for (k = 1; k < VQ_MAX_SEGS; k++)
		c[k] = D(r.buf_gpa + 1024 + k * 512, 512, WRITE | NEXT, k + 1);
	c[VQ_MAX_SEGS] = D(s, 1, WRITE, 0);
	CHECK(raw_case(&r, c, VQ_MAX_SEGS + 1, true, VIRTIO_E_SEGS, s));
	rig_destroy(&r);
	return true;
}

/* Indirect tables are legal: a read whose data and status sit in one, after a direct header. */
static bool test_indirect_read_works(void)
{
	struct vring_desc c[2], tab[3];
	struct rig r;
	u64 h, s, t;
	void *cookie;
	u8 status;

	RIG(&r);
	CHECK(r.dev->vq.indirect);
	memset(r.rd.data + 4 * 512, 0x3c, 1024);
	rig_hdr_status(&r, VIRTIO_BLK_T_IN, 4, &h, &s);
	t = fake_ram_alloc(&r.ram, sizeof(tab), 16);
	tab[0] = D(r.buf_gpa, 512, WRITE | NEXT, 1);
	tab[1] = D(r.buf_gpa + 4096, 512, WRITE | NEXT, 2);
	tab[2] = D(s, 1, WRITE, 0);
	memcpy(gva(&r.ram, t), tab, sizeof(tab));
	c[0] = D(h, 16, NEXT, 1);
	c[1] = D(t, sizeof(tab), INDIRECT, 0);
	CHECK(rig_raw_chain(&r, c, 2, token) >= 0);
	CHECK(blk_drv_kick(r.bd));
	CHECK(blk_drv_reap(r.bd, &cookie, &status) == 1 && cookie == token);
	CHECK(*(u8 *)gva(&r.ram, s) == VIRTIO_BLK_S_OK);	/* not in the driver's slot */
	CHECK(*(u8 *)gva(&r.ram, r.buf_gpa) == 0x3c);
	CHECK(*(u8 *)gva(&r.ram, r.buf_gpa + 4607) == 0x3c);
	CHECK(r.dev->stats.bytes_read == 1024 && r.dev->vq.used->ring[0].len == 1025);
	rig_destroy(&r);
	return true;
}

int main(void)
{
	tap_plan(57);
	TAP_RUN(test_init_negotiates);
	TAP_RUN(test_write_then_read_back);
	TAP_RUN(test_multi_segment_request);
	TAP_RUN(test_seg_max_request);
	TAP_RUN(test_zero_length_read);
	TAP_RUN(test_last_sector);
	TAP_RUN(test_flush);
	TAP_RUN(test_flush_not_offered_unsupp);
	TAP_RUN(test_flush_not_negotiated_unsupp);
	TAP_RUN(test_flush_with_data_ioerr);
	TAP_RUN(test_get_id);
	TAP_RUN(test_get_id_short_buffer);
	TAP_RUN(test_get_id_skips_empty_segment);
	TAP_RUN(test_ro_disk_rejects_writes);
	TAP_RUN(test_unknown_type_unsupp);
	TAP_RUN(test_backend_error_ioerr);
	TAP_RUN(test_out_of_order_completion);
	TAP_RUN(test_interrupts_event_idx);
	TAP_RUN(test_interrupts_without_event_idx);
	TAP_RUN(test_kicks_event_idx);
	TAP_RUN(test_kicks_without_event_idx);
	TAP_RUN(test_batch_one_kick_one_interrupt);
	TAP_RUN(test_reset_orphans_in_flight_requests);
	TAP_RUN(test_stalled_queue_resumes);
	TAP_RUN(test_log_once_per_kind);
	TAP_RUN(test_bad_hdr_len);
	TAP_RUN(test_bad_data_addr);
	TAP_RUN(test_bad_data_dir);
	TAP_RUN(test_bad_sector);
	TAP_RUN(test_bad_status_not_writable);
	TAP_RUN(test_bad_status_len);
	TAP_RUN(test_bad_loop);
	TAP_RUN(test_bad_next);
	TAP_RUN(test_bad_head);
	TAP_RUN(test_bad_avail_idx);
	TAP_RUN(test_bad_indirect_with_next);
	TAP_RUN(test_hdr_writable);
	TAP_RUN(test_hdr_long);
	TAP_RUN(test_hdr_outside_ram);
	TAP_RUN(test_hdr_addr_overflows);
	TAP_RUN(test_data_addr_overflows);
	TAP_RUN(test_only_a_status_byte);
	TAP_RUN(test_unknown_type_without_data);
	TAP_RUN(test_write_from_writable_data);
	TAP_RUN(test_read_mixed_direction_data);
	TAP_RUN(test_get_id_into_readable_data);
	TAP_RUN(test_length_not_sector_multiple);
	TAP_RUN(test_sector_past_end);
	TAP_RUN(test_sector_overflows);
	TAP_RUN(test_sector_shift_overflows);
	TAP_RUN(test_status_outside_ram);
	TAP_RUN(test_status_empty);
	TAP_RUN(test_status_missing);
	TAP_RUN(test_indirect_table_outside_ram);
	TAP_RUN(test_indirect_table_ragged);
	TAP_RUN(test_too_many_segments);
	TAP_RUN(test_indirect_read_works);
	return tap_finish();
}

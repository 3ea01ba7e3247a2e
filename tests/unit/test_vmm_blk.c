/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the VMM's virtio-blk devices without KVM (host/blk_file.c, host/ioloop.c,
 * host/virtio_blk.c): image checks for every bad input, the file backend on a temp file,
 * the I/O thread, and the whole device driven by the guest's driver half (virtio/blk_drv.c)
 * through the VMM's MMIO bus (io_mmio), the way KVM_EXIT_MMIO reaches it, with kicks
 * through the ioeventfd path and interrupts read from the irqfd.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <abi/layout.h>
#include <virtio/blk_drv.h>
#include <virtio/mmio.h>
#include "host/blk_file.h"
#include "host/ioloop.h"
#include "host/kvm.h"
#include "host/virtio_blk.h"
#include "mm_test.h"

#define RAM_SIZE	(4ULL << 20)
#define RING_GPA	0x100000ULL
#define BUF_GPA		0x200000ULL
#define DISK_SECTORS	64

static char tmpdir[] = "/tmp/vmm-blk.XXXXXX";
static struct errbuf e;
static struct vm vm;
static struct ioloop loop;

/* tmpdir/@name (static). */
static const char *tpath(const char *name)
{
	static char path[2][256];
	static int k;

	k ^= 1;
	snprintf(path[k], sizeof(path[k]), "%s/%s", tmpdir, name);
	return path[k];
}

static u8 pattern(u64 off)
{
	return (u8)(off * 7 + (off >> 9) + 3);
}

/* A file of @len bytes of pattern(); returns its path. */
static const char *mkimage(const char *name, u64 len)
{
	const char *path = tpath(name);
	FILE *f = fopen(path, "w");
	u64 i;

	for (i = 0; f && i < len; i++)
		fputc(pattern(i), f);
	if (!f || fclose(f)) {
		perror(path);
		exit(1);
	}
	return path;
}

static bool refused(int err, int want, const char *path, const char *what)
{
	if (err != want || strncmp(e.msg, path, strlen(path)) || !strstr(e.msg, what)) {
		tap_diag("err %d (want %d), message \"%s\", want \"%s: ...%s\"", err, want,
			 e.msg, path, what);
		return false;
	}
	return true;
}

static bool test_image_checks(void)
{
	struct blk_file f;

	CHECK(blk_file_open(&f, mkimage("ok.img", 4096), false, &e) == 0);
	CHECK(f.fd >= 0 && f.size == 4096 && !f.ro);
	blk_file_close(&f);
	CHECK(f.fd == -1);
	CHECK(refused(blk_file_open(&f, tpath("missing.img"), false, &e), -ENOENT,
		      tpath("missing.img"), "No such file"));
	CHECK(refused(blk_file_open(&f, tmpdir, false, &e), -EISDIR, tmpdir, "is a directory"));
	CHECK(refused(blk_file_open(&f, tmpdir, true, &e), -EISDIR, tmpdir, "is a directory"));
	CHECK(refused(blk_file_open(&f, mkimage("empty.img", 0), false, &e), -EINVAL,
		      tpath("empty.img"), "empty"));
	CHECK(refused(blk_file_open(&f, mkimage("odd.img", 1000), false, &e), -EINVAL,
		      tpath("odd.img"), "size 1000 bytes is not a multiple of 512"));
	CHECK(refused(blk_file_open(&f, mkimage("odd2.img", 4097), true, &e), -EINVAL,
		      tpath("odd2.img"), "not a multiple of 512"));
	CHECK(refused(blk_file_open(&f, "/dev/null", false, &e), -EINVAL, "/dev/null",
		      "not a regular file"));
	CHECK(f.fd == -1);
	return true;
}

/* A second writer is refused; readers share. */
static bool test_image_lock(void)
{
	struct blk_file a, b, c;
	const char *path = mkimage("lock.img", 1024);

	CHECK(blk_file_open(&a, path, false, &e) == 0);
	CHECK(refused(blk_file_open(&b, path, false, &e), -EBUSY, path, "in use"));
	CHECK(refused(blk_file_open(&b, path, true, &e), -EBUSY, path, "in use"));
	blk_file_close(&a);
	CHECK(blk_file_open(&a, path, true, &e) == 0);
	CHECK(blk_file_open(&b, path, true, &e) == 0);
	CHECK(refused(blk_file_open(&c, path, false, &e), -EBUSY, path, "in use"));
	blk_file_close(&a);
	blk_file_close(&b);
	return true;
}

/* An image the user may not read or write: checked as an unprivileged user under root. */
static bool test_image_unreadable(void)
{
	const char *path = mkimage("secret.img", 512);
	struct blk_file f;
	int status;
	pid_t pid;

	CHECK(chmod(path, 0) == 0 && chmod(tmpdir, 0755) == 0);
	if (geteuid() != 0) {
		CHECK(refused(blk_file_open(&f, path, true, &e), -EACCES, path, "denied"));
		return true;
	}
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(blk_file_open(&f, path, true, &e) == -EACCES &&
		      strstr(e.msg, "Permission denied") ? 0 : 1);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECKF(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status 0x%x", status);
	return true;
}

static bool test_backend_rw(void)
{
	const char *path = mkimage("rw.img", 8192);
	struct blk_file f;
	u8 a[700], b[300], c[36], out[1536];
	struct vq_iov w[3] = { { a, sizeof(a) }, { b, sizeof(b) }, { c, sizeof(c) } };
	struct vq_iov r[2] = { { out, 1000 }, { out + 1000, 536 } };
	size_t i;

	CHECK(blk_file_open(&f, path, false, &e) == 0);
	memset(a, 0xa1, sizeof(a));
	memset(b, 0xb2, sizeof(b));
	memset(c, 0xc3, sizeof(c));
	/* 1036 bytes in three pieces at 512, read back as 1536 bytes in two others. */
	CHECK(blk_file_ops.write(&f, NULL, 512, w, 3) == 0);
	CHECK(blk_file_ops.flush(&f, NULL) == 0);
	CHECK(blk_file_ops.read(&f, NULL, 512, r, 2) == 0);
	for (i = 0; i < sizeof(out); i++) {
		u8 want = i < 700 ? 0xa1 : i < 1000 ? 0xb2 : i < 1036 ? 0xc3 : pattern(512 + i);

		CHECKF(out[i] == want, "byte %zu: 0x%x, want 0x%x", i, out[i], want);
	}
	/* Zero-length segments are skipped; too many segments are refused. */
	r[0].len = 0;
	CHECK(blk_file_ops.read(&f, NULL, 0, r, 2) == 0 && out[1000] == pattern(0));
	CHECK(blk_file_ops.read(&f, NULL, 0, r, VQ_MAX_SEGS + 1) == -EINVAL);
	/* The image shrank under us: the read that runs past its end fails. */
	r[0].len = 1000;
	CHECK(truncate(path, 1024) == 0);
	CHECK(blk_file_ops.read(&f, NULL, 512, r, 2) == -EIO);
	blk_file_close(&f);
	/* Read-only: the backend refuses writes even if asked. */
	CHECK(blk_file_open(&f, path, true, &e) == 0);
	CHECK(blk_file_ops.write(&f, NULL, 0, w, 1) == -EROFS);
	CHECK(blk_file_ops.read(&f, NULL, 0, r, 1) == 0);
	blk_file_close(&f);
	return true;
}

/* ---- the I/O thread ----------------------------------------------------------------------- */

static int reply[2];		/* handlers write their tag here; the test blocks reading it */

static void tag_handler(void *opaque)
{
	char tag = *(char *)opaque;

	if (write(reply[1], &tag, 1) != 1)
		abort();
}

static bool test_ioloop(void)
{
	static char t1 = '1', t2 = '2';
	int a = eventfd(0, EFD_NONBLOCK), b = eventfd(0, EFD_NONBLOCK);
	u64 one = 1, three = 3, v;
	struct ioloop l;
	unsigned int i;
	char got;

	CHECK(a >= 0 && b >= 0 && pipe(reply) == 0);
	ioloop_init(&l);
	ioloop_stop(&l);			/* never started: harmless */
	CHECK(ioloop_add(&l, a, tag_handler, &t1, &e) == 0);
	CHECK(ioloop_add(&l, b, tag_handler, &t2, &e) == 0);
	CHECK(ioloop_start(&l, &e) == 0 && l.running);
	CHECK(ioloop_add(&l, a, tag_handler, &t1, &e) == -EBUSY);
	CHECK(write(b, &three, 8) == 8);	/* three kicks before it wakes: one call */
	CHECK(read(reply[0], &got, 1) == 1 && got == '2');
	CHECK(write(a, &one, 8) == 8);
	CHECK(read(reply[0], &got, 1) == 1 && got == '1');
	ioloop_stop(&l);
	CHECK(!l.running && l.epfd == -1);
	CHECK(read(b, &v, 8) == -1 && errno == EAGAIN);	/* the loop cleared it */
	/* The table is bounded. */
	ioloop_init(&l);
	for (i = 0; i < IOLOOP_MAX_FDS; i++)
		CHECK(ioloop_add(&l, a, tag_handler, &t1, &e) == 0);
	CHECK(ioloop_add(&l, a, tag_handler, &t1, &e) == -ENOSPC);
	close(a);
	close(b);
	close(reply[0]);
	close(reply[1]);
	return true;
}

/* ---- the device, driven like a guest through the MMIO bus ------------------------------- */

static u32 bus_read(void *opaque, u32 off, unsigned int size)
{
	struct vmm_blk *b = opaque;
	u32 v = 0;

	io_mmio(&vm, b->base + off, &v, size, false);
	return v;
}

static void bus_write(void *opaque, u32 off, u32 val, unsigned int size)
{
	struct vmm_blk *b = opaque;

	io_mmio(&vm, b->base + off, &val, size, true);
}

static const struct mmio_drv_io bus_io = { .read = bus_read, .write = bus_write };

static struct vmm_blk *disk, *swapdev;
static struct mmio_drv drv;
static struct blk_drv bd;

static u32 reg(struct vmm_blk *b, u32 off)
{
	return bus_read(b, off, 4);
}

/* Interrupts raised through @b's irqfd since the last call. */
static u64 irqs(struct vmm_blk *b)
{
	u64 v = 0;

	return read(b->irq_fd, &v, sizeof(v)) == sizeof(v) ? v : 0;
}

/* Block until @b's irqfd has fired (no timeout: a hang is the failure). */
static bool wait_irq(struct vmm_blk *b)
{
	struct pollfd p = { .fd = b->irq_fd, .events = POLLIN };

	return poll(&p, 1, -1) == 1;
}

static void machine_down(void);

/* A VM with RAM, a disk (slot 0) and a read-only swap image (slot 1); no KVM. */
static bool machine_up(void)
{
	if (disk || swapdev || vm.ram)
		machine_down();		/* a failed test left it up */
	vm_init(&vm);
	vm.ram_size = RAM_SIZE;
	vm.ram = aligned_alloc(4096, RAM_SIZE);
	CHECK(vm.ram);
	memset(vm.ram, 0, RAM_SIZE);
	ioloop_init(&loop);
	CHECK(vmm_blk_open(&disk, "disk", VIRTIO_SLOT_DISK,
			   mkimage("disk.img", DISK_SECTORS * 512), false, &e) == 0);
	CHECK(vmm_blk_open(&swapdev, "swap", VIRTIO_SLOT_SWAP, mkimage("swap.img", 8192), true,
			   &e) == 0);
	CHECKF(vmm_blk_setup(disk, &vm, &loop, &e) == 0, "%s", e.msg);
	CHECKF(vmm_blk_setup(swapdev, &vm, &loop, &e) == 0, "%s", e.msg);
	return true;
}

static void machine_down(void)
{
	ioloop_stop(&loop);
	vmm_blk_close(disk);
	vmm_blk_close(swapdev);
	disk = swapdev = NULL;
	free(vm.ram);
	vm.ram = NULL;
}

static int driver_up(struct vmm_blk *b)
{
	int err = mmio_drv_probe(&drv, &bus_io, b);

	if (err)
		return err;
	return blk_drv_init(&bd, &drv, vm.ram + RING_GPA, RING_GPA, 16, BLK_DRV_FEATURES);
}

/* Submit one request of @len bytes at BUF_GPA; kick through the MMIO register (inline). */
static int submit(u32 type, u64 sector, u32 len)
{
	struct vq_buf seg = { .pa = BUF_GPA, .len = len };

	return blk_drv_submit(&bd, type, sector, &seg, len ? 1 : 0, &bd);
}

static int reap(void)
{
	void *cookie = NULL;
	u8 status = 0xee;

	if (blk_drv_reap(&bd, &cookie, &status) != 1 || cookie != &bd)
		return -1;
	return status;
}

static bool test_registers(void)
{
	u32 none = 0x12345678;

	CHECK(machine_up());
	CHECK(disk->base == VIRTIO_MMIO_BASE && disk->gsi == IRQ_VIRTIO_BASE);
	CHECK(swapdev->base == VIRTIO_MMIO_BASE + VIRTIO_MMIO_STRIDE);
	CHECK(swapdev->gsi == IRQ_VIRTIO_BASE + 1);
	CHECK(reg(disk, VIRTIO_MMIO_MAGIC_VALUE) == VIRTIO_MMIO_MAGIC);
	CHECK(reg(disk, VIRTIO_MMIO_VERSION) == 2);
	CHECK(reg(disk, VIRTIO_MMIO_DEVICE_ID) == VIRTIO_ID_BLOCK);
	CHECK(reg(disk, VIRTIO_MMIO_VENDOR_ID) == VIRTIO_MMIO_VENDOR);
	CHECK(reg(swapdev, VIRTIO_MMIO_MAGIC_VALUE) == VIRTIO_MMIO_MAGIC);
	/* Capacity in config space; read-only offered for the ro image. */
	CHECK(reg(disk, VIRTIO_MMIO_CONFIG) == DISK_SECTORS);
	CHECK(reg(swapdev, VIRTIO_MMIO_CONFIG) == 16);
	io_mmio(&vm, swapdev->base + VIRTIO_MMIO_DEVICE_FEATURES, &none, 4, false);
	CHECK(none & (1u << VIRTIO_BLK_F_RO));
	/* Past the register region, and the next slot: nobody's. */
	none = 0x12345678;
	io_mmio(&vm, disk->base + VIRTIO_MMIO_REGION_SIZE, &none, 4, false);
	CHECK(none == 0);
	none = 0x12345678;
	io_mmio(&vm, VIRTIO_MMIO_BASE + 2 * VIRTIO_MMIO_STRIDE, &none, 4, false);
	CHECK(none == 0);
	machine_down();
	return true;
}

static bool test_read_write_inline(void)
{
	u8 *buf;
	u32 i;

	CHECK(machine_up());
	buf = vm.ram + BUF_GPA;
	CHECKF(driver_up(disk) == 0, "driver init");
	CHECK(bd.capacity == DISK_SECTORS && bd.flush && !bd.ro);
	/* A kick that reaches the register file (no ioeventfd): served on this thread. */
	CHECK(submit(VIRTIO_BLK_T_IN, 3, 1024) >= 0);
	blk_drv_kick(&bd);
	CHECK(reap() == VIRTIO_BLK_S_OK);
	for (i = 0; i < 1024; i++)
		CHECKF(buf[i] == pattern(3 * 512 + i), "byte %u", i);
	CHECK(irqs(disk) == 1);
	CHECK(blk_drv_ack_irq(&bd) == VIRTIO_MMIO_INT_VRING);
	CHECK(reg(disk, VIRTIO_MMIO_INTERRUPT_STATUS) == 0);
	/* A write lands in the image file. */
	memset(buf, 0x5a, 512);
	CHECK(submit(VIRTIO_BLK_T_OUT, DISK_SECTORS - 1, 512) >= 0);
	blk_drv_kick(&bd);
	CHECK(reap() == VIRTIO_BLK_S_OK);
	CHECK(submit(VIRTIO_BLK_T_FLUSH, 0, 0) >= 0);
	blk_drv_kick(&bd);
	CHECK(reap() == VIRTIO_BLK_S_OK);
	CHECK(pread(disk->file.fd, buf + 4096, 512, (DISK_SECTORS - 1) * 512) == 512);
	CHECK(!memcmp(buf, buf + 4096, 512));
	CHECK(disk->blk.stats.reads == 1 && disk->blk.stats.writes == 1);
	CHECK(disk->blk.stats.flushes == 1 && disk->blk.stats.bytes_read == 1024);
	machine_down();
	return true;
}

/* Kicks through the kick eventfd (as KVM's ioeventfd signals it), served by the I/O thread. */
static bool test_kick_through_io_thread(void)
{
	u8 *buf;
	u32 i;
	int s;

	CHECK(machine_up());
	buf = vm.ram + BUF_GPA;
	CHECK(driver_up(disk) == 0);
	CHECK(ioloop_start(&loop, &e) == 0);
	for (s = 0; s < 4; s++) {
		u64 one = 1;

		memset(buf, 0, 4096);
		CHECK(submit(VIRTIO_BLK_T_IN, s * 8, 4096) >= 0);
		CHECK(write(disk->kick_fd, &one, sizeof(one)) == sizeof(one));
		CHECK(wait_irq(disk));
		CHECK(irqs(disk) == 1);
		CHECK(reap() == VIRTIO_BLK_S_OK);
		for (i = 0; i < 4096; i++)
			CHECKF(buf[i] == pattern(s * 4096 + i), "request %d byte %u", s, i);
	}
	ioloop_stop(&loop);
	CHECK(disk->blk.stats.kicks == 4 && disk->blk.stats.requests == 4);
	CHECK(disk->blk.stats.interrupts == 4 && disk->blk.stats.errors == 0);
	machine_down();
	return true;
}

/* Send stderr to tmpdir/@name (a name: start), or back to the terminal (NULL). */
static void capture_stderr(const char *name)
{
	static int saved = -1;
	int fd;

	fflush(stderr);
	if (name) {
		saved = dup(STDERR_FILENO);
		fd = open(tpath(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, STDERR_FILENO);
		close(fd);
	} else if (saved >= 0) {
		dup2(saved, STDERR_FILENO);
		close(saved);
		saved = -1;
	}
}

/* Lines of tmpdir/@name containing @what. */
static int count_lines(const char *name, const char *what)
{
	FILE *f = fopen(tpath(name), "r");
	char line[512];
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		n += !!strstr(line, what);
	if (f)
		fclose(f);
	return n;
}

/*
 * A bad request completes with IOERR; a corrupt ring sets DEVICE_NEEDS_RESET; the VMM goes
 * on, and logs each kind of mistake once however often the guest makes it.
 */
static bool test_bad_guest(void)
{
	char line[512];
	int head;

	CHECK(machine_up());
	capture_stderr("bad_guest.err");
	CHECK(driver_up(disk) == 0);
	CHECK(submit(VIRTIO_BLK_T_IN, DISK_SECTORS, 512) >= 0);	/* past the end */
	blk_drv_kick(&bd);
	CHECK(reap() == VIRTIO_BLK_S_IOERR);
	CHECK(submit(VIRTIO_BLK_T_IN, DISK_SECTORS - 1, 1024) >= 0);	/* runs past it */
	blk_drv_kick(&bd);
	CHECK(reap() == VIRTIO_BLK_S_IOERR);
	CHECK(disk->blk.vdev.err[VIRTIO_E_RANGE] == 2 && disk->blk.stats.errors == 2);
	CHECK(submit(VIRTIO_BLK_T_IN, 0, 512) >= 0);			/* still serves */
	blk_drv_kick(&bd);
	CHECK(reap() == VIRTIO_BLK_S_OK);
	/* A buffer outside guest RAM: IOERR, nothing touched. */
	head = blk_drv_submit_bad(&bd, BLK_BAD_DATA_ADDR, BUF_GPA, 512, RAM_SIZE - 256, &bd);
	CHECK(head >= 0);
	blk_drv_kick(&bd);
	CHECK(reap() == VIRTIO_BLK_S_IOERR);
	/* A head index past the ring: the device stops and asks for a reset. */
	CHECK(blk_drv_submit_bad(&bd, BLK_BAD_HEAD, BUF_GPA, 512, 0, &bd) >= 0);
	blk_drv_kick(&bd);
	CHECK(blk_drv_needs_reset(&bd));
	CHECK(disk->blk.stats.resets == 1);
	CHECK(reg(disk, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG);
	/* The driver starts over and the device works again. */
	CHECK(driver_up(disk) == 0);
	CHECK(submit(VIRTIO_BLK_T_IN, 1, 512) >= 0);
	blk_drv_kick(&bd);
	CHECK(reap() == VIRTIO_BLK_S_OK);
	/* Writes to the read-only swap image fail; the image is untouched. */
	CHECK(driver_up(swapdev) == 0 && bd.ro);
	memset(vm.ram + BUF_GPA, 0x77, 512);
	CHECK(submit(VIRTIO_BLK_T_OUT, 0, 512) >= 0);
	blk_drv_kick(&bd);
	CHECK(reap() == VIRTIO_BLK_S_IOERR);
	CHECK(pread(swapdev->file.fd, vm.ram + BUF_GPA, 1, 0) == 1);
	CHECK(vm.ram[BUF_GPA] == pattern(0));
	capture_stderr(NULL);
	CHECK(count_lines("bad_guest.err", "vmm: disk: guest driver error: request past the disk "
			  "capacity (each kind logged once)") == 1);
	CHECK(count_lines("bad_guest.err", "vmm: disk: ") == 3);
	CHECK(count_lines("bad_guest.err", "vmm: swap: guest driver error: write to a read-only") ==
	      1);
	vmm_blk_stats_line(disk, line, sizeof(line));
	CHECKF(!strcmp(line, "stat dev=disk requests=5 reads=2 writes=0 flushes=0 bytes_read=1024 "
			     "bytes_written=0 kicks=6 interrupts=5 errors=3 resets=1"), "%s", line);
	machine_down();
	return true;
}

/* Register accesses of a confused guest: refused, counted, the VMM carries on. */
static bool test_bad_register_access(void)
{
	u64 big = ~0ULL;
	u32 v = 1;
	u8 byte = 0xff;

	CHECK(machine_up());
	capture_stderr("bad_reg.err");
	io_mmio(&vm, disk->base + VIRTIO_MMIO_MAGIC_VALUE, &v, 4, true);	/* read-only */
	io_mmio(&vm, disk->base + VIRTIO_MMIO_STATUS, &byte, 1, true);	/* 1-byte control */
	io_mmio(&vm, disk->base + VIRTIO_MMIO_QUEUE_NOTIFY, &v, 4, true);	/* no queue 1 */
	io_mmio(&vm, disk->base + 0x3, &big, 8, false);			/* misaligned */
	capture_stderr(NULL);
	CHECK(big == 0);
	CHECK(disk->blk.vdev.err[VIRTIO_E_ACCESS] == 4);
	CHECK(count_lines("bad_reg.err", "vmm: disk: guest driver error: bad register access") ==
	      1);
	CHECK(reg(disk, VIRTIO_MMIO_STATUS) == 0 && disk->blk.stats.requests == 0);
	machine_down();
	return true;
}

/* The devices hold one slot each: a second device in the same slot is refused. */
static bool test_slot_conflict(void)
{
	struct vmm_blk *again;

	CHECK(machine_up());
	CHECK(vmm_blk_open(&again, "disk2", VIRTIO_SLOT_DISK, mkimage("d2.img", 512), false,
			   &e) == 0);
	CHECK(vmm_blk_setup(again, &vm, &loop, &e) == -EEXIST);
	CHECKF(strstr(e.msg, "overlaps disk"), "%s", e.msg);
	vmm_blk_close(again);
	CHECK(vmm_blk_open(&again, "x", VIRTIO_MMIO_MAX_DEVS, tpath("d2.img"), false, &e) ==
	      -EINVAL);
	machine_down();
	return true;
}


static int cleanup(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	tap_plan(11);
	TAP_RUN(test_image_checks);
	TAP_RUN(test_image_lock);
	TAP_RUN(test_image_unreadable);
	TAP_RUN(test_backend_rw);
	TAP_RUN(test_ioloop);
	TAP_RUN(test_registers);
	TAP_RUN(test_read_write_inline);
	TAP_RUN(test_kick_through_io_thread);
	TAP_RUN(test_bad_guest);
	TAP_RUN(test_bad_register_access);
	TAP_RUN(test_slot_conflict);
	machine_down();		/* whatever a failed test left up */
	if (cleanup())
		tap_diag("could not remove %s", tmpdir);
	return tap_finish();
}

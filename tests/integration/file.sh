#!/bin/sh
# Integration tests of ext2 on the virtio-blk disk (guest/fs/ext2_vfs.c): the guest mounts
# the disk on /mnt beside its initramfs, whose /init is tests/guest/file_map run on
# /mnt/map.dat (read/mmap coherence, MAP_PRIVATE and MAP_SHARED stores, msync, fsync,
# SIGBUS past end of file); a second boot of the same image finds the MAP_SHARED bytes there
# (file_map --verify), so they reached the disk. Then the image is checked from outside with
# e2fsprogs: e2fsck -fn is clean, and the file dumped with debugfs passes file_map --verify
# natively, byte for byte. tests/guest/file_fault (on the initramfs) counts faults on the
# disk's seq.dat and rand.dat (made by file_fault --make) and a cached file: fault-around,
# with the default window and with fault_around_bytes=16384; readahead of a cold mapping,
# whose virtio reads (./vmm -v) follow size / window for readahead_kb=128 and 512; no
# readahead under MADV_RANDOM. A disk that is not ext2 is left unmounted with one line, and
# the boot goes on; a block pointer past the disk's end is EIO for read() and SIGBUS for a
# mapping of that page alone. A 96 MiB file in a 64 MiB guest is read, mapped and written
# through a shared mapping. Without an initramfs the disk is the root, /init comes from it.
# file_map also runs on images with 1 KiB and 2 KiB blocks. Every image the guest wrote (4K,
# root, big, 1K, 2K) gets e2fsck -fn afterwards. Prints TAP.
#
# Where ./vmm cannot run ring 3 here (scripts/kvm-mode.sh says nested), the guest part runs
# inside tests/nested/run.sh (file.sh --emit-image), which prints the written image (gzip,
# base64, on "#=img NAME " lines; tests/integration/ext2_lib.sh) after its TAP: the nested
# initramfs has no e2fsprogs, so the image comes back out and e2fsck and debugfs run here.
#
# Usage: tests/integration/file.sh [--prepare | --emit-image]
#   --prepare only writes build/integration/file.img (mke2fs -t ext2 -d) and file.cpio
#   (cpio), on the host: tests/run.sh does it before a nested run, which has neither tool.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/tap.sh
. tests/integration/ext2_lib.sh

IMG=build/integration/file.img
CPIO=build/integration/file.cpio
BIG=build/integration/file_big.img	# a 96 MiB file, for a 64 MiB guest
# The same disk with 1 KiB and 2 KiB blocks: more indirect blocks, blocks smaller than a page.
SMALL_BLOCKS="1024 2048"
BAD=build/integration/file_badblock.img	# seq.dat's block 5 points past the disk's end

# small_block_images DIR: DIR as ext2 with each of $SMALL_BLOCKS as the block size.
small_block_images() {
	for b in $SMALL_BLOCKS; do
		mke2fs -q -F -t ext2 -b "$b" -d "$1" "${IMG%.img}_$b.img" 16M >/dev/null || return 1
	done
}

prepare() {
	d=$(mktemp -d "${TMPDIR:-/tmp}/file_prep.XXXXXX") || return 1
	mkdir -p "$d/disk" "$d/ird" "$d/big" build/integration
	cp build/progs/file_map "$d/ird/init" && cp build/progs/file_map "$d/disk/init" &&
		cp build/progs/file_fault "$d/ird/file_fault" &&
		build/progs/file_fault --make "$d/disk" &&
		mke2fs -q -F -t ext2 -b 4096 -d "$d/disk" "$IMG" 16M >/dev/null &&
		small_block_images "$d/disk" &&
		cp "$IMG" "$BAD" &&
		debugfs -w -R "sif /seq.dat block[5] 9999999" "$BAD" >/dev/null 2>&1 &&
		build/progs/file_fault --make-big "$d/big/big.dat" 96 &&
		mke2fs -q -F -t ext2 -b 4096 -d "$d/big" "$BIG" 112M >/dev/null &&
		(cd "$d/ird" && printf 'init\nfile_fault\n' | cpio -o -H newc --quiet) >"$CPIO"
	rc=$?
	rm -rf "$d"
	return $rc
}

ext2_args tests/integration/file.sh "$@"
if has_e2fsprogs && command -v cpio >/dev/null; then
	prepare || { echo "file.sh: cannot build $IMG and $CPIO" >&2; exit 1; }
fi
if [ ! -f "$IMG" ] || [ ! -f "$CPIO" ] || [ ! -f "$BIG" ] || [ ! -f "$BAD" ]; then
	echo "1..0 # SKIP no $IMG or $CPIO (tests/integration/file.sh --prepare on the host)"
	exit 4
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/file.XXXXXX")
trap 'rm -rf "$T"' EXIT

# host_checks: e2fsck and debugfs on the images the guest wrote.
host_checks() {
	fsck_clean "e2fsck -fn: the image is clean after the guest wrote it" "$T/disk.img"
	fsck_clean "e2fsck -fn: the root image is clean after booting from it" "$T/root.img"
	for b in $SMALL_BLOCKS; do
		fsck_clean "e2fsck -fn: the $b-byte-block image is clean" "$T/b$b.img"
	done
	fsck_clean "e2fsck -fn: the 96 MiB file's image is clean after it was written" \
		"$T/big.img"
	if ! has_e2fsprogs; then
		tap_skip "the host reads the MAP_SHARED bytes back from the image" "no e2fsprogs"
		return
	fi
	rm -f "$T/map.dat"
	debugfs -R "dump /map.dat $T/map.dat" "$T/disk.img" >/dev/null 2>&1
	if build/progs/file_map --verify "$T/map.dat" >"$T/verify" 2>&1; then
		tap_ok "the host reads the MAP_SHARED bytes back from the image"
	else
		tap_fail "the host reads the MAP_SHARED bytes back from the image"
		tap_dump "$T/verify"
	fi
}

# Run the guest part nested when we must, then check the image it sends back.
if [ $emit -eq 0 ] && nested_guest_part tests/integration/file.sh; then
	if [ -f "$T/disk.img" ] && [ -f "$T/root.img" ] && [ -f "$T/big.img" ]; then
		host_checks
	else
		tap_fail "the nested run sent the written images back"
	fi
	tap_done
	exit
fi
cp "$IMG" "$T/disk.img"

boot "$T/disk.img" "/mnt/map.dat" --initrd "$CPIO"
if grep -q "SYSCALL did not enter the kernel" "$T/out"; then
	echo "1..0 # SKIP ring 3 does not run on this KVM (use tests/nested/run.sh)"
	exit 4
fi
tap_check "the guest mounts the ext2 disk on /mnt" grep -q "^ext2: disk mounted on /mnt$" "$T/out"
suite_passed "file_map on /mnt/map.dat passes in the guest, exit 0"

boot "$T/disk.img" "initargs=--verify,/mnt/map.dat" --initrd "$CPIO"
suite_passed "a second boot finds the MAP_SHARED bytes on the disk"

# Fault-around and readahead (tests/guest/file_fault.c) on the disk's seq.dat and rand.dat,
# cold after each boot; then with fault_around_bytes=16384 from the command line.
boot "$T/disk.img" "init=/file_fault initargs=--cold,/mnt" --initrd "$CPIO"
suite_passed "file_fault on /mnt: fault-around, cold sequential readahead, MADV_RANDOM"
grep "^# .* faults" "$T/out"
boot "$T/disk.img" \
	"fault_around_bytes=16384 init=/file_fault initargs=--window,16384,--cold,/mnt" \
	--initrd "$CPIO"
suite_passed "file_fault with fault_around_bytes=16384: one minor fault per 4 pages"
grep "^# .* faults" "$T/out"

# The virtio reads of a boot that maps the 4 MiB seq.dat cold and reads it in order, less
# those of the same boot without the read (file_fault refusing its arguments): about
# size / readahead window, where one read carries at most 256 KiB (ext2's EXT2_BIO_VECS
# pages), plus a few: the first windows ramp up (4, 16, 32... pages), an indirect block.
# The image has 4 KiB blocks, so seq.dat needs one indirect block, not sixteen.
# disk_reads CMDLINE: $reads = the disk's virtio reads in that boot (./vmm -v), $rc.
disk_reads() {
	boot "$T/disk.img" "$1" --initrd "$CPIO" -v
	reads=$(sed -n 's/.*stat dev=disk .* reads=\([0-9]*\) .*/\1/p' "$T/out" "$T/err" |
		head -n 1)
	reads=${reads:-999999}
}
disk_reads "init=/file_fault initargs=--bogus"
base=$reads
for kb in 128 512; do
	disk_reads "readahead_kb=$kb init=/file_fault initargs=--seq-only,--cold,/mnt"
	per=$kb
	[ $per -le 256 ] || per=256
	max=$((4096 / per + 8))
	echo "# readahead_kb=$kb: $((reads - base)) virtio reads for seq.dat (at most $max)"
	tap_check "readahead_kb=$kb: a cold 4 MiB mapping read in order, few virtio reads" \
		sh -c "[ $rc -eq 0 ] && [ $((reads - base)) -le $max ]"
done

# A file larger than the guest's RAM (96 MiB in 64 MiB), read and mapped end to end, then
# written through a shared mapping: dirty pages must be written back to make room.
cp "$BIG" "$T/big.img"
boot "$T/big.img" "init=/file_fault initargs=--big,/mnt/big.dat" --initrd "$CPIO"
suite_passed "a 96 MiB file in a 64 MiB guest: read, mapped, written through a mapping"
grep -e "^# .* read and mapped" -e "^# .* written through" "$T/out"

# A disk that is not ext2 (zeros: no magic): one line, not mounted, init still runs.
dd if=/dev/zero of="$T/zero.img" bs=4096 count=256 2>/dev/null
boot "$T/zero.img" "/mnt/map.dat" --initrd "$CPIO"
tap_check "a disk without ext2 is not mounted, with one line" \
	grep -q "^ext2: disk: not mounted: error" "$T/out"
tap_check "... and init runs (file_map cannot open /mnt/map.dat: exit 1)" \
	sh -c "[ $rc -eq 1 ] && grep -q '^file_map: /mnt/map.dat: ' '$T/out' '$T/err'"

# A file block past the end of the disk: an I/O error for that page only, no panic.
cp "$BAD" "$T/bad.img"
boot "$T/bad.img" "init=/file_fault initargs=--bad-block,/mnt/seq.dat,5" --initrd "$CPIO"
suite_passed "a corrupt block pointer: read() gets EIO, the mapping SIGBUS, the boot goes on"
rm -f "$T/bad.img"

# No initramfs: the disk is the root and /init (file_map) is exec'd from it.
cp "$IMG" "$T/root.img"
boot "$T/root.img" "/root.dat"
tap_check "without an initramfs the disk is mounted as the root" \
	grep -q "^ext2: disk mounted on /$" "$T/out"
suite_passed "/init from the ext2 root runs file_map on /root.dat, exit 0"
boot "$T/zero.img" "/root.dat"
tap_check "no initramfs and no ext2 on the disk: one line, exit 1" \
	sh -c "[ $rc -eq 1 ] && grep -q '^init: error: no initramfs and no root filesystem' '$T/out'"

# Blocks smaller than a page: a page of the cache spans 4 or 2 blocks, files need more
# indirect blocks. file_map writes and verifies as on the 4 KiB disk, then a second boot.
for b in $SMALL_BLOCKS; do
	cp "${IMG%.img}_$b.img" "$T/b$b.img"
	boot "$T/b$b.img" "/mnt/map.dat" --initrd "$CPIO"
	suite_passed "file_map on an ext2 disk with $b-byte blocks passes"
	boot "$T/b$b.img" "initargs=--verify,/mnt/map.dat" --initrd "$CPIO"
	suite_passed "... and a second boot finds the MAP_SHARED bytes ($b-byte blocks)"
done

# The images as the guest left them: checked here, or sent back to the host (--emit-image).
if [ $emit -eq 1 ]; then
	for i in disk root big $(for b in $SMALL_BLOCKS; do echo "b$b"; done); do
		emit_image $i.img "$T/$i.img"
	done
else
	host_checks
fi
tap_done

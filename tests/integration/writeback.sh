#!/bin/sh
# Integration tests of periodic writeback and of a clean unmount (guest/kernel/flusher.c,
# mm/fs-writeback.c, guest/fs/ext2/super.c): the guest's /init is tests/guest/writeback on
# /mnt/wb.dat of an ext2 disk, with dirty_writeback_centisecs=10 dirty_expire_centisecs=20.
# It stores a pattern through MAP_SHARED into a sparse file, never syncs, polls until the
# flusher has cleaned every page (the next store faults again), then powers off with
# reboot(RB_POWER_OFF), which does not sync: on the host the pattern is on the image byte
# for byte (debugfs dump), e2fsck -fn finds nothing at all to fix (block allocation, inode
# size, bitmaps, descriptors and superblock counters all written by the flusher), and the
# superblock still says "not clean" (as Linux: mounted, never unmounted). A boot whose init
# exits instead unmounts: "clean", the mount count one up. A power-off right after an
# msync(MS_SYNC) keeps the synced bytes and not a store after it. A bad
# dirty_expire_centisecs= is one line, exit 1 (as every bad value on the command line), and
# the program refuses bad arguments. tests/guest/alloc_race makes a writer and the flusher
# need the same indirect block of a 1 KiB-block disk: everything reads back, e2fsck is clean.
#
# Where ./vmm cannot run ring 3 here, the guest part runs nested (writeback.sh
# --emit-image) and the images come back for the host checks (tests/integration/ext2_lib.sh).
#
# Usage: tests/integration/writeback.sh [--prepare | --emit-image]
#   --prepare only writes build/integration/writeback.img and writeback.cpio, on the host.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/tap.sh
. tests/integration/ext2_lib.sh

IMG=build/integration/writeback.img
RACE_IMG=build/integration/writeback_1k.img	# 1 KiB blocks: indirect blocks early
CPIO=build/integration/writeback.cpio
SHORT="dirty_writeback_centisecs=10 dirty_expire_centisecs=20"
BOUND_MS=6000			# 20 x (interval + expire): the most the program polls

prepare() {
	d=$(mktemp -d "${TMPDIR:-/tmp}/wb_prep.XXXXXX") || return 1
	mkdir -p "$d/disk" "$d/ird" build/integration
	cp build/progs/writeback "$d/ird/init" && cp build/progs/alloc_race "$d/ird/" &&
		mke2fs -q -F -t ext2 -b 4096 -d "$d/disk" "$IMG" 16M >/dev/null &&
		mke2fs -q -F -t ext2 -b 1024 -d "$d/disk" "$RACE_IMG" 16M >/dev/null &&
		(cd "$d/ird" && printf 'init\nalloc_race\n' | cpio -o -H newc --quiet) >"$CPIO"
	rc=$?
	rm -rf "$d"
	return $rc
}

ext2_args tests/integration/writeback.sh "$@"
if has_e2fsprogs && command -v cpio >/dev/null; then
	prepare || { echo "writeback.sh: cannot build $IMG and $CPIO" >&2; exit 1; }
fi
if [ ! -f "$IMG" ] || [ ! -f "$CPIO" ] || [ ! -f "$RACE_IMG" ]; then
	echo "1..0 # SKIP no $IMG or $CPIO (tests/integration/writeback.sh --prepare on the host)"
	exit 4
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/writeback.XXXXXX")
trap 'rm -rf "$T"' EXIT

# fsck_silent NAME IMAGE: e2fsck -fn exits 0 and has nothing to fix (it exits 0 for a wrong
# superblock free count it may not fix under -n: "Fix? no" must not appear either).
fsck_silent() {
	if e2fsck -fn "$2" >"$T/fsck" 2>&1 && ! grep -q -e "Fix? no" -e "wrong" "$T/fsck"; then
		tap_ok "$1"
	else
		tap_fail "$1"
		tap_dump "$T/fsck"
	fi
}

# super_field IMAGE FIELD: the value dumpe2fs -h gives for FIELD.
super_field() {
	dumpe2fs -h "$1" 2>/dev/null | sed -n "s/^$2: *//p"
}

# dump_file IMAGE PATH OUT: debugfs dump of PATH; 0 if OUT came out.
dump_file() {
	rm -f "$3"
	debugfs -R "dump $2 $3" "$1" >/dev/null 2>&1 && [ -f "$3" ]
}

# usage_refused ARGS...: build/progs/writeback refuses ARGS: exit 2, one line on stderr.
usage_refused() {
	build/progs/writeback "$@" >"$T/u.out" 2>"$T/u.err"
	urc=$?
	tap_check "writeback refuses '$*': exit 2, one line" \
		sh -c "[ $urc -eq 2 ] && [ \$(wc -l <'$T/u.err') -eq 1 ] && [ ! -s '$T/u.out' ]"
}

host_checks() {
	if ! has_e2fsprogs; then
		tap_skip "host checks of the images" "no e2fsprogs"
		return
	fi
	# Power-off after periodic writeback alone.
	if dump_file "$T/poweroff.img" /wb.dat "$T/wb.dat" &&
		build/progs/writeback --verify "$T/wb.dat" >"$T/verify" 2>&1; then
		tap_ok "power-off without sync: the pattern is on the disk byte for byte"
	else
		tap_fail "power-off without sync: the pattern is on the disk byte for byte"
		tap_dump "$T/verify"
	fi
	fsck_silent "power-off without sync: e2fsck -fn has nothing to fix" "$T/poweroff.img"
	state=$(super_field "$T/poweroff.img" "Filesystem state")
	tap_check "power-off without sync: the superblock says 'not clean' (never unmounted)" \
		[ "$state" = "not clean" ]
	# init's exit: unmounted.
	fsck_silent "init's exit: e2fsck -fn has nothing to fix" "$T/exit.img"
	state=$(super_field "$T/exit.img" "Filesystem state")
	count=$(super_field "$T/exit.img" "Mount count")
	echo "# after init's exit: state '$state', mount count $count (image: $base_count)"
	tap_check "init's exit unmounts: the superblock says 'clean'" [ "$state" = clean ]
	tap_check "... and the mount count is one up" [ "$count" = $((base_count + 1)) ]
	if dump_file "$T/exit.img" /wb.dat "$T/exit.dat" &&
		build/progs/writeback --verify "$T/exit.dat" >"$T/verify" 2>&1; then
		tap_ok "init's exit: the pattern is on the disk"
	else
		tap_fail "init's exit: the pattern is on the disk"
		tap_dump "$T/verify"
	fi
	# Power-off right after msync: the synced bytes are there.
	if dump_file "$T/synced.img" /sync.dat "$T/sync.dat" && [ -f "$T/exit.dat" ] &&
		cmp "$T/sync.dat" "$T/exit.dat" >"$T/cmp" 2>&1; then
		tap_ok "power-off after msync: the synced bytes on the disk, the later store not"
	else
		tap_fail "power-off after msync: the synced bytes on the disk, the later store not"
		tap_dump "$T/cmp"
	fi
	fsck_silent "power-off after msync: e2fsck -fn has nothing to fix" "$T/synced.img"
	fsck_silent "allocation racing the flusher: e2fsck -fn has nothing to fix" "$T/race.img"
	if [ -f "$T/outlive.img" ]; then
		fsck_silent "unmounted under a running task: e2fsck -fn has nothing to fix" \
			"$T/outlive.img"
	else
		tap_skip "unmounted under a running task: e2fsck -fn" "the unmount was busy"
	fi
	usage_refused --bogus
	usage_refused --bound-ms 0 /x
	usage_refused --bound-ms 12x /x
	usage_refused --poweroff /x
	usage_refused --verify
	usage_refused --bound-ms 10 a b
	usage_refused --outlive
}

base_count=0
has_e2fsprogs && base_count=$(super_field "$IMG" "Mount count")

if [ $emit -eq 0 ] && nested_guest_part tests/integration/writeback.sh; then
	if [ -f "$T/poweroff.img" ] && [ -f "$T/exit.img" ] && [ -f "$T/synced.img" ] &&
		[ -f "$T/race.img" ]; then
		host_checks
	else
		tap_fail "the nested run sent the written images back"
	fi
	tap_done
	exit
fi

# 1. Periodic writeback alone, then reboot(RB_POWER_OFF) without sync.
cp "$IMG" "$T/poweroff.img"
boot "$T/poweroff.img" "$SHORT initargs=--poweroff,--bound-ms,$BOUND_MS,/mnt/wb.dat" \
	--initrd "$CPIO"
if grep -q "SYSCALL did not enter the kernel" "$T/out"; then
	echo "1..0 # SKIP ring 3 does not run on this KVM (use tests/nested/run.sh)"
	exit 4
fi
tap_check "the command line sets both intervals" \
	sh -c "grep -q '^mm: dirty_writeback_centisecs 10$' '$T/out' &&
	       grep -q '^mm: dirty_expire_centisecs 20$' '$T/out'"
suite_passed "the flusher writes a MAP_SHARED pattern back on its own; power-off, exit 0"
grep "^# written back after" "$T/out"
tap_check "reboot(RB_POWER_OFF) powered off (no unmount)" \
	sh -c "grep -q '^reboot: Power down$' '$T/out' && ! grep -q '^ext2: disk unmounted' '$T/out'"

# 2. The same, but init exits: everything written back and the disk unmounted cleanly.
cp "$IMG" "$T/exit.img"
boot "$T/exit.img" "$SHORT initargs=--bound-ms,$BOUND_MS,/mnt/wb.dat" --initrd "$CPIO"
suite_passed "the same with init exiting, exit 0"
tap_check "init's exit unmounts the disk cleanly" \
	grep -q "^ext2: disk unmounted cleanly$" "$T/out"

# 3. Default intervals (30 s expiry): msync, more stores, power-off at once.
cp "$IMG" "$T/synced.img"
boot "$T/synced.img" "initargs=--synced-poweroff,/mnt/sync.dat" --initrd "$CPIO"
suite_passed "msync(MS_SYNC) then power-off at once, exit 0"

# 4. A bad value: one line, exit 1, as for every setting on the command line.
cp "$IMG" "$T/bad.img"
boot "$T/bad.img" "dirty_expire_centisecs=abc" --initrd "$CPIO"
tap_check "dirty_expire_centisecs=abc: one line naming it, exit 1" \
	sh -c "[ $rc -eq 1 ] && [ \$(grep -c \"^cmdline: error: bad value in 'dirty_expire_centisecs=abc'\" '$T/out') -eq 1 ]"
rm -f "$T/bad.img"

# 5. Block allocation racing the flusher (tests/guest/alloc_race.c), 1 KiB blocks.
cp "$RACE_IMG" "$T/race.img"
boot "$T/race.img" "dirty_writeback_centisecs=10 dirty_expire_centisecs=10 init=/alloc_race \
initargs=/mnt" --initrd "$CPIO"
suite_passed "stores and writes racing the flusher for one indirect block: all read back"

# 6. init exits while a child it left creates and writes files: the unmount refuses new
# inodes, then either finds none held (unmounted cleanly: e2fsck must agree) or is busy
# (synced, stays mounted); never an ext2 error from a task using freed inodes.
cp "$IMG" "$T/outlive.img"
boot "$T/outlive.img" "initargs=--outlive,/mnt" --initrd "$CPIO"
grep -e "^ext2: disk unmounted" -e "^ext2: umount" "$T/out" | sed 's/^/# /'
tap_check "init exits, a child still writing: exit 0, no ext2 error, unmounted or busy" \
	sh -c "[ $rc -eq 0 ] && grep -q -e '^ext2: disk unmounted cleanly$' \
	       -e '^ext2: umount: busy: syncing instead$' '$T/out' &&
	       ! grep '^ext2: ' '$T/out' | grep -v -e '^ext2: disk ' -e '^ext2: umount: busy' |
	       grep -q ."
grep -q "^ext2: disk unmounted cleanly$" "$T/out" || rm -f "$T/outlive.img"

if [ $emit -eq 1 ]; then
	for i in poweroff exit synced race outlive; do
		[ -f "$T/$i.img" ] && emit_image $i.img "$T/$i.img"
	done
else
	host_checks
fi
tap_done

#!/bin/sh
# Integration tests of exec from ext2 (guest/kernel/exec.c): a program on the disk is mapped
# from its page cache (private file mappings), not copied. The disk is the root (no
# initramfs) and holds tests/guest/bigexec (24 MiB of read-only pattern data), a small init
# (build/progs/init) and two broken copies. Checked:
#   - bigexec as init passes (its bss zero, also in the page it shares with .data; every page
#     of its array right, with major faults about pages / readahead window; its file still
#     intact under the bss) in a guest whose free RAM is smaller than its PT_LOADs: the old
#     copy path, which gave every segment page an anonymous copy (there is no swap), could
#     not fit;
#   - exec of bigexec --exit reads far fewer bytes from the disk than the program's size
#     (./vmm -v), compared with a boot that runs the small init instead;
#   - bigexec run twice in one boot: the second run takes no major fault (shared page cache);
#   - a binary truncated inside a segment, and one whose PT_LOAD offset lies past the end of
#     the file: exec fails with ENOEXEC and one clear line (as init, and from execve), no panic;
#   - a running program's file cannot be opened for writing, a file open for writing cannot
#     be exec'd (ETXTBSY);
#   - e2fsck -fn is clean on the image afterwards.
#
# Where ./vmm cannot run ring 3 here (scripts/kvm-mode.sh says nested), the guest part runs
# inside tests/nested/run.sh (exec.sh --emit-image) and the image comes back for e2fsck
# (tests/integration/ext2_lib.sh).
#
# Usage: tests/integration/exec.sh [--prepare | --emit-image]
#   --prepare only writes build/integration/exec.img (mke2fs -t ext2 -d) and
#   build/integration/exec.memsz (bigexec's PT_LOAD pages, in KiB), on the host.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/tap.sh
. tests/integration/ext2_lib.sh

IMG=build/integration/exec.img
MEMSZ=build/integration/exec.memsz
BIGEXEC=build/progs/bigexec
SMALL_MEM=24M		# less free RAM than bigexec's segments: the copy path cannot fit
MEM=64M			# room for the page cache to hold bigexec whole

# memsz_kib ELF: the KiB of whole pages its PT_LOAD segments span (readelf -lW).
memsz_kib() {
	kib=0
	for seg in $(readelf -lW "$1" | awk '$1 == "LOAD" { print $3 ":" $6 }'); do
		va=$((${seg%:*})) end=$((${seg%:*} + ${seg#*:}))
		kib=$((kib + ((end + 4095) / 4096 - va / 4096) * 4))
	done
	echo $kib
}

# put_le64 FILE OFFSET VALUE: write VALUE as 8 little-endian bytes at OFFSET of FILE.
put_le64() {
	v=$3 s=
	for _ in 1 2 3 4 5 6 7 8; do
		s="$s\\$(printf %03o $((v & 255)))"
		v=$((v >> 8))
	done
	printf "$s" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

prepare() {
	d=$(mktemp -d "${TMPDIR:-/tmp}/exec_prep.XXXXXX") || return 1
	mkdir -p "$d/disk" build/integration
	# /badoff: the small init whose first PT_LOAD (program header 0 at e_phoff 64; p_offset
	# at +8) starts 1 GiB into the file, far past its end. /trunc: bigexec cut at 1 MiB,
	# inside its data segment.
	cp "$BIGEXEC" "$d/disk/bigexec" && cp build/progs/init "$d/disk/init" &&
		cp build/progs/init "$d/disk/badoff" &&
		[ "$(readelf -lW "$d/disk/badoff" | awk '$1 == "LOAD" { print $2; exit }')" = \
			0x000000 ] &&
		put_le64 "$d/disk/badoff" 72 $((1 << 30)) &&
		head -c 1048576 "$BIGEXEC" >"$d/disk/trunc" && chmod 755 "$d/disk/trunc" &&
		mke2fs -q -F -t ext2 -b 4096 -d "$d/disk" "$IMG" 40M >/dev/null &&
		memsz_kib "$BIGEXEC" >"$MEMSZ"
	rc=$?
	rm -rf "$d"
	return $rc
}

ext2_args tests/integration/exec.sh "$@"
if has_e2fsprogs && command -v readelf >/dev/null && [ -x "$BIGEXEC" ]; then
	prepare || { echo "exec.sh: cannot build $IMG" >&2; exit 1; }
fi
if [ ! -f "$IMG" ] || [ ! -s "$MEMSZ" ]; then
	echo "1..0 # SKIP no $IMG (tests/integration/exec.sh --prepare on the host)"
	exit 4
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/exec.XXXXXX")
trap 'rm -rf "$T"' EXIT

if [ $emit -eq 0 ] && nested_guest_part tests/integration/exec.sh; then
	if [ -f "$T/exec.img" ]; then
		fsck_clean "e2fsck -fn: the image is clean after the execs" "$T/exec.img"
	else
		tap_fail "the nested run sent the image back"
	fi
	tap_done
	exit
fi
cp "$IMG" "$T/exec.img"

# boot_root MEM CMDLINE [ARGS...]: boot with the image as the root; $rc, $T/out, $T/err.
boot_root() {
	mem=$1 cmdline=$2
	shift 2
	"$VMM" boot "$GUEST" --mem "$mem" --timeout 300 --disk "$T/exec.img" \
		--cmdline "$cmdline" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
}

# no_panic: the last boot printed no oops or panic.
no_panic() {
	! grep -q -e "Kernel panic" -e "^Oops" -e "^BUG" "$T/out" "$T/err"
}

# bad_init NAME FILE: init=FILE (a broken ELF) fails with one line and exit 1, no panic.
bad_init() {
	boot_root "$MEM" "init=$2"
	if [ $rc -eq 1 ] && no_panic &&
		grep -q "^exec: $2: a segment runs past the end of the file$" "$T/out" &&
		grep -q "^init: cannot run $2: error -8$" "$T/out"; then
		tap_ok "$1"
	else
		tap_fail "$1" "exit status $rc"
		tap_dump "$T/out"
	fi
}

# (a) bigexec as init in a guest with less free RAM than its segments.
boot_root "$SMALL_MEM" "init=/bigexec"
if grep -q "SYSCALL did not enter the kernel" "$T/out"; then
	echo "1..0 # SKIP ring 3 does not run on this KVM (use tests/nested/run.sh)"
	exit 4
fi
suite_passed "bigexec from ext2 as init ($SMALL_MEM): bss zero, pages right, its file intact"
grep -e "^# .*pages: minflt" -e "^# .* under the bss" "$T/out"
free_kib=$(sed -n 's/^mm: [0-9]* pages free (\([0-9]*\) KiB)$/\1/p' "$T/out" | head -n 1)
need_kib=$(cat "$MEMSZ")
echo "# $SMALL_MEM guest: ${free_kib:-?} KiB free at boot; bigexec's segments span $need_kib KiB"
tap_check "... in less free RAM than bigexec's segments (the copy path could not fit)" \
	sh -c "[ -n '$free_kib' ] && [ '$free_kib' -lt '$need_kib' ]"

# (b) What exec alone reads: bigexec --exit, against a boot that runs the small init (which
# refuses --bogus) instead. The disk's virtio bytes read come from ./vmm -v.
# disk_bytes CMDLINE: $bytes = the disk's bytes read in that boot, $rc.
disk_bytes() {
	boot_root "$MEM" "$1" -v
	bytes=$(sed -n 's/.*stat dev=disk .* bytes_read=\([0-9]*\).*/\1/p' "$T/out" "$T/err" |
		head -n 1)
	bytes=${bytes:-999999999999}
}
disk_bytes "init=/init initargs=--bogus"
base=$bytes base_rc=$rc
disk_bytes "init=/bigexec initargs=--exit"
size=$(wc -c <"$BIGEXEC")
max=$((size / 16))
echo "# exec of bigexec --exit read $((bytes - base)) bytes more than the small init's boot" \
	"($bytes - $base; bigexec is $size bytes, at most $max allowed)"
tap_check "exec of a 24 MiB program that exits at once reads a small part of it" \
	sh -c "[ $base_rc -eq 2 ] && [ $rc -eq 0 ] && [ $((bytes - base)) -le $max ]"

# (c) Twice in one boot: the second run's pages are all in the page cache.
boot_root "$MEM" "init=/bigexec initargs=--twice,--cold"
suite_passed "bigexec run twice: both right, the second with no major fault"
grep "^# .*--check: " "$T/out"

# (e) Broken files: ENOEXEC with one line, as init and from execve, and no panic.
bad_init "a truncated binary as init: ENOEXEC, one line saying why, exit 1, no panic" /trunc
bad_init "a PT_LOAD offset past the end of the file as init: ENOEXEC, one line, no panic" \
	/badoff
boot_root "$MEM" "init=/bigexec initargs=--enoexec,/trunc"
suite_passed "execve of the truncated binary fails with ENOEXEC, the caller goes on"
boot_root "$MEM" "init=/bigexec initargs=--enoexec,/badoff"
suite_passed "execve of the binary with a PT_LOAD past its end fails with ENOEXEC"

# (f) ETXTBSY: a program open for writing cannot run (bigexec as init also checks that its
# own file cannot be opened for writing, in (a)).
boot_root "$MEM" "init=/bigexec initargs=--busy,/init"
suite_passed "execve of a program open for writing: ETXTBSY; once closed it runs"

# (d) The image as the guest left it: checked here, or sent back to the host.
if [ $emit -eq 1 ]; then
	emit_image exec.img "$T/exec.img"
else
	fsck_clean "e2fsck -fn: the image is clean after the execs" "$T/exec.img"
fi
tap_done

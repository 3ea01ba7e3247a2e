#!/bin/sh
# Integration tests: the real ./vmm boots the real guest kernel on KVM. POSIX sh so the same
# script runs natively and inside the nested initramfs (busybox). Prints TAP.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/tap.sh

VMM=./vmm
GUEST=guest/guest.elf
H=build/integration
T=$(mktemp -d "${TMPDIR:-/tmp}/itest.XXXXXX")
trap 'rm -rf "$T"' EXIT

# vmm ARGS...: run the VMM, stdout to $T/out, stderr to $T/err, status in $rc.
vmm() {
	"$VMM" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
}

# expect_rc NAME WANT: the last vmm run exited with WANT.
expect_rc() {
	if [ "$rc" -eq "$2" ]; then
		tap_ok "$1"
	else
		tap_fail "$1" "exit status $rc, expected $2" "stdout:"
		tap_dump "$T/out"
		echo "# stderr:"
		tap_dump "$T/err"
	fi
}

# expect_out NAME PATTERN [FILE]: the last run's stdout (or FILE) has a line matching PATTERN.
expect_out() {
	if grep -q -e "$2" "${3:-$T/out}"; then
		tap_ok "$1"
	else
		tap_fail "$1" "no line matching: $2"
		tap_dump "${3:-$T/out}"
	fi
}

# expect_error NAME WANT_RC PATTERN ARGS...: a bad input gets exactly one line on stderr,
# starting "vmm: " and matching PATTERN, exit status WANT_RC, and no core dump.
expect_error() {
	name=$1 want=$2 pat=$3
	shift 3
	vmm "$@"
	lines=$(wc -l <"$T/err")
	if [ "$rc" -eq "$want" ] && [ "$lines" -eq 1 ] && grep -q "^vmm: .*$pat" "$T/err"; then
		tap_ok "$name"
	else
		tap_fail "$name" "exit $rc (want $want), $lines stderr lines (want 1), want /$pat/:"
		tap_dump "$T/err"
	fi
}

# ---- the CLI ------------------------------------------------------------------------------
vmm --help
expect_rc "--help exits 0" 0
expect_out "--help documents boot and its flags" "--mem"

# ---- boot, the device tree and the exit status -----------------------------------------------
for mem in 64M 256M; do
	case $mem in
	64M) last=0x0000000003ffffff ;;
	256M) last=0x000000000fffffff ;;
	esac
	vmm boot "$GUEST" --mem $mem --cmdline "console=ttyS0 exit=0" --timeout 60
	expect_rc "boot with --mem $mem exits 0" 0
	expect_out "guest sees --mem $mem in the DT memory map" \
		"memory: \[mem 0x0000000000000000-$last\] usable"
	expect_out "guest sees the command line from the DT (--mem $mem)" "cmdline: console=ttyS0 exit=0"
done

for status in 7 255; do
	vmm boot "$GUEST" --cmdline "exit=$status" --timeout 60
	expect_rc "guest exit status $status passes through" "$status"
done

vmm boot "$GUEST" --cpus 2 --cmdline "exit=0" --timeout 60
expect_rc "boot with --cpus 2" 0
expect_out "guest sees 2 cpus in the DT" "^cpus: 2"

# ---- the kernel self-tests: each guest result is one of ours ----------------------------------
vmm boot "$GUEST" --config configs/selftest.conf --timeout 120
expect_rc "kernel self-tests exit 0" 0
grep -E '^(not )?ok [0-9]+' "$T/out" | while read -r word rest; do
	case $word in
	ok) echo "ok selftest: ${rest#* }" ;;
	*) echo "not ok selftest: ${rest#ok * }" ;;
	esac
done >"$T/selftests"
if [ -s "$T/selftests" ]; then
	while read -r line; do
		case $line in
		"ok "*) tap_ok "${line#ok }" ;;
		*) tap_fail "${line#not ok }" ;;
		esac
	done <"$T/selftests"
else
	tap_fail "kernel self-tests printed TAP results"
	tap_dump "$T/out"
fi

# ---- flags override the config file -----------------------------------------------------------
vmm boot "$GUEST" --config configs/selftest.conf --cmdline "exit=5" --timeout 60
expect_rc "--cmdline overrides the config file's cmdline" 5

# ---- mm's tunables from a config file's cmdline; a bad value is one line, exit 1 ---------------
printf 'mem = 64M\ncmdline = "fault_around_bytes=16384 readahead_kb=512 exit=0"\n' >"$T/mm.conf"
vmm boot "$GUEST" --config "$T/mm.conf" --timeout 60
expect_rc "fault_around_bytes= and readahead_kb= in a config file: exit 0" 0
expect_out "... the kernel takes fault_around_bytes" "^mm: fault_around_bytes 16384$"
expect_out "... and readahead_kb" "^mm: readahead_kb 512$"
for w in fault_around_bytes=12288 readahead_kb=96; do
	vmm boot "$GUEST" --cmdline "$w exit=0" --timeout 60
	expect_rc "$w: refused, exit 1" 1
	expect_out "$w: one line naming it" "^cmdline: error: bad value in '$w'"
done

# ---- deliberate guest exceptions: register dump, panic, non-zero exit --------------------------
for c in pf ud gp de bp; do
	vmm boot "$GUEST" --cmdline "crash=$c" --timeout 60
	expect_rc "crash=$c: guest panics with status 100" 100
	expect_out "crash=$c: register dump on the console" "RIP"
done
vmm boot "$GUEST" --cmdline "crash=pf" --timeout 60
expect_out "crash=pf: the fault is decoded (address and error code)" "unable to handle page fault"

# ---- the VMM ends a guest that breaks the machine: message, register dump, status 1 -----------
vmm boot "$GUEST" --cmdline "crash=triple" --timeout 60
expect_rc "triple fault: the VMM exits 1" 1
expect_out "triple fault: named on stderr" "triple fault" "$T/err"
expect_out "triple fault: register dump on stderr" "RIP" "$T/err"
vmm boot "$GUEST" --cmdline "crash=hang" --timeout 2
expect_rc "a hung guest is ended by --timeout with status 1" 1
expect_out "--timeout: named on stderr" "timed out after 2 s" "$T/err"
expect_out "--timeout: register dump on stderr" "RIP" "$T/err"

# ---- two-dimensional paging: a guest write pattern read back by the VMM ------------------------
for gpa in 0x200000 0x3ff0000; do
	vmm boot "$GUEST" --mem 64M --cmdline "poke=$gpa,0x10000" --timeout 60 \
		--dump "$gpa,0x10000,$T/dump"
	expect_rc "poke=$gpa: guest exits 0" 0
	if "$H/check_pattern" "$T/dump" "$gpa" >"$T/check" 2>&1; then
		tap_ok "poke=$gpa: the VMM reads back what the guest wrote"
	else
		tap_fail "poke=$gpa: the VMM reads back what the guest wrote"
		tap_dump "$T/check"
	fi
done
vmm boot "$GUEST" --mem 64M --cmdline "poke=0x4000000,0x1000" --timeout 60
expect_rc "poke past the end of RAM is refused by the guest (exit 1)" 1

# ---- initrd, fault trace, virtio-blk: what the VMM sets up and reports ------------------------
# The initrd is loaded page-aligned just below the 1 MiB fault trace at the top of RAM; read
# both back. (guest.elf serves as an initrd: any file will do.)
rd_size=$(wc -c <"$GUEST")
rd_gpa=$(((64 << 20) - (1 << 20) - (rd_size + 4095) / 4096 * 4096))
vmm boot "$GUEST" --mem 64M --cmdline "exit=0" --timeout 60 --initrd "$GUEST" \
	--dump "$rd_gpa,$rd_size,$T/initrd" --dump "$(((64 << 20) - (1 << 20))),4,$T/trace" \
	--fault-stats
expect_rc "boot with --initrd and --fault-stats exits 0" 0
tap_check "the initrd is in RAM below the fault trace" cmp -s "$GUEST" "$T/initrd"
tap_check "the fault trace header starts with its magic" [ "$(cat "$T/trace")" = VMFT ]
expect_out "--fault-stats prints the fault summary" "^vmm: faults total=[0-9]* dropped=" "$T/err"
dd if=/dev/zero of="$T/disk.img" bs=512 count=2048 2>/dev/null
dd if=/dev/zero of="$T/swap.img" bs=512 count=4096 2>/dev/null
vmm boot "$GUEST" --mem 64M --cmdline "exit=0" --timeout 60 --disk "$T/disk.img,ro" \
	--swap "$T/swap.img" -v
expect_rc "boot with --disk and --swap exits 0" 0
expect_out "-v prints the disk's counters" "^vmm: stat dev=disk requests=[0-9]* " "$T/err"
expect_out "-v prints the swap's counters" "^vmm: stat dev=swap requests=[0-9]* " "$T/err"
expect_out "-v prints KVM exit counts by reason" "^vmm: stat exits_io=[0-9]* exits_mmio=" "$T/err"

# ---- virtio-blk in the guest: driver, block layer, interrupts (guest/drivers, guest/block) ---
# guest_tap PREFIX [PATTERN]: fold the last run's guest TAP results (its stdout) into ours,
# those whose name matches PATTERN when given.
guest_tap() {
	if ! grep -E "^(not )?ok [0-9]+ ${2:-}" "$T/out" >"$T/gtap"; then
		tap_fail "$1: the guest printed TAP results"
		tap_dump "$T/out"
		return
	fi
	while read -r word rest; do
		case $word in
		ok) tap_ok "$1: ${rest#* }" ;;
		*) tap_fail "$1: ${rest#ok * }" ;;
		esac
	done <"$T/gtap"
}
# devstat DEV KEY: KEY on the last run's "vmm: stat dev=DEV ..." line; vmmstat KEY: on any.
devstat() { grep "^vmm: stat dev=$1 " "$T/err" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
vmmstat() { grep "^vmm: stat " "$T/err" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }
# expect_pattern NAME FILE SECTORS: FILE is exactly SECTORS sectors of the disk pattern.
expect_pattern() {
	if "$H/blkpattern" check "$2" "$3" >"$T/check" 2>&1; then
		tap_ok "$1"
	else
		tap_fail "$1"
		tap_dump "$T/check"
	fi
}
# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then tap_ok "$1"; else tap_fail "$1" "got '$2', want '$3'"; fi
}

# The guest writes the pattern over a disk of 2049 sectors (the last page is partial); the
# host checks every byte and the size, and that the flush reached the device.
dd if=/dev/zero of="$T/blk.img" bs=512 count=2049 2>/dev/null
vmm boot "$GUEST" --disk "$T/blk.img" --cmdline "blktest=write" -v --timeout 120
expect_rc "blktest=write exits 0" 0
guest_tap "blktest=write"
expect_pattern "blktest=write: the host reads the guest's pattern, size unchanged" "$T/blk.img" 2049
expect_eq "blktest=write: one flush reached the device" "$(devstat disk flushes)" 1
expect_eq "blktest=write: no request failed" "$(devstat disk errors)" 0

# The host writes the pattern; the guest reads and checks it, and finds one changed word.
"$H/blkpattern" write "$T/blk.img" 4096
vmm boot "$GUEST" --disk "$T/blk.img" --cmdline "blktest=read" -v --timeout 120
expect_rc "blktest=read of the host's pattern exits 0" 0
guest_tap "blktest=read"
printf 'XXXXXXXX' | dd of="$T/blk.img" bs=8 seek=$((3000 * 64 + 5)) conv=notrunc 2>/dev/null
vmm boot "$GUEST" --disk "$T/blk.img" --cmdline "blktest=read" --timeout 120
expect_rc "blktest=read of a changed word exits 1" 1
expect_out "blktest=read names the changed word" "^# sector 3000 word 5: 0x5858585858585858"

# The swap device works the same way.
dd if=/dev/zero of="$T/swap.img" bs=512 count=1024 2>/dev/null
vmm boot "$GUEST" --disk "$T/blk.img" --swap "$T/swap.img" --cmdline "blktest=write,swap" -v \
	--timeout 120
expect_rc "blktest=write,swap exits 0" 0
expect_pattern "blktest=write,swap: the host reads the pattern from the swap file" \
	"$T/swap.img" 1024
expect_eq "blktest=write,swap: the disk saw no write" "$(devstat disk writes)" 0

# A read-only disk: the block layer refuses a write, the device refuses one sent around it,
# and the file does not change.
"$H/blkpattern" write "$T/blk.img" 1024
cp "$T/blk.img" "$T/blk.orig"
vmm boot "$GUEST" --disk "$T/blk.img,ro" --cmdline "blktest=ro" -v --timeout 120
expect_rc "blktest=ro exits 0" 0
guest_tap "blktest=ro"
tap_check "blktest=ro: the image file is unchanged" cmp -s "$T/blk.img" "$T/blk.orig"
expect_eq "blktest=ro: the device counted one failed request" "$(devstat disk errors)" 1
expect_out "blktest=ro: the device logged the write to a read-only disk" \
	"^vmm: disk: guest driver error: write to a read-only disk" "$T/err"

# Malformed chains: each gets IOERR or DEVICE_NEEDS_RESET, the VMM survives, the driver
# resets the device and a good read works after each; every error kind is logged once.
vmm boot "$GUEST" --disk "$T/blk.img" --cmdline "blktest=malformed" -v --timeout 300
expect_rc "blktest=malformed: the VMM survives, the guest exits 0" 0
guest_tap "blktest=malformed"
expect_eq "blktest=malformed: the device counted 4 IOERR requests" "$(devstat disk errors)" 4
expect_eq "blktest=malformed: the device asked for 7 resets" "$(devstat disk resets)" 7
expect_eq "blktest=malformed: an error kind is logged once" \
	"$(grep -c "guest driver error: no device-writable 1-byte status" "$T/err")" 1
tap_check "blktest=malformed: the disk image is unchanged" cmp -s "$T/blk.img" "$T/blk.orig"

# The fast path: kicks go through an ioeventfd and completions through an irqfd, so 4 times
# the requests cost no more exits to the VMM; about one kick and one interrupt per request.
for n in 100 400; do
	vmm boot "$GUEST" --disk "$T/blk.img" --cmdline "blktest=requests,$n" -v --timeout 300
	expect_rc "blktest=requests,$n exits 0" 0
	g=$(grep "^blktest: requests=" "$T/out")
	kicks=$(echo "$g" | tr ' ' '\n' | sed -n 's/^kicks=//p')
	irqs=$(echo "$g" | tr ' ' '\n' | sed -n 's/^interrupts=//p')
	if [ "$(echo "$g" | tr ' ' '\n' | sed -n 's/^requests=//p')" = $n ] &&
	   [ "$kicks" -le $n ] && [ "$kicks" -ge $((n / 2)) ] && [ "$irqs" -ge $((n / 2)) ] &&
	   [ "$(devstat disk requests)" -ge $n ]; then
		tap_ok "blktest=requests,$n: $kicks kicks and $irqs interrupts for $n requests"
	else
		tap_fail "blktest=requests,$n: about one kick and one interrupt per request" "$g"
	fi
	eval "mmio_$n=\$(vmmstat exits_mmio) kvm_mmio_$n=\$(vmmstat kvm_mmio_exits)"
done
if [ -n "$mmio_100" ] && [ $((mmio_400 - mmio_100)) -le 30 ]; then
	d=$((mmio_400 - mmio_100))
	tap_ok "300 more requests cost $d more MMIO exits to the VMM ($mmio_100 -> $mmio_400)"
else
	tap_fail "300 more requests cost no MMIO exits to the VMM" \
		"exits_mmio $mmio_100 -> $mmio_400"
fi
if [ -z "$kvm_mmio_100" ]; then
	tap_skip "KVM's own mmio_exits counter agrees" "no KVM binary statistics here"
elif [ $((kvm_mmio_400 - kvm_mmio_100)) -le 30 ]; then
	tap_ok "KVM's own mmio_exits counter agrees ($kvm_mmio_100 -> $kvm_mmio_400)"
else
	tap_fail "KVM's own mmio_exits counter agrees" \
		"kvm_mmio_exits $kvm_mmio_100 -> $kvm_mmio_400"
fi

# The kernel's block self-tests on a scratch disk, writable then read-only.
for ro in "" ",ro"; do
	dd if=/dev/zero of="$T/blk.img" bs=512 count=2048 2>/dev/null
	vmm boot "$GUEST" --disk "$T/blk.img$ro" --cmdline "selftest" --timeout 300
	expect_rc "self-tests with --disk FILE$ro exit 0" 0
	guest_tap "self-tests with --disk FILE$ro" "(irq|blk)_"
done

# Bad values: one line, exit 1.
vmm boot "$GUEST" --disk "$T/blk.img" --cmdline "blktest=bogus" --timeout 60
expect_rc "blktest=bogus exits 1" 1
expect_out "blktest=bogus: one error line" "^blktest: error: bad value in 'blktest=bogus'"
vmm boot "$GUEST" --cmdline "blktest=read" --timeout 60
expect_rc "blktest=read without a disk exits 1" 1
expect_out "blktest=read without a disk says so" "^blktest: error: no disk device"

# ---- bad input: one line, the right status, no crash ------------------------------------------
for kind in not-elf elf32 wrong-arch not-exec truncated outside-ram low-load overlap bad-entry; do
	"$H/mkelf" "$kind" "$T/$kind.elf"
	expect_error "bad image ($kind) is refused" 2 "$T/$kind.elf" boot "$T/$kind.elf"
done
expect_error "missing image" 2 "$T/nonexistent.elf" boot "$T/nonexistent.elf"
expect_error "boot with no image" 2 "" boot
expect_error "unknown flag" 2 "--bogus" boot "$GUEST" --bogus
expect_error "unknown subcommand" 2 "frobnicate" frobnicate
expect_error "--mem unparsable" 2 "--mem" boot "$GUEST" --mem abc
expect_error "--mem with a bad suffix" 2 "--mem" boot "$GUEST" --mem 3x
expect_error "--mem too small" 2 "--mem" boot "$GUEST" --mem 1
expect_error "--mem absurdly large" 2 "--mem" boot "$GUEST" --mem 99999G
expect_error "--cpus 0" 2 "--cpus" boot "$GUEST" --cpus 0
expect_error "--timeout unparsable" 2 "--timeout" boot "$GUEST" --timeout soon
expect_error "--config missing" 2 "$T/missing.conf" boot "$GUEST" --config "$T/missing.conf"
expect_error "--config is a directory" 2 "$T" boot "$GUEST" --config "$T"
expect_error "--initrd missing" 2 "--initrd $T/missing.img: No such file" \
	boot "$GUEST" --initrd "$T/missing.img"
expect_error "--initrd is a directory" 2 "--initrd $T: not a regular file" \
	boot "$GUEST" --initrd "$T"
: >"$T/empty.img"
expect_error "--initrd empty" 2 "--initrd $T/empty.img: empty file" \
	boot "$GUEST" --initrd "$T/empty.img"
dd if=/dev/zero of="$T/big.img" bs=1 count=0 seek=300M 2>/dev/null
expect_error "--initrd larger than RAM" 2 "314572800 bytes (300M) do not fit in guest RAM: 256M" \
	boot "$GUEST" --initrd "$T/big.img"
expect_error "--trace-size not whole pages" 2 "--trace-size 5000: not a multiple of 4K" \
	boot "$GUEST" --trace-size 5000
expect_error "--trace-size larger than RAM" 2 "--trace-size 64M: does not fit in guest RAM" \
	boot "$GUEST" --mem 64M --trace-size 64M
expect_error "--disk missing" 2 "--disk $T/missing.img: No such file" \
	boot "$GUEST" --disk "$T/missing.img"
expect_error "--disk is a directory" 2 "--disk $T: is a directory" boot "$GUEST" --disk "$T"
expect_error "--disk empty" 2 "--disk $T/empty.img: empty" boot "$GUEST" --disk "$T/empty.img"
dd if=/dev/zero of="$T/odd.img" bs=1 count=1000 2>/dev/null
expect_error "--disk not whole sectors" 2 "size 1000 bytes is not a multiple of 512" \
	boot "$GUEST" --disk "$T/odd.img"
expect_error "--disk with an unknown option" 2 "unknown disk option 'bogus'" \
	boot "$GUEST" --disk "$T/disk.img,bogus"
expect_error "--swap with an option" 2 "a swap device takes none" \
	boot "$GUEST" --swap "$T/swap.img,ro"
expect_error "--swap the same file as --disk" 2 "the same file as --disk" \
	boot "$GUEST" --disk "$T/disk.img" --swap "$T/../$(basename "$T")/disk.img"
printf 'mem = 64M\nthis line is wrong\n' >"$T/bad.conf"
expect_error "config file with a bad line names file:line" 2 "bad.conf:2" \
	boot "$GUEST" --config "$T/bad.conf"

# No /dev/kvm, or no permission on it: say so and name the nested harness.
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
	unshare -m sh -c 'mount -t tmpfs none /dev && exec "$0" boot "$1"' "$VMM" "$GUEST" \
		>"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
	   grep -q "^vmm: /dev/kvm: no such device; run nested: tests/nested/run.sh" "$T/err"; then
		tap_ok "no /dev/kvm: one line naming the nested harness, exit 1"
	else
		tap_fail "no /dev/kvm: one line naming the nested harness, exit 1" "exit $rc"
		tap_dump "$T/err"
	fi
	"$H/asuser" 65534 "$VMM" boot "$GUEST" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
	   grep -q "^vmm: /dev/kvm: permission denied.*tests/nested/run.sh" "$T/err"; then
		tap_ok "no permission on /dev/kvm: one line naming the nested harness, exit 1"
	else
		tap_fail "no permission on /dev/kvm: one line naming the nested harness, exit 1" \
			"exit $rc"
		tap_dump "$T/err"
	fi
else
	tap_skip "no /dev/kvm: one line naming the nested harness" "needs root and unshare -m"
	tap_skip "no permission on /dev/kvm" "needs root"
fi

tap_done

#!/bin/sh
# Integration tests of the guest's initramfs and init (guest/fs/, guest/kernel/init.c): bad
# archives and missing or broken init programs end the boot with one clear message and
# status 1; init's exit status (or 128 + the signal that killed it) becomes the VMM's; a lone
# sleeping init is woken by its timer while a real deadlock panics; and
# the fault suite in build/initramfs.cpio (make initramfs) passes. The archives and the tiny
# ELF programs are written here byte by byte, so nothing but sh is needed: the script runs
# natively and inside the nested initramfs (busybox). Prints TAP.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/tap.sh

VMM=./vmm
GUEST=guest/guest.elf
T=$(mktemp -d "${TMPDIR:-/tmp}/guest_init.XXXXXX")
trap 'rm -rf "$T"' EXIT

# le BYTES VALUE: VALUE as BYTES little-endian bytes.
le() {
	n=$1 v=$2
	while [ "$n" -gt 0 ]; do
		printf "\\$(printf %03o $((v & 255)))"
		v=$((v >> 8))
		n=$((n - 1))
	done
}

# mkelf FILE CODE: a static x86-64 ELF executable whose code is CODE (printf escapes),
# loaded at 0x400000 with the headers, entry right after them.
mkelf() {
	printf "$2" >"$T/code"
	size=$((120 + $(wc -c <"$T/code")))
	{
		printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000'
		le 2 2; le 2 62; le 4 1				# ET_EXEC, x86-64, version
		le 8 $((0x400078)); le 8 64; le 8 0		# entry, phoff, shoff
		le 4 0; le 2 64; le 2 56; le 2 1; le 2 0; le 2 0; le 2 0
		le 4 1; le 4 5					# PT_LOAD, R X
		le 8 0; le 8 $((0x400000)); le 8 $((0x400000))	# offset, vaddr, paddr
		le 8 "$size"; le 8 "$size"; le 8 4096		# filesz, memsz, align
		cat "$T/code"
	} >"$1"
	chmod 755 "$1"
}

# pad FILE: zeros up to a multiple of 4 bytes.
pad() {
	n=$(((4 - $(wc -c <"$1") % 4) % 4))
	[ "$n" -eq 0 ] || head -c "$n" /dev/zero >>"$1"
}

# cpio_add ARCHIVE NAME MODE [FILE]: one "newc" entry (MODE as a shell number, e.g. 0100755).
cpio_add() {
	size=0
	[ -n "${4:-}" ] && size=$(wc -c <"$4")
	printf '070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x' 1 $(($3)) 0 0 1 0 \
		"$size" 0 0 0 0 $((${#2} + 1)) 0 >>"$1"
	printf '%s\000' "$2" >>"$1"
	pad "$1"
	[ -n "${4:-}" ] && cat "$4" >>"$1"
	pad "$1"
}

# archive FILE [NAME MODE SOURCE]...: a whole archive with a trailer.
archive() {
	ar=$1
	shift
	: >"$ar"
	while [ $# -ge 3 ]; do
		cpio_add "$ar" "$1" "$2" "$3"
		shift 3
	done
	cpio_add "$ar" "TRAILER!!!" 0
}

# boot NAME WANT_RC PATTERN ARGS...: boot the guest; the status is WANT_RC and the console
# has a line matching PATTERN.
boot() {
	name=$1 want=$2 pat=$3
	shift 3
	"$VMM" boot "$GUEST" --mem 64M --timeout 120 "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -q -e "$pat" "$T/out"; then
		tap_ok "$name"
	else
		tap_fail "$name" "exit status $rc (want $want), want a line matching: $pat"
		tap_dump "$T/out"
		tap_dump "$T/err"
	fi
}

# Ring-3 code needs hardware-virtualized KVM; kvm_pvm runs the kernel but not user mode.
ring3_works() {
	! grep -q "SYSCALL did not enter the kernel" "$T/out"
}

mkelf "$T/exit7" '\277\007\000\000\000\270\347\000\000\000\017\005'	# exit_group(7)
mkelf "$T/ud2" '\017\013'						# ud2
# nanosleep({0, 1 ms}) then exit_group(7)
mkelf "$T/sleep7" '\150\100\102\017\000\152\000\110\211\347\061\366\270\043\000\000\000\017\005\277\007\000\000\000\270\347\000\000\000\017\005'
# pipe(fds) on the stack, then read(fds[0]): this process holds the only write end
mkelf "$T/deadlock" '\110\203\354\020\270\026\000\000\000\110\211\347\017\005\213\074\044\110\211\346\272\001\000\000\000\061\300\017\005'
printf '#!/bin/sh\necho not an ELF file\n' >"$T/script"
chmod 755 "$T/script"

# ---- bad archives and missing programs: a message and status 1 ------------------------------
archive "$T/good.cpio" . 040755 "" init 0100755 "$T/exit7"
head -c 100 "$T/good.cpio" >"$T/truncated.cpio"
boot "a truncated archive is a boot error" 1 "initramfs: error: .*truncated" \
	--initrd "$T/truncated.cpio"
{ printf 'X'; tail -c +2 "$T/good.cpio"; } >"$T/magic.cpio"
boot "an archive with a bad magic is a boot error" 1 "initramfs: error: .*bad magic" \
	--initrd "$T/magic.cpio"
head -c $(($(wc -c <"$T/good.cpio") - 124)) "$T/good.cpio" >"$T/notrailer.cpio"
boot "an archive without its trailer is a boot error" 1 "initramfs: error: .*TRAILER" \
	--initrd "$T/notrailer.cpio"
archive "$T/noinit.cpio" other 0100755 "$T/exit7"
boot "no /init in the archive: a message, status 1" 1 "init: cannot run /init: error -2" \
	--initrd "$T/noinit.cpio"
archive "$T/script.cpio" init 0100755 "$T/script"
boot "an /init that is not ELF: the reason, status 1" 1 "exec: /init: not an ELF file" \
	--initrd "$T/script.cpio"
archive "$T/noexec.cpio" init 0100644 "$T/exit7"
boot "an /init without execute permission: status 1" 1 "init: cannot run /init: error -13" \
	--initrd "$T/noexec.cpio"
boot "init= names a missing program: status 1" 1 "init: cannot run /bin/missing" \
	--initrd "$T/good.cpio" --cmdline "init=/bin/missing"
boot "init= without an initramfs: status 1" 1 "init=/init, but there is no initramfs" \
	--cmdline "init=/init"
boot "an action word wins over the initramfs" 7 "exit status 7, as asked" \
	--initrd "$T/good.cpio" --cmdline "exit=7"

# ---- init's own status ----------------------------------------------------------------------
"$VMM" boot "$GUEST" --mem 64M --timeout 120 --initrd "$T/good.cpio" >"$T/out" 2>&1 </dev/null
if ! ring3_works; then
	tap_skip "init's exit status is the VMM's" "ring 3 does not run on this KVM"
	tap_skip "init killed by a signal: 128 + the signal" "ring 3 does not run on this KVM"
	tap_skip "init sleeping on a timer, nothing else: no deadlock panic" \
		"ring 3 does not run on this KVM"
	tap_skip "every task blocked, no device, no timer: a deadlock panic" \
		"ring 3 does not run on this KVM"
else
	boot "init's exit status is the VMM's" 7 "init: exited with status 7" \
		--initrd "$T/good.cpio"
	archive "$T/ud2.cpio" init 0100755 "$T/ud2"
	boot "init killed by a signal: 128 + the signal" 132 "init: killed by signal 4 (SIGILL)" \
		--initrd "$T/ud2.cpio"
	# No device here: the sleeper's timer is the only wake-up source of the idle halt.
	archive "$T/sleep7.cpio" init 0100755 "$T/sleep7"
	boot "init sleeping on a timer, nothing else: no deadlock panic" 7 \
		"init: exited with status 7" --initrd "$T/sleep7.cpio"
	archive "$T/deadlock.cpio" init 0100755 "$T/deadlock"
	boot "every task blocked, no device, no timer: a deadlock panic" 100 \
		"sched: every task is blocked and no interrupt can wake one (deadlock)" \
		--initrd "$T/deadlock.cpio"
fi

# ---- the fault suite --------------------------------------------------------------------------
if [ ! -f build/initramfs.cpio ]; then
	tap_skip "the fault suite passes in the guest" "no build/initramfs.cpio (make initramfs)"
elif ! ring3_works; then
	tap_skip "the fault suite passes in the guest" "ring 3 does not run on this KVM"
else
	"$VMM" test --fault-stats >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	if [ $rc -eq 0 ] && grep -q "^# Totals: pass:[0-9]* fail:0 " "$T/out"; then
		tap_ok "./vmm test: the fault suite passes in the guest, exit 0"
	else
		tap_fail "./vmm test: the fault suite passes in the guest, exit 0" "exit status $rc"
		grep -e "^not ok" -e "^# Totals" "$T/out" | sed 's/^/#   /'
		tap_dump "$T/err"
	fi
	# Each of the guest's results is one of ours, as the kernel self-tests are.
	grep -E '^(not )?ok [0-9]+ ' "$T/out" >"$T/results"
	while read -r word rest; do
		case $word in
		ok) tap_ok "in the guest: ${rest#* }" ;;
		*) tap_fail "in the guest: ${rest#ok * }" ;;
		esac
	done <"$T/results"
	# The fault trace reached the VMM: every anonymous fault kind the suite takes is counted.
	for kind in anon-zero anon-new wp-copy wp-reuse; do
		if grep -q "^vmm: faults $kind count=[1-9][0-9]* p50=[0-9]*ns p99=[0-9]*ns max=" \
			"$T/err"; then
			tap_ok "--fault-stats: the VMM reports $kind faults from the guest's trace"
		else
			tap_fail "--fault-stats: the VMM reports $kind faults from the guest's trace"
			grep "^vmm: faults" "$T/err" | sed 's/^/#   /'
		fi
	done
fi

tap_done

#!/bin/sh
# `make test`: run every test suite and merge their TAP into one stream, numbered in order,
# each result prefixed by its suite. Ends with `N passed, N failed, N skipped`; exit 0 only
# when nothing failed. KVM integration tests run on /dev/kvm when it works, otherwise inside
# the nested QEMU harness (tests/nested/run.sh); KVM_MODE=native|nested forces one.
set -u
cd "$(dirname "$0")/.." || exit 1

n=0 pass=0 fail=0 skip=0
log=$(mktemp -d "${TMPDIR:-/tmp}/vmm-test.XXXXXX")
trap 'rm -rf "$log"' EXIT

echo "TAP version 13"

# suite NAME COMMAND...: run one TAP-printing command and fold its results into ours.
suite() {
	name=$1
	shift
	echo "# ---- $name: $*"
	"$@" >"$log/out" 2>&1
	rc=$?
	counts=$(awk -v suite="$name" -v n="$n" -v rc="$rc" '
		/^(not )?ok [0-9]+/ {
			bad = ($1 == "not")
			line = $0
			sub(/^(not )?ok [0-9]+ ?(- )?/, "", line)
			n++
			if (bad) { f++; print "not ok " n " " suite ": " line }
			else if (line ~ /# *SKIP/) { s++; print "ok " n " " suite ": " line }
			else { p++; print "ok " n " " suite ": " line }
			next
		}
		/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; next }
		/^TAP version/ { next }
		/^#/ { print; next }
		{ print "# " $0 }
		END {
			ran = p + f + s
			if (plan != "" && plan != ran) {
				n++; f++
				print "not ok " n " " suite ": planned " plan " tests, ran " ran
			}
			if (rc != 0 && f == 0) {
				n++; f++
				print "not ok " n " " suite ": exited with status " rc
			}
			if (ran == 0 && rc == 0) {
				n++; f++
				print "not ok " n " " suite ": ran no test"
			}
			printf "@@ %d %d %d %d\n", n, p, f, s
		}' "$log/out")
	printf '%s\n' "$counts" | grep -v '^@@ '
	set -- $(printf '%s\n' "$counts" | grep '^@@ ')
	n=$2
	pass=$((pass + $3))
	fail=$((fail + $4))
	skip=$((skip + $5))
}

# 1. Host unit tests of mm/, virtio/, vmm/ and guest/ helpers (ASan + UBSan).
for t in build/unit/test_*; do
	[ -x "$t" ] && suite "unit/${t#build/unit/test_}" "$t"
done

# 2. The fuzzer's saved corpus, replayed without libFuzzer.
for t in build/fuzz/replay_*; do
	[ -x "$t" ] && suite "fuzz/${t#build/fuzz/replay_}" "$t"
done

# 3. The guest fault test programs, natively on this Linux: the same expectations, two kernels.
[ -x tests/guest/run-native.sh ] && suite "native" tests/guest/run-native.sh

# 4. The real ./vmm on real KVM: native when /dev/kvm works, else nested under QEMU TCG. Each
# script is one suite: boot scenarios and bad input; the initramfs, init and the fault suite.
INTEGRATION="run guest_init"
EXT2_INTEGRATION="file exec writeback"
./vmm probe 2>&1 | sed 's/^/# /'
mode=$(scripts/kvm-mode.sh) || exit 2
case "$mode" in
native)
	echo "# KVM: native /dev/kvm"
	for s in $INTEGRATION; do
		suite "kvm/$s" "tests/integration/$s.sh"
	done
	;;
nested)
	echo "# KVM: nested: ./vmm runs on KVM inside qemu-system-x86_64 -accel tcg -cpu max" \
	     "(emulated AMD SVM + NPT); any timings are emulated"
	for s in $INTEGRATION; do
		suite "kvm-nested/$s" tests/nested/run.sh --timeout 900 -- "tests/integration/$s.sh"
	done
	;;
esac
# ext2 on the disk: these run their guest part nested themselves when they must, so that the
# images the guest wrote come back out for e2fsck and debugfs here (tests/integration/ext2_lib.sh).
for s in $EXT2_INTEGRATION; do
	[ -f "tests/integration/$s.sh" ] && suite "kvm-$mode/$s" "tests/integration/$s.sh"
done

echo "1..$n"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]

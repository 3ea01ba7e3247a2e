#!/bin/sh
# `make bench`: print the figures the issues ask for. Not a test: nothing here passes or fails
# on a number. Boot figures come from `./vmm -v` (its `vmm: stat key=value` lines).
cd "$(dirname "$0")/.." || exit 1
RUNS=${RUNS:-20}
mode=$(scripts/kvm-mode.sh) || exit 2

# median of numbers on stdin
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "n/a" }'; }
# stat KEY FILE: every value of `vmm: stat ... KEY=V ...` in FILE
stat() { grep -o "$1=[0-9]*" "$2" | cut -d= -f2; }

boot_figures() {
	out=$(mktemp)
	i=0
	while [ $i -lt "$RUNS" ]; do
		./vmm boot guest/guest.elf --mem 256M --cmdline "exit=0" -v >/dev/null 2>>"$out" </dev/null
		i=$((i + 1))
	done
	echo "boot ($RUNS runs, --mem 256M, guest exits at once), KVM ${BENCH_LABEL:-$mode}:"
	echo "  time to the guest's first instruction: median $(stat startup_us "$out" | median) us" \
	     "(goal < 5000 us native; Firecracker ~12 ms)"
	echo "  time to the guest's exit:              median $(stat run_us "$out" | median) us"
	echo "  VMM RSS at the first instruction:      median $(stat entry_rss_kib "$out" | median) KiB" \
	     "(the VMM plus the image, tables and FDT it wrote; goal < 2 MiB VMM overhead)"
	echo "  VMM peak RSS at exit:                  median $(stat maxrss_kib "$out" | median) KiB" \
	     "(adds every guest page the guest touched, e.g. its struct page array)"
	rm -f "$out"
}

if [ -n "${BENCH_INNER:-}" ]; then	# inside the nested machine: boot figures only
	boot_figures
	exit 0
fi
echo "# make bench: KVM $mode$( [ "$mode" = nested ] && echo ' (times are emulated by QEMU TCG: compare counts, not times)')"
echo "guest image: guest/guest.elf $(wc -c <guest/guest.elf) bytes;" \
     "loaded $(size -A guest/guest.elf 2>/dev/null | awk '$1 ~ /^\./ && $3 > 0 { s += $2 } END { print s }') bytes"
if [ "$mode" = native ]; then
	boot_figures
else
	NESTED_PAYLOAD="tests/bench.sh scripts" \
		tests/nested/run.sh --timeout 900 -- sh -c "RUNS=$RUNS KVM_MODE=native BENCH_INNER=1 BENCH_LABEL=\"nested, emulated by TCG\" tests/bench.sh"
fi

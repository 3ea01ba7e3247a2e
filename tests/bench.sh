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

# kv KEY LINE: the value of KEY=VALUE in LINE
kv() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# virtio-blk throughput as the guest measures it (blktest=bench, TSC; guest/block/blkbench.c)
# beside the host's pread() of the same image file in the same run (build/integration/blkread).
BLK_MIB=${BLK_MIB:-8}
blk_figures() {
	img=$(mktemp) out=$(mktemp)
	dd if=/dev/zero of="$img" bs=1048576 count=$((BLK_MIB * 4)) 2>/dev/null
	echo "block I/O (virtio-blk, $BLK_MIB MiB per figure over a $((BLK_MIB * 4)) MiB image;" \
	     "guest: TSC in the guest; host: pread() of the same file, page cache)," \
	     "KVM ${BENCH_LABEL:-$mode}:"
	if ! ./vmm boot guest/guest.elf --disk "$img" --cmdline "blktest=bench,$BLK_MIB" \
		--timeout 600 >"$out" 2>&1 </dev/null; then
		echo "  blktest=bench failed:"
		tail -n 5 "$out" | sed 's/^/    /'
		rm -f "$img" "$out"
		return
	fi
	grep '^blkbench: pattern=' "$out" | while read -r line; do
		pat=$(kv pattern "$line") op=$(kv op "$line") size=$(kv size "$line")
		batch=$(kv batch "$line") bytes=$(kv bytes "$line") ns=$(kv ns "$line")
		reqs=$(kv requests "$line") kicks=$(kv kicks "$line") irqs=$(kv interrupts "$line")
		host=-
		if [ "$op" = read ]; then
			host=$(build/integration/blkread "$img" "$size" $((bytes / size)) "$pat")
			host=$(kv ns "$host")
		fi
		echo "$pat $op $size $batch $bytes $ns $reqs $kicks $irqs $host"
	done | awk '{
		mib = $5 / 1048576; g = mib / ($6 / 1e9)
		name = sprintf("%s %s %d KiB%s", $1, $2, $3 / 1024,
			       $4 > 1 ? " x" $4 " (plugged)" : "")
		h = $10 == "-" ? "" : sprintf(", host pread %.1f MiB/s (guest/host %.3f)",
					      mib / ($10 / 1e9), $10 / $6)
		printf "  %-30s %8.1f MiB/s, %6.0f us/request, %5.2f requests/kick, " \
		       "%5.2f interrupts/request%s\n", name, g, $6 / 1000 / $7, $7 / ($8 ? $8 : 1),
		       $9 / $7, h
	}'
	rm -f "$img" "$out"
}

if [ -n "${BENCH_INNER:-}" ]; then	# inside the nested machine: boot and block figures
	boot_figures
	blk_figures
	exit 0
fi
echo "# make bench: KVM $mode$( [ "$mode" = nested ] && echo ' (times are emulated by QEMU TCG: compare counts, not times)')"
echo "guest image: guest/guest.elf $(wc -c <guest/guest.elf) bytes;" \
     "loaded $(size -A guest/guest.elf 2>/dev/null | awk '$1 ~ /^\./ && $3 > 0 { s += $2 } END { print s }') bytes"
if [ "$mode" = native ]; then
	boot_figures
	blk_figures
else
	NESTED_PAYLOAD="tests/bench.sh scripts" \
		tests/nested/run.sh --timeout 900 -- sh -c "RUNS=$RUNS BLK_MIB=$BLK_MIB KVM_MODE=native BENCH_INNER=1 BENCH_LABEL=\"nested, emulated by TCG\" tests/bench.sh"
fi

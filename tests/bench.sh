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

# Instructions per anonymous fault in mm/ on the host build (tests/bench/mm_fault_cost.c):
# callgrind counts from the entry of handle_user_addr_fault() to its return, over 1024
# faults of one kind; the libc memset/memcpy it calls (clearing or copying the 4 KiB page;
# valgrind counts every `rep stosb` iteration) is shown apart. Independent of the KVM mode.
MM_COST=build/bench/mm_fault_cost
mm_cost_figures() {
	if ! command -v valgrind >/dev/null || ! command -v callgrind_annotate >/dev/null; then
		echo "mm fault cost: valgrind (callgrind) not installed: skipped"
		return
	fi
	dir=$(mktemp -d)
	echo "mm fault cost (host build -O2, no sanitizers, callgrind: instructions inside" \
	     "handle_user_addr_fault per fault; goal < 1000 excluding the page clear):"
	for kind in anon-new anon-zero wp-copy wp-reuse; do
		if ! valgrind --tool=callgrind --collect-atstart=no \
			--toggle-collect=handle_user_addr_fault --callgrind-out-file="$dir/$kind" \
			"$MM_COST" "$kind" >"$dir/$kind.log" 2>&1; then
			echo "  $kind: failed:"
			tail -n 3 "$dir/$kind.log" | sed 's/^/    /'
			continue
		fi
		n=$(grep -o 'faults=[0-9]*' "$dir/$kind.log" | cut -d= -f2)
		callgrind_annotate --threshold=100 "$dir/$kind.1" | awk -v kind="$kind" -v n="$n" '
			/PROGRAM TOTALS/ { gsub(",", "", $1); total = $1 }
			!/=>/ && /:__mem(set|cpy|move)[a-z0-9_]*( |$)/ { gsub(",", "", $1); data += $1 }
			END {
				printf "  %-10s %6.0f instr/fault excluding the page clear/copy" \
				       " (%6.0f including it)\n", kind, (total - data) / n, total / n
			}'
	done
	rm -rf "$dir"
}

# Anonymous faults as a program sees them: build/bench/fault_bench (tests/bench/fault_bench.c)
# as the guest's /init (build/bench-initramfs.cpio), timing one pass of FAULT_PAGES pages per
# kind with CLOCK_MONOTONIC, beside the VMM's per-kind percentiles of the guest's fault trace
# (#PF entry to return; they also count the few faults of exec and musl start-up). With a
# file of the same program's native lines as $1, each kind gets the guest/host ratio.
FAULT_PAGES=${FAULT_PAGES:-4096}
fault_figures() {
	out=$(mktemp)
	echo "anonymous faults (fault_bench, $FAULT_PAGES pages per kind; guest: CLOCK_MONOTONIC" \
	     "around the pass; trace: the VMM's --fault-stats, #PF entry to return)," \
	     "KVM ${BENCH_LABEL:-$mode}:"
	if ! ./vmm boot guest/guest.elf --mem 256M --initrd build/bench-initramfs.cpio \
		--cmdline "initargs=$FAULT_PAGES" --fault-stats --timeout 600 >"$out" 2>&1 </dev/null; then
		echo "  fault_bench in the guest failed:"
		tail -n 5 "$out" | sed 's/^/    /'
		rm -f "$out"
		return
	fi
	awk -v hostfile="${1:-}" '
		function kv(line, key,    i, n, f, a) {
			n = split(line, f, " ")
			for (i = 1; i <= n; i++)
				if (split(f[i], a, "=") == 2 && a[1] == key)
					return a[2]
			return ""
		}
		BEGIN {
			while (hostfile != "" && (getline line < hostfile) > 0)
				if (line ~ /^fault_bench: /)
					host[kv(line, "kind")] = kv(line, "ns_per_fault")
		}
		/^fault_bench: / { kinds[++nk] = kv($0, "kind"); g[kinds[nk]] = $0 }
		/^vmm: faults [a-z-]+ count=/ { t[$3] = $0 }
		END {
			for (i = 1; i <= nk; i++) {
				k = kinds[i]
				ns = kv(g[k], "ns_per_fault")
				printf "  %-10s guest %8d faults/s, %6d ns/fault (%d faults)", k,
				       kv(g[k], "faults_per_s"), ns, kv(g[k], "faults")
				if (k in t)
					printf "; trace p50 %s p99 %s (count %s)", kv(t[k], "p50"),
					       kv(t[k], "p99"), kv(t[k], "count")
				if (k in host)
					printf "; host native %d ns/fault (guest/host %.2f)", host[k],
					       ns / host[k]
				printf "\n"
			}
		}' "$out"
	rm -f "$out"
}

# File-backed faults: build/bench/file_bench (tests/bench/file_bench.c) as init=/file_bench
# of build/bench-initramfs.cpio, on the ext2 disk build/bench/file.img (file_prepare, on the
# host: mke2fs -d), one boot per figure with --fault-stats -v, beside a baseline boot that only
# mounts the disk and starts the program: its trace counts and virtio reads are subtracted.
# The same passes natively on this Linux ($FILE_NATIVE, written by file_prepare) are the anchor.
FILE_MIB=${FILE_MIB:-4}
FILE_IMG=build/bench/file.img
FILE_NATIVE=build/bench/file_native.txt
FILE_BENCH=build/bench/file_bench

# file_prepare: write $FILE_IMG (FILE_MIB MiB per file) and run the passes natively here.
file_prepare() {
	rm -f "$FILE_IMG" "$FILE_NATIVE"
	if ! mke2fs -V 2>&1 | grep -q "EXT2FS Library"; then
		echo "file faults: no e2fsprogs (mke2fs -d) to make the disk image: skipped"
		return
	fi
	d=$(mktemp -d "${TMPDIR:-/tmp}/file_bench.XXXXXX") || return
	if ! "$FILE_BENCH" --make "$d" "$FILE_MIB" ||
		! mke2fs -q -F -t ext2 -b 4096 -d "$d" "$FILE_IMG" $((FILE_MIB * 6 + 8))M >/dev/null
	then
		echo "file faults: cannot make $FILE_IMG"
		rm -rf "$d" "$FILE_IMG"
		return
	fi
	dev=$(df --output=source "$d" 2>/dev/null | tail -n 1)
	dev=/sys/class/block/${dev#/dev/}
	[ -f "$dev/queue/read_ahead_kb" ] || dev=$dev/..
	echo "host: read_ahead_kb=$(cat "$dev/queue/read_ahead_kb" 2>/dev/null || echo '?')" \
		>"$FILE_NATIVE"
	if ! "$FILE_BENCH" --native "$d" minor major cow shared seq >>"$FILE_NATIVE" 2>&1; then
		echo "file_bench on the host failed: $(tail -n 1 "$FILE_NATIVE")"
		: >"$FILE_NATIVE"
	fi
	rm -rf "$d"
}

# file_boot NAME "KERNEL ARGS" PASS...: boot file_bench PASS... on a copy of $FILE_IMG;
# its output (guest lines, --fault-stats, -v) in $T/NAME. 1 with a line when it failed.
file_boot() {
	name=$1 args=$2
	shift 2
	cp "$FILE_IMG" "$T/disk.img"
	if ./vmm boot guest/guest.elf --mem 128M --initrd build/bench-initramfs.cpio \
		--disk "$T/disk.img" --cmdline "$args init=/file_bench initargs=/mnt,$(echo "$*" |
		tr ' ' ',')" --fault-stats -v --timeout 600 >"$T/$name" 2>&1 </dev/null; then
		return 0
	fi
	echo "  file_bench $* in the guest failed:"
	grep -v '^vmm: ' "$T/$name" | tail -n 5 | sed 's/^/    /'
	return 1
}

# awk: kv(LINE, KEY) is the value of KEY=VALUE in LINE.
FILE_KV='function kv(line, key,    i, n, f, a) {
	n = split(line, f, " ")
	for (i = 1; i <= n; i++)
		if (split(f[i], a, "=") == 2 && a[1] == key)
			return a[2]
	return ""
}'

# file_line NAME PASS LABEL WHAT: one figure from boot NAME (less boot "base") and the native
# line of PASS. WHAT: faults (fault counts), virtio (adds the disk's reads per MiB mapped).
file_line() {
	awk -v pass="$2" -v label="$3" -v what="$4" -v native="$FILE_NATIVE" \
	    -v ra_kb="$FILE_RA_KB" "$FILE_KV"'
		BEGIN {
			while ((getline line < native) > 0)
				if (kv(line, "pass") == pass)
					host = line
		}
		FILENAME ~ /\/base$/ && /^vmm: faults [a-z-]+ count=/ { base[$3] = kv($0, "count") }
		FILENAME ~ /\/base$/ && /^vmm: stat dev=disk / {
			base_reads = kv($0, "reads"); base_bytes = kv($0, "bytes_read")
		}
		FILENAME !~ /\/base$/ && /^file_bench: / && kv($0, "pass") == pass { g = $0 }
		FILENAME !~ /\/base$/ && /^vmm: faults [a-z-]+ count=/ { t[++nt] = $0 }
		FILENAME !~ /\/base$/ && /^vmm: faults total=/ { dropped = kv($0, "dropped") }
		FILENAME !~ /\/base$/ && /^vmm: stat dev=disk / {
			reads = kv($0, "reads"); bytes = kv($0, "bytes_read")
		}
		END {
			if (g == "") {
				printf "  %-38s no figure from the guest\n", label
				exit
			}
			pages = kv(g, "pages")
			printf "  %-38s %4d minor %4d major faults / %d pages", label,
			       kv(g, "minflt"), kv(g, "majflt"), pages
			if (host != "")
				printf " (Linux here: %d minor %d major%s)", kv(host, "minflt"),
				       kv(host, "majflt"), kv(host, "cold") == "0" ? ", not cold" : ""
			for (i = 1; i <= nt; i++) {
				split(t[i], f, " "); type = f[3]
				n = kv(t[i], "count") - base[type]
				if (type !~ /^(file-|none|error)/ || n <= 0)
					continue
				printf "; %s %d p50 %s p99 %s", type, n, kv(t[i], "p50"),
				       kv(t[i], "p99")
			}
			if (dropped + 0)
				printf "; trace full, %d dropped", dropped
			if (what == "virtio") {
				mib = pages * 4096 / 1048576
				printf "; virtio %.1f read requests, %.0f KiB read per MiB mapped" \
				       " (size/readahead window: %.1f per MiB)",
				       (reads - base_reads) / mib, (bytes - base_bytes) / mib / 1024,
				       1024 / ra_kb
			}
			printf "\n"
		}' "$T/base" "$T/$1"
}

FILE_RA_KB=128
file_figures() {
	if [ ! -f "$FILE_IMG" ]; then
		echo "file faults: no $FILE_IMG: skipped"
		return
	fi
	T=$(mktemp -d "${TMPDIR:-/tmp}/file_figures.XXXXXX")
	set -- "fault_around_bytes=65536 readahead_kb=$FILE_RA_KB"
	echo "file faults (file_bench on ext2 over virtio-blk, $FILE_MIB MiB file per figure," \
	     "one boot each, less a baseline boot; faults: getrusage() in the program;" \
	     "Linux here: the same passes natively, fault_around_bytes 65536," \
	     "$(sed -n 's/^host: //p' "$FILE_NATIVE" 2>/dev/null); then per trace type: count," \
	     "p50, p99 from --fault-stats; readahead_kb=$FILE_RA_KB), KVM ${BENCH_LABEL:-$mode}:"
	if file_boot base "$1" none; then
		file_boot around "$1" minor &&
			file_line around minor "minor, cached, fault-around 64 KiB" faults
		file_boot noaround "fault_around_bytes=4096 readahead_kb=$FILE_RA_KB" minor &&
			file_line noaround minor "minor, cached, fault_around_bytes=4096" faults
		file_boot major "$1" major &&
			file_line major major "major, cold, read in order" virtio
		file_boot cow "$1" cow && file_line cow cow "file COW, private write" faults
		file_boot shared "$1" shared &&
			file_line shared shared "shared write (page_mkwrite)" faults
		file_boot seq "$1" seq && awk -v native="$FILE_NATIVE" -v label="${BENCH_LABEL:-$mode}" \
			"$FILE_KV"'
			BEGIN {
				while ((getline line < native) > 0)
					h[kv(line, "pass")] = kv(line, "mib_per_s")
			}
			/^file_bench: / { g[kv($0, "pass")] = kv($0, "mib_per_s") }
			END {
				m = g["seq-mmap"]; r = g["seq-read"]
				printf "  %-38s mapped %.1f MiB/s, read() %.1f MiB/s (mapped/read() %.2f)",
				       "sequential cold read, guest", m, r, r ? m / r : 0
				if (label ~ /emulated/)
					printf " (emulated)"
				if ("seq-mmap" in h)
					printf "; Linux here: mapped %.1f, read() %.1f MiB/s",
					       h["seq-mmap"], h["seq-read"]
				printf "\n"
			}' "$T/seq"
	fi
	rm -rf "$T"
}

# BENCH_PARTS: which figures, of "boot blk mmcost fault file" (default all).
BENCH_PARTS=${BENCH_PARTS:-boot blk mmcost fault file}
part() { case " $BENCH_PARTS " in *" $1 "*) return 0 ;; esac; return 1; }

if [ -n "${BENCH_INNER:-}" ]; then	# inside the nested machine: the guest's figures
	part boot && boot_figures
	part blk && blk_figures
	part fault && fault_figures
	part file && file_figures
	exit 0
fi
echo "# make bench: KVM $mode$( [ "$mode" = nested ] && echo ' (times are emulated by QEMU TCG: compare counts, not times)')"
echo "guest image: guest/guest.elf $(wc -c <guest/guest.elf) bytes;" \
     "loaded $(size -A guest/guest.elf 2>/dev/null | awk '$1 ~ /^\./ && $3 > 0 { s += $2 } END { print s }') bytes"
part mmcost && mm_cost_figures
host_faults=$(mktemp)
if ! part fault; then
	:
elif build/bench/fault_bench "$FAULT_PAGES" >"$host_faults" 2>&1; then
	echo "anonymous faults natively on the host (the same fault_bench binary, $FAULT_PAGES pages):"
	sed -n 's/^fault_bench: kind=\([a-z-]*\) .* faults_per_s=\([0-9]*\) ns_per_fault=\([0-9]*\)$/  \1 \2 \3/p' \
		"$host_faults" | awk '{ printf "  %-10s host  %8d faults/s, %6d ns/fault\n", $1, $2, $3 }'
else
	echo "fault_bench on the host failed: $(tail -n 1 "$host_faults")"
fi
part file && file_prepare
if [ "$mode" = native ]; then
	part boot && boot_figures
	part blk && blk_figures
	part fault && fault_figures "$host_faults"
	part file && file_figures
else
	NESTED_PAYLOAD="tests/bench.sh scripts build/bench-initramfs.cpio build/bench" \
		tests/nested/run.sh --timeout 900 -- sh -c "RUNS=$RUNS BLK_MIB=$BLK_MIB FAULT_PAGES=$FAULT_PAGES FILE_MIB=$FILE_MIB BENCH_PARTS=\"$BENCH_PARTS\" KVM_MODE=native BENCH_INNER=1 BENCH_LABEL=\"nested, emulated by TCG\" tests/bench.sh"
fi
rm -f "$host_faults"

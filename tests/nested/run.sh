#!/bin/bash
# Nested-KVM harness: runs one command on real KVM inside a Debian kernel booted under QEMU TCG
# (-cpu max emulates AMD SVM with nested paging), for machines without /dev/kvm.
#
#   tests/nested/run.sh [--timeout SECONDS] [--mem SIZE] -- COMMAND [ARGS...]
#
# COMMAND runs in /work (the repo payload) with /dev/kvm present; its stdout and stderr, and
# only those, are copied to our stdout and its exit status becomes ours. Harness failures exit
# 125 with a "nested: ..." line on stderr. NESTED_PAYLOAD="a b" adds paths to the payload,
# NESTED_CACHE overrides the cache folder, NESTED_CPU the QEMU -cpu model (default max),
# NESTED_DEBUG=1 shows the whole kernel console on stderr.
set -u

usage() {
	echo "usage: tests/nested/run.sh [--timeout SECONDS] [--mem SIZE] -- COMMAND [ARGS...]" >&2
	exit 125
}

die() {
	echo "nested: $*" >&2
	exit 125
}

timeout_s=600
mem=2G
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout)
		[ $# -ge 2 ] || usage
		timeout_s=$2
		shift 2
		;;
	--mem)
		[ $# -ge 2 ] || usage
		mem=$2
		shift 2
		;;
	--)
		shift
		break
		;;
	*)
		usage
		;;
	esac
done
[ $# -ge 1 ] || usage
case "$timeout_s" in
'' | *[!0-9]* | 0) die "--timeout: '$timeout_s' is not a positive number of seconds" ;;
esac
[[ $mem =~ ^[1-9][0-9]*[MG]?$ ]] || die "--mem: '$mem' is not a size such as 2G or 1536M"

root=$(cd "$(dirname "$0")/../.." && pwd) || die "cannot find the repository root"
modnames="irqbypass kvm kvm_amd"
# The payload: these files and folders where they exist, and $NESTED_PAYLOAD.
payload_files="vmm guest/guest.elf build/initramfs.cpio"
payload_dirs="configs tests/integration build/progs build/integration"

# ---- host tools ----------------------------------------------------------------------------
for t in qemu-system-x86_64 busybox cpio dpkg-deb apt-get apt-cache modinfo flock sha256sum; do
	command -v "$t" >/dev/null 2>&1 ||
		die "'$t' not found; run scripts/deps.sh (qemu-system-x86 busybox-static cpio kmod)"
done
busybox=$(command -v busybox)
ldd "$busybox" >/dev/null 2>&1 && die "$busybox is dynamically linked; install busybox-static"

# ---- cache ---------------------------------------------------------------------------------
cache=${NESTED_CACHE:-/var/cache/kvm-mm-nested}
if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
	cache=${HOME:-/tmp}/.cache/kvm-mm-nested
	mkdir -p "$cache" || die "cannot create cache folder $cache"
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nested.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
exec 9>"$cache/lock" || die "cannot open $cache/lock"
flock 9

# kernel_package: the versioned package that linux-image-cloud-amd64 depends on.
kernel_package() {
	apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

# fetch_kernel: download that package and extract it (never install it) into
# $cache/kernel/PKG; record PKG in $cache/kernel/current. As root, refresh stale apt lists once.
fetch_kernel() {
	local pkg dir
	mkdir -p "$tmp/deb" "$cache/kernel"
	pkg=$(kernel_package)
	if [ -n "$pkg" ] && (cd "$tmp/deb" && apt-get download "$pkg") >"$tmp/apt.log" 2>&1; then
		:
	elif [ "$(id -u)" -eq 0 ] && apt-get update -qq >>"$tmp/apt.log" 2>&1 &&
		pkg=$(kernel_package) && [ -n "$pkg" ] &&
		(cd "$tmp/deb" && apt-get download "$pkg") >>"$tmp/apt.log" 2>&1; then
		:
	else
		tail -n 5 "$tmp/apt.log" | sed 's/^/nested:   /' >&2
		die "cannot download the kernel package ${pkg:-behind linux-image-cloud-amd64}" \
			"(apt-get update as root may help)"
	fi
	dir="$cache/kernel/$pkg"
	rm -rf "$dir" "$dir.new"
	dpkg-deb -x "$tmp"/deb/*.deb "$dir.new" || die "dpkg-deb -x of $pkg failed"
	mv "$dir.new" "$dir" && echo "$pkg" >"$cache/kernel/current" || die "cannot write $dir"
}

kpkg=$(cat "$cache/kernel/current" 2>/dev/null)
if [ -z "$kpkg" ] || [ ! -d "$cache/kernel/$kpkg/lib/modules" ]; then
	fetch_kernel
	kpkg=$(cat "$cache/kernel/current")
fi
kdir="$cache/kernel/$kpkg"
vmlinuz=("$kdir"/boot/vmlinuz-*)
moddir=("$kdir"/lib/modules/*)
[ -f "${vmlinuz[0]}" ] && [ -d "${moddir[0]}/kernel" ] || die "$kdir: no vmlinuz or modules"

# ---- base initramfs: busybox, the kvm modules, /init (cached by content) -------------------
init_script=$(cat <<'EOF'
#!/bin/sh
# /init of the nested harness: load kvm, run the command in /work, report its status, power off.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=dumb
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
[ -c /dev/console ] || mknod /dev/console c 5 1
[ -c /dev/null ] || mknod /dev/null c 1 3
exec </dev/null >/dev/console 2>&1
mount -t tmpfs tmpfs /tmp
stty -opost </dev/console 2>/dev/null
. /nested/cmd
M="@@nested-$NONCE"
fail() {
	echo "$M-error@@ $*"
	dmesg | tail -n 8
	echo "$M-end@@ 125"
	poweroff -f
}
for m in $(cat /lib/modules/order); do
	out=$(insmod /lib/modules/$m.ko 2>&1) || fail "$out"
done
[ -c /dev/kvm ] || mknod /dev/kvm c 10 232 || fail "cannot create /dev/kvm"
cd /work || fail "no /work"
echo "$M-start@@"
"$@"
echo "$M-end@@ $?"
poweroff -f
EOF
)

# add_module NAME: decompress NAME and, first, its dependencies into $1/lib/modules/; append
# NAME to $order in load order.
order=""
add_module() {
	local stage=$1 name=${2//-/_} f dep
	case " $order " in *" $name "*) return 0 ;; esac
	f=$(find "${moddir[0]}/kernel" -name "$name.ko*" -o -name "${name//_/-}.ko*" | head -n 1)
	[ -n "$f" ] || die "module $name not found in $kpkg"
	case "$f" in
	*.ko) cp "$f" "$stage/lib/modules/$name.ko" ;;
	*.ko.xz) xz -dc "$f" >"$stage/lib/modules/$name.ko" ;;
	*.ko.zst) zstd -qdc "$f" >"$stage/lib/modules/$name.ko" ;;
	*.ko.gz) gzip -dc "$f" >"$stage/lib/modules/$name.ko" ;;
	*) die "unknown module format: $f" ;;
	esac || die "cannot decompress $f"
	for dep in $(modinfo -F depends "$stage/lib/modules/$name.ko" | tr , ' '); do
		add_module "$stage" "$dep"
	done
	order="$order $name"
}

key=$( (echo "$kpkg $modnames"; echo "$init_script"; sha256sum <"$busybox") | sha256sum)
base="$cache/base-${key%% *}.cpio"
if [ ! -f "$base" ]; then
	stage="$tmp/base"
	mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,lib/modules,proc,sys,dev,tmp,root,work,nested}
	cp "$busybox" "$stage/bin/busybox"
	for a in $("$busybox" --list-full); do
		[ -e "$stage/$a" ] || ln -s /bin/busybox "$stage/$a"
	done
	for m in $modnames; do
		add_module "$stage" "$m"
	done
	echo "$order" >"$stage/lib/modules/order"
	echo "$init_script" >"$stage/init"
	chmod 755 "$stage/init"
	rm -f "$cache"/base-*.cpio
	(cd "$stage" && find . | cpio -o -H newc -R 0:0 --quiet) >"$base.new" &&
		mv "$base.new" "$base" || die "cannot write $base"
fi
cp "$base" "$tmp/initramfs.cpio" || die "cannot copy $base"
flock -u 9

# ---- payload: the repo files, and the command (built per run, it is small) -----------------
stage="$tmp/payload"
mkdir -p "$stage/work" "$stage/nested"
copy_payload() {
	local p=$1 src dst
	case "$p" in
	/*) src=$p dst="$stage/work/$(basename "$p")" ;;
	*) src="$root/$p" dst="$stage/work/$p" ;;
	esac
	mkdir -p "$(dirname "$dst")" && cp -a "$src" "$dst" || die "cannot copy $p"
}
for p in $payload_files; do
	[ -f "$root/$p" ] && copy_payload "$p"
done
for p in $payload_dirs; do
	[ -d "$root/$p" ] && copy_payload "$p"
done
for p in ${NESTED_PAYLOAD:-}; do
	case "$p" in /*) src=$p ;; *) src="$root/$p" ;; esac
	[ -e "$src" ] || die "NESTED_PAYLOAD: $p: no such file or folder"
	copy_payload "$p"
done
nonce=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
{
	echo "NONCE=$nonce"
	printf 'set --'
	for a in "$@"; do
		printf " '%s'" "${a//\'/\'\\\'\'}"
	done
	echo
} >"$stage/nested/cmd"
(cd "$stage" && find . -mindepth 1 | cpio -o -H newc -R 0:0 --quiet) >>"$tmp/initramfs.cpio" ||
	die "cannot append the payload to the initramfs"

# ---- boot ----------------------------------------------------------------------------------
: >"$tmp/console.log"
append="console=ttyS0 panic=-1 rdinit=/init"
[ -n "${NESTED_DEBUG:-}" ] || append="$append quiet loglevel=0"
timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 \
	-accel tcg -cpu "${NESTED_CPU:-max}" -m "$mem" -smp 1 -no-reboot \
	-nodefaults -display none -monitor none -serial stdio \
	-kernel "${vmlinuz[0]}" -initrd "$tmp/initramfs.cpio" -append "$append" \
	</dev/null 2>"$tmp/qemu.err" |
	awk -v m="@@nested-$nonce" -v st="$tmp/status" -v logf="$tmp/console.log" \
		-v debug="${NESTED_DEBUG:-}" '
	# The guest prints M-start@@, the output, M-end@@ STATUS; or M-error@@ MSG, diagnostics,
	# M-end@@ 125. Copy the output alone; the end marker may follow output with no newline.
	{ print > logf; if (debug != "") { print > "/dev/stderr"; fflush("/dev/stderr") } }
	state == "run" && (i = index($0, m "-end@@ ")) {
		printf "%s", substr($0, 1, i - 1)
		print "exit " substr($0, i + length(m) + 7) > st
		state = "done"
		next
	}
	state == "run" { print; fflush(); next }
	state == "error" && index($0, m "-end@@ ") == 1 { state = "done"; next }
	state == "error" { print "nested:   " $0 > "/dev/stderr"; next }
	state == "" && $0 == m "-start@@" { print "started" > st; close(st); state = "run"; next }
	state == "" && index($0, m "-error@@ ") == 1 {
		print "nested: " substr($0, length(m) + 10) > "/dev/stderr"
		print "error" > st
		state = "error"
	}'
rc=${PIPESTATUS[0]}

read -r what status 2>/dev/null <"$tmp/status"
case "${what:-}" in
exit) exit "$status" ;;
error) exit 125 ;;
esac
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	why="no end marker within ${timeout_s}s; QEMU killed"
else
	why="QEMU exited (status $rc) without an end marker"
	tail -n 5 "$tmp/qemu.err" | sed 's/^/nested:   /' >&2
fi
if [ "${what:-}" = started ]; then
	echo "nested: $why (the command started: it hung, or the guest kernel died)" >&2
else
	echo "nested: $why (before the command started); console tail:" >&2
	tail -n 10 "$tmp/console.log" | sed 's/^/nested:   /' >&2
fi
exit 125

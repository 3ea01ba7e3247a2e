# Shared by the ext2 integration scripts (file.sh, and those written like it): the guest
# writes an ext2 image, and e2fsprogs on the host checks it. Where ./vmm cannot run ring 3
# here (scripts/kvm-mode.sh says nested), the script reruns itself inside tests/nested/run.sh
# with --emit-image, which prints each image it wants checked (gzip, base64, on "#=img NAME "
# lines) after its TAP: the nested initramfs has no e2fsprogs, so the images come back out.
# POSIX sh; source it after tap.sh, with $T a scratch folder.

VMM=./vmm
GUEST=guest/guest.elf

# e2fsprogs proper (busybox's mke2fs has no -t or -d; it has no e2fsck or debugfs).
has_e2fsprogs() {
	mke2fs -V 2>&1 | grep -q "EXT2FS Library" && command -v e2fsck >/dev/null &&
		command -v debugfs >/dev/null
}

# boot DISK CMDLINE [ARGS...]: boot 64M with DISK; $rc, $T/out, $T/err.
boot() {
	disk=$1 cmdline=$2
	shift 2
	"$VMM" boot "$GUEST" --mem 64M --timeout 300 --disk "$disk" --cmdline "$cmdline" "$@" \
		>"$T/out" 2>"$T/err" </dev/null
	rc=$?
}

# suite_passed NAME: the boot exited 0 and the guest program's TAP says everything passed.
suite_passed() {
	if [ $rc -eq 0 ] && grep -q "^# Totals: pass:[0-9]* fail:0 " "$T/out"; then
		tap_ok "$1"
	else
		tap_fail "$1" "exit status $rc"
		grep -e "^not ok" -e "^# " "$T/out" | sed 's/^/#   /'
		tap_dump "$T/err"
	fi
}

# emit_image NAME FILE: (--emit-image) send FILE back to the host as image NAME.
emit_image() {
	gzip -c "$2" | base64 | sed "s/^/#=img $1 /"
}

# fsck_clean NAME IMAGE: a TAP result for `e2fsck -fn IMAGE` (skipped without e2fsprogs).
fsck_clean() {
	if ! has_e2fsprogs; then
		tap_skip "$1" "no e2fsprogs"
	elif e2fsck -fn "$2" >"$T/fsck" 2>&1; then
		tap_ok "$1"
	else
		tap_fail "$1"
		tap_dump "$T/fsck"
	fi
}

# nested_guest_part SCRIPT: when this machine must nest and can check images, run SCRIPT
# --emit-image nested, pass its TAP on, unpack each image it sent to $T/NAME and return 0;
# then the caller runs its host checks and tap_done. Returns 1 when the caller should run
# the guest part itself. A harness failure or an all-skipped run ends the script here.
nested_guest_part() {
	if ! has_e2fsprogs || [ "$(scripts/kvm-mode.sh 2>/dev/null)" != nested ]; then
		return 1
	fi
	tests/nested/run.sh --timeout 900 -- "$1" --emit-image >"$T/nested" 2>"$T/nested.err"
	nrc=$?
	if [ $nrc -eq 4 ] || [ $nrc -eq 125 ]; then
		cat "$T/nested" "$T/nested.err"
		exit $nrc
	fi
	while IFS= read -r l; do
		case "$l" in
		"ok "*) tap_ok "${l#ok [0-9]* }" ;;
		"not ok "*) tap_fail "${l#not ok [0-9]* }" ;;
		"#=img "* | "1.."* | "# Totals"*) ;;
		*) echo "$l" ;;
		esac
	done <"$T/nested"
	for name in $(sed -n 's/^#=img \([^ ]*\) .*/\1/p' "$T/nested" | uniq); do
		if ! sed -n "s/^#=img $name //p" "$T/nested" | base64 -d | gunzip >"$T/$name" \
			2>"$T/unpack"; then
			tap_fail "the nested run sent image $name back" "$(cat "$T/unpack")"
		fi
	done
	return 0
}

# ext2_args SCRIPT [ARG]: the scripts' one optional argument. --prepare runs the caller's
# prepare() and exits with its status; --emit-image sets emit=1 (the nested guest part);
# anything else is one usage line and exit 2.
ext2_args() {
	emit=0
	case "${2:-}" in
	--prepare) prepare; exit ;;
	--emit-image) emit=1 ;;
	"") ;;
	*) echo "usage: $1 [--prepare | --emit-image]" >&2; exit 2 ;;
	esac
}

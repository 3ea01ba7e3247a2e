# TAP helpers for the integration scripts (POSIX sh, busybox-compatible: these run inside the
# nested initramfs too). Source it; call tap_ok/tap_fail/tap_check, then tap_done.
tap_n=0
tap_failed=0
tap_skipped=0

tap_ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n $1"; }
tap_skip() { tap_n=$((tap_n + 1)); tap_skipped=$((tap_skipped + 1)); echo "ok $tap_n $1 # SKIP $2"; }

# tap_fail NAME [DIAGNOSTIC LINES...]
tap_fail() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n $1"
	shift
	for l in "$@"; do echo "# $l"; done
}

# tap_check NAME COMMAND...: ok when COMMAND succeeds.
tap_check() {
	name=$1
	shift
	if "$@"; then tap_ok "$name"; else tap_fail "$name" "failed: $*"; fi
}

# tap_dump FILE: show a file as diagnostics (the last 20 lines), for a failing test.
tap_dump() { tail -n 20 "$1" | sed 's/^/#   /'; }

tap_done() {
	echo "1..$tap_n"
	echo "# Totals: pass:$((tap_n - tap_failed - tap_skipped)) fail:$tap_failed skip:$tap_skipped"
	[ "$tap_failed" -eq 0 ]
}

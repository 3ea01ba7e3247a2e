#!/bin/sh
# SPDX-License-Identifier: MIT
# Run the guest fault test programs natively on the host and merge their TAP into one stream:
# `ok N prog: test`, a plan at the end, `# Totals`. A program that crashes, misses its plan or
# exits with a status that disagrees with its results counts as one more failed test. The
# programs' bad-argument handling is tested too. Exit 0 all passed, 1 any failed.
# Usage: tests/guest/run-native.sh [PROGRAM...]   (default: every program in build/progs/ but
# init, the same runner in C that the guest boots: build/progs/init runs it all natively too)

cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp" "$tmp.err"' EXIT

n=0 pass=0 fail=0 skip=0

# result STATUS NAME: print one renumbered result and count it.
result() {
	n=$((n + 1))
	echo "$1 $n $2"
	case "$1 $2" in
	"ok "*"# SKIP"*) skip=$((skip + 1)) ;;
	"ok "*) pass=$((pass + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
}

# run_prog PATH: run one program and pass its results on, prefixed with its name.
run_prog() {
	name=$(basename "$1")
	"$1" >"$tmp" 2>&1
	rc=$?
	plan= ran=0 failed=0
	while IFS= read -r line; do
		case $line in
		"TAP version "* | "# Totals: "*) ;;
		1..*) plan=${line#1..} ;;
		"ok "[0-9]* | "not ok "[0-9]*)
			status=${line%%ok *}ok
			rest=${line#"$status "}
			rest=${rest#* }
			ran=$((ran + 1))
			[ "$status" = ok ] || failed=$((failed + 1))
			result "$status" "$name: $rest"
			;;
		"#"*) echo "$line" ;;
		*) echo "# $name: $line" ;;
		esac
	done <"$tmp"
	if [ "$rc" -gt 128 ]; then
		echo "# $name: killed by signal $((rc - 128))"
		result "not ok" "$name: ran to the end"
	elif [ "$plan" != "$ran" ]; then
		echo "# $name: planned ${plan:-no} tests, ran $ran"
		result "not ok" "$name: ran its plan"
	elif [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ] && [ "$failed" -eq 0 ]; then
		echo "# $name: exit status $rc, but no test failed"
		result "not ok" "$name: exit status"
	elif [ "$rc" -eq 0 ] && [ "$failed" -ne 0 ]; then
		echo "# $name: exit status 0, but $failed tests failed"
		result "not ok" "$name: exit status"
	fi
}

# usage_test PROG ARGS...: PROG refuses ARGS with one line on stderr, nothing else, exit 2.
usage_test() {
	prog=$1
	shift
	[ -x "build/progs/$prog" ] || return 0
	"build/progs/$prog" "$@" >"$tmp" 2>"$tmp.err"
	rc=$?
	lines=$(wc -l <"$tmp.err")
	if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && [ ! -s "$tmp" ]; then
		result ok "$prog: refuses arguments '$*'"
	else
		echo "# $prog $*: expected exit 2 and one line on stderr, got exit $rc," \
			"$lines lines on stderr, $(wc -c <"$tmp") bytes on stdout"
		result "not ok" "$prog: refuses arguments '$*'"
	fi
}

# No core files from the children that are meant to die, and the stack limit the guest has.
ulimit -c 0
ulimit -s 8192 || echo "# run-native: cannot set the stack limit to 8 MiB; stack_grow may fail"

if [ $# -eq 0 ]; then
	# Every program but init, which is itself this script's counterpart in C.
	set -- $(ls build/progs/* | grep -v '/init$')
	if [ ! -x "$1" ]; then
		echo "run-native: no programs in build/progs/; build them with 'make progs'" >&2
		exit 2
	fi
fi

echo "TAP version 13"
for prog; do
	if [ ! -x "$prog" ]; then
		echo "run-native: $prog: not an executable program" >&2
		exit 2
	fi
	run_prog "$prog"
done
usage_test bigmap abc
usage_test bigmap 0
usage_test bigmap 1 2
usage_test bigmap 99999999999999999999
usage_test oom_kill --limit-mib
usage_test oom_kill --limit-mib 12x
usage_test oom_kill --limit-mib 1
usage_test oom_kill --bogus
usage_test exec --bogus
usage_test file_map --bogus
usage_test file_map --verify
usage_test file_map a b
usage_test file_fault --bogus
usage_test file_fault --window 12288
usage_test file_fault --make
usage_test file_fault a b
usage_test file_fault --big
usage_test file_fault --make-big x 0
usage_test file_fault --bad-block
usage_test file_fault --bad-block x 9999
usage_test bigexec --bogus
usage_test bigexec --ra-kb 3
usage_test bigexec --twice --warm
usage_test bigexec --enoexec
usage_test bigexec --busy
usage_test init --bogus
echo "1..$n"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ "$fail" -eq 0 ] || exit 1

#!/bin/sh
# Install the Debian packages the build and tests need. As root it runs apt-get; otherwise
# it names the one apt-get line to run. Prints nothing when everything is present.
set -eu
PKGS="gcc make libc6-dev libfdt-dev musl-tools qemu-system-x86 busybox-static cpio \
e2fsprogs clang valgrind xz-utils zstd kmod"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null

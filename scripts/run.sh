#!/bin/sh
# `make run`: boot the guest with configs/default.conf on native KVM when /dev/kvm works,
# otherwise on KVM nested inside QEMU TCG, and say which. Extra arguments go to ./vmm boot.
cd "$(dirname "$0")/.." || exit 1
mode=$(scripts/kvm-mode.sh) || exit 2
if [ "$mode" = native ]; then
	echo "run: KVM: native /dev/kvm"
	exec ./vmm boot guest/guest.elf --config configs/default.conf -v "$@"
fi
echo "run: KVM: nested (qemu-system-x86_64 -accel tcg -cpu max, emulated AMD SVM): no usable /dev/kvm here"
exec tests/nested/run.sh --timeout 600 -- ./vmm boot guest/guest.elf --config configs/default.conf -v "$@"

#!/bin/sh
# `make run`: boot the guest with its test initramfs (configs/test.conf): the kernel runs /init,
# which runs the guest fault test suite and prints one TAP stream; the VMM then prints the
# per-type fault latency summary from the guest's fault trace and exits with init's status.
# Native KVM when /dev/kvm is hardware-assisted, otherwise KVM nested inside QEMU TCG; the
# first line says which. Extra arguments go to ./vmm test (e.g. --mem 512M).
cd "$(dirname "$0")/.." || exit 1
mode=$(scripts/kvm-mode.sh) || exit 2
if [ "$mode" = native ]; then
	echo "run: KVM: native /dev/kvm"
	exec ./vmm test --fault-stats "$@"
fi
echo "run: KVM: nested (qemu-system-x86_64 -accel tcg -cpu max, emulated AMD SVM): no" \
     "hardware-assisted /dev/kvm here; latencies below are emulated"
exec tests/nested/run.sh --timeout 600 -- ./vmm test --fault-stats "$@"

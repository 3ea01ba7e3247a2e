#!/bin/sh
# Print how ./vmm reaches KVM here: "native" when /dev/kvm works (./vmm probe), else "nested"
# (tests/nested/run.sh boots a Debian kernel under QEMU TCG whose emulated SVM gives a /dev/kvm).
# KVM_MODE=native|nested in the environment forces the answer.
case "${KVM_MODE:-}" in
native|nested) echo "$KVM_MODE"; exit 0 ;;
"") ;;
*) echo "KVM_MODE=$KVM_MODE: expected native or nested" >&2; exit 2 ;;
esac
if ./vmm probe >/dev/null 2>&1; then echo native; else echo nested; fi

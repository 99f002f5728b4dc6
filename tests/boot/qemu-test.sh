#!/bin/sh
# The boot tests' QEMU: qemu-test.sh KERNEL APPEND [QEMU ARG...]. TCG always
# (KVM is what runqemu probes; a test must behave the same on every machine),
# serial console on stdio for vmb-expect, -no-reboot with panic=-1 so a panic
# or a reboot ends QEMU. QEMU_ACCEL_ARGS may replace "-accel tcg -cpu max"
# (x86: max without XSAVE, below);
# QEMU_SYSTEM and QEMU_MACHINE name another board's QEMU and machine
# (default: the x86-64 PC, q35). QEMU_SERIAL=mon:stdio multiplexes QEMU's
# monitor on the console (Ctrl-a c switches).
k=$1 a=$2
shift 2
# x86 without XSAVE: TCG's max CPU reports XSAVE state sizes (CPUID 0xD)
# that the host's KVM does not give its guests, so every guest under the
# host's KVM warned "XSAVE consistency problem" with a call trace. FXSAVE
# is all a host and its guests use here.
case ${QEMU_SYSTEM:-qemu-system-x86_64} in
  *x86_64) cpu=max,-xsave ;;
  *) cpu=max ;;
esac
# shellcheck disable=SC2086
exec "${QEMU_SYSTEM:-qemu-system-x86_64}" -nodefaults -no-user-config -display none \
  -machine "${QEMU_MACHINE:-q35}" \
  ${QEMU_ACCEL_ARGS:--accel tcg -cpu $cpu} -m "${QEMU_MEM:-256}" -smp 1 \
  -kernel "$k" -append "$a" -serial "${QEMU_SERIAL:-stdio}" -no-reboot "$@"

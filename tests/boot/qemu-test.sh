#!/bin/sh
# The boot tests' QEMU: qemu-test.sh KERNEL APPEND [QEMU ARG...]. TCG always
# (KVM is what runqemu probes; a test must behave the same on every machine),
# serial console on stdio for vmb-expect, -no-reboot with panic=-1 so a panic
# or a reboot ends QEMU. QEMU_ACCEL_ARGS may replace "-accel tcg -cpu max";
# QEMU_SYSTEM and QEMU_MACHINE name another board's QEMU and machine
# (default: the x86-64 PC, q35). QEMU_SERIAL=mon:stdio multiplexes QEMU's
# monitor on the console (Ctrl-a c switches).
k=$1 a=$2
shift 2
# shellcheck disable=SC2086
exec "${QEMU_SYSTEM:-qemu-system-x86_64}" -nodefaults -no-user-config -display none \
  -machine "${QEMU_MACHINE:-q35}" \
  ${QEMU_ACCEL_ARGS:--accel tcg -cpu max} -m "${QEMU_MEM:-256}" -smp 1 \
  -kernel "$k" -append "$a" -serial "${QEMU_SERIAL:-stdio}" -no-reboot "$@"

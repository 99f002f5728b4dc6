#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# runqemu: boot this deploy directory's host image (or one guest) in QEMU,
# the way Yocto's runqemu does. Installed as DEPLOY/runqemu by mk/boot.mk,
# next to runqemu.conf, which says what the build made.
#
#   runqemu [nographic] [slirp] [snapshot] [kvm|tcg] [guest=NAME] [mem=MiB]
#           [sshport=N] [qemuparams="..."] [bootparams="..."] [xenparams="..."]
#
# QEMU_PARAMS and BOOT_PARAMS (environment) add to QEMU's arguments and the
# kernel command line, like qemuparams= and bootparams=; XEN_PARAMS and
# xenparams= to a Xen host's hypervisor command line.
set -u
me=runqemu
die() { echo "$me: $*" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
[ -r "$here/runqemu.conf" ] || die "$here/runqemu.conf is missing: run 'make runqemu' in the build tree to install it"
. "$here/runqemu.conf"
# The tool is named relative to this directory (the build tree's vmbundle).
case $RUNQEMU_VMBUNDLE in /*) ;; *) RUNQEMU_VMBUNDLE=$here/$RUNQEMU_VMBUNDLE ;; esac

target=host snapshot= accel= mem= sshport=${RUNQEMU_SSH_PORT:-2222}
qemuparams=${QEMU_PARAMS:-} bootparams=${BOOT_PARAMS:-} xenparams=${XEN_PARAMS:-}
for arg in "$@"; do
  case $arg in
    nographic|slirp|serial) ;;          # the defaults, accepted as Yocto's runqemu does
    snapshot) snapshot=,snapshot=on ;;  # writes go to a temporary overlay
    kvm|tcg) accel=$arg ;;
    guest=*) target=${arg#guest=} ;;
    mem=*) mem=${arg#mem=} ;;
    sshport=*) sshport=${arg#sshport=} ;;
    qemuparams=*) qemuparams="$qemuparams ${arg#qemuparams=}" ;;
    bootparams=*) bootparams="$bootparams ${arg#bootparams=}" ;;
    xenparams=*) xenparams="$xenparams ${arg#xenparams=}" ;;
    -h|--help|help) sed -n '3,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) die "unknown argument '$arg' (try: runqemu help)" ;;
  esac
done

case " host $RUNQEMU_GUESTS " in
  *" $target "*) ;;
  *) die "no image named '$target' here (known: host $RUNQEMU_GUESTS)" ;;
esac
kernel="$here/${RUNQEMU_KERNEL_IMAGE:-bzImage}-$target"
[ -s "$kernel" ] || die "$kernel: missing or empty: run 'make' in the build tree first"
if [ -x "$RUNQEMU_VMBUNDLE" ]; then
  "$RUNQEMU_VMBUNDLE" probe --expect=kernel "$kernel" >/dev/null ||
    die "$kernel: not a kernel image (corrupt? rebuild it with 'make kernel-$target')"
fi
image=
for f in "$here/$target-$RUNQEMU_BOARD.rootfs.ext4" "$here/$target-$RUNQEMU_BOARD.rootfs.cpio.gz"; do
  [ -e "$f" ] && { image=$f; break; }
done
[ -n "$image" ] || die "no root filesystem image for '$target' in $here ($target-$RUNQEMU_BOARD.rootfs.ext4 or .cpio.gz): run 'make' first"
[ -s "$image" ] || die "$image: empty (an interrupted build? run 'make' again)"

# KVM when it really works, probed by booting this very kernel; else TCG.
# KVM runs only guests of this machine's own architecture.
build_arch=$(uname -m)
[ "$build_arch" = aarch64 ] && build_arch=arm64
if [ -z "$accel" ] && [ -n "${RUNQEMU_ARCH:-}" ] && [ "$RUNQEMU_ARCH" != "$build_arch" ]; then
  accel=tcg
  echo "$me: this $build_arch machine cannot run $RUNQEMU_ARCH kernels under KVM -> using tcg" >&2
fi
if [ -z "$accel" ]; then
  if [ -x "$RUNQEMU_VMBUNDLE" ]; then
    verdict=$("$RUNQEMU_VMBUNDLE" kvm-probe --kernel="$kernel" --timeout=5 --qemu="$RUNQEMU_QEMU" \
      --machine="$RUNQEMU_MACHINE" --console="$RUNQEMU_CONSOLE")
  else
    verdict="tcg: vmbundle tool not found at $RUNQEMU_VMBUNDLE, so KVM was not probed"
  fi
  accel=${verdict%%:*}
  echo "$me: ${verdict#*: } -> using $accel" >&2
fi
# Under TCG, x86's max CPU without XSAVE: it reports XSAVE state sizes
# (CPUID 0xD) the host's KVM does not give its guests, and each guest under
# it warned "XSAVE consistency problem" with a call trace (tests/boot/qemu-test.sh).
if [ "$accel" = kvm ]; then cpu=host
elif [ "${RUNQEMU_ARCH:-x86_64}" = x86_64 ]; then cpu=max,-xsave
else cpu=max; fi
# The host's machine may differ from its guests' (qemuarm64: EL2 emulated,
# so the host's own KVM runs its guests).
machine=$RUNQEMU_MACHINE
[ "$target" = host ] && machine=${RUNQEMU_HOST_MACHINE:-$RUNQEMU_MACHINE}

root="console=$RUNQEMU_CONSOLE panic=-1"
case $image in
  *.ext4) set -- -drive "file=$image,if=virtio,format=raw$snapshot"; root="$root root=/dev/vda rw" ;;
  *) set -- -initrd "$image" ;;
esac
# The host gets port 2222 (sshport=) of 127.0.0.1 forwarded to its port 22.
fwd=
[ "$target" = host ] && fwd=",hostfwd=tcp:127.0.0.1:$sshport-:22"
[ -n "$mem" ] || { [ "$target" = host ] && mem=$RUNQEMU_HOST_MEM || mem=256; }

# A Xen host, booted as the board's xen_boot says. dom0 gets half of the
# memory and the console hvc0, which Xen puts on the serial port.
#   multiboot (x86-64): QEMU loads Xen (a multiboot ELF) with -kernel and
#     dom0's kernel and command line as its module (-initrd "KERNEL ARGS";
#     QEMU splits modules at commas, so a comma in ARGS is written twice).
#   guest-loader (arm64 virt): Xen (an arm64 Image) is -kernel on the
#     host's machine (virtualization=on: Xen runs at EL2), and QEMU's
#     guest-loader device writes dom0's kernel and command line into the
#     device tree's /chosen as the module Xen boots (QEMU's option syntax
#     doubles commas there too).
xen= xenboot=
if [ "$target" = host ] && [ "${RUNQEMU_HYPERVISOR:-kvm}" = xen ]; then
  xen="$here/xen-$RUNQEMU_BOARD"
  [ -s "$xen" ] || die "$xen: missing or empty: run 'make' in the build tree first (it deploys the hypervisor)"
  xenboot=${RUNQEMU_XEN_BOOT:-multiboot}
  dom0=$((mem / 2))
  root=$(echo "console=hvc0 ${root#console=$RUNQEMU_CONSOLE} $bootparams" | sed 's/,/,,/g')
  bootparams=
  xsmp=2
  case $xenboot in
    multiboot)
      xenargs="console=com1 com1=115200,8n1 dom0_mem=${dom0}M,max:${dom0}M $xenparams"
      root="earlyprintk=xen $root"
      # QEMU 7.2's TCG emulates SMAP so that Xen's PV dom0 (its kernel runs in
      # ring 3) faults at its first instructions: "d0v0 Unhandled: vec 14".
      # With two vCPUs (multi-threaded TCG), dom0's short-lived processes (the
      # hotplug scripts' bash, busybox) die of segfaults at valid addresses and
      # xl's vif and disk scripts time out; one vCPU runs them cleanly.
      if [ "$accel" = tcg ]; then
        cpu=max,-smap xsmp=1
        echo "$me: TCG: -cpu max,-smap -smp 1 (Xen's PV dom0 crashes under TCG's SMAP emulation, and its processes fault at random with two vCPUs)" >&2
      fi
      set -- -machine "$RUNQEMU_MACHINE" -kernel "$xen" -append "$xenargs" -initrd "$kernel $root" "$@" ;;
    guest-loader)
      # Xen's console is the PL011 of QEMU's device tree. QEMU puts that
      # tree at RAM + min(RAM/2, 128 MiB) (RAM starts at 1 GiB on virt); a
      # module loaded over it makes QEMU 7.2 crash or Xen panic, so dom0's
      # kernel goes 2 MiB above it.
      xenargs="console=dtuart dtuart=/pl011@9000000 dom0_mem=${dom0}M,max:${dom0}M $xenparams"
      dtb=$((mem / 2)); [ "$dtb" -gt 128 ] && dtb=128
      kaddr=$(((1024 + dtb + 2) * 1024 * 1024))
      ksize=$(wc -c <"$kernel")
      [ $((kaddr + ksize)) -lt $(((1024 + mem) * 1024 * 1024)) ] ||
        die "mem=$mem: $kernel ($ksize bytes) does not fit above QEMU's device tree; give more memory (mem=)"
      set -- -machine "${RUNQEMU_HOST_MACHINE:-$RUNQEMU_MACHINE}" -kernel "$xen" -append "$xenargs" \
        -device "guest-loader,addr=$(printf '0x%x' "$kaddr"),kernel=$kernel,bootargs=$root" "$@" ;;
    *) die "runqemu.conf: RUNQEMU_XEN_BOOT '$xenboot' is neither multiboot nor guest-loader (re-run make)" ;;
  esac
fi

echo "$me: booting $target ($accel${xen:+, Xen}): Ctrl-a x ends QEMU, Ctrl-a c its monitor" >&2
if [ -n "$xen" ]; then
  # shellcheck disable=SC2086
  exec "$RUNQEMU_QEMU" -nodefaults -no-user-config -display none \
    -accel "$accel" -cpu "$cpu" -m "$mem" -smp "$xsmp" \
    "$@" -netdev "user,id=net0$fwd" -device virtio-net-pci,netdev=net0 \
    -serial mon:stdio -no-reboot $qemuparams
fi
# shellcheck disable=SC2086
exec "$RUNQEMU_QEMU" -nodefaults -no-user-config -display none -machine "$machine" \
  -accel "$accel" -cpu "$cpu" -m "$mem" -smp 2 -kernel "$kernel" -append "$root $bootparams" \
  "$@" -netdev "user,id=net0$fwd" -device virtio-net-pci,netdev=net0 \
  -serial mon:stdio -no-reboot $qemuparams

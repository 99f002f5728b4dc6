# SPDX-License-Identifier: GPL-2.0-or-later
# Fixtures for the stager tests: a host tree, guest kernels (boot-protocol
# headers, tests/functional/lib.sh) and guest images made by vmbundle
# mkimage, declarations in $scratch/guests. Sourced after lib.sh.

# same, quiet, no_leftovers, SOURCE_DATE_EPOCH, umask.
. "$top_srcdir/tests/functional/mkimage-lib.sh"
BOARD=testboard
deploy="$scratch/deploy"
work="$scratch/work"
gdir="$scratch/guests"
err="$scratch/stderr"

for tool in mke2fs e2fsck debugfs; do
  command -v $tool >/dev/null || skip_all "$tool not found (Debian: e2fsprogs)"
done

# stage ARGS...: vmbundle stage with the fixture's fixed options; stderr in
# $err, status in $rc.
stage() {
  rc=0
  "$VMBUNDLE" stage --deploy "$deploy" --board $BOARD --work "$work" --guests-dir "$gdir" \
    "$@" 2>"$err" || rc=$?
}

# A tiny root filesystem tree with a real program in it.
mk_tree() {
  rm -rf "$1" && mkdir -p "$1/bin" "$1/etc" "$1/var/lib"
  if command -v busybox >/dev/null; then cp "$(command -v busybox)" "$1/bin/busybox"
  else printf '#!/bin/sh\n' >"$1/bin/busybox"; fi
  chmod 755 "$1/bin/busybox"
  echo "$2" >"$1/etc/hostname"
  printf '/bin/busybox f 4755 0 0 - - - - -\n' >"$1.perms"
}

# guest_image NAME FORMAT: DEPLOY/NAME-BOARD.rootfs.FMT of a tree of its own.
guest_image() {
  mk_tree "$scratch/trees/$1" "$1"
  "$VMBUNDLE" mkimage --tree "$scratch/trees/$1" --permissions "$scratch/trees/$1.perms" \
    --format "$2" --output "$deploy/$1-$BOARD.rootfs.$2"
}

# decl NAME LINES...: guests/NAME.conf
decl() { n=$1; shift; printf '%s\n' "$@" >"$gdir/$n.conf"; }

make_stage_fixture() {
  rm -rf "$deploy" "$work" "$gdir" "$scratch/trees"
  mkdir -p "$deploy" "$gdir" "$scratch/trees"
  mk_tree "$scratch/host" host
  for g in g1 g2 driver user; do
    mk_bzimage "$deploy/bzImage-$g"
    printf 'CONFIG_%s=y\n' "$g" >"$deploy/config-$g"
  done
  # g1's kernel finds virtio-mmio devices: the stager runs it on microvm.
  printf 'CONFIG_VIRTIO_MMIO=y\nCONFIG_ACPI=y\nCONFIG_KVM_GUEST=y\n' >>"$deploy/config-g1"
  # The user VM shares folders: its kernel has 9p over virtio.
  printf 'CONFIG_NET_9P=y\nCONFIG_NET_9P_VIRTIO=y\nCONFIG_9P_FS=m\n' >>"$deploy/config-user"
  mk_bzimage "$deploy/bzImage-host"
  printf 'CONFIG_HOST=y\n' >"$deploy/config-host"
  guest_image g1 ext4
  guest_image g2 ext4
  guest_image user qcow2
  # A data disk with a hole in the middle.
  truncate -s 64M "$scratch/data.img"
  printf 'data-at-32M' | dd of="$scratch/data.img" bs=1 seek=33554432 conv=notrunc 2>/dev/null
  decl g1 'memory = 256' 'network = user' 'autostart = yes' 'autostart_order = 5' \
    "disks = $scratch/data.img"
  decl g2 'memory = 128' 'network = none' 'cmdline = console=ttyS0 root=/dev/vda ro quiet' \
    'entropy = no'
  decl user 'image_formats = qcow2' 'install_name = user-vm.qcow2' 'memory = 512' \
    'shares = media=/srv/media,ro home=/home/user,mount=/home,security=mapped-xattr'
  decl driver 'carries = user' 'network = bridge' 'extends = g2'
}

# in_image IMG PATH: the file's content from the image on stdout.
in_image() { debugfs -R "cat $2" "$1" 2>/dev/null; }
# image_sha IMG PATH
image_sha() { in_image "$1" "$2" | sha256sum | cut -d' ' -f1; }

# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for the boot tests (tests/boot/*.test): where the images
# are, the QEMU command lines, a tiny test rootfs of our own, and the console
# driver (vmb-expect). Sourced after tests/functional/lib.sh.
#
# Timeouts are the measured times (../shared/reference/qemu-and-kbuild-facts.md)
# with a wide margin; VMB_TIMEOUT_MULT multiplies them on slow machines.
# Pass and fail come from the console (markers), never from QEMU's exit
# status alone: -no-reboot exits 0 whatever happened.

mkvar() { sed -n "s/^$1 = //p" "$top_builddir/config.mk"; }
. "$top_srcdir/tests/boot/trouble.sh"
[ "$(mkvar VMB_BUNDLE)" = yes ] || skip_all "configured with --disable-bundle: nothing to boot"
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 is not installed (build-aux/install-deps)"

board=$(mkvar VMB_BOARD)
deploy="$top_builddir/deploy/images/$board"
expect_prog="$top_builddir/tests/boot/vmb-expect"
guests=$(mkvar VMB_GUESTS)
[ "$(mkvar MULTI_KVM_GUEST_TRIGGER)" = 1 ] || guests=
busybox_static=${VMB_TEST_BUSYBOX:-/bin/busybox}

# The version a kernel reports (uname -r), read from the image itself.
kernel_version() {
  "$VMBUNDLE" probe "$1" | sed -n 's/.*(Linux \([^ )]*\).*/\1/p'
}

# A guest's hostname: its declaration's hostname, else its name.
guest_hostname() {
  h=$(sed -n 's/^hostname *= *//p' "$(mkvar "VMB_GUEST_$1_CONF")" 2>/dev/null)
  echo "${h:-$1}"
}

# The project's rootfs image for NAME, from the rootfs or stage step, or
# nothing when that step has not run.
rootfs_image() {
  for f in "$deploy/$1-$board.rootfs.ext4" "$deploy/$1-$board.rootfs.cpio.gz"; do
    [ -s "$f" ] && { echo "$f"; return; }
  done
}

# A tiny initramfs of our own, independent of the rootfs step: static busybox
# and an /init that prints the contract's marker and powers off on request.
# make_test_initramfs HOSTNAME OUTPUT
make_test_initramfs() {
  t="$scratch/tree-$1"
  rm -rf "$t"
  mkdir -p "$t/bin" "$t/dev" "$t/proc" "$t/sys" "$t/etc" "$t/tmp"
  cp "$busybox_static" "$t/bin/busybox"
  ln -s busybox "$t/bin/sh"
  echo "$1" >"$t/etc/hostname"
  cat >"$t/init" <<'INIT'
#!/bin/sh
# The boot tests' own init: the rootfs contract's marker, then a shell.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
hostname -F /etc/hostname
echo "vmbundle-ready hostname=$(hostname) kernel=$(uname -r)"
exec setsid cttyhack sh
INIT
  chmod 755 "$t/init"
  printf '%s\n' '/dev d 755 0 0 - - - - -' '/dev/console c 600 0 0 5 1 - - -' >"$scratch/perm-$1"
  "$VMBUNDLE" mkimage --tree "$t" --permissions "$scratch/perm-$1" --format cpio.gz --epoch 0 \
    --output "$2"
}

# The QEMU command for vmb-expect: "$qemu_test" KERNEL APPEND [QEMU ARG...]
# (see tests/boot/qemu-test.sh).
qemu_test="$top_srcdir/tests/boot/qemu-test.sh"

# boot LABEL STEPS... -- QEMU ARGS: run vmb-expect with the console log in
# $scratch/LABEL.log; prints the step times as TAP comments. A kernel panic,
# a launcher error or a QEMU complaint fails the boot at once.
# After the steps, the whole log is read for kernel trouble (a WARNING, BUG,
# Oops, call trace ...; tests/boot/trouble.sh): a boot that printed one
# fails, unless tests/boot/known-artefacts excuses it with a reason.
boot() {
  label=$1; shift
  boot_rc=0
  "$expect_prog" --log="$scratch/$label.log" --label="$label" \
    --fail='Kernel panic' --fail='^vmguest: .*(failed with|was killed|ended at once|cannot be read|is not a )' --fail='^qemu-system-[a-z0-9_]*: ' "$@" || boot_rc=$?
  if ! kernel_trouble "$scratch/$label.log" >"$scratch/$label.trouble"; then
    echo "# $label: kernel trouble on the console (see tests/boot/known-artefacts for what is excused):"
    cat "$scratch/$label.trouble"
    boot_rc=1
  fi
  return $boot_rc
}

# Is the console's shell taking commands? Type an arithmetic echo and wait
# for its result, which the echo of the typed line cannot match (a prompt
# regex cannot tell: terminal queries and kernel messages share its line).
shell_probe='echo vmb-shell-$((6*7))'
shell_ok='vmb-shell-42'

# The marker the rootfs contract promises.
# The version must end there: 6.1.192 is not 6.1.192-kvm-guest1.
ready_re() { printf 'vmbundle-ready hostname=%s kernel=%s([^-.+0-9a-z]|$)' "$1" "$(printf '%s' "$2" | sed 's/[.+]/\\&/g')"; }

# milestone STAMPS ERE [AFTER]: in a console log stamped by vmb-expect
# --stamps, the time of the first line matching ERE at or after second
# AFTER, or "-" (bench/boot, bench/xen).
milestone() {
  awk -v re="$2" -v after="${3:-0}" '$1 + 0 >= after + 0 { l = $0; sub(/^ *[0-9.]+ /, "", l); if (l ~ re) { print $1 + 0; found = 1; exit } }
    END { if (!found) print "-" }' "$1"
}

# Collect results of background boots: wait_boots runs `wait` on each pid
# in $boot_pids and records LABEL:RC in $scratch/results.
boot_bg() {
  label=$1; shift
  ( boot "$label" "$@" >"$scratch/$label.out" 2>&1 &
    echo $! >"$scratch/$label.pid"
    rc=0; wait $! || rc=$?; echo "$rc" >"$scratch/$label.rc" ) &
  boot_pids="${boot_pids-} $!"
}
# stop_boot LABEL: end a background boot early (vmb-expect kills its QEMU).
stop_boot() { [ -f "$scratch/$1.pid" ] && kill "$(cat "$scratch/$1.pid")" 2>/dev/null; }
wait_boots() {
  for p in ${boot_pids-}; do wait "$p"; done
  boot_pids=
}
# report_boot LABEL DESCRIPTION: a TAP line for a background boot, with its
# step times, and its console tail on failure.
report_boot() {
  cat "$scratch/$1.out"
  check "$2" test "$(cat "$scratch/$1.rc" 2>/dev/null)" = 0
}

# The host image the stager wrote, and its manifest.
host_image="$deploy/host-$board.rootfs.ext4"
manifest="$deploy/manifest.json"

# manifest_files: "PATH SIZE SHA256" for every staged file, at any nesting
# depth. The stager writes one key a line in a fixed order (path, ..., size,
# ..., sha256), so awk reads it without a JSON tool.
manifest_files() {
  awk -F'"' '
    $2 == "path"   { path = $4 }
    $2 == "size"   { size = $3; gsub(/[^0-9]/, "", size) }
    $2 == "sha256" { print path, size, $4 }' "$manifest"
}

# manifest_guests: "NAME IMAGE" for each guest the host carries (IMAGE: its
# rootfs file, or its initrd).
manifest_guests() {
  awk -F'"' '
    $2 == "name"  { name = $4 }
    $2 == "role"  { role = $4 }
    $2 == "path" && (role == "rootfs" || role == "initrd") && !(name in seen) { seen[name] = 1; print name, $4 }' "$manifest"
}

# host_boot_args: QEMU arguments after the kernel and command line for the
# host: its disk, never written (snapshot), and room for its guests.
# i8042.noaux: the kernel waits for every device's probe before it mounts a
# root disk, and the probe of q35's emulated PS/2 mouse (resets and their
# timeouts) took 0.6-0.7 s of each host boot here (bench/boot); a host on
# a serial console has no use for a mouse.
host_append="console=ttyS0 root=/dev/vda rw panic=-1 i8042.noaux"

# build_tree NAME CONFIGURE-ARG...: configure and build a second tree in
# $scratch/NAME for the board ($board: a test may set another first) and
# the kernel type of this one, sharing its kernel
# store (so no kernel is compiled again). Sets $tree_deploy. Logs in
# $scratch/NAME-{configure,make}.log. $bt_make_args: make variables to add;
# $bt_userland: the target-software options instead of this tree's
# (userland_args: its package lock is for its own architecture).
build_tree() {
  bt_name=$1; shift
  [ -f "$top_srcdir/config.status" ] &&
    skip_all "the source tree is configured in place: this test needs a separate build directory"
  bt_store=$(mkvar VMB_KERNEL_STORE)
  : "${bt_store:=$top_builddir/kernel-store}"
  bt_dir="$scratch/$bt_name"
  tree_deploy="$bt_dir/deploy/images/$board"
  mkdir -p "$bt_dir"
  (cd "$bt_dir" && "$top_srcdir/configure" --enable-board="$board" --enable-kernel="$(mkvar VMB_KTYPE)" \
     --with-kernel-store="$bt_store" ${bt_userland-$(userland_args)} "$@") >"$scratch/$bt_name-configure.log" 2>&1 || {
    fail "$bt_name: configure failed (see $scratch/$bt_name-configure.log)"; return 1; }
  # Its own make, outside the harness's jobserver.
  # shellcheck disable=SC2086
  (unset MAKEFLAGS MFLAGS MAKELEVEL; make -C "$bt_dir" -j2 ${bt_make_args-}) >"$scratch/$bt_name-make.log" 2>&1 || {
    fail "$bt_name: make failed (see $scratch/$bt_name-make.log)"
    tail -n 20 "$scratch/$bt_name-make.log" | sed 's/^/#   /'
    return 1; }
}

# SSH into a host through runqemu's forwarded port (ssh.test, xen.test).
# ssh_prepare [PORT]: skips the whole test (before anything is built)
# without Debian's dropbear client or when the port (VMB_TEST_SSH_PORT, else
# PORT, else 2222; tests that may run at once take different ones) is taken;
# makes a key in $scratch/key and sets $ssh_port, $ssh_key (the public key's
# base64 part) and $ssh_key_cmd, the line to type into the host's console
# that authorises the key and prints vmb-key-2.
ssh_prepare() {
  command -v dbclient >/dev/null && command -v dropbearkey >/dev/null ||
    skip_all "dbclient/dropbearkey not installed (Debian: dropbear-bin; build-aux/install-deps)"
  ssh_port=${VMB_TEST_SSH_PORT:-${1:-2222}}
  if command -v ss >/dev/null && ss -Hltn "sport = :$ssh_port" | grep -q .; then
    skip_all "port $ssh_port of 127.0.0.1 is in use (set VMB_TEST_SSH_PORT)"
  fi
  rm -f "$scratch/key"
  dropbearkey -t ed25519 -f "$scratch/key" >/dev/null 2>&1
  ssh_key=$(dropbearkey -y -f "$scratch/key" | sed -n 's/^ssh-ed25519 \([^ ]*\).*/\1/p')
  ssh_key_cmd="mkdir -p /root/.ssh && echo 'ssh-ed25519 $ssh_key' >/root/.ssh/authorized_keys && chmod 700 /root/.ssh && echo vmb-key-\$((1+1))"
}

# ssh_run LABEL COMMAND: once the background boot LABEL's console shows
# vmb-key-2 (at most 300 s), run COMMAND as root on 127.0.0.1:$ssh_port
# (120 s at most; both times VMB_TIMEOUT_MULT); its output in $scratch/ssh.out and ssh.err. Returns its
# status; on failure the boot is stopped, so nothing waits for its end.
ssh_run() {
  sr_n=0 sr_mult=${VMB_TIMEOUT_MULT:-1}
  until grep -q vmb-key-2 "$scratch/$1.log" 2>/dev/null || [ $sr_n -ge $((300 * sr_mult)) ]; do
    sleep 1; sr_n=$((sr_n + 1))
  done
  sr_rc=0
  HOME=$scratch timeout $((120 * sr_mult)) dbclient -yy -i "$scratch/key" -p "$ssh_port" root@127.0.0.1 "$2" \
    >"$scratch/ssh.out" 2>"$scratch/ssh.err" || sr_rc=$?
  [ "$sr_rc" -eq 0 ] || { stop_boot "$1"; sed 's/^/#   /' "$scratch/ssh.err"; }
  return "$sr_rc"
}

# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for the functional tests: TAP output, a scratch copy of the
# source tree, and fixture files. Sourced by tests/functional/*.test.
set -u
PATH=$PATH:/usr/sbin:/sbin
export PATH

tap_n=0
tap_failed=0

pass() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
fail() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n # SKIP $*"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
done_testing() { echo "1..$tap_n"; exit 0; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }

# check DESCRIPTION COMMAND...: pass when COMMAND succeeds.
check() {
  vmb_desc=$1; shift
  if "$@"; then pass "$vmb_desc"; else fail "$vmb_desc"; fi
}

: "${top_srcdir:?run through make check}" "${top_builddir:?run through make check}"
: "${VMBUNDLE:=$top_builddir/vmbundle}"

# A scratch directory per test script, kept after a failure for inspection
# (VMB_SCRATCH: another, for a script named like a test, as bench/xen is).
scratch=${VMB_SCRATCH:-"$top_builddir/tests/functional/$(basename "$0" .test).tmp"}
rm -rf "$scratch"
mkdir -p "$scratch"

# configure refuses to run from a source tree that is itself configured
# (an in-tree build), so the tests configure a copy of the tree's inputs.
make_tree() {
  tree="$scratch/src"
  mkdir -p "$tree"
  for f in configure config.h.in Makefile.in config.mk.in; do
    cp "$top_srcdir/$f" "$tree/"
  done
  cp -R "$top_srcdir/build-aux" "$top_srcdir/src" "$top_srcdir/templates" \
        "$top_srcdir/kernel-configs" "$top_srcdir/guests" "$top_srcdir/mk" "$tree/"
  chmod -R u+w "$tree"
}

# The main build tree's target-software options, for bundle trees a test
# configures itself: the same package cache (nothing is downloaded twice) and
# a copy of the main tree's package lock (the same package versions).
userland_args() {
  vmb_u=$(sed -n 's/^VMB_USERLAND = //p' "$top_builddir/config.mk")
  if [ "$vmb_u" != packages ]; then
    echo "--with-userland=${vmb_u:-host}"
    return
  fi
  vmb_l=$(sed -n 's/^VMB_PACKAGE_LOCK = //p' "$top_builddir/config.mk")
  [ -f "$vmb_l" ] && cp "$vmb_l" "$scratch/packages.lock"
  echo "--with-package-cache=$(sed -n 's/^VMB_PACKAGE_CACHE = //p' "$top_builddir/config.mk")" \
    "--with-package-lock=$scratch/packages.lock"
}

# run_configure [ARGS...]: configure the copy in $scratch/build; stdout in
# $scratch/out, stderr in $scratch/err, exit status in $rc. The bootstrap tool
# is the one make built (so the sanitizer build tests it too), and a cache file
# keeps the compiler checks to one run per script.
run_configure() {
  rm -rf "$scratch/build"
  mkdir -p "$scratch/build"
  rc=0
  (cd "$scratch/build" &&
    "$tree/configure" --cache-file="$scratch/config.cache" VMBUNDLE_TOOL="$VMBUNDLE" "$@") \
      >"$scratch/out" 2>"$scratch/err" || rc=$?
}

# expect_error DESCRIPTION MESSAGE [ARGS...]: configure must fail with exactly
# "configure: error: MESSAGE" as a line of its stderr.
expect_error() {
  vmb_desc=$1 vmb_msg=$2; shift 2
  run_configure "$@"
  if [ "$rc" -eq 0 ]; then
    fail "$vmb_desc: configure succeeded"
    return
  fi
  if grep -qxF "configure: error: $vmb_msg" "$scratch/err"; then
    pass "$vmb_desc"
  else
    fail "$vmb_desc"
    diag "expected: configure: error: $vmb_msg" "got:"
    sed -n '/error:/p' "$scratch/err" | sed 's/^/#   /'
  fi
}

# expect_success DESCRIPTION [ARGS...]
expect_success() {
  vmb_desc=$1; shift
  run_configure "$@"
  if [ "$rc" -eq 0 ]; then
    pass "$vmb_desc"
  else
    fail "$vmb_desc (exit $rc)"
    tail -n 5 "$scratch/err" | sed 's/^/#   /'
  fi
}

# output_has DESCRIPTION LINE: configure's stdout (the summary) has LINE.
output_has() {
  if grep -qxF -- "$2" "$scratch/out"; then pass "$1"; else
    fail "$1"; diag "no line: $2"; sed -n '/configured$/,$p' "$scratch/out" | sed 's/^/#   /'
  fi
}

# config_has DESCRIPTION LINE: the generated config.mk has LINE.
config_has() {
  if grep -qxF -- "$2" "$scratch/build/config.mk"; then pass "$1"; else
    fail "$1"; diag "no line in config.mk: $2"
  fi
}

# ---- fixtures: files whose content says what they are -------------------

# An x86 boot-protocol header is all configure's probe needs to see a bzImage.
mk_bzimage() {
  head -c 8192 /dev/zero >"$1"
  printf '\125\252' | dd of="$1" bs=1 seek=510 conv=notrunc 2>/dev/null   # boot flag at 0x1fe
  printf 'HdrS' | dd of="$1" bs=1 seek=514 conv=notrunc 2>/dev/null       # header magic at 0x202
  printf '\017\002' | dd of="$1" bs=1 seek=518 conv=notrunc 2>/dev/null  # boot protocol 2.15 at 0x206
  printf '\000\002' | dd of="$1" bs=1 seek=526 conv=notrunc 2>/dev/null # version string at 0x400
  printf '6.1.0-fixture (test@test) #1' | dd of="$1" bs=1 seek=1024 conv=notrunc 2>/dev/null
}
mk_arm64_image() {
  head -c 4096 /dev/zero >"$1"
  printf 'ARM\144' | dd of="$1" bs=1 seek=56 conv=notrunc 2>/dev/null
}
mk_ext4() { rm -f "$1"; mke2fs -q -F -t ext4 "$1" 4M >/dev/null 2>&1; }
mk_cpio_gz() {
  mkdir -p "$scratch/cpio-root" && echo '#!/bin/sh' >"$scratch/cpio-root/init"
  (cd "$scratch/cpio-root" && echo init | cpio --quiet -o -H newc) | gzip -n >"$1"
}
mk_qcow2() { qemu-img create -q -f qcow2 "$1" 16M; }
mk_mbr_disk() {
  head -c 1048576 /dev/zero >"$1"
  # One Linux (0x83) partition from sector 2048 for 2048 sectors.
  printf '\000\000\000\000\203\000\000\000\000\010\000\000\000\010\000\000' |
    dd of="$1" bs=1 seek=446 conv=notrunc 2>/dev/null
  printf '\125\252' | dd of="$1" bs=1 seek=510 conv=notrunc 2>/dev/null
}

# Two build trees of the same sources, configuration and SOURCE_DATE_EPOCH
# deploy the same bytes (doc/deploy.md). deploy_artefacts DIR: what a deploy
# directory holds that must not depend on the build tree, sorted: not the
# measurements of a build (buildstats/, the build timeline), logs or make's
# stamps. deploy_differences D1 D2: those of D1 that D2 lacks, or has with
# other bytes (a link: another target), one a line.
deploy_artefacts() {
  (cd "$1" && find . \( -path ./buildstats -o -path ./graphs/graph-build.svg -o -name '*.log' -o -name '.kernel-*' \) \
     -prune -o \( -type f -o -type l \) -print | LC_ALL=C sort)
}
deploy_differences() {
  deploy_artefacts "$1" | while read -r vmb_f; do
    if [ -L "$1/$vmb_f" ]; then
      [ "$(readlink "$1/$vmb_f")" = "$(readlink "$2/$vmb_f" 2>/dev/null)" ] || echo "$vmb_f"
    else
      cmp -s "$1/$vmb_f" "$2/$vmb_f" || echo "$vmb_f"
    fi
  done
}

# free_port: a TCP port nothing listens on at 127.0.0.1 now (the kernel picks
# it), for a daemon a test starts on loopback. Another process may take it
# before the daemon does: callers check that their daemon came up.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

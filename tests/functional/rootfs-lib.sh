# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the rootfs tests. Sourced after lib.sh and mkimage-lib.sh.

templates="$top_srcdir/templates"

# rootfs ARGS...: run vmbundle rootfs with the project's templates after any
# --templates-dir the test gives; stderr in $err, status in $rc.
rootfs() { rc=0; "$VMBUNDLE" rootfs "$@" --templates-dir="$templates" 2>"$err" || rc=$?; }

# image OUT FORMAT FILE: mkimage of the tree in OUT.
image() {
  mkimage --tree "$1/tree" --permissions "$1/permissions" --format "$2" $(name_opt "$2" root) --output "$3"
}

# ext_stat IMAGE PATH...: "path type mode uid gid detail" from debugfs, where
# detail is major:minor for devices and the target for symlinks.
ext_stat() {
  es_img=$1; shift
  for p in "$@"; do echo "stat $p"; done >"$scratch/es.cmds"
  debugfs -f "$scratch/es.cmds" "$es_img" 2>/dev/null | awk '
    function flush() { if (path != "") print path, t, mode, uid, gid, detail }
    /^debugfs: stat / { flush(); path = $3; detail = "-"; next }
    /Type:/ { for (i = 1; i <= NF; i++) { if ($i == "Type:") ty = $(i + 1); if ($i == "Mode:") mode = $(i + 1) }
              sub(/^0+/, "", mode)
              t = ty == "regular" ? "f" : ty == "directory" ? "d" : ty == "symlink" ? "l" : ty == "character" ? "c" : "?" }
    /^User:/ { uid = $2; gid = $4 }
    /Fast link dest:/ { detail = $4; gsub(/"/, "", detail) }
    /Device major\/minor number:/ { split($4, mm, ":"); detail = (mm[1] + 0) ":" (mm[2] + 0) }
    END { flush() }'
}

# tree_sum DIR: one checksum over a tree's names, types, modes and content.
tree_sum() {
  (cd "$1" && find . -printf '%p %y %m %l\n' | LC_ALL=C sort &&
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 cat) | sha256sum | cut -c1-64
}

# no_tmp OUT: no temporary trees or tables left in OUT.
no_tmp() { ! ls -a "$1" | grep -q '^\.\(tree\|permissions\)\.\(tmp\|old\)-'; }

# expect_fail DESCRIPTION PATTERN: the last rootfs/mkimage run failed and
# said PATTERN (an extended regular expression) on stderr.
expect_fail() {
  if [ "$rc" -ne 0 ] && grep -Eq -- "$2" "$err"; then pass "$1"; else
    fail "$1 (exit $rc)"; diag "wanted: $2" "got:"; sed 's/^/#   /' "$err"
  fi
}

# mk_modules TARBALL: a kernel modules tarball the way the kernel step writes
# it (lib/modules/KVER/...), with three tiny modules: a needs b (by symbol),
# c-mod stands alone, builtin_fs is built in. depmod reads them like real ones.
mk_modules() {
  mm_dir="$scratch/mods-src"
  mm_k="$mm_dir/lib/modules/6.1.0-test"
  rm -rf "$mm_dir" && mkdir -p "$mm_k/kernel/drivers/x"
  cat >"$mm_dir/b.c" <<'EOC'
const char __kstrtab_b_func[] __attribute__((section("__ksymtab_strings"), used)) = "b_func";
static const char info[] __attribute__((section(".modinfo"), used)) = "license=GPL\0name=b\0";
int b_func(void) { return 1; }
EOC
  cat >"$mm_dir/a.c" <<'EOC'
extern int b_func(void);
static const char info[] __attribute__((section(".modinfo"), used)) = "license=GPL\0depends=b\0name=a\0";
int a_func(void) { return b_func(); }
EOC
  cat >"$mm_dir/c-mod.c" <<'EOC'
static const char info[] __attribute__((section(".modinfo"), used)) = "license=GPL\0name=c_mod\0";
int c_func(void) { return 3; }
EOC
  for m in a b c-mod; do cc -c -o "$mm_k/kernel/drivers/x/$m.ko" "$mm_dir/$m.c" || return 1; done
  printf 'kernel/drivers/x/a.ko\nkernel/drivers/x/b.ko\nkernel/drivers/x/c-mod.ko\n' >"$mm_k/modules.order"
  printf 'kernel/fs/builtin_fs.ko\n' >"$mm_k/modules.builtin"
  : >"$mm_k/modules.builtin.modinfo"
  ln -s /nonexistent/build "$mm_k/build"
  tar -czf "$1" -C "$mm_dir" lib
}

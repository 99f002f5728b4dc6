# SPDX-License-Identifier: GPL-2.0-or-later
# Fixtures and checks for the mkimage tests. Sourced after lib.sh.

SOURCE_DATE_EPOCH=1577836800 # 2020-01-01 00:00:00 UTC
export SOURCE_DATE_EPOCH
umask 022

# mkimage ARGS...: run vmbundle mkimage; stderr in $err, status in $rc.
err="$scratch/stderr"
mkimage() { rc=0; "$VMBUNDLE" mkimage "$@" 2>"$err" || rc=$?; }

# uses_name FORMAT: whether mkimage --help says FORMAT uses --name (the
# handler's capability); mkimage refuses --name for the other formats.
uses_name() {
  "$VMBUNDLE" mkimage --help |
    awk -v f="$1" '$1 == f { getline; found = $1 == "uses" && / --name( |$)/ } END { exit !found }'
}

# name_opt FORMAT NAME: "--name NAME" for a format that uses it, else nothing.
name_opt() { if uses_name "$1"; then printf '%s\n' "--name" "$2"; fi; }

# make_fixture DIR [SPARSE_SIZE]: a staged tree with a file in every
# interesting shape, and its permissions table in DIR.perms. The sparse file
# (1G unless told) holds "sparse-data" at 5000000 and nothing else.
make_fixture() {
  mf_dir=$1 mf_sparse=${2:-1G}
  rm -rf "$mf_dir"
  mkdir -p "$mf_dir/bin" "$mf_dir/etc" "$mf_dir/empty" "$mf_dir/usr/lib" "$mf_dir/dev"
  printf 'fixture\n' >"$mf_dir/etc/hostname"
  printf '#!/bin/sh\necho hi\n' >"$mf_dir/bin/hi"
  chmod 755 "$mf_dir/bin/hi"
  ln "$mf_dir/bin/hi" "$mf_dir/bin/hi2"
  ln -s ../etc/hostname "$mf_dir/bin/hn"
  ln -s "$(printf '%0100d' 0 | tr 0 x)" "$mf_dir/bin/longlink"
  # Bytes that do not compress, made without a random source.
  awk 'BEGIN { x = 12345; for (i = 0; i < 40000; i++) { x = (x * 1103515245 + 12345) % 2147483648; printf "%08x", x } }' \
    >"$mf_dir/usr/lib/data"
  truncate -s "$mf_sparse" "$mf_dir/usr/lib/sparse"
  printf 'sparse-data' | dd of="$mf_dir/usr/lib/sparse" bs=1 seek=5000000 conv=notrunc 2>/dev/null
  cat >"$mf_dir.perms" <<'EOF'
# <name>      <type> <mode> <uid> <gid> <major> <minor> <start> <inc> <count>
/dev          d 755 0 0 - - - - -
/dev/console  c 600 0 5 5 1 - - -
/dev/null     c 666 0 0 1 3 - - -
/dev/kvm      c 660 0 78 10 232 - - -
/dev/net      d 755 0 0 - - - - -
/dev/net/tun  c 666 0 0 10 200 - - -
/dev/initctl  p 600 0 0 - - - - -
/etc/hostname f 640 1000 1000 - - - - -
/bin/hi       f 4755 0 0 - - - - -
/usr          r - 0 0 - - - - -
/empty        d 700 0 0 - - - - -
EOF
}

# The fixture as every format must carry it: path type mode uid gid links
# detail (size of files and symlink targets, major:minor of devices);
# directories' link counts depend on the format, so they show '-'.
expected_manifest() {
  cat <<EOF
/bin d 755 0 0 - -
/bin/hi f 4755 0 0 2 18
/bin/hi2 f 4755 0 0 2 18
/bin/hn l 777 0 0 1 15
/bin/longlink l 777 0 0 1 100
/dev d 755 0 0 - -
/dev/console c 600 0 5 1 5:1
/dev/initctl p 600 0 0 1 -
/dev/kvm c 660 0 78 1 10:232
/dev/net d 755 0 0 - -
/dev/net/tun c 666 0 0 1 10:200
/dev/null c 666 0 0 1 1:3
/empty d 700 0 0 - -
/etc d 755 0 0 - -
/etc/hostname f 640 1000 1000 1 8
/usr d 755 0 0 - -
/usr/lib d 755 0 0 - -
/usr/lib/data f 644 0 0 1 320000
/usr/lib/sparse f 644 0 0 1 $1
EOF
}

# tree_manifest DIR: the same lines for an extracted tree.
tree_manifest() {
  (cd "$1" && find . -mindepth 1 ! -name lost+found | LC_ALL=C sort | while read -r p; do
    set -- $(stat -c '%F %a %u %g %h %s %t %T' "$p")
    case $1 in
      regular) t=f d=$7 ;; directory) t=d d=- ;; symbolic) t=l d=$(stat -c %s "$p") ;;
      character) t=c d=$((0x$(stat -c %t "$p"))):$((0x$(stat -c %T "$p"))) ;;
      block) t=b d=$((0x$(stat -c %t "$p"))):$((0x$(stat -c %T "$p"))) ;;
      fifo) t=p d=- ;;
      *) t=? d=? ;;
    esac
    set -- $(stat -c '%a %u %g %h %s' "$p")
    links=$4
    [ "$t" = d ] && links=-
    [ "$t" = f ] && d=$5
    echo "${p#.} $t $1 $2 $3 $links $d"
  done)
}

# ext_manifest IMAGE: the same lines read from an ext image with debugfs
# (no root needed), for the paths of the expected manifest.
ext_manifest() {
  expected_manifest x | while read -r p rest; do echo "stat $p"; done >"$scratch/stat.cmds"
  debugfs -f "$scratch/stat.cmds" "$1" 2>/dev/null | awk '
    function flush() { if (path != "") print path, t, mode, uid, gid, (t == "d" ? "-" : links), detail }
    /^debugfs: stat / { flush(); path = $3; detail = "-"; next }
    /Type:/ {
      for (i = 1; i <= NF; i++) {
        if ($i == "Type:") ty = $(i + 1)
        if ($i == "Mode:") mode = $(i + 1)
      }
      sub(/^0+/, "", mode)
      t = ty == "regular" ? "f" : ty == "directory" ? "d" : ty == "symlink" ? "l" : \
          ty == "character" ? "c" : ty == "block" ? "b" : ty == "FIFO" ? "p" : "?"
    }
    /^User:/ { uid = $2; gid = $4; for (i = 1; i <= NF; i++) if ($i == "Size:") size = $(i + 1)
               if (t == "f" || t == "l") detail = size }
    /^Links:/ { links = $2 }
    /Device major\/minor number:/ { split($4, mm, ":"); detail = (mm[1] + 0) ":" (mm[2] + 0) }
    END { flush() }'
}

# same DESCRIPTION GOT EXPECTED: compare two files, showing the difference.
same() {
  if cmp -s "$2" "$3"; then
    pass "$1"
  else
    fail "$1"
    diff -u "$3" "$2" | sed 's/^/#   /'
  fi
}

# no_leftovers DIR: no temporary files of ours in DIR.
no_leftovers() {
  ! ls -a "$1" | grep -q '^\..*\.\(tmp\|ext2\|ext4\|cpio\.gz\|mke2fs\.conf\)-'
}

# quiet COMMAND...: run COMMAND without its output (for check).
quiet() { "$@" >/dev/null 2>&1; }

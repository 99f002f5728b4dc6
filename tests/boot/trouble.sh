# SPDX-License-Identifier: GPL-2.0-or-later
# kernel_trouble LOG: print the kernel trouble on a console log (a WARNING
# with its block, BUG, Oops, a call trace, a panic, a general protection
# fault, UBSAN/KASAN reports), minus the blocks tests/boot/known-artefacts
# excuses, as TAP comments; succeed only when there is none. Sourced by
# tests/boot/lib.sh (every boot runs it on its log) and by
# tests/functional/boot-trouble.test.
kernel_trouble() {
  awk -v allow="${VMB_KNOWN_ARTEFACTS:-$top_srcdir/tests/boot/known-artefacts}" '
    BEGIN {
      while ((getline l < allow) > 0) {
        if (l ~ /^#/ || l == "") continue
        split(l, f, "\t"); pats[++npats] = f[1]
      }
    }
    function excused(s,   i) { for (i = 1; i <= npats; i++) if (s ~ pats[i]) return 1; return 0 }
    function trouble(s) {
      return s ~ /WARNING: CPU:|BUG: |kernel BUG at|Oops|Call Trace:|Kernel panic - not syncing|general protection fault|Unable to handle kernel|UBSAN:|KASAN:|BUG: KASAN|RIP: [0-9a-f][0-9a-f][0-9a-f][0-9a-f]:/
    }
    function flush_block(   i) {
      if (!blockok) for (i = 1; i <= nblock; i++) if (trouble(block[i]) || i == 1) report(block[i])
      nblock = 0; inblock = 0; blockok = 0
    }
    function report(s) { printf "#   %s\n", s; found++ }
    { sub(/\r$/, "") }
    /------------\[ cut here \]------------/ { if (inblock) flush_block(); inblock = 1; blockok = 0; nblock = 0; block[++nblock] = $0; next }
    inblock {
      block[++nblock] = $0
      if (excused($0)) blockok = 1
      if ($0 ~ /---\[ end trace/ || nblock > 200) flush_block()
      next
    }
    trouble($0) && !excused($0) { report($0) }
    END { if (inblock) flush_block(); exit found ? 1 : 0 }' "$1"
}

# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the corpus tests: where Yocto's kernel-cache is, the two
# descriptions of issue 3, and TAP helpers.
corpus="$top_srcdir/../shared/corpus/yocto-kernel-cache-6.1"
# canonical, as the paths vmbundle writes
[ -d "$corpus" ] && corpus=$(cd "$corpus" && pwd -P)
host_inputs="bsp/common-pc-64/common-pc-64-standard.scc features/kvm/qemu-kvm-enable.scc"
guest_inputs="bsp/common-pc-64/common-pc-64-standard.scc cfg/virtio.scc cfg/paravirt_kvm.scc"

n=0
failed=0
ok() { # ok COND-EXIT-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
skip_all() { echo "1..0 # SKIP $1"; exit 0; }
finish() { echo "1..$n"; exit 0; }

# Option lines only, trailing blanks dropped, sorted: merge_config.sh keeps
# comments and blank lines, and its order differs where lines moved.
option_lines() {
	grep -E '^CONFIG_[A-Za-z0-9_]+=|^# CONFIG_[A-Za-z0-9_]+ is not set$' "$1" | sed 's/[ 	]*$//' | LC_ALL=C sort
}

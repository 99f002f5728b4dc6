# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the corpus tests: where Yocto's kernel-cache is and the two
# descriptions of issue 3. TAP output is the one helper's,
# tests/functional/lib.sh (sourced here; VMB_SCRATCH names the scratch).
. "$top_srcdir/tests/functional/lib.sh"
# (configure's --with-test-corpus, canonical as the paths vmbundle writes)
corpus="${VMB_TEST_CORPUS:-/nonexistent}/yocto-kernel-cache-6.1"
host_inputs="bsp/common-pc-64/common-pc-64-standard.scc features/kvm/qemu-kvm-enable.scc"
guest_inputs="bsp/common-pc-64/common-pc-64-standard.scc cfg/virtio.scc cfg/paravirt_kvm.scc"

# ok STATUS DESCRIPTION: a check just run, judged by its exit status.
ok() { if [ "$1" -eq 0 ]; then pass "$2"; else fail "$2"; fi; }

# Option lines only, trailing blanks dropped, sorted: merge_config.sh keeps
# comments and blank lines, and its order differs where lines moved.
option_lines() {
	grep -E '^CONFIG_[A-Za-z0-9_]+=|^# CONFIG_[A-Za-z0-9_]+ is not set$' "$1" | sed 's/[ 	]*$//' | LC_ALL=C sort
}

# SPDX-License-Identifier: GPL-2.0-or-later
# What the Xen boot tests share (tests/boot/xen.test on x86-64,
# tests/boot/xen-arm64.test on qemuarm64): the audit of features/xen and the
# lines typed into dom0's console. Sourced after tests/boot/lib.sh.
#
# Lines typed into dom0 are short (a long line typed into hvc0 under load
# loses characters), and every result is echoed as arithmetic
# (vmb-x-$((1+1))), which the echo of the typed line cannot match.

# xen_audit_missing CONFIG ARCH: the options of features/xen that apply to
# ARCH (x86_64, arm64) and that CONFIG (a kernel's .config) does not have =y,
# each after a blank; nothing when every one landed.
xen_audit_missing() {
  for xa_cfg in "$top_srcdir"/kernel-configs/features/xen/*.cfg; do
    case $2:${xa_cfg##*/} in
      arm64:xen-domu.cfg|x86_64:*-arm64.cfg) continue ;; # the other arch's
    esac
    for xa_opt in $(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=y$/\1/p' "$xa_cfg"); do
      grep -qx "$xa_opt=y" "$1" || printf ' %s' "$xa_opt"
    done
  done
}

# `xl list`'s line for dom0 with dom0_mem, half of runqemu's 1024 MiB.
xen_dom0_re='^Domain-0 +0 +(49[0-9]|50[0-9]|51[0-2]) '
# dom0's xenbr0 has slirp's first lease from S10network; when DHCP missed it
# under load, this gives the bridge that address itself (as ssh.test does for
# eth0), so a guest's ping of dom0 tests the same path either way.
xen_bridge_fix='ip -4 a s xenbr0 | grep -q inet || ip a a 10.0.2.15/24 dev xenbr0'
# F, typed after a failed `xl create`: the tail of the hotplug scripts' log,
# then vmb-bad-10, which the boot's --fail="$xen_fail_re" fails at once.
xen_hotplug_fn='F(){ tail -n 80 /var/log/xen/xen-hotplug.log; echo vmb-bad-$((5+5)); }'
xen_fail_re='vmb-bad-10'
# c counts the guests `xl list` shows (their names start with xen-); d is
# true once 240 s of dom0's clock have passed since it was typed (not a
# number of rounds: each `xl list` takes seconds under load). A guest that
# has ended stays in `xl list` while dom0 tears its vif down.
xen_count_fn='c() { xl list | grep -c "^xen-"; }'
xen_deadline_fn='e=$(($(date +%s)+240)); d() { [ $(date +%s) -gt $e ]; }'
# xen_wait_count N: the line that waits until N guests are left (or the
# deadline), shows `xl list` (naming a guest that is left) and prints
# vmb-n-COUNT.
xen_wait_count() { printf 'until [ $(c) = %s ] || d; do sleep 2; done; xl list; echo vmb-n-$(c)' "$1"; }

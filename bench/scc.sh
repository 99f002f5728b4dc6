#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/scc.sh BENCH-PROGRAM CORPUS [ITERATIONS]: resolve + merge the KVM host
# and guest descriptions of Yocto's kernel-cache 6.1 repeatedly, then time the
# kernel's own "merge_config.sh -m" on the same fragment queues, print the
# ratio, and check both merged results hold the same option lines.
# merge_config.sh comes from $KSRC (a Linux tree) or is taken out of
# $KERNEL_TARBALL (default /usr/src/linux-source-6.1.tar.xz).
# Targets (issue 3): host <= 40 ms per description, >= 25x faster.
set -eu
bench=$1
corpus=$(cd "$2" && pwd -P)
iterations=${3:-50}
work=$(mktemp -d "${TMPDIR:-/tmp}/vmb-bench-scc.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ -n "${KSRC:-}" ]; then
	merge_config=$KSRC/scripts/kconfig/merge_config.sh
else
	tarball=${KERNEL_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
	(cd "$work" && tar -xJf "$tarball" --wildcards '*/scripts/kconfig/merge_config.sh')
	merge_config=$(ls "$work"/*/scripts/kconfig/merge_config.sh)
fi

ms_now() { date +%s%N | sed 's/......$//'; }
option_lines() {
	grep -E '^CONFIG_[A-Za-z0-9_]+=|^# CONFIG_[A-Za-z0-9_]+ is not set$' "$1" | sed 's/[ 	]*$//' | LC_ALL=C sort
}

status=0
for kind in host guest; do
	case $kind in
	host) inputs="bsp/common-pc-64/common-pc-64-standard.scc features/kvm/qemu-kvm-enable.scc" ;;
	guest) inputs="bsp/common-pc-64/common-pc-64-standard.scc cfg/virtio.scc cfg/paravirt_kvm.scc" ;;
	esac
	# shellcheck disable=SC2086
	line=$("$bench" "$work" "$iterations" "$kind" -I "$corpus" -D KARCH=x86_64 -- $inputs)
	echo "$line"
	ours=$(echo "$line" | sed 's/^[a-z]*: \([0-9.]*\) ms.*/\1/')

	grep -v '^#' "$work/$kind.queue" | cut -d' ' -f2- > "$work/$kind.fragments"
	runs=3
	t0=$(ms_now)
	for _ in $(seq $runs); do
		# shellcheck disable=SC2046
		(cd "$work" && KCONFIG_CONFIG="$work/$kind.mc" sh "$merge_config" -m \
			$(cat "$work/$kind.fragments") > "$work/$kind.mc.log" 2>&1)
	done
	theirs=$(( ($(ms_now) - t0) / runs ))
	echo "$kind: merge_config.sh -m: $theirs ms (mean of $runs runs)"
	awk -v a="$theirs" -v b="$ours" -v k="$kind" 'BEGIN { printf "%s: %.0fx faster than merge_config.sh -m\n", k, a / b }'
	option_lines "$work/$kind.mc" > "$work/$kind.mc.sorted"
	option_lines "$work/$kind.merged" > "$work/$kind.ours.sorted"
	if cmp -s "$work/$kind.mc.sorted" "$work/$kind.ours.sorted"; then
		echo "$kind: merged output identical to merge_config.sh -m (line order aside, $(wc -l < "$work/$kind.ours.sorted") options)"
	else
		echo "$kind: merged output DIFFERS from merge_config.sh -m:"
		diff "$work/$kind.mc.sorted" "$work/$kind.ours.sorted" | head -20
		status=1
	fi
	if [ "$kind" = host ]; then
		awk -v b="$ours" 'BEGIN { exit !(b <= 40) }' || { echo "host: over the 40 ms target"; status=1; }
	fi
	awk -v a="$theirs" -v b="$ours" 'BEGIN { exit !(a / b >= 25) }' || { echo "$kind: under the 25x target"; status=1; }
done
exit $status

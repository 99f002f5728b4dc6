#!/bin/sh
# Run each libFuzzer harness named on the command line (fuzz/bin/NAME, from
# the build tree) for FUZZ_SECONDS, starting from the committed seed and
# regression corpora; new inputs go to fuzz/work/NAME (never into the source
# tree), anything found to fuzz/artifacts/NAME/. Prints one line per target
# and fails when any found a crash, leak, timeout or memory blow-up.
#
# Limits per input: FUZZ_TIMEOUT seconds (default 10) and FUZZ_RSS_MB of
# memory (default 1024): a parser that takes longer or more is a finding.
set -u
: "${FUZZ_SECONDS:=60}" "${FUZZ_TIMEOUT:=10}" "${FUZZ_RSS_MB:=1024}"
: "${top_srcdir:?run through make fuzz}"
failed=0
for t in "$@"; do
  work=fuzz/work/$t art=fuzz/artifacts/$t
  mkdir -p "$work" "$art"
  log=fuzz/work/$t.log
  seeds=$top_srcdir/fuzz/corpus/$t
  [ -d "$top_srcdir/fuzz/regress/$t" ] && seeds="$seeds $top_srcdir/fuzz/regress/$t"
  # -close_fd_mask=1: the parsers' messages would drown the statistics.
  ./fuzz/bin/"$t" -max_total_time="$FUZZ_SECONDS" -timeout="$FUZZ_TIMEOUT" \
    -rss_limit_mb="$FUZZ_RSS_MB" -malloc_limit_mb="$FUZZ_RSS_MB" -print_final_stats=1 \
    -artifact_prefix="$art/" -close_fd_mask=1 \
    "$work" $seeds >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  found=$(find "$art" -type f | wc -l)
  if [ $rc -eq 0 ] && [ "$found" -eq 0 ]; then
    echo "fuzz: $t: ${runs:-?} inputs in ${FUZZ_SECONDS} s, 0 crashes, 0 hangs, corpus $(ls "$work" | wc -l) new"
  else
    echo "fuzz: $t: FAILED (exit $rc) after ${runs:-?} inputs; found: $(ls "$art" | tr '\n' ' ')(log: $log)" >&2
    grep -m3 -E '^==[0-9]+==ERROR|SUMMARY|runtime error|ALARM|out-of-memory' "$log" >&2
    failed=$((failed + 1))
  fi
done
[ $failed -eq 0 ]

#!/usr/bin/env bash
# fuzz/campaign.sh TARGET SECONDS -- a long local fuzzing campaign:
# libFuzzer -fork over the available cores (nproc, or $BCE_JOBS) for
# SECONDS, from fuzz/corpus/TARGET plus the campaign's own corpus
# (build-fuzz/campaign/TARGET, kept between runs), then a corpus merge
# (-merge=1) into build-fuzz/campaign/TARGET-merged: the minimal set with
# the same coverage, ready to review and copy into fuzz/corpus/TARGET.
# Findings go to build-fuzz/campaign/findings/.  Builds the targets first
# (fuzz/ci-fuzz.sh build) unless build-fuzz/out/TARGET exists.
set -euo pipefail
if [ $# -ne 2 ]; then
    echo "usage: $0 TARGET SECONDS   (targets: logits_f64 logits_f32 probs_f64 probs_f32 api)" >&2
    exit 2
fi
t=$1 secs=$2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build-fuzz
jobs=${BCE_JOBS:-$(nproc)}
[ -x "$B/out/$t" ] || "$ROOT/fuzz/ci-fuzz.sh" build
C=$B/campaign
mkdir -p "$C/$t" "$C/findings"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
set +e
nice -n 10 "$B/out/$t" -fork="$jobs" -ignore_crashes=1 -max_total_time="$secs" \
    -dict="$ROOT/fuzz/$t.dict" -max_len=2048 -timeout=10 \
    -artifact_prefix="$C/findings/$t-" -print_final_stats=1 \
    "$C/$t" "$ROOT/fuzz/corpus/$t" 2>&1 | tee "$C/$t.log" | grep -E 'NEW|DONE|exec/s|CHECK FAILED' | tail -n 20
set -e
rm -rf "$C/$t-merged"
mkdir -p "$C/$t-merged"
"$B/out/$t" -merge=1 -dict="$ROOT/fuzz/$t.dict" "$C/$t-merged" \
    "$ROOT/fuzz/corpus/$t" "$C/$t" >"$C/$t-merge.log" 2>&1
echo "merged corpus: $(ls "$C/$t-merged" | wc -l) inputs in $C/$t-merged"
n=$(ls "$C/findings/$t-"* 2>/dev/null | wc -l)
echo "findings: $n (in $C/findings/)"
[ "$n" -eq 0 ]

#!/usr/bin/env bash
# check_throughput.sh BCE LIBBCE_SO -- throughput of `bce check` (issue 15):
# inputs judged per second through a process IUT (`bce eval`, the batch
# protocol) and through --lib (dlopen'd bce_*), counting the rows the fast
# filter decides and those MPFR decides.  A measurement, not a test.
#   bench/check_throughput.sh build/tools/bce build/src/libbce.so
set -euo pipefail
BCE=${1:-build/tools/bce}
LIB=${2:-build/src/libbce.so}
run() { # LABEL ARGS...
    local label=$1
    shift
    local t0 t1
    t0=$(date +%s.%N)
    "$BCE" check --quiet "$@" | tail -1 | sed "s/^/$label: /"
    t1=$(date +%s.%N)
    echo "  (wall $(echo "$t1 - $t0" | bc) s)"
}
# binary32 exhaustive slices: z in [1, 2^16) (2^23 * 4 patterns would be
# long; 2^21 patterns x 2 labels = 4.2e6 inputs)
R=0x3f800000:0x3fa00000
run "exhaustive f32 logits, process (bce eval)" --exhaustive --range $R \
    --type f32 --options default -- "$BCE" eval
run "exhaustive f32 logits, --lib bce_logits_f32" --exhaustive --range $R \
    --type f32 --options default --lib "$LIB" --symbol bce_logits_f32
run "exhaustive f32 probs, --lib bce_probs_f32" --exhaustive --range 0x3e800000:0x3ea00000 \
    --type f32 --form probs --options default --lib "$LIB" --symbol bce_probs_f32
# every regime, every option configuration, f64
run "regimes f64 logits, all options, process" --samples 20000 -- "$BCE" eval
run "regimes f64 logits, all options, --lib" --samples 20000 \
    --lib "$LIB" --symbol bce_logits_f64

#!/usr/bin/env bash
# fuzz/ci-fuzz.sh build|run TARGET SECONDS -- the bounded fuzzing of .ci/run.
#   build            fuzz/oss-fuzz-build.sh with clang,
#                    -fsanitize=fuzzer,address,undefined
#                    -fno-sanitize-recover=all into build-fuzz/out
#   run T SECONDS    libFuzzer on target T for SECONDS (-fork over
#                    $BCE_JOBS cores, default 2) from a scratch copy of its
#                    seed corpus with its dictionary; exit 1 on any finding
#                    (the reproducer is kept in build-fuzz/findings/: add it
#                    to fuzz/corpus/T once fixed).  Prints execs/s.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build-fuzz
case ${1:-} in
build)
    rm -rf "$B"
    CC=clang \
    CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all -fsanitize=fuzzer-no-link" \
    LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT="$B/out" WORK="$B/work" \
        "$ROOT/fuzz/oss-fuzz-build.sh"
    ;;
run)
    t=$2 secs=$3 jobs=${BCE_JOBS:-2}
    corpus=$B/corpus-$t
    rm -rf "$corpus"
    mkdir -p "$corpus" "$B/findings"
    cp "$ROOT/fuzz/corpus/$t/"* "$corpus/"
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    set +e
    # CI runs are seeded (BCE_FUZZ_SEED, default 1) and single-process, so a
    # run is reproducible: the same corpus, seed and binary explore the same
    # inputs.  fuzz/campaign.sh explores with random seeds over all cores.
    # a fixed number of executions per target (10-25 s here), capped by
    # the time: a slower machine runs a prefix of the same sequence
    case $t in
    logits_f64) runs=12000 ;; logits_f32) runs=60000 ;; probs_f64) runs=60000 ;;
    probs_f32) runs=100000 ;; api) runs=300000 ;; logreg) runs=40000 ;; *) runs=10000 ;;
    esac
    runs=${BCE_FUZZ_RUNS:-$runs}
    nice -n 10 "$B/out/$t" -seed="${BCE_FUZZ_SEED:-1}" -runs="$runs" -max_total_time="$secs" \
        -dict="$ROOT/fuzz/$t.dict" -max_len=2048 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$B/findings/$t-" -print_final_stats=1 \
        "$corpus" >"$B/$t.log" 2>&1
    rc=$?
    set -e
    tail -n 3 "$B/$t.log"
    # fork mode's status lines: "#RUNS: cov: ... time: Ts ..."
    runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$B/$t.log" | tail -n 1)
    eps=$(sed -n 's/^stat::average_exec_per_sec: *\([0-9]*\).*/\1/p' "$B/$t.log" | tail -n 1)
    eps=${eps:-0}
    tsec=
    if [ -n "$runs" ] && [ -n "$tsec" ] && [ "$tsec" -gt 0 ]; then eps=$((runs / tsec)); fi
    echo "fuzz $t: ${secs}s, seed ${BCE_FUZZ_SEED:-1}, exit $rc, ${runs:-0} runs, $eps exec/s, corpus $(ls "$corpus" | wc -l) inputs"
    if [ $rc -ne 0 ] || ls "$B/findings/$t-"* >/dev/null 2>&1; then
        grep -E 'CHECK FAILED|ERROR|runtime error' "$B/$t.log" | head -n 5 || true
        ls "$B/findings/$t-"* 2>/dev/null || true
        exit 1
    fi
    ;;
*)
    echo "usage: $0 build | run TARGET SECONDS" >&2
    exit 2
    ;;
esac

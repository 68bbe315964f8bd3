#!/usr/bin/env bash
# fuzz/port-selftest.sh -- proves the differential port fuzzer
# (fuzz/fuzz_port.c, built as build-fuzz/out/port by fuzz/ci-fuzz.sh build)
# both ways, as .ci/run's gate "fuzz: port self-test":
#   1. the textbook ports of docs/porting/port_naive.c, built as a shared
#      library: for each symbol, a bounded seeded run must FIND an error
#      (libFuzzer exits non-zero, writes a crash file, prints "CHECK
#      FAILED"), and replaying the crash file must fail again;
#   2. libbce itself as the port (no BCE_PORT_LIB: the linked entry point;
#      each of the four), a bounded seeded run must find NOTHING.
# Budget: 20-30 s on 2 cores (BCE_PORT_SELFTEST_RUNS, default 20000 runs
# per libbce entry point, each capped at BCE_PORT_SELFTEST_SECS = 10 s).
# Prints the finding messages, the executions to the first finding and the
# exec/s.  Exit 0 when all hold, 1 otherwise.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build-fuzz
P=$B/port-selftest
FZ=$B/out/port
[ -x "$FZ" ] || { echo "port-selftest: $FZ missing (fuzz/ci-fuzz.sh build)"; exit 1; }
rm -rf "$P"
mkdir -p "$P"
runs=${BCE_PORT_SELFTEST_RUNS:-20000}
secs=${BCE_PORT_SELFTEST_SECS:-10}
fail=0

# the naive port: plain -O2, not instrumented (a port under test needs no
# sanitizer or coverage flags; docs/FUZZING.md says when to add them)
clang -O2 -fPIC -shared -Wall -Wextra -I"$ROOT/include" \
    "$ROOT/docs/porting/port_naive.c" -o "$P/port_naive.so" -lm || exit 1

# seeds of the matching elementwise target, in name order
seeds() { # FORM_TYPE -> a -seed_inputs list file
    (cd "$ROOT/fuzz/corpus/$1" && LC_ALL=C ls -1) | sed "s|^|$ROOT/fuzz/corpus/$1/|" |
        paste -sd, - >"$P/seeds-$1.txt"
    echo "$P/seeds-$1.txt"
}

run() { # NAME FORM_TYPE RUNS SECS [ENV...]: one libFuzzer run, log in $P/NAME.log
    local name=$1 ft=$2 n=$3 s=$4 t0 rc
    shift 4
    mkdir -p "$P/corpus-$name"
    t0=$(date +%s%N)
    env "$@" "$FZ" -seed=1 -runs="$n" -max_total_time="$s" -reload=0 \
        -seed_inputs=@"$(seeds "$ft")" -dict="$ROOT/fuzz/$ft.dict" -max_len=2048 \
        -timeout=10 -artifact_prefix="$P/$name-" -print_final_stats=1 \
        "$P/corpus-$name" >"$P/$name.log" 2>&1
    rc=$?
    echo "$(( ($(date +%s%N) - t0) / 1000000 ))" >"$P/$name.ms"
    return $rc
}

stats() { # NAME -> "N runs in S s, E exec/s" (wall clock, libFuzzer's counts)
    local log=$P/$1.log n ms
    n=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
    # a run stopped by a finding prints no final stats: the last status line
    # (none when a seed input is the finding: count the seeds read)
    [ -n "$n" ] || n=$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#')
    ms=$(cat "$P/$1.ms")
    awk -v n="${n:-0}" -v ms="$ms" 'BEGIN { printf "%d runs in %.2f s, %.0f exec/s", n, ms / 1000, (ms > 0 ? n * 1000 / ms : 0) }'
}

# 1. the naive ports: each must be caught.  BCE_PORT_NO=reduction keeps
#    the reductions out, so that the finding is an elementwise one (with
#    them, the first seed with a MEAN already catches naive summation)
for spec in naive_logits_f64:logits_f64:reduction naive_logits_f64:logits_f64: \
            tf_logits_f64:logits_f64:reduction naive_logits_f32:logits_f32:reduction \
            naive_probs_f64:probs_f64:reduction; do
    IFS=: read -r sym ft no <<<"$spec"
    name=$sym${no:+-no-$no}
    run "$name" "$ft" 200000 "$secs" BCE_PORT_LIB="$P/port_naive.so" BCE_PORT_SYMBOL="$sym" \
        BCE_PORT_NO="$no"
    rc=$?
    crash=$(ls "$P/$name-"crash-* 2>/dev/null | head -n 1)
    msg=$(grep -m 1 'CHECK FAILED' "$P/$name.log")
    if [ $rc -ne 0 ] && [ -n "$crash" ] && [ -n "$msg" ]; then
        # replayable: the crash file alone reproduces it
        if ! BCE_PORT_LIB="$P/port_naive.so" BCE_PORT_SYMBOL="$sym" BCE_PORT_NO="$no" \
            "$FZ" "$crash" >"$P/$name-replay.log" 2>&1 &&
            grep -q 'CHECK FAILED' "$P/$name-replay.log"; then
            echo "port $sym${no:+ (BCE_PORT_NO=$no)}: found (exit $rc, $(stats "$name")), replayed ${crash#"$ROOT"/}"
            echo "  ${msg#libbce fuzz: }"
        else
            echo "port $sym: FAIL: the crash file does not reproduce the finding"
            fail=1
        fi
    else
        echo "port $sym: FAIL: no finding (exit $rc, $(stats "$name"))"
        tail -n 5 "$P/$name.log"
        fail=1
    fi
done

# 2. libbce as the port: nothing to find
for ft in logits_f64 logits_f32 probs_f64 probs_f32; do
    run "libbce-$ft" "$ft" "$runs" "$secs" BCE_PORT_SYMBOL="bce_$ft"
    rc=$?
    if [ $rc -eq 0 ] && ! ls "$P/libbce-$ft-"* >/dev/null 2>&1; then
        echo "port libbce bce_$ft: no finding ($(stats "libbce-$ft"))"
    else
        echo "port libbce bce_$ft: FAIL: exit $rc"
        grep -E -A1 'CHECK FAILED|ERROR|runtime error' "$P/libbce-$ft.log" | head -n 6
        ls "$P/libbce-$ft-"* 2>/dev/null
        fail=1
    fi
done
exit $fail

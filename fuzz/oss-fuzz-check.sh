#!/usr/bin/env bash
# fuzz/oss-fuzz-check.sh -- .ci/run's gate "fuzz: ClusterFuzzLite build.sh":
# runs .clusterfuzzlite/build.sh (the same as fuzz/oss-fuzz/build.sh, which
# fuzz/ci-fuzz.sh build runs) from the checkout under the environment the
# OSS-Fuzz / ClusterFuzzLite builder sets for its default configuration
# (libFuzzer + AddressSanitizer: CC, CXX, CFLAGS, CXXFLAGS,
# LIB_FUZZING_ENGINE, SANITIZER, FUZZING_ENGINE, ARCHITECTURE, SRC, OUT,
# WORK), since the Dockerfile cannot run here (no container registry).
# Then checks that every expected target lands in $OUT with its .dict,
# .options and _seed_corpus.zip, that no target needs a shared library the
# runner image lacks (MPFR, GMP), and runs each target for
# BCE_OSSFUZZ_RUNS (default 1000) executions from its unzipped seed corpus
# with the options of its .options file.  Output in build-cflite/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build-cflite
rm -rf "$B"
mkdir -p "$B/src" "$B/out" "$B/work"
export CC=clang CXX=clang++
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS"
export LIB_FUZZING_ENGINE=-fsanitize=fuzzer SANITIZER=address FUZZING_ENGINE=libfuzzer
export ARCHITECTURE=x86_64 SRC=$B/src OUT=$B/out WORK=$B/work
t0=$(date +%s)
(cd "$ROOT" && .clusterfuzzlite/build.sh) >"$B/build.log" 2>&1 ||
    { tail -n 30 "$B/build.log"; echo "oss-fuzz-check: build.sh failed"; exit 1; }
echo "oss-fuzz-check: .clusterfuzzlite/build.sh built in $(($(date +%s) - t0))s"

targets="logits_f64 logits_f32 probs_f64 probs_f32 api port"
[ -f "$ROOT/fuzz/fuzz_logreg.c" ] && targets="$targets logreg"
bad=0
for t in $targets; do
    for f in "$t" "$t.dict" "$t.options" "${t}_seed_corpus.zip"; do
        [ -s "$OUT/$f" ] || { echo "oss-fuzz-check: \$OUT/$f missing"; bad=1; }
    done
    [ -x "$OUT/$t" ] || { echo "oss-fuzz-check: \$OUT/$t not executable"; bad=1; }
    if ldd "$OUT/$t" 2>/dev/null | grep -E 'libmpfr|libgmp'; then
        echo "oss-fuzz-check: $t needs a shared MPFR/GMP (the runner image has none)"
        bad=1
    fi
done
[ $bad -eq 0 ] || exit 1
echo "oss-fuzz-check: \$OUT has $(ls "$OUT" | wc -l) files: every target with .dict, .options, _seed_corpus.zip"

runs=${BCE_OSSFUZZ_RUNS:-1000}
for t in $targets; do
    seeds=$WORK/seeds-$t
    rm -rf "$seeds" "$WORK/corpus-$t"
    mkdir -p "$seeds" "$WORK/corpus-$t"
    python3 -m zipfile -e "$OUT/${t}_seed_corpus.zip" "$seeds"
    # the [libfuzzer] section of T.options as -key=value flags, as
    # ClusterFuzz passes them (dict relative to $OUT)
    opts=$(sed -n '/^\[libfuzzer\]/,/^\[/{/=/s/^ *\([a-z_]*\) *= *\(.*\)$/-\1=\2/p}' "$OUT/$t.options" |
        paste -sd' ' -)
    t1=$(date +%s)
    set +e
    # shellcheck disable=SC2086  # the options are meant to split
    (cd "$OUT" && ./"$t" -seed=1 -runs="$runs" -max_total_time=30 $opts \
        -artifact_prefix="$WORK/$t-" -print_final_stats=1 "$WORK/corpus-$t" "$seeds") \
        >"$WORK/$t.log" 2>&1
    rc=$?
    set -e
    n=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$WORK/$t.log" | tail -n 1)
    echo "oss-fuzz-check: $t $opts: exit $rc, ${n:-0} runs in $(($(date +%s) - t1))s, $(ls "$seeds" | wc -l) seeds"
    if [ $rc -ne 0 ]; then
        grep -E 'CHECK FAILED|ERROR|runtime error' "$WORK/$t.log" | head -n 5 || true
        bad=1
    fi
done
exit $bad

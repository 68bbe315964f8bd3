#!/usr/bin/env bash
# fuzz/ci-fuzz.sh build|run TARGET SECONDS -- the bounded fuzzing of .ci/run.
#   build            fuzz/oss-fuzz/build.sh (-> fuzz/oss-fuzz-build.sh) with clang,
#                    -fsanitize=fuzzer,address,undefined
#                    -fno-sanitize-recover=all into build-fuzz/out
#   run T SECONDS    libFuzzer on target T, one process, seeded, a fixed
#                    number of executions capped at SECONDS, from its seed
#                    corpus (fuzz/corpus/T, in name order) with its
#                    dictionary; reproducible (see below); exit 1 on any
#                    finding (the reproducer is kept in build-fuzz/findings/:
#                    add it to fuzz/corpus/T once fixed).  Prints execs/s.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build-fuzz
case ${1:-} in
build)
    rm -rf "$B"
    mkdir -p "$B/src"
    # OSS-Fuzz's build script (fuzz/oss-fuzz/build.sh -> oss-fuzz-build.sh),
    # run from the checkout under the variables the OSS-Fuzz builder sets
    # ($SRC has no libbce/ here: the script then builds the current
    # directory).  -ffile-prefix-map: no checkout path in the debug
    # information either (oss-fuzz-build.sh compiles with relative paths),
    # so that checkouts at other paths build the same bytes (reproducible
    # runs, see run below).
    (cd "$ROOT" && env CC=clang \
        CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all -fsanitize=fuzzer-no-link -ffile-prefix-map=$ROOT=." \
        LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT="$B/out" WORK="$B/work" SRC="$B/src" \
        fuzz/oss-fuzz/build.sh)
    ;;
run)
    t=$2 secs=$3
    corpus=$B/corpus-$t
    rm -rf "$corpus"
    mkdir -p "$corpus" "$B/findings"
    # a finding left by an earlier run would fail this one (and only in this
    # tree, not in a clean clone)
    rm -f "$B/findings/$t-"*
    # the seeds in a fixed order (C-locale sorted names), passed by
    # -seed_inputs; the corpus directory starts empty and receives the new
    # inputs.  (A copied seed directory was read in readdir order: on ext4 the
    # order of the names' hashes, whose seed differs between filesystems, and
    # libFuzzer's size sort keeps that order among equal sizes.)
    seeds=$B/seeds-$t.txt
    # the port target (docs/FUZZING.md) reads logits_f64's layout: its seeds
    # and dictionary (libbce itself as the port; BCE_PORT_* are not passed)
    src=$t
    [ "$t" = port ] && src=logits_f64
    (cd "$ROOT/fuzz/corpus/$src" && LC_ALL=C ls -1) |
        sed "s|^|../fuzz/corpus/$src/|" | paste -sd, - >"$seeds"
    # CI runs are seeded (BCE_FUZZ_SEED, default 1) and single-process, and
    # reproducible: the same seed list, seed and binary explore the same
    # inputs (two runs give the same corpus, file for file, also in clones
    # at other paths) provided that
    #   - -reload=0: libFuzzer otherwise rereads its corpus directory every
    #     second of wall-clock time, so that extra executions (counted by
    #     -runs) happen at time-dependent points;
    #   - the addresses are the same: the comparisons libFuzzer traces
    #     include pointer comparisons (e.g. opt->error_index, a stack
    #     address, against NULL), and its CMP mutations copy those values
    #     into inputs.  So: ASLR off (setarch -R), the same binary
    #     (oss-fuzz-build.sh: no checkout path in it), and the same stack
    #     and heap layout: the process starts in build-fuzz/ with relative
    #     paths only and a fixed environment (env -i), since argv and the
    #     environment sit at the top of the stack and the path strings
    #     libFuzzer allocates shape the heap.  Where setarch -R is not
    #     permitted (some container seccomp profiles) the run still gates,
    #     but is not reproducible; the log says so.  Machines whose CPUs
    #     have other ISAs run other code (every ISA is compared) and explore
    #     differently anyway.
    # fuzz/campaign.sh explores with random seeds over all cores.
    # A fixed number of executions per target (about 20 s each at the rates
    # of docs/ACCURACY.md, "Fuzzing: the filter and the campaign"), capped
    # by the time: a slower machine runs a prefix of the same sequence.
    case $t in
    logits_f64) runs=150000 ;; logits_f32) runs=200000 ;; probs_f64) runs=200000 ;;
    probs_f32) runs=200000 ;; api) runs=250000 ;; logreg) runs=50000 ;; *) runs=10000 ;;
    esac
    runs=${BCE_FUZZ_RUNS:-$runs}
    noaslr="setarch $(uname -m) -R"
    if ! $noaslr true 2>/dev/null; then
        echo "fuzz $t: setarch -R not permitted: ASLR on, this run is not reproducible"
        noaslr=
    fi
    set +e
    (cd "$B" && env -i PATH=/usr/local/bin:/usr/bin:/bin \
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        $noaslr nice -n 10 "./out/$t" -seed="${BCE_FUZZ_SEED:-1}" -runs="$runs" \
        -max_total_time="$secs" -reload=0 -seed_inputs=@"seeds-$t.txt" \
        -dict="../fuzz/$src.dict" -max_len=2048 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="findings/$t-" -print_final_stats=1 \
        "corpus-$t") >"$B/$t.log" 2>&1
    rc=$?
    set -e
    tail -n 3 "$B/$t.log"
    want=$runs
    runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$B/$t.log" | tail -n 1)
    eps=$(sed -n 's/^stat::average_exec_per_sec: *\([0-9]*\).*/\1/p' "$B/$t.log" | tail -n 1)
    eps=${eps:-0}
    cut=
    [ "${runs:-0}" -lt "$want" ] && cut=" (time cap: $want runs asked)"
    echo "fuzz $t: ${secs}s, seed ${BCE_FUZZ_SEED:-1}, exit $rc, ${runs:-0} runs$cut, $eps exec/s," \
        "$(tr , '\n' <"$seeds" | wc -l) seeds, $(ls "$corpus" | wc -l) new inputs"
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

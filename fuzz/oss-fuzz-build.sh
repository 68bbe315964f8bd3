#!/usr/bin/env bash
# fuzz/oss-fuzz-build.sh -- builds the libbce fuzz targets the way OSS-Fuzz
# and ClusterFuzzLite expect (their build.sh can be just this script):
#   $CC, $CFLAGS           compiler and flags (sanitizers, coverage, ...)
#   $LIB_FUZZING_ENGINE    link flags of the engine (-fsanitize=fuzzer)
#   $OUT                   where the targets and their files go
#   $WORK                  scratch (default $OUT/../work)
# Writes, for each target T (logits_f64 logits_f32 probs_f64 probs_f32 api
# port, and logreg when fuzz/fuzz_logreg.c exists): $OUT/T, $OUT/T.dict,
# $OUT/T.options, $OUT/T_seed_corpus.zip.
# Needs meson, ninja, python3 and MPFR/GMP (libmpfr-dev libgmp-dev: the
# targets compare with libbce-verify's MPFR reference).  MPFR and GMP are
# linked as they are installed (not instrumented; statically when their .a
# are there, so that the targets run where they are not): fine for ASan and
# UBSan and libFuzzer, not for MSan.  The OSS-Fuzz / ClusterFuzzLite build
# scripts (fuzz/oss-fuzz/build.sh, .clusterfuzzlite/build.sh) run this.
# Defaults (no variables set): clang, ASan+UBSan+libFuzzer, OUT=build-fuzz/out.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-clang}
CFLAGS=${CFLAGS:--O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all -fsanitize=fuzzer-no-link}
LIB_FUZZING_ENGINE=${LIB_FUZZING_ENGINE:--fsanitize=fuzzer}
OUT=${OUT:-$ROOT/build-fuzz/out}
WORK=${WORK:-$OUT/../work}
mkdir -p "$OUT" "$WORK"
OUT=$(cd "$OUT" && pwd)
WORK=$(cd "$WORK" && pwd)

targets="logits_f64 logits_f32 probs_f64 probs_f32 api port"
[ -f "$ROOT/fuzz/fuzz_logreg.c" ] && targets="$targets logreg"

# 1. libbce and libbce-verify, static, with $CC $CFLAGS (LDFLAGS too, so
#    meson's compiler check links with the sanitizer runtimes).
rm -rf "$WORK/meson"
CC="$CC" CFLAGS="$CFLAGS" LDFLAGS="${LDFLAGS:-} $CFLAGS" \
    meson setup "$WORK/meson" "$ROOT" --buildtype=plain -Db_ndebug=true \
    -Dtests=disabled >"$WORK/meson-setup.log" 2>&1 ||
    { cat "$WORK/meson-setup.log"; exit 1; }
ninja -C "$WORK/meson" -j "${BCE_JOBS:-2}" src/libbce.a verify/libbce-verify.a

# 2. the targets, compiled from $ROOT with relative paths: the sanitizers'
#    source locations (.rodata) then hold no checkout path, so that checkouts
#    at different paths build the same binary (fuzz/ci-fuzz.sh: reproducible
#    seeded runs; a path of another length moves the globals, and the
#    pointer values libFuzzer's CMP mutations copy into inputs with them)
cd "$ROOT"
inc="-Iinclude -Isrc -Iverify -Ifuzz"
# the targets' checker functions without coverage (fuzz/coverage-ignorelist.txt
# says why), when the coverage is clang's SanitizerCoverage
tflags=$CFLAGS
case "$CFLAGS" in
*fuzzer*|*sanitize-coverage*)
    if $CC -fsanitize-coverage-ignorelist=fuzz/coverage-ignorelist.txt -E -x c /dev/null \
        >/dev/null 2>&1; then
        tflags="$CFLAGS -fsanitize-coverage-ignorelist=fuzz/coverage-ignorelist.txt"
    fi ;;
esac

# 1b. libbce-verify again, the same sanitizers but WITHOUT coverage
#     instrumentation (-fsanitize=fuzzer-no-link / -fsanitize-coverage=*):
#     the checker's branches (the fast filter, the MPFR reference's Ziv
#     loop) are no property of the library, and as coverage features they
#     cost libFuzzer time on every execution (its entropic schedule updates
#     a frequency per feature per run) and make inputs "new" for the
#     checker's sake.  BCE_FUZZ_VERIFY_COVERAGE=1 keeps the meson-built,
#     instrumented library.
verify_lib="$WORK/meson/verify/libbce-verify.a"
if [ "${BCE_FUZZ_VERIFY_COVERAGE:-0}" != 1 ]; then
    vflags=$(printf '%s\n' "$CFLAGS" | sed -e 's/-fsanitize=fuzzer-no-link//g' \
        -e 's/-fsanitize-coverage=[^ ]*//g')
    rm -rf "$WORK/verify-nocov"
    mkdir -p "$WORK/verify-nocov"
    for f in verify/*.c; do
        [ "$f" = verify/wc_search.c ] && continue      # a program (main)
        # shellcheck disable=SC2086  # flag lists are meant to split
        $CC $vflags $inc -DBCEV_WC_DIR='"verify/wc"' -c "$f" \
            -o "$WORK/verify-nocov/$(basename "$f" .c).o"
    done
    rm -f "$WORK/libbce-verify-nocov.a"
    ar rcs "$WORK/libbce-verify-nocov.a" "$WORK"/verify-nocov/*.o
    verify_lib="$WORK/libbce-verify-nocov.a"
fi
# shellcheck disable=SC2086  # flag lists are meant to split
$CC $tflags $inc -c fuzz/fuzz_common.c -o "$WORK/fuzz_common.o"
# MPFR and GMP linked statically when their archives are installed: the
# OSS-Fuzz / ClusterFuzzLite runner image, where the targets run, has
# neither shared library (BCE_FUZZ_DYNAMIC_MPFR=1 links them as before)
mplibs="-lmpfr -lgmp"
if [ "${BCE_FUZZ_DYNAMIC_MPFR:-0}" != 1 ] &&
    [ -f "$($CC -print-file-name=libmpfr.a)" ] && [ -f "$($CC -print-file-name=libgmp.a)" ]; then
    mplibs="-Wl,-Bstatic -lmpfr -lgmp -Wl,-Bdynamic"
fi
for t in $targets; do
    # the port target (fuzz/fuzz_port.c: a port dlopened from $BCE_PORT_LIB,
    # libbce's bce_logits_f64 without it) decodes the elementwise targets'
    # layout: logits_f64's seeds and dictionary
    case $t in port) seeds=logits_f64 ;; *) seeds=$t ;; esac
    # shellcheck disable=SC2086  # flag lists are meant to split
    $CC $tflags $inc "fuzz/fuzz_$t.c" "$WORK/fuzz_common.o" \
        "$verify_lib" "$WORK/meson/src/libbce.a" \
        $LIB_FUZZING_ENGINE $mplibs -lm -ldl -o "$OUT/$t"
    cp "$ROOT/fuzz/$seeds.dict" "$OUT/$t.dict"
    printf '[libfuzzer]\ndict = %s.dict\nmax_len = 2048\n' "$t" >"$OUT/$t.options"
    rm -f "$OUT/${t}_seed_corpus.zip"
    (cd "$ROOT/fuzz/corpus/$seeds" && python3 -m zipfile -c "$OUT/${t}_seed_corpus.zip" .)
    echo "built $OUT/$t"
done

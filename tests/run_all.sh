#!/usr/bin/env bash
# tests/run_all.sh [--meson-only] [--slow] BUILD_DIR -- the tests of libbce:
#   1. meson test -C BUILD_DIR --print-errorlogs --no-suite slow
#      (Criterion suites, CLI, proofs; no single test over 60 s here)
#   2. tests/install/run.sh BUILD_DIR              (install + pkg-config use)
#   3. tests/subproject/run.sh                     (libbce as a subproject)
# --meson-only runs step 1 only (e.g. for a sanitizer build).  --slow adds
# the `slow` suite to step 1: the long statistical runs (10^7-sample
# reductions against MPFR, minutes each); .ci/run runs it in a stage of its
# own, and with --slow in the sanitizer build.
# Prints a "PASS: name" / "FAIL: name" line per test and check, then
# "N passed, M failed"; exits non-zero if anything failed.  When TALLY is
# set, the PASS/FAIL lines are also appended to that file (.ci/run sums
# several runs).  Extra arguments for meson test: MESON_TEST_ARGS.
set -uo pipefail

meson_only=0
slow=0
while [ $# -gt 0 ]; do
    case $1 in
        --meson-only) meson_only=1; shift ;;
        --slow) slow=1; shift ;;
        *) break ;;
    esac
done
build=${1:?usage: tests/run_all.sh [--meson-only] [--slow] BUILD_DIR}
suite_args="--no-suite slow"
[ "$slow" -eq 1 ] && suite_args=
here=$(cd "$(dirname "$0")" && pwd)
results=$(mktemp)
trap 'rm -f "$results"' EXIT

# 1. meson test; the per-test results come from meson-logs/testlog.json
# (one JSON object per line, "name" and "result" fields).
log=$build/meson-logs/testlog.json
rm -f "$log"
# shellcheck disable=SC2086
meson test -C "$build" --print-errorlogs $suite_args ${MESON_TEST_ARGS:-}
meson_status=$?
if [ -f "$log" ]; then
    python3 - "$log" >>"$results" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    t = json.loads(line)
    r = t.get("result", "")
    if r in ("OK", "EXPECTEDFAIL"):
        print("PASS: meson:", t.get("name"))
    elif r == "SKIP":
        print("SKIP: meson:", t.get("name"))
    else:
        print("FAIL: meson: %s (%s)" % (t.get("name"), r))
EOF
else
    echo "FAIL: meson test (no $log: the build failed?)" >>"$results"
fi
if [ "$meson_status" -ne 0 ] && ! grep -q '^FAIL:' "$results"; then
    echo "FAIL: meson test exit status $meson_status" >>"$results"
fi

# 2, 3. install and subproject checks (their PASS:/FAIL: lines count).
if [ "$meson_only" -eq 0 ]; then
    "$here/install/run.sh" "$build" | tee -a "$results"
    "$here/subproject/run.sh" | tee -a "$results"
fi

echo
grep -E '^(FAIL|SKIP):' "$results" || true
if [ -n "${TALLY:-}" ]; then
    grep -E '^(PASS|FAIL|SKIP):' "$results" >>"$TALLY"
fi
passed=$(grep -c '^PASS:' "$results")
failed=$(grep -c '^FAIL:' "$results")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

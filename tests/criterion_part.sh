#!/bin/sh
# tests/criterion_part.sh [--may-be-empty] EXE FILTER -- run the Criterion
# tests of EXE that match FILTER (Criterion's --filter: SUITE/TEST with
# extended globs) one at a time, and fail if none ran (a filter that no
# longer matches would otherwise pass silently).  tests/meson.build runs a
# long suite as several such parts, each under 60 s; the last part of each
# suite is the complement of the others (--may-be-empty), so a test added
# later always runs in some part.
may_be_empty=0
if [ "$1" = "--may-be-empty" ]; then
    may_be_empty=1
    shift
fi
exe=$1
filter=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$exe" --jobs 1 --filter "$filter" --verbose >"$out" 2>&1
status=$?
cat "$out"
tested=$(sed -n 's/.*Synthesis: Tested: \([0-9]*\).*/\1/p' "$out" | tail -n 1)
if [ "$status" -ne 0 ]; then
    exit "$status"
fi
if [ -z "$tested" ]; then
    echo "criterion_part.sh: no Criterion synthesis line from $exe" >&2
    exit 1
fi
if [ "$tested" -eq 0 ] && [ "$may_be_empty" -eq 0 ]; then
    echo "criterion_part.sh: the filter '$filter' matched no test of $exe" >&2
    exit 1
fi
exit 0

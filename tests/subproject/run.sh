#!/usr/bin/env bash
# tests/subproject/run.sh -- build a minimal meson project that uses this
# source tree as the subproject subprojects/libbce (dependency('bce')
# resolved through meson.override_dependency), run its consumer and compare
# with tests/install/expected.txt.  Needs no build directory of its own.
# Prints "PASS: name" / "FAIL: name" per check and a totals line.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
check() {
    local name=$1
    shift
    if "$@" >"$tmp/log" 2>&1; then
        pass=$((pass + 1))
        echo "PASS: subproject: $name"
    else
        fail=$((fail + 1))
        echo "FAIL: subproject: $name"
        sed 's/^/    /' "$tmp/log" | tail -n 40
    fi
}

proj=$tmp/proj
mkdir -p "$proj/subprojects"
cp "$here/meson.build" "$proj/"
cp "$src/tests/install/consumer.c" "$proj/"
ln -s "$src" "$proj/subprojects/libbce"

check "meson setup" meson setup "$proj/build" "$proj"
check "build" ninja -C "$proj/build" -j "${BCE_JOBS:-2}"
run_consumer() {
    "$proj/build/consumer" >"$tmp/out" &&
        diff -u "$src/tests/install/expected.txt" "$tmp/out"
}
check "consumer output" run_consumer
check "meson test" meson test -C "$proj/build" --print-errorlogs
core_only() { # verify/ and tests/ of the subproject were not built
    ! find "$proj/build/subprojects" -name 'libbce-verify*' | grep -q .
}
check "subproject builds the core library only" core_only

echo "subproject: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

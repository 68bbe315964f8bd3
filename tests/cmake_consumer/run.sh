#!/usr/bin/env bash
# tests/cmake_consumer/run.sh BUILD_DIR -- libbce's CMake package as a
# consumer uses it: install BUILD_DIR into a temporary prefix (meson install
# --destdir), configure tests/cmake_consumer/ with Debian's cmake
# (-DCMAKE_PREFIX_PATH=PREFIX, find_package(bce 0.1 CONFIG REQUIRED
# COMPONENTS verify)), build and run it; check the version file's answers;
# then move the prefix elsewhere and configure, build and run again (the
# package is relocatable: no absolute path in it).
# Prints "PASS: cmake: name" / "FAIL: cmake: name" per check and a totals
# line; exits non-zero if a check failed.  Without cmake it prints one
# "SKIP: cmake: ..." line and exits 0 (.ci/run installs cmake).
# shellcheck disable=SC2317
set -uo pipefail

build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v cmake >/dev/null; then
    echo "SKIP: cmake: no cmake here (Debian: apt-get install cmake)"
    exit 0
fi
# shellcheck source=../checks.sh
. "$(dirname "$0")/../checks.sh" cmake

# The prefix: a destdir install, its real prefix directory taken as the
# prefix (the package computes everything from its own location).
dest=$tmp/dest
check "meson install --destdir" meson install -C "$build" --destdir "$dest" --no-rebuild
cfg=$(find "$dest" -name bceConfig.cmake -print -quit)
check "bceConfig.cmake installed" test -n "$cfg"
[ -n "$cfg" ] || finish
cfgdir=$(dirname "$cfg")
check "bceConfigVersion.cmake installed" test -f "$cfgdir/bceConfigVersion.cmake"
libdir=$(meson introspect --buildoptions "$build" |
    python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "libdir"][0])')
case $cfgdir in
    */"$libdir"/cmake/bce) prefix=${cfgdir%/"$libdir"/cmake/bce} ;;
    *) prefix= ;;
esac
check "installed under <prefix>/<libdir>/cmake/bce" test -n "$prefix" -a -f "$prefix/include/bce.h"
[ -n "$prefix" ] || finish
no_abs_path() { # the installed package names no install path (the build's
    # configured prefix, e.g. /usr/local, nor the destdir)
    local p
    p=$(sed -n 's/^prefix=//p' "$(find "$dest" -name bce.pc -print -quit)")
    [ -n "$p" ] && echo "configured prefix $p" &&
        ! grep -nF -e "$p/" -e "$dest" "$cfgdir"/*.cmake
}
check "the package holds no absolute path" no_abs_path

# Configure, build and run the consumer against PREFIX (in build dir B).
consumer() { # PREFIX B
    cmake -S "$here" -B "$2" -DCMAKE_PREFIX_PATH="$1" -DCMAKE_BUILD_TYPE=Release \
        >"$2.configure.log" 2>&1 || { cat "$2.configure.log"; return 1; }
    grep 'bce 0.1' "$2.configure.log"
    cmake --build "$2" -j "${BCE_JOBS:-2}" || return
    env -u LD_LIBRARY_PATH "$2/core_consumer" >"$2.core.out" &&
        diff -u "$here/../install/expected.txt" "$2.core.out" || return
    env -u LD_LIBRARY_PATH "$2/verify_consumer" >"$2.verify.out" || { cat "$2.verify.out"; return 1; }
    cat "$2.verify.out"
    grep -qx 'ok 4' "$2.verify.out"
}
uses_prefix_libs() { # PREFIX B: the consumers load libbce from PREFIX
    env -u LD_LIBRARY_PATH ldd "$2/verify_consumer" | tee "$2.ldd" &&
        grep -E "libbce\.so\.0 => $1/" "$2.ldd" &&
        grep -E "libbce-verify\.so\.0 => $1/" "$2.ldd"
}
check "consumer: configure, build, run (bce::bce, bce::verify)" consumer "$prefix" "$tmp/b1"
check "consumer loads libbce and libbce-verify from the prefix" uses_prefix_libs "$prefix" "$tmp/b1"

# The version file: what find_package(bce VERSION) accepts.
version_ok() { # REQUEST EXPECT(0 found|1 not found)
    local d=$tmp/v-${1//[^0-9a-z]/_}-$2
    mkdir -p "$d"
    cat >"$d/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.19)
project(v C)   # a language: lib/<multiarch>/cmake is searched
find_package(bce $1 CONFIG QUIET)
if(NOT bce_FOUND)
  message(FATAL_ERROR "bce $1 not found")
endif()
CMAKE
    cmake -S "$d" -B "$d/b" -DCMAKE_PREFIX_PATH="$prefix" >"$d/log" 2>&1
    local rc=$?
    cat "$d/log"
    if [ "$2" = 0 ]; then [ "$rc" -eq 0 ]; else [ "$rc" -ne 0 ]; fi
}
version=$(sed -n 's/^set(PACKAGE_VERSION "\(.*\)")$/\1/p' "$cfgdir/bceConfigVersion.cmake")
check "version file: $version" test -n "$version" -a "$version" = "$(sed -n 's/^#define BCE_VERSION_STRING "\(.*\)"/\1/p' "$here/../../include/bce.h")"
major=${version%%.*}
check "find_package(bce $version) found" version_ok "$version" 0
check "find_package(bce $major.0) found (same major, older minor)" version_ok "$major.0" 0
check "find_package(bce $((major + 1)).0) not found (another major)" version_ok "$((major + 1)).0" 1
check "find_package(bce 99.0) not found" version_ok 99.0 1
check "find_package(bce $major.0...$((major + 1)).0) found (range)" version_ok "$major.0...$((major + 1)).0" 0
missing_component() { # an unknown required component fails with a message
    local d=$tmp/comp
    mkdir -p "$d"
    printf 'cmake_minimum_required(VERSION 3.13)\nproject(c C)\nfind_package(bce CONFIG REQUIRED COMPONENTS nosuch)\n' \
        >"$d/CMakeLists.txt"
    ! cmake -S "$d" -B "$d/b" -DCMAKE_PREFIX_PATH="$prefix" >"$d/log" 2>&1 &&
        cat "$d/log" && grep -q 'unknown component nosuch' "$d/log"
}
check "an unknown required component fails, named" missing_component

# Relocation: move the whole prefix, configure again from scratch.
moved=$tmp/elsewhere/moved-prefix
mkdir -p "$(dirname "$moved")"
check "move the prefix" mv "$prefix" "$moved"
check "moved prefix: configure, build, run" consumer "$moved" "$tmp/b2"
check "moved prefix: the consumer loads the moved libraries" uses_prefix_libs "$moved" "$tmp/b2"
finish

#!/usr/bin/env bash
# tests/readme/run.sh BUILD_DIR -- run README.md's commands as written.
# The blocks are taken from README.md itself (by heading and language), so
# an edit of the README is what is tested:
#   - the Quick start: each command of its `&&` chain is run or stood in
#     for, as listed in quickstart() below (apt-get: the packages must be
#     installed here; meson setup: BUILD_DIR is that build; meson install:
#     into a temporary DESTDIR; ldconfig: LD_LIBRARY_PATH; bce verify: its
#     own CI stage, here `bce --version`); a command not listed fails;
#   - "API example": the C block saved as example.c, then its build-and-run
#     commands exactly as written, after the install (the /usr/local install
#     of the Quick start is the DESTDIR one, seen through PKG_CONFIG_PATH,
#     PKG_CONFIG_SYSROOT_DIR, LD_LIBRARY_PATH, PATH and CMAKE_PREFIX_PATH)
#     and from the build tree (bce-uninstalled.pc, no environment), each
#     output compared with the block the README shows;
#   - "`bce eval`": each `$ command` line run, its output compared;
#   - "Instruction sets": the `$ bce isa` example names the ISAs `bce isa`
#     prints, in order (their statuses depend on the machine);
#   - "Installing and using it from another project": the shared, static
#     and bce-verify cc lines (app.c = the API example, check.c =
#     tests/install/verify_consumer.c), and the CMake snippet inside a
#     minimal project (cmake_minimum_required + project), when cmake exists.
# Not run: the test command (tests/run_all.sh build runs this), the
# `bce gradcheck` session (its lines are elided), the campaigns (hours), the
# meson subproject snippet (tests/subproject/ builds the same).
# The commands run in a temporary directory where `build` links BUILD_DIR.
# Prints "PASS: readme: name" / "FAIL: readme: name" and a totals line.
# shellcheck disable=SC2317
set -uo pipefail

build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
readme=$src/README.md
# shellcheck source=../checks.sh
. "$(dirname "$0")/../checks.sh" readme
block() { # HEADING LANG N: the N-th (from 1) ```LANG block under the
    # heading whose text starts with HEADING (LANG '' = a bare ``` block)
    python3 - "$readme" "$1" "$2" "$3" <<'PY'
import sys
path, heading, lang, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
cur, inblock, blang, buf, seen = None, False, None, [], 0
for line in open(path, encoding="utf-8"):
    if inblock:
        if line.startswith("```"):
            inblock = False
            if cur is not None and cur.startswith(heading) and blang == lang:
                seen += 1
                if seen == n:
                    sys.stdout.write("".join(buf))
                    sys.exit(0)
        else:
            buf.append(line)
    elif line.startswith("```"):
        inblock, blang, buf = True, line[3:].strip(), []
    elif line.startswith("#"):
        cur = line.lstrip("#").strip()
sys.exit("README.md: no %d-th ```%s block under a heading '%s'" % (n, lang, heading))
PY
}

work=$tmp/work
mkdir -p "$work"
ln -s "$build" "$work/build"
opt() { # NAME: a meson option of BUILD_DIR
    meson introspect --buildoptions "$build" |
        python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]][0])' "$1"
}
prefix=$(opt prefix)
libdir=$(opt libdir)
bindir=$(opt bindir)
case $libdir in /*) ;; *) libdir=$prefix/$libdir ;; esac
case $bindir in /*) ;; *) bindir=$prefix/$bindir ;; esac
dest=$tmp/dest
installed() { # COMMAND...: run with the DESTDIR install seen as installed
    env PKG_CONFIG_PATH="$dest$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest" \
        LD_LIBRARY_PATH="$dest$libdir" PATH="$dest$bindir:$PATH" \
        CMAKE_PREFIX_PATH="$dest$prefix" "$@"
}
plain() { # COMMAND...: run with no library or pkg-config environment
    env -u PKG_CONFIG_PATH -u PKG_CONFIG_SYSROOT_DIR -u LD_LIBRARY_PATH \
        -u CMAKE_PREFIX_PATH "$@"
}

# --- the Quick start ----------------------------------------------------------
run_chain() { # LINE: run each command of an `&&` chain through stand_in
    local line=$1 c
    while [ -n "$line" ]; do
        c=${line%% && *}
        [ "$c" = "$line" ] && line= || line=${line#* && }
        echo "+ $c"
        stand_in "$c" || { echo "failed: $c"; return 1; }
    done
}
stand_in() { # COMMAND: run it, or what stands for it here
    case $1 in
        "apt-get update") ;;
        "apt-get install -y "*)
            local p
            for p in ${1#apt-get install -y }; do
                dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
                    { echo "package $p is not installed here"; return 1; }
            done ;;
        "meson setup build") test -f build/meson-private/coredata.dat ;;
        "meson setup build --prefix="*) test "$prefix" = "${1#*--prefix=}" ||
            { echo "BUILD_DIR's prefix is $prefix"; return 1; } ;;
        "ninja -C build") ninja -C build -j "${BCE_JOBS:-2}" ;;
        "meson install -C build")
            [ -d "$dest" ] || meson install -C build --destdir "$dest" --no-rebuild ;;
        "ldconfig") ;;                        # installed(): LD_LIBRARY_PATH
        "./build/tools/bce verify") ./build/tools/bce --version ;;  # CI stage 4 runs it
        *) echo "a command tests/readme/run.sh does not know: '$1' (add it to stand_in)"
           return 1 ;;
    esac
}
quickstart() {
    local qs
    qs=$(block "Quick start" sh 1) || return
    test "$(wc -l <<<"$qs")" -eq 1 || { echo "the Quick start is not one line"; return 1; }
    (cd "$work" && run_chain "$qs")
}
check "Quick start: each command run or stood in for" quickstart
# the API example's first build line needs the install
check "Quick start installs (meson install -C build)" test -d "$dest"
[ -d "$dest" ] || finish

# --- the API example -------------------------------------------------------------
block "API example" c 1 >"$work/example.c"
block "API example" "" 1 >"$tmp/example.expected"
check "API example: the C block and its output block" \
    test -s "$work/example.c" -a -s "$tmp/example.expected"
run_as_written() { # ENV HEADING N EXPECTED: the N-th sh block, its output
    local cmd
    cmd=$(block "$2" sh "$3") || return
    echo "$cmd"
    rm -f "$work/a.out"
    (cd "$work" && "$1" bash -eo pipefail -c "$cmd") >"$tmp/out" || return
    diff -u "$4" "$tmp/out"
}
check "API example after the Quick start (installed): as written" \
    run_as_written installed "API example" 1 "$tmp/example.expected"
uninstalled_cflags() { # bce-uninstalled.pc: the public header directory
    local f
    f=$(cd "$work" && PKG_CONFIG_PATH=build/meson-uninstalled pkg-config --cflags bce) || return
    echo "$f"
    grep -qE -- "-I$src/include( |$)" <<<"$f"
}
check "bce-uninstalled.pc: Cflags name include/" uninstalled_cflags
check "API example from the build tree (uninstalled .pc): as written" \
    run_as_written plain "API example" 2 "$tmp/example.expected"

# --- `bce eval`'s session ------------------------------------------------------------
session() { # HEADING: run each "$ cmd" line of its first sh block (the
    # installed bce on PATH), compare the lines that follow
    local text
    text=$(block "$1" sh 1) || return
    python3 - "$text" >"$tmp/session.sh" <<'PY'
import shlex, sys
cmds = []
for line in sys.argv[1].splitlines():
    if line.startswith("$ "):
        cmds.append([line[2:], []])
    elif cmds:
        cmds[-1][1].append(line)
for i, (c, out) in enumerate(cmds):
    print("printf '%%s\\n' %s > expected.%d" % (" ".join(shlex.quote(o) for o in out), i))
    print("( %s ) > got.%d" % (c, i))
    print("diff -u expected.%d got.%d" % (i, i))
PY
    cat "$tmp/session.sh"
    (cd "$tmp" && installed bash -eo pipefail "$tmp/session.sh")
}
# shellcheck disable=SC2016
check "bce eval: the session as written" session '`bce eval`'

# `bce isa`'s example (statuses and the active ISA depend on the machine):
# the same ISA names in the same order as the installed `bce isa` prints
isa_names() {
    local text
    text=$(block "Instruction sets" "" 1) || return
    grep -qx '\$ bce isa' <<<"$text" || { echo "no '\$ bce isa' line"; return 1; }
    diff -u <(sed -n '/^\$ bce isa$/,$p' <<<"$text" | sed '1d;/^active:/d' | awk '{print $1}') \
            <(installed bce isa | sed '/^active:/d' | awk '{print $1}')
}
check "bce isa: the example lists the registry's ISAs in order" isa_names

# --- Installing and using it from another project ----------------------------------
inst="Installing and using it from another project"
install_lines() {
    local text first line n=0
    text=$(block "$inst" sh 1) || return
    first=$(head -n 1 <<<"$text")
    (cd "$work" && run_chain "$first") || return
    cp "$work/example.c" "$work/app.c"
    cp "$src/tests/install/verify_consumer.c" "$work/check.c"
    while IFS= read -r line; do
        n=$((n + 1))
        echo "+ $line"
        rm -f "$work/a.out"
        (cd "$work" && installed bash -eo pipefail -c "$line") || return
        case $line in
            *check.c*) (cd "$work" && installed ./a.out) | tee "$tmp/o" &&
                           test "$(cat "$tmp/o")" = "$(head -n 1 "$src/tests/install/expected.txt")" ;;
            *) (cd "$work" && installed ./a.out) >"$tmp/o" && diff -u "$tmp/example.expected" "$tmp/o" ;;
        esac || return
        case $line in
            *static*) ! readelf -d "$work/a.out" | grep 'libbce\.so' || return ;;
        esac
    done < <(tail -n +2 <<<"$text")
    test "$n" -eq 3
}
check "install section: the setup line and the shared, static, bce-verify cc lines" install_lines
cmake_snippet() {
    local d=$tmp/cm
    mkdir -p "$d"
    { printf 'cmake_minimum_required(VERSION 3.13)\nproject(app C)\n'
      block "$inst" cmake 1; } >"$d/CMakeLists.txt" || return
    cat "$d/CMakeLists.txt"
    cp "$work/example.c" "$d/app.c"
    installed cmake -S "$d" -B "$d/b" && installed cmake --build "$d/b" &&
        installed "$d/b/app" >"$tmp/o" && diff -u "$tmp/example.expected" "$tmp/o"
}
if command -v cmake >/dev/null; then
    check "install section: the CMake snippet" cmake_snippet
else
    echo "SKIP: readme: the CMake snippet (no cmake here)"
fi
finish

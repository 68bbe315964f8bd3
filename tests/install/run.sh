#!/usr/bin/env bash
# tests/install/run.sh BUILD_DIR -- install a built tree into a temporary
# directory (meson install --destdir) and use it as a consumer would:
# pkg-config --cflags --libs bce (shared), pkg-config --static (static
# libbce.a), bce-verify.pc, and the installed `bce` tool.
# Prints "PASS: name" / "FAIL: name" per check and a totals line; exits
# non-zero if a check failed.
# The checks are functions run through check(); CFLAGS and pkg-config
# output are meant to be split into words.
# shellcheck disable=SC2317,SC2086,SC2046
set -uo pipefail

build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
CC=${CC:-cc}
CFLAGS="-std=c11 -Wall -Wextra -Wpedantic -Werror"
# shellcheck source=../checks.sh
. "$(dirname "$0")/../checks.sh" install

dest=$tmp/dest
check "meson install --destdir" \
    meson install -C "$build" --destdir "$dest" --no-rebuild
pc=$(find "$dest" -name bce.pc -print -quit)
check "bce.pc installed" test -n "$pc"
[ -n "$pc" ] || finish
pcdir=$(dirname "$pc")
check "bce-verify.pc installed" test -f "$pcdir/bce-verify.pc"
# The .pc files name the real prefix; point it into the destdir.
prefix=$(sed -n 's/^prefix=//p' "$pc")
root=$dest$prefix
pkgc() { PKG_CONFIG_PATH=$pcdir pkg-config --define-variable=prefix="$root" "$@"; }
libdir=$(pkgc --variable=libdir bce)
check "bce.h installed" test -f "$(pkgc --variable=includedir bce)/bce.h"
check "bce_verify.h installed" \
    test -f "$(pkgc --variable=includedir bce-verify)/bce_verify.h"
# The golden vectors, where `bce compare NAME` looks (share/libbce/vectors).
vectors_installed() {
    local f
    for f in logits_f64 logits_f32 probs_f64 probs_f32 logits_bf16 probs_bf16 logits_f16 probs_f16; do
        cmp "$here/../../data/vectors/$f.csv" "$root/share/libbce/vectors/$f.csv" || return 1
    done
}
check "golden vectors installed (share/libbce/vectors)" vectors_installed
check "pkg-config --modversion bce" \
    test "$(pkgc --modversion bce)" = "$(sed -n 's/^#define BCE_VERSION_STRING "\(.*\)"/\1/p' "$here/../../include/bce.h")"

# Shared: compile with pkg-config, run against the installed libbce.so.
build_shared() {
    $CC $CFLAGS "$here/consumer.c" -o "$tmp/consumer" \
        $(pkgc --cflags --libs bce)
}
run_shared() {
    LD_LIBRARY_PATH=$libdir "$tmp/consumer" >"$tmp/out" &&
        diff -u "$here/expected.txt" "$tmp/out"
}
uses_installed_so() {
    LD_LIBRARY_PATH=$libdir ldd "$tmp/consumer" | grep -F "$libdir/libbce.so"
}
check "shared consumer builds" build_shared
check "shared consumer output" run_shared
check "shared consumer loads the installed libbce.so" uses_installed_so

# Static: libbce.a plus the private libraries (-lm).
build_static() {
    local libs
    libs=$(pkgc --static --libs bce |
        sed 's/\(^\| \)-lbce\( \|$\)/ -Wl,-Bstatic -lbce -Wl,-Bdynamic /')
    $CC $CFLAGS "$here/consumer.c" -o "$tmp/consumer_static" \
        $(pkgc --cflags bce) $libs
}
static_has_no_libbce_so() {
    ! readelf -d "$tmp/consumer_static" | grep -q 'libbce\.so'
}
run_static() {
    "$tmp/consumer_static" >"$tmp/out_static" &&
        diff -u "$here/expected.txt" "$tmp/out_static"
}
check "static consumer builds (pkg-config --static)" build_static
check "static consumer does not need libbce.so" static_has_no_libbce_so
check "static consumer output" run_static

# libbce-verify through bce-verify.pc (Requires: bce, mpfr).
build_verify() {
    $CC $CFLAGS "$here/verify_consumer.c" -o "$tmp/verify_consumer" \
        $(pkgc --cflags --libs bce-verify)
}
run_verify() {
    test "$(LD_LIBRARY_PATH=$libdir "$tmp/verify_consumer")" = \
        "$(head -n 1 "$here/expected.txt")"
}
check "bce-verify consumer builds" build_verify
check "bce-verify consumer output" run_verify

# The installed tool.
bce=$root/bin/bce
tool_version() { LD_LIBRARY_PATH=$libdir "$bce" --version; }
tool_eval() {
    test "$(printf '0 1\n' | LD_LIBRARY_PATH=$libdir "$bce" eval)" = \
        "$(head -n 1 "$here/expected.txt")"
}
check "bce tool installed" test -x "$bce"
check "bce --version" tool_version
check "bce eval" tool_eval

# The install rpath ($ORIGIN/../<libdir>, meson.build): the tool runs from
# the install with no LD_LIBRARY_PATH, loads the installed libbce-verify and
# libbce (not a copy elsewhere on the system), and still runs when the whole
# prefix is moved.
no_ldpath() { env -u LD_LIBRARY_PATH "$@"; }
tool_no_ldpath() {
    no_ldpath "$bce" --version &&
        no_ldpath "$bce" isa | grep -q '^active: ' &&
        test "$(printf '0 1\n' | no_ldpath "$bce" eval)" = \
            "$(head -n 1 "$here/expected.txt")"
}
resolved() { # BINARY SONAME: the real path ldd resolves SONAME to
    local p
    p=$(no_ldpath ldd "$1" | awk -v s="$2" '$1 == s && $2 == "=>" { print $3 }')
    [ -n "$p" ] && readlink -f "$p"
}
tool_loads_installed_libs() {
    local so
    for so in libbce-verify.so.0 libbce.so.0; do
        echo "$so => $(resolved "$bce" "$so")"
        test "$(resolved "$bce" "$so")" = "$(readlink -f "$libdir/$so")" || return
    done
}
moved=$tmp/moved/somewhere/else
tool_relocated() {
    mkdir -p "$moved" && cp -a "$root/." "$moved/" || return
    local b=$moved/${bce#"$root"/} so
    for so in libbce-verify.so.0 libbce.so.0; do
        echo "$so => $(resolved "$b" "$so")"
        case $(resolved "$b" "$so") in "$moved"/*) ;; *) return 1 ;; esac
    done
    no_ldpath "$b" --version && no_ldpath "$b" isa | grep -q '^active: '
}
check "bce --version, isa, eval with no LD_LIBRARY_PATH (install rpath)" tool_no_ldpath
check "bce loads the installed libbce-verify and libbce" tool_loads_installed_libs
check "bce runs from a moved prefix (relative rpath)" tool_relocated

# Man pages (tools/man: from the help text, native builds): bce(1) and one
# bce-CMD(1) per command of `bce --help`; each renders with groff without a
# warning and has NAME, SYNOPSIS and DESCRIPTION, naming the command.
mandir=$root/share/man/man1
man_cmds=$(no_ldpath "$bce" --help |
    sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' | grep -vx help)
render() { # PAGE TITLE: render PAGE, check its sections
    local out
    out=$(groff -man -Tutf8 -ww "$1" 2>"$tmp/groff.err") || return
    [ ! -s "$tmp/groff.err" ] || { cat "$tmp/groff.err"; return 1; }
    out=$(sed 's/.\x08//g' <<<"$out")     # no overstrike
    grep -q "^NAME" <<<"$out" && grep -q "^SYNOPSIS" <<<"$out" &&
        grep -q "^DESCRIPTION" <<<"$out" &&
        grep -Eq "^ +$2 - [a-z]" <<<"$out" || { echo "$out" | head -n 20; return 1; }
}
if command -v groff >/dev/null; then
    check "man: bce --help lists commands ($(tr "\n" " " <<<"$man_cmds"))" test -n "$man_cmds"
    check "man: bce.1 installed and renders" render "$mandir/bce.1" bce
    for c in $man_cmds; do
        check "man: bce-$c.1 installed and renders" render "$mandir/bce-$c.1" "bce-$c"
    done
    check "man: man -l shows bce-eval's synopsis" \
        sh -c "! command -v man >/dev/null || MANWIDTH=80 man -l '$mandir/bce-eval.1' | grep -q 'bce eval \[options\]'"
else
    echo "SKIP: install: man pages not rendered (no groff: apt-get install groff-base)"
fi
finish

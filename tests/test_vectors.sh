#!/usr/bin/env bash
# test_vectors.sh BCE SRCDIR -- the golden vectors and `bce compare`:
#   1. `bce vectors` regenerates data/vectors/ byte for byte;
#   2. libbce's own outputs (`bce eval`) pass `bce compare` on all four files;
#   3. a deliberately naive implementation fails, and the report points at
#      the tails;
#   4. malformed results exit 2 and name the line; a 1-ulp change on a
#      correctly rounded row exits 1;
#   5. the worked examples of docs/PORTING.md (Python and C) pass.
# Registered as the meson test `test_vectors` (tools/meson.build).
# shellcheck disable=SC2015  # "ok" never fails: A && ok || bad is if-then-else
set -uo pipefail

BCE=${1:?usage: test_vectors.sh path/to/bce SRCDIR}
SRC=${2:?usage: test_vectors.sh path/to/bce SRCDIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
files="logits_f64 logits_f32 probs_f64 probs_f32"

# --- 1. regeneration ------------------------------------------------------------
if "$BCE" vectors --out "$tmp/v" >"$tmp/gen.out" 2>&1; then ok; else
    bad "bce vectors failed: $(cat "$tmp/gen.out")"; fi
for f in $files; do
    if cmp -s "$tmp/v/$f.csv" "$SRC/data/vectors/$f.csv"; then ok; else
        bad "data/vectors/$f.csv differs from 'bce vectors' output:"
        diff "$SRC/data/vectors/$f.csv" "$tmp/v/$f.csv" | head -n 10
    fi
done
V=$SRC/data/vectors

# results of libbce itself, through `bce eval`: x,y,loss,grad
libbce_results() { # FILE -> stdout
    local f=$1 form=${1%_*} type=${1#*_}
    echo "x,y,loss,grad"
    tail -n +2 "$V/$f.csv" | cut -d, -f2,3 >"$tmp/xy"
    tr , ' ' <"$tmp/xy" | "$BCE" eval --form "$form" --type "$type" |
        tr ' ' , | paste -d, "$tmp/xy" -
}

# --- 2. libbce passes -------------------------------------------------------------
for f in $files; do
    libbce_results "$f" >"$tmp/lib_$f.csv"
    "$BCE" compare "$V/$f.csv" "$tmp/lib_$f.csv" >"$tmp/out" 2>&1
    rc=$?
    [ $rc -eq 0 ] && grep -q '^PASS: ' "$tmp/out" && ok ||
        bad "libbce's own $f outputs: compare exit $rc: $(tail -n 3 "$tmp/out")"
done

# --- 3. a naive implementation fails, at the tails ------------------------------
if command -v python3 >/dev/null; then
    python3 "$SRC/tests/naive_port.py" "$V/logits_f64.csv" >"$tmp/naive.csv"
    "$BCE" compare "$V/logits_f64.csv" "$tmp/naive.csv" >"$tmp/out" 2>&1
    rc=$?
    [ $rc -eq 1 ] && ok || bad "naive port: exit $rc, expected 1"
    grep -q '^FAIL: ' "$tmp/out" && ok || bad "naive port: no FAIL line"
    # columns: regime out rows max_ulp bound over ...: both tails over bound,
    # with errors of more than 10^10 ulps
    for r in tail_pos tail_neg; do
        awk -v r=$r '$1 == r && $6 > 0 && ($4 == "inf" || $4 > 1e10) {n++}
                     END {exit !(n >= 1)}' "$tmp/out" && ok ||
            bad "naive port: report does not flag $r: $(grep "^$r" "$tmp/out")"
    done
else
    echo "SKIP: python3 not found (naive port)"
fi

# --- 4. malformed input, strict rounding check -------------------------------------
cp "$tmp/lib_logits_f32.csv" "$tmp/m.csv"
sed -i '5s/,[^,]*$/,12x/' "$tmp/m.csv"
"$BCE" compare "$V/logits_f32.csv" "$tmp/m.csv" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "m.csv:5: grad: not a number: '12x'" "$tmp/err" && ok ||
    bad "malformed number: exit $rc, stderr $(cat "$tmp/err")"
head -n 20 "$tmp/lib_logits_f32.csv" >"$tmp/short.csv"
"$BCE" compare "$V/logits_f32.csv" "$tmp/short.csv" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "short.csv:21: ends here" "$tmp/err" && ok ||
    bad "short results: exit $rc, stderr $(cat "$tmp/err")"
sed '3s/^[^,]*,/0x1p+0,/' "$tmp/lib_logits_f32.csv" >"$tmp/swap.csv"
"$BCE" compare "$V/logits_f32.csv" "$tmp/swap.csv" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "swap.csv:3: x, y = " "$tmp/err" && ok ||
    bad "mismatched x: exit $rc, stderr $(cat "$tmp/err")"
echo "x,y" >"$tmp/nohdr.csv"
"$BCE" compare "$V/logits_f32.csv" "$tmp/nohdr.csv" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "header lacks column 'loss'" "$tmp/err" && ok ||
    bad "header check: $(cat "$tmp/err")"
# one ulp off on row 2 (a hard-label row, bound 0.5): must fail
row2=$(sed -n 2p "$V/logits_f32.csv")
case $row2 in
random,*,0x0p+0,*|random,*,0x1p+0,*)
    loss=$(echo "$row2" | cut -d, -f4)
    # the next float up: add 1 to the mantissa's last hex digit (24-bit
    # mantissa, %a prints 6 hex digits after the point, last one even)
    mant=${loss#0x1.}; mant=${mant%%p*}; ex=${loss#*p}
    mant=$(printf '%-6s' "$mant" | tr ' ' 0)     # %a drops trailing zeros
    up=$(printf '0x1.%06xp%s' $((16#$mant + 2)) "$ex")
    awk -F, -v OFS=, -v up="$up" 'NR == 2 {$3 = up} {print}' \
        "$tmp/lib_logits_f32.csv" >"$tmp/ulp.csv"
    "$BCE" compare "$V/logits_f32.csv" "$tmp/ulp.csv" >"$tmp/out" 2>&1
    rc=$?
    [ $rc -eq 1 ] && grep -q '^FAIL: 1 of ' "$tmp/out" && ok ||
        bad "1 ulp off on a correctly rounded row ($loss -> $up): exit $rc"
    ;;
*) bad "row 2 of logits_f32.csv is not a hard-label random row: $row2" ;;
esac

# --- 5. the worked examples of docs/PORTING.md ------------------------------------
for f in logits_f32 probs_f32; do
    if command -v python3 >/dev/null; then
        python3 "$SRC/docs/porting/port.py" "$V/$f.csv" >"$tmp/py_$f.csv" &&
            "$BCE" compare --quiet "$V/$f.csv" "$tmp/py_$f.csv" >"$tmp/out" 2>&1 && ok ||
            bad "docs/porting/port.py on $f: $(cat "$tmp/out")"
    fi
done
# the same Python port rounding its double result once, without the test
# and the fallback: the exhaustive run's hard cases (regime wc) catch it
if command -v python3 >/dev/null; then
    PORT_ROUND_ONCE=1 python3 "$SRC/docs/porting/port.py" "$V/logits_f32.csv" \
        >"$tmp/once.csv"
    "$BCE" compare "$V/logits_f32.csv" "$tmp/once.csv" >"$tmp/out" 2>&1
    rc=$?
    # (wc must catch it; since soft labels are held to correct rounding
    # too (issue 13), a few soft rows may as well: 0.63 ulp in soft_cancel)
    [ $rc -eq 1 ] && awk '$3 ~ /^[0-9]+$/ && $6 > 0 && $1 == "wc" {wc = 1}
                         END {exit !wc}' "$tmp/out" && ok ||
        bad "round-once port: exit $rc, expected 1 with failures in wc: $(cat "$tmp/out")"
fi
CC_=${CC:-gcc}
if command -v "$CC_" >/dev/null; then
    if "$CC_" -std=gnu99 -O2 -Wall -Wextra -Werror "$SRC/docs/porting/port.c" \
        -o "$tmp/port" -lquadmath -lm 2>"$tmp/err"; then ok; else
        bad "docs/porting/port.c does not compile: $(cat "$tmp/err")"; fi
    for f in logits_f32 probs_f32; do
        "$tmp/port" "$V/$f.csv" >"$tmp/c_$f.csv" &&
            "$BCE" compare --quiet "$V/$f.csv" "$tmp/c_$f.csv" >"$tmp/out" 2>&1 && ok ||
            bad "docs/porting/port.c on $f: $(cat "$tmp/out")"
    done
else
    echo "SKIP: no C compiler ($CC_)"
fi

echo "test_vectors: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

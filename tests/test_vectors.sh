#!/usr/bin/env bash
# test_vectors.sh BCE SRCDIR -- the golden vectors and `bce compare`:
#   1. `bce vectors` regenerates data/vectors/ byte for byte;
#   2. libbce's own outputs (`bce eval`) pass `bce compare` on all four files;
#   3. a deliberately naive implementation fails, and the report points at
#      the tails;
#   2b. f32 results are read as binary32 (decimal spellings of libbce's own
#      f32 outputs pass);
#   3b. the report: one summary row per (regime, output, bound), every
#      failing row in text, --json and --csv; swapped arguments; vectors
#      found by name;
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
if "$BCE" vectors --out "$tmp/v" --json "$tmp/vec.json" >"$tmp/gen.out" 2>&1; then ok; else
    bad "bce vectors failed: $(cat "$tmp/gen.out")"; fi
# --json FILE: the files written, their rows by regime (schema header)
/usr/bin/python3 - "$tmp/vec.json" "$tmp/v" <<'PY' && ok || bad "vectors --json fields"
import json, sys, collections
d = json.load(open(sys.argv[1]))
assert list(d)[:3] == ["tool", "libbce", "schema"] and d["tool"] == "bce vectors"
assert d["schema"] == 1 and d["out"] == sys.argv[2] and len(d["files"]) == 4
for f in d["files"]:
    rows = open(f["path"]).read().splitlines()[1:]
    assert f["rows"] == len(rows) == sum(f["regimes"].values()), f
    assert f["path"].endswith("/%s_%s.csv" % (f["form"], f["type"]))
    assert collections.Counter(r.split(",")[0] for r in rows) == collections.Counter(
        {k: v for k, v in f["regimes"].items() if v}), f
PY
"$BCE" vectors --out "$tmp/v" --json >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -qF -- "'--json -'" "$tmp/err" && ok || bad "vectors bare --json: $(cat "$tmp/err")"
for f in $files; do
    if cmp -s "$tmp/v/$f.csv" "$SRC/data/vectors/$f.csv"; then ok; else
        bad "data/vectors/$f.csv differs from 'bce vectors' output:"
        diff "$SRC/data/vectors/$f.csv" "$tmp/v/$f.csv" | head -n 10
    fi
done
V=$SRC/data/vectors

# results of libbce itself, through `bce eval`: x,y,loss,grad
libbce_results() { # FILE [EVAL_OPTION...] -> stdout
    local f=$1 form=${1%_*} type=${1#*_}
    shift
    echo "x,y,loss,grad"
    tail -n +2 "$V/$f.csv" | cut -d, -f2,3 >"$tmp/xy"
    tr , ' ' <"$tmp/xy" | "$BCE" eval "$@" --form "$form" --type "$type" |
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

# --- 2b. f32 results read as binary32: libbce's own f32 outputs printed as
# decimals that read back to the same float (%.9g, and the shortest
# round-trip spelling a Python or JavaScript port prints, e.g. 0.6931472)
# are the same numbers and pass
for f in logits_f32 probs_f32; do
    libbce_results "$f" --decimal >"$tmp/dec_$f.csv"
    "$BCE" compare "$V/$f.csv" "$tmp/dec_$f.csv" >"$tmp/out" 2>&1
    rc=$?
    [ $rc -eq 0 ] && grep -q '^PASS: ' "$tmp/out" && ok ||
        bad "libbce's $f outputs in decimal (%.9g): compare exit $rc: $(grep -E '^(PASS|FAIL)' "$tmp/out")"
done
if /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
    /usr/bin/python3 - "$tmp/lib_logits_f32.csv" >"$tmp/short_f32.csv" <<'PY'
import sys, numpy as np
rows = open(sys.argv[1]).read().split("\n")
print(rows[0])
for r in rows[1:]:
    if not r:
        continue
    v = [np.float32(float.fromhex(t)) if t[:3] in ("0x1", "0x0", "-0x") else np.float32(t)
         for t in r.split(",")]
    print(",".join(str(a) if np.isfinite(a) else ("inf" if a > 0 else "-inf") for a in v))
PY
    grep -q '0\.6931472,' "$tmp/short_f32.csv" && ok || bad "shortest spelling: no 0.6931472"
    "$BCE" compare "$V/logits_f32.csv" "$tmp/short_f32.csv" >"$tmp/out" 2>&1
    rc=$?
    [ $rc -eq 0 ] && ok ||
        bad "logits_f32 in shortest round-trip decimals: compare exit $rc: $(grep -E '^(PASS|FAIL)' "$tmp/out")"
else
    echo "SKIP: python3-numpy not found (shortest f32 spelling)"
fi

# --- 3. a naive implementation fails, at the tails ------------------------------
if command -v python3 >/dev/null; then
    python3 "$SRC/tests/naive_port.py" "$V/logits_f64.csv" >"$tmp/naive.csv"
    "$BCE" compare "$V/logits_f64.csv" "$tmp/naive.csv" >"$tmp/out" 2>&1
    rc=$?
    [ $rc -eq 1 ] && ok || bad "naive port: exit $rc, expected 1"
    grep -q '^FAIL: ' "$tmp/out" && ok || bad "naive port: no FAIL line"
    # columns: regime out bound rows max_ulp over ...: both tails over bound,
    # with errors of more than 10^10 ulps
    for r in tail_pos tail_neg; do
        awk -v r=$r '$1 == r && $6 > 0 && ($5 == "inf" || $5 > 1e10) {n++}
                     END {exit !(n >= 1)}' "$tmp/out" && ok ||
            bad "naive port: report does not flag $r: $(grep "^$r" "$tmp/out")"
    done
else
    echo "SKIP: python3 not found (naive port)"
fi

# --- 3b. the report of a failing port: one summary row per (regime, output,
# bound), so that "over" and "max_ulp" refer to the same bound; every
# failing row with x, y, expected, got, ulp in the text, --json and --csv
if [ -s "$tmp/naive.csv" ]; then
    "$BCE" compare --json "$tmp/naive.json" --csv "$tmp/naive_fail.csv" \
        "$V/logits_f64.csv" "$tmp/naive.csv" >"$tmp/out" 2>&1
    rc=$?
    [ $rc -eq 1 ] && ok || bad "naive port with --json/--csv: exit $rc"
    # a group over its bound has its max beyond it (or is a correctly
    # rounded group, bound 0.5, whose rows must equal the rounding)
    awk '$4 ~ /^[0-9]+$/ && NF >= 6 && $6 > 0 && $3 != 0.5 && $5 != "inf" && $5 <= $3 {n++}
         END {exit n > 0}' "$tmp/out" && ok ||
        bad "a summary row counts rows over a bound its max does not exceed"
    nover=$(sed -n 's/^FAIL: \([0-9]*\) of .*/\1/p' "$tmp/out")
    nlisted=$(grep -cE '^  [0-9]+ [a-z_]+ (loss|grad) [0-9.]+: x=.* y=.* expected .* got .* ulp\)$' "$tmp/out")
    [ -n "$nover" ] && [ "$nover" -eq "$nlisted" ] && ok ||
        bad "text report lists $nlisted failing rows, FAIL line says $nover"
    [ "$(($(wc -l <"$tmp/naive_fail.csv") - 1))" -eq "$nover" ] &&
        head -n 1 "$tmp/naive_fail.csv" | grep -qx 'line,regime,output,bound,x,y,expected,got,ulp' &&
        ok || bad "--csv: not one row per failing output: $(head -n 2 "$tmp/naive_fail.csv")"
    /usr/bin/python3 - "$tmp/naive.json" "$nover" "$V/logits_f64.csv" <<'PY' && ok || bad "compare --json fields"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["tool"] == "bce compare" and d["schema"] == 1 and d["libbce"], d
assert list(d)[:3] == ["tool", "libbce", "schema"], list(d)[:3]
assert d["pass"] is False and d["type"] == "f64" and d["over"] == int(sys.argv[2])
assert len(d["failing"]) == d["over"] and d["outputs"] > d["over"]
rows = open(sys.argv[3]).read().splitlines()
hdr = rows[0].split(",")
for f in d["failing"]:
    v = dict(zip(hdr, rows[f["line"] - 1].split(",")))
    assert f["regime"] == v["regime"] and float.fromhex(f["x"]) == float.fromhex(v["x"])
    assert float.fromhex(f["expected"]) == float.fromhex(v[f["output"]]), (f, v)
    for k in ("x", "y", "expected", "got"):
        h, dec = f[k], f[k + "_dec"]
        assert isinstance(h, str) and (isinstance(dec, float) or isinstance(dec, int)
                                       or dec in ("inf", "-inf", "nan")), (k, h, dec)
    assert f["ulp"] == "inf" or f["ulp"] > f["bound"] or f["bound"] == 0.5, f
seen = set()
for g in d["summary"]:
    key = (g["regime"], g["output"], g["bound"])
    assert key not in seen, key
    seen.add(key)
    assert g["over"] <= g["rows"]
    if g["over"] and g["bound"] != 0.5:
        assert g["max_ulp"] == "inf" or g["max_ulp"] > g["bound"], g
assert sum(g["over"] for g in d["summary"]) == d["over"]
PY
fi
# libbce's own outputs: --json - is the JSON alone on stdout, pass true
"$BCE" compare --json - "$V/probs_f32.csv" "$tmp/lib_probs_f32.csv" >"$tmp/p.json" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["tool"] == "bce compare" and d["pass"] is True and d["failing"] == []
assert d["type"] == "f32" and d["over"] == 0 and d["outputs"] == 2 * (sum(1 for _ in open(sys.argv[2])) - 1)
' "$tmp/p.json" "$V/probs_f32.csv" && grep -q '^PASS' "$tmp/err" && ok ||
    bad "compare --json - on libbce's outputs: exit $rc"
# a bare --json is a usage error naming the fix
"$BCE" compare "$V/probs_f32.csv" "$tmp/lib_probs_f32.csv" --json >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -qF -- "--json -" "$tmp/err" && ok || bad "compare bare --json: $(cat "$tmp/err")"
# swapped arguments, or a file that is not a vectors file: named, exit 2
"$BCE" compare "$tmp/lib_probs_f32.csv" "$V/probs_f32.csv" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "lib_probs_f32.csv: not a vectors file.*swapped" "$tmp/err" && ok ||
    bad "swapped arguments: $(cat "$tmp/err")"
"$BCE" compare "$tmp/lib_probs_f32.csv" "$tmp/lib_probs_f32.csv" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "lib_probs_f32.csv: not a vectors file" "$tmp/err" && ok ||
    bad "results as vectors: $(cat "$tmp/err")"
# the vectors found by name (this bce runs from its build tree: the source's)
"$BCE" compare probs_f32 "$tmp/lib_probs_f32.csv" >"$tmp/out" 2>&1
[ $? -eq 0 ] && grep -q "vs $V/probs_f32.csv)" "$tmp/out" && ok ||
    bad "compare by name: $(tail -n 2 "$tmp/out")"
"$BCE" compare probs_f128 "$tmp/lib_probs_f32.csv" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "no vectors named so in $V" "$tmp/err" && ok ||
    bad "compare by unknown name: $(cat "$tmp/err")"

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
    [ $rc -eq 1 ] && awk '$4 ~ /^[0-9]+$/ && $6 > 0 && $1 == "wc" {wc = 1}
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

# --- 6. 16-bit vectors (issue 18): data/vectors/{logits,probs}_{bf16,f16}.csv -------
# regenerated byte for byte by the command of data/vectors/README.md
for t in bf16 f16; do
    "$BCE" vectors --type $t --out "$tmp/v16" >"$tmp/gen.out" 2>&1 && ok || bad "bce vectors --type $t: $(cat "$tmp/gen.out")"
    for f in logits probs; do
        cmp -s "$tmp/v16/${f}_$t.csv" "$V/${f}_$t.csv" && ok ||
            bad "data/vectors/${f}_$t.csv differs from 'bce vectors --type $t' output"
    done
done
# libbce's own outputs, both output types: PASS
for t in bf16 f16; do for f in logits probs; do for o in $t f32; do
    libbce_results "${f}_$t" --out-type $o >"$tmp/l16_${f}_${t}_$o.csv"
    "$BCE" compare --out-type $o "$V/${f}_$t.csv" "$tmp/l16_${f}_${t}_$o.csv" >"$tmp/out" 2>&1
    rc=$?
    [ $rc -eq 0 ] && grep -q '^PASS: ' "$tmp/out" && ok ||
        bad "libbce's ${f}_$t --out-type $o: compare exit $rc: $(tail -n 3 "$tmp/out")"
done; done; done
# a double-rounding port: its 16-bit outputs are RN16 of the correctly rounded
# float outputs (what a port computing in f32 and casting at the end returns):
# FAIL, naming the midpoint rows (Python: float.fromhex, round half even)
dr16() { # TYPE FILE(x,y,loss,grad of f32 outputs) -> the RN16 of every output
    /usr/bin/python3 - "$1" "$2" <<'PY'
import math, sys
t, path = sys.argv[1], sys.argv[2]
p, emin, emax = (8, -126, 127) if t == "bf16" else (11, -14, 15)
def rn16(v):
    if v == 0 or math.isinf(v) or math.isnan(v):
        return v
    m, e = math.frexp(abs(v))                   # |v| = m 2^e, m in [1/2, 1)
    q = max(e - 1, emin) - p + 1
    r = round(abs(v) / 2.0 ** q) * 2.0 ** q     # exact scaling; round(): ties to even
    return math.copysign(math.inf if r >= 2.0 ** (emax + 1) else r, v)
rows = open(path).read().splitlines()
print(rows[0])
for r in rows[1:]:
    x, y, l, g = r.split(",")
    print(",".join([x, y, rn16(float.fromhex(l)).hex(), rn16(float.fromhex(g)).hex()]))
PY
}
for t in bf16 f16; do for f in logits probs; do
    dr16 $t "$tmp/l16_${f}_${t}_f32.csv" >"$tmp/dr_${f}_$t.csv"
    "$BCE" compare --out-type $t "$V/${f}_$t.csv" "$tmp/dr_${f}_$t.csv" >"$tmp/out" 2>&1
    rc=$?
    nmid=$(grep -c '^midpoint,' "$V/${f}_$t.csv")
    if [ "$nmid" -gt 0 ]; then
        [ $rc -eq 1 ] && grep -q '^FAIL: ' "$tmp/out" && grep -Eq '^  [0-9]+ midpoint (loss|grad) 0.5: x=' "$tmp/out" &&
            ok || bad "double-rounded ${f}_$t: compare exit $rc (expected 1, midpoint rows named): $(tail -n 3 "$tmp/out")"
        # every midpoint row (built so that RN16(RN32(v)) != RN16(v)) is named
        # among the failing rows, by its line in the vectors file
        miss=0
        for ln in $(awk -F, '$1 == "midpoint" { print NR }' "$V/${f}_$t.csv"); do
            grep -Eq "^  $ln midpoint " "$tmp/out" || miss=$((miss + 1))
        done
        [ "$miss" -eq 0 ] && ok || bad "double-rounded ${f}_$t: $miss midpoint rows not reported"
    else
        [ $rc -eq 0 ] && ok || bad "double-rounded ${f}_$t (no midpoint rows): exit $rc"
    fi
done; done
[ "$(grep -c '^midpoint,' "$V/logits_bf16.csv")" -ge 40 ] && [ "$(grep -c '^midpoint,' "$V/logits_f16.csv")" -ge 40 ] &&
    ok || bad "16-bit vectors: too few midpoint rows"
# 16-bit results are read exactly: 0.1 is not a bf16 value (input error, line named)
sed '3s/^\([^,]*\),\([^,]*\),[^,]*,/\1,\2,0.1,/' "$tmp/l16_logits_bf16_bf16.csv" >"$tmp/bad16.csv"
"$BCE" compare --out-type bf16 "$V/logits_bf16.csv" "$tmp/bad16.csv" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q ':3: loss: not a bf16 value' "$tmp/err" && ok || bad "compare: 0.1 as a bf16 output: $(cat "$tmp/err")"
"$BCE" compare --out-type f16 "$V/logits_bf16.csv" "$tmp/l16_logits_bf16_bf16.csv" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && ok || bad "compare --out-type f16 with bf16 vectors: not a usage error"
# --json names the types
"$BCE" compare --out-type bf16 --json "$tmp/c16.json" "$V/probs_bf16.csv" "$tmp/l16_probs_bf16_bf16.csv" >/dev/null 2>&1
grep -q '"type": "bf16", "out_type": "bf16"' "$tmp/c16.json" && ok || bad "compare --json: type/out_type"

echo "test_vectors: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

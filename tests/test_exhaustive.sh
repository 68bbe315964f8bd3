#!/usr/bin/env bash
# test_exhaustive.sh BCE [WCDIR] -- `bce exhaustive` and `bce exhaustive-merge` on
# bounded slices: correctness of a slice on every ISA, rejection and NaN
# checks, shards + merge equal to the unsharded run, checkpoint + resume
# equal to an uninterrupted run, the binary32 hard cases of WCDIR (verify/wc)
# on every ISA, usage and malformed-summary errors.
# Registered as the meson test `test_exhaustive` (tools/meson.build).
# shellcheck disable=SC2015  # "ok" never fails: A && ok || bad is if-then-else
set -uo pipefail

BCE=${1:?usage: test_exhaustive.sh path/to/bce}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
ex() { "$BCE" exhaustive --quiet --threads 2 "$@"; }
field() { # FILE KEY: a top-level number of a summary
    sed -n "s/^  \"$2\": \\([0-9.e+-]*\\),*\$/\\1/p" "$1"
}
cells() { sed -n '/"cells"/,$p' "$1"; }

# --- a slice around 1.0 (p near 1, z near 1) on every ISA ------------------------
ex --range 0x3f7f0000:0x3f810000 --json "$tmp/a.json" >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 0 ] && ok || bad "slice around 1.0: exit $rc: $(tail -n 5 "$tmp/out")"
[ "$(field "$tmp/a.json" misrounded)" = 0 ] && ok || bad "slice: misrounded != 0"
grep -q '"complete": true' "$tmp/a.json" && ok || bad "slice: not complete"
n=$("$BCE" isa | grep -c ' available')
# 2^17 inputs x 2 labels x 2 outputs x 2 forms x n ISAs, less the p > 1
# half of the probability form (2^16 - 1 inputs rejected)
want=$(( (2 * 131072 + 2 * 65537) * 2 * n ))
[ "$(field "$tmp/a.json" outputs_checked)" = $((want * 2 / 2)) ] && ok ||
    bad "slice: outputs_checked $(field "$tmp/a.json" outputs_checked), expected $want"
grep -q '"input": "range", "status": "BCE_E_PROB_RANGE", "checked": 65535, "failed": 0' \
    "$tmp/a.json" && ok || bad "slice: p > 1 rejections not counted"

# the shared schema header on the first line; fields as data
head -n 1 "$tmp/a.json" | grep -q '^{"tool": "bce exhaustive", "libbce": "[^"]*", "schema": 3,$' &&
    ok || bad "summary header: $(head -n 1 "$tmp/a.json")"
/usr/bin/python3 - "$tmp/a.json" <<'PY' && ok || bad "exhaustive --json fields"
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d)[:3] == ["tool", "libbce", "schema"] and d["schema"] == 3
assert d["complete"] is True and d["ranges"] == [[0x3f7f0000, 0x3f810000]]
assert d["outputs_checked"] == sum(c["checked"] for c in d["cells"])
assert d["misrounded"] == 0 and all(c["misrounded"] == 0 for c in d["cells"])
PY
# a summary of format 2 (before the shared header) is still read
sed '1s/.*/{\n  "tool": "bce exhaustive",\n  "format": 2,\n  "libbce": "0.1.0",/' \
    "$tmp/a.json" >"$tmp/a2.json"
"$BCE" exhaustive-merge --json "$tmp/a2m.json" "$tmp/a2.json" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && diff <(cells "$tmp/a.json") <(cells "$tmp/a2m.json") >/dev/null && ok ||
    bad "a format-2 summary: $(cat "$tmp/err")"
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d)[:3] == ["tool", "libbce", "schema"] and d["schema"] == 3
assert d["tool"] == "bce exhaustive" and "format" not in d and d["complete"] is True
' "$tmp/a2m.json" && ok || bad "exhaustive-merge --json: header"
# --json - : the summary alone on stdout; the bare --json names the fix
"$BCE" exhaustive --quiet --range 0x3f800000:0x3f800100 --isa scalar --json - \
    >"$tmp/o.json" 2>"$tmp/err"
/usr/bin/python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); assert d["tool"] == "bce exhaustive"' \
    "$tmp/o.json" && grep -q '^PASS' "$tmp/err" && ok || bad "exhaustive --json -: $(head -c 100 "$tmp/o.json")"
for c in exhaustive exhaustive-merge; do
    "$BCE" $c --json >/dev/null 2>"$tmp/err"
    [ $? -eq 2 ] && grep -qF -- "'--json -'" "$tmp/err" && ok || bad "$c bare --json: $(cat "$tmp/err")"
done
# a failure listed in a summary (values as hex + decimal, an infinite ulp
# as "inf") is read back and written again the same
/usr/bin/python3 - "$tmp/o.json" "$tmp/of.json" <<'PY'
import sys
s = open(sys.argv[1]).read()
line = ('    {"isa": "scalar", "form": "logits", "label": 0, "output": "loss", "kind": '
        '"misrounded", "input": "0x3f800000", "input_value": "0x1p+0", "input_value_dec": 1, '
        '"got": "0x3f317218", "got_value": "0x1.62e43p-1", "got_value_dec": 0.693147182, '
        '"expected": "0x3f317217", "expected_value": "0x1.62e42ep-1", '
        '"expected_value_dec": 0.693147123, "ulp": "inf", "status": "BCE_OK"}')
s = s.replace('"failures": [\n\n', '"failures": [\n' + line + '\n')
open(sys.argv[2], "w").write(s.replace('"failures_total": 0', '"failures_total": 1'))
PY
"$BCE" exhaustive-merge --json "$tmp/ofm.json" "$tmp/of.json" >"$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q 'got 0x1.62e43p-1 expected 0x1.62e42ep-1 (inf ulp)' "$tmp/out" &&
    [ "$(grep -c '"expected_value_dec": 0.693147123, "ulp": "inf"' "$tmp/ofm.json")" -eq 1 ] &&
    ok || bad "a listed failure does not survive a merge: $(grep -A1 '"failures"' "$tmp/ofm.json")"

# progress when stderr is not a terminal: plain lines from the start, no \r
"$BCE" exhaustive --threads 2 --range 0x3f800000:0x3f810000 --isa scalar >/dev/null 2>"$tmp/err"
head -n 1 "$tmp/err" | grep -Eq '^bce exhaustive: 0/[0-9]+ inputs, 0.0%, 0 s' &&
    tail -n 1 "$tmp/err" | grep -Eq '^bce exhaustive: ([0-9]+)/\1 inputs, 100.0%' &&
    ! grep -q $'\r' "$tmp/err" && ok || bad "exhaustive progress: $(cat -A "$tmp/err")"

# --- infinities, NaNs, negative values, -0 ------------------------------------------
ex --range 0x7f7ffff0:0x80000010 --json "$tmp/b.json" >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 0 ] && ok || bad "inf/NaN slice: exit $rc: $(tail -n 5 "$tmp/out")"
grep -q '"input": "nan", "status": "BCE_E_NAN_LOGIT", "checked": 8388607, "failed": 0' \
    "$tmp/b.json" && ok || bad "NaN logits: rejections not all checked"
grep -q '"form": "probs", "label": 1, "checked": 8388607, "failed": 0' "$tmp/b.json" &&
    ok || bad "NaN probs: propagation not all checked"
ex --range 0xff800000:0x100000000 --form probs --isa scalar --json "$tmp/c.json" \
    >/dev/null 2>&1 && ok || bad "negative NaN / -inf probs slice failed"

# --- shards + merge ------------------------------------------------------------------
R=0x3e000000:0x3e100000
ex --range $R --isa scalar --json "$tmp/whole.json" >/dev/null 2>&1
for i in 0 1 2; do
    ex --range $R --isa scalar --shard $i/3 --json "$tmp/s$i.json" >/dev/null 2>&1 ||
        bad "shard $i/3 failed"
done
"$BCE" exhaustive-merge --json "$tmp/m.json" "$tmp/s2.json" "$tmp/s0.json" \
    "$tmp/s1.json" >"$tmp/out" 2>&1
rc=$?
# the range is not all 2^32: exit 1 (coverage incomplete), counts equal
[ $rc -eq 1 ] && grep -q 'NOT all 2^32' "$tmp/out" && ok ||
    bad "merge of a partial range: exit $rc, $(tail -n 1 "$tmp/out")"
diff <(cells "$tmp/whole.json" | grep -v failures_total) \
     <(cells "$tmp/m.json" | grep -v failures_total) >"$tmp/d" && ok ||
    bad "merged shards differ from the unsharded run: $(head -n 4 "$tmp/d")"
"$BCE" exhaustive-merge "$tmp/s0.json" "$tmp/s0.json" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'overlap' "$tmp/err" && ok || bad "overlapping shards accepted"
rl=$(grep -n '^  "ranges":' "$tmp/s0.json" | cut -d: -f1)
sed "${rl}s/.*/  \"ranges\": [[0, 4294967296x],/" "$tmp/s0.json" >"$tmp/bad.json"
"$BCE" exhaustive-merge "$tmp/bad.json" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "bad.json:$rl: " "$tmp/err" && ok ||
    bad "malformed summary: $(cat "$tmp/err")"

# --- checkpoint: an interrupted run resumes to the same result -------------------
R=0x3f000000:0x3f300000
ex --range $R --isa scalar --max-epochs 2 --checkpoint "$tmp/ck.json" >/dev/null 2>&1
rc=$?
[ $rc -eq 3 ] && grep -q '"complete": false' "$tmp/ck.json" && ok ||
    bad "--max-epochs: exit $rc, expected 3 and a partial checkpoint"
ex --range $R --isa scalar --checkpoint "$tmp/ck.json" --json "$tmp/res.json" \
    >/dev/null 2>&1 && ok || bad "resume failed"
ex --range $R --isa scalar --json "$tmp/straight.json" >/dev/null 2>&1
diff <(cells "$tmp/res.json") <(cells "$tmp/straight.json") >"$tmp/d" && ok ||
    bad "resumed run differs from an uninterrupted one: $(head -n 4 "$tmp/d")"
ex --range 0x3f000000:0x3f300001 --isa scalar --checkpoint "$tmp/ck.json" \
    >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'is for another run' "$tmp/err" && ok ||
    bad "checkpoint of another range accepted"

# --- regression: every binary32 hard case of verify/wc/ through the checker ------
# (each input's bit pattern, y = 0 and 1, every ISA)
WC=${2:-}
if [ -n "$WC" ] && command -v python3 >/dev/null; then
    for form in logits probs; do
        python3 - "$WC/${form}_f32.wc" >"$tmp/bits" <<'PY'
import struct, sys
for line in open(sys.argv[1]):
    f = line.split("#")[0].split()
    if f:
        b = struct.unpack("<I", struct.pack("<f", float.fromhex(f[0])))[0]
        print(b)
PY
        nwc=0
        while read -r b; do
            ex --form $form --range "$b:$((b + 1))" >"$tmp/out" 2>&1 || {
                bad "wc $form input bits $b: $(grep -A3 '^failures' "$tmp/out")"; continue; }
            nwc=$((nwc + 1))
        done <"$tmp/bits"
        [ "$nwc" -gt 10 ] && ok || bad "wc $form: only $nwc hard cases checked"
    done
else
    echo "SKIP: wc regression (needs WC dir argument and python3)"
fi

# --- 16-bit inputs: bce exhaustive --type bf16|f16 (issue 18) --------------------------
ex16() { "$BCE" exhaustive --quiet "$@"; }
num16() { # FILE KEY: a number of a schema-4 summary
    grep -o "\"$2\": [0-9.e+-]*" "$1" | head -n 1 | sed 's/.*: //'
}
# every bf16 z, y = 0 and 1, 16-bit outputs, every ISA
ex16 --type bf16 --out-type bf16 --form logits --label both --json "$tmp/h.json" >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 0 ] && ok || bad "bf16 hard labels: exit $rc: $(tail -n 5 "$tmp/out")"
head -n 1 "$tmp/h.json" | grep -q '^{"tool": "bce exhaustive", "libbce": "[^"]*", "schema": 4,$' && ok ||
    bad "bf16 hard labels: schema header"
[ "$(num16 "$tmp/h.json" misrounded)" = 0 ] && ok || bad "bf16 hard labels: misrounded"
# 65536 - 254 NaN patterns, 2 labels
[ "$(num16 "$tmp/h.json" pairs)" = 130564 ] && ok || bad "bf16 hard labels: pairs $(num16 "$tmp/h.json" pairs)"
[ "$(num16 "$tmp/h.json" rejected_inputs)" = 254 ] && [ "$(num16 "$tmp/h.json" rejections_wrong)" = 0 ] &&
    ok || bad "bf16 hard labels: rejections"
grep -q '"type": "bf16", "out_type": "bf16"' "$tmp/h.json" && grep -q '"complete": true' "$tmp/h.json" &&
    ok || bad "bf16 hard labels: type/out_type/complete"
# the gradient with no term on z's side at |z| >= 104 is the zero of its
# sign, decided by the filter (verify/lowp_filter.c): 8 pairs left to MPFR,
# 30,356 before that rule (|z| > 745, where e^-|z| underflows in double)
m=$(num16 "$tmp/h.json" mpfr_pairs)
[ -n "$m" ] && [ "$m" -lt 100 ] && ok || bad "bf16 hard labels: $m pairs sent to MPFR (expected < 100)"
# --label all on a slice (z, p in [0.5, 0.75): 64 patterns x 16,258 labels (-0 included) per form), both output types
for o in bf16 f32; do
    ex16 --type bf16 --out-type $o --label all --range 0x3f00:0x3f40 --isa auto --json "$tmp/all.json" \
        >"$tmp/out" 2>&1
    rc=$?
    [ $rc -eq 0 ] && [ "$(num16 "$tmp/all.json" misrounded)" = 0 ] && ok ||
        bad "bf16 --label all slice, out $o: exit $rc: $(tail -n 5 "$tmp/out")"
    [ "$(num16 "$tmp/all.json" pairs)" = $((2 * 64 * 16258)) ] && ok ||
        bad "bf16 --label all slice: pairs $(num16 "$tmp/all.json" pairs)"
done
ex16 --type f16 --out-type f32 --label all --range 0x3800:0x3810 --isa scalar --json "$tmp/all.json" >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(num16 "$tmp/all.json" pairs)" = $((2 * 16 * 15362)) ] && ok ||
    bad "f16 --label all slice: exit $rc, pairs $(num16 "$tmp/all.json" pairs)"
# the checker fails on purpose: RN16(float output), double rounding, must be caught
ex16 --type f16 --out-type f16 --label both --isa scalar --self-test double-round \
    --json "$tmp/dr.json" >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 1 ] && [ "$(num16 "$tmp/dr.json" misrounded)" -gt 0 ] &&
    grep -q 'FAIL scalar logits x=0x1.0cp-14 y=0x1p+0 loss: got 0x1.63p-1, correctly rounded 0x1.62cp-1' "$tmp/out" &&
    ok || bad "double-rounding self-test not rejected (exit $rc): $(head -n 5 "$tmp/out")"
# shards add up to the whole; checkpoint + resume equals an uninterrupted run
ex16 --type f16 --out-type f16 --label both --isa scalar --json "$tmp/w.json" >/dev/null 2>&1
tot=0
for i in 0 1 2; do
    ex16 --type f16 --out-type f16 --label both --isa scalar --shard $i/3 --json "$tmp/s$i.json" >/dev/null 2>&1 ||
        bad "f16 shard $i/3 failed"
    tot=$((tot + $(num16 "$tmp/s$i.json" pairs)))
done
[ "$tot" = "$(num16 "$tmp/w.json" pairs)" ] && ok || bad "f16 shards: $tot pairs, whole $(num16 "$tmp/w.json" pairs)"
"$BCE" exhaustive-merge --json "$tmp/m16.json" "$tmp/s2.json" "$tmp/s0.json" "$tmp/s1.json" >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '^result: PASS' "$tmp/out" && grep -q '"covers_all": true' "$tmp/m16.json" &&
    [ "$(num16 "$tmp/m16.json" pairs)" = "$(num16 "$tmp/w.json" pairs)" ] &&
    [ "$(num16 "$tmp/m16.json" outputs_checked)" = "$(num16 "$tmp/w.json" outputs_checked)" ] && ok ||
    bad "exhaustive-merge of the f16 shards: exit $rc: $(tail -n 2 "$tmp/out")"
"$BCE" exhaustive-merge "$tmp/s0.json" "$tmp/s1.json" >"$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q 'do NOT cover' "$tmp/out" && ok || bad "exhaustive-merge of 2 of 3 shards: not a failure"
"$BCE" exhaustive-merge "$tmp/s0.json" "$tmp/s1.json" "$tmp/h.json" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "another run's configuration" "$tmp/err" && ok || bad "exhaustive-merge of f16 and bf16 summaries: $(cat "$tmp/err")"
ck="$tmp/ck"
ex16 --type f16 --out-type f16 --label both --isa scalar --checkpoint "$ck" --max-inputs 40000 >/dev/null 2>&1
rc=$?
[ $rc -eq 3 ] && ok || bad "f16 checkpoint: --max-inputs exit $rc, expected 3"
ex16 --type f16 --out-type f16 --label both --isa scalar --checkpoint "$ck" --json "$tmp/r.json" >/dev/null 2>&1
rc=$?
for k in pairs outputs_checked misrounded mpfr_pairs rejected_inputs; do
    [ $rc -eq 0 ] && [ "$(num16 "$tmp/r.json" $k)" = "$(num16 "$tmp/w.json" $k)" ] && ok ||
        bad "f16 resumed run: $k $(num16 "$tmp/r.json" $k) vs $(num16 "$tmp/w.json" $k) (exit $rc)"
done
ex16 --type bf16 --out-type f32 --label both --checkpoint "$ck" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'checkpoint of another run' "$tmp/err" && ok || bad "f16 checkpoint reused by a bf16 run"
for args in "--type bf16 --out-type f16" "--type f16 --out-type bf16" "--type bf16 --label 2" \
            "--type f16 --range 0:0x10001" "--type bf16 --self-test double-round" \
            "--type bf16 --out-type f64" "--type bf16 --bogus 1"; do
    # shellcheck disable=SC2086
    "$BCE" exhaustive $args >/dev/null 2>"$tmp/err"
    [ $? -eq 2 ] && [ -s "$tmp/err" ] && ok || bad "bce exhaustive $args: not a usage error"
done

# --- usage errors -----------------------------------------------------------------------
for args in "--range 5:3" "--range 0:0x100000001" "--shard 2/2" "--form odds" \
            "--label 2" "--isa mmx" "--threads 0" "--bogus 1"; do
    # shellcheck disable=SC2086
    "$BCE" exhaustive $args >/dev/null 2>"$tmp/err"
    [ $? -eq 2 ] && [ -s "$tmp/err" ] && ok || bad "bce exhaustive $args: not a usage error"
done

echo "test_exhaustive: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

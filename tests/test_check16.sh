#!/usr/bin/env bash
# test_check16.sh BCE SRCDIR -- `bce check --type bf16|f16 --out-type ...` and
# `bce eval --type bf16|f16` (issue 18, the tools' side):
#   1. libbce itself through `bce eval` (it honours type= and out_type= of the
#      header) passes, both formats, both forms, both output types;
#   2. a port that computes in f32 and casts once at the end
#      (tests/lowp_port.py cast: RN16(RN32(x))) FAILS with --out-type bf16
#      and f16, the midpoint rows named; an optax-style port (every operation
#      in bf16) fails too;
#   3. IUT errors (an answer that is not a bf16 value, too few answers) exit
#      2 naming the input line; usage errors exit 2;
#   4. `bce eval --type bf16|f16`: hex floats of the values, exactness of the
#      input (line named), --out-type rules, the header's out_type;
#   5. every option, weights and reduction (--options all, the default) and
#      --lib: the worked examples of docs/PORTING.md "16-bit ports" with
#      docs/porting/port16.c (libbce's 16-bit outputs pass, RN16 of its
#      float outputs fails naming the input; with options and reductions
#      too), the reduced protocol's IUT errors, usage errors.
# Registered as the meson test `test_check16` (tools/meson.build).
# shellcheck disable=SC2015  # "ok" never fails: A && ok || bad is if-then-else
set -uo pipefail

BCE=${1:?usage: test_check16.sh path/to/bce SRCDIR [LIBBCE.so [PART]]}
SRC=${2:?usage: test_check16.sh path/to/bce SRCDIR [LIBBCE.so [PART]]}
LIBBCE=${3:-}
PART=${4:-all}   # all, or 1 / 2-4 / 5 / 6: the meson tests test_check16_libbce,
                 # test_check16, test_check16_lib and test_check16_shards (each under 60 s)
PORT=$SRC/tests/lowp_port.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

if [ "$PART" = all ] || [ "$PART" = 1 ]; then
# --- 1. libbce passes ---------------------------------------------------------------
for t in bf16 f16; do for o in $t f32; do
    "$BCE" check --type $t --out-type "$o" --form all --samples 4000 --json "$tmp/c.json" -- "$BCE" eval \
        >"$tmp/out" 2>&1
    rc=$?
    [ $rc -eq 0 ] && grep -q "^PASS: .* (type=$t out_type=$o, bound 0.5 ulp; 27 configurations," "$tmp/out" &&
        grep -q "^configuration type=$t out_type=$o form=probs pos_weight=0x1p+1 label_smoothing=0x1.999999999999ap-4 clamp=0 weights=1 reduction=mean" "$tmp/out" &&
        grep -Eq "^probs  reduced    loss rows +1 failed +0$" "$tmp/out" && ok ||
        bad "libbce ($t -> $o) through bce eval: exit $rc: $(tail -n 3 "$tmp/out")"
    head -n 1 "$tmp/c.json" | grep -q '^{"tool": "bce check", "libbce": "[^"]*", "schema": 4,$' &&
        grep -q "\"type\": \"$t\", \"out_type\": \"$o\"" "$tmp/c.json" && grep -q '"pass": true' "$tmp/c.json" &&
        ok || bad "check --json ($t -> $o)"
done; done

fi
if [ "$PART" = all ] || [ "$PART" = 2-4 ]; then
# --- 2. double rounding is rejected (the checker failing on purpose) ---------------
if command -v python3 >/dev/null; then
    for t in bf16 f16; do
        "$BCE" check --type $t --out-type $t --options default --samples 4000 --json "$tmp/dr.json" -- python3 "$PORT" cast \
            >"$tmp/out" 2>&1
        rc=$?
        [ $rc -eq 1 ] && grep -q "^FAIL: " "$tmp/out" &&
            grep -Eq "^logits midpoint +loss rows +[0-9]+ failed +[1-9]" "$tmp/out" &&
            grep -q '^  FAIL \[0\] logits .*input line [0-9]*: x=' "$tmp/out" && ok ||
            bad "RN16(RN32) port, $t out: exit $rc (expected 1, midpoint failures): $(tail -n 3 "$tmp/out")"
        grep -q '"regime": "midpoint", "line": ' "$tmp/dr.json" && ok || bad "RN16(RN32) port: JSON failures"
    done
    # the same port's f32 outputs do not fail on the midpoint rows
    "$BCE" check --type bf16 --out-type f32 --options default --samples 4000 -- python3 "$PORT" cast >"$tmp/out" 2>&1
    grep -Eq "^logits midpoint +loss rows +[0-9]+ failed +0$" "$tmp/out" && ok ||
        bad "RN32 port, f32 out: midpoint rows failed: $(grep midpoint "$tmp/out")"
    # docs/PORTING.md's command and figures (the default seed and samples)
    "$BCE" check --type bf16 --out-type bf16 --options default -- python3 "$PORT" optax >"$tmp/out" 2>&1
    [ $? -eq 1 ] && grep -Eq '^logits hard +grad rows +130564 failed +2827 worst 255.805 ulp$' "$tmp/out" &&
        grep -q '^  FAIL \[0\] logits hard input line 29632: x=0x1.bep-12 y=0x0p+0 loss: expected 0x1.64p-1 got 0x1.62p-1' "$tmp/out" &&
        ok || bad "optax-style port (every operation in bf16) not rejected as documented: $(tail -n 1 "$tmp/out")"
    # one output's bound, and JUnit: the textbook's gradient errors (127.5 ulp,
    # section 2's port) pass under --max-ulp-grad 200, the midpoint losses do not
    "$BCE" check --type bf16 --out-type bf16 --options default --samples 500 --max-ulp-grad 200 \
        --junit "$tmp/j.xml" -- python3 "$PORT" cast >"$tmp/out" 2>&1
    rc=$?
    [ $rc -eq 1 ] && grep -q 'bounds 0.5 ulp loss, 200 ulp grad; 1 configuration' "$tmp/out" &&
        ! grep -Eq '^logits [a-z]+ +grad rows +[0-9]+ failed +[1-9]' "$tmp/out" &&
        grep -Eq '^logits midpoint +loss rows +[0-9]+ failed +[1-9]' "$tmp/out" && ok ||
        bad "--max-ulp-grad 200: exit $rc: $(tail -n 1 "$tmp/out")"
    grep -q '<testsuites name="bce check" tests="3" failures="1">' "$tmp/j.xml" &&
        grep -q 'name="midpoint"><failure message="[0-9]* loss and 0 grad outputs over the bound' "$tmp/j.xml" &&
        ok || bad "--junit: $(head -c 300 "$tmp/j.xml")"
    # a port without options under --options all: an IUT error naming the configuration
    "$BCE" check --type bf16 --out-type bf16 --samples 100 -- python3 "$PORT" cast >/dev/null 2>"$tmp/err"
    [ $? -eq 2 ] && grep -q "IUT error: configuration 'type=bf16 out_type=bf16 form=logits pos_weight=0x1.cp+1 .*': exited with status 1" "$tmp/err" &&
        ok || bad "options-less port under --options all: $(cat "$tmp/err")"
else
    echo "SKIP: no python3 (double-rounding port)"
fi

# --- 3. IUT and usage errors -----------------------------------------------------------
cat >"$tmp/iut01.sh" <<'SH'
#!/bin/sh
# answers 0.1 (not a bf16 value) on its third line
n=0
while read -r a b; do
    case $a in \#*) continue ;; esac
    n=$((n + 1))
    if [ $n -eq 3 ]; then echo "0.1 0"; else echo "0 0"; fi
done
SH
chmod +x "$tmp/iut01.sh"
"$BCE" check --type bf16 --out-type bf16 --exhaustive --range 0x3f80:0x3f84 --label 0 -- "$tmp/iut01.sh" \
    >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'answer to input line 4 (x=.*): loss 0x1.999999999999ap-4 is not a bf16 value' "$tmp/err" &&
    ok || bad "0.1 as a bf16 answer: $(cat "$tmp/err")"
"$BCE" check --type f16 --out-type f16 --exhaustive --range 0x3c00:0x3c10 --label both -- head -n 5 \
    >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'too few answers' "$tmp/err" && ok || bad "too few answers: $(cat "$tmp/err")"
for args in "--type bf16 --out-type f16 -- true" "--type f16 --out-type bf16 -- true" \
            "--type bf16 --label all -- true" "--type bf16" "--type bf16 --pos-weight -2 -- true" \
            "--type bf16 --reduction max -- true" "--type bf16 --clamp -- true" "--type bf16 --options some -- true" \
            "--type bf16 --exhaustive --range 0:2 --reduction sum -- true" "--type bf16 --lib x.so" \
            "--type bf16 --symbol f -- true" "--type bf16 --lib /nonexistent.so --symbol f" \
            "--type bf16 --lib x.so --symbol f -- true" "--type bf16 --form all --lib x.so --symbol f" \
            "--type bf16 --smoothing 2 -- true" "--type bf16 --batch 1 -- true" "--type bf16 --threads 0 -- true" "--type bf16 --json" "--type f16 extra -- true"; do
    # shellcheck disable=SC2086
    "$BCE" check $args >/dev/null 2>"$tmp/err"
    [ $? -eq 2 ] && [ -s "$tmp/err" ] && ok || bad "bce check $args: not a usage error"
done
# --shard with --exhaustive (and from the environment); not without it
"$BCE" check --type bf16 --out-type bf16 --exhaustive --range 0x3f80:0x3f90 --label both --shard 1/2 \
    --json "$tmp/sh.json" -- "$BCE" eval >"$tmp/out" 2>&1
[ $? -eq 0 ] && grep -q '"range": \[16264, 16272\], "shard": {"index": 1, "count": 2, "source": "--shard"}' "$tmp/sh.json" &&
    grep -Eq '^logits exhaustive +loss rows +16 failed +0$' "$tmp/out" && ok || bad "--shard 1/2: $(cat "$tmp/out")"
GTEST_SHARD_INDEX=0 GTEST_TOTAL_SHARDS=4 "$BCE" check --type f16 --out-type f16 --exhaustive --range 0:64 \
    --label 1 -- "$BCE" eval >"$tmp/out" 2>&1
[ $? -eq 0 ] && grep -q '^shard 0/4 from GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS: range \[0, 16)' "$tmp/out" &&
    ok || bad "shard from the environment: $(head -n 2 "$tmp/out")"
"$BCE" check --type bf16 --shard 1/2 -- true >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--shard without --exhaustive: not a usage error"
# --exhaustive --label all on a slice: every label of the type
"$BCE" check --type bf16 --out-type bf16 --exhaustive --range 0x4000:0x4002 --label all -- "$BCE" eval \
    >"$tmp/out" 2>&1
[ $? -eq 0 ] && grep -Eq "^logits exhaustive +loss rows +32516 failed +0$" "$tmp/out" && ok ||
    bad "--exhaustive --label all slice: $(tail -n 3 "$tmp/out")"

# --- 4. bce eval --type bf16|f16 ---------------------------------------------------------
out=$(printf '0x1p+0 1\n2.5 0x1p-1\n' | "$BCE" eval --type bf16 --out-type bf16)
[ "$out" = "$(printf '0x1.4p-2 -0x1.14p-2\n0x1.54p+0 0x1.b2p-2')" ] && ok || bad "eval bf16 -> bf16: $out"
out=$(printf '0x1p+0 1\n' | "$BCE" eval --type bf16)
[ "$out" = "0x1.40c7acp-2 -0x1.136562p-2" ] && ok || bad "eval bf16 -> f32 (default): $out"
printf '1 1\n0.1 1\n' | "$BCE" eval --type f16 >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "line 2: not a f16 value (not exactly representable): '0.1'" "$tmp/err" && ok ||
    bad "eval: 0.1 as f16: $(cat "$tmp/err")"
printf '1 1\n' | "$BCE" eval --type bf16 --out-type f16 >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "eval --type bf16 --out-type f16: not a usage error"
printf '1 1\n' | "$BCE" eval --type f32 --out-type bf16 >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "eval --type f32 --out-type bf16: not a usage error"
out=$(printf '# bce-check 1 type=f16 out_type=f16 form=logits pos_weight=0x1p+0 label_smoothing=0x0p+0 clamp=0 weights=0 reduction=mean\n1 1\n3 0\n' | "$BCE" eval)
[ "$out" = "$(printf '0x1.ae4p+0\n-0x1.138p-3\n0x1.e7cp-2')" ] && ok || bad "eval header type=f16 out_type=f16 mean: $out"
printf '# bce-check 1 type=bf16 out_type=f16 form=logits\n1 1\n' | "$BCE" eval >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'line 1: bce-check header: out_type=f16 with type=bf16' "$tmp/err" && ok ||
    bad "eval header out_type=f16 with type=bf16: $(cat "$tmp/err")"
printf '0x1p+0 1\n' | "$BCE" eval --type bf16 --out-type bf16 --json - | grep -q '"type": "bf16", "out_type": "bf16"' &&
    ok || bad "eval --json type/out_type"

fi
# --merge of the shards' summaries == the one-run summary (but the failing
# rows' line numbers and the time), with failures (the RN16(RN32) port);
# --batch, --threads (part 6: the meson test test_check16_shards)
if [ "$PART" = all ] || [ "$PART" = 6 ]; then
    for sh in 0 1; do
        "$BCE" check --type bf16 --out-type bf16 --options default --exhaustive --range 0x4160:0x4170 \
            --label all --shard $sh/2 --json "$tmp/m$sh.json" --quiet -- python3 "$PORT" cast >/dev/null 2>&1
    done
    "$BCE" check --type bf16 --out-type bf16 --options default --exhaustive --range 0x4160:0x4170 \
        --label all --json "$tmp/mall.json" --quiet -- python3 "$PORT" cast >/dev/null 2>&1
    "$BCE" check --merge "$tmp/m1.json" "$tmp/m0.json" --json "$tmp/mm.json" --junit "$tmp/mm.xml" >"$tmp/out" 2>&1
    rc=$?
    strip() { sed -e 1,2d -e 's/"line": [0-9]*//' "$1"; }
    [ $rc -eq 1 ] && grep -q '^FAIL: 2 shard summaries merged, range \[16736, 16752)' "$tmp/out" &&
        grep -q '"failed": [1-9]' "$tmp/mall.json" && [ "$(strip "$tmp/mall.json")" = "$(strip "$tmp/mm.json")" ] &&
        grep -q 'failures="1"' "$tmp/mm.xml" && ok || bad "--merge of two shards: $(cat "$tmp/out")"
    # --batch: the range in batches of 2 x values (8 IUT processes), the same summary
    "$BCE" check --type bf16 --out-type bf16 --options default --exhaustive --range 0x4160:0x4170 \
        --label all --batch 40000 --json "$tmp/mb.json" -- python3 "$PORT" cast >/dev/null 2>"$tmp/err"
    [ $? -eq 1 ] && [ "$(grep -c 'x bit patterns \[' "$tmp/err")" -ge 2 ] &&
        [ "$(strip "$tmp/mall.json")" = "$(strip "$tmp/mb.json")" ] && ok || bad "--batch 40000: not the one-batch summary"
    # --threads: 1 and 3 threads judging, the same summary (failing rows in row order)
    for th in 1 3; do
        "$BCE" check --type bf16 --out-type bf16 --options default --samples 3000 --threads $th \
            --json "$tmp/th$th.json" --quiet -- python3 "$PORT" cast >/dev/null 2>&1
    done
    grep -q '"over": [1-9]' "$tmp/th1.json" && [ "$(sed 1,2d "$tmp/th1.json")" = "$(sed 1,2d "$tmp/th3.json")" ] &&
        ok || bad "--threads 1 and 3: different summaries"
    "$BCE" check --merge "$tmp/m0.json" "$tmp/mall.json" >/dev/null 2>"$tmp/err"
    [ $? -eq 2 ] && grep -q 'ranges not contiguous' "$tmp/err" && ok || bad "--merge of overlapping ranges: not exit 2"
fi
if [ "$PART" = all ] || [ "$PART" = 5 ]; then
# --- 5. options, weights, reductions, --lib: docs/PORTING.md "16-bit ports" ------------
# (the commands written there, run from the source tree)
if [ -n "$LIBBCE" ] && cc -O2 -shared -fPIC -I"$SRC/include" "$SRC/docs/porting/port16.c" \
        -o "$tmp/libport16.so" "$LIBBCE" 2>"$tmp/cc.err"; then
    ok
    for t in bf16 f16; do
        "$BCE" check --type $t --out-type $t --lib "$tmp/libport16.so" --symbol exact_logits_$t \
            --json "$tmp/ex.json" >"$tmp/out" 2>&1
        rc=$?
        [ $rc -eq 0 ] && grep -q "^PASS: .* (type=$t out_type=$t, bound 0.5 ulp; 13 configurations," "$tmp/out" &&
            grep -q '"iut": {"lib": ".*libport16.so", "symbol": "exact_logits_'$t'"}' "$tmp/ex.json" && ok ||
            bad "port16 exact_logits_$t (libbce's 16-bit outputs): exit $rc: $(tail -n 2 "$tmp/out")"
        "$BCE" check --type $t --out-type $t --lib "$tmp/libport16.so" --symbol cast_logits_$t \
            --json "$tmp/cast.json" >"$tmp/out" 2>&1
        rc=$?
        # RN16 of the correctly rounded float: fails on the midpoint rows, in
        # the default configuration and under options, each input named
        [ $rc -eq 1 ] && grep -q "^FAIL: [0-9]* of [0-9]* outputs over their bound (type=$t out_type=$t" "$tmp/out" &&
            grep -Eq '^  FAIL \[0\] logits [a-z]+ input line [0-9]+: x=[-0-9a-fx.p+]+ y=[-0-9a-fx.p+]+ (loss|grad): expected ' "$tmp/out" &&
            grep -q '"config": 1, "form": "logits", "regime": "midpoint", "output": "loss", "rows": [0-9]*, "failed": [1-9]' "$tmp/cast.json" &&
            { [ $t = f16 ] || grep -Eq '^logits midpoint +loss rows +5000 failed +4975 worst 0.500008 ulp$' "$tmp/out"; } &&
            ok || bad "port16 cast_logits_$t (RN16(RN32)): exit $rc, expected 1 with named inputs: $(tail -n 2 "$tmp/out")"
    done
    # --lib with float outputs: libbce's own bce_probs_f16, every option
    "$BCE" check --type f16 --out-type f32 --form probs --samples 2000 --quiet --lib "$LIBBCE" \
        --symbol bce_probs_f16 >"$tmp/out" 2>&1
    [ $? -eq 0 ] && grep -q '14 configurations' "$tmp/out" && ok || bad "--lib bce_probs_f16: $(cat "$tmp/out")"
    # one configuration: a reduction, weights
    "$BCE" check --type bf16 --out-type bf16 --reduction weighted-mean --weights --pos-weight 3 \
        --lib "$tmp/libport16.so" --symbol exact_logits_bf16 >"$tmp/out" 2>&1
    [ $? -eq 0 ] && grep -q '1 configuration,' "$tmp/out" && grep -Eq '^logits reduced +loss rows +1 failed +0$' "$tmp/out" &&
        ok || bad "one configuration (weighted-mean): $(tail -n 2 "$tmp/out")"
else
    bad "port16.c: no libbce given or cc failed: $(head -3 "$tmp/cc.err" 2>/dev/null)"
fi
# the reduced protocol: one "loss" line, then one "grad" per row
cat >"$tmp/iut_red.sh" <<'SH'
#!/bin/sh
# answers "loss grad" pairs where one number per line is expected
while read -r a b; do case $a in \#*) continue ;; esac; echo "0 0"; done
SH
chmod +x "$tmp/iut_red.sh"
"$BCE" check --type bf16 --out-type bf16 --reduction sum --samples 10 -- "$tmp/iut_red.sh" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "configuration 'type=bf16 out_type=bf16 form=logits .* reduction=sum': answer line 1: trailing text" "$tmp/err" &&
    ok || bad "reduced protocol, two numbers per line: $(cat "$tmp/err")"
"$BCE" check --type bf16 --out-type bf16 --reduction mean --samples 10 -- sh -c 'cat >/dev/null; echo 0x1p+0; echo 0' \
    >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'too few answers: 2 of [0-9]*; input line 3 (x=' "$tmp/err" && ok ||
    bad "reduced protocol, too few answers: $(cat "$tmp/err")"
# bce eval under one weighted configuration of probs with the clamp
"$BCE" check --type f16 --out-type f16 --form probs --clamp --weights --smoothing 0.25 --samples 2000 \
    -- "$BCE" eval >"$tmp/out" 2>&1
rc=$?; [ $rc -eq 0 ] && grep -q '^PASS: .*1 configuration,' "$tmp/out" && ok ||
    bad "probs clamp+weights+smoothing through bce eval: $(tail -n 2 "$tmp/out")"

fi
echo "test_check16: $pass passed, $fail failed"
[ "$pass" -gt 0 ] && [ "$fail" -eq 0 ]   # a part that checked nothing fails

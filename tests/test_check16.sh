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
#      input (line named), --out-type rules, the header's out_type.
# Registered as the meson test `test_check16` (tools/meson.build).
# shellcheck disable=SC2015  # "ok" never fails: A && ok || bad is if-then-else
set -uo pipefail

BCE=${1:?usage: test_check16.sh path/to/bce SRCDIR}
SRC=${2:?usage: test_check16.sh path/to/bce SRCDIR}
PORT=$SRC/tests/lowp_port.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# --- 1. libbce passes ---------------------------------------------------------------
for t in bf16 f16; do for o in $t f32; do
    "$BCE" check --type $t --out-type "$o" --form all --samples 4000 --json "$tmp/c.json" -- "$BCE" eval \
        >"$tmp/out" 2>&1
    rc=$?
    [ $rc -eq 0 ] && grep -q "^PASS: .* (type=$t out_type=$o, bound 0.5 ulp)" "$tmp/out" && ok ||
        bad "libbce ($t -> $o) through bce eval: exit $rc: $(tail -n 3 "$tmp/out")"
    head -n 1 "$tmp/c.json" | grep -q '^{"tool": "bce check", "libbce": "[^"]*", "schema": 2,$' &&
        grep -q "\"type\": \"$t\", \"out_type\": \"$o\"" "$tmp/c.json" && grep -q '"pass": true' "$tmp/c.json" &&
        ok || bad "check --json ($t -> $o)"
done; done

# --- 2. double rounding is rejected (the checker failing on purpose) ---------------
if command -v python3 >/dev/null; then
    for t in bf16 f16; do
        "$BCE" check --type $t --out-type $t --samples 4000 --json "$tmp/dr.json" -- python3 "$PORT" cast \
            >"$tmp/out" 2>&1
        rc=$?
        [ $rc -eq 1 ] && grep -q "^FAIL: " "$tmp/out" &&
            grep -Eq "^logits midpoint +loss rows +[0-9]+ failed +[1-9]" "$tmp/out" &&
            grep -q '^  FAIL logits .*input line [0-9]*: x=' "$tmp/out" && ok ||
            bad "RN16(RN32) port, $t out: exit $rc (expected 1, midpoint failures): $(tail -n 3 "$tmp/out")"
        grep -q '"regime": "midpoint", "line": ' "$tmp/dr.json" && ok || bad "RN16(RN32) port: JSON failures"
    done
    # the same port's f32 outputs do not fail on the midpoint rows
    "$BCE" check --type bf16 --out-type f32 --samples 4000 -- python3 "$PORT" cast >"$tmp/out" 2>&1
    grep -Eq "^logits midpoint +loss rows +[0-9]+ failed +0$" "$tmp/out" && ok ||
        bad "RN32 port, f32 out: midpoint rows failed: $(grep midpoint "$tmp/out")"
    "$BCE" check --type bf16 --out-type bf16 --samples 2000 --quiet -- python3 "$PORT" optax >"$tmp/out" 2>&1
    [ $? -eq 1 ] && ok || bad "optax-style port (every operation in bf16) not rejected"
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
            "--type bf16 --label all -- true" "--type bf16" "--type bf16 --pos-weight 2 -- true"; do
    # shellcheck disable=SC2086
    "$BCE" check $args >/dev/null 2>"$tmp/err"
    [ $? -eq 2 ] && [ -s "$tmp/err" ] && ok || bad "bce check $args: not a usage error"
done
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

echo "test_check16: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

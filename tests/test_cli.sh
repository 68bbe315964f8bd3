#!/usr/bin/env bash
# test_cli.sh BCE -- command-line behaviour of the `bce` tool: help, version,
# isa, exit statuses, `bce eval` parsing, results and error messages.
# Registered as the meson test `test_cli` (tools/meson.build).
# shellcheck disable=SC2015  # "ok" never fails: A && ok || bad is if-then-else
set -uo pipefail

BCE=${1:?usage: test_cli.sh path/to/bce}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# run EXPECTED_STATUS STDIN_TEXT ARGS... ; leaves $tmp/out and $tmp/err
run() {
    local want=$1 input=$2
    shift 2
    printf '%b' "$input" | "$BCE" "$@" >"$tmp/out" 2>"$tmp/err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        bad "bce $* : exit $got, expected $want"
        sed 's/^/  stderr: /' "$tmp/err"
        return 1
    fi
    ok
}
# expect_out TEXT: stdout is exactly TEXT (printf %b escapes)
expect_out() { # TEXT [zero-sign]
    local got
    got=$(cat "$tmp/out")
    [ "${2:-}" = zero-sign ] && got=${got//-0x0p+0/0x0p+0}
    if [ "$got" == "$(printf '%b' "$1")" ]; then ok; else
        bad "stdout: got '$(cat "$tmp/out")', expected '$(printf '%b' "$1")'"
    fi
}
expect_empty_out() {
    if [ ! -s "$tmp/out" ]; then ok; else
        bad "stdout should be empty, got '$(head -c 200 "$tmp/out")'"
    fi
}
# expect_err REGEX: stderr matches the extended regex
expect_err() {
    if grep -Eq -- "$1" "$tmp/err"; then ok; else
        bad "stderr '$(cat "$tmp/err")' does not match /$1/"
    fi
}

# --- help, version, dispatch ------------------------------------------------
run 0 '' --help && grep -q 'usage: bce' "$tmp/out" && ok || bad "--help text"
run 0 '' -h
run 2 ''
expect_err 'usage: bce'
run 0 '' --version
grep -Eq '^bce [0-9]+\.[0-9]+\.[0-9]+ \(libbce [0-9]+\.[0-9]+\.[0-9]+\)$' \
    "$tmp/out" && ok || bad "--version format: $(cat "$tmp/out")"
for c in eval isa help version; do
    run 0 '' help "$c"
    [ -s "$tmp/out" ] && ok || bad "help $c printed nothing"
done
run 0 '' eval --help && grep -q 'usage: bce eval' "$tmp/out" && ok ||
    bad "eval --help"
run 2 '' help frobnicate
expect_err "unknown command 'frobnicate'"
run 2 '' frobnicate
expect_err "unknown command 'frobnicate'"

# --- isa ----------------------------------------------------------------------
run 0 '' isa
grep -Eq '^scalar +available' "$tmp/out" && ok || bad "isa: scalar line"
grep -Eq '^active: (scalar|sse4\.1|avx2)$' "$tmp/out" && ok ||
    bad "isa: active line: $(cat "$tmp/out")"
[ "$(grep -c ' active$' "$tmp/out")" -eq 1 ] && ok || bad "isa: one active"
BCE_ISA=scalar "$BCE" isa | grep -q '^active: scalar$' && ok ||
    bad "BCE_ISA=scalar not honoured"
run 2 '' isa extra

# --- eval: values ---------------------------------------------------------------
# log 2 rounded to double is 0x1.62e42fefa39efp-1; sigma(0) - 1 = -1/2.
run 0 '0 1\n' eval && expect_out '0x1.62e42fefa39efp-1 -0x1p-1'
# Exact limits at z = +-inf; comments, blank lines, CRLF, tabs, hex input.
# (the sign of a zero gradient is not specified: -0x0p+0 is accepted)
run 0 '# header\n\n  inf 1\n-inf\t0 # trailing comment\n0x0p+0 0\r\n' eval &&
    expect_out '0x0p+0 0x0p+0\n0x0p+0 0x0p+0\n0x1.62e42fefa39efp-1 0x1p-1' \
        zero-sign
run 0 'inf 0\n-inf 1\ninf 0.25\n' eval &&
    expect_out 'inf 0x1p+0\ninf -0x1p+0\ninf 0x1.8p-1'
# f32: log 2 rounded to float, printed widened.
run 0 '0 1\n' eval --type f32 && expect_out '0x1.62e43p-1 -0x1p-1'
run 0 '0 1\n' eval --type=f32 --decimal && expect_out '0.693147182 -0.5'
run 0 '0 1\n' eval --decimal && expect_out '0.69314718055994529 -0.5'
# Probabilities: p = 1/2, y = 1: loss log 2, grad (p-y)/(p(1-p)) = -2.
run 0 '0.5 1\n1 1\n0 0\n' eval --form probs &&
    expect_out '0x1.62e42fefa39efp-1 -0x1p+1\n0x0p+0 -0x1p+0\n0x0p+0 0x1p+0'
# Clamp: p = 0, y = 1 gives exactly 100 and a zero gradient.
run 0 '0 1\n' eval --form probs --clamp && expect_out '0x1.9p+6 0x0p+0'
run 2 '0 1\n' eval --clamp
expect_err 'probs only'
# Weights: a zero weight gives zero loss and gradient, w = 2 doubles them.
run 0 '0 1 0\n0 1 2\n' eval --weights &&
    expect_out '0x0p+0 0x0p+0\n0x1.62e42fefa39efp+0 -0x1p+0'
# pos_weight P multiplies the positive term; smoothing A = 1 makes y' = 1/2.
run 0 '0 1\n' eval --pos-weight 2 && expect_out '0x1.62e42fefa39efp+0 -0x1p+0'
run 0 '5 1\n-3 0\n' eval --smoothing 1 --pos-weight=1 >/dev/null
run 0 '0 0\n0 1\n' eval --smoothing=1 &&
    expect_out '0x1.62e42fefa39efp-1 0x0p+0\n0x1.62e42fefa39efp-1 0x0p+0'
# NaN: an error by default, NaN outputs with --propagate-nan.
run 2 '0 1\nnan 1\n' eval
expect_err '^bce eval: line 2: .*\(BCE_E_NAN_LOGIT\)$'
expect_empty_out
run 0 'nan 1\n' eval --propagate-nan
grep -Eq '^-?nan -?nan$' "$tmp/out" && ok || bad "propagate-nan: $(cat "$tmp/out")"
# Empty input is fine and prints nothing.
run 0 '' eval && expect_empty_out
run 0 '# only a comment\n\n' eval && expect_empty_out
# A file argument instead of stdin.
printf '0 1\n' >"$tmp/in.txt"
run 0 '' eval "$tmp/in.txt" && expect_out '0x1.62e42fefa39efp-1 -0x1p-1'
run 2 '' eval "$tmp/does-not-exist"
expect_err "cannot open"
# Every available ISA gives the same result on this input.
for isa in scalar sse4.1 avx2 auto; do
    if "$BCE" isa | grep -Eq "^$isa +available" || [ "$isa" = auto ]; then
        run 0 '0 1\n-30 1\n12.5 0.25\n' eval --isa "$isa"
        cp "$tmp/out" "$tmp/out.$isa"
    fi
done
cmp -s "$tmp/out.scalar" "$tmp/out.auto" && ok || bad "scalar vs auto differ"

# --- eval: input errors ---------------------------------------------------------
malformed() { # LINE_NO INPUT REGEX [ARGS...]
    local line=$1 input=$2 re=$3
    shift 3
    run 2 "$input" eval "$@"
    expect_err "^bce eval: line $line: $re"
    expect_empty_out
}
malformed 1 '1\n' 'expected 2 numbers'
malformed 2 '0 1\n1 2 3\n' "unexpected text '3'"
malformed 3 '0 1\n\n0 1x\n' "not a number: '1x'"
malformed 1 'abc 1\n' "not a number: 'abc'"
malformed 1 '0,1\n' "not a number"
malformed 1 '1e400 1\n' 'number out of range'
malformed 1 '1e39 1\n' 'number out of range for f32' --type f32
malformed 2 '0 1 1\n0 1\n' 'expected 3 numbers' --weights
# A value that rounds to a subnormal or zero is accepted.
run 0 '1e-320 0\n1e-400 0\n' eval
run 0 '1e-40 0\n' eval --type f32

# --- eval: library errors map to the input line --------------------------------
run 2 '# c\n0 1\n\n0 1.5\n0 7\n' eval
expect_err '^bce eval: line 4: .*\(BCE_E_LABEL_RANGE\)$'
expect_empty_out
run 2 '0 nan\n' eval
expect_err '^bce eval: line 1: .*\(BCE_E_NAN_LABEL\)$'
run 2 '0.5 1\n1.5 1\n' eval --form probs
expect_err '^bce eval: line 2: .*\(BCE_E_PROB_RANGE\)$'
run 2 'nan 1\n' eval --form probs
expect_err '^bce eval: line 1: .*\(BCE_E_NAN_PROB\)$'
run 2 '0 1 1\n0 1 -1\n' eval --weights
expect_err '^bce eval: line 2: .*\(BCE_E_WEIGHT_RANGE\)$'
run 2 '0 1 nan\n' eval --weights
expect_err '^bce eval: line 1: .*\(BCE_E_NAN_WEIGHT\)$'
# Past the first batch of 4096 samples: line numbers still right.
{ printf '# big\n'; for ((i = 0; i < 5000; i++)); do echo "0.25 1"; done
  echo "0.25 -1"; } >"$tmp/big.txt"
"$BCE" eval "$tmp/big.txt" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && ok || bad "big input: exit status"
expect_err '^bce eval: line 5002: .*\(BCE_E_LABEL_RANGE\)$'
expect_empty_out
head -n 5001 "$tmp/big.txt" | "$BCE" eval | sort | uniq -c |
    grep -Eq '^ *5000 ' && ok || bad "big input: 5000 equal results"

# --- eval: usage errors -----------------------------------------------------------
run 2 '' eval --type f16
expect_err "--type wants f64 or f32"
run 2 '' eval --form odds
run 2 '' eval --pos-weight -1
run 2 '' eval --pos-weight nan
run 2 '' eval --pos-weight
run 2 '' eval --smoothing 1.5
run 2 '' eval --smoothing x
run 2 '' eval --bogus
expect_err "unknown option '--bogus'"
run 2 '' eval --isa bogus
expect_err 'BCE_E_UNKNOWN_ISA'
run 2 '' eval a.txt b.txt

# --- verify is dispatched (its own behaviour is tested by the campaign) ----------
run 0 '' help verify
[ -s "$tmp/out" ] && ok || bad "help verify printed nothing"

# --- output errors ------------------------------------------------------------------
if [ -w /dev/full ]; then
    printf '0 1\n' | "$BCE" eval >/dev/full 2>"$tmp/err"
    [ $? -eq 2 ] && ok || bad "write error to /dev/full not reported"
fi

echo "test_cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

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
# The ISAs are the library's registry: this script names none but scalar
# (the baseline, always first) and takes the others from `bce isa`.
run 0 '' isa
cp "$tmp/out" "$tmp/isa.txt"
head -n 1 "$tmp/isa.txt" | grep -Eq '^scalar +available$|^scalar +available active$' && ok ||
    bad "isa: first line is not scalar available: $(head -n 1 "$tmp/isa.txt")"
isa_lines=$(sed '$d' "$tmp/isa.txt")
all_isas=$(printf '%s\n' "$isa_lines" | awk '{print $1}')
avail_isas=$(printf '%s\n' "$isa_lines" | awk '$2 == "available" {print $1}')
printf '%s\n' "$isa_lines" | grep -Evq \
    '^[^ ]+ +(available|not runnable on this CPU|not built into this library)( active)?$' &&
    bad "isa: a line with an unknown status: $(cat "$tmp/isa.txt")" || ok
[ "$(printf '%s\n' "$all_isas" | sort | uniq -d)" = "" ] && ok || bad "isa: a name twice"
active=$(sed -n 's/^active: //p' "$tmp/isa.txt")
printf '%s\n' "$avail_isas" | grep -qx -- "$active" && ok ||
    bad "isa: active '$active' is not an available ISA: $(cat "$tmp/isa.txt")"
grep -Eq "^$active +available active\$" "$tmp/isa.txt" && ok ||
    bad "isa: the active ISA's line is not marked"
[ "$(grep -c ' active$' "$tmp/isa.txt")" -eq 1 ] && ok || bad "isa: one active"
BCE_ISA=scalar "$BCE" isa | grep -q '^active: scalar$' && ok ||
    bad "BCE_ISA=scalar not honoured"
for i in $avail_isas; do
    BCE_ISA=$i "$BCE" isa | grep -qx "active: $i" && ok || bad "BCE_ISA=$i not honoured"
done
run 2 '' isa extra
run 2 '' isa --json - --json -
# a bare --json (the older boolean) is a usage error naming the fix
run 2 '' isa --json
expect_err "'--json -' for standard output"
# --json FILE: the same list (names, availability, the active one); --json -
# the JSON alone on stdout
run 0 '' isa --json "$tmp/isa.json"
diff <(sed 's/  */ /g' "$tmp/out") <(sed 's/  */ /g' "$tmp/isa.txt") >/dev/null && ok ||
    bad "isa --json FILE: the text differs"
run 0 '' isa --json -
cmp -s "$tmp/out" "$tmp/isa.json" && ok || bad "isa --json - differs from --json FILE"
if command -v python3 >/dev/null; then
    python3 - "$tmp/out" >"$tmp/isa.json.txt" <<'PY' && ok || bad "isa --json: not valid JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d)[:3] == ["tool", "libbce", "schema"] and d["tool"] == "bce isa"
assert d["schema"] == 1
for e in d["isas"]:
    st = ("available" if e["available"] else
          "not runnable on this CPU" if e["built"] else "not built into this library")
    print(e["name"], st, "active" if e["active"] else "")
print("active:", d["active"])
PY
    diff <(sed 's/  */ /g; s/ $//' "$tmp/isa.txt") <(sed 's/ $//' "$tmp/isa.json.txt") \
        >"$tmp/d" && ok || bad "isa --json differs from isa: $(cat "$tmp/d")"
else
    echo "SKIP: isa --json parse (no python3)"
fi
# help texts list the registry's ISAs (taken from the library at run time)
for i in $all_isas; do
    "$BCE" eval --help | grep -- '--isa' | grep -q -- " $i," && ok ||
        bad "eval --help does not list ISA $i"
    "$BCE" help isa | grep -q -- "$i" && ok || bad "help isa does not list ISA $i"
done

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
expect_err '^bce eval: <stdin>: line 2: .*\(BCE_E_NAN_LOGIT\)$'
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
# Every available ISA gives the same result on this input; the others are
# refused with a message naming the reason.
for isa in $all_isas auto; do
    if printf '%s\n' "$avail_isas" | grep -qx -- "$isa" || [ "$isa" = auto ]; then
        run 0 '0 1\n-30 1\n12.5 0.25\n' eval --isa "$isa"
        cp "$tmp/out" "$tmp/out.$isa"
        cmp -s "$tmp/out.scalar" "$tmp/out.$isa" && ok || bad "scalar vs $isa differ"
    else
        echo "SKIP: eval --isa $isa (not available here)"
        run 2 '0 1\n' eval --isa "$isa"
    fi
done

# --- eval --json FILE: inputs, options and results as data --------------------
run 0 '0 1\n40 0\n-3 0.25\n' eval --json "$tmp/e.json"
expect_out '0x1.62e42fefa39efp-1 -0x1p-1\n0x1.4p+5 0x1p+0\n0x1.98e070fc0457p-1 -0x1.9edf2f0dbeaefp-3'
run 0 '0 1\n40 0\n-3 0.25\n' eval --json -
/usr/bin/python3 - "$tmp/out" "$tmp/e.json" <<'PY' && ok || bad "eval --json (none): fields"
import json, sys
d = json.load(open(sys.argv[1]))
assert d == json.load(open(sys.argv[2]))
assert list(d)[:3] == ["tool", "libbce", "schema"] and d["tool"] == "bce eval"
assert d["schema"] == 1 and d["type"] == "f64" and d["form"] == "logits"
assert d["reduction"] == "none" and d["weights"] == 0 and d["n"] == 3 and "loss" not in d
assert d["pos_weight"] == "0x1p+0" and d["pos_weight_dec"] == 1 and d["input"] == "<stdin>"
r = d["rows"]
assert [e["line"] for e in r] == [1, 2, 3]
assert r[0]["loss"] == "0x1.62e42fefa39efp-1" and r[0]["grad"] == "-0x1p-1"
assert r[1]["x"] == "0x1.4p+5" and r[1]["x_dec"] == 40 and r[1]["loss_dec"] == 40
assert r[2]["y_dec"] == 0.25 and float.fromhex(r[2]["grad"]) == r[2]["grad_dec"]
for e in r:
    assert float.fromhex(e["loss"]) == e["loss_dec"] and "w" not in e
PY
# a reduction: the reduced loss at the top, one grad per row; f32 decimals
run 0 '0 1 2\n40 0 1\n' eval --type f32 --weights --reduction weighted-mean --json "$tmp/r.json"
/usr/bin/python3 - "$tmp/r.json" "$tmp/out" <<'PY' && ok || bad "eval --json (reduced, f32): fields"
import json, struct, sys
d = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read().split()
f32 = lambda v: struct.unpack("f", struct.pack("f", v))[0]
assert d["type"] == "f32" and d["reduction"] == "weighted-mean" and d["weights"] == 1
assert d["loss"] == text[0] and f32(d["loss_dec"]) == float.fromhex(d["loss"])
assert [e["grad"] for e in d["rows"]] == text[1:] and d["rows"][0]["w_dec"] == 2
assert all("loss" not in e for e in d["rows"])
PY
# the bare --json is a usage error naming the fix; an input error writes no file
run 2 '0 1\n' eval --json
expect_err "'--json -' for standard output"
run 2 '0 2\n' eval --json "$tmp/bad.json"
[ ! -e "$tmp/bad.json" ] && ok || bad "eval --json: a file written despite an input error"

# --- eval: input errors ---------------------------------------------------------
malformed() { # LINE_NO INPUT REGEX [ARGS...]
    local line=$1 input=$2 re=$3
    shift 3
    run 2 "$input" eval "$@"
    expect_err "^bce eval: <stdin>: line $line: $re"
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
expect_err '^bce eval: <stdin>: line 4: .*\(BCE_E_LABEL_RANGE\)$'
expect_empty_out
run 2 '0 nan\n' eval
expect_err '^bce eval: <stdin>: line 1: .*\(BCE_E_NAN_LABEL\)$'
run 2 '0.5 1\n1.5 1\n' eval --form probs
expect_err '^bce eval: <stdin>: line 2: .*\(BCE_E_PROB_RANGE\)$'
run 2 'nan 1\n' eval --form probs
expect_err '^bce eval: <stdin>: line 1: .*\(BCE_E_NAN_PROB\)$'
run 2 '0 1 1\n0 1 -1\n' eval --weights
expect_err '^bce eval: <stdin>: line 2: .*\(BCE_E_WEIGHT_RANGE\)$'
run 2 '0 1 nan\n' eval --weights
expect_err '^bce eval: <stdin>: line 1: .*\(BCE_E_NAN_WEIGHT\)$'
# Past the first batch of 4096 samples: line numbers still right.
{ printf '# big\n'; for ((i = 0; i < 5000; i++)); do echo "0.25 1"; done
  echo "0.25 -1"; } >"$tmp/big.txt"
"$BCE" eval "$tmp/big.txt" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && ok || bad "big input: exit status"
expect_err "^bce eval: $tmp/big.txt: line 5002: .*\\(BCE_E_LABEL_RANGE\\)\$"
expect_empty_out
head -n 5001 "$tmp/big.txt" | "$BCE" eval | sort | uniq -c |
    grep -Eq '^ *5000 ' && ok || bad "big input: 5000 equal results"

# --- eval: usage errors -----------------------------------------------------------
run 2 '' eval --type f128
expect_err "--type wants f64, f32, bf16 or f16"
run 2 '' eval --type f16 --out-type bf16
expect_err "--out-type bf16: the output type is f32 or the input's type"
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

# --- messages: the file and the reason; <stdin>; escaped input (issue 13) ---------
# expect_clean: stderr holds only printable ASCII and newlines (no raw byte of
# the input), and no line longer than LIMIT (default 400) characters
expect_clean() {
    local raw long
    raw=$(LC_ALL=C tr -d '\n\040-\176' <"$tmp/err" | wc -c)
    long=$(awk -v m="${1:-400}" 'length($0) > m' "$tmp/err" | wc -l)
    if [ "$raw" -eq 0 ] && [ "$long" -eq 0 ]; then ok; else
        bad "stderr has $raw raw bytes, $long long lines: $(od -c "$tmp/err" | head -n 5)"
    fi
}
# eval: a directory, a missing file: path and strerror
run 2 '' eval "$tmp"
expect_err "^bce eval: $tmp: read error: Is a directory\$"
run 2 '' eval "$tmp/does-not-exist"
expect_err "^bce eval: $tmp/does-not-exist: cannot open: No such file or directory\$"
# eval: the input is named in line errors, <stdin> or the path
run 2 '0 2\n' eval -
expect_err '^bce eval: <stdin>: line 1: '
printf '0 1\n0 x\n' >"$tmp/named.txt"
run 2 '' eval "$tmp/named.txt"
expect_err "^bce eval: $tmp/named.txt: line 2: not a number: 'x'\$"
# eval: raw bytes of the input are escaped, a long token is capped
run 2 '1\x01\xff 2\n' eval
expect_err "^bce eval: <stdin>: line 1: not a number: '1\\\\x01\\\\xff'\$"
expect_clean
long=$(printf 'z%.0s' {1..3000})
run 2 "0 1 ${long}\x7f\n" eval
expect_err "unexpected text 'z{40}\\.\\.\\.'"
expect_clean
# command-line arguments are escaped too
run 2 '' $'bo\x1bgus'
expect_err "unknown command 'bo\\\\x1bgus'"
expect_clean
run 2 '' eval $'--type=\x01'
expect_clean
# compare: a missing file is reported as missing, before the name check
printf 'x\n' >"$tmp/results.csv"
run 2 '' compare "$tmp/nonexistent.csv" "$tmp/results.csv"
expect_err "^bce compare: $tmp/nonexistent.csv: cannot open: No such file or directory\$"
run 2 '' compare "$tmp/nonexistent_f64.csv" "$tmp/results.csv"
expect_err "^bce compare: $tmp/nonexistent_f64.csv: cannot open: No such file or directory\$"
run 2 '' compare --type f64 "$tmp" "$tmp/results.csv"
expect_err "^bce compare: $tmp: read error: Is a directory\$"
run 2 '' compare "$tmp/results.csv" "$tmp/results.csv"
expect_err "^bce compare: $tmp/results.csv: not a vectors file"
printf 'regime,x,y,loss,grad,loss_dec,grad_dec,loss_exact,grad_exact,loss_bound,grad_bound\n' \
    >"$tmp/vec.csv"
run 2 '' compare "$tmp/vec.csv" "$tmp/results.csv"
expect_err "cannot tell f64 from f32 by the name"
# compare: a garbage field is escaped
printf '%s\n' 'regime,x,y,loss,grad,loss_exact,grad_exact,loss_bound,grad_bound' \
    'r,0,1,0x1.62e42fefa39efp-1,-0x1p-1,0.6931471805599453094,-0.5,0.5,0.5' \
    >"$tmp/vec_f64.csv"
printf 'x,y,loss,grad\n0,1,\x01\xff\x1b[31m,-0x1p-1\n' >"$tmp/garbage.csv"
run 2 '' compare "$tmp/vec_f64.csv" "$tmp/garbage.csv"
expect_err "garbage.csv:2: loss: not a number: '\\\\x01\\\\xff\\\\x1b\\[31m'"
expect_clean
printf 'x,y,loss,grad\n0,1,0x1.62e42fefa39efp-1,-0x1p-1\n' >"$tmp/good.csv"
run 0 '' compare "$tmp/vec_f64.csv" "$tmp/good.csv"
# exhaustive-merge: a directory, a missing file
run 2 '' exhaustive-merge "$tmp"
expect_err "^bce exhaustive: $tmp: read error: Is a directory\$"
run 2 '' exhaustive-merge "$tmp/none.json"
expect_err "^bce exhaustive-merge: $tmp/none.json: cannot open: No such file or directory\$"
# gradcheck --csv -: standard input is <stdin> in every message
run 2 'a,y\n1,0\n2,1\n' gradcheck --csv - --label-column zz
expect_err "^bce gradcheck: <stdin>: no column named 'zz' in the header\$"
run 2 'a,y\n1,0\n2,x\n' gradcheck --csv -
expect_err "^bce gradcheck: <stdin>: line 3, column 2 \\(y\\): not a number: 'x'\$"
run 2 'a,y\n1,0\n2,5\n' gradcheck --csv -
expect_err "^bce gradcheck: <stdin>: line 3, column 2 \\(y\\): .*\\(BCE_E_LABEL_RANGE\\)\$"
run 2 'y\n1\n' gradcheck --csv - --no-intercept
expect_err "^bce gradcheck: <stdin>: no feature column"
"$BCE" gradcheck --csv - <"$tmp" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && ok || bad "gradcheck --csv - from a directory: exit status"
expect_err "^bce gradcheck: <stdin>: read error: Is a directory\$"
# gradcheck: a garbage line (control bytes, invalid UTF-8, 5000 bytes) is
# escaped and capped; so are column names
run 2 "a,y\n1,0\n\x01\xff\x1b[31m${long}${long},1\n" gradcheck --csv -
expect_err "^bce gradcheck: <stdin>: line 3, column 1 \\(a\\): not a number: '\\\\x01\\\\xff\\\\x1b\\[31mz+\\.\\.\\.'\$"
expect_clean 200
run 2 'a\x02,y\n1,0\n1,3\n' gradcheck --csv -
expect_err "column 2 \\(y\\)"
run 2 'a\x02,a\x02\n1,0\n' gradcheck --csv -
expect_err "duplicate column name 'a\\\\x02'"
expect_clean
# printable UTF-8 is kept, a bidirectional control is not
run 2 'x\xc3\xa9\xe2\x80\xae 1\n' eval
expect_err "not a number: 'x$(printf '\xc3\xa9')\\\\xe2\\\\x80\\\\xae'"
# write errors: the reason
if [ -w /dev/full ]; then
    printf '0 1\n' | "$BCE" eval >/dev/full 2>"$tmp/err"
    expect_err '^bce: <stdout>: write error: No space left on device$'
fi

echo "test_cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

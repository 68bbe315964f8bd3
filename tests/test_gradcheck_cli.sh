#!/usr/bin/env bash
# test_gradcheck_cli.sh BCE -- `bce gradcheck`: help, exit statuses (0 pass,
# 1 check failed, 2 usage/input error), the report (text and JSON), CSV
# input and every kind of bad CSV (the error names the line and column).
# Registered as the meson test `test_gradcheck_cli` (tools/meson.build).
# shellcheck disable=SC2015  # "ok" never fails: A && ok || bad is if-then-else
set -uo pipefail

BCE=${1:?usage: test_gradcheck_cli.sh path/to/bce}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# run EXPECTED_STATUS ARGS... ; leaves $tmp/out and $tmp/err
run() {
    local want=$1
    shift
    "$BCE" gradcheck "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    local got=$?
    if [ "$got" -ne "$want" ]; then
        bad "bce gradcheck $* : exit $got, expected $want"
        sed 's/^/  stdout: /' "$tmp/out" | head -n 8
        sed 's/^/  stderr: /' "$tmp/err" | head -n 8
        return 1
    fi
    ok
}
expect_out() { # REGEX: a line of stdout matches
    if grep -Eq -- "$1" "$tmp/out"; then ok; else
        bad "stdout does not match /$1/: $(head -c 400 "$tmp/out")"
    fi
}
expect_err() { # REGEX: stderr matches
    if grep -Eq -- "$1" "$tmp/err"; then ok; else
        bad "stderr '$(cat "$tmp/err")' does not match /$1/"
    fi
}
expect_empty_out() {
    if [ ! -s "$tmp/out" ]; then ok; else
        bad "stdout should be empty, got '$(head -c 200 "$tmp/out")'"
    fi
}

# --- help ------------------------------------------------------------------
run 0 --help && expect_out '^usage: bce gradcheck'
# (into a file: grep -q may exit before bce has written all, and pipefail
# would see bce's SIGPIPE)
"$BCE" help gradcheck >"$tmp/help" && grep -q '^usage: bce gradcheck' "$tmp/help" &&
    ok || bad "help gradcheck"
"$BCE" --help >"$tmp/help" && grep -q 'gradcheck' "$tmp/help" && ok ||
    bad "bce --help lists gradcheck"

# --- generated data: every mode passes ---------------------------------------
run 0
expect_out '^bce gradcheck: generated data seed=1: n=1000 k=8 \(100 rows with yhat -> 0/1\)'
for m in exact exact-hv fd directional hvp mpfr; do expect_out "^PASS $m: worst [0-9]+ "; done
expect_out '^result: PASS$'
[ "$(grep -c '^PASS' "$tmp/out")" -eq 6 ] && ok || bad "6 checks expected"
run 0 --n 300 --k 3 --no-intercept --l2 0.5 --reduction sum --seed 9
expect_out ', no intercept, l2=0.5, reduction sum'
run 0 --n 500 --k 16 --pos-weight 3 --smoothing 0.1 --mode fd --mode hvp
[ "$(grep -c '^PASS' "$tmp/out")" -eq 2 ] && ok || bad "--mode twice: 2 checks"
run 0 --n 200 --k 4 --mode mpfr --prec 128
expect_out '^PASS mpfr: '
run 0 --n 3000 --k 4 --mode mpfr --mpfr-rows 400
expect_out '^PASS mpfr \(first 400 rows\): '
run 1 --n 3000 --k 4 --mode mpfr --mpfr-rows 400 --perturb 4:1e-12
expect_out '^FAIL mpfr \(first 400 rows\): worst 4 '
run 2 --mpfr-rows 0
run 0 --n 1500 --k 96 --mode directional --ndirs 3 --tails 0.5 --isa scalar
expect_out 'PASS directional: .*failed 0/3'
expect_out ', isa scalar,'

# --- failing checks exit 1 ------------------------------------------------------
run 1 --perturb 3:1e-6
expect_out '^FAIL fd: worst 3 '
expect_out '^FAIL mpfr: worst 3 '
expect_out '^result: FAIL$'
run 1 --perturb 0:-2 --mode directional
expect_out '^FAIL directional: '
# an error far below the double-precision modes' rtol is still caught by mpfr
run 0 --perturb 2:1e-12 --mode fd
run 1 --perturb 2:1e-12 --mode mpfr
expect_out '^FAIL mpfr: worst 2 '

# --- JSON -----------------------------------------------------------------------
# --json FILE ('-' = stdout: the text report goes to stderr)
run 0 --json - --n 300
expect_out '"pass": true'
expect_out '^\{"tool": "bce gradcheck", "libbce": "[^"]+", "schema": 1,'
expect_err '^result: PASS$'
if command -v python3 >/dev/null; then
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
p = d["problems"][0]
assert d["pass"] is True and len(p["checks"]) == 4 and p["n"] == 300
assert all(c["pass"] for c in p["checks"]) and p["exact"]["pass"] is True
assert [c["name"] for c in p["coordinates"]][:2] == ["intercept", "w_1"]' "$tmp/out" && ok ||
        bad "JSON output does not parse or is wrong"
fi
run 1 --json "$tmp/r.json" --n 300 --perturb 1:1e-5 --mode fd
grep -q '"pass": false' "$tmp/r.json" && ok || bad "--json FILE: pass false expected"
expect_out '^result: FAIL$'
# the boolean --json of older releases is gone: --json wants a file
run 2 --json
expect_err -- "--json needs a FILE \('-' = standard output\)"

# --- CSV input ---------------------------------------------------------------------
awk 'BEGIN { print "a, b ,\"c\",label";
  for (i = 1; i <= 300; i++) {
    a = sin(i * 1.3); b = 3 * cos(i * 0.7); c = sin(i * i * 0.01) * 0.5;
    printf "%.6f,%.6f,%.6f,%d\n", a, b, c, (sin(i * 2.1) + a > 0) ? 1 : 0 } }' \
    >"$tmp/good.csv"
run 0 --csv "$tmp/good.csv"
expect_out "good.csv, label 'label': n=300 k=3"
expect_out '^result: PASS$'
run 0 --csv "$tmp/good.csv" --label-column label --no-intercept --l2 0.1
# a feature column as the label is an input error of the library (label 1.2 ...)
run 2 --csv "$tmp/good.csv" --label-column b
expect_err "good.csv: line 2, column 2 \(b\): .*\(BCE_E_LABEL_RANGE\)"
expect_empty_out
# columns of very different magnitudes: the double modes work in parameters
# scaled per column (a plain step relative to |w_j| failed here before)
awk 'BEGIN { print "a,b,c,y";
  for (i = 1; i <= 500; i++) {
    a = sin(i * 1.3) * 5000; b = 3e-4 * cos(i * 0.7); c = sin(i * i * 0.01);
    printf "%.6g,%.6g,%.6g,%d\n", a, b, c, (sin(i * 2.1) + c > 0) ? 1 : 0 } }' \
    >"$tmp/scaled.csv"
run 0 --csv "$tmp/scaled.csv"
expect_out 'parameters scaled by the power of two nearest 1/rms'
expect_out '^result: PASS$'
run 1 --csv "$tmp/scaled.csv" --perturb 1:1e-6
expect_out '^FAIL fd: worst 1 '
# weights: column w, weighted mean
awk -F, 'NR == 1 { print $0 ",w"; next } { printf "%s,%.3f\n", $0, 0.5 + (NR % 4) }' \
    "$tmp/good.csv" >"$tmp/weighted.csv"
run 0 --csv "$tmp/weighted.csv" --label-column label --weight-column w \
    --reduction weighted-mean
expect_out "n=300 k=3"
# CRLF line ends, blank lines, stdin
sed 's/$/\r/' "$tmp/good.csv" | sed '5s/^.*$/\r/' >"$tmp/crlf.csv"
run 0 --csv "$tmp/crlf.csv" --mode fd
expect_out "n=299 k=3"
"$BCE" gradcheck --csv - --mode fd <"$tmp/good.csv" >"$tmp/out" 2>"$tmp/err" &&
    ok || bad "--csv - (stdin)"
expect_out "<stdin>, label 'label': n=300"

# --- bad CSVs: exit 2, line and column named, nothing on stdout ------------------------
bad_csv() { # NAME CONTENT(printf %b) REGEX [extra args]
    local name=$1 content=$2 re=$3
    shift 3
    printf '%b' "$content" >"$tmp/$name.csv"
    run 2 --csv "$tmp/$name.csv" "$@" && expect_err "$re" && expect_empty_out
}
bad_csv notnum 'x1,x2,y\n1,2,0\n3,abc,1\n' 'line 3, column 2 \(x2\): not a number: .abc.'
bad_csv fields 'x1,x2,y\n1,2,0\n3,1\n' 'line 3: 2 fields, expected 3'
bad_csv toomany 'x1,x2,y\n1,2,0,4\n' 'line 2: 4 fields, expected 3'
bad_csv empty_field 'x1,x2,y\n1,,0\n' 'line 2, column 2 \(x2\): empty field'
bad_csv nan 'x1,x2,y\n1,2,0\n\n1,nan,1\n' 'line 4, column 2 \(x2\): not a finite number'
bad_csv inf 'x1,x2,y\n1,2,0\n1e999,2,1\n' 'line 3, column 1 \(x1\): not a finite number'
bad_csv trailing 'x1,x2,y\n1,2 3,0\n' 'line 2, column 2 \(x2\): not a number'
bad_csv label_range 'x1,x2,y\n1,2,0\n1,2,1\n1,2,2\n' \
    'line 4, column 3 \(y\): .*\(BCE_E_LABEL_RANGE\)'
bad_csv weight_neg 'x1,w,y\n1,1,0\n1,-1,1\n' \
    'line 3, column 2 \(w\): .*\(BCE_E_WEIGHT_RANGE\)' --weight-column w
bad_csv no_label 'x1,x2,y\n1,2,0\n' "no column named 'lab'" --label-column lab
bad_csv no_weight 'x1,x2,y\n1,2,0\n' "no column named 'ww'" --weight-column ww
bad_csv same_col 'x1,x2,y\n1,2,0\n' 'label and weight columns are the same' \
    --weight-column y
bad_csv dup 'x,x,y\n1,2,0\n' "line 1, column 2: duplicate column name 'x'"
bad_csv header_only 'x1,x2,y\n' 'no data rows'
bad_csv empty '' 'empty file'
bad_csv blank_name 'x1,,y\n1,2,0\n' 'line 1, column 2: empty column name'
bad_csv only_label 'y\n1\n0\n' 'no feature column and no intercept' --no-intercept
run 2 --csv "$tmp/does-not-exist.csv"
expect_err 'does-not-exist.csv: cannot open'

# --- usage errors ----------------------------------------------------------------------
run 2 --n 0
expect_err -- '--n wants an integer'
run 2 --k x
run 2 --k
expect_err -- '--k needs a value'
run 2 --mode bogus
expect_err -- '--mode wants exact, fd, directional, hvp, mpfr or all'
run 2 --reduction none
expect_err 'no gradient to check'
run 2 --l2 -1
run 2 --smoothing 2
run 2 --pos-weight nan
run 2 --prec 10
run 2 --perturb 3
run 2 --perturb 99:1e-3
expect_err 'the problem has 9 parameters'
run 2 --bogus
expect_err "unknown option '--bogus'"
run 2 stray
run 2 --label-column y
expect_err -- '--label-column needs --csv'
run 2 --isa bogus
expect_err 'BCE_E_UNKNOWN_ISA'

echo "test_gradcheck_cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

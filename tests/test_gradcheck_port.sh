#!/usr/bin/env bash
# test_gradcheck_port.sh BCE IUT_LIBBCE GC_LOGREG_SO LIBBCE_VERIFY_SO SRC [sklearn]
# -- `bce gradcheck` on implementations other than its own call:
#   1. libbce's fused regression through the process route (IUT_LIBBCE,
#      tests/gc_iut_libbce.c) and through --lib (the shim
#      bcev_logreg_shim_f64 of libbce-verify): both pass the battery, and
#      give the bits of the no-IUT mode; f32 too;
#   2. --perturb on an IUT fails every mode;
#   3. broken IUTs (too few numbers, NaN, death, silence, not runnable):
#      exit 2 naming the problem, the parameter vector and the coordinate;
#   4. --json FILE / --junit FILE of a battery;
#   5. the worked examples of docs/PORTING.md "Checking a gradient", with
#      the commands written there (run from SRC): numpy's textbook gradient
#      (passes, cond-ratio shown), its intercept bug (fails, "intercept"),
#      a C implementation through --lib, and its penalised-intercept bug;
#   with "sklearn" as 6th argument, only scikit-learn's LinearModelLoss
#   (exit 77, SKIP, without python3-sklearn).
# Registered as test_gradcheck_port and test_gradcheck_sklearn
# (tools/meson.build).
# shellcheck disable=SC2015  # "ok" never fails: A && ok || bad is if-then-else
set -uo pipefail

BCE=$(realpath "${1:?usage: test_gradcheck_port.sh BCE IUT SO VERIFY_SO SRC}")
IUT=$(realpath "$2")
GCSO=$(realpath "$3")
VSO=$(realpath "$4")
SRC=$5
PART=${6:-main}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
t0=$SECONDS
step() { echo "--- $* ($((SECONDS - t0)) s so far)"; }

# bce is the tool under test in the commands of docs/PORTING.md
bce() { "$BCE" "$@"; }

# run EXPECTED_STATUS ARGS... ; leaves $tmp/out and $tmp/err
run() {
    local want=$1
    shift
    "$BCE" gradcheck "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    local got=$?
    if [ "$got" -ne "$want" ]; then
        bad "bce gradcheck $* : exit $got, expected $want"
        sed 's/^/  stdout: /' "$tmp/out" | head -n 12
        sed 's/^/  stderr: /' "$tmp/err" | head -n 8
        return 1
    fi
    ok
}
expect_out() { grep -Eq -- "$1" "$tmp/out" && ok || bad "stdout does not match /$1/: $(head -c 600 "$tmp/out")"; }
expect_err() { grep -Eq -- "$1" "$tmp/err" && ok || bad "stderr '$(head -c 600 "$tmp/err")' does not match /$1/"; }
# fails_are "PROBLEM MODE ...": exactly these problems' checks fail
fails_are() {
    local got
    got=$(awk '/^bce gradcheck: problem / { p = $4; gsub(/[\047:]/, "", p) }
               /^FAIL [a-z-]+:/ { sub(/:$/, "", $2); printf "%s%s %s", s, p, $2; s = " " }' "$tmp/out")
    [ "$got" = "$1" ] && ok || bad "failing checks '$got', expected '$1'"
}
no_out() { ! grep -Eq -- "$1" "$tmp/out" && ok || bad "stdout matches /$1/: $(grep -E -- "$1" "$tmp/out" | head -3)"; }

# a python3 with numpy (the PATH one may lack it)
PY=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import numpy' 2>/dev/null; then PY=$p; break; fi
done

if [ "$PART" = sklearn ]; then
    # --- scikit-learn's LinearModelLoss (docs/PORTING.md) ---------------------
    SKPY=
    for p in python3 /usr/bin/python3; do
        if command -v "$p" >/dev/null &&
            "$p" -c 'import sklearn.linear_model._linear_loss' 2>/dev/null; then SKPY=$p; break; fi
    done
    if [ -z "$SKPY" ]; then
        echo "SKIP: scikit-learn is not installed (Debian: apt-get install python3-sklearn)"
        exit 77
    fi
    cd "$SRC" || exit 1
    step "scikit-learn's LinearModelLoss, the battery"
    s=$SECONDS
    bce gradcheck --battery -- "$SKPY" docs/porting/gc_sklearn.py >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 0 ] && ok || { bad "sklearn battery: exit $rc"; tail -5 "$tmp/out" "$tmp/err"; }
    expect_out '^battery: 9 of 9 problems passed$'
    grep -E '^(PASS|FAIL) exact|^battery' "$tmp/out" | sed 's/^/    | /'
    echo "sklearn battery: $((SECONDS - s)) s"
    echo "test_gradcheck_port (sklearn): $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit
fi

# --- 1. libbce three ways ------------------------------------------------------
step "libbce: no IUT, process, --lib"
run 0 --json "$tmp/self.json"
run 0 --json "$tmp/proc.json" --mode all -- "$IUT"
expect_out '^bce gradcheck: IUT .*gc_iut_libbce, type f64, 1 problem$'
for m in exact exact-hv fd directional hvp mpfr; do expect_out "^PASS $m: worst [0-9]+ \\("; done
run 0 --json "$tmp/lib.json" --mode all --lib "$VSO" --symbol bcev_logreg_shim_f64
expect_out "^bce gradcheck: IUT .*libbce-verify.*:bcev_logreg_shim_f64, type f64"
for m in exact exact-hv fd directional hvp mpfr; do expect_out "^PASS $m: "; done
# the same gradient bits three ways (hex floats through the protocol are exact)
if [ -n "$PY" ]; then
    "$PY" - "$tmp/self.json" "$tmp/proc.json" "$tmp/lib.json" <<'PYEOF' && ok || bad "the three routes differ"
import json, sys
c = [[x["claimed"] for x in json.load(open(f))["problems"][0]["coordinates"]] for f in sys.argv[1:]]
assert c[0] == c[1] == c[2], c
PYEOF
fi
step "libbce battery, process and --lib"
s=$SECONDS
run 0 --battery -- "$IUT"
expect_out '^battery: 9 of 9 problems passed$'
for p in plain no-intercept l2 weights pos-weight smoothing tails separable wide; do
    expect_out "^bce gradcheck: problem '$p': "
done
expect_out "problem 'wide': generated data seed=1: n=1000 k=256"
expect_out "problem 'tails': generated data seed=1: n=1000 k=8 \\(1000 rows with yhat"
echo "  libbce battery through the protocol: $((SECONDS - s)) s"
# libbce is near correctly rounded: its worst cond-ratio below 1 on every problem
awk '/^PASS exact/ { for (i = 1; i < NF; i++) if ($i == "cond-ratio" && $(i + 1) + 0 >= 1) bad = 1 }
     END { exit bad }' "$tmp/out" && ok || bad "libbce's cond-ratio >= 1 somewhere"
run 0 --battery --lib "$VSO" --symbol bcev_logreg_shim_f64
expect_out '^battery: 9 of 9 problems passed$'
step "f32"
run 0 --type f32 -- "$IUT"
expect_out ', type f32, loss '
expect_out '^PASS exact: .*cond-ratio'
run 0 --type f32 --lib "$VSO" --symbol bcev_logreg_shim_f32 --battery
run 2 --type f32 --mode hvp -- "$IUT"
expect_err 'f32: the directional and hvp modes are not available'

# --- 2. --perturb on an IUT: every mode fails --------------------------------------
step "--perturb"
run 1 --perturb 3:1e-5 --mode all -- "$IUT"
for m in exact exact-hv fd directional hvp mpfr; do expect_out "^FAIL $m: "; done
expect_out '^FAIL exact: worst 3 \(w_3\) '
expect_out '^FAIL fd: worst 3 \(w_3\) '
expect_out '^  w_3 .* FAIL  FAIL$'
run 1 --perturb 0:1e-5 --lib "$VSO" --symbol bcev_logreg_shim_f64
expect_out '^FAIL exact: worst 0 \(intercept\) '
# far below the double modes' rtol: the exact judgement still sees it
run 1 --perturb 2:1e-12 --mode exact --mode fd -- "$IUT"
expect_out '^FAIL exact: worst 2 \(w_2\) '
expect_out '^PASS fd: '

# --- 3. broken IUTs: exit 2, the parameter vector and the coordinate named ---------
step "broken IUTs"
run 2 --mode fd -- "$IUT" --short 5
expect_err "problem 'generated', parameter vector #5 \\(fd mode, the base point moved along coordinate [0-9]+ \\([a-z_0-9]+\\)\\): 'grad' line has 8 numbers, expected 9: coordinate 8 \\(w_8\\) missing"
run 2 --mode fd -- "$IUT" --nan 7:3
expect_err "parameter vector #7 \\(fd mode, .*\\): grad coordinate 3 \\(w_3\\) is NaN"
run 2 -- "$IUT" --nan 1:0
expect_err "parameter vector #1 \\(the base point\\): grad coordinate 0 \\(intercept\\) is NaN"
run 2 --mode fd -- "$IUT" --die-after 9
expect_err "parameter vector #9 .*: the IUT closed its output \\(exited with status 3\\) without its 'loss' line"
s=$SECONDS
run 2 --timeout 0.5 -- "$IUT" --hang 3
expect_err "parameter vector #2 .*: timed out after 0.5 s \\(--timeout\\) waiting for its 'loss' line"
[ $((SECONDS - s)) -le 5 ] && ok || bad "--timeout 0.5 took $((SECONDS - s)) s"
run 2 -- "$tmp/no-such-iut"
expect_err "cannot run '.*no-such-iut'"
run 2 --n 20 -- cat
expect_err "parameter vector #1 \\(the base point\\): expected a line 'loss ...', got '0x"
run 2 --lib "$VSO" --symbol no_such_symbol
expect_err -- '--symbol no_such_symbol: not found'
run 2 --lib "$VSO"
expect_err -- '--lib and --symbol go together'

# a CSV through the protocol: coordinates named by their column
awk 'BEGIN { print "a,b,label"; for (i = 1; i <= 200; i++)
  printf "%.6f,%.6f,%d\n", sin(i * 1.3), 3 * cos(i * 0.7), (sin(i * 2.1) > 0) }' >"$tmp/d.csv"
run 0 --csv "$tmp/d.csv" -- "$IUT"
expect_out "d.csv, label 'label': n=200 k=2"
expect_out '^  b  '
run 1 --csv "$tmp/d.csv" --perturb 2:1e-9 --mode exact -- "$IUT"
expect_out '^FAIL exact: worst 2 \(b\) '

# --- 4. --json FILE and --junit FILE of a battery ----------------------------------
step "--json, --junit"
run 1 --battery --perturb 0:1e-3 --json "$tmp/b.json" --junit "$tmp/b.xml" -- "$IUT"
if [ -n "$PY" ]; then
    "$PY" - "$tmp/b.json" "$tmp/b.xml" <<'PYEOF' && ok || bad "battery JSON/JUnit wrong"
import json, sys, xml.etree.ElementTree as ET
d = json.load(open(sys.argv[1]))
assert d["tool"] == "bce gradcheck" and d["schema"] == 1 and d["pass"] is False
assert len(d["problems"]) == 9 and d["max_cond"] == 64
names = [p["name"] for p in d["problems"]]
assert names[0] == "plain" and names[-1] == "wide", names
for p in d["problems"]:
    assert p["pass"] is False and p["exact"]["pass"] is False, p["name"]
    c0 = p["coordinates"][0]
    assert c0["exact_pass"] is False and c0["fd_pass"] is False, c0
    assert all(c["exact_pass"] for c in p["coordinates"][1:]), p["name"]
    assert c0["name"] == ("intercept" if p["intercept"] else "w_1")
assert d["problems"][-1]["m"] == 257
r = ET.parse(sys.argv[2]).getroot()
assert int(r.get("tests")) == 45 and int(r.get("failures")) >= 27, r.attrib
assert all(p["exact_hv"]["pass"] is False for p in d["problems"])
PYEOF
fi

# --- 5. docs/PORTING.md "Checking a gradient": the commands written there ----------
cd "$SRC" || exit 1
if [ -z "$PY" ]; then
    echo "SKIP: numpy examples (no python3 with numpy)"
else
    step "numpy, textbook gradient"
    s=$SECONDS
    bce gradcheck -- "$PY" docs/porting/gc_numpy.py >"$tmp/out" 2>"$tmp/err"
    [ $? -eq 0 ] && ok || bad "numpy textbook: exit status"
    expect_out '^PASS exact: worst [0-9]+ \(w_[0-9]+\) .* cond-ratio [0-9.e+-]+ \(max 64\)'
    # a textbook gradient is near-conditioned but not correctly rounded:
    # its worst cond-ratio in [1, 64]
    cr=$(sed -n 's/^PASS exact: .* cond-ratio \([^ ]*\) (max 64).*/\1/p' "$tmp/out")
    echo "  numpy textbook: cond-ratio $cr ($((SECONDS - s)) s)"
    awk -v c="$cr" 'BEGIN { exit !(c >= 1 && c <= 64) }' && ok || bad "numpy cond-ratio $cr not in [1, 64]"
    grep -E '^(PASS|FAIL)|^  (coordinate|intercept)' "$tmp/out" | sed 's/^/    | /'
    step "numpy, intercept gradient not divided by n"
    bce gradcheck -- "$PY" docs/porting/gc_numpy.py --intercept-bug >"$tmp/out" 2>"$tmp/err"
    [ $? -eq 1 ] && ok || bad "numpy intercept bug: exit status 1 expected"
    expect_out '^FAIL exact: worst 0 \(intercept\) '
    expect_out '^FAIL fd: worst 0 \(intercept\) '
    expect_out '^  intercept .* FAIL  FAIL$'
    no_out '^  w_[0-9]+ .* FAIL'
    grep -E '^(PASS|FAIL)|^  (coordinate|intercept)' "$tmp/out" | sed 's/^/    | /'
    step "numpy battery"
    s=$SECONDS
    bce gradcheck --battery -- "$PY" docs/porting/gc_numpy.py >"$tmp/out" 2>"$tmp/err"
    [ $? -eq 1 ] && ok || bad "numpy battery: exit status 1 expected"
    expect_out '^battery: 8 of 9 problems passed$'
    # the gradient passes everywhere; p (1 - p) fails the Hessian in the tails
    fails_are "tails exact-hv"
    grep -E "^FAIL|^battery" "$tmp/out" | sed 's/^/    | /'
    echo "  numpy battery: $((SECONDS - s)) s"
fi
step "C through --lib"
LIBGC=$GCSO
if command -v cc >/dev/null; then
    cc -O2 -fPIC -shared docs/porting/gc_logreg.c -o "$tmp/libgc_logreg.so" -lm &&
        LIBGC=$tmp/libgc_logreg.so && ok || bad "cc docs/porting/gc_logreg.c"
fi
s=$SECONDS
bce gradcheck --battery --lib "$LIBGC" --symbol textbook_logreg_f64 >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && ok || bad "C textbook battery: exit status 1 expected"
expect_out '^battery: 8 of 9 problems passed$'
fails_are "tails exact-hv"
echo "  C battery through --lib: $((SECONDS - s)) s"
bce gradcheck --l2 0.1 --lib "$LIBGC" --symbol l2_intercept_logreg_f64 >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && ok || bad "C penalised intercept: exit status 1 expected"
expect_out '^FAIL exact: worst 0 \(intercept\) '
# its loss is penalised the same way: differences of its own loss agree
expect_out '^PASS fd: '
grep -E '^(PASS|FAIL)|^  intercept' "$tmp/out" | sed 's/^/    | /'

echo "test_gradcheck_port: $pass passed, $fail failed ($((SECONDS - t0)) s)"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# test_check.sh BCE LIBBCE_SO SRCDIR -- `bce check`: libbce passes both ways
# (`bce eval` as a process IUT, its four symbols through --lib), a textbook
# port fails with its tail rows named, a dying / hanging / short IUT is an
# IUT error (exit 2) naming the configuration and the line, 10^6 lines do
# not deadlock, and 4 parallel shards of an --exhaustive range merge to the
# unsharded result.  Registered as the meson test `test_check`.
# shellcheck disable=SC2015
set -uo pipefail

BCE=${1:?usage: test_check.sh path/to/bce path/to/libbce.so srcdir}
LIB=${2:?}
SRC=${3:?}
PORT=${4:-}   # tests/textbook_port.c built as a shared module
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# st WANT ARGS...: run `bce check ARGS`, stdout/stderr in $tmp/out, $tmp/err
st() {
    local want=$1
    shift
    "$BCE" check --quiet "$@" >"$tmp/out" 2>"$tmp/err"
    local got=$?
    if [ "$got" -eq "$want" ]; then ok; else
        bad "bce check $*: exit $got, expected $want"
        tail -5 "$tmp/out" | sed 's/^/  out: /'
        sed 's/^/  err: /' "$tmp/err" | head -5
    fi
}
has() { # FILE REGEX WHAT
    if grep -Eq -- "$2" "$1"; then ok; else bad "$3: no /$2/ in $1"; head -5 "$1" | sed 's/^/  /'; fi
}

# 0. bce eval honours the bce-check header and --reduction
printf '# bce-check 1 type=f32 form=probs pos_weight=2 label_smoothing=0.1 clamp=1 weights=1 reduction=mean\n0.5 1 2\n0.25 0 1\n' \
    | "$BCE" eval >"$tmp/h1" 2>&1 && ok || bad "eval with a header"
printf '0.5 1 2\n0.25 0 1\n' | "$BCE" eval --type f32 --form probs --pos-weight 2 \
    --smoothing 0.1 --clamp --weights --reduction mean >"$tmp/h2" 2>&1 && ok || bad "eval options"
cmp -s "$tmp/h1" "$tmp/h2" && ok || bad "header and options differ: $(cat "$tmp/h1")"
[ "$(wc -l <"$tmp/h1")" -eq 3 ] && ok || bad "a reduction: one loss line and 2 grad lines"
printf '\n# bce-check 1 type=f32 form=logits\n0 1\n' | "$BCE" eval --type f64 >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && ok || bad "a header contradicting --type accepted"
has "$tmp/err" 'line 2: bce-check header: type=f32 contradicts the command line' "header conflict message"
printf '# bce-check 2 type=f64\n0 1\n' | "$BCE" eval >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && ok || bad "header version 2 accepted"
printf '# bce-check 1 colour=blue\n0 1\n' | "$BCE" eval >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && ok || bad "unknown header key accepted"
printf '0 1\n1 0\n' | "$BCE" eval --reduction sum >"$tmp/out" && ok || bad "eval --reduction sum"
[ "$(head -1 "$tmp/out")" = "0x1.00d2017b666ap+1" ] && ok || bad "reduced sum: $(head -1 "$tmp/out")"

# 1. libbce passes as a process IUT (bce eval honours the header) ...
for t in f64 f32; do
    for f in logits probs; do
        st 0 --type $t --form $f --samples 300 -- "$BCE" eval
        has "$tmp/out" '^PASS' "eval $t $f"
        has "$tmp/out" 'reduction=weighted-mean' "eval $t $f: reductions checked"
        # ... and through --lib
        st 0 --type $t --form $f --samples 300 --lib "$LIB" --symbol bce_${f}_$t
        has "$tmp/out" '^PASS' "lib $t $f"
    done
done
# explicit options, both forms and types at once, JSON and JUnit
st 0 --type all --form all --pos-weight 2 --smoothing 0.1 --weights \
   --reduction mean --samples 200 --max-ulp 0.5 --json "$tmp/ok.json" \
   --junit "$tmp/ok.xml" -- "$BCE" eval
has "$tmp/ok.json" '^\{"tool": "bce check", "libbce": "[^"]+", "schema": 1,' "JSON header"
has "$tmp/ok.json" '"pass": true' "JSON pass"
has "$tmp/ok.xml" '<testcase classname="type=f32 form=probs[^"]*" name="soft_cancel">' "JUnit testcase"
/usr/bin/python3 - "$tmp/ok.json" <<'PY' && ok || bad "check --json fields"
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d)[:3] == ["tool", "libbce", "schema"] and d["schema"] == 1
assert d["pass"] is True and d["failing_total"] == 0 and len(d["configs"]) == 4
assert all(g["failing"] == [0, 0] for g in d["groups"])
assert all(c["pos_weight"] == "0x1p+1" and c["pos_weight_dec"] == 2 for c in d["configs"])
for g in d["groups"]:
    for o in ("loss", "grad"):
        if g[o]:
            h, v = g[o]["got"], g[o]["got_dec"]     # non-finite: the same word
            assert h == v if isinstance(v, str) else \
                float.fromhex(h) == v or abs(float.fromhex(h) / v - 1) < 2**-23, g
PY
# the bare --json names the fix; progress off a terminal: plain lines, no \r
"$BCE" check --samples 100 --json -- "$BCE" eval >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -qF -- "'--json -'" "$tmp/err" && ok || bad "check bare --json: $(cat "$tmp/err")"
"$BCE" check --options default --samples 100 --type f64 --form logits -- "$BCE" eval \
    >/dev/null 2>"$tmp/err"
head -n 1 "$tmp/err" | grep -Eq '^bce check: 0/1 configurations, 0.0%, 0 s' &&
    tail -n 1 "$tmp/err" | grep -Eq '^bce check: 1/1 configurations, 100.0%' &&
    ! grep -q $'\r' "$tmp/err" && ok || bad "check progress: $(cat -A "$tmp/err")"
# a bound under 0.5 ulp is not met by a correctly rounded libbce
st 1 --options default --samples 100 --max-ulp 0 -- "$BCE" eval

# 2. the textbook port fails, its tail rows named with expected values
if command -v python3 >/dev/null; then
    st 1 --options default --samples 200 --json "$tmp/tb.json" --junit "$tmp/tb.xml" \
       -- python3 "$SRC/tests/textbook_iut.py"
    has "$tmp/out" '^  tail_pos .* FAIL' "textbook: tail_pos fails"
    has "$tmp/out" '^  tail_neg .* FAIL' "textbook: tail_neg fails"
    has "$tmp/out" '^FAIL: ' "textbook: verdict"
    has "$tmp/tb.json" '"regime": "tail_pos", "output": "loss", "x": "0x[^"]*", "x_dec": [^,]*, "y": "0x1p\+0", .*"expected": "0x1\.[^"]*p-[0-9]+", "expected_dec": [^,]*, "got": "0x0p\+0", "got_dec": 0,' \
        "textbook: a failing tail row with its expected value"
    has "$tmp/tb.json" '"pass": false' "textbook JSON"
    has "$tmp/tb.xml" '<failure message=' "textbook JUnit failure"
else
    echo "SKIP: python3 not found (textbook port)"
fi

# the naive C port through --lib fails in the tails too
if [ -n "$PORT" ]; then
    st 1 --options default --samples 200 --json "$tmp/tbc.json" --lib "$PORT" \
       --symbol textbook_logits_f64
    has "$tmp/out" '^  tail_neg .* FAIL' "C textbook: tail_neg fails"
    has "$tmp/tbc.json" '"regime": "tail_neg", "output": "(loss|grad)", "x": "-0x[^"]*", .*"expected": "-?0x1\.' \
        "C textbook: a failing tail row with its expected value"
    # a port returning an error status is an IUT error
    st 2 --options all --samples 10 --lib "$PORT" --symbol textbook_logits_f64
    has "$tmp/err" "configuration 'type=f64 form=logits pos_weight=0x1.cp\+1 .*textbook_logits_f64 returned status 3 \(BCE_E_BAD_OPTION\)" "port status"
fi

# 3. IUT errors: exit 2, the configuration and the line named
st 2 --options default -- sh -c 'exit 3'
has "$tmp/err" "configuration 'type=f64 form=logits .*reduction=none': exited with status 3" "dying IUT"
has "$tmp/err" "input line 2 unanswered" "dying IUT: line"
st 2 --options default -- sh -c 'kill -9 $$'
has "$tmp/err" "killed by signal 9" "killed IUT"
st 2 --options default -- sh -c 'cat >/dev/null; echo 0 0; echo 1 1'
has "$tmp/err" "too few answers: 2 of 7000; input line 4 \(x=" "short IUT"
st 2 --options default -- sh -c 'cat >/dev/null; echo 0 zero'
has "$tmp/err" "answer line 1 \(input line 2\): expected two numbers" "malformed answer"
start=$(date +%s)
st 2 --options default --timeout 2 -- sleep 30
has "$tmp/err" "type=f64 form=logits.*timed out after 2 s .* input line 2 unanswered" "hanging IUT"
[ $(($(date +%s) - start)) -lt 10 ] && ok || bad "hanging IUT not stopped in time"
st 2 --options default -- "$tmp/does-not-exist"
st 2 --lib "$LIB" --symbol no_such_symbol
st 2 --options default --type all --lib "$LIB" --symbol bce_logits_f64
st 2 --exhaustive -- "$BCE" eval          # no range
st 2 --pos-weight -1 -- "$BCE" eval

# 4. 10^6 lines through one bce eval process: no deadlock
st 0 --options default --samples 142858 --timeout 50 -- "$BCE" eval
has "$tmp/out" '^PASS: 2000012 outputs' "10^6 lines"

# 5. 4 shards of an --exhaustive range, as parallel processes, merge to the
#    unsharded run (z in [32, 40): the tail; 2^19 bit patterns, both labels)
R=0x42000000:0x42080000
common=(--quiet --exhaustive --range $R --type f32 --options default --seed 7)
"$BCE" check "${common[@]}" --json "$tmp/full.json" --lib "$LIB" --symbol bce_logits_f32 >/dev/null 2>&1 \
    && ok || bad "unsharded exhaustive run"
pids=()
for i in 0 1 2; do
    "$BCE" check "${common[@]}" --shard $i/4 --json "$tmp/s$i.json" \
        --lib "$LIB" --symbol bce_logits_f32 >/dev/null 2>&1 &
    pids+=($!)
done
# the last shard from the environment, as a Slurm array task
SLURM_ARRAY_TASK_ID=13 SLURM_ARRAY_TASK_MIN=10 SLURM_ARRAY_TASK_COUNT=4 \
    "$BCE" check "${common[@]}" --json "$tmp/s3.json" --lib "$LIB" \
    --symbol bce_logits_f32 >"$tmp/s3.out" 2>&1 &
pids+=($!)
for p in "${pids[@]}"; do wait "$p" && ok || bad "shard process $p"; done
has "$tmp/s3.out" '^shard 3/4 from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT' "env shard on the first line"
has "$tmp/s3.json" '"shard": \{"index": 3, "count": 4, "source": "SLURM' "env shard in the JSON"
"$BCE" check --merge "$tmp/s2.json" "$tmp/s0.json" "$tmp/s3.json" "$tmp/s1.json" \
    --json "$tmp/merged.json" >"$tmp/out" 2>"$tmp/err" && ok || bad "merge: $(cat "$tmp/err")"
if cmp -s "$tmp/merged.json" "$tmp/full.json"; then ok; else
    bad "merged shards differ from the unsharded run"
    diff "$tmp/merged.json" "$tmp/full.json" | head -10
fi
has "$tmp/full.json" '"regime": "exhaustive", "count": 1048576' "exhaustive count"
# a gap between shards is refused
"$BCE" check --merge "$tmp/s0.json" "$tmp/s2.json" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "merge of non-contiguous shards accepted"
# the textbook port is caught in the exhaustive tail too (a JSON per shard)
if command -v python3 >/dev/null; then
    st 1 --exhaustive --range 0x42000000:0x42000400 --type f32 --options default \
       -- python3 "$SRC/tests/textbook_iut.py"
    has "$tmp/out" '^  exhaustive .* FAIL' "textbook exhaustive"
fi

# 6. `bce exhaustive` takes its shard from the environment too (shard.c)
GTEST_SHARD_INDEX=1 GTEST_TOTAL_SHARDS=4 "$BCE" exhaustive --quiet \
    --range 0x3f800000:0x3f800400 --isa scalar --json "$tmp/ex1.json" >"$tmp/out" 2>&1 \
    && ok || bad "bce exhaustive with GTEST_SHARD_INDEX"
if [ "$(head -1 "$tmp/out")" = "shard 1/4 from GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS: range [1065353472, 1065353728)" ]
then ok; else bad "exhaustive env shard line: $(head -1 "$tmp/out")"; fi
has "$tmp/ex1.json" '"shard": \{"index": 1, "count": 4, "source": "GTEST' "exhaustive env shard in the JSON"
has "$tmp/ex1.json" '"ranges": \[\[1065353472, 1065353728\]\]' "exhaustive env shard range"
GTEST_SHARD_INDEX=4 GTEST_TOTAL_SHARDS=4 "$BCE" exhaustive --quiet --range 0:1024 >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "GTEST_SHARD_INDEX out of range accepted"

# 7. --convention: the expected values follow a peer library's definition
# (verify/convention.c, docs/PORTING.md).  PyTorch's BCEWithLogitsLoss is
# libbce's logits loss without smoothing: libbce passes (configurations
# torch lacks, e.g. smoothing, are skipped with a message).  PyTorch's
# BCELoss backward is (p - y) / max(p (1 - p), 1e-12), not libbce's
# derivative: libbce's probability gradient fails there, named in the JSON.
st 0 --convention torch --samples 300 --options all --type f64 --form logits \
    --lib "$LIB" --symbol bce_logits_f64
st 0 --convention torch --samples 300 --options all --type f64 --form logits \
    --lib "$LIB" --symbol bce_logits_f64 --json "$tmp/torch_logits.json"
has "$tmp/torch_logits.json" '"convention": "torch"' "convention in the JSON"
"$BCE" check --convention torch --samples 300 --options all --type f64 --form logits \
    --lib "$LIB" --symbol bce_logits_f64 >/dev/null 2>"$tmp/err"
has "$tmp/err" 'skipping f64 logits: torch has no label smoothing' "skipped configuration named"
st 1 --convention torch --samples 300 --type f64 --form probs \
    --lib "$LIB" --symbol bce_probs_f64 --json "$tmp/torch_probs.json"
has "$tmp/torch_probs.json" '"output": "grad"' "torch probs: failing gradient rows"
st 2 --convention optax --form probs --lib "$LIB" --symbol bce_probs_f64
st 2 --convention nosuch --lib "$LIB" --symbol bce_logits_f64

# 8. The worked examples of docs/PORTING.md ("Worked examples with `bce
# check`"), with the commands written there (from the source tree).
BCE_ABS=$(cd "$(dirname "$BCE")" && pwd)/$(basename "$BCE")
PY=""
for p in /usr/bin/python3 python3; do
    if "$p" -c 'import numpy' 2>/dev/null; then PY=$p; break; fi
done
if [ -n "$PY" ]; then
    (cd "$SRC" && "$BCE_ABS" check --options default --samples 200 --type f64 --form logits \
        -- "$PY" docs/porting/check_numpy_tf.py) >"$tmp/np.out" 2>&1
    rc=$?
    [ $rc -eq 1 ] && ok || bad "worked example 3 (numpy, TF's formula): exit $rc, expected 1"
    has "$tmp/np.out" '^  tail_pos +200 rows  FAIL' "example 3: the positive tail fails"
    has "$tmp/np.out" '^  soft_cancel +200 rows  FAIL' "example 3: soft labels fail"
    has "$tmp/np.out" 'expected -0x1\.[0-9a-f]+p-[0-9]+ got 0x0p\+0' "example 3: a tail gradient 0, expected named"
    has "$tmp/np.out" 'expected inf got nan' "example 3: inf - inf named"
else
    echo "SKIP: worked example 3 (no python3 with numpy here: apt-get install python3-numpy)"
fi
if cc -O2 -shared -fPIC -I"$SRC/include" "$SRC/docs/porting/port_naive.c" \
        -o "$tmp/libport_naive.so" -lm 2>"$tmp/cc.err"; then
    ok
    "$BCE" check --options default --samples 200 --type f64 --form logits \
        --lib "$tmp/libport_naive.so" --symbol tf_logits_f64 >"$tmp/c.out" 2>&1
    rc=$?
    [ $rc -eq 1 ] && ok || bad "worked example 4 (C, --lib): exit $rc, expected 1"
    has "$tmp/c.out" '^  tail_pos +200 rows  FAIL' "example 4: the positive tail fails"
    "$BCE" check --samples 200 --type f64 --form logits \
        --lib "$tmp/libport_naive.so" --symbol tf_logits_f64 >"$tmp/c2.out" 2>&1
    rc=$?
    [ $rc -eq 1 ] && ok || bad "worked example 4, --options all: exit $rc, expected 1"
else
    bad "worked example 4: cc failed: $(head -3 "$tmp/cc.err")"
fi
TPY=""
for p in /usr/bin/python3 python3; do
    if "$p" -c 'import torch' 2>/dev/null; then TPY=$p; break; fi
done
if [ -n "$TPY" ]; then
    # PyTorch's gradient sigma(z) - y is 0 in the positive tail (every
    # version): the harness must fail it there and name the expected value
    (cd "$SRC" && "$BCE_ABS" check --convention torch --options default --samples 200 \
        --type f64 --form logits -- "$TPY" docs/porting/check_torch.py) >"$tmp/t.out" 2>&1
    rc=$?
    [ $rc -eq 1 ] && ok || bad "worked example 5 (PyTorch): exit $rc, expected 1"
    has "$tmp/t.out" '^  tail_pos +200 rows  FAIL' "example 5: the positive tail fails"
    has "$tmp/t.out" 'grad: .*expected -0x1\.[0-9a-f]+p-[0-9]+ got 0x0p\+0' "example 5: a tail gradient 0, expected named"
    tail -n 1 "$tmp/t.out"
else
    echo "SKIP: worked example 5 (python3-torch is not installed)"
fi

echo "test_check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

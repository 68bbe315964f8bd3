#!/usr/bin/env bash
# test_verify_cli.sh BCE -- `bce verify`'s command line: the selections of
# the option grid (--kernel, --config, --regime, --grid-samples), --table
# and the default summary, --json FILE / --json - (the bare --json is a
# usage error), progress on standard error (plain lines, or a bar on a
# terminal), unknown names and empty selections (exit 2), and determinism
# (same seed, same rows).  Small cells only: whether
# the library meets its bounds is the campaign's business, so a run may
# exit 0 or 1 here.
# Registered as the meson test `test_verify_cli` (tools/meson.build).
# shellcheck disable=SC2015  # "ok" never fails: A && ok || bad is if-then-else
set -uo pipefail

BCE=${1:?usage: test_verify_cli.sh path/to/bce}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

small=(--isa scalar --samples 1 --grid-samples 64 --quiet)

# --- a grid selection: only the cells asked for, table on stdout, JSON in FILE --
"$BCE" verify "${small[@]}" --kernel probs_f32,logits_f64 --config plain,pw_max \
    --regime midpoint,cancel_tiny --table --json "$tmp/v.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 1 ] && ok || bad "grid selection: exit $rc: $(cat "$tmp/err")"
# 2 kernels x 2 configs x 2 regimes x 2 outputs = 16 rows, then the verdict
rows=$(grep -c '^scalar ' "$tmp/out")
[ "$rows" -eq 16 ] && ok || bad "grid selection: $rows rows, expected 16"
if awk '/^scalar /{ if ($4 != "midpoint" && $4 != "cancel_tiny") exit 1;
                    if ($5 != "plain" && $5 != "pw_max") exit 1;
                    if ($6 != 64) exit 1 }' "$tmp/out"; then ok; else
    bad "grid selection: a row outside the selection or not 64 samples"; fi
tail -n 1 "$tmp/out" | grep -Eq '^(PASS|FAIL): ' && ok || bad "no verdict line"
head -n 1 "$tmp/v.json" | grep -q '^{"tool": "bce verify", "libbce": "[^"]*", "schema": 3,$' && ok ||
    bad "JSON header: $(head -c 200 "$tmp/v.json")"
[ "$(grep -c '"regime": "' "$tmp/v.json")" -eq 16 ] && ok || bad "JSON: not 16 rows"
grep -q '"config": "pw_max".*"pos_weight": "0x1p+64", "pos_weight_dec": 1.8446744073709552e+19' \
    "$tmp/v.json" && ok || bad "JSON: pw_max rows do not name P = 2^64"
grep -q '"not_correctly_rounded": ' "$tmp/v.json" && ok || bad "JSON: no not_correctly_rounded"
/usr/bin/python3 - "$tmp/v.json" <<'PY' && ok || bad "verify --json fields"
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d)[:3] == ["tool", "libbce", "schema"] and d["tool"] == "bce verify"
assert d["schema"] == 3 and d["isas"] == ["scalar"] and d["grid_samples"] == 64
assert isinstance(d["pass"], bool) and d["pass"] == all(r["pass"] for r in d["results"])
assert len(d["results"]) == 16 and sum(c["rows"] for c in d["summary"]) == 16
assert sum(c["samples"] for c in d["summary"]) == sum(r["samples"] for r in d["results"])
for c in d["summary"]:
    rs = [r for r in d["results"] if (r["kernel"], r["output"], r["bound"]) ==
          (c["kernel"], c["output"], c["bound"])]
    assert len(rs) == c["rows"] and c["max_ulp"] == max(r["max_ulp"] for r in rs), c
for r in d["results"]:
    f32 = r["kernel"].endswith("f32")
    for k in ("x", "y", "w"):
        assert r[k] in ("inf", "-inf", "nan") or float.fromhex(r[k]) == r[k + "_dec"] or \
            (f32 and abs(float.fromhex(r[k]) - r[k + "_dec"]) <= 2**-23 * abs(r[k + "_dec"])), r
PY

# --- the default report: a summary (one line per kernel, output and bound), no
# row table; the same verdict
"$BCE" verify "${small[@]}" --kernel probs_f32,logits_f64 --config plain,pw_max \
    --regime midpoint,cancel_tiny >"$tmp/sum" 2>/dev/null
[ "$(grep -c '^scalar ' "$tmp/sum")" -eq 0 ] && grep -q '^bce verify: 16 rows' "$tmp/sum" &&
    grep -Eq '^probs_f32 +grad +0.5 +[0-9]+ +[0-9]+ ' "$tmp/sum" &&
    [ "$(wc -l <"$tmp/sum")" -le 12 ] && ok || bad "default summary: $(cat "$tmp/sum")"
[ "$(tail -n 1 "$tmp/sum")" = "$(tail -n 1 "$tmp/out")" ] && ok || bad "summary verdict differs"

# --- determinism: the same rows again (the JSON differs only in "seconds") -------
"$BCE" verify "${small[@]}" --kernel probs_f32,logits_f64 --config plain,pw_max \
    --regime midpoint,cancel_tiny --json "$tmp/w.json" >/dev/null 2>&1
sed 's/"seconds": [0-9.]*//' "$tmp/v.json" >"$tmp/a"
sed 's/"seconds": [0-9.]*//' "$tmp/w.json" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" && ok || bad "two runs with the same seed differ"

# --- --json -: the JSON alone on stdout, the report on stderr; a bare --json is
# a usage error naming the fix
"$BCE" verify "${small[@]}" --kernel logits_f32 --config sm_max --regime special \
    --json - >"$tmp/out" 2>"$tmp/err"
rc=$?
{ [ $rc -eq 0 ] || [ $rc -eq 1 ]; } && /usr/bin/python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); assert d["tool"] == "bce verify" and len(d["results"]) == 2' "$tmp/out" &&
    grep -Eq '^(PASS|FAIL): ' "$tmp/err" && ok ||
    bad "verify --json -: exit $rc, stdout starts '$(head -c 20 "$tmp/out")'"
for args in "--json" "--json --quiet"; do
    # shellcheck disable=SC2086  # $args is one or two words on purpose
    "$BCE" verify "${small[@]}" --kernel logits_f32 --config sm_max --regime special \
        $args >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && grep -qF -- "'--json -' for standard output" "$tmp/err" &&
        ok || bad "verify $args: exit $rc, stderr '$(cat "$tmp/err")'"
done

# --- progress on stderr from the start: plain lines when stderr is not a
# terminal, a bar (\r) on a terminal
"$BCE" verify --isa scalar --samples 1 --grid-samples 64 --kernel logits_f32 \
    --config pw_2,sm_mid >/dev/null 2>"$tmp/err"
head -n 1 "$tmp/err" | grep -Eq '^bce verify: 0/[0-9]+ cells, 0.0%, 0 s$' &&
    tail -n 1 "$tmp/err" | grep -Eq '^bce verify: ([0-9]+)/\1 cells, 100.0%, [0-9]+ s' &&
    ! grep -q $'\r' "$tmp/err" && ok || bad "progress, not a terminal: $(cat -A "$tmp/err")"
/usr/bin/python3 - "$BCE" verify --isa scalar --samples 1 --grid-samples 64 \
    --kernel logits_f32 --config pw_2,sm_mid >"$tmp/tty" <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        d = os.read(fd, 4096)
    except OSError:
        break
    if not d:
        break
    out += d
os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
PY
grep -q $'\r\e\[K\[[#.]*\] [0-9]*/[0-9]* cells' "$tmp/tty" && ok ||
    bad "progress on a terminal: no bar: $(head -c 300 "$tmp/tty" | cat -A)"

# --- the original cells stay selectable, and the grid can be switched off ------
"$BCE" verify "${small[@]}" --table --grid-samples 0 --kernel logits_f32 --config hard \
    --regime random >"$tmp/out" 2>"$tmp/err"
rc=$?
{ [ $rc -eq 0 ] || [ $rc -eq 1 ]; } && [ "$(grep -c '^scalar ' "$tmp/out")" -eq 2 ] && ok ||
    bad "pass-1 selection: exit $rc, $(grep -c '^scalar ' "$tmp/out") rows"

# --- usage errors: exit 2, the message names the culprit ------------------------
expect2() { # MESSAGE_FRAGMENT ARGS...
    local frag=$1
    shift
    "$BCE" verify "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    [ $rc -eq 2 ] && grep -qF -- "$frag" "$tmp/err" && ok ||
        bad "verify $*: exit $rc, stderr '$(cat "$tmp/err")' (wanted 2 and '$frag')"
}
expect2 "unknown name 'pw_huge'" --config pw_2,pw_huge
expect2 "unknown name 'nowhere'" --regime nowhere
expect2 "unknown name 'probs_f16'" --kernel probs_f16
expect2 "empty or overlong name" --config pw_2,,pw_3
expect2 "selection" "${small[@]}" --kernel logits_f64 --config clamp_pw_max
expect2 "--grid-samples needs" --grid-samples -3
expect2 "cannot create" "${small[@]}" --kernel logits_f32 --config sm_max --regime special \
    --json /nonexistent/dir/v.json

# --- help names every grid configuration and regime -----------------------------
"$BCE" verify --help >"$tmp/help"
for n in plain pw_zero pw_min pw_max sm_min sm_max w_min w_max w_ends all_min all_max \
         wmean_ends tiny cancel cancel_tiny midpoint --grid-samples --config --regime \
         --table --json; do
    grep -qw -- "$n" "$tmp/help" && ok || bad "help does not mention $n"
done

echo "test_verify_cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# test_verify_cli.sh BCE -- `bce verify`'s command line: the selections of
# the option grid (--kernel, --config, --regime, --grid-samples), --json
# FILE / --json - / bare --json, unknown names and empty selections (exit
# 2), and determinism (same seed, same rows).  Small cells only: whether
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
    --regime midpoint,cancel_tiny --json "$tmp/v.json" >"$tmp/out" 2>"$tmp/err"
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
head -c 200 "$tmp/v.json" | grep -q '"tool":"bce verify","libbce":"[^"]*","schema":' && ok ||
    bad "JSON header: $(head -c 200 "$tmp/v.json")"
[ "$(grep -c '"regime":"' "$tmp/v.json")" -eq 16 ] && ok || bad "JSON: not 16 rows"
grep -q '"config":"pw_max".*"pos_weight":"0x1p+64"' "$tmp/v.json" && ok ||
    bad "JSON: pw_max rows do not name P = 2^64"
grep -q '"not_correctly_rounded":' "$tmp/v.json" && ok || bad "JSON: no not_correctly_rounded"

# --- determinism: the same rows again (the JSON differs only in "seconds") -------
"$BCE" verify "${small[@]}" --kernel probs_f32,logits_f64 --config plain,pw_max \
    --regime midpoint,cancel_tiny --json "$tmp/w.json" >/dev/null 2>&1
sed 's/"seconds":[0-9.]*//' "$tmp/v.json" >"$tmp/a"
sed 's/"seconds":[0-9.]*//' "$tmp/w.json" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" && ok || bad "two runs with the same seed differ"

# --- --json - and the bare --json: JSON on stdout, no table ---------------------
for j in "--json -" "--json"; do
    # shellcheck disable=SC2086  # $j is one or two words on purpose
    "$BCE" verify "${small[@]}" --kernel logits_f32 --config sm_max --regime special \
        $j >"$tmp/out" 2>"$tmp/err"
    rc=$?
    { [ $rc -eq 0 ] || [ $rc -eq 1 ]; } && head -c 1 "$tmp/out" | grep -q '{' && ok ||
        bad "verify $j: exit $rc, stdout starts '$(head -c 20 "$tmp/out")'"
done

# --- the original cells stay selectable, and the grid can be switched off ------
"$BCE" verify "${small[@]}" --grid-samples 0 --kernel logits_f32 --config hard \
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
expect2 "cannot write" "${small[@]}" --kernel logits_f32 --config sm_max --regime special \
    --json /nonexistent/dir/v.json

# --- help names every grid configuration and regime -----------------------------
"$BCE" verify --help >"$tmp/help"
for n in plain pw_zero pw_min pw_max sm_min sm_max w_min w_max w_ends all_min all_max \
         wmean_ends tiny cancel cancel_tiny midpoint --grid-samples --config --regime; do
    grep -qw -- "$n" "$tmp/help" && ok || bad "help does not mention $n"
done

echo "test_verify_cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

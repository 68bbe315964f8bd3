#!/usr/bin/env bash
# fuzz/campaign.sh [-j JOBS] [--json FILE] SECONDS [TARGET...]
#   (also the older form: fuzz/campaign.sh TARGET SECONDS)
#
# A long local fuzzing campaign over every target (or the ones named):
# libFuzzer -fork=JOBS (default: all cores, nproc, or $BCE_JOBS) with random
# seeds, the targets one after another, each for SECONDS / (number of
# targets); then, per target, a corpus merge (-merge=1) of the committed
# seeds (fuzz/corpus/T) and the campaign's own corpus (build-fuzz/campaign/T,
# kept between campaigns) into build-fuzz/campaign/T-merged: the minimal set
# with the same edge coverage (-use_counters=0: with hit-count buckets as
# features the merge keeps mostly the longest arrays, which run at a third
# of the rate), to review and copy into fuzz/corpus/T (sha1-named, as
# libFuzzer names them).
#
# Findings (crash-*, timeout-*, oom-*, leak-* reproducers) go to
# build-fuzz/campaign/findings/RUN/ (RUN = the start time); each is replayed
# once to record its first message.  At the end it prints, per target and in
# total, the executions (libFuzzer's fork-mode status lines "#N: ... time:
# Ts"), exec/s and the findings (count and paths), and writes a JSON summary
# (default data/fuzz-campaign-YYYYMMDD.json, -HHMMSS appended if that
# exists; --json FILE elsewhere, --json - to standard output) with the
# command, the git commit, and per target the seconds, executions, exec/s,
# findings and corpus sizes.  docs/CONVENTIONS: campaigns longer than CI
# commit their JSON summaries under data/ with the command that made them.
#
# Exit status: 0 no findings, 1 findings, 2 usage or build error.
# Builds the targets first (fuzz/ci-fuzz.sh build) unless they all exist.
# .ci/run does not call this script: CI runs fuzz/ci-fuzz.sh (bounded,
# seeded, one process per target).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build-fuzz
C=$B/campaign
ALL="logits_f64 logits_f32 probs_f64 probs_f32 api logreg"
usage() {
    echo "usage: $0 [-j JOBS] [--json FILE] SECONDS [TARGET...]   (targets: $ALL)" >&2
    exit 2
}
cmdline="fuzz/campaign.sh $*"
jobs=${BCE_JOBS:-$(nproc)}
json=
while [ $# -gt 0 ]; do
    case $1 in
    -j) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
    -j*) jobs=${1#-j}; shift ;;
    --json) [ $# -ge 2 ] || usage; json=$2; shift 2 ;;
    --json=*) json=${1#--json=}; shift ;;
    -h|--help) usage ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || usage
# the older form: TARGET SECONDS
if [ $# -eq 2 ] && [[ $2 =~ ^[0-9]+$ ]] && ! [[ $1 =~ ^[0-9]+$ ]]; then
    set -- "$2" "$1"
fi
secs=$1
shift
[[ $secs =~ ^[0-9]+$ ]] && [ "$secs" -gt 0 ] || usage
[[ $jobs =~ ^[0-9]+$ ]] && [ "$jobs" -gt 0 ] || usage
targets=${*:-$ALL}
for t in $targets; do
    case " $ALL " in *" $t "*) ;; *) echo "$0: unknown target $t" >&2; usage ;; esac
done
ntargets=$(echo $targets | wc -w)
per=$((secs / ntargets))
[ "$per" -ge 1 ] || { echo "$0: $secs s is less than 1 s per target" >&2; exit 2; }

need_build=0
for t in $targets; do [ -x "$B/out/$t" ] || need_build=1; done
if [ $need_build = 1 ]; then
    "$ROOT/fuzz/ci-fuzz.sh" build || exit 2
fi

run=$(date -u +%Y%m%d-%H%M%S)
F=$C/findings/$run
mkdir -p "$F"
commit=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
dirty=false
[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] && dirty=true
version=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$ROOT/meson.build" | head -n 1)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
tsv=$C/$run.tsv
: >"$tsv"
echo "campaign $run: $secs s over $ntargets target(s) ($per s each), -fork=$jobs, commit ${commit:0:12}$($dirty && echo ' (modified tree)')"
for t in $targets; do
    mkdir -p "$C/$t"
    before=$(ls "$C/$t" | wc -l)
    log=$C/$t.log
    echo "== $t: $per s, log $log"
    set +e
    (cd "$C" && nice -n 10 "$B/out/$t" -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 \
        -ignore_ooms=1 -max_total_time="$per" -dict="$ROOT/fuzz/$t.dict" -max_len=2048 \
        -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$F/$t-" -print_final_stats=1 \
        "$C/$t" "$ROOT/fuzz/corpus/$t") >"$log" 2>&1
    rc=$?
    set -e
    # the last fork-mode status line: "#N: cov: ... exec/s E oom/timeout/crash: a/b/c time: Ts job: J ..."
    last=$(grep -E '^#[0-9]+: ' "$log" | tail -n 1 || true)
    execs=$(printf '%s\n' "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
    tsecs=$(printf '%s\n' "$last" | sed -n 's/.* time: \([0-9]*\)s.*/\1/p')
    execs=${execs:-0}
    tsecs=${tsecs:-$per}
    [ "$tsecs" -gt 0 ] || tsecs=1
    cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\) .*/\1/p')
    rm -rf "$C/$t-merged"
    mkdir -p "$C/$t-merged"
    set +e
    (cd "$C" && "$B/out/$t" -merge=1 -use_counters=0 -dict="$ROOT/fuzz/$t.dict" -max_len=2048 -timeout=10 \
        -rss_limit_mb=2048 "$C/$t-merged" "$ROOT/fuzz/corpus/$t" "$C/$t") >"$C/$t-merge.log" 2>&1
    set -e
    nf=0
    for f in "$F/$t-"*; do
        [ -e "$f" ] || continue
        nf=$((nf + 1))
        msg=$( (cd "$C" && timeout 60 "$B/out/$t" -runs=1 "$f" 2>&1) |
               grep -m 1 -E 'CHECK FAILED|ERROR: |runtime error|Timeout|out-of-memory' |
               sed 's/^libbce fuzz: //' | tr -d '\t' || true)
        printf 'F\t%s\t%s\t%s\n' "$t" "${f#"$ROOT"/}" "${msg:-?}" >>"$tsv"
    done
    printf 'T\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$tsecs" "$execs" $((execs / tsecs)) \
        "$nf" "$before" "$(ls "$C/$t" | wc -l)" "$(ls "$C/$t-merged" | wc -l)" "${cov:-0}" "$rc" >>"$tsv"
    echo "   $execs executions in $tsecs s ($((execs / tsecs)) exec/s), $nf finding(s)," \
         "merged corpus $(ls "$C/$t-merged" | wc -l) inputs"
done
ended=$(date -u +%Y-%m-%dT%H:%M:%SZ)

if [ -z "$json" ]; then
    json=$ROOT/data/fuzz-campaign-$(date -u +%Y%m%d).json
    [ -e "$json" ] && json=$ROOT/data/fuzz-campaign-$run.json
fi
python3 - "$tsv" "$json" "$cmdline" "$commit" "$dirty" "$version" "$jobs" "$secs" \
    "$started" "$ended" "$run" <<'EOF'
import json, sys
tsv, out, cmd, commit, dirty, version, jobs, secs, started, ended, run = sys.argv[1:]
targets, order, findings = {}, [], {}
for line in open(tsv, encoding='utf-8', errors='replace'):
    f = line.rstrip('\n').split('\t')
    if f[0] == 'T':
        t = f[1]
        order.append(t)
        targets[t] = {'target': t, 'seconds': int(f[2]), 'executions': int(f[3]),
                      'exec_per_sec': int(f[4]), 'findings': [],
                      'corpus_before': int(f[6]), 'corpus_after': int(f[7]),
                      'merged_corpus': int(f[8]), 'coverage': int(f[9]),
                      'libfuzzer_exit': int(f[10])}
    elif f[0] == 'F':
        findings.setdefault(f[1], []).append({'path': f[2], 'message': f[3]})
for t in order:
    targets[t]['findings'] = findings.get(t, [])
total_exec = sum(targets[t]['executions'] for t in order)
total_find = sum(len(targets[t]['findings']) for t in order)
doc = {'tool': 'fuzz/campaign.sh', 'libbce': version, 'schema': 1, 'run': run,
       'command': cmd, 'git_commit': commit, 'git_modified': dirty == 'true',
       'started': started, 'ended': ended, 'jobs': int(jobs), 'seconds': int(secs),
       'sanitizers': 'address,undefined', 'targets': [targets[t] for t in order],
       'total': {'executions': total_exec, 'findings': total_find}}
text = json.dumps(doc, indent=2) + '\n'
if out == '-':
    sys.stdout.write(text)
else:
    with open(out, 'w', encoding='utf-8') as fh:
        fh.write(text)
# the table
print('\n%-11s %8s %13s %9s %9s' % ('target', 'seconds', 'executions', 'exec/s', 'findings'))
for t in order:
    d = targets[t]
    print('%-11s %8d %13d %9d %9d' % (t, d['seconds'], d['executions'], d['exec_per_sec'],
                                      len(d['findings'])))
print('%-11s %8d %13d %9s %9d' % ('total', sum(targets[t]['seconds'] for t in order),
                                  total_exec, '', total_find))
for t in order:
    for f in targets[t]['findings']:
        print('  %s: %s\n      %s' % (t, f['path'], f['message']))
if out != '-':
    print('summary: %s' % out)
EOF
total=$(awk -F'\t' '$1 == "F"' "$tsv" | wc -l)
[ "$total" -eq 0 ]

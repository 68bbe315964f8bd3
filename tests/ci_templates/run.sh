#!/usr/bin/env bash
# tests/ci_templates/run.sh BUILD_DIR -- run the CI templates of docs/ci/
# (GitHub Actions workflow, GitLab CI job): their own commands, parsed from
# the YAML by job.py, against two sample ports:
#   a good port   PORT_CMD="bce eval" (libbce itself: the job passes, the
#                 JUnit report has no failure)
#   a bad port    PORT_CMD="python3 tests/textbook_iut.py" (the textbook
#                 formulas: the job fails with bce check's exit status 1,
#                 the report has failures)
# Substitutions (docs/ci/README.md): PORT_CMD as above; LIBBCE_GIT = this
# repository, LIBBCE_REF = its HEAD commit (git clone and checkout run for
# real); RUNNER_TEMP (GitHub) and LIBBCE_DIR (GitLab) a temporary
# directory, where libbce is cloned into libbce/src; the commands that would take
# minutes (apt-get, meson setup, ninja, meson install, ldconfig) are the
# stand-ins of stand_ins.sh, which check their arguments and install
# BUILD_DIR into a DESTDIR whose bin/ is put first on PATH.  `uses:` steps
# are skipped: actions/checkout (the current directory is the port's) and
# actions/upload-artifact (the report file is checked instead); any other
# action fails the test.
# Prints "PASS: ci-templates: name" / "FAIL: ..." and a totals line;
# without PyYAML one "SKIP:" line (.ci/run installs python3-yaml).
set -uo pipefail

build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
py=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import yaml' 2>/dev/null; then py=$p; break; fi
done
if [ -z "$py" ]; then
    echo "SKIP: ci-templates: no PyYAML here (Debian: apt-get install python3-yaml)"
    exit 0
fi
# shellcheck source=../checks.sh
. "$(dirname "$0")/../checks.sh" ci-templates

opt() { # NAME: a meson option of BUILD_DIR
    meson introspect --buildoptions "$build" |
        python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]][0])' "$1"
}
prefix=$(opt prefix)
bindir=$(opt bindir)
case $bindir in /*) ;; *) bindir=$prefix/$bindir ;; esac
ref=$(git -C "$src" rev-parse HEAD)

# run_job KIND TEMPLATE PORT_CMD NAME: parse, run in a fresh port directory;
# leaves $tmp/NAME/{status,out,report}
run_job() {
    local kind=$1 template=$2 cmd=$3 d=$tmp/$4 rc
    mkdir -p "$d/scripts" "$d/port" "$d/runner" || return
    cp "$here/stand_ins.sh" "$d/scripts/"
    "$py" "$here/job.py" "$kind" "$template" "$d/scripts" >"$d/parsed" || { cat "$d/parsed"; return 1; }
    cat "$d/parsed"
    local action
    for action in $(sed -n 's/^skip: //p' "$d/parsed"); do
        case $action in
            actions/checkout|actions/upload-artifact) ;;
            *) echo "a uses: step this test cannot stand in for: $action"; return 1 ;;
        esac
    done
    (cd "$d/port" &&
        env PORT_CMD="$cmd" LIBBCE_GIT="$src" LIBBCE_REF="$ref" \
            RUNNER_TEMP="$d/runner" LIBBCE_DIR="$d/runner/libbce" BCE_TEST_BUILD="$build" BCE_TEST_DEST="$d/dest" \
            BCE_TEST_LOG="$d/stand-ins.log" PATH="$d/dest$bindir:$PATH" \
            bash "$d/scripts/job.sh") >"$d/out" 2>&1
    rc=$?
    echo "$rc" >"$d/status"
    cat "$d/out"
    echo "job exit status $rc"
    # the install stood in for and the clone happened; bce ran from it
    grep -q 'meson install' "$d/stand-ins.log" || { echo "no meson install ran"; return 1; }
    test "$(git -C "$d/runner/libbce/src" rev-parse HEAD)" = "$ref" ||
        { echo "the clone is not at LIBBCE_REF"; return 1; }
    # `bce --version` ran from the install
    grep -q '^bce [0-9]' "$d/out" || { echo "no bce --version line"; return 1; }
}
report() { # NAME FAILURES(0|>0): the JUnit file the gate wrote
    local f=$tmp/$1/port/bce-check.xml
    test -s "$f" || { echo "no $f"; return 1; }
    "$py" - "$f" "$2" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
failures = int(root.get("failures"))
tests = int(root.get("tests"))
print("tests", tests, "failures", failures)
ok = tests > 0 and (failures == 0 if sys.argv[2] == "0" else failures > 0)
sys.exit(0 if ok else 1)
PY
}
good() { run_job "$@" && test "$(cat "$tmp/$4/status")" = 0; }
bad() { # the job must fail, with bce check's status 1 (an output over its bound)
    run_job "$@"
    test "$(cat "$tmp/$4/status")" = 1
}
gh=$src/docs/ci/github-actions.yml
gl=$src/docs/ci/gitlab-ci.yml
check "github-actions.yml: good port (bce eval) passes" good github "$gh" "bce eval" gh-good
check "github-actions.yml: its JUnit report has no failure" report gh-good 0
check "github-actions.yml: bad port (textbook formulas) fails, exit 1" \
    bad github "$gh" "python3 $src/tests/textbook_iut.py" gh-bad
check "github-actions.yml: its JUnit report has failures" report gh-bad 1
check "gitlab-ci.yml: good port (bce eval) passes" good gitlab "$gl" "bce eval" gl-good
check "gitlab-ci.yml: its JUnit report has no failure" report gl-good 0
check "gitlab-ci.yml: bad port (textbook formulas) fails, exit 1" \
    bad gitlab "$gl" "python3 $src/tests/textbook_iut.py" gl-bad
check "gitlab-ci.yml: its JUnit report has failures" report gl-bad 1
echo "ci-templates: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

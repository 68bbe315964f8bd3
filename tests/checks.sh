# tests/checks.sh NAME -- sourced (bash) by the packaging test scripts
# (tests/install, cmake_consumer, readme, ci_templates): a temporary
# directory $tmp removed on exit, and
#   check NAME COMMAND...  run COMMAND; print "PASS: NAME-of-script: NAME" or
#                          "FAIL: ..." with the last 40 lines of its output
#   finish                 print "NAME: P passed, F failed"; exit non-zero
#                          on any failure or when nothing was checked
# tests/run_all.sh counts the PASS:/FAIL: lines.
checks_name=${1:?usage: . tests/checks.sh NAME}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
check() { # NAME COMMAND...: run COMMAND, record its success
    local name=$1
    shift
    if "$@" >"$tmp/log" 2>&1; then
        pass=$((pass + 1))
        echo "PASS: $checks_name: $name"
    else
        fail=$((fail + 1))
        echo "FAIL: $checks_name: $name"
        sed 's/^/    /' "$tmp/log" | tail -n 40
    fi
}
finish() {   # a script that checked nothing fails (a skip says SKIP: and exits before)
    echo "$checks_name: $pass passed, $fail failed"
    [ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
    exit
}

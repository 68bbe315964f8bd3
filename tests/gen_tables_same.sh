#!/bin/sh
# gen/gen_tables.c regenerates the committed tables bit for bit: run the
# generator into a scratch directory laid out as src/ and compare each file
# it writes with the committed one.  Usage: gen_tables_same.sh GEN SRCROOT
set -eu
gen=$1 root=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tables" "$tmp/accurate"
"$gen" "$tmp"
fail=0
for f in tables/exp_data.c tables/log_data.c accurate/td_data.c; do
    if cmp -s "$tmp/$f" "$root/src/$f"; then
        echo "same: src/$f"
    else
        echo "DIFFERENT or missing: src/$f (gen/gen_tables.c $tmp/$f)"
        fail=1
    fi
done
extra=$(cd "$tmp" && find . -type f | grep -v -e '^./tables/exp_data.c$' -e '^./tables/log_data.c$' -e '^./accurate/td_data.c$' || true)
if [ -n "$extra" ]; then echo "written outside the committed tables: $extra"; fail=1; fi
exit $fail

#!/usr/bin/env bash
# proofs/run.sh coq|sollya|gappa SRCROOT WORKDIR -- one part of the proofs
# suite (see proofs/README.md).  Registered by proofs/meson.build as the
# `proofs` suite of `meson test`.
#   coq     compile proofs/coq/*.v, reject Admitted/admit/Axiom in the
#           sources, and run Print Assumptions on every Theorem/Lemma: only
#           the standard axioms of Coq's reals (and those of the classical
#           library Coquelicot/Interval build on) are accepted.
#   sollya  run every proofs/sollya/*.sollya: each regenerates one table or
#           coefficient block of src/ and compares it with the committed one,
#           and certifies the approximation errors (supnorm); a script ends
#           with "PROOF OK" or the test fails.
#   gappa   run every proofs/gappa/*.g: Gappa must prove every goal (exit 0,
#           no output other than the proven result); the bounds are in the
#           scripts.
# Exit status: 0 all proven, 1 a failure, 77 (meson's "skipped") when the
# tools are not installed -- except under CI=true, where a missing tool is a
# failure (.ci/run installs them).
set -uo pipefail

what=${1:?usage: proofs/run.sh coq|sollya|gappa SRCROOT WORKDIR}
src=$(cd "${2:?SRCROOT}" && pwd)
work=${3:?WORKDIR}
here=$src/proofs

need() { # TOOL...: exit 77 (or 1 under CI) if one is missing
    local t
    for t in "$@"; do
        if ! command -v "$t" >/dev/null 2>&1; then
            if [ "${CI:-}" = true ]; then
                echo "FAIL: $t not installed (CI=true: .ci/run installs it)"
                exit 1
            fi
            echo "SKIP: $t not installed (apt-get install coq libcoq-coquelicot libcoq-flocq libcoq-interval sollya gappa)"
            exit 77
        fi
    done
}

fail=0
case $what in
coq) need coqc perl ;;
sollya) need sollya python3 ;;
gappa) need gappa ;;
esac
rm -rf "$work"
mkdir -p "$work"

case $what in
coq)
    # the libraries must be there too (libcoq-coquelicot, -flocq, -interval)
    printf 'From Coquelicot Require Import Coquelicot.\nFrom Flocq Require Import Core.\nFrom Interval Require Import Tactic.\n' >"$work/Probe.v"
    if ! (cd "$work" && coqc Probe.v >/dev/null 2>&1); then
        if [ "${CI:-}" = true ]; then echo "FAIL: Coquelicot/Flocq/Interval missing"; exit 1; fi
        echo "SKIP: libcoq-coquelicot/libcoq-flocq/libcoq-interval not installed"
        exit 77
    fi
    # no escape hatches in the sources
    # (comments stripped first: they may name these words)
    if perl -0pe 's/\(\*.*?\*\)//gs' "$here"/coq/*.v |
        grep -nE '\b(Admitted|admit|Axiom|Axioms|Parameter|Parameters|Hypothesis|Hypotheses|Conjecture|Variable|Variables)\b'; then
        echo "FAIL: Admitted/admit/Axiom/Parameter/Hypothesis/Variable in proofs/coq"
        fail=1
    fi
    cp "$here"/coq/*.v "$work/"
    # compile in dependency order (the file list in proofs/coq/_CoqProject)
    for f in $(grep -E '\.v$' "$here/coq/_CoqProject"); do
        echo "coqc $f"
        if ! (cd "$work" && coqc -q -R . Bce "$f" 2>&1 | grep -vE 'ambiguous-paths|coercion path|^Warning:$|^File ".*", line 1[0-9], characters 0-4[0-9]:$'); then :; fi
        if [ ! -f "$work/${f%.v}.vo" ]; then echo "FAIL: $f does not compile"; fail=1; fi
    done
    [ $fail -eq 0 ] || exit 1
    # Print Assumptions on every Theorem/Lemma of every file
    {
        for f in $(grep -E '\.v$' "$here/coq/_CoqProject"); do
            m=${f%.v}
            echo "Require Import Bce.$m."
            grep -oE '^(Theorem|Lemma|Corollary) [A-Za-z0-9_]+' "$here/coq/$f" |
                awk -v m="$m" '{print "Print Assumptions " m "." $2 "."}'
        done
    } >"$work/Assumptions.v"
    n=$(grep -c '^Print Assumptions' "$work/Assumptions.v")
    (cd "$work" && coqc -q -R . Bce Assumptions.v) >"$work/assumptions.out" 2>&1
    rc=$?
    if [ $rc -ne 0 ]; then cat "$work/assumptions.out"; echo "FAIL: Print Assumptions"; exit 1; fi
    # every axiom line is "Name : type" at column 0
    allowed='^(ClassicalDedekindReals\.sig_not_dec|ClassicalDedekindReals\.sig_forall_dec|FunctionalExtensionality\.functional_extensionality_dep|Classical_Prop\.classic|PropExtensionality\.propositional_extensionality)$'
    # (an axiom is a name at column 0, its type after " :" or on the next
    # lines; "Axioms:" and "Closed under the global context" are headers)
    axioms=$(grep -E '^[A-Za-z_][A-Za-z0-9_.'"'"']*( :|$)' "$work/assumptions.out" |
        awk '{print $1}' | grep -vE '^(Axioms:|Closed)$' | sort -u)
    echo "Print Assumptions on $n theorems; axioms used:"
    echo "$axioms" | sed 's/^/  /'
    bad=$(echo "$axioms" | grep -vE "$allowed" | grep -v '^$' || true)
    if [ -n "$bad" ]; then
        echo "FAIL: axioms beyond the standard real-number axioms:"
        echo "$bad"
        exit 1
    fi
    echo "PROOF OK: coq ($n theorems, no Admitted, standard axioms only)"
    ;;
sollya)
    # the committed tables and coefficients, as Sollya lists
    if ! python3 "$here/sollya/extract.py" "$src" >"$work/committed.sollya"; then
        echo "FAIL: extract.py"; exit 1
    fi
    cp "$here/sollya/common.sollya" "$work/"
    cd "$work" || exit 1
    for f in "$here"/sollya/*.sollya; do
        b=$(basename "$f" .sollya)
        [ "$b" = common ] && continue
        echo "=== sollya $b"
        timeout 240 sollya --warnonstderr "$f" </dev/null >"$work/$b.out" 2>"$work/$b.err"
        rc=$?
        cat "$work/$b.out"
        if [ -s "$work/$b.err" ]; then
            echo "--- stderr:"; cat "$work/$b.err"
        fi
        if [ $rc -ne 0 ] || ! grep -q '^PROOF OK' "$work/$b.out" || grep -q 'FAIL' "$work/$b.out"; then
            echo "FAIL: $b (exit $rc)"
            fail=1
        fi
    done
    ;;
gappa)
    for f in "$here"/gappa/*.g; do
        b=$(basename "$f" .g)
        echo "=== gappa $b"
        timeout 240 gappa "$f" >"$work/$b.out" 2>&1
        rc=$?
        # Gappa prints nothing on success when every goal is proven;
        # anything else (unproven goals, warnings) is a failure
        if [ $rc -ne 0 ] || [ -s "$work/$b.out" ]; then
            cat "$work/$b.out"
            echo "FAIL: $b (exit $rc)"
            fail=1
        else
            echo "proven: $(grep -E '^# PROVES' "$f" | sed 's/^# PROVES *//' | head -n 1)"
        fi
    done
    ;;
*)
    echo "unknown part $what"; exit 1 ;;
esac
exit $fail

#!/usr/bin/env python3
"""textbook_iut.py -- a deliberately naive BCE "port" speaking the batch
protocol of `bce check` (docs/PORTING.md): the textbook formulas
L = y log(1 + e^-z) + (1 - y) log(1 + e^z), dL/dz = sigma(z) - y, evaluated
naively in double.  Logits, no options, reduction none only.
tests/test_check.sh shows that `bce check` rejects it in the tails."""
import math
import sys


def log1pexp(t):
    try:
        return math.log(1.0 + math.exp(t))
    except OverflowError:
        return math.inf


out = []
for line in sys.stdin:
    if line.startswith("#"):
        if "form=probs" in line or "reduction=none" not in line:
            sys.exit("textbook_iut.py: logits and reduction=none only")
        continue
    f = line.split()
    if not f:
        continue
    z, y = float.fromhex(f[0]), float.fromhex(f[1])
    loss = y * log1pexp(-z) + (1.0 - y) * log1pexp(z)
    try:
        s = 1.0 / (1.0 + math.exp(-z))
    except OverflowError:
        s = 0.0
    out.append("%s %s" % (float.hex(loss) if math.isfinite(loss) else repr(loss),
                          float.hex(s - y)))
sys.stdout.write("\n".join(out) + ("\n" if out else ""))

#!/usr/bin/env python3
"""naive_port.py VECTORS.csv -- a deliberately naive BCE "port" (the
textbook formulas in probability space, sigma(z) - y for the gradient),
used by tests/test_vectors.sh to show that `bce compare` rejects it and
that its report points at the tails."""
import math
import sys


def naive(z, y):
    try:
        s = 1.0 / (1.0 + math.exp(-z))
    except OverflowError:
        s = 0.0

    def log(v):
        return math.log(v) if v > 0 else -math.inf

    loss = -(y * log(s) + (1.0 - y) * log(1.0 - s)) if 0 < s < 1 else math.inf
    return loss, s - y


with open(sys.argv[1]) as f:
    header = f.readline().strip().split(",")
    ix, iy = header.index("x"), header.index("y")
    print("x,y,loss,grad")
    for line in f:
        col = line.strip().split(",")
        z, y = float.fromhex(col[ix]), float.fromhex(col[iy])
        loss, grad = naive(z, y)
        print(",".join(v.hex() if math.isfinite(v) else repr(v)
                       for v in (z, y, loss, grad)))

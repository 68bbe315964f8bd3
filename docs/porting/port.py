#!/usr/bin/env python3
"""port.py -- a worked example of a port checked against libbce's golden
vectors (docs/PORTING.md): binary cross-entropy in float32 from logits or
probabilities, computed in double precision with stable formulas and
rounded once to float32.

    python3 port.py data/vectors/logits_f32.csv > results.csv
    bce compare data/vectors/logits_f32.csv results.csv

Reads the vectors' x and y (C99 hex floats, float.fromhex), writes a CSV
with the header x,y,loss,grad and one row per vector, values in hex.
The form (logits or probs) comes from the file name.
"""
import math
import struct
import sys


def to_f32(v):
    """Round a double to the nearest float32 (ties to even), like a C cast."""
    if math.isnan(v) or math.isinf(v):
        return v
    try:
        return struct.unpack("f", struct.pack("f", v))[0]
    except OverflowError:           # rounds beyond FLT_MAX: infinity
        return math.copysign(math.inf, v)


def softplus(t):
    """log(1 + e^t) without overflow or cancellation."""
    if t > 0:
        return t + math.log1p(math.exp(-t))
    return math.log1p(math.exp(t))


def sigmoid(t):
    """1/(1 + e^-t), accurate in both tails."""
    if t >= 0:
        return 1.0 / (1.0 + math.exp(-t))
    e = math.exp(t)
    return e / (1.0 + e)


def logits(z, y):
    # L = y softplus(-z) + (1-y) softplus(z); a zero coefficient is no term
    # (z = +-inf: 0 * inf must not make a NaN).
    loss = 0.0
    if y != 0.0:
        loss += y * softplus(-z)
    if y != 1.0:
        loss += (1.0 - y) * softplus(z)
    # dL/dz = sigma(z) - y = (1-y) sigma(z) - y sigma(-z): no cancellation
    # for hard labels (sigma(z) - 1 would lose every digit when z >> 0).
    grad = (1.0 - y) * sigmoid(z) - y * sigmoid(-z)
    return loss, grad


def probs(p, y):
    # L = -y log p - (1-y) log1p(-p); dL/dp = -y/p + (1-y)/(1-p)
    loss, grad = 0.0, 0.0
    if y != 0.0:
        loss -= y * (math.log(p) if p > 0 else -math.inf)
        grad -= y / p if p > 0 else math.inf
    if y != 1.0:
        loss -= (1.0 - y) * (math.log1p(-p) if p < 1 else -math.inf)
        grad += (1.0 - y) / (1.0 - p) if p < 1 else math.inf
    return loss, grad


def main(path):
    f = logits if "logits" in path.rsplit("/", 1)[-1] else probs
    with open(path) as vec:
        header = vec.readline().strip().split(",")
        ix, iy = header.index("x"), header.index("y")
        print("x,y,loss,grad")
        for line in vec:
            if not line.strip() or line.startswith("#"):
                continue
            col = line.strip().split(",")
            x, y = float.fromhex(col[ix]), float.fromhex(col[iy])
            loss, grad = f(x, y)
            print(",".join(v.hex() if math.isfinite(v) else repr(v)
                           for v in (x, y, to_f32(loss), to_f32(grad))))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: port.py VECTORS.csv > RESULTS.csv")
    main(sys.argv[1])

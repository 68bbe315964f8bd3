#!/usr/bin/env python3
"""port.py -- a worked example of a port checked against libbce's golden
vectors (docs/PORTING.md): binary cross-entropy in float32 from logits or
probabilities, correctly rounded.

    python3 port.py data/vectors/logits_f32.csv > results.csv
    bce compare data/vectors/logits_f32.csv results.csv

Strategy (Ziv's): evaluate in double with stable formulas; if the double
result's error interval rounds to a single float32 (the rounding test),
that float is the answer; otherwise (about one case in a million: the exact
value is within ~2^-21 ulp of a rounding boundary) recompute with Python's
decimal module at 60 digits and round that to float32 directly.  Rounding
the double result without the test is NOT enough: the vectors hold binary32
inputs, found by `bce exhaustive`, whose exact results lie within 1.5e-16
ulp of a rounding boundary.

Reads the vectors' x and y (C99 hex floats, float.fromhex), writes a CSV
with the header x,y,loss,grad and one row per vector, values in hex.
The form (logits or probs) comes from the file name.
"""
import decimal
import math
import os
import struct
import sys

D = decimal.Decimal
CTX = decimal.Context(prec=60)
EXACT = decimal.Context(prec=400)       # exact sums/products of float32 values
FLT_TOP = D(2) ** 128 - D(2) ** 103     # from here RN overflows to infinity


def to_f32(v):
    """Round a double to the nearest float32 (ties to even), like a C cast."""
    if math.isnan(v) or math.isinf(v):
        return v
    try:
        return struct.unpack("f", struct.pack("f", v))[0]
    except OverflowError:               # rounds beyond FLT_MAX: infinity
        return math.copysign(math.inf, v)


def f32_step(f, up):
    """The float32 next to f (f finite), toward +inf if up else -inf."""
    b = struct.unpack("<i", struct.pack("<f", f))[0]
    if f == 0:
        b = 1 if up else -2**31 + 1
    elif (f > 0) == up:
        b += 1
    else:
        b -= 1
    return struct.unpack("<f", struct.pack("<i", b))[0]


def dec_to_f32(d):
    """Round a Decimal to the nearest float32, directly (no double rounding)."""
    if abs(d) >= FLT_TOP:
        return math.copysign(math.inf, d)
    f = to_f32(float(d))                # within one float32 of the answer

    def key(c):                         # nearest; on an exact tie, the even one
        if not math.isfinite(c):
            return (D(2) ** 200, 0)
        return (abs(D(c) - d), struct.unpack("<I", struct.pack("<f", c))[0] & 1)
    best = min((f32_step(f, False), f, f32_step(f, True)), key=key)
    return best if best != 0 else math.copysign(0.0, d)


ROUND_ONCE = os.environ.get("PORT_ROUND_ONCE") == "1"   # demo: no test, no fallback


def rounded(v, err, exact):
    """float32 of the double v (|v - exact value| <= err), or of exact()."""
    if ROUND_ONCE:
        return to_f32(v)
    if math.isfinite(v) and (v - err > 0 or v + err < 0):   # sign known
        lo, hi = to_f32(v - err), to_f32(v + err)
        if lo == hi:
            return lo if lo != 0 else math.copysign(0.0, v)
    return dec_to_f32(exact())


# --- double evaluation -----------------------------------------------------------
def softplus(t):                        # log(1 + e^t), no overflow or cancellation
    return t + math.log1p(math.exp(-t)) if t > 0 else math.log1p(math.exp(t))


def sigmoid(t):                         # 1/(1 + e^-t), accurate in both tails
    if t >= 0:
        return 1.0 / (1.0 + math.exp(-t))
    e = math.exp(t)
    return e / (1.0 + e)


# --- the same in decimal, 60 digits --------------------------------------------
def d_log1p(x):                         # log(1 + x) for small x too
    if abs(x) < D("1e-20"):
        return CTX.subtract(x, CTX.multiply(x, x) / 2)
    return CTX.ln(CTX.add(1, x))


def d_softplus(t):
    if t > 0:
        return CTX.add(t, d_log1p(CTX.exp(-t)))
    return d_log1p(CTX.exp(t))


def d_sigmoid(t):
    if t >= 0:
        return CTX.divide(1, CTX.add(1, CTX.exp(-t)))
    e = CTX.exp(t)
    return CTX.divide(e, CTX.add(1, e))


E = 2.0 ** -45                          # relative error bound of the double path


def logits(z, y):
    if math.isinf(z):                   # exact limits; a zero coefficient is no term
        if z > 0:
            return (math.inf if y != 1 else 0.0), to_f32(1.0 - y)
        return (math.inf if y != 0 else 0.0), to_f32(-y) + 0.0   # +0, not -0
    # L = y softplus(-z) + (1-y) softplus(z);  dL/dz = (1-y) sigma(z) - y sigma(-z)
    a, b = y * softplus(-z), (1.0 - y) * softplus(z)
    p, q = (1.0 - y) * sigmoid(z), y * sigmoid(-z)
    zd, yd = D(z), D(y)
    loss = rounded(a + b, E * (a + b) + 2.0 ** -1070,
                   lambda: CTX.add(CTX.multiply(yd, d_softplus(-zd)),
                                   CTX.multiply(1 - yd, d_softplus(zd))))
    grad = rounded(p - q, E * (p + q) + 2.0 ** -1070,
                   lambda: CTX.subtract(CTX.multiply(1 - yd, d_sigmoid(zd)),
                                        CTX.multiply(yd, d_sigmoid(-zd))))
    return loss, grad


def probs(p, y):
    # L = -y log p - (1-y) log1p(-p);  dL/dp = -y/p + (1-y)/(1-p);
    # a zero coefficient is no term (p = 0 or 1 give the exact limits)
    if p in (0.0, 1.0):
        loss = (y * math.inf if p == 0 and y != 0 else 0.0) + \
               ((1 - y) * math.inf if p == 1 and y != 1 else 0.0)
        grad = (-math.inf if p == 0 and y != 0 else -y / p if y != 0 else 0.0) + \
               (math.inf if p == 1 and y != 1 else (1 - y) / (1 - p) if y != 1 else 0.0)
        return to_f32(loss), to_f32(grad)
    a, b = -y * math.log(p), -(1.0 - y) * math.log1p(-p)
    g = (p - y) / (p * (1.0 - p))       # p - y: one rounding, no cancellation error
    pd, yd = D(p), D(y)
    loss = rounded(a + b, E * (a + b) + 2.0 ** -1070,
                   lambda: CTX.subtract(CTX.minus(CTX.multiply(yd, CTX.ln(pd))),
                                        CTX.multiply(1 - yd, CTX.ln(EXACT.subtract(1, pd)))))
    grad = rounded(g, E * abs(g),
                   lambda: CTX.divide(EXACT.subtract(pd, yd),
                                      EXACT.multiply(pd, EXACT.subtract(1, pd))))
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
                           for v in (x, y, loss, grad)))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: port.py VECTORS.csv > RESULTS.csv")
    main(sys.argv[1])

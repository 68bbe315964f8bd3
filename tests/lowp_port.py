#!/usr/bin/env python3
"""lowp_port.py MODE -- a 16-bit BCE port for `bce check --type bf16|f16`
(the batch protocol: header, "x y" lines as hex floats, one "loss grad"
answer per line).  Python's standard library only; which operations round
where, for each MODE:

  cast    the textbook loss and gradient in double, written stably
          (max(z,0) - z y + log1p(e), e = exp(-|z|); grad (1-y) - e/(1+e)
          for z >= 0, e/(1+e) - y below: 1 - y is exact);
          probs: -(y log p + (1-y) log1p(-p)), (p - y)/(p (1 - p))), rounded
          to binary32, then -- for out_type bf16/f16 -- rounded again to the
          16-bit type: RN16(RN32(x)), what a port computing in f32 and
          casting its result at the end returns (and PyTorch autocast, whose
          BCEWithLogits runs in f32, when its f32 output is cast back).
  optax   every operation rounded to the input's 16-bit type (optax's
          sigmoid_binary_cross_entropy computes in the input dtype):
          log_sigmoid(x) = RN(min(x,0) - RN(log1p(RN(exp(-|x|))))),
          loss = RN(RN(-y log_p) - RN(RN(1-y) log_not_p)),
          grad = RN(RN(1/RN(1+RN(exp(-z)))) - y).  Logits form only.

The 16-bit rounding is by hand (round half even on the exact scaled value,
subnormals, overflow to inf).  Values are read with float.fromhex and
written with float.hex.
"""
import math
import struct
import sys

mode = sys.argv[1] if len(sys.argv) > 1 else "cast"
head = sys.stdin.readline().split()
kv = dict(t.split("=", 1) for t in head[3:])
T, OUT, FORM = kv["type"], kv.get("out_type", "f32"), kv["form"]
P, EMIN, EMAX = (8, -126, 127) if T == "bf16" else (11, -14, 15)
# default options only: say so rather than answer another loss
if (float.fromhex(kv.get("pos_weight", "0x1p+0")) != 1 or float.fromhex(kv.get("label_smoothing", "0x0p+0")) != 0
        or kv.get("clamp", "0") != "0" or kv.get("weights", "0") != "0" or kv.get("reduction", "none") != "none"):
    sys.exit("lowp_port.py: default options only (run bce check with --options default)")


def rn16(v):
    if v == 0 or math.isinf(v) or math.isnan(v):
        return v
    m, e = math.frexp(abs(v))
    q = max(e - 1, EMIN) - P + 1
    r = round(abs(v) / 2.0 ** q) * 2.0 ** q
    return math.copysign(math.inf if r >= 2.0 ** (EMAX + 1) else r, v)


def rn32(v):
    try:
        return struct.unpack("f", struct.pack("f", v))[0]
    except OverflowError:
        return math.copysign(math.inf, v)


def textbook(x, y):
    if FORM == "logits":
        if math.isinf(x):
            loss = (1 - y) * x if x > 0 else -y * x
            if (x > 0 and y == 1) or (x < 0 and y == 0):
                loss = 0.0
            return loss, (1.0 - y if x > 0 else -y)
        e = math.exp(-abs(x))
        loss = max(x, 0) - x * y + math.log1p(e)
        s = e / (1 + e)                          # sigmoid(-|z|), no cancellation
        return loss, ((1 - y) - s if x >= 0 else s - y)
    lp = -math.log(x) if x > 0 else math.inf
    l1 = -math.log1p(-x) if x < 1 else math.inf
    loss = (y * lp if y else 0.0) + ((1 - y) * l1 if y != 1 else 0.0)
    if x == y:
        return loss, 0.0
    d = x * (1 - x)
    return loss, ((x - y) / d if d else math.copysign(math.inf, x - y))


def optax(x, y):
    R = rn16

    def log_sigmoid(v):
        return R(min(v, 0.0) - R(math.log1p(R(math.exp(-abs(v))))))
    lp, lnp = log_sigmoid(x), log_sigmoid(-x)
    loss = R(R(-y * lp) - R(R(1 - y) * lnp))
    e = R(math.exp(-x)) if x > -700 else math.inf
    g = R(R(1 / R(1 + e)) - y)
    return loss, g


out = []
for line in sys.stdin:
    f = line.split()
    if not f or f[0].startswith("#"):
        continue
    x, y = float.fromhex(f[0]), float.fromhex(f[1])
    if mode == "optax":
        L, G = optax(x, y)
        if OUT == "f32":
            L, G = rn32(L), rn32(G)
    else:
        L, G = (rn32(v) for v in textbook(x, y))
        if OUT != "f32":
            L, G = rn16(L), rn16(G)
    out.append("%s %s" % (L.hex() if math.isfinite(L) else repr(L), G.hex() if math.isfinite(G) else repr(G)))
sys.stdout.write("\n".join(out) + ("\n" if out else ""))

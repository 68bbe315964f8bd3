# l0_quot.g -- level 0's quotient num/D (src/level0/logits_tmpl.h):
#   s0 = e/D in logits_l0_b and the hard-label gradient's num/D, num = e or
#   1, in logits_l0_bh:
#     inv = RN(1/Dh), q = RN(num inv), r = RN(num - q Dh) (FMA),
#     t = RN(r + numl), r2 = RN(t - q Dl) (FMA), sl = RN(r2 inv)
# PROVES |q + sl - Q| <= 2^-100 Q, Q = (num + numl)/(Dh + Dl), for Dh in
#   [1, 2], |Dl| <= 2^-52, num in [1, 2], |numl| <= 2^-52.  Every step is
#   homogeneous in (num, numl): num = eh 2^-k (k <= 867, eh >= 2^-866 in
#   the hot lanes) scales every value by 2^-k exactly while they stay
#   normal (the smallest, sl and r2, >= 2^-920), so the bound holds for
#   num = eh, numl = el (|el| <= 2^-53 eh) and for num = 1, numl = 0.
# Then (l0_quot_combine.g) with eh + el = e (1 + ee), |ee| <= EPS_E = 2^-67
#   (exp_lean, budget by hand: level0/elem_tmpl.h) and Dh + Dl = 1 + eh +
#   el + dd, |dd| <= 2^-105 (Fast2Sum exact, BceEFT.v; RN(dlo + el)):
#   with w = e/(1 + e) in [0, 1/2] and eq = (q + sl - Q)/Q,
#   C = 1: (q + sl)/(1/(1 + e)) = S1 = (1 + eq)/(1 + w ee + dd'),
#   C = 0: (q + sl)/s0 = S0 = (1 + ee)(1 + eq)/(1 + w ee + dd'),
#   dd' = dd/(1 + e), |dd'| <= 2^-105; |S - 1| <= 0x1.1p-67 for both, so
#   Gef = 0x1.2p-67 q (q >= (q + sl)(1 - 2^-51)) bounds the error.
@rnd = float<ieee_64, ne>;
Dh = rnd(Dh_);
Dl = rnd(Dl_);
num = rnd(num_);
numl = rnd(numl_);
inv = rnd(1 / Dh);
q = rnd(num * inv);
r = rnd(num - q * Dh);
t = rnd(r + numl);
r2 = rnd(t - q * Dl);
sl = rnd(r2 * inv);
D = Dh + Dl;
N = num + numl;
Q = N / D;
R = N - q * D;
E = q + sl - Q;
{ Dh in [1, 2] /\ Dl in [-1b-52, 1b-52] /\ num in [1, 2] /\ numl in [-1b-52, 1b-52]
  -> |E / Q| <= 1b-100 }
E -> (sl - r2 * inv) + (r2 - R) * inv + R * (inv - 1 / D) { D <> 0 };
r2 - R -> (r2 - (t - q * Dl)) + (t - (r + numl)) + (r - (num - q * Dh));
R -> D * (Q - q) { D <> 0 };
Q - q -> (num * Dl - numl * Dh) / (Dh * D) * (-1) + num * (1 / Dh - inv) + (num * inv - q) { Dh <> 0, D <> 0 };
inv - 1 / D -> (inv - 1 / Dh) + Dl / (Dh * D) { Dh <> 0, D <> 0 };

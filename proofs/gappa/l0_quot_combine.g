# l0_quot_combine.g -- level 0's quotient num/D with the exponential's
# error (src/level0/logits_tmpl.h: s0 in logits_l0_b, the hard-label
# gradient num/D in logits_l0_bh), the step after l0_quot.g:
#   eh + el = e (1 + ee), |ee| <= EPS_E = 2^-67 (exp_lean, level0/elem_tmpl.h,
#   budget by hand), Dh + Dl = 1 + eh + el + dd, |dd| <= 2^-105 (Fast2Sum
#   exact, BceEFT.v; one rounding of dlo + el), q + sl = Q (1 + eq),
#   |eq| <= 2^-100 (l0_quot.g); w = e/(1 + e) in [0, 1/2]:
#   C = 1 (num = 1): (q + sl)(1 + e) = S1 = (1 + eq)/(1 + w ee + dd'),
#   C = 0 (num = e): (q + sl)/s0   = S0 = (1 + ee)(1 + eq)/(1 + w ee + dd'),
#   dd' = dd/(1 + e), |dd'| <= 2^-105.
# PROVES |S1 - 1| <= 0x1.1p-67 and |S0 - 1| <= 0x1.1p-67, so Gef = 0x1.2p-67 q
#   bounds |q + sl - |g|| (q >= (q + sl)(1 - 2^-51))
S1 = (1 + eq) / (1 + w * ee + dd);
S0 = (1 + ee) * (1 + eq) / (1 + w * ee + dd);
{ w in [0, 0.5] /\ |ee| <= 1b-67 /\ |eq| <= 1b-100 /\ |dd| <= 1b-105
  -> |S1 - 1| <= 0x1.1p-67 /\ |S0 - 1| <= 0x1.1p-67 }
S1 - 1 -> (eq - w * ee - dd) / (1 + w * ee + dd) { 1 + w * ee + dd <> 0 };
S0 - 1 -> (ee + eq + ee * eq - w * ee - dd) / (1 + w * ee + dd) { 1 + w * ee + dd <> 0 };

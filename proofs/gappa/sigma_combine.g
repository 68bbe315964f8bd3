# sigma_combine.g -- sigma(-|z|) and the hard-label gradient in
# bce_el_logits_normal (src/level1/logits_hot_tmpl.h):
#   d = two_sum(1, e.hi)                          exact (BceEFT.v)
#   D = fast_two_sum(d.hi, d.lo + e.lo)           D = (1 + e^)(1 + dD), |dD| <= 2^-105
#   s0 = dd_div(e, D)                             s0 = (e^/D)(1 + dq)
#   g = dd_sub(s0, C), C in {0, 1} (hard labels)  g^ = (s0 - C)(1 + ds)
# PROVES |s0 - s| <= 2^-66.9 s (BCE_EPS_SIG = 2^-64 is attached) and, for
#   hard labels, |g^ - g| <= 2^-66.9 |g|
# Inputs: e^ = e(1 + ee), |ee| <= 2^-67 (exp_scaled.g, proven);
#   dq <= 12.5u^2 = 0x1.9p-103 (gappa/dd_div.g, proven for e >= 2^-900 as
#   here: D in [1, 2]; the hypothesis below takes 2^-102) and
#   ds <= 3u^2/(1-4u) <= 2^-104.4 (AccurateDWPlusDW, Joldes-Muller-Popescu
#   2017): cited, not machine-checked.
# s = e/(1 + e) with e = e^-|z| in (0, 1]; w = e/(1 + e) = s in (0, 1/2].
@rnd = float<ieee_64, ne>;

# s^/s = (1 + ee)(1 + e)/(1 + e(1 + ee)) (1 + dq)/(1 + dD), and
# (1 + e)/(1 + e + e ee) = 1/(1 + w ee)
S = (1 + ee) / (1 + w * ee) * (1 + dq) / (1 + dD);   # s0 / s
# hard labels, C = 1 (z <= 0, y = 1 up to sign; z > 0, y = 0 is the same
# by L(z, y) = L(-z, 1 - y)): g = s - 1, |g| = 1 - s >= 1/2 >= s
G1 = ((w * S - 1) * (1 + ds) - (w - 1)) / (1 - w);   # (g^ - g)/|g| (sign aside)

{ w in [0, 0.5] /\ |ee| <= 1b-67 /\ |dq| <= 1b-102 /\ |dD| <= 1b-105
  /\ |ds| <= 1b-104
  -> |S - 1| <= 0x1.1p-67 /\ |G1| <= 0x1.1p-67 }

G1 -> (w * (S - 1) + (w * S - 1) * ds) / (1 - w) { 1 - w <> 0 };
S - 1 -> (ee * (1 - w) + dq + ee * dq - dD * (1 + w * ee)) / ((1 + w * ee) * (1 + dD)) { 1 + w * ee <> 0, 1 + dD <> 0 };

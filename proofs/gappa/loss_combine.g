# loss_combine.g -- the final combination of the logits loss in
# bce_el_logits_normal (src/level1/logits_hot_tmpl.h), exact labels:
#   lg = ln3(d.hi, d.lo, e.lo)      log1p(e), e = e^-|z| from exp_scaled
#   a  = dd_mul_d(C, az)            C |z|, C = beta (z > 0) or alpha
#   Lv = dd_add(a, lg)              two non-negative terms
# PROVES |Lv - L| <= 2^-63 L  (BCE_EPS_LOSS = 2^-62 is attached)
# Inputs (relative errors of each term; this script composes them):
#   e:  |e^ - e| <= 2^-67 e (exp_scaled.g), so log1p(e^) = log1p(e)(1 + t),
#       |t| <= 2^-67 (|log1p(e(1+s)) - log1p(e)| <= e|s|/(1+e) <= |s| log1p(e))
#   ln3: 2^-65 relative (ln3_near1.g; ln3_far.g for k != 0; k = 0, c != 1
#       rests on the written budget 2^-64: README "not machine-checked")
#   dd_mul_d: 2u^2 = 2^-105 (DWTimesFP3), dd_add: 3u^2/(1-4u) <= 2^-104.4
#       (AccurateDWPlusDW): Joldes, Muller, Popescu, ACM TOMS 2017 -- cited,
#       not machine-checked here.
# L = A + G with A = C|z| >= 0, G = log1p(e) > 0; w = A / L in [0, 1].
@rnd = float<ieee_64, ne>;

Ah = w * (1 + ea);                  # a / L
Gh = (1 - w) * (1 + et) * (1 + el); # lg / L
R = (Ah + Gh) * (1 + ed);           # Lv / L

{ w in [0, 1] /\ |ea| <= 1b-105 /\ |et| <= 1b-67 /\ |el| <= 1b-64
  /\ |ed| <= 1b-104
  -> |R - 1| <= 1b-63 }

R - 1 -> (w * ea + (1 - w) * (et + el + et * el)) + (w * ea + (1 - w) * (et + el + et * el)) * ed + ed;

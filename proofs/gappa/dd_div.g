# dd_div.g -- the relative error of DD_FN(dd_div) (src/core/dd_tmpl.h), the
# same statements on every ISA (scalar bce_dd_div, the SIMD EL_DDFN(dd_div)):
#   q1 = RN(ah / bh)
#   p  = dd_mul_d(b, q1):  (chi, clo) = two_prod(bh, q1)         exact
#                          bq  = RN(bl q1); cl3 = RN(clo + bq)
#                          (phi, plo) = fast_two_sum(chi, cl3)    exact
#   r  = dd_sub(a, p) = dd_add(a, (-phi, -plo)):
#                          (shi, slo) = two_sum(ah, -phi)         exact, and
#                             shi = ah - phi, slo = 0 (Sterbenz: goal 2)
#                          (thi, tlo) = two_sum(al, -plo)         exact
#                          c = RN(slo + thi) = thi
#                          (vhi, vlo) = fast_two_sum(shi, c)      exact (*)
#                          w = RN(tlo + vlo)
#                          rhi = RN(vhi + w)   (fast_two_sum; its low part
#                             is not used by dd_div)
#   q2 = RN(rhi / bh);  result fast_two_sum(q1, q2) = q1 + q2 exactly
#                          (|q2| <= |q1|: goal 3; |cl3| <= |chi|: goal 5)
# PROVES |(q1 + q2) - a/b| <= 12.5 u^2 |a/b| = 0x1.9p-103 |a/b|, u = 2^-53
#   (relative to the returned value: < 13u^2; the 15u^2 the callers quote,
#   from Joldes-Muller-Popescu's DWDivDW2, holds a fortiori)
# Hypotheses: a = ah + al, b = bh + bl normalised (|al| <= u|ah|, |bl| <=
#   u|bh|: every double-double the library builds is the output of an exact
#   two_sum/fast_two_sum or (x, 0)); ah, bh != 0; |ah| >= 2^-964 and
#   |ah / bh| >= 2^-964 (no product error below 2^-969, and the underflow
#   terms h below are <= 2^-110); no overflow (|ah| <= 2^1021 and, without
#   FMA, |bh|, |q1| <= 2^995 for the Veltkamp split).  Round to nearest even,
#   gradual underflow (no FTZ/DAZ).
# Model: by symmetry (RN(-x) = -RN(x)) ah, bh > 0, and multiplying a by 2^s
#   and b by 2^t scales every statement by 2^s (the a-side: p, r) or 2^(s-t)
#   (q1, q2), so ah, bh in [1, 2).  Each rounded operation is written
#   RN(x) = x (1 + d) + h, |d| <= u (normal result) and |h| <= 2^-1075
#   scaled, <= 2^-1074 / |ah| or 2^-1074 / |ah/bh| <= 2^-110 under the
#   hypotheses (subnormal result): a superset of what RN does, so no step
#   depends on the format beyond the exactness facts above.
# Exactness (proofs/coq/BceEFT.v): two_sum, fast_two_sum (|b| <= |a|),
#   two_prod (FMA and Dekker, the same pair), Sterbenz.  (*) fast_two_sum(shi,
#   c) may have |c| > |shi| (cancellation in ah - phi): it is exact by
#   fast_two_sum_exact_exp (a, b multiples of 2^f >= 2^-1074, |b| < 2^(f+53))
#   with f the exponent of ulp(c): shi = ah - phi is a multiple of the
#   smaller ulp of ah and phi, >= ulp(ah)/2 (phi >= ah/2, goal 2), while
#   |c| <= 2^-50 |ah| (goal 4) makes ulp(c) <= 2^-102 |ah| or 2^-1074.
# The error, q1 + q2 - a/b = q2 - R/b with R = a - b q1, rho = R/a (|rho| <=
#   3u + O(u^2)): E = rho ((1+d9)(1+d10)(1+bl/bh) - 1) + (the rounding of
#   cl3, bq, w)/a + underflow terms, about 9u^2 + 3u^2.
al = ah * al_r;
bl = bh * bl_r;
A = ah + al;
B = bh + bl;
Q = A / B;
q1 = ah / bh * (1 + d1) + h1;
chi = bh * q1 * (1 + d2) + h2;
clo = bh * q1 - chi;
bq = bl * q1 * (1 + d3) + h3;
cl3 = (clo + bq) * (1 + d4) + h4;
P = chi + cl3;
phi = P * (1 + d5) + h5;
plo = P - phi;
shi = ah - phi;
thi = (al - plo) * (1 + d6) + h6;
tlo = al - plo - thi;
V = shi + thi;
vhi = V * (1 + d7) + h7;
vlo = V - vhi;
w = (tlo + vlo) * (1 + d8) + h8;
Rr = vhi + w;
rhi = Rr * (1 + d9) + h9;
q2 = rhi / bh * (1 + d10) + h10;
S = q1 + q2;

R = A - B * q1;
rho = R / A;
K1 = bh * q1 / A;
e3n = (bq - bl * q1) / A;
e4n = (cl3 - (clo + bq)) / A;
ewn = (w - (tlo + vlo)) / A;
PA = P / A;
tlon = tlo / A;
vlon = vlo / A;
RrA = Rr / A;
E = (S - Q) / Q;

{ ah in [1, 2] /\ bh in [1, 2] /\ |al_r| <= 1b-53 /\ |bl_r| <= 1b-53
  /\ |d1| <= 1b-53 /\ |d2| <= 1b-53 /\ |d3| <= 1b-53 /\ |d4| <= 1b-53
  /\ |d5| <= 1b-53 /\ |d6| <= 1b-53 /\ |d7| <= 1b-53 /\ |d8| <= 1b-53
  /\ |d9| <= 1b-53 /\ |d10| <= 1b-53
  /\ |h1| <= 1b-110 /\ |h2| <= 1b-110 /\ |h3| <= 1b-110 /\ |h4| <= 1b-110
  /\ |h5| <= 1b-110 /\ |h6| <= 1b-110 /\ |h7| <= 1b-110 /\ |h8| <= 1b-110
  /\ |h9| <= 1b-110 /\ |h10| <= 1b-110
  -> |E| <= 0x1.9p-103
  /\ phi / ah in [0.5, 2]
  /\ q1 >= 0.49 /\ |q2| <= 1b-48
  /\ |thi| <= 1b-50
  /\ chi >= 0.49 /\ |cl3| <= 1b-49 }

rho -> (al_r - bl_r - d1 - bl_r * d1) / (1 + al_r) - B * h1 / A { A <> 0, 1 + al_r <> 0, bh <> 0 };
K1 -> (1 + d1) / (1 + al_r) + bh * h1 / A { A <> 0, 1 + al_r <> 0, bh <> 0 };
e3n -> bl_r * K1 * d3 + h3 / A { A <> 0 };
e4n -> (K1 * (bl_r * (1 + d3) - d2) + (h3 - h2) / A) * d4 + h4 / A { A <> 0 };
PA -> 1 - rho + e3n + e4n { A <> 0 };
tlon -> -(al_r / (1 + al_r) + PA * d5 + h5 / A) * d6 - h6 / A { A <> 0, 1 + al_r <> 0 };
vlon -> -(rho - e3n - e4n - tlon) * d7 - h7 / A { A <> 0 };
ewn -> (tlon + vlon) * d8 + h8 / A { A <> 0 };
E -> rho * ((1 + d9) * (1 + d10) * (1 + bl_r) - 1) + (ewn - e3n - e4n) * ((1 + d9) * (1 + d10) * (1 + bl_r)) + (h9 / A) * (1 + d10) * (1 + bl_r) + h10 * B / A { A <> 0, B <> 0, Q <> 0, bh <> 0 };
RrA -> rho + ewn - e3n - e4n { A <> 0 };
q2 -> (RrA * A * (1 + d9) + h9) / bh * (1 + d10) + h10 { A <> 0, bh <> 0 };
cl3 -> (K1 * (bl_r * (1 + d3) - d2) * A + h3 - h2) * (1 + d4) + h4 { A <> 0 };
thi -> (al_r / (1 + al_r) + PA * d5 + h5 / A) * A * (1 + d6) + h6 { A <> 0, 1 + al_r <> 0 };
phi / ah -> PA * (1 + d5) * (1 + al_r) + h5 / ah { A <> 0, ah <> 0 };

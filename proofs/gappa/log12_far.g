# log12_far.g -- log_12 (src/level0/elem_tmpl.h, the logits' log(1 + e)),
# every statement, for the table rows i >= 1 (c != 1, D in [1 + 2^-8, 2]):
# log(Dh + Dl + Du) = -log c + log1p(r), r = c D - 1, no exponent k.
# PROVES |log_12 - log D + W| <= 2^-75 (absolute), W = rl rh^2/(1 + rh), the
#   one term of log1p(rh + rl) the code drops that scales with Du rather
#   than with the roundings (also the reduction |rh + rl - r| <= 2^-100,
#   the polynomial part's 2^-76 and the final sum's 2^-77).
# By hand from there (level0/elem_tmpl.h, log_12): |rl| <= 2^-62 + |Du|
#   (1 + 2^-52) with |Du| <= 2^-53 e at every call (Du = el, the Fast2Sum
#   low part of e = D - 1), |rh| <= 2^-8 (1 + 2^-40): |W| <= 2^-78 +
#   1.01 2^-69 e; log D >= max(2^-8.01, e ln 2) on these rows, so
#   |log_12 - log D| <= (2^-75 + 2^-78) / 2^-8.01 + 1.01 2^-69 / ln 2
#                    <= (2^-66.82 + 2^-68.45) |log D| <= 2^-66.4 |log D|.
# Row 0 (c = 1, t0 = t1 = 0, D < 1 + 2^-8): every error is relative to
#   r ~ log D (by hand at log_12, as log_1to2's near-1 case).
# Inputs: Dh in [1, 2], |Dl| <= 2^-53 (the TwoSum error of 1 + eh; Dh = 2
# only for eh >= 1 - 2^-53), |Du| <= 2^-53.  Table facts
# (proofs/sollya/log1_data.sollya): c in [0.49, 1], |c Dh - 1| <= 2^-8,
# |t0| <= 0.7, |-log c - t0 - t1| <= 2^-106; the Fast2Sum t0 + hh is exact
# (|t0| >= 3 max |r| on these rows), so Clo below is its exact error.
# Conventions: exp_scaled.g (rnd = binary64 RN; an FMA rounds once).
@rnd = float<ieee_64, ne>;
C9 = rnd(1/9); C8 = rnd(-1/8); C7 = rnd(1/7); C6 = rnd(-1/6); C5 = rnd(1/5); C4 = rnd(-1/4); C3 = rnd(1/3);
c = rnd(c_); mh = rnd(mh_); ml = rnd(ml_); mu = rnd(mu_);
# ph = c Dh; pl = fma(c, Dh, -ph) exact; rh0 = ph - 1 exact (Sterbenz)
phi = rnd(c * mh); plo = c * mh - phi;
rh0 = phi - 1;
# rs = fma(c, Dl, pl); rh = rh0 + rs; rl = ((rh0 - rh) + rs) + c Du
t = rnd(plo + c * ml);
rh = rnd(rh0 + t); rlo = rh0 + t - rh;
rl = rnd(rlo + rnd(c * mu));
# q2h = rh rh, q2l exact; hh = fma(q2h, -1/2, rh); hl exact
q2hi = rnd(rh * rh); q2lo = rh * rh - q2hi;
hhi = rnd(rh - q2hi / 2); hlo = rh - q2hi / 2 - hhi;
# P by FMAs
P1 = rnd(rh * C9 + C8);
P2 = rnd(rh * P1 + C7);
P3 = rnd(rh * P2 + C6);
P4 = rnd(rh * P3 + C5);
P5 = rnd(rh * P4 + C4);
P6 = rnd(rh * P5 + C3);
# small = fma(q2h rh, P, fma(q2l, -1/2, fma(-rh, rl, rl)))
s1 = rnd(rl - rh * rl);
s2 = rnd(s1 - q2lo / 2);
q3 = rnd(q2hi * rh);
small = rnd(q3 * P6 + s2);
t0 = rnd(t0_); t1 = rnd(t1_);
# Ch = t0 + hh, Cl exact (Fast2Sum); lo = Cl + ((hl + small) + t1)
Chi = rnd(t0 + hhi); Clo = t0 + hhi - Chi;
lo = rnd(Clo + rnd(rnd(hlo + small) + t1));
res = Chi + lo;

# ---- the exact values ----
R = c * (mh + ml + mu) - 1;
E1 = rh * C9 + C8; E2 = rh * E1 + C7; E3 = rh * E2 + C6; E4 = rh * E3 + C5; E5 = rh * E4 + C4;
Pe = rh * E5 + C3;
Prh = rh - rh * rh / 2 + rh * rh * rh * Pe;
Lp = L1p + U;
Lx = T + Lp;
Mp = Prh + rl - rh * rl;
# the one term the absolute bound cannot make relative (by hand, below)
W = rl * rh * rh / (1 + rh);

{ c in [0.49, 1] /\ mh in [1, 2] /\ c * mh - 1 in [-1b-8, 1b-8]
  /\ |ml| <= 1b-53 /\ |mu| <= 1b-53
  /\ t0 in [-0.7, 0.7] /\ |t1| <= 1b-54
  /\ T - (t0 + t1) in [-1b-106, 1b-106]
  # |log1p(rh) - Prh| <= 2^-79.4 (log_poly.sollya, |rh| <= 2^-8 (1 + 2^-40))
  /\ L1p - Prh in [-1b-79, 1b-79]
  # |log1p(u) - u| <= u^2 <= 2^-100 for |u| <= 2^-50
  /\ U - (R - rh) / (1 + rh) in [-1b-100, 1b-100]
  -> |rh + rl - R| <= 1b-100 /\ |hhi + hlo + small - Mp| <= 1b-76 /\ |res - (t0 + hhi + hlo + small + t1)| <= 1b-77
     /\ |Mp - Lp + W| <= 1b-78 /\ |res - Lx + W| <= 1b-75 }

# hints (Gappa checks each identity)
rh0 + t -> R - c * mu + (t - (plo + c * ml));
rh + rl - R -> (t - (plo + c * ml)) + (rl - (rlo + c * mu));
hhi + hlo + small - Mp -> (small - (q3 * P6 + s2)) + (q3 - q2hi * rh) * P6 + (q2hi - rh * rh) * rh * P6 + rh * rh * rh * (P6 - Pe) + (s2 - (s1 - q2lo / 2)) + (s1 - (rl - rh * rl));
Mp - Lp -> (0 - (L1p - Prh)) - rl * rh * rh / (1 + rh) + (rh + rl - R) / (1 + rh) - (U - (R - rh) / (1 + rh)) { 1 + rh <> 0 };
res - Lx + W -> (lo - (Clo + (hlo + small + t1))) + (hhi + hlo + small - Mp) + (Mp - Lp + W) + (t0 + t1 - T) { 1 + rh <> 0 };
Mp - Lp + W -> (0 - (L1p - Prh)) + (rh + rl - R) / (1 + rh) - (U - (R - rh) / (1 + rh)) { 1 + rh <> 0 };
res - (t0 + hhi + hlo + small + t1) -> lo - (Clo + (hlo + small + t1));
P1 - E1 -> P1 - (rh * C9 + C8);
P2 - E2 -> (P2 - (rh * P1 + C7)) + rh * (P1 - E1);
P3 - E3 -> (P3 - (rh * P2 + C6)) + rh * (P2 - E2);
P4 - E4 -> (P4 - (rh * P3 + C5)) + rh * (P3 - E3);
P5 - E5 -> (P5 - (rh * P4 + C4)) + rh * (P4 - E4);
P6 - Pe -> (P6 - (rh * P5 + C3)) + rh * (P5 - E5);

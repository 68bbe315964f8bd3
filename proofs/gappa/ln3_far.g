# ln3_far.g -- bce_el_ln3 (src/level1/elem_tmpl.h), every statement, for any
# table index i and exponent k: log(xh + xl + xu) = k ln2 - log c + log1p(r).
# PROVES |ln3 - log x| <= 2^-68 (absolute), hence
#   |ln3 - log x| <= 2^-66.3 |log x| when k != 0 (|log x| >= 0.318:
#   log_data.sollya certifies the minimum),
#   the near-1 intervals (c = 1, k = 0): ln3_near1.g (relative 2^-65).
# NOT machine-checked: k = 0 with c != 1 (x in [0.6875, 1 - 2^-9) or
#   [1 + 2^-8, 1.375)), where |log x| >= 2^-9.01 and this absolute bound
#   gives only 2^-59 relative; the 2^-64 budget there rests on |xu| <=
#   2^-53 |x - 1| at every call (the dropped rl rh^2 term scales with |x - 1|);
#   a Gappa proof with that hypothesis and a bisection on m did not finish
#   in the time given (README).
# Inputs as scaled by the C code (m = x 2^-k, exact): mh in [0.6875, 1.375],
# |ml|, |mu| <= 2^-53 (the kernels' calls: ml = d.lo or omp.lo, mu = e.lo).
# Conventions: exp_scaled.g.
@rnd = float<ieee_64, ne>;
# Horner coefficients (log_poly.sollya) and ln2 = L2H + L2M + l (log_data.sollya)
C9 = rnd(1/9); C8 = rnd(-1/8); C7 = rnd(1/7); C6 = rnd(-1/6); C5 = rnd(1/5); C4 = rnd(-1/4); C3 = rnd(1/3);
L2H = 0x1.62e42fefa38p-1;
L2M = 0x1.ef35793c7673p-45;
# c = bce_log_c[i]; mh, ml, mu = xh, xl, xu times 2^-k (exact)
c = rnd(c_); mh = rnd(mh_); ml = rnd(ml_); mu = rnd(mu_);
# kd = k + kadj, an integer (|k| <= 1074 + 200)
kd = int<ne>(kd_);
# p = two_prod(c, mh); rh0 = p.hi - 1.0 (exact: Sterbenz, p.hi in [1-2^-8, 1+2^-8])
phi = rnd(c * mh); plo = c * mh - phi;
rh0 = phi - 1;
# r = two_sum(rh0, p.lo + c * ml); rh = r.hi; rl = r.lo + c * mu
t = rnd(plo + rnd(c * ml));
rh = rnd(rh0 + t); rlo = rh0 + t - rh;
rl = rnd(rlo + rnd(c * mu));
# q2 = two_prod(rh, rh); h = two_sum(rh, -0.5 * q2.hi)
q2hi = rnd(rh * rh); q2lo = rh * rh - q2hi;
hhi = rnd(rh - q2hi / 2); hlo = rh - q2hi / 2 - hhi;
# P = -1/8 + rh/9; ... P = 1/3 + rh P
P1 = rnd(C8 + rnd(rh * C9));
P2 = rnd(C7 + rnd(rh * P1));
P3 = rnd(C6 + rnd(rh * P2));
P4 = rnd(C5 + rnd(rh * P3));
P5 = rnd(C4 + rnd(rh * P4));
P6 = rnd(C3 + rnd(rh * P5));
# small = (q2.hi * rh) * P - rh * rl - 0.5 * q2.lo + rl; lo1 = h.lo + small
small = rnd(rnd(rnd(rnd(rnd(q2hi * rh) * P6) - rnd(rh * rl)) - rnd(q2lo / 2)) + rl);
lo1 = rnd(hlo + small);
# t0, t1 = bce_log_tab[i][0..1] (-log c = t0 + t1 + t2)
t0 = rnd(t0_); t1 = rnd(t1_);
# A = kd * bce_ln2[0] (exact: 42 + 11 bits); B = two_sum(A, t0); C = two_sum(B.hi, h.hi)
A = kd * L2H;
Bhi = rnd(A + t0); Blo = A + t0 - Bhi;
Chi = rnd(Bhi + hhi); Clo = Bhi + hhi - Chi;
# lo = B.lo + C.lo + (lo1 + (t1 + kd * bce_ln2[1])); return fast_two_sum(C.hi, lo)
lo = rnd(rnd(Blo + Clo) + rnd(lo1 + rnd(t1 + rnd(kd * L2M))));
res = Chi + lo;

# ---- the exact values ----
# r = c m - 1; log x = kd ln2 + T + log1p(r), T = -log c
R = c * (mh + ml + mu) - 1;
Pe = C3 + rh * (C4 + rh * (C5 + rh * (C6 + rh * (C7 + rh * (C8 + rh * C9)))));
Prh = rh - rh * rh / 2 + rh * rh * rh * Pe;
# log1p(R) = log1p(rh) + U, U = log1p((R - rh)/(1 + rh)), |R - rh| <= 2^-51
Lp = L1p + U;
Lx = kd * LN2 + T + Lp;
Mp = Prh + rl - rh * rl;

# |c mh - 1| <= 2^-8: log_data.sollya
{ c in [0.72, 1.46] /\ mh in [0.6875, 1.375] /\ c * mh - 1 in [-1b-8, 1b-8]
  /\ |ml| <= 1b-53 /\ |mu| <= 1b-53 /\ kd in [-1274, 1024]
  /\ t0 in [-0.4, 0.4] /\ |t1| <= 1b-54
  # table and ln2 (log_data.sollya certifies both)
  /\ T - (t0 + t1) in [-1b-106, 1b-106] /\ LN2 - (L2H + L2M) in [-1b-102, 1b-102]
  # |log1p(rh) - Prh| <= 2^-71.48 |log1p(rh)| <= 2^-79.4 (log_poly.sollya)
  /\ L1p - Prh in [-1b-79, 1b-79]
  # |log1p(u) - u| <= u^2 <= 2^-100 for |u| <= 2^-50
  /\ U - (R - rh) / (1 + rh) in [-1b-100, 1b-100]
  -> |rh + rl - R| <= 1b-100 /\ |hhi + lo1 - Mp| <= 1b-75 /\ |Mp - Lp| <= 1b-68 /\ |lo - (Blo + Clo + (lo1 + (t1 + kd * L2M)))| <= 1b-77 /\ |res - Lx| <= 1b-68 }

# hints (Gappa checks each identity)
rh0 + t -> R - c * mu + (t - (plo + c * ml));
rh + rl - R -> (t - (plo + c * ml)) + (rl - (rlo + c * mu));
hhi + lo1 - Mp -> (lo1 - (hlo + small)) + (small - (rh * rh * rh * Pe - rh * rl - q2lo / 2 + rl));
Mp - Lp -> (0 - (L1p - Prh)) - rl * rh * rh / (1 + rh) + (rh + rl - R) / (1 + rh) - (U - (R - rh) / (1 + rh)) { 1 + rh <> 0 };
res - Lx -> (lo - (Blo + Clo + (lo1 + (t1 + kd * L2M)))) + (hhi + lo1 - Mp) + (Mp - Lp) + (t0 + t1 - T) + kd * (L2H + L2M - LN2);

# ATTEMPT, not run by the suite (see proofs/README.md, "What is not proven"):
# bce_dd_div(e, D) for sigma(-|z|) = e/(1+e), every statement of core/dd_tmpl.h.
# Gappa proves |Rr - (a - b q1)| <= 2^-100 |a| but does not close the
# relative bound of q1 + q2 against a/b within minutes.
@rnd = float<ieee_64, ne>;
ehi = rnd(ehi_); elo = ehi * del;
dhi = rnd(1 + ehi); dlo = 1 + ehi - dhi;
t = rnd(dlo + elo);
bhi = rnd(dhi + t); blo = dhi + t - bhi;
q1 = rnd(ehi / bhi);
chi = rnd(bhi * q1); clo = bhi * q1 - chi;
cl3 = rnd(clo + rnd(blo * q1));
phi = rnd(chi + cl3); plo = chi + cl3 - phi;
shi = rnd(ehi - phi); slo = ehi - phi - shi;
thi = rnd(elo - plo); tlo = elo - plo - thi;
cc = rnd(slo + thi);
vhi = rnd(shi + cc); vlo = shi + cc - vhi;
w = rnd(tlo + vlo);
rhi = rnd(vhi + w); rlo = vhi + w - rhi;
q2 = rnd(rhi / bhi);
s0 = q1 + q2;

a = ehi + elo;
P = chi + cl3;
Rr = vhi + w;
b = bhi + blo;
{ ehi in [1b-60, 1] /\ |del| <= 1b-53
  -> |(Rr - (a - b * q1)) / a| <= 1b-100 /\ |Rr / a| <= 1b-50 /\ |(s0 - a / b) / (a / b)| <= 1b-100 }

(s0 - a / b) / (a / b) -> (q2 - Rr / b) * (b / a) + (Rr - (a - b * q1)) / a { a <> 0, b <> 0 };
Rr - (a - b * q1) -> (cc - (slo + thi)) + (w - (tlo + vlo)) - (cl3 - (clo + blo * q1));
q2 - Rr / b -> (q2 - rhi / bhi) + (rhi / bhi - Rr / b) { bhi <> 0, b <> 0 };
Rr / a -> (Rr - (a - b * q1)) / a + (a - b * q1) / a { a <> 0 };
(a - b * q1) / a -> ((ehi / bhi - q1) / (ehi / bhi)) * (1 / (1 + del)) + del / (1 + del) - (blo / bhi) * (q1 / (ehi / bhi)) / (1 + del) { a <> 0, bhi <> 0, ehi <> 0, 1 + del <> 0 };
q1 / (ehi / bhi) -> 1 + (q1 - ehi / bhi) / (ehi / bhi) { ehi <> 0, bhi <> 0 };
$ ehi in (1b-60, 1b-59, 1b-58, 1b-57, 1b-56, 1b-55, 1b-54, 1b-53, 1b-52, 1b-51, 1b-50, 1b-49, 1b-48, 1b-47, 1b-46, 1b-45, 1b-44, 1b-43, 1b-42, 1b-41, 1b-40, 1b-39, 1b-38, 1b-37, 1b-36, 1b-35, 1b-34, 1b-33, 1b-32, 1b-31, 1b-30, 1b-29, 1b-28, 1b-27, 1b-26, 1b-25, 1b-24, 1b-23, 1b-22, 1b-21, 1b-20, 1b-19, 1b-18, 1b-17, 1b-16, 1b-15, 1b-14, 1b-13, 1b-12, 1b-11, 1b-10, 1b-9, 1b-8, 1b-7, 1b-6, 1b-5, 1b-4, 1b-3, 1b-2, 1b-1);


/*
 * elem_f64.h -- the level-1 ("fast path") elementary functions of libbce, in
 * double-double, written once and shared by every scalar kernel.  The SIMD
 * kernels implement the same statements lane-wise, so they give the same bits.
 *
 * bce_exp_scaled(x, &E):  e^x = 2^E (hi + lo), x in [-1000, 0].
 *   Algorithm: k = round(x 128/ln2), r = x - k ln2/128 with ln2/128 = L1+L2+L3
 *   (k L1 exact: L1 has 35 bits, |k| < 2^18; x - k L1 exact by Sterbenz;
 *   k L2 by an exact product), so r = rh + rl to ~2^-100 absolute,
 *   |r| <= ln2/256 (1 + 2^-40).  e^r = 1 + rh + [rl + rh rl + rh^2 Q(rh)],
 *   Q = Taylor 1/2 + r/6 + ... + r^4/720 (truncation r^7/5040 < 2^-72).
 *   T = 2^(j/128) from bce_exp_tab (dd part), e = T e^r reconstructed with one
 *   exact product T.hi*rh.  Relative error budget (before scaling):
 *     truncation 2^-72, rounding of the bracket ~4 x 2^-71, table 2^-106
 *   => |hi+lo - e^x 2^-E| <= 2^-66 e^x 2^-E  (budget; measured: see
 *      tests/test_level1.c and docs/ACCURACY.md).
 *
 * bce_ln3(xh, xl, xu):  log(xh + xl + xu) for xh > 0 normal or subnormal,
 *   xl, xu tiny corrections (|xl| <= ulp(xh), |xu| <= |xl| or xh ~ 1).
 *   Algorithm: x = 2^k m, m in [0.6875, 1.375), 256 intervals; c = bce_log_c[i]
 *   (c = 1 on the two intervals next to 1, so x ~ 1 keeps full relative
 *   accuracy); r = c m - 1 computed exactly as a double-double (exact product,
 *   Sterbenz, TwoSum); |r| <= 2^-8.  log1p(r) = (rh - rh^2/2 exactly as a
 *   double-double) + [rl - rh rl + rh^3 P(rh)], P Taylor 1/3 - r/4 ... + r^6/9
 *   (truncation r^10/10 < 2^-80 relative to r).  log x = k ln2 + (-log c) +
 *   log1p(r), summed with exact TwoSums.
 *   Relative error budget: 2^-64 (measured: tests/test_level1.c).
 */
#ifndef BCE_ELEM_F64_H
#define BCE_ELEM_F64_H

#include "dd.h"
#include "tables.h"

/* Absolute-value thresholds on x = -|z| (reasons in the comments). */
#define BCE_EXP_XMIN (-1000.0) /* below: e^x < 2^-1442, negligible against any
                                  result >= 2^-1074 (callers use E = BCE_E_TINY) */
#define BCE_E_TINY (-100000)

static inline bce_dd bce_exp_scaled(double x, int *E)
{
    const double shift = 0x1.8p52;
    double kd = x * bce_exp_invln2n + shift;  /* round to nearest integer */
    kd -= shift;
    int64_t k = (int64_t)kd;
    /* r = x - kd ln2/128 */
    double r1 = x - kd * bce_exp_ln2n[0];            /* exact */
    bce_dd t2 = bce_two_prod(kd, bce_exp_ln2n[1]);   /* exact */
    bce_dd r = bce_two_sum(r1, -t2.hi);              /* exact */
    double rl = r.lo - t2.lo - kd * bce_exp_ln2n[2];
    bce_dd rr = bce_fast_two_sum(r.hi, rl);
    double rh = rr.hi;
    rl = rr.lo;
    /* e^r - 1 - rh = rl + rh rl + rh^2 Q(rh) */
    double q = 1.0 / 720;
    q = 1.0 / 120 + rh * q;
    q = 1.0 / 24 + rh * q;
    q = 1.0 / 6 + rh * q;
    q = 0.5 + rh * q;
    double plo = rl + (rh * rl + (rh * rh) * q);
    int j = (int)(k & 127);
    double th = bce_exp_tab[j][0], tm = bce_exp_tab[j][1];
    bce_dd a = bce_two_prod(th, rh);
    bce_dd s = bce_fast_two_sum(th, a.hi);
    double lo = s.lo + (a.lo + (th * plo + (tm + tm * (rh + plo))));
    *E = (int)(k >> 7);
    return bce_fast_two_sum(s.hi, lo);
}

static inline bce_dd bce_ln3(double xh, double xl, double xu)
{
    int kadj = 0;
    if (xh < 0x1p-1000) { /* subnormal or tiny: make it normal, exactly */
        xh *= 0x1p200; xl *= 0x1p200; xu *= 0x1p200; kadj = -200;
    }
    uint64_t ix = bce_asuint64(xh);
    uint64_t tmp = ix - BCE_LOG_OFF;
    int i = (int)((tmp >> 44) & (BCE_LOG_N - 1));
    int k = (int)((int64_t)tmp >> 52);
    double sc = bce_pow2i(-k);   /* |k| <= 1022: exact scaling */
    double mh = xh * sc, ml = xl * sc, mu = xu * sc;
    double c = bce_log_c[i];
    bce_dd p = bce_two_prod(c, mh);
    double rh0 = p.hi - 1.0;                          /* exact (Sterbenz) */
    bce_dd r = bce_two_sum(rh0, p.lo + c * ml);
    double rh = r.hi, rl = r.lo + c * mu;
    /* log1p(r): rh - rh^2/2 exactly, then the small rest */
    bce_dd q2 = bce_two_prod(rh, rh);
    bce_dd h = bce_two_sum(rh, -0.5 * q2.hi);
    double P = 1.0 / 9;
    P = -1.0 / 8 + rh * P;
    P = 1.0 / 7 + rh * P;
    P = -1.0 / 6 + rh * P;
    P = 1.0 / 5 + rh * P;
    P = -1.0 / 4 + rh * P;
    P = 1.0 / 3 + rh * P;
    double small = (q2.hi * rh) * P - rh * rl - 0.5 * q2.lo + rl;
    double lo1 = h.lo + small;
    /* k ln2 + (-log c) + log1p(r) */
    double kd = (double)(k + kadj);
    double A = kd * bce_ln2[0];                       /* exact: 42+11 bits */
    bce_dd B = bce_two_sum(A, bce_log_tab[i][0]);
    bce_dd C = bce_two_sum(B.hi, h.hi);
    double lo = B.lo + C.lo + (lo1 + (bce_log_tab[i][1] + kd * bce_ln2[1]));
    return bce_fast_two_sum(C.hi, lo);
}

#endif

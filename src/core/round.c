/* core/round.c -- one rounding of a scaled double-double (deep tails). */
#include "core/internal.h"

/* RN-even of (hi + lo) 2^-S to double, S >= 0, also for subnormal results:
 * the value is rounded at the subnormal quantum Q = 2^(S-1074) (in scaled
 * units) by adding 2^52 Q, and a tie of hi alone is broken by lo. */
double bce_round_scaled(bce_dd v, int S)
{
    if (S == 0) return v.hi;
    if (S < 0) { /* large values: hi = RN(hi + lo); scaling up is exact or overflows */
        double f = bce_pow2i(-S);
        return v.hi * f;
    }
    int s1 = S / 2, s2 = S - s1;
    double f1 = bce_pow2i(-s1), f2 = bce_pow2i(-s2);
    double a = v.hi < 0 ? -v.hi : v.hi;
    double l = v.hi < 0 ? -v.lo : v.lo;
    /* normal result: hi is already RN(hi + lo), scaling is exact */
    if (a * f1 * f2 >= 0x1p-1022)
        return v.hi * f1 * f2;
    int qe = S - 1074;                       /* Q = 2^qe, qe >= -374 */
    double Q = bce_pow2i(qe);
    double C = bce_pow2i(qe + 52);
    double r = (a + C) - C;                  /* a rounded to a multiple of Q */
    double d = a - r;                        /* exact */
    if (d == 0.5 * Q && l > 0) r += Q;
    else if (d == -0.5 * Q && l < 0) r -= Q;
    double out = r * f1 * f2;                /* exact: a multiple of 2^-1074 */
    return v.hi < 0 ? -out : out;
}

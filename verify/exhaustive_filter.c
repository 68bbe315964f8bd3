/*
 * exhaustive_filter.c -- the fast, proven filter of `bce exhaustive`: the
 * correctly rounded binary32 loss and gradient of one binary32 input, for
 * y = 0 and y = 1, from a double evaluation with a stated error bound and a
 * rounding test (the scheme of CORE-MATH's binary32 checkers: decide with a
 * cheap evaluation when its error interval holds one rounding, ask MPFR
 * otherwise).  It shares nothing with the library's kernels: libm's exp,
 * log and log1p and IEEE double operations only.
 *
 * Error budget.  u = 2^-53 (one double rounding).  E bounds the relative
 * error of one libm call; glibc documents <= 1 ulp (2^-52) for exp, log and
 * log1p on x86-64 (libm-test-ulps); we assume E = 2^-48 (16 times that) and
 * the absolute error of exp in the subnormal range <= 2^-1070.
 *
 *   logits, t = |z| (exact), e^ = exp(-t) = e (1 + d1), |d1| <= E:
 *     l^  = log1p(e^)         rel <= E + E e/log1p(e) <= 2.45 E   (e <= 1)
 *     sp+ = RN(t + l^)        rel <= 2.45 E + u     softplus(|z|)
 *     sp- = l^                                      softplus(-|z|)
 *     d^  = RN(1 + e^)        rel <= E e/(1+e) + u <= E + u
 *     s+  = RN(1 / d^)        rel <= E + 3u         sigma(|z|)
 *     s-  = RN(e^ / d^)       rel <= 2E + 4u        sigma(-|z|)
 *   probs, p in (0,1) a binary32 number (exact in double):
 *     -log(p), -log1p(-p)     rel <= E
 *     1/p                     rel <= u
 *     1/RN(1-p)               rel <= 3u
 *   So every output a approximates its exact value v with
 *     |a - v| <= 2^-46 |a| + 2^-1061      (BCEV_FILTER_REL, _ABS)
 *   (3E + 4u < 2^-46; the absolute term covers exp's underflow).
 *
 * Rounding test (decide): with b = 2^-45 |a| + 2^-1060, lo = RN(|a| - b) and
 * hi = RN(|a| + b) bracket |v| (b exceeds the error bound by 2^-46 |a|, more
 * than the rounding of |a| +- b), RN to binary32 is monotonic, so
 * RN32(lo) == RN32(hi) proves RN32(|v|) equal to it.  The sign of v is
 * known from the mathematics (loss >= 0; gradient sigma(z) > 0 for y = 0,
 * -sigma(-z) < 0 for y = 1; 1/(1-p) > 0, -1/p < 0), so the result is
 * sign * RN32(|v|), including the sign of an underflowed zero.  The
 * (float) conversion of a double is IEEE RN with subnormals and overflow.
 * Undecided outputs (|v| within about 2^-21 ulp of a rounding boundary,
 * about one in 2^20) go to MPFR; so do the exact limits (BCEV_X_SPECIAL).
 */
#include <math.h>
#include "exhaustive.h"

bcev_f32_class bcev_f32_classify(bcev_form form, float x)
{
    if (isnan(x))
        return BCEV_X_NAN;
    if (form == BCEV_LOGITS)
        return isinf(x) ? BCEV_X_SPECIAL : BCEV_X_FILTER;
    if (!(x >= 0.0f && x <= 1.0f))
        return BCEV_X_RANGE;
    return x == 0.0f || x == 1.0f ? BCEV_X_SPECIAL : BCEV_X_FILTER;
}

/* sign * RN32(|v|) from a = |approximation|; 0 when undecided. */
static int decide(double a, int negative, float *out)
{
    double b = a * 0x1p-45 + 0x1p-1060;
    double lo_d = a - b;
    float lo = lo_d > 0.0 ? (float)lo_d : 0.0f;
    float hi = (float)(a + b);
    if (lo != hi)
        return 0;
    *out = negative ? -hi : hi;
    return 1;
}

int bcev_f32_filter(bcev_form form, float x, float out[2][2],
                    int decided[2][2], double approx[2][2])
{
    double v[2][2];                /* magnitudes [label][loss, grad] */
    if (form == BCEV_LOGITS) {
        double t = fabs((double)x);
        double e = exp(-t);
        double l = log1p(e);
        double sp_pos = t + l, sp_neg = l;
        double d = 1.0 + e;
        double s_pos = 1.0 / d, s_neg = e / d;
        if (!signbit(x)) {         /* z >= 0 (and +0) */
            v[0][0] = sp_pos; v[0][1] = s_pos;
            v[1][0] = sp_neg; v[1][1] = s_neg;
        } else {                   /* z < 0 (and -0: same values) */
            v[0][0] = sp_neg; v[0][1] = s_neg;
            v[1][0] = sp_pos; v[1][1] = s_pos;
        }
    } else {
        double p = (double)x;
        v[1][0] = -log(p);
        v[1][1] = 1.0 / p;
        v[0][0] = -log1p(-p);
        v[0][1] = 1.0 / (1.0 - p);
    }
    int undecided = 0;
    for (int y = 0; y < 2; y++)
        for (int k = 0; k < 2; k++) {
            int neg = k == 1 && y == 1;       /* only the y = 1 gradient */
            approx[y][k] = neg ? -v[y][k] : v[y][k];
            decided[y][k] = decide(v[y][k], neg, &out[y][k]);
            undecided += !decided[y][k];
        }
    return undecided;
}

double bcev_ulp32_approx(float got, double a)
{
    if (isnan(got) || isnan(a))
        return isnan(got) && isnan(a) ? 0.0 : INFINITY;
    if (isinf(a))
        return isinf(got) && (got < 0) == (a < 0) ? 0.0 : INFINITY;
    double aa = fabs(a), ulp;
    if (aa < 0x1p-126) {
        ulp = 0x1p-149;
    } else if (aa >= 0x1p128) {
        ulp = 0x1p104;
    } else {
        int e;
        frexp(aa, &e);             /* aa in [2^(e-1), 2^e) */
        ulp = ldexp(1.0, e - 24);
    }
    double g = got;
    if (isinf(got)) {
        if (a != 0.0 && (got < 0) != (a < 0))
            return INFINITY;
        if (aa >= 0x1p128)
            return 0.0;
        g = copysign(0x1p128, (double)got);
    }
    return fabs(g - a) / ulp;
}

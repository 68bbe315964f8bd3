/*
 * fuzz_oracle.h -- the judgement the elementwise fuzz targets (fuzz_elem.h)
 * and the port fuzzer (fuzz_port.c) share: the configuration kind of a
 * sample (which bound of verify/bounds.c applies) and the documented
 * cancellation allowance of docs/ACCURACY.md.  Header-only (static inline);
 * needs bce_verify.h and <math.h> first.
 */
#ifndef BCE_FUZZ_ORACLE_H
#define BCE_FUZZ_ORACLE_H

#include <math.h>
#include <stdint.h>
#include "bce_verify.h"

static inline bcev_config_kind fz_config_kind(const bce_options *o, int has_w, double y)
{
    if (o->reduction != BCE_REDUCTION_NONE) return BCEV_CFG_REDUCED;
    if (has_w || o->flags & (BCE_OPT_POS_WEIGHT | BCE_OPT_LOG_CLAMP) ||
        o->label_smoothing != 0.0)
        return BCEV_CFG_OPTIONS;
    return (y == 0.0 || y == 1.0) ? BCEV_CFG_HARD : BCEV_CFG_SOFT;
}

/* Is the product P y exact as a double-double (TwoProd: its lowest set bit
 * is at or above 2^-1074)? */
static inline int fz_product_is_dd(double P, double y)
{
    if (P == 0.0 || y == 0.0) return 1;
    int e1, e2;
    const uint64_t m1 = (uint64_t)ldexp(frexp(fabs(P), &e1), 53);
    const uint64_t m2 = (uint64_t)ldexp(frexp(fabs(y), &e2), 53);
    return (e1 - 53 + __builtin_ctzll(m1)) + (e2 - 53 + __builtin_ctzll(m2)) >= -1074;
}

/* docs/ACCURACY.md, "Options (pos_weight, smoothing)": with pos_weight or
 * smoothing the label coefficients alpha = P y', beta = 1 - y' carry a
 * relative error 2^-103 (level 1), and a gradient that cancels below it
 * (beta s(z) ~ alpha s(-z), or alpha/p ~ beta/(1-p)) is bounded by that
 * error times the terms, not by the ulp bound.  This is that documented
 * bound, applied only where |exact| < 2^-90 T (T = w (alpha s(-z) +
 * beta s(z)) / denom, probs: w (alpha/p + beta/(1-p)) / denom, the size of
 * the terms that cancel): 2^-100 T' (a margin of 8 over 2^-103) plus two
 * ulps of the rounding, where T' keeps only the terms whose coefficient
 * does carry an error.  Without smoothing, y' = y, and alpha = P y (a
 * product of two doubles) and beta = 1 - y (a difference) are exact
 * double-doubles (src/core/label.c: TwoProd, TwoSum), unless the product's low
 * part underflows: no error, no allowance.  (The allowance used to be
 * 2^-100 T for every pos_weight: it accepted issue 13's item 1, a gradient
 * 0 for an exact 2^-601 at P y = p = 2^-600, as "within the cancellation
 * bound" -- the fuzzers could not have found it.)  Long double (x87:
 * exponents to 2^16383) so that T neither overflows nor underflows. */
static inline int fz_within_cancellation_bound(int logits, int f32, double got,
                                               const mpfr_t exact, double x, double y,
                                               double w, const bce_options *o,
                                               const mpfr_t den)
{
    if (!(o->flags & BCE_OPT_POS_WEIGHT) && o->label_smoothing == 0.0) return 0;
    if (isnan(got) || !mpfr_number_p(exact) || isinf(x)) return 0;
    const double Pd = (o->flags & BCE_OPT_POS_WEIGHT) ? o->pos_weight : 1.0;
    const int smooth = o->label_smoothing != 0.0;
    const int al_err = smooth || !fz_product_is_dd(Pd, y), be_err = smooth;
    if (!al_err && !be_err) return 0;
    const long double a = o->label_smoothing;
    const long double P = Pd;
    const long double yp = (long double)y * (1 - a) + a / 2;
    const long double al = P * yp, be = 1 - yp;
    long double ta, tb;                 /* the alpha and beta terms */
    if (logits) {
        const long double e = expl(-fabsl((long double)x));
        const long double sn = x > 0 ? e / (1 + e) : 1 / (1 + e);   /* s(-z) */
        const long double sp = x > 0 ? 1 / (1 + e) : e / (1 + e);   /* s(z) */
        ta = al * sn;
        tb = be * sp;
    } else {
        if (x <= 0.0 || x >= 1.0) return 0;
        ta = al / x;
        tb = be / (1 - (long double)x);
    }
    const long double scale = w / mpfr_get_ld(den, MPFR_RNDN);
    const long double T = (ta + tb) * scale;
    const long double Te = ((al_err ? ta : 0) + (be_err ? tb : 0)) * scale;
    if (!(fabsl(mpfr_get_ld(exact, MPFR_RNDN)) < T * 0x1p-90L)) return 0;
    mpfr_t d;
    mpfr_init2(d, 128);
    mpfr_set_d(d, got, MPFR_RNDN);
    mpfr_sub(d, d, exact, MPFR_RNDN);
    const long double err = fabsl(mpfr_get_ld(d, MPFR_RNDN));
    mpfr_clear(d);
    const long double ulp2 = f32 ? 0x1p-22L : 0x1p-51L;
    const long double q2 = f32 ? 0x1p-148L : 0x1p-1073L;
    return err <= Te * 0x1p-100L + fabsl((long double)got) * ulp2 + q2;
}

#endif

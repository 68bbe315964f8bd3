/*
 * round16.c -- the 16-bit formats in libbce-verify: round an MPFR value,
 * taken as exact, ONCE to bfloat16 or IEEE binary16 (nearest-even, the
 * subnormal grid, overflow to infinity), by hand and independently of the
 * library's core/half.h; and the correctly rounded 16-bit reference of one
 * sample.
 *
 * Rounding (v != 0 finite, a = |v|, MPFR exponent E: a in [2^(E-1), 2^E)):
 *   quantum q = 2^(max(E-1, emin) - p + 1) (p = 8 / 11, emin = -126 / -14);
 *   k = RN-even(a / q) with mpfr_rint (exact scaling by a power of two, then
 *   an integer rounding with ties to even: no intermediate format); result
 *   k q, or infinity when k q >= 2^(emax+1) (emax = 127 / 15).  A value
 *   just below 2^E that rounds up to 2^E has the right value k q = 2^E.
 * The reference: bcev_exact at 256 bits, rounded to odd, then this
 * rounding: exact for any value (round-to-odd at >= p + 2 bits keeps the
 * nearest-even rounding at p bits, also for values within 2^-256 of a
 * midpoint), with no binary32/binary64 step in between.
 */
#include <math.h>
#include <string.h>
#include "bcev_internal.h"

static int fmt_p(int fmt) { return fmt == BCEV_BF16 ? 8 : 11; }
static int fmt_emin(int fmt) { return fmt == BCEV_BF16 ? -126 : -14; }
static int fmt_emax(int fmt) { return fmt == BCEV_BF16 ? 127 : 15; }

double bcev_round16(int fmt, const mpfr_t v)
{
    bcev_widen_range();
    if (mpfr_nan_p(v)) return NAN;
    if (mpfr_inf_p(v)) return mpfr_signbit(v) ? -INFINITY : INFINITY;
    if (mpfr_zero_p(v)) return mpfr_signbit(v) ? -0.0 : 0.0;
    const int neg = mpfr_sgn(v) < 0;
    const mpfr_exp_t E = mpfr_get_exp(v);
    double out;
    if (E - 1 > fmt_emax(fmt) + 1) {
        out = INFINITY;
    } else if (E - 1 < fmt_emin(fmt) - fmt_p(fmt) - 2) {
        out = 0.0;                                    /* below a quarter of the least subnormal */
    } else {
        long qe = (long)(E - 1 > fmt_emin(fmt) ? E - 1 : fmt_emin(fmt)) - fmt_p(fmt) + 1;
        mpfr_t k;
        mpfr_init2(k, mpfr_get_prec(v) + 2);
        mpfr_abs(k, v, MPFR_RNDN);                    /* exact */
        mpfr_div_2si(k, k, qe, MPFR_RNDN);            /* exact */
        mpfr_rint(k, k, MPFR_RNDN);                   /* nearest integer, ties to even */
        double kd = mpfr_get_d(k, MPFR_RNDN);         /* < 2^12: exact */
        mpfr_clear(k);
        out = ldexp(kd, (int)qe);
        if (out >= ldexp(1.0, fmt_emax(fmt) + 1)) out = INFINITY;
    }
    return neg ? -out : out;
}

double bcev_from_bits16(int fmt, uint16_t h)
{
    if (fmt == BCEV_BF16) {
        uint32_t u = (uint32_t)h << 16;
        float f;
        memcpy(&f, &u, 4);
        return f;
    }
    const int s = h >> 15, e = (h >> 10) & 31, m = h & 1023;
    double v;
    if (e == 31) v = m ? NAN : INFINITY;
    else if (e == 0) v = ldexp(m, -24);
    else v = ldexp(1024 + m, e - 25);
    return s ? -v : v;
}

uint16_t bcev_bits16(int fmt, double v)
{
    if (fmt == BCEV_BF16) {
        if (isnan(v)) return 0x7fc0;
        float f = (float)v;
        uint32_t u;
        memcpy(&u, &f, 4);
        return (uint16_t)(u >> 16);
    }
    if (isnan(v)) return 0x7e00;
    uint16_t s = signbit(v) ? 0x8000 : 0;
    double a = fabs(v);
    if (isinf(a)) return s | 0x7c00;
    if (a < 0x1p-14) return s | (uint16_t)(a * 0x1p24);
    int e;
    double f = frexp(a, &e);                          /* a = f 2^e, f in [1/2, 1) */
    return s | (uint16_t)((e - 1 + 15) << 10) | (uint16_t)(f * 2048 - 1024);
}

int bcev_ref16(bcev_form form, int fmt, const bcev_sample *s, const bce_options *opt,
               double denom, double *loss, double *grad)
{
    mpfr_t L, G;
    mpfr_inits2(256, L, G, (mpfr_ptr)0);
    bcev_exact(form, s, opt, denom, 256, L, G);
    int bad = mpfr_nan_p(L) && !isnan(s->x);
    if (loss) *loss = bcev_round16(fmt, L);
    if (grad) *grad = bcev_round16(fmt, G);
    mpfr_clears(L, G, (mpfr_ptr)0);
    return bad ? -1 : 0;
}

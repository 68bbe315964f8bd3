/*
 * round.c -- round a real number, known exactly or through an MPFR
 * approximation with an error bound, to binary64 / binary32: nearest-even,
 * the subnormal grid, overflow to infinity.
 *
 * Subnormals.  For |v| < 2^(emin-1) (the smallest normal, 2^-1022 for
 * binary64) the result is RN(|v| + m) - m with m = 2^(emin-1): |v| + m lies
 * in [m, 2m], whose grid at full precision has the spacing of the subnormal
 * grid (2^-1074), and the grid points m + k 2^-1074 have the parity of k, so
 * ties to even agree.  The subtraction is exact in double.  This rounds once,
 * at the right place, without touching MPFR's exponent range.
 */
#include <assert.h>
#include <math.h>
#include "bcev_internal.h"

/* v >= 0 known through b >= 0 (see bcev_round); result >= 0. */
static int round_pos(const mpfr_t b, long err, const bcev_fmt *f, double *out)
{
    mpfr_exp_t e = mpfr_get_exp(b);
    int exact = err == BCEV_EXACT;
    if (!exact && err < 2)
        return 0;
    if (e >= f->emax + 2) {         /* v >= 2^(e-1) - 2^(e-2) >= 2^emax */
        *out = INFINITY;
        return 1;
    }
    if (e <= f->esub - 3) {         /* v < 2^e + 2^(e-2) < half the min subnormal */
        *out = 0.0;
        return 1;
    }
    mpfr_t r;
    mpfr_init2(r, f->prec);
    int ok = 1;
    if (e < f->emin) {              /* |b| < 2^(emin-1): subnormal path */
        mpfr_t m, t;
        mpfr_inits2(f->prec, m, t, (mpfr_ptr)0);
        mpfr_set_ui_2exp(m, 1, f->emin - 1, MPFR_RNDN);
        bcev_xadd(t, b, m);
        if (!exact)
            ok = mpfr_can_round(t, err + (mpfr_get_exp(t) - e), MPFR_RNDN,
                                MPFR_RNDN, f->prec);
        if (ok) {
            mpfr_set(r, t, MPFR_RNDN);
            /* r in [m, 2m]: both exact doubles, difference exact */
            *out = mpfr_get_d(r, MPFR_RNDN) - ldexp(1.0, (int)(f->emin - 1));
        }
        mpfr_clears(m, t, (mpfr_ptr)0);
    } else {
        if (!exact)
            ok = mpfr_can_round(b, err, MPFR_RNDN, MPFR_RNDN, f->prec);
        if (ok) {
            mpfr_set(r, b, MPFR_RNDN);
            *out = mpfr_get_exp(r) > f->emax ? INFINITY : mpfr_get_d(r, MPFR_RNDN);
        }
    }
    mpfr_clear(r);
    return ok;
}

int bcev_round(const mpfr_t b, long err, bcev_type t, double *out)
{
    if (mpfr_nan_p(b)) {
        *out = NAN;
        return 1;
    }
    if (mpfr_inf_p(b)) {
        *out = mpfr_signbit(b) ? -INFINITY : INFINITY;
        return 1;
    }
    if (mpfr_zero_p(b)) {
        if (err != BCEV_EXACT)
            return 0;
        *out = mpfr_signbit(b) ? -0.0 : 0.0;
        return 1;
    }
    const bcev_fmt *f = bcev_fmt_of(t);
    int neg = mpfr_sgn(b) < 0;
    mpfr_t a;
    mpfr_init2(a, mpfr_get_prec(b));
    mpfr_abs(a, b, MPFR_RNDN);
    int ok = round_pos(a, err, f, out);
    mpfr_clear(a);
    if (ok && neg)
        *out = -*out;
    return ok;
}

double bcev_round_q(const mpfr_t num, const mpfr_t den, bcev_type t)
{
    assert(!mpfr_zero_p(den));
    if (mpfr_nan_p(num) || mpfr_nan_p(den))
        return NAN;
    /* signbit, not sgn: a signed zero numerator keeps its sign */
    int neg = (mpfr_signbit(num) != 0) != (mpfr_signbit(den) != 0);
    if (mpfr_zero_p(num) || mpfr_inf_p(num)) {
        double v = mpfr_zero_p(num) ? 0.0 : INFINITY;
        return neg ? -v : v;
    }
    const bcev_fmt *f = bcev_fmt_of(t);
    mpfr_t n, d, q;
    mpfr_init2(n, mpfr_get_prec(num));
    mpfr_init2(d, mpfr_get_prec(den));
    mpfr_init2(q, f->prec);
    mpfr_abs(n, num, MPFR_RNDN);
    mpfr_abs(d, den, MPFR_RNDN);
    mpfr_div(q, n, d, MPFR_RNDZ);    /* truncation keeps the exact exponent */
    mpfr_exp_t e = mpfr_get_exp(q);
    double v;
    if (e > f->emax) {
        v = INFINITY;
    } else if (e <= f->esub - 2) {   /* q < 2^(esub-2) = half the min subnormal */
        v = 0.0;
    } else if (e < f->emin) {        /* subnormal path, see the top comment */
        mpfr_t m, md, s;
        mpfr_inits2(f->prec, m, md, s, (mpfr_ptr)0);
        mpfr_set_ui_2exp(m, 1, f->emin - 1, MPFR_RNDN);
        bcev_xmul(md, m, d);
        bcev_xadd(s, n, md);
        mpfr_div(q, s, d, MPFR_RNDN);
        v = mpfr_get_d(q, MPFR_RNDN) - ldexp(1.0, (int)(f->emin - 1));
        mpfr_clears(m, md, s, (mpfr_ptr)0);
    } else {
        mpfr_div(q, n, d, MPFR_RNDN);
        v = mpfr_get_exp(q) > f->emax ? INFINITY : mpfr_get_d(q, MPFR_RNDN);
    }
    mpfr_clears(n, d, q, (mpfr_ptr)0);
    return neg ? -v : v;
}

double bcev_round_to(bcev_type t, const mpfr_t v)
{
    double r;
    bcev_round(v, BCEV_EXACT, t, &r);
    return r;
}

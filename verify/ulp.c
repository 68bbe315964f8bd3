/*
 * ulp.c -- the ulp-error metric: |got - exact| in ulps of the exact value's
 * binade in the destination format (binary64 or binary32).
 *
 *   ulp(v) = 2^(EXP(v) - prec)  for |v| >= the smallest normal (EXP >= emin),
 *          = 2^(esub - 1)       below it and for v = 0 (the subnormal ulp),
 *          = 2^(emax - prec)    for |v| beyond the largest finite number.
 * Infinities: got = +-inf against a finite exact of the same sign is measured
 * as if got were 2^emax (the value from which RN overflows, IEEE 754 7.4),
 * except that an exact value at or beyond 2^emax counts as 0 ulp: a
 * correctly rounded overflow therefore measures <= 0.5 ulp.  Both the same
 * infinity, both zero (any signs) or both NaN: 0.  Otherwise NaN or an
 * infinity on one side only: +inf.
 */
#include <math.h>
#include "bcev_internal.h"

double bcev_ulp_error(bcev_type type, double got, const mpfr_t exact)
{
    bcev_widen_range();
    const bcev_fmt *f = bcev_fmt_of(type);
    if (isnan(got) || mpfr_nan_p(exact))
        return isnan(got) && mpfr_nan_p(exact) ? 0.0 : INFINITY;
    if (mpfr_inf_p(exact)) {
        if (isinf(got) && (got < 0) == (mpfr_sgn(exact) < 0))
            return 0.0;
        return INFINITY;
    }
    mpfr_t d;
    mpfr_init2(d, 128);
    if (isinf(got)) {
        if (mpfr_zero_p(exact) || (got < 0) != (mpfr_sgn(exact) < 0)) {
            mpfr_clear(d);
            return INFINITY;
        }
        /* |got| stands for 2^emax */
        mpfr_set_ui_2exp(d, 1, f->emax, MPFR_RNDN);
        if (got < 0)
            mpfr_neg(d, d, MPFR_RNDN);
    } else {
        mpfr_set_d(d, got, MPFR_RNDN);
    }
    mpfr_exp_t ue;                      /* ulp = 2^ue */
    if (mpfr_zero_p(exact) || mpfr_get_exp(exact) < f->emin)
        ue = f->esub - 1;
    else if (mpfr_get_exp(exact) > f->emax)
        ue = f->emax - f->prec;
    else
        ue = mpfr_get_exp(exact) - f->prec;
    int beyond = !mpfr_zero_p(exact) && mpfr_get_exp(exact) > f->emax;
    mpfr_sub(d, d, exact, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    if (isinf(got) && beyond)
        mpfr_set_zero(d, 1);
    mpfr_mul_2si(d, d, -(long)ue, MPFR_RNDN);
    double r = mpfr_get_d(d, MPFR_RNDN);   /* resolution 2^-53 ulp */
    mpfr_clear(d);
    return r;
}

double bcev_ulp_error_d(bcev_type type, double got, double exact)
{
    mpfr_t e;
    mpfr_init2(e, 53);
    mpfr_set_d(e, exact, MPFR_RNDN);
    double r = bcev_ulp_error(type, got, e);
    mpfr_clear(e);
    return r;
}

int bcev_check(bcev_type type, double got, const mpfr_t exact, double bound,
               double *ulps)
{
    double u = bcev_ulp_error(type, got, exact);
    if (ulps)
        *ulps = u;
    if (bound == 0.5) {
        double r = bcev_round_to(type, exact);
        return got == r || (isnan(got) && isnan(r));
    }
    return u <= bound;
}

/*
 * exact.c -- exact MPFR arithmetic on values built from doubles.
 * Every result gets a precision large enough to hold it exactly, so the
 * operations below never round (asserted through MPFR's ternary value).
 */
#include <assert.h>
#include "bcev_internal.h"

static const bcev_fmt fmt64 = {53, -1021, 1024, -1073};
static const bcev_fmt fmt32 = {24, -125, 128, -148};

const bcev_fmt *bcev_fmt_of(bcev_type t)
{
    return t == BCEV_F32 ? &fmt32 : &fmt64;
}

void bcev_widen_range(void)
{
    if (mpfr_get_emin() != mpfr_get_emin_min())
        mpfr_set_emin(mpfr_get_emin_min());
    if (mpfr_get_emax() != mpfr_get_emax_max())
        mpfr_set_emax(mpfr_get_emax_max());
}

void bcev_xset_d(mpfr_t r, double a)
{
    mpfr_set_prec(r, 53);
    int t = mpfr_set_d(r, a, MPFR_RNDN);
    assert(t == 0);
    (void)t;
}

/* Exponent of the lowest bit a regular number may carry. */
static mpfr_exp_t low_exp(const mpfr_t a)
{
    return mpfr_get_exp(a) - (mpfr_exp_t)mpfr_get_prec(a);
}

static void xaddsub(mpfr_t r, const mpfr_t a, const mpfr_t b, int sub)
{
    if (!mpfr_regular_p(a) || !mpfr_regular_p(b)) {
        /* zero / inf / nan operand: precision of the larger operand is enough
         * (the result is one operand, +-inf, or nan) */
        mpfr_prec_t p = mpfr_get_prec(a) > mpfr_get_prec(b) ? mpfr_get_prec(a)
                                                              : mpfr_get_prec(b);
        mpfr_set_prec(r, p);
        int t = sub ? mpfr_sub(r, a, b, MPFR_RNDN) : mpfr_add(r, a, b, MPFR_RNDN);
        assert(t == 0);
        (void)t;
        return;
    }
    mpfr_exp_t hi = mpfr_get_exp(a) > mpfr_get_exp(b) ? mpfr_get_exp(a) : mpfr_get_exp(b);
    mpfr_exp_t lo = low_exp(a) < low_exp(b) ? low_exp(a) : low_exp(b);
    /* the exact sum lies below 2^(hi+1) and is a multiple of 2^lo */
    mpfr_set_prec(r, (mpfr_prec_t)(hi + 1 - lo));
    int t = sub ? mpfr_sub(r, a, b, MPFR_RNDN) : mpfr_add(r, a, b, MPFR_RNDN);
    assert(t == 0);
    (void)t;
}

void bcev_xadd(mpfr_t r, const mpfr_t a, const mpfr_t b) { xaddsub(r, a, b, 0); }
void bcev_xsub(mpfr_t r, const mpfr_t a, const mpfr_t b) { xaddsub(r, a, b, 1); }

void bcev_xmul(mpfr_t r, const mpfr_t a, const mpfr_t b)
{
    mpfr_set_prec(r, mpfr_get_prec(a) + mpfr_get_prec(b));
    int t = mpfr_mul(r, a, b, MPFR_RNDN);
    assert(t == 0 || mpfr_nan_p(r));
    (void)t;
}

/*
 * test_ulp.c -- the ulp-error metric on its own: binades on both sides of
 * powers of two, the subnormal range, zero, DBL_MAX and overflow,
 * infinities, NaN, and the binary32 variant.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include "bce_verify.h"

static double ue(bcev_type t, double got, double exact)
{
    return bcev_ulp_error_d(t, got, exact);
}

Test(ulp, identical_values_are_zero)
{
    double v[] = {1.0, -3.5, 0x1p-1074, DBL_MAX, 0x1.fffffffffffffp-1, 0x1p-1022};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        cr_expect_eq(ue(BCEV_F64, v[i], v[i]), 0.0, "%a", v[i]);
}

Test(ulp, one_ulp_in_a_binade)
{
    cr_expect_eq(ue(BCEV_F64, 1.0 + 0x1p-52, 1.0), 1.0);
    cr_expect_eq(ue(BCEV_F64, 1.5 + 0x1p-51, 1.5), 2.0);
    cr_expect_eq(ue(BCEV_F64, -1.5, -1.5 - 0x1p-52), 1.0);
}

Test(ulp, straddling_a_power_of_two)
{
    /* exact 1 (binade [1,2), ulp 2^-52); got just below: 2^-53 away = 0.5 */
    cr_expect_eq(ue(BCEV_F64, 0x1.fffffffffffffp-1, 1.0), 0.5);
    /* exact just below 1 (ulp 2^-53); got 1 = 1 ulp of the lower binade */
    cr_expect_eq(ue(BCEV_F64, 1.0, 0x1.fffffffffffffp-1), 1.0);
    /* exact = 2 - 2^-52, got 2: one ulp of [1,2) */
    cr_expect_eq(ue(BCEV_F64, 2.0, 0x1.fffffffffffffp+0), 1.0);
    /* the same at a negative power of two */
    cr_expect_eq(ue(BCEV_F64, 0x1p-300, 0x1.fffffffffffffp-301), 1.0);
    cr_expect_eq(ue(BCEV_F64, 0x1.fffffffffffffp-301, 0x1p-300), 0.5);
}

Test(ulp, exact_between_doubles)
{
    mpfr_t e;
    mpfr_init2(e, 200);
    mpfr_set_d(e, 1.0, MPFR_RNDN);
    mpfr_add_d(e, e, 0x1p-53, MPFR_RNDN);                /* midpoint of 1, 1+2^-52 */
    cr_expect_eq(bcev_ulp_error(BCEV_F64, 1.0, e), 0.5);
    cr_expect_eq(bcev_ulp_error(BCEV_F64, 1.0 + 0x1p-52, e), 0.5);
    mpfr_add_d(e, e, 0x1p-55, MPFR_RNDN);                /* 0.625 ulp above 1 */
    cr_expect_eq(bcev_ulp_error(BCEV_F64, 1.0, e), 0.625);
    cr_expect_eq(bcev_ulp_error(BCEV_F32, 1.0, e), 0x1.4p-30);
    mpfr_clear(e);
}

Test(ulp, subnormals)
{
    double m = 0x1p-1074;
    cr_expect_eq(ue(BCEV_F64, m, 0.0), 1.0);
    cr_expect_eq(ue(BCEV_F64, 0.0, m), 1.0);
    cr_expect_eq(ue(BCEV_F64, 3 * m, m), 2.0);
    cr_expect_eq(ue(BCEV_F64, 0x1p-1030, 0x1p-1030 + m), 1.0);
    /* the smallest normal and its lower neighbour: ulp 2^-1074 both sides */
    cr_expect_eq(ue(BCEV_F64, 0x1p-1022, 0x1p-1022 - m), 1.0);
    cr_expect_eq(ue(BCEV_F64, 0x1p-1022 - m, 0x1p-1022), 1.0);
    /* an exact value below the subnormal range */
    mpfr_t e;
    mpfr_init2(e, 64);
    mpfr_set_ui_2exp(e, 1, -1076, MPFR_RNDN);
    cr_expect_eq(bcev_ulp_error(BCEV_F64, 0.0, e), 0.25);
    cr_expect_eq(bcev_ulp_error(BCEV_F64, m, e), 0.75);
    mpfr_clear(e);
}

Test(ulp, zeros_any_sign)
{
    cr_expect_eq(ue(BCEV_F64, 0.0, -0.0), 0.0);
    cr_expect_eq(ue(BCEV_F64, -0.0, 0.0), 0.0);
    cr_expect_eq(ue(BCEV_F32, -0.0, 0.0), 0.0);
}

Test(ulp, dbl_max_and_overflow)
{
    cr_expect_eq(ue(BCEV_F64, DBL_MAX, 0x1.ffffffffffffep+1023), 1.0);
    cr_expect_eq(ue(BCEV_F64, INFINITY, INFINITY), 0.0);
    cr_expect_eq(ue(BCEV_F64, -INFINITY, -INFINITY), 0.0);
    /* inf against DBL_MAX: inf stands for 2^1024, one ulp (2^971) away */
    cr_expect_eq(ue(BCEV_F64, INFINITY, DBL_MAX), 1.0);
    cr_expect_eq(ue(BCEV_F64, -INFINITY, -DBL_MAX), 1.0);
    mpfr_t e;
    mpfr_init2(e, 64);
    /* exact at the overflow threshold DBL_MAX + ulp/2: both sides 0.5 */
    mpfr_set_d(e, DBL_MAX, MPFR_RNDN);
    mpfr_add_d(e, e, 0x1p970, MPFR_RNDN);
    cr_expect_eq(bcev_ulp_error(BCEV_F64, INFINITY, e), 0.5);
    cr_expect_eq(bcev_ulp_error(BCEV_F64, DBL_MAX, e), 0.5);
    /* exact beyond the range: inf is right (0), DBL_MAX far off */
    mpfr_set_ui_2exp(e, 1, 1030, MPFR_RNDN);
    cr_expect_eq(bcev_ulp_error(BCEV_F64, INFINITY, e), 0.0);
    cr_expect_gt(bcev_ulp_error(BCEV_F64, DBL_MAX, e), 1e15);
    mpfr_set_inf(e, 1);
    cr_expect(isinf(bcev_ulp_error(BCEV_F64, DBL_MAX, e)));
    mpfr_clear(e);
}

Test(ulp, infinities_and_nan_mismatch)
{
    cr_expect(isinf(ue(BCEV_F64, INFINITY, -INFINITY)));
    cr_expect_geq(ue(BCEV_F64, INFINITY, 1.0), 1e300);   /* 2^1024 vs 1 */
    cr_expect(isinf(ue(BCEV_F64, -INFINITY, 1.0)));       /* wrong sign */
    cr_expect(isinf(ue(BCEV_F64, INFINITY, 0.0)));
    cr_expect(isinf(ue(BCEV_F64, NAN, 1.0)));
    cr_expect(isinf(ue(BCEV_F64, 1.0, NAN)));
    cr_expect_eq(ue(BCEV_F64, NAN, NAN), 0.0);
    cr_expect(isinf(ue(BCEV_F64, 1.0, INFINITY)));
}

Test(ulp, binary32)
{
    cr_expect_eq(ue(BCEV_F32, 1.0 + 0x1p-23, 1.0), 1.0);
    cr_expect_eq(ue(BCEV_F32, 0x1.fffffep-1, 1.0), 0.5);
    cr_expect_eq(ue(BCEV_F32, 1.0, 0x1.fffffep-1), 1.0);
    cr_expect_eq(ue(BCEV_F32, 0x1p-149, 0.0), 1.0);
    cr_expect_eq(ue(BCEV_F32, 0x1p-126, 0x1p-126 - 0x1p-149), 1.0);
    cr_expect_eq(ue(BCEV_F32, (double)FLT_MAX, 0x1.fffffcp+127), 1.0);
    cr_expect_eq(ue(BCEV_F32, INFINITY, (double)FLT_MAX), 1.0);
    cr_expect_eq(ue(BCEV_F32, INFINITY, 0x1p129), 0.0);
    /* a double between floats: 1 + 2^-24 is half an f32 ulp from 1 */
    cr_expect_eq(ue(BCEV_F32, 1.0, 1.0 + 0x1p-24), 0.5);
}

Test(ulp, check_correct_rounding)
{
    mpfr_t e;
    mpfr_init2(e, 200);
    mpfr_set_d(e, 1.0, MPFR_RNDN);
    mpfr_add_d(e, e, 0x1p-24, MPFR_RNDN);
    mpfr_add_d(e, e, 0x1p-90, MPFR_RNDN);       /* just above an f32 midpoint */
    double u;
    cr_expect(bcev_check(BCEV_F32, 1.0 + 0x1p-23, e, 0.5, &u));
    cr_expect(!bcev_check(BCEV_F32, 1.0, e, 0.5, &u));  /* 0.5 + 2^-67: misrounded */
    cr_expect(bcev_check(BCEV_F32, 1.0, e, 1.0, &u));
    mpfr_clear(e);
}

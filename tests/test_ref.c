/*
 * test_ref.c -- the MPFR reference against closed forms and known values.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include "bce_verify.h"

static void ref(bcev_form f, bcev_type t, double x, double y, double w,
                const bce_options *o, double *L, double *g)
{
    bcev_sample s = {x, y, w};
    int r = bcev_ref(f, t, &s, o, 1.0, L, g);
    cr_assert_eq(r, 0, "bcev_ref(%a, %a) returned %d", x, y, r);
}

#define LN2_RN 0x1.62e42fefa39efp-1      /* RN(ln 2) */
#define LN2_RN32 0x1.62e430p-1           /* RN32(ln 2) */

Test(ref, z_zero_gives_ln2_and_half_minus_y)
{
    double ys[] = {0.0, 1.0, 0.25, 0x1p-55, 0.3};
    for (size_t i = 0; i < sizeof ys / sizeof *ys; i++) {
        double L, g;
        ref(BCEV_LOGITS, BCEV_F64, 0.0, ys[i], 1.0, NULL, &L, &g);
        cr_expect_eq(L, LN2_RN, "y=%a L=%a", ys[i], L);
        /* 1/2 - y rounded once (y = 2^-55 is an exact midpoint: ties to even) */
        cr_expect_eq(g, 0.5 - ys[i], "y=%a g=%a", ys[i], g);
        ref(BCEV_LOGITS, BCEV_F64, -0.0, ys[i], 1.0, NULL, &L, &g);
        cr_expect_eq(L, LN2_RN);
    }
    double L, g;
    ref(BCEV_LOGITS, BCEV_F32, 0.0, 1.0, 1.0, NULL, &L, &g);
    cr_expect_eq(L, LN2_RN32);
    cr_expect_eq(g, -0.5);
    /* a midpoint: 1/2 - 2^-55 lies halfway between 1/2 - 2^-54 and 1/2 */
    ref(BCEV_LOGITS, BCEV_F64, 0.0, 0x1p-55, 1.0, NULL, &L, &g);
    cr_expect_eq(g, 0.5);
    /* weighted: (beta - alpha)/2 with w = 3, y = 0: 1.5 */
    ref(BCEV_LOGITS, BCEV_F64, 0.0, 0.0, 3.0, NULL, &L, &g);
    cr_expect_eq(g, 1.5);
}

Test(ref, infinite_logits)
{
    double L, g;
    ref(BCEV_LOGITS, BCEV_F64, INFINITY, 1.0, 1.0, NULL, &L, &g);
    cr_expect(L == 0.0 && g == 0.0);
    ref(BCEV_LOGITS, BCEV_F64, INFINITY, 0.0, 1.0, NULL, &L, &g);
    cr_expect(isinf(L) && L > 0 && g == 1.0);
    ref(BCEV_LOGITS, BCEV_F64, -INFINITY, 0.0, 1.0, NULL, &L, &g);
    cr_expect(L == 0.0 && g == 0.0);
    ref(BCEV_LOGITS, BCEV_F64, -INFINITY, 0.25, 1.0, NULL, &L, &g);
    cr_expect(isinf(L) && g == -0.25);
    /* zero weight: 0 * inf = 0 */
    ref(BCEV_LOGITS, BCEV_F64, INFINITY, 0.0, 0.0, NULL, &L, &g);
    cr_expect(L == 0.0 && g == 0.0);
}

Test(ref, huge_logits_underflow_to_exp)
{
    /* y = 1, z > 0: L = log1p(e^-z) ~ e^-z, g = -sigma(-z) ~ -e^-z */
    double zs[] = {700.0, 720.0, 740.0, 745.0};
    for (size_t i = 0; i < sizeof zs / sizeof *zs; i++) {
        double L, g;
        ref(BCEV_LOGITS, BCEV_F64, zs[i], 1.0, 1.0, NULL, &L, &g);
        mpfr_t e;
        mpfr_init2(e, 200);
        mpfr_set_d(e, -zs[i], MPFR_RNDN);
        mpfr_exp(e, e, MPFR_RNDN);
        double er = bcev_round_to(BCEV_F64, e);   /* e^-z rounded, subnormal */
        cr_expect_eq(L, er, "z=%a L=%a e=%a", zs[i], L, er);
        cr_expect_eq(g, -er, "z=%a g=%a", zs[i], g);
        mpfr_clear(e);
    }
    double L, g;
    ref(BCEV_LOGITS, BCEV_F64, 745.2, 1.0, 1.0, NULL, &L, &g);   /* < 2^-1075 */
    cr_expect(L == 0.0 && g == 0.0 && signbit(g));
    ref(BCEV_LOGITS, BCEV_F64, 744.0, 1.0, 1.0, NULL, &L, &g);
    cr_expect_eq(L, 0x1p-1073);                 /* e^-744 = 1.55 * 2^-1074 -> 2 */
    ref(BCEV_LOGITS, BCEV_F64, DBL_MAX, 1.0, 1.0, NULL, &L, &g);
    cr_expect(L == 0.0 && g == 0.0);
    ref(BCEV_LOGITS, BCEV_F64, DBL_MAX, 0.0, 1.0, NULL, &L, &g);
    cr_expect(L == DBL_MAX && g == 1.0);
    ref(BCEV_LOGITS, BCEV_F64, -DBL_MAX, 0.5, 4.0, NULL, &L, &g);
    cr_expect(isinf(L) && g == -2.0);            /* 2 * DBL_MAX overflows */
    ref(BCEV_LOGITS, BCEV_F32, 104.0, 1.0, 1.0, NULL, &L, &g);
    cr_expect(L == 0.0);                         /* e^-104 < 2^-150 */
    ref(BCEV_LOGITS, BCEV_F32, 100.0, 1.0, 1.0, NULL, &L, &g);
    cr_expect_eq(L, 0x1.bp-145, "L=%a", L);      /* e^-100 = 26.55 * 2^-149 -> 27 */
}

Test(ref, large_z_with_soft_label_is_linear)
{
    /* z = 1e10, y = 0.25: L = 0.75 z + log1p(e^-z) rounds like 0.75 z */
    double L, g;
    ref(BCEV_LOGITS, BCEV_F64, 1e10, 0.25, 1.0, NULL, &L, &g);
    cr_expect_eq(L, 0.75 * 1e10);
    cr_expect_eq(g, 0.75);
    /* beta = 1 - 2^-54 is a midpoint; g = beta - (tiny e^-800 term) lies just
     * below it and rounds down (ties-to-even on beta alone would give 1) */
    ref(BCEV_LOGITS, BCEV_F64, 800.0, 0x1p-54, 1.0, NULL, &L, &g);
    cr_expect_eq(g, 1.0 - 0x1p-53, "g=%a", g);
    ref(BCEV_LOGITS, BCEV_F64, 800.0, 0x1p-60, 1.0, NULL, &L, &g);
    cr_expect_eq(g, 1.0);
    /* the same for the loss: L = beta z + tiny with beta z a midpoint */
    ref(BCEV_LOGITS, BCEV_F64, 0x1.0000000000001p+9, 0x1p-1, 1.0, NULL, &L, &g);
    cr_expect_eq(L, 0x1.0000000000001p+8);    /* exact product, + tiny: unchanged */
}

Test(ref, probability_limits)
{
    double L, g;
    ref(BCEV_PROBS, BCEV_F64, 0.0, 0.0, 1.0, NULL, &L, &g);
    cr_expect(L == 0.0 && g == 1.0);
    ref(BCEV_PROBS, BCEV_F64, 0.0, 1.0, 1.0, NULL, &L, &g);
    cr_expect(isinf(L) && isinf(g) && g < 0);
    ref(BCEV_PROBS, BCEV_F64, 1.0, 1.0, 1.0, NULL, &L, &g);
    cr_expect(L == 0.0 && g == -1.0);
    ref(BCEV_PROBS, BCEV_F64, 1.0, 0.5, 1.0, NULL, &L, &g);
    cr_expect(isinf(L) && isinf(g) && g > 0);
    ref(BCEV_PROBS, BCEV_F64, 0.5, 0.5, 1.0, NULL, &L, &g);
    cr_expect(L == LN2_RN && g == 0.0);
    /* g = (p - y)/(p (1-p)) exactly rounded: p = 1/2, y = 2^-55: 2 - 2^-53 is a
     * midpoint between 2 - 2^-52 and 2: ties to even gives 2 */
    ref(BCEV_PROBS, BCEV_F64, 0.5, 0x1p-55, 1.0, NULL, &L, &g);
    cr_expect_eq(g, 2.0);
    /* p = 1 - 2^-53, y = 0: L = -log1p(-p) = 53 ln 2, g = 2^53 */
    ref(BCEV_PROBS, BCEV_F64, 0x1.fffffffffffffp-1, 0.0, 1.0, NULL, &L, &g);
    cr_expect_eq(L, 0x1.25e4f7b2737fap+5);
    cr_expect_eq(g, 0x1p53);
    /* subnormal p, y = 1: g = -1/p overflows for p < 2^-1024 */
    ref(BCEV_PROBS, BCEV_F64, 0x1p-1074, 1.0, 1.0, NULL, &L, &g);
    cr_expect(isinf(g) && g < 0);
    cr_expect_eq(L, 0x1.74385446d71c3p+9);     /* 1074 ln 2 */
    ref(BCEV_PROBS, BCEV_F64, 0x1p-1020, 1.0, 1.0, NULL, &L, &g);
    cr_expect_eq(g, -0x1p1020);
}

Test(ref, log_clamp)
{
    bce_options o = {0};
    o.flags = BCE_OPT_LOG_CLAMP;
    double L, g;
    ref(BCEV_PROBS, BCEV_F64, 0.0, 1.0, 1.0, &o, &L, &g);
    cr_expect(L == 100.0 && g == 0.0);
    ref(BCEV_PROBS, BCEV_F64, 1.0, 0.0, 1.0, &o, &L, &g);
    cr_expect(L == 100.0 && g == 0.0);
    ref(BCEV_PROBS, BCEV_F64, 1.0, 0.25, 1.0, &o, &L, &g);
    cr_expect(L == 75.0 && g == -0.25);          /* clamped term: derivative 0 */
    /* around e^-100 = 0x1.a8c1f14e2af5dp-145 */
    ref(BCEV_PROBS, BCEV_F64, 0x1p-145, 1.0, 1.0, &o, &L, &g);
    cr_expect(L == 100.0 && g == 0.0);
    ref(BCEV_PROBS, BCEV_F64, 0x1p-144, 1.0, 1.0, &o, &L, &g);
    cr_expect(L < 100.0 && g == -0x1p144, "L=%a", L);
    double L2, g2;
    ref(BCEV_PROBS, BCEV_F64, 0x1p-144, 1.0, 1.0, NULL, &L2, &g2);
    cr_expect(L == L2 && g == g2);               /* above e^-100: no clamp */
    /* a midpoint: 100 y with y = 1 - 2^-53 needs 60 bits */
    ref(BCEV_PROBS, BCEV_F64, 0.0, 0x1.fffffffffffffp-1, 1.0, &o, &L, &g);
    cr_expect_eq(L, 100.0 * 0x1.fffffffffffffp-1);
}

Test(ref, f32_results_are_floats)
{
    double zs[] = {-30.0, -3.25, -0.1, 0.7, 5.5, 17.0, 90.0};
    double ys[] = {0.0, 1.0, 0.3};
    for (size_t i = 0; i < sizeof zs / sizeof *zs; i++)
        for (size_t j = 0; j < 3; j++) {
            double L, g;
            ref(BCEV_LOGITS, BCEV_F32, zs[i], ys[j], 1.0, NULL, &L, &g);
            cr_expect_eq((double)(float)L, L, "%a", L);
            cr_expect_eq((double)(float)g, g, "%a", g);
            double L64, g64;
            ref(BCEV_LOGITS, BCEV_F64, zs[i], ys[j], 1.0, NULL, &L64, &g64);
            /* correctly rounded f32 is within half an f32 ulp of the f64 one */
            cr_expect_leq(bcev_ulp_error_d(BCEV_F32, L, L64), 0.5 + 0x1p-28);
        }
}

Test(ref, pos_weight_definition)
{
    /* L = -(P y log s + (1-y) log(1-s)), s = sigma(z) */
    bce_options o = {0};
    o.flags = BCE_OPT_POS_WEIGHT;
    o.pos_weight = 3.0;
    double z = 0.75, y = 0.375, L, g;
    ref(BCEV_LOGITS, BCEV_F64, z, y, 1.0, &o, &L, &g);
    mpfr_t s, t, u, a;
    mpfr_inits2(300, s, t, u, a, (mpfr_ptr)0);
    mpfr_set_d(s, -z, MPFR_RNDN);
    mpfr_exp(s, s, MPFR_RNDN);
    mpfr_add_ui(s, s, 1, MPFR_RNDN);
    mpfr_ui_div(s, 1, s, MPFR_RNDN);                 /* sigma(z) */
    mpfr_log(t, s, MPFR_RNDN);
    mpfr_mul_d(t, t, 3.0 * y, MPFR_RNDN);
    mpfr_ui_sub(u, 1, s, MPFR_RNDN);
    mpfr_log(u, u, MPFR_RNDN);
    mpfr_mul_d(u, u, 1.0 - y, MPFR_RNDN);
    mpfr_add(a, t, u, MPFR_RNDN);
    mpfr_neg(a, a, MPFR_RNDN);
    cr_expect_eq(L, bcev_round_to(BCEV_F64, a));
    /* g = (1-y) s - P y (1-s) */
    mpfr_mul_d(t, s, 1.0 - y, MPFR_RNDN);
    mpfr_ui_sub(u, 1, s, MPFR_RNDN);
    mpfr_mul_d(u, u, 3.0 * y, MPFR_RNDN);
    mpfr_sub(a, t, u, MPFR_RNDN);
    cr_expect_eq(g, bcev_round_to(BCEV_F64, a));
    mpfr_clears(s, t, u, a, (mpfr_ptr)0);
}

Test(ref, smoothing_definition)
{
    /* y' = y (1-a) + a/2: a = 0.2, y = 1 gives y' = 0.9 exactly as a real */
    bce_options o = {0};
    o.label_smoothing = 0.25;
    double L, g, L2, g2;
    ref(BCEV_LOGITS, BCEV_F64, 0.0, 1.0, 1.0, &o, &L, &g);
    cr_expect_eq(g, 0.5 - 0.875);                /* y' = 0.875 */
    ref(BCEV_LOGITS, BCEV_F64, 1.25, 1.0, 1.0, &o, &L, &g);
    ref(BCEV_LOGITS, BCEV_F64, 1.25, 0.875, 1.0, NULL, &L2, &g2);
    cr_expect(L == L2 && g == g2);
    ref(BCEV_PROBS, BCEV_F64, 0.3, 0.0, 1.0, &o, &L, &g);
    ref(BCEV_PROBS, BCEV_F64, 0.3, 0.125, 1.0, NULL, &L2, &g2);
    cr_expect(L == L2 && g == g2);
}

Test(ref, weights_scale_exactly)
{
    double L1, g1, L4, g4;
    ref(BCEV_LOGITS, BCEV_F64, 2.5, 0.3, 1.0, NULL, &L1, &g1);
    ref(BCEV_LOGITS, BCEV_F64, 2.5, 0.3, 4.0, NULL, &L4, &g4);
    cr_expect(L4 == 4 * L1 && g4 == 4 * g1);
    ref(BCEV_LOGITS, BCEV_F64, 2.5, 0.3, 0.0, NULL, &L4, &g4);
    cr_expect(L4 == 0.0 && g4 == 0.0);
}

Test(ref, deep_cancellation)
{
    /* y = RN(sigma(z)): g = sigma(z) - y is tiny; check against 1000 bits */
    double z = -0x1.49a1995be8588p+0, y = 0x1.bae433df9efdfp-3, L, g;
    ref(BCEV_LOGITS, BCEV_F64, z, y, 1.0, NULL, &L, &g);
    mpfr_t s;
    mpfr_init2(s, 1000);
    mpfr_set_d(s, -z, MPFR_RNDN);
    mpfr_exp(s, s, MPFR_RNDN);
    mpfr_add_ui(s, s, 1, MPFR_RNDN);
    mpfr_ui_div(s, 1, s, MPFR_RNDN);
    mpfr_sub_d(s, s, y, MPFR_RNDN);
    cr_expect_eq(g, bcev_round_to(BCEV_F64, s), "g=%a", g);
    cr_expect_lt(fabs(g), 0x1p-60);
    mpfr_clear(s);
}

Test(ref, nan_and_invalid)
{
    bcev_sample s = {NAN, 0.5, 1.0};
    double L, g;
    cr_expect_eq(bcev_ref(BCEV_LOGITS, BCEV_F64, &s, NULL, 1.0, &L, &g), -1);
    bce_options o = {0};
    o.flags = BCE_OPT_PROPAGATE_NAN;
    cr_expect_eq(bcev_ref(BCEV_LOGITS, BCEV_F64, &s, &o, 1.0, &L, &g), 0);
    cr_expect(isnan(L) && isnan(g));
    bcev_sample bad = {0.5, 1.5, 1.0};
    cr_expect_eq(bcev_ref(BCEV_PROBS, BCEV_F64, &bad, NULL, 1.0, &L, &g), -1);
    bcev_sample badp = {1.5, 0.5, 1.0};
    cr_expect_eq(bcev_ref(BCEV_PROBS, BCEV_F64, &badp, NULL, 1.0, &L, &g), -1);
}

Test(ref, denominator_and_reduction)
{
    double z[] = {0.0, 0.0, 0.0, 0.0}, y[] = {0.0, 1.0, 0.5, 0.25}, w[] = {1, 2, 3, 4};
    bce_options o = {0};
    o.reduction = BCE_REDUCTION_MEAN;
    double L;
    cr_assert_eq(bcev_ref_reduced(BCEV_LOGITS, BCEV_F64, 4, z, y, NULL, &o, NAN, &L), 0);
    cr_expect_eq(L, LN2_RN);                  /* mean of 4 times ln 2 */
    o.reduction = BCE_REDUCTION_WEIGHTED_MEAN;
    cr_assert_eq(bcev_ref_reduced(BCEV_LOGITS, BCEV_F64, 4, z, y, w, &o, NAN, &L), 0);
    cr_expect_eq(L, LN2_RN);                  /* sum w ln2 / sum w */
    o.reduction = BCE_REDUCTION_SUM;
    cr_assert_eq(bcev_ref_reduced(BCEV_LOGITS, BCEV_F64, 4, z, y, w, &o, NAN, &L), 0);
    cr_expect_eq(L, 10 * LN2_RN);             /* exact scaling? 10 ln2 rounds alike */
    mpfr_t d;
    mpfr_init2(d, 53);
    bcev_denominator(4, w, &o, d);
    cr_expect_eq(mpfr_get_d(d, MPFR_RNDN), 1.0);
    o.reduction = BCE_REDUCTION_WEIGHTED_MEAN;
    bcev_denominator(4, w, &o, d);
    cr_expect_eq(mpfr_get_d(d, MPFR_RNDN), 10.0);
    mpfr_clear(d);
    /* per-sample gradient under MEAN: g / n, rounded once */
    bcev_sample s = {0.0, 0.0, 1.0};
    double g;
    cr_assert_eq(bcev_ref(BCEV_LOGITS, BCEV_F64, &s, NULL, 3.0, NULL, &g), 0);
    cr_expect_eq(g, 0.5 / 3.0);
}

Test(ref, exact_matches_rounded)
{
    /* RN(bcev_exact) == bcev_ref on a spread of inputs */
    double x[512], y[512];
    mpfr_t L, G;
    mpfr_inits2(128, L, G, (mpfr_ptr)0);
    for (int f = 0; f < 2; f++)
        for (int r = 0; r < BCEV_REG_WC; r++) {
            bcev_regime_fill((bcev_regime)r, (bcev_form)f, BCEV_F64, BCEV_LABELS_ANY, 7, 0,
                             512, NULL, x, y);
            for (int i = 0; i < 512; i++) {
                bcev_sample s = {x[i], y[i], 1.0};
                double a, b;
                cr_assert_eq(bcev_ref((bcev_form)f, BCEV_F64, &s, NULL, 1.0, &a, &b), 0);
                bcev_exact((bcev_form)f, &s, NULL, 1.0, 128, L, G);
                double ra = bcev_round_to(BCEV_F64, L), rb = bcev_round_to(BCEV_F64, G);
                cr_expect(a == ra || (isnan(a) && isnan(ra)), "L %a %a: %a vs %a", x[i], y[i], a, ra);
                cr_expect(b == rb || (isnan(b) && isnan(rb)), "g %a %a: %a vs %a", x[i], y[i], b, rb);
            }
        }
    mpfr_clears(L, G, (mpfr_ptr)0);
}

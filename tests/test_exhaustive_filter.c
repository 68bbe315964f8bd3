/*
 * test_exhaustive_filter.c -- the proven double filter of `bce exhaustive`
 * (verify/exhaustive_filter.c) against the MPFR reference: every output it
 * decides must be the correct rounding, on random binary32 inputs, on the
 * hard cases of verify/wc/ and on edge values; the undecided fraction stays
 * small (the filter is useful); bcev_ulp32_approx on known distances.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "bce_verify.h"
#include "exhaustive.h"

#define RANDOM_INPUTS 200000u
#define SEED UINT64_C(0x66696c7465723031)   /* "filter01" */

static uint64_t undecided, decided;

static void check_one(bcev_form form, float x)
{
    if (bcev_f32_classify(form, x) != BCEV_X_FILTER)
        return;
    float out[2][2];
    int dec[2][2];
    double ap[2][2];
    bcev_f32_filter(form, x, out, dec, ap);
    for (int y = 0; y < 2; y++) {
        bcev_sample s = {x, (double)y, 1.0};
        double L, G;
        cr_assert_eq(bcev_ref(form, BCEV_F32, &s, NULL, 1.0, &L, &G), 0);
        float ref[2] = {(float)L, (float)G};
        for (int k = 0; k < 2; k++) {
            if (!dec[y][k]) {
                undecided++;
                continue;
            }
            decided++;
            uint32_t a, b;
            memcpy(&a, &out[y][k], 4);
            memcpy(&b, &ref[k], 4);
            cr_assert_eq(a, b, "%s x = %a y = %d %s: filter %a, MPFR %a",
                         form ? "probs" : "logits", (double)x, y, k ? "grad" : "loss",
                         (double)out[y][k], (double)ref[k]);
            /* the approximation is within the stated bound of the result */
            cr_assert(bcev_ulp32_approx(ref[k], ap[y][k]) <= 0.5 + 0x1p-20,
                      "x = %a: approximation %a too far from %a", (double)x, ap[y][k],
                      (double)ref[k]);
        }
    }
}

Test(filter, random_inputs_match_mpfr)
{
    bcev_rng r;
    bcev_rng_seed(&r, SEED);
    undecided = decided = 0;
    for (unsigned i = 0; i < RANDOM_INPUTS; i++) {
        uint32_t b = (uint32_t)bcev_rng_next(&r);
        /* half of them in |x| < 128, where the results are not trivial */
        if (i & 1)
            b = (b & 0x80ffffffu) | (uint32_t)(0x30 + (bcev_rng_next(&r) % 0x13)) << 24;
        float x;
        memcpy(&x, &b, 4);
        check_one(BCEV_LOGITS, x);
        float p = fabsf(x);
        if (!(p <= 1.0f))
            p = (float)bcev_rng_unif(&r);
        check_one(BCEV_PROBS, p);
    }
    cr_assert_gt(decided, 0);
    /* about 2^-19 of the outputs are expected undecided; 1e-3 is generous */
    cr_assert_lt((double)undecided, 1e-3 * (double)(decided + undecided),
                 "%llu undecided of %llu", (unsigned long long)undecided,
                 (unsigned long long)(decided + undecided));
}

Test(filter, edges_and_hard_cases)
{
    static const float edges[] = {
        0x1p-149f, -0x1p-149f, 0x1p-126f, 0x1.fffffep-127f, 0x1p-24f, 0x1p-1f, 0x1.fffffep-1f,
        0.0f, -0.0f, 1.0f, -1.0f, 17.0f, -17.0f, 87.33654f, 88.72284f, -88.72284f,
        103.97208f, 104.0f, -104.0f, 0x1.fffffep+127f, -0x1.fffffep+127f, 0x1p+64f,
    };
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        check_one(BCEV_LOGITS, edges[i]);
        check_one(BCEV_PROBS, edges[i]);
    }
    for (int f = 0; f < 2; f++) {
        bcev_wc wc;
        cr_assert_eq(bcev_wc_load(bcev_wc_default_dir(), (bcev_form)f, BCEV_F32, &wc), 0);
        for (size_t i = 0; i < wc.n; i++)
            check_one((bcev_form)f, (float)wc.x[i]);
        bcev_wc_free(&wc);
    }
}

Test(filter, classify)
{
    cr_assert_eq(bcev_f32_classify(BCEV_LOGITS, NAN), BCEV_X_NAN);
    cr_assert_eq(bcev_f32_classify(BCEV_LOGITS, INFINITY), BCEV_X_SPECIAL);
    cr_assert_eq(bcev_f32_classify(BCEV_LOGITS, -FLT_MAX), BCEV_X_FILTER);
    cr_assert_eq(bcev_f32_classify(BCEV_PROBS, -0.0f), BCEV_X_SPECIAL);
    cr_assert_eq(bcev_f32_classify(BCEV_PROBS, -0x1p-149f), BCEV_X_RANGE);
    cr_assert_eq(bcev_f32_classify(BCEV_PROBS, 0x1.000002p+0f), BCEV_X_RANGE);
    cr_assert_eq(bcev_f32_classify(BCEV_PROBS, INFINITY), BCEV_X_RANGE);
    cr_assert_eq(bcev_f32_classify(BCEV_PROBS, 0x1.fffffep-1f), BCEV_X_FILTER);
}

Test(filter, ulp32_approx)
{
    cr_assert_eq(bcev_ulp32_approx(1.0f, 1.0), 0.0);
    cr_assert_eq(bcev_ulp32_approx(0x1.000002p+0f, 1.0), 1.0);      /* ulp(1) = 2^-23 */
    cr_assert_eq(bcev_ulp32_approx(0x1.fffffep-1f, 1.0), 0.5);      /* ulp of the exact: 2^-23 */
    cr_assert_eq(bcev_ulp32_approx(1.0f, 0x1.fffffep-1), 1.0);      /* ulp below 1: 2^-24 */
    cr_assert_eq(bcev_ulp32_approx(0x1p-149f, 0.0), 1.0);           /* subnormal ulp */
    cr_assert_eq(bcev_ulp32_approx(0x1p-148f, 0x1.8p-149), 0.5);
    cr_assert_eq(bcev_ulp32_approx(INFINITY, 0x1p128), 0.0);        /* correct overflow */
    cr_assert_eq(bcev_ulp32_approx(INFINITY, 0x1.ffffffp127), 0.5);
    cr_assert(isinf(bcev_ulp32_approx(-INFINITY, 1.0)));
    cr_assert_eq(bcev_ulp32_approx(NAN, NAN), 0.0);
}

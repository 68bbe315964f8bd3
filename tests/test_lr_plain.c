/*
 * test_lr_plain.c -- the fast mode's rows of the fused logistic regression
 * (src/logreg/logreg_l1_tmpl.h lr_plain: plain doubles, no tables) against
 * MPFR, with the budgets written next to the code:
 *   |L^ - L| <= 11.3 u L,  |G^ - G| <= 16.1 u T,  |H^ - H| <= 13.1 u H
 * (u = 2^-53, T = beta sigma + alpha (1 - sigma), alpha = y, beta = 1 - y),
 * for |z| <= 600 (and z = 0, tiny z), hard and soft labels; and the same
 * bits from the AVX2 lanes (v4_el_lr_plain) and the scalar code
 * (bce_el_lr_plain).  Compiled with -mavx2 -mfma (skips without AVX2).
 * Prints the measured maxima in units of u (docs/ACCURACY.md).
 */
#include <criterion/criterion.h>
#include <mpfr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "logreg/logreg_l1_scalar.h"
#include "isa/x86_avx2/vec_avx2.h"
#include "level1/logits_hot_tmpl.h"
#include "level0/elem_tmpl.h"
#include "level0/logits_tmpl.h"
#include "logreg/logreg_l1_tmpl.h"
#include "bce_verify.h"
#include "test_env.h"

#define PREC 1200   /* e^-z for |z| <= 600 and its sums exact enough */
static const double u = 0x1p-53;


static bcev_rng rng;

static double rand_z(void)
{
    double r = bcev_rng_unif(&rng);
    double mag = r < 0.02 ? 0.0
               : r < 0.07 ? __builtin_ldexp(1.0 + bcev_rng_unif(&rng), -(int)(bcev_rng_next(&rng) % 1000) - 1)
               : r < 0.9 ? bcev_rng_unif(&rng) * 40.0 : bcev_rng_unif(&rng) * 600.0;
    return (bcev_rng_next(&rng) & 1) ? mag : -mag;
}

/* |v - ex| / scale in units of u */
static double err_u(double v, mpfr_t ex, mpfr_t scale)
{
    mpfr_t d;
    mpfr_init2(d, PREC);
    mpfr_sub_d(d, ex, v, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    mpfr_div(d, d, scale, MPFR_RNDN);
    double r = mpfr_get_d(d, MPFR_RNDU) / u;
    mpfr_clear(d);
    return r;
}

Test(lr_plain, budgets_and_same_bits)
{
    if (!bce_isa_available("avx2")) { cr_skip_test("no AVX2"); }
    bcev_rng_seed(&rng, 4242);
    const long n = bce_test_samples(200000);
    double mL = 0, mG = 0, mH = 0, zL = 0, zG = 0, zH = 0;
    long diff = 0;
    mpfr_t s, e, L, G, H, T, t;
    mpfr_inits2(PREC, s, e, L, G, H, T, t, (mpfr_ptr)0);
    for (long i = 0; i < n; i += 4) {
        v4d z, y;
        for (int l = 0; l < 4; l++) {
            z[l] = rand_z();
            y[l] = (i & 4) ? bcev_rng_unif(&rng) : (double)(bcev_rng_next(&rng) & 1);
        }
        v4d Lv, Gv, Hv;
        v4_el_lr_plain(z, y, 1, 1, &Lv, &Gv, &Hv);
        for (int l = 0; l < 4; l++) {
            double Ls, Gs, Hs;
            bce_el_lr_plain(z[l], y[l], 1, 1, &Ls, &Gs, &Hs);
            if (memcmp(&Ls, &Lv[l], 8) || memcmp(&Gs, &Gv[l], 8) || memcmp(&Hs, &Hv[l], 8)) {
                if (diff++ < 5)
                    cr_log_error("z=%a y=%a: AVX2 (%a %a %a) scalar (%a %a %a)", z[l], y[l],
                                 Lv[l], Gv[l], Hv[l], Ls, Gs, Hs);
            }
            /* sigma = 1/(1 + e^-z); L = log(1 + e^z) - y z; G = sigma - y */
            mpfr_set_d(e, -z[l], MPFR_RNDN);
            mpfr_exp(e, e, MPFR_RNDN);
            mpfr_add_ui(s, e, 1, MPFR_RNDN);
            mpfr_div(t, e, s, MPFR_RNDN);                    /* 1 - sigma = e/(1+e) */
            mpfr_ui_div(s, 1, s, MPFR_RNDN);                 /* sigma */
            mpfr_mul(H, s, t, MPFR_RNDN);
            mpfr_sub_d(G, s, y[l], MPFR_RNDN);
            /* T = (1 - y) sigma + y (1 - sigma) */
            mpfr_mul_d(T, t, y[l], MPFR_RNDN);
            {
                mpfr_t b;
                mpfr_init2(b, PREC);
                mpfr_set_d(b, y[l], MPFR_RNDN);
                mpfr_ui_sub(b, 1, b, MPFR_RNDN);             /* beta exactly */
                mpfr_mul(e, s, b, MPFR_RNDN);
                mpfr_clear(b);
            }
            mpfr_add(T, T, e, MPFR_RNDN);
            /* L = -y log sigma - (1 - y) log(1 - sigma) */
            mpfr_log(e, s, MPFR_RNDN);
            mpfr_mul_d(e, e, y[l], MPFR_RNDN);
            mpfr_log(L, t, MPFR_RNDN);
            {
                mpfr_t b;
                mpfr_init2(b, PREC);
                mpfr_set_d(b, y[l], MPFR_RNDN);
                mpfr_ui_sub(b, 1, b, MPFR_RNDN);
                mpfr_mul(L, L, b, MPFR_RNDN);
                mpfr_clear(b);
            }
            mpfr_add(L, L, e, MPFR_RNDN);
            mpfr_neg(L, L, MPFR_RNDN);
            double a = err_u(Lv[l], L, L), b = err_u(Gv[l], G, T), c = err_u(Hv[l], H, H);
            if (a > mL) { mL = a; zL = z[l]; }
            if (b > mG) { mG = b; zG = z[l]; }
            if (c > mH) { mH = c; zH = z[l]; }
        }
    }
    printf("lr_plain: max |L^-L|/L %.2f u (z=%a), |G^-G|/T %.2f u (z=%a), |H^-H|/H %.2f u (z=%a); %ld samples\n",
           mL, zL, mG, zG, mH, zH, n);
    cr_expect_eq(diff, 0, "AVX2 and scalar lr_plain differ on %ld inputs", diff);
    cr_expect(mL <= 11.3, "loss error %.2f u > 11.3 u at z=%a", mL, zL);
    cr_expect(mG <= 16.1, "gradient error %.2f u T > 16.1 u T at z=%a", mG, zG);
    cr_expect(mH <= 13.1, "h error %.2f u > 13.1 u at z=%a", mH, zH);
    mpfr_clears(s, e, L, G, H, T, t, (mpfr_ptr)0);
}

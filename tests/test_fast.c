/*
 * test_fast.c -- level 0, the double-only level of the AVX2 logits kernels
 * (src/level0/logits_tmpl.h) against MPFR, before any rounding:
 *   - exp_lean: relative error <= 2^-67 (its budget, 2^-67.5 by hand);
 *   - log_1to2: relative error <= 2^-65 on D = 1 + e, Dh in [1, 2];
 *   - log_12 (the logits' log): the same budget, and its proven 2^-66.4;
 *   - logits_l0: every result's attached bound (Lef, Gef) holds, for hard
 *     and soft labels; the relative maxima are printed (docs/ACCURACY.md).
 * The rounding tests of simd/loop_tmpl.h rely on exactly these bounds.
 * This file is compiled with -mavx2 -mfma (tests/meson.build); the suite
 * skips when the CPU cannot run AVX2.  Fixed seeds; BCE_TEST_SAMPLES scales.
 */
#include <criterion/criterion.h>
#include <mpfr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "isa/x86_avx2/vec_avx2.h"
#include "level1/logits_hot_tmpl.h"
#include "level1/probs_hot_tmpl.h"
#include "level0/elem_tmpl.h"
#include "level0/logits_tmpl.h"
#include "level0/probs_tmpl.h"
#include "level0/f32_coef.h"
#include "level0/f32_tmpl.h"
#include "logreg/logreg_l1_tmpl.h"
#include "bce_verify.h"
#include "test_env.h"

/* 2200 bits: the sum of two doubles (and of three, for D) is exact, and
 * the reference is accurate far below the smallest bound checked here (a
 * gradient -1 + s0 with s0 ~ 2^-866 has a bound near 2^-918). */
#define PREC 2200

static bcev_rng rng;
static uint64_t rnd64(void) { return bcev_rng_next(&rng); }
static double rnd01(void) { return bcev_rng_unif(&rng); }


static int have_avx2(void) { return bce_isa_available("avx2"); }

typedef struct { double maxrel, x, y; long viol, n; } stat_t;

/* relative error of (hi + lo) 2^E against exact; returns it (double) */
static double relerr(double hi, double lo, long E, mpfr_t exact)
{
    mpfr_t g;
    mpfr_init2(g, PREC);
    mpfr_set_d(g, hi, MPFR_RNDN);
    mpfr_add_d(g, g, lo, MPFR_RNDN);
    mpfr_mul_2si(g, g, E, MPFR_RNDN);
    mpfr_sub(g, g, exact, MPFR_RNDN);
    mpfr_div(g, g, exact, MPFR_RNDN);
    mpfr_abs(g, g, MPFR_RNDN);
    double r = mpfr_get_d(g, MPFR_RNDU);
    mpfr_clear(g);
    return r;
}

/* |hi + lo - exact| <= bound ?  (all in MPFR) */
static int within(double hi, double lo, double bound, mpfr_t exact)
{
    mpfr_t g;
    mpfr_init2(g, PREC);
    mpfr_set_d(g, hi, MPFR_RNDN);
    mpfr_add_d(g, g, lo, MPFR_RNDN);
    mpfr_sub(g, g, exact, MPFR_RNDN);
    mpfr_abs(g, g, MPFR_RNDN);
    int ok = mpfr_cmp_d(g, bound) <= 0;
    mpfr_clear(g);
    return ok;
}

static void note(stat_t *st, double rel, double x, double y)
{
    st->n++;
    if (rel > st->maxrel) { st->maxrel = rel; st->x = x; st->y = y; }
}

static double rand_logit(void)
{
    double u = rnd01();
    double mag = u < 0.05 ? __builtin_ldexp(1.0 + rnd01(), -(int)(rnd64() % 899) - 1)
               : (u < 0.9 ? rnd01() * 40.0 : rnd01() * 600.0);
    if (mag < 0x1p-900) mag = 0x1p-900;
    if (mag > 600.0) mag = 600.0;
    return (rnd64() & 1) ? mag : -mag;
}

Test(fast, exp_lean)
{
    if (!have_avx2()) { cr_skip_test("no AVX2"); }
    long n = bce_test_samples(400000);
    bcev_rng_seed(&rng, 11);
    stat_t st = { 0 };
    mpfr_t ex;
    mpfr_init2(ex, PREC);
    for (long i = 0; i < n; i += 4) {
        v4d x;
        for (int l = 0; l < 4; l++) x[l] = -__builtin_fabs(rand_logit());
        v4i E;
        v4dd m = v4_el_exp_lean(x, &E);
        for (int l = 0; l < 4; l++) {
            mpfr_set_d(ex, x[l], MPFR_RNDN);
            mpfr_exp(ex, ex, MPFR_RNDN);
            note(&st, relerr(m.hi[l], m.lo[l], E[l], ex), x[l], 0);
        }
    }
    printf("fast exp_lean: max rel err %.3g (2^%.2f) at x=%a (%ld samples)\n",
           st.maxrel, __builtin_log2(st.maxrel), st.x, st.n);
    cr_expect(st.maxrel <= 0x1p-67, "exp_lean rel err %g > 2^-67 at x=%a", st.maxrel, st.x);
    mpfr_clear(ex);
}

Test(fast, log_1to2)
{
    if (!have_avx2()) { cr_skip_test("no AVX2"); }
    long n = bce_test_samples(400000);
    bcev_rng_seed(&rng, 12);
    stat_t st = { 0 };
    mpfr_t ex, t;
    mpfr_inits2(PREC, ex, t, (mpfr_ptr)0);
    for (long i = 0; i < n; i += 4) {
        /* D = 1 + e as the kernel forms it: Dh + Dl = 1 + eh exactly (Dl
         * the TwoSum error), Du = el, |el| <= ulp(eh)/2 */
        v4d Dh, Dl, Du;
        for (int l = 0; l < 4; l++) {
            double u = rnd01();
            double e = u < 0.3 ? __builtin_ldexp(1.0 + rnd01(), -(int)(rnd64() % 866) - 1)
                               : (u < 0.5 ? __builtin_ldexp(1.0 + rnd01(), -(int)(rnd64() % 10) - 1)
                                          : rnd01());
            double el = e * 0x1p-53 * (2 * rnd01() - 1);
            double h = 1.0 + e;
            Dh[l] = h; Dl[l] = (1.0 - h) + e; Du[l] = el;
        }
        v4dd r = v4_el_log_1to2(Dh, Dl, Du);
        for (int l = 0; l < 4; l++) {
            mpfr_set_d(ex, Dh[l], MPFR_RNDN);
            mpfr_add_d(ex, ex, Dl[l], MPFR_RNDN);
            mpfr_add_d(ex, ex, Du[l], MPFR_RNDN);
            mpfr_log(ex, ex, MPFR_RNDN);
            note(&st, relerr(r.hi[l], r.lo[l], 0, ex), Dh[l], Dl[l] + Du[l]);
        }
    }
    printf("fast log_1to2: max rel err %.3g (2^%.2f) at Dh=%a Dl+Du=%a (%ld samples)\n",
           st.maxrel, __builtin_log2(st.maxrel), st.x, st.y, st.n);
    cr_expect(st.maxrel <= 0x1p-65, "log_1to2 rel err %g > 2^-65", st.maxrel);
    mpfr_clears(ex, t, (mpfr_ptr)0);
}

/* log_12 (the logits' log(1 + e), level0/elem_tmpl.h): D = 1 + e formed as
 * the kernel forms it, e random over (0, 1] (tiny, near 2^-k, uniform), plus
 * every table boundary 1 + i 2^-8 with e one or two ulps either side (so D = 2
 * with Dl < 0 too), el of either sign.  Asserts the budget the
 * rounding tests use (2^-65) and the bound proven at log_12 (2^-66.4). */
static void log12_note(stat_t *st, v4d Dh, v4d Dl, v4d Du, mpfr_t ex)
{
    v4dd r = v4_el_log_12(Dh, Dl, Du);
    for (int l = 0; l < 4; l++) {
        mpfr_set_d(ex, Dh[l], MPFR_RNDN);
        mpfr_add_d(ex, ex, Dl[l], MPFR_RNDN);
        mpfr_add_d(ex, ex, Du[l], MPFR_RNDN);
        mpfr_log(ex, ex, MPFR_RNDN);
        note(st, relerr(r.hi[l], r.lo[l], 0, ex), Dh[l], Dl[l] + Du[l]);
    }
}
Test(fast, log_12)
{
    if (!have_avx2()) { cr_skip_test("no AVX2"); }
    long n = bce_test_samples(400000);
    bcev_rng_seed(&rng, 13);
    stat_t st = { 0 };
    mpfr_t ex;
    mpfr_init2(ex, PREC);
    for (long i = 0; i < n; i += 4) {
        v4d Dh, Dl, Du;
        for (int l = 0; l < 4; l++) {
            double u = rnd01();
            double e = u < 0.3 ? __builtin_ldexp(1.0 + rnd01(), -(int)(rnd64() % 866) - 1)
                               : (u < 0.5 ? __builtin_ldexp(1.0 + rnd01(), -(int)(rnd64() % 10) - 1)
                                          : rnd01());
            if (e == 0.0) e = 0x1p-900;
            double el = e * 0x1p-53 * (2 * rnd01() - 1);
            double h = 1.0 + e;
            Dh[l] = h; Dl[l] = (1.0 - h) + e; Du[l] = el;
        }
        log12_note(&st, Dh, Dl, Du, ex);
    }
    long nrand = st.n;
    /* the boundaries: e = b - 1 (exact) for b = 1 + i 2^-8, and e one and
     * two ulps either side (1 + e then rounds to b or a neighbour, with a
     * nonzero TwoSum error Dl), el = +-e 2^-53, +-e 2^-54 (as the kernel:
     * |el| <= ulp(e)/2); i = 0 is e = 2^-1074 .. 2^-52 instead */
    for (int i = 0; i <= 256; i++) {
        double b = 1.0 + i * 0x1p-8, e0 = b - 1.0;        /* exact */
        for (int d = -2; d <= 2; d++) {
            double e = e0;
            for (int k = 0; k < (d < 0 ? -d : d); k++) e = __builtin_nextafter(e, d < 0 ? 0.0 : 2.0);
            if (i == 0) e = __builtin_ldexp(1.0, -1074 + 255 * (d + 2) + (d == 2 ? 2 : 0));
            if (!(e > 0.0) || e > 1.0) continue;
            double h = 1.0 + e;
            v4d Dh = { h, h, h, h }, Dl, Du;
            const double w[4] = { 0x1p-53, -0x1p-53, 0x1p-54, -0x1p-54 };
            for (int l = 0; l < 4; l++) { Dl[l] = (1.0 - h) + e; Du[l] = e * w[l]; }
            log12_note(&st, Dh, Dl, Du, ex);
        }
    }
    printf("fast log_12: max rel err %.3g (2^%.2f) at Dh=%a Dl+Du=%a (%ld random + %ld boundary samples;"
           " proven 2^-66.4, budget 2^-65)\n",
           st.maxrel, __builtin_log2(st.maxrel), st.x, st.y, nrand, st.n - nrand);
    cr_expect(st.maxrel <= 0x1.85p-67, "log_12 rel err %g > 2^-66.4 (its proven bound)", st.maxrel);
    cr_expect(st.maxrel <= 0x1p-65, "log_12 rel err %g > 2^-65", st.maxrel);
    mpfr_clear(ex);
}

/* the exact loss and gradient (libbce-verify's reference) */
static void exact_logits(double z, double y, mpfr_t L, mpfr_t G)
{
    bcev_sample smp = { z, y, 1.0 };
    bcev_exact(BCEV_LOGITS, &smp, NULL, 1.0, PREC, L, G);
}

static void run_logits(int soft, uint64_t seed)
{
    long n = bce_test_samples(100000);
    bcev_rng_seed(&rng, seed);
    stat_t sl = { 0 }, sg = { 0 }, sh = { 0 }, shg = { 0 }, shd = { 0 };
    mpfr_t L, G;
    mpfr_inits2(PREC, L, G, (mpfr_ptr)0);
    for (long i = 0; i < n; i += 4) {
        v4d z, y;
        for (int l = 0; l < 4; l++) {
            z[l] = rand_logit();
            y[l] = soft ? rnd01() : (double)(rnd64() & 1);
        }
        v4dd Lv, Gv;
        v4d Lef, Led, Gef, Ged;
        (void)v4_el_logits_l0(z, y, 1, 1, &Lv, &Lef, &Led, &Gv, &Gef, &Ged);
        /* hard labels: the staged loop's hard-label variant of the last
         * stage (logits_l0_bh) on the same stages' outputs */
        v4dd Lh = Lv, Gh = Gv;
        v4d Lhe = Lef, Lhd = Led, Ghe = Gef, Ghd = Ged;
        if (!soft) {
            v4d eh, el;
            v4_el_logits_l0_e(z, &eh, &el);
            v4dd lg = v4_el_logits_l0_lg(eh, el);
            (void)v4_el_logits_l0_bh(z, y, eh, el, lg, 1, 1, &Lh, &Lhe, &Lhd, &Gh, &Ghe, &Ghd);
        }
        for (int l = 0; l < 4; l++) {
            exact_logits(z[l], y[l], L, G);
            if (!soft) {
                /* the loss: logits_l0_b's statements (same values, bounds) */
                if ((Lh.hi[l] != Lv.hi[l] || Lh.lo[l] != Lv.lo[l] || Lhe[l] != Lef[l] ||
                     Lhd[l] != Led[l]) && sh.viol++ < 5)
                    cr_log_error("hard variant loss differs at z=%a y=%a", z[l], y[l]);
                if (!within(Gh.hi[l], Gh.lo[l], Ghe[l], G) && shg.viol++ < 5)
                    cr_log_error("hard variant grad z=%a y=%a: error exceeds Gef=%a",
                                 z[l], y[l], Ghe[l]);
                /* its dd bound is at least logits_l0_b's (up to 2^-50) */
                if (!(Ghd[l] >= Ged[l] * (1 - 0x1p-50)) && shd.viol++ < 5)
                    cr_log_error("hard variant Ged=%a < %a at z=%a y=%a", Ghd[l], Ged[l],
                                 z[l], y[l]);
                note(&shg, relerr(Gh.hi[l], Gh.lo[l], 0, G), z[l], y[l]);
            }
            if (!within(Lv.hi[l], Lv.lo[l], Lef[l], L) && sl.viol++ < 5)
                cr_log_error("loss z=%a y=%a: error exceeds Lef=%a", z[l], y[l], Lef[l]);
            if (!within(Gv.hi[l], Gv.lo[l], Gef[l], G) && sg.viol++ < 5)
                cr_log_error("grad z=%a y=%a: error exceeds Gef=%a", z[l], y[l], Gef[l]);
            note(&sl, relerr(Lv.hi[l], Lv.lo[l], 0, L), z[l], y[l]);
            if (!soft) note(&sg, relerr(Gv.hi[l], Gv.lo[l], 0, G), z[l], y[l]);
        }
    }
    printf("fast logits (%s labels): loss max rel err %.3g (2^%.2f) at z=%a y=%a",
           soft ? "soft" : "hard", sl.maxrel, __builtin_log2(sl.maxrel), sl.x, sl.y);
    if (!soft)
        printf("; grad %.3g (2^%.2f) at z=%a y=%a", sg.maxrel, __builtin_log2(sg.maxrel), sg.x, sg.y);
    printf(" (%ld samples)\n", sl.n);
    cr_expect_eq(sl.viol, 0, "loss bound Lef violated %ld times", sl.viol);
    cr_expect_eq(sg.viol, 0, "grad bound Gef violated %ld times", sg.viol);
    /* the budgets stated in the header: loss 1.3125 2^-65 + 2^-100,
     * sigma 2^-66.9 (hard labels: |g| >= s0) */
    cr_expect(sl.maxrel <= 0x1.5p-65 + 0x1p-100, "loss rel err %g", sl.maxrel);
    if (!soft) cr_expect(sg.maxrel <= 0x1.2p-67, "grad rel err %g", sg.maxrel);
    if (!soft) {
        printf("fast logits, hard-label variant: grad max rel err %.3g (2^%.2f) at z=%a y=%a\n",
               shg.maxrel, __builtin_log2(shg.maxrel), shg.x, shg.y);
        cr_expect_eq(sh.viol, 0, "hard variant: loss differs %ld times", sh.viol);
        cr_expect_eq(shg.viol, 0, "hard variant: grad bound Gef violated %ld times", shg.viol);
        cr_expect_eq(shd.viol, 0, "hard variant: Ged below logits_l0_b's %ld times", shd.viol);
        cr_expect(shg.maxrel <= 0x1.2p-67, "hard variant grad rel err %g", shg.maxrel);
    }
    mpfr_clears(L, G, (mpfr_ptr)0);
}

Test(fast, logits_hard_labels)
{
    if (!have_avx2()) { cr_skip_test("no AVX2"); }
    run_logits(0, 13);
}

Test(fast, logits_soft_labels)
{
    if (!have_avx2()) { cr_skip_test("no AVX2"); }
    run_logits(1, 14);
}

/* ---- the float outputs' table-free level 1 (level0/f32_tmpl.h) ---- */

/* x in [lo, hi] ?  (exact, in MPFR) */
static int bracket(double lo, double hi, mpfr_t v)
{
    return mpfr_cmp_d(v, lo) >= 0 && mpfr_cmp_d(v, hi) <= 0;
}

static double rand_logit_f32(void)
{
    double u = rnd01();
    float z = u < 0.02 ? 0.0f
            : (float)(u < 0.07 ? __builtin_ldexp(1.0 + rnd01(), -(int)(rnd64() % 148) - 1)
                               : (u < 0.9 ? rnd01() * 40.0 : rnd01() * 600.0));
    return (rnd64() & 1) ? z : -z;
}

/* exp_f32v: relative error <= EPS_E = 1.955e-14 (2^-45.54) on a = |z|,
 * z a float in [-600, 600] */
Test(fast, exp_f32v)
{
    if (!have_avx2()) { cr_skip_test("no AVX2"); }
    long n = bce_test_samples(400000);
    bcev_rng_seed(&rng, 21);
    stat_t st = { 0 };
    mpfr_t ex;
    mpfr_init2(ex, PREC);
    for (long i = 0; i < n; i += 4) {
        v4d a;
        for (int l = 0; l < 4; l++) a[l] = __builtin_fabs(rand_logit_f32());
        if (i == 0) { a[0] = 600.0; a[1] = 0.0; a[2] = 0x1.62e43p-2f; a[3] = 0x1p-149; }
        v4d e = v4_el_exp_f32v(a);
        for (int l = 0; l < 4; l++) {
            mpfr_set_d(ex, -a[l], MPFR_RNDN);
            mpfr_exp(ex, ex, MPFR_RNDN);
            note(&st, relerr(e[l], 0.0, 0, ex), a[l], 0);
        }
    }
    printf("f32v exp: max rel err %.3g (2^%.2f) at a=%a (%ld samples; budget 1.955e-14 = 2^-45.54)\n",
           st.maxrel, __builtin_log2(st.maxrel), st.x, st.n);
    cr_expect(st.maxrel <= 1.955e-14, "exp_f32v rel err %g > EPS_E at a=%a", st.maxrel, st.x);
    mpfr_clear(ex);
}

/* atanh2_15 on (0, 1/3] and atanh2_11 on [-0.1716, 0.1716]: relative
 * error <= the polynomial's certified supnorm + 2.2 u */
Test(fast, atanh2_f32v)
{
    if (!have_avx2()) { cr_skip_test("no AVX2"); }
    long n = bce_test_samples(400000);
    bcev_rng_seed(&rng, 22);
    stat_t s15 = { 0 }, s11 = { 0 };
    mpfr_t ex;
    mpfr_init2(ex, 256);      /* atanh at 2200 bits is slow; 256 is plenty */
    for (long i = 0; i < n; i += 4) {
        v4d s, t;
        for (int l = 0; l < 4; l++) {
            double u = rnd01();
            s[l] = u < 0.2 ? __builtin_ldexp(1.0 + rnd01(), -(int)(rnd64() % 900) - 3) : rnd01() / 3;
            t[l] = (rnd64() & 1 ? 1 : -1) * (u < 0.2 ? __builtin_ldexp(1.0 + rnd01(), -(int)(rnd64() % 150) - 4)
                                                     : rnd01() * 0.1716);
        }
        if (i == 0) { s[0] = 1.0 / 3; t[0] = 0.1716; }
        v4d r15 = v4_el_atanh2_15(s), r11 = v4_el_atanh2_11(t);
        for (int l = 0; l < 4; l++) {
            mpfr_set_d(ex, s[l], MPFR_RNDN);
            mpfr_atanh(ex, ex, MPFR_RNDN);
            mpfr_mul_2ui(ex, ex, 1, MPFR_RNDN);
            note(&s15, relerr(r15[l], 0.0, 0, ex), s[l], 0);
            mpfr_set_d(ex, t[l], MPFR_RNDN);
            mpfr_atanh(ex, ex, MPFR_RNDN);
            mpfr_mul_2ui(ex, ex, 1, MPFR_RNDN);
            note(&s11, relerr(r11[l], 0.0, 0, ex), t[l], 0);
        }
    }
    printf("f32v atanh2_15: max rel err %.3g (2^%.2f) at s=%a (budget 7.027e-14 + 2.2u = 2^-43.66); "
           "atanh2_11: %.3g (2^%.2f) at s=%a (budget 2.954e-14 + 2.2u = 2^-44.88)\n",
           s15.maxrel, __builtin_log2(s15.maxrel), s15.x, s11.maxrel, __builtin_log2(s11.maxrel), s11.x);
    cr_expect(s15.maxrel <= 7.027e-14 + 2.2 * 0x1p-53, "atanh2_15 rel err %g", s15.maxrel);
    cr_expect(s11.maxrel <= 2.954e-14 + 2.2 * 0x1p-53, "atanh2_11 rel err %g", s11.maxrel);
    mpfr_clear(ex);
}

/* logits_f32v: on float z (|z| <= 600, 0 included) and float labels, hard
 * and soft: every result's interval [lo, hi] holds the exact value (the
 * rounding test's premise); the stage-A values s, s0 within EPS_S =
 * 2.010e-14 (2^-45.50); the loss within (EPS_LG + 2.01 u) = 2^-43.28,
 * measured on (lo + hi)/2 (lo, hi = RN(L (1 -+ KL)): their mean is L
 * within 2u) */
Test(fast, logits_f32v_bounds)
{
    if (!have_avx2()) { cr_skip_test("no AVX2"); }
    long n = bce_test_samples(100000);
    bcev_rng_seed(&rng, 23);
    stat_t ss = { 0 }, s0s = { 0 }, sl = { 0 };
    long viol = 0;
    mpfr_t L, G, ex;
    mpfr_inits2(PREC, L, G, ex, (mpfr_ptr)0);
    for (long i = 0; i < n; i += 4) {
        v4d z, y;
        for (int l = 0; l < 4; l++) {
            z[l] = rand_logit_f32();
            y[l] = (i & 4) ? (float)rnd01() : (double)(rnd64() & 1);
            if ((i & 12) == 12) y[l] = (float)(1.0 / (1.0 + __builtin_exp(-z[l])));  /* near sigma */
        }
        v4d T[3], Llo, Lhi, Glo, Ghi;
        v4_el_logits_f32v_a1(z, y, 1, 1, T);
        v4_el_logits_f32v_a2(1, 1, T);
        v4_el_logits_f32v_b(z, y, 1, 1, T, &Llo, &Lhi, &Glo, &Ghi);
        for (int l = 0; l < 4; l++) {
            exact_logits(z[l], y[l], L, G);
            if (!bracket(Llo[l], Lhi[l], L) && viol++ < 5)
                cr_log_error("loss z=%a y=%a: exact not in [%a, %a]", z[l], y[l], Llo[l], Lhi[l]);
            if (!bracket(Glo[l], Ghi[l], G) && viol++ < 5)
                cr_log_error("grad z=%a y=%a: exact not in [%a, %a]", z[l], y[l], Glo[l], Ghi[l]);
            double a = __builtin_fabs(z[l]);
            /* s = e/(2 + e), s0 = e/(1 + e), e = e^-a */
            mpfr_set_d(ex, -a, MPFR_RNDN);
            mpfr_exp(ex, ex, MPFR_RNDN);
            mpfr_t q;
            mpfr_init2(q, PREC);
            mpfr_add_ui(q, ex, 2, MPFR_RNDN);
            mpfr_div(q, ex, q, MPFR_RNDN);
            note(&ss, relerr(T[0][l], 0.0, 0, q), z[l], y[l]);
            mpfr_add_ui(q, ex, 1, MPFR_RNDN);
            mpfr_div(q, ex, q, MPFR_RNDN);
            note(&s0s, relerr(T[1][l], 0.0, 0, q), z[l], y[l]);
            mpfr_clear(q);
            note(&sl, relerr(0.5 * Llo[l] + 0.5 * Lhi[l], 0.0, 0, L), z[l], y[l]);
        }
    }
    printf("f32v logits: s %.3g (2^%.2f) at z=%a, s0 %.3g (2^%.2f) at z=%a (budget EPS_S 2^-45.50); "
           "loss %.3g (2^%.2f) at z=%a y=%a (budget 2^-43.28)\n",
           ss.maxrel, __builtin_log2(ss.maxrel), ss.x, s0s.maxrel, __builtin_log2(s0s.maxrel), s0s.x,
           sl.maxrel, __builtin_log2(sl.maxrel), sl.x, sl.y);
    cr_expect_eq(viol, 0, "an exact value outside its interval (%ld times)", viol);
    cr_expect(ss.maxrel <= 2.010e-14, "s rel err %g", ss.maxrel);
    cr_expect(s0s.maxrel <= 2.010e-14, "s0 rel err %g", s0s.maxrel);
    cr_expect(sl.maxrel <= 9.36e-14, "loss rel err %g", sl.maxrel);   /* 9.335e-14 + 2u */
    mpfr_clears(L, G, ex, (mpfr_ptr)0);
}

static double rand_prob(void)
{
    double u = rnd01(), p;
    if (u < 0.3) p = rnd01();
    else if (u < 0.6) p = __builtin_ldexp(1.0 + rnd01(), -(int)(rnd64() % 799) - 2);
    else p = 1.0 - __builtin_ldexp(1.0 + rnd01(), -(int)(rnd64() % 52) - 2);
    if (!(p < 1.0)) p = 0.5;
    if (p < 0x1p-800) p = 0x1p-800;
    return p;
}

Test(fast, log_l0)
{
    if (!have_avx2()) { cr_skip_test("no AVX2"); }
    long n = bce_test_samples(400000);
    bcev_rng_seed(&rng, 16);
    stat_t st = { 0 };
    mpfr_t ex;
    mpfr_init2(ex, PREC);
    for (long i = 0; i < n; i += 4) {
        v4d xh, xl;
        for (int l = 0; l < 4; l++) {
            double p = rand_prob();
            if (rnd64() & 1) { xh[l] = p; xl[l] = 0.0; }
            else { double q = 1.0 - p; xh[l] = q; xl[l] = (1.0 - q) - p; }  /* 1 - p exactly */
        }
        v4dd r = v4_el_log_l0(xh, xl);
        for (int l = 0; l < 4; l++) {
            mpfr_set_d(ex, xh[l], MPFR_RNDN);
            mpfr_add_d(ex, ex, xl[l], MPFR_RNDN);
            mpfr_log(ex, ex, MPFR_RNDN);
            note(&st, relerr(r.hi[l], r.lo[l], 0, ex), xh[l], xl[l]);
        }
    }
    printf("fast log_l0: max rel err %.3g (2^%.2f) at xh=%a xl=%a (%ld samples)\n",
           st.maxrel, __builtin_log2(st.maxrel), st.x, st.y, st.n);
    cr_expect(st.maxrel <= 0x1p-65, "log_l0 rel err %g > 2^-65", st.maxrel);
    mpfr_clear(ex);
}

static void run_probs(int soft, uint64_t seed)
{
    long n = bce_test_samples(100000);
    bcev_rng_seed(&rng, seed);
    stat_t sl = { 0 }, sg = { 0 };
    mpfr_t L, G;
    mpfr_inits2(PREC, L, G, (mpfr_ptr)0);
    for (long i = 0; i < n; i += 4) {
        v4d p, y;
        for (int l = 0; l < 4; l++) {
            p[l] = rand_prob();
            y[l] = soft ? (rnd64() % 8 == 0 ? p[l] : rnd01()) : (double)(rnd64() & 1);
            if (y[l] != 0.0 && y[l] < 0x1p-900) y[l] = 0.0;
        }
        v4dd Lv, Gv;
        v4d Lef, Led, Gef, Ged;
        if (soft) v4_el_probs_l0_soft(p, y, 1, 1, &Lv, &Lef, &Led, &Gv, &Gef, &Ged);
        else v4_el_probs_l0_hard(p, y, 1, 1, &Lv, &Lef, &Led, &Gv, &Gef, &Ged);
        for (int l = 0; l < 4; l++) {
            bcev_sample smp = { p[l], y[l], 1.0 };
            bcev_exact(BCEV_PROBS, &smp, NULL, 1.0, PREC, L, G);
            if (!within(Lv.hi[l], Lv.lo[l], Lef[l], L) && sl.viol++ < 5)
                cr_log_error("loss p=%a y=%a: error exceeds Lef=%a", p[l], y[l], Lef[l]);
            if (!within(Gv.hi[l], Gv.lo[l], Gef[l], G) && sg.viol++ < 5)
                cr_log_error("grad p=%a y=%a: error exceeds Gef=%a", p[l], y[l], Gef[l]);
            note(&sl, relerr(Lv.hi[l], Lv.lo[l], 0, L), p[l], y[l]);
            if (mpfr_zero_p(G)) {
                if (!(Gv.hi[l] == 0.0 && Gv.lo[l] == 0.0 && !__builtin_signbit(Gv.hi[l] + Gv.lo[l])) && sg.viol++ < 5)
                    cr_log_error("grad p=%a y=%a: exact 0, got %a + %a", p[l], y[l], Gv.hi[l], Gv.lo[l]);
                continue;
            }
            note(&sg, relerr(Gv.hi[l], Gv.lo[l], 0, G), p[l], y[l]);
        }
    }
    printf("fast probs (%s labels): loss max rel err %.3g (2^%.2f) at p=%a y=%a; grad %.3g (2^%.2f) at p=%a y=%a\n",
           soft ? "soft" : "hard", sl.maxrel, __builtin_log2(sl.maxrel), sl.x, sl.y,
           sg.maxrel, __builtin_log2(sg.maxrel), sg.x, sg.y);
    cr_expect_eq(sl.viol, 0, "loss bound Lef violated %ld times", sl.viol);
    cr_expect_eq(sg.viol, 0, "grad bound Gef violated %ld times", sg.viol);
    mpfr_clears(L, G, (mpfr_ptr)0);
}

Test(fast, probs_hard_labels)
{
    if (!have_avx2()) { cr_skip_test("no AVX2"); }
    run_probs(0, 17);
}

Test(fast, probs_soft_labels)
{
    if (!have_avx2()) { cr_skip_test("no AVX2"); }
    run_probs(1, 18);
}

/* probs_f32v: on float p in [0, 1] (0 and 1 included) and float labels,
 * hard (y in {0, 1}, the one-log variant) and soft (the two-log variant,
 * labels anywhere in [0, 1], 0 and 1 too): every result's interval
 * [lo, hi] holds the exact value, or (soft, p in {0, 1} with y in {0, 1})
 * the ends are -inf and +inf (the lane fails); the loss's relative error
 * (on (lo + hi)/2) within EPS_L + 2u (hard 3.068e-14, soft 3.124e-14) */
static void run_probs_f32v(int soft, uint64_t seed)
{
    long n = bce_test_samples(100000);
    bcev_rng_seed(&rng, seed);
    stat_t sl = { 0 }, sg = { 0 };
    long viol = 0;
    mpfr_t L, G;
    mpfr_inits2(PREC, L, G, (mpfr_ptr)0);
    for (long i = 0; i < n; i += 4) {
        v4d p, y;
        for (int l = 0; l < 4; l++) {
            unsigned r = (unsigned)(rnd64() % 64);
            p[l] = r == 0 ? 0.0 : r == 1 ? 1.0 : (double)(float)rand_prob();
            if (r == 2) p[l] = 0x1p-149;
            y[l] = soft ? (r % 8 == 3 ? (double)(rnd64() & 1) : (r % 8 == 4 ? p[l] : (double)(float)rnd01()))
                        : (double)(rnd64() & 1);
        }
        v4d T[6], Llo, Lhi, Glo, Ghi;
        v4_el_probs_f32v_a1(p, y, 1, 1, soft, T);
        v4_el_probs_f32v_a2(1, 1, soft, T);
        v4_el_probs_f32v_b(p, y, 1, 1, soft, T, &Llo, &Lhi, &Glo, &Ghi);
        for (int l = 0; l < 4; l++) {
            int fails = soft && (p[l] == 0.0 || p[l] == 1.0) && (y[l] == 0.0 || y[l] == 1.0);
            if (fails) {
                if (!(Llo[l] == -__builtin_inf() && Lhi[l] == __builtin_inf() &&
                      Glo[l] == -__builtin_inf() && Ghi[l] == __builtin_inf()) && viol++ < 5)
                    cr_log_error("p=%a y=%a: expected a failing lane", p[l], y[l]);
                continue;
            }
            bcev_sample smp = { p[l], y[l], 1.0 };
            bcev_exact(BCEV_PROBS, &smp, NULL, 1.0, PREC, L, G);
            if (!bracket(Llo[l], Lhi[l], L) && viol++ < 5)
                cr_log_error("loss p=%a y=%a: exact not in [%a, %a]", p[l], y[l], Llo[l], Lhi[l]);
            if (!bracket(Glo[l] < Ghi[l] ? Glo[l] : Ghi[l], Glo[l] < Ghi[l] ? Ghi[l] : Glo[l], G) && viol++ < 5)
                cr_log_error("grad p=%a y=%a: exact not in [%a, %a]", p[l], y[l], Glo[l], Ghi[l]);
            if (mpfr_number_p(L) && !mpfr_zero_p(L))
                note(&sl, relerr(0.5 * Llo[l] + 0.5 * Lhi[l], 0.0, 0, L), p[l], y[l]);
            if (mpfr_number_p(G) && !mpfr_zero_p(G))
                note(&sg, relerr(0.5 * Glo[l] + 0.5 * Ghi[l], 0.0, 0, G), p[l], y[l]);
        }
    }
    printf("f32v probs (%s labels): loss %.3g (2^%.2f) at p=%a y=%a; grad %.3g (%.2f u) at p=%a y=%a\n",
           soft ? "soft" : "hard", sl.maxrel, __builtin_log2(sl.maxrel), sl.x, sl.y,
           sg.maxrel, sg.maxrel / 0x1p-53, sg.x, sg.y);
    cr_expect_eq(viol, 0, "an exact value outside its interval (%ld times)", viol);
    cr_expect(sl.maxrel <= (soft ? 3.124e-14 : 3.068e-14) + 2 * 0x1p-53, "loss rel err %g", sl.maxrel);
    cr_expect(sg.maxrel <= (soft ? 7.01 : 4.01) * 0x1p-53 + 2 * 0x1p-53, "grad rel err %g", sg.maxrel);
    mpfr_clears(L, G, (mpfr_ptr)0);
}

Test(fast, probs_f32v_hard)
{
    if (!have_avx2()) { cr_skip_test("no AVX2"); }
    run_probs_f32v(0, 24);
}

Test(fast, probs_f32v_soft)
{
    if (!have_avx2()) { cr_skip_test("no AVX2"); }
    run_probs_f32v(1, 25);
}

/* The kernels with level 0 against the scalar kernel, bit for bit,
 * for calls with one output only (loss or gradient NULL: level 0's
 * want_loss / want_grad variants), both forms and types, hard and soft
 * labels, with cold lanes (|z| > 600, p = 1, y tiny) mixed in.
 * (tests/test_isa.c covers calls with both outputs.) */
static void one_output_case(int probs, int f32, int which, long n)
{
    double *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y);
    double *r[2];
    float *xf = malloc((size_t)n * sizeof *xf), *yf = malloc((size_t)n * sizeof *yf);
    float *rf[2];
    for (int s = 0; s < 2; s++) { r[s] = malloc((size_t)n * sizeof **r); rf[s] = malloc((size_t)n * sizeof **rf); }
    for (long i = 0; i < n; i++) {
        unsigned m = (unsigned)(rnd64() % 16);
        x[i] = probs ? rand_prob() : rand_logit();
        if (m == 0) x[i] = probs ? 1.0 : 700.0 * ((rnd64() & 1) ? 1 : -1);
        y[i] = (i & 1) ? rnd01() : (double)(rnd64() & 1);
        if (m == 1) y[i] = 0x1p-1000;
        xf[i] = (float)x[i];
        if (probs && !(xf[i] > 0.0f)) xf[i] = 0x1p-126f;
        yf[i] = (float)y[i];
    }
    /* the baseline (registry row 0, scalar) against each other runnable
     * ISA of the registry (avx2, avx512, ...) */
    for (size_t t = 1; t < bce_isa_count(); t++) {
        const char *isa[2] = { bce_isa_name(0), bce_isa_name(t) };
        if (!bce_isa_available(isa[1])) continue;
        for (int s = 0; s < 2; s++) {
            cr_assert_eq(bce_set_isa(isa[s]), BCE_OK);
            bce_status st;
            if (!f32) {
                double *L = which == 0 ? r[s] : NULL, *G = which == 1 ? r[s] : NULL;
                st = probs ? bce_probs_f64((size_t)n, x, y, NULL, NULL, L, G)
                           : bce_logits_f64((size_t)n, x, y, NULL, NULL, L, G);
            } else {
                float *L = which == 0 ? rf[s] : NULL, *G = which == 1 ? rf[s] : NULL;
                st = probs ? bce_probs_f32((size_t)n, xf, yf, NULL, NULL, L, G)
                           : bce_logits_f32((size_t)n, xf, yf, NULL, NULL, L, G);
            }
            cr_assert_eq(st, BCE_OK, "status %d", (int)st);
        }
        bce_set_isa("auto");
        long bad = 0;
        for (long i = 0; i < n; i++) {
            int diff = f32 ? memcmp(&rf[0][i], &rf[1][i], sizeof(float))
                           : memcmp(&r[0][i], &r[1][i], sizeof(double));
            if (diff && bad++ < 3)
                cr_log_error("%s %s %s: x=%a y=%a scalar %a %s %a", probs ? "probs" : "logits",
                             f32 ? "f32" : "f64", which ? "grad" : "loss", f32 ? (double)xf[i] : x[i],
                             f32 ? (double)yf[i] : y[i], f32 ? (double)rf[0][i] : r[0][i], isa[1],
                             f32 ? (double)rf[1][i] : r[1][i]);
        }
        cr_expect_eq(bad, 0, "%s: %ld differences", isa[1], bad);
    }
    free(x); free(y); free(xf); free(yf);
    for (int s = 0; s < 2; s++) { free(r[s]); free(rf[s]); }
}

Test(fast, one_output_same_bits_as_scalar)
{
    if (!have_avx2()) { cr_skip_test("no AVX2"); }
    long n = bce_test_samples(100000);
    bcev_rng_seed(&rng, 19);
    for (int probs = 0; probs < 2; probs++)
        for (int f32 = 0; f32 < 2; f32++)
            for (int which = 0; which < 2; which++)
                one_output_case(probs, f32, which, n);
}

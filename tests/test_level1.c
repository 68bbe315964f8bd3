/*
 * test_level1.c -- the level-1 results against MPFR, before the
 * final rounding: every result's attached error bound (bce_res.err) must
 * hold, and the relative errors must stay below BCE_EPS_LOSS / BCE_EPS_SIG.
 * The maxima are printed (docs/ACCURACY.md quotes them).
 * Fixed seeds; BCE_TEST_SAMPLES scales the count.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <mpfr.h>
#include <stdio.h>
#include <stdlib.h>
#include "core/internal.h"
#include "bce_verify.h"
#include "test_env.h"

#define PREC 320

static bcev_rng rng;
static uint64_t rnd64(void) { return bcev_rng_next(&rng); }
static double rnd01(void) { return bcev_rng_unif(&rng); }


/* |got - exact| where got = (v.hi + v.lo) 2^-scale, in MPFR. */
static void res_err(const bce_res *r, mpfr_t exact, mpfr_t out)
{
    mpfr_t g;
    mpfr_init2(g, PREC);
    mpfr_set_d(g, r->v.hi, MPFR_RNDN);
    mpfr_add_d(g, g, r->v.lo, MPFR_RNDN);
    mpfr_mul_2si(g, g, -r->scale, MPFR_RNDN);
    mpfr_sub(out, g, exact, MPFR_RNDN);
    mpfr_abs(out, out, MPFR_RNDN);
    mpfr_clear(g);
}

/* exact loss and gradient, plain label y (libbce-verify's reference) */
static void exact_logits(double z, double y, mpfr_t L, mpfr_t G)
{
    bcev_sample smp = { z, y, 1.0 };
    bcev_exact(BCEV_LOGITS, &smp, NULL, 1.0, PREC, L, G);
}

static void exact_probs(double p, double y, mpfr_t L, mpfr_t G)
{
    bcev_sample smp = { p, y, 1.0 };
    bcev_exact(BCEV_PROBS, &smp, NULL, 1.0, PREC, L, G);
}

typedef struct { double maxrel; double x, y; long viol; } stat_t;

static void check(const char *what, const bce_res *r, mpfr_t exact, double x,
                  double y, double eps, stat_t *st)
{
    mpfr_t d, rel;
    mpfr_inits2(PREC, d, rel, (mpfr_ptr)0);
    mpfr_t b;
    mpfr_init2(b, PREC);
    res_err(r, exact, d);
    /* attached bound: |err| <= r->err (scaled units) */
    mpfr_set_d(b, r->err, MPFR_RNDN);
    mpfr_mul_2si(b, b, -r->scale, MPFR_RNDN);
    /* Below 2^-1022 a double-double cannot carry its relative accuracy:
     * the results there are rounded at the subnormal quantum 2^-1074, so the
     * bound is taken with that floor; an exact value beyond DBL_MAX must
     * give an infinity of its sign. */
    const int sub = mpfr_zero_p(exact) || mpfr_get_exp(exact) <= -1022;
    const int ovf = !mpfr_zero_p(exact) && mpfr_get_exp(exact) > 1024;
    if (ovf) {
        double fin = bce_res_f64(r);   /* the rounded output (scale applied) */
        if (!(fin - fin != 0.0 && (fin > 0) == (mpfr_sgn(exact) > 0)) && st->viol++ < 5)
            cr_log_error("%s: x=%a y=%a: exact overflows, got %a", what, x, y, fin);
        mpfr_clears(d, rel, b, (mpfr_ptr)0); return;
    }
    if (sub) mpfr_add_d(b, b, 0x1p-1074, MPFR_RNDN);
    if (mpfr_cmp(d, b) > 0 && mpfr_sgn(exact) != 0) {
        if (st->viol++ < 5)
            mpfr_fprintf(stderr, "%s: x=%a y=%a error %.4Re exceeds attached bound %.4Re\n",
                         what, x, y, d, b);
    }
    if (mpfr_sgn(exact) != 0 && !sub) {
        mpfr_div(rel, d, exact, MPFR_RNDN);
        mpfr_abs(rel, rel, MPFR_RNDN);
        double rr = mpfr_get_d(rel, MPFR_RNDU);
        if (rr > st->maxrel) { st->maxrel = rr; st->x = x; st->y = y; }
        (void)eps;
    }
    mpfr_clears(d, rel, (mpfr_ptr)0);
    mpfr_clear(b);
}

static bce_kparams plain_kp(void)
{
    bce_kparams kp = { 0 };
    kp.plain = 1; kp.want_loss = kp.want_grad = 1;
    return kp;
}

static double rand_logit(void)
{
    double u = rnd01();
    double mag = u < 0.05 ? rnd01() * 0x1p-30 : (u < 0.9 ? rnd01() * 40.0 : rnd01() * 1200.0);
    return (rnd64() & 1) ? mag : -mag;
}

Test(level1, logits_plain_labels)
{
    long n = bce_test_samples(200000);
    bcev_rng_seed(&rng, 1);
    bce_kparams kp = plain_kp();
    stat_t sl = { 0 }, sg = { 0 };
    mpfr_t L, G;
    mpfr_inits2(PREC, L, G, (mpfr_ptr)0);
    for (long i = 0; i < n; i++) {
        double z = rand_logit();
        double y = (i % 3 == 0) ? 0.0 : (i % 3 == 1 ? 1.0 : rnd01());
        bce_lab lab; bce_res rl, rg;
        bce_label(y, &kp, &lab);
        bce_logits_sample(z, &lab, 1, 1, &rl, &rg);
        exact_logits(z, y, L, G);
        check("loss", &rl, L, z, y, BCE_EPS_LOSS, &sl);
        if (y == 0.0 || y == 1.0) check("grad", &rg, G, z, y, BCE_EPS_SIG, &sg);
    }
    printf("level1 logits: max rel err loss %.3g (2^%.2f) at z=%a y=%a; grad(hard) %.3g (2^%.2f) at z=%a y=%a\n",
           sl.maxrel, sl.maxrel > 0 ? __builtin_log2(sl.maxrel) : -999.0, sl.x, sl.y,
           sg.maxrel, sg.maxrel > 0 ? __builtin_log2(sg.maxrel) : -999.0, sg.x, sg.y);
    cr_expect_eq(sl.viol, 0, "loss bound violated %ld times", sl.viol);
    cr_expect_eq(sg.viol, 0, "grad bound violated %ld times", sg.viol);
    cr_expect(sl.maxrel <= BCE_EPS_LOSS, "loss rel err %g > BCE_EPS_LOSS", sl.maxrel);
    cr_expect(sg.maxrel <= BCE_EPS_SIG, "grad rel err %g > BCE_EPS_SIG", sg.maxrel);
    mpfr_clears(L, G, (mpfr_ptr)0);
}

Test(level1, logits_soft_label_bound_holds)
{
    long n = bce_test_samples(100000);
    bcev_rng_seed(&rng, 2);
    bce_kparams kp = plain_kp();
    stat_t sg = { 0 };
    mpfr_t L, G, s;
    mpfr_inits2(PREC, L, G, s, (mpfr_ptr)0);
    for (long i = 0; i < n; i++) {
        double z = rand_logit();
        /* y near sigma(z): the cancelling case */
        mpfr_set_d(s, -z, MPFR_RNDN); mpfr_exp(s, s, MPFR_RNDN);
        mpfr_add_ui(s, s, 1, MPFR_RNDN); mpfr_ui_div(s, 1, s, MPFR_RNDN);
        double y = mpfr_get_d(s, MPFR_RNDN);
        long k = (long)(rnd64() % 7) - 3;
        for (; k > 0; k--) y = __builtin_nextafter(y, 2.0);
        for (; k < 0; k++) y = __builtin_nextafter(y, -1.0);
        if (!(y >= 0 && y <= 1)) continue;
        bce_lab lab; bce_res rl, rg;
        bce_label(y, &kp, &lab);
        bce_logits_sample(z, &lab, 1, 1, &rl, &rg);
        exact_logits(z, y, L, G);
        check("grad", &rg, G, z, y, 0, &sg);
    }
    cr_expect_eq(sg.viol, 0, "soft grad attached bound violated %ld times", sg.viol);
    mpfr_clears(L, G, s, (mpfr_ptr)0);
}

Test(level1, probs_plain_labels)
{
    long n = bce_test_samples(200000);
    bcev_rng_seed(&rng, 3);
    bce_kparams kp = plain_kp();
    stat_t sl = { 0 }, sg = { 0 };
    mpfr_t L, G;
    mpfr_inits2(PREC, L, G, (mpfr_ptr)0);
    for (long i = 0; i < n; i++) {
        double u = rnd01(), p;
        if (u < 0.3) p = rnd01();
        else if (u < 0.6) p = __builtin_ldexp(1.0 + rnd01(), -(int)(rnd64() % 1074) - 1);
        else p = 1.0 - __builtin_ldexp(1.0 + rnd01(), -(int)(rnd64() % 52) - 2);
        if (p <= 0.0 || p >= 1.0) continue;
        double y = (i % 3 == 0) ? 0.0 : (i % 3 == 1 ? 1.0 : rnd01());
        bce_lab lab; bce_res rl, rg;
        bce_label(y, &kp, &lab);
        bce_probs_sample(p, &lab, 0, 1, 1, &rl, &rg);
        exact_probs(p, y, L, G);
        check("loss", &rl, L, p, y, BCE_EPS_LOSS, &sl);
        check("grad", &rg, G, p, y, 0x1p-100, &sg);
    }
    printf("level1 probs: max rel err loss %.3g (2^%.2f) at p=%a y=%a; grad %.3g at p=%a y=%a\n",
           sl.maxrel, sl.maxrel > 0 ? __builtin_log2(sl.maxrel) : -999.0, sl.x, sl.y,
           sg.maxrel, sg.x, sg.y);
    cr_expect_eq(sl.viol, 0, "loss bound violated %ld times", sl.viol);
    cr_expect_eq(sg.viol, 0, "grad bound violated %ld times", sg.viol);
    cr_expect(sl.maxrel <= BCE_EPS_LOSS);
    mpfr_clears(L, G, (mpfr_ptr)0);
}

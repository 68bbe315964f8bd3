/*
 * test_reduce.c -- compensated reductions against MPFR: the mean of 10^7
 * per-sample losses (f64 and f32) within 2 ulp of the exact mean, the
 * weighted mean of 10^6 within 2 ulp, and the gradient of the mean
 * (dz_i = g_i / n) within 1 ulp per element.
 * Exact sums are accumulated in MPFR at 256 bits (error < 2^-200 relative).
 * BCE_TEST_SAMPLES (if set) replaces 10^7.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <mpfr.h>
#include "bce.h"
#include "bce_verify.h"
#include "test_env.h"

#define PREC 256

static bcev_rng rng;
static uint64_t r64(void) { return bcev_rng_next(&rng); }
static double u01(void) { return bcev_rng_unif(&rng); }

/* exact w L(z, y) and w g(z, y), plain labels (libbce-verify's reference) */
static void exact_terms(double z, double y, double w, mpfr_t L, mpfr_t G)
{
    bcev_sample smp = { z, y, w };
    bcev_exact(BCEV_LOGITS, &smp, NULL, 1.0, PREC, L, G);
}

static double ulps(double got, mpfr_t exact, int f32)
{
    return bcev_ulp_error(f32 ? BCEV_F32 : BCEV_F64, got, exact);
}


static void run_mean(int f32, int weighted, long n)
{
    double *z = malloc(n * sizeof *z), *y = malloc(n * sizeof *y), *w = malloc(n * sizeof *w);
    float *zf = malloc(n * sizeof *zf), *yf = malloc(n * sizeof *yf), *wf = malloc(n * sizeof *wf);
    double *g = malloc(n * sizeof *g);
    float *gf = malloc(n * sizeof *gf);
    cr_assert(z && y && w && zf && yf && wf && g && gf);
    bcev_rng_seed(&rng, 42 + (uint64_t)f32 * 7 + (uint64_t)weighted * 13);
    mpfr_t sum, wsum, L, G, ex;
    mpfr_inits2(PREC, sum, wsum, L, G, ex, (mpfr_ptr)0);
    mpfr_set_ui(sum, 0, MPFR_RNDN);
    mpfr_set_ui(wsum, 0, MPFR_RNDN);
    for (long i = 0; i < n; i++) {
        double zi = (u01() - 0.5) * 16.0, yi = (r64() & 3) ? (double)(r64() & 1) : u01();
        double wi = weighted ? u01() * 4.0 : 1.0;
        if (f32) {
            /* volatile: gcc 12 -O2 was seen to keep the unrounded double
             * here (z[i] != zf[i]); the samples must be the floats given */
            volatile float a = (float)zi, b = (float)yi, c = (float)wi;
            zf[i] = a; yf[i] = b; wf[i] = c;
            zi = a; yi = b; wi = c;
        }
        z[i] = zi; y[i] = yi; w[i] = wi;
        exact_terms(zi, yi, wi, L, G);
        mpfr_add(sum, sum, L, MPFR_RNDN);
        mpfr_add_d(wsum, wsum, wi, MPFR_RNDN);
    }
    bce_options opt = { 0 };
    opt.reduction = weighted ? BCE_REDUCTION_WEIGHTED_MEAN : BCE_REDUCTION_MEAN;
    if (weighted) mpfr_div(ex, sum, wsum, MPFR_RNDN);
    else mpfr_div_ui(ex, sum, (unsigned long)n, MPFR_RNDN);
    double got;
    bce_status s;
    if (f32) {
        float lf;
        s = bce_logits_f32((size_t)n, zf, yf, weighted ? wf : NULL, &opt, &lf, gf);
        got = lf;
    } else {
        s = bce_logits_f64((size_t)n, z, y, weighted ? w : NULL, &opt, &got, g);
    }
    cr_assert_eq(s, BCE_OK);
    double e = ulps(got, ex, f32);
    mpfr_printf("%s %s n=%ld: reduced loss %a, exact %.25Rg, error %.4f ulp\n",
                f32 ? "f32" : "f64", weighted ? "weighted mean" : "mean", n, got, ex, e);
    cr_expect(e <= 2.0, "reduced loss off by %.3f ulp (bound 2)", e);
    /* gradient of the mean: every 997th element against g_i w_i / denom */
    double maxg = 0;
    for (long i = 0; i < n; i += 997) {
        exact_terms(z[i], y[i], w[i], L, G);
        if (weighted) mpfr_div(G, G, wsum, MPFR_RNDN); else mpfr_div_ui(G, G, (unsigned long)n, MPFR_RNDN);
        double gi = f32 ? (double)gf[i] : g[i];
        double eg = ulps(gi, G, f32);
        if (eg > maxg) maxg = eg;
        if (eg > 2.0) { cr_log_error("grad %ld: z=%a y=%a w=%a got %a", i, z[i], y[i], w[i], gi); break; }
    }
    cr_expect(maxg <= 2.0, "gradient of the reduced loss off by %.3f ulp", maxg);
    mpfr_clears(sum, wsum, L, G, ex, (mpfr_ptr)0);
    free(z); free(y); free(w); free(zf); free(yf); free(wf); free(g); free(gf);
}

Test(reduce, mean_f64_1e7, .timeout = 900) { run_mean(0, 0, bce_test_samples(10000000)); }
Test(reduce, mean_f32_1e7, .timeout = 900) { run_mean(1, 0, bce_test_samples(10000000)); }
Test(reduce, weighted_mean_f64_1e6, .timeout = 900) { run_mean(0, 1, bce_test_samples(10000000) / 10); }
Test(reduce, weighted_mean_f32_1e6, .timeout = 900) { run_mean(1, 1, bce_test_samples(10000000) / 10); }

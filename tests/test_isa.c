/*
 * test_isa.c -- every ISA gives the scalar kernel's bits: loss, gradient and
 * reduced loss, for every entry point and option set, on >= 10^6 inputs
 * (random, both tails, thresholds, special values, soft labels next to
 * sigma(z)), for every n from 0 to 67 and every start offset 0..3 (so every
 * position of an element in a vector and every tail), compared with memcmp.
 * On a machine without a SIMD ISA the suites check scalar against itself
 * and say so.  Fixed seeds; BCE_TEST_SAMPLES scales the big runs.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bce.h"
#include "bce_verify.h"
#include "test_env.h"

#include "isa_list.h"

/* Every ISA of the registry (bce_isa_name(i), i >= 1) is compared with
 * scalar (i = 0); one this build or CPU cannot run is reported as skipped. */


/* inputs: a mix of every regime, including specials */
static void gen(bcev_rng *r, size_t n, double *z, double *y, double *w, double *p)
{
    static const double special[] = { 0.0, -0.0, INFINITY, -INFINITY, 0x1p-1074,
        -0x1p-1074, 0x1p-1022, 600.0, -600.0, 600.5, 623.0, 623.9, 700.0, -745.2,
        1000.0, -1000.5, 0x1p-900, -0x1.0000000000001p-900, 0x1.fffffffffffffp-901,
        36.7, -36.7, 17.0, 1e300, -1e300, 0x1.fffffffffffffp+1023 };
    const size_t ns = sizeof special / sizeof special[0];
    for (size_t i = 0; i < n; i++) {
        double u = bcev_rng_unif(r), zi;
        if (u < 0.05) zi = special[bcev_rng_next(r) % ns];
        else if (u < 0.6) zi = (bcev_rng_unif(r) - 0.5) * 60.0;
        else if (u < 0.8) zi = (bcev_rng_unif(r) - 0.5) * 1300.0;
        else zi = ldexp(bcev_rng_unif(r) - 0.5, -(int)(bcev_rng_next(r) % 1100));
        z[i] = zi;
        double v = bcev_rng_unif(r);
        if (v < 0.5) y[i] = (double)(bcev_rng_next(r) & 1);
        else if (v < 0.8) y[i] = bcev_rng_unif(r);
        else y[i] = isfinite(zi) ? 1.0 / (1.0 + exp(-zi)) : 0.5;  /* y ~ sigma(z) */
        w[i] = (bcev_rng_next(r) & 7) ? bcev_rng_unif(r) * 3.0 : 0.0;
        double q = bcev_rng_unif(r);
        p[i] = q < 0.1 ? (double)(bcev_rng_next(r) & 1)
             : q < 0.3 ? ldexp(bcev_rng_unif(r), -(int)(bcev_rng_next(r) % 1074))
             : q < 0.4 ? y[i] : bcev_rng_unif(r);
    }
}

static void opts(int k, bce_options *o)
{
    memset(o, 0, sizeof *o);
    switch (k) {
    case 1: o->flags = BCE_OPT_POS_WEIGHT; o->pos_weight = 2.5; break;
    case 2: o->label_smoothing = 0.1; break;
    case 3: o->reduction = BCE_REDUCTION_MEAN; break;
    case 4: o->reduction = BCE_REDUCTION_WEIGHTED_MEAN; break;
    case 5: o->reduction = BCE_REDUCTION_SUM; o->flags = BCE_OPT_PROPAGATE_NAN; break;
    default: break;
    }
}
#define NOPTS 6

static int same(const void *a, const void *b, size_t bytes) { return memcmp(a, b, bytes) == 0; }

/* compare one entry point's outputs between scalar and isa */
static long compare_one(const char *isa, int which, size_t n, const double *x,
                        const double *y, const double *w, const float *xf,
                        const float *yf, const float *wf, int k)
{
    bce_options opt;
    opts(k, &opt);
    const int f32 = which >= 2, probs = which & 1;
    const size_t nl = opt.reduction == BCE_REDUCTION_NONE ? n : 1;
    const size_t es = f32 ? sizeof(float) : sizeof(double);
    unsigned char *L[2], *G[2];
    bce_status st[2];
    for (int s = 0; s < 2; s++) {
        L[s] = malloc((n + 1) * es); G[s] = malloc((n + 1) * es);
        memset(L[s], 0x5a, (n + 1) * es); memset(G[s], 0x5a, (n + 1) * es);
        cr_assert_eq(bce_set_isa(s == 0 ? "scalar" : isa), BCE_OK);
        const double *W = k == 0 ? NULL : w;
        const float *Wf = k == 0 ? NULL : wf;
        if (!f32)
            st[s] = probs ? bce_probs_f64(n, x, y, W, &opt, (double *)L[s], (double *)G[s])
                          : bce_logits_f64(n, x, y, W, &opt, (double *)L[s], (double *)G[s]);
        else
            st[s] = probs ? bce_probs_f32(n, xf, yf, Wf, &opt, (float *)L[s], (float *)G[s])
                          : bce_logits_f32(n, xf, yf, Wf, &opt, (float *)L[s], (float *)G[s]);
    }
    long bad = 0;
    if (st[0] != st[1]) bad++;
    else if (st[0] == BCE_OK) {
        if (!same(L[0], L[1], nl * es)) bad++;
        if (!same(G[0], G[1], n * es)) bad++;
    }
    for (int s = 0; s < 2; s++) { free(L[s]); free(G[s]); }
    return bad;
}

static const char *names[4] = { "logits_f64", "probs_f64", "logits_f32", "probs_f32" };

Test(isa, same_bits_every_n_and_offset)
{
    const size_t N = 67 + 8;
    double z[75], y[75], w[75], p[75];
    float zf[75], yf[75], wf[75], pf[75];
    bcev_rng r;
    bcev_rng_seed(&r, 11);
    int tested = 0;
    for (size_t t = 1; t < test_isa_count(); t++) {
        if (!test_isa_runnable(t)) continue;
        const char *isa = bce_isa_name(t);
        tested++;
        for (int rep = 0; rep < 4; rep++) {
            gen(&r, N, z, y, w, p);
            for (size_t i = 0; i < N; i++) {
                zf[i] = (float)z[i]; yf[i] = (float)y[i]; wf[i] = (float)w[i];
                pf[i] = (float)p[i];
            }
            for (size_t off = 0; off < 4; off++)
                for (size_t n = 0; n <= 67; n++)
                    for (int k = 0; k < NOPTS; k++)
                        for (int which = 0; which < 4; which++) {
                            const double *x = (which & 1) ? p : z;
                            const float *xf = (which & 1) ? pf : zf;
                            long b = compare_one(isa, which, n, x + off, y + off,
                                                 w + off, xf + off, yf + off, wf + off, k);
                            cr_expect_eq(b, 0, "%s %s differs from scalar: n=%zu off=%zu opt=%d",
                                         isa, names[which], n, off, k);
                            if (b) return;
                        }
        }
    }
    bce_set_isa("auto");
    if (!tested) cr_log_warn("no SIMD ISA on this machine: nothing to compare");
}

Test(isa, same_bits_1e6_inputs, .timeout = 600)
{
    const size_t n = (size_t)bce_test_samples(1000000);
    double *z = malloc(n * sizeof *z), *y = malloc(n * sizeof *y), *w = malloc(n * sizeof *w), *p = malloc(n * sizeof *p);
    float *zf = malloc(n * sizeof *zf), *yf = malloc(n * sizeof *yf), *wf = malloc(n * sizeof *wf), *pf = malloc(n * sizeof *pf);
    cr_assert(z && y && w && p && zf && yf && wf && pf);
    bcev_rng r;
    bcev_rng_seed(&r, 12);
    gen(&r, n, z, y, w, p);
    for (size_t i = 0; i < n; i++) {
        zf[i] = (float)z[i]; yf[i] = (float)y[i]; wf[i] = (float)w[i]; pf[i] = (float)p[i];
    }
    int tested = 0;
    for (size_t t = 1; t < test_isa_count(); t++) {
        if (!test_isa_runnable(t)) continue;
        const char *isa = bce_isa_name(t);
        tested++;
        for (int k = 0; k < NOPTS; k++)
            for (int which = 0; which < 4; which++) {
                const double *x = (which & 1) ? p : z;
                const float *xf = (which & 1) ? pf : zf;
                long b = compare_one(isa, which, n, x, y, w, xf, yf, wf, k);
                cr_expect_eq(b, 0, "%s %s differs from scalar on %zu inputs, opt=%d",
                             isa, names[which], n, k);
            }
    }
    bce_set_isa("auto");
    if (!tested) cr_log_warn("no SIMD ISA on this machine: nothing to compare");
    free(z); free(y); free(w); free(p); free(zf); free(yf); free(wf); free(pf);
}

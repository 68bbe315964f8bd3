/*
 * test_split_logreg.c -- bce_options.threads for the fused logistic
 * regression (bce_logreg_*, bce_logreg_hvp_*): the bits do not depend on
 * the thread count.
 *
 * For f64 and f32, the default (compensated) mode and BCE_OPT_FAST_ACCUM,
 * loss + gradient, the Hessian-vector product and the per-sample outputs,
 * reductions SUM, MEAN and WEIGHTED_MEAN (with weights), hard labels (the
 * fast mode's plain rows), soft labels with pos_weight (the general rows),
 * with and without the intercept and k = 0: the outputs with threads = 0,
 * 2, 3, 4 are compared bit for bit with threads = 1, at n just below the
 * threshold (2 BCE_THREADS_MIN_N - 1: one thread), just above it
 * (2 BCE_THREADS_MIN_N + 3: two threads, 9 superblocks of 16384 rows, the
 * last partial) and at 4 BCE_THREADS_MIN_N + 5 (four threads).  Errors: a
 * NaN label in the last thread's part, and a non-finite feature in the
 * first part beside a NaN label in the last, give the status and
 * error_index of one thread (the first offender) and leave the outputs
 * untouched.  threads > BCE_THREADS_MAX is BCE_E_BAD_OPTION.
 * Plain C (runs under ThreadSanitizer in .ci/run).
 * Usage: test_split_logreg [--tsan]   (--tsan: fewer configurations)
 * Exit status 0 when every output matches, 1 otherwise.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bce.h"

#include "test_rng.h"

enum { KMAX = 6, NMAX = 4 * BCE_THREADS_MIN_N + 5 };
static double *x64, *yh64, *ys64, *w64;
static float *x32, *yh32, *ys32, *w32;
static double par64[KMAX + 1], v64[KMAX + 1];
static float par32[KMAX + 1], v32[KMAX + 1];
/* outputs, slot 0 (threads = 1) and slot 1 */
static double lo64[2], go64[2][KMAX + 1], *sz64[2], *sl64[2], *sr64[2];
static float lo32[2], go32[2][KMAX + 1], *sz32[2], *sl32[2], *sr32[2];
static int fails;
static size_t checked;

static void make_inputs(void)
{
    x64 = malloc((size_t)NMAX * KMAX * sizeof *x64); x32 = malloc((size_t)NMAX * KMAX * sizeof *x32);
    yh64 = malloc(NMAX * sizeof *yh64); ys64 = malloc(NMAX * sizeof *ys64); w64 = malloc(NMAX * sizeof *w64);
    yh32 = malloc(NMAX * sizeof *yh32); ys32 = malloc(NMAX * sizeof *ys32); w32 = malloc(NMAX * sizeof *w32);
    for (int s = 0; s < 2; s++) {
        sz64[s] = malloc(NMAX * sizeof(double)); sl64[s] = malloc(NMAX * sizeof(double));
        sr64[s] = malloc(NMAX * sizeof(double));
        sz32[s] = malloc(NMAX * sizeof(float)); sl32[s] = malloc(NMAX * sizeof(float));
        sr32[s] = malloc(NMAX * sizeof(float));
        if (!sz64[s] || !sl64[s] || !sr64[s] || !sz32[s] || !sl32[s] || !sr32[s]) goto oom;
    }
    if (!x64 || !x32 || !yh64 || !ys64 || !w64 || !yh32 || !ys32 || !w32) goto oom;
    for (size_t i = 0; i < (size_t)NMAX * KMAX; i++) {
        double v = (unif() - 0.5) * 6.0;
        if (unif() < 0.001) v *= 1e6;      /* rows whose logit is beyond 600: general rows */
        x64[i] = v; x32[i] = (float)v;
    }
    for (size_t i = 0; i < NMAX; i++) {
        yh64[i] = unif() < 0.5 ? 0.0 : 1.0;
        ys64[i] = unif();
        w64[i] = unif() < 0.05 ? 0.0 : 0.25 + 4.0 * unif();
        yh32[i] = (float)yh64[i]; ys32[i] = (float)ys64[i]; w32[i] = (float)w64[i];
    }
    for (int j = 0; j <= KMAX; j++) {
        par64[j] = (unif() - 0.5) * 0.8; par32[j] = (float)par64[j];
        v64[j] = unif() - 0.5; v32[j] = (float)v64[j];
    }
    return;
oom:
    fprintf(stderr, "test_split_logreg: out of memory\n");
    exit(2);
}

typedef struct cfg {
    int f32, hvp, samples, weighted, soft, icpt;
    size_t k;
    bce_options o;
} cfg;

static void fill(int s, unsigned char v)
{
    memset(&lo64[s], v, sizeof lo64[s]); memset(go64[s], v, sizeof go64[s]);
    memset(&lo32[s], v, sizeof lo32[s]); memset(go32[s], v, sizeof go32[s]);
    memset(sz64[s], v, NMAX * sizeof(double)); memset(sl64[s], v, NMAX * sizeof(double));
    memset(sr64[s], v, NMAX * sizeof(double));
    memset(sz32[s], v, NMAX * sizeof(float)); memset(sl32[s], v, NMAX * sizeof(float));
    memset(sr32[s], v, NMAX * sizeof(float));
}

static bce_status call(const cfg *c, size_t n, const bce_options *o, int s)
{
    if (!c->f32) {
        bce_logreg_f64_problem p = { n, c->k, x64, KMAX, c->soft ? ys64 : yh64,
                                     c->weighted ? w64 : NULL, c->icpt, 1e-3 };
        const double *w = c->icpt ? par64 : par64 + 1, *v = c->icpt ? v64 : v64 + 1;
        if (c->hvp) return bce_logreg_hvp_f64(&p, w, v, o, go64[s]);
        bce_logreg_f64_samples sm = { sz64[s], sl64[s], sr64[s] };
        return bce_logreg_f64(&p, w, o, &lo64[s], go64[s], c->samples ? &sm : NULL);
    }
    bce_logreg_f32_problem p = { n, c->k, x32, KMAX, c->soft ? ys32 : yh32,
                                 c->weighted ? w32 : NULL, c->icpt, 1e-3 };
    const float *w = c->icpt ? par32 : par32 + 1, *v = c->icpt ? v32 : v32 + 1;
    if (c->hvp) return bce_logreg_hvp_f32(&p, w, v, o, go32[s]);
    bce_logreg_f32_samples sm = { sz32[s], sl32[s], sr32[s] };
    return bce_logreg_f32(&p, w, o, &lo32[s], go32[s], c->samples ? &sm : NULL);
}

static int same(const cfg *c, size_t n)
{
    if (!c->f32)
        return !memcmp(&lo64[0], &lo64[1], sizeof lo64[0]) && !memcmp(go64[0], go64[1], sizeof go64[0])
            && !memcmp(sz64[0], sz64[1], n * sizeof(double)) && !memcmp(sl64[0], sl64[1], n * sizeof(double))
            && !memcmp(sr64[0], sr64[1], n * sizeof(double));
    return !memcmp(&lo32[0], &lo32[1], sizeof lo32[0]) && !memcmp(go32[0], go32[1], sizeof go32[0])
        && !memcmp(sz32[0], sz32[1], n * sizeof(float)) && !memcmp(sl32[0], sl32[1], n * sizeof(float))
        && !memcmp(sr32[0], sr32[1], n * sizeof(float));
}

static void describe(const cfg *c, size_t n, uint64_t t)
{
    fprintf(stderr, "FAIL: %s %s%s%s k=%zu icpt=%d reduction=%d flags=%#x n=%zu threads=%llu\n",
            c->f32 ? "f32" : "f64", c->hvp ? "hvp" : "grad", c->samples ? "+samples" : "",
            c->weighted ? "+weights" : "", c->k, c->icpt, (int)c->o.reduction, c->o.flags, n,
            (unsigned long long)t);
}

/* threads 1 (reference), then 0, 2, 3, 4: the same status and bits */
static void check(const cfg *c, size_t n)
{
    bce_options o = c->o;
    o.threads = 1;
    fill(0, 0x5a);
    const bce_status s0 = call(c, n, &o, 0);
    if (s0 != BCE_OK) { describe(c, n, 1); fprintf(stderr, "  status %s\n", bce_strerror(s0)); fails++; return; }
    static const uint64_t ts[] = { 0, 2, 3, 4 };
    for (size_t t = 0; t < sizeof ts / sizeof ts[0]; t++) {
        o.threads = ts[t];
        fill(1, 0x5a);
        const bce_status s1 = call(c, n, &o, 1);
        checked++;
        if (s1 != s0 || !same(c, n)) { describe(c, n, ts[t]); fails++; }
    }
}

/* An error planted in the input: threads 2, 3, 4 give threads 1's status
 * and error_index and write nothing. */
static void check_error(const cfg *c, size_t n)
{
    bce_options o = c->o;
    size_t e0 = 0, e1 = 0;
    o.threads = 1; o.error_index = &e0;
    fill(0, 0x5a);
    const bce_status s0 = call(c, n, &o, 0);
    if (s0 == BCE_OK) { describe(c, n, 1); fprintf(stderr, "  planted error not reported\n"); fails++; }
    for (uint64_t t = 2; t <= 4; t++) {
        o.threads = t; o.error_index = &e1; e1 = 0;
        fill(1, 0x5a);
        const bce_status s1 = call(c, n, &o, 1);
        checked++;
        if (s1 != s0 || e1 != e0 || !same(c, n)) {
            describe(c, n, t);
            fprintf(stderr, "  status %d/%d index %zu/%zu\n", (int)s0, (int)s1, e0, e1);
            fails++;
        }
    }
    /* nothing written: slot 1 still holds the fill pattern */
    unsigned char pat[sizeof(double)];
    memset(pat, 0x5a, sizeof pat);
    if (memcmp(c->f32 ? (void *)&lo32[1] : (void *)&lo64[1], pat, c->f32 ? 4 : 8) ||
        memcmp(c->f32 ? (void *)go32[1] : (void *)go64[1], pat, c->f32 ? 4 : 8)) {
        describe(c, n, 4); fprintf(stderr, "  outputs written on error\n"); fails++;
    }
}

int main(int argc, char **argv)
{
    const int tsan = argc > 1 && !strcmp(argv[1], "--tsan");
    make_inputs();
    const size_t below = 2 * (size_t)BCE_THREADS_MIN_N - 1, above = 2 * (size_t)BCE_THREADS_MIN_N + 3;
    const size_t four = 4 * (size_t)BCE_THREADS_MIN_N + 5;
    const bce_reduction reds[3] = { BCE_REDUCTION_SUM, BCE_REDUCTION_MEAN, BCE_REDUCTION_WEIGHTED_MEAN };
    for (int f32 = 0; f32 < 2; f32++)
        for (int fast = 0; fast < 2; fast++)
            for (int hvp = 0; hvp < 2; hvp++)
                for (int r = 0; r < 3; r++) {
                    if (tsan && (r != 2 || f32)) continue;
                    cfg c = { f32, hvp, 0, r == 2, 0, 1, 5, { 0 } };
                    c.o.reduction = reds[r];
                    c.o.flags = fast ? BCE_OPT_FAST_ACCUM : 0;
                    check(&c, above);
                    if (!tsan) check(&c, below);
                    /* soft labels with pos_weight: the general rows */
                    c.soft = 1;
                    c.o.flags |= BCE_OPT_POS_WEIGHT;
                    c.o.pos_weight = 2.5;
                    check(&c, above);
                    if (!hvp) {   /* per-sample outputs (the prescan) */
                        c.samples = 1;
                        check(&c, above);
                    }
                }
    /* without the intercept; k = 0 (intercept only); four threads */
    for (int f32 = 0; f32 < 2; f32++) {
        cfg c = { f32, 0, 0, 0, 0, 0, 6, { 0 } };
        c.o.reduction = BCE_REDUCTION_MEAN;
        check(&c, above);
        c.icpt = 1; c.k = 0;
        check(&c, above);
        c.k = 3; c.o.flags = BCE_OPT_FAST_ACCUM;
        check(&c, four);
        c.o.flags = 0; c.weighted = 1; c.o.reduction = BCE_REDUCTION_WEIGHTED_MEAN;
        check(&c, four);
        if (tsan) break;
    }
    /* errors: a NaN label in the last part; a non-finite feature in the
     * first part beside it (the feature is the first offender) */
    for (int samples = 0; samples < 2; samples++) {
        cfg c = { 0, 0, samples, 1, 0, 1, 5, { 0 } };
        c.o.reduction = BCE_REDUCTION_WEIGHTED_MEAN;
        const double keep = yh64[four - 7];
        yh64[four - 7] = NAN;
        check_error(&c, four);
        const double kx = x64[(size_t)1000 * KMAX + 2];
        x64[(size_t)1000 * KMAX + 2] = INFINITY;
        check_error(&c, four);
        c.o.flags = BCE_OPT_FAST_ACCUM;
        check_error(&c, four);
        x64[(size_t)1000 * KMAX + 2] = kx;
        yh64[four - 7] = keep;
    }
    /* threads beyond BCE_THREADS_MAX */
    {
        bce_options o = { 0 };
        o.threads = (uint64_t)BCE_THREADS_MAX + 1;
        bce_logreg_f64_problem p = { 10, 2, x64, KMAX, yh64, NULL, 1, 0.0 };
        double l, g[3];
        checked++;
        if (bce_logreg_f64(&p, par64, &o, &l, g, NULL) != BCE_E_BAD_OPTION) {
            fprintf(stderr, "FAIL: threads = BCE_THREADS_MAX + 1 accepted\n");
            fails++;
        }
    }
    printf("test_split_logreg: %zu comparisons, %d failed\n", checked, fails);
    return fails != 0;
}

/*
 * test_gradcheck.c -- the finite-difference gradient checker
 * (verify/gradcheck.c) and the MPFR reference of the fused logistic
 * regression (verify/logreg_ref.c).
 *
 *  - the checker accepts right gradients and rejects wrong ones (sign flip,
 *    missing bias term, a 1e-6 relative error in one coordinate) on
 *    MPFR-free objectives with known derivatives; its error estimate covers
 *    the true error of the finite difference; its steps are exact;
 *  - the MPFR mode reproduces the reference gradient to 30 digits without
 *    the gradient formula; the reference's Hv matches finite differences of
 *    its gradient; its loss/gradient agree with the per-sample reference
 *    (bcev_exact) when the logits are exact;
 *  - the fused bce_logreg_* gradient and Hessian-vector product pass the
 *    checker (coordinate, directional, MPFR modes; JVP for the HVP) on
 *    generated data with yhat -> 0 and yhat -> 1 rows.
 * Fixed seeds, bounded sizes.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mpfr.h>

#include "bce.h"
#include "bce_gradcheck.h"

/* ------------------------------------------------------------------ */
/* MPFR-free test objectives with known gradients                       */

/* f(w) = sum_j a_j exp(b_j w_j) + (sum_j c_j w_j)^2 / 2 + sin(w_0 w_1) */
typedef struct smooth { size_t k; double a[16], b[16], c[16]; } smooth;

static double smooth_f(const double *w, void *ctx)
{
    const smooth *s = ctx;
    double e = 0.0, d = 0.0;
    for (size_t j = 0; j < s->k; j++) {
        e += s->a[j] * exp(s->b[j] * w[j]);
        d += s->c[j] * w[j];
    }
    return e + 0.5 * d * d + sin(w[0] * w[1]);
}

static void smooth_g(const smooth *s, const double *w, double *g)
{
    double d = 0.0;
    for (size_t j = 0; j < s->k; j++)
        d += s->c[j] * w[j];
    for (size_t j = 0; j < s->k; j++)
        g[j] = s->a[j] * s->b[j] * exp(s->b[j] * w[j]) + s->c[j] * d;
    g[0] += w[1] * cos(w[0] * w[1]);
    g[1] += w[0] * cos(w[0] * w[1]);
}

/* Hessian-vector product of smooth_f */
static void smooth_hv(const smooth *s, const double *w, const double *v,
                      double *hv)
{
    double cv = 0.0;
    for (size_t j = 0; j < s->k; j++)
        cv += s->c[j] * v[j];
    for (size_t j = 0; j < s->k; j++)
        hv[j] = s->a[j] * s->b[j] * s->b[j] * exp(s->b[j] * w[j]) * v[j]
                + s->c[j] * cv;
    double p = w[0] * w[1], cs = cos(p), sn = sin(p);
    /* d2/dw0^2 = -w1^2 sin, d2/dw0dw1 = cos - w0 w1 sin, d2/dw1^2 = -w0^2 sin */
    hv[0] += -w[1] * w[1] * sn * v[0] + (cs - p * sn) * v[1];
    hv[1] += (cs - p * sn) * v[0] - w[0] * w[0] * sn * v[1];
}

static int smooth_grad_vec(const double *w, double *out, void *ctx)
{
    smooth_g(ctx, w, out);
    return 0;
}

static void smooth_make(smooth *s, size_t k, uint64_t seed, double *w)
{
    bcev_rng r;
    bcev_rng_seed(&r, seed);
    s->k = k;
    for (size_t j = 0; j < k; j++) {
        s->a[j] = 0.5 + bcev_rng_unif(&r);
        s->b[j] = 2.0 * bcev_rng_unif(&r) - 1.0;
        s->c[j] = 2.0 * bcev_rng_unif(&r) - 1.0;
        w[j] = 4.0 * bcev_rng_unif(&r) - 2.0;
    }
}

/* A small logistic regression in plain double (own formula, no libbce):
 * rows x_i (k features), intercept w[0], mean reduction. */
typedef struct plainlr { size_t n, k; const double *x, *y; } plainlr;

static double softplus(double z)
{
    return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

static double plain_f(const double *w, void *ctx)
{
    const plainlr *p = ctx;
    double s = 0.0;
    for (size_t i = 0; i < p->n; i++) {
        double z = w[0];
        for (size_t j = 0; j < p->k; j++)
            z += p->x[i * p->k + j] * w[1 + j];
        s += softplus(z) - p->y[i] * z;
    }
    return s / (double)p->n;
}

/* the gradient; bias_term = 0 drops w0 from z (the "missing bias" bug) */
static void plain_g(const plainlr *p, const double *w, double *g, int bias_term)
{
    memset(g, 0, (p->k + 1) * sizeof *g);
    for (size_t i = 0; i < p->n; i++) {
        double z = bias_term ? w[0] : 0.0;
        for (size_t j = 0; j < p->k; j++)
            z += p->x[i * p->k + j] * w[1 + j];
        double r = 1.0 / (1.0 + exp(-z)) - p->y[i];
        g[0] += r;
        for (size_t j = 0; j < p->k; j++)
            g[1 + j] += r * p->x[i * p->k + j];
    }
    for (size_t j = 0; j <= p->k; j++)
        g[j] /= (double)p->n;
}

#define PN 64
#define PK 5
static double px[PN * PK], py[PN];

static plainlr plain_make(double *w)
{
    bcev_rng r;
    bcev_rng_seed(&r, 7);
    for (size_t i = 0; i < PN * PK; i++)
        px[i] = 2.0 * bcev_rng_unif(&r) - 1.0;
    for (size_t i = 0; i < PN; i++)
        py[i] = (double)(bcev_rng_next(&r) & 1);
    for (size_t j = 0; j <= PK; j++)
        w[j] = 1.5 * bcev_rng_unif(&r) - 0.75;
    w[0] = 1.25;                    /* a bias that matters */
    plainlr p = {PN, PK, px, py};
    return p;
}

/* ------------------------------------------------------------------ */
/* The checker on known derivatives                                     */

Test(gradcheck, accepts_right_gradient)
{
    for (uint64_t seed = 1; seed <= 20; seed++) {
        smooth s;
        double w[8], g[8], fd[8], est[8];
        smooth_make(&s, 8, seed, w);
        smooth_g(&s, w, g);
        bcev_gc_report rep;
        cr_assert_eq(bcev_gradcheck(8, smooth_f, &s, w, g, NULL, &rep, fd, est),
                     BCEV_GC_OK);
        cr_assert(rep.pass, "seed %llu: worst %zu claimed %a fd %a est %g",
                  (unsigned long long)seed, rep.worst, rep.claimed, rep.fd,
                  rep.fd_err);
        cr_assert_eq(rep.count, 8);
        cr_assert_eq(rep.n_fail, 0);
        cr_assert(rep.n_evals >= 8 * 2 * 2 && rep.n_evals <= 8 * 2 * 8);
        /* the estimate covers the true error, and is small */
        for (int j = 0; j < 8; j++) {
            cr_assert(fabs(fd[j] - g[j]) <= est[j] + 4 * DBL_EPSILON * fabs(g[j]),
                      "seed %llu j %d: fd %a true %a est %g",
                      (unsigned long long)seed, j, fd[j], g[j], est[j]);
            cr_assert(est[j] <= 1e-9 * (1.0 + fabs(g[j])),
                      "estimate too loose: %g", est[j]);
        }
        cr_assert_eq(bcev_gradcheck_dir(8, smooth_f, &s, w, g, NULL, &rep),
                     BCEV_GC_OK);
        cr_assert(rep.pass, "dir seed %llu: worst %zu claimed %a fd %a",
                  (unsigned long long)seed, rep.worst, rep.claimed, rep.fd);
    }
}

Test(gradcheck, rejects_sign_flip)
{
    smooth s;
    double w[8], g[8];
    smooth_make(&s, 8, 3, w);
    smooth_g(&s, w, g);
    g[5] = -g[5];
    cr_assert(fabs(g[5]) > 1e-3);
    bcev_gc_report rep;
    cr_assert_eq(bcev_gradcheck(8, smooth_f, &s, w, g, NULL, &rep, NULL, NULL),
                 BCEV_GC_OK);
    cr_assert(!rep.pass);
    cr_assert_eq(rep.worst, 5);
    cr_assert_eq(rep.n_fail, 1);
    cr_assert(rep.rel_err > 1.9 && rep.rel_err < 2.1, "rel %g", rep.rel_err);
    /* the whole gradient negated: directional mode sees it too */
    for (int j = 0; j < 8; j++)
        g[j] = -g[j];
    g[5] = -g[5];
    cr_assert_eq(bcev_gradcheck_dir(8, smooth_f, &s, w, g, NULL, &rep),
                 BCEV_GC_OK);
    cr_assert(!rep.pass);
    cr_assert_eq(rep.n_fail, rep.count);
}

Test(gradcheck, rejects_missing_bias)
{
    double w[PK + 1], g[PK + 1], gb[PK + 1];
    plainlr p = plain_make(w);
    plain_g(&p, w, g, 1);
    plain_g(&p, w, gb, 0);
    bcev_gc_report rep;
    cr_assert_eq(bcev_gradcheck(PK + 1, plain_f, &p, w, g, NULL, &rep, NULL, NULL),
                 BCEV_GC_OK);
    cr_assert(rep.pass, "right gradient: worst %zu rel %g est %g", rep.worst,
              rep.rel_err, rep.fd_err);
    cr_assert(rep.max_rel_err < 1e-9, "max rel %g", rep.max_rel_err);
    cr_assert_eq(bcev_gradcheck(PK + 1, plain_f, &p, w, gb, NULL, &rep, NULL, NULL),
                 BCEV_GC_OK);
    cr_assert(!rep.pass);
    cr_assert_eq(rep.n_fail, PK + 1);           /* every coordinate is off */
    cr_assert_eq(bcev_gradcheck_dir(PK + 1, plain_f, &p, w, gb, NULL, &rep),
                 BCEV_GC_OK);
    cr_assert(!rep.pass);
    /* the bias coordinate alone left out of the gradient */
    memcpy(gb, g, sizeof g);
    gb[0] = 0.0;
    cr_assert_eq(bcev_gradcheck(PK + 1, plain_f, &p, w, gb, NULL, &rep, NULL, NULL),
                 BCEV_GC_OK);
    cr_assert(!rep.pass);
    cr_assert_eq(rep.worst, 0);
    cr_assert_eq(rep.n_fail, 1);
}

Test(gradcheck, rejects_1e6_relative_error)
{
    for (uint64_t seed = 1; seed <= 10; seed++) {
        smooth s;
        double w[8], g[8];
        smooth_make(&s, 8, seed, w);
        smooth_g(&s, w, g);
        size_t bad = (size_t)(seed % 8);
        g[bad] *= 1.0 + 1e-6;
        bcev_gc_report rep;
        cr_assert_eq(bcev_gradcheck(8, smooth_f, &s, w, g, NULL, &rep, NULL, NULL),
                     BCEV_GC_OK);
        cr_assert(!rep.pass, "seed %llu: 1e-6 error in %zu not caught",
                  (unsigned long long)seed, bad);
        cr_assert_eq(rep.worst, bad);
        cr_assert_eq(rep.n_fail, 1);
        cr_assert(fabs(rep.rel_err - 1e-6) < 1e-8, "rel %g", rep.rel_err);
    }
}

/* f(w) = w_j: the central difference is exactly 1 iff the steps are exact */
static double coord0(const double *w, void *ctx)
{
    (void)ctx;
    return w[0];
}

Test(gradcheck, exact_steps)
{
    const double ws[] = {1.0 - 0x1p-53, 0x1.fffffffffffffp+0, 0x1p-1074,
                         3 * 0x1p-1074, 0x1.0000000000001p-1022, -0.7, 1e300,
                         -0x1.fffffffffffffp+1023 / 4, 9007199254740991.0,
                         0.1, 0.0, -0x1.0000000000001p+0};
    for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++) {
        double w[1] = {ws[i]}, g[1] = {1.0}, fd, est;
        bcev_gc_report rep;
        bcev_gc_options o;
        bcev_gc_defaults(&o);
        o.rtol = 0.0;
        cr_assert_eq(bcev_gradcheck(1, coord0, NULL, w, g, &o, &rep, &fd, &est),
                     BCEV_GC_OK);
        cr_assert_eq(fd, 1.0, "w = %a: fd = %a", ws[i], fd);
        cr_assert(rep.pass);
    }
}

Test(gradcheck, directional_is_reproducible)
{
    smooth s;
    double w[8], g[8];
    smooth_make(&s, 8, 11, w);
    smooth_g(&s, w, g);
    bcev_gc_report a, b;
    bcev_gc_options o;
    bcev_gc_defaults(&o);
    o.ndirs = 5;
    o.seed = 1234;
    cr_assert_eq(bcev_gradcheck_dir(8, smooth_f, &s, w, g, &o, &a), BCEV_GC_OK);
    cr_assert_eq(bcev_gradcheck_dir(8, smooth_f, &s, w, g, &o, &b), BCEV_GC_OK);
    cr_assert_eq(a.count, 5);
    cr_assert(a.fd == b.fd && a.claimed == b.claimed && a.worst == b.worst);
    o.seed = 1235;
    cr_assert_eq(bcev_gradcheck_dir(8, smooth_f, &s, w, g, &o, &b), BCEV_GC_OK);
    cr_assert(a.claimed != b.claimed);
}

Test(gradcheck, jvp_hessian_vector)
{
    for (uint64_t seed = 1; seed <= 10; seed++) {
        smooth s;
        double w[8], v[8], hv[8];
        smooth_make(&s, 8, seed, w);
        bcev_rng r;
        bcev_rng_seed(&r, seed + 100);
        for (int j = 0; j < 8; j++)
            v[j] = 2.0 * bcev_rng_unif(&r) - 1.0;
        smooth_hv(&s, w, v, hv);
        bcev_gc_report rep;
        cr_assert_eq(bcev_jvpcheck(8, 8, smooth_grad_vec, &s, w, v, hv, NULL,
                                   &rep, NULL, NULL), BCEV_GC_OK);
        cr_assert(rep.pass, "seed %llu: worst %zu claimed %a fd %a est %g",
                  (unsigned long long)seed, rep.worst, rep.claimed, rep.fd,
                  rep.fd_err);
        hv[2] = -hv[2];
        cr_assert_eq(bcev_jvpcheck(8, 8, smooth_grad_vec, &s, w, v, hv, NULL,
                                   &rep, NULL, NULL), BCEV_GC_OK);
        cr_assert(!rep.pass);
        cr_assert_eq(rep.worst, 2);
    }
}

static double nan_after(const double *w, void *ctx)
{
    int *calls = ctx;
    return ++*calls > 5 ? NAN : w[0] * w[0];
}

Test(gradcheck, bad_arguments_and_failing_objective)
{
    double w[2] = {1, 2}, g[2] = {2, 0};
    bcev_gc_report rep;
    cr_assert_eq(bcev_gradcheck(0, coord0, NULL, w, g, NULL, &rep, NULL, NULL),
                 BCEV_GC_BAD_ARG);
    cr_assert_eq(bcev_gradcheck(2, NULL, NULL, w, g, NULL, &rep, NULL, NULL),
                 BCEV_GC_BAD_ARG);
    bcev_gc_options o;
    bcev_gc_defaults(&o);
    o.levels = 1;
    cr_assert_eq(bcev_gradcheck(2, coord0, NULL, w, g, &o, &rep, NULL, NULL),
                 BCEV_GC_BAD_ARG);
    double wn[2] = {NAN, 0};
    cr_assert_eq(bcev_gradcheck(2, coord0, NULL, wn, g, NULL, &rep, NULL, NULL),
                 BCEV_GC_BAD_ARG);
    int calls = 0;
    cr_assert_eq(bcev_gradcheck(2, nan_after, &calls, w, g, NULL, &rep, NULL, NULL),
                 BCEV_GC_EVAL_ERROR);
    cr_assert(!rep.pass);
}

/* An MPFR objective with a known gradient: f = sum_j c_j sin(w_j) +
 * (sum_j w_j)^2 / 2; parameters of very different magnitudes (a tiny w_j
 * next to the 2^-80 step needs ~1000 bits to be exact). */
static const double mp_c[5] = {1.5, -0.25, 3.0, 0.75, -2.0};

static int mp_sin_obj(mpfr_t out, const mpfr_t *w, size_t j, void *ctx)
{
    (void)j;
    (void)ctx;
    mpfr_prec_t p = mpfr_get_prec(out) + 64;
    mpfr_t acc, s, t;
    mpfr_inits2(p, acc, s, t, (mpfr_ptr)0);
    mpfr_set_zero(acc, 1);
    mpfr_set_zero(s, 1);
    for (int l = 0; l < 5; l++) {
        mpfr_sin(t, w[l], MPFR_RNDN);
        mpfr_mul_d(t, t, mp_c[l], MPFR_RNDN);
        mpfr_add(acc, acc, t, MPFR_RNDN);
        mpfr_add(s, s, w[l], MPFR_RNDN);
    }
    mpfr_sqr(s, s, MPFR_RNDN);
    mpfr_div_2ui(s, s, 1, MPFR_RNDN);
    mpfr_add(out, acc, s, MPFR_RNDN);
    mpfr_clears(acc, s, t, (mpfr_ptr)0);
    return 0;
}

Test(gradcheck, mpfr_mode_known_gradient)
{
    const double w[5] = {1e-300, -0.5, 0x1.fffffffffffffp-1, 1e3, -3e-20};
    mpfr_t g[5], fd[5], sum, t, diff;
    mpfr_inits2(512, sum, t, diff, (mpfr_ptr)0);
    mpfr_set_zero(sum, 1);
    for (int l = 0; l < 5; l++)
        mpfr_add_d(sum, sum, w[l], MPFR_RNDN);
    double gd[5];
    for (int l = 0; l < 5; l++) {
        mpfr_inits2(512, g[l], fd[l], (mpfr_ptr)0);
        mpfr_set_d(t, w[l], MPFR_RNDN);
        mpfr_cos(t, t, MPFR_RNDN);
        mpfr_mul_d(t, t, mp_c[l], MPFR_RNDN);
        mpfr_add(g[l], t, sum, MPFR_RNDN);
        gd[l] = mpfr_get_d(g[l], MPFR_RNDN);
    }
    bcev_gc_options go;
    bcev_gc_defaults(&go);
    go.rtol = 0x1p-52;
    bcev_gc_report rep;
    double est[5];
    cr_assert_eq(bcev_gradcheck_mpfr(5, mp_sin_obj, NULL, w, gd, &go, &rep, fd, est),
                 BCEV_GC_OK);
    cr_assert(rep.pass, "worst %zu claimed %a fd %a", rep.worst, rep.claimed, rep.fd);
    cr_assert_eq(rep.n_evals, 4 * 5 + 1);
    for (int l = 0; l < 5; l++) {
        mpfr_sub(diff, fd[l], g[l], MPFR_RNDN);
        mpfr_abs(diff, diff, MPFR_RNDN);
        double sc = fabs(mpfr_get_d(g[l], MPFR_RNDN));
        cr_assert(mpfr_get_d(diff, MPFR_RNDU) <= est[l] + 0x1p-250 * sc,
                  "coord %d: error %g > estimate %g", l, mpfr_get_d(diff, MPFR_RNDN), est[l]);
        cr_assert(mpfr_get_d(diff, MPFR_RNDU) <= 1e-40 * sc, "coord %d: %g", l,
                  mpfr_get_d(diff, MPFR_RNDN));
    }
    gd[3] = -gd[3];
    cr_assert_eq(bcev_gradcheck_mpfr(5, mp_sin_obj, NULL, w, gd, &go, &rep, NULL, NULL),
                 BCEV_GC_OK);
    cr_assert(!rep.pass);
    cr_assert_eq(rep.worst, 3);
    for (int l = 0; l < 5; l++)
        mpfr_clears(g[l], fd[l], (mpfr_ptr)0);
    mpfr_clears(sum, t, diff, (mpfr_ptr)0);
}

/* ------------------------------------------------------------------ */
/* Generated logistic-regression data                                    */

typedef struct lrdata {
    size_t n, k, ldx;
    double *x, *y, *sw, *w, *v;
    float *xf, *yf, *swf, *wf, *vf;
} lrdata;

/* Rows: features uniform in [-2,2]; the first `tails` rows are moved along
 * w so that z is +-(30..45) (yhat -> 1 or 0),
 * half of them with the label that makes the loss large; labels hard except
 * every 5th row soft. */
static void lr_make(lrdata *d, size_t n, size_t k, uint64_t seed, size_t tails)
{
    bcev_rng r;
    bcev_rng_seed(&r, seed);
    d->n = n;
    d->k = k;
    d->ldx = k + 1;            /* a padded stride */
    d->x = calloc(n * d->ldx, sizeof(double));
    d->y = malloc(n * sizeof(double));
    d->sw = malloc(n * sizeof(double));
    d->w = malloc((k + 1) * sizeof(double));
    d->v = malloc((k + 1) * sizeof(double));
    d->xf = calloc(n * d->ldx, sizeof(float));
    d->yf = malloc(n * sizeof(float));
    d->swf = malloc(n * sizeof(float));
    d->wf = malloc((k + 1) * sizeof(float));
    d->vf = malloc((k + 1) * sizeof(float));
    cr_assert(d->x && d->y && d->sw && d->w && d->v && d->xf && d->yf && d->swf
              && d->wf && d->vf);
    for (size_t j = 0; j <= k; j++) {
        d->wf[j] = (float)((2.0 * bcev_rng_unif(&r) - 1.0) / sqrt((double)k));
        d->vf[j] = (float)(2.0 * bcev_rng_unif(&r) - 1.0);
        d->w[j] = d->wf[j];
        d->v[j] = d->vf[j];
    }
    for (size_t i = 0; i < n; i++) {
        double z = d->w[0];
        for (size_t j = 0; j < k; j++) {
            float xv = (float)(4.0 * bcev_rng_unif(&r) - 2.0);
            d->xf[i * d->ldx + j] = xv;
            z += (double)xv * d->w[1 + j];
        }
        if (i < tails) {
            /* move x_i along w so that z = +-(30..45) */
            double target = (i % 2 ? 1.0 : -1.0) * (30.0 + 15.0 * bcev_rng_unif(&r));
            double nw = 0.0;
            for (size_t j = 0; j < k; j++)
                nw += d->w[1 + j] * d->w[1 + j];
            for (size_t j = 0; j < k; j++)
                d->xf[i * d->ldx + j] = (float)(d->xf[i * d->ldx + j]
                                                + (target - z) * d->w[1 + j] / nw);
            z = target;
        }
        double yv = i % 5 == 4 ? bcev_rng_unif(&r)
                               : (i < tails ? (double)((i / 2) % 2 == 0 ? z > 0 : z < 0)
                                            : (double)(bcev_rng_next(&r) & 1));
        d->yf[i] = (float)yv;
        d->swf[i] = (float)(0.25 + 2.0 * bcev_rng_unif(&r));
        d->y[i] = d->yf[i];
        d->sw[i] = d->swf[i];
        for (size_t j = 0; j < k; j++)
            d->x[i * d->ldx + j] = d->xf[i * d->ldx + j];
    }
}

static void lr_free(lrdata *d)
{
    free(d->x); free(d->y); free(d->sw); free(d->w); free(d->v);
    free(d->xf); free(d->yf); free(d->swf); free(d->wf); free(d->vf);
}

static bce_logreg_f64_problem lr_pb(const lrdata *d, int icpt, double l2,
                                   int weighted)
{
    bce_logreg_f64_problem pb = {d->n, d->k, d->x, d->ldx, d->y,
                                 weighted ? d->sw : NULL, icpt, l2};
    return pb;
}

/* the objective: the reference loss, for checking the reference gradient */
typedef struct refobj { const bce_logreg_f64_problem *pb; const bce_options *opt; } refobj;

static double ref_loss(const double *w, void *ctx)
{
    const refobj *ro = ctx;
    bcev_logreg_ref r;
    size_t m = ro->pb->k + (ro->pb->fit_intercept != 0);
    cr_assert_eq(bcev_logreg_ref_init(&r, ro->pb->n, m, 256, 0, 0), 0);
    bce_status st = bcev_logreg_ref_f64(ro->pb, w, NULL, ro->opt, &r);
    double l = st == BCE_OK ? r.loss : NAN;
    bcev_logreg_ref_free(&r);
    return l;
}

static int ref_grad(const double *w, double *out, void *ctx)
{
    const refobj *ro = ctx;
    bcev_logreg_ref r;
    size_t m = ro->pb->k + (ro->pb->fit_intercept != 0);
    cr_assert_eq(bcev_logreg_ref_init(&r, ro->pb->n, m, 256, 0, 0), 0);
    bce_status st = bcev_logreg_ref_f64(ro->pb, w, NULL, ro->opt, &r);
    if (st == BCE_OK)
        memcpy(out, r.grad, m * sizeof *out);
    bcev_logreg_ref_free(&r);
    return st == BCE_OK ? 0 : -1;
}

static const bce_options opt_cases[] = {
    {.reduction = BCE_REDUCTION_MEAN},
    {.reduction = BCE_REDUCTION_SUM, .flags = BCE_OPT_POS_WEIGHT, .pos_weight = 3.0},
    {.reduction = BCE_REDUCTION_WEIGHTED_MEAN, .label_smoothing = 0.1},
    {.reduction = BCE_REDUCTION_NONE, .flags = BCE_OPT_POS_WEIGHT,
     .pos_weight = 0.5, .label_smoothing = 0.05},
};
#define NCASES (sizeof opt_cases / sizeof opt_cases[0])

/* The MPFR mode against the reference gradient: ~30 digits agreement, with
 * nothing shared but the loss definition. */
Test(gradcheck, mpfr_mode_matches_reference_gradient)
{
    lrdata d;
    lr_make(&d, 300, 6, 21, 40);
    for (size_t c = 0; c < NCASES; c++) {
        int icpt = c != 2;
        bce_logreg_f64_problem pb = lr_pb(&d, icpt, c == 1 ? 0.3 : 0.0, c >= 2);
        size_t m = d.k + (size_t)icpt;
        const double *w = icpt ? d.w : d.w + 1;
        bcev_logreg_ref ref;
        cr_assert_eq(bcev_logreg_ref_init(&ref, d.n, m, 256, 0, 0), 0);
        cr_assert_eq(bcev_logreg_ref_f64(&pb, w, NULL, &opt_cases[c], &ref), BCE_OK);
        bcev_logreg_mpobj *o = bcev_logreg_mpobj_new(&pb, &opt_cases[c], 256);
        cr_assert(o != NULL);
        mpfr_t fd[8], diff, tol;
        for (size_t j = 0; j < m; j++)
            mpfr_init2(fd[j], 256);
        mpfr_inits2(256, diff, tol, (mpfr_ptr)0);
        double est[8];
        bcev_gc_report rep;
        bcev_gc_options go;
        bcev_gc_defaults(&go);
        go.rtol = 0x1p-52;         /* the reference's doubles are RN */
        cr_assert_eq(bcev_gradcheck_mpfr(m, bcev_logreg_mpobj_eval, o, w, ref.grad,
                                         &go, &rep, fd, est), BCEV_GC_OK);
        cr_assert(rep.pass, "case %zu: worst %zu claimed %a fd %a", c, rep.worst,
                  rep.claimed, rep.fd);
        for (size_t j = 0; j < m; j++) {
            mpfr_sub(diff, fd[j], ref.grad_mp[j], MPFR_RNDN);
            mpfr_abs(diff, diff, MPFR_RNDN);
            /* 30 digits relative to the size of the terms */
            double scale = ref.grad_cond[j] > 0 ? ref.grad_cond[j] : 1.0;
            mpfr_set_d(tol, scale, MPFR_RNDN);
            mpfr_mul_d(tol, tol, 1e-30, MPFR_RNDN);
            cr_assert(mpfr_lessequal_p(diff, tol),
                      "case %zu coord %zu: |fd - ref| = %g > 1e-30 * %g", c, j,
                      mpfr_get_d(diff, MPFR_RNDN), scale);
            cr_assert(est[j] < 1e-40 * scale, "estimate %g", est[j]);
        }
        /* a 1e-12 relative error in one coordinate of a double gradient is
         * caught (the double mode could not see it) */
        double gb[8];
        memcpy(gb, ref.grad, m * sizeof *gb);
        gb[m - 1] *= 1.0 + 1e-12;
        cr_assert_eq(bcev_gradcheck_mpfr(m, bcev_logreg_mpobj_eval, o, w, gb,
                                         &go, &rep, NULL, NULL), BCEV_GC_OK);
        cr_assert(!rep.pass);
        cr_assert_eq(rep.worst, m - 1);
        for (size_t j = 0; j < m; j++)
            mpfr_clear(fd[j]);
        mpfr_clears(diff, tol, (mpfr_ptr)0);
        bcev_logreg_mpobj_free(o);
        bcev_logreg_ref_free(&ref);
    }
    lr_free(&d);
}

/* The MPFR objective with MPFR parameters equals the reference loss. */
Test(logreg_ref, loss_mp_matches)
{
    lrdata d;
    lr_make(&d, 200, 5, 5, 20);
    bce_logreg_f64_problem pb = lr_pb(&d, 1, 0.25, 1);
    bcev_logreg_ref ref;
    cr_assert_eq(bcev_logreg_ref_init(&ref, d.n, 6, 256, 0, 0), 0);
    cr_assert_eq(bcev_logreg_ref_f64(&pb, d.w, NULL, &opt_cases[2], &ref), BCE_OK);
    mpfr_t w[6], l, diff;
    for (int j = 0; j < 6; j++) {
        mpfr_init2(w[j], 53);
        mpfr_set_d(w[j], d.w[j], MPFR_RNDN);
    }
    mpfr_inits2(256, l, diff, (mpfr_ptr)0);
    cr_assert_eq(bcev_logreg_loss_mp(&pb, &opt_cases[2], (const mpfr_t *)w, 256, l),
                 BCE_OK);
    mpfr_sub(diff, l, ref.loss_mp, MPFR_RNDN);
    cr_assert(fabs(mpfr_get_d(diff, MPFR_RNDN)) <= 0x1p-240 * ref.loss_cond);
    for (int j = 0; j < 6; j++)
        mpfr_clear(w[j]);
    mpfr_clears(l, diff, (mpfr_ptr)0);
    bcev_logreg_ref_free(&ref);
    lr_free(&d);
}

/* With exactly representable logits (small-integer features, dyadic
 * parameters) the reference must agree with the per-sample reference
 * (bcev_exact_mp) summed in MPFR: options, weights and reductions. */
Test(logreg_ref, agrees_with_per_sample_reference)
{
    enum { N = 120, K = 3 };
    double x[N * K], y[N], sw[N], z[N], w[K + 1] = {0.375, -1.25, 0.5, 2.0};
    bcev_rng r;
    bcev_rng_seed(&r, 99);
    for (int i = 0; i < N; i++) {
        z[i] = w[0];
        for (int j = 0; j < K; j++) {
            x[i * K + j] = (double)((int)(bcev_rng_next(&r) % 41) - 20);
            z[i] += x[i * K + j] * w[1 + j];
        }
        y[i] = i % 3 == 0 ? bcev_rng_unif(&r) : (double)(i % 2);
        sw[i] = (double)(bcev_rng_next(&r) % 7) * 0.5;
    }
    for (size_t c = 0; c < NCASES; c++) {
        bce_logreg_f64_problem pb = {N, K, x, K, y, c >= 2 ? sw : NULL, 1, 0.0};
        bcev_logreg_ref ref;
        cr_assert_eq(bcev_logreg_ref_init(&ref, N, K + 1, 256, 0, 0), 0);
        cr_assert_eq(bcev_logreg_ref_f64(&pb, w, NULL, &opt_cases[c], &ref), BCE_OK);
        mpfr_t den, L, G, sL, sG[K + 1], diff;
        mpfr_init2(den, 64);
        bcev_denominator(N, c >= 2 ? sw : NULL, &opt_cases[c], den);
        mpfr_inits2(400, L, G, sL, diff, (mpfr_ptr)0);
        mpfr_set_zero(sL, 1);
        for (int j = 0; j <= K; j++) {
            mpfr_init2(sG[j], 400);
            mpfr_set_zero(sG[j], 1);
        }
        for (int i = 0; i < N; i++) {
            bcev_sample s = {z[i], y[i], c >= 2 ? sw[i] : 1.0};
            bcev_exact_mp(BCEV_LOGITS, &s, &opt_cases[c], den, 300, L, G);
            mpfr_add(sL, sL, L, MPFR_RNDN);
            mpfr_add(sG[0], sG[0], G, MPFR_RNDN);
            for (int j = 0; j < K; j++) {
                mpfr_mul_d(L, G, x[i * K + j], MPFR_RNDN);
                mpfr_add(sG[1 + j], sG[1 + j], L, MPFR_RNDN);
            }
        }
        mpfr_div(sL, sL, den, MPFR_RNDN);
        mpfr_sub(diff, sL, ref.loss_mp, MPFR_RNDN);
        cr_assert(fabs(mpfr_get_d(diff, MPFR_RNDN)) <= 0x1p-240 * ref.loss_cond,
                  "case %zu loss", c);
        cr_assert_eq(ref.loss, mpfr_get_d(sL, MPFR_RNDN));
        for (int j = 0; j <= K; j++) {
            mpfr_sub(diff, sG[j], ref.grad_mp[j], MPFR_RNDN);
            cr_assert(fabs(mpfr_get_d(diff, MPFR_RNDN)) <= 0x1p-240 * ref.grad_cond[j],
                      "case %zu grad %d: diff %g cond %g", c, j,
                      mpfr_get_d(diff, MPFR_RNDN), ref.grad_cond[j]);
            mpfr_clear(sG[j]);
        }
        mpfr_clears(den, L, G, sL, diff, (mpfr_ptr)0);
        bcev_logreg_ref_free(&ref);
    }
}

/* The reference Hv is the derivative of the reference gradient. */
Test(logreg_ref, hvp_is_derivative_of_gradient)
{
    lrdata d;
    lr_make(&d, 150, 4, 33, 16);
    for (size_t c = 0; c < NCASES; c++) {
        int icpt = c != 1;
        bce_logreg_f64_problem pb = lr_pb(&d, icpt, c == 0 ? 0.5 : 0.0, c >= 2);
        size_t m = d.k + (size_t)icpt;
        const double *w = icpt ? d.w : d.w + 1, *v = icpt ? d.v : d.v + 1;
        bcev_logreg_ref ref;
        cr_assert_eq(bcev_logreg_ref_init(&ref, d.n, m, 256, 1, 1), 0);
        cr_assert_eq(bcev_logreg_ref_f64(&pb, w, v, &opt_cases[c], &ref), BCE_OK);
        refobj ro = {&pb, &opt_cases[c]};
        bcev_gc_report rep;
        cr_assert_eq(bcev_jvpcheck(m, m, ref_grad, &ro, w, v, ref.hv, NULL, &rep,
                                   NULL, NULL), BCEV_GC_OK);
        cr_assert(rep.pass, "case %zu: worst %zu claimed %a fd %a est %g", c,
                  rep.worst, rep.claimed, rep.fd, rep.fd_err);
        /* and the reference gradient is the derivative of the reference loss */
        cr_assert_eq(bcev_gradcheck(m, ref_loss, &ro, w, ref.grad, NULL, &rep,
                                    NULL, NULL), BCEV_GC_OK);
        cr_assert(rep.pass, "case %zu grad: worst %zu claimed %a fd %a", c,
                  rep.worst, rep.claimed, rep.fd);
        /* condition sums: sane magnitudes */
        for (size_t j = 0; j < m; j++) {
            cr_assert(ref.grad_cond[j] >= fabs(ref.grad[j]) * (1 - 1e-12));
            cr_assert(ref.grad_sig[j] >= ref.grad_cond[j] * (1 - 1e-12));
            cr_assert(ref.hv_cond[j] >= fabs(ref.hv[j]) * (1 - 1e-12));
            cr_assert(ref.hv_dcond[j] >= 0 && ref.hv_zcond[j] >= 0);
        }
        cr_assert(ref.row_zcond[3] > 0 && ref.row_vcond[3] > 0);
        bcev_logreg_ref_free(&ref);
    }
    lr_free(&d);
}

Test(logreg_ref, f32_equals_f64_on_converted_data)
{
    lrdata d;
    lr_make(&d, 100, 5, 8, 10);
    bce_logreg_f32_problem p32 = {d.n, d.k, d.xf, d.ldx, d.yf, d.swf, 1, 0.125};
    bce_logreg_f64_problem p64 = lr_pb(&d, 1, 0.125, 1);
    bcev_logreg_ref a, b;
    cr_assert_eq(bcev_logreg_ref_init(&a, d.n, 6, 256, 1, 0), 0);
    cr_assert_eq(bcev_logreg_ref_init(&b, d.n, 6, 256, 1, 0), 0);
    cr_assert_eq(bcev_logreg_ref_f32(&p32, d.wf, d.vf, &opt_cases[3], &a), BCE_OK);
    cr_assert_eq(bcev_logreg_ref_f64(&p64, d.w, d.v, &opt_cases[3], &b), BCE_OK);
    cr_assert(mpfr_equal_p(a.loss_mp, b.loss_mp));
    for (int j = 0; j < 6; j++) {
        cr_assert(mpfr_equal_p(a.grad_mp[j], b.grad_mp[j]));
        cr_assert(mpfr_equal_p(a.hv_mp[j], b.hv_mp[j]));
    }
    bcev_logreg_ref_free(&a);
    bcev_logreg_ref_free(&b);
    lr_free(&d);
}

Test(logreg_ref, validation)
{
    double x[4] = {1, 2, 3, 4}, y[2] = {0, 1}, w[3] = {0, 1, 1};
    bcev_logreg_ref r;
    cr_assert_eq(bcev_logreg_ref_init(&r, 2, 3, 0, 0, 0), 0);
    size_t idx = 0;
    bce_options o = {.reduction = BCE_REDUCTION_MEAN, .error_index = &idx};
    bce_logreg_f64_problem pb = {2, 2, x, 2, y, NULL, 1, 0.0};
    cr_assert_eq(bcev_logreg_ref_f64(&pb, w, NULL, &o, &r), BCE_OK);
    y[1] = 1.5;
    cr_assert_eq(bcev_logreg_ref_f64(&pb, w, NULL, &o, &r), BCE_E_LABEL_RANGE);
    cr_assert_eq(idx, 1);
    y[1] = 1;
    x[3] = INFINITY;
    cr_assert_eq(bcev_logreg_ref_f64(&pb, w, NULL, &o, &r), BCE_E_NONFINITE_FEATURE);
    cr_assert_eq(idx, 3);
    x[3] = 4;
    w[2] = NAN;
    cr_assert_eq(bcev_logreg_ref_f64(&pb, w, NULL, &o, &r), BCE_E_NONFINITE_PARAM);
    cr_assert_eq(idx, 2);
    w[2] = 1;
    pb.ldx = 1;
    cr_assert_eq(bcev_logreg_ref_f64(&pb, w, NULL, &o, &r), BCE_E_BAD_PROBLEM);
    pb.ldx = 2;
    o.flags = BCE_OPT_LOG_CLAMP;
    cr_assert_eq(bcev_logreg_ref_f64(&pb, w, NULL, &o, &r), BCE_E_BAD_OPTION);
    bcev_logreg_ref_free(&r);
}

/* ------------------------------------------------------------------ */
/* The fused kernels                                                     */

typedef struct fusedobj {
    const bce_logreg_f64_problem *pb;
    const bce_options *opt;
} fusedobj;

static double fused_loss(const double *w, void *ctx)
{
    const fusedobj *fo = ctx;
    double l;
    return bce_logreg_f64(fo->pb, w, fo->opt, &l, NULL, NULL) == BCE_OK ? l : NAN;
}

static int fused_grad(const double *w, double *out, void *ctx)
{
    const fusedobj *fo = ctx;
    return bce_logreg_f64(fo->pb, w, fo->opt, NULL, out, NULL) == BCE_OK ? 0 : -1;
}

Test(fused, gradient_and_hvp_pass_gradcheck)
{
    lrdata d;
    lr_make(&d, 2000, 8, 77, 200);
    for (size_t c = 0; c < NCASES; c++) {
        int icpt = c != 1;
        bce_logreg_f64_problem pb = lr_pb(&d, icpt, c == 0 ? 0.01 : 0.0, c >= 2);
        size_t m = d.k + (size_t)icpt;
        const double *w = icpt ? d.w : d.w + 1, *v = icpt ? d.v : d.v + 1;
        double g[9], hv[9], l;
        cr_assert_eq(bce_logreg_f64(&pb, w, &opt_cases[c], &l, g, NULL), BCE_OK);
        cr_assert_eq(bce_logreg_hvp_f64(&pb, w, v, &opt_cases[c], hv), BCE_OK);
        fusedobj fo = {&pb, &opt_cases[c]};
        bcev_gc_report rep;
        cr_assert_eq(bcev_gradcheck(m, fused_loss, &fo, w, g, NULL, &rep, NULL, NULL),
                     BCEV_GC_OK);
        cr_assert(rep.pass, "case %zu grad: worst %zu claimed %a fd %a est %g", c,
                  rep.worst, rep.claimed, rep.fd, rep.fd_err);
        cr_assert_eq(bcev_gradcheck_dir(m, fused_loss, &fo, w, g, NULL, &rep),
                     BCEV_GC_OK);
        cr_assert(rep.pass, "case %zu dir: worst %zu", c, rep.worst);
        cr_assert_eq(bcev_jvpcheck(m, m, fused_grad, &fo, w, v, hv, NULL, &rep,
                                   NULL, NULL), BCEV_GC_OK);
        cr_assert(rep.pass, "case %zu hvp: worst %zu claimed %a fd %a est %g", c,
                  rep.worst, rep.claimed, rep.fd, rep.fd_err);
        /* the MPFR mode: the fused double gradient within 4 ulp + 2^-100 S_j
         * of a finite difference taken at 256 bits */
        if (c < 2) {
            bcev_logreg_ref ref;
            cr_assert_eq(bcev_logreg_ref_init(&ref, d.n, m, 256, 0, 0), 0);
            cr_assert_eq(bcev_logreg_ref_f64(&pb, w, NULL, &opt_cases[c], &ref), BCE_OK);
            double at[9];
            for (size_t j = 0; j < m; j++)
                at[j] = 0x1p-100 * (ref.grad_sig[j] + ref.grad_zcond[j]);
            bcev_gc_options go;
            bcev_gc_defaults(&go);
            go.rtol = 0x1p-51;
            go.atol_vec = at;
            bcev_logreg_mpobj *o = bcev_logreg_mpobj_new(&pb, &opt_cases[c], 256);
            cr_assert(o != NULL);
            cr_assert_eq(bcev_gradcheck_mpfr(m, bcev_logreg_mpobj_eval, o, w, g,
                                             &go, &rep, NULL, NULL), BCEV_GC_OK);
            cr_assert(rep.pass, "case %zu mpfr: worst %zu claimed %a fd %a", c,
                      rep.worst, rep.claimed, rep.fd);
            bcev_logreg_mpobj_free(o);
            bcev_logreg_ref_free(&ref);
        }
    }
    lr_free(&d);
}

static double fused_loss32(const double *w, void *ctx)
{
    const bce_logreg_f32_problem *pb = ctx;
    float wf[16], l;
    for (size_t j = 0; j < pb->k + 1; j++)
        wf[j] = (float)w[j];
    return bce_logreg_f32(pb, wf, NULL, &l, NULL, NULL) == BCE_OK ? l : NAN;
}

Test(fused, f32_gradient_passes_directional_check)
{
    /* the f32 loss is a float: the finite difference is taken of the f32
     * objective at float parameters, with the float evaluation error */
    lrdata d;
    lr_make(&d, 500, 4, 78, 50);
    bce_logreg_f32_problem pb = {d.n, d.k, d.xf, d.ldx, d.yf, NULL, 1, 0.0};
    float gf[5], l;
    cr_assert_eq(bce_logreg_f32(&pb, d.wf, NULL, &l, gf, NULL), BCE_OK);
    double g[5], w[5];
    for (int j = 0; j < 5; j++) {
        g[j] = gf[j];
        w[j] = d.wf[j];
    }
    bcev_gc_options go;
    bcev_gc_defaults(&go);
    go.f_rel_err = 0x1p-23;
    go.rtol = 0x1p-20;
    go.step = 0x1p-2;
    bcev_gc_report rep;
    /* coordinate steps must keep the parameters floats: typ 1, steps 2^-2..,
     * the float grid is finer than the steps for |w| < 2^21 */
    cr_assert_eq(bcev_gradcheck(5, fused_loss32, &pb, w, g, &go, &rep, NULL, NULL),
                 BCEV_GC_OK);
    cr_assert(rep.pass, "f32: worst %zu claimed %a fd %a est %g", rep.worst,
              rep.claimed, rep.fd, rep.fd_err);
    lr_free(&d);
}

/* ------------------------------------------------------------------ */
/* A user's regression: the --lib shim and the exact judgement         */

/* The shim gives bce_logreg_f64's bits; bcev_logreg_judge measures an error
 * of e u C_j as a cond-ratio of about e, names NaN inf, and refuses bad
 * data with the library's status. */
Test(user_logreg, shim_and_judge)
{
    enum { N = 300, K = 5, M = K + 1 };
    static double x[N * K], y[N], sw[N];
    double w[M], g[M], g2[M], l, l2v, ex[M], ulps[M], cond[M], ratio[M], sig[M];
    bcev_rng r;
    bcev_rng_seed(&r, 7);
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < K; j++)
            x[i * K + j] = 4 * bcev_rng_unif(&r) - 2;
        y[i] = bcev_rng_unif(&r) < 0.4;
        sw[i] = 0.5 + bcev_rng_unif(&r);
    }
    for (size_t j = 0; j < M; j++)
        w[j] = bcev_rng_unif(&r) - 0.5;
    bce_logreg_f64_problem pb = {N, K, x, K, y, sw, 1, 0.25};
    bce_options opt;
    bcev_logreg_options(2.0, 0.1, BCE_REDUCTION_WEIGHTED_MEAN, &opt);
    cr_assert(opt.flags & BCE_OPT_POS_WEIGHT);
    cr_assert_eq(bce_logreg_f64(&pb, w, &opt, &l, g, NULL), BCE_OK);
    cr_assert_eq(bcev_logreg_shim_f64(N, K, x, K, y, sw, 1, 0.25, 2.0, 0.1,
                                      BCE_REDUCTION_WEIGHTED_MEAN, w, &l2v, g2,
                                      NULL, NULL), 0);
    cr_assert_eq(memcmp(g, g2, sizeof g), 0);
    cr_assert_eq(l, l2v);
    cr_assert_eq(bcev_logreg_judge(N, K, x, K, y, sw, 1, 0.25, 2.0, 0.1,
                                   BCE_REDUCTION_WEIGHTED_MEAN, w, g, BCEV_F64, ex,
                                   ulps, cond, ratio, sig), 0);
    bcev_logreg_ref ref;
    cr_assert_eq(bcev_logreg_ref_init(&ref, N, M, 256, 0, 0), 0);
    cr_assert_eq(bcev_logreg_ref_f64(&pb, w, NULL, &opt, &ref), BCE_OK);
    for (size_t j = 0; j < M; j++) {
        cr_assert_eq(ex[j], ref.grad[j]);
        cr_assert_eq(cond[j], ref.grad_cond[j]);
        cr_assert(ulps[j] <= 1.0 && ratio[j] < 1.0, "j=%zu ulps %g ratio %g", j,
                  ulps[j], ratio[j]);
        /* an error of 50 u C_j: a cond-ratio of 50 (within the rounding) */
        g2[j] = ref.grad[j] + 50 * 0x1p-53 * ref.grad_cond[j];
    }
    g2[2] = NAN;
    cr_assert_eq(bcev_logreg_judge(N, K, x, K, y, sw, 1, 0.25, 2.0, 0.1,
                                   BCE_REDUCTION_WEIGHTED_MEAN, w, g2, BCEV_F64, NULL,
                                   NULL, NULL, ratio, NULL), 0);
    for (size_t j = 0; j < M; j++) {
        if (j == 2)
            cr_assert(isinf(ratio[j]));
        else
            cr_assert(ratio[j] > 49 && ratio[j] < 51, "j=%zu ratio %g", j, ratio[j]);
    }
    /* f32: u = 2^-24, the same absolute error is 2^-29 times smaller */
    g2[2] = ref.grad[2];
    cr_assert_eq(bcev_logreg_judge(N, K, x, K, y, sw, 1, 0.25, 2.0, 0.1,
                                   BCE_REDUCTION_WEIGHTED_MEAN, w, g2, BCEV_F32, NULL,
                                   NULL, NULL, ratio, NULL), 0);
    cr_assert(ratio[0] > 49 * 0x1p-29 && ratio[0] < 51 * 0x1p-29);
    /* bad data: the library's status */
    y[3] = 2.0;
    cr_assert_eq(bcev_logreg_judge(N, K, x, K, y, sw, 1, 0.25, 2.0, 0.1,
                                   BCE_REDUCTION_WEIGHTED_MEAN, w, g, BCEV_F64, NULL,
                                   NULL, NULL, ratio, NULL), (int)BCE_E_LABEL_RANGE);
    y[3] = 0.0;
    bcev_logreg_ref_free(&ref);

    /* Hv: the shim's within one unit of its conditioning, an error of 50 u
     * cond_j a ratio of 50 */
    double v[M], hv[M], hcond[M];
    for (size_t j = 0; j < M; j++)
        v[j] = bcev_rng_unif(&r) - 0.5;
    cr_assert_eq(bcev_logreg_shim_f64(N, K, x, K, y, sw, 1, 0.25, 2.0, 0.1,
                                      BCE_REDUCTION_WEIGHTED_MEAN, w, NULL, NULL, v, hv),
                 0);
    cr_assert_eq(bcev_logreg_judge_hv(N, K, x, K, y, sw, 1, 0.25, 2.0, 0.1,
                                      BCE_REDUCTION_WEIGHTED_MEAN, w, v, hv, BCEV_F64,
                                      ex, ulps, hcond, ratio), 0);
    for (size_t j = 0; j < M; j++) {
        cr_assert(ratio[j] < 1.0 && ulps[j] <= 1.0, "j=%zu ratio %g", j, ratio[j]);
        hv[j] = ex[j] + 50 * 0x1p-53 * hcond[j];
    }
    cr_assert_eq(bcev_logreg_judge_hv(N, K, x, K, y, sw, 1, 0.25, 2.0, 0.1,
                                      BCE_REDUCTION_WEIGHTED_MEAN, w, v, hv, BCEV_F64,
                                      NULL, NULL, NULL, ratio), 0);
    for (size_t j = 0; j < M; j++)
        cr_assert(ratio[j] > 49 && ratio[j] < 51, "j=%zu ratio %g", j, ratio[j]);
    cr_assert_eq(bcev_logreg_judge_hv(N, K, x, K, y, sw, 1, 0.25, 2.0, 0.1,
                                      BCE_REDUCTION_WEIGHTED_MEAN, w, NULL, hv, BCEV_F64,
                                      NULL, NULL, NULL, ratio), (int)BCE_E_NULL_POINTER);
}

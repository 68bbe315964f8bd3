/*
 * test_logreg_api.c -- the fused logistic regression's contract: every
 * invalid input gives its status and first offending index and writes
 * nothing (with and without per-sample outputs, which take different
 * validation paths); every ISA gives the scalar bits (loss, gradient,
 * Hessian-vector product, per-sample outputs) for every n from 0 to 67,
 * k from 0 to 40 and beyond, row strides, f64 and f32, every option set
 * and both accumulation modes.  Accuracy against MPFR: test_logreg.c.
 * Fixed seeds.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bce.h"
#include "bce_verify.h"
#include "isa_list.h"

#define SENT 0x1.5a5a5a5a5a5a5p+1000   /* sentinel: "not written" */

/* a small valid problem: n = 6, k = 3, ldx = 4 */
static double X[24], Y[6], SW[6], W[4], V[4];
static void fill(void)
{
    for (int i = 0; i < 24; i++) X[i] = (i % 7) - 3.0 + 0.25 * i;
    for (int i = 0; i < 6; i++) { Y[i] = (i % 3) / 2.0; SW[i] = 1.0 + i; }
    for (int j = 0; j < 4; j++) { W[j] = 0.1 * j - 0.2; V[j] = 1.0 - 0.3 * j; }
}
static bce_logreg_f64_problem prob(void)
{
    fill();
    bce_logreg_f64_problem p = { 6, 3, X, 4, Y, SW, 1, 0.5 };
    return p;
}

typedef struct outs { double loss, grad[4], hv[4], z[6], l[6], r[6]; } outs;
static void sent(outs *o)
{
    o->loss = SENT;
    for (int j = 0; j < 4; j++) o->grad[j] = o->hv[j] = SENT;
    for (int i = 0; i < 6; i++) o->z[i] = o->l[i] = o->r[i] = SENT;
}
static int untouched(const outs *o)
{
    if (o->loss != SENT) return 0;
    for (int j = 0; j < 4; j++) if (o->grad[j] != SENT || o->hv[j] != SENT) return 0;
    for (int i = 0; i < 6; i++) if (o->z[i] != SENT || o->l[i] != SENT || o->r[i] != SENT) return 0;
    return 1;
}

/* Call all three paths (no samples, with samples, hvp) and expect st/idx. */
static void expect(const bce_logreg_f64_problem *p, const double *w, const double *v,
                   bce_options o, bce_status want, size_t want_idx, const char *what)
{
    for (int path = 0; path < 3; path++) {
        outs out;
        sent(&out);
        size_t idx = 12345;
        o.error_index = &idx;
        bce_logreg_f64_samples smp = { out.z, out.l, out.r };
        bce_status st;
        if (path == 0) st = bce_logreg_f64(p, w, &o, &out.loss, out.grad, NULL);
        else if (path == 1) st = bce_logreg_f64(p, w, &o, &out.loss, out.grad, &smp);
        else st = bce_logreg_hvp_f64(p, w, v, &o, out.hv);
        cr_expect_eq(st, want, "%s (path %d): status %s, expected %s", what, path,
                     bce_status_name(st), bce_status_name(want));
        if (want != BCE_OK) {
            cr_expect_eq(idx, want_idx, "%s (path %d): index %zu, expected %zu", what, path, idx, want_idx);
            cr_expect(untouched(&out), "%s (path %d): an output was written on error", what, path);
        }
    }
}

Test(logreg_api, valid_problem_passes)
{
    bce_logreg_f64_problem p = prob();
    expect(&p, W, V, (bce_options){0}, BCE_OK, 0, "valid");
}

Test(logreg_api, pointers_problem_options)
{
    bce_logreg_f64_problem p = prob();
    expect(NULL, W, V, (bce_options){0}, BCE_E_NULL_POINTER, BCE_NO_INDEX, "NULL problem");
    expect(&p, NULL, V, (bce_options){0}, BCE_E_NULL_POINTER, BCE_NO_INDEX, "NULL w");
    p.x = NULL;
    expect(&p, W, V, (bce_options){0}, BCE_E_NULL_POINTER, BCE_NO_INDEX, "NULL x");
    p = prob(); p.y = NULL;
    expect(&p, W, V, (bce_options){0}, BCE_E_NULL_POINTER, BCE_NO_INDEX, "NULL y");
    p = prob(); p.ldx = 2;
    expect(&p, W, V, (bce_options){0}, BCE_E_BAD_PROBLEM, BCE_NO_INDEX, "ldx < k");
    p = prob(); p.l2 = -1.0;
    expect(&p, W, V, (bce_options){0}, BCE_E_BAD_PROBLEM, BCE_NO_INDEX, "l2 < 0");
    p.l2 = NAN;
    expect(&p, W, V, (bce_options){0}, BCE_E_BAD_PROBLEM, BCE_NO_INDEX, "l2 NaN");
    p.l2 = INFINITY;
    expect(&p, W, V, (bce_options){0}, BCE_E_BAD_PROBLEM, BCE_NO_INDEX, "l2 inf");
    p = prob(); p.k = 0; p.fit_intercept = 0;
    expect(&p, W, V, (bce_options){0}, BCE_E_BAD_PROBLEM, BCE_NO_INDEX, "no parameter");
    p = prob(); p.n = SIZE_MAX / 2; p.ldx = 1000;
    expect(&p, W, V, (bce_options){0}, BCE_E_SIZE_OVERFLOW, BCE_NO_INDEX, "n ldx overflows");
    p = prob();
    expect(&p, W, V, (bce_options){ .flags = BCE_OPT_LOG_CLAMP }, BCE_E_BAD_OPTION, BCE_NO_INDEX, "log clamp");
    expect(&p, W, V, (bce_options){ .reduction = 7 }, BCE_E_BAD_OPTION, BCE_NO_INDEX, "reduction 7");
    expect(&p, W, V, (bce_options){ .flags = 0x100 }, BCE_E_BAD_OPTION, BCE_NO_INDEX, "flag 0x100");
    expect(&p, W, V, (bce_options){ .label_smoothing = 1.5 }, BCE_E_BAD_OPTION, BCE_NO_INDEX, "smoothing 1.5");
    expect(&p, W, V, (bce_options){ .reserved[2] = 1 }, BCE_E_BAD_OPTION, BCE_NO_INDEX, "reserved field nonzero");
    p.n = 0;
    expect(&p, W, V, (bce_options){ .reduction = BCE_REDUCTION_MEAN }, BCE_E_EMPTY_MEAN, BCE_NO_INDEX, "mean of 0");
    p = prob();
    for (int i = 0; i < 6; i++) SW[i] = 0.0;
    expect(&p, W, V, (bce_options){ .reduction = BCE_REDUCTION_WEIGHTED_MEAN },
           BCE_E_ZERO_WEIGHT_SUM, BCE_NO_INDEX, "zero weight sum");
    /* hvp without v */
    p = prob();
    double hv[4] = { SENT, SENT, SENT, SENT };
    cr_expect_eq(bce_logreg_hvp_f64(&p, W, NULL, NULL, hv), BCE_E_NULL_POINTER);
    cr_expect(hv[0] == SENT && hv[3] == SENT);
}

Test(logreg_api, parameters)
{
    bce_logreg_f64_problem p = prob();
    W[2] = NAN;
    expect(&p, W, V, (bce_options){0}, BCE_E_NONFINITE_PARAM, 2, "w[2] NaN");
    p = prob(); W[0] = -INFINITY;
    expect(&p, W, V, (bce_options){0}, BCE_E_NONFINITE_PARAM, 0, "w[0] -inf");
    p = prob(); V[3] = INFINITY;
    outs out; sent(&out);
    size_t idx = 0;
    bce_options o = { .error_index = &idx };
    cr_expect_eq(bce_logreg_hvp_f64(&p, W, V, &o, out.hv), BCE_E_NONFINITE_PARAM);
    cr_expect_eq(idx, 3);
    cr_expect(untouched(&out));
}

Test(logreg_api, rows_first_offender_wins)
{
    bce_logreg_f64_problem p = prob();
    X[4 * 4 + 1] = NAN;                     /* row 4, column 1 */
    expect(&p, W, V, (bce_options){0}, BCE_E_NONFINITE_FEATURE, 17, "x[4][1] NaN");
    p = prob();
    X[2 * 4 + 2] = INFINITY;                /* row 2, column 2 */
    Y[3] = 2.0;
    expect(&p, W, V, (bce_options){0}, BCE_E_NONFINITE_FEATURE, 10, "x[2][2] inf before y[3]");
    p = prob();
    X[3 * 4 + 0] = -INFINITY;               /* row 3: x comes before y */
    Y[3] = NAN;
    expect(&p, W, V, (bce_options){0}, BCE_E_NONFINITE_FEATURE, 12, "x[3][0] before y[3]");
    p = prob();
    X[3 * 4 + 3] = NAN;                     /* the padding column is not data */
    Y[1] = -0.5;
    expect(&p, W, V, (bce_options){0}, BCE_E_LABEL_RANGE, 1, "y[1] < 0 (padding NaN ignored)");
    p = prob(); Y[5] = NAN;
    expect(&p, W, V, (bce_options){0}, BCE_E_NAN_LABEL, 5, "y[5] NaN");
    p = prob(); SW[2] = -1.0;
    expect(&p, W, V, (bce_options){0}, BCE_E_WEIGHT_RANGE, 2, "sw[2] < 0");
    p = prob(); SW[4] = NAN; Y[4] = 0.5;
    expect(&p, W, V, (bce_options){0}, BCE_E_NAN_WEIGHT, 4, "sw[4] NaN");
    p = prob(); SW[1] = INFINITY;
    expect(&p, W, V, (bce_options){0}, BCE_E_WEIGHT_RANGE, 1, "sw[1] inf");
}

Test(logreg_api, f32_errors)
{
    float x[6] = { 1, 2, NAN, 4, 5, 6 }, y[3] = { 0, 1, 1 }, w[3] = { 0.5f, -1, 2 }, g[3] = { 7, 7, 7 };
    float loss = 7;
    size_t idx = 0;
    bce_options o = { .error_index = &idx };
    bce_logreg_f32_problem p = { 3, 2, x, 2, y, NULL, 1, 0.0 };
    cr_expect_eq(bce_logreg_f32(&p, w, &o, &loss, g, NULL), BCE_E_NONFINITE_FEATURE);
    cr_expect_eq(idx, 2);
    cr_expect(loss == 7 && g[0] == 7 && g[2] == 7);
    x[2] = 3;
    cr_expect_eq(bce_logreg_f32(&p, w, &o, &loss, g, NULL), BCE_OK);
    cr_expect(isfinite(loss) && loss > 0);
}

/* No intercept, k = 0 features would be no parameter; intercept only is a
 * valid model: z = w0 for every row, gradient = mean(sigma(w0) - y). */
Test(logreg_api, intercept_only_matches_per_sample_api)
{
    double y[5] = { 0, 1, 1, 0.25, 1 }, w0 = 0.75, g, loss;
    bce_logreg_f64_problem p = { 5, 0, NULL, 0, y, NULL, 1, 0.0 };
    bce_options o = { .reduction = BCE_REDUCTION_SUM };
    cr_assert_eq(bce_logreg_f64(&p, &w0, &o, &loss, &g, NULL), BCE_OK);
    double z[5], dz[5], l2;
    for (int i = 0; i < 5; i++) z[i] = w0;
    cr_assert_eq(bce_logits_f64(5, z, y, NULL, &o, &l2, dz), BCE_OK);
    cr_expect(fabs(loss - l2) <= 0x1p-52 * l2, "loss %a vs per-sample sum %a", loss, l2);
    /* each dz_i is within 1 ulp (2^-52 |dz_i|) of its exact value, the plain
     * sum adds at most 4 u sum |dz_i|, g is within u |g| of the exact sum */
    double s = 0, sa = 0;
    for (int i = 0; i < 5; i++) { s += dz[i]; sa += fabs(dz[i]); }
    cr_expect(fabs(g - s) <= 0x1p-53 * fabs(g) + (0x1p-52 + 4 * 0x1p-53) * sa * 1.001,
              "grad %a vs sum of dz %a", g, s);
}

/* An accumulation that overflows: the exact gradient and Hv lie beyond the
 * type's range, so the results are infinities of their exact sign, never
 * NaN.  One row, x = 2^1000 (f32: 2^100), z = x w = -1, y = 1, P = 2^64,
 * sw = 2^-64 under WEIGHTED_MEAN (sw / sum sw = 1), l2 = 0.01:
 *   grad = -P sigma(-1) x + l2 w      ~ -2^63.5 2^1000  -> -inf
 *   Hv   = P sigma(1) sigma(-1) x (x v) + l2 v,  v = 1  -> +inf
 * Before, the compensated sums' error terms (inf - inf = NaN) were added
 * to the overflowed sums: grad and Hv were NaN (grad: with l2 != 0). */
Test(logreg_api, overflowing_accumulation_is_infinite)
{
    for (int fast = 0; fast < 2; fast++) {
        bce_options o = { .reduction = BCE_REDUCTION_WEIGHTED_MEAN,
                          .flags = BCE_OPT_POS_WEIGHT | (fast ? BCE_OPT_FAST_ACCUM : 0u),
                          .pos_weight = 0x1p64 };
        double x[1] = { 0x1p1000 }, y[1] = { 1 }, sw[1] = { 0x1p-64 };
        double w[1] = { -0x1p-1000 }, v[1] = { 1 }, loss, g, hv;
        bce_logreg_f64_problem p = { 1, 1, x, 1, y, sw, 0, 0.01 };
        cr_assert_eq(bce_logreg_f64(&p, w, &o, &loss, &g, NULL), BCE_OK);
        cr_expect(isinf(g) && g < 0, "f64 fast=%d: grad %a, expected -inf", fast, g);
        cr_expect(isfinite(loss) && loss > 0, "f64 fast=%d: loss %a", fast, loss);
        cr_assert_eq(bce_logreg_hvp_f64(&p, w, v, &o, &hv), BCE_OK);
        cr_expect(isinf(hv) && hv > 0, "f64 fast=%d: Hv %a, expected +inf", fast, hv);

        float xf[1] = { 0x1p100f }, yf[1] = { 1 }, swf[1] = { 0x1p-64f };
        float wf[1] = { -0x1p-100f }, vf[1] = { 1 }, lf, gf, hf;
        bce_logreg_f32_problem q = { 1, 1, xf, 1, yf, swf, 0, 0.01 };
        cr_assert_eq(bce_logreg_f32(&q, wf, &o, &lf, &gf, NULL), BCE_OK);
        cr_expect(isinf(gf) && gf < 0, "f32 fast=%d: grad %a, expected -inf", fast, (double)gf);
        cr_expect(isfinite(lf) && lf > 0, "f32 fast=%d: loss %a", fast, (double)lf);
        cr_assert_eq(bce_logreg_hvp_f32(&q, wf, vf, &o, &hf), BCE_OK);
        cr_expect(isinf(hf) && hf > 0, "f32 fast=%d: Hv %a, expected +inf", fast, (double)hf);
    }
}

/* ---- every ISA gives the scalar bits --------------------------------------- */

/* The registry's ISAs other than scalar that run here, taken once per test
 * (isa_list.h: the others are reported as skipped). */
static const char *isas[TEST_MAX_ISA];
static size_t n_isas;
static int isas_taken;

static size_t simd_isa_count(void)
{
    if (!isas_taken) {
        for (size_t i = 1; i < test_isa_count(); i++)
            if (test_isa_runnable(i)) isas[n_isas++] = bce_isa_name(i);
        isas_taken = 1;
    }
    return n_isas;
}

typedef struct run {
    double loss, grad[64], hv[64], z[80], l[80], r[80];
    float lossf, gradf[64], hvf[64], zf[80], lf[80], rf[80];
} run;

static void one(const bce_logreg_f64_problem *p, const bce_logreg_f32_problem *q,
                const double *w, const double *v, const float *wf, const float *vf,
                const bce_options *o, run *R)
{
    bce_logreg_f64_samples s = { R->z, R->l, R->r };
    bce_logreg_f32_samples sf = { R->zf, R->lf, R->rf };
    cr_assert_eq(bce_logreg_f64(p, w, o, &R->loss, R->grad, &s), BCE_OK);
    cr_assert_eq(bce_logreg_hvp_f64(p, w, v, o, R->hv), BCE_OK);
    cr_assert_eq(bce_logreg_f32(q, wf, o, &R->lossf, R->gradf, &sf), BCE_OK);
    cr_assert_eq(bce_logreg_hvp_f32(q, wf, vf, o, R->hvf), BCE_OK);
    /* the path without per-sample outputs (checks rows inside the pass) */
    double l2, g2[64];
    memcpy(g2, R->grad, sizeof g2);      /* entries past m stay as they are */
    cr_assert_eq(bce_logreg_f64(p, w, o, &l2, g2, NULL), BCE_OK);
    cr_assert(memcmp(&l2, &R->loss, 8) == 0 && memcmp(g2, R->grad, sizeof g2) == 0,
              "results depend on whether per-sample outputs are asked for");
}

Test(logreg_isa, same_bits_every_isa, .timeout = 600)
{
    bcev_rng rng;
    bcev_rng_seed(&rng, 20261127);
    static double x[80 * 64], y[80], sw[80], w[64], v[64];
    static float xf[80 * 64], yf[80], swf[80], wf[64], vf[64];
    long cases = 0, compared = 0;
    const size_t ks[] = { 0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 24, 31, 33, 40, 63 };
    for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++)
    for (size_t n = 0; n <= 67; n += (n < 12 ? 1 : 5)) {
        const size_t k = ks[ki], ldx = k + (n % 3);
        const int icpt = k == 0 || (n % 4) != 1;
        for (size_t i = 0; i < n * ldx; i++) {
            double u = bcev_rng_unif(&rng);
            x[i] = u < 0.02 ? 0.0 : ldexp(bcev_rng_unif(&rng) - 0.5, (int)(bcev_rng_next(&rng) % 12) - 4);
            xf[i] = (float)x[i]; x[i] = xf[i];
        }
        for (size_t i = 0; i < n; i++) {
            double u = bcev_rng_unif(&rng);
            y[i] = u < 0.4 ? 0.0 : u < 0.8 ? 1.0 : bcev_rng_unif(&rng);
            yf[i] = (float)y[i]; y[i] = yf[i];
            sw[i] = bcev_rng_unif(&rng) * 3; swf[i] = (float)sw[i]; sw[i] = swf[i];
        }
        for (size_t j = 0; j < k + 1; j++) {
            w[j] = (bcev_rng_unif(&rng) - 0.5) * (j % 5 == 0 ? 200 : 4);  /* tails too */
            wf[j] = (float)w[j]; w[j] = wf[j];
            v[j] = bcev_rng_unif(&rng) - 0.5; vf[j] = (float)v[j]; v[j] = vf[j];
        }
        for (int os = 0; os < 6; os++) {
            bce_options o = { 0 };
            const int use_sw = os >= 3;
            o.reduction = os == 0 ? BCE_REDUCTION_SUM : os == 1 ? BCE_REDUCTION_MEAN
                        : os == 2 ? BCE_REDUCTION_NONE : BCE_REDUCTION_WEIGHTED_MEAN;
            if (os == 1 || os == 4) o.flags |= BCE_OPT_FAST_ACCUM;
            if (os == 3) { o.flags |= BCE_OPT_POS_WEIGHT; o.pos_weight = 2.5; }
            if (os == 5) o.label_smoothing = 0.1;
            if (o.reduction == BCE_REDUCTION_MEAN && n == 0) continue;
            if (o.reduction == BCE_REDUCTION_WEIGHTED_MEAN && n == 0) continue;
            bce_logreg_f64_problem p = { n, k, x, ldx, y, use_sw ? sw : NULL, icpt, (os % 2) * 0.01 };
            bce_logreg_f32_problem q = { n, k, xf, ldx, yf, use_sw ? swf : NULL, icpt, (os % 2) * 0.01 };
            static run R0, R1;
            memset(&R0, 0, sizeof R0);
            cr_assert_eq(bce_set_isa("scalar"), BCE_OK);
            one(&p, &q, w, v, wf, vf, &o, &R0);
            cases++;
            for (size_t t = 0; t < simd_isa_count(); t++) {
                memset(&R1, 0, sizeof R1);
                cr_assert_eq(bce_set_isa(isas[t]), BCE_OK);
                one(&p, &q, w, v, wf, vf, &o, &R1);
                compared++;
                if (memcmp(&R0, &R1, sizeof R0) != 0) {
                    cr_assert_eq(bce_set_isa("auto"), BCE_OK);
                    cr_assert_fail("%s differs from scalar: n %zu k %zu ldx %zu option set %d "
                                   "(loss %a vs %a, grad[0] %a vs %a)", isas[t], n, k, ldx, os,
                                   R0.loss, R1.loss, R0.grad[0], R1.grad[0]);
                }
            }
        }
    }
    cr_assert_eq(bce_set_isa("auto"), BCE_OK);
    cr_log_info("logreg: %ld problems, %ld ISA comparisons, all bit-identical", cases, compared);
    cr_expect(cases > 1000);
}

/* Larger problems: block and fold boundaries (256 rows), long rows. */
Test(logreg_isa, same_bits_large, .timeout = 600)
{
    const size_t ns[] = { 255, 256, 257, 1000, 3001 }, ks[] = { 8, 100, 300 };
    bcev_rng rng;
    bcev_rng_seed(&rng, 77);
    for (size_t a = 0; a < 5; a++)
    for (size_t b = 0; b < 3; b++) {
        const size_t n = ns[a], k = ks[b], m = k + 1;
        double *x = malloc(n * k * 8), *y = malloc(n * 8), *w = malloc(m * 8), *v = malloc(m * 8);
        double *g0 = malloc(m * 8), *g1 = malloc(m * 8), *h0 = malloc(m * 8), *h1 = malloc(m * 8);
        cr_assert(x && y && w && v && g0 && g1 && h0 && h1);
        for (size_t i = 0; i < n * k; i++) x[i] = ldexp(bcev_rng_unif(&rng) - 0.5, (int)(bcev_rng_next(&rng) % 40) - 20);
        for (size_t i = 0; i < n; i++) y[i] = bcev_rng_unif(&rng) < 0.5 ? 0.0 : 1.0;
        for (size_t j = 0; j < m; j++) { w[j] = (bcev_rng_unif(&rng) - 0.5) * 0.1; v[j] = bcev_rng_unif(&rng); }
        bce_logreg_f64_problem p = { n, k, x, k, y, NULL, 1, 0.0 };
        for (int fast = 0; fast < 2; fast++) {
            bce_options o = { .reduction = BCE_REDUCTION_MEAN, .flags = fast ? BCE_OPT_FAST_ACCUM : 0 };
            double l0, l1;
            cr_assert_eq(bce_set_isa("scalar"), BCE_OK);
            cr_assert_eq(bce_logreg_f64(&p, w, &o, &l0, g0, NULL), BCE_OK);
            cr_assert_eq(bce_logreg_hvp_f64(&p, w, v, &o, h0), BCE_OK);
            for (size_t t = 0; t < simd_isa_count(); t++) {
                cr_assert_eq(bce_set_isa(isas[t]), BCE_OK);
                cr_assert_eq(bce_logreg_f64(&p, w, &o, &l1, g1, NULL), BCE_OK);
                cr_assert_eq(bce_logreg_hvp_f64(&p, w, v, &o, h1), BCE_OK);
                cr_expect(memcmp(&l0, &l1, 8) == 0 && memcmp(g0, g1, m * 8) == 0 &&
                          memcmp(h0, h1, m * 8) == 0,
                          "%s differs from scalar: n %zu k %zu fast %d", isas[t], n, k, fast);
            }
        }
        free(x); free(y); free(w); free(v); free(g0); free(g1); free(h0); free(h1);
    }
    cr_assert_eq(bce_set_isa("auto"), BCE_OK);
}

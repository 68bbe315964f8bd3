/*
 * test_logreg.c -- the fused logistic regression against an MPFR
 * evaluation of the whole computation (verify/logreg_ref.c), with the
 * a-priori bound of docs/ACCURACY.md ("Fused logistic regression"):
 *
 *   |g^_j - g_j| <= uT |g_j| + e1 sig_j + eZ zc_j + cA u^2 cond_j
 *   |L^ - L|     <= uT |L| + e1 L + eZ sum_i s_i |G_i| C_i / norm + cA u^2 L
 *   |Hv^_j - Hv_j| <= uT |Hv_j| + eH hcond_j + eZ (hz_j + hd_j) + cA u^2 hcond_j
 *
 * uT = 2^-53 (f64 outputs) or 2^-24 (f32), u = 2^-53, and with the ref's
 * condition sums (bce_gradcheck.h): sig_j = grad_sig, zc_j = grad_zcond,
 * cond_j = grad_cond, hcond_j = hv_cond, hz_j = hv_zcond, hd_j = hv_dcond,
 * C_i = sum_l |x~_il w_l|:
 *   e1 = 2^-62 (+ 2^-99 with pos_weight or smoothing)  the row's level 1
 *        (BCE_OPT_FAST_ACCUM: e1 = eH = 2^-48, its plain-double rows)
 *   eH = 2^-61 (+ 2^-99)                               the row's h_i
 *   default mode:  eZ = gamma_K^2 + 4u^2, K = ceil(k/8) + 4  (Dot2)
 *                  cA = 256^2 (1+2^-40) + 3 ceil(n/8) + 16   (Sum2, folds)
 *   BCE_OPT_FAST_ACCUM: eZ = gamma_Kf, Kf = ceil(k/16) + 5, and the
 *                  accumulation adds (gamma_256 + u) cond_j (first order).
 * The condition sums are taken over the whole interval |z - z_i| <= eZ C_i
 * the computed z_i may lie in (R.zrel = eZ: h_i -> min(s_i/4, h_i e^(eZ C_i))
 * and so on, bce_gradcheck.h), not at z_i alone.
 * Data: random rows, rows whose terms cancel, features spanning 10^+-150,
 * rows with sigma -> 0 and -> 1 (|z| up to ~700), soft labels, weights,
 * pos_weight, smoothing, every reduction, l2; n up to 10^6 (k = 8) and k up
 * to 512.  Each test prints its worst error / bound ratio and its worst
 * error in units of uT |value| (the "ulp-like" figure of docs/ACCURACY.md).
 * Fixed seeds.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "bce.h"
#include "bce_verify.h"
#include "bce_gradcheck.h"

static const double u = 0x1p-53;



static double gam(double K) { return K * u / (1 - K * u); }

typedef struct data {
    size_t n, k, ldx;
    double *x, *y, *sw, *w, *v;
    float *xf, *yf, *swf, *wf, *vf;
} data;

enum { D_RANDOM, D_CANCEL, D_WIDE, D_TAILS, D_SOFT };
static const char *dname[] = { "random", "cancelling rows", "features 10^+-150",
                               "tails sigma->0/1", "soft labels near sigma" };

static void gen(data *d, size_t n, size_t k, int kind, uint64_t seed)
{
    bcev_rng r;
    bcev_rng_seed(&r, seed);
    d->n = n; d->k = k; d->ldx = k + (k % 3 == 1);
    d->x = calloc(n * d->ldx + 1, 8); d->y = malloc(n * 8 + 8); d->sw = malloc(n * 8 + 8);
    d->w = malloc((k + 1) * 8); d->v = malloc((k + 1) * 8);
    d->xf = calloc(n * d->ldx + 1, 4); d->yf = malloc(n * 4 + 4); d->swf = malloc(n * 4 + 4);
    d->wf = malloc((k + 1) * 4); d->vf = malloc((k + 1) * 4);
    cr_assert(d->x && d->y && d->sw && d->w && d->v && d->xf && d->yf && d->swf && d->wf && d->vf);
    for (size_t j = 0; j <= k; j++) {
        double s = kind == D_TAILS ? 3.0 / sqrt((double)k + 1) * 8 : 1.0 / sqrt((double)k + 1);
        d->w[j] = (bcev_rng_unif(&r) - 0.5) * 2 * s;
        if (kind == D_WIDE) d->w[j] = ldexp(d->w[j], (int)(bcev_rng_next(&r) % 41) - 20);
        d->v[j] = bcev_rng_unif(&r) - 0.5;
        d->wf[j] = (float)d->w[j]; d->vf[j] = (float)d->v[j];
    }
    for (size_t i = 0; i < n; i++) {
        double *row = d->x + i * d->ldx;
        for (size_t j = 0; j < k; j++) {
            double xv = (bcev_rng_unif(&r) - 0.5) * 4;
            if (kind == D_WIDE) xv = ldexp(xv, (int)(bcev_rng_next(&r) % 997) - 498);  /* 2^+-498 ~ 10^+-150 */
            row[j] = xv;
        }
        if (kind == D_CANCEL && k >= 2 && i % 2 == 0) {
            /* x_0 w_1 ~ -(x_1 w_2 + ...): z is a tiny difference of big terms */
            double big = ldexp(1.0, (int)(bcev_rng_next(&r) % 30));
            row[0] = big;
            double rest = d->w[0];
            for (size_t j = 1; j < k; j++) { row[j] *= big; rest += row[j] * d->w[j + 1]; }
            row[0] = -rest / d->w[1];
        }
        double u1 = bcev_rng_unif(&r);
        d->y[i] = u1 < 0.45 ? 0.0 : u1 < 0.9 ? 1.0 : bcev_rng_unif(&r);
        d->sw[i] = 0.5 + bcev_rng_unif(&r) * 2;
    }
    for (size_t i = 0; i < n * d->ldx; i++) { d->xf[i] = (float)d->x[i]; }
    for (size_t i = 0; i < n; i++) { d->yf[i] = (float)d->y[i]; d->swf[i] = (float)d->sw[i]; }
    if (kind == D_SOFT) {
        /* labels within a few ulps of sigma(z) at the double z: the gradient's
         * terms cancel (z from the exact dot product, rounded) */
        for (size_t i = 0; i < n; i++) {
            long double z = d->w[0];
            for (size_t j = 0; j < k; j++) z += (long double)d->x[i * d->ldx + j] * d->w[j + 1];
            double s = 1.0 / (1.0 + exp(-(double)z));
            d->y[i] = nextafter(s, (bcev_rng_next(&r) & 1) ? 2.0 : -1.0);
            d->yf[i] = (float)d->y[i];
        }
    }
}

static void gfree(data *d)
{
    free(d->x); free(d->y); free(d->sw); free(d->w); free(d->v);
    free(d->xf); free(d->yf); free(d->swf); free(d->wf); free(d->vf);
}

typedef struct worst { double ratio, ulps; size_t j; const char *what; long outs, notcr; } worst;

static void upd(worst *W, double err, double bound, double uT, double val, size_t j, const char *what)
{
    double ratio = err / bound;
    if (!(ratio <= W->ratio)) { W->ratio = ratio; W->j = j; W->what = what; }
    double ul = val != 0 ? err / (uT * fabs(val)) : (err == 0 ? 0 : INFINITY);
    if (ul > W->ulps) W->ulps = ul;
}

/* One problem, one option set, f64 or f32: compare everything with MPFR. */
static void check(const data *d, int f32, int icpt, double l2, bce_options o, worst *W,
                  const char *label)
{
    const size_t n = d->n, k = d->k, m = k + (icpt != 0);
    const int fast = (o.flags & BCE_OPT_FAST_ACCUM) != 0;
    const int exact_lab = !(o.flags & BCE_OPT_POS_WEIGHT) && o.label_smoothing == 0;
    const double uT = f32 ? 0x1p-24 : u;
    /* fast mode: the plain-double rows (src/logreg/logreg_l1_tmpl.h lr_plain) */
    const double e1 = fast ? 0x1p-48 : 0x1p-62 + (exact_lab ? 0 : 0x1p-99);
    const double eH = fast ? 0x1p-48 : 0x1p-61 + (exact_lab ? 0 : 0x1p-99);
    const double eZ = fast ? gam(ceil(k / 16.0) + 5) : gam(ceil(k / 8.0) + 4) * gam(ceil(k / 8.0) + 4) + 4 * u * u;
    const double cA = 65536 * (1 + 0x1p-40) + 3 * ceil(n / 8.0) + 16;
    const double eA = fast ? gam(256) + u : 0.0;

    bce_logreg_f64_problem p = { n, k, d->x, d->ldx, d->y, o.reduction == BCE_REDUCTION_WEIGHTED_MEAN ||
                                 (o.flags & BCE_OPT_POS_WEIGHT) ? d->sw : NULL, icpt, l2 };
    bce_logreg_f32_problem q = { n, k, d->xf, d->ldx, d->yf, p.sw ? d->swf : NULL, icpt, l2 };
    bcev_logreg_ref R;
    cr_assert_eq(bcev_logreg_ref_init(&R, n, m, 256, 1, 1), 0);
    R.zrel = eZ;   /* condition sums over |z - z_i| <= eZ C_i (bce_gradcheck.h) */
    bce_status st = f32 ? bcev_logreg_ref_f32(&q, d->wf + !icpt, d->vf + !icpt, &o, &R)
                        : bcev_logreg_ref_f64(&p, d->w + !icpt, d->v + !icpt, &o, &R);
    cr_assert_eq(st, BCE_OK, "reference: %s", bce_status_name(st));

    double *g = malloc(m * 8), *hv = malloc(m * 8), *r = malloc(n * 8 + 8), loss;
    float *gf = malloc(m * 4), *hvf = malloc(m * 4), *rf = malloc(n * 4 + 4), lossf;
    cr_assert(g && hv && r && gf && hvf && rf);
    if (f32) {
        bce_logreg_f32_samples s = { NULL, NULL, rf };
        cr_assert_eq(bce_logreg_f32(&q, d->wf + !icpt, &o, &lossf, gf, &s), BCE_OK);
        cr_assert_eq(bce_logreg_hvp_f32(&q, d->wf + !icpt, d->vf + !icpt, &o, hvf), BCE_OK);
        loss = lossf;
        for (size_t j = 0; j < m; j++) { g[j] = gf[j]; hv[j] = hvf[j]; }
        for (size_t i = 0; i < n; i++) r[i] = rf[i];
    } else {
        bce_logreg_f64_samples s = { NULL, NULL, r };
        cr_assert_eq(bce_logreg_f64(&p, d->w + !icpt, &o, &loss, g, &s), BCE_OK);
        cr_assert_eq(bce_logreg_hvp_f64(&p, d->w + !icpt, d->v + !icpt, &o, hv), BCE_OK);
    }
    const double eta = 0x1p-1020;
    double *uA = malloc(m * sizeof *uA), *uB = malloc(m * sizeof *uB), uS = 0;
    cr_assert(uA && uB);
    bcev_logreg_uflow_sums(&p, o.reduction, R.row_vcond, uA, uB, &uS);
    /* The a-priori bound.  Where some eZ C_i is not small, its interval
     * form is far above the first-order one (rows whose products reach
     * 2^500 and cancel: the computed z_i may, a priori, be anywhere within
     * 2^400 of z_i): then the first-order form (zrel = 0, h_i etc. at z_i)
     * is checked too, as a measured property of the data (Dot2 is nearly
     * exact there), so that such data still tests something. */
    double dzmax = 0;
    for (size_t i = 0; i < n; i++) if (eZ * R.row_zcond[i] > dzmax) dzmax = eZ * R.row_zcond[i];
    for (int form = 0; form < 1 + (dzmax > 0x1p-20); form++) {
        if (form == 1) {
            bcev_logreg_ref_free(&R);
            cr_assert_eq(bcev_logreg_ref_init(&R, n, m, 256, 1, 1), 0);
            st = f32 ? bcev_logreg_ref_f32(&q, d->wf + !icpt, d->vf + !icpt, &o, &R)
                     : bcev_logreg_ref_f64(&p, d->w + !icpt, d->v + !icpt, &o, &R);
            cr_assert_eq(st, BCE_OK);
        }
        const char *fm = form ? " (first order)" : "";
        /* sum_i s_i sup|G_i| C_i / norm for the loss, the sup over the z
         * interval; (1 + 2^-60): e1 and cA u^2 times the growth of L_i there */
        const double gz = R.loss_zcond * (1 + 0x1p-60);
        char what[160];
        /* loss */
        {
            double err = bcev_err_mp(loss, R.loss_mp);
            double bound = uT * fabs(R.loss) + e1 * R.loss_cond + eZ * gz + cA * u * u * R.loss_cond + eta * uS;
            snprintf(what, sizeof what, "%s %s loss%s", label, f32 ? "f32" : "f64", fm);
            cr_expect(err <= bound, "%s: |%a - %a| = %g > bound %g", what, loss, R.loss, err, bound);
            upd(W, err, bound, uT, R.loss, 0, "loss");
        }
        for (size_t j = 0; j < m; j++) {
            double ref = mpfr_get_d(R.grad_mp[j], MPFR_RNDN);
            double err = bcev_err_mp(g[j], R.grad_mp[j]);
            double bound = uT * fabs(ref) + e1 * R.grad_sig[j] + eZ * R.grad_zcond[j]
                         + (cA * u * u + eA) * R.grad_cond[j] * (1 + 0x1p-40) + eta * uA[j];
            snprintf(what, sizeof what, "%s %s grad[%zu]%s", label, f32 ? "f32" : "f64", j, fm);
            cr_expect(err <= bound, "%s: |%a - %a| = %g > bound %g", what, g[j], ref, err, bound);
            upd(W, err, bound, uT, ref, j, "grad");
        /* correctly rounded?  (a statistic, not asserted: the bound is) */
        W->outs += 2;
        if (f32 ? (float)g[j] != mpfr_get_flt(R.grad_mp[j], MPFR_RNDN) : g[j] != ref) W->notcr++;
        if (f32 ? (float)hv[j] != mpfr_get_flt(R.hv_mp[j], MPFR_RNDN)
                : hv[j] != mpfr_get_d(R.hv_mp[j], MPFR_RNDN)) W->notcr++;
            double href = mpfr_get_d(R.hv_mp[j], MPFR_RNDN);
            double herr = bcev_err_mp(hv[j], R.hv_mp[j]);
            double hb = uT * fabs(href) + eH * R.hv_cond[j] + eZ * (R.hv_zcond[j] + R.hv_dcond[j])
                      + (cA * u * u + eA) * R.hv_cond[j] * (1 + 0x1p-40) + eta * uB[j];
            cr_expect(herr <= hb, "%s hv[%zu]%s: |%a - %a| = %g > bound %g", label, j, fm, hv[j], href, herr, hb);
            upd(W, herr, hb, uT, href, j, "hv");
        }
    }
    bcev_logreg_ref_free(&R);
    free(g); free(hv); free(r); free(gf); free(hvf); free(rf); free(uA); free(uB);
}

static void report(const char *name, const worst *W)
{
    cr_log_info("%s: worst error/bound %.3g (%s[%zu]), worst error %.3g uT|value|",
                name, W->ratio, W->what ? W->what : "-", W->j, W->ulps);
    printf("logreg accuracy %s: worst error/bound %.3g, worst error %.3g uT|value|, "
           "%ld of %ld gradient and Hv outputs not correctly rounded\n",
           name, W->ratio, W->ulps, W->notcr, W->outs);
}

static void suite(size_t n, size_t k, int kind, int with_f32)
{
    data d;
    gen(&d, n, k, kind, 1000 + 31 * kind + n + k);
    worst WS[2][2];    /* [fast][f32] */
    memset(WS, 0, sizeof WS);
    const bce_options opts[] = {
        { .reduction = BCE_REDUCTION_MEAN },
        { .reduction = BCE_REDUCTION_SUM, .flags = BCE_OPT_POS_WEIGHT, .pos_weight = 3.0 },
        { .reduction = BCE_REDUCTION_WEIGHTED_MEAN, .label_smoothing = 0.05 },
        { .reduction = BCE_REDUCTION_MEAN, .flags = BCE_OPT_FAST_ACCUM },
    };
    for (size_t a = 0; a < sizeof opts / sizeof opts[0]; a++)
        for (int t = 0; t <= with_f32; t++) {
            char label[120];
            snprintf(label, sizeof label, "%s n=%zu k=%zu opt#%zu", dname[kind], n, k, a);
            check(&d, t, a != 2, a == 1 ? 0.0 : 0.01, opts[a], &WS[a == 3][t], label);
        }
    for (int f = 0; f < 2; f++)
        for (int t = 0; t <= with_f32; t++) {
            char name[160];
            snprintf(name, sizeof name, "%s n=%zu k=%zu %s %s", dname[kind], n, k,
                     t ? "f32" : "f64", f ? "fast" : "default");
            report(name, &WS[f][t]);
        }
    gfree(&d);
}

Test(logreg_accuracy, random_small_k, .timeout = 900) { suite(20000, 8, D_RANDOM, 1); }
Test(logreg_accuracy, random_k512, .timeout = 900) { suite(600, 512, D_RANDOM, 1); }
Test(logreg_accuracy, cancelling_rows, .timeout = 900) { suite(5000, 33, D_CANCEL, 1); }
Test(logreg_accuracy, wide_features, .timeout = 900) { suite(3000, 40, D_WIDE, 0); }
Test(logreg_accuracy, tails, .timeout = 900) { suite(5000, 16, D_TAILS, 1); }
Test(logreg_accuracy, soft_labels_near_sigma, .timeout = 900) { suite(5000, 12, D_SOFT, 0); }
Test(logreg_accuracy, million_rows, .timeout = 1800)
{
    /* n = 10^6 (BCE_TEST_LOGREG_N overrides), default options and fast mode */
    const char *e = getenv("BCE_TEST_LOGREG_N");
    size_t n = e && atol(e) > 0 ? (size_t)atol(e) : 1000000;
    data d;
    gen(&d, n, 8, D_TAILS, 4242);
    worst W = { 0, 0, 0, NULL, 0, 0 }, WF = { 0, 0, 0, NULL, 0, 0 };
    check(&d, 0, 1, 0.0, (bce_options){ .reduction = BCE_REDUCTION_MEAN }, &W, "1e6 rows");
    check(&d, 0, 1, 0.0, (bce_options){ .reduction = BCE_REDUCTION_MEAN, .flags = BCE_OPT_FAST_ACCUM }, &WF, "1e6 rows fast");
    report("tails n=1e6 k=8 f64 default", &W);
    report("tails n=1e6 k=8 f64 fast", &WF);
    gfree(&d);
}

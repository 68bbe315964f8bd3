/*
 * fuzz_logreg.c -- libFuzzer target for the fused logistic regression
 * (bce_logreg_f64/f32, bce_logreg_hvp_f64/f32): n in 0..67 rows, k in
 * 0..19 features, a row stride ldx >= k (sometimes < k: BAD_PROBLEM),
 * features and parameters at the edges (subnormals, +-0, 2^+-500, huge,
 * sometimes NaN/inf), labels next to sigma, sample weights, every
 * reduction, pos_weight, smoothing, l2 (sometimes invalid), fit_intercept,
 * BCE_OPT_FAST_ACCUM, f64 or f32.
 *
 * Checks, each an abort() with the problem printed in %a:
 *   1. the status is the one the MPFR reference (bcev_logreg_ref_*, which
 *      applies the same checks) gives; on error nothing is written;
 *   2. every ISA returns the scalar bits (loss, gradient, Hessian-vector
 *      product, per-sample z, loss, r);
 *   3. loss, gradient and Hv are within the a-priori bound of
 *      docs/ACCURACY.md (the formula tests/test_logreg.c asserts, with the
 *      condition sums of the MPFR reference).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bce_gradcheck.h"
#include "bce_verify.h"
#include "fuzz_common.h"

#define NMAX FZ_NMAX
#define KMAX 19


static const unsigned char SENT = 0xA5;
static const double u = 0x1p-53;

static double gam(double K) { return K * u / (1 - K * u); }

static int untouched(const void *p, size_t bytes)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < bytes; i++)
        if (c[i] != SENT) return 0;
    return 1;
}

/* a feature or parameter: mostly moderate, sometimes at an edge */
static double value(fz_reader *r, int f32, int allow_bad)
{
    uint8_t s = fz_u8(r);
    double v;
    if (s < 96) v = ((double)fz_u16(r) - 32768.0) / 8192.0;            /* [-4, 4) */
    else if (s < 200) v = fz_logit(r, f32, 0.0);
    else if (s < 240) {
        /* two reads, sequenced (as two arguments of ldexp their order was
         * unspecified: clang read the mantissa first, gcc the exponent, so
         * the two builds decoded different problems from the same bytes);
         * the order is clang's, in which the fuzz findings were made */
        const double mant = ((double)fz_u16(r) - 32768.0) / 32768.0;
        const int ex = (int)(fz_u16(r) % 1001) - 500;
        v = ldexp(mant, ex);
    }
    else v = 0.0;
    if (!allow_bad && !isfinite(v)) v = 1.0;
    if (isfinite(v) && fabs(v) > 0x1p200) {
        /* known defect (fuzz/known_failures.c): an x.v that overflows
         * times an h that underflows gives a NaN Hv; keep |v| <= 2^200 */
        int e;
        double mm = frexp(v, &e);
        v = ldexp(mm, e % 200);
    }
    return f32 ? (double)(float)v : v;
}

typedef struct outs {
    double loss, g[KMAX + 1], hv[KMAX + 1], sz[NMAX], sl[NMAX], sr[NMAX];
    float lossf, gf[KMAX + 1], hvf[KMAX + 1], szf[NMAX], slf[NMAX], srf[NMAX];
} outs;

static bce_status run(int f32, const bce_logreg_f64_problem *p, const bce_logreg_f32_problem *q,
                      const double *w, const float *wf, const double *v, const float *vf,
                      const bce_options *o, outs *out, bce_status *st_hv)
{
    memset(out, SENT, sizeof *out);
    bce_status st;
    if (f32) {
        bce_logreg_f32_samples s = { out->szf, out->slf, out->srf };
        st = bce_logreg_f32(q, wf, o, &out->lossf, out->gf, &s);
        *st_hv = bce_logreg_hvp_f32(q, wf, vf, o, out->hvf);
    } else {
        bce_logreg_f64_samples s = { out->sz, out->sl, out->sr };
        st = bce_logreg_f64(p, w, o, &out->loss, out->g, &s);
        *st_hv = bce_logreg_hvp_f64(p, w, v, o, out->hv);
    }
    return st;
}

static void dump(const bce_logreg_f64_problem *p, const double *w, const double *v,
                 const bce_options *o, size_t m, int f32)
{
    fprintf(stderr, "  %s n=%zu k=%zu ldx=%zu icpt=%d l2=%a sw=%s reduction=%d flags=%#x"
            " pos_weight=%a smoothing=%a\n", f32 ? "f32" : "f64", p->n, p->k, p->ldx,
            p->fit_intercept, p->l2, p->sw ? "yes" : "no", (int)o->reduction, o->flags,
            o->pos_weight, o->label_smoothing);
    for (size_t j = 0; j < m; j++) fprintf(stderr, "  w[%zu]=%a v[%zu]=%a\n", j, w[j], j, v[j]);
    for (size_t i = 0; i < p->n; i++) {
        fprintf(stderr, "  row %zu: y=%a sw=%a x=", i, p->y[i], p->sw ? p->sw[i] : 1.0);
        for (size_t j = 0; j < p->k; j++) fprintf(stderr, " %a", p->x[i * p->ldx + j]);
        fputc('\n', stderr);
    }
}

/* the reference in the output type: an infinity returned for an exact
 * value beyond the type's range is its correct rounding */
static double to_out(double v, int f32) { return f32 ? (double)(float)v : v; }

/* The bound is on the result before its rounding to the output type
 * (docs/ACCURACY.md): where |exact| + bound reaches the type's overflow
 * threshold (FLT_MAX + half an ulp for f32; DBL_MAX for f64), that result
 * may round to +-inf, of the exact value's sign unless the bound exceeds
 * |exact|.  (Fast mode, f32: rows whose products near 2^130 cancel, z = -22
 * computed as 0, h = e^-22 / 2 taken as 1/8: a Hessian-vector product of
 * -2^99 computed as -2^128.7, within the bound 2^328, is -inf in f32.) */
static int overflow_ok(double got, double exact, double bound, int f32)
{
    if (!isinf(got)) return 0;
    const double ovf = f32 ? 0x1.ffffffp+127 : 0x1.fffffffffffffp+1023;
    if (!(fabs(exact) + bound >= ovf)) return 0;
    return bound >= fabs(exact) || (got > 0) == (exact > 0);
}

/* Known defects of the fused entry points (fuzz/known/README):
 * an output whose exact value is beyond 2^1000, or whose intermediate sums
 * overflow (NaN while the exact value is finite, e.g. 2^168), may come out
 * NaN, and one below
 * 2^-800 may be off by far more than the bound's 2^-1060.  Detour: those
 * outputs are not compared (FZ_NO_DETOURS=1 compares them). */
static int detour(double exact, double got)
{
    return !fz_no_detours() &&
           (isnan(got) || !(fabs(exact) >= 0x1p-800 && fabs(exact) <= 0x1p1000));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static double x[NMAX * (KMAX + 2) + 1], y[NMAX], sw[NMAX], w[KMAX + 1], v[KMAX + 1];
    static float xf[NMAX * (KMAX + 2) + 1], yf[NMAX], swf[NMAX], wf[KMAX + 1], vf[KMAX + 1];
    static outs ref, got;
    fz_reader r;
    fz_init(&r, data, size);

    const uint8_t cfg = fz_u8(&r), cfg2 = fz_u8(&r), nb = fz_u8(&r), kb = fz_u8(&r);
    /* nb < 68: the original decoding (n = nb, k = kb % 20; the regress-*
     * inputs of the corpus were made with it and have nb < 68); nb >= 68:
     * V2 (FZ_MODE_V2 decoders, option ends, and mostly small problems: the
     * work of a run grows as n k, on every ISA and in the MPFR reference;
     * the original means n 33, k 9.5 cost 5 times the V2 means, about 11
     * and 6) */
    const int v2 = nb >= NMAX + 1;
    if (v2) r.mode |= FZ_MODE_V2;
    const int f32 = cfg2 & 1, icpt = (cfg2 >> 1) & 1, has_sw = (cfg >> 2) & 1;
    const int bad_ok = (cfg2 & 0x0c) == 0x0c;        /* one input in four */
    bce_options o;
    memset(&o, 0, sizeof o);
    o.reduction = (bce_reduction)(cfg & 3);
    if (cfg & 0x08) {
        o.flags |= BCE_OPT_POS_WEIGHT;
        o.pos_weight = v2 ? fz_pos_weight_v2(&r) : fz_weight(&r, 0);
        if (o.pos_weight > 0 && !(o.pos_weight >= BCE_POS_WEIGHT_MIN &&
                                  o.pos_weight <= BCE_POS_WEIGHT_MAX) && !bad_ok) {
            int e;
            double mm = frexp(o.pos_weight, &e);
            o.pos_weight = ldexp(mm, e % 64);
        }
    }
    if (cfg & 0x10) o.label_smoothing = v2 ? fz_smoothing_v2(&r) : fz_smoothing(&r, 0);
    if (cfg & 0x20) o.flags |= BCE_OPT_FAST_ACCUM;
    if ((cfg & 0x40) && bad_ok) o.flags |= BCE_OPT_LOG_CLAMP;   /* rejected */
    size_t eidx = 4242;
    if (cfg & 0x80) o.error_index = &eidx;

    size_t n = nb % (NMAX + 1), k = kb % (KMAX + 1);
    if (v2) {
        /* n: 0..9 (80%), 15..17 and 31..33 (10%), 63..67 (5%), any (5%);
         * k: 0..7 (75%), 8..19 */
        static const uint8_t tails[] = { 15, 16, 17, 31, 32, 33 };
        const unsigned j = nb - (NMAX + 1), kk = kb & 0x1f;
        n = j < 150 ? j % 10 : j < 168 ? tails[(j - 150) % 6] : j < 178 ? 63 + (j - 168) % 5
          : (size_t)(fz_u8(&r) % (NMAX + 1));
        k = kk < 24 ? kk % 8 : 8 + ((kk - 24) * 3 + (kb >> 5)) % 12;
    }
    size_t ldx = k + (kb >> 5) % 3;
    if (bad_ok && (cfg2 & 0x10) && k > 0) ldx = k - 1;             /* BAD_PROBLEM */
    const size_t m = k + (icpt != 0);
    double l2 = 0.0;
    switch ((cfg2 >> 5) & 7) {
    case 0: case 1: case 2: break;
    case 3: l2 = 1.0; break;
    case 4: l2 = (double)fz_u16(&r) / 1024.0; break;
    case 5: l2 = ldexp(1.0, (int)(fz_u16(&r) % 2000) - 1000); break;
    case 6: l2 = bad_ok ? -1.0 : 0x1p-1074; break;
    default: l2 = bad_ok ? NAN : 1e300; break;
    }

    for (size_t j = 0; j < m; j++) {
        w[j] = value(&r, f32, bad_ok); v[j] = value(&r, f32, bad_ok);
        wf[j] = (float)w[j]; vf[j] = (float)v[j];
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < ldx; j++) {
            double xv = j < k ? value(&r, f32, bad_ok) : NAN;   /* padding: never read */
            x[i * ldx + j] = xv; xf[i * ldx + j] = (float)xv;
        }
        double z = icpt ? w[0] : 0.0;
        for (size_t j = 0; j < k; j++) z += x[i * ldx + j] * w[j + (icpt != 0)];
        y[i] = fz_label(&r, f32, z, 1);
        sw[i] = has_sw ? fz_weight(&r, f32) : 1.0;
        yf[i] = (float)y[i]; swf[i] = (float)sw[i];
    }
    bce_logreg_f64_problem p = { n, k, x, ldx, y, has_sw ? sw : NULL, icpt, l2 };
    bce_logreg_f32_problem q = { n, k, xf, ldx, yf, has_sw ? swf : NULL, icpt, l2 };

    /* the reference: status and exact values */
    /* the a-priori bound's z error (docs/ACCURACY.md): |z^_i - z_i| <= eZ C_i */
    const int fast = (o.flags & BCE_OPT_FAST_ACCUM) != 0;
    const double kk = (double)k;
    const double eZ = fast ? gam(ceil(kk / 16.0) + 5)
                           : gam(ceil(kk / 8.0) + 4) * gam(ceil(kk / 8.0) + 4) + 4 * u * u;
    /* The reference at 96 bits (working precision 160): its error, about
     * 2^-96 |value| + (n + 16) 2^-160 cond (verify/logreg_ref.c), is below
     * 2^-40 of the bound's terms uT |value| and e1 cond (uT >= 2^-53, e1 >=
     * 2^-62) -- 256 bits bought nothing but time. */
    bcev_logreg_ref R;
    if (bcev_logreg_ref_init(&R, n, m ? m : 1, 96, 1, 1) != 0) fz_fail("out of memory");
    R.zrel = eZ;
    const double *wp = w, *vp = v;   /* never NULL (m == 0: BAD_PROBLEM) */
    const float *wfp = wf, *vfp = vf;
    bce_status want = f32 ? bcev_logreg_ref_f32(&q, wfp, vfp, &o, &R)
                          : bcev_logreg_ref_f64(&p, wp, vp, &o, &R);

    const char *isas[FZ_MAX_ISA];
    const int nisa = fz_isas(isas, FZ_MAX_ISA);
    bce_set_isa("scalar");
    bce_status st_hv, st = run(f32, &p, &q, wp, wfp, vp, vfp, &o, &ref, &st_hv);
    if (want != BCE_OK) {
        /* The reference checks the rows before the parameters, the library
         * the parameters first (bce.h does not order them), and the loss
         * call has no v: accept FEATURE for PARAM and the other way round,
         * and for the loss call OK when only v is non-finite. */
        int wbad = 0, vbad = 0;
        for (size_t j = 0; j < m; j++) { wbad |= !isfinite(w[j]); vbad |= !isfinite(v[j]); }
        const int fp = want == BCE_E_NONFINITE_FEATURE || want == BCE_E_NONFINITE_PARAM;
        /* a row-level error of the reference can show as the library's
         * earlier parameter check (w for both calls, v for the hvp) */
        const int rowerr = want == BCE_E_NONFINITE_FEATURE || want == BCE_E_NAN_LABEL ||
                           want == BCE_E_LABEL_RANGE || want == BCE_E_NAN_WEIGHT ||
                           want == BCE_E_WEIGHT_RANGE || want == BCE_E_ZERO_WEIGHT_SUM;
#define SAME(s, pbad) ((s) == want || (fp && ((s) == BCE_E_NONFINITE_FEATURE || \
                                        ((s) == BCE_E_NONFINITE_PARAM && (wbad || vbad)))) || \
                       ((s) == BCE_E_NONFINITE_PARAM && rowerr && (pbad)))
        const int loss_ok = SAME(st, wbad) || (st == BCE_OK && want == BCE_E_NONFINITE_PARAM && !wbad);
        if (!loss_ok || !SAME(st_hv, wbad || vbad)) {
            dump(&p, w, v, &o, m, f32);
            fz_fail("status %s (hvp %s), reference %s", bce_status_name(st),
                    bce_status_name(st_hv), bce_status_name(want));
        }
#undef SAME
        /* nothing written by a failing call */
        const int hv_untouched = f32 ? untouched(ref.hvf, sizeof ref.hvf) : untouched(ref.hv, sizeof ref.hv);
        const int l_untouched = f32 ? untouched(&ref.lossf, sizeof ref.lossf) &&
                                      untouched(ref.gf, sizeof ref.gf) && untouched(ref.szf, sizeof ref.szf) &&
                                      untouched(ref.slf, sizeof ref.slf) && untouched(ref.srf, sizeof ref.srf)
                                    : untouched(&ref.loss, sizeof ref.loss) &&
                                      untouched(ref.g, sizeof ref.g) && untouched(ref.sz, sizeof ref.sz) &&
                                      untouched(ref.sl, sizeof ref.sl) && untouched(ref.sr, sizeof ref.sr);
        if ((st != BCE_OK && !l_untouched) || (st_hv != BCE_OK && !hv_untouched)) {
            dump(&p, w, v, &o, m, f32);
            fz_fail("%s / %s: an output was written on error", bce_status_name(st),
                    bce_status_name(st_hv));
        }
        bcev_logreg_ref_free(&R);
        return 0;
    }
    if (st != BCE_OK || st_hv != BCE_OK) {
        dump(&p, w, v, &o, m, f32);
        fz_fail("status %s (hvp %s), reference OK", bce_status_name(st), bce_status_name(st_hv));
    }

    /* every ISA: the scalar bits */
    for (int t = 1; t < nisa; t++) {
        bce_set_isa(isas[t]);
        st = run(f32, &p, &q, wp, wfp, vp, vfp, &o, &got, &st_hv);
        if (st != BCE_OK || st_hv != BCE_OK || memcmp(&got, &ref, sizeof ref) != 0) {
            dump(&p, w, v, &o, m, f32);
            fz_fail("%s differs from scalar (status %s, %s)", isas[t],
                    bce_status_name(st), bce_status_name(st_hv));
        }
    }
    bce_set_isa("scalar");

    /* the a-priori bound of docs/ACCURACY.md (as tests/test_logreg.c) */
    const int exact_lab = !(o.flags & BCE_OPT_POS_WEIGHT) && o.label_smoothing == 0;
    const double uT = f32 ? 0x1p-24 : u;
    /* fast mode: the plain-double rows (src/logreg/logreg_l1_tmpl.h lr_plain) */
    const double e1 = fast ? 0x1p-48 : 0x1p-62 + (exact_lab ? 0 : 0x1p-99);
    const double eH = fast ? 0x1p-48 : 0x1p-61 + (exact_lab ? 0 : 0x1p-99);
    const double cA = 65536 * (1 + 0x1p-40) + 3 * ceil((double)n / 8.0) + 16;
    const double eA = fast ? gam(256) + u : 0.0;
    /* f32 outputs: uT |value| is the rounding of a normal float; below
     * 2^-126 the rounding is absolute, up to half the quantum 2^-149 */
    const double qf = f32 ? 0x1p-150 : 0.0;
    /* the loss's z term: sum_i s_i sup|G_i| C_i / norm over the z interval
     * (R.loss_zcond); (1 + 2^-60) covers e1 and cA u^2 times the growth of
     * L_i over that interval (docs/ACCURACY.md) */
    const double gz = R.loss_zcond * (1 + 0x1p-60);
    const double eta = 0x1p-1020;
    double *uA = malloc((m ? m : 1) * sizeof *uA), *uB = malloc((m ? m : 1) * sizeof *uB), uS = 0;
    if (!uA || !uB) fz_fail("out of memory");
    bcev_logreg_uflow_sums(&p, o.reduction, R.row_vcond, uA, uB, &uS);
    const double loss = f32 ? (double)ref.lossf : ref.loss;
    const double lref = mpfr_get_d(R.loss_mp, MPFR_RNDN);
    const double lerr = bcev_err_mp(loss, R.loss_mp);
    const double lb = uT * fabs(R.loss) + e1 * R.loss_cond + eZ * gz + cA * u * u * R.loss_cond + eta * uS + qf;
    if (!(lerr <= lb) && lerr != 0.0 && !(isinf(loss) && loss == to_out(lref, f32)) &&
        !overflow_ok(loss, lref, lb, f32) && !detour(lref, loss)) {
        dump(&p, w, v, &o, m, f32);
        fz_fail("loss %a, reference %a: error %g > bound %g", loss, lref, lerr, lb);
    }
    for (size_t j = 0; j < m; j++) {
        const double g = f32 ? (double)ref.gf[j] : ref.g[j];
        const double gr = mpfr_get_d(R.grad_mp[j], MPFR_RNDN);
        const double ge = bcev_err_mp(g, R.grad_mp[j]);
        const double gb = uT * fabs(gr) + e1 * R.grad_sig[j] + eZ * R.grad_zcond[j]
                        + (cA * u * u + eA) * R.grad_cond[j] * (1 + 0x1p-40) + eta * uA[j] + qf;
        if (!(ge <= gb) && ge != 0.0 && !(isinf(g) && g == to_out(gr, f32)) &&
            !overflow_ok(g, gr, gb, f32) && !detour(gr, g)) {
            dump(&p, w, v, &o, m, f32);
            fprintf(stderr, "  bound terms: uT|g| %g, e1 sig %g, eZ zcond %g, (cA u^2 + eA) cond %g,"
                    " eta uflow %g, qf %g\n", uT * fabs(gr), e1 * R.grad_sig[j],
                    eZ * R.grad_zcond[j], (cA * u * u + eA) * R.grad_cond[j] * (1 + 0x1p-40),
                    eta * uA[j], qf);
            fz_fail("grad[%zu] %a, reference %a: error %g > bound %g", j, g, gr, ge, gb);
        }
        const double h = f32 ? (double)ref.hvf[j] : ref.hv[j];
        const double hr = mpfr_get_d(R.hv_mp[j], MPFR_RNDN);
        const double he = bcev_err_mp(h, R.hv_mp[j]);
        const double hb = uT * fabs(hr) + eH * R.hv_cond[j] + eZ * (R.hv_zcond[j] + R.hv_dcond[j])
                        + (cA * u * u + eA) * R.hv_cond[j] * (1 + 0x1p-40) + eta * uB[j] + qf;
        if (!(he <= hb) && he != 0.0 && !(isinf(h) && h == to_out(hr, f32)) &&
            !overflow_ok(h, hr, hb, f32) && !detour(hr, h)) {
            dump(&p, w, v, &o, m, f32);
            fprintf(stderr, "  bound terms: uT|hv| %g, eH cond %g, eZ zcond %g, eZ dcond %g,"
                    " (cA u^2 + eA) cond %g, eta uflow %g, qf %g\n", uT * fabs(hr),
                    eH * R.hv_cond[j], eZ * R.hv_zcond[j], eZ * R.hv_dcond[j],
                    (cA * u * u + eA) * R.hv_cond[j] * (1 + 0x1p-40), eta * uB[j], qf);
            fz_fail("hv[%zu] %a, reference %a: error %g > bound %g", j, h, hr, he, hb);
        }
    }
    free(uA); free(uB);
    bcev_logreg_ref_free(&R);
    return 0;
}

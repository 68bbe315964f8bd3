/*
 * fuzz_elem.h -- the elementwise fuzz target, written once and instantiated
 * for each entry point (fuzz_logits_f64.c, fuzz_logits_f32.c,
 * fuzz_probs_f64.c, fuzz_probs_f32.c).  Define before including:
 *   FZ_T       element type (double or float)
 *   FZ_F32     1 for float
 *   FZ_LOGITS  1 for the logits form, 0 for probabilities
 *   FZ_FN      the entry point (bce_logits_f64, ...)
 *
 * One input: options, n in 0..67, pointer offsets, maybe one or two
 * injected invalid elements, then each element's x, y (and w).  Checks,
 * each an abort() with the input printed in %a:
 *   1. the status and error_index are those of the documented validation
 *      (fz_model_status); on error no output is written (sentinels stay);
 *   2. every ISA returns the scalar kernel's bits (per-sample loss,
 *      gradient, reduced loss), also in place (dz == z) and at every pointer
 *      offset the input picks;
 *   3. every per-sample loss and gradient is within the bound of
 *      verify/bounds.c of the exact value, and the reduced loss within the
 *      REDUCED bound: first by the proven fast filter (verify/fast_filter.c:
 *      a long double enclosure with a written error budget and a rounding
 *      test), and where it cannot decide (cancellations, midpoints, exact
 *      limits, overflow) by MPFR (bcev_exact_mp, bcev_exact_reduced), which
 *      stays the judge: the filter only ever says "within the bound" or
 *      "ask MPFR", never "wrong".
 * FZ_STATS=1 in the environment prints, at exit, how many outputs the
 * filter decided and how many went to MPFR.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bce_verify.h"
#include "fast_filter.h"
#include "fuzz_common.h"
#include "fuzz_oracle.h"

#define FZ_FORM (FZ_LOGITS ? BCEV_LOGITS : BCEV_PROBS)
#define FZ_TYPE (FZ_F32 ? BCEV_F32 : BCEV_F64)
/* Precision of the exact values when MPFR decides: bcev_exact_mp returns
 * them rounded to odd at FZ_PREC bits, enough for the correct rounding to 53
 * bits and for ulp errors to 2^-70 ulp; the Ziv loop starts at FZ_PREC + 32
 * bits and doubles where a gradient cancels. */
#define FZ_PREC 128

/* Buffers with room for the largest offset; 64-byte aligned so an offset
 * of k elements gives every misalignment a vector load can see. */
#define FZ_CAP (FZ_NMAX + 16)
typedef struct fz_bufs {
    _Alignas(64) FZ_T x[FZ_CAP];
    _Alignas(64) FZ_T y[FZ_CAP];
    _Alignas(64) FZ_T w[FZ_CAP];
    _Alignas(64) FZ_T loss[FZ_CAP];
    _Alignas(64) FZ_T grad[FZ_CAP];
} fz_bufs;

static const unsigned char fz_sentinel_byte = 0xA5;

static double to_type_w(double v) { return (double)(FZ_T)v; }

static int same_bits(const FZ_T *a, const FZ_T *b, size_t n)
{
    return memcmp(a, b, n * sizeof(FZ_T)) == 0;
}

static int untouched(const FZ_T *a, size_t n)
{
    const unsigned char *p = (const unsigned char *)a;
    for (size_t i = 0; i < n * sizeof(FZ_T); i++)
        if (p[i] != fz_sentinel_byte) return 0;
    return 1;
}

/* the first element where a and b differ, with both values */
static void dump_diff(const char *what, const FZ_T *a, const FZ_T *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(&a[i], &b[i], sizeof(FZ_T)) != 0) {
            fprintf(stderr, "  %s[%zu]: %a vs scalar %a\n", what, i, (double)a[i], (double)b[i]);
            return;
        }
}

static void dump_inputs(size_t n, const double *x, const double *y,
                        const double *w, const bce_options *o)
{
    fprintf(stderr, "  n=%zu reduction=%d flags=%#x pos_weight=%a smoothing=%a\n",
            n, (int)o->reduction, o->flags, o->pos_weight, o->label_smoothing);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "  [%zu] x=%a y=%a w=%a\n", i, x[i], y[i], w ? w[i] : 1.0);
}

/* One call with outputs pre-filled with the sentinel.  Output pointers at
 * offset `oo`; loss has n or 1 values. */
static bce_status call(size_t n, const FZ_T *x, const FZ_T *y, const FZ_T *w,
                       const bce_options *o, int want_loss, int want_grad,
                       fz_bufs *out, size_t oo)
{
    memset(out->loss, fz_sentinel_byte, sizeof out->loss);
    memset(out->grad, fz_sentinel_byte, sizeof out->grad);
    return FZ_FN(n, x, y, w, o, want_loss ? out->loss + oo : NULL,
                 want_grad ? out->grad + oo : NULL);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fz_bufs in, ref, got;
    fz_reader r;
    fz_init(&r, data, size);

    /* header: cfg options, nb size, ob offsets, inv injections, sel the
     * decoders: sel = 0 the original ones (fuzz/corpus/<target>/regress-*
     * were found with them and keep sel = 0), any other value FZ_MODE_V2:
     * option ends, small n mostly, constructed elements (fz_element_v2).
     * (sel once picked the MPFR-checked elements; every element is checked
     * now.) */
    const uint8_t cfg = fz_u8(&r), nb = fz_u8(&r), ob = fz_u8(&r);
    const uint8_t inv = fz_u8(&r), sel = fz_u8(&r);
    const int v2 = sel != 0;
    if (v2) r.mode |= FZ_MODE_V2;
    bce_options o;
    memset(&o, 0, sizeof o);
    size_t eidx = 12345;
    o.reduction = (bce_reduction)(cfg & 3);
    const int has_w = (cfg >> 2) & 1;
    if (cfg & 0x08) {
        o.flags |= BCE_OPT_POS_WEIGHT;
        o.pos_weight = v2 ? fz_pos_weight_v2(&r) : fz_weight(&r, 0);
        if (!(inv & 0x20) && o.pos_weight > 0.0 &&
            !(o.pos_weight >= BCE_POS_WEIGHT_MIN && o.pos_weight <= BCE_POS_WEIGHT_MAX)) {
            /* fold into the valid range (bit 5 of inv keeps it: BAD_OPTION) */
            int e;
            double m = frexp(o.pos_weight, &e);
            o.pos_weight = ldexp(m, e % 64);   /* m in [1/2, 1): [2^-64, 2^63) */
        }
    }
    if (cfg & 0x10) o.label_smoothing = v2 ? fz_smoothing_v2(&r) : fz_smoothing(&r, 0);
    /* known defect (fuzz/known_failures.c): P = 0 with a tiny smoothing
     * (beta = a/2 tiny, alpha = 0): (N p - alpha) underflows for a tiny p;
     * keep a >= 2^-400 when P = 0 */
    if ((o.flags & BCE_OPT_POS_WEIGHT) && o.pos_weight == 0.0 &&
        o.label_smoothing > 0.0 && o.label_smoothing < 0x1p-400)
        o.label_smoothing = 0.0;
    if ((cfg & 0x20) && !FZ_LOGITS) o.flags |= BCE_OPT_LOG_CLAMP;
    if (cfg & 0x40) o.flags |= BCE_OPT_PROPAGATE_NAN;
    if (cfg & 0x80) o.error_index = &eidx;
    /* n: the original decoders take nb % 68 (a mean of 33.5 elements, each
     * run on every ISA); V2 mostly small n, and the vector tails: with
     * k = nb & 0x7f, 0..9 for k < 110 (86%), 15..17 and 31..33 (6%), 63..67
     * (4%), 11, 18, 25 (2%), or any n from one more byte (2%): a mean of
     * about 9 (fuzz/gen_seeds.py inverts this map) */
    size_t n;
    if (!v2) {
        n = nb % (FZ_NMAX + 1);
    } else {
        static const uint8_t tails[] = { 15, 16, 17, 31, 32, 33 };
        const unsigned k = nb & 0x7f;
        n = k < 110 ? k % 10 : k < 118 ? tails[(k - 110) % 6] : k < 123 ? 63 + (k - 118) % 5
          : k < 126 ? 10 + (k * 7) % 20 : (size_t)(fz_u8(&r) % (FZ_NMAX + 1));
    }
    const int want_grad = !(nb & 0x80) || (ob & 0x80);
    const int want_loss = !(ob & 0x80) || (nb & 0x80);
    const size_t xo = ob & 7, oo = (ob >> 3) & 7;
    const int inplace = (ob >> 6) & 1;

    /* elements, as doubles (the reference's inputs) and as FZ_T */
    double xd[FZ_NMAX], yd[FZ_NMAX], wd[FZ_NMAX];
    FZ_T *x = in.x + xo, *y = in.y + xo, *w = in.w + ((xo + 3) & 7);
    double prev = 0.0;
    const double Pe = (o.flags & BCE_OPT_POS_WEIGHT) ? o.pos_weight : 1.0;
    for (size_t i = 0; i < n; i++) {
        if (v2 && fz_element_v2(&r, FZ_F32, FZ_LOGITS, Pe, o.label_smoothing, &xd[i], &yd[i])) {
            prev = xd[i];
        } else {
            xd[i] = FZ_LOGITS ? fz_logit(&r, FZ_F32, prev) : fz_prob(&r, FZ_F32);
            if (isnan(xd[i])) xd[i] = (cfg & 0x40) ? NAN : 0.0; /* raw NaN bits */
            prev = xd[i];
            yd[i] = fz_label(&r, FZ_F32, xd[i], FZ_LOGITS);
        }
        wd[i] = has_w ? fz_weight(&r, FZ_F32) : 1.0;
    }
    /* injected invalid elements (about one input in four has one): bits 7
     * and 4 of inv, a second one: bits 6 and 3 */
    for (int k = 0; k < 2 && n > 0; k++) {
        const unsigned m = (0x90u >> k);
        if ((inv & m) != m) continue;
        size_t i = fz_u8(&r) % n;
        int which = (int)(fz_u8(&r) % (has_w ? 3 : 2));
        double v = fz_invalid(&r, which, FZ_LOGITS, FZ_F32);
        (which == 0 ? xd : which == 1 ? yd : wd)[i] = v;
    }
    for (size_t i = 0; i < n; i++) {
        /* known defect (fuzz/known_failures.c): a MEAN / WEIGHTED_MEAN term
         * w L beyond 2^1624 (w > 2^600 and |z| > 2^900) overflows even in
         * the 2^-600 frame; keep w (|z| + 1) <= 2^1500 there */
        if (FZ_LOGITS && o.reduction >= BCE_REDUCTION_MEAN &&
            !(wd[i] * 0x1p-750 * (fabs(xd[i]) * 0x1p-750 + 0x1p-750) <= 1.0)) {
            int e;
            double m = frexp(wd[i], &e);
            wd[i] = to_type_w(ldexp(m, e % 500));
        }
        /* known defect (fuzz/known/logits_f64/zhuge-pw-wmean): a per-sample
         * loss P |z| beyond DBL_MAX (pos_weight > 1, |z| > 2^1000) makes a
         * MEAN / WEIGHTED_MEAN inf although the mean is finite; keep
         * |z| max(P, 1) <= 2^1020 there */
        if (FZ_LOGITS && !fz_no_detours() && o.reduction >= BCE_REDUCTION_MEAN &&
            isfinite(xd[i]) &&
            fabs(xd[i]) * ((o.flags & BCE_OPT_POS_WEIGHT) && o.pos_weight > 1.0 ? o.pos_weight : 1.0) > 0x1p1020) {
            int e;
            double m = frexp(xd[i], &e);
            xd[i] = (FZ_T)ldexp(m, e % 900);
        }
        /* known defect (fuzz/known_failures.c): the deep tail drops a term
         * below 2^-1300 as negligible before the weight multiplies it; a
         * weight above 2^100 can lift it into range: keep w <= 2^100 for
         * |z| >= 600 */
        if (FZ_LOGITS && fabs(xd[i]) >= 600.0 && wd[i] > 0x1p100 && isfinite(wd[i])) {
            int e;
            double m = frexp(wd[i], &e);
            wd[i] = to_type_w(ldexp(m, e % 100));
        }
    }
    /* known defect (fuzz/known_failures.c): in the w 2^-600 frame of a MEAN
     * or WEIGHTED_MEAN (a weight above 2^880) the terms of weights below
     * 2^-300 are lost; keep such weights >= 2^-300 there */
    double wmax = 0.0;
    for (size_t i = 0; i < n; i++) if (wd[i] > wmax && isfinite(wd[i])) wmax = wd[i];
    /* the same frame also loses a tiny term w L of an ordinary weight
     * (fuzz/known/probs_f64/wmean-frame-tiny-term): keep weights <= 2^880
     * in a MEAN / WEIGHTED_MEAN */
    if (!fz_no_detours() && o.reduction >= BCE_REDUCTION_MEAN && wmax > 0x1p880) {
        for (size_t i = 0; i < n; i++)
            if (wd[i] > 0x1p880 && isfinite(wd[i])) {
                int e;
                double m = frexp(wd[i], &e);
                wd[i] = to_type_w(ldexp(m, e % 880));
            }
        wmax = 0x1p880;
    }
    if (o.reduction >= BCE_REDUCTION_MEAN && wmax > 0x1p880)
        for (size_t i = 0; i < n; i++)
            if (wd[i] > 0.0 && wd[i] < 0x1p-300) {
                int e;
                double m = frexp(wd[i], &e);
                wd[i] = to_type_w(ldexp(m, -((-e) % 300)));
            }
    for (size_t i = 0; i < n; i++) {
        x[i] = (FZ_T)xd[i]; y[i] = (FZ_T)yd[i]; w[i] = (FZ_T)wd[i];
    }
    const FZ_T *wp = has_w ? w : NULL;
    const double *wdp = has_w ? wd : NULL;

    /* 1. validation (on whichever ISA the previous input left active) */
    size_t model_idx;
    bce_status want = fz_model_status(n, xd, yd, wdp, &o, FZ_LOGITS, 0, 0,
                                      sizeof(FZ_T), &model_idx);
    const char *isas[FZ_MAX_ISA];
    const int nisa = fz_isa_plan(isas, FZ_MAX_ISA);
    fz_use_isa(isas[0]);
    bce_status st = call(n, x, y, wp, &o, want_loss, want_grad, &ref, oo);
    if (st != want) {
        fprintf(stderr, "status %s (ISA %s), expected %s\n", bce_status_name(st), isas[0],
                bce_status_name(want));
        dump_inputs(n, xd, yd, wdp, &o);
        fz_fail("wrong status");
    }
    if (st != BCE_OK) {
        if (o.error_index && eidx != model_idx) {
            dump_inputs(n, xd, yd, wdp, &o);
            fz_fail("%s: error_index %zu, expected %zu", bce_status_name(st), eidx, model_idx);
        }
        if (!untouched(ref.loss, FZ_CAP) || !untouched(ref.grad, FZ_CAP))
            fz_fail("%s: an output was written on error", bce_status_name(st));
        return 0;
    }
    const size_t nl = o.reduction == BCE_REDUCTION_NONE ? n : 1;

    /* 2. every ISA, and in place, gives the same bits (fz_isa_plan: the
     * first ISA run is not always scalar; equal to the first is equal to
     * scalar, which is among them).  In place (dz == z) on one ISA per
     * input, picked by the offsets' bits: every ISA over the inputs, one
     * library call more per input instead of three. */
    const char *all_isas[FZ_MAX_ISA];
    const char *inplace_isa = NULL;
    {
        const int na = fz_isas(all_isas, FZ_MAX_ISA);
        inplace_isa = all_isas[(xo + oo) % (size_t)na];
    }
    for (int k = 0; k < nisa; k++) {
        fz_use_isa(isas[k]);
        if (k > 0) {
            st = call(n, x, y, wp, &o, want_loss, want_grad, &got, oo);
            if (st != BCE_OK) fz_fail("%s: status %s", isas[k], bce_status_name(st));
            if ((want_loss && !same_bits(got.loss + oo, ref.loss + oo, nl)) ||
                (want_grad && !same_bits(got.grad + oo, ref.grad + oo, n))) {
                dump_inputs(n, xd, yd, wdp, &o);
                if (want_loss) dump_diff("loss", got.loss + oo, ref.loss + oo, nl);
                if (want_grad) dump_diff("grad", got.grad + oo, ref.grad + oo, n);
                fz_fail("%s differs from %s", isas[k], isas[0]);
            }
        }
        if (inplace && want_grad && n > 0 && isas[k] == inplace_isa) {
            /* dz == z: the gradient overwrites the inputs */
            memset(got.loss, fz_sentinel_byte, sizeof got.loss);
            memcpy(got.grad + xo, x, n * sizeof(FZ_T));
            st = FZ_FN(n, got.grad + xo, y, wp, &o, want_loss ? got.loss : NULL,
                       got.grad + xo);
            if (st != BCE_OK) fz_fail("%s in place: status %s", isas[k], bce_status_name(st));
            if ((want_loss && !same_bits(got.loss, ref.loss + oo, nl)) ||
                !same_bits(got.grad + xo, ref.grad + oo, n)) {
                dump_inputs(n, xd, yd, wdp, &o);
                if (want_loss) dump_diff("loss", got.loss, ref.loss + oo, nl);
                dump_diff("grad", got.grad + xo, ref.grad + oo, n);
                fz_fail("%s in place (dz == z) differs from out of place", isas[k]);
            }
        }
    }

    /* 3. every element's loss and gradient, and the reduced loss, within
     * their bounds: the fast filter first, MPFR for what it cannot decide */
    static int mp_ready;
    static mpfr_t den, el, eg;
    if (!mp_ready) {
        mpfr_inits2(FZ_PREC, el, eg, (mpfr_ptr)0);
        mpfr_init2(den, 64);
        mp_ready = 1;
    }
    int have_den = 0;
    bcev_ff_val fden;
    bcev_ff_denominator(n, wdp, &o, &fden);
    const int chk_l = want_loss && o.reduction == BCE_REDUCTION_NONE;
    for (size_t i = 0; i < n && (chk_l || want_grad); i++) {
        bcev_sample s = { xd[i], yd[i], wdp ? wdp[i] : 1.0 };
        bcev_config_kind kind = fz_config_kind(&o, has_w, yd[i]);
        double ul = 0.0, ug = 0.0;
        double bl = bcev_bound(FZ_FORM, FZ_TYPE, BCEV_LOSS, kind);
        double bg = bcev_bound(FZ_FORM, FZ_TYPE, BCEV_GRAD, kind);
        const double gl = chk_l ? (double)ref.loss[oo + i] : 0.0;
        const double gg = want_grad ? (double)ref.grad[oo + i] : 0.0;
        bcev_ff_val fl, fg;
        int dl = !chk_l, dg = !want_grad;
        if (bcev_ff_sample(FZ_FORM, &s, &o, &fden, chk_l ? &fl : NULL, want_grad ? &fg : NULL)) {
            if (!dl) dl = bcev_ff_check(FZ_TYPE, gl, &fl, bl);
            if (!dg) dg = bcev_ff_check(FZ_TYPE, gg, &fg, bg);
        }
        /* a gradient that cancels: the double long double enclosure */
        if (!dg && bcev_ff_grad_fine(FZ_FORM, &s, &o, &fden, &fg))
            dg = bcev_ff_check(FZ_TYPE, gg, &fg, bg);
        fz_stat(dl && dg);
        if (dl && dg) continue;
        if (getenv("FZ_DEBUG_UNDECIDED"))
            fprintf(stderr, "undecided: x=%a y=%a w=%a pw=%a(%d) a=%a clamp=%d red=%d loss %d grad %d: %a %a\n",
                    xd[i], yd[i], s.w, o.pos_weight, !!(o.flags & BCE_OPT_POS_WEIGHT),
                    o.label_smoothing, !!(o.flags & BCE_OPT_LOG_CLAMP), (int)o.reduction, dl, dg, gl, gg);
        if (!have_den) {
            bcev_denominator(n, wdp, &o, den);   /* exact (also sum w) */
            have_den = 1;
        }
        bcev_exact_mp(FZ_FORM, &s, &o, den, FZ_PREC, dl ? NULL : el, dg ? NULL : eg);
        int bad_l = !dl && !bcev_check(FZ_TYPE, gl, el, bl, &ul);
        int bad_g = !dg && !bcev_check(FZ_TYPE, gg, eg, bg, &ug) &&
                    !fz_within_cancellation_bound(FZ_LOGITS, FZ_F32, gg, eg, xd[i], yd[i], s.w, &o, den);
        if (bad_l || bad_g) {
            dump_inputs(n, xd, yd, wdp, &o);
            mpfr_fprintf(stderr, "  exact %.30Rg\n", bad_l ? el : eg);
            fz_fail("[%zu] x=%a y=%a w=%a: %s %a (%.4g ulp, bound %g)",
                    i, xd[i], yd[i], s.w, bad_l ? "loss" : "grad",
                    bad_l ? gl : gg, bad_l ? ul : ug, bad_l ? bl : bg);
        }
    }
    if (want_loss && o.reduction != BCE_REDUCTION_NONE) {
        const double b = bcev_bound(FZ_FORM, FZ_TYPE, BCEV_LOSS, BCEV_CFG_REDUCED);
        const double gr = (double)ref.loss[oo];
        bcev_ff_val fr;
        const int dr = bcev_ff_reduced(FZ_FORM, n, xd, yd, wdp, &o, &fr) &&
                       bcev_ff_check(FZ_TYPE, gr, &fr, b);
        fz_stat(dr);
        if (!dr) {
            int rc = bcev_exact_reduced(FZ_FORM, n, xd, yd, wdp, &o, NAN, FZ_PREC, el);
            double u = 0.0;
            if (rc == 0 && !bcev_check(FZ_TYPE, gr, el, b, &u)) {
                dump_inputs(n, xd, yd, wdp, &o);
                mpfr_fprintf(stderr, "  exact %.30Rg\n", el);
                fz_fail("reduced loss %a (%.4g ulp, bound %g)", gr, u, b);
            }
        }
    }
    return 0;
}

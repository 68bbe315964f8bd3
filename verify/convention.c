/*
 * convention.c -- the exact value of a peer library's definition of the BCE
 * loss and gradient (`bce check --convention`), docs/PORTING.md "Conventions
 * of peer libraries" being the specification:
 *
 *   libbce  bcev_exact_mp itself;
 *   torch   logits: libbce without smoothing (BCEWithLogitsLoss);
 *           probs: libbce's loss with the -100 clamp always on, gradient
 *           w (p - y) / max(p (1-p), (float)1e-12) (BCELoss's backward);
 *   keras   libbce with smoothing; probs: p clipped to [eps, 1-eps] in the
 *           dtype (eps = 1e-7), gradient 0 outside the closed interval;
 *   optax   logits only, no options;
 *   sklearn probs only, p clipped to [dtype eps, 1 - dtype eps], gradient
 *           0 outside; its mean is the weighted mean.
 *
 * Every convention's loss is libbce's loss at a (possibly clipped) input
 * under (possibly changed) options, so the exact values come from
 * bcev_exact_mp / bcev_exact_reduced; only torch's gradient below its
 * EPSILON is a separate exact rational.  Results follow bcev_exact: the
 * exact value rounded to odd at prec bits.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "bcev_internal.h"

static const char *const conv_names[BCEV_CONV_COUNT] = {
    "libbce", "torch", "keras", "optax", "sklearn"
};

int bcev_convention_parse(const char *name, bcev_convention *c)
{
    if (name == NULL)
        return -1;
    for (int i = 0; i < BCEV_CONV_COUNT; i++)
        if (strcmp(name, conv_names[i]) == 0) {
            if (c)
                *c = (bcev_convention)i;
            return 0;
        }
    /* the library's own spellings */
    if (strcmp(name, "pytorch") == 0 || strcmp(name, "scikit-learn") == 0) {
        if (c)
            *c = name[0] == 'p' ? BCEV_CONV_TORCH : BCEV_CONV_SKLEARN;
        return 0;
    }
    return -1;
}

const char *bcev_convention_name(bcev_convention c)
{
    return (unsigned)c < BCEV_CONV_COUNT ? conv_names[c] : "unknown";
}

int bcev_convention_supports(bcev_convention c, bcev_form form,
                             const bce_options *opt, const char **why)
{
    static const bce_options none;
    const char *msg = NULL;
    if (opt == NULL)
        opt = &none;
    unsigned fl = opt->flags;
    int pw = (fl & BCE_OPT_POS_WEIGHT) != 0;
    int sm = opt->label_smoothing != 0.0;
    int cl = (fl & BCE_OPT_LOG_CLAMP) != 0;
    bce_reduction red = opt->reduction;

    switch (c) {
    case BCEV_CONV_LIBBCE:
        break;
    case BCEV_CONV_TORCH:
        if (sm)
            msg = "torch has no label smoothing in BCELoss/BCEWithLogitsLoss";
        else if (red == BCE_REDUCTION_WEIGHTED_MEAN)
            msg = "torch has no weighted mean (reduction='mean' divides by n)";
        else if (form == BCEV_PROBS && pw)
            msg = "torch's BCELoss (probabilities) has no pos_weight";
        else if (form == BCEV_LOGITS && cl)
            msg = "torch's BCEWithLogitsLoss has no log clamp";
        break;
    case BCEV_CONV_KERAS:
        if (pw)
            msg = "keras BinaryCrossentropy has no pos_weight";
        else if (cl)
            msg = "keras has no -100 log clamp (it clips p to [1e-7, 1-1e-7])";
        break;
    case BCEV_CONV_OPTAX:
        if (form != BCEV_LOGITS)
            msg = "optax.sigmoid_binary_cross_entropy has no probability form";
        else if (pw)
            msg = "optax has no pos_weight";
        else if (sm)
            msg = "optax's sigmoid_binary_cross_entropy has no label smoothing";
        else if (cl)
            msg = "optax has no log clamp";
        else if (red == BCE_REDUCTION_WEIGHTED_MEAN)
            msg = "optax has no weighted mean (reductions are the user's jnp.sum/jnp.mean)";
        break;
    case BCEV_CONV_SKLEARN:
        if (form != BCEV_PROBS)
            msg = "sklearn.metrics.log_loss has no logits form";
        else if (pw)
            msg = "sklearn log_loss has no pos_weight";
        else if (sm)
            msg = "sklearn log_loss has no label smoothing";
        else if (cl)
            msg = "sklearn log_loss has no -100 clamp (it clips p to [eps, 1-eps])";
        else if (red == BCE_REDUCTION_MEAN)
            msg = "sklearn's mean (normalize=True) is the weighted mean sum w L / sum w: "
                  "use weighted_mean (the same as mean without weights)";
        break;
    default:
        msg = "unknown convention";
        break;
    }
    if (msg == NULL && (fl & BCE_OPT_FAST_ACCUM))
        msg = "fast_accum is an option of the fused regression only";
    if (msg == NULL && (form != BCEV_LOGITS && form != BCEV_PROBS))
        msg = "unknown form";
    if (why)
        *why = msg;
    return msg == NULL ? 0 : -1;
}

int bcev_convention_clip(bcev_convention c, bcev_form form, bcev_type type,
                         double *lo, double *hi)
{
    double l, h;
    if (form != BCEV_PROBS)
        return 0;
    if (c == BCEV_CONV_KERAS) {
        /* backend.epsilon() = 1e-7 (a Python float) and 1.0 - 1e-7 computed
         * in double, both converted to the tensor's dtype by clip_by_value. */
        l = 1e-7;
        h = 1.0 - 1e-7;
        if (type == BCEV_F32) {
            l = (double)(float)l;         /* 0x1.ad7f2ap-24 */
            h = (double)(float)h;         /* 1 - 2^-23      */
        }
    } else if (c == BCEV_CONV_SKLEARN) {
        /* np.finfo(dtype).eps, 1 - eps exact in the dtype */
        l = type == BCEV_F32 ? 0x1p-23 : 0x1p-52;
        h = 1.0 - l;
    } else {
        return 0;
    }
    if (lo)
        *lo = l;
    if (hi)
        *hi = h;
    return 1;
}

/* torch's EPSILON of binary_cross_entropy_backward: constexpr float 1e-12. */
static double torch_eps12(void) { return (double)(float)1e-12; }

/* out = num / den rounded to odd at prec bits (den > 0, both exact). */
static void div_odd(mpfr_t out, mpfr_prec_t prec, const mpfr_t num, const mpfr_t den)
{
    mpfr_set_prec(out, prec);
    int t = mpfr_div(out, num, den, MPFR_RNDZ);
    if (t != 0 && !mpfr_zero_p(out) && mpfr_min_prec(out) < prec) {
        if (mpfr_sgn(out) > 0)
            mpfr_nextabove(out);
        else
            mpfr_nextbelow(out);
    }
}

static void set_nan2(mpfr_t loss, mpfr_t grad, mpfr_prec_t prec)
{
    if (loss) {
        mpfr_set_prec(loss, prec);
        mpfr_set_nan(loss);
    }
    if (grad) {
        mpfr_set_prec(grad, prec);
        mpfr_set_nan(grad);
    }
}

/* Is the sample valid for libbce (labels, weights, options, x)? */
static int sample_valid(bcev_form form, const bcev_sample *s, const bce_options *opt)
{
    if (isnan(s->x))
        return 0;                     /* NaN outputs either way */
    if (form == BCEV_PROBS && !(s->x >= 0.0 && s->x <= 1.0))
        return 0;
    mpfr_t a, b;
    mpfr_inits2(53, a, b, (mpfr_ptr)0);
    int r = bcev_label_coefs(s->y, s->w, opt, a, b);
    mpfr_clears(a, b, (mpfr_ptr)0);
    return r == 0;
}

/* NaN x with BCE_OPT_PROPAGATE_NAN and otherwise valid: NaN is the answer. */
static int nan_propagated(const bcev_sample *s, const bce_options *o)
{
    if (!isnan(s->x) || !(o->flags & BCE_OPT_PROPAGATE_NAN))
        return 0;
    bcev_sample t = *s;
    t.x = 0.5;
    mpfr_t a, b;
    mpfr_inits2(53, a, b, (mpfr_ptr)0);
    int r = bcev_label_coefs(t.y, t.w, o, a, b);
    mpfr_clears(a, b, (mpfr_ptr)0);
    return r == 0;
}

int bcev_convention_exact_mp(bcev_convention c, bcev_form form, bcev_type type,
                             const bcev_sample *s, const bce_options *opt,
                             const mpfr_t denom, mpfr_prec_t prec,
                             mpfr_t loss, mpfr_t grad)
{
    static const bce_options none;
    bcev_widen_range();
    if (opt == NULL)
        opt = &none;
    if (bcev_convention_supports(c, form, opt, NULL) != 0) {
        set_nan2(loss, grad, prec);
        return -1;
    }
    bce_options o = *opt;
    o.error_index = NULL;
    if (c == BCEV_CONV_LIBBCE || form == BCEV_LOGITS) {
        /* torch, keras and optax logits: libbce's function (the options a
         * convention lacks are rejected above). */
        bcev_exact_mp(form, s, &o, denom, prec, loss, grad);
        if (nan_propagated(s, &o))
            return 0;
        return (loss && mpfr_nan_p(loss)) || (grad && mpfr_nan_p(grad)) ? -1 : 0;
    }
    if (!sample_valid(form, s, &o)) {
        bcev_exact_mp(form, s, &o, denom, prec, loss, grad);   /* NaN */
        return nan_propagated(s, &o) ? 0 : -1;
    }
    double p = s->x;

    if (c == BCEV_CONV_TORCH) {
        o.flags |= BCE_OPT_LOG_CLAMP;             /* BCELoss always clamps */
        if (loss)
            bcev_exact_mp(form, s, &o, denom, prec, loss, NULL);
        if (grad) {
            /* g = w (p - y) / max(p (1-p), E) / denom, exactly */
            mpfr_t mp, one, q, pq, e, t, num, den, wm, ym;
            mpfr_inits2(64, mp, one, q, pq, e, t, num, den, wm, ym, (mpfr_ptr)0);
            bcev_xset_d(mp, p);
            bcev_xset_d(one, 1.0);
            bcev_xsub(q, one, mp);
            bcev_xmul(pq, mp, q);
            bcev_xset_d(e, torch_eps12());
            if (mpfr_cmp(pq, e) >= 0) {
                /* the true derivative of the unclamped loss */
                o.flags &= ~BCE_OPT_LOG_CLAMP;
                bcev_exact_mp(form, s, &o, denom, prec, NULL, grad);
            } else {
                bcev_xset_d(ym, s->y);
                bcev_xsub(t, mp, ym);
                bcev_xset_d(wm, s->w);
                bcev_xmul(num, wm, t);
                bcev_xmul(den, e, denom);
                div_odd(grad, prec, num, den);
            }
            mpfr_clears(mp, one, q, pq, e, t, num, den, wm, ym, (mpfr_ptr)0);
        }
        return 0;
    }

    /* keras, sklearn: clip p */
    double lo = 0.0, hi = 1.0;
    bcev_convention_clip(c, form, type, &lo, &hi);
    int active = p < lo || p > hi;
    bcev_sample cs = *s;
    cs.x = p < lo ? lo : p > hi ? hi : p;
    bcev_exact_mp(form, &cs, &o, denom, prec, loss, active ? NULL : grad);
    if (grad && active) {
        mpfr_set_prec(grad, prec);
        mpfr_set_zero(grad, 1);
    }
    return 0;
}

int bcev_convention_exact(bcev_convention c, bcev_form form, bcev_type type,
                          const bcev_sample *s, const bce_options *opt,
                          double denom, mpfr_prec_t prec, mpfr_t loss, mpfr_t grad)
{
    mpfr_t d;
    mpfr_init2(d, 53);
    mpfr_set_d(d, denom, MPFR_RNDN);
    int r = bcev_convention_exact_mp(c, form, type, s, opt, d, prec, loss, grad);
    mpfr_clear(d);
    return r;
}

int bcev_convention_ref(bcev_convention c, bcev_form form, bcev_type type,
                        const bcev_sample *s, const bce_options *opt,
                        const mpfr_t denom, double *loss, double *grad)
{
    mpfr_t L, g;
    mpfr_inits2(256, L, g, (mpfr_ptr)0);
    int r = bcev_convention_exact_mp(c, form, type, s, opt, denom, 256,
                                     loss ? L : NULL, grad ? g : NULL);
    if (loss)
        *loss = bcev_round_to(type, L);
    if (grad)
        *grad = bcev_round_to(type, g);
    mpfr_clears(L, g, (mpfr_ptr)0);
    return r;
}

int bcev_convention_denominator(bcev_convention c, bcev_form form, size_t n,
                                const double *w, const bce_options *opt, mpfr_t out)
{
    static const bce_options none;
    if (opt == NULL)
        opt = &none;
    if (bcev_convention_supports(c, form, opt, NULL) != 0) {
        mpfr_set_nan(out);
        return -1;
    }
    /* Every supported reduction's count is libbce's: n for mean (torch's
     * numel, keras' sum_over_batch_size, optax's jnp.mean), sum w for the
     * weighted mean (keras' mean_with_sample_weight, sklearn's np.average). */
    bcev_denominator(n, w, opt, out);
    return 0;
}

int bcev_convention_exact_reduced(bcev_convention c, bcev_form form, bcev_type type,
                                  size_t n, const double *x, const double *y,
                                  const double *w, const bce_options *opt,
                                  mpfr_prec_t prec, mpfr_t loss)
{
    static const bce_options none;
    bcev_widen_range();
    if (opt == NULL)
        opt = &none;
    mpfr_set_prec(loss, prec);
    if (bcev_convention_supports(c, form, opt, NULL) != 0) {
        mpfr_set_nan(loss);
        return -1;
    }
    bce_options o = *opt;
    o.error_index = NULL;
    if (c == BCEV_CONV_TORCH && form == BCEV_PROBS)
        o.flags |= BCE_OPT_LOG_CLAMP;
    double lo, hi;
    if (!bcev_convention_clip(c, form, type, &lo, &hi) || n == 0)
        return bcev_exact_reduced(form, n, x, y, w, &o, NAN, prec, loss);
    double *xc = malloc(n * sizeof *xc);
    if (xc == NULL) {
        mpfr_set_nan(loss);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        double p = x[i];
        /* only valid p are clipped: an invalid one stays and is rejected */
        xc[i] = (p >= 0.0 && p < lo) ? lo : (p > hi && p <= 1.0) ? hi : p;
    }
    int r = bcev_exact_reduced(form, n, xc, y, w, &o, NAN, prec, loss);
    free(xc);
    return r;
}

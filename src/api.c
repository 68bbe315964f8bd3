/*
 * api.c -- the entry points: validate everything (no output is written on
 * error), turn the options into a kernel parameter block, run the active
 * kernel, finish the reduction.
 *
 * Validation order: pointers, size, options, then the elements in index
 * order (for each i: x, then y, then w), so error_index is the first
 * offending index.  Reductions: the per-sample losses (double-double) are
 * summed in a double-double accumulator (relative error ~ n 2^-104, all
 * terms >= 0) and divided once: the reduced loss is within about 0.5 ulp.
 */
#include <stdint.h>
#include "kernels.h"

enum form { FORM_LOGITS, FORM_PROBS };

static bce_status fail(const bce_options *opt, bce_status st, size_t idx)
{
    if (opt && opt->error_index) *opt->error_index = idx;
    return st;
}

static int finite_d(double v) { return v - v == 0.0; }

bce_status bce_check_options(const bce_options *o, int logits_form)
{
    if ((unsigned)o->reduction > (unsigned)BCE_REDUCTION_WEIGHTED_MEAN)
        return BCE_E_BAD_OPTION;
    if (o->flags & ~BCE_OPT_ALL_FLAGS) return BCE_E_BAD_OPTION;
    if ((o->flags & BCE_OPT_POS_WEIGHT) &&
        !(finite_d(o->pos_weight) && o->pos_weight >= 0.0))
        return BCE_E_BAD_OPTION;
    if (!(o->label_smoothing >= 0.0 && o->label_smoothing <= 1.0))
        return BCE_E_BAD_OPTION;
    if ((o->flags & BCE_OPT_LOG_CLAMP) && logits_form)
        return BCE_E_BAD_OPTION;
    return BCE_OK;
}

void bce_kparams_init(const bce_options *opt, int want_loss, int want_grad,
                      bce_kparams *kp)
{
    kp->flags = opt->flags;
    kp->has_pw = (opt->flags & BCE_OPT_POS_WEIGHT) != 0;
    kp->pos_weight = kp->has_pw ? opt->pos_weight : 1.0;
    kp->smooth = opt->label_smoothing;
    kp->one_minus_a = bce_two_sum(1.0, -kp->smooth);
    kp->half_a = 0.5 * kp->smooth;
    kp->plain = !kp->has_pw && kp->smooth == 0.0;
    kp->has_gscale = 0;
    kp->gscale = bce_dd_make(1.0, 0.0);
    kp->want_loss = want_loss;
    kp->want_grad = want_grad;
    kp->reduce = opt->reduction != BCE_REDUCTION_NONE;
}

/* Scan the elements; first offender wins.  Also sums the weights. */
#define DEFINE_SCAN(NAME, T)                                                    \
static bce_status NAME(size_t n, const T *x, const T *y, const T *w,           \
                       enum form f, unsigned flags, size_t *bad, bce_dd *wsum) \
{                                                                              \
    const int prop = (flags & BCE_OPT_PROPAGATE_NAN) != 0;                     \
    bce_dd s = bce_dd_make(0.0, 0.0);                                          \
    for (size_t i = 0; i < n; i++) {                                           \
        double xi = x[i], yi = y[i];                                           \
        if (xi != xi) {                                                        \
            if (!prop) { *bad = i;                                             \
                return f == FORM_LOGITS ? BCE_E_NAN_LOGIT : BCE_E_NAN_PROB; }  \
        } else if (f == FORM_PROBS && !(xi >= 0.0 && xi <= 1.0)) {             \
            *bad = i; return BCE_E_PROB_RANGE;                                 \
        }                                                                      \
        if (yi != yi) { *bad = i; return BCE_E_NAN_LABEL; }                    \
        if (!(yi >= 0.0 && yi <= 1.0)) { *bad = i; return BCE_E_LABEL_RANGE; } \
        if (w) {                                                               \
            double wi = w[i];                                                  \
            if (wi != wi) { *bad = i; return BCE_E_NAN_WEIGHT; }               \
            if (!(wi >= 0.0 && finite_d(wi))) { *bad = i; return BCE_E_WEIGHT_RANGE; } \
            s = bce_dd_add_d(s, wi);                                           \
        }                                                                      \
    }                                                                          \
    if (!w) s = bce_dd_make((double)n, 0.0);                                   \
    *wsum = s;                                                                 \
    return BCE_OK;                                                             \
}
DEFINE_SCAN(scan_f64, double)
DEFINE_SCAN(scan_f32, float)

/* Common front end: returns BCE_OK and fills kp, or an error. */
static bce_status prepare(size_t n, const void *x, const void *y, size_t esize,
                          const bce_options *opt, enum form f, int want_loss,
                          int want_grad, bce_kparams *kp)
{
    if (n > 0 && (!x || !y)) return fail(opt, BCE_E_NULL_POINTER, BCE_NO_INDEX);
    if (n > SIZE_MAX / esize) return fail(opt, BCE_E_SIZE_OVERFLOW, BCE_NO_INDEX);
    bce_status st = bce_check_options(opt, f == FORM_LOGITS);
    if (st == BCE_OK && (opt->flags & BCE_OPT_FAST_ACCUM)) st = BCE_E_BAD_OPTION;
    if (st != BCE_OK) return fail(opt, st, BCE_NO_INDEX);
    if (opt->reduction == BCE_REDUCTION_MEAN && n == 0)
        return fail(opt, BCE_E_EMPTY_MEAN, BCE_NO_INDEX);

    bce_kparams_init(opt, want_loss, want_grad, kp);
    return BCE_OK;
}

/* Divisor of the reduction: 1, n, or sum w (double-double). */
static bce_status finish_prepare(size_t n, const bce_options *opt, bce_dd wsum,
                                 bce_kparams *kp, bce_dd *denom)
{
    *denom = bce_dd_make(1.0, 0.0);
    if (opt->reduction == BCE_REDUCTION_MEAN)
        *denom = bce_dd_make((double)n, 0.0);
    else if (opt->reduction == BCE_REDUCTION_WEIGHTED_MEAN) {
        if (wsum.hi == 0.0) return fail(opt, BCE_E_ZERO_WEIGHT_SUM, BCE_NO_INDEX);
        *denom = wsum;
    }
    if (denom->hi != 1.0 || denom->lo != 0.0) {
        kp->has_gscale = 1;
        kp->gscale = bce_dd_div(bce_dd_make(1.0, 0.0), *denom);
    }
    return BCE_OK;
}

static bce_dd reduced(const bce_acc *acc, bce_dd denom)
{
    if (acc->nan) return bce_dd_make(__builtin_nan(""), 0.0);
    if (acc->inf) return bce_dd_make(__builtin_inf(), 0.0);
    if (acc->s.hi == 0.0) return acc->s;
    return bce_dd_div_safe(acc->s, denom);
}

#define DEFINE_ENTRY(NAME, T, SCAN, FORM, KFIELD, TOFT)                         \
bce_status NAME(size_t n, const T *x, const T *y, const T *w,                  \
                const bce_options *opt, T *loss, T *grad)                      \
{                                                                              \
    static const bce_options defaults;                                         \
    const bce_options *o = opt ? opt : &defaults;                              \
    bce_kparams kp;                                                            \
    bce_status st = prepare(n, x, y, sizeof(T), o, FORM, loss != NULL,         \
                            grad != NULL, &kp);                                \
    if (st != BCE_OK) return st;                                               \
    size_t bad = BCE_NO_INDEX;                                                 \
    bce_dd wsum;                                                               \
    st = SCAN(n, x, y, w, FORM, o->flags, &bad, &wsum);                        \
    if (st != BCE_OK) return fail(o, st, bad);                                 \
    bce_dd denom;                                                              \
    st = finish_prepare(n, o, wsum, &kp, &denom);                              \
    if (st != BCE_OK) return st;                                               \
    bce_acc acc = { { 0.0, 0.0 }, 0, 0 };                                      \
    if (n > 0 && (loss || grad))                                               \
        bce_kernels_active()->KFIELD(n, x, y, w, &kp, kp.reduce ? NULL : loss, \
                                     grad, &acc);                              \
    if (loss && kp.reduce) *loss = TOFT(reduced(&acc, denom));                 \
    return BCE_OK;                                                             \
}

static double dd_to_f64(bce_dd v) { return v.hi; }

DEFINE_ENTRY(bce_logits_f64, double, scan_f64, FORM_LOGITS, logits_f64, dd_to_f64)
DEFINE_ENTRY(bce_probs_f64, double, scan_f64, FORM_PROBS, probs_f64, dd_to_f64)
DEFINE_ENTRY(bce_logits_f32, float, scan_f32, FORM_LOGITS, logits_f32, bce_dd_to_float)
DEFINE_ENTRY(bce_probs_f32, float, scan_f32, FORM_PROBS, probs_f32, bce_dd_to_float)

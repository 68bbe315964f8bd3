/*
 * port_naive.c -- a deliberately textbook port of binary cross-entropy,
 * built as a shared library with the ABI of `bce check --lib` and of the
 * differential fuzzer fuzz/fuzz_port.c (docs/FUZZING.md):
 *
 *   bce_status fn(size_t n, const T *x, const T *y, const T *w,
 *                 const bce_options *opt, T *loss, T *grad);
 *
 *   cc -O2 -fPIC -shared -Iinclude docs/porting/port_naive.c -o port_naive.so -lm
 *
 * It honours every option (pos_weight, label smoothing, weights, the
 * reductions, the probability form's -100 log clamp, NaN propagation) with
 * the formulas found in textbooks and frameworks, and is wrong where they
 * are: in the tails.  Symbols:
 *   naive_logits_f64  L = P y' log(1 + e^-z) + (1 - y') log(1 + e^z),
 *                     g = sigma(z) - ... with sigma(z) = 1 / (1 + e^-z):
 *                     log(1 + tiny) = 0 and 1 - sigma(z) cancels;
 *   tf_logits_f64     TensorFlow's sigmoid_cross_entropy_with_logits,
 *                     max(z, 0) - z y + log1p(e^-|z|) (with pos_weight:
 *                     weighted_cross_entropy_with_logits): stable against
 *                     overflow, but the difference cancels for soft labels
 *                     and large |z|;
 *   naive_logits_f32  naive_logits_f64's formulas in float;
 *   naive_probs_f64   -y log p - (1 - y) log(1 - p), g = (p - y)/(p (1 - p)):
 *                     log(1 - p) loses p below 2^-53.
 * No validation: inputs are assumed valid (the fuzzer gives it only inputs
 * libbce accepts unless BCE_PORT_CHECK_STATUS=1).  Only bce.h's types are
 * used; libbce is not linked.
 */
#include <math.h>
#include <stddef.h>
#include "bce.h"

#define EXPORT __attribute__((visibility("default")))

static double denom_of(size_t n, double wsum, const bce_options *o)
{
    switch (o ? o->reduction : BCE_REDUCTION_NONE) {
    case BCE_REDUCTION_MEAN: return (double)n;
    case BCE_REDUCTION_WEIGHTED_MEAN: return wsum;
    default: return 1.0;
    }
}

/* y' (smoothed label) and P */
static void coeffs(const bce_options *o, double y, double *yp, double *P)
{
    const double a = o ? o->label_smoothing : 0.0;
    *yp = y * (1 - a) + a / 2;
    *P = o && (o->flags & BCE_OPT_POS_WEIGHT) ? o->pos_weight : 1.0;
}

/* one generic driver: per-sample (loss, grad) by `elem`, then weights and
 * the reduction */
typedef void (*elem_fn)(double x, double yp, double P, const bce_options *o,
                        double *l, double *g);

static bce_status drive(size_t n, const double *x, const double *y, const double *w,
                        const bce_options *o, double *loss, double *grad, elem_fn elem)
{
    const bce_reduction red = o ? o->reduction : BCE_REDUCTION_NONE;
    double wsum = 0.0, total = 0.0;
    for (size_t i = 0; i < n; i++) wsum += w ? w[i] : 1.0;
    const double den = denom_of(n, wsum, o);
    for (size_t i = 0; i < n; i++) {
        double yp, P, l, g;
        const double wi = w ? w[i] : 1.0;
        coeffs(o, y[i], &yp, &P);
        elem(x[i], yp, P, o, &l, &g);
        if (isnan(x[i])) l = g = NAN;
        if (red == BCE_REDUCTION_NONE) {
            if (loss) loss[i] = wi * l;
        } else {
            total += wi * l;
        }
        if (grad) grad[i] = wi * g / den;
    }
    if (loss && red != BCE_REDUCTION_NONE) loss[0] = total / den;
    return BCE_OK;
}

static void naive_logits(double z, double yp, double P, const bce_options *o,
                         double *l, double *g)
{
    (void)o;
    const double sp_neg = log(1 + exp(-z)), sp_pos = log(1 + exp(z));
    const double sz = 1 / (1 + exp(-z));
    *l = P * yp * sp_neg + (1 - yp) * sp_pos;
    *g = (1 - yp) * sz - P * yp * (1 - sz);
}

static void tf_logits(double z, double yp, double P, const bce_options *o,
                      double *l, double *g)
{
    (void)o;
    /* weighted_cross_entropy_with_logits: (1 - y) z + (1 + (P - 1) y)
     * (log1p(e^-|z|) + max(-z, 0)) */
    const double lw = 1 + (P - 1) * yp;
    *l = (1 - yp) * z + lw * (log1p(exp(-fabs(z))) + fmax(-z, 0.0));
    const double sz = 1 / (1 + exp(-z));
    *g = lw * sz - P * yp;
}

static void naive_probs(double p, double yp, double P, const bce_options *o,
                        double *l, double *g)
{
    const int clamp = o && (o->flags & BCE_OPT_LOG_CLAMP);
    double lp = log(p), lq = log(1 - p);
    if (clamp) {
        lp = fmax(lp, -100.0);
        lq = fmax(lq, -100.0);
    }
    *l = -P * yp * lp - (1 - yp) * lq;
    *g = -P * yp / p + (1 - yp) / (1 - p);
}

EXPORT bce_status naive_logits_f64(size_t n, const double *x, const double *y,
                                   const double *w, const bce_options *o,
                                   double *loss, double *grad)
{
    return drive(n, x, y, w, o, loss, grad, naive_logits);
}

EXPORT bce_status tf_logits_f64(size_t n, const double *x, const double *y,
                                const double *w, const bce_options *o,
                                double *loss, double *grad)
{
    return drive(n, x, y, w, o, loss, grad, tf_logits);
}

EXPORT bce_status naive_probs_f64(size_t n, const double *x, const double *y,
                                  const double *w, const bce_options *o,
                                  double *loss, double *grad)
{
    return drive(n, x, y, w, o, loss, grad, naive_probs);
}

/* float: the same formulas evaluated in float */
EXPORT bce_status naive_logits_f32(size_t n, const float *x, const float *y,
                                   const float *w, const bce_options *o,
                                   float *loss, float *grad)
{
    const bce_reduction red = o ? o->reduction : BCE_REDUCTION_NONE;
    float wsum = 0.0f, total = 0.0f;
    for (size_t i = 0; i < n; i++) wsum += w ? w[i] : 1.0f;
    const float den = red == BCE_REDUCTION_MEAN ? (float)n
                    : red == BCE_REDUCTION_WEIGHTED_MEAN ? wsum : 1.0f;
    for (size_t i = 0; i < n; i++) {
        const float a = o ? (float)o->label_smoothing : 0.0f;
        const float P = o && (o->flags & BCE_OPT_POS_WEIGHT) ? (float)o->pos_weight : 1.0f;
        const float yp = y[i] * (1 - a) + a / 2, z = x[i], wi = w ? w[i] : 1.0f;
        const float sz = 1 / (1 + expf(-z));
        float l = P * yp * logf(1 + expf(-z)) + (1 - yp) * logf(1 + expf(z));
        float g = (1 - yp) * sz - P * yp * (1 - sz);
        if (isnan(z)) l = g = NAN;
        if (red == BCE_REDUCTION_NONE) {
            if (loss) loss[i] = wi * l;
        } else {
            total += wi * l;
        }
        if (grad) grad[i] = wi * g / den;
    }
    if (loss && red != BCE_REDUCTION_NONE) loss[0] = total / den;
    return BCE_OK;
}

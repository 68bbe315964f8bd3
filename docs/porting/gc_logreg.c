/*
 * gc_logreg.c -- a textbook logistic regression in C with the signature of
 * `bce gradcheck --lib` (bcev_logreg_fn_f64 in bce_gradcheck.h;
 * docs/PORTING.md, "Checking a gradient: bce gradcheck"):
 *
 *   int fn(size_t n, size_t k, const double *X, size_t ldx, const double *y,
 *          const double *sw, int intercept, double l2, double pos_weight,
 *          double label_smoothing, int reduction, const double *w,
 *          double *loss, double *grad, const double *v, double *hv);
 *
 *   cc -O2 -fPIC -shared docs/porting/gc_logreg.c -o libgc_logreg.so -lm
 *   bce gradcheck --battery --lib ./libgc_logreg.so --symbol textbook_logreg_f64
 *
 * Plain double loops: z_i = w0 + sum_j x_ij w_j, p_i = 1 / (1 + e^-z_i),
 * r_i = s_i (N_i p_i - P y'_i), grad = X~^T r / norm + l2 w_features.
 * Symbols:
 *   textbook_logreg_f64    as above;
 *   l2_intercept_logreg_f64  the same with the penalty applied to the
 *                          intercept too (a classic bug: bce gradcheck's l2
 *                          problem fails it and names "intercept").
 * Only the C library: neither libbce nor bce.h is needed.
 */
#include <math.h>
#include <stddef.h>

#define EXPORT __attribute__((visibility("default")))

static double softplus(double t) { return t > 0 ? t + log1p(exp(-t)) : log1p(exp(t)); }

static int logreg(size_t n, size_t k, const double *X, size_t ldx, const double *y,
                  const double *sw, int intercept, double l2, double P, double a,
                  int reduction, const double *w, double *loss, double *grad,
                  const double *v, double *hv, int penalise_intercept)
{
    const size_t m = k + (intercept != 0), o = intercept != 0;
    double norm = 1.0, L = 0.0;
    if (reduction == 2)
        norm = (double)n;
    else if (reduction == 3) {
        norm = 0.0;
        for (size_t i = 0; i < n; i++)
            norm += sw ? sw[i] : 1.0;
    }
    if (reduction < 1 || reduction > 3 || norm == 0.0)
        return 1;
    for (size_t j = 0; j < m; j++) {
        if (grad) grad[j] = 0.0;
        if (v && hv) hv[j] = 0.0;
    }
    for (size_t i = 0; i < n; i++) {
        const double *x = X + i * ldx, s = sw ? sw[i] : 1.0;
        double z = o ? w[0] : 0.0, zv = o && v ? v[0] : 0.0;
        for (size_t j = 0; j < k; j++) {
            z += x[j] * w[o + j];
            if (v) zv += x[j] * v[o + j];
        }
        const double yp = y[i] * (1 - a) + a / 2, al = s * P * yp, be = s * (1 - yp);
        const double p = 1.0 / (1.0 + exp(-z));
        L += al * softplus(-z) + be * softplus(z);
        const double r = (al + be) * p - al, h = (al + be) * p * (1 - p) * zv;
        if (grad) {
            if (o) grad[0] += r;
            for (size_t j = 0; j < k; j++) grad[o + j] += r * x[j];
        }
        if (v && hv) {
            if (o) hv[0] += h;
            for (size_t j = 0; j < k; j++) hv[o + j] += h * x[j];
        }
    }
    double pen = 0.0;
    for (size_t j = 0; j < m; j++) {
        const int feat = penalise_intercept || j >= o;
        if (feat) pen += w[j] * w[j];
        if (grad) grad[j] = grad[j] / norm + (feat ? l2 * w[j] : 0.0);
        if (v && hv) hv[j] = hv[j] / norm + (feat ? l2 * v[j] : 0.0);
    }
    if (loss) *loss = L / norm + l2 / 2 * pen;
    return 0;
}

EXPORT int textbook_logreg_f64(size_t n, size_t k, const double *X, size_t ldx,
                               const double *y, const double *sw, int intercept,
                               double l2, double pos_weight, double label_smoothing,
                               int reduction, const double *w, double *loss,
                               double *grad, const double *v, double *hv)
{
    return logreg(n, k, X, ldx, y, sw, intercept, l2, pos_weight, label_smoothing,
                  reduction, w, loss, grad, v, hv, 0);
}

EXPORT int l2_intercept_logreg_f64(size_t n, size_t k, const double *X, size_t ldx,
                                   const double *y, const double *sw, int intercept,
                                   double l2, double pos_weight, double label_smoothing,
                                   int reduction, const double *w, double *loss,
                                   double *grad, const double *v, double *hv)
{
    return logreg(n, k, X, ldx, y, sw, intercept, l2, pos_weight, label_smoothing,
                  reduction, w, loss, grad, v, hv, 1);
}

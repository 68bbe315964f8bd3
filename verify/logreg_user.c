/*
 * logreg_user.c -- libbce-verify: a user's logistic regression judged
 * against the exact gradient (bce_gradcheck.h, "A user's logistic
 * regression").
 *
 *   bcev_logreg_shim_f64/_f32   libbce's fused regression (bce_logreg_*,
 *                               bce_logreg_hvp_*) behind the one signature
 *                               of `bce gradcheck --lib` (bcev_logreg_fn_*)
 *   bcev_logreg_judge           a claimed gradient against the MPFR
 *                               reference of the same problem
 *                               (bcev_logreg_ref_f64): per coordinate the
 *                               error in ulps and as a multiple of its
 *                               conditioning u sum_i |r_i x~_ij| / norm
 *                               (+ lam |w'_j|), never against bce_logreg_*
 */
#include <math.h>
#include <stdlib.h>

#include "bce_gradcheck.h"

void bcev_logreg_options(double pos_weight, double label_smoothing,
                         int reduction, bce_options *opt)
{
    bce_options o = {0};
    if (pos_weight != 1.0) {
        o.flags |= BCE_OPT_POS_WEIGHT;
        o.pos_weight = pos_weight;
    }
    o.label_smoothing = label_smoothing;
    o.reduction = (bce_reduction)reduction;
    *opt = o;
}

int bcev_logreg_shim_f64(size_t n, size_t k, const double *X, size_t ldx,
                         const double *y, const double *sw, int intercept,
                         double l2, double pos_weight, double label_smoothing,
                         int reduction, const double *w, double *loss,
                         double *grad, const double *v, double *hv)
{
    bce_logreg_f64_problem pb = {n, k, X, ldx, y, sw, intercept, l2};
    bce_options opt;
    bcev_logreg_options(pos_weight, label_smoothing, reduction, &opt);
    bce_status st = BCE_OK;
    if (loss != NULL || grad != NULL)
        st = bce_logreg_f64(&pb, w, &opt, loss, grad, NULL);
    if (st == BCE_OK && v != NULL && hv != NULL)
        st = bce_logreg_hvp_f64(&pb, w, v, &opt, hv);
    return (int)st;
}

int bcev_logreg_shim_f32(size_t n, size_t k, const float *X, size_t ldx,
                         const float *y, const float *sw, int intercept,
                         double l2, double pos_weight, double label_smoothing,
                         int reduction, const float *w, float *loss,
                         float *grad, const float *v, float *hv)
{
    bce_logreg_f32_problem pb = {n, k, X, ldx, y, sw, intercept, l2};
    bce_options opt;
    bcev_logreg_options(pos_weight, label_smoothing, reduction, &opt);
    bce_status st = BCE_OK;
    if (loss != NULL || grad != NULL)
        st = bce_logreg_f32(&pb, w, &opt, loss, grad, NULL);
    if (st == BCE_OK && v != NULL && hv != NULL)
        st = bce_logreg_hvp_f32(&pb, w, v, &opt, hv);
    return (int)st;
}

int bcev_logreg_judge(size_t n, size_t k, const double *X, size_t ldx,
                      const double *y, const double *sw, int intercept,
                      double l2, double pos_weight, double label_smoothing,
                      int reduction, const double *w, const double *grad,
                      int type, double *exact, double *ulps, double *cond,
                      double *ratio, double *sig_ratio)
{
    const size_t m = k + (intercept != 0);
    if (w == NULL || grad == NULL || (type != BCEV_F64 && type != BCEV_F32))
        return (int)BCE_E_NULL_POINTER;
    bce_logreg_f64_problem pb = {n, k, X, ldx, y, sw, intercept, l2};
    bce_options opt;
    bcev_logreg_options(pos_weight, label_smoothing, reduction, &opt);
    bcev_logreg_ref ref;
    if (bcev_logreg_ref_init(&ref, n, m, 256, 0, 0) != 0)
        return (int)BCE_E_OUT_OF_MEMORY;
    bce_status st = bcev_logreg_ref_f64(&pb, w, NULL, &opt, &ref);
    if (st != BCE_OK) {
        bcev_logreg_ref_free(&ref);
        return (int)st;
    }
    const double u = type == BCEV_F32 ? 0x1p-24 : 0x1p-53;
    for (size_t j = 0; j < m; j++) {
        /* the error against the exact value (rounded up); |g - exact| is
         * computed from the MPFR gradient, not from its rounding */
        double err = isfinite(grad[j]) ? bcev_err_mp(grad[j], ref.grad_mp[j]) : INFINITY;
        if (exact)
            exact[j] = type == BCEV_F32 ? bcev_round_to(BCEV_F32, ref.grad_mp[j])
                                        : ref.grad[j];
        if (ulps)
            ulps[j] = isfinite(grad[j])
                          ? bcev_ulp_error((bcev_type)type, grad[j], ref.grad_mp[j])
                          : INFINITY;
        if (cond)
            cond[j] = ref.grad_cond[j];
        if (ratio) {
            double c = u * ref.grad_cond[j];
            ratio[j] = err == 0.0 ? 0.0 : c > 0.0 ? err / c : INFINITY;
        }
        if (sig_ratio) {
            double c = u * (ref.grad_sig[j] + ref.grad_zcond[j]);
            sig_ratio[j] = err == 0.0 ? 0.0 : c > 0.0 ? err / c : INFINITY;
        }
    }
    bcev_logreg_ref_free(&ref);
    return 0;
}

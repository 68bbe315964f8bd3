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

/* Per coordinate: the error of got against the MPFR values, in ulps and as
 * a multiple of u c1 (and of u c2, when c2 and r2 are given). */
static void judge_coords(size_t m, const double *got, mpfr_t *mp, const double *rounded,
                         const double *c1, const double *c2, int type, double *exact,
                         double *ulps, double *cond, double *ratio, double *r2)
{
    const double u = type == BCEV_F32 ? 0x1p-24 : 0x1p-53;
    for (size_t j = 0; j < m; j++) {
        /* the error against the exact value (rounded up), from the MPFR
         * value, not from its rounding */
        double err = isfinite(got[j]) ? bcev_err_mp(got[j], mp[j]) : INFINITY;
        if (exact)
            exact[j] = type == BCEV_F32 ? bcev_round_to(BCEV_F32, mp[j]) : rounded[j];
        if (ulps)
            ulps[j] = isfinite(got[j]) ? bcev_ulp_error((bcev_type)type, got[j], mp[j])
                                       : INFINITY;
        if (cond)
            cond[j] = c1[j];
        if (ratio)
            ratio[j] = err == 0.0 ? 0.0 : u * c1[j] > 0.0 ? err / (u * c1[j]) : INFINITY;
        if (r2)
            r2[j] = err == 0.0 ? 0.0 : u * c2[j] > 0.0 ? err / (u * c2[j]) : INFINITY;
    }
}

static int judge(size_t n, size_t k, const double *X, size_t ldx, const double *y,
                 const double *sw, int intercept, double l2, double pos_weight,
                 double label_smoothing, int reduction, const double *w,
                 const double *grad, const double *v, const double *hv, int type,
                 double *exact, double *ulps, double *cond, double *ratio,
                 double *sig_ratio)
{
    const size_t m = k + (intercept != 0);
    if (w == NULL || (grad == NULL && (v == NULL || hv == NULL))
        || (type != BCEV_F64 && type != BCEV_F32))
        return (int)BCE_E_NULL_POINTER;
    bce_logreg_f64_problem pb = {n, k, X, ldx, y, sw, intercept, l2};
    bce_options opt;
    bcev_logreg_options(pos_weight, label_smoothing, reduction, &opt);
    bcev_logreg_ref ref;
    if (bcev_logreg_ref_init(&ref, n, m, 256, v != NULL, 0) != 0)
        return (int)BCE_E_OUT_OF_MEMORY;
    bce_status st = bcev_logreg_ref_f64(&pb, w, v, &opt, &ref);
    if (st != BCE_OK) {
        bcev_logreg_ref_free(&ref);
        return (int)st;
    }
    double *c = malloc(2 * (m ? m : 1) * sizeof *c);
    if (c == NULL) {
        bcev_logreg_ref_free(&ref);
        return (int)BCE_E_OUT_OF_MEMORY;
    }
    if (v == NULL) {
        for (size_t j = 0; j < m; j++)
            c[j] = ref.grad_sig[j] + ref.grad_zcond[j];
        judge_coords(m, grad, ref.grad_mp, ref.grad, ref.grad_cond, c, type, exact,
                     ulps, cond, ratio, sig_ratio);
    } else {
        for (size_t j = 0; j < m; j++)
            c[j] = ref.hv_cond[j] + ref.hv_dcond[j] + ref.hv_zcond[j];
        judge_coords(m, hv, ref.hv_mp, ref.hv, c, NULL, type, exact, ulps, cond, ratio,
                     NULL);
    }
    free(c);
    bcev_logreg_ref_free(&ref);
    return 0;
}

int bcev_logreg_judge(size_t n, size_t k, const double *X, size_t ldx,
                      const double *y, const double *sw, int intercept,
                      double l2, double pos_weight, double label_smoothing,
                      int reduction, const double *w, const double *grad,
                      int type, double *exact, double *ulps, double *cond,
                      double *ratio, double *sig_ratio)
{
    if (grad == NULL)
        return (int)BCE_E_NULL_POINTER;
    return judge(n, k, X, ldx, y, sw, intercept, l2, pos_weight, label_smoothing,
                 reduction, w, grad, NULL, NULL, type, exact, ulps, cond, ratio,
                 sig_ratio);
}

int bcev_logreg_judge_hv(size_t n, size_t k, const double *X, size_t ldx,
                         const double *y, const double *sw, int intercept,
                         double l2, double pos_weight, double label_smoothing,
                         int reduction, const double *w, const double *v,
                         const double *hv, int type, double *exact, double *ulps,
                         double *cond, double *ratio)
{
    if (v == NULL || hv == NULL)
        return (int)BCE_E_NULL_POINTER;
    return judge(n, k, X, ldx, y, sw, intercept, l2, pos_weight, label_smoothing,
                 reduction, w, NULL, v, hv, type, exact, ulps, cond, ratio, NULL);
}

/* core/label.c -- per-sample label coefficients (see core/internal.h).
 * Proven: the gradients of these forms (pos_weight, label smoothing, sample
 * weights) in proofs/coq/BceDerivation.v (grad_pos_weight, grad_smoothing,
 * grad_weighted_wj). */
#include "core/internal.h"

static bce_dd scale_dd(bce_dd a, double f) { return bce_dd_make(a.hi * f, a.lo * f); }

/* y' = y (1-a) + a/2 and alpha = P y' for a label y (already scaled by the
 * caller when tiny); relative error <= 2^-104 each when nothing underflows. */
static bce_dd alpha_of(double y, double half_a, const bce_kparams *kp)
{
    bce_dd yp = bce_dd_make(y, 0.0);
    if (kp->smooth != 0.0)
        yp = bce_dd_add_d(bce_dd_mul_d(kp->one_minus_a, y), half_a);
    return kp->has_pw ? bce_dd_mul_d(yp, kp->pos_weight) : yp;
}

void bce_label(double y, const bce_kparams *kp, bce_lab *lab)
{
    if (kp->plain) {
        lab->alpha = bce_dd_make(y, 0.0);
        lab->beta = bce_two_sum(1.0, -y);      /* exact */
        lab->N = bce_dd_make(1.0, 0.0);
        lab->exact = 1;
        lab->alpha_s = scale_dd(lab->alpha, 0x1p600);
        return;
    }
    bce_dd yp, omy;
    if (kp->smooth != 0.0) {
        /* y' = y (1-a) + a/2 and 1 - y' = (1-y)(1-a) + a/2, each a sum of
         * two non-negative terms (1 - y and 1 - a exact double-doubles):
         * relative error <= 2u^2 + 2u^2 (y') and 4u^2 + 2u^2 (1 - y') plus
         * O(u^3), u = 2^-53, i.e. below 2^-103.4.  (Not 1 - y', which
         * cancels for y just below 1 and a small a: y''s error, up to
         * 2^-105 y', would become relative to 1 - y', up to 2^-53.) */
        yp = bce_dd_add_d(bce_dd_mul_d(kp->one_minus_a, y), kp->half_a);
        omy = bce_dd_add_d(bce_dd_mul(bce_two_sum(1.0, -y), kp->one_minus_a), kp->half_a);
    } else {
        yp = bce_dd_make(y, 0.0);
        omy = bce_two_sum(1.0, -y);
    }
    lab->alpha = kp->has_pw ? bce_dd_mul_d(yp, kp->pos_weight) : yp;
    lab->beta = omy;
    lab->N = bce_dd_add(lab->alpha, lab->beta);
    lab->exact = 0;
    /* tiny y' (or a tiny alpha = P y' from a tiny pos_weight): recompute
     * alpha from the scaled label; a/2 scaled as a 2^599, since a/2 itself
     * underflows for a = 2^-1074 */
    if (yp.hi < 0x1p-900 || lab->alpha.hi < 0x1p-900)
        lab->alpha_s = alpha_of(y * 0x1p600, kp->smooth * 0x1p599, kp);
    else
        lab->alpha_s = scale_dd(lab->alpha, 0x1p600);
}

/* label.c -- per-sample label coefficients (see internal.h). */
#include "internal.h"

void bce_label(double y, const bce_kparams *kp, bce_lab *lab)
{
    if (kp->plain) {
        lab->alpha = bce_dd_make(y, 0.0);
        lab->beta = bce_two_sum(1.0, -y);      /* exact */
        lab->N = bce_dd_make(1.0, 0.0);
        lab->exact = 1;
        return;
    }
    bce_dd yp, omy;
    if (kp->smooth != 0.0) {
        /* y' = y (1-a) + a/2, 1 - y' ; relative error <= 2^-104 each */
        yp = bce_dd_add_d(bce_dd_mul_d(kp->one_minus_a, y), kp->half_a);
        omy = bce_dd_add_d(bce_dd_neg(yp), 1.0);
    } else {
        yp = bce_dd_make(y, 0.0);
        omy = bce_two_sum(1.0, -y);
    }
    lab->alpha = kp->has_pw ? bce_dd_mul_d(yp, kp->pos_weight) : yp;
    lab->beta = omy;
    lab->N = bce_dd_add(lab->alpha, lab->beta);
    lab->exact = 0;
}

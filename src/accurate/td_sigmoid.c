/*
 * td_sigmoid.c -- the logistic function at -|z| and |z| in triple-double.
 *
 * Algorithm: e = e^-|z| = 2^E v (bce_td_exp), d = 1 + e (bce_td_add, both
 *   positive), y = 1/d (bce_td_recip);
 *   sigma(|z|)  = y                 in [1/2, 1], unscaled;
 *   sigma(-|z|) = e/(1+e) = 2^E (v y), v y in [1/2, 2), renormalized to [1,2).
 * Special cases:
 *   z = +-0: sigma = 1/2 exactly (E = -1, s = 1); the general path gives it
 *     too (y0 = 1/2, e = 0), the test is for clarity.
 *   E < -160 (|z| > ~110.2): sigma(-|z|) = e (1 - e + ..): return v, relative
 *     error <= e <= 2^-159 (+ exp's); sigma(|z|) = 1 - e + e^2..: returned
 *     as bce_td_add(1, -e) (error e^2 <= 2^-318) while E >= -1000, else 1
 *     (error <= 2^-999).
 *   |z| > 2^30 or inf: exp gives E = INT_MIN: sigma(-|z|) = "0+" (E = INT_MIN,
 *     s = 1), sigma(|z|) = 1.   NaN: NaN components.
 *
 * Proven relative error (exp eps1 <= 2^-151.8; add eps2 <= 2^-154.7;
 *   recip eps3 <= 2^-152.1; mul eps4 <= 2^-152.3; the scaling of v by 2^E,
 *   E >= -160, is exact up to underflow of a low component, < 2^-1065):
 *   e^ = e(1+eps1), d^ = (1 + e^)(1+eps2), y^ = (1+eps3)/d^:
 *   sigma(|z|):  |y^ (1+e) - 1| <= eps1 e/(1+e) + eps2 + eps3 (1+O(u))
 *                <= 2^-152.8 + 2^-154.7 + 2^-152.1 <= 2^-151.3;
 *   sigma(-|z|): eps1 (1 + e/(1+e)) + eps2 + eps3 + eps4
 *                <= 1.5 * 2^-151.8 + 2^-154.7 + 2^-152.1 + 2^-152.3 <= 2^-150.1.
 * Measured maxima (tests/test_td.c against MPFR): docs/ACCURACY.md, level 2.
 */
#include <limits.h>

#include "accurate/accurate.h"

#define TD_SIG_EMIN (-160) /* below: e/(1+e) = e (1 + O(2^-159)) */

void bce_td_sigmoid_neg_abs(double z, int *E, bce_td *s)
{
    double a = bce_td_fabs(z);
    if (a == 0.0) {
        *E = -1;
        *s = bce_td_from_d(1.0);
        return;
    }
    int Ee;
    bce_td v;
    bce_td_exp(-a, &Ee, &v);
    if (Ee == INT_MIN || Ee < TD_SIG_EMIN || a != a) {
        *E = Ee;
        *s = v;
        return;
    }
    bce_td d = bce_td_add(bce_td_from_d(1.0), bce_td_scale(v, Ee));
    bce_td res = bce_td_mul(v, bce_td_recip(d));
    bce_td_norm_exp(&res, &Ee);
    *E = Ee;
    *s = res;
}

void bce_td_sigmoid_pos_abs(double z, bce_td *s)
{
    double a = bce_td_fabs(z);
    if (a == 0.0) {
        *s = bce_td_from_d(0.5);
        return;
    }
    int Ee;
    bce_td v;
    bce_td_exp(-a, &Ee, &v);
    if (a != a) {
        *s = v;
        return;
    }
    if (Ee == INT_MIN || Ee < -1000) {
        *s = bce_td_from_d(1.0);
        return;
    }
    bce_td e = bce_td_scale(v, Ee);
    if (Ee < TD_SIG_EMIN) {
        *s = bce_td_sub(bce_td_from_d(1.0), e);
        return;
    }
    *s = bce_td_recip(bce_td_add(bce_td_from_d(1.0), e));
}

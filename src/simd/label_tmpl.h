/* simd/label_tmpl.h -- core/label.c's bce_label on the vector lanes: per
 * lane alpha = P y', beta = 1 - y', N = alpha + beta (y' = y (1-a) + a/2)
 * for a call with pos_weight or label smoothing (not plain), by the same
 * double-double operations (core/dd_tmpl.h) in the same order, so the same
 * values bit for bit: the vector level 1 (simd/form_*.h's VEVAL) takes
 * them and stays the scalar kernel's.  Relative error of each coefficient
 * <= 2^-103 (core/label.c's comment), BCE_EPS_LAB = 2^-102 with margin,
 * when nothing underflows: *labok marks the lanes where that holds --
 * y' and alpha >= 2^-900 or alpha exactly 0 (y = 0, a = 0), and 1 - y'
 * >= 2^-900 or exactly 0 (y = 1, a = 0) -- the lanes level 0 may decide
 * (a = 2^-1074 makes a/2 underflow to 0: alpha = 0 for y = 0 there, which
 * core/label.c mends only in alpha_s; such lanes are not labok).
 * Included by simd/form_logits.h and simd/form_probs.h (once per kernel
 * unit, after the ISA header). */
#ifndef BCE_SIMD_LABEL_TMPL_H
#define BCE_SIMD_LABEL_TMPL_H
static inline void vlabel(VD y, const bce_kparams *kp, VDD *alpha, VDD *beta, VDD *N,
                          VI *labok)
{
    const VD zero = VSPLAT(0.0), one = VSPLAT(1.0);
    VDD yp, omy;
    if (kp->smooth != 0.0) {
        const VDD oma = VFN(make)(VSPLAT(kp->one_minus_a.hi), VSPLAT(kp->one_minus_a.lo));
        const VD ha = VSPLAT(kp->half_a);
        yp = VFN(dd_add_d)(VFN(dd_mul_d)(oma, y), ha);
        omy = VFN(dd_add_d)(VFN(dd_mul)(VFN(two_sum)(one, -y), oma), ha);
    } else {
        yp = VFN(make)(y, zero);
        omy = VFN(two_sum)(one, -y);
    }
    *alpha = kp->has_pw ? VFN(dd_mul_d)(yp, VSPLAT(kp->pos_weight)) : yp;
    *beta = omy;
    *N = VFN(dd_add)(*alpha, *beta);
    if (labok) {
        const VI nosm = VSPLAT(kp->smooth) == zero;
        VI a0 = (y == 0.0) & nosm, b0 = (y == 1.0) & nosm;
        *labok = (((yp.hi >= 0x1p-900) & (alpha->hi >= 0x1p-900)) | a0)
               & ((omy.hi >= 0x1p-900) | b0);
    }
}
#endif

/* simd/form_logits.h -- the logits form's definitions for simd/loop_tmpl.h
 * (included by every ISA's logits kernel units after its lane type and
 * level1/logits_hot_tmpl.h; with WITH_LEVEL0 defined, after
 * level0/logits_tmpl.h too). */
#if !defined(VD) || !defined(VEL) || !defined(EL_ABS)
#error "simd/form_logits.h: include an ISA header (simd/lanes_tmpl.h) and level1/logits_hot_tmpl.h first"
#endif
#include "simd/label_tmpl.h"             /* vlabel: bce_label on the lanes */
/* the logits form's vector path: any labels (pos_weight and smoothing:
 * the label coefficients per lane, simd/label_tmpl.h), 2^-900 <= |z| <=
 * 600 (then e^-|z| >= 2^-866: the scalar normal path, E >= -900) */
#define VUSABLE(kp) 1
/* the x86 float level 0 (isa/x86_avx2/loop_f32.h): plain labels in the
 * kernel unit, the others (pos_weight, smoothing: its label variant,
 * level0/f32_tmpl.h's f32v_lab) in the label unit, *_f32_lab.c */
#ifdef BCE_F32LAB_UNIT
#define VF32V_USABLE(kp) 1
#else
#define VF32V_USABLE(kp) ((kp)->plain)
#endif
#define VHOT(x, y) ((EL_ABS(x) >= 0x1p-900) & (EL_ABS(x) <= 600.0))
static inline void veval(VD z, VD y, const bce_kparams *kp, VDD *Lv, VD *Lerr,
                         VDD *Gv, VD *Gerr)
{
    const VD one = VSPLAT(1.0), zero = VSPLAT(0.0);
    VD az = EL_ABS(z);
    VI pos = z > 0.0;
    VI E;
    VDD m = VEL(exp_scaled)(-az, &E);
    if (!kp->plain) {
        /* the scalar kernel's statements (level1/logits.c's normal path)
         * on bce_label's coefficients */
        VDD alpha, beta, N;
        vlabel(y, kp, &alpha, &beta, &N, NULL);
        VEL(logits_normal)(az, pos, m, E, VEL(sel_dd)(pos, beta, alpha), N, 0,
                           VSPLAT(BCE_EPS_LAB), kp->want_loss, kp->want_grad,
                           Lv, Lerr, Gv, Gerr);
        return;
    }
    VDD alpha = VFN(make)(y, zero);
    VDD beta = VFN(two_sum)(one, -y);                 /* exact */
    VDD C = VEL(sel_dd)(pos, beta, alpha);
    VEL(logits_normal)(az, pos, m, E, C, VFN(make)(one, zero), 1, zero,
                       kp->want_loss, kp->want_grad, Lv, Lerr, Gv, Gerr);
}
#define VEVAL(x, y, kp, Lv, Lerr, Gv, Gerr) veval((x), (y), (kp), (Lv), (Lerr), (Gv), (Gerr))
#ifdef WITH_LEVEL0
/* level 0, the double-only level (level0/logits_tmpl.h), for these lanes */
/* (labels with pos_weight or smoothing: level0/logits_tmpl.h's
 * logits_l0_bl on vlabel's coefficients, on the lanes where they are
 * within BCE_EPS_LAB: labok) */
/* the rest (after e = eh + el and lg = log(1 + e)) for label coefficients */
static inline VI vlogits_l0_lab(VD z, VD y, const bce_kparams *kp, int wl, int wg, VD eh,
                                VD el, VDD lg, VDD *Lv, VD *Lef, VD *Led, VDD *Gv, VD *Gef,
                                VD *Ged)
{
    VDD alpha, beta, N;
    VI labok;
    vlabel(y, kp, &alpha, &beta, &N, &labok);
    VDD C = VEL(sel_dd)(z > 0.0, beta, alpha);
    return VEL(logits_l0_bl)(z, C, N, eh, el, lg, wl, wg, Lv, Lef, Led, Gv, Gef, Ged) & labok;
}
static inline VI vlogits_level0(VD z, VD y, const bce_kparams *kp, VDD *Lv, VD *Lef,
                                VD *Led, VDD *Gv, VD *Gef, VD *Ged)
{
    if (kp->plain)
        return VEL(logits_l0)(z, y, kp->want_loss, kp->want_grad, Lv, Lef, Led, Gv, Gef, Ged);
    VD eh, el;
    VEL(logits_l0_e)(z, &eh, &el);
    VDD lg = VFN(make)(VSPLAT(0.0), VSPLAT(0.0));
    if (kp->want_loss) lg = VEL(logits_l0_lg)(eh, el);
    return vlogits_l0_lab(z, y, kp, kp->want_loss, kp->want_grad, eh, el, lg,
                          Lv, Lef, Led, Gv, Gef, Ged);
}
#define VLEVEL0(x, y, kp, Lv, Lef, Led, Gv, Gef, Ged) \
    vlogits_level0((x), (y), (kp), (Lv), (Lef), (Led), (Gv), (Gef), (Ged))
/* the same in stages (simd/loop0_staged_tmpl.h, T: VD a, b, c, d):
 * e = e^-|z| = a + b, then log(1 + e) = c + d, then the rest */
#define VL0_SOFT(y) 0
/* T.a, T.b are set by stage 1, T.c .. T.e by the others when wl */
#define VL0_TINIT(wl, wg, soft, T) do { \
        if (!(wl)) (T).c = (T).d = (T).e = VSPLAT(0.0); \
    } while (0)
#define VL0_S1(x, y, wl, wg, soft, T) VEL(logits_l0_e)((x), &(T).a, &(T).b)
#define VL0_S1B(x, y, wl, wg, soft, T) do { \
        if (wl) VEL(logits_l0_lgtab)((T).a, &(T).c, &(T).d, &(T).e); \
    } while (0)
#define VL0_S2(x, y, wl, wg, soft, T) do { \
        if (wl) { \
            VDD lg_ = VEL(logits_l0_lgt)((T).a, (T).b, (T).c, (T).d, (T).e); \
            (T).c = lg_.hi; (T).d = lg_.lo; \
        } \
    } while (0)
/* the rest: a group whose labels are all 0 or 1 takes the hard-label
 * variant (level0/logits_tmpl.h: the same outputs and bounds, fewer
 * operations), chosen per group */
#define VL0_HARD(y) VALL(((y) == 0.0) | ((y) == 1.0))
#define VL0_S3(x, y, kp, wl, wg, soft, T, Lv, Lef, Led, Gv, Gef, Ged) \
    ((soft) == 2 \
     ? vlogits_l0_lab((x), (y), (kp), (wl), (wg), (T).a, (T).b, VFN(make)((T).c, (T).d), \
                      (Lv), (Lef), (Led), (Gv), (Gef), (Ged)) \
     : VL0_HARD(y) \
     ? VEL(logits_l0_bh)((x), (y), (T).a, (T).b, VFN(make)((T).c, (T).d), (wl), (wg), \
                         (Lv), (Lef), (Led), (Gv), (Gef), (Ged)) \
     : VEL(logits_l0_b)((x), (y), (T).a, (T).b, VFN(make)((T).c, (T).d), (wl), (wg), \
                        (Lv), (Lef), (Led), (Gv), (Gef), (Ged)))
#endif

/* simd/form_probs.h -- the probability form's definitions for
 * simd/loop_tmpl.h (included by every ISA's probs kernel units after its
 * lane type and level1/probs_hot_tmpl.h; with WITH_LEVEL0 defined, after
 * level0/probs_tmpl.h too). */
#if !defined(VD) || !defined(VEL) || !defined(EL_ABS)
#error "simd/form_probs.h: include an ISA header (simd/lanes_tmpl.h) and level1/probs_hot_tmpl.h first"
#endif
#include "simd/label_tmpl.h"             /* vlabel: bce_label on the lanes */
/* the probability form's vector path: no clamp, 2^-800 <= p < 1, y = 0
 * or y >= 2^-900 (the scalar common case); plain labels, or (ISAs with
 * level 0) pos_weight and smoothing: level 0 on the label coefficients
 * (simd/label_tmpl.h, level0/probs_tmpl.h's probs_l0_lab), the lanes it
 * leaves through the scalar per-sample code (VEVAL, the vector level 1,
 * is for plain labels) */
#ifdef WITH_LEVEL0
#define VUSABLE(kp) (!((kp)->flags & BCE_OPT_LOG_CLAMP))
#else
#define VUSABLE(kp) ((kp)->plain && !((kp)->flags & BCE_OPT_LOG_CLAMP))
#endif
#define VEVAL_USABLE(kp) ((kp)->plain)
/* the x86 float level 0: as in simd/form_logits.h */
#ifdef BCE_F32LAB_UNIT
#define VF32V_USABLE(kp) 1
#else
#define VF32V_USABLE(kp) ((kp)->plain)
#endif
/* level 0 of the tail step as its own copy (simd/loop_tmpl.h, measured) */
#define VLEVEL0_TAIL_COPY 1
#define VHOT(x, y) ((x >= 0x1p-800) & (x < 1.0) & ((y == 0.0) | (y >= 0x1p-900)))
/* the gradient is correctly rounded: bce_f64_cr's test (scale 0 here) */
#define VGRAD_OK64(G, e) VFN(f64_cr)((G), (e))
#define VEVAL(x, y, kp, Lv, Lerr, Gv, Gerr) \
    VEL(probs_normal)((x), (y), (kp)->want_loss, (kp)->want_grad, (Lv), (Lerr), (Gv), (Gerr))
#ifdef WITH_LEVEL0
/* level 0, the double-only level (level0/probs_tmpl.h): one log for groups
 * of hard labels, two otherwise */
static inline VI vprobs_level0(VD p, VD y, const bce_kparams *kp, VDD *Lv, VD *Lef,
                             VD *Led, VDD *Gv, VD *Gef, VD *Ged)
{
    if (!kp->plain) {
        VDD alpha, beta, N;
        VI labok;
        vlabel(y, kp, &alpha, &beta, &N, &labok);
        VDD lp = VFN(make)(VSPLAT(0.0), VSPLAT(0.0)), lq = lp;
        if (kp->want_loss) {
            lp = VEL(probs_l0_soft_lp)(p);
            lq = VEL(probs_l0_soft_lq)(p);
        }
        VEL(probs_l0_lab)(p, alpha, beta, N, lp, lq, kp->want_loss, kp->want_grad,
                          Lv, Lef, Led, Gv, Gef, Ged);
        return labok;
    }
    if (VALL((y == 0.0) | (y == 1.0)))
        VEL(probs_l0_hard)(p, y, kp->want_loss, kp->want_grad, Lv, Lef, Led, Gv, Gef, Ged);
    else
        VEL(probs_l0_soft)(p, y, kp->want_loss, kp->want_grad, Lv, Lef, Led, Gv, Gef, Ged);
    return p > 0.0;                                   /* every lane */
}
#define VLEVEL0(x, y, kp, Lv, Lef, Led, Gv, Gef, Ged) \
    vprobs_level0((x), (y), (kp), (Lv), (Lef), (Led), (Gv), (Gef), (Ged))
/* the same in stages (simd/loop0_staged_tmpl.h, T: VD a, b, c, d), the
 * variant chosen per block (soft: some label is not 0 or 1): the loss's
 * first log (a + b), its second (c + d; soft labels), then the rest */
#define VL0_SOFT(y) (!VALL(((y) == 0.0) | ((y) == 1.0)))
#define VL0_S1(x, y, wl, wg, soft, T) do { \
        if (wl) { \
            VDD l_ = (soft) ? VEL(probs_l0_soft_lp)(x) : VEL(probs_l0_hard_lg)((x), (y)); \
            (T).a = l_.hi; (T).b = l_.lo; \
        } \
    } while (0)
#define VL0_S2(x, y, wl, wg, soft, T) do { \
        if ((wl) && (soft)) { VDD l_ = VEL(probs_l0_soft_lq)(x); (T).c = l_.hi; (T).d = l_.lo; } \
    } while (0)
static inline VI vprobs_l0_s3(VD p, VD y, const bce_kparams *kp, int wl, int wg, int soft,
                              VD a, VD b, VD c, VD d,
                              VDD *Lv, VD *Lef, VD *Led, VDD *Gv, VD *Gef, VD *Ged)
{
    if (soft == 2) {
        /* label coefficients (stages 1 and 2 gave log p, log(1 - p)) */
        VDD alpha, beta, N;
        VI labok;
        vlabel(y, kp, &alpha, &beta, &N, &labok);
        VEL(probs_l0_lab)(p, alpha, beta, N, VFN(make)(a, b), VFN(make)(c, d), wl, wg,
                          Lv, Lef, Led, Gv, Gef, Ged);
        return labok;
    }
    if (soft)
        VEL(probs_l0_soft_b)(p, y, VFN(make)(a, b), VFN(make)(c, d), wl, wg,
                             Lv, Lef, Led, Gv, Gef, Ged);
    else
        VEL(probs_l0_hard_b)(p, y, VFN(make)(a, b), wl, wg, Lv, Lef, Led, Gv, Gef, Ged);
    return p > 0.0;                                   /* every lane */
}
#define VL0_S3(x, y, kp, wl, wg, soft, T, Lv, Lef, Led, Gv, Gef, Ged) \
    vprobs_l0_s3((x), (y), (kp), (wl), (wg), (soft), (T).a, (T).b, (T).c, (T).d, \
                 (Lv), (Lef), (Led), (Gv), (Gef), (Ged))
#endif

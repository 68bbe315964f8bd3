/* simd_probs_form.h -- the probability form's definitions for
 * x86/simd_loop.h (included by every ISA's probs kernel files). */
/* the probability form's vector path: plain labels, no clamp,
 * 2^-800 <= p < 1, y = 0 or y >= 2^-900 (the scalar common case) */
#define VUSABLE(kp) ((kp)->plain && !((kp)->flags & BCE_OPT_LOG_CLAMP))
#define VHOT(x, y) ((x >= 0x1p-800) & (x < 1.0) & ((y == 0.0) | (y >= 0x1p-900)))
#define VEVAL(x, y, kp, Lv, Lerr, Gv, Gerr) \
    VEL(probs_normal)((x), (y), (kp)->want_loss, (kp)->want_grad, (Lv), (Lerr), (Gv), (Gerr))
#ifdef VDD_FMA
/* the double-only fast level 1 for hard labels (probs_fast_hot_tmpl.h);
 * tried on a group only when every lane has y = 0 or 1 (VFASTPRE) */
#define VFASTPRE(x, y) ((y == 0.0) | (y == 1.0))
static inline VI vprobs_fast(VD p, VD y, const bce_kparams *kp, VDD *Lv, VD *Lef,
                             VD *Led, VDD *Gv, VD *Gef, VD *Ged)
{
    VEL(probs_fast_hard)(p, y, kp->want_loss, kp->want_grad, Lv, Lef, Led, Gv, Gef, Ged);
    return VFASTPRE(p, y);
}
#define VFAST(x, y, kp, Lv, Lef, Led, Gv, Gef, Ged) \
    vprobs_fast((x), (y), (kp), (Lv), (Lef), (Led), (Gv), (Gef), (Ged))
#endif

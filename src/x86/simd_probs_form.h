/* simd_probs_form.h -- the probability form's definitions for
 * x86/simd_loop.h (included by every ISA's probs kernel files). */
/* the probability form's vector path: plain labels, no clamp,
 * 2^-800 <= p < 1, y = 0 or y >= 2^-900 (the scalar common case) */
#define VUSABLE(kp) ((kp)->plain && !((kp)->flags & BCE_OPT_LOG_CLAMP))
#define VHOT(x, y) ((x >= 0x1p-800) & (x < 1.0) & ((y == 0.0) | (y >= 0x1p-900)))
#define VEVAL(x, y, kp, Lv, Lerr, Gv, Gerr) \
    VEL(probs_normal)((x), (y), (kp)->want_loss, (kp)->want_grad, (Lv), (Lerr), (Gv), (Gerr))
#ifdef VDD_FMA
/* the double-only fast level 1 (probs_fast_hot_tmpl.h): one log for groups
 * of hard labels, two otherwise */
static inline VI vprobs_fast(VD p, VD y, const bce_kparams *kp, VDD *Lv, VD *Lef,
                             VD *Led, VDD *Gv, VD *Gef, VD *Ged)
{
    if (VALL((y == 0.0) | (y == 1.0)))
        VEL(probs_fast_hard)(p, y, kp->want_loss, kp->want_grad, Lv, Lef, Led, Gv, Gef, Ged);
    else
        VEL(probs_fast_soft)(p, y, kp->want_loss, kp->want_grad, Lv, Lef, Led, Gv, Gef, Ged);
    return p > 0.0;                                   /* every lane */
}
#define VFAST(x, y, kp, Lv, Lef, Led, Gv, Gef, Ged) \
    vprobs_fast((x), (y), (kp), (Lv), (Lef), (Led), (Gv), (Gef), (Ged))
#endif

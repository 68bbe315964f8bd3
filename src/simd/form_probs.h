/* simd/form_probs.h -- the probability form's definitions for
 * simd/loop_tmpl.h (included by every ISA's probs kernel files). */
/* the probability form's vector path: plain labels, no clamp,
 * 2^-800 <= p < 1, y = 0 or y >= 2^-900 (the scalar common case) */
#define VUSABLE(kp) ((kp)->plain && !((kp)->flags & BCE_OPT_LOG_CLAMP))
#define VHOT(x, y) ((x >= 0x1p-800) & (x < 1.0) & ((y == 0.0) | (y >= 0x1p-900)))
/* the gradient is correctly rounded: bce_f64_cr's test (scale 0 here) */
#define VGRAD_OK64(G, e) VFN(f64_cr)((G), (e))
#define VEVAL(x, y, kp, Lv, Lerr, Gv, Gerr) \
    VEL(probs_normal)((x), (y), (kp)->want_loss, (kp)->want_grad, (Lv), (Lerr), (Gv), (Gerr))
#ifdef VDD_FMA
/* the double-only fast level 1 (level0/probs_tmpl.h): one log for groups
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
#if defined(VDD_FMA) && defined(STOREVF) && defined(VF32_M256)
/* the float outputs' table-free level 1 (level0/f32_tmpl.h, simd/loop_f32_tmpl.h;
 * ISAs whose header defines VF32_M256: these macros are AVX2 code):
 * its domain is 0 <= p <= 1 (NaN is not); hard-label groups take the
 * one-log variant */
#define VF32V_A(p, y, wl, wg, soft, T) VEL(probs_f32v_a1)((p), (y), (wl), (wg), (soft), (T))
#define VF32V_A2(wl, wg, soft, T) VEL(probs_f32v_a2)((wl), (wg), (soft), (T))
#define VF32V_B(p, y, wl, wg, soft, T, Llo, Lhi, Glo, Ghi) \
    VEL(probs_f32v_b)((p), (y), (wl), (wg), (soft), (T), (Llo), (Lhi), (Glo), (Ghi))
#define VF32HOT8(pf, yf) \
    _mm256_and_ps(_mm256_cmp_ps((pf), _mm256_setzero_ps(), _CMP_GE_OQ), \
                  _mm256_cmp_ps((pf), _mm256_set1_ps(1.0f), _CMP_LE_OQ))
#define VF32A_IN(pf) (pf)
#define VF32SOFT8(pf, yf) \
    (_mm256_movemask_ps(_mm256_or_ps(_mm256_cmp_ps((yf), _mm256_setzero_ps(), _CMP_EQ_OQ), \
                                     _mm256_cmp_ps((yf), _mm256_set1_ps(1.0f), _CMP_EQ_OQ))) != 0xff)
#endif

/*
 * isa/x86_avx2/f32v_form_logits.h -- the logits form's hooks for the x86
 * float loop (isa/x86_avx2/loop_f32.h), shared by the avx2 and avx512
 * f32 logits units: the float outputs' level 0 (level0/f32_tmpl.h) and its
 * domain, |z| <= 600 (z = 0 included; NaN is not).  The logits form has
 * one variant (VF32SOFT8 = 0).  Include after the lanes (VEL) and before
 * simd/loop_tmpl.h.
 */
#include <immintrin.h>

#define VF32V_A(z, y, wl, wg, soft, T) VEL(logits_f32v_a1)((z), (y), (wl), (wg), (T))
#define VF32V_A2(wl, wg, soft, T) VEL(logits_f32v_a2)((wl), (wg), (T))
#define VF32SOFT8(zf, yf) 0
#define VF32V_B(z, y, wl, wg, soft, T, Llo, Lhi, Glo, Ghi) \
    VEL(logits_f32v_b)((z), (y), (wl), (wg), (T), (Llo), (Lhi), (Glo), (Ghi))
#define VF32HOT8(zf, yf) \
    _mm256_cmp_ps(_mm256_and_ps((zf), _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff))), \
                  _mm256_set1_ps(600.0f), _CMP_LE_OQ)

/* calls with pos_weight or label smoothing (not kp->plain): the label
 * coefficients per lane (level0/f32_tmpl.h's f32v_lab) in stage B; stages
 * A1 and A2 do not see the labels */
#define VF32SOFTL8(zf, yf, kp) 0
static inline void PFX(f32v_al)(VD z, VD y, int wl, int wg, int soft, const bce_kparams *kp,
                                VD *T)
{
    (void)kp;
    (void)soft;
    VEL(logits_f32v_a1)(z, y, wl, wg, T);
}
static inline void PFX(f32v_a2l)(int wl, int wg, int soft, VD *T)
{
    (void)soft;
    VEL(logits_f32v_a2)(wl, wg, T);
}
static inline void PFX(f32v_bl)(VD z, VD y, int wl, int wg, int soft, const bce_kparams *kp,
                                const VD *T, VD *Llo, VD *Lhi, VD *Glo, VD *Ghi)
{
    (void)soft;
    VD ah, bh;
    VEL(f32v_lab)(y, kp->pos_weight, kp->one_minus_a.hi, kp->half_a, &ah, &bh);
    VEL(logits_f32v_bl)(z, ah, bh, wl, wg, T, Llo, Lhi, Glo, Ghi);
}

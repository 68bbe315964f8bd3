/* simd/form_logits.h -- the logits form's definitions for simd/loop_tmpl.h
 * (included by every ISA's logits kernel files after its lane type). */
/* the logits form's vector path: plain labels, 2^-900 <= |z| <= 600
 * (then e^-|z| >= 2^-866: the scalar normal path, E >= -900) */
#define VUSABLE(kp) ((kp)->plain)
#define VHOT(x, y) ((EL_ABS(x) >= 0x1p-900) & (EL_ABS(x) <= 600.0))
static inline void veval(VD z, VD y, const bce_kparams *kp, VDD *Lv, VD *Lerr,
                         VDD *Gv, VD *Gerr)
{
    const VD one = VSPLAT(1.0), zero = VSPLAT(0.0);
    VD az = EL_ABS(z);
    VI pos = z > 0.0;
    VI E;
    VDD m = VEL(exp_scaled)(-az, &E);
    VDD alpha = VFN(make)(y, zero);
    VDD beta = VFN(two_sum)(one, -y);                 /* exact */
    VDD C = VEL(sel_dd)(pos, beta, alpha);
    VEL(logits_normal)(az, pos, m, E, C, VFN(make)(one, zero), 1, zero,
                       kp->want_loss, kp->want_grad, Lv, Lerr, Gv, Gerr);
}
#define VEVAL(x, y, kp, Lv, Lerr, Gv, Gerr) veval((x), (y), (kp), (Lv), (Lerr), (Gv), (Gerr))
#ifdef VDD_FMA
/* the double-only fast level 1 (level0/logits_tmpl.h) for these lanes */
#define VFAST(x, y, kp, Lv, Lef, Led, Gv, Gef, Ged) \
    VEL(logits_fast)((x), (y), (kp)->want_loss, (kp)->want_grad, (Lv), (Lef), (Led), (Gv), (Gef), (Ged))
#endif
#if defined(VDD_FMA) && defined(STOREVF) && defined(VF32_M256)
/* the float outputs' table-free level 1 (level0/f32_tmpl.h, simd/loop_f32_tmpl.h;
 * ISAs whose header defines VF32_M256: these macros are AVX2 code):
 * its domain is |z| <= 600 (z = 0 included; NaN is not) */
#define VF32V_A(z, y, wl, wg, soft, T) VEL(logits_f32v_a1)((z), (y), (wl), (wg), (T))
#define VF32V_A2(wl, wg, soft, T) VEL(logits_f32v_a2)((wl), (wg), (T))
#define VF32SOFT8(zf, yf) 0
#define VF32A_IN(zf) _mm256_and_ps((zf), _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)))
#define VF32V_B(z, y, wl, wg, soft, T, Llo, Lhi, Glo, Ghi) \
    VEL(logits_f32v_b)((z), (y), (wl), (wg), (T), (Llo), (Lhi), (Glo), (Ghi))
#define VF32HOT8(zf, yf) \
    _mm256_cmp_ps(_mm256_and_ps((zf), _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff))), \
                  _mm256_set1_ps(600.0f), _CMP_LE_OQ)
#endif

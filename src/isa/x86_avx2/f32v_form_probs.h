/*
 * isa/x86_avx2/f32v_form_probs.h -- the probability form's hooks for the
 * x86 float loop (isa/x86_avx2/loop_f32.h), shared by the avx2 and avx512
 * f32 probability units.  Include after the lanes (VEL) and PFX, and
 * before simd/loop_tmpl.h.
 */
#include <immintrin.h>

/* the float outputs' level 0 (level0/f32_tmpl.h): its domain is 0 <= p <= 1
 * (NaN is not); hard-label groups take the
 * one-log variant */
#define VF32V_A(p, y, wl, wg, soft, T) VEL(probs_f32v_a1)((p), (y), (wl), (wg), (soft), (T))
#define VF32V_A2(wl, wg, soft, T) VEL(probs_f32v_a2)((wl), (wg), (soft), (T))
#define VF32V_B(p, y, wl, wg, soft, T, Llo, Lhi, Glo, Ghi) \
    VEL(probs_f32v_b)((p), (y), (wl), (wg), (soft), (T), (Llo), (Lhi), (Glo), (Ghi))
#define VF32HOT8(pf, yf) \
    _mm256_and_ps(_mm256_cmp_ps((pf), _mm256_setzero_ps(), _CMP_GE_OQ), \
                  _mm256_cmp_ps((pf), _mm256_set1_ps(1.0f), _CMP_LE_OQ))
#define VF32SOFT8(pf, yf) \
    (_mm256_movemask_ps(_mm256_or_ps(_mm256_cmp_ps((yf), _mm256_setzero_ps(), _CMP_EQ_OQ), \
                                     _mm256_cmp_ps((yf), _mm256_set1_ps(1.0f), _CMP_EQ_OQ))) != 0xff)
/* The one loss the float rounding test fails on often in practice (a
 * saturated float sigmoid gives p = 1 - 2^-23 exactly): hard labels with
 * x = 1 - 2^-23 (y = 1, p = 1 - 2^-23; or y = 0, p = 2^-23, 1 - p exact).
 * L = -log1p(-2^-23) = 2^-23 + 2^-47 + 2^-70/3 + 2^-93/4 + ... (every term
 * positive) lies 2^-71.58 above the midpoint 2^-23 + 2^-47 between the
 * floats 2^-23 and 2^-23 + 2^-46, about 2^-48.6 relative: inside the
 * test's half-width (about 2^-45), so the lane would take the
 * double-double path (about 50 ns); its correctly rounded value is the
 * upper float, 0x1.000002p-23 -- the double-double path's result, so the
 * same bits (tests/isa_bits.c; the exhaustive binary32 check covers both
 * inputs).  Soft-label groups too: their formula gives the same exact
 * value for y = 0 or 1.  (The gradient, -+1/x = -+(1 + 2^-23 + 2^-46 + ...), is far from
 * a midpoint and passes its test.) */
/* (the function: PFX(f32v_fix_l) below, with P = 1 for plain labels) */

/* calls with pos_weight or label smoothing (not kp->plain), on the
 * coefficients of level0/f32_tmpl.h's f32v_lab: groups of hard labels
 * without smoothing (P > 0) take the plain hard variant scaled by c = P or
 * 1 (probs_f32v_bhl; soft = 0), the others the label variant (soft = 1;
 * computed in stages A1 and B; T[8] carries the gradient's magnitude) */
#define VF32SOFTL8(pf, yf, kp) \
    ((kp)->smooth != 0.0 || !((kp)->pos_weight > 0.0) || VF32SOFT8((pf), (yf)))
static inline void PFX(f32v_al)(VD p, VD y, int wl, int wg, int soft, const bce_kparams *kp,
                                VD *T)
{
    if (!soft) {
        VEL(probs_f32v_a1)(p, y, wl, wg, 0, T);
        return;
    }
    VD ah, bh;
    VEL(f32v_lab)(y, kp->pos_weight, kp->one_minus_a.hi, kp->half_a, &ah, &bh);
    VEL(probs_f32v_a1l)(p, ah, bh, wl, wg, T);
}
static inline void PFX(f32v_a2l)(int wl, int wg, int soft, VD *T)
{
    VEL(probs_f32v_a2)(wl, wg, soft ? 2 : 0, T);
}
static inline void PFX(f32v_bl)(VD p, VD y, int wl, int wg, int soft, const bce_kparams *kp,
                                const VD *T, VD *Llo, VD *Lhi, VD *Glo, VD *Ghi)
{
    if (!soft) {
        VEL(probs_f32v_bhl)(y, kp->pos_weight, wl, wg, T, Llo, Lhi, Glo, Ghi);
        return;
    }
    VD ah, bh;
    VEL(f32v_lab)(y, kp->pos_weight, kp->one_minus_a.hi, kp->half_a, &ah, &bh);
    /* the lanes with y = 0, a = 0 and P > 0: alpha = 0 and beta = 1 exactly */
    const double ex = kp->smooth == 0.0 && kp->pos_weight > 0.0 ? 0.0 : 1.0;
    VI ex0 = (y == 0.0) & (VSPLAT(ex) == 0.0);
    VEL(probs_f32v_bl)(p, ah, bh, ex0, wl, wg, T, Llo, Lhi, Glo, Ghi);
}

/* The same exact case under label coefficients without smoothing (a = 0,
 * so that the labels 0 and 1 keep beta = 1 and alpha = P; plain labels
 * are P = 1): y = 0, p =
 * 2^-23 has alpha = 0, beta = 1, so L is the plain value above whatever P;
 * y = 1, p = 1 - 2^-23 has L = P L1 (L1 the plain value), which lies P
 * 2^-71.58 above P (2^-23 + 2^-47), the midpoint between the floats P
 * 2^-23 and P (2^-23 + 2^-46) when P is a power of two (P in [2^-64,
 * 2^64]: both are normal floats), so its correctly rounded value is P
 * 0x1.000002p-23 (exact).  Other P: no exact case is known (the lane keeps
 * the current path). */
static inline __m256 PFX(f32v_fix_l)(__m256 p, __m256 y, const bce_kparams *kp, __m256 *fL)
{
    if (kp->smooth != 0.0) return _mm256_setzero_ps();
    const double P = kp->pos_weight;
    uint64_t pb;
    __builtin_memcpy(&pb, &P, sizeof pb);
    const int pow2 = P > 0.0 && (pb & 0x000fffffffffffffULL) == 0;   /* (P normal) */
    __m256 hit0 = _mm256_and_ps(_mm256_cmp_ps(y, _mm256_setzero_ps(), _CMP_EQ_OQ),
                                _mm256_cmp_ps(p, _mm256_set1_ps(0x1p-23f), _CMP_EQ_OQ));
    __m256 hit1 = _mm256_and_ps(_mm256_cmp_ps(y, _mm256_set1_ps(1.0f), _CMP_EQ_OQ),
                                _mm256_cmp_ps(p, _mm256_set1_ps(0x1.fffffcp-1f), _CMP_EQ_OQ));
    if (!pow2) hit1 = _mm256_setzero_ps();
    *fL = _mm256_blendv_ps(*fL, _mm256_set1_ps(0x1.000002p-23f), hit0);
    *fL = _mm256_blendv_ps(*fL, _mm256_set1_ps((float)(P * 0x1.000002p-23)), hit1);
    return _mm256_or_ps(hit0, hit1);
}
#define VF32FIX_L(pf, yf, kp, fL) PFX(f32v_fix_l)((pf), (yf), (kp), (fL))

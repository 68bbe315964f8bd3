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
static inline __m256 PFX(f32v_fix_l)(__m256 p, __m256 y, int soft, __m256 *fL)
{
    (void)soft;   /* (the exact value depends on p and y only) */
    __m256 hit = _mm256_or_ps(
        _mm256_and_ps(_mm256_cmp_ps(y, _mm256_set1_ps(1.0f), _CMP_EQ_OQ),
                      _mm256_cmp_ps(p, _mm256_set1_ps(0x1.fffffcp-1f), _CMP_EQ_OQ)),
        _mm256_and_ps(_mm256_cmp_ps(y, _mm256_setzero_ps(), _CMP_EQ_OQ),
                      _mm256_cmp_ps(p, _mm256_set1_ps(0x1p-23f), _CMP_EQ_OQ)));
    *fL = _mm256_blendv_ps(*fL, _mm256_set1_ps(0x1.000002p-23f), hit);
    return hit;
}
#define VF32FIX_L(pf, yf, soft, fL) PFX(f32v_fix_l)((pf), (yf), (soft), (fL))

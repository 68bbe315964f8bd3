/*
 * isa/x86_avx2/lowp16.c -- the bf16/f16 table path on AVX2, 4 elements
 * per step: a statement-for-statement translation of the body of
 * level1/lowp16_tmpl.h (its comment has the algorithm and the proof).
 * Every double operation here is the template's operation, in the same
 * order, on 4 lanes (no contraction: -ffp-contract=off, no FMA
 * intrinsic); the template's selects are blends, its table reads
 * gathers, its conversions VCVTPD2PS / VCVTPS2PD (round to nearest, as C
 * casts), its integer rounding to 16 bits the same integer steps.  So the
 * results are the scalar compilation's bits (tests/isa_bits.c compares
 * every entry point on every runnable ISA).  The leftover m mod 4
 * elements run the template itself, compiled here.
 * Compiled with -mavx2 -mfma -mf16c.
 */
#include <immintrin.h>
#include "core/isa.h"
#define L16FN(name) bce_lowp16_avx2ref_##name
#include "level1/lowp16_tmpl.h"

#ifndef L16_GATHER
#define L16_GATHER 0
#endif

/* the 4 low 32-bit halves of 4 64-bit lanes (masks, shifted signs) */
static inline __m128i pk(__m256i v)
{
    const __m256i sel = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    return _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(v, sel));
}
static inline __m256d m64(__m128i m32) { return _mm256_castsi256_pd(_mm256_cvtepi32_epi64(m32)); }
static inline __m256d vabs(__m256d v) { return _mm256_andnot_pd(_mm256_set1_pd(-0.0), v); }
static inline __m256d vsel(__m256d m, __m256d a, __m256d b) { return _mm256_blendv_pd(b, a, m); }

/* L16FN(interval): lo, hi */
static inline __attribute__((always_inline)) void
v_interval(__m256d v, __m256d e, __m256d exact, __m256d *lo, __m256d *hi)
{
    const __m256d av = vabs(v);
    const __m256d e1 = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(e, _mm256_set1_pd(1.0 + 0x1p-45)),
                                                   _mm256_mul_pd(av, _mm256_set1_pd(0x1p-50))),
                                     _mm256_set1_pd(0x1p-1070));
    const __m256d e2 = _mm256_andnot_pd(exact, e1);
    *lo = _mm256_sub_pd(v, e2);
    *hi = _mm256_add_pd(v, e2);
}

/* core/half.h's bce_f32mag_to_h16 on 4 lanes */
static inline __attribute__((always_inline)) __m128i v_mag16(__m128i a, int fmt)
{
    if (fmt == BCE_FMT_BF16)
        return _mm_srli_epi32(_mm_add_epi32(_mm_add_epi32(a, _mm_set1_epi32(0x7fff)),
                                            _mm_and_si128(_mm_srli_epi32(a, 16), _mm_set1_epi32(1))), 16);
    const __m128i E = _mm_srli_epi32(a, 23);
    const __m128i b = _mm_sub_epi32(a, _mm_set1_epi32(112 << 23));
    __m128i rn = _mm_srli_epi32(_mm_add_epi32(_mm_add_epi32(b, _mm_set1_epi32(0xfff)),
                                              _mm_and_si128(_mm_srli_epi32(b, 13), _mm_set1_epi32(1))), 13);
    rn = _mm_min_epu32(rn, _mm_set1_epi32(0x7c00));
    const __m128i m = _mm_or_si128(_mm_and_si128(a, _mm_set1_epi32(0x7fffff)), _mm_set1_epi32(0x800000));
    const __m128i sub = _mm_andnot_si128(_mm_cmpgt_epi32(E, _mm_set1_epi32(112)),
                                         _mm_cmpgt_epi32(E, _mm_set1_epi32(100)));
    const __m128i sh = _mm_blendv_epi8(_mm_set1_epi32(31), _mm_sub_epi32(_mm_set1_epi32(126), E), sub);
    const __m128i half = _mm_sllv_epi32(_mm_set1_epi32(1), _mm_sub_epi32(sh, _mm_set1_epi32(1)));
    const __m128i rs = _mm_srlv_epi32(_mm_add_epi32(_mm_add_epi32(m, _mm_sub_epi32(half, _mm_set1_epi32(1))),
                                                    _mm_and_si128(_mm_srlv_epi32(m, sh), _mm_set1_epi32(1))), sh);
    const __m128i big = _mm_cmpgt_epi32(E, _mm_set1_epi32(142));
    const __m128i nrm = _mm_cmpgt_epi32(E, _mm_set1_epi32(112));
    __m128i r = _mm_and_si128(sub, rs);
    r = _mm_blendv_epi8(r, rn, nrm);
    return _mm_blendv_epi8(r, _mm_set1_epi32(0x7c00), big);
}

/* L16FN(mid16): all-ones lanes where a is a 16-bit rounding boundary */
static inline __attribute__((always_inline)) __m128i v_mid16(__m128i a, int fmt)
{
    if (fmt == BCE_FMT_BF16)
        return _mm_cmpeq_epi32(_mm_and_si128(a, _mm_set1_epi32(0xffff)), _mm_set1_epi32(0x8000));
    const __m128i E = _mm_srli_epi32(a, 23);
    const __m128i m = _mm_or_si128(_mm_and_si128(a, _mm_set1_epi32(0x7fffff)), _mm_set1_epi32(0x800000));
    const __m128i nrm = _mm_cmpgt_epi32(E, _mm_set1_epi32(112));
    const __m128i sub = _mm_cmpgt_epi32(E, _mm_set1_epi32(100));
    __m128i sh = _mm_blendv_epi8(_mm_set1_epi32(31), _mm_sub_epi32(_mm_set1_epi32(126), E), sub);
    sh = _mm_blendv_epi8(sh, _mm_set1_epi32(13), nrm);
    const __m128i half = _mm_sllv_epi32(_mm_set1_epi32(1), _mm_sub_epi32(sh, _mm_set1_epi32(1)));
    const __m128i mask = _mm_sub_epi32(_mm_sllv_epi32(_mm_set1_epi32(1), sh), _mm_set1_epi32(1));
    return _mm_cmpeq_epi32(_mm_and_si128(m, mask), half);
}

/* L16FN(out) on 16-bit outputs, every lane as the template: r (32-bit
 * lanes) and the "undecided" mask */
static inline __attribute__((always_inline)) __m128i
v_out16_full(__m256d lo, __m256d hi, __m128i rl, __m128i ne, int fmt, __m128i *r_out)
{
    const __m128i a = _mm_and_si128(rl, _mm_set1_epi32(0x7fffffff));
    const __m256d fb = _mm256_cvtps_pd(_mm_castsi128_ps(a));
    const __m256d alo = vabs(lo), ahi = vabs(hi);
    /* the template's amin / amax: alo < ahi ? ... (no NaN here) */
    const __m256d lt = _mm256_cmp_pd(alo, ahi, _CMP_LT_OQ);
    const __m256d amin = vsel(lt, alo, ahi), amax = vsel(lt, ahi, alo);
    /* above: 1 in bits 0..31, below: 1 in bits 32..63 of each lane */
    const __m256i ab = _mm256_or_si256(
        _mm256_and_si256(_mm256_castpd_si256(_mm256_cmp_pd(amin, fb, _CMP_GT_OQ)),
                         _mm256_set1_epi64x(1)),
        _mm256_and_si256(_mm256_castpd_si256(_mm256_cmp_pd(amax, fb, _CMP_LT_OQ)),
                         _mm256_set1_epi64x((long long)1 << 32)));
    const __m256i ab2 = _mm256_permutevar8x32_epi32(ab, _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7));
    const __m128i above = _mm256_castsi256_si128(ab2), below = _mm256_extracti128_si256(ab2, 1);
    const __m128i mid = v_mid16(a, fmt);
    const __m128i a2 = _mm_add_epi32(a, _mm_and_si128(mid, _mm_sub_epi32(above, below)));
    const __m128i s = _mm_and_si128(_mm_srli_epi32(rl, 16), _mm_set1_epi32(0x8000));
    *r_out = _mm_or_si128(s, v_mag16(a2, fmt));
    const __m128i open = _mm_cmpeq_epi32(_mm_or_si128(above, below), _mm_setzero_si128());
    return _mm_or_si128(ne, _mm_and_si128(mid, open));
}

/* L16FN(out): store, return the 32-bit lanes' "undecided" mask.  16-bit
 * outputs: where f = RN32(lo) = RN32(hi) is no 16-bit boundary the
 * template's result is RN16(f) (a2 = a): bf16 by v_mag16, f16 by F16C's
 * VCVTPS2PH (round to nearest even: the same RN16 of a binary32, sign,
 * subnormals and overflow to infinity included).  The boundary screen:
 * bf16 exactly (low 16 bits 0x8000); f16 by "f's two binary32 neighbours
 * round apart" (true at every boundary, also next to one: a superset).
 * Only a vector with a screened lane whose ends agree takes the
 * template's full steps (v_out16_full), so every lane gets the
 * template's bits. */
static inline __attribute__((always_inline)) __m128i
v_out(__m256d v, __m256d e, __m256d exact, __m128i ex32, int fmt, int out16, float *of, uint16_t *oh)
{
    __m256d lo, hi;
    v_interval(v, e, exact, &lo, &hi);
    const __m128i rl = _mm_castps_si128(_mm256_cvtpd_ps(lo));
    const __m128i rh = _mm_castps_si128(_mm256_cvtpd_ps(hi));
    const __m128i ne = _mm_xor_si128(_mm_cmpeq_epi32(rl, rh), _mm_set1_epi32(-1));
    if (out16) {
        __m128i scr, r16;
        if (fmt == BCE_FMT_BF16) {
            scr = _mm_cmpeq_epi32(_mm_and_si128(rl, _mm_set1_epi32(0xffff)), _mm_set1_epi32(0x8000));
            const __m128i a = _mm_and_si128(rl, _mm_set1_epi32(0x7fffffff));
            const __m128i s = _mm_and_si128(_mm_srli_epi32(rl, 16), _mm_set1_epi32(0x8000));
            const __m128i r = _mm_or_si128(s, v_mag16(a, fmt));
            r16 = _mm_packus_epi32(r, r);
        } else {
            const __m128i one = _mm_set1_epi32(1);
            r16 = _mm_cvtps_ph(_mm_castsi128_ps(rl), _MM_FROUND_TO_NEAREST_INT);
            const __m128i dn = _mm_cvtps_ph(_mm_castsi128_ps(_mm_sub_epi32(rl, one)), _MM_FROUND_TO_NEAREST_INT);
            const __m128i up = _mm_cvtps_ph(_mm_castsi128_ps(_mm_add_epi32(rl, one)), _MM_FROUND_TO_NEAREST_INT);
            /* 16-bit lanes to 32-bit masks */
            scr = _mm_xor_si128(_mm_cvtepi16_epi32(_mm_cmpeq_epi16(dn, up)), _mm_set1_epi32(-1));
        }
        /* exact lanes (0, +-1, +-inf: 16-bit values) need no screen */
        scr = _mm_andnot_si128(ex32, scr);
        if (_mm_movemask_ps(_mm_castsi128_ps(_mm_andnot_si128(ne, scr))) != 0) {
            __m128i r;
            const __m128i und = v_out16_full(lo, hi, rl, ne, fmt, &r);
            _mm_storel_epi64((__m128i *)oh, _mm_packus_epi32(r, r));
            return und;
        }
        _mm_storel_epi64((__m128i *)oh, r16);
        return ne;
    }
    _mm_storeu_ps(of, _mm_castsi128_ps(rl));
    return ne;
}

/* L16FN(weigh) */
static inline __attribute__((always_inline)) void v_weigh(__m256d w, __m256d *v, __m256d *e)
{
    const __m256d vw = _mm256_mul_pd(w, *v);
    *e = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(w, *e), _mm256_mul_pd(_mm256_set1_pd(L16_U), vabs(vw))),
                       _mm256_set1_pd(0x1p-1074));
    *v = vw;
}

static inline __attribute__((always_inline)) size_t
v_body(size_t m, const uint16_t *xb, const float *xf, const float *yf, const float *wf,
       int fmt, int logits, int out16, int wl, int wg, const double (*T)[2],
       float *lf, float *gf, uint16_t *lh, uint16_t *gh, unsigned char *redo)
{
    const int inf16 = fmt == BCE_FMT_BF16 ? 0x7f80 : 0x7c00;
    const int one16 = fmt == BCE_FMT_BF16 ? 0x3f80 : 0x3c00;
    const __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0);
    const __m256d U = _mm256_set1_pd(L16_U), UT = _mm256_set1_pd(L16_UT), ET = _mm256_set1_pd(L16_ET);
    const __m256d sgnbit = _mm256_set1_pd(-0.0);
    const double *T0 = &T[0][0], *T1 = &T[0][1];
    size_t cnt = 0, j = 0;
    for (; j + 4 <= m; j += 4) {
        const __m128i bx = _mm_cvtepu16_epi32(_mm_loadl_epi64((const __m128i *)(xb + j)));
        const __m256d x = _mm256_cvtps_pd(_mm_loadu_ps(xf + j));
        const __m256d y = _mm256_cvtps_pd(_mm_loadu_ps(yf + j));
        __m128i cold32, idx;
        __m256d exact = zero;
        __m128i ex32 = _mm_setzero_si128();
        if (logits) {
            const __m128i a = _mm_and_si128(bx, _mm_set1_epi32(0x7fff));
            cold32 = _mm_cmpgt_epi32(a, _mm_set1_epi32(inf16 - 1));
            idx = _mm_andnot_si128(cold32, a);
        } else {
            const __m128i hot = _mm_and_si128(_mm_cmpgt_epi32(bx, _mm_setzero_si128()),
                                              _mm_cmpgt_epi32(_mm_set1_epi32(one16), bx));
            ex32 = _mm_or_si128(_mm_cmpeq_epi32(bx, _mm_setzero_si128()),
                                              _mm_cmpeq_epi32(bx, _mm_set1_epi32(one16)));
            exact = m64(ex32);
            cold32 = _mm_xor_si128(_mm_or_si128(hot, ex32), _mm_set1_epi32(-1));
            idx = _mm_blendv_epi8(_mm_set1_epi32(1), bx, hot);
        }
#if L16_GATHER
        const __m128i i2 = _mm_slli_epi32(idx, 1);
        const __m256d t0 = _mm256_i32gather_pd(T0, i2, 8);
        const __m256d t1 = _mm256_i32gather_pd(T1, i2, 8);
#else
        /* four 16-byte rows, transposed: faster than two gathers here */
        const __m128d r0 = _mm_loadu_pd(T0 + 2 * _mm_extract_epi32(idx, 0));
        const __m128d r1 = _mm_loadu_pd(T0 + 2 * _mm_extract_epi32(idx, 1));
        const __m128d r2 = _mm_loadu_pd(T0 + 2 * _mm_extract_epi32(idx, 2));
        const __m128d r3 = _mm_loadu_pd(T0 + 2 * _mm_extract_epi32(idx, 3));
        const __m256d r02 = _mm256_insertf128_pd(_mm256_castpd128_pd256(r0), r2, 1);
        const __m256d r13 = _mm256_insertf128_pd(_mm256_castpd128_pd256(r1), r3, 1);
        const __m256d t0 = _mm256_unpacklo_pd(r02, r13);
        const __m256d t1 = _mm256_unpackhi_pd(r02, r13);
        (void)T1;
#endif
        __m256d vL, eL, vG, eG;
        if (logits) {
            const __m256d mz = _mm256_and_pd(_mm256_cmp_pd(x, zero, _CMP_GT_OQ), x);
            const __m256d zy = _mm256_mul_pd(x, y);
            const __m256d ah = _mm256_sub_pd(mz, zy);
            const __m256d bb = _mm256_sub_pd(ah, mz);
            const __m256d al = _mm256_add_pd(_mm256_sub_pd(mz, _mm256_sub_pd(ah, bb)),
                                             _mm256_sub_pd(_mm256_xor_pd(zy, sgnbit), bb));
            const __m256d s1 = _mm256_add_pd(ah, t0);
            vL = _mm256_add_pd(s1, al);
            eL = _mm256_add_pd(_mm256_mul_pd(_mm256_set1_pd(0x1p-50), vL), ET);
            const __m256d ge = _mm256_cmp_pd(x, zero, _CMP_GE_OQ);
            const __m256d bz = _mm256_and_pd(ge, one);
            const __m256d ch = _mm256_sub_pd(bz, y);
            const __m256d cb = _mm256_sub_pd(ch, bz);
            const __m256d cl = _mm256_add_pd(_mm256_sub_pd(bz, _mm256_sub_pd(ch, cb)),
                                             _mm256_sub_pd(_mm256_xor_pd(y, sgnbit), cb));
            const __m256d sg = _mm256_xor_pd(t1, _mm256_and_pd(ge, sgnbit));
            const __m256d d = _mm256_add_pd(ch, sg);
            vG = _mm256_add_pd(d, cl);
            eG = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(UT, t1), ET),
                                             _mm256_mul_pd(U, vabs(d))),
                               _mm256_mul_pd(U, vabs(vG)));
        } else {
            const __m256d ch = _mm256_sub_pd(one, y);
            const __m256d q1 = _mm256_mul_pd(ch, t1);
            const __m256d p1 = _mm256_mul_pd(y, t0);
            vL = _mm256_add_pd(p1, q1);
            eL = _mm256_add_pd(_mm256_mul_pd(_mm256_set1_pd(0x1p-49), vL), _mm256_set1_pd(0x1p-1069));
            const __m256d dh = _mm256_sub_pd(x, y);
            const __m256d mm = _mm256_sub_pd(one, x);
            const __m256d q = _mm256_mul_pd(x, mm);
            vG = _mm256_div_pd(dh, q);
            eG = _mm256_mul_pd(_mm256_set1_pd(5.0 * L16_U), vabs(vG));
            const __m256d pone = m64(_mm_cmpeq_epi32(bx, _mm_set1_epi32(one16)));
            const __m256d yedge = vsel(pone, _mm256_cmp_pd(y, one, _CMP_EQ_OQ),
                                       _mm256_cmp_pd(y, zero, _CMP_EQ_OQ));
            const __m256d inf = _mm256_set1_pd(HUGE_VAL);
            const __m256d lim_l = vsel(yedge, zero, inf);
            const __m256d lim_g = vsel(yedge, vsel(pone, _mm256_set1_pd(-1.0), one),
                                       vsel(pone, inf, _mm256_set1_pd(-HUGE_VAL)));
            vL = vsel(exact, lim_l, vL);
            eL = vsel(exact, zero, eL);
            vG = vsel(exact, lim_g, vG);
            eG = vsel(exact, zero, eG);
        }
        if (wf) {
            const __m256d w = _mm256_cvtps_pd(_mm_loadu_ps(wf + j));
            v_weigh(w, &vL, &eL);
            v_weigh(w, &vG, &eG);
            cold32 = _mm_or_si128(cold32, pk(_mm256_castpd_si256(
                         _mm256_and_pd(exact, _mm256_cmp_pd(w, zero, _CMP_EQ_OQ)))));
        }
        __m128i bad = cold32;
        if (wl) bad = _mm_or_si128(bad, v_out(vL, eL, exact, ex32, fmt, out16, lf + j, lh + j));
        if (wg) bad = _mm_or_si128(bad, v_out(vG, eG, exact, ex32, fmt, out16, gf + j, gh + j));
        const int mk = _mm_movemask_ps(_mm_castsi128_ps(bad));
        const uint32_t rb = (uint32_t)(mk & 1) | (uint32_t)((mk >> 1) & 1) << 8 |
                            (uint32_t)((mk >> 2) & 1) << 16 | (uint32_t)((mk >> 3) & 1) << 24;
        memcpy(redo + j, &rb, 4);             /* little-endian: byte k is lane k */
        cnt += (size_t)__builtin_popcount((unsigned)mk);
    }
    if (j < m)
        cnt += bce_lowp16_avx2ref_chunk(m - j, xb + j, xf + j, yf + j, wf ? wf + j : NULL, fmt,
                                        logits, T, lf ? lf + j : NULL, gf ? gf + j : NULL,
                                        lh ? lh + j : NULL, gh ? gh + j : NULL, redo + j);
    return cnt;
}

/* the body with every flag constant (as the template's L16FN(chunk)) */
#define V_CASE(F, LG, O, WL, WG)                                                    \
    return v_body(m, xb, xf, yf, wf, F, LG, O, WL, WG, T, lf, gf, lh, gh, redo)

size_t bce_lowp16_avx2_chunk(size_t m, const uint16_t *xb, const float *xf, const float *yf,
                             const float *wf, int fmt, int logits, const double (*T)[2],
                             float *lf, float *gf, uint16_t *lh, uint16_t *gh,
                             unsigned char *redo)
{
    const int out16 = lh || gh;
    const int wl = lf || lh, wg = gf || gh;
    const int bf = fmt == BCE_FMT_BF16;
#define V_FORMS(WL, WG)                                                             \
    if (out16) {                                                                    \
        if (bf) { if (logits) V_CASE(BCE_FMT_BF16, 1, 1, WL, WG);                   \
                  else V_CASE(BCE_FMT_BF16, 0, 1, WL, WG); }                        \
        else { if (logits) V_CASE(BCE_FMT_F16, 1, 1, WL, WG);                       \
               else V_CASE(BCE_FMT_F16, 0, 1, WL, WG); }                            \
    }                                                                               \
    if (bf) { if (logits) V_CASE(BCE_FMT_BF16, 1, 0, WL, WG);                       \
              else V_CASE(BCE_FMT_BF16, 0, 0, WL, WG); }                            \
    if (logits) V_CASE(BCE_FMT_F16, 1, 0, WL, WG);                                  \
    V_CASE(BCE_FMT_F16, 0, 0, WL, WG);
    if (wl && wg) { V_FORMS(1, 1) }
    if (wl) { V_FORMS(1, 0) }
    V_FORMS(0, 1)
#undef V_FORMS
}
#undef V_CASE

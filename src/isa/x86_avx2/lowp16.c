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
 * Bound: every output it writes is correctly rounded (0.5 ulp of the
 * output type): an output is written only when both ends of its proven
 * interval round alike, else the per-sample code decides it.  Measured:
 * every (x, y) pair of each form and format, 0 misrounded
 * (tests/lowp_label_all.c; data/exhaustive/lowp/, docs/ACCURACY.md).
 * Compiled with -mavx2 -mfma -mf16c.
 */
#include <immintrin.h>
#include "core/isa.h"
#define L16FN(name) bce_lowp16_avx2ref_##name
#include "level1/lowp16_tmpl.h"

/* instrumentation for measuring the tiers (off in the library) */
#ifndef L16_COUNT
#define L16_COUNT(k) ((void)0)
#define L16_COUNTM(k, m) ((void)0)
#endif

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

/* 4 elements j .. j + 3 of the double tier (the template's body):
 * outputs stored, the "left over" lanes as 4 bits */
static inline __attribute__((always_inline)) int
v_group4(size_t j, const uint16_t *xb, const float *xf, const float *yf, const float *wf,
     int fmt, int logits, int out16, int wl, int wg, const double (*T)[2],
     float *lf, float *gf, uint16_t *lh, uint16_t *gh)
{
    const int inf16 = fmt == BCE_FMT_BF16 ? 0x7f80 : 0x7c00;
    const int one16 = fmt == BCE_FMT_BF16 ? 0x3f80 : 0x3c00;
    const __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0);
    const __m256d U = _mm256_set1_pd(L16_U), UT = _mm256_set1_pd(L16_UT), ET = _mm256_set1_pd(L16_ET);
    const __m256d sgnbit = _mm256_set1_pd(-0.0);
    const double *T0 = &T[0][0], *T1 = &T[0][1];
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
    return _mm_movemask_ps(_mm_castsi128_ps(bad));
}

/* ---- the binary32 tier (AVX2 only), 8 elements at a time ----------------
 * The template's formulas in binary32 on 8 lanes, with the tables rounded
 * to binary32 (core/lowp.c, bce_lowp_table_f32), for 16-bit outputs.  It
 * only screens: a group of 8 whose every wanted output it decides is
 * stored; any other group is recomputed by the double tier (v_group4),
 * which gives the template's bits.  Every output this tier stores is the
 * correct rounding (below), so the bits are the template's too.
 * Bounds (u = 2^-24; RN errors <= u |result|, exact where a sum is
 * subnormal, products underflowing add <= 2^-150):
 *   table: |Tf - exact| <= 2^-23 |Tf| + 2^-148 (RN32 of a double within
 *     2^-51 relative + 2^-1073 of the exact value);
 *   logits: z y is exact in binary32 (<= 11 + 11 bits) when no factor lies
 *     in (0, 2^-50) (then z y = 0 or >= 2^-100, normal; such lanes are
 *     left to the double tier), TwoSums exact: loss v = (ah + Lf) + al,
 *     |v - exact| <= 2^-23 Lf + 2^-148 + u s1 + u v <= 2^-21 v + 2^-148;
 *     gradient |v - exact| <= BG = 2^-23 sf + 2^-148 + u |d| + u |v|;
 *   probs (p >= 2^-100, so p (1 - p) is normal): loss <= 2^-21 v + 2^-146,
 *     gradient <= 5 u |v| (4 roundings); p = 0 or 1: exact limits;
 *   weights: v' = RN(w v), e' = w e + u |v'| + 2^-149;
 *   E is computed with <= 6 roundings, so the true bound is <= E (1 +
 *   2^-21.4); E2 = E (1 + 2^-20) + 2^-22 |v| + 2^-147 then covers it and
 *   the roundings of v -+ E2 (as the double tier's, with u = 2^-24), and
 *   lo <= exact <= hi.  An overflow (w v beyond FLT_MAX) gives lo or hi
 *   NaN: undecided.
 * Without weights each output's E2 is computed directly from v (fewer
 * operations); lo = RN(v - E2) <= exact <= RN(v + E2) = hi holds when
 * E2 (1 - u) >= B + u |v| (B the bound above: the two roundings of v -+
 * E2 are <= u (|v| + E2)):
 *   logits loss, E2 = RN(RN(RN(Lf + v) 2^-22) + 2^-146): with |al| <= u ah
 *     <= u s1, s1 <= v (1 + 2.01 u), so the bound above is <= 2u Lf + (2u
 *     + 2.01 u^2) v + 2^-148, and E2 (1 - u) >= 4u (1 - u)^4 (Lf + v) +
 *     (2^-146 - 2^-150) (1 - u)^2 >= 2u Lf + (3u + 2.01 u^2) v + 2^-148;
 *   logits gradient, E2 = RN(RN(RN(sf + |v|) 2^-22) + 2^-146): from v =
 *     RN(d + cl), |cl| <= u |ch|, d = RN(ch + sg): |d| <= (1 + 2.1u) |v| +
 *     1.1 u sf, so BG + u |v| <= (2^-23 + 2^-47) sf + (3 2^-24 + 2^-47) |v|
 *     + 2^-148, and E2 (1 - u) >= 2^-22 (1 - u)^4 (sf + |v|) + (2^-146 -
 *     2^-150) (1 - u)^2 covers it;
 *   probs loss, E2 = RN(RN(2^-20 v) + 2^-144): E2 (1 - u) >= (2^-20 v -
 *     2^-150 + 2^-144) (1 - u)^2 >= (2^-21 + 2^-24) v + 2^-146;
 *     with a hard label (y = +-0 or 1) v is the table value Tf[0] (y = 1:
 *     y T0 = T0, (1 - y) T1 = 0) or Tf[1] (y = 0), within B = (2^-24 +
 *     2^-50) v + 2^-149 of the exact value (RN32 of T: 2^-24 |Tf| or
 *     2^-150; T within 2^-51 |T| + 2^-1073), and E2 = RN(RN(k v) +
 *     2^-146), k = 2^-23 + 2^-38: E2 (1 - u) >= k (1 - u)^3 v + (2^-146 -
 *     2^-150) (1 - u)^2 >= (2^-23 + 2^-50) v + 2^-149 = B + u v;
 *   probs gradient, E2 = RN(RN(2^-21 |v|) + 2^-147) >= 6 u |v| / (1 - u);
 *     with a hard label and p >= 1/2, p - y and 1 - p are exact
 *     (Sterbenz), so v = RN(dh / RN(p m)) has two roundings: |v - exact|
 *     <= 2.01 u |v| (|v| >= 1: no underflow), and k = 0x1.9p-23 (3.125
 *     u) gives E2 (1 - u) >= 3.01 u |v|;
 *   exact limits (p = 0 or 1): E2 = 0.
 *   (The constant terms keep an exact zero's interval around 0: zeros are
 *   never decided here, as in the template.)
 * The midpoint rule (logits, no weights): a result whose exact part is a
 * 16-bit rounding boundary (z (1 - y) or 1 - y landing on a midpoint, the
 * transcendental part below the bound) is decided by the known sign of
 * the transcendental part, as the per-sample code's sticky sign decides it:
 *   loss = A + L(|z|) with L > 0 (log1p(e^-a) > 0 for finite a), A =
 *     ah + al exactly (TwoSum) and A >= 0: where al = 0, exact > C = ah;
 *   gradient = C + sg s(|z|), s > 0 (sigma(-a) > 0), C = ch + cl exactly:
 *     where cl = 0, exact < C for z >= 0 (C = 1 - y >= 0) and exact > C
 *     for z < 0 (C = -y <= 0; cl is always 0 there).
 *   Let X be the binary32 neighbour of C toward the exact value (bits of C
 *   - 1 for the gradient: toward zero; + 1 for the loss; a zero C gives
 *   NaN bits or 2^-149, see below).  Then for exact > C: lo' = max(X, lo)
 *   and for exact < C: hi' = min(X, hi), and the output is decided by
 *   f_dec16 on (lo', hi').  Proof for exact > C (the other is the mirror
 *   image): no binary32, so no 16-bit rounding boundary (a binary32
 *   number), lies strictly between C and X, so RN16 is constant on (C, X)
 *   and there equals RN16 of values just below X:
 *   - bf16: kl = RN16 of lo' with ties toward -inf is <= RN16(exact):
 *     from exact >= lo if lo' = lo; if lo' = X, from exact >= X, or from
 *     exact in (C, X), where RN16 is RN16 just below X = RN16 of X with
 *     ties toward -inf;
 *   - f16 (F16C rounds ties to even, which may take the wrong side at C):
 *     X is the neighbour only where C is an f16 rounding boundary (normal
 *     range: 113 <= E <= 142 and C's 13 low bits 0x1000; elsewhere X = C,
 *     valid by monotonicity as exact > C).  A boundary's neighbour is no
 *     boundary (they are >= 2^12 binary32 steps apart), so RN16(X) is
 *     RN16 on (C, X] and RNE16(lo') <= RN16(exact).
 *   With kh >= RN16(exact) from hi >= exact, kl == kh decides it.  A C of
 *   +0 gives X with bits 0xffffffff (NaN: max/min then return lo or hi,
 *   the second operand) for the gradient, 2^-149 for the loss (exact >
 *   0); -0 does not occur (ah = mz - zy and ch = bz - y are +0 when zero).
 *   The same for the probability form's gradient with y = 1 and 1/2 <=
 *   p < 1 (no weights): exact = -1/p and, with e = 1 - p in (0, 1/2],
 *   1/p = 1 + e + e^2 / (1 - e) > 1 + e, so exact < C = p - 2, exact in
 *   binary32 (a multiple of p's ulp in [-3/2, -1)); X = C's neighbour
 *   below (bits + 1; f16 where C is a boundary), hi' = min(X, hi).  It
 *   decides -1/(1 - 2^-11) in f16 (1 + 2^-11 a midpoint, 2^-22 beyond it:
 *   two binary32 steps) and its bf16 kin, common with p near 1.
 *   This is what makes z (1 - y) and 1 - y midpoints with |z| beyond ~15
 *   decidable here instead of in the double tier.
 * Output: f_dec16. */
static inline __attribute__((always_inline)) __m256 fabs8(__m256 v)
{
    return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), v);
}

/* The 16-bit decision of one output on 8 lanes from binary32 ends lo <=
 * hi of its bound (RN16(exact) between the two roundings below); stores 8
 * 16-bit results at oh and returns the decided lanes as 8 bits.
 *   bf16: kl = RN16 of lo with ties toward -inf, kh = RN16 of hi with
 *     ties toward +inf (value order; on the signed bits u: (u + 0x7fff +
 *     s) >> 16 and (u + 0x8000 - s) >> 16, s = the sign bit: a tie of a
 *     positive lo rounds down in magnitude, of a negative one up, and the
 *     other way for kh; core/half.h's integer rounding with the tie
 *     fixed).  RN16 with any tie rule lies between the two and is
 *     monotone, so kl(lo) <= RN16(exact) <= kh(hi), and kl == kh (as
 *     bits, the sign too) gives RN16(exact) = kl.
 *   f16: F16C's VCVTPS2PH (round to nearest even, sign, subnormals,
 *     overflow to infinity) of lo and hi; decided iff the bits agree.
 * NaN ends (an overflowing w v) are undecided. */
static inline __attribute__((always_inline)) int
f_dec16(__m256 lo, __m256 hi, int fmt, uint16_t *oh)
{
    const int ord = _mm256_movemask_ps(_mm256_cmp_ps(lo, hi, _CMP_ORD_Q));
    if (fmt == BCE_FMT_F16) {
        const __m128i rl = _mm256_cvtps_ph(lo, _MM_FROUND_TO_NEAREST_INT);
        const __m128i rh = _mm256_cvtps_ph(hi, _MM_FROUND_TO_NEAREST_INT);
        _mm_storeu_si128((__m128i *)oh, rl);
        const __m128i eq = _mm_cmpeq_epi16(rl, rh);
        return _mm_movemask_epi8(_mm_packs_epi16(eq, eq)) & ord;
    }
    const __m256i ul = _mm256_castps_si256(lo), uh = _mm256_castps_si256(hi);
    const __m256i kl = _mm256_srli_epi32(_mm256_add_epi32(_mm256_add_epi32(ul, _mm256_set1_epi32(0x7fff)),
                                                          _mm256_srli_epi32(ul, 31)), 16);
    const __m256i kh = _mm256_srli_epi32(_mm256_sub_epi32(_mm256_add_epi32(uh, _mm256_set1_epi32(0x8000)),
                                                          _mm256_srli_epi32(uh, 31)), 16);
    const __m256i p = _mm256_packus_epi32(kl, kl);              /* per 128-bit half */
    _mm_storeu_si128((__m128i *)oh, _mm256_castsi256_si128(_mm256_permute4x64_epi64(p, 0x08)));
    return _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(kl, kh))) & ord;
}

/* lo, hi of a value v with bound e (the weighted outputs) */
static inline __attribute__((always_inline)) void
f_interval(__m256 v, __m256 e, __m256 exact, __m256 *lo, __m256 *hi)
{
    const __m256 e1 = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(e, _mm256_set1_ps(1.0f + 0x1p-20f)),
                                                  _mm256_mul_ps(fabs8(v), _mm256_set1_ps(0x1p-22f))),
                                    _mm256_set1_ps(0x1p-147f));
    const __m256 e2 = _mm256_andnot_ps(exact, e1);
    *lo = _mm256_sub_ps(v, e2);
    *hi = _mm256_add_ps(v, e2);
}

/* lo, hi of v with the direct E2 = RN(RN(k s) + c) (unweighted outputs:
 * the bounds above), E2 = 0 on exact lanes */
static inline __attribute__((always_inline)) void
f_direct(__m256 v, __m256 s, float k, float c, __m256 exact, __m256 *lo, __m256 *hi)
{
    const __m256 e2 = _mm256_andnot_ps(exact, _mm256_add_ps(_mm256_mul_ps(s, _mm256_set1_ps(k)),
                                                            _mm256_set1_ps(c)));
    *lo = _mm256_sub_ps(v, e2);
    *hi = _mm256_add_ps(v, e2);
}

/* the midpoint rule's step at C (magnitude bits a, |C| <= 65504 for f16:
 * A <= |z|, |1 - y| <= 1): all ones where X is C's neighbour (bf16:
 * always; f16: C a normal-range f16 boundary, E >= 113 and the 13 low
 * bits 0x1000; E <= 142 holds as |C| <= 65504), else 0 */
static inline __attribute__((always_inline)) __m256i f_step(__m256i a, int fmt)
{
    if (fmt == BCE_FMT_BF16) return _mm256_set1_epi32(-1);
    const __m256i mid = _mm256_cmpeq_epi32(_mm256_and_si256(a, _mm256_set1_epi32(0x1fff)),
                                           _mm256_set1_epi32(0x1000));
    return _mm256_and_si256(mid, _mm256_cmpgt_epi32(a, _mm256_set1_epi32((113 << 23) - 1)));
}

static inline __attribute__((always_inline)) void f_weigh(__m256 w, __m256 *v, __m256 *e)
{
    const __m256 vw = _mm256_mul_ps(w, *v);
    *e = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(w, *e), _mm256_mul_ps(_mm256_set1_ps(0x1p-24f), fabs8(vw))),
                       _mm256_set1_ps(0x1p-149f));
    *v = vw;
}

#ifndef F_HWGATHER
#define F_HWGATHER 0
#endif

/* 8 elements j .. j + 7, 16-bit outputs (stored): the lanes where a
 * wanted output is undecided, as 8 bits (0xff: the tier does not apply) */
static inline __attribute__((always_inline)) int
f_group8(size_t j, const uint16_t *xb, const float *xf, const float *yf, const float *wf,
         int fmt, int logits, int wl, int wg, const float (*Tf)[2], uint16_t *lh, uint16_t *gh)
{
    const int inf16 = fmt == BCE_FMT_BF16 ? 0x7f80 : 0x7c00;
    const int one16 = fmt == BCE_FMT_BF16 ? 0x3f80 : 0x3c00;
    const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f);
    const __m256 U = _mm256_set1_ps(0x1p-24f);
    const __m256 sgnbit = _mm256_set1_ps(-0.0f);
    const __m256 qnan = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fc00000));
    const __m256i bx = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(xb + j)));
    const __m256 x = _mm256_loadu_ps(xf + j), y = _mm256_loadu_ps(yf + j);
    __m256i hot, idx;
    __m256 exact = zero;
    if (logits) {
        const __m256i a = _mm256_and_si256(bx, _mm256_set1_epi32(0x7fff));
        hot = _mm256_cmpgt_epi32(_mm256_set1_epi32(inf16), a);
        if (fmt == BCE_FMT_BF16) {
            /* (every nonzero f16 is >= 2^-24: no f16 factor lies in (0, 2^-50)) */
            const __m256 tz = _mm256_set1_ps(0x1p-50f);
            const __m256 okz = _mm256_or_ps(_mm256_cmp_ps(x, zero, _CMP_EQ_OQ),
                                            _mm256_cmp_ps(fabs8(x), tz, _CMP_GE_OQ));
            const __m256 oky = _mm256_or_ps(_mm256_cmp_ps(y, zero, _CMP_EQ_OQ),
                                            _mm256_cmp_ps(y, tz, _CMP_GE_OQ));
            hot = _mm256_and_si256(hot, _mm256_castps_si256(_mm256_and_ps(okz, oky)));
        }
        idx = _mm256_and_si256(hot, a);
    } else {
        const __m256i in = _mm256_and_si256(_mm256_cmpgt_epi32(bx, _mm256_setzero_si256()),
                                            _mm256_cmpgt_epi32(_mm256_set1_epi32(one16), bx));
        const __m256i big = _mm256_castps_si256(_mm256_cmp_ps(x, _mm256_set1_ps(0x1p-100f), _CMP_GE_OQ));
        const __m256i ex = _mm256_or_si256(_mm256_cmpeq_epi32(bx, _mm256_setzero_si256()),
                                           _mm256_cmpeq_epi32(bx, _mm256_set1_epi32(one16)));
        const __m256i h = _mm256_and_si256(in, big);
        exact = _mm256_castsi256_ps(ex);
        hot = _mm256_or_si256(h, ex);
        /* other lanes read the row of p = 1/2: the row of 2^-133 (the
         * double tier's) holds a binary32 subnormal, slow to multiply */
        idx = _mm256_blendv_epi8(_mm256_set1_epi32(fmt == BCE_FMT_BF16 ? 0x3f00 : 0x3800), bx, h);
    }
    if (_mm256_movemask_ps(_mm256_castsi256_ps(hot)) != 0xff) { L16_COUNT(0); return 0xff; }
    /* the rows {T0, T1} (8 bytes each) of the 8 lanes */
#if F_HWGATHER
    const long long *R = (const long long *)(const void *)Tf;
    const __m256i q0 = _mm256_i32gather_epi64(R, _mm256_castsi256_si128(idx), 8);
    const __m256i q1 = _mm256_i32gather_epi64(R, _mm256_extracti128_si256(idx, 1), 8);
#else
    uint32_t ix[8];
    _mm256_storeu_si256((__m256i *)ix, idx);
    const uint64_t *R = (const uint64_t *)(const void *)Tf;
    const __m256i q0 = _mm256_setr_epi64x((long long)R[ix[0]], (long long)R[ix[1]],
                                          (long long)R[ix[2]], (long long)R[ix[3]]);
    const __m256i q1 = _mm256_setr_epi64x((long long)R[ix[4]], (long long)R[ix[5]],
                                          (long long)R[ix[6]], (long long)R[ix[7]]);
#endif
    const __m256i dei = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    const __m256i d0 = _mm256_permutevar8x32_epi32(q0, dei), d1 = _mm256_permutevar8x32_epi32(q1, dei);
    const __m256 t0 = _mm256_castsi256_ps(_mm256_permute2x128_si256(d0, d1, 0x20));
    const __m256 t1 = _mm256_castsi256_ps(_mm256_permute2x128_si256(d0, d1, 0x31));
    __m256 loL, hiL, loG, hiG;
    if (logits) {
        const __m256 mz = _mm256_and_ps(_mm256_cmp_ps(x, zero, _CMP_GT_OQ), x);
        const __m256 zy = _mm256_mul_ps(x, y);                     /* exact */
        const __m256 ah = _mm256_sub_ps(mz, zy);
        const __m256 bb = _mm256_sub_ps(ah, mz);
        const __m256 al = _mm256_add_ps(_mm256_sub_ps(mz, _mm256_sub_ps(ah, bb)),
                                        _mm256_sub_ps(_mm256_xor_ps(zy, sgnbit), bb));
        const __m256 s1 = _mm256_add_ps(ah, t0);
        __m256 vL = _mm256_add_ps(s1, al);
        const __m256 ge = _mm256_cmp_ps(x, zero, _CMP_GE_OQ);
        const __m256 bz = _mm256_and_ps(ge, one);
        const __m256 ch = _mm256_sub_ps(bz, y);
        const __m256 cb = _mm256_sub_ps(ch, bz);
        const __m256 cl = _mm256_add_ps(_mm256_sub_ps(bz, _mm256_sub_ps(ch, cb)),
                                        _mm256_sub_ps(_mm256_xor_ps(y, sgnbit), cb));
        const __m256 sg = _mm256_xor_ps(t1, _mm256_and_ps(ge, sgnbit));
        const __m256 d = _mm256_add_ps(ch, sg);
        __m256 vG = _mm256_add_ps(d, cl);
        if (wf) {
            __m256 eL = _mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(0x1p-21f), vL), _mm256_set1_ps(0x1p-148f));
            __m256 eG = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(0x1p-23f), t1),
                                                                  _mm256_set1_ps(0x1p-148f)),
                                                    _mm256_mul_ps(U, fabs8(d))),
                                      _mm256_mul_ps(U, fabs8(vG)));
            const __m256 w = _mm256_loadu_ps(wf + j);
            f_weigh(w, &vL, &eL);
            f_weigh(w, &vG, &eG);
            f_interval(vL, eL, zero, &loL, &hiL);
            f_interval(vG, eG, zero, &loG, &hiG);
        } else {
            f_direct(vL, _mm256_add_ps(t0, vL), 0x1p-22f, 0x1p-146f, zero, &loL, &hiL);
            f_direct(vG, _mm256_add_ps(t1, fabs8(vG)), 0x1p-22f, 0x1p-146f, zero, &loG, &hiG);
            /* the midpoint rule (above) */
            const __m256i ahb = _mm256_castps_si256(ah);                  /* ah >= +0 */
            __m256 X = _mm256_castsi256_ps(_mm256_sub_epi32(ahb, f_step(ahb, fmt)));
            X = _mm256_or_ps(X, _mm256_andnot_ps(_mm256_cmp_ps(al, zero, _CMP_EQ_OQ), qnan));
            loL = _mm256_max_ps(X, loL);
            const __m256i chb = _mm256_castps_si256(ch);
            const __m256i cha = _mm256_and_si256(chb, _mm256_set1_epi32(0x7fffffff));
            X = _mm256_castsi256_ps(_mm256_add_epi32(chb, f_step(cha, fmt)));
            X = _mm256_or_ps(X, _mm256_andnot_ps(_mm256_cmp_ps(cl, zero, _CMP_EQ_OQ), qnan));
            hiG = _mm256_blendv_ps(hiG, _mm256_min_ps(X, hiG), ge);     /* z >= 0: exact < C */
            loG = _mm256_blendv_ps(_mm256_max_ps(X, loG), loG, ge);     /* z < 0: exact > C */
        }
    } else {
        const __m256 ch = _mm256_sub_ps(one, y);
        const __m256 q1f = _mm256_mul_ps(ch, t1);
        const __m256 p1f = _mm256_mul_ps(y, t0);
        __m256 vL = _mm256_add_ps(p1f, q1f);
        const __m256 dh = _mm256_sub_ps(x, y);
        const __m256 mm = _mm256_sub_ps(one, x);
        const __m256 q = _mm256_mul_ps(x, mm);
        __m256 vG = _mm256_div_ps(dh, q);
        const __m256 pone = _mm256_castsi256_ps(_mm256_cmpeq_epi32(bx, _mm256_set1_epi32(one16)));
        const __m256 yedge = _mm256_blendv_ps(_mm256_cmp_ps(y, zero, _CMP_EQ_OQ),
                                              _mm256_cmp_ps(y, one, _CMP_EQ_OQ), pone);
        const __m256 inf = _mm256_set1_ps(HUGE_VALF);
        const __m256 lim_l = _mm256_blendv_ps(inf, zero, yedge);
        const __m256 lim_g = _mm256_blendv_ps(_mm256_blendv_ps(_mm256_set1_ps(-HUGE_VALF), inf, pone),
                                              _mm256_blendv_ps(one, _mm256_set1_ps(-1.0f), pone), yedge);
        vL = _mm256_blendv_ps(vL, lim_l, exact);
        vG = _mm256_blendv_ps(vG, lim_g, exact);
        if (wf) {
            __m256 eL = _mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(0x1p-21f), vL), _mm256_set1_ps(0x1p-146f));
            __m256 eG = _mm256_mul_ps(_mm256_set1_ps(5.0f * 0x1p-24f), fabs8(vG));
            eL = _mm256_blendv_ps(eL, zero, exact);
            eG = _mm256_blendv_ps(eG, zero, exact);
            const __m256 w = _mm256_loadu_ps(wf + j);
            f_weigh(w, &vL, &eL);
            f_weigh(w, &vG, &eG);
            /* exact limits times w = 0: the double tier (which leaves them) */
            if (_mm256_movemask_ps(_mm256_and_ps(exact, _mm256_cmp_ps(w, zero, _CMP_EQ_OQ))) != 0)
                return 0xff;
            f_interval(vL, eL, exact, &loL, &hiL);
            f_interval(vG, eG, exact, &loG, &hiG);
        } else {
            /* hard labels (y = +-0 or 1; above): the loss is a table
             * value, the gradient at p >= 1/2 two roundings */
            const __m256 hard = _mm256_or_ps(_mm256_cmp_ps(y, zero, _CMP_EQ_OQ),
                                             _mm256_cmp_ps(y, one, _CMP_EQ_OQ));
            const __m256 hg = _mm256_and_ps(hard, _mm256_cmp_ps(x, _mm256_set1_ps(0.5f), _CMP_GE_OQ));
            const __m256 kL = _mm256_blendv_ps(_mm256_set1_ps(0x1p-20f), _mm256_set1_ps(0x1p-23f + 0x1p-38f), hard);
            const __m256 kG = _mm256_blendv_ps(_mm256_set1_ps(0x1p-21f), _mm256_set1_ps(0x1.9p-23f), hg);
            const __m256 e2L = _mm256_andnot_ps(exact, _mm256_add_ps(_mm256_mul_ps(vL, kL), _mm256_set1_ps(0x1p-144f)));
            loL = _mm256_sub_ps(vL, e2L);
            hiL = _mm256_add_ps(vL, e2L);
            const __m256 e2G = _mm256_andnot_ps(exact, _mm256_add_ps(_mm256_mul_ps(fabs8(vG), kG),
                                                                     _mm256_set1_ps(0x1p-147f)));
            loG = _mm256_sub_ps(vG, e2G);
            hiG = _mm256_add_ps(vG, e2G);
            /* the midpoint rule for y = 1, 1/2 <= p < 1: exact < C = p - 2 */
            const __m256 c = _mm256_sub_ps(x, _mm256_set1_ps(2.0f));          /* exact */
            const __m256 app = _mm256_and_ps(_mm256_cmp_ps(y, one, _CMP_EQ_OQ),
                                             _mm256_and_ps(hg, _mm256_cmp_ps(x, one, _CMP_LT_OQ)));
            const __m256i cb = _mm256_castps_si256(c);
            const __m256i ca = _mm256_and_si256(cb, _mm256_set1_epi32(0x7fffffff));
            __m256 X = _mm256_castsi256_ps(_mm256_sub_epi32(cb, f_step(ca, fmt)));
            X = _mm256_or_ps(X, _mm256_andnot_ps(app, qnan));
            hiG = _mm256_min_ps(X, hiG);
        }
    }
    int ok = 0xff;
    if (wl) { const int o = f_dec16(loL, hiL, fmt, lh + j); ok &= o; L16_COUNTM(1, o); }
    if (wg) { const int o = f_dec16(loG, hiG, fmt, gh + j); ok &= o; L16_COUNTM(2, o); }
    return ~ok & 0xff;
}

static inline __attribute__((always_inline)) size_t
v_body(size_t m, const uint16_t *xb, const float *xf, const float *yf, const float *wf,
       int fmt, int logits, int out16, int wl, int wg, const double (*T)[2],
       const float (*Tf)[2], float *lf, float *gf, uint16_t *lh, uint16_t *gh,
       unsigned char *redo)
{
    size_t cnt = 0, j = 0;
    for (; j + 8 <= m; j += 8) {
        /* the binary32 tier first (16-bit outputs); each half of 4 with
         * an undecided lane is recomputed by the double tier */
        const int und = out16 ? f_group8(j, xb, xf, yf, wf, fmt, logits, wl, wg, Tf, lh, gh) : 0xff;
        int mk = 0;
        if (und & 0x0f)
            mk = v_group4(j, xb, xf, yf, wf, fmt, logits, out16, wl, wg, T, lf, gf, lh, gh);
        if (und & 0xf0)
            mk |= v_group4(j + 4, xb, xf, yf, wf, fmt, logits, out16, wl, wg, T, lf, gf, lh, gh) << 4;
        /* byte k = bit k of mk */
        const __m128i bits = _mm_and_si128(_mm_set1_epi8((char)mk),
                                           _mm_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0));
        _mm_storel_epi64((__m128i *)(redo + j), _mm_min_epu8(bits, _mm_set1_epi8(1)));
        cnt += (size_t)__builtin_popcount((unsigned)mk);
    }
    if (j < m)
        cnt += bce_lowp16_avx2ref_chunk(m - j, xb + j, xf + j, yf + j, wf ? wf + j : NULL, fmt,
                                        logits, T, Tf, lf ? lf + j : NULL, gf ? gf + j : NULL,
                                        lh ? lh + j : NULL, gh ? gh + j : NULL, redo + j);
    return cnt;
}

/* the body with every flag constant (as the template's L16FN(chunk)) */
#define V_CASE(F, LG, O, WL, WG)                                                    \
    return v_body(m, xb, xf, yf, wf, F, LG, O, WL, WG, T, Tf, lf, gf, lh, gh, redo)

size_t bce_lowp16_avx2_chunk(size_t m, const uint16_t *xb, const float *xf, const float *yf,
                             const float *wf, int fmt, int logits, const double (*T)[2],
                             const float (*Tf)[2], float *lf, float *gf, uint16_t *lh,
                             uint16_t *gh, unsigned char *redo)
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

/* For tests/test_lowp_table.c: the binary32 tier alone on the 8 elements
 * xb[0..7] (no weights; the loss (grad = 0) or the gradient (grad = 1) in
 * the 16-bit type, at out): its undecided lanes as 8 bits (0xff: the tier
 * does not apply).  Not part of the library's interface. */
int bce_lowp16_avx2_tier32_group8(const uint16_t *xb, const float *xf, const float *yf, int fmt,
                                  int logits, int grad, const float (*Tf)[2], uint16_t *out);
int bce_lowp16_avx2_tier32_group8(const uint16_t *xb, const float *xf, const float *yf, int fmt,
                                  int logits, int grad, const float (*Tf)[2], uint16_t *out)
{
    uint16_t *lh = grad ? NULL : out, *gh = grad ? out : NULL;
#define T32(F, LG) return grad ? f_group8(0, xb, xf, yf, NULL, F, LG, 0, 1, Tf, lh, gh)   \
                               : f_group8(0, xb, xf, yf, NULL, F, LG, 1, 0, Tf, lh, gh)
    if (fmt == BCE_FMT_BF16) { if (logits) T32(BCE_FMT_BF16, 1); T32(BCE_FMT_BF16, 0); }
    if (logits) T32(BCE_FMT_F16, 1);
    T32(BCE_FMT_F16, 0);
#undef T32
}

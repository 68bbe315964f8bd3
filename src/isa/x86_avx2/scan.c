/*
 * isa/x86_avx2/scan.c -- the validation scan's chunk checks on 8 floats or
 * 4 doubles at a time (core/api.c's scan_chunk_f32 / scan_chunk_f64 on
 * SSE2 take 4 or 2): nonzero iff some element of x[0..m), y[0..m) is not accepted,
 * the same answers as core/api.c's elem_rejected (y not in [0, 1] or NaN;
 * x NaN unless prop; for probabilities x not in [0, 1]), by the same
 * negated (unordered-true) predicates.  Called by core/api.c when the CPU
 * has AVX2 (bce_cpu_avx2); the caller checks the last m mod 8 elements.
 */
#include <immintrin.h>
#include "core/isa.h"

static inline __m256 check8(__m256 a, __m256 b, __m256 zero, __m256 one,
                            __m256 nanbad, int probs)
{
    __m256 r = _mm256_or_ps(_mm256_or_ps(_mm256_cmp_ps(b, zero, _CMP_NGE_UQ),
                                         _mm256_cmp_ps(b, one, _CMP_NLE_UQ)),
                            _mm256_and_ps(nanbad, _mm256_cmp_ps(a, a, _CMP_UNORD_Q)));
    if (probs)
        r = _mm256_or_ps(r, _mm256_and_ps(_mm256_cmp_ps(a, a, _CMP_ORD_Q),
                                          _mm256_or_ps(_mm256_cmp_ps(a, zero, _CMP_NGE_UQ),
                                                       _mm256_cmp_ps(a, one, _CMP_NLE_UQ))));
    return r;
}

static inline __m256 scan8(const float *x, const float *y, __m256 zero, __m256 one,
                           __m256 nanbad, int probs)
{
    return check8(_mm256_loadu_ps(x), _mm256_loadu_ps(y), zero, one, nanbad, probs);
}

/* all m elements; two accumulators (one OR into each per 8 elements); the
 * last m mod 8 by masked loads, which read nothing past the arrays and
 * give 0 in the other lanes (accepted as x and as y) */
int bce_scan_chunk_f32_avx2(const float *x, const float *y, size_t m, int probs, int prop)
{
    const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1);
    const __m256 nanbad = prop ? zero : _mm256_castsi256_ps(_mm256_set1_epi32(-1));
    __m256 acc0 = zero, acc1 = zero;
    size_t i = 0;
    for (; i + 16 <= m; i += 16) {
        acc0 = _mm256_or_ps(acc0, scan8(x + i, y + i, zero, one, nanbad, probs));
        acc1 = _mm256_or_ps(acc1, scan8(x + i + 8, y + i + 8, zero, one, nanbad, probs));
    }
    if (i + 8 <= m) {
        acc0 = _mm256_or_ps(acc0, scan8(x + i, y + i, zero, one, nanbad, probs));
        i += 8;
    }
    if (i < m) {
        __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(m - i)),
                                          _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        acc1 = _mm256_or_ps(acc1, check8(_mm256_maskload_ps(x + i, mask),
                                         _mm256_maskload_ps(y + i, mask), zero, one, nanbad, probs));
    }
    return _mm256_movemask_ps(_mm256_or_ps(acc0, acc1)) != 0;
}

/* the same for doubles, 4 at a time */
static inline __m256d check4(__m256d a, __m256d b, __m256d zero, __m256d one,
                             __m256d nanbad, int probs)
{
    __m256d r = _mm256_or_pd(_mm256_or_pd(_mm256_cmp_pd(b, zero, _CMP_NGE_UQ),
                                          _mm256_cmp_pd(b, one, _CMP_NLE_UQ)),
                             _mm256_and_pd(nanbad, _mm256_cmp_pd(a, a, _CMP_UNORD_Q)));
    if (probs)
        r = _mm256_or_pd(r, _mm256_and_pd(_mm256_cmp_pd(a, a, _CMP_ORD_Q),
                                          _mm256_or_pd(_mm256_cmp_pd(a, zero, _CMP_NGE_UQ),
                                                       _mm256_cmp_pd(a, one, _CMP_NLE_UQ))));
    return r;
}

int bce_scan_chunk_f64_avx2(const double *x, const double *y, size_t m, int probs, int prop)
{
    const __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1);
    const __m256d nanbad = prop ? zero : _mm256_castsi256_pd(_mm256_set1_epi32(-1));
    __m256d acc0 = zero, acc1 = zero;
    size_t i = 0;
    for (; i + 8 <= m; i += 8) {
        acc0 = _mm256_or_pd(acc0, check4(_mm256_loadu_pd(x + i), _mm256_loadu_pd(y + i),
                                         zero, one, nanbad, probs));
        acc1 = _mm256_or_pd(acc1, check4(_mm256_loadu_pd(x + i + 4), _mm256_loadu_pd(y + i + 4),
                                         zero, one, nanbad, probs));
    }
    if (i + 4 <= m) {
        acc0 = _mm256_or_pd(acc0, check4(_mm256_loadu_pd(x + i), _mm256_loadu_pd(y + i),
                                         zero, one, nanbad, probs));
        i += 4;
    }
    if (i < m) {
        __m256i mask = _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)(m - i)),
                                          _mm256_setr_epi64x(0, 1, 2, 3));
        acc1 = _mm256_or_pd(acc1, check4(_mm256_maskload_pd(x + i, mask),
                                         _mm256_maskload_pd(y + i, mask), zero, one, nanbad, probs));
    }
    return _mm256_movemask_pd(_mm256_or_pd(acc0, acc1)) != 0;
}

/* The 16-bit types' check (core/api.c's scan_chunk_h16 without NaN
 * propagation), 16 patterns at a time: one = the bits of 1, inf those of
 * +inf; y (and p) is rejected iff (v == 0x8000 ? 0 : v) > one (unsigned:
 * negative, above 1 or NaN), z iff (z & 0x7fff) > inf (NaN).  The last m
 * mod 16 by the scalar loop. */
int bce_scan_chunk_h16_avx2(const uint16_t *x, const uint16_t *y, size_t m, int probs,
                            uint16_t one, uint16_t inf)
{
    const __m256i n0 = _mm256_set1_epi16((short)0x8000), o = _mm256_set1_epi16((short)one);
    const __m256i in = _mm256_set1_epi16((short)inf), mag = _mm256_set1_epi16(0x7fff);
    __m256i acc = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 16 <= m; i += 16) {
        const __m256i a = _mm256_loadu_si256((const __m256i *)(x + i));
        const __m256i b = _mm256_loadu_si256((const __m256i *)(y + i));
        const __m256i b1 = _mm256_andnot_si256(_mm256_cmpeq_epi16(b, n0), b);
        __m256i r = _mm256_subs_epu16(b1, o);
        if (probs) {
            const __m256i a1 = _mm256_andnot_si256(_mm256_cmpeq_epi16(a, n0), a);
            r = _mm256_or_si256(r, _mm256_subs_epu16(a1, o));
        } else {
            r = _mm256_or_si256(r, _mm256_subs_epu16(_mm256_and_si256(a, mag), in));
        }
        acc = _mm256_or_si256(acc, r);
    }
    unsigned off = !_mm256_testz_si256(acc, acc);
    for (; i < m; i++) {
        const unsigned a = x[i], b = y[i];
        const unsigned b1 = b == 0x8000u ? 0 : b, a1 = a == 0x8000u ? 0 : a;
        off |= b1 > one;
        off |= probs ? a1 > one : (a & 0x7fffu) > inf;
    }
    return off != 0;
}

/* core/api.c's scan_elements sums on AVX2: steps of BCE_SCAN_LANES lanes as
 * vectors of 4
 * (core/scan_lanes_tmpl.h; the SSE2 instantiation in core/api.c takes the
 * same lanes as two pairs).  The predicates are the SSE2 ones: GE, LE, LT,
 * GT, EQ ordered (false on NaN), NEQ unordered (true on NaN). */
#include "bce.h"             /* BCE_WEIGHT_MIN, BCE_WEIGHT_MAX */
#include <math.h>            /* HUGE_VAL */
#define SL_V __m256d
#define SL_FN(name) avx2_##name
#define SL_SET1(d) _mm256_set1_pd(d)
#define SL_ADD _mm256_add_pd
#define SL_SUB _mm256_sub_pd
#define SL_MUL _mm256_mul_pd
#define SL_DIV _mm256_div_pd
#define SL_AND _mm256_and_pd
#define SL_ANDNOT _mm256_andnot_pd
#define SL_OR _mm256_or_pd
#define SL_GE(a, b) _mm256_cmp_pd((a), (b), _CMP_GE_OS)
#define SL_LE(a, b) _mm256_cmp_pd((a), (b), _CMP_LE_OS)
#define SL_LT(a, b) _mm256_cmp_pd((a), (b), _CMP_LT_OS)
#define SL_GT(a, b) _mm256_cmp_pd((a), (b), _CMP_GT_OS)
#define SL_EQ(a, b) _mm256_cmp_pd((a), (b), _CMP_EQ_OQ)
#define SL_NEQ(a, b) _mm256_cmp_pd((a), (b), _CMP_NEQ_UQ)
#define SL_UNORD(a, b) _mm256_cmp_pd((a), (b), _CMP_UNORD_Q)
#define SL_ORD(a, b) _mm256_cmp_pd((a), (b), _CMP_ORD_Q)
#define SL_LOAD_F64(p) _mm256_loadu_pd(p)
#define SL_LOAD_F32(p) _mm256_cvtps_pd(_mm_loadu_ps(p))
#include "core/scan_lanes_tmpl.h"

int bce_scan_sums_avx2(size_t i0, size_t nq, const void *x, const void *y, const void *w,
                       int f32, int probs, int prop, int bounds, double smooth, double pmin1,
                       double acc[5][BCE_SCAN_LANES])
{
    enum { NQ = BCE_SCAN_LANES / 4 };     /* vectors of 4 lanes: q holds i + 4q .. i + 4q + 3 */
    __m256d ok = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
    __m256d sh[NQ], sl[NQ], bd[NQ], gm[NQ], wm[NQ];
    for (int q = 0; q < NQ; q++) {
        sh[q] = sl[q] = bd[q] = gm[q] = _mm256_setzero_pd();
        wm[q] = _mm256_set1_pd(HUGE_VAL);
    }
    for (size_t i = i0; i < i0 + nq; i += BCE_SCAN_LANES)
        for (int q = 0; q < NQ; q++)
            avx2_scan_step(i + 4 * (size_t)q, x, y, w, f32, probs, prop, bounds, smooth, pmin1,
                           &ok, &sh[q], &sl[q], &wm[q], &bd[q], &gm[q]);
    for (int q = 0; q < NQ; q++) {
        _mm256_storeu_pd(acc[0] + 4 * q, sh[q]);
        _mm256_storeu_pd(acc[1] + 4 * q, sl[q]);
        _mm256_storeu_pd(acc[2] + 4 * q, wm[q]);
        _mm256_storeu_pd(acc[3] + 4 * q, bd[q]);
        _mm256_storeu_pd(acc[4] + 4 * q, gm[q]);
    }
    return _mm256_movemask_pd(ok) != 15;
}

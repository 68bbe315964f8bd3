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

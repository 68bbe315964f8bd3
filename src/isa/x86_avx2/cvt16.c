/*
 * isa/x86_avx2/cvt16.c -- bf16 and f16 inputs widened to binary32, 8 at a
 * time: bf16 by a 16-bit shift, f16 by F16C's VCVTPH2PS (exact; a
 * signalling NaN comes out quiet with its payload, as the scalar
 * conversion makes it: core/half.h).  The avx2 row is runnable only where
 * F16C is (core/isa.c).  Compiled with -mavx2 -mfma -mf16c.
 */
#include <immintrin.h>
#include "core/isa.h"
#include "core/half.h"

void bce_cvt_bf16_avx2(size_t n, const uint16_t *h, float *f)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256i v = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(h + i)));
        _mm256_storeu_ps(f + i, _mm256_castsi256_ps(_mm256_slli_epi32(v, 16)));
    }
    for (; i < n; i++) f[i] = bce_bf16_to_float(h[i]);
}

void bce_cvt_f16_avx2(size_t n, const uint16_t *h, float *f)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(f + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(h + i))));
    for (; i < n; i++) f[i] = bce_f16_to_float(h[i]);
}

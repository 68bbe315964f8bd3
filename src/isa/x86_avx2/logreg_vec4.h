/*
 * logreg_vec4.h -- the 4-double vocabulary of the fused regression's x86
 * feature loops (logreg/logreg_rows_tmpl.h), shared by the AVX2 and
 * AVX-512 units (isa/x86_avx2/logreg_rows.c, isa/x86_avx512/logreg_rows.c):
 * v4d, LR_FMA4, LR_ADDF/LR_SUBF on the FMA pipes, the loads and the masked
 * loads of a partial chunk.  Compiled with -mavx2 -mfma or the AVX-512
 * flags.
 */
#ifndef BCE_LOGREG_VEC4_H
#define BCE_LOGREG_VEC4_H

#include <immintrin.h>
#include <stddef.h>

typedef double v4d __attribute__((vector_size(32)));

#define LR_FMA4(a, b, c) ((v4d)_mm256_fmadd_pd((__m256d)(a), (__m256d)(b), (__m256d)(c)))

/* a + b and a - b rounded once, on the FMA pipes: fma(b, +-1, a) (the
 * exact value rounded once, so the same result as the adder's).  The
 * constants pass through an empty asm so that the compiler cannot fold the
 * fma back into an addition. */
static inline v4d lr_pm1(double c)
{
    __m256d r = _mm256_set1_pd(c);
    __asm__("" : "+x"(r));
    return (v4d)r;
}
#define LR_ADDF(a, b) ((v4d)_mm256_fmadd_pd((__m256d)(b), (__m256d)lr_pm1(1.0), (__m256d)(a)))
#define LR_SUBF(a, b) ((v4d)_mm256_fmadd_pd((__m256d)(b), (__m256d)lr_pm1(-1.0), (__m256d)(a)))

static inline v4d lr_load4_f64(const double *p) { return (v4d)_mm256_loadu_pd(p); }
static inline v4d lr_load4_f32(const float *p) { return (v4d)_mm256_cvtps_pd(_mm_loadu_ps(p)); }
/* the first c < 4 elements from p, zero in the other lanes, which are not
 * read (vmaskmovpd / vmaskmovps: no fault past the array) */
static inline __m256i lr_mask4_64(size_t c)
{
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)c), _mm256_setr_epi64x(0, 1, 2, 3));
}
static inline v4d lr_load4m_f64(const double *p, size_t c)
{
    return (v4d)_mm256_maskload_pd(p, lr_mask4_64(c));
}
static inline v4d lr_load4m_f32(const float *p, size_t c)
{
    const __m128i m = _mm_cmpgt_epi32(_mm_set1_epi32((int)c), _mm_setr_epi32(0, 1, 2, 3));
    return (v4d)_mm256_cvtps_pd(_mm_maskload_ps(p, m));
}

#endif

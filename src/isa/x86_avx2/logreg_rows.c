/*
 * logreg_rows.c (AVX2+FMA) -- the feature loops of the fused logistic
 * regression: src/logreg/logreg_rows_tmpl.h with hardware FMA.  Same statements
 * and bits as src/isa/scalar/logreg_rows.c (tests/test_logreg.c checks).
 */
#include <immintrin.h>
#include <string.h>
#include "core/isa.h"

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

#define LR_T double
#define LR_FN(name) avx2_lr_f64_##name
#define LR_LOAD4(p) lr_load4_f64(p)
#define LR_LOAD4M(p, c) lr_load4m_f64((p), (c))
#include "logreg/logreg_rows_tmpl.h"
#undef LR_T
#undef LR_FN
#undef LR_LOAD4
#undef LR_LOAD4M

#define LR_T float
#define LR_FN(name) avx2_lr_f32_##name
#define LR_LOAD4(p) lr_load4_f32(p)
#define LR_LOAD4M(p, c) lr_load4m_f32((p), (c))
#include "logreg/logreg_rows_tmpl.h"

/* This ISA's kernels of the fused regression (the registry's row,
 * src/core/isa.c): the feature loops above, and the rows of a block. */
const bce_lr_kernels bce_lr_kernels_avx2 = {
    .dots_f64 = avx2_lr_f64_dots,             .accum_f64 = avx2_lr_f64_accum,
    .dots_f32 = avx2_lr_f32_dots,             .accum_f32 = avx2_lr_f32_accum,
    .dots_fast_f64 = avx2_lr_f64_dots_fast,   .accum_fast_f64 = avx2_lr_f64_accum_fast,
    .dots_fast_f32 = avx2_lr_f32_dots_fast,   .accum_fast_f32 = avx2_lr_f32_accum_fast,
    .block = bce_lr_block_avx2,
    .rows_fast = bce_lr_rows_fast_avx2,
};

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

static inline v4d lr_load4_f64(const double *p) { return (v4d)_mm256_loadu_pd(p); }
static inline v4d lr_load4_f32(const float *p) { return (v4d)_mm256_cvtps_pd(_mm_loadu_ps(p)); }

#define LR_T double
#define LR_FN(name) avx2_lr_f64_##name
#define LR_LOAD4(p) lr_load4_f64(p)
#include "logreg/logreg_rows_tmpl.h"
#undef LR_T
#undef LR_FN
#undef LR_LOAD4

#define LR_T float
#define LR_FN(name) avx2_lr_f32_##name
#define LR_LOAD4(p) lr_load4_f32(p)
#include "logreg/logreg_rows_tmpl.h"

/* The exported feature loops (src/core/isa.h; the registry's lr kernels). */
void bce_lr_dots_f64_avx2(const double *x, size_t ldx, size_t k, const double *w,
                          const double *v, double w0, double v0, size_t i0, size_t nb,
                          double *zh, double *zl, double *th, double *tl)
{
    avx2_lr_f64_dots(x, ldx, k, w, v, w0, v0, i0, nb, zh, zl, th, tl);
}

void bce_lr_accum_f64_avx2(const double *x, size_t ldx, size_t k, size_t i0, size_t nb,
                           size_t npf, const double *rh, const double *rl, double *S, double *Q)
{
    avx2_lr_f64_accum(x, ldx, k, i0, nb, npf, rh, rl, S, Q);
}

void bce_lr_dots_fast_f64_avx2(const double *x, size_t ldx, size_t k, const double *w,
                               const double *v, double w0, double v0, size_t i0, size_t nb,
                               double *zh, double *zl, double *th, double *tl)
{
    avx2_lr_f64_dots_fast(x, ldx, k, w, v, w0, v0, i0, nb, zh, zl, th, tl);
}

void bce_lr_accum_fast_f64_avx2(const double *x, size_t ldx, size_t k, size_t i0, size_t nb,
                                size_t npf, const double *rh, const double *rl, double *S, double *Q)
{
    avx2_lr_f64_accum_fast(x, ldx, k, i0, nb, npf, rh, rl, S, Q);
}

void bce_lr_dots_f32_avx2(const float *x, size_t ldx, size_t k, const double *w,
                          const double *v, double w0, double v0, size_t i0, size_t nb,
                          double *zh, double *zl, double *th, double *tl)
{
    avx2_lr_f32_dots(x, ldx, k, w, v, w0, v0, i0, nb, zh, zl, th, tl);
}

void bce_lr_accum_f32_avx2(const float *x, size_t ldx, size_t k, size_t i0, size_t nb,
                           size_t npf, const double *rh, const double *rl, double *S, double *Q)
{
    avx2_lr_f32_accum(x, ldx, k, i0, nb, npf, rh, rl, S, Q);
}

void bce_lr_dots_fast_f32_avx2(const float *x, size_t ldx, size_t k, const double *w,
                               const double *v, double w0, double v0, size_t i0, size_t nb,
                               double *zh, double *zl, double *th, double *tl)
{
    avx2_lr_f32_dots_fast(x, ldx, k, w, v, w0, v0, i0, nb, zh, zl, th, tl);
}

void bce_lr_accum_fast_f32_avx2(const float *x, size_t ldx, size_t k, size_t i0, size_t nb,
                                size_t npf, const double *rh, const double *rl, double *S, double *Q)
{
    avx2_lr_f32_accum_fast(x, ldx, k, i0, nb, npf, rh, rl, S, Q);
}

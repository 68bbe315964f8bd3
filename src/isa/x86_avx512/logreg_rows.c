/*
 * logreg_rows.c (AVX-512) -- the feature loops of the fused logistic
 * regression on this ISA: BCE_OPT_FAST_ACCUM's dots and accumulation on
 * 8-double vectors (logreg/logreg_rows8_tmpl.h) and its rows 8 per vector
 * (isa/x86_avx512/logreg_l1.c); the default mode's loops as on AVX2
 * (logreg/logreg_rows_tmpl.h, compiled here) and its rows AVX2's
 * (isa/x86_avx2/logreg_l1.c).  Same bits as the scalar ISA
 * (tests/test_logreg_api.c compares every ISA with it).
 */
#include <immintrin.h>
#include <stdint.h>
#include <string.h>
#include "core/isa.h"
#include "isa/x86_avx2/logreg_vec4.h"   /* v4d, LR_FMA4, LR_ADDF, the 4-lane loads */

typedef double v8d __attribute__((vector_size(64)));
#define LR8_FMA(a, b, c) ((v8d)_mm512_fmadd_pd((__m512d)(a), (__m512d)(b), (__m512d)(c)))

static inline v8d lr_load8_f64(const double *p) { return (v8d)_mm512_loadu_pd(p); }
static inline v8d lr_load8_f32(const float *p) { return (v8d)_mm512_cvtps_pd(_mm256_loadu_ps(p)); }
/* masked loads: the lanes outside m are zero and not read (no fault) */
static inline v8d lr_load8m_f64(__mmask8 m, const double *p) { return (v8d)_mm512_maskz_loadu_pd(m, p); }
static inline v8d lr_load8m_f32(__mmask8 m, const float *p)
{
    return (v8d)_mm512_cvtps_pd(_mm256_maskz_loadu_ps(m, p));
}

#define LR_FAST_OWN 1   /* dots_fast, accum_fast: logreg_rows8_tmpl.h's */
#define LR_T double
#define LR_FN(name) avx512_lr_f64_##name
#define LR_LOAD4(p) lr_load4_f64(p)
#define LR_LOAD4M(p, c) lr_load4m_f64((p), (c))
#define LR8_LOAD(p) lr_load8_f64(p)
#define LR8_LOADM(m, p) lr_load8m_f64((m), (p))
#include "logreg/logreg_rows_tmpl.h"
#include "logreg/logreg_rows8_tmpl.h"
#undef LR_T
#undef LR_FN
#undef LR_LOAD4
#undef LR_LOAD4M
#undef LR8_LOAD
#undef LR8_LOADM

#define LR_T float
#define LR_FN(name) avx512_lr_f32_##name
#define LR_LOAD4(p) lr_load4_f32(p)
#define LR_LOAD4M(p, c) lr_load4m_f32((p), (c))
#define LR8_LOAD(p) lr_load8_f32(p)
#define LR8_LOADM(m, p) lr_load8m_f32((m), (p))
#include "logreg/logreg_rows_tmpl.h"
#include "logreg/logreg_rows8_tmpl.h"

/* This ISA's kernels of the fused regression (the registry's row,
 * src/core/isa.c). */
const bce_lr_kernels bce_lr_kernels_avx512 = {
    .dots_f64 = avx512_lr_f64_dots,            .accum_f64 = avx512_lr_f64_accum,
    .dots_f32 = avx512_lr_f32_dots,            .accum_f32 = avx512_lr_f32_accum,
    .dots_fast_f64 = avx512_lr_f64_dots8_fast, .accum_fast_f64 = avx512_lr_f64_accum8_fast,
    .dots_fast_f32 = avx512_lr_f32_dots8_fast, .accum_fast_f32 = avx512_lr_f32_accum8_fast,
    .block = bce_lr_block_avx2,
    .rows_fast = bce_lr_rows_fast_avx512,
};

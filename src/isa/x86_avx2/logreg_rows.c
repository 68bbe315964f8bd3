/*
 * logreg_rows.c (AVX2+FMA) -- the feature loops of the fused logistic
 * regression: src/logreg/logreg_rows_tmpl.h with hardware FMA.  Same statements
 * and bits as src/isa/scalar/logreg_rows.c (tests/test_logreg.c checks).
 */
#include <immintrin.h>
#include <string.h>
#include "core/isa.h"
#include "isa/x86_avx2/logreg_vec4.h"   /* v4d, LR_FMA4, LR_ADDF, the loads */

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

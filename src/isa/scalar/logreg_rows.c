/*
 * logreg_rows.c -- the feature loops of the fused logistic regression,
 * baseline x86-64 (and any other target): src/logreg/logreg_rows_tmpl.h on GCC
 * vectors, with the product errors from libm's fma() (correctly rounded
 * whatever the hardware), so the bits are those of the AVX2 build.
 */
#include <math.h>
#include <string.h>
#include "core/isa.h"

/* The 32-byte vectors pass between static functions of this file only:
 * the psABI note about AVX argument passing does not concern any caller. */
#pragma GCC diagnostic ignored "-Wpsabi"

typedef double v4d __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));

static inline v4d lr_fma4(v4d a, v4d b, v4d c)
{
    v4d r;
    for (int t = 0; t < 4; t++) r[t] = fma(a[t], b[t], c[t]);
    return r;
}
#define LR_FMA4(a, b, c) lr_fma4((a), (b), (c))

static inline v4d lr_load4_f64(const double *p) { v4d r; memcpy(&r, p, 32); return r; }
static inline v4d lr_load4_f32(const float *p)
{
    v4f r; memcpy(&r, p, 16); return __builtin_convertvector(r, v4d);
}

#define LR_T double
#define LR_FN(name) scalar_lr_f64_##name
#define LR_LOAD4(p) lr_load4_f64(p)
#include "logreg/logreg_rows_tmpl.h"
#undef LR_T
#undef LR_FN
#undef LR_LOAD4

#define LR_T float
#define LR_FN(name) scalar_lr_f32_##name
#define LR_LOAD4(p) lr_load4_f32(p)
#include "logreg/logreg_rows_tmpl.h"

/* This ISA's kernels of the fused regression (the registry's row,
 * src/core/isa.c): the feature loops above, and the rows of a block. */
const bce_lr_kernels bce_lr_kernels_scalar = {
    .dots_f64 = scalar_lr_f64_dots,             .accum_f64 = scalar_lr_f64_accum,
    .dots_f32 = scalar_lr_f32_dots,             .accum_f32 = scalar_lr_f32_accum,
    .dots_fast_f64 = scalar_lr_f64_dots_fast,   .accum_fast_f64 = scalar_lr_f64_accum_fast,
    .dots_fast_f32 = scalar_lr_f32_dots_fast,   .accum_fast_f32 = scalar_lr_f32_accum_fast,
    .block = bce_lr_block_scalar,
    .rows_fast = bce_lr_rows_fast_scalar,
};

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

/* The exported feature loops (src/core/isa.h; the registry's lr kernels). */
void bce_lr_dots_f64_scalar(const double *x, size_t ldx, size_t k, const double *w,
                            const double *v, double w0, double v0, size_t i0, size_t nb,
                            double *zh, double *zl, double *th, double *tl)
{
    scalar_lr_f64_dots(x, ldx, k, w, v, w0, v0, i0, nb, zh, zl, th, tl);
}

void bce_lr_accum_f64_scalar(const double *x, size_t ldx, size_t k, size_t i0, size_t nb,
                             size_t npf, const double *rh, const double *rl, double *S, double *Q)
{
    scalar_lr_f64_accum(x, ldx, k, i0, nb, npf, rh, rl, S, Q);
}

void bce_lr_dots_fast_f64_scalar(const double *x, size_t ldx, size_t k, const double *w,
                                 const double *v, double w0, double v0, size_t i0, size_t nb,
                                 double *zh, double *zl, double *th, double *tl)
{
    scalar_lr_f64_dots_fast(x, ldx, k, w, v, w0, v0, i0, nb, zh, zl, th, tl);
}

void bce_lr_accum_fast_f64_scalar(const double *x, size_t ldx, size_t k, size_t i0, size_t nb,
                                  size_t npf, const double *rh, const double *rl, double *S, double *Q)
{
    scalar_lr_f64_accum_fast(x, ldx, k, i0, nb, npf, rh, rl, S, Q);
}

void bce_lr_dots_f32_scalar(const float *x, size_t ldx, size_t k, const double *w,
                            const double *v, double w0, double v0, size_t i0, size_t nb,
                            double *zh, double *zl, double *th, double *tl)
{
    scalar_lr_f32_dots(x, ldx, k, w, v, w0, v0, i0, nb, zh, zl, th, tl);
}

void bce_lr_accum_f32_scalar(const float *x, size_t ldx, size_t k, size_t i0, size_t nb,
                             size_t npf, const double *rh, const double *rl, double *S, double *Q)
{
    scalar_lr_f32_accum(x, ldx, k, i0, nb, npf, rh, rl, S, Q);
}

void bce_lr_dots_fast_f32_scalar(const float *x, size_t ldx, size_t k, const double *w,
                                 const double *v, double w0, double v0, size_t i0, size_t nb,
                                 double *zh, double *zl, double *th, double *tl)
{
    scalar_lr_f32_dots_fast(x, ldx, k, w, v, w0, v0, i0, nb, zh, zl, th, tl);
}

void bce_lr_accum_fast_f32_scalar(const float *x, size_t ldx, size_t k, size_t i0, size_t nb,
                                  size_t npf, const double *rh, const double *rl, double *S, double *Q)
{
    scalar_lr_f32_accum_fast(x, ldx, k, i0, nb, npf, rh, rl, S, Q);
}

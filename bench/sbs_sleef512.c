/*
 * sbs_sleef512.c -- bce-bench-side-by-side's SLEEF AVX-512 baseline:
 * Debian's libsleef-dev, the 1-ulp (u10) AVX512F functions, 8 doubles or
 * 16 floats per step (compiled with -O3 -mavx512f -mavx512dq; run only when
 * the CPU has AVX512F and DQ).  The same loops as bench/sbs_sleef.c (one
 * exponential per logit, shared by the loss and the gradient), on 512-bit
 * vectors; the last n mod 8 (16) elements go through one more vector step
 * on a padded copy.
 */
#include <immintrin.h>
#include <stddef.h>
#include <string.h>
#include <sleef.h>

static inline void lg64(const double *z, const double *y, double *L, double *G)
{
    __m512d zv = _mm512_loadu_pd(z), yv = _mm512_loadu_pd(y);
    const __m512d zero = _mm512_setzero_pd(), one = _mm512_set1_pd(1.0);
    __m512d a = _mm512_abs_pd(zv);
    __m512d e = Sleef_expd8_u10avx512f(_mm512_sub_pd(zero, a));
    __m512d l = _mm512_add_pd(_mm512_sub_pd(_mm512_max_pd(zv, zero), _mm512_mul_pd(zv, yv)),
                              Sleef_log1pd8_u10avx512f(e));
    __m512d r = _mm512_div_pd(one, _mm512_add_pd(one, e));
    __m512d s = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(zv, zero, _CMP_GE_OQ), _mm512_mul_pd(e, r), r);
    _mm512_storeu_pd(L, l);
    _mm512_storeu_pd(G, _mm512_sub_pd(s, yv));
}

static inline void pr64(const double *p, const double *y, double *L, double *G)
{
    __m512d pv = _mm512_loadu_pd(p), yv = _mm512_loadu_pd(y);
    const __m512d one = _mm512_set1_pd(1.0);
    __m512d q = _mm512_sub_pd(one, pv);
    __m512d l = _mm512_add_pd(_mm512_mul_pd(yv, Sleef_logd8_u10avx512f(pv)),
                              _mm512_mul_pd(_mm512_sub_pd(one, yv),
                                            Sleef_log1pd8_u10avx512f(_mm512_sub_pd(_mm512_setzero_pd(), pv))));
    _mm512_storeu_pd(L, _mm512_sub_pd(_mm512_setzero_pd(), l));
    _mm512_storeu_pd(G, _mm512_div_pd(_mm512_sub_pd(pv, yv), _mm512_mul_pd(pv, q)));
}

static inline void lg32(const float *z, const float *y, float *L, float *G)
{
    __m512 zv = _mm512_loadu_ps(z), yv = _mm512_loadu_ps(y);
    const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
    __m512 a = _mm512_abs_ps(zv);
    __m512 e = Sleef_expf16_u10avx512f(_mm512_sub_ps(zero, a));
    __m512 l = _mm512_add_ps(_mm512_sub_ps(_mm512_max_ps(zv, zero), _mm512_mul_ps(zv, yv)),
                             Sleef_log1pf16_u10avx512f(e));
    __m512 r = _mm512_div_ps(one, _mm512_add_ps(one, e));
    __m512 s = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(zv, zero, _CMP_GE_OQ), _mm512_mul_ps(e, r), r);
    _mm512_storeu_ps(L, l);
    _mm512_storeu_ps(G, _mm512_sub_ps(s, yv));
}

static inline void pr32(const float *p, const float *y, float *L, float *G)
{
    __m512 pv = _mm512_loadu_ps(p), yv = _mm512_loadu_ps(y);
    const __m512 one = _mm512_set1_ps(1.0f);
    __m512 q = _mm512_sub_ps(one, pv);
    __m512 l = _mm512_add_ps(_mm512_mul_ps(yv, Sleef_logf16_u10avx512f(pv)),
                             _mm512_mul_ps(_mm512_sub_ps(one, yv),
                                           Sleef_log1pf16_u10avx512f(_mm512_sub_ps(_mm512_setzero_ps(), pv))));
    _mm512_storeu_ps(L, _mm512_sub_ps(_mm512_setzero_ps(), l));
    _mm512_storeu_ps(G, _mm512_div_ps(_mm512_sub_ps(pv, yv), _mm512_mul_ps(pv, q)));
}

#define LOOP(NAME, T, W, STEP, PAD)                                           \
void NAME(size_t n, const T *x, const T *y, T *L, T *G)                       \
{                                                                             \
    size_t i = 0;                                                             \
    for (; i + W <= n; i += W) STEP(x + i, y + i, L + i, G + i);              \
    if (i < n) {                                                              \
        T bx[W], by[W], bl[W], bg[W];                                         \
        for (size_t l = 0; l < W; l++) { bx[l] = PAD; by[l] = 0; }            \
        memcpy(bx, x + i, (n - i) * sizeof(T));                               \
        memcpy(by, y + i, (n - i) * sizeof(T));                               \
        STEP(bx, by, bl, bg);                                                 \
        memcpy(L + i, bl, (n - i) * sizeof(T));                               \
        memcpy(G + i, bg, (n - i) * sizeof(T));                               \
    }                                                                         \
}
LOOP(sbs_sleef512_logits_f64, double, 8, lg64, 0.5)
LOOP(sbs_sleef512_probs_f64, double, 8, pr64, 0.5)
LOOP(sbs_sleef512_logits_f32, float, 16, lg32, 0.5f)
LOOP(sbs_sleef512_probs_f32, float, 16, pr32, 0.5f)

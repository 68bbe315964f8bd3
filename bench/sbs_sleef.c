/*
 * sbs_sleef.c -- bce-bench-side-by-side's SLEEF baseline: Debian's
 * libsleef-dev, the 1-ulp (u10) AVX2 functions, 4 doubles or 8 floats per
 * step (compiled with -O3 -mavx2 -mfma).  The loop a user would write:
 *   logits: e = exp(-|z|) once; L = max(z,0) - z y + log1p(e);
 *           G = (z >= 0 ? 1/(1+e) : e/(1+e)) - y
 *   probs:  L = -(y log p + (1-y) log1p(-p)),  G = (p - y) / (p (1-p))
 * (one exponential per logit, shared by the loss and the gradient: a
 * stronger baseline than TensorFlow's two).  The last n mod 4 (8) elements
 * go through one more vector step on a zero-padded copy.
 */
#include <immintrin.h>
#include <stddef.h>
#include <string.h>
#include <sleef.h>

static inline void lg64(const double *z, const double *y, double *L, double *G)
{
    __m256d zv = _mm256_loadu_pd(z), yv = _mm256_loadu_pd(y);
    const __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0);
    __m256d a = _mm256_andnot_pd(_mm256_set1_pd(-0.0), zv);
    __m256d e = Sleef_expd4_u10avx2(_mm256_sub_pd(zero, a));
    __m256d l = _mm256_add_pd(_mm256_sub_pd(_mm256_max_pd(zv, zero), _mm256_mul_pd(zv, yv)),
                              Sleef_log1pd4_u10avx2(e));
    __m256d r = _mm256_div_pd(one, _mm256_add_pd(one, e));
    __m256d s = _mm256_blendv_pd(_mm256_mul_pd(e, r), r, _mm256_cmp_pd(zv, zero, _CMP_GE_OQ));
    _mm256_storeu_pd(L, l);
    _mm256_storeu_pd(G, _mm256_sub_pd(s, yv));
}

static inline void pr64(const double *p, const double *y, double *L, double *G)
{
    __m256d pv = _mm256_loadu_pd(p), yv = _mm256_loadu_pd(y);
    const __m256d one = _mm256_set1_pd(1.0);
    __m256d q = _mm256_sub_pd(one, pv);
    __m256d l = _mm256_add_pd(_mm256_mul_pd(yv, Sleef_logd4_u10avx2(pv)),
                              _mm256_mul_pd(_mm256_sub_pd(one, yv),
                                            Sleef_log1pd4_u10avx2(_mm256_sub_pd(_mm256_setzero_pd(), pv))));
    _mm256_storeu_pd(L, _mm256_sub_pd(_mm256_setzero_pd(), l));
    _mm256_storeu_pd(G, _mm256_div_pd(_mm256_sub_pd(pv, yv), _mm256_mul_pd(pv, q)));
}

static inline void lg32(const float *z, const float *y, float *L, float *G)
{
    __m256 zv = _mm256_loadu_ps(z), yv = _mm256_loadu_ps(y);
    const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f);
    __m256 a = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), zv);
    __m256 e = Sleef_expf8_u10avx2(_mm256_sub_ps(zero, a));
    __m256 l = _mm256_add_ps(_mm256_sub_ps(_mm256_max_ps(zv, zero), _mm256_mul_ps(zv, yv)),
                             Sleef_log1pf8_u10avx2(e));
    __m256 r = _mm256_div_ps(one, _mm256_add_ps(one, e));
    __m256 s = _mm256_blendv_ps(_mm256_mul_ps(e, r), r, _mm256_cmp_ps(zv, zero, _CMP_GE_OQ));
    _mm256_storeu_ps(L, l);
    _mm256_storeu_ps(G, _mm256_sub_ps(s, yv));
}

static inline void pr32(const float *p, const float *y, float *L, float *G)
{
    __m256 pv = _mm256_loadu_ps(p), yv = _mm256_loadu_ps(y);
    const __m256 one = _mm256_set1_ps(1.0f);
    __m256 q = _mm256_sub_ps(one, pv);
    __m256 l = _mm256_add_ps(_mm256_mul_ps(yv, Sleef_logf8_u10avx2(pv)),
                             _mm256_mul_ps(_mm256_sub_ps(one, yv),
                                           Sleef_log1pf8_u10avx2(_mm256_sub_ps(_mm256_setzero_ps(), pv))));
    _mm256_storeu_ps(L, _mm256_sub_ps(_mm256_setzero_ps(), l));
    _mm256_storeu_ps(G, _mm256_div_ps(_mm256_sub_ps(pv, yv), _mm256_mul_ps(pv, q)));
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
LOOP(sbs_sleef_logits_f64, double, 4, lg64, 0.5)
LOOP(sbs_sleef_probs_f64, double, 4, pr64, 0.5)
LOOP(sbs_sleef_logits_f32, float, 8, lg32, 0.5f)
LOOP(sbs_sleef_probs_f32, float, 8, pr32, 0.5f)

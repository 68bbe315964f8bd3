/*
 * sbs_libmvec.c -- bce-bench-side-by-side's libmvec baseline: TensorFlow's
 * formula in a plain loop, compiled (bench/meson.build) with gcc -O3
 * -march=native -ffast-math, so that gcc vectorises exp, log, log1p through
 * glibc's libmvec (bits/math-vector.h declares them SIMD only under
 * __FAST_MATH__; about 4 ulp).  The same source compiled without those
 * flags is the libm scalar loop (sbs_libm.c includes this file).
 *   logits: L = max(z,0) - z y + log1p(exp(-|z|)),  G = 1/(1+exp(-z)) - y
 *   probs:  L = -(y log p + (1-y) log1p(-p)),       G = (p - y) / (p (1-p))
 */
#include <math.h>
#include <stddef.h>

#ifndef SBS_NAME
#define SBS_NAME(x) sbs_libmvec_##x
#endif

void SBS_NAME(logits_f64)(size_t n, const double *restrict z, const double *restrict y,
                          double *restrict L, double *restrict G)
{
    for (size_t i = 0; i < n; i++) {
        double zi = z[i], yi = y[i];
        L[i] = fmax(zi, 0.0) - zi * yi + log1p(exp(-fabs(zi)));
        G[i] = 1.0 / (1.0 + exp(-zi)) - yi;
    }
}

void SBS_NAME(logits_f32)(size_t n, const float *restrict z, const float *restrict y,
                          float *restrict L, float *restrict G)
{
    for (size_t i = 0; i < n; i++) {
        float zi = z[i], yi = y[i];
        L[i] = fmaxf(zi, 0.0f) - zi * yi + log1pf(expf(-fabsf(zi)));
        G[i] = 1.0f / (1.0f + expf(-zi)) - yi;
    }
}

void SBS_NAME(probs_f64)(size_t n, const double *restrict p, const double *restrict y,
                         double *restrict L, double *restrict G)
{
    for (size_t i = 0; i < n; i++) {
        double pi = p[i], yi = y[i];
        L[i] = -(yi * log(pi) + (1.0 - yi) * log1p(-pi));
        G[i] = (pi - yi) / (pi * (1.0 - pi));
    }
}

void SBS_NAME(probs_f32)(size_t n, const float *restrict p, const float *restrict y,
                         float *restrict L, float *restrict G)
{
    for (size_t i = 0; i < n; i++) {
        float pi = p[i], yi = y[i];
        L[i] = -(yi * logf(pi) + (1.0f - yi) * log1pf(-pi));
        G[i] = (pi - yi) / (pi * (1.0f - pi));
    }
}

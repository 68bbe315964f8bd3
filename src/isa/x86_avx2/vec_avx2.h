/*
 * vec_avx2.h -- the AVX2+FMA lane type: 4 doubles.  Compiled only in
 * translation units built with -mavx2 -mfma (src/meson.build).  The level-1
 * statements are the scalar kernels' (simd/lanes_tmpl.h); exact products use
 * the hardware FMA, which gives the same exact error terms as the scalar
 * Dekker product: the same bits.
 */
#ifndef BCE_VEC_AVX2_H
#define BCE_VEC_AVX2_H

#include <immintrin.h>
#include <string.h>
#include "core/isa.h"
#include "core/dd.h"
#include "tables/tables.h"

typedef double v4d __attribute__((vector_size(32)));
typedef int64_t v4i __attribute__((vector_size(32)));
typedef uint64_t v4u __attribute__((vector_size(32)));
typedef struct { v4d hi, lo; } v4dd;

static inline int v4_all(v4i m) { return _mm256_movemask_pd((__m256d)m) == 0xf; }

#define VW 4
#define VD v4d
#define VI v4i
#define VU v4u
#define VDD v4dd
#define VFN(name) v4_##name
#define VEL(name) v4_el_##name
#define VALL(m) v4_all(m)
#define VLOOKUP(tab, idx, col) \
    ((v4d){ (tab)[(idx)[0]][col], (tab)[(idx)[1]][col], (tab)[(idx)[2]][col], (tab)[(idx)[3]][col] })
#define VLOOKUP1(tab, idx) ((v4d){ (tab)[(idx)[0]], (tab)[(idx)[1]], (tab)[(idx)[2]], (tab)[(idx)[3]] })
/* (tab)[idx][0] and (tab)[idx][1] per lane, for rows of 3 doubles: one
 * 16-byte load per lane and a 4x2 transpose (level 0's tables) */
static inline void v4_lookup2(const double (*tab)[3], v4i idx, v4d *c0, v4d *c1)
{
    __m128d r0 = _mm_loadu_pd(tab[idx[0]]), r1 = _mm_loadu_pd(tab[idx[1]]);
    __m128d r2 = _mm_loadu_pd(tab[idx[2]]), r3 = _mm_loadu_pd(tab[idx[3]]);
    __m256d A = _mm256_insertf128_pd(_mm256_castpd128_pd256(r0), r2, 1);
    __m256d B = _mm256_insertf128_pd(_mm256_castpd128_pd256(r1), r3, 1);
    *c0 = (v4d)_mm256_unpacklo_pd(A, B);
    *c1 = (v4d)_mm256_unpackhi_pd(A, B);
}
#define VLOOKUP2(tab, idx, c0, c1) v4_lookup2((tab), (idx), (c0), (c1))
#define VDD_FMA(a, b, c) ((v4d)_mm256_fmadd_pd((__m256d)(a), (__m256d)(b), (__m256d)(c)))
/* a where s's sign bit is set, else b (the f32 level 1, level0/f32_tmpl.h) */
#define EL_SIGNSEL(s, a, b) ((v4d)_mm256_blendv_pd((__m256d)(b), (__m256d)(a), (__m256d)(s)))
#include "simd/lanes_tmpl.h"

/* loads and stores of VW elements (unaligned) */
static inline v4d v4_load_f64(const double *p) { v4d v; memcpy(&v, p, sizeof v); return v; }
static inline v4d v4_load_f32(const float *p)
{
    return (v4d)_mm256_cvtps_pd(_mm_loadu_ps(p));   /* exact widening */
}
static inline void v4_store_f64(double *p, v4d v) { memcpy(p, &v, sizeof v); }
static inline void v4_store_f32(float *p, v4d v)
{
    typedef float v4f __attribute__((vector_size(16)));
    v4f f = __builtin_convertvector(v, v4f);        /* RN, as the scalar (float) */
    memcpy(p, &f, sizeof f);
}

#endif

/*
 * vec_avx512.h -- the AVX-512 lane type: 8 doubles.  Compiled only in
 * translation units built with -mavx512f -mavx512vl -mavx512dq -mavx512bw
 * -mfma -mf16c (src/meson.build).  The level-1 statements are the scalar
 * kernels' (simd/lanes_tmpl.h), as on AVX2 (isa/x86_avx2/vec_avx2.h) but on
 * 8 lanes; exact products use the hardware FMA, which gives the same exact
 * error terms as the scalar Dekker product: the same bits.  AVX-512 enters
 * only where the value is the same by construction: mask registers for the
 * lane tests (VALL) and selects, and permutes/loads for the table look-ups.
 */
#ifndef BCE_VEC_AVX512_H
#define BCE_VEC_AVX512_H

#include <immintrin.h>
#include <string.h>
#include "core/isa.h"
#include "core/dd.h"
#include "tables/tables.h"

typedef double v8d __attribute__((vector_size(64)));
typedef int64_t v8i __attribute__((vector_size(64)));
typedef uint64_t v8u __attribute__((vector_size(64)));
typedef struct { v8d hi, lo; } v8dd;

/* every lane of the mask m (all-ones or zero per lane) set: its sign bits
 * into a mask register (AVX512DQ vpmovq2m) */
static inline int v8_all(v8i m) { return _mm512_movepi64_mask((__m512i)m) == 0xff; }

#define VW 8
#define VD v8d
#define VI v8i
#define VU v8u
#define VDD v8dd
#define VFN(name) v8_##name
#define VEL(name) v8_el_##name
#define VALL(m) v8_all(m)
/* Table look-ups: one scalar load per lane, as on AVX2.  Measured with
 * bce-bench-ab (n = 4096, f64, Zen 4): vgatherqpd for both level-0
 * look-ups took 1.12-1.16x the time, for VLOOKUP1 alone 1.01-1.06x; the
 * tables have 128 and 256 rows, too many for in-register permutes
 * (vpermt2pd holds 16 doubles).  Every way loads the same doubles. */
#define VLOOKUP(tab, idx, col) \
    ((v8d){ (tab)[(idx)[0]][col], (tab)[(idx)[1]][col], (tab)[(idx)[2]][col], (tab)[(idx)[3]][col], \
            (tab)[(idx)[4]][col], (tab)[(idx)[5]][col], (tab)[(idx)[6]][col], (tab)[(idx)[7]][col] })
#define VLOOKUP1(tab, idx) \
    ((v8d){ (tab)[(idx)[0]], (tab)[(idx)[1]], (tab)[(idx)[2]], (tab)[(idx)[3]], \
            (tab)[(idx)[4]], (tab)[(idx)[5]], (tab)[(idx)[6]], (tab)[(idx)[7]] })
/* (tab)[idx][0] and (tab)[idx][1] per lane, for rows of 3 doubles: one
 * 16-byte load per lane, four per 512-bit register, and an unpack (level
 * 0's tables) */
static inline void v8_lookup2(const double (*tab)[3], v8i idx, v8d *c0, v8d *c1)
{
    __m512d A = _mm512_castpd128_pd512(_mm_loadu_pd(tab[idx[0]]));
    __m512d B = _mm512_castpd128_pd512(_mm_loadu_pd(tab[idx[1]]));
    A = _mm512_insertf64x2(A, _mm_loadu_pd(tab[idx[2]]), 1);
    B = _mm512_insertf64x2(B, _mm_loadu_pd(tab[idx[3]]), 1);
    A = _mm512_insertf64x2(A, _mm_loadu_pd(tab[idx[4]]), 2);
    B = _mm512_insertf64x2(B, _mm_loadu_pd(tab[idx[5]]), 2);
    A = _mm512_insertf64x2(A, _mm_loadu_pd(tab[idx[6]]), 3);
    B = _mm512_insertf64x2(B, _mm_loadu_pd(tab[idx[7]]), 3);
    /* A = (r0, r2, r4, r6), B = (r1, r3, r5, r7) as 128-bit pairs: the
     * unpacks give (r0[0], r1[0], r2[0], r3[0], ...) in lane order */
    *c0 = (v8d)_mm512_unpacklo_pd(A, B);
    *c1 = (v8d)_mm512_unpackhi_pd(A, B);
}
#define VLOOKUP2(tab, idx, c0, c1) v8_lookup2((tab), (idx), (c0), (c1))
#define VDD_FMA(a, b, c) ((v8d)_mm512_fmadd_pd((__m512d)(a), (__m512d)(b), (__m512d)(c)))
/* a where s's sign bit is set, else b (the f32 level 1, level0/f32_tmpl.h) */
#define EL_SIGNSEL(s, a, b) \
    ((v8d)_mm512_mask_blend_pd(_mm512_movepi64_mask((__m512i)(s)), (__m512d)(b), (__m512d)(a)))
#include "simd/lanes_tmpl.h"

/* loads and stores of VW elements (unaligned) */
static inline v8d v8_load_f64(const double *p) { v8d v; memcpy(&v, p, sizeof v); return v; }
static inline v8d v8_load_f32(const float *p)
{
    return (v8d)_mm512_cvtps_pd(_mm256_loadu_ps(p));   /* exact widening */
}
static inline void v8_store_f64(double *p, v8d v) { memcpy(p, &v, sizeof v); }
static inline void v8_store_f32(float *p, v8d v)
{
    typedef float v8f __attribute__((vector_size(32)));
    v8f f = __builtin_convertvector(v, v8f);        /* RN, as the scalar (float) */
    memcpy(p, &f, sizeof f);
}

#endif

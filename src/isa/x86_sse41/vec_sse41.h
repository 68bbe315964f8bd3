/*
 * vec_sse41.h -- the SSE4.1 lane type: 2 doubles.  Compiled only in
 * translation units built with -msse4.1 (src/meson.build).  The level-1
 * statements are the scalar kernels' (simd/lanes_tmpl.h); no FMA on this ISA:
 * exact products use Dekker's product, exactly as the scalar kernels do.
 */
#ifndef BCE_VEC_SSE41_H
#define BCE_VEC_SSE41_H

#include <smmintrin.h>
#include <string.h>
#include "core/isa.h"
#include "core/dd.h"
#include "tables/tables.h"

typedef double v2d __attribute__((vector_size(16)));
typedef int64_t v2i __attribute__((vector_size(16)));
typedef uint64_t v2u __attribute__((vector_size(16)));
typedef struct { v2d hi, lo; } v2dd;

static inline int v2_all(v2i m) { return _mm_movemask_pd((__m128d)m) == 0x3; }

#define VW 2
#define VD v2d
#define VI v2i
#define VU v2u
#define VDD v2dd
#define VFN(name) v2_##name
#define VEL(name) v2_el_##name
#define VALL(m) v2_all(m)
#define VLOOKUP(tab, idx, col) ((v2d){ (tab)[(idx)[0]][col], (tab)[(idx)[1]][col] })
#define VLOOKUP1(tab, idx) ((v2d){ (tab)[(idx)[0]], (tab)[(idx)[1]] })
#include "simd/lanes_tmpl.h"

/* loads and stores of VW elements (unaligned) */
static inline v2d v2_load_f64(const double *p) { v2d v; memcpy(&v, p, sizeof v); return v; }
static inline v2d v2_load_f32(const float *p)
{
    float t[4] = { p[0], p[1], 0.0f, 0.0f };
    return (v2d)_mm_cvtps_pd(_mm_loadu_ps(t));      /* exact widening */
}
static inline void v2_store_f64(double *p, v2d v) { memcpy(p, &v, sizeof v); }
static inline void v2_store_f32(float *p, v2d v)
{
    typedef float v2f __attribute__((vector_size(8)));
    v2f f = __builtin_convertvector(v, v2f);        /* RN, as the scalar (float) */
    memcpy(p, &f, sizeof f);
}

#endif

/*
 * vec_neon.h -- the AArch64 AdvSIMD ("neon") lane type: 2 doubles.  AdvSIMD
 * is part of the AArch64 baseline: the units need no extra flags
 * (src/meson.build builds them when the host is aarch64).  The level-1
 * statements are the scalar kernels' (simd/lanes_tmpl.h); exact products use
 * the hardware FMA (FMLA), which gives the same exact error terms as the
 * scalar Dekker product: the same bits.  The FMA also opens level 0 (the
 * double-only level, src/level0) to the f64 kernel units; the float
 * outputs' level 0 loop (isa/x86_avx2/loop_f32.h) is AVX2 code and is not
 * used here: the f32 units take level 1 and its float rounding test.
 */
#ifndef BCE_VEC_NEON_H
#define BCE_VEC_NEON_H

#include <arm_neon.h>
#include <string.h>
#include "core/isa.h"
#include "core/dd.h"
#include "tables/tables.h"

typedef double n2d __attribute__((vector_size(16)));
typedef int64_t n2i __attribute__((vector_size(16)));
typedef uint64_t n2u __attribute__((vector_size(16)));
typedef struct { n2d hi, lo; } n2dd;

/* every lane of mask m set (lanes are all ones or all zeros) */
static inline int n2_all(n2i m)
{
    return vminvq_u32(vreinterpretq_u32_s64((int64x2_t)m)) == 0xffffffffu;
}

#define VW 2
#define VD n2d
#define VI n2i
#define VU n2u
#define VDD n2dd
#define VFN(name) n2_##name
#define VEL(name) n2_el_##name
#define VALL(m) n2_all(m)
#define VLOOKUP(tab, idx, col) ((n2d){ (tab)[(idx)[0]][col], (tab)[(idx)[1]][col] })
#define VLOOKUP1(tab, idx) ((n2d){ (tab)[(idx)[0]], (tab)[(idx)[1]] })
/* (tab)[idx][0] and (tab)[idx][1] per lane, for rows of 3 doubles: one
 * 16-byte load per lane and a 2x2 transpose (level 0's tables) */
static inline void n2_lookup2(const double (*tab)[3], n2i idx, n2d *c0, n2d *c1)
{
    float64x2_t r0 = vld1q_f64(tab[idx[0]]), r1 = vld1q_f64(tab[idx[1]]);
    *c0 = (n2d)vzip1q_f64(r0, r1);
    *c1 = (n2d)vzip2q_f64(r0, r1);
}
#define VLOOKUP2(tab, idx, c0, c1) n2_lookup2((tab), (idx), (c0), (c1))
/* the fused multiply-add a b + c, one rounding */
#define VDD_FMA(a, b, c) \
    ((n2d)vfmaq_f64((float64x2_t)(c), (float64x2_t)(a), (float64x2_t)(b)))
#include "simd/lanes_tmpl.h"

/* loads and stores of VW elements (unaligned) */
static inline n2d n2_load_f64(const double *p) { return (n2d)vld1q_f64(p); }
static inline n2d n2_load_f32(const float *p)
{
    return (n2d)vcvt_f64_f32(vld1_f32(p));          /* exact widening */
}
static inline void n2_store_f64(double *p, n2d v) { vst1q_f64(p, (float64x2_t)v); }
static inline void n2_store_f32(float *p, n2d v)
{
    /* FCVTN rounds by FPCR's mode: to nearest, as the scalar (float) */
    vst1_f32(p, vcvt_f32_f64((float64x2_t)v));
}

#endif

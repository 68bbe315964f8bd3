/*
 * vec_avx2.h -- the AVX2+FMA instantiation of the generic level-1 code
 * (dd_tmpl.h, elem_tmpl.h, logits_hot_tmpl.h) on 4 double lanes, with GCC
 * vector extensions.  Compiled only in translation units built with
 * -mavx2 -mfma (src/meson.build).  The statements are those of the scalar
 * kernels; exact products use the hardware FMA, which gives the same exact
 * error terms as the scalar Dekker product: the same bits.
 * Table lookups are one scalar load per lane (no gathers: vgatherqpd is
 * slower than separate loads on this class of CPU).
 */
#ifndef BCE_VEC_AVX2_H
#define BCE_VEC_AVX2_H

#include <immintrin.h>
#include <string.h>
#include "kernels.h"
#include "scalar/elem_f64.h"

typedef double v4d __attribute__((vector_size(32)));
typedef int64_t v4i __attribute__((vector_size(32)));
typedef uint64_t v4u __attribute__((vector_size(32)));
typedef struct { v4d hi, lo; } v4dd;

static inline v4dd v4_make(v4d h, v4d l) { v4dd r; r.hi = h; r.lo = l; return r; }
static inline v4d v4_splat(double c) { v4d r = { c, c, c, c }; return r; }

#define DD_V v4d
#define DD_T v4dd
#define DD_MAKE(h, l) v4_make((h), (l))
#define DD_FN(name) v4_##name
#define DD_FMA(a, b, c) ((v4d)_mm256_fmadd_pd((__m256d)(a), (__m256d)(b), (__m256d)(c)))
#include "dd_tmpl.h"
#undef DD_V
#undef DD_T
#undef DD_MAKE
#undef DD_FN
#undef DD_FMA

#define EL_V v4d
#define EL_I v4i
#define EL_DD v4dd
#define EL_DDFN(name) v4_##name
#define EL_FN(name) v4_el_##name
#define EL_ASI(v) ((v4i)(v))
#define EL_ASD(i) ((v4d)(i))
/* int64 -> double without AVX-512: for |i| < 2^51, the double with bits
 * bits(1.5 2^52) + i is 1.5 2^52 + i exactly; subtracting 1.5 2^52 is exact. */
#define EL_I2D(i) (((v4d)((i) + (int64_t)0x4338000000000000)) - 0x1.8p52)
/* shifts: logical shifts are native; the arithmetic ones needed here act on
 * values of known range (a 12-bit field, or |k| < 2^30), so sign extension
 * by xor/subtract, or an offset, gives the arithmetic result */
#define EL_SRL(i, n) ((v4i)(((v4u)(i)) >> (n)))
#define EL_SRA(i, n) ((n) == 52 ? ((EL_SRL((i), 52) ^ 0x800) - 0x800) \
                               : (EL_SRL((i) + ((int64_t)1 << 40), (n)) - ((int64_t)1 << (40 - (n)))))
#define EL_LOOKUP(tab, idx, col) \
    ((v4d){ (tab)[(idx)[0]][col], (tab)[(idx)[1]][col], (tab)[(idx)[2]][col], (tab)[(idx)[3]][col] })
#define EL_LOOKUP1(tab, idx) \
    ((v4d){ (tab)[(idx)[0]], (tab)[(idx)[1]], (tab)[(idx)[2]], (tab)[(idx)[3]] })
#define EL_SPLAT(c) v4_splat(c)
#define EL_M v4i
#define EL_SEL(m, a, b) ((v4d)(((m) & (v4i)(a)) | (~(m) & (v4i)(b))))
#define EL_ABS(x) ((v4d)((v4i)(x) & 0x7fffffffffffffffLL))
#include "scalar/elem_tmpl.h"
#include "scalar/logits_hot_tmpl.h"

static inline int v4_all(v4i m)
{
    return _mm256_movemask_pd((__m256d)m) == 0xf;
}

/* for src/x86/simd_logits_loop.h */
#define VW 4
#define VD v4d
#define VI v4i
#define VDD v4dd
#define VFN(name) v4_##name
#define VEL(name) v4_el_##name
#define VSPLAT(c) v4_splat(c)
#define VALL(m) v4_all(m)

#endif

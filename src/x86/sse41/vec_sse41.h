/*
 * vec_sse41.h -- the SSE4.1 instantiation of the generic level-1 code
 * (dd_tmpl.h, elem_tmpl.h, logits_hot_tmpl.h) on 2 double lanes, with GCC
 * vector extensions.  Compiled only in translation units built with
 * -msse4.1 (src/meson.build).  No FMA on this ISA: exact products use
 * Dekker's product, exactly as the scalar kernels do, so the bits are the
 * scalar kernels' bits.  Table lookups: one scalar load per lane.
 */
#ifndef BCE_VEC_SSE41_H
#define BCE_VEC_SSE41_H

#include <smmintrin.h>
#include <string.h>
#include "kernels.h"
#include "scalar/elem_f64.h"

typedef double v2d __attribute__((vector_size(16)));
typedef int64_t v2i __attribute__((vector_size(16)));
typedef uint64_t v2u __attribute__((vector_size(16)));
typedef struct { v2d hi, lo; } v2dd;

static inline v2dd v2_make(v2d h, v2d l) { v2dd r; r.hi = h; r.lo = l; return r; }
static inline v2d v2_splat(double c) { v2d r = { c, c }; return r; }

#define DD_V v2d
#define DD_T v2dd
#define DD_MAKE(h, l) v2_make((h), (l))
#define DD_FN(name) v2_##name
#include "dd_tmpl.h"
#undef DD_V
#undef DD_T
#undef DD_MAKE
#undef DD_FN

#define EL_V v2d
#define EL_I v2i
#define EL_DD v2dd
#define EL_DDFN(name) v2_##name
#define EL_FN(name) v2_el_##name
#define EL_ASI(v) ((v2i)(v))
#define EL_ASD(i) ((v2d)(i))
/* int64 -> double without AVX-512: for |i| < 2^51, the double with bits
 * bits(1.5 2^52) + i is 1.5 2^52 + i exactly; subtracting 1.5 2^52 is exact. */
#define EL_I2D(i) (((v2d)((i) + (int64_t)0x4338000000000000)) - 0x1.8p52)
/* shifts: logical shifts are native; the arithmetic ones needed here act on
 * values of known range (a 12-bit field, or |k| < 2^30), so sign extension
 * by xor/subtract, or an offset, gives the arithmetic result */
#define EL_SRL(i, n) ((v2i)(((v2u)(i)) >> (n)))
#define EL_SRA(i, n) ((n) == 52 ? ((EL_SRL((i), 52) ^ 0x800) - 0x800) \
                               : (EL_SRL((i) + ((int64_t)1 << 40), (n)) - ((int64_t)1 << (40 - (n)))))
#define EL_LOOKUP(tab, idx, col) ((v2d){ (tab)[(idx)[0]][col], (tab)[(idx)[1]][col] })
#define EL_LOOKUP1(tab, idx) ((v2d){ (tab)[(idx)[0]], (tab)[(idx)[1]] })
#define EL_SPLAT(c) v2_splat(c)
#define EL_M v2i
#define EL_SEL(m, a, b) ((v2d)(((m) & (v2i)(a)) | (~(m) & (v2i)(b))))
#define EL_ABS(x) ((v2d)((v2i)(x) & 0x7fffffffffffffffLL))
#include "scalar/elem_tmpl.h"
#include "scalar/logits_hot_tmpl.h"

static inline int v2_all(v2i m)
{
    return _mm_movemask_pd((__m128d)m) == 0x3;
}

/* for src/x86/simd_logits_loop.h */
#define VW 2
#define VD v2d
#define VI v2i
#define VDD v2dd
#define VFN(name) v2_##name
#define VEL(name) v2_el_##name
#define VSPLAT(c) v2_splat(c)
#define VALL(m) v2_all(m)

#endif

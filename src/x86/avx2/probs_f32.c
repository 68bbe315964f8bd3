/*
 * probs_f32.c (AVX2+FMA) -- the probs f32 kernel, 4 samples widened to
 * double lanes.  Same algorithm, statements and bounds as
 * src/scalar/probs_f32.c; bit-identical results (tests/test_isa.c).
 */
#include "x86/avx2/vec_avx2.h"

#define PFX(name) avx2_probs_f32_##name
#include "scalar/probs_f32_inst.h"
#include "scalar/kernel_loop.h"

static inline v4d load4(const float *p)
{
    return (v4d)_mm256_cvtps_pd(_mm_loadu_ps(p));   /* exact widening */
}
#define LOADV(p) load4(p)
typedef float vf_t __attribute__((vector_size(16)));
static inline void storevf(float *p, VD v)
{
    vf_t f = __builtin_convertvector(v, vf_t);     /* RN, as the scalar (float) */
    memcpy(p, &f, sizeof f);
}
#define STOREVF(p, v) storevf((p), (v))
#define KERNEL_NAME bce_probs_f32_avx2
/* the probability form's vector path: plain labels, no clamp,
 * 2^-800 <= p < 1, y = 0 or y >= 2^-900 (the scalar common case) */
#define VUSABLE(kp) ((kp)->plain && !((kp)->flags & BCE_OPT_LOG_CLAMP))
#define VHOT(x, y) ((x >= 0x1p-800) & (x < 1.0) & ((y == 0.0) | (y >= 0x1p-900)))
#define VEVAL(x, y, kp, Lv, Lerr, Gv, Gerr) \
    VEL(probs_normal)((x), (y), (kp)->want_loss, (kp)->want_grad, (Lv), (Lerr), (Gv), (Gerr))
#include "x86/simd_loop.h"

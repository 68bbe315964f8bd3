/*
 * logits_f32.c (AVX2+FMA) -- the logits f32 kernel, 4 samples widened to
 * double lanes.  Same algorithm, statements and bounds as
 * src/scalar/logits_f32.c; bit-identical results (tests/test_isa.c).
 */
#include "x86/avx2/vec_avx2.h"

#define PFX(name) avx2_logits_f32_##name
#include "scalar/logits_f32_inst.h"
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
#define KERNEL_NAME bce_logits_f32_avx2
/* the logits form's vector path: plain labels, 2^-900 <= |z| <= 600
 * (then e^-|z| >= 2^-866: the scalar normal path, E >= -900) */
#define VUSABLE(kp) ((kp)->plain)
#define VHOT(x, y) ((EL_ABS(x) >= 0x1p-900) & (EL_ABS(x) <= 600.0))
static inline void veval(VD z, VD y, const bce_kparams *kp, VDD *Lv, VD *Lerr,
                         VDD *Gv, VD *Gerr)
{
    const VD one = VSPLAT(1.0), zero = VSPLAT(0.0);
    VD az = EL_ABS(z);
    VI pos = z > 0.0;
    VI E;
    VDD m = VEL(exp_scaled)(-az, &E);
    VDD alpha = VFN(make)(y, zero);
    VDD beta = VFN(two_sum)(one, -y);                 /* exact */
    VDD C = VEL(sel_dd)(pos, beta, alpha);
    VEL(logits_normal)(az, pos, m, E, C, VFN(make)(one, zero), 1, zero,
                       kp->want_loss, kp->want_grad, Lv, Lerr, Gv, Gerr);
}
#define VEVAL(x, y, kp, Lv, Lerr, Gv, Gerr) veval((x), (y), (kp), (Lv), (Lerr), (Gv), (Gerr))
#include "x86/simd_loop.h"

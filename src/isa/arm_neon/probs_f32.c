/*
 * isa/arm_neon/probs_f32.c -- the probability kernel, f32, on
 * 2 lanes (AArch64 AdvSIMD, FMA): the algorithm every ISA shares (src/level1,
 * src/level0, src/simd/loop_tmpl.h) instantiated on this ISA's lanes (f32
 * samples are widened exactly to double lanes).  Level 1 only: the float
 * outputs' level 0 loop is AVX2 code (isa/x86_avx2/loop_f32.h).
 * Results are the scalar kernel's bits (tests/test_isa.c,
 * tests/isa_bits.c); bounds: src/isa/scalar/probs_f32.c, docs/ACCURACY.md.
 */
#include "isa/arm_neon/vec_neon.h"      /* the lanes: 2 doubles, FMA */
#include "level1/probs_hot_tmpl.h"      /* level 1 of the probs form on them */

#define PFX(name) neon_probs_f32_##name
#include "level1/form_probs_f32.h"      /* the probs form in f32 */
#include "level1/sample_tmpl.h"         /* the per-sample code (tails, cold lanes) */

#define LOADV(p) n2_load_f32(p)
#define STOREVF(p, v) n2_store_f32((p), (v))
#include "simd/form_probs.h"            /* the hot lanes and their level-1 evaluation */
#include "simd/loop_tmpl.h"             /* the vector loop: neon_probs_f32_loop */

void bce_probs_f32_neon(size_t n, const float *x, const float *y, const float *w,
                        const bce_kparams *kp, float *loss, float *grad, bce_acc *acc)
{
    neon_probs_f32_loop(n, x, y, w, kp, loss, grad, acc);
}

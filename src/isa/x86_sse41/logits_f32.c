/*
 * isa/x86_sse41/logits_f32.c -- the logits kernel, f32, on
 * 2 lanes (SSE4.1, no FMA): the algorithm every ISA shares (src/level1, src/level0,
 * src/simd/loop_tmpl.h) instantiated on this ISA's lanes (f32 samples are
 * widened exactly to double lanes).
 * Results are the scalar kernel's bits (tests/test_isa.c,
 * tests/isa_bits.c); bounds: src/isa/scalar/logits_f32.c, docs/ACCURACY.md.
 */
#include "isa/x86_sse41/vec_sse41.h"    /* the lanes: 2 doubles, no FMA */
#include "level1/logits_hot_tmpl.h"     /* level 1 of the logits form on them */

#define PFX(name) sse41_logits_f32_##name
#include "level1/form_logits_f32.h"     /* the logits form in f32 */
#include "level1/sample_tmpl.h"         /* the per-sample code (tails, cold lanes) */

#define LOADV(p) v2_load_f32(p)
#define STOREVF(p, v) v2_store_f32((p), (v))
#include "simd/form_logits.h"           /* the hot lanes and their level-1 evaluation */
#include "simd/loop_tmpl.h"             /* the vector loop: sse41_logits_f32_loop */

void bce_logits_f32_sse41(size_t n, const float *x, const float *y, const float *w,
                          const bce_kparams *kp, float *loss, float *grad, bce_acc *acc)
{
    sse41_logits_f32_loop(n, x, y, w, kp, loss, grad, acc);
}

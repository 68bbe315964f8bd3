/*
 * isa/x86_avx512/logits_f32.c -- the logits kernel, f32, on
 * 8 lanes (AVX-512): the algorithm every ISA shares (src/level1, src/level0,
 * src/simd/loop_tmpl.h) instantiated on this ISA's lanes (f32 samples are
 * widened exactly to double lanes).
 * Calls without weights, reduction or factor: the float outputs' level 0
 * on 8 floats at a time first (isa/x86_avx2/loop_f32.h, shared with avx2).
 * Results are the scalar kernel's bits (tests/test_isa.c,
 * tests/isa_bits.c); bounds: src/isa/scalar/logits_f32.c, docs/ACCURACY.md.
 */
#include "isa/x86_avx512/vec_avx512.h"  /* the lanes: 8 doubles, FMA */
#include "level1/logits_hot_tmpl.h"     /* level 1 of the logits form on them */
#include "level0/f32_coef.h"
#include "level0/f32_tmpl.h"            /* the float outputs' level 0 (f32v) */
#include "level0/elem_tmpl.h"           /* the f64 level 0 and the form's level-0 */
#include "level0/logits_tmpl.h"         /* definitions (WITH_LEVEL0: simd/form_*.h) */
#define WITH_LEVEL0 1

#define PFX(name) avx512_logits_f32_##name
#include "level1/form_logits_f32.h"     /* the logits form in f32 */
#include "level1/sample_tmpl.h"         /* the per-sample code (tails, cold lanes) */

#define LOADV(p) v8_load_f32(p)
#define STOREVF(p, v) v8_store_f32((p), (v))
#include "simd/form_logits.h"           /* the hot lanes and their level-1 evaluation */

#include "isa/x86_avx2/f32v_form_logits.h"  /* the form's hooks for the float loop */
#include "simd/loop_tmpl.h"             /* the vector loop: avx512_logits_f32_loop */
#include "isa/x86_avx2/loop_f32.h"      /* its loop (shared with avx2, VW = 8): avx512_logits_f32_f32v_run */

#ifndef BCE_F32LAB_UNIT   /* (the unit again for label calls: *_f32_lab.c) */
void bce_logits_f32_avx512(size_t n, const float *x, const float *y, const float *w,
                           const bce_kparams *kp, float *loss, float *grad, bce_acc *acc)
{
    avx512_logits_f32_loop(n, x, y, w, kp, loss, grad, acc);
}
#endif

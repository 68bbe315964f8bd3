/*
 * isa/x86_avx2/logits_f64.c -- the logits kernel, f64, on
 * 4 lanes (AVX2+FMA): the algorithm every ISA shares (src/level1, src/level0,
 * src/simd/loop_tmpl.h) instantiated on this ISA's lanes.
 * Level 0 (double-only, FMA) first, then level 1 on lanes it cannot decide.
 * Results are the scalar kernel's bits (tests/test_isa.c,
 * tests/isa_bits.c); bounds: src/isa/scalar/logits_f64.c, docs/ACCURACY.md.
 */
#include "isa/x86_avx2/vec_avx2.h"      /* the lanes: 4 doubles, FMA */
#include "level1/logits_hot_tmpl.h"     /* level 1 of the logits form on them */
#include "level0/elem_tmpl.h"           /* level 0 (double-only): its functions */
#include "level0/logits_tmpl.h"         /* level 0 of the logits form */
#define WITH_LEVEL0 1
#define WITH_LEVEL0_STAGED 1             /* in stages: simd/loop0_staged_tmpl.h */

#define PFX(name) avx2_logits_f64_##name
#include "level1/form_logits_f64.h"     /* the logits form in f64 */
#include "level1/sample_tmpl.h"         /* the per-sample code (tails, cold lanes) */

#define LOADV(p) v4_load_f64(p)
#define STOREV(p, v) v4_store_f64((p), (v))
#include "simd/form_logits.h"           /* the hot lanes and their level-1 evaluation */
#include "simd/loop_tmpl.h"             /* the vector loop: avx2_logits_f64_loop */

#ifndef BCE_L0RED_UNIT   /* (the unit again for kp->l0red calls: *_l0red.c) */
void bce_logits_f64_avx2(size_t n, const double *x, const double *y, const double *w,
                         const bce_kparams *kp, double *loss, double *grad, bce_acc *acc)
{
    avx2_logits_f64_loop(n, x, y, w, kp, loss, grad, acc);
}
#endif

/*
 * isa/x86_avx512/probs_f64.c -- the probability kernel, f64, on
 * 8 lanes (AVX-512): the algorithm every ISA shares (src/level1, src/level0,
 * src/simd/loop_tmpl.h) instantiated on this ISA's lanes.
 * Level 0 (double-only, FMA) first, then level 1 on lanes it cannot decide.
 * Results are the scalar kernel's bits (tests/test_isa.c,
 * tests/isa_bits.c); bounds: src/isa/scalar/probs_f64.c, docs/ACCURACY.md.
 */
#include "isa/x86_avx512/vec_avx512.h"  /* the lanes: 8 doubles, FMA */
#include "level1/probs_hot_tmpl.h"      /* level 1 of the probs form on them */
#include "level0/elem_tmpl.h"           /* level 0 (double-only): its functions */
#include "level0/probs_tmpl.h"          /* level 0 of the probs form */
#define WITH_LEVEL0 1
#define WITH_LEVEL0_STAGED 1             /* in stages: simd/loop0_staged_tmpl.h */
/* blocks of 8 groups of 8 (64 samples, the AVX2 row's block): against 16,
 * bce-bench-ab (load ~14) n = 100 1.16-1.28x, 200 1.09-1.19x, 1000
 * 1.04x, 4096 0.98-1.02x (hard / soft labels); the logits kernel keeps
 * 16 (at 4096: 0.93-0.97x with 8) */
#define L0_BG 8

#define PFX(name) avx512_probs_f64_##name
#include "level1/form_probs_f64.h"      /* the probs form in f64 */
#include "level1/sample_tmpl.h"         /* the per-sample code (tails, cold lanes) */

#define LOADV(p) v8_load_f64(p)
#define STOREV(p, v) v8_store_f64((p), (v))
#include "simd/form_probs.h"            /* the hot lanes and their level-1 evaluation */
#include "simd/loop_tmpl.h"             /* the vector loop: avx512_probs_f64_loop */

#ifndef BCE_L0RED_UNIT   /* (the unit again for kp->l0red calls: *_l0red.c) */
void bce_probs_f64_avx512(size_t n, const double *x, const double *y, const double *w,
                          const bce_kparams *kp, double *loss, double *grad, bce_acc *acc)
{
    avx512_probs_f64_loop(n, x, y, w, kp, loss, grad, acc);
}
#endif

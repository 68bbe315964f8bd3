/*
 * isa/x86_avx2/logits_f64_l0red.c -- the same kernel unit (logits_f64.c) again, for the
 * kp->l0red calls (weights, a reduction, gscale) of at least one block:
 * PFX(loop_red), level 0 in stages with LEVEL0_BODY's statements
 * (simd/loop0_staged_tmpl.h, PFX(l0_runr)), then the rest through this
 * unit's copy of PFX(loop_main).  A unit of its own, so that the kernel
 * unit's code for the other calls is compiled as it was without it
 * (simd/loop_tmpl.h, PFX(loop_red)).
 */
#define BCE_L0RED_UNIT 1
#include "isa/x86_avx2/logits_f64.c"

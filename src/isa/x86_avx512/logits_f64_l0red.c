/*
 * isa/x86_avx512/logits_f64_l0red.c -- the kernel unit logits_f64.c again,
 * for the kp->l0red calls (weights, a reduction, gscale) of at least one
 * block: level 0 in stages with LEVEL0_BODY's statements
 * (simd/loop0_staged_tmpl.h, PFX(l0_runr); simd/loop_tmpl.h,
 * PFX(loop_red)), the rest through bce_logits_f64_avx512.  Its own unit,
 * linked after the other kernels (src/meson.build), so that the code of
 * the other calls is compiled and placed as it was (simd/loop_tmpl.h,
 * PFX(loop_red)).  bce_logits_f64_avx512_l0red is the registry's kernel
 * (core/isa.c).
 * Bounds and bits: those of the unit it includes (isa/x86_avx512/logits_f64.c's header:
 * the scalar kernel's bits, docs/ACCURACY.md); only the order of a
 * reduced loss's level-0 terms differs (simd/loop_tmpl.h, PFX(loop_red)).
 */
#define BCE_L0RED_UNIT 1
#define L0RED_KERNEL bce_logits_f64_avx512
#define L0RED_ENTRY bce_logits_f64_avx512_l0red   /* defined by simd/loop_tmpl.h */
#include "isa/x86_avx512/logits_f64.c"

/*
 * isa/x86_avx2/probs_f32_lab.c -- the kernel unit probs_f32.c again,
 * for the calls with pos_weight or label smoothing (not kp->plain): its
 * float loop (isa/x86_avx2/loop_f32.h) with the label variant of the
 * float level 0 only (level0/f32_tmpl.h, f32v_lab).  Its own unit, linked
 * after the other kernels (src/meson.build), so that the plain calls' code
 * is compiled as it was: with both variants in one unit, gcc moved small
 * helpers out of line and the plain probs f32 calls took 1.3x as long
 * (bce-bench-ab, AVX-512 and AVX2).  bce_probs_f32_avx2_lab is the
 * registry's kernel (core/isa.c): plain calls go to bce_probs_f32_avx2.
 * Bounds and bits: those of the unit it includes (the scalar kernel's
 * bits; the label variant's budgets next to its code, docs/ACCURACY.md).
 */
#define BCE_F32LAB_UNIT 1
#define F32LAB_KERNEL bce_probs_f32_avx2
#define F32LAB_ENTRY bce_probs_f32_avx2_lab   /* defined by isa/x86_avx2/loop_f32.h */
#include "isa/x86_avx2/probs_f32.c"

/*
 * probs_f32.c (AVX2+FMA) -- the probs f32 kernel, 4 samples widened to
 * double lanes.  Same algorithm, statements and bounds as
 * src/scalar/probs_f32.c; bit-identical results (tests/test_isa.c).
 */
#include "x86/avx2/vec_avx2.h"

#define PFX(name) avx2_probs_f32_##name
#include "scalar/probs_f32_inst.h"
#include "scalar/kernel_loop.h"

#define LOADV(p) v4_load_f32(p)
#define STOREVF(p, v) v4_store_f32((p), (v))
#define KERNEL_NAME bce_probs_f32_avx2
#include "x86/simd_probs_form.h"
#include "x86/simd_loop.h"

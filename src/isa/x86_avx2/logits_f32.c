/*
 * logits_f32.c (AVX2+FMA) -- the logits f32 kernel, 4 samples widened to
 * double lanes.  Same algorithm, statements and bounds as
 * src/isa/scalar/logits_f32.c; bit-identical results (tests/test_isa.c).
 */
#include "isa/x86_avx2/vec_avx2.h"

#define PFX(name) avx2_logits_f32_##name
#include "level1/form_logits_f32.h"
#include "level1/sample_tmpl.h"

#define LOADV(p) v4_load_f32(p)
#define STOREVF(p, v) v4_store_f32((p), (v))
#define KERNEL_NAME bce_logits_f32_avx2
#include "simd/form_logits.h"
#include "simd/loop_tmpl.h"

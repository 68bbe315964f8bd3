/*
 * logits_f32.c (AArch64 AdvSIMD) -- the logits f32 kernel, 2 samples
 * widened to double lanes.  Same algorithm, statements and bounds as
 * src/isa/scalar/logits_f32.c; bit-identical results (tests/test_isa.c,
 * tests/isa_bits.c).
 */
#include "isa/arm_neon/vec_neon.h"

#define PFX(name) neon_logits_f32_##name
#include "level1/form_logits_f32.h"
#include "level1/sample_tmpl.h"

#define LOADV(p) n2_load_f32(p)
#define STOREVF(p, v) n2_store_f32((p), (v))
#define KERNEL_NAME bce_logits_f32_neon
#include "simd/form_logits.h"
#include "simd/loop_tmpl.h"

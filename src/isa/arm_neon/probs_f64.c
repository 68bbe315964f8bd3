/*
 * probs_f64.c (AArch64 AdvSIMD) -- the probs f64 kernel on 2 lanes.
 * Same algorithm, statements and bounds as src/isa/scalar/probs_f64.c (see
 * there and docs/ACCURACY.md); bit-identical results (tests/test_isa.c,
 * tests/isa_bits.c).
 */
#include "isa/arm_neon/vec_neon.h"

#define PFX(name) neon_probs_f64_##name
#include "level1/form_probs_f64.h"
#include "level1/sample_tmpl.h"

#define LOADV(p) n2_load_f64(p)
#define STOREV(p, v) n2_store_f64((p), (v))
#define KERNEL_NAME bce_probs_f64_neon
#include "simd/form_probs.h"
#include "simd/loop_tmpl.h"

/*
 * probs_f32.c (SSE4.1) -- the probs f32 kernel, 2 samples widened to
 * double lanes.  Same algorithm, statements and bounds as
 * src/isa/scalar/probs_f32.c; bit-identical results (tests/test_isa.c).
 */
#include "isa/x86_sse41/vec_sse41.h"

#define PFX(name) sse41_probs_f32_##name
#include "level1/form_probs_f32.h"
#include "level1/sample_tmpl.h"

#define LOADV(p) v2_load_f32(p)
#define STOREVF(p, v) v2_store_f32((p), (v))
#define KERNEL_NAME bce_probs_f32_sse41
#include "simd/form_probs.h"
#include "simd/loop_tmpl.h"

/*
 * logits_f32.c (SSE4.1) -- the logits f32 kernel, 2 samples widened to
 * double lanes.  Same algorithm, statements and bounds as
 * src/isa/scalar/logits_f32.c; bit-identical results (tests/test_isa.c).
 */
#include "isa/x86_sse41/vec_sse41.h"

#define PFX(name) sse41_logits_f32_##name
#include "level1/form_logits_f32.h"
#include "level1/sample_tmpl.h"

#define LOADV(p) v2_load_f32(p)
#define STOREVF(p, v) v2_store_f32((p), (v))
#define KERNEL_NAME bce_logits_f32_sse41
#include "simd/form_logits.h"
#include "simd/loop_tmpl.h"

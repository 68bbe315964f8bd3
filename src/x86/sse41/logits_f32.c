/*
 * logits_f32.c (SSE4.1) -- the logits f32 kernel, 2 samples widened to
 * double lanes.  Same algorithm, statements and bounds as
 * src/scalar/logits_f32.c; bit-identical results (tests/test_isa.c).
 */
#include "x86/sse41/vec_sse41.h"

#define PFX(name) sse41_logits_f32_##name
#include "scalar/logits_f32_inst.h"
#include "scalar/kernel_loop.h"

#define LOADV(p) v2_load_f32(p)
#define STOREVF(p, v) v2_store_f32((p), (v))
#define KERNEL_NAME bce_logits_f32_sse41
#include "x86/simd_logits_form.h"
#include "x86/simd_loop.h"

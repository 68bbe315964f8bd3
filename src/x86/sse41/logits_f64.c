/*
 * logits_f64.c (SSE4.1) -- the logits f64 kernel on 2 lanes.
 * Same algorithm, statements and bounds as src/scalar/logits_f64.c (see
 * there and docs/ACCURACY.md); bit-identical results (tests/test_isa.c).
 */
#include "x86/sse41/vec_sse41.h"

#define PFX(name) sse41_logits_f64_##name
#include "scalar/logits_f64_inst.h"
#include "scalar/kernel_loop.h"

#define LOADV(p) v2_load_f64(p)
#define STOREV(p, v) v2_store_f64((p), (v))
#define KERNEL_NAME bce_logits_f64_sse41
#include "x86/simd_logits_form.h"
#include "x86/simd_loop.h"

/*
 * probs_f64.c (SSE4.1) -- the probs f64 kernel on 2 lanes.
 * Same algorithm, statements and bounds as src/scalar/probs_f64.c (see
 * there and docs/ACCURACY.md); bit-identical results (tests/test_isa.c).
 */
#include "x86/sse41/vec_sse41.h"

#define PFX(name) sse41_probs_f64_##name
#include "scalar/probs_f64_inst.h"
#include "scalar/kernel_loop.h"

#define LOADV(p) v2_load_f64(p)
#define STOREV(p, v) v2_store_f64((p), (v))
#define KERNEL_NAME bce_probs_f64_sse41
#include "x86/simd_probs_form.h"
#include "x86/simd_loop.h"

/*
 * probs_f64.c (SSE4.1) -- the probs f64 kernel on 2 lanes.
 * Same algorithm, statements and bounds as src/isa/scalar/probs_f64.c (see
 * there and docs/ACCURACY.md); bit-identical results (tests/test_isa.c).
 */
#include "isa/x86_sse41/vec_sse41.h"

#define PFX(name) sse41_probs_f64_##name
#include "level1/form_probs_f64.h"
#include "level1/sample_tmpl.h"

#define LOADV(p) v2_load_f64(p)
#define STOREV(p, v) v2_store_f64((p), (v))
#define KERNEL_NAME bce_probs_f64_sse41
#include "simd/form_probs.h"
#include "simd/loop_tmpl.h"

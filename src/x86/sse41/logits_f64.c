/*
 * logits_f64.c (SSE4.1) -- the logits f64 kernel on 2 lanes.
 * Same algorithm, statements and bounds as src/scalar/logits_f64.c (see
 * there and docs/ACCURACY.md); bit-identical results (tests/test_isa.c).
 */
#include "x86/sse41/vec_sse41.h"

#define PFX(name) sse41_logits_f64_##name
#include "scalar/logits_f64_inst.h"
#include "scalar/kernel_loop.h"

static inline v2d load2(const double *p) { v2d v; memcpy(&v, p, sizeof v); return v; }
#define LOADV(p) load2(p)
static inline void storev(double *p, VD v) { memcpy(p, &v, sizeof v); }
#define STOREV(p, v) storev((p), (v))
#define KERNEL_NAME bce_logits_f64_sse41
#include "x86/simd_logits_loop.h"

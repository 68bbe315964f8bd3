/*
 * logits_f64.c (AVX2+FMA) -- the logits f64 kernel on 4 lanes.
 * Same algorithm, statements and bounds as src/scalar/logits_f64.c (see
 * there and docs/ACCURACY.md); bit-identical results (tests/test_isa.c).
 */
#include "x86/avx2/vec_avx2.h"

#define PFX(name) avx2_logits_f64_##name
#include "scalar/logits_f64_inst.h"
#include "scalar/kernel_loop.h"

static inline v4d load4(const double *p) { v4d v; memcpy(&v, p, sizeof v); return v; }
#define LOADV(p) load4(p)
static inline void storev(double *p, VD v) { memcpy(p, &v, sizeof v); }
#define STOREV(p, v) storev((p), (v))
#define KERNEL_NAME bce_logits_f64_avx2
#include "x86/simd_logits_loop.h"

/*
 * logits_f64.c (AVX2+FMA) -- the logits f64 kernel on 4 lanes.
 * Same algorithm, statements and bounds as src/isa/scalar/logits_f64.c (see
 * there and docs/ACCURACY.md); bit-identical results (tests/test_isa.c).
 */
#include "isa/x86_avx2/vec_avx2.h"

#define PFX(name) avx2_logits_f64_##name
#include "level1/form_logits_f64.h"
#include "level1/sample_tmpl.h"

#define LOADV(p) v4_load_f64(p)
#define STOREV(p, v) v4_store_f64((p), (v))
#define KERNEL_NAME bce_logits_f64_avx2
#include "simd/form_logits.h"
#include "simd/loop_tmpl.h"

/*
 * logits_f32.c (SSE4.1) -- the logits f32 kernel, 2 samples widened to
 * double lanes.  Same algorithm, statements and bounds as
 * src/scalar/logits_f32.c; bit-identical results (tests/test_isa.c).
 */
#include "x86/sse41/vec_sse41.h"

#define PFX(name) sse41_logits_f32_##name
#include "scalar/logits_f32_inst.h"
#include "scalar/kernel_loop.h"

static inline v2d load2(const float *p)
{
    float t[4] = { p[0], p[1], 0.0f, 0.0f };
    return (v2d)_mm_cvtps_pd(_mm_loadu_ps(t));      /* exact widening */
}
#define LOADV(p) load2(p)
#define KERNEL_NAME bce_logits_f32_sse41
#include "x86/simd_logits_loop.h"

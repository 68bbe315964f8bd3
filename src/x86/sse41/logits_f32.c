/*
 * logits_f32.c (SSE4.1) -- the logits f32 kernel, 2 samples widened to
 * double lanes.  Same algorithm, statements and bounds as
 * src/scalar/logits_f32.c; bit-identical results (tests/test_isa.c).
 */
#include "x86/sse41/vec_sse41.h"

#define PFX(name) sse41_logits_f32_##name
#define FT float
#define SAMPLE(x, lab, kp, L, G) bce_logits_sample((x), (lab), (kp)->want_loss, (kp)->want_grad, (L), (G))
#define SLOW(x, y, kp, which, r) bce_slow_logits((x), (y), (kp), (which), (r))
#define GRAD_OK(r) bce_f32_safe(r)
#define LOSS_OK(r) bce_f32_safe(r)
#define ROUND(r) bce_res_f32(r)
#include "scalar/kernel_loop.h"

static inline v2d load2(const float *p)
{
    float t[4] = { p[0], p[1], 0.0f, 0.0f };
    return (v2d)_mm_cvtps_pd(_mm_loadu_ps(t));      /* exact widening */
}
#define LOADV(p) load2(p)
#define KERNEL_NAME bce_logits_f32_sse41
#include "x86/simd_logits_loop.h"

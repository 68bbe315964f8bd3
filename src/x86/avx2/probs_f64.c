/*
 * probs_f64.c (AVX2+FMA) -- the probs f64 kernel on 4 lanes.
 * Same algorithm, statements and bounds as src/scalar/probs_f64.c (see
 * there and docs/ACCURACY.md); bit-identical results (tests/test_isa.c).
 */
#include "x86/avx2/vec_avx2.h"

#define PFX(name) avx2_probs_f64_##name
#include "scalar/probs_f64_inst.h"
#include "scalar/kernel_loop.h"

static inline v4d load4(const double *p) { v4d v; memcpy(&v, p, sizeof v); return v; }
#define LOADV(p) load4(p)
static inline void storev(double *p, VD v) { memcpy(p, &v, sizeof v); }
#define STOREV(p, v) storev((p), (v))
#define KERNEL_NAME bce_probs_f64_avx2
/* the probability form's vector path: plain labels, no clamp,
 * 2^-800 <= p < 1, y = 0 or y >= 2^-900 (the scalar common case) */
#define VUSABLE(kp) ((kp)->plain && !((kp)->flags & BCE_OPT_LOG_CLAMP))
#define VHOT(x, y) ((x >= 0x1p-800) & (x < 1.0) & ((y == 0.0) | (y >= 0x1p-900)))
#define VEVAL(x, y, kp, Lv, Lerr, Gv, Gerr) \
    VEL(probs_normal)((x), (y), (kp)->want_loss, (kp)->want_grad, (Lv), (Lerr), (Gv), (Gerr))
#include "x86/simd_loop.h"

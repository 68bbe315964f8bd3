/*
 * core/lowp.c -- the kernels behind the bf16 and f16 entry points
 * (core/api.c validates and reduces; this file computes).
 *
 * Inputs: z (or p), y and w are 16-bit values; each is exactly a binary32
 * (and binary64) value, so the inputs are widened exactly (the active ISA's
 * cvt_bf16 / cvt_f16: a shift, or F16C) in chunks of LOWP_CHUNK and the
 * binary32 kernel of the active ISA runs on them with the caller's kernel
 * parameters:
 *   - float outputs (bce_<form>_<type>) ARE the binary32 kernel's results
 *     for the widened inputs: the exact loss and gradient of the 16-bit
 *     inputs rounded once to binary32, within the f32 bounds of
 *     docs/ACCURACY.md (correctly rounded where f32 is);
 *   - 16-bit outputs (bce_<form>_<type>_<type>) are rounded once to the
 *     16-bit type, never RN16(RN32(x)).  Let f be the binary32 result and
 *     v the exact value, |f - v| <= 2 ulp32 (the f32 bound of every option,
 *     docs/ACCURACY.md).  If every binary32 within 4 ulp32 of f (a bit
 *     distance of 4, which covers 2 ulps of either binade at a power of
 *     two) rounds to the same 16-bit value R, then RN16(v) = R (RN16 is
 *     monotonic).  Otherwise f is near a 16-bit midpoint (about 1 result in
 *     2^10 for f16, 2^13 for bf16, hard labels far fewer), and the sample
 *     is recomputed by the per-sample code every ISA shares
 *     (level1/sample_tmpl.h instantiated below for 16-bit outputs): level
 *     1 with a 16-bit rounding test (core/half.h's bce_h16_safe), the
 *     triple-double slow path when it fails, an exact midpoint decided by
 *     the sign of the term too small to represent (bce_res.sticky) or,
 *     for rational gradients, by exact arithmetic (accurate/exact.c with
 *     fmt = BCE_FMT_BF16/F16).  The recomputation is scalar and the f32
 *     results are the same bits on every ISA, so the 16-bit outputs are
 *     too.
 * Reduced losses are accumulated by the f32 kernel in double-double (the
 * f32 entry points' accumulator, which does not depend on the output type)
 * and rounded once by core/api.c.
 */
#include <string.h>
#include "core/isa.h"
#include "core/half.h"
#include "core/lowp.h"

/* ---- the per-sample code for 16-bit outputs (level1/sample_tmpl.h) ---- */

#define FT uint16_t
#define GRAD_OK(r) bce_h16_safe((r), FMTX)
#define LOSS_OK(r) bce_h16_safe((r), FMTX)
#define ROUND(r) bce_h16_bits(bce_res_h16((r), FMTX), FMTX)

/* logits, bf16 */
#define FMTX BCE_FMT_BF16
#define PFX(name) lp_logits_bf16_##name
#define SAMPLE(x, lab, kp, L, G) bce_logits_sample((x), (lab), (kp)->want_loss, (kp)->want_grad, (L), (G))
#define SLOW(x, y, kp, which, r) bce_slow_logits((x), (y), (kp), (which), (r))
#define GRAD_RESOLVE(x, y, w, kp, r) bce_h16_bits(bce_logits_grad_resolve((x), (y), (w), (kp), (r), FMTX), FMTX)
#include "level1/sample_tmpl.h"
#undef PFX
#undef FMTX
/* logits, f16 */
#define FMTX BCE_FMT_F16
#define PFX(name) lp_logits_f16_##name
#include "level1/sample_tmpl.h"
#undef PFX
#undef FMTX
#undef SAMPLE
#undef SLOW
#undef GRAD_RESOLVE
/* probs, bf16 */
#define FMTX BCE_FMT_BF16
#define PFX(name) lp_probs_bf16_##name
#define SAMPLE(x, lab, kp, L, G) bce_probs_sample((x), (lab), (kp)->flags, (kp)->want_loss, (kp)->want_grad, (L), (G))
#define SLOW(x, y, kp, which, r) bce_slow_probs((x), (y), (kp), (which), (r))
#define GRAD_RESOLVE(x, y, w, kp, r) bce_h16_bits(bce_probs_grad_resolve((x), (y), (w), (kp), (r), FMTX), FMTX)
#include "level1/sample_tmpl.h"
#undef PFX
#undef FMTX
/* probs, f16 */
#define FMTX BCE_FMT_F16
#define PFX(name) lp_probs_f16_##name
#include "level1/sample_tmpl.h"
#undef PFX
#undef FMTX

/* One sample, 16-bit outputs loss[0] / grad[0] as kp asks (x not NaN). */
void bce_lowp_sample(int fmt, int logits, double x, double y, double w, int has_w,
                     const bce_kparams *kp, uint16_t *loss, uint16_t *grad)
{
    bce_lab lab;
    bce_res L, G;
    bce_acc acc;
    memset(&acc, 0, sizeof acc);
    bce_label(y, kp, &lab);
    if (logits) {
        bce_logits_sample(x, &lab, kp->want_loss, kp->want_grad, &L, &G);
        if (fmt == BCE_FMT_BF16) lp_logits_bf16_finish(0, x, y, w, has_w, kp, L, G, loss, grad, &acc);
        else lp_logits_f16_finish(0, x, y, w, has_w, kp, L, G, loss, grad, &acc);
    } else {
        bce_probs_sample(x, &lab, kp->flags, kp->want_loss, kp->want_grad, &L, &G);
        if (fmt == BCE_FMT_BF16) lp_probs_bf16_finish(0, x, y, w, has_w, kp, L, G, loss, grad, &acc);
        else lp_probs_f16_finish(0, x, y, w, has_w, kp, L, G, loss, grad, &acc);
    }
}

/* ---- from a binary32 result to 16 bits ---------------------------------- */

/* The 16-bit rounding of the exact values v of m binary32 results f with
 * |f - v| <= 2 ulp32: out[j] is RN16(v) when every binary32 within a bit
 * distance of 4 of f rounds to the same 16-bit value, and redo[j] = 0;
 * otherwise redo[j] = 1 (the caller recomputes).  NaN and infinities are
 * decided (an infinite f32 result means v >= FLT_MAX - 2 ulp32, far beyond
 * both 16-bit overflow thresholds; the f32 kernels return exact infinite
 * limits).  Branch-free per element (the compilers vectorise it). */
static inline __attribute__((always_inline)) void
from_f32_body(const float *f, size_t m, int fmt, uint16_t *out, unsigned char *redo)
{
    const uint32_t nan16 = fmt == BCE_FMT_BF16 ? 0x7fc0u : 0x7e00u;
    const uint32_t inf16 = fmt == BCE_FMT_BF16 ? 0x7f80u : 0x7c00u;
    for (size_t j = 0; j < m; j++) {
        uint32_t u;
        memcpy(&u, &f[j], 4);
        const uint32_t s = (u >> 16) & 0x8000u, a = u & 0x7fffffffu;
        const uint32_t lo = a >= 4 ? a - 4 : 0;
        const uint32_t hi = a + 4 < 0x7f800000u ? a + 4 : 0x7f7fffffu;
        const uint32_t rl = bce_f32mag_to_h16(lo, fmt), rh = bce_f32mag_to_h16(hi, fmt);
        const uint32_t special = a >= 0x7f800000u;
        const uint32_t r = a > 0x7f800000u ? nan16 : a == 0x7f800000u ? (s | inf16) : (s | rl);
        out[j] = (uint16_t)r;
        redo[j] = (unsigned char)((special ^ 1u) & (rl != rh));
    }
}

/* one instantiation per format: no format test inside the loop */
static void from_f32(const float *f, size_t m, int fmt, uint16_t *out, unsigned char *redo)
{
    if (fmt == BCE_FMT_BF16) from_f32_body(f, m, BCE_FMT_BF16, out, redo);
    else from_f32_body(f, m, BCE_FMT_F16, out, redo);
}

#define LOWP_CHUNK 256

void bce_lowp_run(size_t n, const uint16_t *x, const uint16_t *y, const uint16_t *w,
                  int fmt, int logits, const bce_kparams *kp,
                  float *lossf, float *gradf, uint16_t *loss16, uint16_t *grad16,
                  bce_acc *acc)
{
    const bce_kernels *kt = bce_kernels_active();
    const bce_kern_f32 kern = logits ? kt->logits_f32 : kt->probs_f32;
    const bce_cvt16 cvt = fmt == BCE_FMT_BF16 ? kt->cvt_bf16 : kt->cvt_f16;
    float xf[LOWP_CHUNK], yf[LOWP_CHUNK], wf[LOWP_CHUNK];
    float lb[LOWP_CHUNK], gb[LOWP_CHUNK];
    const int want_l16 = loss16 && !kp->reduce, want_g16 = grad16 != NULL;
    for (size_t i0 = 0; i0 < n; i0 += LOWP_CHUNK) {
        const size_t m = n - i0 < LOWP_CHUNK ? n - i0 : LOWP_CHUNK;
        cvt(m, x + i0, xf);
        cvt(m, y + i0, yf);
        if (w) cvt(m, w + i0, wf);
        float *lo = kp->reduce ? NULL : lossf ? lossf + i0 : want_l16 ? lb : NULL;
        float *go = gradf ? gradf + i0 : want_g16 ? gb : NULL;
        kern(m, xf, yf, w ? wf : NULL, kp, lo, go, acc);
        if (!want_l16 && !want_g16) continue;
        unsigned char rl[LOWP_CHUNK], rg[LOWP_CHUNK];
        memset(rl, 0, m);
        memset(rg, 0, m);
        if (want_l16) from_f32(lb, m, fmt, loss16 + i0, rl);
        if (want_g16) from_f32(gb, m, fmt, grad16 + i0, rg);
        for (size_t j = 0; j < m; j++) {
            const int redo_l = rl[j], redo_g = rg[j];
            if (redo_l || redo_g) {
                bce_kparams k2 = *kp;
                k2.want_loss = redo_l;
                k2.want_grad = redo_g;
                bce_lowp_sample(fmt, logits, xf[j], yf[j], w ? (double)wf[j] : 1.0,
                                w != NULL, &k2, redo_l ? loss16 + i0 + j : NULL,
                                redo_g ? grad16 + i0 + j : NULL);
            }
        }
    }
}

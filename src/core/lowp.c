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
#include <pthread.h>
#include <string.h>
#include "bce.h"
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

/* One chunk of m widened inputs by the f32 kernel: float outputs at lossf /
 * gradf, or 16-bit outputs at loss16 / grad16 (rounded from the float
 * results when no 16-bit boundary is near, else recomputed), the reduced
 * loss into acc (kp->reduce).  Outputs not wanted are NULL. */
static void lowp_chunk_f32(size_t m, const float *xf, const float *yf, const float *wf,
                           int fmt, int logits, const bce_kparams *kp, bce_kern_f32 kern,
                           float *lossf, float *gradf, uint16_t *loss16, uint16_t *grad16,
                           bce_acc *acc)
{
    float lb[LOWP_CHUNK], gb[LOWP_CHUNK];
    const int want_l16 = loss16 != NULL, want_g16 = grad16 != NULL;
    float *lo = kp->reduce ? NULL : lossf ? lossf : want_l16 ? lb : NULL;
    float *go = gradf ? gradf : want_g16 ? gb : NULL;
    kern(m, xf, yf, wf, kp, lo, go, acc);
    if (!want_l16 && !want_g16) return;
    unsigned char rl[LOWP_CHUNK], rg[LOWP_CHUNK];
    memset(rl, 0, m);
    memset(rg, 0, m);
    if (want_l16) from_f32(lb, m, fmt, loss16, rl);
    if (want_g16) from_f32(gb, m, fmt, grad16, rg);
    for (size_t j = 0; j < m; j++) {
        const int redo_l = rl[j], redo_g = rg[j];
        if (redo_l || redo_g) {
            bce_kparams k2 = *kp;
            k2.want_loss = redo_l;
            k2.want_grad = redo_g;
            bce_lowp_sample(fmt, logits, xf[j], yf[j], wf ? (double)wf[j] : 1.0,
                            wf != NULL, &k2, redo_l ? loss16 + j : NULL,
                            redo_g ? grad16 + j : NULL);
        }
    }
}

/* ---- the table path's tables (level1/lowp16_tmpl.h) ---------------------
 * Filled once per (form, format), on the first call that needs them,
 * under pthread_once, by the library's own f64 entry points (each value
 * within 1 ulp of the exact one: docs/ACCURACY.md).  Logits: [|z| bits]
 * = { log1p(e^-|z|), sigma(-|z|) }, 2^15 rows of 16 bytes (512 KiB per
 * format); probs: [p bits] = { -log p, -log1p(-p) } for 0 < p < 1, 2^14
 * rows (256 KiB per format).  Rows of non-finite z, p = 0 and p >= 1 are
 * 0 (the table path never uses them: those elements are cold). */
#define LG_ROWS 32768
#define PR_ROWS 16384
static double lg_tab[2][LG_ROWS][2];
static double pr_tab[2][PR_ROWS][2];
/* the same rounded to binary32 (AVX2's first tier, isa/x86_avx2/lowp16.c):
 * 256 KiB (logits) and 128 KiB (probs) per format */
static float lg_tabf[2][LG_ROWS][2];
static float pr_tabf[2][PR_ROWS][2];

static void fill_tab(int fmt, int logits)
{
    enum { B = 512 };
    double (*T)[2] = logits ? lg_tab[fmt == BCE_FMT_F16] : pr_tab[fmt == BCE_FMT_F16];
    const size_t rows = logits ? LG_ROWS : PR_ROWS;
    const uint32_t lim = logits ? (fmt == BCE_FMT_BF16 ? 0x7f80u : 0x7c00u)
                                : (fmt == BCE_FMT_BF16 ? 0x3f80u : 0x3c00u);
    double x[B], xn[B], one[B], zero[B], a[B], b[B];
    for (size_t i = 0; i < B; i++) { one[i] = 1.0; zero[i] = 0.0; }
    for (size_t i0 = 0; i0 < rows; i0 += B) {
        for (size_t i = 0; i < B; i++) {
            const uint32_t bits = (uint32_t)(i0 + i);
            const double v = bits < lim ? bce_h16_to_double((uint16_t)bits, fmt) : 0.0;
            x[i] = logits ? v : (v > 0.0 ? v : 0.5);   /* p rows outside (0, 1): unused */
            xn[i] = -v;
        }
        bce_status st;
        if (logits) {
            st = bce_logits_f64(B, x, one, NULL, NULL, a, NULL);
            if (st == BCE_OK) st = bce_logits_f64(B, xn, zero, NULL, NULL, NULL, b);
        } else {
            st = bce_probs_f64(B, x, one, NULL, NULL, a, NULL);
            if (st == BCE_OK) st = bce_probs_f64(B, x, zero, NULL, NULL, b, NULL);
        }
        for (size_t i = 0; i < B; i++) {
            const uint32_t bits = (uint32_t)(i0 + i);
            const int used = st == BCE_OK && bits < lim && (logits || bits > 0);
            T[i0 + i][0] = used ? a[i] : 0.0;
            T[i0 + i][1] = used ? b[i] : 0.0;
        }
    }
    float (*Tf)[2] = logits ? lg_tabf[fmt == BCE_FMT_F16] : pr_tabf[fmt == BCE_FMT_F16];
    for (size_t i = 0; i < rows; i++) {
        Tf[i][0] = (float)T[i][0];
        Tf[i][1] = (float)T[i][1];
    }
}

static pthread_once_t tab_once[2][2] = { { PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT },
                                         { PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT } };
static void fill_lg_bf16(void) { fill_tab(BCE_FMT_BF16, 1); }
static void fill_lg_f16(void) { fill_tab(BCE_FMT_F16, 1); }
static void fill_pr_bf16(void) { fill_tab(BCE_FMT_BF16, 0); }
static void fill_pr_f16(void) { fill_tab(BCE_FMT_F16, 0); }

const double (*bce_lowp_table(int fmt, int logits))[2]
{
    const int f = fmt == BCE_FMT_F16;
    static void (*const fill[2][2])(void) = { { fill_pr_bf16, fill_pr_f16 },
                                              { fill_lg_bf16, fill_lg_f16 } };
    pthread_once(&tab_once[logits != 0][f], fill[logits != 0][f]);
    return (const double (*)[2])(logits ? lg_tab[f] : pr_tab[f]);
}

const float (*bce_lowp_table_f32(int fmt, int logits))[2]
{
    const int f = fmt == BCE_FMT_F16;
    (void)bce_lowp_table(fmt, logits);   /* filled (once) with the doubles */
    return (const float (*)[2])(logits ? lg_tabf[f] : pr_tabf[f]);
}

void bce_lowp_run(size_t n, const uint16_t *x, const uint16_t *y, const uint16_t *w,
                  int fmt, int logits, const bce_kparams *kp,
                  float *lossf, float *gradf, uint16_t *loss16, uint16_t *grad16,
                  bce_acc *acc)
{
    const bce_kernels *kt = bce_kernels_active();
    const bce_kern_f32 kern = logits ? kt->logits_f32 : kt->probs_f32;
    const bce_cvt16 cvt = fmt == BCE_FMT_BF16 ? kt->cvt_bf16 : kt->cvt_f16;
    float xf[LOWP_CHUNK], yf[LOWP_CHUNK], wf[LOWP_CHUNK];
    if (kp->reduce) { lossf = NULL; loss16 = NULL; }
    /* the table path: 16-bit outputs of plain labels, no reduction or its
     * factors, no clamp (float outputs stay the f32 kernel's: as fast on
     * AVX2, bench/lowp16.c, and the same bits by definition) */
    const int table = kt->lowp16 && (loss16 || grad16) && kp->plain && !kp->reduce && !kp->has_gscale &&
                      kp->wscale_e == 0 && kp->lscale_e == 0 &&
                      !(kp->flags & BCE_OPT_LOG_CLAMP) && (lossf || gradf || loss16 || grad16);
    const double (*T)[2] = table ? bce_lowp_table(fmt, logits) : NULL;
    const float (*Tf)[2] = table ? bce_lowp_table_f32(fmt, logits) : NULL;
    /* does a 16-bit output overlap x (compared as addresses) */
    const uintptr_t xa = (uintptr_t)x, xe = xa + n * sizeof *x;
    const uintptr_t la = (uintptr_t)loss16, ga = (uintptr_t)grad16;
    const int x_aliased = (loss16 && la < xe && xa < la + n * sizeof *loss16) ||
                          (grad16 && ga < xe && xa < ga + n * sizeof *grad16);
    for (size_t i0 = 0; i0 < n; i0 += LOWP_CHUNK) {
        const size_t m = n - i0 < LOWP_CHUNK ? n - i0 : LOWP_CHUNK;
        float *lf = lossf ? lossf + i0 : NULL, *gf = gradf ? gradf + i0 : NULL;
        uint16_t *lh = loss16 ? loss16 + i0 : NULL, *gh = grad16 ? grad16 + i0 : NULL;
        if (!table) {
            cvt(m, x + i0, xf);
            cvt(m, y + i0, yf);
            if (w) cvt(m, w + i0, wf);
            lowp_chunk_f32(m, xf, yf, w ? wf : NULL, fmt, logits, kp, kern, lf, gf, lh, gh, acc);
            continue;
        }
        /* inputs first (a 16-bit output may be its input: then x's bits
         * are copied, as the kernel reads them after storing outputs) */
        uint16_t xcopy[LOWP_CHUNK];
        const uint16_t *xb = x + i0;
        if (x_aliased) {
            memcpy(xcopy, x + i0, m * sizeof *xcopy);
            xb = xcopy;
        }
        cvt(m, xb, xf);
        cvt(m, y + i0, yf);
        if (w) cvt(m, w + i0, wf);
        unsigned char redo[LOWP_CHUNK];
        const size_t k = kt->lowp16(m, xb, xf, yf, w ? wf : NULL, fmt, logits, T, Tf,
                                    lf, gf, lh, gh, redo);
        if (k == 0) continue;
        /* the elements left over: the f32 kernel path on a compact copy */
        float cx[LOWP_CHUNK], cy[LOWP_CHUNK], cw[LOWP_CHUNK], cl[LOWP_CHUNK], cg[LOWP_CHUNK];
        uint16_t hl[LOWP_CHUNK], hg[LOWP_CHUNK];
        size_t idx[LOWP_CHUNK], c = 0;
        for (size_t j = 0; j < m; j++) {
            if (!redo[j]) continue;
            idx[c] = j;
            cx[c] = xf[j];
            cy[c] = yf[j];
            cw[c] = w ? wf[j] : 1.0f;
            c++;
        }
        lowp_chunk_f32(c, cx, cy, w ? cw : NULL, fmt, logits, kp, kern,
                       lf ? cl : NULL, gf ? cg : NULL, lh ? hl : NULL, gh ? hg : NULL, acc);
        for (size_t r = 0; r < c; r++) {
            const size_t j = idx[r];
            if (lf) lf[j] = cl[r];
            if (gf) gf[j] = cg[r];
            if (lh) lh[j] = hl[r];
            if (gh) gh[j] = hg[r];
        }
    }
}

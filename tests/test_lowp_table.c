/*
 * test_lowp_table.c -- the bf16/f16 table path (level1/lowp16_tmpl.h, the
 * 16-bit outputs of plain calls) decides only what it may, and what it
 * leaves goes to the per-sample path.
 *
 * For each family below, on every runnable ISA's table kernel
 * (bce_isa registry .lowp16) called directly on chunks:
 *   - every output it decides (redo = 0) has the bits of the per-sample
 *     code (core/lowp.c's bce_lowp_sample: level 1, slow path, exact
 *     tie-breaks; the old path, certified by the exhaustive runs);
 *   - the elements named as undecidable (exact 16-bit midpoints with a
 *     tiny transcendental part, exact zeros) are left to it (redo = 1);
 * and the public entry point (table path plus fallback) returns, for every
 * element, the value of the MPFR reference rounded once to 16 bits
 * (bcev_ref16) and the per-sample code's bits.
 * Families: f16 z = 0x1.c2p+6 and bf16 z = -1016 with every label (exact
 * midpoints z (1 - y), docs/ACCURACY.md), tiny gradients (y next to
 * sigma(z), p next to y), z = +-0 with every label and y = -0, subnormal
 * 16-bit outputs, 16-bit overflow to infinity, p in {0, 1} (exact
 * limits), each without and with weights (0 included).
 * And the AVX2 binary32 tier's midpoint rule (isa/x86_avx2/lowp16.c,
 * f_group8): elements whose exact part (z (1 - y), -z y or 1 - y) is a
 * 16-bit midpoint and whose transcendental part is below the tier's bound
 * are decided there, by the part's known sign (midpoint_rule_avx2).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bce.h"
#include "bce_verify.h"
#include "core/isa.h"
#include "core/half.h"
#include "core/lowp.h"

const bce_isa *bce_isa_entry(size_t i);

typedef bce_status (*ep16_t)(size_t, const uint16_t *, const uint16_t *, const uint16_t *,
                             const bce_options *, uint16_t *, uint16_t *);

static ep16_t ep(int fmt, int logits)
{
    if (logits) return fmt == BCE_FMT_BF16 ? bce_logits_bf16_bf16 : bce_logits_f16_f16;
    return fmt == BCE_FMT_BF16 ? bce_probs_bf16_bf16 : bce_probs_f16_f16;
}

static double val(int fmt, uint16_t b) { return bce_h16_to_double(b, fmt); }

static uint16_t bits_of(int fmt, double v) { return bcev_bits16(fmt, v); }

/* isa/x86_avx2/lowp16.c: the binary32 tier alone on 8 elements (weak:
 * NULL where the AVX2 kernels are not built) */
__attribute__((weak)) int bce_lowp16_avx2_tier32_group8(const uint16_t *xb, const float *xf,
                                                        const float *yf, int fmt, int logits,
                                                        int grad, const float (*Tf)[2],
                                                        uint16_t *out);

/* the binary32 tier must decide the loss (grad = 0) or gradient of each
 * element i of (x, y), alone in a group of 8 copies, with the per-sample
 * code's bits */
static void tier32_decides(int fmt, int logits, int grad, size_t n, const uint16_t *x,
                           const uint16_t *y)
{
    const bce_isa *avx2 = NULL;
    for (size_t i = 0; i < bce_isa_count(); i++)
        if (!strcmp(bce_isa_entry(i)->name, "avx2")) avx2 = bce_isa_entry(i);
    if (!avx2 || !avx2->runnable || !avx2->runnable() || !bce_lowp16_avx2_tier32_group8) return;
    static const bce_options plain;
    bce_kparams kp;
    bce_kparams_init(&plain, 1, 1, &kp);
    const float (*Tf)[2] = bce_lowp_table_f32(fmt, logits);
    for (size_t i = 0; i < n; i++) {
        uint16_t xb[8], O[8], Ls, Gs;
        float xf[8], yf[8];
        for (int k = 0; k < 8; k++) {
            xb[k] = x[i];
            xf[k] = (float)val(fmt, x[i]);
            yf[k] = (float)val(fmt, y[i]);
        }
        const int und = bce_lowp16_avx2_tier32_group8(xb, xf, yf, fmt, logits, grad, Tf, O);
        cr_assert_eq(und, 0, "binary32 tier left x=%a y=%a (%s %s %s)", (double)xf[0],
                     (double)yf[0], logits ? "logits" : "probs", fmt == BCE_FMT_BF16 ? "bf16" : "f16",
                     grad ? "gradient" : "loss");
        bce_lowp_sample(fmt, logits, xf[0], yf[0], 1.0, 0, &kp, &Ls, &Gs);
        for (int k = 0; k < 8; k++)
            cr_assert(O[k] == (grad ? Gs : Ls), "binary32 tier x=%a y=%a (%s): %04x, per-sample %04x",
                      (double)xf[0], (double)yf[0], grad ? "gradient" : "loss", O[k], grad ? Gs : Ls);
    }
}



static size_t redo_total;

/* must_redo binds every ISA, or (0) only those without the binary32
 * tier's midpoint rule (scalar: the template) */
static int must_redo_avx2 = 1;

/* The checks above on n elements; must_redo[j] = 1: the table path may not
 * decide element j (NULL: no such element).  Returns how many elements the
 * table path left over on the scalar kernel. */
static size_t check(int fmt, int logits, size_t n, const uint16_t *x, const uint16_t *y,
                    const uint16_t *w, const unsigned char *must_redo)
{
    uint16_t *L = malloc(n * 2), *G = malloc(n * 2), *Ls = malloc(n * 2), *Gs = malloc(n * 2);
    float *xf = malloc(n * 4), *yf = malloc(n * 4), *wf = malloc(n * 4);
    unsigned char *redo = malloc(n);
    cr_assert(L && G && Ls && Gs && xf && yf && wf && redo);
    for (size_t j = 0; j < n; j++) {
        xf[j] = (float)val(fmt, x[j]);
        yf[j] = (float)val(fmt, y[j]);
        wf[j] = w ? (float)val(fmt, w[j]) : 1.0f;
    }
    /* the per-sample code's bits */
    static const bce_options plain;   /* reduction NONE, no options */
    bce_kparams kp;
    bce_kparams_init(&plain, 1, 1, &kp);
    for (size_t j = 0; j < n; j++)
        bce_lowp_sample(fmt, logits, xf[j], yf[j], wf[j], w != NULL, &kp, &Ls[j], &Gs[j]);
    const double (*T)[2] = bce_lowp_table(fmt, logits);
    const float (*Tf)[2] = bce_lowp_table_f32(fmt, logits);
    size_t left_scalar = 0;
    for (size_t i = 0; i < bce_isa_count(); i++) {
        const bce_isa *e = bce_isa_entry(i);
        if (!e->runnable || !e->runnable() || !e->lowp16) continue;
        for (size_t j0 = 0; j0 < n; j0 += 256) {
            const size_t m = n - j0 < 256 ? n - j0 : 256;
            const size_t k = e->lowp16(m, x + j0, xf + j0, yf + j0, w ? wf + j0 : NULL, fmt,
                                       logits, T, Tf, NULL, NULL, L + j0, G + j0, redo + j0);
            size_t c = 0;
            for (size_t j = j0; j < j0 + m; j++) c += redo[j];
            cr_assert_eq(k, c, "%s: returned count %zu, %zu marked", e->name, k, c);
            if (i == 0) left_scalar += k;
        }
        for (size_t j = 0; j < n; j++) {
            if (must_redo && must_redo[j] && (must_redo_avx2 || strcmp(e->name, "avx2")))
                cr_assert(redo[j], "%s: decided x=%a y=%a w=%a, which it cannot", e->name,
                          (double)xf[j], (double)yf[j], (double)wf[j]);
            if (redo[j]) continue;
            cr_assert(L[j] == Ls[j] && G[j] == Gs[j],
                      "%s: x=%a y=%a w=%a: table path %04x %04x, per-sample %04x %04x",
                      e->name, (double)xf[j], (double)yf[j], (double)wf[j], L[j], G[j], Ls[j], Gs[j]);
        }
    }
    /* the entry point: table path + fallback, against MPFR and per-sample */
    cr_assert_eq(ep(fmt, logits)(n, x, y, w, NULL, L, G), BCE_OK);
    for (size_t j = 0; j < n; j++) {
        bcev_sample s = { (double)xf[j], (double)yf[j], (double)wf[j] };
        double l, g;
        cr_assert_eq(bcev_ref16(logits ? BCEV_LOGITS : BCEV_PROBS, fmt, &s, NULL, 1.0, &l, &g), 0);
        cr_assert(val(fmt, L[j]) == l || (isnan(l) && isnan(val(fmt, L[j]))),
                  "loss x=%a y=%a w=%a: %a, MPFR %a", s.x, s.y, s.w, val(fmt, L[j]), l);
        cr_assert(val(fmt, G[j]) == g || (isnan(g) && isnan(val(fmt, G[j]))),
                  "grad x=%a y=%a w=%a: %a, MPFR %a", s.x, s.y, s.w, val(fmt, G[j]), g);
        cr_assert(L[j] == Ls[j] && G[j] == Gs[j], "entry point vs per-sample at x=%a y=%a w=%a",
                  s.x, s.y, s.w);
    }
    redo_total += left_scalar;
    free(L); free(G); free(Ls); free(Gs); free(xf); free(yf); free(wf); free(redo);
    return left_scalar;
}

/* every label of the format in [0, 1], -0 included: count */
static size_t labels(int fmt, uint16_t *lab)
{
    const uint16_t one = fmt == BCE_FMT_BF16 ? 0x3f80 : 0x3c00;
    size_t k = 0;
    for (uint32_t b = 0; b <= one; b++) lab[k++] = (uint16_t)b;
    lab[k++] = 0x8000;
    return k;
}

/* x fixed, every label, weights none / w1 / w2 */
static size_t every_label(int fmt, int logits, uint16_t xb, const unsigned char *(*must)(size_t, const uint16_t *, const uint16_t *, unsigned char *))
{
    uint16_t lab[20000], xs[20000], ws[20000];
    unsigned char mr[20000];
    const size_t n = labels(fmt, lab);
    for (size_t j = 0; j < n; j++) xs[j] = xb;
    const unsigned char *m = must ? must(n, xs, lab, mr) : NULL;
    size_t left = check(fmt, logits, n, xs, lab, NULL, m);
    const double wv[3] = { 2.0, 0.75, 0.0 };
    for (int k = 0; k < 3; k++) {
        for (size_t j = 0; j < n; j++) ws[j] = bits_of(fmt, wv[k]);
        /* times 2 or 3/4 an exact midpoint stays one or lands on none:
         * must-redo is claimed only without weights */
        left += check(fmt, logits, n, xs, lab, ws, NULL);
    }
    return left;
}

Test(lowp_table, midpoints_f16_z_112_5)
{
    /* z (1 - y) an f16 midpoint, L = log1p(e^-112.5) ~ 2^-162: the table
     * path cannot see past 2^-50 relative: such elements go to the old path */
    const size_t left = every_label(BCE_FMT_F16, 1, bits_of(BCE_FMT_F16, 0x1.c2p+6), NULL);
    cr_assert_gt(left, 0, "no element was left to the per-sample path");
}

static const unsigned char *mid_bf16(size_t n, const uint16_t *x, const uint16_t *y,
                                     unsigned char *mr)
{
    for (size_t j = 0; j < n; j++)
        mr[j] = val(BCE_FMT_BF16, y[j]) == 0.75 && val(BCE_FMT_BF16, x[j]) == -1016.0;
    return mr;
}

Test(lowp_table, midpoints_bf16_z_m1016)
{
    /* 762 + e^-1016: 762 is a bf16 midpoint (docs/ACCURACY.md); the
     * template (scalar) leaves it; AVX2's binary32 tier decides it by the
     * midpoint rule (midpoint_rule_avx2 below) */
    must_redo_avx2 = 0;
    const size_t left = every_label(BCE_FMT_BF16, 1, bits_of(BCE_FMT_BF16, -1016.0), mid_bf16);
    must_redo_avx2 = 1;
    cr_assert_gt(left, 0);
}

/* v (a double) is a midpoint of two consecutive normal 16-bit values */
static int is_mid16(int fmt, double v)
{
    const float f = (float)v;
    if ((double)f != v || v == 0.0) return 0;
    uint32_t u;
    memcpy(&u, &f, 4);
    const uint32_t a = u & 0x7fffffffu, E = a >> 23;
    if (fmt == BCE_FMT_BF16) return E >= 1 && E < 255 && (a & 0xffffu) == 0x8000u;
    return E >= 113 && E <= 141 && (a & 0x1fffu) == 0x1000u;
}

/* z fixed, the labels y (of the type, in [0, 1]) whose exact part
 * (loss: z (1 - y) for z > 0, -z y for z < 0; gradient, z >= 0: 1 - y) is
 * a 16-bit midpoint (y = 0 or y >= 2^-50: the tier's lanes): the binary32
 * tier alone must decide each (tier32_decides); repeated to a multiple of
 * 8, on the avx2 kernel every element must be decided (redo = 0), and check()
 * compares every decided output with the per-sample code and the entry
 * point with MPFR.  Returns the count of such labels. */
static size_t midpoint_family(int fmt, double z, int grad)
{
    uint16_t lab[20000], x[20000], y[20000];
    const size_t nl = labels(fmt, lab);
    const uint16_t zb = bits_of(fmt, z);
    const double zv = val(fmt, zb);
    cr_assert_eq(zv, z);
    size_t k = 0;
    for (size_t j = 0; j < nl; j++) {
        const double yv = val(fmt, lab[j]);
        if (yv > 0 && yv < 0x1p-50) continue;   /* z y maybe inexact in binary32: not the tier's */
        const double part = grad ? 1.0 - yv : (zv > 0 ? zv * (1.0 - yv) : -zv * yv);  /* exact */
        if (is_mid16(fmt, part)) y[k++] = lab[j];
    }
    const size_t nm = k;
    cr_assert_gt(nm, 0, "no midpoint in the family z=%a", z);
    while (k % 8) { y[k] = y[k % nm]; k++; }
    for (size_t j = 0; j < k; j++) x[j] = zb;
    tier32_decides(fmt, 1, grad, nm, x, y);
    /* and through the kernel: no element left to the per-sample path */
    for (size_t i = 0; i < bce_isa_count(); i++) {
        const bce_isa *e = bce_isa_entry(i);
        if (strcmp(e->name, "avx2") || !e->runnable || !e->runnable() || !e->lowp16) continue;
        float xf[20000], yf[20000];
        uint16_t L[20000], G[20000];
        unsigned char redo[256];
        for (size_t j = 0; j < k; j++) { xf[j] = (float)zv; yf[j] = (float)val(fmt, y[j]); }
        const double (*T)[2] = bce_lowp_table(fmt, 1);
        const float (*Tf)[2] = bce_lowp_table_f32(fmt, 1);
        for (size_t j0 = 0; j0 < k; j0 += 256) {
            const size_t m = k - j0 < 256 ? k - j0 : 256;
            e->lowp16(m, x + j0, xf + j0, yf + j0, NULL, fmt, 1, T, Tf, NULL, NULL, L + j0,
                      G + j0, redo);
            for (size_t j = 0; j < m; j++)
                cr_assert(!redo[j], "avx2 left z=%a y=%a (%s midpoint) to the per-sample path",
                          zv, (double)yf[j0 + j], grad ? "gradient" : "loss");
        }
    }
    must_redo_avx2 = 0;
    check(fmt, 1, k, x, y, NULL, NULL);
    must_redo_avx2 = 1;
    return nm;
}

/* probs, y = 1, 1/2 <= p < 1 with p - 2 a 16-bit midpoint (the gradient
 * -1/p just beyond it): every element decided by the binary32 tier with
 * the per-sample bits (the double tier would decide them too: only the
 * tier shows the rule), and check() */
static size_t midpoint_probs(int fmt)
{
    uint16_t x[20000], y[20000];
    const uint16_t one = fmt == BCE_FMT_BF16 ? 0x3f80 : 0x3c00;
    size_t k = 0;
    for (uint32_t b = bits_of(fmt, 0.5); b < one; b++)
        if (is_mid16(fmt, val(fmt, (uint16_t)b) - 2.0)) { x[k] = (uint16_t)b; y[k] = one; k++; }
    const size_t nm = k;
    cr_assert_gt(nm, 0);
    while (k % 8) { x[k] = x[k % nm]; y[k] = one; k++; }
    tier32_decides(fmt, 0, 1, nm, x, y);
    check(fmt, 0, k, x, y, NULL, NULL);
    return nm;
}

Test(lowp_table, midpoint_rule_avx2)
{
    /* losses: A + L(|z|) with A a midpoint, L far below 2^-21 A */
    size_t n = 0;
    n += midpoint_family(BCE_FMT_BF16, -1016.0, 0);
    n += midpoint_family(BCE_FMT_BF16, 100.0, 0);
    n += midpoint_family(BCE_FMT_BF16, -24.0, 0);
    n += midpoint_family(BCE_FMT_F16, 112.5, 0);
    n += midpoint_family(BCE_FMT_F16, -20.0, 0);
    n += midpoint_family(BCE_FMT_F16, 18.5, 0);
    /* gradients (1 - y) - sigma(-z), 1 - y a midpoint, z beyond ~15 */
    n += midpoint_family(BCE_FMT_BF16, 20.0, 1);
    n += midpoint_family(BCE_FMT_BF16, 40.0, 1);
    n += midpoint_family(BCE_FMT_F16, 17.0, 1);
    n += midpoint_family(BCE_FMT_F16, 24.0, 1);
    /* probability gradients -1/p, y = 1, just beyond the midpoint p - 2 */
    n += midpoint_probs(BCE_FMT_BF16);
    n += midpoint_probs(BCE_FMT_F16);
    printf("lowp_table: %zu midpoint elements decided by the avx2 binary32 tier\n", n);
}

static const unsigned char *zero_grad(size_t n, const uint16_t *x, const uint16_t *y,
                                      unsigned char *mr)
{
    (void)x;
    for (size_t j = 0; j < n; j++) mr[j] = val(BCE_FMT_BF16, y[j]) == 0.5;  /* g = 0 exactly */
    return mr;
}

Test(lowp_table, zero_logit_every_label)
{
    for (int f = BCE_FMT_BF16; f <= BCE_FMT_F16; f++) {
        every_label(f, 1, 0x0000, f == BCE_FMT_BF16 ? zero_grad : NULL);
        every_label(f, 1, 0x8000, f == BCE_FMT_BF16 ? zero_grad : NULL);
    }
}

Test(lowp_table, tiny_gradients)
{
    for (int f = BCE_FMT_BF16; f <= BCE_FMT_F16; f++) {
        uint16_t x[8192], y[8192], w[8192];
        unsigned char mr[8192];
        size_t n = 0;
        const uint16_t one = f == BCE_FMT_BF16 ? 0x3f80 : 0x3c00;
        /* logits: y next to sigma(z) (a few 16-bit steps either side) */
        for (int i = 0; i < 600; i++) {
            const double z = -8.0 + 16.0 * i / 599.0;
            const uint16_t zb = bits_of(f, bce_h16_round(z, f));
            const double sz = 1.0 / (1.0 + exp(-val(f, zb)));
            const uint16_t yb = bits_of(f, bce_h16_round(sz, f));
            for (int d = -3; d <= 3; d++) {
                const int b = (int)yb + d;
                if (b < 0 || b > one) continue;
                x[n] = zb; y[n] = (uint16_t)b; w[n] = bits_of(f, 1.5); n++;
            }
        }
        check(f, 1, n, x, y, NULL, NULL);
        check(f, 1, n, x, y, w, NULL);
        /* probs: p = y (gradient exactly 0: must go to the old path) and
         * neighbours */
        n = 0;
        for (uint32_t b = 1; b < one && n + 5 < 8192; b += 7) {
            for (int d = -2; d <= 2; d++) {
                const int yb = (int)b + d;
                if (yb < 0 || yb > one) continue;
                mr[n] = d == 0;
                x[n] = (uint16_t)b; y[n] = (uint16_t)yb; w[n] = bits_of(f, 0.5); n++;
            }
        }
        check(f, 0, n, x, y, NULL, mr);
        check(f, 0, n, x, y, w, NULL);
    }
}

Test(lowp_table, subnormal_outputs)
{
    for (int f = BCE_FMT_BF16; f <= BCE_FMT_F16; f++) {
        uint16_t x[8192], y[8192], w[8192];
        size_t n = 0;
        /* logits losses log1p(e^-z) and gradients -sigma(-z) through the
         * 16-bit subnormals: bf16 z in [80, 110], f16 z in [8, 20] */
        const double lo = f == BCE_FMT_BF16 ? 80.0 : 8.0, hi = f == BCE_FMT_BF16 ? 110.0 : 20.0;
        const uint16_t one = f == BCE_FMT_BF16 ? 0x3f80 : 0x3c00;
        for (uint16_t b = bits_of(f, lo); val(f, b) <= hi && n + 3 < 8192; b++) {
            const uint16_t ys[3] = { one, (uint16_t)(one - 1), 0 };
            for (int k = 0; k < 3; k++) { x[n] = b; y[n] = ys[k]; w[n] = bits_of(f, 0.25); n++; }
        }
        check(f, 1, n, x, y, NULL, NULL);
        check(f, 1, n, x, y, w, NULL);
        /* probs: losses -log p near p = 1 and tiny gradients at p = y */
        n = 0;
        for (uint16_t b = (uint16_t)(one - 200); b < one; b++) {
            x[n] = b; y[n] = one; w[n] = bits_of(f, 0.125); n++;
        }
        check(f, 0, n, x, y, NULL, NULL);
        check(f, 0, n, x, y, w, NULL);
    }
}

Test(lowp_table, overflow_to_infinity)
{
    /* f16: z = -65504, y = 1: loss 65504 + tiny (finite), times 2: inf;
     * p = 2^-24, y = 1: gradient -2^24: -inf; bf16: z = -max, w = 2^64 */
    const uint16_t f16_one = 0x3c00, bf_one = 0x3f80;
    uint16_t x[8], y[8], w[8];
    x[0] = 0xfbff; y[0] = f16_one; w[0] = bits_of(BCE_FMT_F16, 1.0);
    x[1] = 0xfbff; y[1] = f16_one; w[1] = bits_of(BCE_FMT_F16, 2.0);
    x[2] = 0xfbff; y[2] = 0x3800;  w[2] = bits_of(BCE_FMT_F16, 4.0);
    x[3] = 0x7bff; y[3] = 0;       w[3] = bits_of(BCE_FMT_F16, 1.0);
    check(BCE_FMT_F16, 1, 4, x, y, NULL, NULL);
    check(BCE_FMT_F16, 1, 4, x, y, w, NULL);
    x[0] = 0x0001; y[0] = f16_one; w[0] = bits_of(BCE_FMT_F16, 1.0);
    x[1] = 0x0001; y[1] = 0x3800;  w[1] = bits_of(BCE_FMT_F16, 1000.0);
    x[2] = 0x0002; y[2] = f16_one; w[2] = bits_of(BCE_FMT_F16, 65504.0);
    check(BCE_FMT_F16, 0, 3, x, y, NULL, NULL);
    check(BCE_FMT_F16, 0, 3, x, y, w, NULL);
    x[0] = 0xff7f; y[0] = bf_one; w[0] = bits_of(BCE_FMT_BF16, 0x1p64);
    x[1] = 0x7f7f; y[1] = 0;      w[1] = bits_of(BCE_FMT_BF16, 0x1p64);
    x[2] = 0x0001; y[2] = bf_one; w[2] = bits_of(BCE_FMT_BF16, 0x1p64);
    check(BCE_FMT_BF16, 1, 2, x, y, NULL, NULL);
    check(BCE_FMT_BF16, 1, 2, x, y, w, NULL);
    /* bf16 p = 2^-133, 2^-126, y = 1: gradients -2^133 (inf), -2^126 */
    x[0] = 0x0001; y[0] = bf_one; w[0] = bits_of(BCE_FMT_BF16, 1.0);
    x[1] = 0x0080; y[1] = bf_one; w[1] = bits_of(BCE_FMT_BF16, 0x1p64);
    x[2] = 0x0001; y[2] = 0;      w[2] = bits_of(BCE_FMT_BF16, 0x1p64);
    check(BCE_FMT_BF16, 0, 3, x, y, NULL, NULL);
    check(BCE_FMT_BF16, 0, 3, x, y, w, NULL);
}

Test(lowp_table, probability_ends)
{
    for (int f = BCE_FMT_BF16; f <= BCE_FMT_F16; f++) {
        const uint16_t one = f == BCE_FMT_BF16 ? 0x3f80 : 0x3c00;
        const uint16_t half = f == BCE_FMT_BF16 ? 0x3f00 : 0x3800;
        uint16_t x[64], y[64], w[64];
        size_t n = 0;
        const uint16_t ps[3] = { 0x0000, one, 0x8000 };
        const uint16_t ys[4] = { 0x0000, half, one, 0x8000 };
        const double wv[3] = { 0.0, 1.0, 3.0 };
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 4; b++)
                for (int c = 0; c < 3; c++) {
                    x[n] = ps[a]; y[n] = ys[b]; w[n] = bits_of(f, wv[c]); n++;
                }
        check(f, 0, n, x, y, NULL, NULL);
        check(f, 0, n, x, y, w, NULL);
    }
}

/* The count of elements the scalar table kernel left over in this file's
 * families (printed for docs/ACCURACY.md; asserted only > 0 above). */
Test(lowp_table, zz_report)
{
    every_label(BCE_FMT_F16, 1, bits_of(BCE_FMT_F16, 1.0), NULL);
    printf("lowp_table: %zu elements left to the per-sample path (scalar)\n", redo_total);
    cr_assert_geq(redo_total, 15362);   /* w = 0: every element */
}

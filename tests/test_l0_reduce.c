/*
 * test_l0_reduce.c -- weights, MEAN, SUM and WEIGHTED_MEAN on level 0 (kp->l0red,
 * simd/loop_tmpl.h, isa/x86_avx2/loop_f32.h, core/api.c reduced_l0): every
 * runnable ISA gives the scalar ISA's bits (which never take level 0).
 *
 * Part 1, the acceptance rule of the reduced loss: hard cases, where the
 * level-0 loss and the level-1 one round to different doubles (found by a
 * search with the rule's bound E set to 0: that build returned the other
 * neighbour on each of them, so this part fails without the bound), as SUM
 * and MEAN of 1, 8, 4096 and 2^17 + 4096 copies (power-of-two counts: the
 * sums are exact doublings, so the copies keep the single value's position
 * against the midpoint), 2 threads on the largest.
 * Part 2: random calls of every form and type, loss, gradient or both,
 * hard and soft labels, weights (0, over [2^-64, 2^64]; NONE and every
 * reduction), special values (p = 0 and 1: infinite terms; NaN
 * with BCE_OPT_PROPAGATE_NAN; huge z: the MEAN's 2^-600 frame; tiny z),
 * n from 1 to 2^17 + 37 (threads 1 and 2).  Plain C, public API only.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bce.h"

static uint64_t rs = 0x9E3779B97F4A7C15ull;
static uint64_t xr(void) { rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17; return rs; }
static double ur(void) { return (double)(xr() >> 11) * 0x1p-53; }

enum { NMAX = 131072 + 4096 + 64 };
static double x64[NMAX], y64[NMAX], L[2][NMAX], G[2][NMAX];
static float x32[NMAX], y32[NMAX], w32[NMAX];
static double w64[NMAX];
static int use_w;
static long calls, bad;

/* one call on every ISA against scalar; e: 0 logits f64, 1 probs f64,
 * 2 logits f32, 3 probs f32 */
static void check(int e, size_t n, const bce_options *o, int wl, int wg, const char *what)
{
    for (size_t k = 1; k < bce_isa_count(); k++) {
        const char *isa = bce_isa_name(k);
        if (!bce_isa_available(isa)) continue;
        bce_status st[2];
        for (int s = 0; s < 2; s++) {
            if (bce_set_isa(s ? isa : "scalar") != BCE_OK) { printf("FAIL: set_isa\n"); exit(1); }
            memset(L[s], 0x5a, sizeof L[s][0] * (n + 1));
            memset(G[s], 0x5a, sizeof G[s][0] * (n + 1));
            if (e == 0) st[s] = bce_logits_f64(n, x64, y64, use_w ? w64 : NULL, o, wl ? L[s] : NULL, wg ? G[s] : NULL);
            else if (e == 1) st[s] = bce_probs_f64(n, x64, y64, use_w ? w64 : NULL, o, wl ? L[s] : NULL, wg ? G[s] : NULL);
            else if (e == 2) st[s] = bce_logits_f32(n, x32, y32, use_w ? w32 : NULL, o, wl ? (float *)L[s] : NULL,
                                                    wg ? (float *)G[s] : NULL);
            else st[s] = bce_probs_f32(n, x32, y32, use_w ? w32 : NULL, o, wl ? (float *)L[s] : NULL,
                                       wg ? (float *)G[s] : NULL);
        }
        const size_t es = e < 2 ? 8 : 4;
        const size_t nl = o->reduction == BCE_REDUCTION_NONE ? n : 1;
        calls++;
        if (st[0] != st[1] || memcmp(L[0], L[1], es * nl) || memcmp(G[0], G[1], es * n)) {
            float f[2];
            memcpy(&f[0], L[0], 4);
            memcpy(&f[1], L[1], 4);
            if (bad++ < 10)
                printf("FAIL: %s: %s e %d n %zu reduction %d loss %d grad %d: status %d %d, loss %a %a\n",
                       what, isa, e, n, (int)o->reduction, wl, wg, st[0], st[1],
                       e < 2 ? L[0][0] : (double)f[0], e < 2 ? L[1][0] : (double)f[1]);
        }
    }
}

int main(void)
{
    /* part 1: the hard cases (logits f64, no weights) */
    use_w = 0;
    static const double hard[][2] = {
        { -0x1.51397c477e8fcp+1, 0 }, { 0x1.cfc10d3bc69dap+4, 1 }, { -0x1.b24a842fcb02p+0, 0 },
    };
    static const size_t copies[] = { 1, 8, 4096, 131072 + 4096 };
    for (size_t h = 0; h < sizeof hard / sizeof hard[0]; h++)
        for (size_t c = 0; c < sizeof copies / sizeof copies[0]; c++) {
            const size_t n = copies[c];
            for (size_t i = 0; i < n; i++) { x64[i] = hard[h][0]; y64[i] = hard[h][1]; }
            for (int red = BCE_REDUCTION_SUM; red <= BCE_REDUCTION_MEAN; red++)
                for (int th = 1; th <= (n > 65536 ? 2 : 1); th++) {
                    bce_options o = { 0 };
                    o.reduction = (bce_reduction)red;
                    o.threads = (uint64_t)th;
                    check(0, n, &o, 1, 0, "hard case");
                    check(0, n, &o, 1, 1, "hard case");
                }
        }
    /* part 2: random calls */
    for (int t = 0; t < 120; t++) {
        const int k = (int)(xr() % 8);
        const size_t n = k < 3 ? 1 + xr() % 70 : k < 6 ? 100 + xr() % 5000
                       : k == 6 ? 131072 + 37 : 16384 * (1 + xr() % 2);
        const int zmode = (int)(xr() % 5), ymode = (int)(xr() % 3), spec = (int)(xr() % 3);
        const int wmode = (int)(xr() % 4);
        for (size_t i = 0; i < n; i++) {
            const double u = ur();
            double z = zmode == 0 ? ldexp(u - 0.5, (int)(xr() % 1100) - 60)
                     : zmode == 1 ? (u - 0.5) * 1600 : zmode == 2 ? (u - 0.5) * 1e-3
                     : (u - 0.5) * 60;
            double y = ymode == 0 ? (double)(xr() & 1) : ymode == 1 ? ur()
                     : ((xr() & 3) ? (double)(xr() & 1) : ur());
            double p = 1.0 / (1.0 + exp(-z / 8));
            if (zmode == 2) p = ur() * 1e-3;
            if (spec == 1 && xr() % 500 == 0) p = (double)(xr() & 1);   /* infinite terms */
            if (spec == 2 && xr() % 500 == 0) p = z = NAN;              /* PROPAGATE_NAN */
            const int probs = t & 1;
            x64[i] = probs ? p : z;
            y64[i] = y;
            float xf = (float)x64[i];
            if (isinf(xf)) xf = (xr() & 1) ? 3e38f : -3e38f;
            if (probs && xf > 1.0f) xf = 1.0f;
            x32[i] = xf;
            y32[i] = (float)y;
            /* weights: 0, over [2^-64, 2^64], in [0, 1), near 1 */
            double wi = wmode == 0 ? ldexp(1 + ur(), (int)(xr() % 128) - 64)
                      : wmode == 1 ? ((xr() % 7) ? ur() : 0.0)
                      : wmode == 2 ? 1 + ur() : ldexp(1.0, (xr() & 1) ? 64 : -64);
            w32[i] = (float)wi;
            w64[i] = (double)w32[i];
        }
        for (int red = BCE_REDUCTION_NONE; red <= BCE_REDUCTION_WEIGHTED_MEAN; red++)
            for (int wh = 0; wh < 3; wh++) {
                use_w = red == BCE_REDUCTION_WEIGHTED_MEAN || (xr() & 1);
                if (red == BCE_REDUCTION_NONE && !use_w) continue;   /* (isa_bits, test_isa) */
                bce_options o = { 0 };
                o.reduction = (bce_reduction)red;
                o.threads = (xr() & 1) ? 2 : 1;
                if (spec == 2) o.flags |= BCE_OPT_PROPAGATE_NAN;
                check((t & 1), n, &o, wh != 1, wh != 0, "random");
                check(2 + (t & 1), n, &o, wh != 1, wh != 0, "random");
            }
    }
    /* part 3: the gradient in place (dz == z) of a reduction whose
     * level-0 sum is undecided (tiny terms: L = e^-700 < 2^-900 at z = 700,
     * y = 1, so the loss is recomputed): the recomputation must not read
     * the gradient written over z (it did, on the first version) */
    for (int red = BCE_REDUCTION_SUM; red <= BCE_REDUCTION_MEAN; red++)
        for (size_t k = 1; k < bce_isa_count(); k++) {
            const char *isa = bce_isa_name(k);
            if (!bce_isa_available(isa)) continue;
            const size_t n = 4096;
            double lz[2];
            for (int s = 0; s < 2; s++) {
                for (size_t i = 0; i < n; i++) {
                    G[s][i] = (i % 97 == 0) ? 700.0 : (double)(i % 41) * 0.37 - 7.0;
                    y64[i] = (double)(i & 1);
                    if (i % 97 == 0) y64[i] = 1.0;
                }
                bce_options o = { 0 };
                o.reduction = (bce_reduction)red;
                bce_set_isa(s ? isa : "scalar");
                if (bce_logits_f64(n, G[s], y64, NULL, &o, &lz[s], G[s]) != BCE_OK) bad++;
            }
            calls++;
            if (memcmp(&lz[0], &lz[1], 8) || memcmp(G[0], G[1], 8 * n)) {
                if (bad++ < 10)
                    printf("FAIL: in place: %s reduction %d: loss %a %a\n", isa, red, lz[0], lz[1]);
            }
        }
    bce_set_isa("auto");
    printf("test_l0_reduce: %ld comparisons with scalar, %ld differ\n", calls, bad);
    return bad != 0;
}

/*
 * isa_bits.c -- every runnable ISA gives the baseline ISA's bits (registry
 * row 0, "scalar"), for bce_logits_f64/f32 and bce_probs_f64/f32 and the
 * 16-bit entry points (bce_{logits,probs}_{bf16,f16}, float outputs, and
 * bce_{logits,probs}_{bf16,f16}_{bf16,f16}, 16-bit outputs): status,
 * loss (per sample or reduced) and gradient, compared bit for bit with
 * memcmp over the whole output buffers (one element past the end included:
 * nothing is written there, nor anywhere on an error).  Plain C and libbce's
 * public API only (no Criterion, no MPFR), so it runs in a cross build too
 * (under qemu-user: .ci/run, stage 7).  The ISAs come from bce_isa_count() /
 * bce_isa_name(i) / bce_isa_available(): no names are written here.
 *
 * Inputs (fixed seeds; deterministic on one machine): random in every
 * regime, special values (+-0, +-tiny, subnormals, +-huge, +-inf, NaN with
 * BCE_OPT_PROPAGATE_NAN), the kernels' thresholds (|z| = 2^-900, 600,
 * [600, 800], the f32 thresholds), z near 0, p = 0, 1, near 1, tiny and
 * subnormal, hard labels, soft labels and labels next to sigma(z) (the
 * soft-label cancellation), weights 0, random and at the range ends.
 * Configurations: options {none, pos_weight 2.5, 0, 2^-64, 2^64, label
 * smoothing 0.1, 2^-64, 1, log clamp, NaN propagation, pos_weight +
 * smoothing + NaN propagation} x every reduction x {no weights, weights} x
 * {loss and gradient, loss only, gradient only}:
 *   part 1: every n in 0..33 at every start offset 0..3 (every lane
 *           position, every tail), windows moving through the input set;
 *   part 2: n = 2051 at offset 1 (misaligned), every configuration;
 *   part 3: n = 2^16 - 5 (the whole set), a few configurations.
 * BCE_ISA_BITS_SCALE=k (default 1) multiplies parts 2 and 3's lengths.
 * Prints the counts per ISA and entry point; exit 1 at the first mismatch
 * (entry point, configuration, n, offset, index, inputs, both bit
 * patterns), 0 otherwise (also when only the baseline is runnable: it says
 * so).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bce.h"

/* ---- deterministic generator (xoshiro256**, splitmix64 seeding) ---------- */

static uint64_t rs[4];
static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static uint64_t rnext(void)
{
    uint64_t r = rotl(rs[1] * 5, 7) * 9, t = rs[1] << 17;
    rs[2] ^= rs[0]; rs[3] ^= rs[1]; rs[1] ^= rs[2]; rs[0] ^= rs[3];
    rs[2] ^= t; rs[3] = rotl(rs[3], 45);
    return r;
}
static void rseed(uint64_t s)
{
    for (int i = 0; i < 4; i++) {
        uint64_t z = (s += 0x9e3779b97f4a7c15u);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        rs[i] = z ^ (z >> 31);
    }
}
static double unif(void) { return (double)(rnext() >> 11) * 0x1p-53; }   /* [0, 1) */
static unsigned pick(unsigned n) { return (unsigned)(rnext() % n); }

/* ---- the input set ------------------------------------------------------------ */

#define NSET (1u << 16)
#define NPAD (NSET + 8)
/* f64 and f32 sets; x_n* holds NaNs (for BCE_OPT_PROPAGATE_NAN), x_c* the
 * same values with each NaN replaced by a finite one */
static double *zn, *zc, *pn, *pc, *yl, *yp, *wt;
static float *zn32, *zc32, *pn32, *pc32, *yl32, *yp32, *wt32;

static const double zspec[] = {
    0.0, -0.0, INFINITY, -INFINITY, NAN, 0x1p-1074, -0x1p-1074, 0x1p-1022,
    -0x1p-1022, 0x0.8p-1022, -0x0.fffffffffffffp-1022, 0x1p-900, -0x1p-900,
    0x1.0000000000001p-900, -0x1.0000000000001p-900, 0x1.fffffffffffffp-901,
    -0x1.fffffffffffffp-901, 0x1p-60, -0x1p-30, 1e-300, 600.0, -600.0,
    0x1.2c00000000001p9, -0x1.2c00000000001p9, 0x1.2bfffffffffffp9, 600.5,
    623.0, -623.9, 700.0, -709.78, 709.79, 745.1, -745.2, 750.0, -800.0,
    1000.0, -1000.5, 36.7, -36.7, 37.0, 17.0, -17.0, 16.6355, 88.72, -88.73,
    103.97, -103.98, 104.0, 1e300, -1e300, 0x1.fffffffffffffp+1023,
    -0x1.fffffffffffffp+1023, 1.0, -1.0, 0.5, 2.0,
};
static const double pspec[] = {
    0.0, 1.0, NAN, 0x1p-1074, 0x1p-1022, 0x0.8p-1022, 0x1p-800,
    0x1.0000000000001p-800, 0x1.fffffffffffffp-801, 0x1p-900, 0x1p-149,
    0x1p-126, 0x1p-100, 0x1.fffffffffffffp-1, 0x1.ffffffffffffep-1,
    0x1.fffffep-1, 0x1.fffffcp-1, 1.0 - 0x1p-30, 0.5, 0x1p-53, 1e-300,
};
static const double yspec[] = { 0.0, 1.0, 0.5, 0x1p-900, 0x1.fffffffffffffp-901,
    0x1p-1074, 0x1p-149, 0x1.fffffffffffffp-1, 0x1.fffffep-1, 0.25, 0x1p-60 };

static double sigma(double z) { return 1.0 / (1.0 + exp(-z)); }

static double gen_z(void)
{
    double u = unif();
    if (u < 0.08) return zspec[pick(sizeof zspec / sizeof zspec[0])];
    if (u < 0.45) return (unif() - 0.5) * 60.0;                      /* the bulk */
    if (u < 0.60) return (unif() - 0.5) * 1300.0;                    /* both tails */
    if (u < 0.70) return (pick(2) ? 1 : -1) * (600.0 + 200.0 * unif());   /* [600, 800] */
    if (u < 0.85) return ldexp(unif() - 0.5, -(int)pick(1100));      /* z near 0, tiny */
    if (u < 0.92) return (unif() - 0.5) * 240.0;                     /* f32 thresholds */
    uint64_t b = rnext();                                            /* any bits */
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static double gen_p(void)
{
    double q = unif();
    if (q < 0.10) return pspec[pick(sizeof pspec / sizeof pspec[0])];
    if (q < 0.30) return ldexp(unif(), -(int)pick(1080));            /* tiny, subnormal */
    if (q < 0.45) return 1.0 - ldexp(unif(), -(int)pick(60));        /* near 1 */
    if (q < 0.55) return (double)(float)unif();                     /* floats */
    return unif();
}

static double gen_label(double x, int probs)
{
    double v = unif();
    if (v < 0.45) return (double)pick(2);
    if (v < 0.55) return yspec[pick(sizeof yspec / sizeof yspec[0])];
    if (v < 0.80) return unif();
    if (!isfinite(x)) return 0.5;
    return probs ? x : sigma(x);      /* the soft-label cancellation */
}

static double gen_w(void)
{
    unsigned k = pick(64);
    if (k < 8) return 0.0;
    if (k == 8) return 0x1p-64;
    if (k == 9) return 0x1p64;
    if (k == 10) return 0x1.8p-40;
    return unif() * 3.0 + 0x1p-60;
}

/* a float version of a double input: the f32 thresholds are floats too */
static float to_f32(double d) { return (float)d; }

/* 16-bit inputs: the f32 set rounded to bf16 / f16 (nearest-even, by the
 * quantum trick; f16 overflow to inf, a weight kept finite), every eighth
 * label a simple dyadic (1/4, 3/4, 3/8: z(1-y) lands on 16-bit midpoints,
 * the 16-bit outputs' recomputed samples). */
static uint16_t *zn16[2], *zc16[2], *pn16[2], *pc16[2], *yl16[2], *yp16[2], *wt16[2];

static double rn16(int f16, double x)
{
    const int p = f16 ? 11 : 8, emin = f16 ? -14 : -126;
    const double big = f16 ? 0x1p16 : 0x1p128;
    if (isnan(x) || isinf(x) || x == 0) return x;
    double a = fabs(x);
    if (a >= big) return copysign(INFINITY, x);
    int e;
    frexp(a, &e);
    int q = (e - 1 > emin ? e - 1 : emin) - p + 1;
    double r = q + 52 < -1022 ? 0.0 : (a + ldexp(1.0, q + 52)) - ldexp(1.0, q + 52);
    if (r >= big) r = INFINITY;
    return copysign(r, x);
}

static uint16_t bits16(int f16, double v)
{
    if (!f16) {
        float f = (float)v;
        uint32_t u;
        memcpy(&u, &f, 4);
        return (uint16_t)(u >> 16);
    }
    if (isnan(v)) return 0x7e00;
    uint16_t sg = signbit(v) ? 0x8000 : 0;
    double a = fabs(v);
    if (isinf(a)) return sg | 0x7c00;
    if (a < 0x1p-14) return sg | (uint16_t)(a * 0x1p24);
    int e;
    double m = frexp(a, &e);
    return sg | (uint16_t)((e - 1 + 15) << 10) | (uint16_t)(m * 2048 - 1024);
}

static uint16_t to16(int f16, double x) { return bits16(f16, rn16(f16, x)); }

static void make_set(void)
{
    size_t bytes = NPAD * sizeof(double), fb = NPAD * sizeof(float);
    zn = malloc(bytes); zc = malloc(bytes); pn = malloc(bytes); pc = malloc(bytes);
    yl = malloc(bytes); yp = malloc(bytes); wt = malloc(bytes);
    zn32 = malloc(fb); zc32 = malloc(fb); pn32 = malloc(fb); pc32 = malloc(fb);
    yl32 = malloc(fb); yp32 = malloc(fb); wt32 = malloc(fb);
    if (!zn || !zc || !pn || !pc || !yl || !yp || !wt || !zn32 || !zc32 || !pn32 ||
        !pc32 || !yl32 || !yp32 || !wt32) {
        fprintf(stderr, "isa_bits: out of memory\n");
        exit(2);
    }
    rseed(20261208);
    for (size_t i = 0; i < NPAD; i++) {
        double z = gen_z(), p = gen_p();
        zn[i] = z; zc[i] = isnan(z) ? 0.75 : z;
        pn[i] = p; pc[i] = isnan(p) ? 0.25 : p;
        yl[i] = gen_label(zc[i], 0);
        yp[i] = gen_label(pc[i], 1);
        wt[i] = gen_w();
        /* f32: the same values rounded (huge ones become +-inf), but every
         * fourth element its own float draw, so the float thresholds and
         * float subnormals are met as often as the double ones */
        if ((i & 3) == 3) {
            double u = unif();
            float zf = u < 0.3 ? (float)((unif() - 0.5) * 240.0)
                     : u < 0.5 ? ldexpf((float)unif(), -(int)pick(160))
                     : u < 0.7 ? (float)(17.0 + (unif() - 0.5) * 4.0)
                     : (float)((unif() - 0.5) * 40.0);
            zn32[i] = zc32[i] = zf;
            float pf = u < 0.5 ? ldexpf((float)unif(), -(int)pick(160))
                              : 1.0f - ldexpf((float)unif(), -(int)pick(26));
            pn32[i] = pc32[i] = pf;
            yl32[i] = pick(2) ? (float)pick(2) : (float)sigma(zf);
            yp32[i] = pick(2) ? (float)pick(2) : pf;
        } else {
            zn32[i] = to_f32(zn[i]); zc32[i] = to_f32(zc[i]);
            pn32[i] = to_f32(pn[i]); pc32[i] = to_f32(pc[i]);
            yl32[i] = to_f32(yl[i]); yp32[i] = to_f32(yp[i]);
        }
        wt32[i] = to_f32(wt[i]);
    }
    for (int h = 0; h < 2; h++) {
        uint16_t **arr[7] = { zn16, zc16, pn16, pc16, yl16, yp16, wt16 };
        for (int a = 0; a < 7; a++) {
            arr[a][h] = malloc(NPAD * sizeof(uint16_t));
            if (!arr[a][h]) { fprintf(stderr, "isa_bits: out of memory\n"); exit(2); }
        }
        static const double dy[3] = { 0.25, 0.75, 0.375 };
        for (size_t i = 0; i < NPAD; i++) {
            zn16[h][i] = to16(h, zn32[i]); zc16[h][i] = to16(h, zc32[i]);
            pn16[h][i] = to16(h, pn32[i]); pc16[h][i] = to16(h, pc32[i]);
            yl16[h][i] = to16(h, (i & 7) == 5 ? dy[i % 3] : yl32[i]);
            yp16[h][i] = to16(h, (i & 7) == 5 ? dy[i % 3] : yp32[i]);
            double w = rn16(h, wt32[i]);
            wt16[h][i] = bits16(h, isinf(w) ? (h ? 65504.0 : 0x1.fep127) : w);
        }
    }
}

/* ---- configurations -------------------------------------------------------------- */

#define NOPT 11
static const char *const opt_names[NOPT] = {
    "none", "pos_weight=2.5", "pos_weight=0", "pos_weight=2^-64", "pos_weight=2^64",
    "smoothing=0.1", "smoothing=2^-64", "smoothing=1", "clamp", "propagate_nan",
    "pos_weight=0.3+smoothing=0.05+propagate_nan",
};
static const char *const red_names[4] = { "none", "sum", "mean", "weighted_mean" };
static const char *const out_names[3] = { "loss+grad", "loss", "grad" };
#define NEP 12
static const char *const ep_names[NEP] = { "logits_f64", "probs_f64", "logits_f32", "probs_f32",
    "logits_bf16", "probs_bf16", "logits_f16", "probs_f16",
    "logits_bf16_bf16", "probs_bf16_bf16", "logits_f16_f16", "probs_f16_f16" };
/* element size of the outputs of entry point ep */
static size_t out_size(int ep) { return ep < 2 ? 8 : ep < 8 ? 4 : 2; }

static void make_opt(int k, int red, bce_options *o)
{
    memset(o, 0, sizeof *o);
    o->reduction = (bce_reduction)red;
    switch (k) {
    case 1: o->flags = BCE_OPT_POS_WEIGHT; o->pos_weight = 2.5; break;
    case 2: o->flags = BCE_OPT_POS_WEIGHT; o->pos_weight = 0.0; break;
    case 3: o->flags = BCE_OPT_POS_WEIGHT; o->pos_weight = BCE_POS_WEIGHT_MIN; break;
    case 4: o->flags = BCE_OPT_POS_WEIGHT; o->pos_weight = BCE_POS_WEIGHT_MAX; break;
    case 5: o->label_smoothing = 0.1; break;
    case 6: o->label_smoothing = BCE_SMOOTHING_MIN; break;
    case 7: o->label_smoothing = 1.0; break;
    case 8: o->flags = BCE_OPT_LOG_CLAMP; break;        /* logits: BCE_E_BAD_OPTION */
    case 9: o->flags = BCE_OPT_PROPAGATE_NAN; break;
    case 10:
        o->flags = BCE_OPT_POS_WEIGHT | BCE_OPT_PROPAGATE_NAN;
        o->pos_weight = 0.3;
        o->label_smoothing = 0.05;
        break;
    default: break;
    }
}

/* ---- one comparison ---------------------------------------------------------------- */

static size_t nisa, base_isa;
static const char *isa_list[16];        /* runnable ISAs other than the baseline */
static size_t nrun;
static unsigned long long ncalls[16][NEP], nelems[16][NEP];
static unsigned char *bufL[17], *bufG[17];
static size_t bufcap;

static void die_mismatch(size_t t, int ep, int k, int red, int weighted, int outs,
                         size_t n, size_t off, size_t base, const char *what,
                         size_t idx, bce_status s0, bce_status s1)
{
    const int f32 = ep >= 2, probs = ep & 1, nan = k == 9 || k == 10;
    const int h16 = ep >= 4, f16 = h16 && (ep & 2);
    fprintf(stderr, "isa_bits: MISMATCH %s vs %s: %s, options %s, reduction %s, %s, %s\n",
            isa_list[t], bce_isa_name(base_isa), ep_names[ep], opt_names[k],
            red_names[red], weighted ? "weights" : "no weights", out_names[outs]);
    fprintf(stderr, "  n = %zu, start = %zu (offset %zu), status %s / %s\n", n, base + off,
            off, bce_status_name(s0), bce_status_name(s1));
    if (!what) return;
    size_t j = base + off + (idx < n ? idx : 0);
    double x, y, w;
    if (!f32) {
        x = probs ? (nan ? pn : pc)[j] : (nan ? zn : zc)[j];
        y = probs ? yp[j] : yl[j];
        w = wt[j];
    } else if (!h16) {
        x = probs ? (nan ? pn32 : pc32)[j] : (nan ? zn32 : zc32)[j];
        y = probs ? yp32[j] : yl32[j];
        w = wt32[j];
    } else {
        x = probs ? (nan ? pn16 : pc16)[f16][j] : (nan ? zn16 : zc16)[f16][j];
        y = probs ? yp16[f16][j] : yl16[f16][j];
        w = wt16[f16][j];
        fprintf(stderr, "  (16-bit inputs: bit patterns below)\n");
    }
    fprintf(stderr, "  %s[%zu]%s: input x = %a, y = %a, w = %a\n", what, idx,
            idx < n ? "" : " (past the end)", x, y, weighted ? w : 1.0);
    const size_t es = out_size(ep);
    const unsigned char *a = (what[0] == 'l' ? bufL : bufG)[0] + idx * es;
    const unsigned char *b = (what[0] == 'l' ? bufL : bufG)[1] + idx * es;
    if (es == 2) {
        uint16_t u0, u1;
        memcpy(&u0, a, 2); memcpy(&u1, b, 2);
        fprintf(stderr, "  %s: 0x%04x   %s: 0x%04x\n", bce_isa_name(base_isa), u0,
                isa_list[t], u1);
    } else if (f32) {
        uint32_t u0, u1;
        float f0, f1;
        memcpy(&u0, a, 4); memcpy(&u1, b, 4); memcpy(&f0, a, 4); memcpy(&f1, b, 4);
        fprintf(stderr, "  %s: 0x%08" PRIx32 " (%a)   %s: 0x%08" PRIx32 " (%a)\n",
                bce_isa_name(base_isa), u0, (double)f0, isa_list[t], u1, (double)f1);
    } else {
        uint64_t u0, u1;
        double d0, d1;
        memcpy(&u0, a, 8); memcpy(&u1, b, 8); memcpy(&d0, a, 8); memcpy(&d1, b, 8);
        fprintf(stderr, "  %s: 0x%016" PRIx64 " (%a)   %s: 0x%016" PRIx64 " (%a)\n",
                bce_isa_name(base_isa), u0, d0, isa_list[t], u1, d1);
    }
}

static bce_status call(int ep, size_t n, size_t j, int nan, int weighted,
                       const bce_options *o, void *L, void *G)
{
    if (ep == 0)
        return bce_logits_f64(n, (nan ? zn : zc) + j, yl + j, weighted ? wt + j : NULL, o, L, G);
    if (ep == 1)
        return bce_probs_f64(n, (nan ? pn : pc) + j, yp + j, weighted ? wt + j : NULL, o, L, G);
    if (ep == 2)
        return bce_logits_f32(n, (nan ? zn32 : zc32) + j, yl32 + j, weighted ? wt32 + j : NULL, o, L, G);
    if (ep == 3)
        return bce_probs_f32(n, (nan ? pn32 : pc32) + j, yp32 + j, weighted ? wt32 + j : NULL, o, L, G);
    const int h = (ep & 2) != 0, probs = ep & 1;
    const uint16_t *x = probs ? (nan ? pn16 : pc16)[h] + j : (nan ? zn16 : zc16)[h] + j;
    const uint16_t *y = probs ? yp16[h] + j : yl16[h] + j;
    const uint16_t *w = weighted ? wt16[h] + j : NULL;
    switch (ep) {
    case 4: return bce_logits_bf16(n, x, y, w, o, L, G);
    case 5: return bce_probs_bf16(n, x, y, w, o, L, G);
    case 6: return bce_logits_f16(n, x, y, w, o, L, G);
    case 7: return bce_probs_f16(n, x, y, w, o, L, G);
    case 8: return bce_logits_bf16_bf16(n, x, y, w, o, L, G);
    case 9: return bce_probs_bf16_bf16(n, x, y, w, o, L, G);
    case 10: return bce_logits_f16_f16(n, x, y, w, o, L, G);
    default: return bce_probs_f16_f16(n, x, y, w, o, L, G);
    }
}

static size_t first_diff(const unsigned char *a, const unsigned char *b, size_t cnt, size_t es)
{
    for (size_t i = 0; i < cnt; i++)
        if (memcmp(a + i * es, b + i * es, es)) return i;
    return cnt;
}

/* One configuration on x[base + off .. + n): the baseline once, then every
 * other runnable ISA against it. */
static void check(int ep, int k, int red, int weighted, int outs, size_t n,
                  size_t base, size_t off)
{
    const int nan = k == 9 || k == 10;
    const size_t es = out_size(ep);
    const size_t bytes = (n + 1) * es;
    bce_options o;
    make_opt(k, red, &o);
    const int wl = outs != 2, wg = outs != 1;
    bce_status st[17];
    for (size_t s = 0; s <= nrun; s++) {
        if (bce_set_isa(s == 0 ? bce_isa_name(base_isa) : isa_list[s - 1]) != BCE_OK) {
            fprintf(stderr, "isa_bits: bce_set_isa failed\n");
            exit(2);
        }
        unsigned char *L = bufL[s == 0 ? 0 : 1], *G = bufG[s == 0 ? 0 : 1];
        memset(L, 0x5a, bytes);
        memset(G, 0xa5, bytes);
        st[s] = call(ep, n, base + off, nan, weighted, &o, wl ? L : NULL, wg ? G : NULL);
        if (s == 0) continue;
        size_t t = s - 1;
        ncalls[t][ep]++;
        nelems[t][ep] += n;
        if (st[s] != st[0]) {
            die_mismatch(t, ep, k, red, weighted, outs, n, off, base, NULL, 0, st[0], st[s]);
            exit(1);
        }
        size_t i = first_diff(bufL[0], L, n + 1, es);
        if (i <= n) {
            die_mismatch(t, ep, k, red, weighted, outs, n, off, base, "loss", i, st[0], st[s]);
            exit(1);
        }
        i = first_diff(bufG[0], G, n + 1, es);
        if (i <= n) {
            die_mismatch(t, ep, k, red, weighted, outs, n, off, base, "grad", i, st[0], st[s]);
            exit(1);
        }
    }
}

static void need_buf(size_t n)
{
    size_t bytes = (n + 1) * sizeof(double);
    if (bytes <= bufcap) return;
    for (int s = 0; s < 2; s++) {
        free(bufL[s]); free(bufG[s]);
        bufL[s] = malloc(bytes); bufG[s] = malloc(bytes);
        if (!bufL[s] || !bufG[s]) { fprintf(stderr, "isa_bits: out of memory\n"); exit(2); }
    }
    bufcap = bytes;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(void)
{
    nisa = bce_isa_count();
    base_isa = 0;                       /* the registry's baseline: every kernel */
    if (nisa == 0 || !bce_isa_available(bce_isa_name(0))) {
        fprintf(stderr, "isa_bits: no baseline ISA\n");
        return 2;
    }
    printf("isa_bits: baseline %s; ISAs known:", bce_isa_name(0));
    for (size_t i = 0; i < nisa; i++) {
        int a = bce_isa_available(bce_isa_name(i));
        printf(" %s%s", bce_isa_name(i), a ? "" : " (not runnable)");
        if (i > 0 && a && nrun < sizeof isa_list / sizeof isa_list[0])
            isa_list[nrun++] = bce_isa_name(i);
    }
    printf("\n");
    if (nrun == 0) {
        printf("isa_bits: only the baseline is runnable here: nothing to compare\n");
        return 0;
    }
    long scale = 1;
    const char *e = getenv("BCE_ISA_BITS_SCALE");
    if (e && *e) scale = strtol(e, NULL, 10);
    if (scale < 1) scale = 1;
    double t0 = now();
    make_set();
    need_buf(NSET);

    /* part 1: every n in 0..33 at every offset 0..3; the window moves
     * through the set so the specials meet every lane position */
    size_t base = 0;
    for (size_t n = 0; n <= 33; n++)
        for (size_t off = 0; off < 4; off++)
            for (int ep = 0; ep < NEP; ep++)
                for (int k = 0; k < NOPT; k++)
                    for (int red = 0; red < 4; red++)
                        for (int wgt = 0; wgt < 2; wgt++)
                            for (int outs = 0; outs < 3; outs++) {
                                /* loss-only and grad-only at offsets 0 and 3 */
                                if (outs && off != 0 && off != 3) continue;
                                check(ep, k, red, wgt, outs, n, base, off);
                                base = (base + 41) % (NSET - 64);
                            }
    double t1 = now();
    printf("part 1 (n = 0..33, offsets 0..3): %.1f s\n", t1 - t0);

    /* part 2: a misaligned run of 2051 (odd: a tail) per configuration */
    size_t n2 = 2051 * (size_t)scale;
    if (n2 > NSET - 8) n2 = NSET - 8;
    base = 0;
    for (int ep = 0; ep < NEP; ep++)
        for (int k = 0; k < NOPT; k++)
            for (int red = 0; red < 4; red++)
                for (int wgt = 0; wgt < 2; wgt++)
                    for (int outs = 0; outs < 3; outs++) {
                        check(ep, k, red, wgt, outs, n2, base, 1);
                        base = (base + n2 + 7) % (NSET - n2 - 8);
                    }
    double t2 = now();
    printf("part 2 (n = %zu, offset 1, every configuration): %.1f s\n", n2, t2 - t1);

    /* part 3: the whole set, a few configurations (the reductions' long sums) */
    size_t n3 = NSET - 5;
    static const int cfg3[][4] = {   /* option, reduction, weights, outputs */
        { 0, 0, 0, 0 }, { 10, 0, 0, 0 }, { 0, 2, 1, 0 }, { 1, 3, 1, 0 },
        { 5, 1, 0, 2 }, { 9, 0, 1, 1 },
    };
    for (long rep = 0; rep < scale; rep++)
        for (int ep = 0; ep < NEP; ep++)
            for (size_t c = 0; c < sizeof cfg3 / sizeof cfg3[0]; c++)
                check(ep, cfg3[c][0], cfg3[c][1], cfg3[c][2], cfg3[c][3], n3, 0,
                      (size_t)(rep % 4));
    double t3 = now();
    printf("part 3 (n = %zu, %zu configurations): %.1f s\n", n3,
           sizeof cfg3 / sizeof cfg3[0], t3 - t2);

    for (size_t t = 0; t < nrun; t++)
        for (int ep = 0; ep < NEP; ep++)
            printf("%-8s %-16s == %s: %llu calls, %llu element results, same bits\n",
                   isa_list[t], ep_names[ep], bce_isa_name(base_isa), ncalls[t][ep],
                   nelems[t][ep]);
    printf("isa_bits: OK (%.1f s)\n", t3 - t0);
    bce_set_isa("auto");
    return 0;
}

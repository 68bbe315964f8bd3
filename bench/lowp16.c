/*
 * lowp16.c -- bce-bench-lowp16: the bf16/f16 entry points against the f32
 * kernel on the same values, timed in ONE process, in alternation
 * (docs/PERFORMANCE.md, "16-bit inputs"; the method of side_by_side.c).
 *
 * For each case (form logits|probs, type bf16|f16, labels hard|soft, n):
 *   f32      bce_<form>_f32 on the 16-bit values widened to float
 *   16->f32  bce_<form>_<type>        (float outputs)
 *   16->16   bce_<form>_<type>_<type> (16-bit outputs)
 * each with loss and gradient, reduction NONE, no weights, one thread.
 * Inputs: z uniform in [-20, 20], p = sigma(z), soft y uniform in [0, 1],
 * each rounded to the 16-bit type (so the f32 kernel sees the same values).
 * TRIALS rounds; in each round the three kernels are timed once (the order
 * rotates), a sample being REPS calls (REPS ~ 2*10^5 / n, at least 1) on
 * the thread's CPU clock.  Reported: median ns per element of each, and the
 * per-round ratios 16-bit / f32 (median, min..max): <= 1 means the 16-bit
 * entry point costs no more per element than the f32 kernel.
 *
 * First, before anything else calls libbce: the first and second call of
 * each 16-bit-output entry point on one element (thread CPU clock, us):
 * the first fills the table path's tables of its form and format
 * (core/lowp.c, once per process).
 *
 * Usage: bce-bench-lowp16 [--n LIST] [--trials T] [--big-trials T]
 * Prints a markdown table.  Not a test: no timed assertion anywhere.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bce.h"
#include "bench_util.h"




/* RN-even of a float to bf16 / f16 bits (finite inputs in range here) */
static uint16_t to_bf16(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}
static uint16_t to_f16(double v)
{
    /* |v| <= 20 or in [0, 1]: round to 11 bits (or the 2^-24 grid) */
    uint16_t s = v < 0 ? 0x8000u : 0;
    double a = fabs(v);
    if (a < 0x1p-14) return s | (uint16_t)nearbyint(a * 0x1p24);
    int e;
    frexp(a, &e);                     /* a in [2^(e-1), 2^e) */
    double q = ldexp(1.0, e - 11);
    double r = nearbyint(a / q) * q;
    frexp(r, &e);
    e -= 1;
    uint16_t m = (uint16_t)(r * ldexp(1.0, 10 - e) - 1024.0);
    return s | (uint16_t)((e + 15) << 10) | m;
}
static float from16(uint16_t h, int f16)
{
    if (!f16) {
        uint32_t u = (uint32_t)h << 16;
        float f;
        memcpy(&f, &u, 4);
        return f;
    }
    int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    double v = e ? ldexp(1024.0 + m, e - 25) : ldexp((double)m, -24);
    return (float)((h & 0x8000) ? -v : v);
}

static size_t NMAX;
/* [type][0 = z, 1 = p][hard, soft] */
static uint16_t *X16[2][2], *Y16[2][2];
static float *X32[2][2], *Y32[2][2];
static float *L32, *G32;
static uint16_t *L16, *G16;

static void make_inputs(void)
{
    for (int t = 0; t < 2; t++)
        for (int k = 0; k < 2; k++) {
            X16[t][k] = malloc(NMAX * 2); X32[t][k] = malloc(NMAX * 4);
            Y16[t][k] = malloc(NMAX * 2); Y32[t][k] = malloc(NMAX * 4);
            if (!X16[t][k] || !X32[t][k] || !Y16[t][k] || !Y32[t][k]) exit(2);
        }
    L32 = malloc(NMAX * 4); G32 = malloc(NMAX * 4);
    L16 = malloc(NMAX * 2); G16 = malloc(NMAX * 2);
    if (!L32 || !G32 || !L16 || !G16) exit(2);
    for (size_t i = 0; i < NMAX; i++) {
        double z = -20.0 + 40.0 * unif();
        double p = 1.0 / (1.0 + exp(-z));
        double yh = unif() < 0.5 ? 0.0 : 1.0, ys = unif();
        for (int t = 0; t < 2; t++) {
            uint16_t hz = t ? to_f16(z) : to_bf16((float)z);
            uint16_t hp = t ? to_f16(p) : to_bf16((float)p);
            uint16_t hh = t ? to_f16(yh) : to_bf16((float)yh);
            uint16_t hs = t ? to_f16(ys) : to_bf16((float)ys);
            X16[t][0][i] = hz; X16[t][1][i] = hp;
            Y16[t][0][i] = hh; Y16[t][1][i] = hs;
            X32[t][0][i] = from16(hz, t); X32[t][1][i] = from16(hp, t);
            Y32[t][0][i] = from16(hh, t); Y32[t][1][i] = from16(hs, t);
        }
    }
}

typedef bce_status (*k32)(size_t, const float *, const float *, const float *,
                          const bce_options *, float *, float *);
typedef bce_status (*k16f)(size_t, const uint16_t *, const uint16_t *, const uint16_t *,
                           const bce_options *, float *, float *);
typedef bce_status (*k16h)(size_t, const uint16_t *, const uint16_t *, const uint16_t *,
                           const bce_options *, uint16_t *, uint16_t *);

/* one sample of kernel k (0 f32, 1 float out, 2 16-bit out): ns */
static double sample(int form, int t, int soft, int k, size_t n, long reps)
{
    static const k32 F32[2] = { bce_logits_f32, bce_probs_f32 };
    static const k16f F16F[2][2] = { { bce_logits_bf16, bce_logits_f16 },
                                     { bce_probs_bf16, bce_probs_f16 } };
    static const k16h F16H[2][2] = { { bce_logits_bf16_bf16, bce_logits_f16_f16 },
                                     { bce_probs_bf16_bf16, bce_probs_f16_f16 } };
    double t0 = cpu_ns();
    for (long r = 0; r < reps; r++) {
        bce_status st;
        if (k == 0) st = F32[form](n, X32[t][form], Y32[t][soft], NULL, NULL, L32, G32);
        else if (k == 1) st = F16F[form][t](n, X16[t][form], Y16[t][soft], NULL, NULL, L32, G32);
        else st = F16H[form][t](n, X16[t][form], Y16[t][soft], NULL, NULL, L16, G16);
        if (st != BCE_OK) { fprintf(stderr, "bce-bench-lowp16: status %d\n", (int)st); exit(1); }
    }
    return cpu_ns() - t0;
}

int main(int argc, char **argv)
{
    size_t ns[8] = { 4096, 10000000 };
    int nn = 2, trials = 15, big_trials = 5;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--n") && i + 1 < argc) {
            nn = 0;
            for (char *s = strtok(argv[++i], ","); s && nn < 8; s = strtok(NULL, ","))
                ns[nn++] = (size_t)strtod(s, NULL);
        } else if (!strcmp(argv[i], "--trials") && i + 1 < argc) {
            trials = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--big-trials") && i + 1 < argc) {
            big_trials = atoi(argv[++i]);
        } else {
            fprintf(stderr, "usage: bce-bench-lowp16 [--n LIST] [--trials T] [--big-trials T]\n");
            return 2;
        }
    }
    if (trials < 1 || trials > 1000 || big_trials < 1 || big_trials > 1000 || nn < 1) return 2;
    {
        /* the one-time table fills: first calls, before any other call */
        static const k16h F[4] = { bce_logits_bf16_bf16, bce_logits_f16_f16,
                                   bce_probs_bf16_bf16, bce_probs_f16_f16 };
        static const char *nm[4] = { "logits bf16", "logits f16", "probs bf16", "probs f16" };
        const uint16_t x[4] = { 0x3f80, 0x3c00, 0x3f00, 0x3800 };   /* 1, 1, 1/2, 1/2 */
        const uint16_t yv[4] = { 0x3f00, 0x3800, 0x3f00, 0x3800 };  /* 1/2 */
        printf("first calls (n = 1, us, thread CPU clock):");
        for (int k = 0; k < 4; k++) {
            uint16_t l, g;
            double t0 = cpu_ns();
            bce_status s1 = F[k](1, &x[k], &yv[k], NULL, NULL, &l, &g);
            double t1 = cpu_ns();
            bce_status s2 = F[k](1, &x[k], &yv[k], NULL, NULL, &l, &g);
            double t2 = cpu_ns();
            if (s1 != BCE_OK || s2 != BCE_OK) return 1;
            printf(" %s %.0f (then %.1f)%s", nm[k], (t1 - t0) / 1e3, (t2 - t1) / 1e3, k < 3 ? ";" : "\n\n");
        }
    }
    NMAX = 0;
    for (int i = 0; i < nn; i++) if (ns[i] > NMAX) NMAX = ns[i];
    make_inputs();
    printf("ISA %s; ns per element (thread CPU clock), medians; ratio = 16-bit entry point / f32 per round, median (min..max)\n\n",
           bce_active_isa());
    printf("| form | type | labels | n | f32 | 16 -> float | ratio | 16 -> 16 | ratio |\n");
    printf("|---|---|---|---|---|---|---|---|---|\n");
    static const char *fn[2] = { "logits", "probs" }, *tn[2] = { "bf16", "f16" };
    for (int form = 0; form < 2; form++)
        for (int t = 0; t < 2; t++)
            for (int soft = 0; soft < 2; soft++)
                for (int ni = 0; ni < nn; ni++) {
                    const size_t n = ns[ni];
                    const int T = n >= 1000000 ? big_trials : trials;
                    long reps = (long)(200000 / n);
                    if (reps < 1) reps = 1;
                    double tm[3][1000], r1[1000], r2[1000];
                    sample(form, t, soft, 1, n, 1);   /* warm-up: tables, pages */
                    sample(form, t, soft, 2, n, 1);
                    sample(form, t, soft, 0, n, 1);
                    for (int r = 0; r < T; r++) {
                        double tt[3];
                        for (int j = 0; j < 3; j++) {
                            int k = (j + r) % 3;
                            tt[k] = sample(form, t, soft, k, n, reps) / ((double)reps * (double)n);
                        }
                        for (int k = 0; k < 3; k++) tm[k][r] = tt[k];
                        r1[r] = tt[1] / tt[0];
                        r2[r] = tt[2] / tt[0];
                    }
                    double lo1 = r1[0], hi1 = r1[0], lo2 = r2[0], hi2 = r2[0];
                    for (int r = 1; r < T; r++) {
                        if (r1[r] < lo1) lo1 = r1[r];
                        if (r1[r] > hi1) hi1 = r1[r];
                        if (r2[r] < lo2) lo2 = r2[r];
                        if (r2[r] > hi2) hi2 = r2[r];
                    }
                    double m0 = median(tm[0], T), m1 = median(tm[1], T), m2 = median(tm[2], T);
                    double q1 = median(r1, T), q2 = median(r2, T);
                    printf("| %s | %s | %s | %zu | %.2f | %.2f | %.2f (%.2f..%.2f) | %.2f | %.2f (%.2f..%.2f) |\n",
                           fn[form], tn[t], soft ? "soft" : "hard", n, m0, m1, q1, lo1, hi1,
                           m2, q2, lo2, hi2);
                    fflush(stdout);
                }
    return 0;
}

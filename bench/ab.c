/*
 * ab.c -- bce-bench-ab: two builds of libbce in ONE process (dlopen,
 * RTLD_LOCAL), each entry point called in alternation A, B, A, B ..., so
 * that a before/after comparison sees the same load (docs/PERFORMANCE.md).
 *
 * Usage: bce-bench-ab LIB_A LIB_B [--n LIST] [--trials T] [--threads K] [--soft] [--only NAME]
 *                    [--wmean narrow|wide]
 *   LIB_A, LIB_B  paths of two libbce.so (e.g. a build of main and of a
 *                 branch); --threads K sets bce_options.threads = K in B
 *                 only when B has the field (ignored by A unless it does);
 *                 --soft: labels uniform in [0, 1) (bce-bench-side-by-side's
 *                 soft labels) instead of {0, 1}; --only NAME: that entry
 *                 point only (e.g. bce_probs_f64); --wmean: weights and
 *                 WEIGHTED_MEAN in both, the weights uniform in [0.5, 1.5)
 *                 (narrow: their sum is exact in double-double) or 2^k (1 +
 *                 u), k uniform in -64..63 (wide: a sum of more than 106
 *                 bits, the exact-sum pass of core/api.c)
 * Prints per entry point and n the median ns per call of A and B (thread
 * CPU clock; wall clock with --threads) and the median and range of the
 * per-round ratio A / B (> 1: B is faster).  Inputs: logits uniform in
 * [-20, 20], p = sigma(z), hard labels (or --soft), reduction NONE, loss and gradient.
 * Not a test: no timed assertion.
 */
#if !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bce.h"

typedef bce_status (*fn64)(size_t, const double *, const double *, const double *,
                           const bce_options *, double *, double *);
typedef bce_status (*fn32)(size_t, const float *, const float *, const float *,
                           const bce_options *, float *, float *);
static const char *names[4] = { "bce_logits_f64", "bce_probs_f64", "bce_logits_f32", "bce_probs_f32" };

static double now_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return 1e9 * (double)ts.tv_sec + (double)ts.tv_nsec;
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bce-bench-ab LIB_A LIB_B [--n LIST] [--trials T] [--threads K]\n");
        return 2;
    }
    const char *nlist = "0,1,8,100,4096";
    int trials = 21, threads = 0, soft = 0, wmean = 0;
    const char *only = NULL;
    for (int a = 3; a < argc; a++) {
        if (!strcmp(argv[a], "--n") && a + 1 < argc) nlist = argv[++a];
        else if (!strcmp(argv[a], "--trials") && a + 1 < argc) trials = atoi(argv[++a]);
        else if (!strcmp(argv[a], "--threads") && a + 1 < argc) threads = atoi(argv[++a]);
        else if (!strcmp(argv[a], "--soft")) soft = 1;
        else if (!strcmp(argv[a], "--only") && a + 1 < argc) only = argv[++a];
        else if (!strcmp(argv[a], "--wmean") && a + 1 < argc) {
            a++;
            wmean = !strcmp(argv[a], "narrow") ? 1 : !strcmp(argv[a], "wide") ? 2 : -1;
            if (wmean < 0) { fprintf(stderr, "bce-bench-ab: --wmean narrow|wide\n"); return 2; }
        }
        else { fprintf(stderr, "bce-bench-ab: unknown argument %s\n", argv[a]); return 2; }
    }
    if (trials < 1 || trials > 1001) { fprintf(stderr, "bce-bench-ab: trials in 1..1001\n"); return 2; }
    typedef void (*anyfn)(void);
    void *h[2];
    anyfn f[2][4];
    for (int l = 0; l < 2; l++) {
        h[l] = dlopen(argv[1 + l], RTLD_NOW | RTLD_LOCAL);
        if (!h[l]) { fprintf(stderr, "bce-bench-ab: %s\n", dlerror()); return 2; }
        for (int e = 0; e < 4; e++) {
            void *sym = dlsym(h[l], names[e]);
            memcpy(&f[l][e], &sym, sizeof sym);   /* (POSIX: a function's address) */
            if (!sym) {
                fprintf(stderr, "bce-bench-ab: %s has no %s\n", argv[1 + l], names[e]);
                return 2;
            }
        }
    }
    size_t nv[32];
    int nn = 0;
    size_t nmax = 1;
    for (const char *p = nlist; *p && nn < 32;) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || v < 0) { fprintf(stderr, "bce-bench-ab: bad --n\n"); return 2; }
        nv[nn++] = (size_t)v;
        if ((size_t)v > nmax) nmax = (size_t)v;
        p = *end == ',' ? end + 1 : end;
    }
    double *z = malloc(nmax * 8), *p = malloc(nmax * 8), *y = malloc(nmax * 8),
           *L = malloc(nmax * 8), *G = malloc(nmax * 8), *w = malloc(nmax * 8);
    float *zf = malloc(nmax * 4), *pf = malloc(nmax * 4), *yf = malloc(nmax * 4),
          *Lf = malloc(nmax * 4), *Gf = malloc(nmax * 4), *wf = malloc(nmax * 4);
    double *ta = malloc(trials * sizeof(double)), *tb = malloc(trials * sizeof(double)),
           *rt = malloc(trials * sizeof(double));
    if (!z || !p || !y || !L || !G || !w || !zf || !pf || !yf || !Lf || !Gf || !wf || !ta || !tb ||
        !rt) {
        fprintf(stderr, "bce-bench-ab: out of memory\n");
        return 2;
    }
    uint64_t s = 0x243F6A8885A308D3u;
    for (size_t i = 0; i < nmax; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        double u = (double)(s >> 11) * 0x1p-53;
        /* soft labels: a second draw (the hard label's bit above is s's) */
        uint64_t s2 = s * 0x9E3779B97F4A7C15u;
        double u2 = (double)(s2 >> 11) * 0x1p-53;
        z[i] = -20.0 + 40.0 * u; p[i] = 1.0 / (1.0 + exp(-z[i])); y[i] = soft ? u2 : (double)((s >> 7) & 1);
        zf[i] = (float)z[i]; pf[i] = (float)p[i]; yf[i] = (float)y[i];
        /* weights (--wmean): a third draw */
        uint64_t s3 = s2 * 0xD1B54A32D192ED03u;
        double u3 = (double)(s3 >> 11) * 0x1p-53;
        w[i] = wmean == 2 ? ldexp(1.0 + u3, (int)((s3 >> 3) % 128) - 64) : 0.5 + u3;
        wf[i] = (float)w[i];
    }
    const double *wd = wmean ? w : NULL;
    const float *ws = wmean ? wf : NULL;
    const clockid_t clk = threads > 1 ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID;
    bce_options ob = { .threads = (uint64_t)threads };
    bce_options oa = { 0 };
    if (wmean) ob.reduction = oa.reduction = BCE_REDUCTION_WEIGHTED_MEAN;
    if (wmean) printf("weights: %s, WEIGHTED_MEAN\n", wmean == 2 ? "wide, 2^k (1 + u), k in -64..63" : "narrow, [0.5, 1.5)");
    printf("A = %s\nB = %s%s\nlabels: %s\n\n| entry point | n | A ns/call | B ns/call | A / B median (min..max) |\n|---|---|---|---|---|\n",
           argv[1], argv[2], threads > 1 ? " (threads set in B; wall clock)" : "", soft ? "soft, uniform in [0, 1)" : "hard {0, 1}");
    for (int e = 0; e < 4; e++)
        for (int k = 0; k < nn; k++) {
            if (only && strcmp(only, names[e])) continue;
            const size_t n = nv[k];
            const long reps = n >= 100000 ? 1 : (long)(100000 / (n + 1)) + 1;
            for (int r = -1; r < trials; r++) {
                double t[2];
                for (int j = 0; j < 2; j++) {
                    const int l = (r & 1) ? 1 - j : j;
                    const bce_options *o = l ? &ob : wmean ? &oa : NULL;
                    double t0 = now_ns(clk);
                    for (long q = 0; q < reps; q++) {
                        if (e == 0) ((fn64)f[l][0])(n, z, y, wd, o, L, G);
                        else if (e == 1) ((fn64)f[l][1])(n, p, y, wd, o, L, G);
                        else if (e == 2) ((fn32)f[l][2])(n, zf, yf, ws, o, Lf, Gf);
                        else ((fn32)f[l][3])(n, pf, yf, ws, o, Lf, Gf);
                    }
                    t[l] = (now_ns(clk) - t0) / (double)reps;
                }
                if (r < 0) continue;
                ta[r] = t[0]; tb[r] = t[1]; rt[r] = t[0] / t[1];
            }
            qsort(ta, trials, sizeof *ta, cmpd); qsort(tb, trials, sizeof *tb, cmpd);
            qsort(rt, trials, sizeof *rt, cmpd);
            printf("| %s | %zu | %.1f | %.1f | %.2f (%.2f..%.2f) |\n", names[e], n, ta[trials / 2],
                   tb[trials / 2], rt[trials / 2], rt[0], rt[trials - 1]);
            fflush(stdout);
        }
    return 0;
}

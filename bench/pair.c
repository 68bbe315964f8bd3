/*
 * pair.c -- bce-bench-pair: one libbce entry point against the libm loop of
 * its type, timed in alternation (libbce call, libm loop, libbce call, ...)
 * so that both see the same load: on a shared, loaded machine the best of
 * many alternated trials gives a ratio that bce-bench's one-case-at-a-time
 * samples cannot (docs/PERFORMANCE.md).  Same inputs and baselines as
 * bce-bench: logits uniform in [-20, 20], p = sigma(z) rounded to the type,
 * hard labels {0,1} or uniform soft labels, loss and gradient, reduction
 * NONE, the active ISA (BCE_ISA=... selects it).
 *
 * Usage: bce-bench-pair ENTRY [hard|soft] [N] [TRIALS]
 *   ENTRY   logits_f64 | logits_f32 | probs_f64 | probs_f32
 *   N       elements (default 4096; 1e7 accepted)
 *   TRIALS  alternated trials (default 300 for N <= 10^5, else 15); a trial
 *           times 10 calls (1 when N > 10^5) of each
 * Prints the best ns per element of each and their ratio.  Exit 2 on usage.
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

static void libm_f64(size_t n, const double *z, const double *y, double *L, double *G)
{
    for (size_t i = 0; i < n; i++) {
        double zi = z[i], yi = y[i];
        L[i] = fmax(zi, 0.0) - zi * yi + log1p(exp(-fabs(zi)));
        G[i] = 1.0 / (1.0 + exp(-zi)) - yi;
    }
}

static void libm_f32(size_t n, const float *z, const float *y, float *L, float *G)
{
    for (size_t i = 0; i < n; i++) {
        float zi = z[i], yi = y[i];
        L[i] = fmaxf(zi, 0.0f) - zi * yi + log1pf(expf(-fabsf(zi)));
        G[i] = 1.0f / (1.0f + expf(-zi)) - yi;
    }
}

static void (*volatile v_libm_f64)(size_t, const double *, const double *, double *, double *) = libm_f64;
static void (*volatile v_libm_f32)(size_t, const float *, const float *, float *, float *) = libm_f32;



int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bce-bench-pair logits_f64|logits_f32|probs_f64|probs_f32 [hard|soft] [N] [TRIALS]\n");
        return 2;
    }
    const char *e = argv[1];
    int probs = !strncmp(e, "probs", 5), f32 = strstr(e, "f32") != NULL;
    if (strcmp(e, "logits_f64") && strcmp(e, "logits_f32") && strcmp(e, "probs_f64") && strcmp(e, "probs_f32")) {
        fprintf(stderr, "bce-bench-pair: unknown entry '%s'\n", e);
        return 2;
    }
    int soft = argc > 2 && !strcmp(argv[2], "soft");
    if (argc > 2 && !soft && strcmp(argv[2], "hard")) {
        fprintf(stderr, "bce-bench-pair: labels must be hard or soft, not '%s'\n", argv[2]);
        return 2;
    }
    double nd = argc > 3 ? strtod(argv[3], NULL) : 4096;
    if (!(nd >= 1 && nd <= 1e9)) { fprintf(stderr, "bce-bench-pair: bad N '%s'\n", argv[3]); return 2; }
    size_t n = (size_t)nd;
    int trials = argc > 4 ? atoi(argv[4]) : (n <= 100000 ? 300 : 15);
    if (trials < 1) { fprintf(stderr, "bce-bench-pair: bad TRIALS '%s'\n", argv[4]); return 2; }
    int calls = n > 100000 ? 1 : 10;

    double *z = malloc(n * sizeof *z), *y = malloc(n * sizeof *y), *L = malloc(n * sizeof *L),
           *G = malloc(n * sizeof *G), *p = malloc(n * sizeof *p);
    float *zf = malloc(n * sizeof *zf), *yf = malloc(n * sizeof *yf), *Lf = malloc(n * sizeof *Lf),
          *Gf = malloc(n * sizeof *Gf), *pf = malloc(n * sizeof *pf);
    if (!z || !y || !L || !G || !p || !zf || !yf || !Lf || !Gf || !pf) {
        fprintf(stderr, "bce-bench-pair: out of memory\n");
        return 2;
    }
    for (size_t i = 0; i < n; i++) {
        z[i] = 40.0 * unif() - 20.0;
        y[i] = soft ? unif() : (double)(unif() < 0.5);
        p[i] = 1.0 / (1.0 + exp(-z[i]));
        zf[i] = (float)z[i]; yf[i] = (float)y[i]; pf[i] = (float)p[i];
    }
    double best = 1e300, bestm = 1e300, sum = 0.0;
    for (int t = 0; t < trials; t++) {
        double t0 = now_s();
        for (int c = 0; c < calls; c++) {
            bce_status st;
            if (f32) st = probs ? bce_probs_f32(n, pf, yf, NULL, NULL, Lf, Gf)
                                : bce_logits_f32(n, zf, yf, NULL, NULL, Lf, Gf);
            else st = probs ? bce_probs_f64(n, p, y, NULL, NULL, L, G)
                            : bce_logits_f64(n, z, y, NULL, NULL, L, G);
            if (st != BCE_OK) { fprintf(stderr, "bce-bench-pair: %s\n", bce_strerror(st)); return 1; }
        }
        double dt = (now_s() - t0) / calls / (double)n * 1e9;
        if (dt < best) best = dt;
        sum += f32 ? (double)Gf[n / 2] : G[n / 2];
        t0 = now_s();
        for (int c = 0; c < calls; c++) {
            if (f32) v_libm_f32(n, zf, yf, Lf, Gf); else v_libm_f64(n, z, y, L, G);
        }
        dt = (now_s() - t0) / calls / (double)n * 1e9;
        if (dt < bestm) bestm = dt;
        sum += f32 ? (double)Gf[n / 2] : G[n / 2];
    }
    printf("%s %s n=%zu isa=%s: libbce %.2f ns/elem, libm %s loop %.2f ns/elem, "
           "speedup %.2fx (best of %d alternated trials; checksum %g)\n",
           e, soft ? "soft" : "hard", n, bce_active_isa(), best, f32 ? "f32" : "f64",
           bestm, bestm / best, trials, sum);
    return 0;
}

/*
 * bench_logreg.c -- bce-bench-logreg: throughput of the fused logistic
 * regression (bce_logreg_*, bce_logreg_hvp_*) against a pure AVX2 read of
 * the same X, timed in the same run (docs/PERFORMANCE.md).
 *
 * For each k: X is n x k, uniform in [-2, 2], labels {0,1}, w uniform in
 * [-0.3, 0.3] (so z spans a few units: both tails occur), intercept on,
 * l2 = 1e-3, reduction MEAN.  Timed: the minimum over --reps calls of
 *   read     sum of every element of X with 4 AVX2 accumulators (the floor)
 *   grad     bce_logreg_*   loss + gradient, default (compensated) mode
 *   grad-fast               the same with BCE_OPT_FAST_ACCUM
 *   hvp      bce_logreg_hvp_* Hessian-vector product, default mode
 * Reported: GB/s of X (n k sizeof(T) / time) and "of read" = read time /
 * call time (1.0 = as fast as reading X once).  Single thread.
 *
 * Usage: bce-bench-logreg [--n N] [--k 8,32,128,512] [--reps R] [--f32]
 *                         [--quick] [--json]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bce.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_READ 1
#endif

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static double urand(void) /* splitmix64, [0, 1) */
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1p-53;
}

#ifdef HAVE_AVX2_READ
__attribute__((target("avx2"))) static double read_avx2(const void *p, size_t bytes)
{
    const double *x = p;
    size_t n = bytes / 8, i = 0;
    __m256d a = _mm256_setzero_pd(), b = a, c = a, d = a;
    for (; i + 16 <= n; i += 16) {
        a = _mm256_add_pd(a, _mm256_loadu_pd(x + i));
        b = _mm256_add_pd(b, _mm256_loadu_pd(x + i + 4));
        c = _mm256_add_pd(c, _mm256_loadu_pd(x + i + 8));
        d = _mm256_add_pd(d, _mm256_loadu_pd(x + i + 12));
    }
    a = _mm256_add_pd(_mm256_add_pd(a, b), _mm256_add_pd(c, d));
    double r[4];
    _mm256_storeu_pd(r, a);
    double s = r[0] + r[1] + r[2] + r[3];
    for (; i < n; i++) s += x[i];
    return s;
}
#else
static double read_avx2(const void *p, size_t bytes)
{
    const double *x = p;
    double s = 0;
    for (size_t i = 0; i < bytes / 8; i++) s += x[i];
    return s;
}
#endif

static volatile double sink;

int main(int argc, char **argv)
{
    size_t n = 1000000;
    int reps = 5, f32 = 0, json = 0;
    const char *klist = "8,32,128,512";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--n") && i + 1 < argc) n = (size_t)strtod(argv[++i], NULL);
        else if (!strcmp(argv[i], "--k") && i + 1 < argc) klist = argv[++i];
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--f32")) f32 = 1;
        else if (!strcmp(argv[i], "--quick")) { n = 100000; reps = 3; }
        else if (!strcmp(argv[i], "--json")) json = 1;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            puts("usage: bce-bench-logreg [--n N] [--k 8,32,128,512] [--reps R] [--f32] [--quick] [--json]\n"
                 "Times bce_logreg_* (loss+gradient, default and BCE_OPT_FAST_ACCUM) and\n"
                 "bce_logreg_hvp_* against an AVX2 read of the same X, same run, one thread.");
            return 0;
        } else {
            fprintf(stderr, "bce-bench-logreg: unknown argument '%s' (try --help)\n", argv[i]);
            return 2;
        }
    }
    if (reps < 1 || n < 1) { fprintf(stderr, "bce-bench-logreg: bad --n or --reps\n"); return 2; }
    const size_t es = f32 ? sizeof(float) : sizeof(double);
    if (json) printf("{\"isa\":\"%s\",\"type\":\"%s\",\"n\":%zu,\"rows\":[", bce_active_isa(), f32 ? "f32" : "f64", n);
    else printf("bce-bench-logreg: isa %s, %s, n = %zu, best of %d; GB/s of X and the ratio to an AVX2 read of X\n"
                "%6s %14s %18s %18s %18s\n", bce_active_isa(), f32 ? "f32" : "f64", n, reps,
                "k", "read GB/s", "grad", "grad-fast", "hvp");
    int first = 1;
    char *kl = strdup(klist);
    for (char *tok = strtok(kl, ","); tok; tok = strtok(NULL, ",")) {
        size_t k = (size_t)strtoul(tok, NULL, 10);
        if (k == 0 || n > SIZE_MAX / k / es) { fprintf(stderr, "bce-bench-logreg: bad k '%s'\n", tok); return 2; }
        fprintf(stderr, "k = %zu: generating %.2f GB ...\n", k, (double)n * k * es / 1e9);
        void *x = malloc(n * k * es);
        void *y = malloc(n * es);
        double *wd = malloc((k + 1) * 8), *gd = malloc((k + 1) * 8), *vd = malloc((k + 1) * 8);
        float *wf = malloc((k + 1) * 4), *gf = malloc((k + 1) * 4), *vf = malloc((k + 1) * 4);
        if (!x || !y || !wd || !gd || !vd || !wf || !gf || !vf) { fprintf(stderr, "out of memory\n"); return 1; }
        for (size_t i = 0; i < n * k; i++) {
            double v = urand() * 4 - 2;
            if (f32) ((float *)x)[i] = (float)v; else ((double *)x)[i] = v;
        }
        for (size_t i = 0; i < n; i++) {
            double v = urand() < 0.5 ? 0.0 : 1.0;
            if (f32) ((float *)y)[i] = (float)v; else ((double *)y)[i] = v;
        }
        for (size_t j = 0; j <= k; j++) {
            wd[j] = (urand() - 0.5) * 0.6; wf[j] = (float)wd[j];
            vd[j] = urand() - 0.5; vf[j] = (float)vd[j];
        }
        bce_logreg_f64_problem p64 = { n, k, x, k, y, NULL, 1, 1e-3 };
        bce_logreg_f32_problem p32 = { n, k, x, k, y, NULL, 1, 1e-3 };
        bce_options o = { 0 }, of = { 0 };
        o.reduction = of.reduction = BCE_REDUCTION_MEAN;
        of.flags = BCE_OPT_FAST_ACCUM;
        double best[4] = { 1e30, 1e30, 1e30, 1e30 };
        for (int r = 0; r < reps; r++) {
            for (int m = 0; m < 4; m++) {
                double loss64; float loss32;
                bce_status st = BCE_OK;
                double t0 = now();
                switch (m) {
                case 0: sink = read_avx2(x, n * k * es); break;
                case 1: st = f32 ? bce_logreg_f32(&p32, wf, &o, &loss32, gf, NULL)
                                 : bce_logreg_f64(&p64, wd, &o, &loss64, gd, NULL); break;
                case 2: st = f32 ? bce_logreg_f32(&p32, wf, &of, &loss32, gf, NULL)
                                 : bce_logreg_f64(&p64, wd, &of, &loss64, gd, NULL); break;
                case 3: st = f32 ? bce_logreg_hvp_f32(&p32, wf, vf, &o, gf)
                                 : bce_logreg_hvp_f64(&p64, wd, vd, &o, gd); break;
                }
                double t = now() - t0;
                if (st != BCE_OK) { fprintf(stderr, "bce-bench-logreg: %s\n", bce_strerror(st)); return 1; }
                if (t < best[m]) best[m] = t;
            }
        }
        double gb = (double)n * k * es / 1e9;
        if (json) {
            printf("%s{\"k\":%zu,\"read_gbs\":%.3f,\"grad_gbs\":%.3f,\"grad_fast_gbs\":%.3f,\"hvp_gbs\":%.3f,"
                   "\"grad_of_read\":%.3f,\"grad_fast_of_read\":%.3f,\"hvp_of_read\":%.3f,\"grad_ns_row\":%.2f,\"grad_fast_ns_row\":%.2f}",
                   first ? "" : ",", k, gb / best[0], gb / best[1], gb / best[2], gb / best[3],
                   best[0] / best[1], best[0] / best[2], best[0] / best[3], best[1] / n * 1e9, best[2] / n * 1e9);
        } else {
            printf("%6zu %14.2f %9.2f (%4.2fx) %9.2f (%4.2fx) %9.2f (%4.2fx)\n", k, gb / best[0],
                   gb / best[1], best[0] / best[1], gb / best[2], best[0] / best[2],
                   gb / best[3], best[0] / best[3]);
        }
        fflush(stdout);
        first = 0;
        free(x); free(y); free(wd); free(gd); free(vd); free(wf); free(gf); free(vf);
    }
    free(kl);
    if (json) printf("]}\n");
    return 0;
}

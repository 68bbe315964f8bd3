/*
 * ab_logreg.c -- bce-bench-ab-logreg: the fused regression of two builds
 * of libbce in ONE process (dlopen, as bce-bench-ab), for before/after
 * figures (docs/PERFORMANCE.md, "Fused logistic regression").
 *
 * Usage: bce-bench-ab-logreg LIB_A LIB_B [--n N] [--k LIST] [--trials T]
 *                            [--f32] [--default] [--isa NAME]
 *   X is n x k uniform in [-2, 2] (k = 512 and above: n / 4 rows), labels
 *   {0, 1}, intercept, l2 = 10^-3, MEAN, loss and gradient; BCE_OPT_FAST_ACCUM
 *   unless --default; --isa sets bce_set_isa(NAME) in both builds.  Each
 *   trial times an AVX2 read of X (the floor of bce-bench-logreg) and one
 *   call of A and of B, thread CPU clock; printed per k: GB/s of X (median)
 *   and the fraction of the read, the median and range of A's time over
 *   B's (> 1: B is faster), and whether A and B gave the same bits.
 *   Defaults: n = 10^6, k = 8,32,128,512, 9 trials.
 */
#include <dlfcn.h>
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bce.h"
#include "bench_util.h"

typedef bce_status (*lr64_fn)(const bce_logreg_f64_problem *, const double *,
                              const bce_options *, double *, double *,
                              const bce_logreg_f64_samples *);
typedef bce_status (*lr32_fn)(const bce_logreg_f32_problem *, const float *,
                              const bce_options *, float *, float *,
                              const bce_logreg_f32_samples *);
typedef bce_status (*isa_fn)(const char *);

/* the AVX2 read of the n k values of X (four accumulators), as bce-bench-logreg's */
__attribute__((target("avx2"))) static double read_x(const void *x, size_t cnt, int f32)
{
    __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
    size_t i = 0;
    if (f32) {
        const float *p = x;
        __m256 t0 = _mm256_setzero_ps(), t1 = t0;
        for (; i + 16 <= cnt; i += 16) {
            t0 = _mm256_add_ps(t0, _mm256_loadu_ps(p + i));
            t1 = _mm256_add_ps(t1, _mm256_loadu_ps(p + i + 8));
        }
        s0 = _mm256_cvtps_pd(_mm256_castps256_ps128(_mm256_add_ps(t0, t1)));
    } else {
        const double *p = x;
        for (; i + 16 <= cnt; i += 16) {
            s0 = _mm256_add_pd(s0, _mm256_loadu_pd(p + i));
            s1 = _mm256_add_pd(s1, _mm256_loadu_pd(p + i + 4));
            s2 = _mm256_add_pd(s2, _mm256_loadu_pd(p + i + 8));
            s3 = _mm256_add_pd(s3, _mm256_loadu_pd(p + i + 12));
        }
    }
    double out[4];
    _mm256_storeu_pd(out, _mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3)));
    return out[0] + out[1] + out[2] + out[3];
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bce-bench-ab-logreg LIB_A LIB_B [--n N] [--k LIST] [--trials T] "
                        "[--f32] [--default] [--isa NAME]\n");
        return 2;
    }
    size_t n = 1000000;
    const char *klist = "8,32,128,512", *isa = NULL;
    int trials = 9, f32 = 0, def = 0;
    for (int a = 3; a < argc; a++) {
        if (!strcmp(argv[a], "--n") && a + 1 < argc) n = (size_t)atof(argv[++a]);
        else if (!strcmp(argv[a], "--k") && a + 1 < argc) klist = argv[++a];
        else if (!strcmp(argv[a], "--trials") && a + 1 < argc) trials = atoi(argv[++a]);
        else if (!strcmp(argv[a], "--f32")) f32 = 1;
        else if (!strcmp(argv[a], "--default")) def = 1;
        else if (!strcmp(argv[a], "--isa") && a + 1 < argc) isa = argv[++a];
        else { fprintf(stderr, "bce-bench-ab-logreg: unknown argument %s\n", argv[a]); return 2; }
    }
    if (trials < 1 || n < 4) { fprintf(stderr, "bce-bench-ab-logreg: bad --trials or --n\n"); return 2; }
    void *h[2];
    lr64_fn f64[2];
    lr32_fn g32[2];
    for (int l = 0; l < 2; l++) {
        h[l] = dlopen(argv[1 + l], RTLD_NOW | RTLD_LOCAL);
        if (!h[l]) { fprintf(stderr, "bce-bench-ab-logreg: %s\n", dlerror()); return 1; }
        /* (POSIX: a function's address; memcpy, not a cast, for -Wpedantic) */
        void *s64 = dlsym(h[l], "bce_logreg_f64"), *s32 = dlsym(h[l], "bce_logreg_f32");
        void *sset = dlsym(h[l], "bce_set_isa");
        isa_fn set;
        memcpy(&f64[l], &s64, sizeof s64);
        memcpy(&g32[l], &s32, sizeof s32);
        memcpy(&set, &sset, sizeof sset);
        if (!s64 || !s32 || !sset) { fprintf(stderr, "bce-bench-ab-logreg: %s lacks the entry points\n", argv[1 + l]); return 1; }
        if (isa && set(isa) != BCE_OK) { fprintf(stderr, "bce-bench-ab-logreg: %s: ISA %s unavailable\n", argv[1 + l], isa); return 1; }
    }
    double *tr = malloc(3 * (size_t)trials * sizeof(double)), *ta = tr + trials, *tb = ta + trials;
    double *rat = malloc((size_t)trials * sizeof(double));
    if (!tr || !rat) return 1;
    printf("A = %s\nB = %s\n%s, %s mode, ISA %s, %d trials, thread CPU clock\n\n"
           "| k | n | read GB/s | A GB/s (of read) | B GB/s (of read) | A / B median (min..max) | bits |\n"
           "|---|---|---|---|---|---|---|\n",
           argv[1], argv[2], f32 ? "f32" : "f64", def ? "default" : "BCE_OPT_FAST_ACCUM",
           isa ? isa : "auto", trials);
    char *ks = strdup(klist);
    for (char *t = strtok(ks, ","); t; t = strtok(NULL, ",")) {
        const size_t k = (size_t)atoi(t), nn = k >= 512 ? n / 4 : n, es = f32 ? 4 : 8;
        void *x = malloc(nn * k * es);
        double *y = malloc(nn * 8), *w = malloc((k + 1) * 8), *g[2];
        float *yf = malloc(nn * 4), *wf = malloc((k + 1) * 4), *gf[2];
        for (int l = 0; l < 2; l++) { g[l] = malloc((k + 1) * 8); gf[l] = malloc((k + 1) * 4); }
        if (!x || !y || !w || !yf || !wf || !g[0] || !g[1] || !gf[0] || !gf[1]) return 1;
        for (size_t i = 0; i < nn * k; i++) {
            double u = 4 * unif() - 2;
            if (f32) ((float *)x)[i] = (float)u; else ((double *)x)[i] = u;
        }
        for (size_t i = 0; i < nn; i++) { y[i] = unif() < 0.5 ? 0.0 : 1.0; yf[i] = (float)y[i]; }
        for (size_t j = 0; j <= k; j++) { wf[j] = (float)(0.2 * unif() - 0.1); w[j] = wf[j]; }
        bce_options o = { .reduction = BCE_REDUCTION_MEAN, .flags = def ? 0 : BCE_OPT_FAST_ACCUM };
        bce_logreg_f64_problem p = { nn, k, x, k, y, NULL, 1, 1e-3 };
        bce_logreg_f32_problem q = { nn, k, x, k, yf, NULL, 1, 1e-3 };
        double loss[2];
        float lossf[2];
        volatile double sink = 0;
        for (int r = 0; r < trials; r++) {
            double t0 = cpu_ns();
            sink += read_x(x, nn * k, f32);
            double t1 = cpu_ns();
            for (int l = 0; l < 2; l++) {
                double s = cpu_ns();
                if (f32) g32[l](&q, wf, &o, &lossf[l], gf[l], NULL);
                else f64[l](&p, w, &o, &loss[l], g[l], NULL);
                (l ? tb : ta)[r] = cpu_ns() - s;
            }
            tr[r] = t1 - t0;
            rat[r] = ta[r] / tb[r];
        }
        const int same = f32 ? !memcmp(&lossf[0], &lossf[1], 4) && !memcmp(gf[0], gf[1], (k + 1) * 4)
                             : !memcmp(&loss[0], &loss[1], 8) && !memcmp(g[0], g[1], (k + 1) * 8);
        const double bytes = (double)(nn * k * es);
        const double mr = median(tr, trials), ma = median(ta, trials), mb = median(tb, trials);
        qsort(rat, (size_t)trials, sizeof(double), bench_cmpd);
        printf("| %zu | %zu | %.1f | %.1f (%.2f) | %.1f (%.2f) | %.3f (%.3f..%.3f) | %s |\n",
               k, nn, bytes / mr, bytes / ma, mr / ma, bytes / mb, mr / mb,
               median(rat, trials), rat[0], rat[trials - 1], same ? "same" : "DIFFER");
        fflush(stdout);
        free(x); free(y); free(w); free(yf); free(wf);
        for (int l = 0; l < 2; l++) { free(g[l]); free(gf[l]); }
    }
    free(ks); free(tr); free(rat);
    return 0;
}

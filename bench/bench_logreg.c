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
 * With --threads T (T >= 2), also, in the same alternation:
 *   readT    the same read split across T POSIX threads (contiguous parts)
 *   gradT, grad-fastT, hvpT  the calls with bce_options.threads = T
 * each against the T-thread read.  Wall clock (CLOCK_MONOTONIC): the
 * threads' time is what a caller waits for.
 *
 * Usage: bce-bench-logreg [--n N] [--k 8,32,128,512] [--reps R] [--f32]
 *                         [--threads T] [--quick] [--json]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>
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

/* The read split across threads: part j sums bytes [j q, (j+1) q) (the
 * last part to the end), 32-byte aligned parts. */
typedef struct read_part { const char *p; size_t bytes; double s; } read_part;
static void *read_main(void *a)
{
    read_part *r = a;
    r->s = read_avx2(r->p, r->bytes);
    return NULL;
}
static double read_threads(const void *p, size_t bytes, int t)
{
    enum { TMAX = 64 };
    pthread_t th[TMAX];
    read_part rp[TMAX];
    if (t > TMAX) t = TMAX;
    const size_t q = bytes / (size_t)t / 32 * 32;
    for (int j = 0; j < t; j++) {
        rp[j].p = (const char *)p + q * (size_t)j;
        rp[j].bytes = j == t - 1 ? bytes - q * (size_t)j : q;
    }
    for (int j = 1; j < t; j++) pthread_create(&th[j], NULL, read_main, &rp[j]);
    read_main(&rp[0]);
    double s = rp[0].s;
    for (int j = 1; j < t; j++) { pthread_join(th[j], NULL); s += rp[j].s; }
    return s;
}

int main(int argc, char **argv)
{
    size_t n = 1000000;
    int reps = 5, f32 = 0, json = 0, nth = 1;
    const char *klist = "8,32,128,512";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--n") && i + 1 < argc) n = (size_t)strtod(argv[++i], NULL);
        else if (!strcmp(argv[i], "--k") && i + 1 < argc) klist = argv[++i];
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--f32")) f32 = 1;
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc) nth = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--quick")) { n = 100000; reps = 3; }
        else if (!strcmp(argv[i], "--json")) json = 1;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            puts("usage: bce-bench-logreg [--n N] [--k 8,32,128,512] [--reps R] [--f32] [--threads T] [--quick] [--json]\n"
                 "Times bce_logreg_* (loss+gradient, default and BCE_OPT_FAST_ACCUM) and\n"
                 "bce_logreg_hvp_* against an AVX2 read of the same X, same run, one thread;\n"
                 "with --threads T also with bce_options.threads = T against a T-thread read.");
            return 0;
        } else {
            fprintf(stderr, "bce-bench-logreg: unknown argument '%s' (try --help)\n", argv[i]);
            return 2;
        }
    }
    if (nth < 1 || nth > 64) { fprintf(stderr, "bce-bench-logreg: --threads must be in [1, 64]\n"); return 2; }
    if (reps < 1 || n < 1) { fprintf(stderr, "bce-bench-logreg: bad --n or --reps\n"); return 2; }
    const size_t es = f32 ? sizeof(float) : sizeof(double);
    if (json) printf("{\"isa\":\"%s\",\"type\":\"%s\",\"n\":%zu,\"rows\":[", bce_active_isa(), f32 ? "f32" : "f64", n);
    else printf("bce-bench-logreg: isa %s, %s, n = %zu, best of %d; GB/s of X (best) and the ratio to an AVX2 read of X (best, median of paired trials)\n"
                "%6s %14s %29s %29s %29s\n", bce_active_isa(), f32 ? "f32" : "f64", n, reps,
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
        /* methods: 0 read, 1 grad, 2 grad-fast, 3 hvp; with --threads T:
         * 4 readT, 5 gradT, 6 grad-fastT, 7 hvpT.  Trials alternate the
         * methods; per trial the ratio read / call (the T-thread read for
         * 5..7) is kept, and its median reported beside the best times. */
        const int M = nth > 1 ? 8 : 4;
        bce_options ot = o, oft = of;
        ot.threads = oft.threads = (uint64_t)nth;
        double best[8], *tt = malloc((size_t)reps * 8 * sizeof *tt);
        if (!tt) { fprintf(stderr, "out of memory\n"); return 1; }
        for (int m = 0; m < 8; m++) best[m] = 1e30;
        for (int r = 0; r < reps; r++) {
            for (int m = 0; m < M; m++) {
                double loss64; float loss32;
                bce_status st = BCE_OK;
                const bce_options *oo = m < 4 ? &o : &ot, *oof = m < 4 ? &of : &oft;
                double t0 = now();
                switch (m) {
                case 0: sink = read_avx2(x, n * k * es); break;
                case 4: sink = read_threads(x, n * k * es, nth); break;
                case 1: case 5:
                    st = f32 ? bce_logreg_f32(&p32, wf, oo, &loss32, gf, NULL)
                             : bce_logreg_f64(&p64, wd, oo, &loss64, gd, NULL); break;
                case 2: case 6:
                    st = f32 ? bce_logreg_f32(&p32, wf, oof, &loss32, gf, NULL)
                             : bce_logreg_f64(&p64, wd, oof, &loss64, gd, NULL); break;
                case 3: case 7:
                    st = f32 ? bce_logreg_hvp_f32(&p32, wf, vf, oo, gf)
                             : bce_logreg_hvp_f64(&p64, wd, vd, oo, gd); break;
                }
                double t = now() - t0;
                if (st != BCE_OK) { fprintf(stderr, "bce-bench-logreg: %s\n", bce_strerror(st)); return 1; }
                if (t < best[m]) best[m] = t;
                tt[(size_t)r * 8 + (size_t)m] = t;
            }
        }
        /* median over the trials of read / call, paired within a trial */
        double med[8] = { 0 }, *rr = malloc((size_t)reps * sizeof *rr);
        if (!rr) { fprintf(stderr, "out of memory\n"); return 1; }
        for (int m = 1; m < M; m++) {
            if (m == 4) continue;
            for (int r = 0; r < reps; r++)
                rr[r] = tt[(size_t)r * 8 + (m < 4 ? 0 : 4)] / tt[(size_t)r * 8 + (size_t)m];
            for (int a2 = 1; a2 < reps; a2++)   /* insertion sort: reps is small */
                for (int b2 = a2; b2 > 0 && rr[b2 - 1] > rr[b2]; b2--) {
                    double tmp = rr[b2]; rr[b2] = rr[b2 - 1]; rr[b2 - 1] = tmp;
                }
            med[m] = reps % 2 ? rr[reps / 2] : 0.5 * (rr[reps / 2 - 1] + rr[reps / 2]);
        }
        free(rr); free(tt);
        double gb = (double)n * k * es / 1e9;
        if (json) {
            printf("%s{\"k\":%zu,\"read_gbs\":%.3f,\"grad_gbs\":%.3f,\"grad_fast_gbs\":%.3f,\"hvp_gbs\":%.3f,"
                   "\"grad_of_read\":%.3f,\"grad_fast_of_read\":%.3f,\"hvp_of_read\":%.3f,"
                   "\"grad_of_read_median\":%.3f,\"grad_fast_of_read_median\":%.3f,\"hvp_of_read_median\":%.3f,"
                   "\"grad_ns_row\":%.2f,\"grad_fast_ns_row\":%.2f",
                   first ? "" : ",", k, gb / best[0], gb / best[1], gb / best[2], gb / best[3],
                   best[0] / best[1], best[0] / best[2], best[0] / best[3], med[1], med[2], med[3],
                   best[1] / n * 1e9, best[2] / n * 1e9);
            if (M > 4)
                printf(",\"threads\":%d,\"readT_gbs\":%.3f,\"gradT_gbs\":%.3f,\"grad_fastT_gbs\":%.3f,\"hvpT_gbs\":%.3f,"
                       "\"gradT_of_readT_median\":%.3f,\"grad_fastT_of_readT_median\":%.3f,\"hvpT_of_readT_median\":%.3f",
                       nth, gb / best[4], gb / best[5], gb / best[6], gb / best[7], med[5], med[6], med[7]);
            printf("}");
        } else {
            printf("%6zu %14.2f %9.2f (%4.2fx, med %4.2f) %9.2f (%4.2fx, med %4.2f) %9.2f (%4.2fx, med %4.2f)\n",
                   k, gb / best[0], gb / best[1], best[0] / best[1], med[1], gb / best[2],
                   best[0] / best[2], med[2], gb / best[3], best[0] / best[3], med[3]);
            if (M > 4)
                printf("%4dthr %14.2f %9.2f (%4.2fx, med %4.2f) %9.2f (%4.2fx, med %4.2f) %9.2f (%4.2fx, med %4.2f)\n",
                       nth, gb / best[4], gb / best[5], best[4] / best[5], med[5], gb / best[6],
                       best[4] / best[6], med[6], gb / best[7], best[4] / best[7], med[7]);
        }
        fflush(stdout);
        first = 0;
        free(x); free(y); free(wd); free(gd); free(vd); free(wf); free(gf); free(vf);
    }
    free(kl);
    if (json) printf("]}\n");
    return 0;
}

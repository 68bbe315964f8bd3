/*
 * side_by_side.c -- bce-bench-side-by-side: libbce and its peers timed in
 * ONE process, on the same inputs, in alternation (docs/PERFORMANCE.md).
 *
 * Kernels (loss and gradient, reduction NONE, one thread):
 *   libbce   bce_logits_* / bce_probs_* (the active ISA; BCE_ISA selects)
 *   libbce avx2   the same with bce_set_isa("avx2") around its samples
 *            (only where the active ISA is another one that the CPU runs:
 *            the avx512 row against the avx2 row in one process)
 *   libm     TensorFlow's formula, a scalar loop through glibc's libm
 *            (bench/sbs_libm.c: the project's flags)
 *   libmvec  the same loop built with gcc -O3 -march=native -ffast-math:
 *            vectorised through glibc's libmvec (bench/sbs_libmvec.c)
 *   sleef    SLEEF 1-ulp (u10) AVX2 exp/log/log1p, 4 doubles or 8 floats
 *            per step (bench/sbs_sleef.c; only when built with libsleef-dev
 *            and the CPU has AVX2)
 *   sleef AVX-512   SLEEF u10 AVX512F exp/log/log1p, 8 doubles or 16
 *            floats per step (bench/sbs_sleef512.c; libsleef-dev and a CPU
 *            with AVX512F and DQ)
 *   libmvec, AVX2 only   the libmvec loop with -mno-avx512f added
 *            (bench/sbs_libmvec_avx2.c): where -march=native has AVX-512,
 *            the plain libmvec loop calls libmvec's AVX-512 variants
 * Cases: f64 and f32, logits and probs, hard labels {0,1} and uniform soft
 * labels, each n of --n (default 1, 8, 100, 4096, 10^7).  Inputs: logits
 * uniform in [-20, 20], p = sigma(z) rounded to the type (pair.c's).
 *
 * Method: for each case, TRIALS rounds; in each round every kernel is timed
 * once (the order rotates from round to round), a sample being REPS calls
 * (REPS ~ 2*10^5 / n elements, at least 1) timed with the thread's CPU
 * clock (CLOCK_THREAD_CPUTIME_ID: time this thread ran, not time it
 * waited for the other sessions on a shared machine).  Reported: the
 * median ns per element (per call for n <= 100 too), cycles per element
 * (ns times the clock measured by a dependent-add loop in every round, its
 * median), and each peer's time over libbce's *per round* -- median and
 * range (min..max) of those ratios: > 1 means libbce is faster.
 *
 * --threads: libbce with bce_options.threads = 2 against threads = 1 at
 *   n = 10^7 (each entry point, hard labels; and the logits with weights
 *   and MEAN, whose validation scan stays on one thread), alternated, wall clock
 *   (CLOCK_MONOTONIC: the workers' time is not the caller's CPU time).
 * --options: libbce at n = 4096 (or at each n of an explicit --n) with each option, weights and reduction
 *   (pos_weight, label_smoothing, weights, MEAN, SUM, WEIGHTED_MEAN) against
 *   the plain call, alternated rounds (the cost of leaving level 0).
 * --short: per-call cost of libbce at n = 0, 1, 8, 100 and the leftover
 *   elements: (T(4096 + m) - T(4096)) / m for m = 1 .. 15 against T(4096) /
 *   4096, each entry point, alternated rounds.
 *
 * Usage: bce-bench-side-by-side [--n LIST] [--trials T] [--big-trials T]
 *          [--types f64,f32] [--forms logits,probs] [--labels hard,soft]
 *          [--threads] [--short] [--options] [--no-cases]
 * Prints markdown tables (docs/PERFORMANCE.md takes them as they are).
 * Exit 2 on a usage error.  Not a test: no timed assertion anywhere.
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

typedef void (*k64)(size_t, const double *, const double *, double *, double *);
typedef void (*k32)(size_t, const float *, const float *, float *, float *);

void sbs_libm_logits_f64(size_t, const double *, const double *, double *, double *);
void sbs_libm_probs_f64(size_t, const double *, const double *, double *, double *);
void sbs_libm_logits_f32(size_t, const float *, const float *, float *, float *);
void sbs_libm_probs_f32(size_t, const float *, const float *, float *, float *);
void sbs_libmvec_logits_f64(size_t, const double *, const double *, double *, double *);
void sbs_libmvec_probs_f64(size_t, const double *, const double *, double *, double *);
void sbs_libmvec_logits_f32(size_t, const float *, const float *, float *, float *);
void sbs_libmvec_probs_f32(size_t, const float *, const float *, float *, float *);
#ifdef HAVE_MVEC_AVX2
void sbs_libmvec_avx2_logits_f64(size_t, const double *, const double *, double *, double *);
void sbs_libmvec_avx2_probs_f64(size_t, const double *, const double *, double *, double *);
void sbs_libmvec_avx2_logits_f32(size_t, const float *, const float *, float *, float *);
void sbs_libmvec_avx2_probs_f32(size_t, const float *, const float *, float *, float *);
#endif
#ifdef HAVE_SLEEF512
void sbs_sleef512_logits_f64(size_t, const double *, const double *, double *, double *);
void sbs_sleef512_probs_f64(size_t, const double *, const double *, double *, double *);
void sbs_sleef512_logits_f32(size_t, const float *, const float *, float *, float *);
void sbs_sleef512_probs_f32(size_t, const float *, const float *, float *, float *);
#endif
#ifdef HAVE_SLEEF
void sbs_sleef_logits_f64(size_t, const double *, const double *, double *, double *);
void sbs_sleef_probs_f64(size_t, const double *, const double *, double *, double *);
void sbs_sleef_logits_f32(size_t, const float *, const float *, float *, float *);
void sbs_sleef_probs_f32(size_t, const float *, const float *, float *, float *);
#endif

static void bce_lg64(size_t n, const double *x, const double *y, double *L, double *G)
{ bce_logits_f64(n, x, y, NULL, NULL, L, G); }
static void bce_pr64(size_t n, const double *x, const double *y, double *L, double *G)
{ bce_probs_f64(n, x, y, NULL, NULL, L, G); }
static void bce_lg32(size_t n, const float *x, const float *y, float *L, float *G)
{ bce_logits_f32(n, x, y, NULL, NULL, L, G); }
static void bce_pr32(size_t n, const float *x, const float *y, float *L, float *G)
{ bce_probs_f32(n, x, y, NULL, NULL, L, G); }

enum { NK = 7, K_BCE_AVX2 = 1, K_SLEEF = 4, K_SLEEF512 = 5, K_MVEC_AVX2 = 6 };
static const char *kname[NK] = { "libbce", "libbce avx2", "libm loop", "libmvec loop",
                                 "SLEEF u10 AVX2", "SLEEF u10 AVX-512",
                                 "libmvec loop, AVX2 only" };
/* [form][kernel]: libbce avx2 is libbce's own functions, run with the avx2
 * row active (sample() switches, main() enables it) */
static k64 K64[2][NK] = {
    { bce_lg64, NULL, sbs_libm_logits_f64, sbs_libmvec_logits_f64, NULL, NULL, NULL },
    { bce_pr64, NULL, sbs_libm_probs_f64, sbs_libmvec_probs_f64, NULL, NULL, NULL } };
static k32 K32[2][NK] = {
    { bce_lg32, NULL, sbs_libm_logits_f32, sbs_libmvec_logits_f32, NULL, NULL, NULL },
    { bce_pr32, NULL, sbs_libm_probs_f32, sbs_libmvec_probs_f32, NULL, NULL, NULL } };
static const char *active_isa;   /* the ISA libbce chose (restored after each avx2 sample) */


static double wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return 1e9 * (double)ts.tv_sec + (double)ts.tv_nsec;
}

/* The clock: 2^22 dependent integer adds (one cycle each on every x86-64
 * and AArch64 core), timed with the thread CPU clock: GHz. */
static double measure_ghz(void)
{
    const long adds = 1L << 22;
    uint64_t v = 0;
    double t0 = cpu_ns();
    for (long i = 0; i < adds; i += 8) {
#if defined(__x86_64__)
        __asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                         "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(v));
#elif defined(__aarch64__)
        __asm__ volatile("add %0, %0, 1\n\tadd %0, %0, 1\n\tadd %0, %0, 1\n\tadd %0, %0, 1\n\t"
                         "add %0, %0, 1\n\tadd %0, %0, 1\n\tadd %0, %0, 1\n\tadd %0, %0, 1" : "+r"(v));
#else
        v += 8;
        __asm__ volatile("" : "+r"(v));
#endif
    }
    double t = cpu_ns() - t0;
    return (double)adds / t;
}


static double vmin(const double *v, int m) { double r = v[0]; for (int i = 1; i < m; i++) if (v[i] < r) r = v[i]; return r; }
static double vmax(const double *v, int m) { double r = v[0]; for (int i = 1; i < m; i++) if (v[i] > r) r = v[i]; return r; }

/* inputs and outputs (the largest n) */
static size_t NMAX;
static double *z64, *p64, *yh64, *ys64, *L64, *G64;
static float *z32, *p32, *yh32, *ys32, *L32, *G32;
static double sink;
/* the sink only keeps the outputs live; an infinite gradient (p = 1 in
 * float with y = 0: exact for libbce, inf or NaN for some baselines) would
 * make it inf - inf = NaN, which read like an error ("checksum -nan") */
static void sink_add(double v)
{
    if (isfinite(v)) sink += v;
}

static void make_inputs(void)
{
    z64 = malloc(NMAX * 8); p64 = malloc(NMAX * 8); yh64 = malloc(NMAX * 8);
    ys64 = malloc(NMAX * 8); L64 = malloc(NMAX * 8); G64 = malloc(NMAX * 8);
    z32 = malloc(NMAX * 4); p32 = malloc(NMAX * 4); yh32 = malloc(NMAX * 4);
    ys32 = malloc(NMAX * 4); L32 = malloc(NMAX * 4); G32 = malloc(NMAX * 4);
    if (!z64 || !p64 || !yh64 || !ys64 || !L64 || !G64 || !z32 || !p32 || !yh32 ||
        !ys32 || !L32 || !G32) {
        fprintf(stderr, "bce-bench-side-by-side: out of memory\n");
        exit(2);
    }
    for (size_t i = 0; i < NMAX; i++) {
        double z = -20.0 + 40.0 * unif();
        double p = 1.0 / (1.0 + exp(-z));
        double yh = unif() < 0.5 ? 0.0 : 1.0, ys = unif();
        z64[i] = z; p64[i] = p; yh64[i] = yh; ys64[i] = ys;
        z32[i] = (float)z; p32[i] = (float)p; yh32[i] = (float)yh; ys32[i] = (float)ys;
        L64[i] = G64[i] = 0; L32[i] = G32[i] = 0;
    }
}

/* one sample: reps calls of kernel k on case (f32, form, soft, n); ns */
static double sample(int f32, int form, int soft, int k, size_t n, long reps)
{
    if (k == K_BCE_AVX2) bce_set_isa("avx2");   /* (one atomic store, before the clock) */
    double t0 = cpu_ns();
    if (f32) {
        const float *x = form ? p32 : z32, *y = soft ? ys32 : yh32;
        k32 f = K32[form][k];
        for (long r = 0; r < reps; r++) f(n, x, y, L32, G32);
    } else {
        const double *x = form ? p64 : z64, *y = soft ? ys64 : yh64;
        k64 f = K64[form][k];
        for (long r = 0; r < reps; r++) f(n, x, y, L64, G64);
    }
    double t = cpu_ns() - t0;
    if (k == K_BCE_AVX2) bce_set_isa(active_isa);
    sink_add(f32 ? (double)G32[n ? n - 1 : 0] : G64[n ? n - 1 : 0]);
    return t;
}

enum { MAXT = 201 };

static void run_case(int f32, int form, int soft, size_t n, int trials, double *ghz_out)
{
    const long reps = n >= 200000 ? 1 : (long)(200000 / (n ? n : 1)) + 1;
    static double t[NK][MAXT], ratio[NK][MAXT], ghz[MAXT];
    int have[NK];
    for (int k = 0; k < NK; k++) have[k] = f32 ? K32[form][k] != NULL : K64[form][k] != NULL;
    for (int k = 0; k < NK; k++)                       /* warm-up */
        if (have[k]) sample(f32, form, soft, k, n, reps > 10 ? 10 : reps);
    for (int r = 0; r < trials; r++) {
        ghz[r] = measure_ghz();
        for (int j = 0; j < NK; j++) {
            int k = (j + r) % NK;
            if (have[k]) t[k][r] = sample(f32, form, soft, k, n, reps) / (double)reps;
        }
        for (int k = 0; k < NK; k++) if (have[k]) ratio[k][r] = t[k][r] / t[0][r];
    }
    double g = median(ghz, trials);
    *ghz_out = g;
    printf("| %s %s, %s labels, n = %zu | | | |\n", f32 ? "f32" : "f64",
           form ? "probs" : "logits", soft ? "soft" : "hard", n);
    for (int k = 0; k < NK; k++) {
        if (!have[k]) { printf("| %s | not built | | |\n", kname[k]); continue; }
        double med = median(t[k], trials);
        double per = med / (double)(n ? n : 1);
        char percall[64] = "";
        if (n <= 100) snprintf(percall, sizeof percall, " (%.0f ns/call)", med);
        if (k == 0)
            printf("| %s | %.2f%s | %.1f | 1 |\n", kname[k], per, percall, per * g);
        else
            printf("| %s | %.2f%s | %.1f | %.2f (%.2f..%.2f) |\n", kname[k], per, percall,
                   per * g, median(ratio[k], trials), vmin(ratio[k], trials),
                   vmax(ratio[k], trials));
    }
    fflush(stdout);
}

/* --threads: libbce threads = 2 against 1, wall clock, n = nbig */
static void run_threads(size_t n, int trials)
{
    static const char *names[6] = { "bce_logits_f64", "bce_probs_f64", "bce_logits_f32", "bce_probs_f32",
                                    "bce_logits_f64, weights, MEAN", "bce_logits_f32, weights, MEAN" };
    printf("\n### libbce, bce_options.threads = 2 against 1 (n = %zu, hard labels, wall clock, %d alternated rounds)\n\n", n, trials);
    printf("| entry point | 1 thread ns/elem | 2 threads ns/elem | speedup median (min..max) |\n|---|---|---|---|\n");
    for (int e = 0; e < 6; e++) {
        static double t1[MAXT], t2[MAXT], sp[MAXT];
        for (int r = -1; r < trials; r++) {
            double tt[2];
            for (int j = 0; j < 2; j++) {
                int th = (r & 1) ? 2 - j : 1 + j;
                bce_options o = { .threads = (uint64_t)th };
                bce_options om = { .threads = (uint64_t)th, .reduction = BCE_REDUCTION_MEAN };
                double t0 = wall_ns();
                switch (e) {   /* (weights: the soft labels, in [0, 1)) */
                case 0: bce_logits_f64(n, z64, yh64, NULL, &o, L64, G64); break;
                case 1: bce_probs_f64(n, p64, yh64, NULL, &o, L64, G64); break;
                case 2: bce_logits_f32(n, z32, yh32, NULL, &o, L32, G32); break;
                case 3: bce_probs_f32(n, p32, yh32, NULL, &o, L32, G32); break;
                case 4: bce_logits_f64(n, z64, yh64, ys64, &om, L64, G64); break;
                default: bce_logits_f32(n, z32, yh32, ys32, &om, L32, G32); break;
                }
                tt[th - 1] = wall_ns() - t0;
            }
            if (r < 0) continue;                        /* warm-up round */
            t1[r] = tt[0] / (double)n; t2[r] = tt[1] / (double)n; sp[r] = tt[0] / tt[1];
        }
        double a = median(t1, trials), b = median(t2, trials);
        printf("| %s | %.2f | %.2f | %.2f (%.2f..%.2f) |\n", names[e], a, b,
               median(sp, trials), vmin(sp, trials), vmax(sp, trials));
        fflush(stdout);
    }
}

/* --options: the cost of the options, weights and reductions (libbce at n,
 * hard labels; weights = the soft labels, in [0, 1)), each setting's time
 * over the plain call's in the same round, thread CPU clock */
enum { NOPT = 7 };
static const char *oname[NOPT] = { "plain (no options, NONE)", "pos_weight 2", "label_smoothing 0.1",
                                   "weights, NONE", "MEAN", "SUM", "weights, WEIGHTED_MEAN" };
static double opt_ns(int e, int o, size_t n, long reps)
{
    bce_options op = { 0 };
    int wts = 0;
    switch (o) {
    case 1: op.flags = BCE_OPT_POS_WEIGHT; op.pos_weight = 2.0; break;   /* (the flag: without it pos_weight is ignored) */
    case 2: op.label_smoothing = 0.1; break;
    case 3: wts = 1; break;
    case 4: op.reduction = BCE_REDUCTION_MEAN; break;
    case 5: op.reduction = BCE_REDUCTION_SUM; break;
    case 6: wts = 1; op.reduction = BCE_REDUCTION_WEIGHTED_MEAN; break;
    default: break;
    }
    double t0 = cpu_ns();
    for (long r = 0; r < reps; r++) {
        switch (e) {
        case 0: bce_logits_f64(n, z64, yh64, wts ? ys64 : NULL, &op, L64, G64); break;
        case 1: bce_probs_f64(n, p64, yh64, wts ? ys64 : NULL, &op, L64, G64); break;
        case 2: bce_logits_f32(n, z32, yh32, wts ? ys32 : NULL, &op, L32, G32); break;
        default: bce_probs_f32(n, p32, yh32, wts ? ys32 : NULL, &op, L32, G32); break;
        }
    }
    sink_add(L64[0] + (double)L32[0]);
    return (cpu_ns() - t0) / (double)reps / (double)n;
}

static void run_options(size_t n, int trials)
{
    static const char *names[4] = { "bce_logits_f64", "bce_probs_f64", "bce_logits_f32", "bce_probs_f32" };
    printf("\n### libbce: options, weights and reductions (n = %zu, hard labels, active ISA %s, thread CPU clock, "
           "%d alternated rounds)\n\n", n, bce_active_isa(), trials);
    printf("ns per element, median; in parentheses that setting's time over the plain call's in the same round "
           "(median).\n\n| entry point |");
    for (int o = 0; o < NOPT; o++) printf(" %s |", oname[o]);
    printf("\n|---|");
    for (int o = 0; o < NOPT; o++) printf("---|");
    printf("\n");
    const long reps = n >= 200000 ? 1 : (long)(200000 / (n ? n : 1));
    for (int e = 0; e < 4; e++) {
        static double t[NOPT][MAXT], rt[NOPT][MAXT];
        for (int r = -1; r < trials; r++) {
            double c[NOPT];
            for (int q = 0; q < NOPT; q++) {
                const int o = (q + (r < 0 ? 0 : r)) % NOPT;   /* the order rotates */
                c[o] = opt_ns(e, o, n, reps);
            }
            if (r < 0) continue;
            for (int o = 0; o < NOPT; o++) { t[o][r] = c[o]; rt[o][r] = c[o] / c[0]; }
        }
        printf("| %s |", names[e]);
        for (int o = 0; o < NOPT; o++)
            printf(o ? " %.2f (%.2f) |" : " %.2f |", median(t[o], trials), median(rt[o], trials));
        printf("\n");
        fflush(stdout);
    }
}

/* --short: per-call cost and leftover elements of libbce */
static double call_ns(int e, size_t n, long reps)
{
    double t0 = cpu_ns();
    for (long r = 0; r < reps; r++) {
        switch (e) {
        case 0: bce_logits_f64(n, z64, yh64, NULL, NULL, L64, G64); break;
        case 1: bce_probs_f64(n, p64, yh64, NULL, NULL, L64, G64); break;
        case 2: bce_logits_f32(n, z32, yh32, NULL, NULL, L32, G32); break;
        default: bce_probs_f32(n, p32, yh32, NULL, NULL, L32, G32); break;
        }
    }
    return (cpu_ns() - t0) / (double)reps;
}

static void run_short(int trials)
{
    static const char *names[4] = { "bce_logits_f64", "bce_probs_f64", "bce_logits_f32", "bce_probs_f32" };
    enum { NS = 4, NM = 15, BASE = 4096, B0 = 64 };
    static const size_t ns[NS] = { 0, 1, 8, 100 };
    printf("\n### libbce short arrays (active ISA %s; thread CPU clock, %d alternated rounds, medians)\n\n",
           bce_active_isa(), trials);
    printf("Per call (ns): n = 0 is the call with its validation, option and dispatch work and no element.\n\n");
    printf("Excess: T(n) - n t, t = T(4096) / 4096 (the streaming time per element): the call's fixed cost at that n, "
           "including the pipeline's fill and drain.\n\n");
    printf("| entry point | n = 0 | n = 1 | n = 8 (excess) | n = 100 (excess; ns/elem) | n = 4096 (ns/elem) |\n|---|---|---|---|---|---|\n");
    static double cost[4][NM], cost_s[4][NM];
    for (int e = 0; e < 4; e++) {
        static double tn[NS][MAXT], tb[MAXT], t0[MAXT], t16[MAXT], tm[NM][MAXT];
        for (int r = -1; r < trials; r++) {
            double a[NS], b, b0, b16, c[NM];
            for (int s = 0; s < NS; s++) a[s] = call_ns(e, ns[s], 20000);
            b = call_ns(e, BASE, 400);
            b0 = call_ns(e, B0, 20000);
            for (int m = 0; m < NM; m++) c[m] = call_ns(e, B0 + 1 + (size_t)m, 20000);
            b16 = call_ns(e, B0 + 16, 20000);
            if (r < 0) continue;
            for (int s = 0; s < NS; s++) tn[s][r] = a[s];
            tb[r] = b; t0[r] = b0; t16[r] = b16;
            for (int m = 0; m < NM; m++) tm[m][r] = c[m];
        }
        double base = median(tb, trials), m0 = median(t0, trials);
        double full = (median(t16, trials) - m0) / 16;   /* a full-vector element */
        for (int m = 0; m < NM; m++) {
            cost[e][m] = (median(tm[m], trials) - m0) / full;
            cost_s[e][m] = (median(tm[m], trials) - m0) / (base / BASE);
        }
        double n100 = median(tn[3], trials);
        const double t = base / BASE, n8 = median(tn[2], trials);
        printf("| %s | %.1f | %.1f | %.1f (%.1f) | %.0f (%.1f; %.2f) | %.0f (%.2f) |\n", names[e],
               median(tn[0], trials), median(tn[1], trials), n8, n8 - 8 * t,
               n100, n100 - 100 * t, n100 / 100, base, t);
        fflush(stdout);
    }
    printf("\nLeftover elements: the cost of m leftover elements after 64 (multiples of every vector step), "
           "(T(64 + m) - T(64)) / t, in units of t = (T(80) - T(64)) / 16, a full-vector element's time at the same size "
           "(m elements at full-vector speed would cost m).\n\n| m |");
    for (int e = 0; e < 4; e++) printf(" %s |", names[e]);
    printf("\n|---|---|---|---|---|\n");
    for (int m = 0; m < NM; m++) {
        printf("| %d |", m + 1);
        for (int e = 0; e < 4; e++) printf(" %.1f |", cost[e][m]);
        printf("\n");
    }
    printf("\nThe same in units of the streaming time per element, T(4096) / 4096 (the n = 4096 column above):\n\n| m |");
    for (int e = 0; e < 4; e++) printf(" %s |", names[e]);
    printf("\n|---|---|---|---|---|\n");
    for (int m = 0; m < NM; m++) {
        printf("| %d |", m + 1);
        for (int e = 0; e < 4; e++) printf(" %.1f |", cost_s[e][m]);
        printf("\n");
    }
}

static int has(const char *list, const char *item)
{
    size_t l = strlen(item);
    for (const char *p = list; (p = strstr(p, item)) != NULL; p += l)
        if ((p == list || p[-1] == ',') && (p[l] == 0 || p[l] == ',')) return 1;
    return 0;
}

int main(int argc, char **argv)
{
    const char *nlist = "1,8,100,4096,1e7", *types = "f64,f32", *forms = "logits,probs",
               *labels = "hard,soft";
    int trials = 15, big_trials = 5, threads = 0, shortm = 0, cases = 1, optm = 0, nset = 0;
    for (int a = 1; a < argc; a++) {
        const char *s = argv[a];
        if (!strcmp(s, "--n") && a + 1 < argc) { nlist = argv[++a]; nset = 1; }
        else if (!strcmp(s, "--trials") && a + 1 < argc) trials = atoi(argv[++a]);
        else if (!strcmp(s, "--big-trials") && a + 1 < argc) big_trials = atoi(argv[++a]);
        else if (!strcmp(s, "--types") && a + 1 < argc) types = argv[++a];
        else if (!strcmp(s, "--forms") && a + 1 < argc) forms = argv[++a];
        else if (!strcmp(s, "--labels") && a + 1 < argc) labels = argv[++a];
        else if (!strcmp(s, "--threads")) threads = 1;
        else if (!strcmp(s, "--short")) shortm = 1;
        else if (!strcmp(s, "--options")) optm = 1;
        else if (!strcmp(s, "--no-cases")) cases = 0;
        else {
            fprintf(stderr, "usage: bce-bench-side-by-side [--n LIST] [--trials T] [--big-trials T] "
                    "[--types f64,f32] [--forms logits,probs] [--labels hard,soft] [--threads] "
                    "[--short] [--options] [--no-cases]\n");
            return 2;
        }
    }
    if (trials < 1 || trials > MAXT || big_trials < 1 || big_trials > MAXT) {
        fprintf(stderr, "bce-bench-side-by-side: trials in 1..%d\n", MAXT);
        return 2;
    }
    size_t nv[32];
    int nn = 0;
    for (const char *p = nlist; *p && nn < 32;) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || v < 0) { fprintf(stderr, "bce-bench-side-by-side: bad --n\n"); return 2; }
        nv[nn++] = (size_t)v;
        p = *end == ',' ? end + 1 : end;
    }
    NMAX = 4096 + 16;
    for (int i = 0; i < nn; i++) if (nv[i] > NMAX) NMAX = nv[i];
    if (threads && NMAX < 10000000) NMAX = 10000000;
#ifdef HAVE_SLEEF
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        K64[0][K_SLEEF] = sbs_sleef_logits_f64; K64[1][K_SLEEF] = sbs_sleef_probs_f64;
        K32[0][K_SLEEF] = sbs_sleef_logits_f32; K32[1][K_SLEEF] = sbs_sleef_probs_f32;
    }
#endif
#ifdef HAVE_SLEEF512
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) {
        K64[0][K_SLEEF512] = sbs_sleef512_logits_f64; K64[1][K_SLEEF512] = sbs_sleef512_probs_f64;
        K32[0][K_SLEEF512] = sbs_sleef512_logits_f32; K32[1][K_SLEEF512] = sbs_sleef512_probs_f32;
    }
#endif
#ifdef HAVE_MVEC_AVX2
    K64[0][K_MVEC_AVX2] = sbs_libmvec_avx2_logits_f64; K64[1][K_MVEC_AVX2] = sbs_libmvec_avx2_probs_f64;
    K32[0][K_MVEC_AVX2] = sbs_libmvec_avx2_logits_f32; K32[1][K_MVEC_AVX2] = sbs_libmvec_avx2_probs_f32;
#endif
    /* libbce avx2 beside the active row, where that is another row the
     * CPU runs (auto picks avx512 on an AVX-512 machine) */
    active_isa = bce_active_isa();
    if (strcmp(active_isa, "avx2") != 0 && bce_isa_available("avx2")) {
        K64[0][K_BCE_AVX2] = bce_lg64; K64[1][K_BCE_AVX2] = bce_pr64;
        K32[0][K_BCE_AVX2] = bce_lg32; K32[1][K_BCE_AVX2] = bce_pr32;
    }
    make_inputs();
    printf("# bce-bench-side-by-side: libbce %s, active ISA %s, clock %.2f GHz (dependent adds)\n",
           bce_version(), bce_active_isa(), measure_ghz());
    printf("# libmvec loop: %s; SLEEF: %s%s\n", SBS_MVEC_FLAGS,
#ifdef HAVE_SLEEF
           K64[0][K_SLEEF] ? "libsleef u10 AVX2" : "built, CPU without AVX2",
#else
           "not built (no libsleef-dev)",
#endif
           K64[0][K_SLEEF512] ? " and u10 AVX-512 (AVX512F)" : "");
    printf("# libbce rows: libbce = the active ISA (%s)%s\n", active_isa,
           K64[0][K_BCE_AVX2] ? "; libbce avx2 = the same library with bce_set_isa(\"avx2\")" : "");
    /* warm-up: every kernel of every case once (the first case's first
     * rounds ran cold: page faults of the outputs, lazy binding, clocks) */
    for (int f32 = 0; f32 < 2; f32++)
        for (int form = 0; form < 2; form++)
            for (int k = 0; k < NK; k++)
                if (f32 ? K32[form][k] != NULL : K64[form][k] != NULL)
                    for (int r = 0; r < 20; r++) sample(f32, form, 0, k, 4096 + 16, 10);
    if (cases) {
        printf("\nns per element (median of the rounds; ns per call for n <= 100), cycles per element, and each peer's time over libbce's in the same round: median (min..max); > 1: libbce is faster.\n\n");
        printf("| kernel | ns/elem | cycles/elem | peer / libbce |\n|---|---|---|---|\n");
        for (int i = 0; i < nn; i++)
            for (int f32 = 0; f32 < 2; f32++) {
                if (!has(types, f32 ? "f32" : "f64")) continue;
                for (int form = 0; form < 2; form++) {
                    if (!has(forms, form ? "probs" : "logits")) continue;
                    for (int soft = 0; soft < 2; soft++) {
                        if (!has(labels, soft ? "soft" : "hard")) continue;
                        double g;
                        run_case(f32, form, soft, nv[i], nv[i] >= 1000000 ? big_trials : trials, &g);
                    }
                }
            }
    }
    if (shortm) run_short(trials);
    /* (--options: at n = 4096, or at each n of an explicit --n) */
    if (optm && !nset) run_options(4096, trials);
    if (optm && nset)
        for (int i = 0; i < nn; i++) run_options(nv[i], nv[i] >= 1000000 ? big_trials : trials);
    if (threads) run_threads(10000000, big_trials * 2 + 1);
    fprintf(stderr, "(checksum %g)\n", sink);
    return 0;
}

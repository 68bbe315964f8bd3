/*
 * test_split.c -- bce_options.threads: the bits do not depend on the
 * thread count.
 *
 * For every per-sample entry point (bce_logits_f64/f32, bce_probs_f64/f32),
 * options {none, pos_weight, label smoothing, log clamp (probs), NaN
 * propagation}, every reduction, with and without weights, loss and
 * gradient (and loss only, gradient only, just above the threshold): the
 * outputs with threads = 2, 3, 4 are compared bit for bit
 * with threads = 1 (and threads = 0), at n = 1000 (below the threshold),
 * 2 BCE_THREADS_MIN_N + 3 (just above it: two threads), and without
 * options at 4 BCE_THREADS_MIN_N + 5 (four threads); at n = 10^6 + 1
 * without options or weights, reduction MEAN (the time: under 60 s with
 * the other tests running beside it on a loaded 2-core machine).  Errors: a NaN label planted at an index in the last thread's
 * part, or one in the first chunk and another in the last part, give the same status and error_index
 * (the first offender's) as one thread, and leave the outputs untouched.  threads >
 * BCE_THREADS_MAX is BCE_E_BAD_OPTION.
 * Plain C (runs under ThreadSanitizer in .ci/run).
 * Usage: test_split [--quick | --tsan]   (--quick: n = 10^6 + 1 skipped;
 * --tsan: also fewer options, for the ThreadSanitizer stage of .ci/run)
 * Exit status 0 when every output matches, 1 otherwise.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bce.h"

#include "test_rng.h"

enum { NMAX = 1000001 };
static double *z64, *p64, *y64, *w64, *L64[2], *G64[2];
static float *z32, *p32, *y32, *w32, *L32[2], *G32[2];
static int fails;

static void make_inputs(void)
{
    z64 = malloc(NMAX * sizeof *z64); p64 = malloc(NMAX * sizeof *p64);
    y64 = malloc(NMAX * sizeof *y64); w64 = malloc(NMAX * sizeof *w64);
    z32 = malloc(NMAX * sizeof *z32); p32 = malloc(NMAX * sizeof *p32);
    y32 = malloc(NMAX * sizeof *y32); w32 = malloc(NMAX * sizeof *w32);
    for (int k = 0; k < 2; k++) {
        L64[k] = malloc(NMAX * sizeof(double)); G64[k] = malloc(NMAX * sizeof(double));
        L32[k] = malloc(NMAX * sizeof(float)); G32[k] = malloc(NMAX * sizeof(float));
    }
    if (!z64 || !p64 || !y64 || !w64 || !z32 || !p32 || !y32 || !w32 ||
        !L64[1] || !G64[1] || !L32[1] || !G32[1]) {
        fprintf(stderr, "test_split: out of memory\n");
        exit(2);
    }
    for (size_t i = 0; i < NMAX; i++) {
        double u = unif();
        double z = -40.0 + 80.0 * unif();
        if (u < 0.001) z = u < 0.0005 ? INFINITY : -INFINITY;
        else if (u < 0.002) z = 0.0;
        else if (u < 0.004) z *= 1e-12;          /* near 0 */
        double p = 1.0 / (1.0 + exp(-z));
        if (u > 0.999) p = u > 0.9995 ? 1.0 : 0.0;
        double y = unif() < 0.5 ? (unif() < 0.5 ? 0.0 : 1.0) : unif();
        double w = unif() < 0.05 ? 0.0 : 0.25 + 4.0 * unif();
        z64[i] = z; p64[i] = p; y64[i] = y; w64[i] = w;
        z32[i] = (float)z; p32[i] = (float)p; y32[i] = (float)y; w32[i] = (float)w;
    }
}

/* outputs asked for: 3 = loss and gradient, 1 = loss only, 2 = gradient only */
static int outs = 3;

static bce_status call(int ep, size_t n, int weighted, const bce_options *o, int k)
{
    const int wl = outs & 1, wg = outs & 2;
    switch (ep) {
    case 0: return bce_logits_f64(n, z64, y64, weighted ? w64 : NULL, o,
                                  wl ? L64[k] : NULL, wg ? G64[k] : NULL);
    case 1: return bce_probs_f64(n, p64, y64, weighted ? w64 : NULL, o,
                                 wl ? L64[k] : NULL, wg ? G64[k] : NULL);
    case 2: return bce_logits_f32(n, z32, y32, weighted ? w32 : NULL, o,
                                  wl ? L32[k] : NULL, wg ? G32[k] : NULL);
    default: return bce_probs_f32(n, p32, y32, weighted ? w32 : NULL, o,
                                  wl ? L32[k] : NULL, wg ? G32[k] : NULL);
    }
}

static const char *ep_name[4] = { "logits_f64", "probs_f64", "logits_f32", "probs_f32" };

/* outputs of slot 1 against slot 0: n loss values (NONE) or 1, n gradients */
static int same_outputs(int ep, size_t n, int reduce)
{
    const size_t nl = reduce ? 1 : n;
    if (ep < 2)
        return !memcmp(L64[0], L64[1], nl * sizeof(double)) &&
               !memcmp(G64[0], G64[1], n * sizeof(double));
    return !memcmp(L32[0], L32[1], nl * sizeof(float)) &&
           !memcmp(G32[0], G32[1], n * sizeof(float));
}

static void fill(int k, size_t n, unsigned char v)
{
    memset(L64[k], v, n * sizeof(double)); memset(G64[k], v, n * sizeof(double));
    memset(L32[k], v, n * sizeof(float)); memset(G32[k], v, n * sizeof(float));
}

/* one configuration at n: threads 1 (reference), then 0, 2, 3, 4 */
static size_t checked;
static void check(int ep, size_t n, bce_options o, int weighted, const char *oname)
{
    o.threads = 1;
    fill(0, n, 0x5a);
    const bce_status s0 = call(ep, n, weighted, &o, 0);
    static const uint64_t ts[] = { 0, 2, 3, 4 };
    for (size_t t = 0; t < sizeof ts / sizeof ts[0]; t++) {
        o.threads = ts[t];
        fill(1, n, 0x5a);
        const bce_status s1 = call(ep, n, weighted, &o, 1);
        checked++;
        if (s1 != s0 || !same_outputs(ep, n, o.reduction != BCE_REDUCTION_NONE)) {
            fprintf(stderr, "FAIL: %s n=%zu %s reduction=%d weights=%d threads=%llu: "
                    "%s differs from threads=1 (%s)\n", ep_name[ep], n, oname,
                    (int)o.reduction, weighted, (unsigned long long)ts[t],
                    bce_status_name(s1), bce_status_name(s0));
            fails++;
        }
    }
}

/* a NaN label at index bad: the same status and index with 4 threads as
 * with 1, nothing written */
static void check_error(int ep, size_t n, size_t bad, size_t bad2, int weighted,
                        bce_reduction red)
{
    double y0 = y64[bad], y2 = y64[bad2];
    float y1 = y32[bad], y3 = y32[bad2];
    y64[bad] = NAN; y32[bad] = NAN;
    y64[bad2] = NAN; y32[bad2] = NAN;   /* a later offender (bad2 >= bad) */
    size_t idx[2];
    bce_status st[2];
    for (int k = 0; k < 2; k++) {
        bce_options o = { .reduction = red, .error_index = &idx[k], .threads = k ? 4 : 1 };
        fill(k, n, 0xa5);
        st[k] = call(ep, n, weighted, &o, k);
    }
    y64[bad2] = y2; y32[bad2] = y3;
    y64[bad] = y0; y32[bad] = y1;
    int untouched = 1;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *a = ep < 2 ? (const unsigned char *)&G64[1][i]
                                         : (const unsigned char *)&G32[1][i];
        if (a[0] != 0xa5) { untouched = 0; break; }
    }
    if (st[0] != BCE_E_NAN_LABEL || st[1] != st[0] || idx[0] != bad || idx[1] != bad ||
        !untouched) {
        fprintf(stderr, "FAIL: %s n=%zu NaN label at %zu (weights %d, reduction %d): "
                "threads=4 gives %s at %zu%s, threads=1 %s at %zu\n", ep_name[ep], n, bad,
                weighted, (int)red, bce_status_name(st[1]), idx[1],
                untouched ? "" : " and wrote outputs", bce_status_name(st[0]), idx[0]);
        fails++;
    }
}

int main(int argc, char **argv)
{
    const int tsan = argc > 1 && !strcmp(argv[1], "--tsan");
    const int quick = tsan || (argc > 1 && !strcmp(argv[1], "--quick"));
    make_inputs();
    const size_t just = 2 * (size_t)BCE_THREADS_MIN_N + 3, four = 4 * (size_t)BCE_THREADS_MIN_N + 5;
    const size_t sizes[] = { 1000, just, four };
    /* the options at each size: all at 1000 and just above the threshold,
     * none and pos_weight at four threads' size (time) */
    const size_t nopts_at[] = { 5, 5, 1 };
    const size_t nopts_tsan[] = { 0, 2, 1 };     /* --tsan: a few, at the split sizes */
    static const struct { bce_options o; const char *name; int probs_only; } opts[] = {
        { { .flags = 0 }, "no options", 0 },
        { { .flags = BCE_OPT_POS_WEIGHT, .pos_weight = 2.5 }, "pos_weight 2.5", 0 },
        { { .label_smoothing = 0.1 }, "smoothing 0.1", 0 },
        { { .flags = BCE_OPT_LOG_CLAMP }, "log clamp", 1 },
        { { .flags = BCE_OPT_PROPAGATE_NAN }, "propagate NaN", 0 },
    };
    for (int ep = 0; ep < 4; ep++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
            for (size_t k = 0; k < (tsan ? nopts_tsan : nopts_at)[s]; k++) {
                if (opts[k].probs_only && !(ep & 1)) continue;
                for (int red = 0; red < 4; red++)
                    for (int wt = 0; wt < 2; wt++) {
                        bce_options o = opts[k].o;
                        o.reduction = (bce_reduction)red;
                        check(ep, sizes[s], o, wt, opts[k].name);
                    }
            }
    /* loss only and gradient only, just above the threshold */
    for (outs = 1; outs <= 2; outs++)
        for (int ep = 0; ep < 4; ep++)
            for (int red = 0; red < 4; red++)
                for (int wt = 0; wt < 2; wt++) {
                    bce_options o = { .reduction = (bce_reduction)red };
                    check(ep, just, o, wt, outs == 1 ? "loss only" : "gradient only");
                }
    outs = 3;
    printf("n = 1000, %zu, %zu: %zu comparisons\n", just, four, checked);
    if (!quick) {
        for (int ep = 0; ep < 4; ep++)
            for (size_t k = 0; k < 1; k++)
                for (int red = 2; red < 3; red++)      /* MEAN: 62 block sums */
                    for (int wt = 0; wt < 1; wt++) {      /* no weights (time) */
                        bce_options o = opts[k].o;
                        o.reduction = (bce_reduction)red;
                        check(ep, NMAX, o, wt, opts[k].name);
                    }
        printf("n = %d: done, %zu comparisons in all\n", NMAX, checked);
    }
    for (int ep = 0; ep < 4; ep++)
        for (int wt = 0; wt < 2; wt++) {
            check_error(ep, four, four - 7, four - 7, wt, BCE_REDUCTION_NONE);
            check_error(ep, four, 3, four - 2, wt, BCE_REDUCTION_SUM);
            check_error(ep, four, 3, four - 2, wt, BCE_REDUCTION_NONE);
            check_error(ep, four, 2 * (size_t)BCE_THREADS_MIN_N + 1, four - 1, wt,
                        BCE_REDUCTION_MEAN);
        }
    bce_options big = { .threads = BCE_THREADS_MAX + 1 };
    if (bce_logits_f64(1, z64, y64, NULL, &big, L64[0], G64[0]) != BCE_E_BAD_OPTION) {
        fprintf(stderr, "FAIL: threads = BCE_THREADS_MAX + 1 accepted\n");
        fails++;
    }
    printf("%s\n", fails ? "FAILED" : "threads 0, 2, 3, 4: the bits of threads = 1");
    return fails != 0;
}

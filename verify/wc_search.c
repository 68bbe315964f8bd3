/*
 * wc_search.c -- developer tool: search random inputs for hard rounding
 * cases, i.e. inputs whose exact loss or gradient lies closest to a
 * rounding midpoint of the format (the cases a kernel with a small
 * relative error is most likely to misround).  Its output lines are the
 * provenance of the "wc_search" entries of the verify/wc files.
 *
 *   bcev-wc-search FORM TYPE COUNT SEED [KEEP]
 *     FORM logits|probs, TYPE f64|f32: COUNT random (x, y) with y in {0, 1}
 *     (probs: uniform and log-uniform p; logits: |z| log-uniform to 800);
 *     prints the KEEP (default 8) inputs of each output nearest to a midpoint.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "bce_verify.h"

typedef struct hit { double dist, x, y; } hit;

/* Distance of exact (ulps of its binade) to the nearest midpoint. */
static double mid_dist(bcev_type t, const mpfr_t exact)
{
    if (!mpfr_regular_p(exact))
        return INFINITY;
    mpfr_t r;
    mpfr_init2(r, 256);
    mpfr_prec_t p = t == BCEV_F32 ? 24 : 53;
    mpfr_exp_t e = mpfr_get_exp(exact);
    mpfr_exp_t emin = t == BCEV_F32 ? -125 : -1021;
    mpfr_exp_t ue = (e < emin ? emin : e) - (mpfr_exp_t)p;
    mpfr_mul_2si(r, exact, -(long)ue, MPFR_RNDN);   /* in ulps */
    mpfr_abs(r, r, MPFR_RNDN);
    mpfr_frac(r, r, MPFR_RNDN);
    double f = mpfr_get_d(r, MPFR_RNDN);
    mpfr_clear(r);
    return fabs(f - 0.5);
}

static void keep(hit *h, int k, double d, double x, double y)
{
    if (d >= h[k - 1].dist)
        return;
    for (int j = 0; j < k; j++)            /* keep distinct inputs only */
        if (h[j].x == x && h[j].y == y)
            return;
    int i = k - 1;
    while (i > 0 && h[i - 1].dist > d) {
        h[i] = h[i - 1];
        i--;
    }
    h[i] = (hit){d, x, y};
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: %s logits|probs f64|f32 COUNT SEED [KEEP]\n", argv[0]);
        return 2;
    }
    bcev_form f = strcmp(argv[1], "probs") == 0 ? BCEV_PROBS : BCEV_LOGITS;
    bcev_type t = strcmp(argv[2], "f32") == 0 ? BCEV_F32 : BCEV_F64;
    unsigned long long count = strtoull(argv[3], NULL, 0);
    unsigned long long seed = strtoull(argv[4], NULL, 0);
    int k = argc > 5 ? atoi(argv[5]) : 8;
    if (k < 1 || k > 1000)
        k = 8;
    hit *h[2];
    for (int o = 0; o < 2; o++) {
        h[o] = malloc((size_t)k * sizeof **h);
        if (!h[o])
            return 2;
        for (int i = 0; i < k; i++)
            h[o][i] = (hit){INFINITY, 0, 0};
    }
    mpfr_t L, G;
    mpfr_inits2(160, L, G, (mpfr_ptr)0);
    double x[256], y[256];
    for (unsigned long long first = 0; first < count; first += 256) {
        size_t n = count - first < 256 ? (size_t)(count - first) : 256;
        bcev_regime_fill(BCEV_REG_RANDOM, f, t, BCEV_LABELS_HARD, seed, first, n, NULL, x, y);
        for (size_t i = 0; i < n; i++) {
            bcev_sample s = {x[i], y[i], 1.0};
            bcev_exact(f, &s, NULL, 1.0, 160, L, G);
            keep(h[0], k, mid_dist(t, L), x[i], y[i]);
            if (f == BCEV_LOGITS)   /* probs gradient is rational: no need */
                keep(h[1], k, mid_dist(t, G), x[i], y[i]);
        }
    }
    for (int o = 0; o < 2; o++)
        for (int i = 0; i < k; i++)
            if (isfinite(h[o][i].dist))
                printf("%a %a # wc_search %s %s %llu seed %llu: %s %.3g ulp from a midpoint\n",
                       h[o][i].x, h[o][i].y, argv[1], argv[2], count, seed,
                       o ? "grad" : "loss", h[o][i].dist);
    mpfr_clears(L, G, (mpfr_ptr)0);
    free(h[0]);
    free(h[1]);
    return 0;
}

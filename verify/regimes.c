/*
 * regimes.c -- deterministic input generators.  Sample i of a regime is a
 * pure function of (seed, regime, form, type, labels, i): its own xoshiro
 * stream is seeded from those, so blocks are independent and reproducible.
 */
#include <float.h>
#include <math.h>
#include <string.h>
#include "bcev_internal.h"

static const char *const names[BCEV_REG_COUNT] = {
    "random", "tail_pos", "tail_neg", "thresholds", "soft_cancel", "special", "wc",
};

const char *bcev_regime_name(bcev_regime r)
{
    return (unsigned)r < BCEV_REG_COUNT ? names[r] : "?";
}

int bcev_regime_from_name(const char *name)
{
    for (int i = 0; i < BCEV_REG_COUNT; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

/* ------------------------------------------------------------------ */

static double to_type(bcev_type t, double v)
{
    return t == BCEV_F32 ? (double)(float)v : v;
}

/* 2^u with u uniform in [lo, hi), random mantissa: log-uniform magnitude. */
static double log_unif(bcev_rng *r, double lo, double hi)
{
    double e = lo + (hi - lo) * bcev_rng_unif(r);
    double m = 1.0 + bcev_rng_unif(r);
    int ie = (int)floor(e);
    return ldexp(m, ie);        /* in [2^ie, 2^(ie+1)) */
}

static double sign(bcev_rng *r, double v)
{
    return (bcev_rng_next(r) >> 63) ? -v : v;
}

/* A label: 0, 1 or uniform soft, 1/4 1/4 1/2. */
static double any_label(bcev_rng *r)
{
    uint64_t k = bcev_rng_next(r) & 3;
    return k == 0 ? 0.0 : k == 1 ? 1.0 : bcev_rng_unif(r);
}

/* Smallest and largest finite magnitudes: log2. */
static double min_log2(bcev_type t) { return t == BCEV_F32 ? -149.0 : -1074.0; }
static double max_log2(bcev_type t) { return t == BCEV_F32 ? 128.0 : 1024.0; }

/* |z| for the random regime. */
static double random_absz(bcev_rng *r, bcev_type t)
{
    uint64_t k = bcev_rng_next(r) % 20;
    if (k == 0)                                   /* 5%: up to the maximum */
        return log_unif(r, -60.0, max_log2(t));
    if (k == 1)                                   /* 5%: plain uniform */
        return 40.0 * bcev_rng_unif(r);
    return log_unif(r, -60.0, 9.64);              /* 2^-60 .. ~800 */
}

/* p in [0,1], spread: uniform, log-uniform towards 0, towards 1. */
static double random_p(bcev_rng *r, bcev_type t)
{
    uint64_t k = bcev_rng_next(r) & 3;
    if (k <= 1)
        return bcev_rng_unif(r);
    if (k == 2)
        return log_unif(r, min_log2(t), -1.0);
    return 1.0 - log_unif(r, t == BCEV_F32 ? -25.0 : -54.0, -1.0);
}

static void gen_random(bcev_rng *r, bcev_form f, bcev_type t, double *x, double *y)
{
    *x = f == BCEV_LOGITS ? sign(r, random_absz(r, t)) : random_p(r, t);
    *y = any_label(r);
}

/* yhat -> 1 (pos = 1) or -> 0 (pos = 0). */
static void gen_tail(bcev_rng *r, bcev_form f, bcev_type t, int pos, double *x, double *y)
{
    uint64_t k = bcev_rng_next(r) % 5;
    double yy = k <= 1 ? 1.0 : k == 2 ? 0.0 : k == 3 ? bcev_rng_unif(r)
              : 1.0 - ldexp(1.0, -(int)(1 + bcev_rng_next(r) % (t == BCEV_F32 ? 24 : 53)));
    if (f == BCEV_LOGITS) {
        double lo = t == BCEV_F32 ? 1.5 : 2.3;           /* from ~3 (f32) / ~5 */
        double hi = (bcev_rng_next(r) & 15) == 0 ? max_log2(t) : 9.7;
        double az = log_unif(r, lo, hi);
        *x = pos ? az : -az;
    } else {
        double d = log_unif(r, pos ? (t == BCEV_F32 ? -25.0 : -54.0) : min_log2(t), -3.0);
        *x = pos ? 1.0 - d : d;
    }
    *y = pos ? yy : 1.0 - yy;
}

/* Thresholds of the kernels (logit magnitudes and probabilities). */
static const double z_thresholds[] = {
    0x1p-54, 0x1p-28, 0x1p-26, 0.5, 1.0, 2.0, 5.5, 17.0, 37.0, 40.0,
    88.72283935546875,          /* ln(FLT_MAX): f32 exp overflow */
    103.27892990343185,         /* e^-z = 2^-149: f32 exp underflow to 0 */
    104.0, 87.33654475055310898657,  /* e^-z = 2^-126: f32 subnormal start */
    708.3964185322641,          /* e^-z = 2^-1022: f64 subnormal start */
    709.782712893384,           /* ln(DBL_MAX) */
    744.4400719213812,          /* e^-z = 2^-1074 */
    745.1332191019412,          /* e^-z = 2^-1075: f64 underflow to 0 */
    1e300, DBL_MAX, FLT_MAX,
};

static const double p_thresholds[] = {
    0x1p-1074, 0x1p-1022, 0x1p-149, 0x1p-126,
    3.720075976020836e-44,      /* e^-100: the log clamp */
    1e-300, 0x1p-53, 0x1p-24, 0.25, 0.5, 0.75,
    0x1.fffffffffffffp-1,       /* 1 - 2^-53 */
    0x1.fffffep-1,              /* 1 - 2^-24 */
    1.0, 0.0,
};

static double step_ulps(double v, int k, bcev_type t)
{
    for (; k > 0; k--)
        v = t == BCEV_F32 ? (double)nextafterf((float)v, INFINITY) : nextafter(v, INFINITY);
    for (; k < 0; k++)
        v = t == BCEV_F32 ? (double)nextafterf((float)v, -INFINITY) : nextafter(v, -INFINITY);
    return v;
}

static void gen_thresholds(bcev_rng *r, bcev_form f, bcev_type t, double *x, double *y)
{
    const double *tab = f == BCEV_LOGITS ? z_thresholds : p_thresholds;
    size_t n = f == BCEV_LOGITS ? sizeof z_thresholds / sizeof *z_thresholds
                                : sizeof p_thresholds / sizeof *p_thresholds;
    double c = to_type(t, tab[bcev_rng_next(r) % n]);
    if (bcev_rng_next(r) & 1) {
        c = step_ulps(c, (int)(bcev_rng_next(r) % 17) - 8, t);
    } else if (c != 0.0 && isfinite(c)) {
        /* two draws, sequenced (as arguments of one call their order was
         * unspecified: gcc and clang drew different samples); this is the
         * order gcc used, so its samples, vectors and tests are unchanged */
        const int e = -(int)(bcev_rng_next(r) % 40);
        double rel = ldexp(bcev_rng_unif(r) - 0.5, e);
        c = to_type(t, c * (1.0 + rel));
    }
    if (f == BCEV_LOGITS) {
        *x = sign(r, c);
    } else {
        c = c < 0.0 ? 0.0 : c > 1.0 ? 1.0 : c;
        *x = (bcev_rng_next(r) & 1) && c <= 0.5 ? to_type(t, 1.0 - c) : c;
    }
    *y = any_label(r);
}

/* sigma(z) rounded to the type (z finite, |z| <= 745). */
static double sigma_rounded(double z, bcev_type t)
{
    mpfr_t v;
    mpfr_init2(v, 128);
    mpfr_set_d(v, -z, MPFR_RNDN);
    mpfr_exp(v, v, MPFR_RNDN);
    mpfr_add_ui(v, v, 1, MPFR_RNDN);
    mpfr_ui_div(v, 1, v, MPFR_RNDN);
    double s = bcev_round_to(t, v);
    mpfr_clear(v);
    return s;
}

static void gen_soft_cancel(bcev_rng *r, bcev_form f, bcev_type t, double *x, double *y)
{
    double c;
    if (f == BCEV_LOGITS) {
        uint64_t k = bcev_rng_next(r) & 3;
        double lim = k == 0 ? 745.0 : k == 1 ? 40.0 : 12.0;
        if (t == BCEV_F32 && lim > 104.0)
            lim = 104.0;
        *x = to_type(t, (2.0 * bcev_rng_unif(r) - 1.0) * lim);
        c = sigma_rounded(*x, t);
    } else {
        *x = to_type(t, random_p(r, t));
        c = *x;
    }
    c = step_ulps(c, (int)(bcev_rng_next(r) % 7) - 3, t);
    *y = c < 0.0 ? 0.0 : c > 1.0 ? 1.0 : c;
}

static void gen_special(uint64_t i, bcev_form f, bcev_type t, double *x, double *y)
{
    static const double zs[] = {0.0, -0.0, INFINITY, -INFINITY, 0x1p-1074, -0x1p-1074,
                                0x1p-1022, -0x1.8p-1040, 0x1p-149, -0x1p-126,
                                DBL_MAX, -DBL_MAX, FLT_MAX, -FLT_MAX, 1.0, -1.0};
    static const double ps[] = {0.0, 1.0, 0x1p-1074, 0x1.8p-1040, 0x1p-1022, 0x1p-149,
                                0x1p-126, 0x1.fffffffffffffp-1, 0x1.fffffep-1, 0.5};
    static const double ys[] = {0.0, 1.0, 0x1p-1074, 0x1p-149, 0x1p-60,
                                0x1.fffffffffffffp-1, 0x1.fffffep-1, 0.5};
    size_t nx = f == BCEV_LOGITS ? sizeof zs / sizeof *zs : sizeof ps / sizeof *ps;
    size_t ny = sizeof ys / sizeof *ys;
    i %= nx * ny;
    *x = to_type(t, (f == BCEV_LOGITS ? zs : ps)[i / ny]);
    *y = to_type(t, ys[i % ny]);
}

/* Relabel according to the label mode. */
static double relabel(bcev_rng *r, bcev_labels l, bcev_type t, double y)
{
    if (l == BCEV_LABELS_HARD) {
        if (y > 0.5) return 1.0;
        if (y < 0.5) return 0.0;
        return (double)(bcev_rng_next(r) & 1);
    }
    if (l == BCEV_LABELS_SOFT && (y == 0.0 || y == 1.0)) {
        double d = to_type(t, ldexp(0.5 + 0.5 * bcev_rng_unif(r),
                                    -(int)(1 + bcev_rng_next(r) % 30)));
        return to_type(t, y == 0.0 ? d : 1.0 - d);
    }
    return y;
}

size_t bcev_regime_fill(bcev_regime reg, bcev_form form, bcev_type type,
                        bcev_labels labels, uint64_t seed, uint64_t first,
                        size_t n, const bcev_wc *wc, double *x, double *y)
{
    bcev_widen_range();
    if (reg == BCEV_REG_WC && (wc == NULL || wc->n == 0))
        return 0;
    uint64_t tag = ((uint64_t)reg << 8) | ((uint64_t)form << 4) | ((uint64_t)type << 2)
                   | (uint64_t)labels;
    for (size_t k = 0; k < n; k++) {
        uint64_t i = first + k;
        bcev_rng r;
        bcev_rng_seed(&r, seed ^ (tag * 0x9e3779b97f4a7c15u) ^ (i * 0xd1b54a32d192ed03u));
        double xi, yi;
        switch (reg) {
        case BCEV_REG_RANDOM: gen_random(&r, form, type, &xi, &yi); break;
        case BCEV_REG_TAIL_POS: gen_tail(&r, form, type, 1, &xi, &yi); break;
        case BCEV_REG_TAIL_NEG: gen_tail(&r, form, type, 0, &xi, &yi); break;
        case BCEV_REG_THRESHOLDS: gen_thresholds(&r, form, type, &xi, &yi); break;
        case BCEV_REG_SOFT_CANCEL: gen_soft_cancel(&r, form, type, &xi, &yi); break;
        case BCEV_REG_SPECIAL: gen_special(i, form, type, &xi, &yi); break;
        case BCEV_REG_WC:
        default:
            x[k] = wc->x[i % wc->n];
            y[k] = wc->y[i % wc->n];
            continue;                              /* labels as in the file */
        }
        xi = to_type(type, xi);
        if (form == BCEV_PROBS)
            xi = xi < 0.0 ? 0.0 : xi > 1.0 ? 1.0 : xi;
        yi = to_type(type, yi);
        if (reg != BCEV_REG_SOFT_CANCEL)
            yi = relabel(&r, labels, type, yi);
        x[k] = xi;
        y[k] = yi < 0.0 ? 0.0 : yi > 1.0 ? 1.0 : yi;
    }
    return n;
}

double bcev_check_weight(uint64_t seed, uint64_t i, bcev_type type)
{
    bcev_rng r;
    bcev_rng_seed(&r, seed * 0x9E3779B97F4A7C15u ^ (i + 0x5157u));
    uint64_t k = bcev_rng_next(&r) % 64;
    double w;
    if (k < 12) w = 1.0;
    else if (k < 16) w = 0.0;
    else if (k == 16) w = 0x1p-64;
    else if (k == 17) w = 0x1p64;
    else w = ldexp(1.0 + bcev_rng_unif(&r), (int)(bcev_rng_next(&r) % 41) - 20);
    return type == BCEV_F32 ? (double)(float)w : w;
}

/*
 * grid.c -- the constructed input regimes of the option grid of `bce verify`
 * (campaign.c crosses them with every option configuration).  Unlike the
 * regimes of regimes.c, these know the options of the cell: the points
 * where the outputs cancel or sit on a rounding midpoint depend on P and a.
 *
 * Sample i of a cell is a pure function of (seed, cell tag, i): each sample
 * has its own xoshiro stream, as in regimes.c.  The regimes:
 *
 *   tiny         p (or sigma(z)) and y subnormal or tiny: 2^-1074 .. 2^-400
 *                (f32: 2^-149 .. 2^-64), exact powers of two, few-bit and
 *                full mantissas, y = 0, 1, tiny, or a power-of-two multiple
 *                of p (of RN(e^z)).
 *   cancel       the zero of the gradient, constructed: probabilities
 *                P y' = p exactly (p chosen, y = RN((p/P - a/2)/(1-a));
 *                or y chosen with few bits, p = RN(P y'), exact whenever
 *                P y' is representable), and p = RN(P y'/(P y' + 1 - y'));
 *                logits y = RN(sigma(z)) and y = RN(y*) with
 *                y*' = 1/(1 + P e^-z), y* = (y*' - a/2)/(1 - a).  Each
 *                point is taken as is in 5 of 8 samples, else moved by
 *                +-1 or +-2 ulps.  Magnitudes over the whole range.
 *   cancel_tiny  the same, with p (sigma(z)) in 2^-1074 .. 2^-400
 *                (f32: 2^-149 .. 2^-64).
 *   midpoint     outputs that are a rounding midpoint of the type plus or
 *                minus a tiny term (or exactly a midpoint):
 *                logits  z (1-y) (z > 0) or |z| y (z < 0) with exactly
 *                        prec+1 significant bits, the last one set
 *                        (z = odd * 2^e with few bits when 1-y has many),
 *                        |z| >= 64 (f32) / 128 (f64) so that e^-|z| only
 *                        decides the direction; the gradient 1 - y a
 *                        midpoint (y = odd * 2^-(prec+1) < 1/2, z > 0
 *                        large); and full-mantissa y with z < 0 large
 *                        (P y', y' midpoints under the options);
 *                probs   -1/p = -2^e (1 + k 2^-prec + ...) (y = 1,
 *                        p = 2^-e (1 - k 2^-prec), k odd: item 2 of issue
 *                        13), 1/(1-p) = 1 + p + ... (y = 0, p = k 2^-prec),
 *                        the exact tie 2 - 4y (p = 1/2, y = k 2^-(prec+2)),
 *                        and the clamped loss 100 y, 100 (1-y) and
 *                        gradient 1 - y at p = 0, 1 or p <= e^-100.
 */
#include <math.h>
#include "bcev_internal.h"

static const char *const names[BCEV_GREG_COUNT] = {
    "tiny", "cancel", "cancel_tiny", "midpoint",
};

const char *bcev_grid_regime_name(int r)
{
    return r >= 0 && r < BCEV_GREG_COUNT ? names[r] : "?";
}

/* ------------------------------------------------------------------ */
/* helpers                                                             */

#define WP 256   /* working precision of the constructions */

static double to_type(bcev_type t, double v)
{
    return t == BCEV_F32 ? (double)(float)v : v;
}

static int prec_of(bcev_type t) { return t == BCEV_F32 ? 24 : 53; }
static int min_exp(bcev_type t) { return t == BCEV_F32 ? -149 : -1074; }
/* top of the "tiny" range */
static int tiny_top(bcev_type t) { return t == BCEV_F32 ? -64 : -400; }
/* sigma(-zt) = 2^tiny_top, sigma(-zb) = 2^min_exp, roughly */
static double tiny_zlo(bcev_type t) { return t == BCEV_F32 ? 44.4 : 277.3; }
static double tiny_zhi(bcev_type t) { return t == BCEV_F32 ? 103.2 : 744.4; }

static uint64_t below(bcev_rng *r, uint64_t n) { return bcev_rng_next(r) % n; }

/* integer uniform in [lo, hi] */
static int irange(bcev_rng *r, int lo, int hi)
{
    return lo + (int)below(r, (uint64_t)(hi - lo + 1));
}

/* An odd integer with exactly b bits (1 <= b <= 63). */
static uint64_t odd_bits(bcev_rng *r, int b)
{
    if (b <= 1)
        return 1;
    uint64_t top = (uint64_t)1 << (b - 1);
    return top | (bcev_rng_next(r) & (top - 1)) | 1u;
}

static int bitlen(uint64_t v)
{
    int n = 0;
    while (v) {
        n++;
        v >>= 1;
    }
    return n;
}

/* 2^u, u uniform in [lo, hi), with a random mantissa. */
static double log_unif(bcev_rng *r, double lo, double hi)
{
    double e = lo + (hi - lo) * bcev_rng_unif(r);
    return ldexp(1.0 + bcev_rng_unif(r), (int)floor(e));
}

static double step_ulps(double v, int k, bcev_type t)
{
    for (; k > 0; k--)
        v = t == BCEV_F32 ? (double)nextafterf((float)v, INFINITY) : nextafter(v, INFINITY);
    for (; k < 0; k++)
        v = t == BCEV_F32 ? (double)nextafterf((float)v, -INFINITY) : nextafter(v, -INFINITY);
    return v;
}

/* 0 in 5 of 8 samples, else +-1 or +-2 ulps */
static int nudge(bcev_rng *r)
{
    static const int k[8] = {0, 0, 0, 0, 0, 1, -1, 2};
    int s = k[below(r, 8)];
    return s == 2 && (bcev_rng_next(r) & 1) ? -2 : s;
}

static double clamp01(double v)
{
    return v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
}

/* A tiny magnitude in [2^min_exp, 2^tiny_top]: log-uniform, an exact power
 * of two, a subnormal with a random mantissa, or a few-bit mantissa. */
static double tiny_val(bcev_rng *r, bcev_type t)
{
    int lo = min_exp(t), hi = tiny_top(t);
    double v;
    switch (below(r, 4)) {
    case 0: v = log_unif(r, lo, hi); break;
    case 1: v = ldexp(1.0, irange(r, lo, hi)); break;
    case 2: {                                   /* subnormal, random bits */
        int b = irange(r, 1, prec_of(t) - 1);
        v = ldexp((double)odd_bits(r, b), lo);
        break;
    }
    default:                                    /* few bits */
        v = ldexp((double)odd_bits(r, irange(r, 1, 8)), irange(r, lo, hi - 8));
        break;
    }
    return to_type(t, v);
}

/* sigma(z) rounded to the type, and y' -> y */
static double round_mp(bcev_type t, const mpfr_t v) { return bcev_round_to(t, v); }

/* y = (y' - a/2) / (1 - a) for a < 1, into out (exact inputs, WP bits) */
static void unsmooth(mpfr_t out, const mpfr_t yp, double a)
{
    if (a == 0.0) {
        mpfr_set(out, yp, MPFR_RNDN);
        return;
    }
    mpfr_t h;
    mpfr_init2(h, WP);
    mpfr_set_d(h, a, MPFR_RNDN);
    mpfr_div_2ui(h, h, 1, MPFR_RNDN);
    mpfr_sub(out, yp, h, MPFR_RNDN);
    mpfr_set_d(h, a, MPFR_RNDN);
    mpfr_ui_sub(h, 1, h, MPFR_RNDN);
    mpfr_div(out, out, h, MPFR_RNDN);
    mpfr_clear(h);
}

/* y' = y (1 - a) + a/2 (WP bits: exact for the values used here up to the
 * last few of 256 bits, which only matters for p = RN(P y')) */
static void smooth(mpfr_t out, double y, double a)
{
    mpfr_t h;
    mpfr_init2(h, WP);
    mpfr_set_d(out, y, MPFR_RNDN);
    if (a != 0.0) {
        mpfr_set_d(h, a, MPFR_RNDN);
        mpfr_ui_sub(h, 1, h, MPFR_RNDN);
        mpfr_mul(out, out, h, MPFR_RNDN);
        mpfr_set_d(h, a, MPFR_RNDN);
        mpfr_div_2ui(h, h, 1, MPFR_RNDN);
        mpfr_add(out, out, h, MPFR_RNDN);
    }
    mpfr_clear(h);
}

/* Keep the top b bits of the mantissa of v (truncation). */
static double few_bits(double v, int b)
{
    if (v == 0.0 || !isfinite(v))
        return v;
    int e;
    double m = frexp(v, &e);                    /* [0.5, 1) */
    m = ldexp(floor(ldexp(m, b)), -b);
    return ldexp(m, e);
}

/* ------------------------------------------------------------------ */
/* tiny                                                                */

static void gen_tiny(bcev_rng *r, bcev_form f, bcev_type t, double *x, double *y)
{
    if (f == BCEV_PROBS) {
        double p = tiny_val(r, t), yy;
        switch (below(r, 6)) {
        case 0: yy = 0.0; break;
        case 1: yy = 1.0; break;
        case 2: case 3: yy = tiny_val(r, t); break;
        case 4: yy = to_type(t, ldexp(p, irange(r, -8, 8))); break;
        default: yy = to_type(t, bcev_rng_unif(r)); break;
        }
        *x = p;
        *y = yy;
        return;
    }
    double z, yy;
    if (below(r, 3) == 0) {                       /* |z| tiny */
        z = tiny_val(r, t);
        z = (bcev_rng_next(r) & 1) ? -z : z;
        uint64_t k = below(r, 4);
        yy = k == 0 ? 0.0 : k == 1 ? 1.0 : k == 2 ? tiny_val(r, t)
                                         : to_type(t, bcev_rng_unif(r));
    } else {                                      /* sigma(z) tiny */
        z = -to_type(t, tiny_zlo(t) + (tiny_zhi(t) - tiny_zlo(t)) * bcev_rng_unif(r));
        uint64_t k = below(r, 6);
        if (k == 0) {
            yy = 0.0;
        } else if (k == 1) {
            yy = tiny_val(r, t);
        } else if (k == 2) {
            yy = 1.0;
        } else {                                  /* near e^z */
            mpfr_t v;
            mpfr_init2(v, WP);
            mpfr_set_d(v, z, MPFR_RNDN);
            mpfr_exp(v, v, MPFR_RNDN);
            mpfr_mul_2si(v, v, irange(r, -30, 30), MPFR_RNDN);
            yy = round_mp(t, v);
            mpfr_clear(v);
        }
    }
    *x = z;
    *y = yy;
}

/* ------------------------------------------------------------------ */
/* cancel, cancel_tiny                                                 */

/* A probability (or P y') for the cancellation families. */
static double pick_p(bcev_rng *r, bcev_type t, int tiny)
{
    if (tiny)
        return tiny_val(r, t);
    uint64_t k = below(r, 8);
    if (k < 5)
        return to_type(t, log_unif(r, min_exp(t), 0.0));
    if (k < 7)
        return to_type(t, 1.0 - log_unif(r, -prec_of(t), -1.0));
    return to_type(t, bcev_rng_unif(r));
}

/* A p for y' = p/P: y' <= 1 (p <= P) and, for P > 1, y' not far below the
 * smallest subnormal (where y would round to 0). */
static double fit_p(double p, double P, bcev_type t)
{
    if (P < 1.0 && p > P)
        p = to_type(t, p * P);
    else if (P > 1.0 && p / P < ldexp(1.0, min_exp(t) + 8) && p * P <= 1.0)
        p = to_type(t, p * P);
    return p;
}

static void cancel_probs(bcev_rng *r, bcev_type t, double P, double a, int tiny,
                         double *x, double *y)
{
    mpfr_t u, v;
    mpfr_inits2(WP, u, v, (mpfr_ptr)0);
    double p, yy;
    uint64_t fam = below(r, 3);
    if (a == 1.0) {                 /* y' = 1/2 for every y: p = P/2 */
        mpfr_set_d(u, P, MPFR_RNDN);
        mpfr_div_2ui(u, u, 1, MPFR_RNDN);
        if (fam == 2) {             /* the zero: p = P/(P + 1) */
            mpfr_set_d(v, P, MPFR_RNDN);
            mpfr_add_ui(v, v, 1, MPFR_RNDN);
            mpfr_div(u, u, v, MPFR_RNDN);
            mpfr_mul_2ui(u, u, 1, MPFR_RNDN);
        }
        p = round_mp(t, u);
        yy = below(r, 4) == 0 ? (double)(bcev_rng_next(r) & 1) : to_type(t, bcev_rng_unif(r));
    } else if (fam == 0) {          /* p chosen: y' = p / P */
        p = fit_p(pick_p(r, t, tiny), P, t);
        mpfr_set_d(u, p, MPFR_RNDN);
        mpfr_div_d(u, u, P, MPFR_RNDN);
        unsmooth(v, u, a);
        yy = round_mp(t, v);
    } else {                        /* y chosen (few bits): p = P y' or the zero */
        uint64_t hard = below(r, 8);
        if (hard == 0) {            /* y' = a/2 or 1 - a/2 */
            yy = tiny ? 0.0 : (double)(bcev_rng_next(r) & 1);
        } else {
            mpfr_set_d(u, fit_p(pick_p(r, t, tiny), P, t), MPFR_RNDN);
            mpfr_div_d(u, u, P, MPFR_RNDN);
            unsmooth(v, u, a);
            yy = clamp01(round_mp(t, v));
            if (below(r, 4) != 0)
                yy = to_type(t, few_bits(yy, irange(r, 1, prec_of(t) - 3)));
        }
        smooth(u, yy, a);                        /* y' */
        mpfr_mul_d(v, u, P, MPFR_RNDN);          /* P y' */
        if (fam == 2) {                          /* P y' / (P y' + 1 - y') */
            mpfr_t d;
            mpfr_init2(d, WP);
            mpfr_ui_sub(d, 1, u, MPFR_RNDN);
            mpfr_add(d, d, v, MPFR_RNDN);
            mpfr_div(v, v, d, MPFR_RNDN);
            mpfr_clear(d);
        }
        p = round_mp(t, v);
    }
    int k = nudge(r);
    if (bcev_rng_next(r) & 1)
        p = step_ulps(clamp01(p), k, t);
    else
        yy = step_ulps(clamp01(yy), k, t);
    *x = clamp01(p);
    *y = clamp01(yy);
    mpfr_clears(u, v, (mpfr_ptr)0);
}

static void cancel_logits(bcev_rng *r, bcev_type t, double P, double a, int tiny,
                          double *x, double *y)
{
    double z;
    if (tiny) {
        z = -(tiny_zlo(t) + (tiny_zhi(t) - tiny_zlo(t)) * bcev_rng_unif(r));
    } else {
        uint64_t k = below(r, 8);
        double az = k == 0 ? log_unif(r, 5.0, t == BCEV_F32 ? 6.7 : 9.55)
                  : k == 1 ? 40.0 * bcev_rng_unif(r) : log_unif(r, -60.0, 5.0);
        z = (bcev_rng_next(r) & 1) ? -az : az;
    }
    z = to_type(t, z);
    mpfr_t e, u;
    mpfr_inits2(WP, e, u, (mpfr_ptr)0);
    double yy;
    if (a == 1.0) {                  /* y' = 1/2: the zero is at z = ln P */
        mpfr_set_d(e, P, MPFR_RNDN);
        mpfr_log(e, e, MPFR_RNDN);
        if (below(r, 2) == 0)
            z = round_mp(t, e);
        yy = to_type(t, bcev_rng_unif(r));
    } else {
        mpfr_set_d(e, -z, MPFR_RNDN);
        mpfr_exp(e, e, MPFR_RNDN);               /* e^-z */
        if (below(r, 2) == 0)
            mpfr_mul_d(e, e, P, MPFR_RNDN);      /* the zero: 1/(1 + P e^-z) */
        else
            a = 0.0;                             /* y = RN(sigma(z)) */
        mpfr_add_ui(e, e, 1, MPFR_RNDN);
        mpfr_ui_div(e, 1, e, MPFR_RNDN);
        unsmooth(u, e, a);
        yy = clamp01(round_mp(t, u));
    }
    *x = z;
    *y = clamp01(step_ulps(yy, nudge(r), t));
    mpfr_clears(e, u, (mpfr_ptr)0);
}

/* ------------------------------------------------------------------ */
/* midpoint                                                            */

/* An odd m such that m * c has exactly prec+1 bits (c odd, 3 <= c <
 * 2^prec); 0 if there is none. */
static uint64_t partner(bcev_rng *r, uint64_t c, int prec)
{
    uint64_t lo = (((uint64_t)1 << prec) + c - 1) / c;
    uint64_t hi = (((uint64_t)1 << (prec + 1)) - 1) / c;
    if (lo % 2 == 0)
        lo++;
    if (hi % 2 == 0)
        hi--;
    if (lo > hi)
        return 0;
    return lo + 2 * below(r, (hi - lo) / 2 + 1);
}

/* |z| = m 2^e with |z| >= 2^zmin, as large as the type allows */
static double big_z(bcev_rng *r, bcev_type t, uint64_t m)
{
    int zmin = t == BCEV_F32 ? 6 : 7, zmax = t == BCEV_F32 ? 127 : 1023;
    int top = irange(r, zmin, below(r, 4) == 0 ? zmax : zmin + 14);
    return ldexp((double)m, top - bitlen(m) + 1);   /* in [2^top, 2^(top+1)) */
}

static void midpoint_logits(bcev_rng *r, bcev_type t, double *x, double *y)
{
    int prec = prec_of(t);
    switch (below(r, 4)) {
    case 0:      /* L, z > 0: z (1-y) = midpoint; 1 - y = c 2^-j, c odd */
    case 1: {    /* L, z < 0: |z| y = midpoint;   y = c 2^-j        */
        uint64_t c, m = 0;
        int j;
        do {
            int bc = irange(r, 2, prec);
            j = irange(r, bc, bc + (below(r, 2) ? 0 : 8));
            if (j > prec)
                j = prec;
            if (j < bc)
                j = bc;
            c = odd_bits(r, bc);
            m = partner(r, c, prec);
        } while (m == 0);
        double cv = ldexp((double)c, -j);
        double z = big_z(r, t, m);
        if ((bcev_rng_next(r) & 1) == 0) {
            *x = z;
            *y = 1.0 - cv;                       /* exact: j <= prec */
        } else {
            *x = -z;
            *y = cv;
        }
        break;
    }
    case 2: {    /* grad, z > 0: 1 - y = midpoint, y = k 2^-(prec+1) < 1/2 */
        int b = irange(r, 1, prec);
        uint64_t k = odd_bits(r, b);
        *y = ldexp((double)k, -(prec + 1));
        *x = big_z(r, t, odd_bits(r, irange(r, 1, prec)));
        break;
    }
    default: {   /* z < 0 large, full-mantissa y: P y', y' midpoints */
        *y = to_type(t, ldexp((double)odd_bits(r, prec), -prec - irange(r, 0, 30)));
        *x = -big_z(r, t, odd_bits(r, irange(r, 1, prec)));
        break;
    }
    }
}

static void midpoint_probs(bcev_rng *r, bcev_type t, double *x, double *y)
{
    int prec = prec_of(t);
    uint64_t kmax_bits = (uint64_t)(prec / 2);
    switch (below(r, 6)) {
    case 0: {    /* y = 1, p = 2^-e (1 - k 2^-prec): -1/p near a midpoint */
        uint64_t k = below(r, 4) == 0 ? 1 : odd_bits(r, irange(r, 1, (int)kmax_bits));
        int e = below(r, 2) ? irange(r, 0, 8) : irange(r, 0, t == BCEV_F32 ? 120 : 1000);
        *x = to_type(t, ldexp(1.0 - ldexp((double)k, -prec), -e));
        *y = 1.0;
        break;
    }
    case 1: {    /* y = 0, p = k 2^-prec: 1/(1-p) = 1 + p + p^2 ... */
        uint64_t k = below(r, 4) == 0 ? 1 : odd_bits(r, irange(r, 1, (int)kmax_bits));
        *x = ldexp((double)k, -prec);
        *y = 0.0;
        break;
    }
    case 2: {    /* p = 1/2, y = k 2^-(prec+1+s): 2 - 2(1+P) y' an exact tie */
        uint64_t k = odd_bits(r, irange(r, 1, prec - 2));
        *x = 0.5;
        *y = ldexp((double)k, -(prec + 1 + irange(r, 0, 3)));   /* < 1/8 */
        break;
    }
    case 3: {    /* clamp: 100 y a midpoint (p = 0 or p <= e^-100) */
        uint64_t m = partner(r, 25, prec);        /* 100 = 25 * 4 */
        *y = ldexp((double)m, -bitlen(m) - irange(r, 0, 20));
        uint64_t k = below(r, 3);
        *x = k == 0 ? 0.0 : to_type(t, ldexp(1.0 + bcev_rng_unif(r),
                                              irange(r, min_exp(t), t == BCEV_F32 ? -146 : -200)));
        if (*x != 0.0 && *x > 3.7e-44)
            *x = 0.0;
        break;
    }
    case 4: {    /* clamp: 100 (1 - y) a midpoint at p = 1; 1 - y = c 2^-j */
        uint64_t c = partner(r, 25, prec);
        int j = bitlen(c) + irange(r, 0, 3);
        if (j > prec)
            j = prec;                           /* y representable: j <= prec */
        *x = 1.0;
        *y = 1.0 - ldexp((double)c, -j);
        break;
    }
    default: {   /* clamped gradient 1 - y at p tiny: 1 - y a midpoint */
        uint64_t k = odd_bits(r, irange(r, 1, prec));
        *y = ldexp((double)k, -(prec + 1));
        *x = below(r, 3) == 0 ? 0.0 : tiny_val(r, t);
        break;
    }
    }
}

/* ------------------------------------------------------------------ */

void bcev_grid_fill(int reg, bcev_form form, bcev_type type, const bce_options *o,
                    uint64_t seed, uint64_t first, size_t n, double *x, double *y)
{
    bcev_widen_range();
    double P = (o->flags & BCE_OPT_POS_WEIGHT) ? o->pos_weight : 1.0;
    if (P == 0.0)
        P = 1.0;                  /* no positive term: the plain zero instead */
    double a = o->label_smoothing;
    uint64_t tag = 0x67726964u ^ ((uint64_t)reg << 8) ^ ((uint64_t)form << 4)
                   ^ ((uint64_t)type << 2);
    for (size_t k = 0; k < n; k++) {
        uint64_t i = first + k;
        bcev_rng r;
        bcev_rng_seed(&r, seed ^ (tag * 0x9e3779b97f4a7c15u) ^ (i * 0xd1b54a32d192ed03u));
        double xi = 0.0, yi = 0.0;
        switch (reg) {
        case BCEV_GREG_TINY: gen_tiny(&r, form, type, &xi, &yi); break;
        case BCEV_GREG_CANCEL:
        case BCEV_GREG_CANCEL_TINY:
            if (form == BCEV_PROBS)
                cancel_probs(&r, type, P, a, reg == BCEV_GREG_CANCEL_TINY, &xi, &yi);
            else
                cancel_logits(&r, type, P, a, reg == BCEV_GREG_CANCEL_TINY, &xi, &yi);
            break;
        default:
            if (form == BCEV_PROBS)
                midpoint_probs(&r, type, &xi, &yi);
            else
                midpoint_logits(&r, type, &xi, &yi);
            break;
        }
        xi = to_type(type, xi);
        if (form == BCEV_PROBS)
            xi = clamp01(xi);
        x[k] = xi;
        y[k] = clamp01(to_type(type, yi));
    }
}

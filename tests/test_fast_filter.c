/*
 * test_fast_filter.c -- the fuzzers' proven fast filter (verify/fast_filter.c)
 * against MPFR.  A wrong filter would make the fuzzers blind, so:
 *   1. the libm functions it rests on (expl, logl, log1pl) are measured
 *      against MPFR over the arguments it uses, and must stay within E/4
 *      (E = 2^-59 is the budget's assumption);
 *   2. every enclosure it returns must contain the exact value (MPFR,
 *      bcev_exact_mp at 320 bits), on random samples of every option set and
 *      on the hard regimes built on purpose: tiny and subnormal p and y,
 *      P y = p cancellations, y = RN(sigma(z - ln P)), smoothed labels with
 *      y' = sigma or p, |z| up to DBL_MAX and across 10000, z = +-0, +-inf,
 *      weights at 2^+-64, f32 labels on binary32 midpoints with a huge z,
 *      reduced losses;
 *   3. whenever it decides that a value meets a bound (0.5, 1, 2) for the
 *      value RN(exact) and its neighbours up to 3 ulps away, bcev_check must
 *      agree; it must never accept the three defects of issue 13 (item 1's
 *      zero gradient, item 2's gradient and item 3's f32 midpoints as
 *      correctly rounded);
 *   4. it decides most outputs (it is useful): >= 99% of RN(exact) under
 *      bound 1 outside the cancelling regimes.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bce_verify.h"
#include "fast_filter.h"
#include "test_env.h"

#define PREC 320

/* BCE_TEST_SAMPLES (tests/test_env.h) caps the counts below: the sanitizer
 * build of .ci/run sets it to cut the long suites, and these counts are
 * already smaller */
static long samples(long dflt)
{
    const long n = bce_test_samples(dflt);
    return n < dflt ? n : dflt;
}
#define SEED UINT64_C(0x6666696c74657231)   /* "ffilter1" */

static bcev_rng R;

static double unif(void) { return bcev_rng_unif(&R); }
static unsigned below(unsigned n) { return (unsigned)(bcev_rng_next(&R) % n); }

static double to_t(double v, int f32) { return f32 ? (double)(float)v : v; }

/* |v| = 2^e (1 + f), e uniform in [e0, e1] */
static double log_unif(int e0, int e1)
{
    int e = e0 + (int)below((unsigned)(e1 - e0 + 1));
    return ldexp(1.0 + unif(), e);
}

/* ------------------------------------------------------------------ */
/* 1. libm long double                                                 */

static long double maxrel[3];

static void rel_check(int which, long double got, const mpfr_t exact)
{
    mpfr_t d;
    mpfr_init2(d, 256);
    mpfr_set_ld(d, got, MPFR_RNDN);
    mpfr_sub(d, d, exact, MPFR_RNDN);
    mpfr_div(d, d, exact, MPFR_RNDN);
    long double r = fabsl(mpfr_get_ld(d, MPFR_RNDN));
    mpfr_clear(d);
    if (r > maxrel[which])
        maxrel[which] = r;
}

Test(fast_filter, libm_long_double_within_E)
{
    if (!bcev_ff_available())
        cr_skip_test("long double is narrower than x87 extended");
    bcev_rng_seed(&R, SEED);
    const long n = samples(200000);
    mpfr_t x, v;
    mpfr_inits2(256, x, v, (mpfr_ptr)0);
    for (long i = 0; i < n; i++) {
        /* t in [0, 10000]: uniform, log-uniform, and a double */
        long double t;
        switch (i % 3) {
        case 0: t = (long double)unif() * 10000.0L; break;
        case 1: t = ldexpl(1.0L + (long double)unif(), -60 + (int)below(74)); break;
        default: t = (long double)(unif() * 40.0); break;
        }
        if (t > 10000.0L) t = 10000.0L;
        long double e = expl(-t);
        mpfr_set_ld(x, -t, MPFR_RNDN);
        mpfr_exp(v, x, MPFR_RNDN);
        rel_check(0, e, v);
        /* log1pl of that e (a long double, as the filter calls it) */
        mpfr_set_ld(x, e, MPFR_RNDN);
        mpfr_log1p(v, x, MPFR_RNDN);
        rel_check(2, log1pl(e), v);
        /* p: a double in (0, 1): log-uniform (subnormals too), near 1, uniform */
        double p;
        switch (i % 4) {
        case 0: p = log_unif(-1074, -1); if (p >= 1.0) p = 0.5; break;
        case 1: p = 1.0 - log_unif(-53, -2); break;
        case 2: p = unif(); if (p == 0.0) p = 0.25; break;
        default: p = ldexp((double)(1 + below(1u << 20)), -1074); break;  /* subnormal */
        }
        if (i & 1)
            p = (double)(float)p > 0.0 && (double)(float)p < 1.0 ? (double)(float)p : p;
        mpfr_set_d(x, p, MPFR_RNDN);
        mpfr_log(v, x, MPFR_RNDN);
        rel_check(1, logl((long double)p), v);
        mpfr_neg(x, x, MPFR_RNDN);
        mpfr_log1p(v, x, MPFR_RNDN);
        rel_check(2, log1pl(-(long double)p), v);
    }
    mpfr_clears(x, v, (mpfr_ptr)0);
    printf("fast_filter libm: max relative error expl %.3Lg (%.2Lf u), logl %.3Lg (%.2Lf u),"
           " log1pl %.3Lg (%.2Lf u); u = 2^-64, E = 2^-59 = 32 u\n",
           maxrel[0], maxrel[0] * 0x1p64L, maxrel[1], maxrel[1] * 0x1p64L,
           maxrel[2], maxrel[2] * 0x1p64L);
    for (int k = 0; k < 3; k++)
        cr_assert_leq(maxrel[k], 0x1p-61L, "libm function %d: %Lg > E/4", k, maxrel[k]);
}

/* ------------------------------------------------------------------ */
/* 2 and 3. enclosures and decisions                                   */

typedef struct stats {
    unsigned long samples, enclosed, not_ok, decided_rn, tried_rn, fine, fine_decided;
    long double worst;      /* max |exact - mid| / rad */
    long double worst_fine; /* the same for bcev_ff_grad_fine */
} stats;

static stats ST;

/* Is exact within v (|exact - mid| <= rad + 2^-300 |exact|)? */
static int encloses(const bcev_ff_val *v, const mpfr_t exact)
{
    if (mpfr_nan_p(exact) || isnan(v->mid))
        return mpfr_nan_p(exact) && isnan(v->mid) && v->rad == 0.0L;
    if (mpfr_inf_p(exact))
        return isinf(v->mid) && v->rad == 0.0L && (v->mid > 0) == (mpfr_sgn(exact) > 0);
    if (isinf(v->mid))
        return 0;
    mpfr_t d, r;
    mpfr_inits2(PREC + 200, d, r, (mpfr_ptr)0);
    mpfr_set_ld(d, v->mid, MPFR_RNDN);
    mpfr_set_ld(r, v->lo, MPFR_RNDN);
    mpfr_add(d, d, r, MPFR_RNDN);               /* exact: enough precision */
    mpfr_sub(d, d, exact, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    mpfr_abs(r, exact, MPFR_RNDN);
    mpfr_mul_2si(r, r, -300, MPFR_RNDN);
    mpfr_sub(d, d, r, MPFR_RNDN);
    int ok;
    if (v->rad > 0.0L) {
        mpfr_set_ld(r, v->rad, MPFR_RNDN);
        mpfr_div(r, d, r, MPFR_RNDN);
        long double q = mpfr_get_ld(r, MPFR_RNDN);
        long double *worst = v->lo != 0.0L ? &ST.worst_fine : &ST.worst;
        if (q > *worst)
            *worst = q;
        ok = q <= 1.0L;
    } else {
        ok = mpfr_sgn(d) <= 0;
    }
    mpfr_clears(d, r, (mpfr_ptr)0);
    return ok;
}

static double step(bcev_type t, double v, int k)
{
    for (int i = 0; i < (k < 0 ? -k : k); i++)
        v = t == BCEV_F32 ? (double)nextafterf((float)v, k < 0 ? -INFINITY : INFINITY)
                          : nextafter(v, k < 0 ? -INFINITY : INFINITY);
    return v;
}

/* every decision of the filter on RN(exact) +- 0..3 ulps, under each bound,
 * must be bcev_check's; plus extra candidates */
static void check_decisions(bcev_type t, const bcev_ff_val *v, const mpfr_t exact,
                            const double *extra, int nextra, int count_rn, const char *what)
{
    static const double bounds[] = {0.5, 1.0, 2.0};
    const double r = bcev_round_to(t, exact);
    for (int k = -3 - nextra; k <= 3; k++) {
        const double got = k >= -3 ? step(t, r, k) : extra[-4 - k];
        for (int b = 0; b < 3; b++) {
            const int dec = bcev_ff_check(t, got, v, bounds[b]);
            if (dec) {
                double u;
                cr_assert(bcev_check(t, got, exact, bounds[b], &u),
                          "%s: filter accepts %a under bound %g, MPFR says %.6g ulp"
                          " (mid %La rad %La)", what, got, bounds[b], u, v->mid, v->rad);
            }
            if (k == 0 && b == 1 && count_rn && isfinite(r)) {
                ST.tried_rn++;
                ST.decided_rn += dec;
                if (!dec && getenv("FF_DEBUG"))
                    fprintf(stderr, "undecided: %s got %a mid %La rad %La\n", what, got, v->mid, v->rad);
            }
        }
    }
}

/* one sample: enclosures contain the exact values; decisions agree */
static void run_sample(bcev_form form, bcev_type t, const bcev_sample *s,
                       const bce_options *o, size_t n, const double *wv,
                       int count_rn, const double *extra_l, int nl,
                       const double *extra_g, int ng)
{
    mpfr_t den, L, G;
    mpfr_init2(den, 64);
    mpfr_inits2(PREC, L, G, (mpfr_ptr)0);
    bcev_denominator(n, wv, o, den);
    bcev_exact_mp(form, s, o, den, PREC, L, G);
    bcev_ff_val fden, fl, fg;
    bcev_ff_denominator(n, wv, o, &fden);
    ST.samples++;
    char what[256];
    snprintf(what, sizeof what, "%s %s x=%a y=%a w=%a P=%a(%d) a=%a clamp=%d red=%d n=%zu",
             form ? "probs" : "logits", t ? "f32" : "f64", s->x, s->y, s->w,
             o->pos_weight, !!(o->flags & BCE_OPT_POS_WEIGHT), o->label_smoothing,
             !!(o->flags & BCE_OPT_LOG_CLAMP), (int)o->reduction, n);
    if (!bcev_ff_sample(form, s, o, &fden, &fl, &fg)) {
        ST.not_ok++;
        cr_assert(!fl.ok && !fg.ok, "%s: not ok but an enclosure set", what);
    } else {
        cr_assert(encloses(&fl, L), "%s: loss enclosure %La +- %La misses the exact value %.40Rg",
                  what, fl.mid, fl.rad, L);
        cr_assert(encloses(&fg, G), "%s: grad enclosure %La +- %La misses the exact value %.40Rg",
                  what, fg.mid, fg.rad, G);
        ST.enclosed++;
        check_decisions(t, &fl, L, extra_l, nl, count_rn, what);
        check_decisions(t, &fg, G, extra_g, ng, count_rn, what);
    }
    /* the fine gradient enclosure (double long double) */
    bcev_ff_val ff;
    if (bcev_ff_grad_fine(form, s, o, &fden, &ff)) {
        ST.fine++;
        cr_assert(encloses(&ff, G), "%s: fine grad enclosure %La + %La +- %La misses the exact"
                  " value %.40Rg", what, ff.mid, ff.lo, ff.rad, G);
        check_decisions(t, &ff, G, extra_g, ng, 0, what);
        ST.fine_decided += bcev_ff_check(t, bcev_round_to(t, G), &ff, 1.0);
    }
    mpfr_clears(den, L, G, (mpfr_ptr)0);
}

/* RN_type(sigma(z - ln P)) (MPFR), the label where the logits gradient
 * cancels (no smoothing) */
static double sigma_label(double z, double P, int f32)
{
    mpfr_t a, b;
    mpfr_inits2(200, a, b, (mpfr_ptr)0);
    mpfr_set_d(a, -z, MPFR_RNDN);
    mpfr_exp(a, a, MPFR_RNDN);
    mpfr_mul_d(a, a, P, MPFR_RNDN);
    mpfr_add_ui(a, a, 1, MPFR_RNDN);
    mpfr_ui_div(a, 1, a, MPFR_RNDN);
    double y = f32 ? (double)mpfr_get_flt(a, MPFR_RNDN) : mpfr_get_d(a, MPFR_RNDN);
    mpfr_clears(a, b, (mpfr_ptr)0);
    return y;
}

static double pick_pos_weight(int *set)
{
    static const double v[] = {0.0, 0x1p-64, 0x1p64, 2.0, 0.5, 0x1p-32, 0x1p32, 3.0,
                               0x1.0000000000001p-64, 0x1.fffffffffffffp63};
    *set = below(3) != 0;
    if (!*set) return 0.0;
    if (below(2)) return v[below(sizeof v / sizeof v[0])];
    return log_unif(-64, 63);
}

static double pick_smoothing(void)
{
    static const double v[] = {0x1p-64, 1.0, 0x1.fffffffffffffp-1, 0x1.0000000000001p-64,
                               0.1, 0x1p-30};
    switch (below(4)) {
    case 0: case 1: return 0.0;
    case 2: return v[below(sizeof v / sizeof v[0])];
    default: return unif() > 0.0 ? (unif() < 0.5 ? log_unif(-64, -1) : 1.0 - log_unif(-53, -2)) : 0.5;
    }
}

static double pick_weight(int f32)
{
    static const double v[] = {0.0, 0x1p-64, 0x1p64, 1.0, 3.0, 0x1.0000000000001p-64};
    switch (below(4)) {
    case 0: return 1.0;
    case 1: return to_t(v[below(sizeof v / sizeof v[0])], f32);
    default: return to_t(log_unif(-64, 63), f32);
    }
}

static double pick_logit(int f32)
{
    static const double v[] = {0.0, -0.0, INFINITY, -INFINITY, 10000.0, -10000.0,
                               0x1.3880000000001p+13, -0x1.3880000000001p+13, 0x1p60,
                               -0x1p60, DBL_MAX, -DBL_MAX, 745.0, -745.0, 36.7, 104.0,
                               -104.0, 0x1p-1074, -0x1p-1074};
    double z;
    switch (below(6)) {
    case 0: z = v[below(sizeof v / sizeof v[0])]; break;
    case 1: z = (unif() - 0.5) * 80.0; break;
    case 2: z = (unif() - 0.5) * 2000.0; break;
    case 3: z = (unif() - 0.5) * 30000.0; break;
    case 4: z = log_unif(-1074, 1023) * (below(2) ? 1 : -1); break;
    default: z = log_unif(-60, 6) * (below(2) ? 1 : -1); break;
    }
    return to_t(z, f32);
}

static double pick_prob(int f32)
{
    double p;
    switch (below(6)) {
    case 5: return below(2) ? 0.0 : 1.0;
    case 0: p = unif(); break;
    case 1: p = log_unif(f32 ? -149 : -1074, -1); break;
    case 2: p = 1.0 - log_unif(f32 ? -24 : -53, -2); break;
    case 3: p = ldexp((double)(1 + below(255)), f32 ? -149 : -1074 + (int)below(700)); break;
    default: p = 0x1p-600 * (1 + below(4)); break;
    }
    p = to_t(p, f32);
    if (!(p > 0.0)) p = f32 ? 0x1p-149 : 0x1p-1074;   /* the limits only by case 5 */
    if (!(p < 1.0)) p = 0.5;
    return p;
}

/* a label: plain, or built to make the gradient cancel */
static double pick_label(bcev_form form, double x, double P, double a, int f32)
{
    double y;
    switch (below(8)) {
    case 0: y = 0.0; break;
    case 1: y = 1.0; break;
    case 2: y = unif(); break;
    case 3: y = log_unif(f32 ? -149 : -1074, -1); break;
    case 4: y = 1.0 - log_unif(f32 ? -24 : -53, -2); break;
    default: { /* cancellation: P y' = p, or y' = sigma(z - ln P) / p/(P(1-p)+p) */
        double Pe = P > 0.0 ? P : 1.0, target;
        if (form == BCEV_PROBS)
            target = below(2) ? x / Pe : x / (Pe * (1.0 - x) + x);
        else
            target = isfinite(x) ? sigma_label(x, Pe, 0) : 0.5;
        y = a > 0.0 ? (target - a / 2) / (1.0 - a) : target;
        y = to_t(y, f32);
        int k = (int)below(5) - 2;
        if (below(2)) y = step(f32 ? BCEV_F32 : BCEV_F64, y, k);
        break;
    }
    }
    y = to_t(y, f32);
    if (!(y >= 0.0)) y = 0.0;
    if (y > 1.0) y = 1.0;
    return y;
}

static void random_samples(long count)
{
    for (long i = 0; i < count; i++) {
        const bcev_form form = (bcev_form)(i & 1);
        const int f32 = (i >> 1) & 1;
        const bcev_type t = f32 ? BCEV_F32 : BCEV_F64;
        bce_options o;
        memset(&o, 0, sizeof o);
        int pset;
        o.pos_weight = pick_pos_weight(&pset);
        if (pset) o.flags |= BCE_OPT_POS_WEIGHT;
        o.label_smoothing = pick_smoothing();
        if (form == BCEV_PROBS && below(4) == 0) o.flags |= BCE_OPT_LOG_CLAMP;
        o.reduction = (bce_reduction)below(4);
        double wv[8];
        size_t n = 1 + below(8);
        for (size_t k = 0; k < n; k++) wv[k] = pick_weight(f32);
        wv[0] = below(2) ? wv[0] : 1.0;
        if (o.reduction == BCE_REDUCTION_WEIGHTED_MEAN && wv[0] == 0.0) wv[0] = 1.0;
        const int has_w = below(2);
        double x = form == BCEV_PROBS ? pick_prob(f32) : pick_logit(f32);
        if (below(50) == 0) {            /* a propagated NaN */
            o.flags |= BCE_OPT_PROPAGATE_NAN;
            x = NAN;
        }
        const double P = pset ? o.pos_weight : 1.0;
        bcev_sample s = {x, pick_label(form, x, P, o.label_smoothing, f32), has_w ? wv[0] : 1.0};
        /* count the decision rate only where nothing cancels (hard labels,
         * no smoothing) */
        const int plain_y = (s.y == 0.0 || s.y == 1.0) && o.label_smoothing == 0.0;
        run_sample(form, t, &s, &o, n, has_w ? wv : NULL, plain_y, NULL, 0, NULL, 0);
    }
}

Test(fast_filter, random_samples_enclosed_and_decisions_sound)
{
    if (!bcev_ff_available())
        cr_skip_test("long double is narrower than x87 extended");
    bcev_rng_seed(&R, SEED + 1);
    memset(&ST, 0, sizeof ST);
    random_samples(samples(60000));
    printf("fast_filter random: %lu samples, %lu enclosed (%lu left to MPFR),"
           " worst |exact - mid| / rad = %.3Lg, RN(exact) decided under bound 1 for"
           " %lu of %lu finite hard-label outputs without smoothing; fine gradient: %lu"
           " enclosed, worst %.3Lg\n", ST.samples, ST.enclosed, ST.not_ok,
           ST.worst, ST.decided_rn, ST.tried_rn, ST.fine, ST.worst_fine);
    cr_assert_gt(ST.enclosed, ST.samples / 2);
    cr_assert_geq((double)ST.decided_rn, 0.99 * (double)ST.tried_rn);
}

/* The hard regimes, constructed. */
Test(fast_filter, hard_regimes)
{
    if (!bcev_ff_available())
        cr_skip_test("long double is narrower than x87 extended");
    bcev_rng_seed(&R, SEED + 2);
    memset(&ST, 0, sizeof ST);
    const double Ps[] = {2.0, 0.5, 0x1p32, 0x1p-32, 0x1p64, 0x1p-64, 3.0, 1.0};
    /* (a) P y = p exactly, p = m 2^-k tiny (item 1 and its family): the
     * filter must never accept 0 (or anything far off) */
    for (int k = 400; k <= 1074; k += 3)
        for (size_t j = 0; j < sizeof Ps / sizeof Ps[0]; j++) {
            bce_options o = {.flags = BCE_OPT_POS_WEIGHT, .pos_weight = Ps[j]};
            const double m = (double)(1 + 2 * below(64));
            double p = ldexp(m, -k), y = p / Ps[j];
            if (!(y <= 1.0) || y == 0.0 || p == 0.0) continue;
            for (int f32 = 0; f32 < 2; f32++) {
                if (f32 && (p < 0x1p-149 || (double)(float)p != p || (double)(float)y != y)) continue;
                bcev_sample s = {p, y, 1.0};
                const double zero[] = {0.0, -0.0, p, -p};
                run_sample(BCEV_PROBS, f32 ? BCEV_F32 : BCEV_F64, &s, &o, 1, NULL, 0,
                           NULL, 0, zero, 4);
                s.w = 0x1p-64;
                run_sample(BCEV_PROBS, f32 ? BCEV_F32 : BCEV_F64, &s, &o, 1, NULL, 0,
                           NULL, 0, zero, 4);
            }
        }
    /* (a2) y = p (P = 1) and P y = p exactly: the fine enclosure of the
     * probs gradient (N = (p - P y) + (P - 1) y p) decides them */
    {
        const unsigned long f0 = ST.fine, d0 = ST.fine_decided;
        for (int i = 0; i < 4000; i++) {
            const int f32 = i & 1;
            bce_options o;
            memset(&o, 0, sizeof o);
            const double P = Ps[below(sizeof Ps / sizeof Ps[0])];
            o.flags = BCE_OPT_POS_WEIGHT;
            o.pos_weight = P;
            double p = pick_prob(f32);
            if (!(p > 0.0 && p < 1.0)) p = 0.375;
            const double y = to_t(p / P, f32);
            if (!(y <= 1.0) || y * P != p) continue;
            bcev_sample s = {p, y, below(2) ? 1.0 : to_t(log_unif(-64, 63), f32)};
            run_sample(BCEV_PROBS, f32 ? BCEV_F32 : BCEV_F64, &s, &o, 1, NULL, 0, NULL, 0, NULL, 0);
        }
        printf("fast_filter P y = p: fine gradient decided %lu of %lu\n",
               ST.fine_decided - d0, ST.fine - f0);
        cr_assert_geq((double)(ST.fine_decided - d0), 0.95 * (double)(ST.fine - f0));
    }
    /* (b) item 1 itself: grad must not be decided within 2 ulp at 0 */
    {
        bce_options o = {.flags = BCE_OPT_POS_WEIGHT, .pos_weight = 2.0};
        bcev_sample s = {0x1p-600, 0x1p-601, 1.0};
        bcev_ff_val den = {1.0L, 0.0L, 0.0L, 1}, fl, fg;
        cr_assert(bcev_ff_sample(BCEV_PROBS, &s, &o, &den, &fl, &fg));
        cr_assert(!bcev_ff_check(BCEV_F64, 0.0, &fg, 2.0), "item 1: 0 accepted");
        cr_assert(!bcev_ff_check(BCEV_F64, 0.0, &fg, 0.5), "item 1: 0 accepted");
        bcev_ff_val ff;
        cr_assert(bcev_ff_grad_fine(BCEV_PROBS, &s, &o, &den, &ff));
        cr_assert(!bcev_ff_check(BCEV_F64, 0.0, &ff, 2.0), "item 1: 0 accepted (fine)");
        cr_assert(bcev_ff_check(BCEV_F64, 0x1p-601, &ff, 0.5), "item 1: 2^-601 not decided (fine)");
    }
    /* (c) item 2: p = 0x1.fffffffffffffp-2, y = 1: -2 is not the correct rounding */
    {
        bcev_sample s = {0x1.fffffffffffffp-2, 1.0, 1.0};
        bce_options o;
        memset(&o, 0, sizeof o);
        bcev_ff_val den = {1.0L, 0.0L, 0.0L, 1}, fl, fg;
        cr_assert(bcev_ff_sample(BCEV_PROBS, &s, &o, &den, &fl, &fg));
        cr_assert(!bcev_ff_check(BCEV_F64, -0x1p+1, &fg, 0.5), "item 2: -2 accepted as CR");
        const double ex[] = {-0x1p+1};
        run_sample(BCEV_PROBS, BCEV_F64, &s, &o, 1, NULL, 0, NULL, 0, ex, 1);
    }
    /* (d) item 3: f32 soft labels on binary32 midpoints */
    {
        bce_options o;
        memset(&o, 0, sizeof o);
        bcev_ff_val den = {1.0L, 0.0L, 0.0L, 1}, fl, fg;
        bcev_sample s = {0x1.e34p+9, 0x1.4d8p-5, 1.0};
        cr_assert(bcev_ff_sample(BCEV_LOGITS, &s, &o, &den, &fl, &fg));
        cr_assert(!bcev_ff_check(BCEV_F32, 0x1.cf93ap+9, &fl, 0.5), "item 3 loss accepted as CR");
        const double el[] = {0x1.cf93ap+9};
        run_sample(BCEV_LOGITS, BCEV_F32, &s, &o, 1, NULL, 0, el, 1, NULL, 0);
        bcev_sample s2 = {0x1.3cp+88, 0x1.62p-18, 1.0};
        cr_assert(bcev_ff_sample(BCEV_LOGITS, &s2, &o, &den, &fl, &fg));
        cr_assert(!bcev_ff_check(BCEV_F32, 0x1.ffff5p-1, &fg, 0.5), "item 3 grad accepted as CR");
        const double eg[] = {0x1.ffff5p-1};
        run_sample(BCEV_LOGITS, BCEV_F32, &s2, &o, 1, NULL, 0, NULL, 0, eg, 1);
    }
    /* (e) f32 midpoints built at random: y |z| (z < 0) or (1 - y) z (z > 0)
     * a 25-bit odd product, |z| > 104; 1 - y a 25-bit odd multiple of
     * 2^-25 (the gradient) -- with and without pos_weight / weights */
    for (int i = 0; i < 4000; i++) {
        bce_options o;
        memset(&o, 0, sizeof o);
        if (i % 3 == 1) { o.flags = BCE_OPT_POS_WEIGHT; o.pos_weight = 0x1p-3 * (1 << below(6)); }
        uint64_t m1, m2, prod;
        int bits;
        do {
            m1 = (bcev_rng_next(&R) >> (64 - 1 - below(12))) | 1;
            m2 = (bcev_rng_next(&R) >> (64 - 1 - below(24))) | 1;
            prod = m1 * m2;
            bits = 64 - __builtin_clzll(prod);
        } while (bits != 25 || m2 >= (1u << 24) || m1 >= (1u << 24));
        const double z = ldexp((double)m2, 7 + (int)below(60) - (64 - __builtin_clzll(m2)) + 1);
        double y;
        int neg = i & 1;
        if (neg) y = ldexp((double)m1, -(int)(64 - __builtin_clzll(m1)) - (int)below(10));
        else y = 1.0 - ldexp((double)m1, -(int)(64 - __builtin_clzll(m1)) - 1 - (int)below(10));
        if ((double)(float)y != y || !(y > 0.0 && y < 1.0)) continue;
        bcev_sample s = {neg ? -z : z, y, 1.0};
        run_sample(BCEV_LOGITS, BCEV_F32, &s, &o, 1, NULL, 0, NULL, 0, NULL, 0);
        /* gradient: 1 - y on a midpoint, z > 104 */
        double yg = ldexp((double)(2 * below(1u << 22) + 1), -25);
        bcev_sample s2 = {z, yg, 1.0};
        run_sample(BCEV_LOGITS, BCEV_F32, &s2, &o, 1, NULL, 0, NULL, 0, NULL, 0);
    }
    /* (f) y = RN(sigma(z - ln P)) and smoothed y' = sigma, |z| over the
     * whole range, both types, every P: here the fine gradient must decide
     * (that is what it is for) */
    const unsigned long fine0 = ST.fine, fdec0 = ST.fine_decided;
    for (int i = 0; i < 6000; i++) {
        const int f32 = i & 1;
        bce_options o;
        memset(&o, 0, sizeof o);
        const double P = Ps[below(sizeof Ps / sizeof Ps[0])];
        if (P != 1.0 || below(2)) { o.flags = BCE_OPT_POS_WEIGHT; o.pos_weight = P; }
        if (below(3) == 0) o.label_smoothing = below(2) ? 0x1p-64 : 1.0 - log_unif(-53, -2);
        double z = to_t(below(2) ? (unif() - 0.5) * 90.0 : log_unif(-40, 12) * (below(2) ? 1 : -1), f32);
        double y = pick_label(BCEV_LOGITS, z, P, o.label_smoothing, f32);
        bcev_sample s = {z, y, below(2) ? 1.0 : to_t(log_unif(-64, 63), f32)};
        run_sample(BCEV_LOGITS, f32 ? BCEV_F32 : BCEV_F64, &s, &o, 1, NULL, 0, NULL, 0, NULL, 0);
        /* probs: y' = p / (P (1 - p) + p) and P y' = p */
        double p = pick_prob(f32);
        double yp = pick_label(BCEV_PROBS, p, P, o.label_smoothing, f32);
        bcev_sample s3 = {p, yp, s.w};
        if (below(3) == 0) o.flags |= BCE_OPT_LOG_CLAMP;
        run_sample(BCEV_PROBS, f32 ? BCEV_F32 : BCEV_F64, &s3, &o, 1, NULL, 0, NULL, 0, NULL, 0);
    }
    const unsigned long fine_f = ST.fine - fine0, fdec_f = ST.fine_decided - fdec0;
    printf("fast_filter sigma labels: fine gradient decided RN(exact) under bound 1 for %lu of %lu\n",
           fdec_f, fine_f);
    cr_assert_geq((double)fdec_f, 0.9 * (double)fine_f);
    /* (f2) the structured cancellations: z tiny or 0 with y' = 1/2 (y = 1/2,
     * or a = 1), P = 1: g = s(z) - 1/2 ~ z/4 and exactly 0 at z = 0; the
     * fine enclosure must decide them (em = 1 - e keeps them relative) */
    {
        const unsigned long f0 = ST.fine, d0 = ST.fine_decided;
        for (int i = 0; i < 3000; i++) {
            const int f32 = i & 1;
            bce_options o;
            memset(&o, 0, sizeof o);
            if (i & 2) o.label_smoothing = 1.0;
            if (i & 4) { o.flags = BCE_OPT_POS_WEIGHT; o.pos_weight = 1.0; }
            double z = to_t(log_unif(f32 ? -149 : -1074, -20) * ((i & 8) ? -1 : 1), f32);
            if (i % 16 == 0) z = 0.0;
            if (z == 0.0 && (i & 8)) z = -0.0;
            const double y = (i & 2) ? pick_label(BCEV_LOGITS, z, 1.0, 0.0, f32) : 0.5;
            bcev_sample s = {z, y, 1.0};
            run_sample(BCEV_LOGITS, f32 ? BCEV_F32 : BCEV_F64, &s, &o, 1, NULL, 0, NULL, 0, NULL, 0);
        }
        printf("fast_filter tiny z, y' = 1/2: fine gradient decided %lu of %lu\n",
               ST.fine_decided - d0, ST.fine - f0);
        cr_assert_geq((double)(ST.fine_decided - d0), 0.99 * (double)(ST.fine - f0));
    }
    /* (g) subnormal and out-of-range weights, NaN x without
     * BCE_OPT_PROPAGATE_NAN, p outside [0, 1], the clamp on logits: no
     * enclosure (invalid samples) */
    {
        bce_options o;
        memset(&o, 0, sizeof o);
        bcev_ff_val den = {1.0L, 0.0L, 0.0L, 1}, fl, fg;
        bcev_sample s = {0.5, 0.5, 0x1p-1074};
        cr_assert(!bcev_ff_sample(BCEV_PROBS, &s, &o, &den, &fl, &fg));
        s.w = 0x1p-65;
        cr_assert(!bcev_ff_sample(BCEV_LOGITS, &s, &o, &den, &fl, &fg));
        s.w = 1.0; s.x = NAN;
        cr_assert(!bcev_ff_sample(BCEV_LOGITS, &s, &o, &den, &fl, &fg));
        s.x = -0x1p-1074;
        cr_assert(!bcev_ff_sample(BCEV_PROBS, &s, &o, &den, &fl, &fg));
        s.x = 0x1.0000000000001p+0;
        cr_assert(!bcev_ff_sample(BCEV_PROBS, &s, &o, &den, &fl, &fg));
        s.x = 0.5;
        o.flags = BCE_OPT_LOG_CLAMP;
        cr_assert(!bcev_ff_sample(BCEV_LOGITS, &s, &o, &den, &fl, &fg));
    }
    /* (h) the exact limits p = 0, 1 under every combination of zero
     * coefficients, clamp and pos_weight 0 */
    for (int i = 0; i < 64; i++) {
        bce_options o;
        memset(&o, 0, sizeof o);
        if (i & 1) o.flags |= BCE_OPT_LOG_CLAMP;
        if (i & 2) { o.flags |= BCE_OPT_POS_WEIGHT; o.pos_weight = (i & 4) ? 0.0 : 3.0; }
        if (i & 8) o.label_smoothing = 0x1p-64;
        const double ys[] = {0.0, 1.0, 0.25, 0x1p-1074};
        for (int k = 0; k < 4; k++)
            for (int f32 = 0; f32 < 2; f32++) {
                bcev_sample s = {(i & 16) ? 1.0 : 0.0, to_t(ys[k], f32), (i & 32) ? 0x1p-64 : 1.0};
                run_sample(BCEV_PROBS, f32 ? BCEV_F32 : BCEV_F64, &s, &o, 1, NULL, 0,
                           NULL, 0, NULL, 0);
            }
    }
    printf("fast_filter hard regimes: %lu samples, %lu enclosed, worst |exact - mid| / rad = %.3Lg;"
           " fine gradient: %lu enclosed, worst %.3Lg, RN(exact) decided under bound 1 for %lu\n",
           ST.samples, ST.enclosed, ST.worst, ST.fine, ST.worst_fine, ST.fine_decided);
}

/* 4. reduced losses */
Test(fast_filter, reduced_enclosed_and_decisions_sound)
{
    if (!bcev_ff_available())
        cr_skip_test("long double is narrower than x87 extended");
    bcev_rng_seed(&R, SEED + 3);
    memset(&ST, 0, sizeof ST);
    const long count = samples(60000) / 10;
    for (long i = 0; i < count; i++) {
        const bcev_form form = (bcev_form)(i & 1);
        const int f32 = (i >> 1) & 1;
        const bcev_type t = f32 ? BCEV_F32 : BCEV_F64;
        bce_options o;
        memset(&o, 0, sizeof o);
        int pset;
        o.pos_weight = pick_pos_weight(&pset);
        if (pset) o.flags |= BCE_OPT_POS_WEIGHT;
        o.label_smoothing = pick_smoothing();
        if (form == BCEV_PROBS && below(4) == 0) o.flags |= BCE_OPT_LOG_CLAMP;
        o.reduction = (bce_reduction)(1 + below(3));
        const size_t n = 1 + below(20);
        double x[20], y[20], w[20];
        const int has_w = below(2);
        double wsum = 0.0;
        for (size_t k = 0; k < n; k++) {
            x[k] = form == BCEV_PROBS ? pick_prob(f32) : pick_logit(f32);
            if (form == BCEV_LOGITS && isinf(x[k]) && below(2)) x[k] = 3.0;
            y[k] = pick_label(form, x[k], pset ? o.pos_weight : 1.0, o.label_smoothing, f32);
            w[k] = pick_weight(f32);
            wsum += w[k];
        }
        if (wsum == 0.0) w[0] = 1.0;
        mpfr_t L;
        mpfr_init2(L, PREC);
        int rc = bcev_exact_reduced(form, n, x, y, has_w ? w : NULL, &o, NAN, PREC, L);
        bcev_ff_val fl;
        ST.samples++;
        if (rc == 0 && bcev_ff_reduced(form, n, x, y, has_w ? w : NULL, &o, &fl)) {
            cr_assert(encloses(&fl, L), "reduced %s n=%zu: %La +- %La misses %.40Rg",
                      form ? "probs" : "logits", n, fl.mid, fl.rad, L);
            ST.enclosed++;
            check_decisions(t, &fl, L, NULL, 0, 0, "reduced");
        }
        mpfr_clear(L);
    }
    printf("fast_filter reduced: %lu sums, %lu enclosed, worst %.3Lg\n", ST.samples,
           ST.enclosed, ST.worst);
    cr_assert_gt(ST.enclosed, ST.samples / 2);
}

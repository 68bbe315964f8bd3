/*
 * api_support.h -- helpers of tests/test_api.c: one calling convention for
 * the four entry points (form x type), sentinel-filled outputs, a fixed-seed
 * generator, the documented ulp bounds and the check against the MPFR
 * reference (bcev_exact).  Included by test_api.c only.
 */
#ifndef API_SUPPORT_H
#define API_SUPPORT_H

#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bce.h"
#include "bce_verify.h"
#include "isa_list.h"

/* ---- the four entry points behind one signature ------------------------ */

typedef struct kind {
    bcev_form form;
    bcev_type type;
    const char *name;
} kind;

static const kind kinds[] = {
    {BCEV_LOGITS, BCEV_F64, "logits_f64"},
    {BCEV_LOGITS, BCEV_F32, "logits_f32"},
    {BCEV_PROBS, BCEV_F64, "probs_f64"},
    {BCEV_PROBS, BCEV_F32, "probs_f32"},
};
#define FOR_EACH_KIND(k) \
    for (const kind *k = kinds; k < kinds + sizeof kinds / sizeof kinds[0]; k++)

static size_t esize(const kind *k)
{
    return k->type == BCEV_F32 ? sizeof(float) : sizeof(double);
}

static bce_status raw_call(const kind *k, size_t n, const void *x,
                           const void *y, const void *w,
                           const bce_options *o, void *loss, void *grad)
{
    if (k->type == BCEV_F64)
        return k->form == BCEV_LOGITS
                   ? bce_logits_f64(n, x, y, w, o, loss, grad)
                   : bce_probs_f64(n, x, y, w, o, loss, grad);
    return k->form == BCEV_LOGITS ? bce_logits_f32(n, x, y, w, o, loss, grad)
                                  : bce_probs_f32(n, x, y, w, o, loss, grad);
}

/* Round v to the kind's type (identity for f64). */
static double to_type(const kind *k, double v)
{
    return k->type == BCEV_F32 ? (double)(float)v : v;
}

static double get(const kind *k, const void *a, size_t i)
{
    return k->type == BCEV_F32 ? (double)((const float *)a)[i]
                               : ((const double *)a)[i];
}

static void put(const kind *k, void *a, size_t i, double v)
{
    if (k->type == BCEV_F32)
        ((float *)a)[i] = (float)v;
    else
        ((double *)a)[i] = v;
}

/* A typed copy of n doubles (NULL stays NULL). */
static void *typed(const kind *k, const double *a, size_t n)
{
    if (a == NULL)
        return NULL;
    void *t = malloc((n ? n : 1) * esize(k));
    cr_assert_not_null(t);
    for (size_t i = 0; i < n; i++)
        put(k, t, i, a[i]);
    return t;
}

#define SENTINEL_BYTE 0xA5
static void *sentinel_alloc(size_t bytes)
{
    unsigned char *p = malloc(bytes ? bytes : 1);
    cr_assert_not_null(p);
    memset(p, SENTINEL_BYTE, bytes ? bytes : 1);
    return p;
}
static int is_sentinel(const void *p, size_t bytes)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < bytes; i++)
        if (c[i] != SENTINEL_BYTE)
            return 0;
    return 1;
}

#define IDX_UNSET ((size_t)0x5a5a5a5a)

typedef struct outcome {
    bce_status st;
    size_t idx;    /* what the library stored in *error_index (IDX_UNSET if
                      nothing, or if opt was NULL) */
    int untouched; /* no byte of loss/grad was written */
} outcome;

static int reduced(const bce_options *o)
{
    return o != NULL && o->reduction != BCE_REDUCTION_NONE;
}

/*
 * Call the kind's entry point on doubles (converted to the kind's type),
 * outputs in fresh sentinel-filled buffers, then copied (widened) to
 * loss/grad when given.  loss/grad NULL are passed as NULL.
 */
static outcome call(const kind *k, size_t n, const double *x, const double *y,
                    const double *w, const bce_options *opt, double *loss,
                    double *grad)
{
    outcome r;
    size_t nl = reduced(opt) ? 1 : n, es = esize(k);
    void *tx = typed(k, x, n), *ty = typed(k, y, n), *tw = typed(k, w, n);
    void *tl = loss ? sentinel_alloc(nl * es) : NULL;
    void *tg = grad ? sentinel_alloc(n * es) : NULL;
    bce_options o;
    size_t idx = IDX_UNSET;
    if (opt != NULL) {
        o = *opt;
        o.error_index = &idx;
    }
    r.st = raw_call(k, n, tx, ty, tw, opt ? &o : NULL, tl, tg);
    r.idx = idx;
    r.untouched = (tl == NULL || is_sentinel(tl, nl * es)) &&
                  (tg == NULL || is_sentinel(tg, n * es));
    for (size_t i = 0; loss != NULL && i < nl; i++)
        loss[i] = get(k, tl, i);
    for (size_t i = 0; grad != NULL && i < n; i++)
        grad[i] = get(k, tg, i);
    free(tx);
    free(ty);
    free(tw);
    free(tl);
    free(tg);
    return r;
}

/* Assert that an entry point returned BCE_OK, naming the status if not. */
#define ASSERT_OK(k, expr)                                                  \
    do {                                                                    \
        bce_status st_ = (expr);                                            \
        cr_assert_eq(st_, BCE_OK, "%s: %s returned %s", (k)->name, #expr,  \
                     bce_status_name(st_));                                 \
    } while (0)

/* ---- instruction sets ---------------------------------------------------- */

/* The ISAs this build and CPU run, from the registry (isa_list.h: the
 * others are reported as skipped); returns their count (>= 1). */
static size_t available_isas(const char *out[TEST_MAX_ISA])
{
    return test_runnable_isas(out);
}

static void use_isa(const char *isa)
{
    cr_assert_eq(bce_set_isa(isa), BCE_OK, "bce_set_isa(\"%s\")", isa);
    cr_assert_str_eq(bce_active_isa(), isa);
}

/* ---- fixed-seed generator -------------------------------------------------- */

static uint64_t rng_next(uint64_t *s) /* splitmix64 */
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}
static double rng_unit(uint64_t *s) /* [0,1), 53 bits */
{
    return (double)(rng_next(s) >> 11) * 0x1p-53;
}
static double rng_range(uint64_t *s, double a, double b)
{
    return a + (b - a) * rng_unit(s);
}

/* A logit from one of several regimes: centre, training range, tails
 * (where naive formulas overflow or cancel), tiny. */
static double gen_logit(const kind *k, uint64_t *s)
{
    int f32 = k->type == BCEV_F32;
    double sign = (rng_next(s) & 1) ? -1.0 : 1.0, v;
    switch (rng_next(s) % 5) {
    case 0: v = rng_range(s, 0, 4); break;
    case 1: v = rng_range(s, 0, f32 ? 20 : 40); break;
    case 2: v = f32 ? rng_range(s, 15, 110) : rng_range(s, 35, 750); break;
    case 3: v = ldexp(rng_range(s, 1, 2), -(int)(rng_next(s) % (f32 ? 150 : 1075))); break;
    default: v = rng_range(s, 0, 1); break;
    }
    return to_type(k, sign * v);
}

/* A probability: uniform, tiny (down to subnormals), or just below 1. */
static double gen_prob(const kind *k, uint64_t *s)
{
    int f32 = k->type == BCEV_F32, p = f32 ? 24 : 53;
    switch (rng_next(s) % 4) {
    case 0: return to_type(k, rng_unit(s));
    case 1: return to_type(k, ldexp(rng_range(s, 0.5, 1),
                                   -(int)(rng_next(s) % (f32 ? 150 : 1075))));
    case 2: { /* 1 - j 2^-p, exactly representable */
        int bits = (int)(rng_next(s) % (unsigned)(p - 2)) + 1;
        double j = (double)(1 + rng_next(s) % ((uint64_t)1 << bits));
        return 1.0 - ldexp(j, -p);
    }
    default: return to_type(k, rng_range(s, 0.25, 0.75));
    }
}

static double gen_x(const kind *k, uint64_t *s)
{
    return k->form == BCEV_LOGITS ? gen_logit(k, s) : gen_prob(k, s);
}

static double gen_label(const kind *k, uint64_t *s, int soft)
{
    if (!soft)
        return (double)(rng_next(s) & 1);
    switch (rng_next(s) % 4) {
    case 0: return (double)(rng_next(s) & 1);
    case 1: return to_type(k, ldexp(1.0, -(int)(rng_next(s) % 60)));
    default: return to_type(k, rng_unit(s));
    }
}

/* Dyadic weights k/8, k in 0..32: every partial sum is exact. */
static double gen_weight(uint64_t *s)
{
    return (double)(rng_next(s) % 33) / 8.0;
}

/* ---- bounds (docs/ACCURACY.md) and the reference check ---------------------- */

/*
 * The documented bound of one output (bcev_bound: THE table of
 * verify/bounds.c, mirrored by docs/ACCURACY.md): options (weights,
 * pos_weight, smoothing, clamp) select the OPTIONS column, a reduced loss or
 * a gradient divided by n or sum w the REDUCED column, else HARD or SOFT by
 * the label.
 */
static double bound_of(const kind *k, const bce_options *o, int weighted,
                       double y, int is_grad)
{
    int opts = weighted ||
               (o && (o->flags & (BCE_OPT_POS_WEIGHT | BCE_OPT_LOG_CLAMP))) ||
               (o && o->label_smoothing != 0);
    int divided = o && (o->reduction == BCE_REDUCTION_MEAN ||
                        o->reduction == BCE_REDUCTION_WEIGHTED_MEAN);
    bcev_config_kind cfg = (reduced(o) && !is_grad) || (divided && is_grad)
                               ? BCEV_CFG_REDUCED
                           : opts              ? BCEV_CFG_OPTIONS
                           : y == 0 || y == 1  ? BCEV_CFG_HARD
                                               : BCEV_CFG_SOFT;
    return bcev_bound(k->form, k->type, is_grad ? BCEV_GRAD : BCEV_LOSS, cfg);
}

static double denom_of(const bce_options *o, size_t n, const double *w)
{
    if (o == NULL || o->reduction == BCE_REDUCTION_NONE ||
        o->reduction == BCE_REDUCTION_SUM)
        return 1;
    if (o->reduction == BCE_REDUCTION_MEAN || w == NULL)
        return (double)n;
    double s = 0; /* exact for the dyadic weights the tests use */
    for (size_t i = 0; i < n; i++)
        s += w[i];
    return s;
}

/* ulp error of got against the exact value; a result that overflowed to
 * +-inf is right when the exact value rounds to that infinity (the metric
 * alone sees a finite exact value against an infinite result). */
static double ulp_err(bcev_type t, double got, const mpfr_t exact)
{
    if (isinf(got) && mpfr_number_p(exact)) {
        double rn = t == BCEV_F32 ? (double)mpfr_get_flt(exact, MPFR_RNDN)
                                  : mpfr_get_d(exact, MPFR_RNDN);
        if (rn == got)
            return 0;
    }
    return bcev_ulp_error(t, got, exact);
}

/* Does got meet bound?  A bound of 0.5 means correct rounding (bcev_check
 * compares with RN(exact)); otherwise the ulp error, overflow included. */
static int meets(bcev_type t, double got, const mpfr_t exact, double bound,
                 double *ulps)
{
    *ulps = ulp_err(t, got, exact);
    return bcev_check(t, got, exact, bound, NULL) || *ulps <= bound;
}

#define REF_PREC 256
#define MAX_REPORTS 12

/*
 * Run the kind on (x, y, w) with opt and check every output against the
 * exact values within the documented bounds.  Returns the count of
 * violations (each of the first MAX_REPORTS is reported with its input).
 */
static int check_ref(const kind *k, size_t n, const double *x,
                     const double *y, const double *w, const bce_options *opt,
                     const char *what)
{
    double *loss = malloc((n ? n : 1) * sizeof *loss);
    double *grad = malloc((n ? n : 1) * sizeof *grad);
    cr_assert(loss != NULL && grad != NULL);
    outcome r = call(k, n, x, y, w, opt, loss, grad);
    cr_assert_eq(r.st, BCE_OK, "%s %s: status %s", k->name, what,
                 bce_status_name(r.st));
    double denom = denom_of(opt, n, w);
    int bad = 0;
    mpfr_t el, eg, sum;
    mpfr_inits2(REF_PREC, el, eg, sum, (mpfr_ptr)0);
    mpfr_set_zero(sum, 1);
    for (size_t i = 0; i < n; i++) {
        bcev_sample s = {x[i], y[i], w ? w[i] : 1.0};
        bcev_exact(k->form, &s, opt, denom, REF_PREC, el, eg);
        mpfr_add(sum, sum, el, MPFR_RNDN);
        double bl = bound_of(k, opt, w != NULL, y[i], 0);
        double bg = bound_of(k, opt, w != NULL, y[i], 1);
        double li = reduced(opt) ? NAN : loss[i]; /* one value if reduced */
        double ul = 0, ug;
        int ok_l = reduced(opt) || meets(k->type, li, el, bl, &ul);
        int ok_g = meets(k->type, grad[i], eg, bg, &ug);
        if (!ok_l || !ok_g) {
            if (++bad <= MAX_REPORTS)
                cr_expect(0,
                          "%s %s [%zu]: x=%a y=%a w=%a: loss %a (%.3g ulp, "
                          "exact ~%a, bound %g) grad %a (%.3g ulp, exact ~%a, "
                          "bound %g)",
                          k->name, what, i, x[i], y[i], s.w, li, ul,
                          mpfr_get_d(el, MPFR_RNDN), bl, grad[i], ug,
                          mpfr_get_d(eg, MPFR_RNDN), bg);
        }
    }
    if (reduced(opt)) {
        mpfr_div_d(sum, sum, denom, MPFR_RNDN);
        double u, b = bound_of(k, opt, w != NULL, 0.5, 0);
        if (!meets(k->type, loss[0], sum, b, &u)) {
            bad++;
            cr_expect(0, "%s %s: reduced loss %a, exact ~%a: %.3g ulp > %g",
                      k->name, what, loss[0], mpfr_get_d(sum, MPFR_RNDN), u, b);
        }
    }
    mpfr_clears(el, eg, sum, (mpfr_ptr)0);
    free(loss);
    free(grad);
    return bad;
}

/* Bitwise equality of doubles (NaN payloads, signed zeros). */
static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* a == b, or both NaN; zeros of either sign are equal. */
static int same_value(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

#endif

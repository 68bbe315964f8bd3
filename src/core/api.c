/*
 * core/api.c -- the entry points: validate everything (no output is written on
 * error), turn the options into a kernel parameter block, run the active
 * kernel, finish the reduction.
 *
 * Validation order: pointers, size, options, then the elements in index
 * order (for each i: x, then y, then w), so error_index is the first
 * offending index.  Reductions: the per-sample losses (double-double) are
 * summed in a double-double accumulator (relative error ~ n 2^-104, all
 * terms >= 0) and divided once: the reduced loss is within about 0.5 ulp.
 */
#include <stdint.h>
#include "core/isa.h"

enum form { FORM_LOGITS, FORM_PROBS };

static bce_status fail(const bce_options *opt, bce_status st, size_t idx)
{
    if (opt && opt->error_index) *opt->error_index = idx;
    return st;
}


bce_status bce_check_options(const bce_options *o, int logits_form)
{
    if ((unsigned)o->reduction > (unsigned)BCE_REDUCTION_WEIGHTED_MEAN)
        return BCE_E_BAD_OPTION;
    if (o->flags & ~BCE_OPT_ALL_FLAGS) return BCE_E_BAD_OPTION;
    if ((o->flags & BCE_OPT_POS_WEIGHT) &&
        !(o->pos_weight == 0.0 ||
          (o->pos_weight >= BCE_POS_WEIGHT_MIN && o->pos_weight <= BCE_POS_WEIGHT_MAX)))
        return BCE_E_BAD_OPTION;
    if (!(o->label_smoothing == 0.0 ||
          (o->label_smoothing >= BCE_SMOOTHING_MIN && o->label_smoothing <= 1.0)))
        return BCE_E_BAD_OPTION;
    if ((o->flags & BCE_OPT_LOG_CLAMP) && logits_form)
        return BCE_E_BAD_OPTION;
    return BCE_OK;
}

void bce_kparams_init(const bce_options *opt, int want_loss, int want_grad,
                      bce_kparams *kp)
{
    kp->flags = opt->flags;
    kp->has_pw = (opt->flags & BCE_OPT_POS_WEIGHT) != 0;
    kp->pos_weight = kp->has_pw ? opt->pos_weight : 1.0;
    kp->smooth = opt->label_smoothing;
    kp->one_minus_a = bce_two_sum(1.0, -kp->smooth);
    kp->half_a = 0.5 * kp->smooth;
    kp->plain = !kp->has_pw && kp->smooth == 0.0;
    kp->has_gscale = 0;
    kp->gscale = bce_dd_make(1.0, 0.0);
    kp->gden = kp->gscale;
    kp->wscale_e = 0;
    kp->lscale_e = 0;
    kp->mean_e = 0;
    kp->want_loss = want_loss;
    kp->want_grad = want_grad;
    kp->reduce = opt->reduction != BCE_REDUCTION_NONE;
}

/* Scan the elements; first offender wins.  Also sums the weights and, for
 * the means, the bounds B and G (finish_prepare).
 *
 * Calls without weights whose reduction is NONE or SUM need neither: they
 * only need to know that every element is valid.  They take a branch-free
 * check per chunk of SCAN_CHUNK elements (SSE2 below: about 0.15 ns per
 * element instead of about 1.8 for the loop below, measured with
 * bce-bench-pair on AVX2 logits f32 with and without the check, n = 4096);
 * a chunk that holds an offender is scanned again by
 * the loop below, which names the first one.  The check accepts exactly
 * the elements the loop accepts: x not NaN (or NaN with PROPAGATE_NAN),
 * for probabilities 0 <= x <= 1, and 0 <= y <= 1 (false for NaN). */
#define SCAN_CHUNK 512   /* 8 KiB of f64 x and y: still in L1 for the rescan */

/* The chunk check: nonzero iff some element of x[0..m), y[0..m) is not
 * accepted (rules above).  The plain loop (the generic code and the tail)
 * is not vectorised by the compilers (NaN-aware comparisons); on x86-64 the
 * body runs on SSE2 (baseline) with the negated predicates, which are true
 * for NaN: bad y <=> !(y >= 0) | !(y <= 1). */
#define SCAN_ONE(T, xi, yi)                                                     \
    ((!(yi >= (T)0) | !(yi <= (T)1)) | (!prop & (xi != xi))                     \
     | (probs & (xi == xi) & (!(xi >= (T)0) | !(xi <= (T)1))))
#if defined(__SSE2__)
#include <emmintrin.h>
/* V: the SSE2 type, S: the intrinsics' suffix (pd, ps), L: lanes */
#define DEFINE_CHUNK_SSE2(NAME, T, V, S, L)                                     \
static int NAME(const T *x, const T *y, size_t m, int probs, int prop)         \
{                                                                              \
    const V zero = _mm_setzero_##S(), one = _mm_set1_##S(1);                   \
    const V nanbad = prop ? zero : _mm_castsi128_##S(_mm_set1_epi32(-1));      \
    V acc = zero;                                                              \
    size_t i = 0;                                                              \
    for (; i + L <= m; i += L) {                                               \
        V a = _mm_loadu_##S(x + i), b = _mm_loadu_##S(y + i);                  \
        acc = _mm_or_##S(acc, _mm_or_##S(_mm_cmpnge_##S(b, zero), _mm_cmpnle_##S(b, one))); \
        acc = _mm_or_##S(acc, _mm_and_##S(nanbad, _mm_cmpunord_##S(a, a)));   \
        if (probs)                                                             \
            acc = _mm_or_##S(acc, _mm_and_##S(_mm_cmpord_##S(a, a),            \
                         _mm_or_##S(_mm_cmpnge_##S(a, zero), _mm_cmpnle_##S(a, one)))); \
    }                                                                          \
    int off = _mm_movemask_##S(acc) != 0;                                      \
    for (; i < m; i++) off |= SCAN_ONE(T, x[i], y[i]);                         \
    return off;                                                                \
}
DEFINE_CHUNK_SSE2(scan_f64_chunk, double, __m128d, pd, 2)
DEFINE_CHUNK_SSE2(scan_f32_chunk, float, __m128, ps, 4)
#else
#define DEFINE_CHUNK(NAME, T)                                                   \
static int NAME(const T *x, const T *y, size_t m, int probs, int prop)         \
{                                                                              \
    int off = 0;                                                               \
    for (size_t i = 0; i < m; i++) off |= SCAN_ONE(T, x[i], y[i]);            \
    return off;                                                                \
}
DEFINE_CHUNK(scan_f64_chunk, double)
DEFINE_CHUNK(scan_f32_chunk, float)
#endif


#define DEFINE_SCAN(NAME, T)                                                    \
static bce_status NAME(size_t n, const T *x, const T *y, const T *w,           \
                       enum form f, unsigned flags, int need_bounds,           \
                       size_t *bad, bce_dd *wsum)                              \
{                                                                              \
    const int prop = (flags & BCE_OPT_PROPAGATE_NAN) != 0;                     \
    size_t i0 = 0;                                                             \
    if (!w && !need_bounds) {                                                  \
        for (; i0 < n; i0 += SCAN_CHUNK) {                                     \
            const size_t e = n - i0 < SCAN_CHUNK ? n : i0 + SCAN_CHUNK;        \
            int off = NAME##_chunk(x + i0, y + i0, e - i0, f == FORM_PROBS, prop); \
            if (off) break;      /* the loop below names the offender */      \
        }                                                                      \
        if (i0 > n) i0 = n;                                                    \
    }                                                                          \
    bce_dd s = bce_dd_make(0.0, 0.0);                                          \
    bce_dd sb = s, ss = s;   /* sums of w 2^-600 and w 2^600 */                \
    double bnd = 0.0;        /* >= sum w L / (P + 1) (loose)  */               \
    double gmx = 0.0;        /* >= max w |g| / (P + 1) (loose) */              \
    for (size_t i = i0; i < n; i++) {                                          \
        double xi = x[i], yi = y[i];                                           \
        if (xi != xi) {                                                        \
            if (!prop) { *bad = i;                                             \
                return f == FORM_LOGITS ? BCE_E_NAN_LOGIT : BCE_E_NAN_PROB; }  \
        } else if (f == FORM_PROBS && !(xi >= 0.0 && xi <= 1.0)) {             \
            *bad = i; return BCE_E_PROB_RANGE;                                 \
        }                                                                      \
        if (yi != yi) { *bad = i; return BCE_E_NAN_LABEL; }                    \
        /* (an infinite z has an exact loss, +inf or 0: +inf makes the     \
         * result inf anyway, so it adds nothing here; its inf bound once  \
         * sent MEAN into the 2^-600 frame, which drops terms below        \
         * 2^-474: a mean of 2^-919 became 0, fuzz finding logits_f64) */  \
        const double Lb = f == FORM_LOGITS ? (xi - xi == 0.0 ? bce_fabs(xi) + 1.0 : 0.0) \
                                           : 746.0;                            \
        /* p = 0 or 1: an exact limit or a clamped (finite) gradient */      \
        const double Gb = f == FORM_LOGITS || !(xi > 0.0 && xi < 1.0) ? 2.0   \
                        : 2.0 / (xi < 0.5 ? xi : 1.0 - xi);                    \
        if (!(yi >= 0.0 && yi <= 1.0)) { *bad = i; return BCE_E_LABEL_RANGE; } \
        if (w) {                                                               \
            double wi = w[i];                                                  \
            if (wi != wi) { *bad = i; return BCE_E_NAN_WEIGHT; }               \
            if (!(wi == 0.0 || (wi >= BCE_WEIGHT_MIN && wi <= BCE_WEIGHT_MAX))) { *bad = i; return BCE_E_WEIGHT_RANGE; } \
            s = bce_dd_add_d(s, wi);                                           \
            sb = bce_dd_add_d(sb, wi * 0x1p-600);                              \
            ss = bce_dd_add_d(ss, wi * 0x1p600);                               \
            if (wi > 0.0) bnd += wi * Lb;                                      \
            /* (w = 0 skipped: 0 * Gb is NaN for a subnormal p, and a NaN  \
             * maximum was overwritten by the next element: p = 2^-985,     \
             * w = 2^64, WEIGHTED_MEAN gave -inf, bce verify's grid) */      \
            if (wi > 0.0 && !(wi * Gb <= gmx)) gmx = wi * Gb;                  \
        } else {                                                               \
            bnd += Lb;                                                         \
            if (!(Gb <= gmx)) gmx = Gb;                                        \
        }                                                                      \
    }                                                                          \
    if (!w) {                                                                  \
        s = bce_dd_make((double)n, 0.0);                                       \
        sb = bce_dd_make((double)n * 0x1p-600, 0.0);                           \
        ss = bce_dd_make((double)n * 0x1p600, 0.0);                            \
    }                                                                          \
    wsum[0] = s; wsum[1] = sb; wsum[2] = ss;                                   \
    wsum[3] = bce_dd_make(bnd, gmx);                                           \
    return BCE_OK;                                                             \
}
DEFINE_SCAN(scan_f64, double)
DEFINE_SCAN(scan_f32, float)

/* Common front end: returns BCE_OK and fills kp, or an error. */
static bce_status prepare(size_t n, const void *x, const void *y, size_t esize,
                          const bce_options *opt, enum form f, int want_loss,
                          int want_grad, bce_kparams *kp)
{
    if (n > 0 && (!x || !y)) return fail(opt, BCE_E_NULL_POINTER, BCE_NO_INDEX);
    if (n > SIZE_MAX / esize) return fail(opt, BCE_E_SIZE_OVERFLOW, BCE_NO_INDEX);
    bce_status st = bce_check_options(opt, f == FORM_LOGITS);
    if (st == BCE_OK && (opt->flags & BCE_OPT_FAST_ACCUM)) st = BCE_E_BAD_OPTION;
    if (st != BCE_OK) return fail(opt, st, BCE_NO_INDEX);
    if (opt->reduction == BCE_REDUCTION_MEAN && n == 0)
        return fail(opt, BCE_E_EMPTY_MEAN, BCE_NO_INDEX);

    bce_kparams_init(opt, want_loss, want_grad, kp);
    return BCE_OK;
}

/* Divisor of the reduction: 1, n, or sum w (double-double).  wsum: the sums
 * of w, w 2^-600 and w 2^600, and a bound B >= sum w L / (P + 1) (L <=
 * (P + 1)(|z| + 1) from logits, <= 746 (P + 1) from p in (0,1)).  A MEAN
 * or WEIGHTED_MEAN whose weights sum beyond 2^900, whose B (P + 1) or
 * max w |g| (<= w (P + 1) (1 from logits, 2/min(p, 1-p) from p)) exceeds
 * 2^1000 (fuzz: p = 2^-884, P = w = 2^64, MEAN gave -inf) (w L, their sum and w g may overflow while the means do
 * not; fuzz finding: z = 2^128, w = 2^900 gave a mean of +inf) and a
 * WEIGHTED_MEAN whose
 * sum of weights is outside [2^-900, 2^900] (1/sum w would overflow or lose
 * its accuracy) work with w 2^E (kp->wscale_e = E) and divide by the sum of
 * those; the sums differ from the scaled sum w 2^E only by the terms below
 * 2^-1074 (w < 2^-474 beside a sum > 2^900), negligible.  Fuzz findings:
 * w = {DBL_MAX, 1} (NaN gradient), w = {DBL_MAX, DBL_MAX} (NaN mean),
 * n = 1, w = 2^-1040 (NaN gradient). */
static bce_status finish_prepare(size_t n, const bce_options *opt,
                                 const bce_dd *wsum, bce_kparams *kp,
                                 bce_dd *denom)
{
    *denom = bce_dd_make(1.0, 0.0);
    bce_dd gden = *denom;      /* the gradient's divisor */
    /* the loss and the gradient take the w 2^-600 frame separately: the
     * frame loses terms below 2^-474, so a problem whose loss cannot
     * overflow keeps its tiny loss terms although its gradient needs it */
    const int wbig = !(wsum[0].hi <= 0x1p900);
    const int lbig = wbig || !(wsum[3].hi * (kp->pos_weight + 1.0) <= 0x1p1000);
    const int gbig = wbig || !(wsum[3].lo * (kp->pos_weight + 1.0) <= 0x1p1000);
    if (opt->reduction == BCE_REDUCTION_MEAN) {
        *denom = gden = bce_dd_make((double)n, 0.0);
        if (lbig) kp->lscale_e = -600;
        if (gbig) kp->wscale_e = -600;
        kp->mean_e = 1;
    } else if (opt->reduction == BCE_REDUCTION_WEIGHTED_MEAN) {
        if (wsum[0].hi == 0.0) return fail(opt, BCE_E_ZERO_WEIGHT_SUM, BCE_NO_INDEX);
        *denom = gden = wsum[0];
        if (wsum[0].hi < 0x1p-900) {
            kp->wscale_e = kp->lscale_e = 600;
            *denom = gden = wsum[2];
        } else {
            if (lbig) { kp->lscale_e = -600; *denom = wsum[1]; }
            if (gbig) { kp->wscale_e = -600; gden = wsum[1]; }
        }
    }
    if (gden.hi != 1.0 || gden.lo != 0.0) {
        kp->has_gscale = 1;
        kp->gden = gden;
        kp->gscale = bce_dd_div(bce_dd_make(1.0, 0.0), gden);
    }
    return BCE_OK;
}

static bce_dd reduced(const bce_acc *acc, bce_dd denom, const bce_kparams *kp)
{
    if (acc->nan) return bce_dd_make(__builtin_nan(""), 0.0);
    if (acc->inf) return bce_dd_make(__builtin_inf(), 0.0);
    if (acc->t.hi != 0.0) {
        /* tiny terms (a sum of values below 2^-900, times 2^600) */
        if (bce_fabs(acc->s.hi) < 0x1p-700 && !kp->lscale_e) {
            /* the whole sum is small: divide in the 2^600 frame, round once */
            bce_dd T = bce_dd_add(bce_dd_ldexp(acc->s, 600), acc->t);
            bce_dd q = bce_dd_div_safe(T, denom);
            return bce_dd_make(bce_round_scaled(q, 600), 0.0);
        }
        /* else the tiny part is below 2^-100 of the rest (n < 2^90) */
        bce_acc a2 = *acc;
        a2.s = bce_dd_add(acc->s, bce_dd_make(bce_round_scaled(acc->t, 600), 0.0));
        a2.t = bce_dd_make(0.0, 0.0);
        return reduced(&a2, denom, kp);
    }
    if (acc->s.hi == 0.0) return acc->s;
    bce_dd q = bce_dd_div_safe(acc->s, denom);
    if (kp->mean_e && kp->lscale_e) /* the sum was of w L 2^E: q 2^-E, rounded once */
        q = bce_dd_make(bce_round_scaled(q, kp->lscale_e), 0.0);
    return q;
}

#define DEFINE_ENTRY(NAME, T, SCAN, FORM, KFIELD, TOFT)                         \
bce_status NAME(size_t n, const T *x, const T *y, const T *w,                  \
                const bce_options *opt, T *loss, T *grad)                      \
{                                                                              \
    static const bce_options defaults;                                         \
    const bce_options *o = opt ? opt : &defaults;                              \
    bce_kparams kp;                                                            \
    bce_status st = prepare(n, x, y, sizeof(T), o, FORM, loss != NULL,         \
                            grad != NULL, &kp);                                \
    if (st != BCE_OK) return st;                                               \
    size_t bad = BCE_NO_INDEX;                                                 \
    bce_dd wsum[4];                                                            \
    const int need_bounds = o->reduction == BCE_REDUCTION_MEAN ||              \
                            o->reduction == BCE_REDUCTION_WEIGHTED_MEAN;       \
    st = SCAN(n, x, y, w, FORM, o->flags, need_bounds, &bad, wsum);            \
    if (st != BCE_OK) return fail(o, st, bad);                                 \
    bce_dd denom;                                                              \
    st = finish_prepare(n, o, wsum, &kp, &denom);                              \
    if (st != BCE_OK) return st;                                               \
    bce_acc acc = { { 0.0, 0.0 }, 0, 0, { 0.0, 0.0 }, kp.lscale_e == 0 };      \
    if (n > 0 && (loss || grad))                                               \
        bce_kernels_active()->KFIELD(n, x, y, w, &kp, kp.reduce ? NULL : loss, \
                                     grad, &acc);                              \
    if (loss && kp.reduce) *loss = TOFT(reduced(&acc, denom, &kp));            \
    return BCE_OK;                                                             \
}

static double dd_to_f64(bce_dd v) { return v.hi; }

DEFINE_ENTRY(bce_logits_f64, double, scan_f64, FORM_LOGITS, logits_f64, dd_to_f64)
DEFINE_ENTRY(bce_probs_f64, double, scan_f64, FORM_PROBS, probs_f64, dd_to_f64)
DEFINE_ENTRY(bce_logits_f32, float, scan_f32, FORM_LOGITS, logits_f32, bce_dd_to_float)
DEFINE_ENTRY(bce_probs_f32, float, scan_f32, FORM_PROBS, probs_f32, bce_dd_to_float)

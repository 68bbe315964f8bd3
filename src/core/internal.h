/*
 * core/internal.h -- what the entry points (core/api.c) and the kernels share:
 * per-sample label coefficients, results with error bounds, the kernel
 * parameter block, and the final rounding helpers.
 */
#ifndef BCE_INTERNAL_H
#define BCE_INTERNAL_H

#include "bce.h"
#include <math.h>
#include "core/dd.h"

/*
 * Label coefficients of one sample (the weight w_i is applied afterwards):
 *   alpha = P y',  beta = 1 - y',  N = alpha + beta,  y' = y (1-a) + a/2.
 * Logits:  L = alpha softplus(-z) + beta softplus(z),  g = beta s(z) - alpha s(-z)
 * Probs:   L = -alpha log p - beta log1p(-p),          g = -alpha/p + beta/(1-p)
 * For plain labels (no pos_weight, no smoothing) alpha = y, beta = 1 - y
 * (exact double-double) and N = 1: exact == 1.  Otherwise each coefficient
 * carries a relative error <= 2^-103 (exact == 0) and results whose value
 * cancels are bounded in terms of that (docs/ACCURACY.md).
 */
struct bce_lab {
    bce_dd alpha, beta, N;
    int exact;
    /* alpha_s = alpha 2^600, computed from the scaled label so that a tiny
     * alpha (< 2^-900: a subnormal soft label times pos_weight, say) keeps
     * its relative accuracy where the kernels work in a scaled frame. */
    bce_dd alpha_s;
};
typedef struct bce_lab bce_lab;

/* A result before its final rounding: the value is v * 2^-scale, with an
 * absolute error bound err (in the same units as v).  scale > 0 only in the
 * deep tails, where the value is below 2^-900; scale < 0 for gradients of
 * tiny probabilities, which may exceed DBL_MAX before the reduction's 1/n. */
typedef struct bce_res {
    bce_dd v;
    int scale;
    double err;
    int sticky;    /* sign of a term v leaves out because it is below any
                      rounding (a dropped e^-|z|), or 0: it breaks a tie of
                      v at the final rounding (bce_dd_sticky), and survives
                      the exact scalings by weights and 1/n */
} bce_res;

/* Relative error bounds of the level-1 (fast path) results, used by the
 * rounding tests.  Budgets in src/level1/elem_f64.h; measured maxima in
 * docs/ACCURACY.md (tests/test_level1.c asserts them against MPFR). */
#define BCE_EPS_LOSS 0x1p-62   /* loss (logits and probs) */
#define BCE_EPS_SIG  0x1p-64   /* sigma(-|z|) and 1 - sigma(-|z|) */
#define BCE_EPS_LAB  0x1p-102  /* inexact label coefficients and dd ops */

/* Log clamp threshold (BCE_OPT_LOG_CLAMP): log p < -100 <=> p < e^-100, i.e.
 * p < BCE_P100, the smallest double above e^-100 = 0x1.a8c1f14e2af5c...p-145
 * (MPFR; e^-100 is not a double). */
#define BCE_P100 0x1.a8c1f14e2af5dp-145

typedef struct bce_kparams {
    unsigned flags;            /* BCE_OPT_* */
    int plain;                 /* no pos_weight and no smoothing */
    int has_pw;
    double pos_weight;
    double smooth;             /* a */
    bce_dd one_minus_a;        /* 1 - a, exact */
    double half_a;             /* a/2 */
    int has_gscale;            /* gradient multiplied by gscale */
    bce_dd gscale;             /* 1/n or 1/sum(w) (1/(sum(w) 2^wscale_e)) */
    bce_dd gden;               /* its divisor: n or sum(w) (2^wscale_e)     */
    int wscale_e;              /* E != 0: MEAN / WEIGHTED_MEAN whose sum of
                                  weights is outside [2^-900, 2^900]: the
                                  kernels work with w 2^E (E = -600 or 600)
                                  so that w L, w g and 1/sum w stay in range */
    int lscale_e;              /* the same for the (reduced) loss          */
    int mean_e;                /* MEAN: results scaled back by 2^E         */
    int want_loss, want_grad;
    int reduce;                /* loss accumulated into *acc, not stored */
    int l0red;                 /* a call with a reduction or gradient factor
                                  that level 0 may take (no weights, no
                                  frames: core/api.c; simd/loop_tmpl.h):
                                  gradients g gscale tested on their own
                                  interval, loss terms summed into acc->s0
                                  with the bound acc->e0 (docs/ACCURACY.md,
                                  "Reductions and weights on level 0") */
    int gden_xn;               /* WEIGHTED_MEAN whose exact sum of weights S
                                  is not a double-double (it needs more
                                  than 106 bits): gden is S rounded
                                  to a double-double (|gden - S| <= 2^-106
                                  (1 + 2^-52) S) and S 2^wscale_e = gden +
                                  gden_x[0] + ... + gden_x[gden_xn - 1]
                                  exactly (core/api.c, wsum_exact); 0: gden
                                  is the exact divisor */
    double gden_x[3];
} bce_kparams;

/* Accumulator of a reduced loss: compensated sum, plus flags for inf/NaN. */
typedef struct bce_acc {
    bce_dd s;
    int inf, nan;
    bce_dd t;      /* the terms below 2^-900 (scaled frames), times 2^600:
                      summed there, so that a subnormal sum is rounded once */
    int tiny_ok;   /* t in use: no weight frame (kp->lscale_e == 0) */
    int sticky;    /* some term had a positive part too small to represent
                      (its bce_res.sticky > 0; losses are >= 0): the 16-bit
                      entry points break an exact midpoint of the sum with it */
    /* kp->l0red: the loss terms level 0 decided are not in s but here */
    bce_dd s0;     /* their sum (double-double additions in any order) */
    double e0;     /* >= sum over them of |value added - level-1 value| */
    size_t l0n;    /* how many (0: s is the level-1 sum, as without l0red) */
} bce_acc;

void bce_label(double y, const bce_kparams *kp, bce_lab *lab);

/* Options shared by every entry point (core/api.c): validity (BCE_E_BAD_OPTION
 * or BCE_OK) and the kernel parameter block (no gradient scale yet). */
bce_status bce_check_options(const bce_options *o, int logits_form);
void bce_kparams_init(const bce_options *o, int want_loss, int want_grad,
                      bce_kparams *kp);

/* v 2^e for a double-double, e in [-2044, 2046], in two exact steps (exact
 * unless the result under/overflows). */
static inline bce_dd bce_dd_ldexp(bce_dd v, int e)
{
    int e1 = e / 2, e2 = e - e1;
    double f1 = bce_pow2i(e1), f2 = bce_pow2i(e2);
    return bce_dd_make(v.hi * f1 * f2, v.lo * f1 * f2);
}

/* alpha 2^S with alpha's relative accuracy, also for a tiny alpha. */
static inline bce_dd bce_lab_alpha_scaled(const bce_lab *lab, int S)
{
    if (lab->alpha_s.hi < 0x1p-300)   /* alpha < 2^-900, maybe underflowed */
        return bce_dd_ldexp(lab->alpha_s, S - 600);
    return bce_dd_ldexp(lab->alpha, S);
}

/* alpha > 0?  (alpha itself may have underflowed to 0: ask alpha_s) */
static inline int bce_lab_alpha_pos(const bce_lab *lab) { return lab->alpha_s.hi > 0.0; }

/* Level-1 per-sample evaluation (src/level1/logits.c, level1/probs.c).
 * z / p finite or infinite, not NaN. */
void bce_logits_sample(double z, const bce_lab *lab, int want_loss,
                       int want_grad, bce_res *L, bce_res *G);
void bce_probs_sample(double p, const bce_lab *lab, unsigned flags,
                      int want_loss, int want_grad, bce_res *L, bce_res *G);

/* Accurate slow path (triple-double, src/accurate/slow.c): recomputes one
 * output (which = 0 loss, 1 gradient) of sample (x, y) from scratch, label
 * coefficients included, with a relative error near 2^-140, overwriting
 * *out (value and error bound). */
void bce_slow_logits(double z, double y, const bce_kparams *kp, int which,
                     bce_res *out);
void bce_slow_probs(double p, double y, const bce_kparams *kp, int which,
                    bce_res *out);

/* The rare cases of bce_res_scale: a result in a scaled frame, a factor or
 * a product outside [2^-900, 2^900], inf or NaN (core/frame.c: one function
 * per frame rule, and why each exists). */
void bce_res_scale_framed(bce_res *r, bce_dd f);

/* Multiply a result by a double-double factor (weight, 1/n, 1/sum w).
 * Called per element by the kernels' finishing code (level1/sample_tmpl.h)
 * when there are weights or a reduction factor, so the common case stays
 * inline: r unscaled, |v| and |f| <= 2^900 and 2^-900 <= |v f| <= 2^900,
 * where the exact products of bce_dd_mul are in range (core/dd.h) and no
 * frame rule applies (core/frame.c takes every other case, with the same
 * statements for this one: rule 7). */
/* The relative error bce_res_scale adds for v f: bce_dd_mul's 4u^2, plus,
 * when f is the reduction's gscale, gscale's own error against the exact
 * 1/n or 1/sum w (bce_dd_div, 15u^2 >= the 12.5u^2 of proofs/gappa/dd_div.g:
 * a = 1, the divisor in [2^-900, 2^900] by the frames), u = 2^-53: (4u^2 + 15u^2)
 * (1 + 2u) < 20u^2 < 2^-101.6 relative to |v.hi| (1 + u).  A weight f is
 * exact (4u^2 would do).  Until 2026-12-07 this was 2^-103 = 8u^2, which
 * covered the product but not gscale's error (found while reviewing the
 * exact sum of the weights; the tests then accepted intervals up to 2.4x
 * too narrow in that term, 2^-101.7 |v| against the 2^-53 |v| of an ulp).
 * Level 0's PFX(l0_scale) (simd/loop_tmpl.h) already counted 15u^2. */
#define BCE_RES_SCALE_REL 0x1p-101

static inline void bce_res_scale(bce_res *r, bce_dd f)
{
    const double av = bce_fabs(r->v.hi), af = bce_fabs(f.hi), p = av * af;
    if (r->scale == 0 && av <= 0x1p900 && af <= 0x1p900 &&
        p >= 0x1p-900 && p <= 0x1p900) {
        r->v = bce_dd_mul(r->v, f);
        /* BCE_RES_SCALE_REL: the product's and the factor's own error */
        r->err = r->err * af * (1 + 0x1p-50) + bce_fabs(r->v.hi) * BCE_RES_SCALE_REL;
        return;
    }
    bce_res_scale_framed(r, f);
}

/* The gradient's divisor error (kp->gden_xn != 0, after r was scaled by
 * gscale = 1/gden): gden is within 2^-106 (1 + 2^-52) S of the exact sum S,
 * so w g / S differs from w g / gden, which r approximates within r->err,
 * by at most |w g / gden| 2^-106 (1 + 2^-52) / (1 - 2^-106) <= (|v.hi| (1 +
 * 2^-52) + err) 2^-106 (1 + 2^-51) < (|v.hi| + err) 2^-105.  Added to err,
 * every rounding test on r (bce_f64_cr, bce_f32_safe, bce_h16_safe,
 * bce_f64_ok) is then a test about w g / S (docs/ACCURACY.md, "The exact
 * sum of the weights").  A non-finite v is left alone (its rounding is its
 * own limit). */
void bce_res_gden_err(bce_res *r);   /* core/frame.c (out of line: rare) */

/* The reduction's divisor (core/reduce.c), shared by the per-sample entry
 * points (core/api.c) and the fused regression (logreg/logreg.c):
 * bce_reduce_norm sets *norm to 1 (NONE, SUM), n (MEAN) or wsum
 * (WEIGHTED_MEAN; BCE_E_ZERO_WEIGHT_SUM when wsum is 0); bce_reduce_div
 * divides a double-double sum by it. */
bce_status bce_reduce_norm(bce_reduction reduction, size_t n, bce_dd wsum, bce_dd *norm);
bce_dd bce_reduce_div(bce_dd sum, bce_dd norm);

/* v + sgn eps, eps > 0 infinitesimal, as a double-double whose rounding to
 * double or float (also after exact scalings: a weight, a power of two) is
 * that of the exact value: the sign of a term too small to be represented
 * breaks the ties that v alone would make.
 *   lo == 0: v is a double; a float midpoint among doubles is such a v,
 *            so lo = sgn 2^-110 |v| decides it (and no double rounding
 *            changes: 2^-110 is far below half an ulp);
 *   |lo| half the gap from hi to its neighbour on lo's side (a double
 *            tie): lo moves by one of its own ulps (2^-106 |v|) towards
 *            sgn; the pair is renormalised;
 *   otherwise v is not a double and no float midpoint (those are
 *            doubles), and no double tie: unchanged.
 * Applied by the final roundings (bce_res_f64, bce_res_f32) to a result
 * whose r->sticky is set, after every scaling, so that the pair's made-up
 * low part never enters other arithmetic (the fused regression derives
 * sigma from G: a perturbed G once cost it 2^-50 relative). */
static inline bce_dd bce_dd_sticky(bce_dd v, int sgn)
{
    if (sgn == 0 || v.hi == 0.0 || v.hi - v.hi != 0.0) return v;
    const double dir = sgn > 0 ? HUGE_VAL : -HUGE_VAL;
    if (v.lo == 0.0) {
        double t = bce_fabs(v.hi) * 0x1p-110;
        if (t == 0.0) t = 0x1p-1074;
        return bce_dd_make(v.hi, sgn > 0 ? t : -t);
    }
    double n = nextafter(v.hi, v.lo > 0 ? HUGE_VAL : -HUGE_VAL);
    if (n - v.hi != 2.0 * v.lo) return v;
    if ((v.lo > 0) == (sgn > 0))          /* beyond the tie: n */
        return bce_dd_make(n, nextafter(-v.lo, dir));
    return bce_dd_make(v.hi, nextafter(v.lo, dir));
}

/* Rounding of v * 2^-S to double with one rounding (RN-even), also when the
 * result is subnormal (S > 0) or overflows (S < 0). */
double bce_round_scaled(bce_dd v, int S);

static inline double bce_res_f64(const bce_res *r)
{
    bce_dd v = r->sticky ? bce_dd_sticky(r->v, r->sticky) : r->v;
    return r->scale == 0 ? v.hi : bce_round_scaled(v, r->scale);
}

/* A scaled result whose value is not tiny, in real units: v 2^-scale with
 * |value| >= 2^-960 (so that lo stays normal; exact).  A scaled frame does
 * not always mean a tiny value: the logits gradient at |z| < 2^-900 is
 * formed in the 2^600 frame, and z = 0 gives about 1/2 there (its float
 * was rounded twice, through a double: z = 0, y = 0x1.58p-1, P = 2^-64,
 * a = 2^-20 gave 0x1.50000cp-3 for 0x1.50000ap-3). */
static inline bce_res bce_res_unscaled(const bce_res *r)
{
    bce_res u = *r;
    if (r->scale == 0 || r->scale > 2000 || r->scale < -2000 || r->v.hi - r->v.hi != 0.0)
        return u;
    int s1 = -r->scale / 2, s2 = -r->scale - s1;
    double h = r->v.hi * bce_pow2i(s1) * bce_pow2i(s2);
    if (!(bce_fabs(h) >= 0x1p-960) || h - h != 0.0) return u;
    u.v = bce_dd_ldexp(r->v, -r->scale);
    u.err = r->err * bce_pow2i(s1) * bce_pow2i(s2);
    u.scale = 0;
    return u;
}

static inline float bce_res_f32(const bce_res *r)
{
    if (r->scale != 0) {
        bce_res u = bce_res_unscaled(r);
        if (u.scale == 0) return bce_res_f32(&u);
        /* |value| < 2^-960: a float 0 or far below 2^-149's half */
        return (float)bce_round_scaled(r->v, r->scale);
    }
    return bce_dd_to_float(r->sticky ? bce_dd_sticky(r->v, r->sticky) : r->v);
}

/* Does every value within err of r round to the same float? */
static inline int bce_f32_safe(const bce_res *r)
{
    if (r->scale != 0) {
        bce_res u = bce_res_unscaled(r);
        /* |value| < 2^-960: a float (signed) 0, whatever the error */
        if (u.scale != 0) return 1;
        return bce_f32_safe(&u);
    }
    if (r->err == 0.0)
        return 1;
    double e = r->err * (1 + 0x1p-40);
    bce_dd a = bce_two_sum(r->v.hi, r->v.lo - e);
    bce_dd b = bce_two_sum(r->v.hi, r->v.lo + e);
    return bce_dd_to_float(a) == bce_dd_to_float(b);
}

/* Does every value within err of r round to the same double (so that the
 * rounding of v is the correct rounding)?  The test of simd/lanes_tmpl.h's
 * f64_safe: e = err (1 + 2^-50) + |lo| 2^-52 makes RN(lo -+ e) move by at
 * least err, and RN is monotonic.  A double (lo == 0) is exact. */
static inline int bce_f64_cr(const bce_res *r)
{
    if ((r->err == 0.0 && r->v.lo == 0.0) || r->v.hi - r->v.hi != 0.0) return 1;
    double e = r->err * (1 + 0x1p-50) + (r->v.lo < 0 ? -r->v.lo : r->v.lo) * 0x1p-52;
    if (r->scale == 0) return r->v.hi + (r->v.lo - e) == r->v.hi + (r->v.lo + e);
    bce_dd a = bce_two_sum(r->v.hi, r->v.lo - e), b = bce_two_sum(r->v.hi, r->v.lo + e);
    return bce_round_scaled(a, r->scale) == bce_round_scaled(b, r->scale);
}

/* Exact arithmetic of the probability form's gradient (src/accurate/exact.c): the
 * numerator beta p - alpha (1 - p) as num 2^E (|num| in [1, 2], rounded to
 * odd at 106 bits; 0 when exactly 0; -1 when a product leaves the
 * fixed-point range, not for accepted options), and the correct rounding
 * of a kernel's final gradient whose error interval holds a boundary. */
int bce_probs_num_exact(double p, double y, const bce_kparams *kp, bce_dd *num, int *E);
double bce_probs_grad_resolve(double p, double y, double w, const bce_kparams *kp,
                              const bce_res *r, int fmt);
/* The same for the logits form at small |z|, where its gradient is
 * (2 (beta - alpha) + N z + N c4)/4, c4 = 4 (sigma(z) - 1/2 - z/4) =
 * -z^3/12 + ...: that numerator exactly for the given double-double c4 (0
 * below |z| = 2^-300), as num 2^E (relative error < 2^-105), and the
 * correct rounding at |z| < 2^-300 (other z: the rounding of r). */
int bce_logits_tinyz_exact(double z, double y, const bce_kparams *kp, bce_dd c4,
                           bce_dd *num, int *E);
double bce_logits_grad_resolve(double z, double y, double w, const bce_kparams *kp,
                               const bce_res *r, int fmt);
/* fmt of the two resolve functions: 0 double, 1 float, 2 bf16, 3 f16
 * (core/half.h's BCE_FMT_*; the result is that format's value, as a double). */

/* Is err small enough that rounding v to double is within 1 ulp? */
static inline int bce_f64_ok(const bce_res *r)
{
    double a = r->v.hi < 0 ? -r->v.hi : r->v.hi;
    return r->err * 0x1p55 <= a;
}

static inline void bce_acc_add(bce_acc *acc, const bce_res *r)
{
    double h = r->v.hi;
    acc->sticky |= r->sticky > 0;
    if (h != h) { acc->nan = 1; return; }
    if (h - h != 0.0) { acc->inf = 1; return; }
    bce_dd v = r->v;
    if (r->scale > 0 && acc->tiny_ok) {
        /* value v 2^-S < 2^-900: into the 2^600 frame (exact, two steps;
         * only values below 2^-1622 lose bits there) */
        acc->t = bce_dd_add(acc->t, bce_dd_ldexp(r->v, 600 - r->scale));
        return;
    }
    if (r->scale != 0) v = bce_dd_make(bce_round_scaled(r->v, r->scale), 0.0);
    acc->s = bce_dd_add(acc->s, v);
    /* terms >= 0: a sum beyond DBL_MAX is +inf (the overflowed TwoSum's
     * error term is NaN) */
    if (acc->s.hi - acc->s.hi != 0.0) acc->inf = 1;
}

#endif

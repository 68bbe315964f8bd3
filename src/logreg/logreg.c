/*
 * logreg/logreg.c -- fused logistic regression: loss and gradient, or the
 * Hessian-vector product, over a whole data set in one pass over X.
 *
 * For each block of rows (src/logreg/logreg.h: the block stays in cache):
 *   1. z_i = x_i . w (Dot2 in the ISA's feature loops, a double-double),
 *      plus the intercept; for the Hessian also t_i = x_i . v;
 *   2. the row's loss L_i, G_i = dL/dz_i, h_i = d2L/dz_i2 at the
 *      double-double z_i (src/logreg/logreg_level1.c);
 *   3. rho_i = s_i G_i (or s_i h_i t_i), accumulated into every feature by
 *      Sum2 (the ISA's accumulation loop) and into the intercept.
 * The per-feature accumulators are folded into double-double totals every
 * BCE_LR_FOLD rows; each superblock of BCE_LR_SB rows has its own totals
 * (from zero), added in superblock order (lr_tot_merge) -- the unit that
 * bce_options.threads splits, so the bits never depend on the thread
 * count; the totals are divided by the reduction's norm and the
 * L2 term is added, then each output is rounded once.
 * A-priori bound (docs/ACCURACY.md, "Fused logistic regression"):
 *   |g^ - g| <= u |g| + sum_i |x~_ij| s_i/norm (e1 (N s0 + C)_i + h_i dz_i)
 *               + gamma_256^2 sum_i |rho_i x~_ij| / norm + (tiny absolute terms)
 * with e1 the level-1 error and dz_i the Dot2 error of z_i.
 * Products here use fma() (lr_prod, lr_mul_d, lr_mul), so they are exact
 * (or correctly bounded) over the whole double range, not only the
 * splitting range of core/dd.h, and give the same bits on every ISA.
 * The division by the norm is the per-sample entry points' one
 * (bce_reduce_div, core/reduce.c; baseline code, so the same bits on every
 * ISA too): its quotient beyond 2^900 is formed scaled; below 2^-969 its
 * correction loses bits, an absolute error of a few 2^-1074, within the
 * bound's tiny absolute terms.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "core/isa.h"
#include "core/threads.h"
#include "logreg/logreg.h"

typedef struct lr_setup {
    bce_kparams kp;
    bce_dd norm;          /* 1 (SUM), n (MEAN) or sum s_i (WEIGHTED_MEAN) */
    size_t m;             /* parameters: k + fit_intercept */
    bce_dd ws;            /* sum of the sample weights checked so far */
} lr_setup;

/* The totals of a part of the rows (a superblock, BCE_LR_SB rows) or of
 * the whole pass: per-feature double-doubles Th + Tl (k each), the loss
 * and intercept double-doubles, the weights' sum, the non-finite loss
 * terms aside (lspecial, lspec). */
typedef struct lr_tot {
    double *Th, *Tl;
    bce_dd lsum, g0, ws;
    int lspecial;
    double lspec;
    bce_status st;           /* a row error in this superblock ... */
    size_t badi;             /* ... and its error_index */
} lr_tot;

/* The scratch space of one worker (a thread of the pass): the block's rows
 * and per-feature Sum2 accumulators, and the totals of the superblock it is
 * working on. */
typedef struct lr_work {
    double *buf;             /* the scratch space, one allocation */
    bce_lr_row *rows;        /* the block's level-1 results */
    double *S, *Q;           /* per-feature Sum2 accumulators (kpad each) */
    double *zh, *zl, *th, *tl, *rh, *rl, *yb, *sb, *lb;   /* B rows each */
    lr_tot acc;              /* the current superblock's totals (Th, Tl: kpad) */
} lr_work;

/* The state of one pass (logreg/logreg_entry_tmpl.h, LRN(core)): the call's
 * flags, the parameters, the workers and the running totals. */
typedef struct lr_pass {
    const bce_kernels *kt;
    size_t kpad, B;          /* k rounded up to 8; rows per block */
    int icpt, hvp, fast, want_loss, want_acc, plain_fast, prescan;
    double *buf;             /* w and v features and the totals' Th, Tl */
    double *wf, *vf;         /* w and v features (without the intercept) */
    double w0, v0;           /* the intercepts of w and v (0 without) */
    lr_tot tot;              /* the pass's totals (superblocks merged in order) */
} lr_pass;

/* The superblock's totals into dst: a copy for the first superblock,
 * double-double additions after (an overflowed total as its plain sum).
 * Called for superblocks 0, 1, 2, ... in that order whatever the thread
 * count: the bits are those of one thread. */
static void lr_tot_merge(lr_tot *dst, const lr_tot *src, size_t k, int first, int loss, int icpt)
{
    if (first) {
        for (size_t j = 0; j < k; j++) { dst->Th[j] = src->Th[j]; dst->Tl[j] = src->Tl[j]; }
        dst->lsum = src->lsum; dst->g0 = src->g0; dst->ws = src->ws;
        dst->lspecial = src->lspecial; dst->lspec = src->lspec;
        return;
    }
    for (size_t j = 0; j < k; j++) {
        const double h = src->Th[j], l = src->Tl[j];
        if (h - h != 0.0 || dst->Th[j] - dst->Th[j] != 0.0)
            dst->Th[j] = dst->Th[j] + h, dst->Tl[j] = 0.0;
        else {
            bce_dd u = bce_dd_add(bce_dd_make(dst->Th[j], dst->Tl[j]), bce_dd_make(h, l));
            dst->Th[j] = u.hi; dst->Tl[j] = u.lo;
        }
    }
    if (loss) {
        if (src->lsum.hi - src->lsum.hi == 0.0) dst->lsum = bce_dd_add(dst->lsum, src->lsum);
        else { dst->lspecial = 1; dst->lspec += src->lsum.hi; }
        if (src->lspecial) { dst->lspecial = 1; dst->lspec += src->lspec; }
    }
    if (icpt)
        dst->g0 = src->g0.hi - src->g0.hi == 0.0 && dst->g0.hi - dst->g0.hi == 0.0
                ? bce_dd_add(dst->g0, src->g0) : bce_dd_make(dst->g0.hi + src->g0.hi, 0.0);
    dst->ws = bce_dd_add(dst->ws, src->ws);
}

/* The running sums of one block of rows: loss and intercept, Sum2 (s + q). */
typedef struct lr_block {
    size_t i0, nb;           /* first row, rows */
    double ls, lq, gs0, gq0;
} lr_block;

static int lr_scaled(const lr_setup *su) { return su->norm.hi != 1.0 || su->norm.lo != 0.0; }

static bce_status lr_fail(const bce_options *o, bce_status st, size_t idx)
{
    if (o && o->error_index) *o->error_index = idx;
    return st;
}

static int finite_d(double v) { return v - v == 0.0; }

/* A compensated sum s + q (Sum2 / Dot2: s the rounded sum, q its error
 * terms) where something overflowed: once s is infinite, q holds the
 * errors of inf - inf (NaN), not of the sum, and the total is s.  (The
 * inputs are validated: a NaN here comes only from an overflow.) */
static double lr_overflowed_sum(double s, double q) { return finite_d(s) ? s + q : s; }

/* Exact product a b = p + e (fma), barring underflow of e. */
static inline bce_dd lr_prod(double a, double b)
{
    double p = a * b;
    return bce_dd_make(p, fma(a, b, -p));
}

/* (a.hi + a.lo) b, relative error <= 2u^2 (DWTimesFP, with fma). */
static inline bce_dd lr_mul_d(bce_dd a, double b)
{
    bce_dd p = lr_prod(a.hi, b);
    if (!finite_d(p.hi)) return bce_dd_make(p.hi, 0.0);
    return bce_fast_two_sum(p.hi, p.lo + a.lo * b);
}

/* a b for double-doubles, relative error <= 5u^2. */
static inline bce_dd lr_mul(bce_dd a, bce_dd b)
{
    bce_dd p = lr_prod(a.hi, b.hi);
    if (!finite_d(p.hi)) return bce_dd_make(p.hi, 0.0);
    return bce_fast_two_sum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

static double lr_to_f64(bce_dd v) { return v.hi; }

#define LRT double
#define LR_AS_F64(p, buf, nb) ((void)(buf), (void)(nb), (p))
#define LRPB bce_logreg_f64_problem
#define LRSMP bce_logreg_f64_samples
#define LRN(name) lr_##name##_f64
#define LR_TO(v) lr_to_f64(v)
#define LR_DOTS(kt) (kt)->lr.dots_f64
#define LR_ACCUM(kt) (kt)->lr.accum_f64
#define LR_DOTS_FAST(kt) (kt)->lr.dots_fast_f64
#define LR_ACCUM_FAST(kt) (kt)->lr.accum_fast_f64
#include "logreg/logreg_entry_tmpl.h"
#undef LRT
#undef LRPB
#undef LRSMP
#undef LRN
#undef LR_TO
#undef LR_DOTS
#undef LR_ACCUM
#undef LR_DOTS_FAST
#undef LR_ACCUM_FAST
#undef LR_AS_F64

/* n floats widened to doubles in buf (exact) */
static const double *lr_widen(const float *p, double *buf, size_t nb)
{
    for (size_t r = 0; r < nb; r++) buf[r] = (double)p[r];
    return buf;
}

#define LRT float
#define LR_AS_F64(p, buf, nb) lr_widen((p), (buf), (nb))
#define LRPB bce_logreg_f32_problem
#define LRSMP bce_logreg_f32_samples
#define LRN(name) lr_##name##_f32
#define LR_TO(v) bce_dd_to_float(v)
#define LR_DOTS(kt) (kt)->lr.dots_f32
#define LR_ACCUM(kt) (kt)->lr.accum_f32
#define LR_DOTS_FAST(kt) (kt)->lr.dots_fast_f32
#define LR_ACCUM_FAST(kt) (kt)->lr.accum_fast_f32
#include "logreg/logreg_entry_tmpl.h"

bce_status bce_logreg_f64(const bce_logreg_f64_problem *pb, const double *w,
                          const bce_options *opt, double *loss, double *grad,
                          const bce_logreg_f64_samples *samples)
{
    return lr_core_f64(pb, w, NULL, opt, loss, grad, samples);
}

bce_status bce_logreg_f32(const bce_logreg_f32_problem *pb, const float *w,
                          const bce_options *opt, float *loss, float *grad,
                          const bce_logreg_f32_samples *samples)
{
    return lr_core_f32(pb, w, NULL, opt, loss, grad, samples);
}

bce_status bce_logreg_hvp_f64(const bce_logreg_f64_problem *pb, const double *w,
                              const double *v, const bce_options *opt, double *hv)
{
    if (pb && w && !v) return lr_fail(opt, BCE_E_NULL_POINTER, BCE_NO_INDEX);
    return lr_core_f64(pb, w, v, opt, NULL, hv, NULL);
}

bce_status bce_logreg_hvp_f32(const bce_logreg_f32_problem *pb, const float *w,
                              const float *v, const bce_options *opt, float *hv)
{
    if (pb && w && !v) return lr_fail(opt, BCE_E_NULL_POINTER, BCE_NO_INDEX);
    return lr_core_f32(pb, w, v, opt, NULL, hv, NULL);
}

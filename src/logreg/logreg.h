/* logreg/logreg.h -- internals of the fused logistic regression (src/logreg/logreg.c). */
#ifndef BCE_LOGREG_H
#define BCE_LOGREG_H

#include "core/internal.h"

/* One row at z = zh + zl: per-sample loss L (unweighted), G = dL/dz and
 * H = d2L/dz2, double-doubles (src/logreg/logreg_level1.c has the bounds). */
typedef struct bce_lr_row { bce_dd L, G, H; } bce_lr_row;

/* The range where the SIMD blocks evaluate a row (no scaled frame: e^-|z|
 * >= 2^-866, |z| >= 2^-900); NaN is outside. */
#define BCE_LR_NORMAL(az) (((az) >= 0x1p-900) & ((az) <= 600.0))

void bce_lr_level1(double zh, double zl, const bce_lab *lab, int want_loss,
                   int want_h, bce_lr_row *o);

/* Rows per block for k features (a power of two in [8, 256]): the block of
 * X (16 KiB of f64 unless k > 256)
 * stays in L1 between the dot products and the accumulation.  A
 * function of k only, so every ISA sums in the same order. */
static inline size_t bce_lr_block_rows(size_t k)
{
    size_t kp = (k + 7) / 8 * 8, b = 256;
    while (b > 8 && b * kp > 2048) b /= 2;
    return b;
}

/* The per-feature Sum2 accumulators are folded into double-double totals
 * every BCE_LR_FOLD rows (a multiple of every block size): their error term
 * stays gamma_256^2-sized whatever n is. */
#define BCE_LR_FOLD 256

/* bce_options.threads: the rows are cut into superblocks of BCE_LR_SB rows
 * (a multiple of BCE_LR_FOLD and of every block size), each summed from
 * zero into its own totals (per-feature, loss, intercept, weights) and the
 * superblocks' totals added in superblock order; threads take contiguous
 * ranges of superblocks (core/threads.c).  One thread does the same: the
 * bits never depend on the thread count, and a call of at most BCE_LR_SB
 * rows is the one sequence of sums it always was. */
#define BCE_LR_SB 16384

/* bce_lr_block_<isa> (declared in core/isa.h): rows nb of a block, labels
 * y (as doubles), z = zh + zl. */

/*
 * BCE_OPT_FAST_ACCUM's rows of a block in plain doubles (the fast mode's
 * level 1, logreg/logreg_l1_tmpl.h lr_plain), for plain labels: returns 0
 * and writes nothing unless every row has |zh| <= BCE_LR_PLAIN_ZMAX, a
 * label in [0, 1], a valid weight (sw: NULL for 1) and, for the Hessian
 * product (th != NULL), a finite t; the caller then takes the general code
 * (which also reports errors).  Otherwise writes rh[r] = s_r G_r (or
 * s_r h_r t_r), lrow[r] = s_r L_r if lrow != NULL (with want_loss), and
 * sums[0..3] = the block's loss sum sum_r s_r L_r (hi, lo)
 * and sum_r rh[r] (hi, lo): Sum2 on 4 lanes (row r in lane r mod 4), the
 * lanes folded by bce_lr_fold_lanes; the same order on every ISA.
 */
#define BCE_LR_PLAIN_ZMAX 600.0  /* e^-600 >= 2^-866: lr_plain's e stays normal */
/* (bce_lr_rows_fast_<isa>, declared in core/isa.h) */

/* Can the fast rows take row (z, y, s, t)?  (NaN fails every test.) */
static inline int bce_lr_plain_ok(double z, double y, double s, double t)
{
    return (z >= -BCE_LR_PLAIN_ZMAX) & (z <= BCE_LR_PLAIN_ZMAX) & (y >= 0.0) & (y <= 1.0)
         & ((s == 0.0) | ((s >= BCE_WEIGHT_MIN) & (s <= BCE_WEIGHT_MAX))) & (t - t == 0.0);
}

/* The 4 lanes of a Sum2 (s_l + q_l) as hi + lo: TwoSums of (s0, s2), (s1,
 * s3) and of their sums; the errors and the q lanes in one double. */
static inline void bce_lr_fold_lanes(const double *s, const double *q, double *hi, double *lo)
{
    bce_dd a = bce_two_sum(s[0], s[2]), b = bce_two_sum(s[1], s[3]);
    bce_dd c = bce_two_sum(a.hi, b.hi);
    *hi = c.hi;
    *lo = ((q[0] + q[2]) + (q[1] + q[3])) + ((a.lo + b.lo) + c.lo);
}

#endif

/* logreg.h -- internals of the fused logistic regression (src/logreg.c). */
#ifndef BCE_LOGREG_H
#define BCE_LOGREG_H

#include "internal.h"

/* One row at z = zh + zl: per-sample loss L (unweighted), G = dL/dz and
 * H = d2L/dz2, double-doubles (src/logreg_level1.c has the bounds). */
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

/* Rows nb of a block: labels y (as doubles), z = zh + zl. */
void bce_lr_block_scalar(size_t nb, const double *zh, const double *zl,
                         const double *y, const bce_kparams *kp, int want_loss,
                         int want_h, bce_lr_row *out);
#if BCE_HAVE_AVX2
void bce_lr_block_avx2(size_t nb, const double *zh, const double *zl,
                       const double *y, const bce_kparams *kp, int want_loss,
                       int want_h, bce_lr_row *out);
#endif

#endif

/*
 * core/reduce.c -- the divisor of a reduction and the division by it, one
 * implementation for the per-sample entry points (core/api.c: the reduced
 * loss; the gradient's factor 1/n or 1/sum w) and the fused regression
 * (logreg/logreg.c: the loss, the gradient and the per-sample r_i).
 */
#include "core/internal.h"

/* 1 (NONE, SUM), n (MEAN) or the sum of the weights (WEIGHTED_MEAN, which
 * needs a nonzero sum).  The caller has rejected MEAN with n == 0. */
bce_status bce_reduce_norm(bce_reduction reduction, size_t n, bce_dd wsum, bce_dd *norm)
{
    *norm = bce_dd_make(1.0, 0.0);
    if (reduction == BCE_REDUCTION_MEAN) {
        *norm = bce_dd_make((double)n, 0.0);
    } else if (reduction == BCE_REDUCTION_WEIGHTED_MEAN) {
        if (wsum.hi == 0.0) return BCE_E_ZERO_WEIGHT_SUM;
        *norm = wsum;
    }
    return BCE_OK;
}

/* sum / norm, norm > 0, relative error <= 15u^2 (core/dd.h, bce_dd_div:
 * 12.5u^2 machine-checked, proofs/gappa/dd_div.g, when |sum.hi| and
 * |sum / norm| are >= 2^-964) while the exact products stay in the
 * splitting range.  Overflow: a
 * quotient beyond 2^900 is formed from sum 2^-200 and scaled back, so that
 * the products stay in range and an overflow gives the correctly signed
 * infinity with a zero low part; a zero or non-finite first quotient is
 * returned as it is (bce_dd_div_safe).  Below that range (|sum / norm| <
 * 2^-969) the correction term loses bits, an absolute error of a few
 * 2^-1074 (the fused regression's eta term covers it); so does a sum below
 * 2^-964 (the residual's u^2-sized terms round at 2^-1075, i.e. a few
 * 2^-1074 / norm in the quotient): written, not machine-checked. */
bce_dd bce_reduce_div(bce_dd sum, bce_dd norm)
{
    return bce_dd_div_safe(sum, norm);
}

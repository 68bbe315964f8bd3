/*
 * bcev_internal.h -- helpers shared by the files of libbce-verify (not
 * installed): exact MPFR arithmetic on doubles and the final rounding of a
 * real number to binary64 / binary32 (subnormals and overflow included).
 */
#ifndef BCEV_INTERNAL_H
#define BCEV_INTERNAL_H

#include <limits.h>
#include <mpfr.h>
#include "bce_verify.h"
#include "fast_filter.h"   /* the fuzzers' proven fast filter */

/* Properties of the destination format, in MPFR's exponent convention
 * (x in [2^(e-1), 2^e) has exponent e). */
typedef struct bcev_fmt {
    mpfr_prec_t prec;   /* 53 or 24                                        */
    mpfr_exp_t emin;    /* exponent of the smallest normal: -1021 / -125   */
    mpfr_exp_t emax;    /* exponent of the largest finite:   1024 /  128   */
    mpfr_exp_t esub;    /* exponent of the smallest subnormal: -1073 / -148 */
} bcev_fmt;

const bcev_fmt *bcev_fmt_of(bcev_type t);

/* Widen MPFR's exponent range to its maximum (process-wide in MPFR, or per
 * thread with a thread-safe MPFR).  Called by every public entry point;
 * widening never invalidates an existing mpfr_t, so it is never undone.
 * This is the only global state libbce-verify touches. */
void bcev_widen_range(void);

/* Exact arithmetic: the result variable is (re)initialised with a precision
 * large enough for the exact result; asserts exactness.  r must be
 * initialised (any precision) and must not alias a or b. */
void bcev_xset_d(mpfr_t r, double a);
void bcev_xadd(mpfr_t r, const mpfr_t a, const mpfr_t b);
void bcev_xsub(mpfr_t r, const mpfr_t a, const mpfr_t b);
void bcev_xmul(mpfr_t r, const mpfr_t a, const mpfr_t b);

/* Error bound meaning "b is exact". */
#define BCEV_EXACT LONG_MAX

/*
 * Round the real v to the format of t, round-to-nearest-even, with the IEEE
 * subnormal grid and overflow to infinity.  v is known through b:
 *   err == BCEV_EXACT: v = b;
 *   otherwise |b - v| <= 2^(EXP(b) - err).
 * Returns 1 and sets *out when the rounding is decided, 0 when b is not
 * accurate enough (retry with more precision).
 */
int bcev_round(const mpfr_t b, long err, bcev_type t, double *out);
/* Correct rounding of the exact quotient num/den (den != 0, both exact). */
double bcev_round_q(const mpfr_t num, const mpfr_t den, bcev_type t);

/* The exact label coefficients of one sample (ref_mpfr.c): alpha = w P y',
 * beta = w (1 - y') (bce_verify.h); alpha and beta get the precision they
 * need.  Returns 0, -1 if y, w or an option is out of range. */
int bcev_label_coefs(double y, double w, const bce_options *opt,
                     mpfr_t alpha, mpfr_t beta);

/* The constructed regimes of the option grid of `bce verify` (grid.c).
 * They depend on the cell's options (the cancellation points do), so they
 * are not bcev_regime values and bcev_regime_fill does not know them. */
enum {
    BCEV_GREG_TINY = 0,      /* subnormal and tiny p (sigma(z)) and y         */
    BCEV_GREG_CANCEL,        /* P y' = p, y = RN(sigma(z)), the gradient zero */
    BCEV_GREG_CANCEL_TINY,   /* the same with p (sigma(z)) tiny or subnormal  */
    BCEV_GREG_MIDPOINT,      /* outputs on a rounding midpoint +- a tiny term */
    BCEV_GREG_COUNT
};
const char *bcev_grid_regime_name(int r);
/* As bcev_regime_fill for a grid regime, with the cell's options o (P and
 * a place the cancellation points); sample i is a pure function of
 * (seed, r, form, type, P, a, i). */
void bcev_grid_fill(int r, bcev_form form, bcev_type type, const bce_options *o,
                    uint64_t seed, uint64_t first, size_t n, double *x, double *y);

#endif

/*
 * fast_filter.h -- the proven fast filter of the fuzzers (verify/fast_filter.c):
 * an independent long-double evaluation of one sample's exact loss and
 * gradient (both forms, any options, weights, reduction denominators) as an
 * enclosure mid +- rad with a written error budget, and a decision whether a
 * returned value provably meets bcev_check's bound for EVERY real value in
 * the enclosure.  The filter never reports a failure: "undecided" (0) means
 * "ask MPFR" (bcev_exact_mp / bcev_check), which stays the judge.
 * Not installed; included by bcev_internal.h.
 */
#ifndef BCEV_FAST_FILTER_H
#define BCEV_FAST_FILTER_H

#include <stddef.h>
#include "bce_verify.h"

/* An enclosure of a real v: |v - (mid + lo)| <= rad (rad = 0: v = mid + lo
 * exactly, which may be +-inf, or NaN for a propagated NaN input; lo is 0
 * except in the double long double results, where |lo| <= ulp(mid)).
 * ok = 0: no enclosure (undecided). */
typedef struct bcev_ff_val {
    long double mid, lo, rad;
    int ok;
} bcev_ff_val;

/* 1 when this build's long double is wide enough (64-bit or more
 * significand, 15-bit exponent: x87 extended or binary128); otherwise every
 * function below answers "undecided". */
int bcev_ff_available(void);

/* The denominator of the per-element gradient (1, n or the sum of the
 * weights, as bcev_denominator), as an enclosure. */
void bcev_ff_denominator(size_t n, const double *w, const bce_options *opt,
                         bcev_ff_val *den);

/* Enclosures of one sample's exact loss w L and gradient w g / den (the
 * definitions of bce_verify.h).  loss or grad may be NULL.  Returns 1 when
 * both requested enclosures are set (ok = 1), 0 when the filter leaves this
 * sample to MPFR (a clamp decision too close to call, an invalid sample, a
 * narrow long double). */
int bcev_ff_sample(bcev_form form, const bcev_sample *s, const bce_options *opt,
                   const bcev_ff_val *den, bcev_ff_val *loss, bcev_ff_val *grad);

/* A finer enclosure of the gradient alone, in double long double (about
 * 2^-112 of the two terms' size instead of 2^-56): for the gradients that
 * cancel (y' next to sigma(z - ln P), p next to P y'), where
 * bcev_ff_sample's is too wide.  Logits with |z| <= 10000 and probs with p
 * in (0, 1); 0 (undecided) otherwise. */
int bcev_ff_grad_fine(bcev_form form, const bcev_sample *s, const bce_options *opt,
                      const bcev_ff_val *den, bcev_ff_val *grad);

/* Enclosure of the exact reduced loss sum_i w_i L_i / denom (denom of
 * opt->reduction, as bcev_exact_reduced with denom = NAN).  1 or 0 as above. */
int bcev_ff_reduced(bcev_form form, size_t n, const double *x, const double *y,
                    const double *w, const bce_options *opt, bcev_ff_val *loss);

/* 1 when bcev_check(type, got, v, bound) holds for every real v in the
 * enclosure (bound 0.5: got == RN(v) for all of them; otherwise ulp error
 * <= bound), 0 when undecided (including every enclosure that reaches the
 * type's overflow threshold, and NaN or infinite got against a finite v). */
int bcev_ff_check(bcev_type type, double got, const bcev_ff_val *v, double bound);

/* The error of got in ulps of the type (f64/f32, subnormal ulps at the
 * bottom) against an enclosure's midpoint v: an estimate to about 2^-50
 * relative for reporting (the verdict is bcev_ff_check's).  0 when both
 * are NaN or equal, inf when only one is NaN or infinite.  bcev_ff_round:
 * v rounded to the type. */
double bcev_ff_ulp(bcev_type type, double got, long double v);
double bcev_ff_round(bcev_type type, long double v);

#endif

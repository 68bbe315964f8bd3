/*
 * bce_verify.h -- libbce-verify: the MPFR reference, the ulp metric, input
 * regimes and the verification campaign behind `bce verify`.
 * Depends on MPFR; the core library never does.
 */
#ifndef BCE_VERIFY_H
#define BCE_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <mpfr.h>
#include "bce.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bcev_form { BCEV_LOGITS = 0, BCEV_PROBS = 1 } bcev_form;
typedef enum bcev_type { BCEV_F64 = 0, BCEV_F32 = 1 } bcev_type;

/*
 * One sample's exact definition (all quantities are exact reals built from
 * the double inputs):
 *   y'   = y (1 - a) + a/2                  (a = opt->label_smoothing)
 *   P    = opt->pos_weight if BCE_OPT_POS_WEIGHT else 1
 *   alpha = w P y',  beta = w (1 - y')
 *   logits: L = alpha softplus(-z) + beta softplus(z)
 *           g = beta sigma(z) - alpha sigma(-z)               (dL/dz)
 *   probs:  L = -alpha log p - beta log1p(-p)   (each log clamped at -100
 *               when BCE_OPT_LOG_CLAMP; a clamped term has derivative 0)
 *           g = -alpha/p + beta/(1-p)                          (dL/dp)
 *   the gradient output is g / denom (denom = 1, n, or sum w by reduction).
 * Limits: z = +-inf, p = 0 or 1 give the exact limits; 0 * inf = 0
 * (a term with a zero coefficient contributes nothing).
 * NaN x with BCE_OPT_PROPAGATE_NAN gives NaN outputs.
 */
typedef struct bcev_sample {
    double x;      /* z or p */
    double y;      /* label */
    double w;      /* weight (1 when unweighted) */
} bcev_sample;

/* Correctly rounded (round-to-nearest-even, to `type`) loss and gradient of
 * one sample.  Results returned as doubles (exactly representable in float
 * for BCEV_F32).  Ziv loop on mpfr_can_round; returns 0 on success. */
int bcev_ref(bcev_form form, bcev_type type, const bcev_sample *s,
             const bce_options *opt, double denom,
             double *loss, double *grad);

/* Exact values, to `prec` bits, for the ulp metric: loss = w L,
 * grad = w g / denom (as defined above; w is inside alpha and beta).
 * The returned numbers are the exact values rounded to odd at prec bits
 * (toward zero, last bit forced to 1 when inexact), so rounding them again
 * to nearest at <= prec - 2 bits (bcev_round_to, bcev_check) gives the
 * correct rounding even for values within 2^-prec of a midpoint.  loss and
 * grad get precision prec.  Invalid samples: NaN. */
void bcev_exact(bcev_form form, const bcev_sample *s, const bce_options *opt,
                double denom, mpfr_prec_t prec, mpfr_t loss, mpfr_t grad);

/* Correctly rounded reduced loss: sum_i w_i L_i / denom over n samples
 * (w may be NULL: all ones).  denom is taken exactly; denom = NAN means "the
 * exact denominator of opt->reduction" (bcev_denominator): n for MEAN, the
 * exact sum of w for WEIGHTED_MEAN, 1 otherwise.  Returns 0, 1 when the
 * rounding could not be certified within the precision cap, -1 for invalid
 * input (NaN result). */
int bcev_ref_reduced(bcev_form form, bcev_type type, size_t n,
                     const double *x, const double *y, const double *w,
                     const bce_options *opt, double denom, double *loss);

/*
 * Additions (libbce-verify 0.1):
 *
 * Return values of bcev_ref / bcev_ref_mp: 0 correctly rounded; 1 the Ziv
 * loop hit its precision cap (16384 bits; not seen in practice: the outputs
 * are transcendental or handled as exact rationals); -1 invalid sample
 * (label/weight/option out of range, p outside [0,1], NaN x without
 * BCE_OPT_PROPAGATE_NAN, clamp on logits): outputs NaN.  loss or grad may
 * be NULL.  NaN x with BCE_OPT_PROPAGATE_NAN: NaN outputs, return 0.
 *
 * Large |z|: for |z| >= 2^60, e^-|z| is not representable in MPFR; outputs
 * whose value is X + O(e^-|z|) use an exact stand-in X +- 2^k that rounds
 * like the true value; bcev_exact returns 0 for values below 2^-(2^60).
 *
 * MPFR exponent range: every function widens it to the maximum
 * (mpfr_set_emin(mpfr_get_emin_min()), same for emax) and leaves it so;
 * widening never invalidates existing numbers.  That is the only global
 * state of libbce-verify.
 */

/* As bcev_ref / bcev_exact with an exact MPFR denominator (e.g. the exact
 * sum of the weights, which a double may not hold).  bcev_exact_mp: loss or
 * grad may be NULL (that output is not computed). */
int bcev_ref_mp(bcev_form form, bcev_type type, const bcev_sample *s,
                const bce_options *opt, const mpfr_t denom,
                double *loss, double *grad);
void bcev_exact_mp(bcev_form form, const bcev_sample *s, const bce_options *opt,
                   const mpfr_t denom, mpfr_prec_t prec, mpfr_t loss, mpfr_t grad);

/* The exact denominator of opt->reduction over n samples: 1 (NONE, SUM),
 * n (MEAN; also WEIGHTED_MEAN with w == NULL), sum of w (WEIGHTED_MEAN).
 * out gets the precision it needs. */
void bcev_denominator(size_t n, const double *w, const bce_options *opt,
                      mpfr_t out);

/* The exact reduced loss sum_i w_i L_i / denom to prec bits (denom as for
 * bcev_ref_reduced).  Returns as bcev_ref_reduced. */
int bcev_exact_reduced(bcev_form form, size_t n, const double *x,
                       const double *y, const double *w,
                       const bce_options *opt, double denom,
                       mpfr_prec_t prec, mpfr_t loss);

/* RN of an MPFR value, taken as exact, to `type` (subnormals, overflow). */
double bcev_round_to(bcev_type type, const mpfr_t v);

/* The 16-bit formats (bf16, f16) of the bf16/f16 entry points (round16.c).
 * The rounding is by hand, from the MPFR value taken as exact, once: no
 * binary32/binary64 step (that would double-round). */
enum { BCEV_BF16 = 2, BCEV_F16 = 3 };  /* the values of core/half.h's BCE_FMT_* */
/* RN-even of v to bf16/f16 (subnormals, overflow to inf), as a double. */
double bcev_round16(int fmt, const mpfr_t v);
/* bit pattern <-> value (v a value of the format, +-inf or NaN). */
double bcev_from_bits16(int fmt, uint16_t h);
uint16_t bcev_bits16(int fmt, double v);
/* The correctly rounded 16-bit loss and gradient of one sample (as
 * bcev_exact defines them: w inside, gradient over denom): 0, or -1 for an
 * invalid sample (NaN outputs).  loss or grad may be NULL. */
int bcev_ref16(bcev_form form, int fmt, const bcev_sample *s, const bce_options *opt,
               double denom, double *loss, double *grad);

/* ulp error of `got` against the exact value, in ulps of the exact value's
 * binade for `type` (precision 53 or 24, subnormal ulp below the normal
 * range).  0 when both are the same infinity or both zero; +inf when one is
 * infinite/NaN and the other not (NaN vs NaN = 0). */
double bcev_ulp_error(bcev_type type, double got, const mpfr_t exact);
/* Convenience: exact given as a double (e.g. a correctly rounded value). */
double bcev_ulp_error_d(bcev_type type, double got, double exact);

/* `bce verify` entry point (argv[0] == "verify"); returns the exit status
 * (0 all bounds met, 1 a bound exceeded, 2 usage error). */
int bcev_verify_main(int argc, char **argv);

/* ---------------------------------------------------------------- */
/* Deterministic inputs (regimes.c, rng.c, wc.c).  Never clock-seeded. */

/* xoshiro256** seeded through splitmix64. */
typedef struct bcev_rng { uint64_t s[4]; } bcev_rng;
void bcev_rng_seed(bcev_rng *r, uint64_t seed);
uint64_t bcev_rng_next(bcev_rng *r);
double bcev_rng_unif(bcev_rng *r);              /* [0,1), 53 bits */

typedef enum bcev_regime {
    BCEV_REG_RANDOM = 0,   /* log-uniform |z| (to 800, rarely to DBL_MAX), any y */
    BCEV_REG_TAIL_POS,     /* yhat -> 1: z >> 0 (p -> 1) with y = 1 or soft y ~ 0 */
    BCEV_REG_TAIL_NEG,     /* yhat -> 0: z << 0 (p -> 0) */
    BCEV_REG_THRESHOLDS,   /* near every kernel threshold (see regimes.c) */
    BCEV_REG_SOFT_CANCEL,  /* y = RN(sigma(z)) (or RN(p)) +- 0..3 ulp */
    BCEV_REG_SPECIAL,      /* +-0, +-inf, subnormals, y in {0,1,tiny,1-tiny} */
    BCEV_REG_WC,           /* verify/wc/<form>_<type>.wc, cycled */
    BCEV_REG_COUNT
} bcev_regime;

typedef enum bcev_labels {
    BCEV_LABELS_ANY = 0,   /* the regime's own labels (hard and soft) */
    BCEV_LABELS_HARD = 1,  /* y replaced by 0 or 1 (keeps the regime's tail side) */
    BCEV_LABELS_SOFT = 2   /* y in (0,1) (hard labels nudged to soft ones) */
} bcev_labels;

const char *bcev_regime_name(bcev_regime r);
int bcev_regime_from_name(const char *name);    /* -1 if unknown */

/* Hard inputs of a .wc file: pairs (x, y) in hex floats. */
typedef struct bcev_wc {
    size_t n;
    double *x, *y;
} bcev_wc;
/* Loads DIR/<logits|probs>_<f64|f32>.wc; 0 on success (n may be 0 when the
 * file is missing), -1 on a parse error (message on stderr). */
int bcev_wc_load(const char *dir, bcev_form form, bcev_type type, bcev_wc *wc);
void bcev_wc_free(bcev_wc *wc);
/* The directory baked in at build time (verify/wc of the source tree). */
const char *bcev_wc_default_dir(void);

/*
 * Fill x[i], y[i] (i < n) for sample indices first .. first+n-1 of a regime:
 * a pure function of (regime, form, type, labels, seed, index), so blocks
 * can be generated independently.  f32 values are floats (as doubles).
 * wc supplies the inputs of BCEV_REG_WC (may be NULL: then the regime is
 * empty).  Returns the number of samples written (< n only for a finite
 * regime: WC with labels honoured gives its n pairs once per cycle).
 */
size_t bcev_regime_fill(bcev_regime r, bcev_form form, bcev_type type,
                        bcev_labels labels, uint64_t seed, uint64_t first,
                        size_t n, const bcev_wc *wc, double *x, double *y);

/*
 * The sample weight of row i of a weighted configuration of the port
 * checker (`bce check`, libbce.check): 1 (12 in 64), 0 (4 in 64), 2^-64 or
 * 2^64 (1 in 64 each), else log-uniform in [2^-20, 2^21); rounded to float
 * for BCEV_F32.  A pure function of (seed, i, type), so every route that
 * checks a port draws the same rows from the same seed.
 */
double bcev_check_weight(uint64_t seed, uint64_t i, bcev_type type);

/* ---------------------------------------------------------------- */
/* Bounds (bounds.c): THE table; docs/ACCURACY.md mirrors it.        */

typedef enum bcev_output { BCEV_LOSS = 0, BCEV_GRAD = 1 } bcev_output;
typedef enum bcev_config_kind {
    BCEV_CFG_HARD = 0,     /* no options, y in {0,1}                  */
    BCEV_CFG_SOFT = 1,     /* no options, y in (0,1)                  */
    BCEV_CFG_OPTIONS = 2,  /* weights, pos_weight, smoothing or clamp */
    BCEV_CFG_REDUCED = 3   /* MEAN reduction (loss scalar, dz / n)    */
} bcev_config_kind;
/* Bound in ulps (against the exact value) of one output. */
double bcev_bound(bcev_form form, bcev_type type, bcev_output out,
                  bcev_config_kind cfg);

/* Per-sample check used by the tests and the campaign: the ulp error of got
 * against exact, and whether it meets `bound` (a bound of 0.5 means correct
 * rounding and is checked as got == RN(exact), which the 2^-53-resolution
 * ulp metric alone could not certify). */
int bcev_check(bcev_type type, double got, const mpfr_t exact, double bound,
               double *ulps);

/* ---------------------------------------------------------------- */
/* Peer conventions (convention.c): the exact value of a peer library's
 * definition of the loss and gradient, for `bce check --convention`.
 * docs/PORTING.md "Conventions of peer libraries" is the specification
 * (sources read, versions, constants, where a clip makes the gradient 0). */

typedef enum bcev_convention {
    BCEV_CONV_LIBBCE = 0,   /* bcev_exact_mp itself                          */
    BCEV_CONV_TORCH,        /* BCEWithLogitsLoss / BCELoss (-100 clamp, grad
                               w (p-y) / max(p(1-p), (float)1e-12))          */
    BCEV_CONV_KERAS,        /* keras 3 BinaryCrossentropy: p clipped to
                               [1e-7, 1-1e-7] in the dtype, label smoothing */
    BCEV_CONV_OPTAX,        /* optax.sigmoid_binary_cross_entropy (logits)   */
    BCEV_CONV_SKLEARN,      /* sklearn.metrics.log_loss: p clipped to
                               [dtype eps, 1 - dtype eps], weighted mean     */
    BCEV_CONV_COUNT
} bcev_convention;

/* "libbce", "torch", "keras", "optax", "sklearn" (also "pytorch",
 * "scikit-learn"): 0 and *c set, -1 unknown. */
int bcev_convention_parse(const char *name, bcev_convention *c);
const char *bcev_convention_name(bcev_convention c);

/* 0 when the convention defines this form with these options (reduction
 * included); else -1 and *why (if why != NULL) a static message, e.g.
 * optax has no probability form, sklearn no logits form, torch no label
 * smoothing.  opt may be NULL (defaults). */
int bcev_convention_supports(bcev_convention c, bcev_form form,
                             const bce_options *opt, const char **why);

/* 1 when the convention clips p (keras, sklearn; probabilities) to
 * [*lo, *hi], the bounds as the library has them in `type`; 0 otherwise. */
int bcev_convention_clip(bcev_convention c, bcev_form form, bcev_type type,
                         double *lo, double *hi);

/* Exact per-sample loss w L and gradient w g / denom of the convention, as
 * bcev_exact_mp (rounded to odd at prec bits; loss or grad may be NULL);
 * type selects the dtype constants.  Returns 0 (NaN outputs for a NaN x
 * with BCE_OPT_PROPAGATE_NAN), or -1 with NaN outputs for an unsupported
 * configuration or an invalid sample (as bcev_ref: p outside [0,1], label,
 * weight or option out of range, NaN x without BCE_OPT_PROPAGATE_NAN).
 * BCEV_CONV_LIBBCE gives exactly bcev_exact_mp's values. */
int bcev_convention_exact_mp(bcev_convention c, bcev_form form, bcev_type type,
                             const bcev_sample *s, const bce_options *opt,
                             const mpfr_t denom, mpfr_prec_t prec,
                             mpfr_t loss, mpfr_t grad);
int bcev_convention_exact(bcev_convention c, bcev_form form, bcev_type type,
                          const bcev_sample *s, const bce_options *opt,
                          double denom, mpfr_prec_t prec, mpfr_t loss, mpfr_t grad);
/* Correctly rounded (to type) values of bcev_convention_exact_mp; NULL
 * outputs allowed. */
int bcev_convention_ref(bcev_convention c, bcev_form form, bcev_type type,
                        const bcev_sample *s, const bce_options *opt,
                        const mpfr_t denom, double *loss, double *grad);

/* The count the convention's reduction divides by (the gradient of
 * element i is bcev_convention_exact_mp with this denom): 1 (none, sum),
 * n (mean), sum w (weighted mean; n without weights).  -1 (NaN) when
 * unsupported. */
int bcev_convention_denominator(bcev_convention c, bcev_form form, size_t n,
                                const double *w, const bce_options *opt, mpfr_t out);

/* The exact reduced loss sum_i w_i L_i / D of the convention to prec bits
 * (as bcev_exact_reduced).  Returns as bcev_exact_reduced; -1 (NaN) when
 * unsupported. */
int bcev_convention_exact_reduced(bcev_convention c, bcev_form form, bcev_type type,
                                  size_t n, const double *x, const double *y,
                                  const double *w, const bce_options *opt,
                                  mpfr_prec_t prec, mpfr_t loss);

#ifdef __cplusplus
}
#endif
#endif

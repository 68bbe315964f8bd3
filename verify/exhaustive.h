/*
 * exhaustive.h -- the proven double-precision filter behind `bce exhaustive`
 * (libbce-verify, not installed): the correctly rounded binary32 loss and
 * gradient of one binary32 input for both hard labels, from a plain double
 * evaluation with a stated error bound and a rounding test, or "undecided"
 * (then the caller asks the MPFR reference, bcev_ref).  Independent of the
 * library's kernels: it uses libm's exp, log and log1p only.
 */
#ifndef BCEV_EXHAUSTIVE_H
#define BCEV_EXHAUSTIVE_H

#include "bce_verify.h"

/* What the API must do with one binary32 input x (default options). */
typedef enum bcev_f32_class {
    BCEV_X_FILTER = 0,   /* valid: the filter below applies               */
    BCEV_X_SPECIAL,      /* valid but exact limits/zeros: ask MPFR        */
    BCEV_X_NAN,          /* NaN: BCE_E_NAN_LOGIT / BCE_E_NAN_PROB, or NaN
                            outputs with BCE_OPT_PROPAGATE_NAN            */
    BCEV_X_RANGE         /* probs only: p outside [0,1]: BCE_E_PROB_RANGE */
} bcev_f32_class;

bcev_f32_class bcev_f32_classify(bcev_form form, float x);

/*
 * For a BCEV_X_FILTER input: out[y][0] = loss, out[y][1] = gradient for the
 * label y in {0, 1}, each the correctly rounded binary32 result when
 * decided[y][k] is 1; approx[y][k] is the double approximation (relative
 * error <= BCEV_FILTER_REL, plus BCEV_FILTER_ABS absolute), kept for the ulp
 * estimate of a library result.  Returns the number of undecided outputs.
 */
#define BCEV_FILTER_REL 0x1p-46
#define BCEV_FILTER_ABS 0x1p-1061
int bcev_f32_filter(bcev_form form, float x, float out[2][2],
                    int decided[2][2], double approx[2][2]);

/* |got - a| in binary32 ulps of a's binade (a > FLT_MAX: ulp 2^104; got =
 * +-inf counts as 2^128 like bcev_ulp_error).  Plain double arithmetic:
 * with the filter's approximation a, the result is within 2^-20 ulp of the
 * true error. */
double bcev_ulp32_approx(float got, double a);

/*
 * 16-bit inputs, any label (lowp_filter.c): for x (z or p) and y values of
 * the 16-bit format fmt (BCEV_BF16 / BCEV_F16), default options, the
 * correctly rounded binary32 (out32[k], decided[0][k]) and 16-bit
 * (out16[k] as a double, decided[1][k]) loss (k = 0) and gradient (k = 1);
 * returns the number of undecided outputs (the caller asks MPFR; all four
 * for z = 0, +-inf, p = 0 or 1).  Error budget and decision: the file's
 * header.
 */
int bcev_lowp_filter(bcev_form form, int fmt, double x, double y,
                     float out32[2], double out16[2], int decided[2][2]);
/* The same in two steps, for many labels of one x (bce exhaustive --type
 * bf16|f16 --label all): what depends on x alone (libm's exp, log1p, tanh,
 * log) once, then each label; the same values and decisions. */
typedef struct bcev_lowp_x {
    int form, fmt, ok;
    double x, t, e, l, s, th;   /* logits: |z|, e^-|z|, log1p(e), sigma(-|z|), tanh(z/2)/2 */
    double lp, l1, q;           /* probs: -log p, -log1p(-p), p (1 - p) */
} bcev_lowp_x;
void bcev_lowp_filter_prep(bcev_form form, int fmt, double x, bcev_lowp_x *p);
int bcev_lowp_filter_y(const bcev_lowp_x *p, double y, float out32[2], double out16[2],
                       int decided[2][2]);

#endif

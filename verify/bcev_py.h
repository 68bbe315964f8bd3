/*
 * bcev_py.h -- array entry points of libbce-verify for the Python package
 * (python/libbce, ctypes; verify/pyapi.c).  Exported by libbce-verify.so
 * like the rest of bce_verify.h, but not installed: the Python package is
 * their one caller and docs/PYTHON.md their documentation.  Every function
 * works on whole arrays of doubles (binary32 values are passed as doubles,
 * converted exactly), so that Python makes one call per array instead of one
 * per element and never touches an mpfr_t.
 *
 * form: bcev_form (0 logits, 1 probs); type: bcev_type (0 f64, 1 f32);
 * conv: bcev_convention (0 libbce, 1 torch, ...).  opt: as for bce.h (NULL
 * = defaults); opt->reduction selects the denominator of the gradient and
 * whether the loss is one reduced value.  w: n sample weights or NULL.
 */
#ifndef BCEV_PY_H
#define BCEV_PY_H

#include <stddef.h>
#include <stdint.h>
#include "bce_verify.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version of this header's functions (the Python package checks it). */
#define BCEV_PY_ABI 2   /* 2: bcev_py_ref16 */
int bcev_py_abi(void);

/*
 * The rows `bce check` builds for one configuration (tools/check.c,
 * run_regimes): for each regime in order (random, tail_pos, tail_neg,
 * thresholds, soft_cancel, special, wc) `per` rows of bcev_regime_fill
 * (BCEV_LABELS_ANY, first = 0, seed), the wc rows from wcdir (NULL: the
 * build's, bcev_wc_default_dir()); under a reduction the rows whose loss
 * is infinite or huge (logits |z| > 1024; probs p not in (0,1) unless the
 * clamp is on) left out; weights (when `weights`) drawn as `bce check`
 * draws them, and w[0] = 1 if all drawn weights are 0.  x, y, w: capacity
 * per * BCEV_REG_COUNT each (w written only when weights); reg: the regime
 * of each row.  Returns the number of rows, or (size_t)-1 when the wc
 * files cannot be read.
 */
size_t bcev_py_check_rows(int form, int type, const bce_options *opt,
                          int weights, uint64_t seed, size_t per,
                          const char *wcdir, double *x, double *y, double *w,
                          unsigned char *reg);

/* The weights `bce check` draws for the rows of indices index[0..n-1]
 * (draw_weight: in --exhaustive mode the index is the bit pattern of x). */
void bcev_py_weights(int type, uint64_t seed, size_t n, const uint64_t *index,
                     double *w);

/*
 * Correctly rounded reference values of convention conv: loss (n values,
 * or loss[0] = the reduced loss under a reduction; NULL: not computed) and
 * grad (n values, d(reduced loss)/dx_i; NULL: not computed), rounded to
 * type.  Returns 0; 1 when a rounding hit MPFR's precision cap; -1 for an
 * unsupported configuration (*bad = n) or an invalid sample (*bad = its
 * index; its outputs NaN).  bad may be NULL.
 */
int bcev_py_ref(int form, int type, int conv, size_t n, const double *x,
                const double *y, const double *w, const bce_options *opt,
                double *loss, double *grad, size_t *bad);

/*
 * The correctly rounded outputs of the bf16/f16 entry points (libbce's
 * definition, every option and reduction): fmt BCEV_BF16 or BCEV_F16 (the
 * inputs' type; x, y, w are its values as doubles), out_type BCEV_F32
 * (the float outputs of bce_<form>_<t>) or fmt (the 16-bit outputs of
 * bce_<form>_<t>_<t>).  The exact values (bcev_exact_mp, 256 bits rounded
 * to odd; bcev_exact_reduced for the reduced loss) rounded ONCE to the
 * output type (bcev_round_to(BCEV_F32) or bcev_round16), an exact zero as
 * +0.  loss, grad, bad and the return value as bcev_py_ref (an invalid
 * sample: -1 and its index; a bad fmt or out_type: -1, *bad = n).
 */
int bcev_py_ref16(int form, int fmt, int out_type, size_t n, const double *x,
                  const double *y, const double *w, const bce_options *opt,
                  double *loss, double *grad, size_t *bad);

/*
 * Judge claimed outputs against convention conv (as `bce check` does):
 * got_loss (n values, or 1 under a reduction; NULL: not judged), got_grad
 * (n values; NULL: not judged), bounds in ulps of the exact value (0.5:
 * must be the correct rounding, bcev_check).  Outputs per judged value (any
 * may be NULL): ulp (error in ulps of the exact value; when use_filter is
 * nonzero and the fast filter decided, estimated to about 2^-50 relative),
 * expected (RN of the exact value; from the filter's enclosure when it
 * decided), pass (1/0).  use_filter = 0: every value by MPFR (exact ulp
 * errors).  select: NULL (every row), or n flags: rows with select[i] == 0
 * are not judged (their outputs untouched; the reduced loss is judged only
 * when select is NULL), while the denominator stays that of all n rows.
 * Returns 0, or -1 for an unsupported configuration.
 */
int bcev_py_judge(int form, int type, int conv, size_t n, const double *x,
                  const double *y, const double *w, const bce_options *opt,
                  const unsigned char *select, const double *got_loss, const double *got_grad,
                  double bound_loss, double bound_grad, int use_filter,
                  double *ulp_loss, double *ulp_grad,
                  double *exp_loss, double *exp_grad,
                  unsigned char *pass_loss, unsigned char *pass_grad);

/*
 * The exact values themselves, as decimal text: output 0 (loss: n values,
 * or the reduced loss under a reduction) or 1 (grad: n values) of
 * convention conv, each written with `digits` significant digits (1..1000;
 * the exact value at digits * 3.33 + 64 bits, then rounded to nearest
 * decimal) into buf + i * stride, NUL-terminated ("inf", "-inf", "nan";
 * stride >= digits + 16).  type selects a convention's dtype constants.
 * Returns 0, or -1 for an unsupported configuration or bad arguments.
 */
int bcev_py_exact_str(int form, int type, int conv, size_t n, const double *x,
                      const double *y, const double *w, const bce_options *opt,
                      int output, int digits, char *buf, size_t stride);

/* 0 when convention conv defines this form and options, else -1 and *why
 * (a static message; why may be NULL). */
int bcev_py_supports(int conv, int form, const bce_options *opt,
                     const char **why);

/*
 * The MPFR reference of the fused logistic regression (bcev_logreg_ref_f64,
 * or _f32 when type is 1: x, y, sw, w are then binary32 values passed as
 * doubles, converted exactly), at 256 bits, every output rounded to double
 * (not to float: the caller judges against the exact value): loss (1 value),
 * grad, grad_cond, grad_sig, grad_zcond (m = k + (intercept != 0) values
 * each; any may be NULL).  Returns the bce_status (BCE_E_OUT_OF_MEMORY when
 * an allocation failed).
 */
int bcev_py_logreg_ref(int type, size_t n, size_t k, const double *x,
                       size_t ldx, const double *y, const double *sw,
                       int intercept, double l2, const bce_options *opt,
                       const double *w, double *loss, double *grad,
                       double *grad_cond, double *grad_sig, double *grad_zcond);

#ifdef __cplusplus
}
#endif
#endif

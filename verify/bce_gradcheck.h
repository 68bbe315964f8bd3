/*
 * bce_gradcheck.h -- libbce-verify: the finite-difference gradient checker
 * (gradcheck.c) and the MPFR reference of the fused logistic regression
 * (logreg_ref.c).  Installed with libbce-verify; depends on MPFR.
 *
 * The checker works for any objective f: R^k -> R with a claimed gradient:
 *   bcev_gradcheck       coordinate by coordinate: central differences with
 *                        Richardson extrapolation (Ridders' tableau), steps
 *                        exactly representable ((w + h) - w == h and
 *                        w - (w - h) == h), an error estimate per coordinate;
 *   bcev_gradcheck_dir   random unit directions u (fixed seed): checks
 *                        grad . u against d/dt f(w + t u) -- k-independent
 *                        cost, for large k (torch.autograd.gradcheck's
 *                        "fast mode");
 *   bcev_jvpcheck        the same for a vector function F: R^m -> R^p and a
 *                        claimed J v (e.g. a Hessian-vector product as the
 *                        directional derivative of the gradient);
 *   bcev_gradcheck_mpfr  an MPFR objective evaluated at >= 256 bits, central
 *                        differences with step 2^-80 |w_j| and one
 *                        Richardson step: a finite-difference gradient good
 *                        to ~45 digits, obtained without any gradient formula.
 * Pass criterion of one coordinate (or direction) c:
 *     |claimed_c - fd_c| <= atol_c + rtol |fd_c| + est_c
 * with est_c the estimated error of fd_c (see bcev_gc_report).
 */
#ifndef BCE_GRADCHECK_H
#define BCE_GRADCHECK_H

#include "bce_verify.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- */
/* The checker (gradcheck.c)                                         */

/* f(w) for w of k values.  Return NaN (or an infinity) if f cannot be
 * evaluated there: the checker stops with BCEV_GC_EVAL_ERROR. */
typedef double (*bcev_objective)(const double *w, void *ctx);
/* out[0 .. p-1] = F(w) for w of m values; return 0, nonzero on failure. */
typedef int (*bcev_vecfun)(const double *w, double *out, void *ctx);
/* out = f(w) rounded to out's precision; w has k entries (MPFR numbers at
 * any precision).  Hint j: the checker first calls with j == BCEV_GC_BASE at
 * the base point; every later call has w equal to the base point except in
 * coordinate j (lets an objective update incrementally).  Return 0, nonzero
 * on failure. */
typedef int (*bcev_objective_mp)(mpfr_t out, const mpfr_t *w, size_t j,
                                 void *ctx);
#define BCEV_GC_BASE ((size_t)-1)

typedef struct bcev_gc_options {
    double atol;            /* absolute tolerance                          */
    const double *atol_vec; /* per-coordinate atol (k values) or NULL      */
    double rtol;            /* relative tolerance (times |fd_c|)           */
    double step;            /* first step, relative to max(|w_j|, typ)     */
    double typ;             /* typical magnitude of a parameter (> 0)      */
    int levels;             /* Richardson levels (steps step, step/2 ...) */
    double f_rel_err;       /* relative error of one evaluation of f       */
    double f_abs_err;       /* absolute error of one evaluation of f       */
    size_t ndirs;           /* bcev_gradcheck_dir: number of directions    */
    uint64_t seed;          /* bcev_gradcheck_dir: direction seed          */
    mpfr_prec_t prec;       /* bcev_gradcheck_mpfr: precision of f (bits)  */
    int step_log2;          /* bcev_gradcheck_mpfr: step 2^step_log2 times
                               the power of two >= max(|w_j|, typ)         */
} bcev_gc_options;

/* The defaults (also what a NULL options pointer means):
 *   atol 0, atol_vec NULL, rtol 1e-7, step 2^-4, typ 1, levels 8,
 *   f_rel_err 2^-50, f_abs_err 0, ndirs 8, seed 1, prec 256, step_log2 -80.
 * (A zero-initialised struct means zeros, not defaults: start from this.) */
void bcev_gc_defaults(bcev_gc_options *opt);

/*
 * The report.  c ranges over coordinates (bcev_gradcheck, _mpfr), directions
 * (bcev_gradcheck_dir) or output components (bcev_jvpcheck).
 *   fd_c      finite-difference value: the Richardson-extrapolated central
 *             difference chosen by Ridders' rule (the tableau entry whose
 *             differences to its neighbours are smallest)
 *   est_c     estimated |fd_c - true derivative|: that neighbour difference
 *             (truncation) plus the evaluation error of each central
 *             difference, ((f_rel_err + 2^-53) max|f(w +- t d)| + f_abs_err
 *             + point error) / t, propagated through the tableau weights
 *   tol_c     atol_c + rtol |fd_c| + est_c
 * The worst c is the one with the largest |claimed_c - fd_c| / tol_c.
 */
typedef struct bcev_gc_report {
    size_t count;           /* coordinates / directions / components       */
    size_t worst;           /* index of the worst one                      */
    double claimed, fd;     /* at worst                                    */
    double abs_err;         /* |claimed - fd| at worst                     */
    double rel_err;         /* abs_err / |fd| at worst (inf if fd == 0)    */
    double fd_err;          /* est at worst                                */
    double tol;             /* tol at worst                                */
    double ratio;           /* abs_err / tol at worst (pass iff <= 1)      */
    double max_abs_err;     /* over all c                                  */
    double max_rel_err;     /* over all c with fd_c != 0                   */
    double max_fd_err;      /* over all c                                  */
    size_t n_fail;          /* how many c fail                             */
    size_t n_evals;         /* evaluations of f (or F)                     */
    int pass;               /* n_fail == 0                                 */
} bcev_gc_report;

/* Return values of the checkers: */
#define BCEV_GC_OK 0           /* checked; see rep->pass                    */
#define BCEV_GC_EVAL_ERROR 1   /* f failed or was not finite (rep->worst =
                                  the coordinate being differentiated)     */
#define BCEV_GC_BAD_ARG 2      /* NULL pointer, k == 0, bad option         */

/* Coordinate mode.  grad: the claimed gradient (k values).  fd, fd_err:
 * optional outputs (k values each, may be NULL).  2 * levels * k
 * evaluations of f.  Steps go from step max(|w_j|, typ) down by 2^(levels-1):
 * when f varies in w_j on a much smaller scale (e.g. a feature column of
 * magnitude 1000), check in rescaled parameters w_j / p_j with p_j powers of
 * two (exact), as `bce gradcheck` does for CSV columns. */
int bcev_gradcheck(size_t k, bcev_objective f, void *ctx, const double *w,
                   const double *grad, const bcev_gc_options *opt,
                   bcev_gc_report *rep, double *fd, double *fd_err);

/* Directional mode: opt->ndirs unit directions u (Gaussian, normalised,
 * from bcev_rng seeded with opt->seed); claimed_c = grad . u (compensated
 * dot product), fd_c = d/dt f(w + t u) at t = 0 (step relative to
 * max(max_j |w_j|, typ)).  The points w + t u are rounded to doubles; the
 * effect of that rounding (the "point error" above), estimated as
 * 2^-52 sum_j |grad_j| (|w_j| + |t u_j|), is part of est_c; so is the
 * error bound of the compensated dot product.  2 * levels * ndirs
 * evaluations. */
int bcev_gradcheck_dir(size_t k, bcev_objective f, void *ctx, const double *w,
                       const double *grad, const bcev_gc_options *opt,
                       bcev_gc_report *rep);

/* Jacobian-vector product: F: R^m -> R^p, claimed J(w) v (p values);
 * fd_c = d/dt F_c(w + t v) at 0 (first step relative to
 * max(max_j |w_j|, typ) / |v|_2).  fd, fd_err: optional, p values each.
 * The points w + t v are rounded to doubles (not included in est_c: use
 * f_abs_err for it).  2 * levels evaluations of F. */
int bcev_jvpcheck(size_t m, size_t p, bcev_vecfun F, void *ctx,
                  const double *w, const double *v, const double *claimed,
                  const bcev_gc_options *opt, bcev_gc_report *rep,
                  double *fd, double *fd_err);

/* MPFR mode: f evaluated at opt->prec bits (>= 64), step h_j =
 * 2^step_log2 * 2^ceil(log2(max(|w_j|, typ))) (so w_j +- h_j are exact at
 * that precision), fd_j = D(h/2) + (D(h/2) - D(h))/3 with D the central
 * difference, est_j = |D(h/2) - D(h)|/3 + the propagated evaluation error
 * 2^(2-prec) max|f| / h.  fd_mp (optional, k initialised mpfr_t) receives
 * fd_j at their own precision; fd_err (optional, k doubles) est_j.  grad:
 * the claimed gradient (doubles, may be NULL: then only fd is computed and
 * rep compares against 0 with infinite tolerance -- pass).  4k + 1
 * evaluations of f. */
int bcev_gradcheck_mpfr(size_t k, bcev_objective_mp f, void *ctx,
                        const double *w, const double *grad,
                        const bcev_gc_options *opt, bcev_gc_report *rep,
                        mpfr_t *fd_mp, double *fd_err);

/* One line per report: "PASS|FAIL name: worst c=... claimed=... fd=...
 * abs=... rel=... est=... tol=... n_fail=.../count evals=..." */
void bcev_gc_print(FILE *out, const char *name, const bcev_gc_report *rep);

/* ---------------------------------------------------------------- */
/* MPFR reference of the fused logistic regression (logreg_ref.c)    */

/*
 * The exact computation of bce.h's bce_logreg_* for one problem, options
 * and parameter vector w (m = k + (fit_intercept != 0) values), optionally
 * with a vector v (m values) for the Hessian-vector product.  Notation:
 * x~_i = [1, x_i] (or x_i without intercept), alpha_i, beta_i the exact
 * label coefficients of bcev_exact (alpha = s P y', beta = s (1-y'), s the
 * sample weight), z_i = x~_i . w, sigma_i = sigma(z_i), norm = 1 (SUM, and
 * NONE), n (MEAN), sum_i s_i (WEIGHTED_MEAN), lam = pb->l2, w' = w with its
 * intercept entry set to 0:
 *   L_i  = alpha_i softplus(-z_i) + beta_i softplus(z_i)
 *   r_i  = beta_i sigma_i - alpha_i (1 - sigma_i)         (dL_i/dz_i)
 *   h_i  = (alpha_i + beta_i) sigma_i (1 - sigma_i)       (d2L_i/dz_i2)
 *   loss = sum_i L_i / norm + lam/2 |w'|^2
 *   grad = sum_i r_i x~_i / norm + lam w'
 *   hv   = sum_i h_i (x~_i . v) x~_i / norm + lam v'
 * Method: every product x_ij w_j is exact, z_i and x~_i . v are sums of the
 * exact products rounded once to prec + 128 bits (mpfr_sum); L_i, r_i, h_i at
 * prec + 64 bits from e = exp(-|z_i|) (|z_i| >= 2^60: e = 0); sums
 * accumulated at prec + 64 bits.  With wp = prec + 64, the mpfr results
 * (precision prec) are within about
 *   loss:   2^-prec |loss| + (n + 16) 2^-wp loss_cond
 *   grad_j: 2^-prec |grad_j| + (n + 16) 2^-wp (grad_sig_j + grad_zcond_j)
 *   hv_j:   2^-prec |hv_j| + (n + 16) 2^-wp (hv_cond_j + hv_dcond_j + hv_zcond_j)
 * of the exact values (r_i cancels against grad_sig, not grad_cond); the
 * double results are those rounded to nearest.
 *
 * Condition sums (doubles, computed in double arithmetic from the rounded
 * high-precision quantities -- magnitudes for error bounds, a few ulps off):
 *   loss_cond     = sum_i L_i / norm + lam/2 |w'|^2   (all terms >= 0, so
 *                   this is |loss| up to rounding; given for symmetry)
 *   grad_cond[j]  = sum_i |r_i| |x~_ij| / norm + lam |w'_j|
 *   grad_sig[j]   = sum_i (beta_i sigma_i + alpha_i (1-sigma_i)) |x~_ij|
 *                   / norm + lam |w'_j|    (the two terms of r_i before
 *                   they cancel: what an r_i computed as a difference
 *                   loses accuracy against)
 *   grad_zcond[j] = sum_i h_i C_i |x~_ij| / norm, C_i = sum_l |x~_il w_l|
 *                   (first-order effect of a relative error in z_i's dot
 *                   product: dr_i = h_i dz_i, |dz_i| <= eps C_i)
 *   hv_cond[j]    = sum_i h_i |x~_i . v| |x~_ij| / norm + lam |v'_j|
 *   hv_dcond[j]   = sum_i h_i D_i |x~_ij| / norm, D_i = sum_l |x~_il v_l|
 *                   (effect of the error of the dot product x~_i . v)
 *   hv_zcond[j]   = sum_i |h'_i| C_i |x~_i . v| |x~_ij| / norm with
 *                   h'_i = (alpha_i+beta_i) sigma_i (1-sigma_i) (1-2 sigma_i)
 *   loss_zcond    = sum_i |r_i| C_i / norm   (the loss's z term: dL_i/dz_i
 *                   = r_i; 0 when unused)
 *   row_zcond[i]  = C_i,  row_vcond[i] = D_i   (per row, optional)
 *
 * zrel (an input: 0 after bcev_logreg_ref_init, set it before evaluating):
 * the z_i of the computation being bounded are within dz_i = zrel C_i of
 * the exact ones (docs/ACCURACY.md: eZ).  The terms above that multiply a
 * z error (grad_zcond, hv_zcond, loss_zcond) and those that are evaluated
 * at the computed z (grad_sig, grad_cond, hv_cond, hv_dcond) then use, per
 * row, the largest value over |xi - z_i| <= dz_i instead of the value at
 * z_i (mean value theorem, with h = s sigma (1 - sigma) and |h'| <= h):
 *   h_i         -> hbar_i = min(s_i/4, h_i e^dz_i)
 *   |h'_i|      -> hbar_i min(1, |1 - 2 sigma_i| + dz_i/2)
 *   |r_i|, T_i  -> |r_i| + hbar_i dz_i,  T_i + hbar_i dz_i
 * (T_i = beta sigma + alpha (1 - sigma) of grad_sig), so the bound holds
 * however large dz_i is, not only to first order in it (fuzz finding
 * fuzz/corpus/logreg/regress-fast-z-cancel: BCE_OPT_FAST_ACCUM, C_i near
 * 2^130, z_i = 3978 computed as 0).  zrel = 0: the values at z_i.
 */
typedef struct bcev_logreg_ref {
    size_t n, m;               /* set by bcev_logreg_ref_init              */
    int want_hv;               /* v given: hv outputs filled               */
    mpfr_prec_t prec;          /* precision of the mpfr outputs            */
    double loss;
    double *grad;              /* m */
    double *hv;                /* m (want_hv)                              */
    mpfr_t loss_mp;
    mpfr_t *grad_mp;           /* m */
    mpfr_t *hv_mp;             /* m (want_hv)                              */
    double zrel;               /* input, see above (0: first order)        */
    double loss_cond, loss_zcond;
    double *grad_cond, *grad_sig, *grad_zcond;   /* m each                 */
    double *hv_cond, *hv_dcond, *hv_zcond;       /* m each (want_hv)       */
    double *row_zcond, *row_vcond;   /* n each, or NULL (set rows != 0)    */
} bcev_logreg_ref;

/* Allocate for m parameters and n rows; prec >= 64 (0 means 256); want_hv:
 * allocate the hv outputs; rows: allocate row_zcond / row_vcond.  Returns
 * 0, -1 when out of memory. */
int bcev_logreg_ref_init(bcev_logreg_ref *r, size_t n, size_t m,
                         mpfr_prec_t prec, int want_hv, int rows);
void bcev_logreg_ref_free(bcev_logreg_ref *r);

/* Evaluate (r initialised for pb->n rows and m parameters; v may be NULL
 * only when !r->want_hv; opt NULL = defaults, reduction NONE = SUM).
 * Returns BCE_OK, or the bce_status bce_logreg_* would return for invalid
 * input (same checks; nothing written then), or BCE_E_SIZE_OVERFLOW if r
 * does not match the problem. */
bce_status bcev_logreg_ref_f64(const bce_logreg_f64_problem *pb,
                               const double *w, const double *v,
                               const bce_options *opt, bcev_logreg_ref *r);
/* float data and parameters, converted exactly. */
bce_status bcev_logreg_ref_f32(const bce_logreg_f32_problem *pb,
                               const float *w, const float *v,
                               const bce_options *opt, bcev_logreg_ref *r);

/* The objective alone with MPFR parameters w (m values, any precision):
 * loss = sum_i L_i / norm + lam/2 |w'|^2 rounded to prec bits (products
 * exact, z_i rounded once to prec + 128 bits, the rest at prec + 64).
 * Returns as bcev_logreg_ref_f64 (parameters are not checked). */
bce_status bcev_logreg_loss_mp(const bce_logreg_f64_problem *pb,
                               const bce_options *opt, const mpfr_t *w,
                               mpfr_prec_t prec, mpfr_t loss);

/* An objective for bcev_gradcheck_mpfr over a fixed problem: caches the
 * z_i of the base point at prec + 128 bits and updates them by the exact
 * h x_ij along coordinate j, so one evaluation costs n transcendental
 * evaluations instead of n k products.  Memory: ~ n (prec + 256) bits. */
typedef struct bcev_logreg_mpobj bcev_logreg_mpobj;
bcev_logreg_mpobj *bcev_logreg_mpobj_new(const bce_logreg_f64_problem *pb,
                                         const bce_options *opt,
                                         mpfr_prec_t prec);
void bcev_logreg_mpobj_free(bcev_logreg_mpobj *o);
/* The bcev_objective_mp callback; ctx is the bcev_logreg_mpobj. */
int bcev_logreg_mpobj_eval(mpfr_t out, const mpfr_t *w, size_t j, void *ctx);

/* |v - ref| measured against the MPFR value itself (rounded up). */
double bcev_err_mp(double v, mpfr_srcptr ref);
/* The underflow sums of the fused a-priori bound (docs/ACCURACY.md, eta):
 * A_j = sum_i s_i |x~_ij|, B_j = sum_i s_i D_i |x~_ij|, S = sum_i s_i, each
 * over the reduction's norm (A, B: m values; D: n values). */
void bcev_logreg_uflow_sums(const bce_logreg_f64_problem *p, bce_reduction red,
                            const double *D, double *A, double *B, double *S);

/* ---------------------------------------------------------------- */
/* A user's logistic regression (logreg_user.c)                      */

/*
 * THE signature of a logistic regression under test (`bce gradcheck --lib
 * PATH --symbol NAME`, docs/PORTING.md "Checking a gradient"):
 *   n, k        rows and features; X row i is X[i*ldx .. i*ldx + k-1]
 *   y           n labels in [0,1];  sw: n sample weights, or NULL
 *   intercept   nonzero: w[0] is the intercept (m = k + 1), else m = k
 *   l2          the penalty (l2/2) |w_features|^2, the intercept excluded,
 *               not divided by n
 *   pos_weight  PyTorch's P (1 = none); label_smoothing: y' = y(1-a) + a/2
 *   reduction   BCE_REDUCTION_SUM (1), _MEAN (2, over n) or
 *               _WEIGHTED_MEAN (3, over sum sw); bce gradcheck never
 *               passes NONE (0)
 *   w           m parameters, intercept first
 *   loss, grad  outputs (1 and m values), each may be NULL (not wanted)
 *   v, hv       NULL, or m values each: then hv = H(w) v is wanted
 * Returns 0 on success, any other value is an error (bce gradcheck stops
 * with exit status 2 and names the parameter vector).
 * The f32 variant has float arrays (scalars stay double). */
typedef int (*bcev_logreg_fn_f64)(size_t n, size_t k, const double *X,
                                  size_t ldx, const double *y,
                                  const double *sw, int intercept, double l2,
                                  double pos_weight, double label_smoothing,
                                  int reduction, const double *w,
                                  double *loss, double *grad,
                                  const double *v, double *hv);
typedef int (*bcev_logreg_fn_f32)(size_t n, size_t k, const float *X,
                                  size_t ldx, const float *y,
                                  const float *sw, int intercept, double l2,
                                  double pos_weight, double label_smoothing,
                                  int reduction, const float *w,
                                  float *loss, float *grad,
                                  const float *v, float *hv);

/* libbce's fused regression with that signature (bce_logreg_f64 /
 * bce_logreg_hvp_f64, and the f32 ones); returns the bce_status.
 * `bce gradcheck` without an IUT checks bcev_logreg_shim_f64. */
int bcev_logreg_shim_f64(size_t n, size_t k, const double *X, size_t ldx,
                         const double *y, const double *sw, int intercept,
                         double l2, double pos_weight, double label_smoothing,
                         int reduction, const double *w, double *loss,
                         double *grad, const double *v, double *hv);
int bcev_logreg_shim_f32(size_t n, size_t k, const float *X, size_t ldx,
                         const float *y, const float *sw, int intercept,
                         double l2, double pos_weight, double label_smoothing,
                         int reduction, const float *w, float *loss,
                         float *grad, const float *v, float *hv);

/* The bce_options of those scalars (pos_weight != 1 sets
 * BCE_OPT_POS_WEIGHT). */
void bcev_logreg_options(double pos_weight, double label_smoothing,
                         int reduction, bce_options *opt);

/*
 * The judgement against the exact gradient, for any caller (C, ctypes):
 * the problem in the scalars of bcev_logreg_fn_f64 (f32 data passed as the
 * doubles of their exact values), w (m values) and a claimed gradient grad
 * (m values); type BCEV_F64 (u = 2^-53) or BCEV_F32 (u = 2^-24).  Per
 * coordinate j (each output array m values, or NULL):
 *   exact[j]     the exact gradient (MPFR, bcev_logreg_ref_f64 at 256 bits)
 *                rounded to the type
 *   ulps[j]      |grad_j - exact_j| in ulps of the exact value (type's ulp)
 *   cond[j]      C_j = sum_i |r_i| |x~_ij| / norm + l2 |w'_j| (grad_cond of
 *                bcev_logreg_ref; |exact_j| / C_j small: the terms cancel)
 *   ratio[j]     |grad_j - exact_j| / (u C_j): the judged figure,
 *                `bce gradcheck --max-cond` bounds it (default 64)
 *   sig_ratio[j] |grad_j - exact_j| / (u (grad_sig_j + grad_zcond_j)):
 *                against the terms of r_i = sigma(z_i) - y_i before they
 *                cancel and the rounding of z_i (a diagnostic: what a
 *                textbook r_i can reach; not judged)
 * A zero error gives ratio 0; a nonzero error against a zero condition,
 * inf; a non-finite grad_j, inf.  reduction NONE is SUM here.  Returns 0,
 * or the bce_status of invalid data (BCE_E_* as bce_logreg_f64 would). */
int bcev_logreg_judge(size_t n, size_t k, const double *X, size_t ldx,
                      const double *y, const double *sw, int intercept,
                      double l2, double pos_weight, double label_smoothing,
                      int reduction, const double *w, const double *grad,
                      int type, double *exact, double *ulps, double *cond,
                      double *ratio, double *sig_ratio);

/* The same for a claimed Hessian-vector product hv at w along v (m values
 * each): exact, ulps, cond = hv_cond + hv_dcond + hv_zcond of
 * bcev_logreg_ref (the terms |h_i (x~_i . v) x~_ij| / norm + l2 |v'_j|,
 * plus the effect of rounding the dot products x~_i . v and z_i: what a
 * plain evaluation must incur), ratio = error / (u cond). */
int bcev_logreg_judge_hv(size_t n, size_t k, const double *X, size_t ldx,
                         const double *y, const double *sw, int intercept,
                         double l2, double pos_weight, double label_smoothing,
                         int reduction, const double *w, const double *v,
                         const double *hv, int type, double *exact, double *ulps,
                         double *cond, double *ratio);

#ifdef __cplusplus
}
#endif
#endif

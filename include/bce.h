/*
 * bce.h -- libbce: binary cross-entropy of logistic regression, fast and
 * provably accurate.  The one public header.
 *
 * Mathematics (see docs/ACCURACY.md for every bound):
 *   logit z, sigma(z) = 1/(1+e^-z), label y in [0,1] (soft labels allowed).
 *   From logits:        L(z,y) = softplus(z) - y z
 *                               = -[y log sigma(z) + (1-y) log(1-sigma(z))]
 *                       dL/dz  = sigma(z) - y
 *   From probabilities: L(p,y) = -[y log p + (1-y) log1p(-p)]
 *                       dL/dp  = (p - y) / (p (1-p))
 *
 * Options generalise the per-sample loss to
 *   L_i = w_i * ( -[ P y' log s + (1-y') log(1-s) ] ),   s = sigma(z_i) or p_i,
 *   y'  = y (1-a) + a/2          (label smoothing a, Keras semantics),
 *   P   = pos_weight             (PyTorch BCEWithLogitsLoss semantics),
 *   w_i = per-sample weight      (1 when the weight array is NULL),
 * and the returned gradient is that of the *reduced* loss (what an optimiser
 * consumes): d(reduce L)/d z_i (or d p_i).
 *
 * All results are the rounding of the exact real value, within the ulp bounds
 * of docs/ACCURACY.md; they do not depend on n, alignment, element position
 * or the instruction set chosen.
 *
 * Errors: every entry point validates all its inputs before writing any
 * output.  On error nothing is written to loss/grad, the bce_status says what
 * is wrong and, when opt->error_index is non-NULL, it receives the index of the
 * first offending element (BCE_NO_INDEX for errors not tied to an element).
 */
#ifndef BCE_H
#define BCE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(BCE_SHARED_BUILD)
#define BCE_API __declspec(dllexport)
#elif defined(__GNUC__)
#define BCE_API __attribute__((visibility("default")))
#else
#define BCE_API
#endif

#define BCE_VERSION_MAJOR 0
#define BCE_VERSION_MINOR 1
#define BCE_VERSION_PATCH 0
#define BCE_VERSION_STRING "0.1.0"

/* Status codes.  Each has one meaning; bce_strerror() gives the text. */
typedef enum bce_status {
    BCE_OK = 0,
    BCE_E_NULL_POINTER = 1,    /* a required pointer argument is NULL          */
    BCE_E_SIZE_OVERFLOW = 2,   /* n * sizeof(element) does not fit in size_t   */
    BCE_E_BAD_OPTION = 3,      /* unknown reduction/flag bit, pos_weight not
                                  0 or in [BCE_POS_WEIGHT_MIN, _MAX],
                                  smoothing outside [0,1], log clamp asked
                                  of the logits form                       */
    BCE_E_NAN_LOGIT = 4,       /* z[i] is NaN (and BCE_OPT_PROPAGATE_NAN unset) */
    BCE_E_NAN_PROB = 5,        /* p[i] is NaN (and BCE_OPT_PROPAGATE_NAN unset) */
    BCE_E_PROB_RANGE = 6,      /* p[i] outside [0,1]                           */
    BCE_E_NAN_LABEL = 7,       /* y[i] is NaN                                  */
    BCE_E_LABEL_RANGE = 8,     /* y[i] outside [0,1]                           */
    BCE_E_NAN_WEIGHT = 9,      /* w[i] is NaN                                  */
    BCE_E_WEIGHT_RANGE = 10,   /* w[i] not 0 nor in [BCE_WEIGHT_MIN, _MAX]     */
    BCE_E_EMPTY_MEAN = 11,     /* BCE_REDUCTION_MEAN with n == 0               */
    BCE_E_ZERO_WEIGHT_SUM = 12,/* BCE_REDUCTION_WEIGHTED_MEAN with sum w == 0  */
    BCE_E_UNKNOWN_ISA = 13,    /* bce_set_isa: name not recognised             */
    BCE_E_ISA_UNAVAILABLE = 14,/* bce_set_isa: this CPU/OS cannot run that ISA */
    BCE_E_BAD_PROBLEM = 15,    /* logistic regression: ldx < k, l2 not finite
                                  >= 0, or no parameter (k == 0, no intercept) */
    BCE_E_NONFINITE_FEATURE = 16,/* x[i*ldx + j] is NaN or infinite; the index
                                  reported is that offset i*ldx + j          */
    BCE_E_NONFINITE_PARAM = 17,/* w[j] (or v[j]) is NaN or infinite          */
    BCE_E_OUT_OF_MEMORY = 18   /* logistic regression: scratch allocation failed */
} bce_status;

#define BCE_STATUS_COUNT 19

/* Reductions.  loss points to n values for NONE, to 1 value otherwise. */
typedef enum bce_reduction {
    BCE_REDUCTION_NONE = 0,          /* loss[i] = L_i                       */
    BCE_REDUCTION_SUM = 1,           /* sum_i L_i                           */
    BCE_REDUCTION_MEAN = 2,          /* sum_i L_i / n        (PyTorch)      */
    BCE_REDUCTION_WEIGHTED_MEAN = 3  /* sum_i L_i / sum_i w_i (scikit-learn) */
} bce_reduction;

/* Flag bits of bce_options.flags. */
#define BCE_OPT_POS_WEIGHT    0x1u /* use opt->pos_weight (else P = 1)          */
#define BCE_OPT_LOG_CLAMP     0x2u /* probability form only: clamp each log at
                                      -100 like PyTorch's BCELoss; the gradient
                                      is the derivative of the clamped loss   */
#define BCE_OPT_PROPAGATE_NAN 0x4u /* NaN z (or p) gives NaN loss/gradient
                                      instead of BCE_E_NAN_LOGIT/BCE_E_NAN_PROB */
#define BCE_OPT_FAST_ACCUM    0x8u /* fused logistic regression only: plain
                                      fma accumulation (blocked) and, for
                                      plain labels, rows in plain doubles
                                      (relative error <= 2^-48): a weaker
                                      bound (docs/ACCURACY.md) for speed; the
                                      per-sample entry points reject it     */
#define BCE_OPT_ALL_FLAGS     0xfu

/* pos_weight accepted: 0 or [2^-64, 2^64].  Beyond, the label coefficient
 * P y' leaves the range the kernels' exact products (and their scaled
 * frame for tiny coefficients) are proven for. */
#define BCE_POS_WEIGHT_MIN    0x1p-64
#define BCE_POS_WEIGHT_MAX    0x1p64

/* Sample weights accepted: 0 or in [2^-64, 2^64].  Beyond, a weighted term
 * can leave the range the kernels' frames are proven for (fuzzing found
 * wrong results with weights near 2^-1074 or 2^1000); BCE_E_WEIGHT_RANGE. */
#define BCE_WEIGHT_MIN        0x1p-64
#define BCE_WEIGHT_MAX        0x1p64

/* label_smoothing accepted: 0 or [2^-64, 1].  Below, a/2 would underflow
 * (a subnormal a changes no label by more than 2^-1075 anyway). */
#define BCE_SMOOTHING_MIN     0x1p-64

#define BCE_NO_INDEX ((size_t)-1)

/* Options: a zero-initialised struct (or a NULL pointer) means the defaults:
 * no reduction, P = 1, no smoothing, no clamp, NaN logits are an error. */
typedef struct bce_options {
    bce_reduction reduction;
    unsigned flags;            /* BCE_OPT_* bits                              */
    double pos_weight;         /* P: 0 or in [BCE_POS_WEIGHT_MIN, _MAX]; used iff BCE_OPT_POS_WEIGHT */
    double label_smoothing;    /* a: 0 (none) or in [BCE_SMOOTHING_MIN, 1]    */
    size_t *error_index;       /* optional: receives the first offending index */
    /* Threads (opt-in; appended in 0.1's first reserved slot, so the
     * struct's size and the other fields' offsets are unchanged): 0 or 1
     * = the calling thread only (the default); N in [2, BCE_THREADS_MAX] =
     * up to N POSIX threads (the calling one and N - 1 started for the
     * call and joined before it returns) for the per-sample entry points
     * of f64 and f32 (bce_logits_f64 ... bce_probs_f32) and the fused
     * regression; above BCE_THREADS_MAX is
     * BCE_E_BAD_OPTION.  Every result is bit for bit the one-thread
     * result, whatever N and the timing: the samples are cut into fixed
     * blocks of BCE_THREADS_BLOCK, each thread takes a fixed contiguous
     * range of blocks, and a reduction sums each block's terms in index
     * order and then the blocks' sums in block order (one thread does the
     * same).  Threads are started only when n >= 2 BCE_THREADS_MIN_N, at
     * most n / BCE_THREADS_MIN_N of them (below that, starting a thread
     * costs more than it saves); a thread that cannot be started leaves
     * its range to the calling thread.  Validation and its errors are
     * unchanged (the first offending index; nothing written on error):
     * the scan runs before any output is written, split across the
     * threads (with weights or a mean, block by block, the blocks' sums
     * combined in block order).  The fused regression (bce_logreg_*,
     * bce_logreg_hvp_*) splits its rows the same way: superblocks of
     * 16384 rows, their sums added in superblock order, so its results
     * are also those of one thread.  The 16-bit entry points (bce_*_bf16,
     * bce_*_f16) accept the field and run on the calling thread.
     * docs/PERFORMANCE.md: when it pays. */
    uint64_t threads;
    /* Reserved for future options (an output type, ...), appended here so
     * that the struct's layout and size stay stable for callers and
     * plug-ins compiled against this header.  Must be zero: any nonzero
     * element is BCE_E_BAD_OPTION.  A zero-initialised struct
     * (`bce_options o = {0}`, or designated initialisers naming only the
     * fields above) leaves them zero and keeps meaning the defaults; use
     * designated initialisers (a positional one draws -Wextra's
     * missing-field-initializers).  ABI rule: a new option consumes the
     * first reserved slot (the array shrinks by as many slots); the
     * struct's size never changes within a major version. */
    uint64_t reserved[5];
} bce_options;

/* bce_options.threads: the largest count accepted, the block of the fixed
 * partition (elements), and the fewest elements per thread started. */
#define BCE_THREADS_MAX       256
#define BCE_THREADS_BLOCK     16384
#define BCE_THREADS_MIN_N     65536

/*
 * Per-sample BCE from logits.
 *   n      number of samples (0 allowed, except with MEAN)
 *   z, y   logits and labels, n each (may be NULL only when n == 0)
 *   w      per-sample weights, n values, each 0 or in [BCE_WEIGHT_MIN,
 *          BCE_WEIGHT_MAX] = [2^-64, 2^64], or NULL for all ones
 *   opt    options or NULL for defaults
 *   loss   n values (NONE) or 1 value (reductions), or NULL if not wanted
 *   dz     n values: d(reduced loss)/dz_i, or NULL if not wanted
 * z = +-inf is valid (exact limits).  Outputs may not alias inputs partially;
 * dz == z (in place) is allowed.
 */
BCE_API bce_status bce_logits_f64(size_t n, const double *z, const double *y,
                                  const double *w, const bce_options *opt,
                                  double *loss, double *dz);
BCE_API bce_status bce_logits_f32(size_t n, const float *z, const float *y,
                                  const float *w, const bce_options *opt,
                                  float *loss, float *dz);

/*
 * Per-sample BCE from probabilities p in [0,1].  p = 0 or 1 give the exact
 * limits (loss +inf or 0, gradient +-inf or finite) unless BCE_OPT_LOG_CLAMP.
 *   dp     n values: d(reduced loss)/dp_i, or NULL if not wanted
 */
BCE_API bce_status bce_probs_f64(size_t n, const double *p, const double *y,
                                 const double *w, const bce_options *opt,
                                 double *loss, double *dp);
BCE_API bce_status bce_probs_f32(size_t n, const float *p, const float *y,
                                 const float *w, const bce_options *opt,
                                 float *loss, float *dp);

/*
 * 16-bit inputs: bfloat16 (bf16) and IEEE binary16 (f16), each value stored
 * as its uint16_t bit pattern (z or p, y and w all in the 16-bit type).
 * Names: bce_<form>_<input type> has float outputs; bce_<form>_<input
 * type>_<output type> names its output type, here the input's own
 * (bce_logits_bf16_bf16: bf16 in, bf16 out).  A later output type would be
 * one more suffix; no void * anywhere.
 *   float outputs:  the exact loss and gradient of the 16-bit inputs,
 *                   rounded once to binary32 -- what a mixed-precision
 *                   (autocast) loss should return.  They are the f32
 *                   entry points' results for the inputs widened
 *                   (exactly) to float, with the f32 bounds of
 *                   docs/ACCURACY.md.
 *   16-bit outputs: the same exact values rounded once to the input's
 *                   type (never a float result rounded again) -- what a
 *                   bf16/f16 port should return.
 * Options, reductions, validation (statuses, first offending index,
 * nothing written on error), NaN and infinities: as bce_logits_f32 /
 * bce_probs_f32 (a 16-bit NaN is a NaN input; BCE_OPT_PROPAGATE_NAN
 * writes the type's quiet NaN 0x7fc0 / 0x7e00).  Reduced losses are
 * accumulated in double-double and rounded once to the output type.
 * Aliasing: a 16-bit output may be its input (dz == z); float outputs must
 * not overlap the inputs.
 * Memory and first call: the 16-bit outputs of calls without pos_weight,
 * smoothing, clamp or reduction read per-input tables of log1p(e^-|z|),
 * sigma(-|z|) (logits) or -log p, -log1p(-p) (probs), filled once per
 * process and (form, format) on the first such call, thread-safely
 * (pthread_once), by the f64 entry points: 768 KiB per logits format,
 * 384 KiB per probs format (2.3 MiB for all four, static, untouched until
 * used); the first call of a form and format costs about 1.9 ms (logits)
 * or 0.4 ms (probs) more (docs/PERFORMANCE.md, "16-bit inputs").
 */
BCE_API bce_status bce_logits_bf16(size_t n, const uint16_t *z, const uint16_t *y,
                                   const uint16_t *w, const bce_options *opt,
                                   float *loss, float *dz);
BCE_API bce_status bce_logits_f16(size_t n, const uint16_t *z, const uint16_t *y,
                                  const uint16_t *w, const bce_options *opt,
                                  float *loss, float *dz);
BCE_API bce_status bce_probs_bf16(size_t n, const uint16_t *p, const uint16_t *y,
                                  const uint16_t *w, const bce_options *opt,
                                  float *loss, float *dp);
BCE_API bce_status bce_probs_f16(size_t n, const uint16_t *p, const uint16_t *y,
                                 const uint16_t *w, const bce_options *opt,
                                 float *loss, float *dp);
BCE_API bce_status bce_logits_bf16_bf16(size_t n, const uint16_t *z, const uint16_t *y,
                                        const uint16_t *w, const bce_options *opt,
                                        uint16_t *loss, uint16_t *dz);
BCE_API bce_status bce_logits_f16_f16(size_t n, const uint16_t *z, const uint16_t *y,
                                      const uint16_t *w, const bce_options *opt,
                                      uint16_t *loss, uint16_t *dz);
BCE_API bce_status bce_probs_bf16_bf16(size_t n, const uint16_t *p, const uint16_t *y,
                                       const uint16_t *w, const bce_options *opt,
                                       uint16_t *loss, uint16_t *dp);
BCE_API bce_status bce_probs_f16_f16(size_t n, const uint16_t *p, const uint16_t *y,
                                     const uint16_t *w, const bce_options *opt,
                                     uint16_t *loss, uint16_t *dp);

/*
 * Fused logistic regression: loss, gradient and Hessian-vector product over a
 * whole data set, in one pass over X.
 *   z_i = w0 + x_i . w,  L_i = w_i (per-sample loss of bce_logits_*),
 *   loss = reduce_i L_i + l2/2 * sum_{j>=1} w_j^2   (the intercept w0 is not
 *   penalised), grad = d loss / d[w0, w1 .. wk],
 *   Hv   = X~^T diag(s_i N_i sigma_i (1-sigma_i)) X~ v / norm + l2 v' where
 *   X~ has the column of ones when fit_intercept, N_i = P y'_i + 1 - y'_i
 *   (1 without pos_weight), v' is v with its intercept entry set to 0, and
 *   norm is 1 (SUM), n (MEAN) or sum_i s_i (WEIGHTED_MEAN).
 * The parameter vector has m = k + (fit_intercept != 0) entries: [w0, w1..wk]
 * with the intercept first, or [w1..wk].  Options: as for bce_logits_*; the
 * reduction NONE (and opt == NULL) means SUM here (per-sample values are in
 * bce_logreg_*_samples); BCE_OPT_LOG_CLAMP is rejected; BCE_OPT_PROPAGATE_NAN
 * has no effect: x, w and v must be finite.
 * Dot products and sums use error-free transformations (docs/ACCURACY.md has
 * the a-priori bound).  Validation covers everything before any output is
 * written.  The f32 problem has float data and parameters, accumulates in
 * double-double and rounds each output once.
 */
typedef struct bce_logreg_f64_problem {
    size_t n;                 /* samples                                      */
    size_t k;                 /* features (without the intercept)             */
    const double *x;          /* row i is x[i*ldx .. i*ldx + k-1]             */
    size_t ldx;               /* row stride in elements, >= k                 */
    const double *y;          /* n labels in [0,1]                            */
    const double *sw;         /* n sample weights (0 or in [2^-64, 2^64]), or NULL */
    int fit_intercept;        /* nonzero: w[0] is the intercept               */
    double l2;                /* lambda >= 0, finite                          */
} bce_logreg_f64_problem;

typedef struct bce_logreg_f32_problem {
    size_t n, k;
    const float *x;
    size_t ldx;
    const float *y;
    const float *sw;
    int fit_intercept;
    double l2;
} bce_logreg_f32_problem;

/* Optional per-sample outputs (each n values, or NULL): z_i, L_i (weighted,
 * unreduced) and r_i = d(reduced data loss)/dz_i, as bce_logits_* returns
 * them for that z_i (computed from the unrounded z_i). */
typedef struct bce_logreg_f64_samples { double *z, *loss, *r; } bce_logreg_f64_samples;
typedef struct bce_logreg_f32_samples { float *z, *loss, *r; } bce_logreg_f32_samples;

/* loss: 1 value or NULL; grad: m values or NULL; samples: NULL or as above. */
BCE_API bce_status bce_logreg_f64(const bce_logreg_f64_problem *pb,
                                  const double *w, const bce_options *opt,
                                  double *loss, double *grad,
                                  const bce_logreg_f64_samples *samples);
BCE_API bce_status bce_logreg_f32(const bce_logreg_f32_problem *pb,
                                  const float *w, const bce_options *opt,
                                  float *loss, float *grad,
                                  const bce_logreg_f32_samples *samples);
/* hv: m values, the Hessian of loss at w times v (m values). */
BCE_API bce_status bce_logreg_hvp_f64(const bce_logreg_f64_problem *pb,
                                      const double *w, const double *v,
                                      const bce_options *opt, double *hv);
BCE_API bce_status bce_logreg_hvp_f32(const bce_logreg_f32_problem *pb,
                                      const float *w, const float *v,
                                      const bce_options *opt, float *hv);

/* Text for a status code (never NULL; "unknown status" for foreign values). */
BCE_API const char *bce_strerror(bce_status s);
/* Short symbolic name of a status code, e.g. "BCE_E_NAN_LABEL". */
BCE_API const char *bce_status_name(bce_status s);

/*
 * Instruction set selection.  libbce knows the ISAs bce_isa_name(0) ..
 * bce_isa_name(bce_isa_count() - 1), from the baseline to the best:
 * "scalar" (every target), "sse4.1", "avx2" and "avx512" (x86-64), "neon"
 * (AArch64).
 * The kernel table is chosen once, at first use, from the BCE_ISA
 * environment variable if it names a runnable ISA, else the best runnable
 * one (CPUID/XGETBV on x86-64).  bce_set_isa(name or "auto") changes it;
 * a name libbce does not know is BCE_E_UNKNOWN_ISA, one this build or CPU
 * cannot run BCE_E_ISA_UNAVAILABLE, and either changes nothing.  Every ISA
 * gives the same bits; an ISA without its own kernel for some entry point
 * runs there the kernel of the best ISA before it that has one.
 *
 * Threads.  Every function of this header may be called from any number of
 * threads at once, bce_set_isa included.  The only state libbce shares
 * between calls is the kernel table pointer, a C11 atomic: the first calls
 * of several threads choose it once (thread-safe, whichever thread comes
 * first), and bce_set_isa replaces it with one atomic store.  An entry point
 * reads the table once and uses it for its whole call, so a call running
 * concurrently with bce_set_isa uses either the old or the new ISA; every
 * ISA gives the same bits, so its results do not depend on which.  A
 * bce_active_isa() racing with bce_set_isa returns either name.  A
 * bce_set_isa that returns before another thread's first call is never
 * overridden by that call's lazy choice.  What the caller must provide: no
 * thread writes the inputs, outputs or options of a call while it runs
 * (distinct calls may share read-only inputs), and the environment (BCE_ISA)
 * is not modified while the first call reads it (getenv).
 */
BCE_API bce_status bce_set_isa(const char *name);
BCE_API const char *bce_active_isa(void);
/* Is this ISA compiled in and runnable here?  (name as for bce_set_isa) */
BCE_API int bce_isa_available(const char *name);
/* Is this ISA compiled into this library, runnable on this CPU or not?
 * (0 for a name libbce does not know; "auto" is 1) */
BCE_API int bce_isa_compiled(const char *name);
/* How many ISAs libbce knows (runnable here or not), and the name of the
 * i-th (NULL for i >= bce_isa_count()): iterate these to test every ISA. */
BCE_API size_t bce_isa_count(void);
BCE_API const char *bce_isa_name(size_t i);

BCE_API const char *bce_version(void);

#ifdef __cplusplus
}
#endif
#endif /* BCE_H */

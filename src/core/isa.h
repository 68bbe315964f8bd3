/* core/isa.h -- the kernel table: one set of loop kernels per ISA. */
#ifndef BCE_KERNELS_H
#define BCE_KERNELS_H

#include "core/internal.h"

typedef void (*bce_kern_f64)(size_t n, const double *x, const double *y,
                             const double *w, const bce_kparams *kp,
                             double *loss, double *grad, bce_acc *acc);
typedef void (*bce_kern_f32)(size_t n, const float *x, const float *y,
                             const float *w, const bce_kparams *kp,
                             float *loss, float *grad, bce_acc *acc);
/* Exact widening of n 16-bit values (bf16 or f16 bits) to binary32: the
 * front of the bf16/f16 entry points (core/lowp.c). */
typedef void (*bce_cvt16)(size_t n, const uint16_t *h, float *f);
/* The bf16/f16 table path on one chunk (level1/lowp16_tmpl.h, L16FN(chunk)):
 * plain calls, reduction NONE; returns how many elements it left to the
 * per-sample path (redo[j] = 1). */
typedef size_t (*bce_lowp16)(size_t m, const uint16_t *xb, const float *xf,
                             const float *yf, const float *wf, int fmt, int logits,
                             const double (*T)[2], const float (*Tf)[2], float *lf,
                             float *gf, uint16_t *lh, uint16_t *gh, unsigned char *redo);

struct bce_lr_row;

/* Feature loops of the fused logistic regression (src/logreg/logreg_rows_tmpl.h). */
typedef void (*bce_lr_dots_f64)(const double *x, size_t ldx, size_t k,
                                const double *w, const double *v, double w0,
                                double v0, size_t i0,
                                size_t nb, double *zh, double *zl, double *th,
                                double *tl);
typedef void (*bce_lr_dots_f32)(const float *x, size_t ldx, size_t k,
                                const double *w, const double *v, double w0,
                                double v0, size_t i0,
                                size_t nb, double *zh, double *zl, double *th,
                                double *tl);
typedef void (*bce_lr_accum_f64)(const double *x, size_t ldx, size_t k, size_t i0,
                                 size_t nb, size_t npf, const double *rh, const double *rl,
                                 double *S, double *Q);
typedef void (*bce_lr_accum_f32)(const float *x, size_t ldx, size_t k, size_t i0,
                                 size_t nb, size_t npf, const double *rh, const double *rl,
                                 double *S, double *Q);

/* The fused regression's kernels of one ISA (src/logreg/logreg.h). */
typedef struct bce_lr_kernels {
    bce_lr_dots_f64 dots_f64;
    bce_lr_accum_f64 accum_f64;
    bce_lr_dots_f32 dots_f32;
    bce_lr_accum_f32 accum_f32;
    /* the same for BCE_OPT_FAST_ACCUM */
    bce_lr_dots_f64 dots_fast_f64;
    bce_lr_accum_f64 accum_fast_f64;
    bce_lr_dots_f32 dots_fast_f32;
    bce_lr_accum_f32 accum_fast_f32;
    /* rows of a block */
    void (*block)(size_t nb, const double *zh, const double *zl,
                  const double *y, const bce_kparams *kp, int want_loss,
                  int want_h, struct bce_lr_row *out);
    /* BCE_OPT_FAST_ACCUM's rows of a block, plain labels */
    int (*rows_fast)(size_t nb, const double *zh, const double *th,
                     const double *y, const double *sw, int want_loss,
                     double *rh, double *lrow, double *sums);
} bce_lr_kernels;

/*
 * One entry of the ISA registry (src/core/isa.c): the only list of ISAs in
 * libbce.  Tools, verify, bench, fuzz and tests iterate it through
 * bce_isa_count() / bce_isa_name(i).
 *   runnable   NULL when this library was built without the ISA (another
 *              target, or a compiler without its flags); else "can this CPU
 *              and OS run it?"
 *   kernels    NULL where the ISA has no kernel of its own: that entry
 *              point runs the kernel of the best ISA before it in the
 *              registry that has one (scalar has them all).
 */
typedef struct bce_isa {
    const char *name;              /* as for bce_set_isa and BCE_ISA */
    const char *target;            /* the machines it exists on */
    int (*runnable)(void);
    bce_kern_f64 logits_f64, probs_f64;
    bce_kern_f32 logits_f32, probs_f32;
    const bce_lr_kernels *logreg;
    bce_cvt16 cvt_bf16, cvt_f16;   /* 16-bit inputs to binary32 */
    bce_lowp16 lowp16;             /* the 16-bit inputs' table path */
} bce_isa;

/* The kernels an entry point runs: the active ISA's, each missing one
 * filled from the ISAs before it (src/core/isa.c). */
typedef struct bce_kernels {
    const char *name;              /* the ISA's name */
    bce_kern_f64 logits_f64, probs_f64;
    bce_kern_f32 logits_f32, probs_f32;
    bce_lr_kernels lr;
    bce_cvt16 cvt_bf16, cvt_f16;
    bce_lowp16 lowp16;
} bce_kernels;

/* The fused regression's kernels of each ISA that has its own
 * (src/isa/<isa>/logreg_rows.c: the feature loops; the rows of a block:
 * src/logreg/logreg_level1.c, src/isa/x86_{avx2,avx512}/logreg_l1.c; contracts:
 * src/logreg/logreg.h). */
void bce_lr_block_scalar(size_t nb, const double *zh, const double *zl, const double *y,
    const bce_kparams *kp, int want_loss, int want_h, struct bce_lr_row *out);
int bce_lr_rows_fast_scalar(size_t nb, const double *zh, const double *th, const double *y,
    const double *sw, int want_loss, double *rh, double *lrow, double *sums);
extern const bce_lr_kernels bce_lr_kernels_scalar;
#if BCE_HAVE_AVX2 || BCE_HAVE_AVX512   /* (the avx512 row runs avx2's rows) */
void bce_lr_block_avx2(size_t nb, const double *zh, const double *zl, const double *y,
    const bce_kparams *kp, int want_loss, int want_h, struct bce_lr_row *out);
int bce_lr_rows_fast_avx2(size_t nb, const double *zh, const double *th, const double *y,
    const double *sw, int want_loss, double *rh, double *lrow, double *sums);
extern const bce_lr_kernels bce_lr_kernels_avx2;
#endif
#if BCE_HAVE_AVX512
int bce_lr_rows_fast_avx512(size_t nb, const double *zh, const double *th, const double *y,
    const double *sw, int want_loss, double *rh, double *lrow, double *sums);
extern const bce_lr_kernels bce_lr_kernels_avx512;
#endif

/* The table in use (core/isa.c): chosen once, on first use. */
const bce_kernels *bce_kernels_active(void);

/* Scalar kernels (src/isa/scalar/). */
void bce_cvt_bf16_scalar(size_t n, const uint16_t *h, float *f);
void bce_cvt_f16_scalar(size_t n, const uint16_t *h, float *f);
size_t bce_lowp16_scalar_chunk(size_t m, const uint16_t *xb, const float *xf,
    const float *yf, const float *wf, int fmt, int logits, const double (*T)[2],
    const float (*Tf)[2], float *lf, float *gf, uint16_t *lh, uint16_t *gh,
    unsigned char *redo);
void bce_logits_f64_scalar(size_t, const double *, const double *, const double *,
                           const bce_kparams *, double *, double *, bce_acc *);
void bce_probs_f64_scalar(size_t, const double *, const double *, const double *,
                          const bce_kparams *, double *, double *, bce_acc *);
void bce_logits_f32_scalar(size_t, const float *, const float *, const float *,
                           const bce_kparams *, float *, float *, bce_acc *);
void bce_probs_f32_scalar(size_t, const float *, const float *, const float *,
                          const bce_kparams *, float *, float *, bce_acc *);

/* the lanes of the validation scan's sums (core/api.c scan_elements) */
#define BCE_SCAN_LANES 16

#if BCE_HAVE_AVX2
/* Does this CPU run the AVX2 row (core/isa.c; cached)?  And the
 * validation chunk checks on 8 floats or 4 doubles at a time
 * (isa/x86_avx2/scan.c: nonzero iff one of the m is rejected). */
int bce_cpu_avx2(void);
int bce_scan_chunk_f32_avx2(const float *x, const float *y, size_t m, int probs, int prop);
int bce_scan_chunk_f64_avx2(const double *x, const double *y, size_t m, int probs, int prop);
int bce_scan_chunk_h16_avx2(const uint16_t *x, const uint16_t *y, size_t m, int probs,
                            uint16_t one, uint16_t inf);
/* the validation scan's sums with weights or means (core/api.c
 * scan_elements) on BCE_SCAN_LANES lanes, elements i0 .. i0 + nq - 1 (nq a
 * multiple of BCE_SCAN_LANES; f32 inputs when f32, else f64): acc[0..4][k]
 * the sums of lane k (weights' double-double hi, lo, smallest positive
 * weight, B, G); nonzero iff some element is rejected */
int bce_scan_sums_avx2(size_t i0, size_t nq, const void *x, const void *y, const void *w,
                       int f32, int probs, int prop, int bounds, double smooth, double pmin1,
                       double acc[5][BCE_SCAN_LANES]);
/* AVX2+FMA kernels (src/isa/x86_avx2/): 4 lanes.  (The row also needs
 * F16C: its 16-bit conversions, isa/x86_avx2/cvt16.c.) */
void bce_cvt_bf16_avx2(size_t n, const uint16_t *h, float *f);
void bce_cvt_f16_avx2(size_t n, const uint16_t *h, float *f);
size_t bce_lowp16_avx2_chunk(size_t m, const uint16_t *xb, const float *xf,
    const float *yf, const float *wf, int fmt, int logits, const double (*T)[2],
    const float (*Tf)[2], float *lf, float *gf, uint16_t *lh, uint16_t *gh,
    unsigned char *redo);
void bce_logits_f64_avx2(size_t, const double *, const double *, const double *,
                         const bce_kparams *, double *, double *, bce_acc *);
void bce_logits_f32_avx2(size_t, const float *, const float *, const float *,
                         const bce_kparams *, float *, float *, bce_acc *);
void bce_probs_f64_avx2(size_t, const double *, const double *, const double *,
                        const bce_kparams *, double *, double *, bce_acc *);
void bce_probs_f32_avx2(size_t, const float *, const float *, const float *,
                        const bce_kparams *, float *, float *, bce_acc *);
/* the registry's f64 kernels: the staged level 0 for kp->l0red calls
 * (isa/x86_avx2/logits_f64_l0red.c, probs_f64_l0red.c), else the two above */
void bce_logits_f64_avx2_l0red(size_t, const double *, const double *, const double *,
                               const bce_kparams *, double *, double *, bce_acc *);
void bce_probs_f64_avx2_l0red(size_t, const double *, const double *, const double *,
                              const bce_kparams *, double *, double *, bce_acc *);
/* the registry's f32 kernels: the float level 0's label variant for calls
 * with pos_weight or smoothing (isa/x86_avx2/logits_f32_lab.c,
 * probs_f32_lab.c), else the two above */
void bce_logits_f32_avx2_lab(size_t, const float *, const float *, const float *,
                             const bce_kparams *, float *, float *, bce_acc *);
void bce_probs_f32_avx2_lab(size_t, const float *, const float *, const float *,
                            const bce_kparams *, float *, float *, bce_acc *);
#endif
#if BCE_HAVE_AVX512
/* AVX-512 kernels (src/isa/x86_avx512/): 8 lanes, hardware FMA.  The row
 * needs AVX512F, VL, DQ, BW, FMA and F16C and the OS's ZMM and opmask
 * state (core/isa.c). */
void bce_logits_f64_avx512(size_t, const double *, const double *, const double *,
                           const bce_kparams *, double *, double *, bce_acc *);
void bce_probs_f64_avx512(size_t, const double *, const double *, const double *,
                          const bce_kparams *, double *, double *, bce_acc *);
void bce_logits_f64_avx512_l0red(size_t, const double *, const double *, const double *,
                                 const bce_kparams *, double *, double *, bce_acc *);
void bce_probs_f64_avx512_l0red(size_t, const double *, const double *, const double *,
                                const bce_kparams *, double *, double *, bce_acc *);
void bce_logits_f32_avx512(size_t, const float *, const float *, const float *,
                           const bce_kparams *, float *, float *, bce_acc *);
void bce_probs_f32_avx512(size_t, const float *, const float *, const float *,
                          const bce_kparams *, float *, float *, bce_acc *);
void bce_logits_f32_avx512_lab(size_t, const float *, const float *, const float *,
                               const bce_kparams *, float *, float *, bce_acc *);
void bce_probs_f32_avx512_lab(size_t, const float *, const float *, const float *,
                              const bce_kparams *, float *, float *, bce_acc *);
#endif
#if BCE_HAVE_SSE41
/* SSE4.1 kernels (src/isa/x86_sse41/): 2 lanes, Dekker products. */
void bce_logits_f64_sse41(size_t, const double *, const double *, const double *,
                          const bce_kparams *, double *, double *, bce_acc *);
void bce_logits_f32_sse41(size_t, const float *, const float *, const float *,
                          const bce_kparams *, float *, float *, bce_acc *);
void bce_probs_f64_sse41(size_t, const double *, const double *, const double *,
                         const bce_kparams *, double *, double *, bce_acc *);
void bce_probs_f32_sse41(size_t, const float *, const float *, const float *,
                         const bce_kparams *, float *, float *, bce_acc *);
#endif
#if BCE_HAVE_NEON
/* AArch64 AdvSIMD kernels (src/isa/arm_neon/): 2 lanes, hardware FMA. */
void bce_logits_f64_neon(size_t, const double *, const double *, const double *,
                         const bce_kparams *, double *, double *, bce_acc *);
void bce_logits_f32_neon(size_t, const float *, const float *, const float *,
                         const bce_kparams *, float *, float *, bce_acc *);
void bce_probs_f64_neon(size_t, const double *, const double *, const double *,
                        const bce_kparams *, double *, double *, bce_acc *);
void bce_probs_f32_neon(size_t, const float *, const float *, const float *,
                        const bce_kparams *, float *, float *, bce_acc *);
#endif

#endif

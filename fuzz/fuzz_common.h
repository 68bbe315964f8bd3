/*
 * fuzz_common.h -- what every libbce fuzz target shares: a byte reader,
 * decoders that turn bytes into inputs aimed at the numerical edges
 * (src/core/thresholds.h, saturation, exp limits, subnormals, +-0, +-inf, NaN,
 * labels a few ulps from sigma(z)), an independent model of the entry
 * points' validation, and the abort-with-a-message helper.
 *
 * Input layout of the elementwise targets (fuzz_elem.h): a few header bytes
 * (options, n, pointer offsets, invalid-input injection), then per element
 * a selector byte and payload for x, y and w.  A short input reads as zeros
 * past its end, so every byte string is a valid input.
 */
#ifndef BCE_FUZZ_COMMON_H
#define BCE_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include "bce.h"

/* Largest n the elementwise targets use: 0..67 covers every vector tail of
 * the 2- and 4-lane kernels several times over. */
#define FZ_NMAX 67

typedef struct fz_reader {
    const uint8_t *p;
    size_t left;
    unsigned mode;      /* FZ_MODE_*; 0 (fz_init): the original decoders */
} fz_reader;

/* Decoder generations.  The elementwise targets switch to FZ_MODE_V2 by
 * their header (fuzz_elem.h); api and logreg keep mode 0, so their corpora
 * and regress-* inputs decode exactly as before.  V2 adds what the original
 * decoders only hit by chance: option values at both ends of their
 * accepted ranges, raw label bits, and (fz_element_v2) elements built on
 * exact-cancellation points and binary32 midpoints. */
#define FZ_MODE_V2 1u

void fz_init(fz_reader *r, const uint8_t *data, size_t size);
uint8_t fz_u8(fz_reader *r);
uint16_t fz_u16(fz_reader *r);
uint32_t fz_u32(fz_reader *r);
uint64_t fz_u64(fz_reader *r);

/* Decoders.  `f32` selects float values (returned as doubles, exactly
 * representable in float) and float ulps for the nudges. */
double fz_logit(fz_reader *r, int f32, double prev);
double fz_prob(fz_reader *r, int f32);
double fz_label(fz_reader *r, int f32, double x, int logits);
double fz_weight(fz_reader *r, int f32);
double fz_smoothing(fz_reader *r, int f32);
/* V2: one element (x, y) built on purpose at a cancellation point or a
 * rounding midpoint, for the form (logits) and type (f32) with the options'
 * P = pos_weight (1 when unset) and smoothing a.  Returns 0 when the
 * selector byte asks for an ordinary element (decode x and y as usual),
 * 1 when *x, *y are set.  Constructions (docs: fuzz/README):
 *   probs:  P y' = p exactly, p = m 2^-k tiny (2^-1074 .. 2^-400, f32:
 *           2^-149 .. 2^-100) or any, y = p / P (exact when P is a power of
 *           two, else RN), y' inverted through the smoothing;
 *           y' = p / (P (1 - p) + p) (where the gradient is 0);
 *   logits: y = RN(sigma(z - ln P)) (where the gradient is 0, sigma in long
 *           double, exact to 2^-60), y' = that target through the
 *           smoothing; z ordinary, moderate or huge;
 *           f32 (and f64 with 54-bit products): (1 - y) z or y |z| exactly a
 *           midpoint of the output type with |z| > 104 (the loss), and
 *           1 - y (z > 0) or y (z < 0) a midpoint (the gradient), where the
 *           neglected e^-|z| term decides the rounding;
 *   all:    a nudge of a few ulps of the label afterwards, sometimes. */
int fz_element_v2(fz_reader *r, int f32, int logits, double P, double a,
                  double *x, double *y);

/* V2: a pos_weight (or weight) / smoothing at an end of its accepted range
 * (0, 2^-64 and the next values up, 2^64 and the next down, 1, 1 - 2^-53,
 * ...), or, 0 when the selector asks for it, the ordinary decoder. */
double fz_pos_weight_v2(fz_reader *r);
double fz_smoothing_v2(fz_reader *r);

/* An invalid (or borderline valid) value for array `which` (0 x, 1 y,
 * 2 w) of the given form: NaN, -0, negative, > 1, +-inf, ... */
double fz_invalid(fz_reader *r, int which, int logits, int f32);

/* x stepped by k ulps (of double, or of float when f32), saturating at
 * +-inf; NaN stays NaN. */
double fz_nudge(double x, int k, int f32);

/* Reference model of the validation documented in bce.h / core/api.c: the
 * status and the index an entry point must return for these inputs
 * (w may be NULL; x/y may be NULL).  esize: sizeof(element). */
bce_status fz_model_status(size_t n, const double *x, const double *y,
                           const double *w, const bce_options *opt,
                           int logits, int xnull, int ynull, size_t esize,
                           size_t *index);

/* Print a message (printf-style) and abort(): the fuzzer's finding. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2), noreturn))
#endif
void fz_fail(const char *fmt, ...);

/* Counts one accuracy check, decided by the fast filter (1) or by MPFR
 * (0); with FZ_STATS=1 in the environment the totals are printed at exit. */
void fz_stat(int decided);

/* Nonzero when the environment sets FZ_NO_DETOURS=1: the decoders and
 * checks then no longer steer around the known, unfixed defects (the
 * fuzz-known-* tests replay fuzz/known/ so, and expect failures). */
int fz_no_detours(void);

/* Room for the ISAs of fz_isas / fz_isa_plan: at least the library's
 * registry (bce_isa_count(); fz_isas aborts if it has more). */
#define FZ_MAX_ISA 16

/* The ISAs this build and CPU can run, in the registry's order ("scalar"
 * first; asked once per process: CPUID is slow on virtual machines). */
int fz_isas(const char **names, int max);

/* The same ISAs in the order one input should run them: the active ISA
 * first (the one the previous input left), then scalar, then the others.
 * Every input still runs every ISA; with three ISAs this costs one switch
 * to a vector ISA per input instead of two (bce_set_isa runs CPUID).  The
 * outputs of all of them must be the same bits, so comparing each with the
 * first is comparing each with scalar. */
int fz_isa_plan(const char **names, int max);

/* bce_set_isa(name) unless it is already the active ISA; aborts on error. */
void fz_use_isa(const char *name);

#endif

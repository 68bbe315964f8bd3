/*
 * fuzz_common.h -- what every libbce fuzz target shares: a byte reader,
 * decoders that turn bytes into inputs aimed at the numerical edges
 * (src/thresholds.h, saturation, exp limits, subnormals, +-0, +-inf, NaN,
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
} fz_reader;

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
/* An invalid (or borderline valid) value for array `which` (0 x, 1 y,
 * 2 w) of the given form: NaN, -0, negative, > 1, +-inf, ... */
double fz_invalid(fz_reader *r, int which, int logits, int f32);

/* x stepped by k ulps (of double, or of float when f32), saturating at
 * +-inf; NaN stays NaN. */
double fz_nudge(double x, int k, int f32);

/* Reference model of the validation documented in bce.h / api.c: the
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

/* Nonzero when the environment sets FZ_NO_DETOURS=1: the decoders and
 * checks then no longer steer around the known, unfixed defects (the
 * fuzz-known-* tests replay fuzz/known/ so, and expect failures). */
int fz_no_detours(void);

/* The ISAs this build and CPU can run, "scalar" first. */
int fz_isas(const char **names, int max);

#endif

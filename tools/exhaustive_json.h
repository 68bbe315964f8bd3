/*
 * exhaustive_json.h -- the statistics of `bce exhaustive` and their JSON
 * form (summary, checkpoint and input of `bce exhaustive-merge`).  The
 * writer puts every array element on one line; the reader reads exactly
 * that layout back and names the file and line of anything else.
 */
#ifndef BCE_TOOL_EXHAUSTIVE_JSON_H
#define BCE_TOOL_EXHAUSTIVE_JSON_H

#include <stdint.h>
#include <stdio.h>

/* The ISAs are the registry's (bce_isa_count / bce_isa_name): bit k of
 * ex_config.isas and the statistics' first index are row k.  EX_NISA is
 * the capacity; ex_isa_count() = min(bce_isa_count(), EX_NISA). */
#define EX_NISA 8
int ex_isa_count(void);
const char *ex_isa_name(int k);      /* "-" past the registry */
#define EX_ALL (UINT64_C(1) << 32)
#define EX_MAX_FAILURES 100
#define EX_MAX_RANGES 4096

typedef struct ex_config {
    unsigned forms;     /* bit 0 logits, bit 1 probs */
    unsigned labels;    /* bit 0 y = 0, bit 1 y = 1 */
    unsigned isas;      /* bit k: isa k (bce_isa_name(k)) */
    uint64_t lo, hi;    /* bit patterns [lo, hi) */
} ex_config;

typedef struct ex_cell {
    uint64_t checked, bad;
    double max_ulp;     /* estimated, within 2^-20 ulp (bcev_ulp32_approx);
                           capped at 0.5 for correctly rounded results */
    uint32_t worst;     /* input bits reaching max_ulp */
} ex_cell;

typedef struct ex_rcell {
    uint64_t checked, bad;
} ex_rcell;

typedef enum ex_kind {
    EX_MISROUNDED = 0,  /* result bits differ from the correct rounding   */
    EX_STATUS = 1,      /* valid inputs, status != BCE_OK                 */
    EX_REJECTION = 2,   /* rejected input: wrong status/index, or written */
    EX_NANPROP = 3      /* NaN input with the flag: non-NaN output        */
} ex_kind;

typedef struct ex_failure {
    int isa, form, label, output;
    ex_kind kind;
    uint32_t x;
    float got, want;
    double ulp;
    int status;
} ex_failure;

typedef struct ex_stats {
    ex_cell cell[EX_NISA][2][2][2];     /* isa, form, label, output */
    ex_rcell rej[EX_NISA][2][2][2];     /* isa, form, label, NaN | range */
    ex_rcell nanprop[EX_NISA][2][2];    /* isa, form, label */
    uint64_t inputs, mpfr_calls, failures_total;
    int nfail;
    ex_failure fail[EX_MAX_FAILURES];
} ex_stats;

typedef struct ex_summary {
    ex_config cfg;
    int nranges;
    uint64_t ranges[EX_MAX_RANGES][2];
    int complete;
    int resume_isa, resume_form;
    uint64_t resume_next;
    double wall_seconds, cpu_seconds;
    ex_stats stats;
} ex_summary;

void ex_stats_merge(ex_stats *into, const ex_stats *from);
/* Failures in (isa, form, input, label, output) order, first 100 kept. */
void ex_stats_sort_failures(ex_stats *s);
uint64_t ex_stats_outputs(const ex_stats *s);     /* results compared */
uint64_t ex_stats_misrounded(const ex_stats *s);
uint64_t ex_stats_bad(const ex_stats *s);         /* every kind of failure */
void ex_print_failures(FILE *out, const ex_stats *s);

void ex_json_write(FILE *f, const ex_summary *s);
/* Atomically (temporary file + rename); 0 or -1 with a message. */
int ex_json_write_file(const char *path, const ex_summary *s);
/* 0, or -1 with "bce exhaustive: FILE:LINE: ..." on stderr. */
int ex_json_read(FILE *f, const char *name, ex_summary *s);

#endif

/*
 * exhaustive_json.h -- the statistics of `bce exhaustive` and their JSON
 * form (summary, checkpoint and input of `bce exhaustive-merge`).  The
 * writer puts every array element on one line; the reader reads exactly
 * that layout back and names the file and line of anything else.
 *
 * ISAs: in memory, ISA k is the library's registry row k (bce_isa_name(k));
 * the statistics hold one entry per registry ISA (bce_isa_count()).  In the
 * JSON every ISA is named, never numbered, so a summary means the same to a
 * library whose registry differs (another target, a newer libbce).
 *
 * JSON format: schema 3 (the header every `bce` JSON shares, bcev_cli.h:
 * {"tool": "bce exhaustive", "libbce": V, "schema": 3, on the first line)
 * holds what format 2 ("format": 2, no schema) held: the ISA of the resume
 * point is named ("resume": {"isa": NAME, "form": NAME, "next": N} while a
 * run is partial, null once complete).  Both are read.  Format 1 (no
 * "format" key, before the registry) numbered it in a fixed ISA list: its
 * complete summaries are read (the resume point is not needed), its
 * partial checkpoints are refused with a message.
 */
#ifndef BCE_TOOL_EXHAUSTIVE_JSON_H
#define BCE_TOOL_EXHAUSTIVE_JSON_H

#include <stdint.h>
#include <stdio.h>

#include "tool.h"

#define EX_JSON_FORMAT 3     /* the schema written (format 2 read too) */
#define EX_MAX_ISA 64          /* registry rows a run can name (ex_config.isas) */
#define EX_ALL (UINT64_C(1) << 32)
#define EX_MAX_FAILURES 100
#define EX_MAX_RANGES 4096

typedef struct ex_config {
    unsigned forms;     /* bit 0 logits, bit 1 probs */
    unsigned labels;    /* bit 0 y = 0, bit 1 y = 1 */
    uint64_t isas;      /* bit k: registry ISA k (bce_isa_name(k)) */
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

/* The counts of one ISA. */
typedef struct ex_isa_stats {
    ex_cell cell[2][2][2];              /* form, label, output */
    ex_rcell rej[2][2][2];              /* form, label, NaN | range */
    ex_rcell nanprop[2][2];             /* form, label */
} ex_isa_stats;

typedef struct ex_stats {
    size_t nisa;                        /* bce_isa_count() */
    ex_isa_stats *isa;                  /* [nisa], registry order */
    uint64_t inputs, mpfr_calls, failures_total;
    int nfail;
    ex_failure fail[EX_MAX_FAILURES];
} ex_stats;

typedef struct ex_summary {
    ex_config cfg;
    int nranges;
    uint64_t ranges[EX_MAX_RANGES][2];
    int complete;
    int resume_isa, resume_form;    /* resume_isa == nisa: nothing left */
    uint64_t resume_next;
    double wall_seconds, cpu_seconds;
    ex_stats stats;
    bce_tool_shard shard;   /* written as "shard" (count 0: null); the
                               reader ignores it (a merge has none) */
} ex_summary;

/* Zeroed statistics with one entry per registry ISA: 0, or -1 with a
 * message (out of memory, or more ISAs than EX_MAX_ISA). */
int ex_stats_init(ex_stats *s);
void ex_stats_free(ex_stats *s);
void ex_stats_clear(ex_stats *s);                        /* zero, keep storage */
void ex_stats_copy(ex_stats *into, const ex_stats *from); /* both initialised */
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
/* 0, or -1 with "bce exhaustive: FILE:LINE: ..." on stderr.  Initialises
 * s->stats (ex_stats_init) in either case: free it with ex_stats_free. */
int ex_json_read(FILE *f, const char *name, ex_summary *s);

#endif

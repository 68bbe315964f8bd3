/*
 * bcev_cli.h -- the output discipline every `bce` subcommand shares
 * (cli.c, part of libbce-verify so that `bce verify`, which lives here, and
 * the tool's other subcommands in tools/ use the one copy).  Not installed,
 * not part of the API: only the `bce` tool and `bce verify` call it.
 *
 * JSON (docs/CONVENTIONS: `--json FILE`, '-' = standard output): every file
 * opens with the same header
 *     {"tool": "bce CMD", "libbce": "VERSION", "schema": N,
 * then the command's own keys.  Floating-point values are written twice:
 * "KEY": "C99 hex float" (exact; "inf", "-inf", "nan" spelled so) and
 * "KEY_dec": the decimal number (%.17g, f32 values %.9g: both read back to
 * the same value; non-finite values as the strings "inf", "-inf", "nan",
 * which JSON numbers cannot hold).  Counts and ulp errors are numbers.
 *
 * Progress on standard error: a bar rewritten in place (\r) at most 5 times
 * a second when standard error is a terminal; otherwise a plain line at the
 * first update and then every BCEV_PROGRESS_PERIOD seconds:
 *     bce verify: 3/12 cells, 25.0%, 41 s, ETA 0:02:03 (logits_f64 hard)
 */
#ifndef BCEV_CLI_H
#define BCEV_CLI_H

#include <stdint.h>
#include <stdio.h>

#define BCEV_PROGRESS_PERIOD 5.0   /* seconds between plain lines */

/* Open the --json FILE of `bce CMD` ("-": standard output).  NULL with
 * "bce CMD: FILE: cannot create: REASON" on standard error. */
FILE *bcev_json_open(const char *cmd, const char *path);
/* The FILE after `--json` (or `--csv` ...: opt) of `bce CMD`: next, when it
 * is "-" or does not start with '-'; else NULL with the usage error
 * "bce CMD: --json needs a FILE ... (--json - for standard output)".  The
 * bare `--json` of older releases (JSON on standard output) is gone. */
const char *bcev_json_arg(const char *cmd, const char *opt, const char *next);
/* Close it (standard output: flush only).  0, or -1 with
 * "bce CMD: FILE: write error: REASON". */
int bcev_json_close(const char *cmd, const char *path, FILE *f);
/* {"tool": "bce CMD", "libbce": "VERSION", "schema": N,<newline> */
void bcev_json_header(FILE *f, const char *cmd, int schema);
/* A JSON string: quotes, \" \\ \n \r \t, \u00XX for other control bytes,
 * well-formed UTF-8 as it is, any other byte as \u00XX. */
void bcev_json_str(FILE *f, const char *s);
/* A number: %.17g; non-finite as the string "inf", "-inf" or "nan". */
void bcev_json_num(FILE *f, double v);
/* "KEY": "HEX", "KEY_dec": DEC (f32: DEC is %.9g). */
void bcev_json_value(FILE *f, const char *key, double v, int f32);
/* n of them separated by ", ": "K0": .., "K0_dec": .., "K1": ... */
void bcev_json_values(FILE *f, int f32, int n, const char *const *keys, const double *v);
/* The hex float text of v ("%a"; "inf", "-inf", "nan"), and the decimal
 * text (%.17g / %.9g; the same spellings), into buf. */
const char *bcev_fmt_hex(char *buf, size_t n, double v);
const char *bcev_fmt_dec(char *buf, size_t n, double v, int f32);

/* Progress (one per run; single-threaded callers). */
typedef struct bcev_progress {
    const char *cmd;            /* "bce verify" */
    const char *unit;           /* "cells", "inputs", ... */
    int on, tty, drawn;         /* drawn: a bar is on the line */
    double t0, last;
} bcev_progress;

double bcev_now(void);          /* monotonic seconds */
/* on == 0: silent (--quiet).  tty: isatty(2). */
void bcev_progress_start(bcev_progress *p, const char *cmd, const char *unit, int on);
/* done of total units; frac in [0,1] (negative: done / total); extra: a
 * short note or NULL.  Rate-limited; the first call always prints. */
void bcev_progress_update(bcev_progress *p, uint64_t done, uint64_t total, double frac,
                          const char *extra);
/* The last state, always printed, and the bar's line ended. */
void bcev_progress_end(bcev_progress *p, uint64_t done, uint64_t total, double frac,
                       const char *extra);

#endif

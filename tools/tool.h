/*
 * tool.h -- internals of the `bce` command-line tool (tools/).
 *
 * Exit statuses shared by every subcommand:
 *   0  success
 *   1  verification failure (`bce verify`: a bound was exceeded)
 *   2  usage, input or I/O error
 */
#ifndef BCE_TOOL_H
#define BCE_TOOL_H

#define BCE_EXIT_OK 0
#define BCE_EXIT_FAIL 1
#define BCE_EXIT_USAGE 2

/* `bce eval ...`; argv[0] == "eval".  Returns the exit status. */
int bce_tool_eval(int argc, char **argv);
/* The help text of `bce eval`. */
const char *bce_tool_eval_help(void);

/* `bce gradcheck ...` (gradcheck.c); argv[0] == "gradcheck". */
int bce_tool_gradcheck(int argc, char **argv);
const char *bce_tool_gradcheck_help(void);

/* The library's ISA names, "scalar, ..." in registry order
 * (bce_isa_name; isa_list.c), and a help text with every "@ISAS@" replaced
 * by that list.  Never NULL. */
const char *bce_tool_isa_list(void);
const char *bce_tool_help(const char *tmpl);

/* Parse a whole string as a double (strtod: decimal or C99 hex, inf, nan).
 * Returns 0 on success, -1 if it is not exactly one number or overflows. */
int bce_tool_parse_double(const char *s, double *out);

/* The same, read as the type's value: strtof when f32 (a decimal names the
 * float it reads back to, no double rounding), else strtod. */
int bce_tool_parse_number(const char *s, int f32, double *out);

/*
 * Types (lowp.c): --type f64|f32|bf16|f16 and --out-type (f32 or the input's
 * own type for bf16/f16; the input's type for f64/f32).  16-bit values are
 * read as double and must be exactly representable in the type (else an
 * input error naming the line), and written as the hex float of the value.
 */
enum { BCE_TOOL_F64 = 0, BCE_TOOL_F32 = 1, BCE_TOOL_BF16 = 2, BCE_TOOL_F16 = 3 };
int bce_tool_type_from_name(const char *v);          /* -1: not a type */
const char *bce_tool_type_name(int t);
int bce_tool_out_type_ok(int type, int out);
/* 1 when v (a double) is a value of the 16-bit type t (NaN, +-inf included) */
int bce_tool_is16_exact(int t, double v);
/* parse s as a double: 0, -1 not a number, -2 not exactly a value of t */
int bce_tool_read16(const char *s, int t, double *out);
#include "bce.h"
#include <stddef.h>
/* One call of bce_<form>_<t> (out == BCE_TOOL_F32) or bce_<form>_<t>_<t>
 * on double-held 16-bit values; outputs widened to double (loss: n values,
 * or one under a reduction). */
/* The correctly rounded loss and gradient of one 16-bit sample in out_type
 * (MPFR at 256 bits rounded to odd, then rounded ONCE: bcev_round16 or
 * bcev_round_to(BCEV_F32); an exact zero is +0), default options; the
 * exact values in L, G (initialised by the caller, 256 bits). */
#include <mpfr.h>
void bce_tool_ref16(int form, int t, int out_type, double x, double y, double out[2],
                    mpfr_t L, mpfr_t G);
/* Both correct roundings of one sample (16-bit in r16, binary32 in r32),
 * default options: the any-label filter, MPFR where it cannot decide (the
 * result does not depend on how much the filter decides). */
void bce_tool_cr_both(int form, int t, double x, double y, double r16[2], double r32[2]);
/* |got - exact| in ulps of out_type (f32, or the 16-bit type t) at the
 * exact value's binade (subnormal ulp below the normal range) */
double bce_tool_ulp16(int t, int out_type, double got, const mpfr_t exact);
/* RN-even of a double to the 16-bit type t (overflow to inf): the second
 * rounding of a double-rounding port, for self-tests and the midpoint rows */
double bce_tool_rn16(int t, double v);
/* `bce vectors --type bf16|f16` (vectors16.c) */
int bce_tool_vectors16(int t, const char *dir, const char *json);
bce_status bce_tool_call16(int probs, int t, int out, size_t n, const double *x,
                           const double *y, const double *w, const bce_options *opt,
                           double *loss, double *grad);

/* The directory of the golden vectors `bce compare` looks names up in:
 * BCE_VECTORS_DIR (the install's share/libbce/vectors), or the source
 * tree's data/vectors when this bce runs from its build tree (compare.c). */
const char *bce_tool_vectors_dir(void);

/* `bce exhaustive`, `bce exhaustive-merge` (exhaustive.c), `bce vectors`
 * (vectors.c), `bce compare` (compare.c); argv[0] is the command name. */
int bce_tool_exhaustive(int argc, char **argv);
int bce_tool_exhaustive_merge(int argc, char **argv);
const char *bce_tool_exhaustive_help(void);
const char *bce_tool_exhaustive_merge_help(void);
/* `bce exhaustive --type bf16|f16` (exhaustive16.c) */
int bce_tool_exhaustive16(int argc, char **argv);
const char *bce_tool_exhaustive16_help(void);
/* `bce exhaustive-merge` of schema-4 summaries (exhaustive16.c) */
int bce_tool_exhaustive16_is_summary(const char *path);
int bce_tool_exhaustive16_merge(const char *json, int n, char **files);
int bce_tool_vectors(int argc, char **argv);
const char *bce_tool_vectors_help(void);
int bce_tool_compare(int argc, char **argv);
const char *bce_tool_compare_help(void);

/*
 * Messages (msg.c).  Every message names its input: a path as given, or
 * BCE_TOOL_STDIN_NAME for standard input ("-" or no file); an I/O error
 * adds strerror(errno).  Text taken from the user (input lines, tokens,
 * column names, paths, arguments) is echoed through bce_tool_esc: printable
 * ASCII and well-formed printable UTF-8 as they are, a backslash doubled,
 * tab/newline/return as \t \n \r, every other byte as \xNN; at most max
 * input bytes, then "...".  The result lives in a rotating thread-local
 * buffer (8 per thread): use it within the message that needs it.
 */
#include <stddef.h>
/*
 * Sharding (shard.c; CONVENTIONS.md): `--shard I/N` (arg, or NULL when not
 * given), else GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS, else Slurm's
 * SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT.
 * count == 0: no shard.  from_env: taken from the environment (print it on
 * the first line and record it in the JSON).  Returns 0, or -1 with a
 * message in err.  bce_tool_shard_range: the I-th of N equal parts of
 * [lo, hi) (the whole range without a shard).
 */
#include <stdint.h>
typedef struct bce_tool_shard {
    int index, count, from_env;
    char source[64];    /* "--shard" or the environment variables' names */
} bce_tool_shard;
int bce_tool_shard_get(const char *arg, bce_tool_shard *sh, char *err,
                       size_t errsize);
void bce_tool_shard_range(const bce_tool_shard *sh, uint64_t lo, uint64_t hi,
                          uint64_t *slo, uint64_t *shi);

/* `bce check` (check.c). */
int bce_tool_check(int argc, char **argv);
const char *bce_tool_check_help(void);
/* `bce check --type bf16|f16` (check16.c) */
int bce_tool_check16(int argc, char **argv);
const char *bce_tool_check16_help(void);
/* The line-oriented JSON readers of `bce check --merge` (check.c): the
 * text after "KEY": in line (NULL if absent), and the number there (a
 * JSON number, or a quoted hex/decimal float, "inf", "-inf", "nan"). */
const char *bce_tool_jfield(const char *line, const char *key);
double bce_tool_jnum(const char *p);
/* `bce check --merge` of 16-bit summaries (schema 4; check16.c) */
int bce_tool_check16_merge(int nfiles, char **paths, const char *json, const char *junit);

#define BCE_TOOL_STDIN_NAME "<stdin>"
#define BCE_TOOL_ESC_TOKEN 40   /* bytes of a token or field echoed         */
#define BCE_TOOL_ESC_NAME 200   /* bytes of a path or argument echoed (max) */
#include <stddef.h>
const char *bce_tool_esc(const char *s, size_t max);
/* The same for n bytes that may include NUL bytes. */
const char *bce_tool_escn(const char *s, size_t n, size_t max);
/* The name of an input in messages: BCE_TOOL_STDIN_NAME for NULL or "-",
 * else the path escaped. */
const char *bce_tool_input_name(const char *path);
/* "bce CMD: NAME: WHAT: strerror(err)" on standard error (without the
 * reason when err == 0; "bce: ..." when CMD is ""); NAME already escaped
 * (bce_tool_input_name, bce_tool_esc). */
void bce_tool_io_error(const char *cmd, const char *name, const char *what, int err);

#endif

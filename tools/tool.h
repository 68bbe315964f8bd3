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

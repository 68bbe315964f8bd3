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

/* Parse a whole string as a double (strtod: decimal or C99 hex, inf, nan).
 * Returns 0 on success, -1 if it is not exactly one number or overflows. */
int bce_tool_parse_double(const char *s, double *out);

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

#endif

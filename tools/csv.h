/*
 * csv.h -- a small numeric CSV reader for the `bce` tool (csv.c).
 *
 * Format: the first non-blank line is a header of column names separated by
 * commas; every further non-blank line holds exactly that many numbers
 * (strtod: decimal or C99 hex floats; surrounding blanks allowed).  Names may
 * be wrapped in double quotes; numbers may not.  CRLF line ends are accepted.
 * Every value must be a finite number.  Errors name the line (1-based) and
 * the column (1-based, with its name).
 */
#ifndef BCE_TOOL_CSV_H
#define BCE_TOOL_CSV_H

#include <stddef.h>

typedef struct bce_csv {
    size_t ncol, nrow;
    char **names;        /* ncol column names                               */
    double *v;           /* nrow * ncol values, row-major                   */
    size_t *line;        /* nrow: the input line of each row                */
} bce_csv;

/* Read path ("-" = standard input).  Returns 0, or -1 with a message
 * ("FILE: line L, column C (NAME): ...") in err (size errlen). */
int bce_csv_read(const char *path, bce_csv *out, char *err, size_t errlen);
void bce_csv_free(bce_csv *c);
/* Index of the column called name, or -1. */
long bce_csv_column(const bce_csv *c, const char *name);

#endif

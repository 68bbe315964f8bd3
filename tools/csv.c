/*
 * csv.c -- numeric CSV reader of the `bce` tool (format: csv.h).
 */
#ifndef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L /* getline */
#endif
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "tool.h"

static void msg(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

static int blank(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return 0;
    return 1;
}

/* Split s at commas in place; fields[] gets up to max pointers. */
static size_t split(char *s, char **fields, size_t max)
{
    size_t n = 0;
    for (;;) {
        char *c = strchr(s, ',');
        if (n < max)
            fields[n] = s;
        n++;
        if (c == NULL)
            break;
        *c = '\0';
        s = c + 1;
    }
    return n;
}

static size_t count_fields(const char *s)
{
    size_t n = 1;
    for (; *s; s++)
        n += *s == ',';
    return n;
}

void bce_csv_free(bce_csv *c)
{
    if (c->names)
        for (size_t j = 0; j < c->ncol; j++)
            free(c->names[j]);
    free(c->names);
    free(c->v);
    free(c->line);
    memset(c, 0, sizeof *c);
}

long bce_csv_column(const bce_csv *c, const char *name)
{
    for (size_t j = 0; j < c->ncol; j++)
        if (strcmp(c->names[j], name) == 0)
            return (long)j;
    return -1;
}

int bce_csv_read(const char *path, bce_csv *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    int is_stdin = strcmp(path, "-") == 0;
    /* escaped once (a path may hold any byte); valid until this returns */
    char shown[4 * BCE_TOOL_ESC_NAME + 8];
    snprintf(shown, sizeof shown, "%s", bce_tool_input_name(path));
    FILE *f = is_stdin ? stdin : fopen(path, "r");
    if (f == NULL) {
        msg(err, errlen, "%s: cannot open: %s", shown, strerror(errno));
        return -1;
    }
    char *buf = NULL;
    size_t cap = 0, lineno = 0, rcap = 0;
    char **fields = NULL;
    int status = -1;
    ssize_t len;
    errno = 0;
    while ((len = getline(&buf, &cap, f)) >= 0) {
        lineno++;
        if (strlen(buf) != (size_t)len) {
            msg(err, errlen, "%s: line %zu: NUL byte in the line", shown, lineno);
            goto done;
        }
        while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
            buf[--len] = '\0';
        if (blank(buf))
            continue;
        if (out->names == NULL) {                    /* the header */
            out->ncol = count_fields(buf);
            out->names = calloc(out->ncol, sizeof *out->names);
            fields = calloc(out->ncol, sizeof *fields);
            if (out->names == NULL || fields == NULL) {
                msg(err, errlen, "%s: out of memory", shown);
                goto done;
            }
            split(buf, fields, out->ncol);
            for (size_t j = 0; j < out->ncol; j++) {
                char *s = trim(fields[j]);
                size_t n = strlen(s);
                if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
                    s[n - 1] = '\0';
                    s++;
                }
                if (*s == '\0') {
                    msg(err, errlen, "%s: line %zu, column %zu: empty column name "
                        "in the header", shown, lineno, j + 1);
                    goto done;
                }
                out->names[j] = strdup(s);
                if (out->names[j] == NULL) {
                    msg(err, errlen, "%s: out of memory", shown);
                    goto done;
                }
                for (size_t l = 0; l < j; l++)
                    if (strcmp(out->names[l], out->names[j]) == 0) {
                        msg(err, errlen, "%s: line %zu, column %zu: duplicate "
                            "column name '%s'", shown, lineno, j + 1,
                            bce_tool_esc(s, BCE_TOOL_ESC_TOKEN));
                        goto done;
                    }
            }
            continue;
        }
        size_t nf = count_fields(buf);
        if (nf != out->ncol) {
            msg(err, errlen, "%s: line %zu: %zu fields, expected %zu (as in "
                "the header)", shown, lineno, nf, out->ncol);
            goto done;
        }
        if (out->nrow == rcap) {
            size_t nc = rcap ? 2 * rcap : 1024;
            double *nv = realloc(out->v, nc * out->ncol * sizeof *nv);
            if (nv == NULL) {
                msg(err, errlen, "%s: out of memory", shown);
                goto done;
            }
            out->v = nv;
            size_t *nl = realloc(out->line, nc * sizeof *nl);
            if (nl == NULL) {
                msg(err, errlen, "%s: out of memory", shown);
                goto done;
            }
            out->line = nl;
            rcap = nc;
        }
        split(buf, fields, out->ncol);
        for (size_t j = 0; j < out->ncol; j++) {
            char *s = trim(fields[j]), *end;
            const char *name = out->names[j];   /* escaped when echoed */
#define NAME bce_tool_esc(name, BCE_TOOL_ESC_TOKEN)
            if (*s == '\0') {
                msg(err, errlen, "%s: line %zu, column %zu (%s): empty field",
                    shown, lineno, j + 1, NAME);
                goto done;
            }
            errno = 0;
            double d = strtod(s, &end);
            if (*end != '\0' || end == s) {
                msg(err, errlen, "%s: line %zu, column %zu (%s): not a number: "
                    "'%s'", shown, lineno, j + 1, NAME,
                    bce_tool_esc(s, BCE_TOOL_ESC_TOKEN));
                goto done;
            }
            if (!isfinite(d) || (errno == ERANGE && fabs(d) > 1.0)) {
                msg(err, errlen, "%s: line %zu, column %zu (%s): not a finite "
                    "number: '%s'", shown, lineno, j + 1, NAME,
                    bce_tool_esc(s, BCE_TOOL_ESC_TOKEN));
                goto done;
            }
            out->v[out->nrow * out->ncol + j] = d;
#undef NAME
        }
        out->line[out->nrow] = lineno;
        out->nrow++;
    }
    if (ferror(f)) {
        int e = errno;
        msg(err, errlen, "%s: read error: %s", shown, e ? strerror(e) : "unknown error");
        goto done;
    }
    if (out->names == NULL) {
        msg(err, errlen, "%s: empty file (no header line)", shown);
        goto done;
    }
    if (out->nrow == 0) {
        msg(err, errlen, "%s: no data rows after the header", shown);
        goto done;
    }
    status = 0;
done:
    free(buf);
    free(fields);
    if (!is_stdin)
        fclose(f);
    if (status != 0)
        bce_csv_free(out);
    return status;
}

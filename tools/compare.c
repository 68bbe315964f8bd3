/*
 * compare.c -- `bce compare VECTORS RESULTS`: measures another
 * implementation's outputs against the golden vectors of `bce vectors`.
 *
 * VECTORS is one file written by `bce vectors`; RESULTS has a header line
 * naming at least the columns x, y, loss, grad (any order, other columns
 * ignored: the vectors file itself, with loss and grad replaced by the
 * port's values, qualifies), then one row per vector row, same order, same
 * x and y.  Numbers: C99 hex floats or decimal (strtod), inf, -inf, nan.
 * Each output's error is measured in ulps of the exact value (the
 * *_exact column, bcev_ulp_error) and checked against the row's bound; a
 * bound of 0.5 means the value must be the correct rounding (the loss /
 * grad column), which the ulp number alone cannot certify.
 * Report: per regime and output, rows, max ulp, count over the bound and
 * the worst input.  Exit: 0 every output within its bound, 1 some output
 * over its bound, 2 usage error or malformed input (file and line named).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bce_verify.h"
#include "tool.h"

#define MAX_COLS 32
#define MAX_REGIMES 32
#define LINE_MAX_LEN 4096

static const char compare_help[] =
    "usage: bce compare [--type f64|f32] [--quiet] VECTORS RESULTS\n"
    "\n"
    "Measure an implementation's loss and gradient against the golden vectors\n"
    "of `bce vectors`.  VECTORS: one CSV of data/vectors/ (or of `bce vectors\n"
    "--out`).  RESULTS: a CSV whose header names at least the columns x, y,\n"
    "loss, grad, with one row per vector row, in the same order and with the\n"
    "same x and y (C99 hex or decimal numbers, inf, nan).  Each output's error\n"
    "is measured in ulps of the exact value and checked against the row's\n"
    "bound (0.5 = must be correctly rounded).  Prints, per regime and output:\n"
    "rows, max ulp, how many exceed the bound, and the worst input.\n"
    "\n"
    "  --type T   binary64 or binary32 ulps (default: from the file name,\n"
    "             *_f64.csv or *_f32.csv)\n"
    "  --quiet    only the last line (PASS/FAIL)\n"
    "\n"
    "exit status: 0 every output within its bound, 1 an output over its bound,\n"
    "2 usage error or malformed input (the message names the file and line).\n";

const char *bce_tool_compare_help(void) { return compare_help; }

typedef struct csv {
    FILE *f;
    const char *name;              /* as shown in messages: escaped (shown) */
    char shown[4 * BCE_TOOL_ESC_NAME + 8];
    int line;
    char buf[LINE_MAX_LEN];
    char *col[MAX_COLS];
    int ncol;
} csv;

/* Next data line split at commas; 1, 0 at end of file, -1 on error (the
 * message printed). */
static int csv_next(csv *c)
{
    for (;;) {
        errno = 0;
        if (!fgets(c->buf, sizeof c->buf, c->f)) {
            if (!ferror(c->f))
                return 0;
            bce_tool_io_error("compare", c->name, "read error", errno);
            return -1;
        }
        c->line++;
        size_t n = strlen(c->buf);
        if (n > 0 && c->buf[n - 1] != '\n' && !feof(c->f)) {
            fprintf(stderr, "bce compare: %s:%d: line too long\n", c->name, c->line);
            return -1;
        }
        while (n > 0 && (c->buf[n - 1] == '\n' || c->buf[n - 1] == '\r'))
            c->buf[--n] = '\0';
        if (n == 0 || c->buf[0] == '#')
            continue;
        c->ncol = 0;
        char *p = c->buf;
        for (;;) {
            if (c->ncol == MAX_COLS) {
                fprintf(stderr, "bce compare: %s:%d: more than %d columns\n", c->name,
                        c->line, MAX_COLS);
                return -1;
            }
            while (*p == ' ')
                p++;
            c->col[c->ncol++] = p;
            char *q = strchr(p, ',');
            char *e = q ? q : p + strlen(p);
            while (e > p && e[-1] == ' ')
                e--;
            if (!q) {
                *e = '\0';
                break;
            }
            *e = '\0';
            p = q + 1;
        }
        return 1;
    }
}

static int find_col(csv *c, const char *name)
{
    for (int i = 0; i < c->ncol; i++)
        if (!strcmp(c->col[i], name))
            return i;
    return -1;
}

static int num(csv *c, int col, const char *what, double *out)
{
    if (col >= c->ncol) {
        fprintf(stderr, "bce compare: %s:%d: missing column '%s' (%d columns)\n", c->name,
                c->line, what, c->ncol);
        return -1;
    }
    if (bce_tool_parse_double(c->col[col], out) != 0) {
        fprintf(stderr, "bce compare: %s:%d: %s: not a number: '%s'\n", c->name, c->line,
                what, bce_tool_esc(c->col[col], BCE_TOOL_ESC_TOKEN));
        return -1;
    }
    return 0;
}

typedef struct stat_row {
    char regime[32];
    int rows[2], over[2];
    double max_ulp[2], bound[2], wx[2], wy[2], wgot[2];
} stat_row;

static int same(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

int bce_tool_compare(int argc, char **argv)
{
    int type = -1, quiet = 0;
    const char *files[2];
    int nf = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(compare_help, stdout);
            return BCE_EXIT_OK;
        } else if (!strcmp(argv[i], "--quiet")) {
            quiet = 1;
        } else if (!strcmp(argv[i], "--type") && i + 1 < argc) {
            i++;
            if (!strcmp(argv[i], "f64")) type = BCEV_F64;
            else if (!strcmp(argv[i], "f32")) type = BCEV_F32;
            else {
                fprintf(stderr, "bce compare: --type: expected f64 or f32, got '%s'\n",
                        bce_tool_esc(argv[i], BCE_TOOL_ESC_NAME));
                return BCE_EXIT_USAGE;
            }
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "bce compare: unknown option '%s'\ntry 'bce help compare'\n",
                    bce_tool_esc(argv[i], BCE_TOOL_ESC_NAME));
            return BCE_EXIT_USAGE;
        } else if (nf < 2) {
            files[nf++] = argv[i];
        } else {
            fprintf(stderr, "bce compare: too many arguments\ntry 'bce help compare'\n");
            return BCE_EXIT_USAGE;
        }
    }
    if (nf != 2) {
        fprintf(stderr, "bce compare: need VECTORS and RESULTS\ntry 'bce help compare'\n");
        return BCE_EXIT_USAGE;
    }
    /* open both files first: a missing file is reported as such, before
     * anything is inferred from its name */
    csv v = {0}, r = {0};
    snprintf(v.shown, sizeof v.shown, "%s", bce_tool_esc(files[0], BCE_TOOL_ESC_NAME));
    snprintf(r.shown, sizeof r.shown, "%s", bce_tool_esc(files[1], BCE_TOOL_ESC_NAME));
    v.name = v.shown;
    r.name = r.shown;
    v.f = fopen(files[0], "r");
    if (!v.f) {
        bce_tool_io_error("compare", v.name, "cannot open", errno);
        return BCE_EXIT_USAGE;
    }
    r.f = fopen(files[1], "r");
    if (!r.f) {
        bce_tool_io_error("compare", r.name, "cannot open", errno);
        fclose(v.f);
        return BCE_EXIT_USAGE;
    }
    if (type < 0) {
        const char *b = strrchr(files[0], '/');
        b = b ? b + 1 : files[0];
        if (strstr(b, "f32")) type = BCEV_F32;
        else if (strstr(b, "f64")) type = BCEV_F64;
        else {
            fprintf(stderr, "bce compare: %s: cannot tell f64 from f32 by the name; "
                            "use --type\n", v.name);
            fclose(v.f);
            fclose(r.f);
            return BCE_EXIT_USAGE;
        }
    }
    int status = BCE_EXIT_OK;
    stat_row *st = calloc(MAX_REGIMES, sizeof *st);
    int nst = 0, total = 0, over = 0;
    mpfr_t ex;
    mpfr_init2(ex, 256);
    /* headers */
    static const char *const vcols[] = {"regime", "x", "y", "loss", "grad", "loss_exact",
                                        "grad_exact", "loss_bound", "grad_bound"};
    int vi[9], ri[4];
    if (!st) {
        fprintf(stderr, "bce compare: out of memory\n");
        status = BCE_EXIT_USAGE;
        goto done;
    }
    for (csv *c = &v; c; c = c == &v ? &r : NULL) {
        int h = csv_next(c);
        if (h != 1) {                          /* -1: csv_next said why */
            if (h == 0)
                fprintf(stderr, "bce compare: %s: no header line\n", c->name);
            status = BCE_EXIT_USAGE;
            goto done;
        }
    }
    for (int i = 0; i < 9; i++)
        if ((vi[i] = find_col(&v, vcols[i])) < 0) {
            fprintf(stderr, "bce compare: %s:%d: header lacks column '%s' (not a `bce "
                            "vectors` file?)\n", v.name, v.line, vcols[i]);
            status = BCE_EXIT_USAGE;
            goto done;
        }
    for (int i = 0; i < 4; i++)
        if ((ri[i] = find_col(&r, vcols[i + 1])) < 0) {
            fprintf(stderr, "bce compare: %s:%d: header lacks column '%s' (need x, y, "
                            "loss, grad)\n", r.name, r.line, vcols[i + 1]);
            status = BCE_EXIT_USAGE;
            goto done;
        }

    for (;;) {
        int a = csv_next(&v), b = csv_next(&r);
        if (a < 0 || b < 0) {
            status = BCE_EXIT_USAGE;
            break;
        }
        if (a == 0 || b == 0) {
            if (a != b) {
                csv *shorter = a == 0 ? &v : &r;
                fprintf(stderr, "bce compare: %s:%d: ends here but %s has more rows\n",
                        shorter->name, shorter->line + 1, a == 0 ? r.name : v.name);
                status = BCE_EXIT_USAGE;
            }
            break;
        }
        double x, y, rn[2], bound[2], rx, ry, got[2];
        if (num(&v, vi[1], "x", &x) || num(&v, vi[2], "y", &y) ||
            num(&v, vi[3], "loss", &rn[0]) || num(&v, vi[4], "grad", &rn[1]) ||
            num(&v, vi[7], "loss_bound", &bound[0]) || num(&v, vi[8], "grad_bound", &bound[1]) ||
            num(&r, ri[0], "x", &rx) || num(&r, ri[1], "y", &ry) ||
            num(&r, ri[2], "loss", &got[0]) || num(&r, ri[3], "grad", &got[1])) {
            status = BCE_EXIT_USAGE;
            break;
        }
        if (!same(x, rx) || !same(y, ry)) {
            fprintf(stderr, "bce compare: %s:%d: x, y = %a, %a but %s:%d has %a, %a "
                            "(rows must be in the vectors' order)\n", r.name, r.line, rx, ry,
                    v.name, v.line, x, y);
            status = BCE_EXIT_USAGE;
            break;
        }
        const char *reg = vi[0] < v.ncol ? v.col[vi[0]] : "?";
        int k;
        for (k = 0; k < nst && strcmp(st[k].regime, reg); k++)
            ;
        if (k == nst) {
            if (nst == MAX_REGIMES) {
                fprintf(stderr, "bce compare: %s:%d: more than %d regimes\n", v.name,
                        v.line, MAX_REGIMES);
                status = BCE_EXIT_USAGE;
                break;
            }
            snprintf(st[k].regime, sizeof st[k].regime, "%s", reg);
            st[k].max_ulp[0] = st[k].max_ulp[1] = -1.0;
            nst++;
        }
        for (int o = 0; o < 2; o++) {
            const char *et = v.col[vi[5 + o]];
            if (mpfr_set_str(ex, et, 10, MPFR_RNDN) != 0) {
                fprintf(stderr, "bce compare: %s:%d: %s: not a number: '%s'\n", v.name,
                        v.line, o ? "grad_exact" : "loss_exact",
                        bce_tool_esc(et, BCE_TOOL_ESC_TOKEN));
                status = BCE_EXIT_USAGE;
                break;
            }
            double u = bcev_ulp_error((bcev_type)type, got[o], ex);
            int bad = bound[o] == 0.5 ? !(same(got[o], rn[o]) || (got[o] == 0 && rn[o] == 0))
                                      : !(u <= bound[o]);
            stat_row *s = &st[k];
            s->rows[o]++;
            s->over[o] += bad;
            over += bad;
            if (u > s->max_ulp[o] || (isnan(u) && !isnan(s->max_ulp[o]))) {
                s->max_ulp[o] = u;
                s->bound[o] = bound[o];
                s->wx[o] = x;
                s->wy[o] = y;
                s->wgot[o] = got[o];
            }
        }
        if (status != BCE_EXIT_OK)
            break;
        total++;
    }
    if (status == BCE_EXIT_OK) {
        if (!quiet) {
            printf("%-12s %-4s %5s %12s %5s %5s  %s\n", "regime", "out", "rows", "max_ulp",
                   "bound", "over", "worst input (x, y): got");
            for (int k = 0; k < nst; k++)
                for (int o = 0; o < 2; o++)
                    printf("%-12s %-4s %5d %12.4g %5g %5d  %a, %a: %a\n",
                           bce_tool_esc(st[k].regime, sizeof st[k].regime),
                           o ? "grad" : "loss", st[k].rows[o], st[k].max_ulp[o],
                           st[k].bound[o], st[k].over[o], st[k].wx[o], st[k].wy[o],
                           st[k].wgot[o]);
        }
        if (over) {
            printf("FAIL: %d of %d outputs over their bound (%s vs %s)\n", over, 2 * total,
                   r.name, v.name);
            status = BCE_EXIT_FAIL;
        } else {
            printf("PASS: %d outputs within their bounds (%s vs %s)\n", 2 * total, r.name,
                   v.name);
        }
    }
done:
    mpfr_clear(ex);
    free(st);
    fclose(v.f);
    fclose(r.f);
    return status;
}

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
 * f32 results are read with strtof (a decimal spelling names the float it
 * reads back to), f64 ones with strtod.
 * Report: per regime, output and bound, rows, max ulp, count over the bound
 * and the worst input; every failing row (also --json FILE, --csv FILE).
 * VECTORS may name an installed file (logits_f32 ...: bce_tool_vectors_dir).  Exit: 0 every output within its bound, 1 some output
 * over its bound, 2 usage error or malformed input (file and line named).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "bce_verify.h"
#include "bcev_cli.h"
#include "tool.h"

#define MAX_COLS 32
#define MAX_GROUPS 256
#define LINE_MAX_LEN 4096
#define COMPARE_SCHEMA 1

static const char compare_help[] =
    "usage: bce compare [options] VECTORS RESULTS\n"
    "\n"
    "Measure an implementation's loss and gradient against the golden vectors\n"
    "of `bce vectors`.  VECTORS: a vectors file (data/vectors/*.csv, or one\n"
    "written by `bce vectors --out`), or the name of an installed one:\n"
    "logits_f64, logits_f32, probs_f64, probs_f32 (\".csv\" optional), looked\n"
    "up in the vectors directory when no file of that name exists:\n"
    "  " BCE_VECTORS_DIR "\n"
    "(the install's share/libbce/vectors; a bce run from its build tree reads\n"
    "the source tree's data/vectors instead).  RESULTS: a CSV whose header\n"
    "names at least the columns x, y, loss, grad, with one row per vector row,\n"
    "in the same order and with the same x and y.  Numbers: C99 hex or decimal,\n"
    "inf, nan; read with strtod, or strtof for f32 files (so a decimal that\n"
    "reads back to the float, such as the shortest spelling 0.6931472, is that\n"
    "float).  Each output's error is measured in ulps of the exact value and\n"
    "checked against the row's bound (0.5 = must be the correct rounding).\n"
    "\n"
    "Report: one line per regime, output and bound: rows, max ulp, rows over\n"
    "the bound, and the worst input; then every failing row with x, y, the\n"
    "expected (correctly rounded) value, the value got and its ulp error; then\n"
    "PASS or FAIL.\n"
    "\n"
    "  --type T      f64, f32, bf16 or f16 (default: from the vectors file's\n"
    "                name, *_f64.csv, *_f32.csv, *_bf16.csv, *_f16.csv)\n"
    "  --out-type O  16-bit vectors: the results' output type, f32 (default;\n"
    "                judged against loss_f32, grad_f32: bce_<form>_<type>,\n"
    "                autocast) or the input's type (against loss, grad:\n"
    "                bce_<form>_<type>_<type>, a bf16/f16 port); ulps of the\n"
    "                output type.  16-bit x, y and outputs are read with\n"
    "                strtod and must be exactly values of the type (else an\n"
    "                input error naming the line)\n"
    "  --json FILE   the summary and every failing row as JSON ('-' = standard\n"
    "                output; the text report then goes to standard error)\n"
    "  --csv FILE    every failing row as CSV: line,regime,output,bound,x,y,\n"
    "                expected,got,ulp ('-' = standard output)\n"
    "  --quiet       only the last line (PASS/FAIL)\n"
    "\n"
    "exit status: 0 every output within its bound, 1 an output over its bound,\n"
    "2 usage error or malformed input (the message names the file and line;\n"
    "\"not a vectors file\" when VECTORS is not one, e.g. the arguments are\n"
    "swapped).\n";

const char *bce_tool_compare_help(void) { return compare_help; }

/* The directory of the golden vectors: the installed copy, or the source
 * tree's data/vectors when this bce runs from its build tree (the
 * executable lies under the build root compiled in). */
const char *bce_tool_vectors_dir(void)
{
#if defined(BCE_VECTORS_SRC_DIR) && defined(BCE_BUILD_ROOT) && defined(__linux__)
    static char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    size_t lr = strlen(BCE_BUILD_ROOT);
    if (n > 0) {
        exe[n] = '\0';
        if (strncmp(exe, BCE_BUILD_ROOT, lr) == 0 && exe[lr] == '/')
            return BCE_VECTORS_SRC_DIR;
    }
#endif
    return BCE_VECTORS_DIR;
}

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

/* A number of column col: strtof for f32 (a decimal spelling reads as the
 * float it names), strtod otherwise. */
static int num(csv *c, int col, const char *what, int f32, double *out)
{
    if (col >= c->ncol) {
        fprintf(stderr, "bce compare: %s:%d: missing column '%s' (%d columns)\n", c->name,
                c->line, what, c->ncol);
        return -1;
    }
    if (bce_tool_parse_number(c->col[col], f32 == 1, out) != 0) {
        fprintf(stderr, "bce compare: %s:%d: %s: not a number: '%s'\n", c->name, c->line,
                what, bce_tool_esc(c->col[col], BCE_TOOL_ESC_TOKEN));
        return -1;
    }
    /* f32 >= BCE_TOOL_BF16: a 16-bit value, read as double, exactly */
    if (f32 >= BCE_TOOL_BF16 && !bce_tool_is16_exact(f32, *out)) {
        fprintf(stderr, "bce compare: %s:%d: %s: not a %s value (not exactly "
                "representable): '%s'\n", c->name, c->line, what, bce_tool_type_name(f32),
                bce_tool_esc(c->col[col], BCE_TOOL_ESC_TOKEN));
        return -1;
    }
    return 0;
}

/* One summary row: a regime, an output and a bound. */
typedef struct group {
    char regime[32];
    int output;
    double bound;
    int rows, over;
    double max_ulp, wx, wy, wexp, wgot;
} group;

typedef struct failing {
    int line, output;
    char regime[32];
    double bound, x, y, expected, got, ulp;
} failing;

static int same(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

static const char *const vcols[] = {"regime", "x", "y", "loss", "grad", "loss_exact",
                                    "grad_exact", "loss_bound", "grad_bound"};
#define NVCOLS 9

/* Has the header of c every column of a vectors file? */
static int is_vectors_header(csv *c)
{
    for (int i = 0; i < NVCOLS; i++)
        if (find_col(c, vcols[i]) < 0)
            return 0;
    return 1;
}

static const char *out_name(int o) { return o ? "grad" : "loss"; }

static void print_report(FILE *out, const group *g, int ng, const failing *fl, int nfl,
                         int quiet)
{
    char b[5][64];
    if (quiet)
        return;
    fprintf(out, "%-12s %-4s %5s %5s %12s %5s  %s\n", "regime", "out", "bound", "rows",
            "max_ulp", "over", "worst input (x, y): expected, got");
    for (int k = 0; k < ng; k++)
        fprintf(out, "%-12s %-4s %5g %5d %12.4g %5d  %s, %s: %s, %s\n",
                bce_tool_esc(g[k].regime, sizeof g[k].regime), out_name(g[k].output),
                g[k].bound, g[k].rows, g[k].max_ulp, g[k].over,
                bcev_fmt_hex(b[0], 64, g[k].wx), bcev_fmt_hex(b[1], 64, g[k].wy),
                bcev_fmt_hex(b[2], 64, g[k].wexp), bcev_fmt_hex(b[3], 64, g[k].wgot));
    if (nfl > 0)
        fprintf(out, "failing rows (%d; VECTORS line, regime, output, bound: x, y: "
                "expected, got, ulp):\n", nfl);
    for (int i = 0; i < nfl; i++)
        fprintf(out, "  %d %s %s %g: x=%s y=%s expected %s got %s (%.4g ulp)\n",
                fl[i].line, bce_tool_esc(fl[i].regime, sizeof fl[i].regime),
                out_name(fl[i].output), fl[i].bound, bcev_fmt_hex(b[0], 64, fl[i].x),
                bcev_fmt_hex(b[1], 64, fl[i].y), bcev_fmt_hex(b[2], 64, fl[i].expected),
                bcev_fmt_hex(b[3], 64, fl[i].got), fl[i].ulp);
}

static const char *const row_keys[] = {"x", "y", "expected", "got"};

static void write_json(FILE *f, const char *vpath, const char *rpath, int f32,
                       const char *tname, const char *oname, const group *g, int ng, const failing *fl, int nfl, int outputs)
{
    bcev_json_header(f, "compare", COMPARE_SCHEMA);
    fputs("\"vectors\": ", f);
    bcev_json_str(f, vpath);
    fputs(", \"results\": ", f);
    bcev_json_str(f, rpath);
    fprintf(f, ", \"type\": \"%s\", \"out_type\": \"%s\",\n\"pass\": %s, \"outputs\": %d, \"over\": %d,\n"
            "\"summary\": [", tname, oname, nfl ? "false" : "true", outputs, nfl);
    for (int k = 0; k < ng; k++) {
        fprintf(f, "%s\n  {\"regime\": ", k ? "," : "");
        bcev_json_str(f, g[k].regime);
        fprintf(f, ", \"output\": \"%s\", \"bound\": ", out_name(g[k].output));
        bcev_json_num(f, g[k].bound);
        fprintf(f, ", \"rows\": %d, \"over\": %d, \"max_ulp\": ", g[k].rows, g[k].over);
        bcev_json_num(f, g[k].max_ulp);
        fputs(", \"worst\": {", f);
        bcev_json_values(f, f32, 4, row_keys,
                         (const double[]){g[k].wx, g[k].wy, g[k].wexp, g[k].wgot});
        fputs("}}", f);
    }
    fputs("\n],\n\"failing\": [", f);
    for (int i = 0; i < nfl; i++) {
        fprintf(f, "%s\n  {\"line\": %d, \"regime\": ", i ? "," : "", fl[i].line);
        bcev_json_str(f, fl[i].regime);
        fprintf(f, ", \"output\": \"%s\", \"bound\": ", out_name(fl[i].output));
        bcev_json_num(f, fl[i].bound);
        fputs(", ", f);
        bcev_json_values(f, f32, 4, row_keys,
                         (const double[]){fl[i].x, fl[i].y, fl[i].expected, fl[i].got});
        fputs(", \"ulp\": ", f);
        bcev_json_num(f, fl[i].ulp);
        fputc('}', f);
    }
    fputs("\n]}\n", f);
}

static void write_csv(FILE *f, const failing *fl, int nfl)
{
    char b[4][64];
    fputs("line,regime,output,bound,x,y,expected,got,ulp\n", f);
    for (int i = 0; i < nfl; i++)
        fprintf(f, "%d,%s,%s,%g,%s,%s,%s,%s,%.17g\n", fl[i].line, fl[i].regime,
                out_name(fl[i].output), fl[i].bound, bcev_fmt_hex(b[0], 64, fl[i].x),
                bcev_fmt_hex(b[1], 64, fl[i].y), bcev_fmt_hex(b[2], 64, fl[i].expected),
                bcev_fmt_hex(b[3], 64, fl[i].got), fl[i].ulp);
}

/* VECTORS as given, or NAME[.csv] in the vectors directory when no file of
 * that name exists and it names no directory. */
static const char *vectors_path(const char *arg, char *buf, size_t n)
{
    if (access(arg, F_OK) == 0 || strchr(arg, '/') != NULL)
        return arg;
    size_t l = strlen(arg);
    snprintf(buf, n, "%s/%s%s", bce_tool_vectors_dir(), arg,
             l > 4 && !strcmp(arg + l - 4, ".csv") ? "" : ".csv");
    return access(buf, F_OK) == 0 ? buf : arg;
}

static int usage(const char *msg, const char *arg)
{
    fprintf(stderr, "bce compare: ");
    fprintf(stderr, msg, arg ? bce_tool_esc(arg, BCE_TOOL_ESC_NAME) : "");
    fprintf(stderr, "\ntry 'bce help compare'\n");
    return BCE_EXIT_USAGE;
}

int bce_tool_compare(int argc, char **argv)
{
    int type = -1, quiet = 0, out_type = -1;
    const char *files[2], *json = NULL, *csvout = NULL;
    int nf = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            fputs(compare_help, stdout);
            return BCE_EXIT_OK;
        } else if (!strcmp(o, "--quiet")) {
            quiet = 1;
        } else if (!strcmp(o, "--out-type")) {
            out_type = bce_tool_type_from_name(i + 1 < argc ? argv[i + 1] : NULL);
            if (out_type != BCE_TOOL_F32 && out_type != BCE_TOOL_BF16 && out_type != BCE_TOOL_F16)
                return usage("--out-type: expected f32, bf16 or f16, got '%s'",
                             i + 1 < argc ? argv[i + 1] : "");
            i++;
        } else if (!strcmp(o, "--type") || !strcmp(o, "--json") || !strcmp(o, "--csv")) {
            const char *v = i + 1 < argc ? argv[i + 1] : NULL;
            if (o[2] != 't' && bcev_json_arg("compare", o, v) == NULL)
                return BCE_EXIT_USAGE;
            if (v == NULL)
                return usage("%s needs f64 or f32", o);
            i++;
            if (o[2] == 'j') {
                json = v;
            } else if (o[2] == 'c') {
                csvout = v;
            } else if (!strcmp(v, "f64")) {
                type = BCEV_F64;
            } else if (!strcmp(v, "f32")) {
                type = BCEV_F32;
            } else if (!strcmp(v, "bf16") || !strcmp(v, "f16")) {
                type = bce_tool_type_from_name(v);
            } else {
                return usage("--type: expected f64, f32, bf16 or f16, got '%s'", v);
            }
        } else if (o[0] == '-' && o[1] != '\0') {
            return usage("unknown option '%s'", o);
        } else if (nf < 2) {
            files[nf++] = o;
        } else {
            return usage("too many arguments ('%s')", o);
        }
    }
    if (nf != 2)
        return usage("need VECTORS and RESULTS%s", NULL);
    char vbuf[4096];
    files[0] = vectors_path(files[0], vbuf, sizeof vbuf);
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
        if (strchr(files[0], '/') == NULL)
            fprintf(stderr, "bce compare: (no vectors named so in %s)\n",
                    bce_tool_vectors_dir());
        return BCE_EXIT_USAGE;
    }
    r.f = fopen(files[1], "r");
    if (!r.f) {
        bce_tool_io_error("compare", r.name, "cannot open", errno);
        fclose(v.f);
        return BCE_EXIT_USAGE;
    }
    int status = BCE_EXIT_OK;
    group *g = calloc(MAX_GROUPS, sizeof *g);
    failing *fl = NULL;
    int ng = 0, total = 0, nfl = 0, capfl = 0;
    mpfr_t ex;
    mpfr_init2(ex, 256);
    int vi[NVCOLS], ri[4];
    if (!g) {
        fprintf(stderr, "bce compare: out of memory\n");
        status = BCE_EXIT_USAGE;
        goto done;
    }
    for (csv *c = &v; c; c = c == &v ? &r : NULL) {
        int h = csv_next(c);
        if (h != 1) {                          /* -1: csv_next said why */
            if (h == 0)
                fprintf(stderr, "bce compare: %s: no header line%s\n", c->name,
                        c == &v ? " (not a vectors file)" : "");
            status = BCE_EXIT_USAGE;
            goto done;
        }
    }
    if (!is_vectors_header(&v)) {
        int swapped = is_vectors_header(&r);
        fprintf(stderr, "bce compare: %s: not a vectors file (its header lacks the "
                "columns of `bce vectors`: %s)%s\n", v.name,
                "regime,x,y,loss,grad,...,loss_exact,grad_exact,loss_bound,grad_bound",
                swapped ? "; the arguments look swapped: VECTORS comes first, then "
                          "RESULTS" : "");
        status = BCE_EXIT_USAGE;
        goto done;
    }
    for (int i = 0; i < NVCOLS; i++)
        vi[i] = find_col(&v, vcols[i]);
    if (type < 0) {
        const char *b = strrchr(files[0], '/');
        b = b ? b + 1 : files[0];
        if (strstr(b, "f32")) type = BCEV_F32;
        else if (strstr(b, "f64")) type = BCEV_F64;
        else if (strstr(b, "bf16")) type = BCE_TOOL_BF16;
        else if (strstr(b, "f16")) type = BCE_TOOL_F16;
        else {
            fprintf(stderr, "bce compare: %s: cannot tell f64 from f32 by the name; "
                            "use --type\n", v.name);
            status = BCE_EXIT_USAGE;
            goto done;
        }
    }
    for (int i = 0; i < 4; i++)
        if ((ri[i] = find_col(&r, vcols[i + 1])) < 0) {
            fprintf(stderr, "bce compare: %s:%d: header lacks column '%s' (need x, y, "
                            "loss, grad)\n", r.name, r.line, vcols[i + 1]);
            status = BCE_EXIT_USAGE;
            goto done;
        }
    /* 16-bit vectors: the output type (default f32, the autocast
     * reference; or the input's type) picks the expected columns */
    const int t16 = type >= BCE_TOOL_BF16 ? type : 0;
    if (out_type < 0)
        out_type = t16 ? BCE_TOOL_F32 : type;
    if (!bce_tool_out_type_ok(type, out_type)) {
        fprintf(stderr, "bce compare: --out-type %s with %s vectors: the output type is f32 "
                "or the input's type (bf16, f16)\n", bce_tool_type_name(out_type),
                bce_tool_type_name(type));
        status = BCE_EXIT_USAGE;
        goto done;
    }
    int ex32[2] = {-1, -1};
    if (t16 && out_type == BCE_TOOL_F32) {
        ex32[0] = find_col(&v, "loss_f32");
        ex32[1] = find_col(&v, "grad_f32");
        if (ex32[0] < 0 || ex32[1] < 0) {
            fprintf(stderr, "bce compare: %s: no loss_f32, grad_f32 columns (not 16-bit vectors)\n",
                    v.name);
            status = BCE_EXIT_USAGE;
            goto done;
        }
    }
    /* how results are read: f32 strtof; 16-bit: strtod, exactly a value */
    const int f32 = type == BCEV_F32;
    const int rx_t = t16 ? t16 : f32, rout_t = t16 ? (out_type == BCE_TOOL_F32 ? 1 : t16) : f32;

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
        /* the vectors are exact hex floats: strtod reads them exactly */
        double x, y, rn[2], bound[2], rx, ry, got[2];
        if (num(&v, vi[1], "x", 0, &x) || num(&v, vi[2], "y", 0, &y) ||
            num(&v, ex32[0] >= 0 ? ex32[0] : vi[3], "loss", 0, &rn[0]) ||
            num(&v, ex32[1] >= 0 ? ex32[1] : vi[4], "grad", 0, &rn[1]) ||
            num(&v, vi[7], "loss_bound", 0, &bound[0]) ||
            num(&v, vi[8], "grad_bound", 0, &bound[1]) ||
            num(&r, ri[0], "x", rx_t, &rx) || num(&r, ri[1], "y", rx_t, &ry) ||
            num(&r, ri[2], "loss", rout_t, &got[0]) || num(&r, ri[3], "grad", rout_t, &got[1])) {
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
        for (int o = 0; o < 2; o++) {
            const char *et = v.col[vi[5 + o]];
            if (mpfr_set_str(ex, et, 10, MPFR_RNDN) != 0) {
                fprintf(stderr, "bce compare: %s:%d: %s: not a number: '%s'\n", v.name,
                        v.line, o ? "grad_exact" : "loss_exact",
                        bce_tool_esc(et, BCE_TOOL_ESC_TOKEN));
                status = BCE_EXIT_USAGE;
                break;
            }
            double u = t16 ? bce_tool_ulp16(t16, out_type, got[o], ex)
                           : bcev_ulp_error((bcev_type)type, got[o], ex);
            int bad = bound[o] == 0.5 ? !(same(got[o], rn[o]) || (got[o] == 0 && rn[o] == 0))
                                      : !(u <= bound[o]);
            int k;
            for (k = 0; k < ng && (strcmp(g[k].regime, reg) || g[k].output != o ||
                                   g[k].bound != bound[o]); k++)
                ;
            if (k == ng) {
                if (ng == MAX_GROUPS) {
                    fprintf(stderr, "bce compare: %s:%d: more than %d (regime, output, "
                            "bound) groups\n", v.name, v.line, MAX_GROUPS);
                    status = BCE_EXIT_USAGE;
                    break;
                }
                snprintf(g[k].regime, sizeof g[k].regime, "%s", reg);
                g[k].output = o;
                g[k].bound = bound[o];
                g[k].max_ulp = -1.0;
                ng++;
            }
            group *s = &g[k];
            s->rows++;
            s->over += bad;
            if (u > s->max_ulp || (isnan(u) && !isnan(s->max_ulp))) {
                s->max_ulp = u;
                s->wx = x;
                s->wy = y;
                s->wexp = rn[o];
                s->wgot = got[o];
            }
            if (bad) {
                if (nfl == capfl) {
                    int cap = capfl ? 2 * capfl : 64;
                    failing *nflp = realloc(fl, (size_t)cap * sizeof *fl);
                    if (!nflp) {
                        fprintf(stderr, "bce compare: out of memory\n");
                        status = BCE_EXIT_USAGE;
                        break;
                    }
                    fl = nflp;
                    capfl = cap;
                }
                failing *e = &fl[nfl++];
                e->line = v.line;
                snprintf(e->regime, sizeof e->regime, "%s", reg);
                e->output = o;
                e->bound = bound[o];
                e->x = x;
                e->y = y;
                e->expected = rn[o];
                e->got = got[o];
                e->ulp = u;
            }
        }
        if (status != BCE_EXIT_OK)
            break;
        total++;
    }
    if (status == BCE_EXIT_OK) {
        FILE *text = json && !strcmp(json, "-") ? stderr : stdout;
        if (csvout && !strcmp(csvout, "-"))
            text = stderr;
        print_report(text, g, ng, fl, nfl, quiet);
        if (nfl) {
            fprintf(text, "FAIL: %d of %d outputs over their bound (%s vs %s)\n", nfl,
                    2 * total, r.name, v.name);
            status = BCE_EXIT_FAIL;
        } else {
            fprintf(text, "PASS: %d outputs within their bounds (%s vs %s)\n", 2 * total,
                    r.name, v.name);
        }
        if (json) {
            FILE *f = bcev_json_open("compare", json);
            if (!f) {
                status = BCE_EXIT_USAGE;
            } else {
                write_json(f, files[0], files[1], rout_t == 1, bce_tool_type_name(type),
                           bce_tool_type_name(out_type), g, ng, fl, nfl, 2 * total);
                if (bcev_json_close("compare", json, f) != 0)
                    status = BCE_EXIT_USAGE;
            }
        }
        if (csvout) {
            FILE *f = bcev_json_open("compare", csvout);
            if (!f) {
                status = BCE_EXIT_USAGE;
            } else {
                write_csv(f, fl, nfl);
                if (bcev_json_close("compare", csvout, f) != 0)
                    status = BCE_EXIT_USAGE;
            }
        }
    }
done:
    mpfr_clear(ex);
    free(g);
    free(fl);
    fclose(v.f);
    fclose(r.f);
    return status;
}

/*
 * eval.c -- `bce eval`: loss and gradient of samples read from text.
 *
 * The whole input is read and parsed first, then evaluated in batches of
 * EVAL_BATCH samples per library call, then printed.  So any error (a
 * malformed line, or a library error such as a label outside [0,1]) prints
 * nothing on standard output, names the offending input line on standard
 * error and exits with status 2.  Memory: about 56 bytes per sample.
 * --json FILE: the inputs and results as JSON (schema EVAL_SCHEMA).
 */
#ifndef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L /* getline */
#endif
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bce.h"
#include "bcev_cli.h"
#include "tool.h"

#define EVAL_BATCH 4096
#define EVAL_SCHEMA 1

static const char *const eval_help_parts[] = {
    "usage: bce eval [options] [FILE]\n"
    "\n"
    "Read one sample per line from FILE (default: standard input, also '-'):\n"
    "  x y        x = logit z (--form logits) or probability p (--form probs),\n"
    "             y = label in [0,1] (soft labels allowed)\n"
    "  x y w      with --weights: w = per-sample weight, finite and >= 0\n"
    "and print, for each sample, \"loss grad\": the per-sample loss L_i and\n"
    "dL_i/dx_i (reduction NONE), as C99 hex floats (%a).\n"
    "\n"
    "Numbers are read with strtod (strtof for --type f32): decimal or C99 hex\n"
    "floats (0x1.8p-3), inf, nan, correctly rounded to the chosen type, so a\n"
    "decimal like 0.1 becomes the float nearest to 0.1 with --type f32 (no\n"
    "double rounding).  A number beyond the largest finite value of the type is\n"
    "an error (write inf for infinity); one that rounds to a subnormal or to\n"
    "zero is accepted.  Blank lines and lines starting with '#' are skipped;\n"
    "text after '#' following the numbers is a comment.  Fields are separated\n"
    "by blanks (spaces or tabs).\n"
    "\n"
    "A header comment before the first sample, as `bce check` writes it\n"
    "(the batch protocol of docs/PORTING.md), sets the options it names:\n"
    "  # bce-check 1 type=f64|f32|bf16|f16 [out_type=f32|bf16|f16]\n"
    "    form=logits|probs pos_weight=P label_smoothing=A clamp=0|1\n"
    "    weights=0|1 reduction=R\n"
    "An option given on the command line that the header contradicts is an\n"
    "error naming the header's line; an unknown key or version too.\n"
    "\n",
    "options:\n"
    "  --type f64|f32|bf16|f16  type of the inputs x, y, w (default f64);\n"
    "                        f32 results are printed as the float value\n"
    "                        widened to double.  bf16/f16: every number is\n"
    "                        read as a double and must be exactly a value of\n"
    "                        the type (0x1.8p-3, 0.375; not 0.1: an input\n"
    "                        error naming the line); outputs are the exact\n"
    "                        values rounded once to --out-type\n"
    "  --out-type T          bf16/f16 inputs: f32 (default; bce_logits_bf16,\n"
    "                        the mixed-precision reference) or the input's\n"
    "                        own type (bce_logits_bf16_bf16); a 16-bit output\n"
    "                        is printed as the hex float of its value (never\n"
    "                        as bits; --decimal: %.17g, exact)\n"
    "  --form logits|probs   what x is (default logits)\n"
    "  --weights             a third column w is required on every line\n"
    "  --pos-weight P        weight P >= 0 of the positive term (PyTorch\n"
    "                        pos_weight): L = -(P y log s + (1-y) log(1-s))\n"
    "  --smoothing A         label smoothing A in [0,1] (Keras):\n"
    "                        y' = y (1-A) + A/2\n"
    "  --clamp               probs only: clamp each log at -100 (PyTorch\n"
    "                        BCELoss); a clamped term has zero derivative\n"
    "  --propagate-nan       a NaN x gives NaN outputs instead of an error\n"
    "  --reduction R         none (default), sum, mean or weighted-mean: print\n"
    "                        one line \"loss\" (the reduced loss), then one\n"
    "                        line \"grad\" per sample (dLoss/dx_i)\n"
    "  --isa NAME            one of @ISAS@, auto\n"
    "                        (default: BCE_ISA or the best the CPU runs)\n"
    "  --decimal             print %.17g (f64) / %.9g (f32) instead of %a\n"
    "  --json FILE           the options, and per sample x, y (w), loss and\n"
    "                        grad, as JSON into FILE ('-' = standard output,\n"
    "                        instead of the text): {\"tool\": \"bce eval\",\n"
    "                        \"libbce\": V, \"schema\": 1, \"type\", \"form\",\n"
    "                        \"pos_weight\", \"label_smoothing\", \"clamp\",\n"
    "                        \"weights\", \"reduction\", \"isa\", \"n\", with a\n"
    "                        reduction \"loss\" (the reduced loss), \"rows\":\n"
    "                        [{\"line\", \"x\", \"y\", [\"w\",] [\"loss\",] \"grad\"}]};\n"
    "                        each value twice: \"x\": C99 hex string and\n"
    "                        \"x_dec\": decimal number (\"inf\", \"nan\" as\n"
    "                        strings)\n"
    "  --help, -h            this text\n",
    "\n"
    "The input is read completely before anything is computed or printed.\n"
    "On any error -- a malformed line (not the right count of numbers,\n"
    "trailing text, a number out of range) or a value the library rejects\n"
    "(label outside [0,1], NaN label, probability outside [0,1], negative\n"
    "weight, NaN x without --propagate-nan) -- nothing is printed on standard\n"
    "output and standard error says, e.g.:\n"
    "  bce eval: <stdin>: line 7: label outside [0,1] (BCE_E_LABEL_RANGE)\n"
    "(the input is named: a path, or <stdin>; input text quoted in a message\n"
    "is escaped: a control or non-UTF-8 byte appears as \\xNN).\n"
    "exit status: 0 success, 2 usage, input or I/O error.\n"
    "\n"
    "example:\n"
    "  $ printf '0 1\\n40 0\\n' | bce eval\n"
    "  0x1.62e42fefa39efp-1 -0x1p-1\n"
    "  0x1.4p+5 0x1p+0\n",
    NULL};

/* The parts joined once (each part stays under C99's 4095 characters). */
const char *bce_tool_eval_help(void)
{
    static char *joined;
    if (joined == NULL) {
        size_t len = 1;
        for (size_t i = 0; eval_help_parts[i]; i++)
            len += strlen(eval_help_parts[i]);
        if ((joined = malloc(len)) == NULL)
            return eval_help_parts[0];
        joined[0] = '\0';
        for (size_t i = 0; eval_help_parts[i]; i++)
            strcat(joined, eval_help_parts[i]);
    }
    return bce_tool_help(joined);
}

/* Options given on the command line (a header line must not contradict them). */
enum { GIVEN_TYPE = 1, GIVEN_FORM = 2, GIVEN_PW = 4, GIVEN_SMOOTH = 8,
       GIVEN_CLAMP = 16, GIVEN_WEIGHTS = 32, GIVEN_REDUCTION = 64,
       GIVEN_OUT = 128 };

struct eval_args {
    int f32, probs, weights, decimal;
    int t16;            /* 0, or BCE_TOOL_BF16 / BCE_TOOL_F16 (then f32 == 0) */
    int out;            /* --out-type: BCE_TOOL_F32 or t16 (16-bit inputs only); -1 unset */
    unsigned given;     /* GIVEN_* */
    const char *isa, *file, *json;
    const char *name;   /* the input in messages: path (escaped) or <stdin> */
    bce_options opt;
    size_t error_index;
};

struct samples {
    size_t n, cap;
    double *x, *y, *w; /* f32 values are stored widened (exactly) */
    size_t *line;
    double *loss, *grad;   /* results (compute, compute_reduced) */
};

static void samples_free(struct samples *s)
{
    free(s->loss);
    free(s->grad);
    free(s->x);
    free(s->y);
    free(s->w);
    free(s->line);
}

static int samples_push(struct samples *s, const double v[3], size_t line)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        if (cap > SIZE_MAX / sizeof(double) / 2)
            return -1;
        double *x = realloc(s->x, cap * sizeof *x);
        if (x != NULL)
            s->x = x;
        double *y = realloc(s->y, cap * sizeof *y);
        if (y != NULL)
            s->y = y;
        double *w = realloc(s->w, cap * sizeof *w);
        if (w != NULL)
            s->w = w;
        size_t *l = realloc(s->line, cap * sizeof *l);
        if (l != NULL)
            s->line = l;
        if (x == NULL || y == NULL || w == NULL || l == NULL)
            return -1;
        s->cap = cap;
    }
    s->x[s->n] = v[0];
    s->y[s->n] = v[1];
    s->w[s->n] = v[2];
    s->line[s->n] = line;
    s->n++;
    return 0;
}

int bce_tool_parse_double(const char *s, double *out)
{
    return bce_tool_parse_number(s, 0, out);
}

int bce_tool_parse_number(const char *s, int f32, double *out)
{
    char *end;
    errno = 0;
    double v = f32 ? (double)strtof(s, &end) : strtod(s, &end);
    if (end == s || *end != '\0' || isspace((unsigned char)*s))
        return -1;
    if (errno == ERANGE && isinf(v))
        return -1;
    *out = v;
    return 0;
}

/* The whitespace-delimited token at s, escaped and capped for a message. */
static const char *token(const char *s)
{
    size_t k = 0;
    while (s[k] != '\0' && !isspace((unsigned char)s[k]))
        k++;
    return bce_tool_escn(s, k, BCE_TOOL_ESC_TOKEN);
}

/*
 * Parse one line into v[0..want-1].  Returns the count of numbers found
 * (0 for a blank or comment line), or -1 with a message in err.
 */
static int parse_line(const char *s, int type, int want, double v[3],
                      char *err, size_t errsize)
{
    const int f32 = type == BCE_TOOL_F32;
    int count = 0;
    for (;;) {
        while (isspace((unsigned char)*s))
            s++;
        if (*s == '\0' || *s == '#')
            break;
        if (count == want) {
            snprintf(err, errsize, "unexpected text '%s' after %d numbers%s",
                     token(s), want,
                     want == 2 ? " (a weight column needs --weights)" : "");
            return -1;
        }
        char *end;
        double d;
        errno = 0;
        if (f32) {
            float f = strtof(s, &end);
            d = f;
        } else {
            d = strtod(s, &end);
        }
        if (end == s || (*end != '\0' && *end != '#' &&
                         !isspace((unsigned char)*end))) {
            snprintf(err, errsize, "not a number: '%s'",
                     token(s));
            return -1;
        }
        if (errno == ERANGE && isinf(d)) {
            snprintf(err, errsize, "number out of range for %s: '%s'",
                     bce_tool_type_name(type), token(s));
            return -1;
        }
        if (type >= BCE_TOOL_BF16 && !bce_tool_is16_exact(type, d)) {
            snprintf(err, errsize, "not a %s value (not exactly representable): '%s'",
                     bce_tool_type_name(type), token(s));
            return -1;
        }
        v[count++] = d;
        s = end;
    }
    if (count != 0 && count != want) {
        snprintf(err, errsize, "expected %d numbers (%s), found %d", want,
                 want == 3 ? "x y w" : "x y", count);
        return -1;
    }
    return count;
}

static int reduction_from_name(const char *v)
{
    static const char *const names[] = {"none", "sum", "mean", "weighted-mean"};
    for (int i = 0; i < 4; i++)
        if (strcmp(v, names[i]) == 0)
            return i;
    return -1;
}

/*
 * The header "# bce-check 1 key=value ..." (CONVENTIONS.md, the batch
 * protocol): set every option it names; an option the command line gave
 * with another value is an error.  Returns 0, or -1 with a message in err.
 */
static int parse_header(char *line, struct eval_args *a, char *err,
                        size_t errsize)
{
    char *save = NULL, *t = strtok_r(line, " \t\r\n", &save); /* "#" */
    t = strtok_r(NULL, " \t\r\n", &save);                     /* "bce-check" */
    t = strtok_r(NULL, " \t\r\n", &save);
    if (t == NULL || strcmp(t, "1") != 0) {
        snprintf(err, errsize, "bce-check header: protocol version '%s' "
                 "not supported (this bce eval speaks 1)", t ? token(t) : "");
        return -1;
    }
    while ((t = strtok_r(NULL, " \t\r\n", &save)) != NULL) {
        char *eq = strchr(t, '=');
        if (eq == NULL) {
            snprintf(err, errsize, "bce-check header: expected key=value, "
                     "not '%s'", token(t));
            return -1;
        }
        *eq = '\0';
        const char *k = t, *v = eq + 1;
        double d;
        int conflict = 0, bad = 0;
        if (strcmp(k, "type") == 0) {
            int t = bce_tool_type_from_name(v);
            bad = t < 0;
            conflict = !bad && (a->given & GIVEN_TYPE) &&
                       t != (a->t16 ? a->t16 : a->f32);
            if (!bad) {
                a->f32 = t == BCE_TOOL_F32;
                a->t16 = t >= BCE_TOOL_BF16 ? t : 0;
            }
        } else if (strcmp(k, "out_type") == 0) {
            int t = bce_tool_type_from_name(v);
            bad = t < 0;
            conflict = !bad && (a->given & GIVEN_OUT) && t != a->out;
            if (!bad)
                a->out = t;
        } else if (strcmp(k, "form") == 0) {
            int probs = strcmp(v, "probs") == 0;
            bad = !probs && strcmp(v, "logits") != 0;
            conflict = !bad && (a->given & GIVEN_FORM) && probs != a->probs;
            a->probs = probs;
        } else if (strcmp(k, "pos_weight") == 0) {
            bad = bce_tool_parse_double(v, &d) != 0 || !(d >= 0) || isinf(d);
            double cur = (a->opt.flags & BCE_OPT_POS_WEIGHT) ? a->opt.pos_weight : 1.0;
            conflict = !bad && (a->given & GIVEN_PW) && d != cur;
            if (!bad && !(a->given & GIVEN_PW) && d != 1.0) {
                a->opt.flags |= BCE_OPT_POS_WEIGHT;
                a->opt.pos_weight = d;
            }
        } else if (strcmp(k, "label_smoothing") == 0) {
            bad = bce_tool_parse_double(v, &d) != 0 || !(d >= 0 && d <= 1);
            conflict = !bad && (a->given & GIVEN_SMOOTH) && d != a->opt.label_smoothing;
            if (!bad)
                a->opt.label_smoothing = d;
        } else if (strcmp(k, "clamp") == 0 || strcmp(k, "weights") == 0) {
            int on = strcmp(v, "1") == 0, is_clamp = k[0] == 'c';
            bad = !on && strcmp(v, "0") != 0;
            if (is_clamp) {
                int cur = (a->opt.flags & BCE_OPT_LOG_CLAMP) != 0;
                conflict = !bad && (a->given & GIVEN_CLAMP) && on != cur;
                if (!bad)
                    a->opt.flags = on ? a->opt.flags | BCE_OPT_LOG_CLAMP
                                      : a->opt.flags & ~(unsigned)BCE_OPT_LOG_CLAMP;
            } else {
                conflict = !bad && (a->given & GIVEN_WEIGHTS) && on != a->weights;
                a->weights = on;
            }
        } else if (strcmp(k, "reduction") == 0) {
            int r = reduction_from_name(v);
            bad = r < 0;
            conflict = !bad && (a->given & GIVEN_REDUCTION) &&
                       (bce_reduction)r != a->opt.reduction;
            if (!bad)
                a->opt.reduction = (bce_reduction)r;
        } else {
            snprintf(err, errsize, "bce-check header: unknown key '%s'", token(k));
            return -1;
        }
        if (bad || conflict) {
            snprintf(err, errsize, "bce-check header: %s=%s %s", token(k),
                     token(v), bad ? "is not a valid value"
                                   : "contradicts the command line");
            return -1;
        }
    }
    if ((a->opt.flags & BCE_OPT_LOG_CLAMP) && !a->probs) {
        snprintf(err, errsize, "bce-check header: clamp=1 applies to form=probs only");
        return -1;
    }
    int type = a->t16 ? a->t16 : a->f32;
    if (a->out < 0)
        a->out = a->t16 ? BCE_TOOL_F32 : type;
    if (!bce_tool_out_type_ok(type, a->out)) {
        snprintf(err, errsize, "bce-check header: out_type=%s with type=%s "
                 "(out_type is f32 or the input's type)",
                 bce_tool_type_name(a->out), bce_tool_type_name(type));
        return -1;
    }
    return 0;
}

static int read_input(FILE *in, struct eval_args *a,
                      struct samples *s)
{
    char *buf = NULL;
    size_t size = 0, lineno = 0;
    ssize_t len;
    int want = a->weights ? 3 : 2, status = BCE_EXIT_OK;
    errno = 0;
    char err[512];
    while ((len = getline(&buf, &size, in)) >= 0) {
        lineno++;
        double v[3] = {0, 0, 1};
        int got;
        if ((size_t)len != strlen(buf)) {
            snprintf(err, sizeof err, "NUL byte in line");
            got = -1;
        } else if (s->n == 0 && strncmp(buf, "# bce-check", 11) == 0 &&
                   (buf[11] == ' ' || buf[11] == '\t')) {
            got = parse_header(buf, a, err, sizeof err) == 0 ? 0 : -1;
        } else {
            want = a->weights ? 3 : 2; /* a header may have set --weights */
            got = parse_line(buf, a->t16 ? a->t16 : a->f32, want, v, err, sizeof err);
        }
        if (got < 0) {
            fprintf(stderr, "bce eval: %s: line %zu: %s\n", a->name, lineno, err);
            status = BCE_EXIT_USAGE;
            break;
        }
        if (got > 0 && samples_push(s, v, lineno) != 0) {
            fprintf(stderr, "bce eval: %s: out of memory at line %zu\n", a->name,
                    lineno);
            status = BCE_EXIT_USAGE;
            break;
        }
    }
    if (status == BCE_EXIT_OK && ferror(in)) {
        /* errno: set by the getline that failed (e.g. EISDIR) */
        bce_tool_io_error("eval", a->name, "read error", errno);
        status = BCE_EXIT_USAGE;
    }
    free(buf);
    return status;
}

/* One library call on samples [b, b+m); results into s->loss, s->grad.
 * Returns the library status. */
static bce_status eval_batch(const struct eval_args *a, struct samples *s,
                             size_t b, size_t m)
{
    static double ld[EVAL_BATCH], gd[EVAL_BATCH];
    static float xf[EVAL_BATCH], yf[EVAL_BATCH], wf[EVAL_BATCH];
    static float lf[EVAL_BATCH], gf[EVAL_BATCH];
    /* no input at all: s->x etc. are NULL (valid for n == 0) */
    const double *x = s->x ? s->x + b : NULL, *y = s->y ? s->y + b : NULL;
    const double *w = a->weights && s->w ? s->w + b : NULL;
    bce_status st;
    if (a->t16) {
        st = bce_tool_call16(a->probs, a->t16, a->out, m, x, y, w, &a->opt, ld, gd);
        if (st != BCE_OK)
            return st;
    } else if (!a->f32) {
        st = a->probs ? bce_probs_f64(m, x, y, w, &a->opt, ld, gd)
                      : bce_logits_f64(m, x, y, w, &a->opt, ld, gd);
        if (st != BCE_OK)
            return st;
    } else {
        for (size_t i = 0; i < m; i++) {
            xf[i] = (float)s->x[b + i]; /* exact: parsed with strtof */
            yf[i] = (float)s->y[b + i];
            wf[i] = (float)s->w[b + i];
        }
        const float *wp = a->weights ? wf : NULL;
        st = a->probs ? bce_probs_f32(m, xf, yf, wp, &a->opt, lf, gf)
                      : bce_logits_f32(m, xf, yf, wp, &a->opt, lf, gf);
        if (st != BCE_OK)
            return st;
        for (size_t i = 0; i < m; i++) {
            ld[i] = lf[i];
            gd[i] = gf[i];
        }
    }
    if (m > 0) {
        memcpy(s->loss + b, ld, m * sizeof *ld);
        memcpy(s->grad + b, gd, m * sizeof *gd);
    }
    return BCE_OK;
}

/* A reduction: one call over every sample; the reduced loss goes to
 * *loss, the gradients to s->grad. */
static int compute_reduced(struct eval_args *a, struct samples *s, double *loss)
{
    size_t n = s->n;
    bce_status st;
    a->error_index = BCE_NO_INDEX;
    double *g = malloc((n ? n : 1) * sizeof *g);
    float *f = malloc((n ? 4 * n : 4) * sizeof *f);
    if (g == NULL || f == NULL) {
        free(g);
        free(f);
        fprintf(stderr, "bce eval: out of memory\n");
        return BCE_EXIT_USAGE;
    }
    const double *w = a->weights ? s->w : NULL;
    if (a->t16) {
        st = bce_tool_call16(a->probs, a->t16, a->out, n, s->x, s->y, w, &a->opt, loss, g);
    } else if (!a->f32) {
        st = a->probs ? bce_probs_f64(n, s->x, s->y, w, &a->opt, loss, g)
                      : bce_logits_f64(n, s->x, s->y, w, &a->opt, loss, g);
    } else {
        float *xf = f, *yf = f + n, *wf = f + 2 * n, *gf = f + 3 * n, lf = 0;
        for (size_t i = 0; i < n; i++) {
            xf[i] = (float)s->x[i]; /* exact: parsed with strtof */
            yf[i] = (float)s->y[i];
            wf[i] = (float)s->w[i];
        }
        st = a->probs ? bce_probs_f32(n, xf, yf, a->weights ? wf : NULL, &a->opt, &lf, gf)
                      : bce_logits_f32(n, xf, yf, a->weights ? wf : NULL, &a->opt, &lf, gf);
        *loss = lf;
        for (size_t i = 0; i < n && st == BCE_OK; i++)
            g[i] = gf[i];
    }
    if (st == BCE_OK && n > 0)
        memcpy(s->grad, g, n * sizeof *g);
    free(g);
    free(f);
    if (st != BCE_OK) {
        size_t i = a->error_index;
        if (i != BCE_NO_INDEX && i < n)
            fprintf(stderr, "bce eval: %s: line %zu: %s (%s)\n", a->name,
                    s->line[i], bce_strerror(st), bce_status_name(st));
        else
            fprintf(stderr, "bce eval: %s (%s)\n", bce_strerror(st),
                    bce_status_name(st));
        return BCE_EXIT_USAGE;
    }
    return BCE_EXIT_OK;
}

static int compute(struct eval_args *a, struct samples *s)
{
    size_t b = 0;
    do { /* at least one call, so that n == 0 still validates options */
        size_t m = s->n - b < EVAL_BATCH ? s->n - b : EVAL_BATCH;
        a->error_index = BCE_NO_INDEX;
        bce_status st = eval_batch(a, s, b, m);
        if (st != BCE_OK) {
            size_t i = a->error_index;
            if (i != BCE_NO_INDEX && i < m)
                fprintf(stderr, "bce eval: %s: line %zu: %s (%s)\n", a->name,
                        s->line[b + i], bce_strerror(st), bce_status_name(st));
            else
                fprintf(stderr, "bce eval: %s (%s)\n", bce_strerror(st),
                        bce_status_name(st));
            return BCE_EXIT_USAGE;
        }
        b += m;
    } while (b < s->n);
    return BCE_EXIT_OK;
}

static void print_results(const struct eval_args *a, const struct samples *s,
                          double loss)
{
    /* 16-bit outputs in decimal: %.17g, which strtod reads back to the
     * exact value (the reading rule of CONVENTIONS.md) */
    const int f32out = a->t16 ? a->out == BCE_TOOL_F32 : a->f32;
    const char *fmt = !a->decimal ? "%a %a\n"
                      : f32out    ? "%.9g %.9g\n"
                                  : "%.17g %.17g\n";
    if (a->opt.reduction != BCE_REDUCTION_NONE) {
        const char *f1 = !a->decimal ? "%a\n" : f32out ? "%.9g\n" : "%.17g\n";
        printf(f1, loss);
        for (size_t i = 0; i < s->n; i++)
            printf(f1, s->grad[i]);
        return;
    }
    for (size_t i = 0; i < s->n; i++)
        printf(fmt, s->loss[i], s->grad[i]);
}

static void write_json(FILE *f, const struct eval_args *a, const struct samples *s,
                       double loss)
{
    static const char *const red[] = {"none", "sum", "mean", "weighted-mean"};
    const int reduced = a->opt.reduction != BCE_REDUCTION_NONE;
    const char *isa = bce_active_isa();
    bcev_json_header(f, "eval", EVAL_SCHEMA);
    fputs("\"input\": ", f);
    bcev_json_str(f, a->name);
    const int type = a->t16 ? a->t16 : a->f32, f32out = a->t16 ? a->out == BCE_TOOL_F32 : a->f32;
    fprintf(f, ", \"type\": \"%s\", \"out_type\": \"%s\", \"form\": \"%s\", ",
            bce_tool_type_name(type), bce_tool_type_name(a->out),
            a->probs ? "probs" : "logits");
    bcev_json_value(f, "pos_weight",
                    (a->opt.flags & BCE_OPT_POS_WEIGHT) ? a->opt.pos_weight : 1.0, 0);
    fputs(", ", f);
    bcev_json_value(f, "label_smoothing", a->opt.label_smoothing, 0);
    fprintf(f, ", \"clamp\": %d, \"weights\": %d, \"reduction\": \"%s\", \"isa\": ",
            (a->opt.flags & BCE_OPT_LOG_CLAMP) ? 1 : 0, a->weights,
            red[(unsigned)a->opt.reduction & 3u]);
    bcev_json_str(f, isa ? isa : "");
    fprintf(f, ",\n\"n\": %zu, ", s->n);
    if (reduced) {
        bcev_json_value(f, "loss", loss, f32out);
        fputs(", ", f);
    }
    fputs("\"rows\": [", f);
    for (size_t i = 0; i < s->n; i++) {
        fprintf(f, "%s\n  {\"line\": %zu, ", i ? "," : "", s->line[i]);
        bcev_json_value(f, "x", s->x[i], a->f32);
        fputs(", ", f);
        bcev_json_value(f, "y", s->y[i], a->f32);
        if (a->weights) {
            fputs(", ", f);
            bcev_json_value(f, "w", s->w[i], a->f32);
        }
        if (!reduced) {
            fputs(", ", f);
            bcev_json_value(f, "loss", s->loss[i], f32out);
        }
        fputs(", ", f);
        bcev_json_value(f, "grad", s->grad[i], f32out);
        fputc('}', f);
    }
    fputs("\n]}\n", f);
}

static int usage(const char *fmt, const char *arg)
{
    fputs("bce eval: ", stderr);
    fprintf(stderr, fmt, bce_tool_esc(arg, BCE_TOOL_ESC_NAME));
    fputs("\ntry 'bce help eval'\n", stderr);
    return BCE_EXIT_USAGE;
}

/* Match "--name VALUE" or "--name=VALUE"; advances *i past the value. */
static int opt_value(int argc, char **argv, int *i, const char *name,
                     const char **value)
{
    size_t len = strlen(name);
    const char *arg = argv[*i];
    if (strncmp(arg, name, len) != 0)
        return 0;
    if (arg[len] == '=') {
        *value = arg + len + 1;
        return 1;
    }
    if (arg[len] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        *value = NULL;
        return 1;
    }
    *value = argv[++*i];
    return 1;
}

static int parse_args(int argc, char **argv, struct eval_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *v = NULL;
        double d;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(bce_tool_eval_help(), stdout);
            return -1;
        } else if (strcmp(arg, "--weights") == 0) {
            a->weights = 1;
            a->given |= GIVEN_WEIGHTS;
        } else if (strcmp(arg, "--clamp") == 0) {
            a->opt.flags |= BCE_OPT_LOG_CLAMP;
            a->given |= GIVEN_CLAMP;
        } else if (opt_value(argc, argv, &i, "--reduction", &v)) {
            int r = v ? reduction_from_name(v) : -1;
            if (r < 0)
                return usage("--reduction wants none, sum, mean or "
                             "weighted-mean, not '%s'", v ? v : "");
            a->opt.reduction = (bce_reduction)r;
            a->given |= GIVEN_REDUCTION;
        } else if (strcmp(arg, "--propagate-nan") == 0) {
            a->opt.flags |= BCE_OPT_PROPAGATE_NAN;
        } else if (strcmp(arg, "--decimal") == 0) {
            a->decimal = 1;
        } else if (strcmp(arg, "--json") == 0) {
            a->json = bcev_json_arg("eval", arg, i + 1 < argc ? argv[i + 1] : NULL);
            if (a->json == NULL)
                return BCE_EXIT_USAGE;
            i++;
        } else if (opt_value(argc, argv, &i, "--type", &v)) {
            int t = bce_tool_type_from_name(v);
            if (t < 0)
                return usage("--type wants f64, f32, bf16 or f16, not '%s'", v ? v : "");
            a->f32 = t == BCE_TOOL_F32;
            a->t16 = t >= BCE_TOOL_BF16 ? t : 0;
            a->given |= GIVEN_TYPE;
        } else if (opt_value(argc, argv, &i, "--out-type", &v)) {
            int t = bce_tool_type_from_name(v);
            if (t < 0)
                return usage("--out-type wants f32, bf16 or f16, not '%s'", v ? v : "");
            a->out = t;
            a->given |= GIVEN_OUT;
        } else if (opt_value(argc, argv, &i, "--form", &v)) {
            if (v == NULL || (strcmp(v, "logits") && strcmp(v, "probs")))
                return usage("--form wants logits or probs, not '%s'",
                             v ? v : "");
            a->probs = strcmp(v, "probs") == 0;
            a->given |= GIVEN_FORM;
        } else if (opt_value(argc, argv, &i, "--isa", &v)) {
            if (v == NULL)
                return usage("%s wants a value", "--isa");
            a->isa = v;
        } else if (opt_value(argc, argv, &i, "--pos-weight", &v)) {
            if (v == NULL || bce_tool_parse_double(v, &d) != 0 ||
                !(d >= 0) || isinf(d))
                return usage("--pos-weight wants a finite number >= 0, "
                             "not '%s'", v ? v : "");
            a->opt.flags |= BCE_OPT_POS_WEIGHT;
            a->opt.pos_weight = d;
            a->given |= GIVEN_PW;
        } else if (opt_value(argc, argv, &i, "--smoothing", &v)) {
            if (v == NULL || bce_tool_parse_double(v, &d) != 0 ||
                !(d >= 0 && d <= 1))
                return usage("--smoothing wants a number in [0,1], not '%s'",
                             v ? v : "");
            a->opt.label_smoothing = d;
            a->given |= GIVEN_SMOOTH;
        } else if (strcmp(arg, "-") == 0 || arg[0] != '-') {
            if (a->file != NULL)
                return usage("only one input file, not also '%s'", arg);
            a->file = arg;
        } else {
            return usage("unknown option '%s'", arg);
        }
    }
    if ((a->opt.flags & BCE_OPT_LOG_CLAMP) && !a->probs)
        return usage("%s applies to --form probs only", "--clamp");
    if (a->out >= 0 && (a->given & GIVEN_TYPE)) {
        int type = a->t16 ? a->t16 : a->f32;
        if (!bce_tool_out_type_ok(type, a->out))
            return usage("--out-type %s: the output type is f32 or the input's "
                         "type (bf16, f16)", bce_tool_type_name(a->out));
    }
    return 0;
}

int bce_tool_eval(int argc, char **argv)
{
    struct eval_args a;
    memset(&a, 0, sizeof a);
    a.opt.reduction = BCE_REDUCTION_NONE;
    a.opt.error_index = &a.error_index;
    a.out = -1;
    int r = parse_args(argc, argv, &a);
    if (r != 0)
        return r < 0 ? BCE_EXIT_OK : r;
    if (a.isa != NULL) {
        bce_status st = bce_set_isa(a.isa);
        if (st != BCE_OK) {
            fprintf(stderr, "bce eval: --isa %s: %s (%s)\n",
                    bce_tool_esc(a.isa, BCE_TOOL_ESC_NAME),
                    bce_strerror(st), bce_status_name(st));
            return BCE_EXIT_USAGE;
        }
    }
    FILE *in = stdin;
    char name[4 * BCE_TOOL_ESC_NAME + 8];
    snprintf(name, sizeof name, "%s", bce_tool_input_name(a.file));
    a.name = name;
    if (a.file != NULL && strcmp(a.file, "-") != 0) {
        in = fopen(a.file, "r");
        if (in == NULL) {
            bce_tool_io_error("eval", a.name, "cannot open", errno);
            return BCE_EXIT_USAGE;
        }
    }
    struct samples s;
    memset(&s, 0, sizeof s);
    int status = read_input(in, &a, &s);
    if (a.out < 0)
        a.out = a.t16 ? BCE_TOOL_F32 : a.f32;
    if (status == BCE_EXIT_OK && !bce_tool_out_type_ok(a.t16 ? a.t16 : a.f32, a.out)) {
        fprintf(stderr, "bce eval: --out-type %s with --type %s: the output type "
                "is f32 or the input's type (bf16, f16)\n", bce_tool_type_name(a.out),
                bce_tool_type_name(a.t16 ? a.t16 : a.f32));
        status = BCE_EXIT_USAGE;
    }
    if (in != stdin)
        fclose(in);
    double loss = 0;
    if (status == BCE_EXIT_OK) {
        s.loss = malloc((s.n ? s.n : 1) * sizeof *s.loss);
        s.grad = malloc((s.n ? s.n : 1) * sizeof *s.grad);
        if (s.loss == NULL || s.grad == NULL) {
            fprintf(stderr, "bce eval: out of memory\n");
            status = BCE_EXIT_USAGE;
        }
    }
    if (status == BCE_EXIT_OK)
        status = a.opt.reduction != BCE_REDUCTION_NONE ? compute_reduced(&a, &s, &loss)
                                                       : compute(&a, &s);
    /* the JSON file is created only once the results are known (an input
     * error leaves no file behind) */
    FILE *jf = NULL;
    if (status == BCE_EXIT_OK && a.json && (jf = bcev_json_open("eval", a.json)) == NULL)
        status = BCE_EXIT_USAGE;
    if (status == BCE_EXIT_OK && jf != stdout)
        print_results(&a, &s, loss);
    if (jf) {
        write_json(jf, &a, &s, loss);
        if (bcev_json_close("eval", a.json, jf) != 0)
            status = BCE_EXIT_USAGE;
    }
    samples_free(&s);
    return status;
}

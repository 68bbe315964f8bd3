/*
 * gradcheck.c -- `bce gradcheck`: the fused logistic-regression gradient
 * (bce_logreg_f64) and Hessian-vector product (bce_logreg_hvp_f64) checked
 * by finite differences (libbce-verify's bce_gradcheck.h), on generated data
 * or on a CSV file.  Exit status: 0 every check passed, 1 a check failed,
 * 2 usage or input error.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bce.h"
#include "bce_gradcheck.h"
#include "csv.h"
#include "tool.h"

static const char gradcheck_help[] =
    "usage: bce gradcheck [options]\n"
    "\n"
    "Check the gradient of the fused logistic-regression loss\n"
    "(bce_logreg_f64) and its Hessian-vector product (bce_logreg_hvp_f64)\n"
    "by finite differences, without using the formulas they implement.\n"
    "\n"
    "data (default: generated):\n"
    "  --n N                 generated rows (default 1000)\n"
    "  --k K                 generated features (default 8)\n"
    "  --seed S              seed of the data, the parameters and the\n"
    "                        directions (default 1)\n"
    "  --tails F             fraction of generated rows moved to |z| in\n"
    "                        [30,45], yhat -> 0 or 1 (default 0.1)\n"
    "  --csv FILE            read the data from FILE ('-' = stdin): a header\n"
    "                        row of column names, then numeric rows; every\n"
    "                        column but the label (and weight) is a feature\n"
    "  --label-column NAME   label column of the CSV (default: the last)\n"
    "  --weight-column NAME  sample-weight column of the CSV (default: none)\n"
    "problem:\n"
    "  --l2 L                L2 strength lambda >= 0 (default 0)\n"
    "  --intercept, --no-intercept   fit w0 (default: --intercept)\n"
    "  --reduction R         sum, mean or weighted-mean (default mean)\n"
    "  --pos-weight P        PyTorch pos_weight P >= 0\n"
    "  --smoothing A         label smoothing A in [0,1]\n"
    "  --isa NAME            one of @ISAS@, auto\n"
    "checks:\n"
    "  --mode M              fd, directional, hvp, mpfr or all (default all);\n"
    "                        may be repeated\n"
    "      fd           every coordinate: central differences of the loss,\n"
    "                   Richardson-extrapolated, exact steps\n"
    "      directional  --ndirs random unit directions u: grad . u against\n"
    "                   d/dt loss(w + t u) (cost independent of k)\n"
    "      hvp          Hv against d/dt grad(w + t v), v random\n"
    "      mpfr         the loss at --prec bits, step 2^-80 |w_j|: a\n"
    "                   finite-difference gradient to ~45 digits; the double\n"
    "                   gradient must be within 2^-52 |g_j| + 2^-60 S_j\n"
    "                   (S_j: condition sums of the MPFR reference,\n"
    "                   grad_sig + grad_zcond + grad_cond) + the FD estimate\n"
    "  --ndirs N             directions of the directional mode (default 8)\n"
    "  --rtol R, --atol A    tolerances of fd, directional and hvp (default\n"
    "                        1e-7 and 0): pass iff |claimed - fd| <=\n"
    "                        atol + rtol |fd| + the estimated FD error\n"
    "  --prec BITS           precision of the mpfr mode (default 256, >= 64)\n"
    "  --mpfr-rows N         the mpfr mode checks the gradient of the problem\n"
    "                        made of the first N rows (default 20000; it\n"
    "                        costs ~20 us per row and evaluation, 4m+1\n"
    "                        evaluations)\n"
    "  --perturb J:REL       self-test: multiply the claimed gradient and Hv\n"
    "                        entry J (0-based, intercept first) by 1+REL\n"
    "                        before checking (the checks should then fail)\n"
    "  --json                print one JSON object instead of text\n"
    "  --help, -h            this text\n"
    "\n"
    "The parameters checked at: generated data, w_j uniform in\n"
    "[-1,1]/sqrt(k); CSV, w_j uniform in [-1,1] / (sqrt(k) rms of column j),\n"
    "so that z is of order 1 (both from --seed).  For a CSV the fd,\n"
    "directional and hvp modes differentiate with respect to theta_j =\n"
    "w_j / p_j, p_j the power of two nearest 1/rms of column j (exact\n"
    "scalings), so that one step size suits every column; the values they\n"
    "report are p_j times the derivatives with respect to w_j.\n"
    "\n"
    "Output: one line per check,\n"
    "  PASS|FAIL MODE: worst J claimed G fd D abs E rel R est F tol T ...\n"
    "then \"result: PASS\" or \"result: FAIL\".\n"
    "exit status: 0 every check passed, 1 a check failed, 2 usage or input\n"
    "error (a bad CSV names the line and the column).\n"
    "\n"
    "examples:\n"
    "  bce gradcheck --n 5000 --k 32 --l2 0.01\n"
    "  bce gradcheck --csv data.csv --label-column y --mode fd --json\n";

const char *bce_tool_gradcheck_help(void) { return bce_tool_help(gradcheck_help); }

enum { M_FD = 1, M_DIR = 2, M_HVP = 4, M_MPFR = 8, M_ALL = 15 };

typedef struct gc_args {
    size_t n, k, ndirs;
    uint64_t seed;
    double tails, l2, rtol, atol;
    const char *csv, *label, *weight, *isa;
    int intercept, modes, json, perturb;
    long prec;
    size_t pj, mpfr_rows;
    double prel;
    bce_options opt;
} gc_args;

static int usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "bce gradcheck: ");
    fprintf(stderr, fmt, bce_tool_esc(arg, BCE_TOOL_ESC_NAME));
    fprintf(stderr, "\ntry 'bce gradcheck --help'\n");
    return BCE_EXIT_USAGE;
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    if (s[0] == '-' || s[0] == '\0')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0' || errno != 0)
        return -1;
    *out = (size_t)v;
    return (unsigned long long)*out == v ? 0 : -1;
}

static int parse_args(int argc, char **argv, gc_args *a)
{
    memset(a, 0, sizeof *a);
    a->n = 1000;
    a->k = 8;
    a->ndirs = 8;
    a->seed = 1;
    a->tails = 0.1;
    a->rtol = 1e-7;
    a->intercept = 1;
    a->prec = 256;
    a->mpfr_rows = 20000;
    a->opt.reduction = BCE_REDUCTION_MEAN;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;
        size_t sz;
        double d;
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            return -1;
        } else if (strcmp(o, "--intercept") == 0) {
            a->intercept = 1;
            takes = 0;
        } else if (strcmp(o, "--no-intercept") == 0) {
            a->intercept = 0;
            takes = 0;
        } else if (strcmp(o, "--json") == 0) {
            a->json = 1;
            takes = 0;
        } else if (strncmp(o, "--", 2) != 0) {
            return usage("unexpected argument '%s'", o);
        }
        if (!takes)
            continue;
        if (val == NULL) {
            if (strcmp(o, "--n") && strcmp(o, "--k") && strcmp(o, "--seed")
                && strcmp(o, "--tails") && strcmp(o, "--csv")
                && strcmp(o, "--label-column") && strcmp(o, "--weight-column")
                && strcmp(o, "--l2") && strcmp(o, "--reduction")
                && strcmp(o, "--pos-weight") && strcmp(o, "--smoothing")
                && strcmp(o, "--isa") && strcmp(o, "--mode")
                && strcmp(o, "--ndirs") && strcmp(o, "--rtol")
                && strcmp(o, "--atol") && strcmp(o, "--prec")
                && strcmp(o, "--perturb") && strcmp(o, "--mpfr-rows"))
                return usage("unknown option '%s'", o);
            return usage("%s needs a value", o);
        }
        i++;
        if (strcmp(o, "--n") == 0) {
            if (parse_size(val, &a->n) != 0 || a->n == 0 || a->n > ((size_t)1 << 28))
                return usage("--n wants an integer in [1, 2^28], not '%s'", val);
        } else if (strcmp(o, "--k") == 0) {
            if (parse_size(val, &a->k) != 0 || a->k == 0 || a->k > 4096)
                return usage("--k wants an integer in [1, 4096], not '%s'", val);
        } else if (strcmp(o, "--seed") == 0) {
            if (parse_size(val, &sz) != 0)
                return usage("--seed wants a non-negative integer, not '%s'", val);
            a->seed = (uint64_t)sz;
        } else if (strcmp(o, "--ndirs") == 0) {
            if (parse_size(val, &a->ndirs) != 0 || a->ndirs == 0 || a->ndirs > 100000)
                return usage("--ndirs wants an integer in [1, 100000], not '%s'", val);
        } else if (strcmp(o, "--mpfr-rows") == 0) {
            if (parse_size(val, &a->mpfr_rows) != 0 || a->mpfr_rows == 0)
                return usage("--mpfr-rows wants a positive integer, not '%s'", val);
        } else if (strcmp(o, "--prec") == 0) {
            if (parse_size(val, &sz) != 0 || sz < 64 || sz > 65536)
                return usage("--prec wants an integer in [64, 65536], not '%s'", val);
            a->prec = (long)sz;
        } else if (strcmp(o, "--tails") == 0) {
            if (bce_tool_parse_double(val, &d) != 0 || !(d >= 0.0 && d <= 1.0))
                return usage("--tails wants a number in [0,1], not '%s'", val);
            a->tails = d;
        } else if (strcmp(o, "--l2") == 0) {
            if (bce_tool_parse_double(val, &d) != 0 || !(d >= 0.0 && d < INFINITY))
                return usage("--l2 wants a finite number >= 0, not '%s'", val);
            a->l2 = d;
        } else if (strcmp(o, "--rtol") == 0 || strcmp(o, "--atol") == 0) {
            if (bce_tool_parse_double(val, &d) != 0 || !(d >= 0.0 && d < INFINITY))
                return usage("--rtol/--atol want a finite number >= 0, not '%s'", val);
            *(o[2] == 'r' ? &a->rtol : &a->atol) = d;
        } else if (strcmp(o, "--pos-weight") == 0) {
            if (bce_tool_parse_double(val, &d) != 0 || !(d >= 0.0 && d < INFINITY))
                return usage("--pos-weight wants a finite number >= 0, not '%s'", val);
            a->opt.flags |= BCE_OPT_POS_WEIGHT;
            a->opt.pos_weight = d;
        } else if (strcmp(o, "--smoothing") == 0) {
            if (bce_tool_parse_double(val, &d) != 0 || !(d >= 0.0 && d <= 1.0))
                return usage("--smoothing wants a number in [0,1], not '%s'", val);
            a->opt.label_smoothing = d;
        } else if (strcmp(o, "--reduction") == 0) {
            if (strcmp(val, "sum") == 0)
                a->opt.reduction = BCE_REDUCTION_SUM;
            else if (strcmp(val, "mean") == 0)
                a->opt.reduction = BCE_REDUCTION_MEAN;
            else if (strcmp(val, "weighted-mean") == 0)
                a->opt.reduction = BCE_REDUCTION_WEIGHTED_MEAN;
            else
                return usage("--reduction wants sum, mean or weighted-mean, not '%s'", val);
        } else if (strcmp(o, "--mode") == 0) {
            int m = strcmp(val, "fd") == 0 ? M_FD
                    : strcmp(val, "directional") == 0 ? M_DIR
                    : strcmp(val, "hvp") == 0 ? M_HVP
                    : strcmp(val, "mpfr") == 0 ? M_MPFR
                    : strcmp(val, "all") == 0 ? M_ALL : 0;
            if (m == 0)
                return usage("--mode wants fd, directional, hvp, mpfr or all, not '%s'", val);
            a->modes |= m;
        } else if (strcmp(o, "--perturb") == 0) {
            char buf[128], *colon;
            snprintf(buf, sizeof buf, "%s", val);
            colon = strchr(buf, ':');
            if (colon == NULL)
                return usage("--perturb wants J:REL, not '%s'", val);
            *colon = '\0';
            if (parse_size(buf, &a->pj) != 0
                || bce_tool_parse_double(colon + 1, &a->prel) != 0
                || !isfinite(a->prel))
                return usage("--perturb wants J:REL, not '%s'", val);
            a->perturb = 1;
        } else if (strcmp(o, "--csv") == 0) {
            a->csv = val;
        } else if (strcmp(o, "--label-column") == 0) {
            a->label = val;
        } else if (strcmp(o, "--weight-column") == 0) {
            a->weight = val;
        } else if (strcmp(o, "--isa") == 0) {
            a->isa = val;
        } else {
            return usage("unknown option '%s'", o);
        }
    }
    if (a->modes == 0)
        a->modes = M_ALL;
    if (a->csv == NULL && (a->label || a->weight))
        return usage("%s needs --csv", a->label ? "--label-column" : "--weight-column");
    return 0;
}

/* ------------------------------------------------------------------ */
/* Data                                                                  */

typedef struct gc_data {
    size_t n, k, m;
    double *x, *y, *sw, *w, *v;
    double *pscale;           /* k+1: parameter scales (intercept first)   */
    int scaled;               /* some pscale != 1                          */
    size_t *line;             /* CSV: input line of each row               */
    long *col;                /* CSV: CSV column of each feature           */
    long ycol, wcol;
    bce_csv csv;
    size_t ntails;
} gc_data;

static void data_free(gc_data *d)
{
    free(d->x);
    free(d->y);
    free(d->sw);
    free(d->w);
    free(d->v);
    free(d->col);
    free(d->pscale);
    bce_csv_free(&d->csv);
}

static int alloc_data(gc_data *d)
{
    d->x = malloc(d->n * (d->k ? d->k : 1) * sizeof *d->x);
    d->y = malloc(d->n * sizeof *d->y);
    d->w = malloc((d->k + 1) * sizeof *d->w);
    d->v = malloc((d->k + 1) * sizeof *d->v);
    d->pscale = malloc((d->k + 1) * sizeof *d->pscale);
    if (!d->x || !d->y || !d->w || !d->v || !d->pscale) {
        fprintf(stderr, "bce gradcheck: out of memory\n");
        return -1;
    }
    return 0;
}

/* Parameters and direction: w_j uniform [-1,1] / (sqrt(k) scale_j), the
 * intercept uniform [-1,1]; v uniform [-1,1] / scale_j. */
static void make_params(gc_data *d, bcev_rng *r, const double *scale)
{
    double sk = sqrt((double)d->k);
    d->w[0] = 2.0 * bcev_rng_unif(r) - 1.0;
    d->v[0] = 2.0 * bcev_rng_unif(r) - 1.0;
    for (size_t j = 0; j < d->k; j++) {
        double sc = scale ? scale[j] : 1.0;
        d->w[1 + j] = (2.0 * bcev_rng_unif(r) - 1.0) / (sk * sc);
        d->v[1 + j] = (2.0 * bcev_rng_unif(r) - 1.0) / sc;
    }
}

static int generate(const gc_args *a, gc_data *d)
{
    d->n = a->n;
    d->k = a->k;
    if (alloc_data(d) != 0)
        return -1;
    bcev_rng r;
    bcev_rng_seed(&r, a->seed);
    make_params(d, &r, NULL);
    for (size_t j = 0; j <= d->k; j++)
        d->pscale[j] = 1.0;
    double nw = 0.0;
    for (size_t j = 0; j < d->k; j++)
        nw += d->w[1 + j] * d->w[1 + j];
    size_t every = a->tails > 0 ? (size_t)(1.0 / a->tails + 0.5) : 0;
    for (size_t i = 0; i < d->n; i++) {
        double *xi = d->x + i * d->k, z = d->w[0];
        for (size_t j = 0; j < d->k; j++) {
            xi[j] = 4.0 * bcev_rng_unif(&r) - 2.0;
            z += xi[j] * d->w[1 + j];
        }
        int tail = every > 0 && i % every == 0 && nw > 0.0;
        if (tail) {
            /* move x_i along w: z = +-(30..45), yhat -> 1 or 0 */
            double t = (bcev_rng_next(&r) & 1 ? 1.0 : -1.0)
                       * (30.0 + 15.0 * bcev_rng_unif(&r));
            for (size_t j = 0; j < d->k; j++)
                xi[j] += (t - z) * d->w[1 + j] / nw;
            z = t;
            d->ntails++;
        }
        /* labels drawn from the model (tails: half of them the unlikely one) */
        double p = 1.0 / (1.0 + exp(-z));
        if (tail && (bcev_rng_next(&r) & 1))
            p = 1.0 - p;
        d->y[i] = bcev_rng_unif(&r) < p ? 1.0 : 0.0;
    }
    return 0;
}

static int load_csv(const gc_args *a, gc_data *d)
{
    char err[2048];
    if (bce_csv_read(a->csv, &d->csv, err, sizeof err) != 0) {
        fprintf(stderr, "bce gradcheck: %s\n", err);
        return -1;
    }
    const bce_csv *c = &d->csv;
    char name[4 * BCE_TOOL_ESC_NAME + 8];                /* as csv.c names it */
    snprintf(name, sizeof name, "%s", bce_tool_input_name(a->csv));
    d->ycol = a->label ? bce_csv_column(c, a->label) : (long)c->ncol - 1;
    if (d->ycol < 0) {
        fprintf(stderr, "bce gradcheck: %s: no column named '%s' in the header\n",
                name, bce_tool_esc(a->label, BCE_TOOL_ESC_TOKEN));
        return -1;
    }
    d->wcol = -1;
    if (a->weight) {
        d->wcol = bce_csv_column(c, a->weight);
        if (d->wcol < 0) {
            fprintf(stderr, "bce gradcheck: %s: no column named '%s' in the header\n",
                    name, bce_tool_esc(a->weight, BCE_TOOL_ESC_TOKEN));
            return -1;
        }
        if (d->wcol == d->ycol) {
            fprintf(stderr, "bce gradcheck: %s: the label and weight columns are "
                            "the same ('%s')\n", name,
                    bce_tool_esc(a->weight, BCE_TOOL_ESC_TOKEN));
            return -1;
        }
    }
    d->n = c->nrow;
    d->k = c->ncol - 1 - (d->wcol >= 0);
    if (d->k == 0 && !a->intercept) {
        fprintf(stderr, "bce gradcheck: %s: no feature column and no intercept: "
                        "nothing to check\n", name);
        return -1;
    }
    d->col = malloc((d->k ? d->k : 1) * sizeof *d->col);
    if (d->col == NULL || alloc_data(d) != 0)
        return -1;
    if (d->wcol >= 0 && (d->sw = malloc(d->n * sizeof *d->sw)) == NULL)
        return -1;
    size_t j = 0;
    for (size_t cc = 0; cc < c->ncol; cc++)
        if ((long)cc != d->ycol && (long)cc != d->wcol)
            d->col[j++] = (long)cc;
    double *rms = calloc(d->k ? d->k : 1, sizeof *rms);
    if (rms == NULL)
        return -1;
    for (size_t i = 0; i < d->n; i++) {
        const double *row = c->v + i * c->ncol;
        for (j = 0; j < d->k; j++) {
            d->x[i * d->k + j] = row[d->col[j]];
            rms[j] += row[d->col[j]] * row[d->col[j]] / (double)d->n;
        }
        d->y[i] = row[d->ycol];
        if (d->sw)
            d->sw[i] = row[d->wcol];
    }
    for (j = 0; j < d->k; j++)
        rms[j] = rms[j] > 0.0 && rms[j] < INFINITY ? sqrt(rms[j]) : 1.0;
    bcev_rng r;
    bcev_rng_seed(&r, a->seed);
    make_params(d, &r, rms);
    /* parameter scales: the power of two nearest 1/rms of each column */
    d->pscale[0] = 1.0;
    for (j = 0; j < d->k; j++) {
        d->pscale[1 + j] = ldexp(1.0, -(int)lround(log2(rms[j])));
        d->scaled |= d->pscale[1 + j] != 1.0;
    }
    free(rms);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Objectives                                                            */

/* The double modes work in scaled parameters theta_l = w_l / p_l (p_l a
 * power of two, so every scaling is exact): f~(theta) = loss(p theta),
 * grad f~ = p grad, and d/dt grad f~(theta + t v~) = p H (p v~). */
typedef struct gc_obj {
    const bce_logreg_f64_problem *pb;
    const bce_options *opt;
    const double *p;          /* m scales */
    double *buf;              /* m        */
    size_t m;
} gc_obj;

static const double *unscale(gc_obj *o, const double *theta)
{
    for (size_t l = 0; l < o->m; l++)
        o->buf[l] = theta[l] * o->p[l];
    return o->buf;
}

static double obj_loss(const double *theta, void *ctx)
{
    gc_obj *o = ctx;
    double l;
    return bce_logreg_f64(o->pb, unscale(o, theta), o->opt, &l, NULL, NULL)
                   == BCE_OK ? l : NAN;
}

static int obj_grad(const double *theta, double *g, void *ctx)
{
    gc_obj *o = ctx;
    if (bce_logreg_f64(o->pb, unscale(o, theta), o->opt, NULL, g, NULL) != BCE_OK)
        return -1;
    for (size_t l = 0; l < o->m; l++)
        g[l] *= o->p[l];
    return 0;
}

/* A library error on the data, named by input line and column for CSVs. */
static int data_error(const gc_args *a, const gc_data *d, bce_status st,
                      size_t idx)
{
    const char *what = bce_strerror(st), *name = bce_status_name(st);
    if (a->csv && idx != BCE_NO_INDEX) {
        const bce_csv *c = &d->csv;
        size_t row = idx, col = (size_t)d->ycol;
        if (st == BCE_E_NONFINITE_FEATURE) {
            row = idx / (d->k ? d->k : 1);
            col = (size_t)d->col[idx % (d->k ? d->k : 1)];
        } else if (st == BCE_E_NAN_WEIGHT || st == BCE_E_WEIGHT_RANGE) {
            col = (size_t)d->wcol;
        }
        if (st != BCE_E_NONFINITE_PARAM && row < d->n) {
            fprintf(stderr, "bce gradcheck: %s: line %zu, column %zu (%s): %s (%s)\n",
                    bce_tool_input_name(a->csv), c->line[row], col + 1,
                    bce_tool_esc(c->names[col], BCE_TOOL_ESC_TOKEN), what, name);
            return BCE_EXIT_USAGE;
        }
    }
    if (idx != BCE_NO_INDEX)
        fprintf(stderr, "bce gradcheck: row/index %zu: %s (%s)\n", idx, what, name);
    else
        fprintf(stderr, "bce gradcheck: %s (%s)\n", what, name);
    return BCE_EXIT_USAGE;
}

/* ------------------------------------------------------------------ */
/* Output                                                                */

static void jnum(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.17g", v);
    else
        fputs("null", f);
}

static void print_report(const gc_args *a, const char *mode,
                         const bcev_gc_report *r, int first)
{
    if (!a->json) {
        bcev_gc_print(stdout, mode, r);
        return;
    }
    printf("%s\n    {\"mode\": \"%s\", \"pass\": %s, \"worst\": %zu, \"claimed\": ",
           first ? "" : ",", mode, r->pass ? "true" : "false", r->worst);
    jnum(stdout, r->claimed);
    printf(", \"fd\": ");
    jnum(stdout, r->fd);
    printf(", \"abs_err\": ");
    jnum(stdout, r->abs_err);
    printf(", \"rel_err\": ");
    jnum(stdout, r->rel_err);
    printf(", \"fd_err\": ");
    jnum(stdout, r->fd_err);
    printf(", \"tol\": ");
    jnum(stdout, r->tol);
    printf(", \"ratio\": ");
    jnum(stdout, r->ratio);
    printf(", \"max_abs_err\": ");
    jnum(stdout, r->max_abs_err);
    printf(", \"max_rel_err\": ");
    jnum(stdout, r->max_rel_err);
    printf(", \"n_fail\": %zu, \"count\": %zu, \"evals\": %zu}", r->n_fail,
           r->count, r->n_evals);
}

static const char *red_name(bce_reduction r)
{
    return r == BCE_REDUCTION_SUM ? "sum"
           : r == BCE_REDUCTION_WEIGHTED_MEAN ? "weighted-mean"
           : r == BCE_REDUCTION_MEAN ? "mean" : "none";
}

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            printf("\\%c", ch);
        else if (ch < 0x20)
            printf("\\u%04x", ch);
        else
            putchar(ch);
    }
    putchar('"');
}

/* ------------------------------------------------------------------ */

int bce_tool_gradcheck(int argc, char **argv)
{
    gc_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc < 0) {
        fputs(bce_tool_gradcheck_help(), stdout);
        return BCE_EXIT_OK;
    }
    if (rc != 0)
        return rc;
    if (a.isa) {
        bce_status st = bce_set_isa(a.isa);
        if (st != BCE_OK) {
            fprintf(stderr, "bce gradcheck: --isa %s: %s (%s)\n",
                    bce_tool_esc(a.isa, BCE_TOOL_ESC_NAME),
                    bce_strerror(st), bce_status_name(st));
            return BCE_EXIT_USAGE;
        }
    }
    gc_data d;
    memset(&d, 0, sizeof d);
    if ((a.csv ? load_csv(&a, &d) : generate(&a, &d)) != 0) {
        data_free(&d);
        return BCE_EXIT_USAGE;
    }
    d.m = d.k + (size_t)a.intercept;
    const double *w = a.intercept ? d.w : d.w + 1;
    const double *v = a.intercept ? d.v : d.v + 1;
    bce_logreg_f64_problem pb = {d.n, d.k, d.x, d.k, d.y, d.sw, a.intercept, a.l2};
    size_t bad = BCE_NO_INDEX;
    bce_options opt = a.opt;
    opt.error_index = &bad;
    double loss;
    double *g = malloc(d.m * sizeof *g), *hv = malloc(d.m * sizeof *hv);
    if (g == NULL || hv == NULL) {
        free(g);
        free(hv);
        data_free(&d);
        fprintf(stderr, "bce gradcheck: out of memory\n");
        return BCE_EXIT_USAGE;
    }
    bce_status st = bce_logreg_f64(&pb, w, &opt, &loss, g, NULL);
    if (st == BCE_OK && (a.modes & M_HVP))
        st = bce_logreg_hvp_f64(&pb, w, v, &opt, hv);
    if (st != BCE_OK) {
        rc = data_error(&a, &d, st, bad);
        free(g);
        free(hv);
        data_free(&d);
        return rc;
    }
    opt.error_index = NULL;
    const double *ps = a.intercept ? d.pscale : d.pscale + 1;
    double *sbuf = malloc(5 * d.m * sizeof *sbuf);
    if (sbuf == NULL) {
        fprintf(stderr, "bce gradcheck: out of memory\n");
        free(g);
        free(hv);
        data_free(&d);
        return BCE_EXIT_USAGE;
    }
    gc_obj obj = {&pb, &opt, ps, sbuf, d.m};
    double *theta = sbuf + d.m, *gt = theta + d.m, *vt = gt + d.m, *hvt = vt + d.m;
    if (a.perturb) {
        if (a.pj >= d.m) {
            fprintf(stderr, "bce gradcheck: --perturb %zu: the problem has %zu "
                            "parameters\n", a.pj, d.m);
            free(g);
            free(hv);
            free(sbuf);
            data_free(&d);
            return BCE_EXIT_USAGE;
        }
        g[a.pj] *= 1.0 + a.prel;
        hv[a.pj] *= 1.0 + a.prel;
    }
    for (size_t l = 0; l < d.m; l++) {     /* exact: powers of two */
        theta[l] = w[l] / ps[l];
        gt[l] = g[l] * ps[l];
        vt[l] = v[l] / ps[l];
        hvt[l] = hv[l] * ps[l];
    }

    if (a.json) {
        printf("{\n  \"data\": {\"source\": ");
        if (a.csv) {
            printf("\"csv\", \"file\": ");
            json_string(a.csv);
            printf(", \"label_column\": ");
            json_string(d.csv.names[d.ycol]);
        } else {
            printf("\"generated\", \"seed\": %llu, \"tail_rows\": %zu",
                   (unsigned long long)a.seed, d.ntails);
        }
        printf(", \"n\": %zu, \"k\": %zu, \"m\": %zu, \"intercept\": %s, "
               "\"l2\": ", d.n, d.k, d.m, a.intercept ? "true" : "false");
        jnum(stdout, a.l2);
        printf(", \"reduction\": \"%s\", \"isa\": \"%s\", \"scaled\": %s, "
               "\"loss\": ", red_name(a.opt.reduction), bce_active_isa(),
               d.scaled ? "true" : "false");
        jnum(stdout, loss);
        printf("},\n  \"checks\": [");
    } else {
        if (a.csv)
            printf("bce gradcheck: %s, label '%s': n=%zu k=%zu",
                   bce_tool_input_name(a.csv),
                   bce_tool_esc(d.csv.names[d.ycol], BCE_TOOL_ESC_TOKEN), d.n, d.k);
        else
            printf("bce gradcheck: generated data seed=%llu: n=%zu k=%zu "
                   "(%zu rows with yhat -> 0/1)", (unsigned long long)a.seed,
                   d.n, d.k, d.ntails);
        printf(", %s, l2=%g, reduction %s, isa %s, loss %.17g\n",
               a.intercept ? "intercept" : "no intercept", a.l2,
               red_name(a.opt.reduction), bce_active_isa(), loss);
        if (d.scaled)
            printf("(fd, directional, hvp: parameters scaled by the power of "
                   "two nearest 1/rms of their column)\n");
    }

    bcev_gc_options go;
    bcev_gc_defaults(&go);
    go.rtol = a.rtol;
    go.atol = a.atol;
    go.ndirs = a.ndirs;
    go.seed = a.seed;
    go.prec = (mpfr_prec_t)a.prec;
    int failed = 0, first = 1, err = 0;
    bcev_gc_report rep;
    if (a.modes & M_FD) {
        err |= bcev_gradcheck(d.m, obj_loss, &obj, theta, gt, &go, &rep, NULL, NULL);
        print_report(&a, "fd", &rep, first);
        first = 0;
        failed |= !rep.pass;
    }
    if (a.modes & M_DIR) {
        err |= bcev_gradcheck_dir(d.m, obj_loss, &obj, theta, gt, &go, &rep);
        print_report(&a, "directional", &rep, first);
        first = 0;
        failed |= !rep.pass;
    }
    if (a.modes & M_HVP) {
        err |= bcev_jvpcheck(d.m, d.m, obj_grad, &obj, theta, vt, hvt, &go, &rep,
                             NULL, NULL);
        print_report(&a, "hvp", &rep, first);
        first = 0;
        failed |= !rep.pass;
    }
    if (a.modes & M_MPFR) {
        /* the first --mpfr-rows rows: a problem of its own, whose fused
         * gradient is checked (the cost is ~20 us per row and evaluation) */
        bce_logreg_f64_problem pm = pb;
        if (pm.n > a.mpfr_rows)
            pm.n = a.mpfr_rows;
        double *gm_claim = malloc(d.m * sizeof *gm_claim);
        st = gm_claim ? bce_logreg_f64(&pm, w, &a.opt, NULL, gm_claim, NULL)
                      : BCE_E_OUT_OF_MEMORY;
        if (st == BCE_OK && a.perturb)
            gm_claim[a.pj] *= 1.0 + a.prel;
        bcev_logreg_ref ref;
        double *at = malloc(d.m * sizeof *at);
        bcev_logreg_mpobj *mo = st == BCE_OK
                                    ? bcev_logreg_mpobj_new(&pm, &a.opt, go.prec)
                                    : NULL;
        int refok = bcev_logreg_ref_init(&ref, pm.n, d.m, go.prec, 0, 0) == 0;
        if (at == NULL || mo == NULL || !refok) {
            if (st != BCE_OK)
                fprintf(stderr, "bce gradcheck: mpfr mode on the first %zu rows: "
                                "%s (%s)\n", pm.n, bce_strerror(st),
                        bce_status_name(st));
            else
                fprintf(stderr, "bce gradcheck: out of memory\n");
            free(at);
            free(gm_claim);
            free(sbuf);
            bcev_logreg_mpobj_free(mo);
            if (refok)
                bcev_logreg_ref_free(&ref);
            free(g);
            free(hv);
            data_free(&d);
            return BCE_EXIT_USAGE;
        }
        bcev_logreg_ref_f64(&pm, w, NULL, &a.opt, &ref);
        for (size_t j = 0; j < d.m; j++)
            at[j] = 0x1p-60 * (ref.grad_sig[j] + ref.grad_zcond[j] + ref.grad_cond[j]);
        bcev_gc_options gm = go;
        gm.rtol = 0x1p-52;
        gm.atol_vec = at;
        err |= bcev_gradcheck_mpfr(d.m, bcev_logreg_mpobj_eval, mo, w, gm_claim,
                                   &gm, &rep, NULL, NULL);
        char name[64];
        if (pm.n < d.n)
            snprintf(name, sizeof name, "mpfr (first %zu rows)", pm.n);
        else
            snprintf(name, sizeof name, "mpfr");
        print_report(&a, name, &rep, first);
        failed |= !rep.pass;
        bcev_logreg_ref_free(&ref);
        bcev_logreg_mpobj_free(mo);
        free(at);
        free(gm_claim);
    }
    failed |= err != 0;
    if (a.json)
        printf("\n  ],\n  \"pass\": %s\n}\n", failed ? "false" : "true");
    else
        printf("result: %s\n", failed ? "FAIL" : "PASS");
    if (err != 0)
        fprintf(stderr, "bce gradcheck: the objective could not be evaluated "
                        "at some finite-difference point\n");
    free(g);
    free(hv);
    free(sbuf);
    data_free(&d);
    return failed ? BCE_EXIT_FAIL : BCE_EXIT_OK;
}

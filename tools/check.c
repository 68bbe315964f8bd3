/*
 * check.c -- `bce check`: judge an implementation under test (IUT) of the
 * binary cross-entropy against the oracle (the MPFR reference of
 * libbce-verify, reached through the proven fast filter first).
 *
 * The IUT is a process (`bce check [options] -- CMD ARGS...`, the batch
 * protocol of CONVENTIONS.md: one process per configuration and batch, a
 * header line, the input lines, stdin closed, the answers read while the
 * input is written) or a C symbol (`--lib PATH --symbol NAME`, the signature
 * of bce_<form>_<type>).
 *
 * Inputs: every regime of libbce-verify (bcev_regime_fill, the wc files)
 * with `--samples N` rows each from `--seed`, or `--exhaustive --range A:B`
 * over binary32 bit patterns of x (`--label`, sharded by --shard or the
 * environment), for each configuration (type, form, options, reduction).
 *
 * Judgement: ck_expected_row() is the one place that says what a row
 * should give (libbce's semantics, bce_verify.h); a peer convention
 * (--convention) replaces it there.
 */
#ifndef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <dlfcn.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bce.h"
#include "bce_verify.h"
#include "bcev_cli.h"
#include "fast_filter.h"
#include "iut.h"
#include "tool.h"

#define CK_MAX_CFG 64
#define CK_MAX_FAIL_KEPT 1000000   /* failing rows kept for the JSON */
#define CHECK_SCHEMA 1
#define CK_PREC 160                /* MPFR precision of the exact values */
#define CK_EXH_REGIME BCEV_REG_COUNT /* the "exhaustive" pseudo-regime */
#define CK_RED_REGIME (BCEV_REG_COUNT + 1) /* the reduced loss */
#define CK_NREG (BCEV_REG_COUNT + 2)

static const char check_help[] =
    "usage: bce check [options] -- CMD ARGS...\n"
    "       bce check [options] --lib PATH --symbol NAME\n"
    "       bce check --merge A.json B.json ... [--json FILE] [--junit FILE]\n"
    "\n"
    "Judge an implementation under test (IUT) of the binary cross-entropy\n"
    "against the correctly rounded oracle (MPFR, through a proven fast\n"
    "filter).  Every output's error in ulps of the exact value must be at\n"
    "most --max-ulp.\n"
    "\n"
    "A process IUT (after --) speaks the batch protocol: for each\n"
    "configuration it is started once per batch and reads on stdin\n"
    "  # bce-check 1 type=T form=F pos_weight=P label_smoothing=A clamp=0|1\n"
    "    weights=0|1 reduction=R\n"
    "  x y [w]          (one line per input, C99 hex floats)\n"
    "then end of input; it writes one line \"loss grad\" per input\n"
    "(reduction none), or one line \"loss\" then one line \"grad\" per input\n"
    "(any other reduction), in any syntax strtod (strtof for f32) reads, and\n"
    "exits 0.  `bce eval` is such an IUT.  A --lib symbol has the signature\n"
    "of bce_logits_f64 (bce_logits_f32, bce_probs_f64, bce_probs_f32 for the\n"
    "other --type/--form) and gets the options as a bce_options.\n"
    "\n"
    "inputs:\n"
    "  --type f64|f32|all      (default f64; --lib: one type); bf16|f16: the\n"
    "                          16-bit checker, --out-type f32|bf16|f16\n"
    "                          (bce check --type bf16 --help)\n"
    "  --form logits|probs|all (default logits; --lib: one form)\n"
    "  --samples N             rows per regime (default 1000): random,\n"
    "                          tail_pos, tail_neg, thresholds, soft_cancel,\n"
    "                          special, wc (verify/wc)\n"
    "  --seed S                seed of every draw (default 1)\n"
    "  --wc DIR                worst-case files (default: the build's)\n"
    "  --options all|default   configurations: all (default: pos_weight\n"
    "                          incl. 0 and the extremes 2^-64, 2^64,\n"
    "                          smoothing, clamp, weights, the reductions) or\n"
    "                          default (no options)\n"
    "  --pos-weight P --smoothing A --clamp --weights --reduction R\n"
    "                          one configuration instead\n"
    "                          (under a reduction, rows with an infinite or\n"
    "                          huge loss, |z| > 2^10 or p in {0,1} unclamped,\n"
    "                          are left out: the reduced loss stays finite)\n"
    "  --exhaustive --range A:B  every binary32 bit pattern of x in [A, B)\n"
    "                          (NaN and, for probs, x outside [0,1] skipped)\n"
    "  --label 0|1|both        labels of --exhaustive (default both)\n"
    "  --shard I/N             the I-th of N parts of the range; also from\n"
    "                          GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS or Slurm\n"
    "                          (SLURM_ARRAY_TASK_ID - _MIN of _COUNT)\n"
    "  --batch N               rows per IUT batch of --exhaustive (2^20)\n"
    "judgement and report:\n"
    "  --convention NAME       whose definition the expected values follow:\n"
    "                          libbce (default), torch, keras, optax, sklearn\n"
    "                          (docs/PORTING.md, 'Conventions of peer\n"
    "                          libraries'); configurations the peer does not\n"
    "                          define are skipped, with a message\n"
    "  --max-ulp X             bound of both outputs (default 1; 0.5 means\n"
    "                          correct rounding)\n"
    "  --max-ulp-loss X, --max-ulp-grad X   one output's bound\n"
    "  --timeout S             seconds per batch of a process IUT (default 600)\n"
    "  --json FILE             summary and every failing row ('-' = stdout)\n"
    "  --junit FILE            JUnit XML: one testcase per regime and\n"
    "                          configuration\n"
    "  --threads T             threads judging the answers (default: the\n"
    "                          online CPUs; the result does not depend on T)\n"
    "  --quiet                 no progress on stderr\n"
    "\n"
    "exit status: 0 pass, 1 an output exceeded its bound, 2 usage error or\n"
    "IUT error (died, timed out, too few or malformed answers: the message\n"
    "names the configuration and the input line).\n";

const char *bce_tool_check_help(void) { return check_help; }

/* ------------------------------------------------------------------ */
/* Configurations */

typedef struct ck_cfg {
    bcev_type type;
    bcev_form form;
    bcev_convention conv;   /* whose definition the expected values follow */
    bce_options opt;
    int weights;
    char name[200];
} ck_cfg;

static const char *red_name(bce_reduction r)
{
    static const char *const n[] = {"none", "sum", "mean", "weighted-mean"};
    return (unsigned)r < 4 ? n[r] : "?";
}

static void cfg_name(ck_cfg *c)
{
    double P = (c->opt.flags & BCE_OPT_POS_WEIGHT) ? c->opt.pos_weight : 1.0;
    snprintf(c->name, sizeof c->name,
             "type=%s form=%s pos_weight=%a label_smoothing=%a clamp=%d "
             "weights=%d reduction=%s",
             c->type == BCEV_F32 ? "f32" : "f64",
             c->form == BCEV_PROBS ? "probs" : "logits", P,
             c->opt.label_smoothing, (c->opt.flags & BCE_OPT_LOG_CLAMP) ? 1 : 0,
             c->weights, red_name(c->opt.reduction));
}

/* ------------------------------------------------------------------ */
/* Statistics */

typedef struct ck_worst {
    int set;
    double x, y, w, expected, got;
} ck_worst;

typedef struct ck_stat {
    uint64_t count, fail[2];
    double max_ulp[2];
    ck_worst worst[2];
} ck_stat;

typedef struct ck_fail {
    int cfg, regime, output;
    double x, y, w, expected, got, ulp;
} ck_fail;

/* What judging a run of rows adds up: per regime of one configuration,
 * the failing rows in order.  One per thread, merged in row order. */
typedef struct ck_sink {
    int cfg;
    ck_stat stat[CK_NREG];
    ck_fail *fails;
    size_t nfail, capfail;
    uint64_t fail_total, rows, decided, mpfr;
} ck_sink;

typedef struct ck_args {
    int types, forms;           /* bit 0 f64/logits, bit 1 f32/probs */
    uint64_t samples, seed, batch;
    const char *wcdir, *json, *junit, *lib, *symbol;
    int options_all, explicit_opts;
    bce_options xopt;
    int xweights;
    int exhaustive, labels, quiet;
    unsigned threads;
    uint64_t lo, hi;            /* the range after sharding */
    uint64_t full_lo, full_hi;  /* before */
    bce_tool_shard shard;
    double bound[2];
    double timeout;
    bcev_convention conv;       /* --convention (default libbce) */
    char **cmd;                 /* process IUT */
    char iut[512];              /* its description */
} ck_args;

typedef struct ck_run {
    ck_args *a;
    int ncfg, nskipped;
    ck_cfg cfg[CK_MAX_CFG];
    ck_stat stat[CK_MAX_CFG][CK_NREG];
    ck_fail *fails;
    size_t nfail, capfail;
    uint64_t fail_total;
    uint64_t rows, decided, mpfr;      /* outputs judged, filter-decided */
    void *libh;
    void *fn;
    double t0, tlast;
    uint64_t work_done, work_total;
} ck_run;

#define now bcev_now

static const char *regime_name(int r)
{
    if (r == CK_EXH_REGIME) return "exhaustive";
    if (r == CK_RED_REGIME) return "reduced";
    return bcev_regime_name((bcev_regime)r);
}

static int regime_from_name(const char *s)
{
    for (int r = 0; r < CK_NREG; r++)
        if (strcmp(s, regime_name(r)) == 0)
            return r;
    return -1;
}

/* ------------------------------------------------------------------ */
/* A batch: the rows of one configuration sent to one IUT process. */

typedef struct ck_batch {
    size_t n, cap;
    double *x, *y, *w;
    unsigned char *reg;
    double *loss, *grad;   /* the IUT's answers (loss[0] when reduced) */
} ck_batch;

static int batch_reserve(ck_batch *b, size_t n)
{
    if (n <= b->cap)
        return 0;
    double *p;
#define GROW(f) do { p = realloc(b->f, n * sizeof(double)); if (!p) return -1; b->f = p; } while (0)
    GROW(x); GROW(y); GROW(w); GROW(loss); GROW(grad);
#undef GROW
    unsigned char *r = realloc(b->reg, n);
    if (!r) return -1;
    b->reg = r;
    b->cap = n;
    return 0;
}

static void batch_free(ck_batch *b)
{
    free(b->x); free(b->y); free(b->w); free(b->reg); free(b->loss); free(b->grad);
}


/* ------------------------------------------------------------------ */
/* The expected value of a row, and the judgement of one output. */

typedef struct ck_ctx {
    const ck_cfg *c;
    const ck_batch *b;
    bcev_ff_val den;      /* the reduction's denominator (filter) */
    mpfr_t dmp;           /* the same, exact (MPFR) */
    uint64_t decided, mpfr;
} ck_ctx;

typedef struct ck_verdict {
    int pass;
    double ulp;        /* error in ulps of the exact value (estimated to
                          about 2^-50 when the filter decided) */
    double expected;   /* RN(exact) in the type (exact when not passing) */
} ck_verdict;

/* Exact value of output `out` of row i by MPFR; RN to the type in *exp. */
static void exact_row(ck_ctx *k, size_t i, int out, mpfr_t v)
{
    const ck_batch *b = k->b;
    bcev_sample s = {b->x[i], b->y[i], k->c->weights ? b->w[i] : 1.0};
    if (k->c->conv != BCEV_CONV_LIBBCE)
        bcev_convention_exact_mp(k->c->conv, k->c->form, k->c->type, &s, &k->c->opt,
                                 k->dmp, CK_PREC, out == 0 ? v : NULL, out == 0 ? NULL : v);
    else if (out == 0)
        bcev_exact_mp(k->c->form, &s, &k->c->opt, k->dmp, CK_PREC, v, NULL);
    else
        bcev_exact_mp(k->c->form, &s, &k->c->opt, k->dmp, CK_PREC, NULL, v);
}

/*
 * THE expected value of a row: judge the IUT's answers got[0] (loss; ignored
 * under a reduction) and got[1] (gradient) of row i against libbce's
 * definition of the loss (bce_verify.h), bounds bound[0], bound[1].  The
 * fast filter decides first; MPFR decides the rest and gives every failing
 * output's exact expected value.  A peer convention (--convention torch,
 * keras, ...: bcev_convention_* in libbce-verify) plugs in here.
 */
static void ck_expected_row(ck_ctx *k, size_t i, const double got[2],
                            const double bound[2], ck_verdict v[2])
{
    const ck_cfg *c = k->c;
    const ck_batch *b = k->b;
    const int reduced = c->opt.reduction != BCE_REDUCTION_NONE;
    bcev_sample s = {b->x[i], b->y[i], c->weights ? b->w[i] : 1.0};
    bcev_ff_val fv[2];
    /* the fast filter encloses libbce's definition: a peer convention's
     * rows go to MPFR */
    const int lib = c->conv == BCEV_CONV_LIBBCE;
    int ok = lib && bcev_ff_sample(c->form, &s, &c->opt, &k->den,
                                   reduced ? NULL : &fv[0], &fv[1]);
    for (int o = reduced ? 1 : 0; o < 2; o++) {
        if (ok && bcev_ff_check(c->type, got[o], &fv[o], bound[o])) {
            long double m = fv[o].mid + fv[o].lo;
            v[o].pass = 1;
            v[o].ulp = bcev_ff_ulp(c->type, got[o], m);
            v[o].expected = bcev_ff_round(c->type, m);
            k->decided++;
            continue;
        }
        if (o == 1 && lib) {
            bcev_ff_val fine;
            if (bcev_ff_grad_fine(c->form, &s, &c->opt, &k->den, &fine) &&
                bcev_ff_check(c->type, got[1], &fine, bound[1])) {
                long double m = fine.mid + fine.lo;
                v[1].pass = 1;
                v[1].ulp = bcev_ff_ulp(c->type, got[1], m);
                v[1].expected = bcev_ff_round(c->type, m);
                k->decided++;
                continue;
            }
        }
        mpfr_t e;
        mpfr_init2(e, CK_PREC);
        exact_row(k, i, o, e);
        v[o].pass = bcev_check(c->type, got[o], e, bound[o], &v[o].ulp);
        v[o].expected = bcev_round_to(c->type, e);
        mpfr_clear(e);
        k->mpfr++;
    }
}

/* The expected reduced loss of the batch, judged. */
static void ck_expected_reduced(ck_ctx *k, double got, double bound, ck_verdict *v)
{
    const ck_cfg *c = k->c;
    const ck_batch *b = k->b;
    bcev_ff_val f;
    const double *w = c->weights ? b->w : NULL;
    if (c->conv == BCEV_CONV_LIBBCE &&
        bcev_ff_reduced(c->form, b->n, b->x, b->y, w, &c->opt, &f) &&
        bcev_ff_check(c->type, got, &f, bound)) {
        v->pass = 1;
        v->ulp = bcev_ff_ulp(c->type, got, f.mid + f.lo);
        v->expected = bcev_ff_round(c->type, f.mid + f.lo);
        k->decided++;
        return;
    }
    mpfr_t e;
    mpfr_init2(e, CK_PREC);
    if (c->conv != BCEV_CONV_LIBBCE)
        bcev_convention_exact_reduced(c->conv, c->form, c->type, b->n, b->x, b->y, w,
                                      &c->opt, CK_PREC, e);
    else
        bcev_exact_reduced(c->form, b->n, b->x, b->y, w, &c->opt, NAN, CK_PREC, e);
    v->pass = bcev_check(c->type, got, e, bound, &v->ulp);
    v->expected = bcev_round_to(c->type, e);
    mpfr_clear(e);
    k->mpfr++;
}

static void sink_fail(ck_sink *S, const ck_fail *f)
{
    if (S->nfail >= CK_MAX_FAIL_KEPT)
        return;
    if (S->nfail == S->capfail) {
        size_t cap = S->capfail ? 2 * S->capfail : 256;
        ck_fail *p = realloc(S->fails, cap * sizeof *p);
        if (p == NULL)
            return;
        S->fails = p;
        S->capfail = cap;
    }
    S->fails[S->nfail++] = *f;
}

/* dst then src, as if src's rows came after dst's (ties keep dst's worst). */
static void stat_merge(ck_stat *d, const ck_stat *s)
{
    d->count += s->count;
    for (int o = 0; o < 2; o++) {
        d->fail[o] += s->fail[o];
        if (s->worst[o].set && (!d->worst[o].set || s->max_ulp[o] > d->max_ulp[o] ||
                                (isnan(s->max_ulp[o]) && !isnan(d->max_ulp[o])))) {
            d->worst[o] = s->worst[o];
            d->max_ulp[o] = s->max_ulp[o];
        }
    }
}

static void record(ck_sink *S, int reg, int out, double x, double y,
                   double w, const ck_verdict *v, double got, ck_ctx *k, size_t row)
{
    ck_stat *st = &S->stat[reg];
    if (!v->pass) {
        st->fail[out]++;
        S->fail_total++;
        ck_fail f = {S->cfg, reg, out, x, y, w, v->expected, got, v->ulp};
        sink_fail(S, &f);
    }
    /* the worst row: strictly greater, so the first in the run's order
     * wins a tie (shards merge to the same) */
    if (!st->worst[out].set || v->ulp > st->max_ulp[out] ||
        (isnan(v->ulp) && !isnan(st->max_ulp[out]))) {
        double expected = v->expected;
        if (v->pass && k != NULL && row != (size_t)-1) {
            /* the exact expected value for the report */
            mpfr_t e;
            mpfr_init2(e, CK_PREC);
            exact_row(k, row, out, e);
            expected = bcev_round_to(k->c->type, e);
            mpfr_clear(e);
        }
        st->max_ulp[out] = v->ulp;
        st->worst[out] = (ck_worst){1, x, y, w, expected, got};
    }
}

/* ------------------------------------------------------------------ */
/* Progress */

/* Through the shared helper (bcev_cli.h): a bar on a terminal, a line
 * every few seconds otherwise.  Work: configurations (regimes) or inputs
 * (--exhaustive). */
static bcev_progress ck_prog;

static void progress(ck_run *R, int force)
{
    if (R->a->quiet)
        return;
    if (ck_prog.cmd == NULL)
        bcev_progress_start(&ck_prog, "bce check",
                            R->a->exhaustive ? "inputs" : "configurations", 1);
    char note[64];
    snprintf(note, sizeof note, "%llu outputs judged", (unsigned long long)R->rows);
    if (force)
        bcev_progress_end(&ck_prog, R->work_done, R->work_total, -1.0, note);
    else
        bcev_progress_update(&ck_prog, R->work_done, R->work_total, -1.0, note);
}

/* ------------------------------------------------------------------ */
/* The process IUT */

static void batch_input_line(const ck_cfg *c, const ck_batch *b, size_t i,
                             char *buf, size_t size, size_t *len)
{
    if (c->weights)
        *len = (size_t)snprintf(buf, size, "%a %a %a\n", b->x[i], b->y[i], b->w[i]);
    else
        *len = (size_t)snprintf(buf, size, "%a %a\n", b->x[i], b->y[i]);
}

static int iut_error(const ck_cfg *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int iut_error(const ck_cfg *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bce check: IUT error: configuration '%s': ", c->name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return BCE_EXIT_USAGE;
}

/* Parse the answers in out[0..len) into b->loss/b->grad. */
static int parse_answers(const ck_cfg *c, ck_batch *b, char *out, size_t len)
{
    const int reduced = c->opt.reduction != BCE_REDUCTION_NONE;
    const size_t want = reduced ? b->n + 1 : b->n;
    size_t line = 0;
    char *p = out, *end = out + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        *le = '\0';
        char *q = p;
        while (*q == ' ' || *q == '\t' || *q == '\r') q++;
        if (*q == '\0' || *q == '#') {   /* blank or comment: skipped */
            p = le + 1;
            continue;
        }
        if (line >= want)
            return iut_error(c, "answer line %zu: more answers than the %zu "
                             "expected: '%s'", line + 1, want,
                             bce_tool_esc(q, BCE_TOOL_ESC_TOKEN));
        int nums = reduced ? 1 : 2;
        double v[2] = {0, 0};
        char *s = q;
        for (int k = 0; k < nums; k++) {
            char *e;
            errno = 0;
            v[k] = c->type == BCEV_F32 ? (double)strtof(s, &e) : strtod(s, &e);
            if (e == s) {
                size_t in = reduced ? (line == 0 ? 0 : line + 1) : line + 2;
                return iut_error(c, "answer line %zu (input line %zu): expected %s, "
                                 "got '%s'", line + 1, in,
                                 reduced ? "one number" : "two numbers \"loss grad\"",
                                 bce_tool_esc(q, BCE_TOOL_ESC_TOKEN));
            }
            s = e;
        }
        while (*s == ' ' || *s == '\t' || *s == '\r') s++;
        if (*s != '\0' && *s != '#')
            return iut_error(c, "answer line %zu: trailing text '%s'", line + 1,
                             bce_tool_esc(s, BCE_TOOL_ESC_TOKEN));
        if (!reduced) {
            b->loss[line] = v[0];
            b->grad[line] = v[1];
        } else if (line == 0) {
            b->loss[0] = v[0];
        } else {
            b->grad[line - 1] = v[0];
        }
        line++;
        p = le + 1;
    }
    if (line < want) {
        size_t in = reduced ? (line == 0 ? 0 : line + 1) : line + 2;
        if (reduced && line == 0)
            return iut_error(c, "no answer at all (the reduced loss line missing; "
                             "%zu expected)", want);
        return iut_error(c, "too few answers: %zu of %zu; input line %zu "
                         "(x=%a y=%a) unanswered", line, want, in,
                         b->x[in - 2], b->y[in - 2]);
    }
    return 0;
}

static int run_process(ck_run *R, const ck_cfg *c, ck_batch *b)
{
    const ck_args *a = R->a;
    /* the input text */
    size_t cap = 256 + b->n * (c->weights ? 90 : 60), len = 0;
    char *in = malloc(cap);
    if (in == NULL)
        return iut_error(c, "out of memory");
    double P = (c->opt.flags & BCE_OPT_POS_WEIGHT) ? c->opt.pos_weight : 1.0;
    len = (size_t)snprintf(in, cap, "# bce-check 1 type=%s form=%s pos_weight=%a "
                           "label_smoothing=%a clamp=%d weights=%d reduction=%s\n",
                           c->type == BCEV_F32 ? "f32" : "f64",
                           c->form == BCEV_PROBS ? "probs" : "logits", P,
                           c->opt.label_smoothing,
                           (c->opt.flags & BCE_OPT_LOG_CLAMP) ? 1 : 0, c->weights,
                           red_name(c->opt.reduction));
    for (size_t i = 0; i < b->n; i++) {
        size_t l;
        batch_input_line(c, b, i, in + len, cap - len, &l);
        len += l;
    }
    bce_iut_proc proc;
    if (bce_iut_spawn(a->cmd, "check", &proc) != 0) {
        free(in);
        return iut_error(c, "cannot start the IUT: %s", strerror(errno));
    }
    char *out = NULL;
    size_t olen = 0;
    int status = 0;
    const int xr = bce_iut_batch(&proc, in, len, now() + a->timeout, &out, &olen, &status);
    const int timed_out = xr == -2, oom = xr == -3 || out == NULL;
    free(in);
    int ret = 0;
    const int reduced = c->opt.reduction != BCE_REDUCTION_NONE;
    size_t nl = 0;
    for (size_t i = 0; out && i < olen; i++)
        nl += out[i] == '\n';
    size_t want = reduced ? b->n + 1 : b->n;
    size_t next_in = (reduced ? (nl == 0 ? 0 : nl - 1) : nl) + 2;
    if (next_in > b->n + 1) next_in = b->n + 1;
    if (oom) {
        ret = iut_error(c, "out of memory reading the answers");
    } else if (timed_out) {
        ret = iut_error(c, "timed out after %g s (--timeout) with %zu of %zu answer "
                        "lines; input line %zu unanswered", a->timeout, nl, want,
                        next_in);
    } else if (WIFSIGNALED(status)) {
        ret = iut_error(c, "killed by signal %d (%s) after %zu of %zu answer lines; "
                        "input line %zu unanswered", WTERMSIG(status),
                        strsignal(WTERMSIG(status)), nl, want, next_in);
    } else if (WEXITSTATUS(status) != 0) {
        ret = iut_error(c, "exited with status %d after %zu of %zu answer lines%s",
                        WEXITSTATUS(status), nl, want,
                        nl < want ? "" : " (all answered)");
        if (nl < want)
            fprintf(stderr, "bce check: input line %zu unanswered\n", next_in);
    } else {
        ret = parse_answers(c, b, out, olen);
    }
    free(out);
    return ret;
}

/* ------------------------------------------------------------------ */
/* The library IUT */

typedef bce_status (*fn_f64)(size_t, const double *, const double *,
                             const double *, const bce_options *, double *, double *);
typedef bce_status (*fn_f32)(size_t, const float *, const float *,
                             const float *, const bce_options *, float *, float *);

static int run_lib(ck_run *R, const ck_cfg *c, ck_batch *b)
{
    bce_options o = c->opt;
    size_t ei = BCE_NO_INDEX;
    o.error_index = &ei;
    bce_status st;
    const int reduced = c->opt.reduction != BCE_REDUCTION_NONE;
    if (c->type == BCEV_F64) {
        fn_f64 fn;
        memcpy(&fn, &R->fn, sizeof fn); /* dlsym's object pointer (POSIX) */
        st = fn(b->n, b->x, b->y, c->weights ? b->w : NULL, &o,
                             b->loss, b->grad);
    } else {
        size_t n = b->n ? b->n : 1;
        float *f = malloc(5 * n * sizeof *f);
        if (f == NULL)
            return iut_error(c, "out of memory");
        float *x = f, *y = f + n, *w = f + 2 * n, *l = f + 3 * n, *g = f + 4 * n;
        for (size_t i = 0; i < b->n; i++) {
            x[i] = (float)b->x[i];
            y[i] = (float)b->y[i];
            w[i] = (float)b->w[i];
        }
        fn_f32 fn;
        memcpy(&fn, &R->fn, sizeof fn);
        st = fn(b->n, x, y, c->weights ? w : NULL, &o, l, g);
        for (size_t i = 0; i < b->n; i++) {
            if (!reduced || i == 0) b->loss[i] = l[i];
            b->grad[i] = g[i];
        }
        free(f);
    }
    if (st != BCE_OK) {
        if (ei < b->n)
            return iut_error(c, "%s returned status %d (%s) at row %zu (input line "
                             "%zu: x=%a y=%a)", R->a->symbol, (int)st,
                             bce_status_name(st), ei, ei + 2, b->x[ei], b->y[ei]);
        return iut_error(c, "%s returned status %d (%s)", R->a->symbol, (int)st,
                         bce_status_name(st));
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* One batch: run the IUT, judge every output. */

typedef struct ck_job {
    ck_run *R;
    int ci;
    const ck_batch *b;
    size_t lo, hi;
    ck_sink sink;
} ck_job;

/* Judge rows [lo, hi) of a batch into the job's sink. */
static void *judge_rows(void *arg)
{
    ck_job *J = arg;
    const ck_cfg *c = &J->R->cfg[J->ci];
    const ck_batch *b = J->b;
    ck_ctx k;
    memset(&k, 0, sizeof k);
    k.c = c;
    k.b = b;
    const double *w = c->weights ? b->w : NULL;
    bcev_ff_denominator(b->n, w, &c->opt, &k.den);
    mpfr_init2(k.dmp, 64);
    if (c->conv != BCEV_CONV_LIBBCE)
        bcev_convention_denominator(c->conv, c->form, b->n, w, &c->opt, k.dmp);
    else
        bcev_denominator(b->n, w, &c->opt, k.dmp);
    const int reduced = c->opt.reduction != BCE_REDUCTION_NONE;
    ck_sink *S = &J->sink;
    S->cfg = J->ci;
    for (size_t i = J->lo; i < J->hi; i++) {
        double got[2] = {reduced ? 0 : b->loss[i], b->grad[i]};
        ck_verdict v[2];
        ck_expected_row(&k, i, got, J->R->a->bound, v);
        S->stat[b->reg[i]].count++;
        double wi = c->weights ? b->w[i] : 1.0;
        for (int o = reduced ? 1 : 0; o < 2; o++)
            record(S, b->reg[i], o, b->x[i], b->y[i], wi, &v[o], got[o], &k, i);
        S->rows += reduced ? 1 : 2;
    }
    if (reduced && J->hi == b->n) {   /* the last job: the reduced loss */
        ck_verdict v;
        ck_expected_reduced(&k, b->loss[0], J->R->a->bound[0], &v);
        S->stat[CK_RED_REGIME].count++;
        record(S, CK_RED_REGIME, 0, NAN, NAN, NAN, &v, b->loss[0], NULL, (size_t)-1);
        S->rows++;
    }
    S->decided = k.decided;
    S->mpfr = k.mpfr;
    mpfr_clear(k.dmp);
    mpfr_free_cache();
    return NULL;
}

#define CK_MAX_THREADS 256

static int judge_batch(ck_run *R, int ci, ck_batch *b)
{
    const ck_cfg *c = &R->cfg[ci];
    int r = R->a->lib ? run_lib(R, c, b) : run_process(R, c, b);
    if (r != 0)
        return r;
    static ck_job jobs[CK_MAX_THREADS];
    pthread_t tid[CK_MAX_THREADS];
    unsigned nt = R->a->threads;
    if (b->n < 8192 * (size_t)nt)
        nt = (unsigned)(b->n / 8192) + 1;
    if (nt > R->a->threads) nt = R->a->threads;
    if (nt < 1) nt = 1;
    for (unsigned t = 0; t < nt; t++) {
        memset(&jobs[t], 0, sizeof jobs[t]);
        jobs[t].R = R;
        jobs[t].ci = ci;
        jobs[t].b = b;
        jobs[t].lo = b->n * t / nt;
        jobs[t].hi = b->n * (t + 1) / nt;
    }
    unsigned started = 1;
    for (unsigned t = 1; t < nt; t++, started++)
        if (pthread_create(&tid[t], NULL, judge_rows, &jobs[t]) != 0)
            break;
    for (unsigned t = started; t < nt; t++)   /* no thread: here */
        judge_rows(&jobs[t]);
    judge_rows(&jobs[0]);
    for (unsigned t = 1; t < started; t++)
        pthread_join(tid[t], NULL);
    /* merge in row order: the same result for any thread count */
    for (unsigned t = 0; t < nt; t++) {
        ck_sink *S = &jobs[t].sink;
        for (int g = 0; g < CK_NREG; g++)
            stat_merge(&R->stat[ci][g], &S->stat[g]);
        for (size_t i = 0; i < S->nfail; i++) {
            if (R->nfail >= CK_MAX_FAIL_KEPT) break;
            if (R->nfail == R->capfail) {
                size_t cap = R->capfail ? 2 * R->capfail : 256;
                ck_fail *p = realloc(R->fails, cap * sizeof *p);
                if (p == NULL) break;
                R->fails = p;
                R->capfail = cap;
            }
            R->fails[R->nfail++] = S->fails[i];
        }
        R->fail_total += S->fail_total;
        R->rows += S->rows;
        R->decided += S->decided;
        R->mpfr += S->mpfr;
        free(S->fails);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Configurations from the options */

static void add_cfg(ck_run *R, bcev_type t, bcev_form f, double pw, double a,
                    int clamp, int weights, bce_reduction red)
{
    if (R->ncfg >= CK_MAX_CFG)
        return;
    if (clamp && f != BCEV_PROBS)
        return;
    ck_cfg *c = &R->cfg[R->ncfg++];
    memset(c, 0, sizeof *c);
    c->type = t;
    c->form = f;
    c->conv = R->a->conv;
    if (!isnan(pw)) {
        c->opt.flags |= BCE_OPT_POS_WEIGHT;
        c->opt.pos_weight = pw;
    }
    c->opt.label_smoothing = a;
    if (clamp) c->opt.flags |= BCE_OPT_LOG_CLAMP;
    c->opt.reduction = red;
    c->weights = weights;
    const char *why = NULL;
    if (c->conv != BCEV_CONV_LIBBCE &&
        bcev_convention_supports(c->conv, f, &c->opt, &why) != 0) {
        /* a configuration the peer library does not define: not checked */
        R->ncfg--;
        R->nskipped++;
        if (!R->a->quiet)
            fprintf(stderr, "bce check: --convention %s: skipping %s %s: %s\n",
                    bcev_convention_name(c->conv), t == BCEV_F32 ? "f32" : "f64",
                    f == BCEV_PROBS ? "probs" : "logits", why ? why : "not defined");
        return;
    }
    cfg_name(c);
}

static void make_configs(ck_run *R)
{
    const ck_args *a = R->a;
    for (int t = 0; t < 2; t++) {
        if (!(a->types >> t & 1)) continue;
        for (int f = 0; f < 2; f++) {
            if (!(a->forms >> f & 1)) continue;
            bcev_type T = (bcev_type)t;
            bcev_form F = (bcev_form)f;
            if (a->explicit_opts) {
                double pw = (a->xopt.flags & BCE_OPT_POS_WEIGHT) ? a->xopt.pos_weight : NAN;
                add_cfg(R, T, F, pw, a->xopt.label_smoothing,
                        (a->xopt.flags & BCE_OPT_LOG_CLAMP) != 0, a->xweights,
                        a->xopt.reduction);
                continue;
            }
            add_cfg(R, T, F, NAN, 0, 0, 0, BCE_REDUCTION_NONE);
            if (!a->options_all)
                continue;
            add_cfg(R, T, F, 3.5, 0, 0, 0, BCE_REDUCTION_NONE);
            add_cfg(R, T, F, 0, 0, 0, 0, BCE_REDUCTION_NONE);
            add_cfg(R, T, F, BCE_POS_WEIGHT_MIN, 0, 0, 0, BCE_REDUCTION_NONE);
            add_cfg(R, T, F, BCE_POS_WEIGHT_MAX, 0, 0, 0, BCE_REDUCTION_NONE);
            add_cfg(R, T, F, NAN, 0.1, 0, 0, BCE_REDUCTION_NONE);
            add_cfg(R, T, F, NAN, 1.0, 0, 0, BCE_REDUCTION_NONE);
            add_cfg(R, T, F, NAN, 0, 1, 0, BCE_REDUCTION_NONE);
            add_cfg(R, T, F, NAN, 0, 0, 1, BCE_REDUCTION_NONE);
            add_cfg(R, T, F, 0.25, 0.2, F == BCEV_PROBS, 1, BCE_REDUCTION_NONE);
            if (a->exhaustive)
                continue;   /* per-sample outputs only */
            add_cfg(R, T, F, NAN, 0, 0, 0, BCE_REDUCTION_SUM);
            add_cfg(R, T, F, NAN, 0, 0, 0, BCE_REDUCTION_MEAN);
            add_cfg(R, T, F, NAN, 0, 0, 1, BCE_REDUCTION_WEIGHTED_MEAN);
            add_cfg(R, T, F, 2.0, 0.1, 0, 1, BCE_REDUCTION_MEAN);
        }
    }
}

/* ------------------------------------------------------------------ */
/* The runs */

static int run_regimes(ck_run *R)
{
    const ck_args *a = R->a;
    ck_batch b;
    memset(&b, 0, sizeof b);
    bcev_wc wc[2][2];
    memset(wc, 0, sizeof wc);
    for (int f = 0; f < 2; f++)
        for (int t = 0; t < 2; t++)
            if (bcev_wc_load(a->wcdir, (bcev_form)f, (bcev_type)t, &wc[f][t]) != 0) {
                fprintf(stderr, "bce check: cannot load the worst cases of %s\n",
                        bce_tool_esc(a->wcdir, BCE_TOOL_ESC_NAME));
                return BCE_EXIT_USAGE;
            }
    size_t per = (size_t)a->samples;
    R->work_total = (uint64_t)R->ncfg;
    progress(R, 0);                     /* from the start */
    int ret = 0;
    if (batch_reserve(&b, per * BCEV_REG_COUNT + 1) != 0) {
        fprintf(stderr, "bce check: out of memory\n");
        ret = BCE_EXIT_USAGE;
    }
    for (int ci = 0; ci < R->ncfg && ret == 0; ci++) {
        const ck_cfg *c = &R->cfg[ci];
        b.n = 0;
        for (int r = 0; r < BCEV_REG_COUNT; r++) {
            size_t m = bcev_regime_fill((bcev_regime)r, c->form, c->type,
                                        BCEV_LABELS_ANY, a->seed, 0, per,
                                        &wc[c->form][c->type], b.x + b.n, b.y + b.n);
            const int reduced = c->opt.reduction != BCE_REDUCTION_NONE;
            size_t kept = 0;
            for (size_t i = 0; i < m; i++) {
                double x = b.x[b.n + i];
                /* a reduction: rows whose loss is infinite (p = 0 or 1
                 * unclamped) or huge (|z| > 2^10) are left out, so that the
                 * reduced loss stays finite and tells something */
                if (reduced && (c->form == BCEV_LOGITS ? !(fabs(x) <= 1024.0)
                                : !(c->opt.flags & BCE_OPT_LOG_CLAMP) && !(x > 0 && x < 1)))
                    continue;
                b.x[b.n + kept] = x;
                b.y[b.n + kept] = b.y[b.n + i];
                b.reg[b.n + kept] = (unsigned char)r;
                b.w[b.n + kept] = c->weights ? bcev_check_weight(a->seed, b.n + kept, c->type) : 1.0;
                kept++;
            }
            b.n += kept;
        }
        /* a weighted mean needs a nonzero sum */
        if (c->weights && b.n > 0) {
            int any = 0;
            for (size_t i = 0; i < b.n; i++) any |= b.w[i] != 0;
            if (!any) b.w[0] = 1.0;
        }
        ret = judge_batch(R, ci, &b);
        R->work_done++;
        progress(R, 0);
    }
    for (int f = 0; f < 2; f++)
        for (int t = 0; t < 2; t++)
            bcev_wc_free(&wc[f][t]);
    batch_free(&b);
    return ret;
}

static int run_exhaustive(ck_run *R)
{
    const ck_args *a = R->a;
    ck_batch b;
    memset(&b, 0, sizeof b);
    size_t cap = (size_t)a->batch;
    if (batch_reserve(&b, cap) != 0) {
        fprintf(stderr, "bce check: out of memory\n");
        return BCE_EXIT_USAGE;
    }
    R->work_total = (uint64_t)R->ncfg * (a->hi - a->lo);
    progress(R, 0);                     /* from the start */
    int ret = 0;
    for (int ci = 0; ci < R->ncfg && ret == 0; ci++) {
        const ck_cfg *c = &R->cfg[ci];
        uint64_t bits = a->lo;
        while (bits < a->hi && ret == 0) {
            b.n = 0;
            uint64_t start = bits;
            while (bits < a->hi && b.n + 2 <= cap) {
                uint32_t u = (uint32_t)bits++;
                float xf;
                memcpy(&xf, &u, sizeof xf);
                if (isnan(xf)) continue;
                if (c->form == BCEV_PROBS && !(xf >= 0.0f && xf <= 1.0f)) continue;
                for (int y = 0; y < 2; y++) {
                    if (!(a->labels >> y & 1)) continue;
                    b.x[b.n] = xf;
                    b.y[b.n] = y;
                    b.w[b.n] = c->weights ? bcev_check_weight(a->seed, bits - 1, c->type) : 1.0;
                    b.reg[b.n] = CK_EXH_REGIME;
                    b.n++;
                }
            }
            if (b.n > 0)
                ret = judge_batch(R, ci, &b);
            R->work_done += bits - start;
            progress(R, 0);
        }
    }
    batch_free(&b);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Reports */

static int stat_used(const ck_stat *s) { return s->count > 0; }
static int stat_pass(const ck_stat *s) { return s->fail[0] == 0 && s->fail[1] == 0; }

static void text_report(ck_run *R, FILE *out)
{
    const ck_args *a = R->a;
    for (int ci = 0; ci < R->ncfg; ci++) {
        fprintf(out, "configuration %s\n", R->cfg[ci].name);
        for (int r = 0; r < CK_NREG; r++) {
            const ck_stat *s = &R->stat[ci][r];
            if (!stat_used(s)) continue;
            fprintf(out, "  %-12s %9llu rows  %s", regime_name(r),
                    (unsigned long long)s->count, stat_pass(s) ? "pass" : "FAIL");
            for (int o = 0; o < 2; o++) {
                if (!s->worst[o].set) continue;
                const ck_worst *w = &s->worst[o];
                fprintf(out, "\n    %s: max %.3g ulp (bound %g), %llu failing",
                        r == CK_RED_REGIME ? "reduced loss" : o ? "grad" : "loss",
                        s->max_ulp[o], a->bound[o], (unsigned long long)s->fail[o]);
                if (r != CK_RED_REGIME)
                    fprintf(out, "; worst x=%a y=%a w=%a", w->x, w->y, w->w);
                fprintf(out, ": expected %a got %a", w->expected, w->got);
            }
            fputc('\n', out);
        }
    }
    size_t shown = 0;
    for (size_t i = 0; i < R->nfail && shown < 20; i++, shown++) {
        const ck_fail *f = &R->fails[i];
        if (i == 0)
            fprintf(out, "failing rows (first 20 of %llu; --json FILE has them all):\n",
                    (unsigned long long)R->fail_total);
        fprintf(out, "  [%d %s] %s x=%a y=%a w=%a expected %a got %a (%.3g ulp)\n",
                f->cfg, regime_name(f->regime),
                f->regime == CK_RED_REGIME ? "reduced loss" : f->output ? "grad" : "loss",
                f->x, f->y, f->w, f->expected, f->got, f->ulp);
    }
    double dt = now() - R->t0;
    fprintf(out, "%s: %llu outputs judged, %llu failing; %.1f%% decided by the fast "
            "filter, %llu by MPFR; %.2f s (%.3g inputs/s)\n",
            R->fail_total ? "FAIL" : "PASS", (unsigned long long)R->rows,
            (unsigned long long)R->fail_total,
            R->rows ? 100.0 * (double)R->decided / (double)R->rows : 100.0,
            (unsigned long long)R->mpfr, dt, (double)R->rows / 2 / (dt + 1e-9));
}

/* The "groups" array of the JSON summary: one element per configuration
 * and regime that has rows (json_write and the merge write the same). */
static const char *const row_keys[] = {"x", "y", "w", "expected", "got"};
static const char *const opt_keys[] = {"pos_weight", "label_smoothing"};

static void json_groups(FILE *out, const ck_run *R, int ncfg)
{
    fprintf(out, "],\n\"groups\": [\n");
    int first = 1;
    for (int ci = 0; ci < ncfg; ci++)
        for (int r = 0; r < CK_NREG; r++) {
            const ck_stat *s = &R->stat[ci][r];
            if (!stat_used(s)) continue;
            fprintf(out, "%s", first ? "" : ",\n");
            first = 0;
            fprintf(out, "  {\"config\": %d, \"regime\": \"%s\", \"count\": %llu, "
                    "\"failing\": [%llu, %llu]", ci, regime_name(r),
                    (unsigned long long)s->count, (unsigned long long)s->fail[0],
                    (unsigned long long)s->fail[1]);
            for (int o = 0; o < 2; o++) {
                const ck_worst *w = &s->worst[o];
                if (!w->set) {
                    fprintf(out, ", \"%s\": null", o ? "grad" : "loss");
                    continue;
                }
                fprintf(out, ", \"%s\": {\"max_ulp\": ", o ? "grad" : "loss");
                bcev_json_num(out, s->max_ulp[o]);
                fputs(", ", out);
                bcev_json_values(out, R->cfg[ci].type == BCEV_F32, 5, row_keys,
                                 (const double[]){w->x, w->y, w->w, w->expected, w->got});
                fputc('}', out);
            }
            fprintf(out, "}");
        }
}

/* The JSON summary: one element per line (--merge reads that layout). */
static void json_write(ck_run *R, FILE *out)
{
    const ck_args *a = R->a;
    bcev_json_header(out, "check", CHECK_SCHEMA);
    fprintf(out, "\"iut\": ");
    bcev_json_str(out, a->iut);
    fprintf(out, ",\n");
    fprintf(out, "\"convention\": \"%s\",\n", bcev_convention_name(a->conv));
    fprintf(out, "\"mode\": \"%s\", \"seed\": %llu, \"samples\": %llu, \"labels\": %d,\n",
            a->exhaustive ? "exhaustive" : "regimes", (unsigned long long)a->seed,
            (unsigned long long)a->samples, a->labels);
    fputs("\"max_ulp\": {\"loss\": ", out);
    bcev_json_num(out, a->bound[0]);
    fputs(", \"grad\": ", out);
    bcev_json_num(out, a->bound[1]);
    fputs("},\n", out);
    fprintf(out, "\"range\": [%llu, %llu],\n", (unsigned long long)a->lo,
            (unsigned long long)a->hi);
    if (a->shard.count > 0)
        fprintf(out, "\"shard\": {\"index\": %d, \"count\": %d, \"source\": \"%s\"},\n",
                a->shard.index, a->shard.count, a->shard.source);
    else
        fprintf(out, "\"shard\": null,\n");
    fprintf(out, "\"pass\": %s,\n", R->fail_total ? "false" : "true");
    fprintf(out, "\"configs\": [\n");
    for (int ci = 0; ci < R->ncfg; ci++) {
        const ck_cfg *c = &R->cfg[ci];
        double P = (c->opt.flags & BCE_OPT_POS_WEIGHT) ? c->opt.pos_weight : 1.0;
        fprintf(out, "  {\"config\": %d, \"type\": \"%s\", \"form\": \"%s\", ", ci,
                c->type == BCEV_F32 ? "f32" : "f64",
                c->form == BCEV_PROBS ? "probs" : "logits");
        bcev_json_values(out, 0, 2, opt_keys, (const double[]){P, c->opt.label_smoothing});
        fprintf(out, ", \"clamp\": %d, \"weights\": %d, \"reduction\": \"%s\"}%s\n",
                (c->opt.flags & BCE_OPT_LOG_CLAMP) ? 1 : 0, c->weights,
                red_name(c->opt.reduction), ci + 1 < R->ncfg ? "," : "");
    }
    json_groups(out, R, R->ncfg);
    fprintf(out, "\n],\n\"failing_total\": %llu,\n\"failing_rows\": [\n",
            (unsigned long long)R->fail_total);
    for (size_t i = 0; i < R->nfail; i++) {
        const ck_fail *f = &R->fails[i];
        const ck_cfg *c = &R->cfg[f->cfg];
        double P = (c->opt.flags & BCE_OPT_POS_WEIGHT) ? c->opt.pos_weight : 1.0;
        const int f32 = c->type == BCEV_F32;
        fprintf(out, "  {\"config\": %d, \"regime\": \"%s\", \"output\": \"%s\", ",
                f->cfg, regime_name(f->regime),
                f->regime == CK_RED_REGIME ? "reduced_loss" : f->output ? "grad" : "loss");
        bcev_json_values(out, f32, 3, row_keys, (const double[]){f->x, f->y, f->w});
        fprintf(out, ", \"options\": {\"type\": \"%s\", \"form\": \"%s\", ",
                f32 ? "f32" : "f64", c->form == BCEV_PROBS ? "probs" : "logits");
        bcev_json_values(out, 0, 2, opt_keys, (const double[]){P, c->opt.label_smoothing});
        fprintf(out, ", \"clamp\": %d, \"reduction\": \"%s\"}, ",
                (c->opt.flags & BCE_OPT_LOG_CLAMP) ? 1 : 0, red_name(c->opt.reduction));
        bcev_json_values(out, f32, 2, row_keys + 3, (const double[]){f->expected, f->got});
        fputs(", \"ulp\": ", out);
        bcev_json_num(out, f->ulp);
        fprintf(out, "}%s\n", i + 1 < R->nfail ? "," : "");
    }
    fprintf(out, "]}\n");
}

static void junit_write(ck_run *R, FILE *out)
{
    int tests = 0, failures = 0;
    for (int ci = 0; ci < R->ncfg; ci++)
        for (int r = 0; r < CK_NREG; r++)
            if (stat_used(&R->stat[ci][r])) {
                tests++;
                failures += !stat_pass(&R->stat[ci][r]);
            }
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"bce check\" tests=\"%d\" failures=\"%d\">\n"
            "<testsuite name=\"bce check\" tests=\"%d\" failures=\"%d\">\n",
            tests, failures, tests, failures);
    for (int ci = 0; ci < R->ncfg; ci++)
        for (int r = 0; r < CK_NREG; r++) {
            const ck_stat *s = &R->stat[ci][r];
            if (!stat_used(s)) continue;
            fprintf(out, "  <testcase classname=\"");
            bce_tool_xml_esc(out, R->cfg[ci].name);
            fprintf(out, "\" name=\"%s\">", regime_name(r));
            if (!stat_pass(s)) {
                int o = s->fail[0] ? 0 : 1;
                const ck_worst *w = &s->worst[o];
                fprintf(out, "<failure message=\"%llu loss and %llu grad outputs over "
                        "the bound; max %.3g ulp\">worst %s: x=%a y=%a w=%a expected %a "
                        "got %a</failure>", (unsigned long long)s->fail[0],
                        (unsigned long long)s->fail[1], s->max_ulp[o],
                        o ? "grad" : "loss", w->x, w->y, w->w, w->expected, w->got);
            }
            fprintf(out, "</testcase>\n");
        }
    fprintf(out, "</testsuite>\n</testsuites>\n");
}

static FILE *open_out(const char *path) { return bcev_json_open("check", path); }
static int close_out(FILE *f, const char *path) { return bcev_json_close("check", path, f); }

static int write_reports(ck_run *R)
{
    const ck_args *a = R->a;
    int ret = 0;
    if (a->json) {
        FILE *f = open_out(a->json);
        if (f == NULL) return -1;
        json_write(R, f);
        ret |= close_out(f, a->json);
    }
    if (a->junit) {
        FILE *f = open_out(a->junit);
        if (f == NULL) return -1;
        junit_write(R, f);
        ret |= close_out(f, a->junit);
    }
    return ret;
}

/* ------------------------------------------------------------------ */
/* --merge: the JSON summaries of shards into one (line-oriented reader of
 * json_write's layout). */

const char *bce_tool_jfield(const char *line, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = strstr(line, pat);
    return p ? p + strlen(pat) : NULL;
}

double bce_tool_jnum(const char *p)
{
    if (p == NULL) return NAN;
    if (*p == '"') {
        if (!strncmp(p, "\"inf\"", 5)) return INFINITY;
        if (!strncmp(p, "\"nan\"", 5)) return NAN;
        return strtod(p + 1, NULL);
    }
    return strtod(p, NULL);
}

typedef struct mg_file {
    const char *path;
    char **lines;
    size_t n;
    uint64_t lo, hi;
} mg_file;

static int mg_read(mg_file *m)
{
    FILE *f = fopen(m->path, "r");
    if (f == NULL) {
        bce_tool_io_error("check", bce_tool_input_name(m->path), "cannot open", errno);
        return -1;
    }
    char *buf = NULL;
    size_t size = 0, cap = 0;
    ssize_t len;
    m->lines = NULL;
    m->n = 0;
    while ((len = getline(&buf, &size, f)) >= 0) {
        if (m->n == cap) {
            char **p = realloc(m->lines, (cap ? 2 * cap : 64) * sizeof *m->lines);
            if (p == NULL) break;
            m->lines = p;
            cap = cap ? 2 * cap : 64;
        }
        if ((m->lines[m->n] = strdup(buf)) == NULL) break;
        m->n++;
    }
    free(buf);
    fclose(f);
    if (m->n < 3 || strncmp(m->lines[0], "{\"tool\": \"bce check\"", 20) != 0) {
        fprintf(stderr, "bce check --merge: %s: not a bce check JSON summary\n",
                bce_tool_input_name(m->path));
        return -1;
    }
    for (size_t i = 0; i < m->n; i++)
        if (!strncmp(m->lines[i], "\"range\": [", 10)) {
            unsigned long long lo, hi;
            if (sscanf(m->lines[i], "\"range\": [%llu, %llu]", &lo, &hi) == 2) {
                m->lo = lo;
                m->hi = hi;
            }
        }
    return 0;
}

static int mg_cmp(const void *a, const void *b)
{
    const mg_file *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* A parsed group line, and its stat. */
static int mg_group(const char *line, ck_run *R, int *ci, int *reg)
{
    const char *p = bce_tool_jfield(line, "config"), *q = bce_tool_jfield(line, "regime");
    if (p == NULL || q == NULL) return -1;
    *ci = atoi(p);
    char name[32];
    if (sscanf(q, "\"%31[^\"]\"", name) != 1) return -1;
    *reg = regime_from_name(name);
    if (*ci < 0 || *ci >= CK_MAX_CFG || *reg < 0) return -1;
    ck_stat s;
    memset(&s, 0, sizeof s);
    unsigned long long c, f0, f1;
    if (sscanf(bce_tool_jfield(line, "count"), "%llu", &c) != 1 ||
        sscanf(bce_tool_jfield(line, "failing"), "[%llu, %llu]", &f0, &f1) != 2)
        return -1;
    s.count = c;
    s.fail[0] = f0;
    s.fail[1] = f1;
    for (int o = 0; o < 2; o++) {
        const char *w = strstr(line, o ? "\"grad\": " : "\"loss\": ");
        if (w == NULL) return -1;
        w += 8;
        if (!strncmp(w, "null", 4)) continue;
        s.worst[o].set = 1;
        s.max_ulp[o] = bce_tool_jnum(bce_tool_jfield(w, "max_ulp"));
        s.worst[o].x = bce_tool_jnum(bce_tool_jfield(w, "x"));
        s.worst[o].y = bce_tool_jnum(bce_tool_jfield(w, "y"));
        s.worst[o].w = bce_tool_jnum(bce_tool_jfield(w, "w"));
        s.worst[o].expected = bce_tool_jnum(bce_tool_jfield(w, "expected"));
        s.worst[o].got = bce_tool_jnum(bce_tool_jfield(w, "got"));
    }
    ck_stat *t = &R->stat[*ci][*reg];
    t->count += s.count;
    for (int o = 0; o < 2; o++) {
        t->fail[o] += s.fail[o];
        if (s.worst[o].set && (!t->worst[o].set || s.max_ulp[o] > t->max_ulp[o])) {
            t->worst[o] = s.worst[o];
            t->max_ulp[o] = s.max_ulp[o];
        }
    }
    return 0;
}

static int merge_files(mg_file *m, int nfiles, const char *json, const char *junit);

/* Is path a summary of the 16-bit checker (check16.c: an "out_type" on
 * its second line)?  Its --merge is bce_tool_check16_merge. */
static int is_summary16(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) return 0;   /* run_merge names the error */
    char *buf = NULL;
    size_t size = 0;
    int r = getline(&buf, &size, f) >= 0 && getline(&buf, &size, f) >= 0 &&
            strstr(buf, "\"out_type\"") != NULL;
    free(buf);
    fclose(f);
    return r;
}

static int run_merge(int nfiles, char **paths, const char *json, const char *junit)
{
    mg_file *m = calloc((size_t)nfiles, sizeof *m);
    int r = m == NULL ? BCE_EXIT_USAGE : 0;
    for (int i = 0; i < nfiles && r == 0; i++) {
        m[i].path = paths[i];
        if (mg_read(&m[i]) != 0)
            r = BCE_EXIT_USAGE;
    }
    if (r == 0)
        r = merge_files(m, nfiles, json, junit);
    for (int i = 0; m != NULL && i < nfiles; i++) {
        for (size_t k = 0; k < m[i].n; k++)
            free(m[i].lines[k]);
        free(m[i].lines);
    }
    free(m);
    return r;
}

static int merge_files(mg_file *m, int nfiles, const char *json, const char *junit)
{
    qsort(m, (size_t)nfiles, sizeof *m, mg_cmp);
    for (int i = 1; i < nfiles; i++)
        if (m[i].lo != m[i - 1].hi) {
            fprintf(stderr, "bce check --merge: ranges not contiguous: [%llu, %llu) "
                    "then [%llu, %llu)\n", (unsigned long long)m[i - 1].lo,
                    (unsigned long long)m[i - 1].hi, (unsigned long long)m[i].lo,
                    (unsigned long long)m[i].hi);
            return BCE_EXIT_USAGE;
        }
    static ck_run R;
    static ck_args A;
    memset(&R, 0, sizeof R);
    memset(&A, 0, sizeof A);
    R.a = &A;
    /* the header lines (before "range") and the configs must agree */
    size_t cfg0 = 0, cfg1 = 0;
    for (size_t i = 0; i < m[0].n; i++) {
        if (!strncmp(m[0].lines[i], "\"configs\": [", 12)) cfg0 = i;
        if (cfg0 && !cfg1 && !strncmp(m[0].lines[i], "],", 2)) cfg1 = i;
    }
    if (!cfg0 || !cfg1) {
        fprintf(stderr, "bce check --merge: %s: no configurations\n",
                bce_tool_input_name(m[0].path));
        return BCE_EXIT_USAGE;
    }
    for (int k = 1; k < nfiles; k++)
        for (size_t i = 0; i <= cfg1; i++) {
            const char *l = m[0].lines[i];
            if (!strncmp(l, "\"range\"", 7) || !strncmp(l, "\"shard\"", 7) ||
                !strncmp(l, "\"pass\"", 6))
                continue;
            if (i >= m[k].n || strcmp(l, m[k].lines[i]) != 0) {
                fprintf(stderr, "bce check --merge: %s and %s differ at line %zu: "
                        "not shards of one run\n", bce_tool_input_name(m[0].path),
                        bce_tool_input_name(m[k].path), i + 1);
                return BCE_EXIT_USAGE;
            }
        }
    /* groups, failing rows */
    int ncfg = (int)(cfg1 - cfg0 - 1);
    R.ncfg = ncfg;
    for (int ci = 0; ci < ncfg && ci < CK_MAX_CFG; ci++) {
        snprintf(R.cfg[ci].name, sizeof R.cfg[ci].name, "%d", ci);
        /* the type sets the decimals of the groups' values */
        R.cfg[ci].type = strstr(m[0].lines[cfg0 + 1 + (size_t)ci], "\"type\": \"f32\"")
                             ? BCEV_F32 : BCEV_F64;
    }
    uint64_t total = 0;
    for (int k = 0; k < nfiles; k++) {
        int in_groups = 0;
        for (size_t i = cfg1; i < m[k].n; i++) {
            const char *l = m[k].lines[i];
            if (!strncmp(l, "\"groups\": [", 11)) { in_groups = 1; continue; }
            if (in_groups && l[0] == ']') { in_groups = 0; continue; }
            if (in_groups) {
                int ci, reg;
                if (mg_group(l, &R, &ci, &reg) != 0) {
                    fprintf(stderr, "bce check --merge: %s: line %zu: not a group\n",
                            bce_tool_input_name(m[k].path), i + 1);
                    return BCE_EXIT_USAGE;
                }
            }
            if (!strncmp(l, "\"failing_total\": ", 17))
                total += strtoull(l + 17, NULL, 10);
        }
    }
    FILE *out = json ? open_out(json) : NULL;
    if (json && out == NULL) return BCE_EXIT_USAGE;
    if (out) {
        /* the header of the first file, the whole range, no shard */
        for (size_t i = 0; i < cfg0; i++) {
            const char *l = m[0].lines[i];
            if (!strncmp(l, "\"range\"", 7))
                fprintf(out, "\"range\": [%llu, %llu],\n", (unsigned long long)m[0].lo,
                        (unsigned long long)m[nfiles - 1].hi);
            else if (!strncmp(l, "\"shard\"", 7))
                fprintf(out, "\"shard\": null,\n");
            else if (!strncmp(l, "\"pass\"", 6))
                fprintf(out, "\"pass\": %s,\n", total ? "false" : "true");
            else
                fputs(l, out);
        }
        for (size_t i = cfg0; i < cfg1; i++)
            fputs(m[0].lines[i], out);
        /* groups through json_write's format */
        json_groups(out, &R, ncfg);
        fprintf(out, "\n],\n\"failing_total\": %llu,\n\"failing_rows\": [\n",
                (unsigned long long)total);
        /* failing rows: configuration-major, shards in range order */
        int any = 0;
        for (int ci = 0; ci < ncfg; ci++)
            for (int k = 0; k < nfiles; k++) {
                int in_rows = 0;
                for (size_t i = 0; i < m[k].n; i++) {
                    const char *l = m[k].lines[i];
                    if (!strncmp(l, "\"failing_rows\": [", 17)) { in_rows = 1; continue; }
                    if (!in_rows || l[0] != ' ') continue;
                    if (atoi(bce_tool_jfield(l, "config")) != ci) continue;
                    size_t len = strlen(l);
                    while (len && (l[len - 1] == '\n' || l[len - 1] == ',')) len--;
                    fprintf(out, "%s%.*s", any ? ",\n" : "", (int)len, l);
                    any = 1;
                }
            }
        fprintf(out, "%s]}\n", any ? "\n" : "");
        if (close_out(out, json) != 0) return BCE_EXIT_USAGE;
    }
    if (junit) {
        FILE *f = open_out(junit);
        if (f == NULL) return BCE_EXIT_USAGE;
        junit_write(&R, f);
        if (close_out(f, junit) != 0) return BCE_EXIT_USAGE;
    }
    printf("%s: %d shard summaries merged, range [%llu, %llu), %llu failing outputs\n",
           total ? "FAIL" : "PASS", nfiles, (unsigned long long)m[0].lo,
           (unsigned long long)m[nfiles - 1].hi, (unsigned long long)total);
    return total ? BCE_EXIT_FAIL : BCE_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* Arguments */

static int usage(const char *msg, const char *arg)
{
    fprintf(stderr, "bce check: %s%s%s%s\ntry 'bce help check'\n", msg,
            arg ? " '" : "", arg ? bce_tool_esc(arg, BCE_TOOL_ESC_NAME) : "",
            arg ? "'" : "");
    return BCE_EXIT_USAGE;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (s == NULL || *s == '-') return -1;
    unsigned long long v = strtoull(s, &end, 0);
    if (end == s || *end != '\0' || errno) return -1;
    *out = v;
    return 0;
}

static int parse_bound(const char *v, double *d)
{
    return bce_tool_parse_double(v, d) != 0 || !(*d >= 0) ? -1 : 0;
}

int bce_tool_check(int argc, char **argv)
{
    /* --type bf16|f16 (before --): the 16-bit checker (check16.c) */
    for (int i = 1; i + 1 < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--type") &&
            (!strcmp(argv[i + 1], "bf16") || !strcmp(argv[i + 1], "f16")))
            return bce_tool_check16(argc, argv);
    static ck_args A;
    static ck_run R;
    memset(&A, 0, sizeof A);
    memset(&R, 0, sizeof R);
    A.types = 1;
    A.forms = 1;
    A.samples = 1000;
    A.seed = 1;
    A.batch = 1u << 20;
    A.wcdir = bcev_wc_default_dir();
    A.options_all = 1;
    A.labels = 3;
    A.bound[0] = A.bound[1] = 1.0;
    A.timeout = 600;
    {
        long nc = sysconf(_SC_NPROCESSORS_ONLN);
        A.threads = nc < 1 ? 1 : nc > CK_MAX_THREADS ? CK_MAX_THREADS : (unsigned)nc;
    }
    A.full_lo = 0;
    A.full_hi = UINT64_C(1) << 32;
    const char *shard = NULL;
    int range_set = 0, merge = 0, type_all = 0, form_all = 0;
    int i;
    for (i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--")) { i++; break; }
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            fputs(check_help, stdout);
            return BCE_EXIT_OK;
        }
        if (!strcmp(o, "--clamp")) { A.xopt.flags |= BCE_OPT_LOG_CLAMP; A.explicit_opts = 1; continue; }
        if (!strcmp(o, "--weights")) { A.xweights = 1; A.explicit_opts = 1; continue; }
        if (!strcmp(o, "--exhaustive")) { A.exhaustive = 1; continue; }
        if (!strcmp(o, "--quiet")) { A.quiet = 1; continue; }
        if (!strcmp(o, "--merge")) { merge = 1; i++; break; }
        if (o[0] != '-')
            return usage("unexpected argument (the IUT's command goes after --):", o);
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if ((!strcmp(o, "--json") || !strcmp(o, "--junit")) &&
            bcev_json_arg("check", o, v) == NULL)
            return BCE_EXIT_USAGE;      /* the bare --json: name the fix */
        if (v == NULL)
            return usage("missing value after", o);
        i++;
        double d;
        if (!strcmp(o, "--type")) {
            if (!strcmp(v, "f64")) A.types = 1;
            else if (!strcmp(v, "f32")) A.types = 2;
            else if (!strcmp(v, "all")) { A.types = 3; type_all = 1; }
            else return usage("--type: expected f64, f32 or all, got", v);
        } else if (!strcmp(o, "--form")) {
            if (!strcmp(v, "logits")) A.forms = 1;
            else if (!strcmp(v, "probs")) A.forms = 2;
            else if (!strcmp(v, "all")) { A.forms = 3; form_all = 1; }
            else return usage("--form: expected logits, probs or all, got", v);
        } else if (!strcmp(o, "--samples")) {
            if (parse_u64(v, &A.samples) || A.samples < 1 || A.samples > 100000000)
                return usage("--samples: expected 1..10^8, got", v);
        } else if (!strcmp(o, "--seed")) {
            if (parse_u64(v, &A.seed)) return usage("--seed: expected an integer, got", v);
        } else if (!strcmp(o, "--batch")) {
            if (parse_u64(v, &A.batch) || A.batch < 2 || A.batch > (1u << 28))
                return usage("--batch: expected 2..2^28, got", v);
        } else if (!strcmp(o, "--wc")) {
            A.wcdir = v;
        } else if (!strcmp(o, "--options")) {
            if (!strcmp(v, "all")) A.options_all = 1;
            else if (!strcmp(v, "default")) A.options_all = 0;
            else return usage("--options: expected all or default, got", v);
        } else if (!strcmp(o, "--pos-weight")) {
            if (bce_tool_parse_double(v, &d) || !(d >= 0) || isinf(d))
                return usage("--pos-weight: expected a finite number >= 0, got", v);
            A.xopt.flags |= BCE_OPT_POS_WEIGHT;
            A.xopt.pos_weight = d;
            A.explicit_opts = 1;
        } else if (!strcmp(o, "--smoothing")) {
            if (bce_tool_parse_double(v, &d) || !(d >= 0 && d <= 1))
                return usage("--smoothing: expected a number in [0,1], got", v);
            A.xopt.label_smoothing = d;
            A.explicit_opts = 1;
        } else if (!strcmp(o, "--reduction")) {
            int r = -1;
            for (int k = 0; k < 4; k++)
                if (!strcmp(v, red_name((bce_reduction)k))) r = k;
            if (r < 0) return usage("--reduction: expected none, sum, mean or weighted-mean, got", v);
            A.xopt.reduction = (bce_reduction)r;
            A.explicit_opts = 1;
        } else if (!strcmp(o, "--range")) {
            const char *colon = strchr(v, ':');
            char buf[64];
            if (!colon || (size_t)(colon - v) >= sizeof buf)
                return usage("--range: expected A:B, got", v);
            memcpy(buf, v, (size_t)(colon - v));
            buf[colon - v] = '\0';
            if (parse_u64(buf, &A.full_lo) || parse_u64(colon + 1, &A.full_hi) ||
                A.full_hi > (UINT64_C(1) << 32) || A.full_lo >= A.full_hi)
                return usage("--range: need 0 <= A < B <= 2^32, got", v);
            range_set = 1;
        } else if (!strcmp(o, "--label")) {
            if (!strcmp(v, "0")) A.labels = 1;
            else if (!strcmp(v, "1")) A.labels = 2;
            else if (!strcmp(v, "both")) A.labels = 3;
            else return usage("--label: expected 0, 1 or both, got", v);
        } else if (!strcmp(o, "--shard")) {
            shard = v;
        } else if (!strcmp(o, "--convention")) {
            if (bcev_convention_parse(v, &A.conv) != 0)
                return usage("--convention: expected libbce, torch, keras, optax or sklearn, got", v);
        } else if (!strcmp(o, "--max-ulp")) {
            if (parse_bound(v, &d)) return usage("--max-ulp: expected a number >= 0, got", v);
            A.bound[0] = A.bound[1] = d;
        } else if (!strcmp(o, "--max-ulp-loss")) {
            if (parse_bound(v, &A.bound[0])) return usage("--max-ulp-loss: expected a number >= 0, got", v);
        } else if (!strcmp(o, "--max-ulp-grad")) {
            if (parse_bound(v, &A.bound[1])) return usage("--max-ulp-grad: expected a number >= 0, got", v);
        } else if (!strcmp(o, "--timeout")) {
            if (bce_tool_parse_double(v, &A.timeout) || !(A.timeout > 0))
                return usage("--timeout: expected seconds > 0, got", v);
        } else if (!strcmp(o, "--threads")) {
            uint64_t t;
            if (parse_u64(v, &t) || t < 1 || t > CK_MAX_THREADS)
                return usage("--threads: expected 1..256, got", v);
            A.threads = (unsigned)t;
        } else if (!strcmp(o, "--json")) {
            A.json = v;
        } else if (!strcmp(o, "--junit")) {
            A.junit = v;
        } else if (!strcmp(o, "--lib")) {
            A.lib = v;
        } else if (!strcmp(o, "--symbol")) {
            A.symbol = v;
        } else {
            return usage("unknown option", o);
        }
    }
    if (merge) {
        /* bce check --merge A.json B.json ... [--json F] [--junit F] */
        char **files = argv + i;
        int nf = 0;
        const char *json = NULL, *junit = NULL;
        char **list = calloc((size_t)(argc - i + 1), sizeof *list);
        for (int k = 0; k < argc - i; k++) {
            if (!strcmp(files[k], "--json") || !strcmp(files[k], "--junit")) {
                const char *f = bcev_json_arg("check", files[k],
                                              k + 1 < argc - i ? files[k + 1] : NULL);
                if (f == NULL) {
                    free(list);
                    return BCE_EXIT_USAGE;
                }
                *(files[k][2] == 'j' && files[k][3] == 's' ? &json : &junit) = f;
                k++;
            } else {
                list[nf++] = files[k];
            }
        }
        if (json == NULL) json = A.json;
        if (junit == NULL) junit = A.junit;
        if (nf < 1) {
            free(list);
            return usage("--merge: expected JSON summaries", NULL);
        }
        int r = is_summary16(list[0]) ? bce_tool_check16_merge(nf, list, json, junit)
                                      : run_merge(nf, list, json, junit);
        free(list);
        return r;
    }
    if (A.xopt.flags & BCE_OPT_LOG_CLAMP) {
        if (A.forms & 1) {
            if (form_all) A.forms = 2;
            else return usage("--clamp applies to --form probs only", NULL);
        }
    }
    if (A.lib != NULL) {
        if (i < argc) return usage("--lib and a command: choose one", NULL);
        if (A.symbol == NULL) return usage("--lib needs --symbol NAME", NULL);
        if (type_all || form_all)
            return usage("--lib: one --type and one --form (the symbol's signature)", NULL);
        R.libh = dlopen(A.lib, RTLD_NOW | RTLD_LOCAL);
        if (R.libh == NULL) {
            fprintf(stderr, "bce check: --lib %s: %s\n", bce_tool_esc(A.lib, BCE_TOOL_ESC_NAME),
                    dlerror());
            return BCE_EXIT_USAGE;
        }
        R.fn = dlsym(R.libh, A.symbol);
        if (R.fn == NULL) {
            fprintf(stderr, "bce check: --symbol %s: not found in %s\n",
                    bce_tool_esc(A.symbol, BCE_TOOL_ESC_NAME),
                    bce_tool_esc(A.lib, BCE_TOOL_ESC_NAME));
            dlclose(R.libh);
            return BCE_EXIT_USAGE;
        }
        snprintf(A.iut, sizeof A.iut, "--lib %s --symbol %s", A.lib, A.symbol);
    } else {
        if (i >= argc) return usage("no IUT: give -- CMD ARGS... or --lib PATH --symbol NAME", NULL);
        A.cmd = argv + i;
        size_t len = 0;
        for (int k = i; k < argc && len < sizeof A.iut - 1; k++)
            len += (size_t)snprintf(A.iut + len, sizeof A.iut - len, "%s%s",
                                    k > i ? " " : "", argv[k]);
    }
    if (A.exhaustive) {
        if (A.explicit_opts && A.xopt.reduction != BCE_REDUCTION_NONE)
            return usage("--exhaustive checks per-sample outputs: --reduction none only", NULL);
        if (!range_set)
            return usage("--exhaustive needs --range A:B", NULL);
        char err[256];
        if (bce_tool_shard_get(shard, &A.shard, err, sizeof err) != 0)
            return usage(err, NULL);
        bce_tool_shard_range(&A.shard, A.full_lo, A.full_hi, &A.lo, &A.hi);
        if (A.lo >= A.hi)
            return usage("empty shard of the range", NULL);
        if (A.shard.from_env)
            printf("shard %d/%d from %s: range [%llu, %llu)\n", A.shard.index,
                   A.shard.count, A.shard.source, (unsigned long long)A.lo,
                   (unsigned long long)A.hi);
    } else if (shard != NULL || range_set) {
        return usage("--shard and --range go with --exhaustive", NULL);
    }
    signal(SIGPIPE, SIG_IGN);
    R.a = &A;
    make_configs(&R);
    if (R.ncfg == 0)
        return usage(R.nskipped ? "no configuration to check: the convention defines none of those asked for"
                                : "no configuration to check", NULL);
    R.t0 = R.tlast = now();
    int ret = A.exhaustive ? run_exhaustive(&R) : run_regimes(&R);
    progress(&R, 1);
    if (ret == 0) {
        text_report(&R, (A.json && !strcmp(A.json, "-")) ? stderr : stdout);
        if (write_reports(&R) != 0)
            ret = BCE_EXIT_USAGE;
        else
            ret = R.fail_total ? BCE_EXIT_FAIL : BCE_EXIT_OK;
    }
    free(R.fails);
    if (R.libh) dlclose(R.libh);
    return ret;
}

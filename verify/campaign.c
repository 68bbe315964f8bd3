/*
 * campaign.c -- `bce verify`: every ISA x kernel x output x regime x option
 * configuration, library results against the MPFR reference (bcev_exact,
 * 128 bits), measured in ulps (bcev_ulp_error) and checked against the one
 * bounds table (bounds.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bce_verify.h"

#define DEFAULT_SAMPLES 50000u     /* per (isa, kernel, config, regime) cell */
#define DEFAULT_SEED 0x6263655f76657269u   /* "bce_veri" */
#define BLOCK 4096u                /* samples per library call (NONE) */
#define MEAN_BLOCK 10000u          /* samples per MEAN reduction */
#define EXACT_PREC 128

typedef enum config {
    C_HARD, C_SOFT, C_WEIGHTS, C_POS_WEIGHT, C_SMOOTHING, C_CLAMP, C_MEAN, C_WC,
    C_COUNT
} config;

static const char *const config_names[C_COUNT] = {
    "hard", "soft", "weights", "pos_weight", "smoothing", "clamp", "mean", "wc",
};

static const char *const isa_names[] = {"scalar", "sse4.1", "avx2"};

typedef struct args {
    uint64_t samples, seed;
    int json, quiet;
    const char *isa, *wc_dir;
} args;

/* One row of the report. */
typedef struct row {
    const char *isa, *kernel, *output, *regime, *config;
    uint64_t samples, failures;
    double max_ulp, bound, x, y, w;
    int lib_error;                /* a bce_status other than BCE_OK */
    struct row *next;
} row;

typedef struct report {
    row *head, *tail;
    int fail;
} report;

static const char *kernel_name(bcev_form f, bcev_type t)
{
    static const char *const k[2][2] = {{"logits_f64", "logits_f32"},
                                        {"probs_f64", "probs_f32"}};
    return k[f][t];
}

/* ------------------------------------------------------------------ */
/* library calls                                                       */

static bce_status call_lib(bcev_form f, bcev_type t, size_t n, const double *x,
                           const double *y, const double *w, const bce_options *o,
                           double *loss, double *grad, float *fbuf)
{
    if (t == BCEV_F64)
        return f == BCEV_LOGITS ? bce_logits_f64(n, x, y, w, o, loss, grad)
                                : bce_probs_f64(n, x, y, w, o, loss, grad);
    float *fx = fbuf, *fy = fbuf + n, *fw = fbuf + 2 * n, *fl = fbuf + 3 * n,
          *fg = fbuf + 4 * n;
    for (size_t i = 0; i < n; i++) {
        fx[i] = (float)x[i];
        fy[i] = (float)y[i];
        if (w)
            fw[i] = (float)w[i];
    }
    size_t nl = o->reduction == BCE_REDUCTION_NONE ? n : 1;
    bce_status s = f == BCEV_LOGITS
                       ? bce_logits_f32(n, fx, fy, w ? fw : NULL, o, fl, fg)
                       : bce_probs_f32(n, fx, fy, w ? fw : NULL, o, fl, fg);
    for (size_t i = 0; i < n; i++) {
        grad[i] = fg[i];
        if (i < nl)
            loss[i] = fl[i];
    }
    return s;
}

/* ------------------------------------------------------------------ */

typedef struct cell {
    row *r[2];                  /* loss, grad */
} cell;

static row *add_row(report *rep, const char *isa, const char *kernel,
                    const char *output, const char *regime, const char *cfg)
{
    row *r = calloc(1, sizeof *r);
    if (!r) {
        fprintf(stderr, "bce verify: out of memory\n");
        exit(2);
    }
    r->isa = isa;
    r->kernel = kernel;
    r->output = output;
    r->regime = regime;
    r->config = cfg;
    r->max_ulp = -1.0;
    if (rep->tail)
        rep->tail->next = r;
    else
        rep->head = r;
    rep->tail = r;
    return r;
}

static void record(row *r, bcev_type t, double got, const mpfr_t exact, double bound,
                   double x, double y, double w)
{
    double u;
    int ok = bcev_check(t, got, exact, bound, &u);
    r->samples++;
    if (!ok)
        r->failures++;
    /* keep the worst input: failures first, then the largest error */
    if (u > r->max_ulp || (!ok && r->failures == 1)) {
        if (u > r->max_ulp)
            r->max_ulp = u;
        r->x = x;
        r->y = y;
        r->w = w;
    }
    if (bound > r->bound)
        r->bound = bound;
}

static void options_for(config c, uint64_t block, bce_options *o)
{
    static const double pw[] = {3.0, 0.25, 10.5, 0.0};
    static const double sm[] = {0.1, 0.05, 0.3, 1.0};
    memset(o, 0, sizeof *o);
    if (c == C_POS_WEIGHT) {
        o->flags = BCE_OPT_POS_WEIGHT;
        o->pos_weight = pw[block % 4];
    } else if (c == C_SMOOTHING) {
        o->label_smoothing = sm[block % 4];
    } else if (c == C_CLAMP) {
        o->flags = BCE_OPT_LOG_CLAMP;
    } else if (c == C_MEAN) {
        o->reduction = BCE_REDUCTION_MEAN;
    }
}

static void weights(uint64_t seed, uint64_t first, size_t n, bcev_type t, double *w)
{
    for (size_t i = 0; i < n; i++) {
        bcev_rng r;
        bcev_rng_seed(&r, seed ^ 0x77656967687473u ^ ((first + i) * 0x9e3779b97f4a7c15u));
        uint64_t k = bcev_rng_next(&r);
        double v = (k & 15) == 0 ? 0.0 : ldexp(1.0 + bcev_rng_unif(&r),
                                               (int)(bcev_rng_next(&r) % 17) - 8);
        w[i] = t == BCEV_F32 ? (double)(float)v : v;
    }
}

typedef struct bufs {
    double *x, *y, *w, *loss, *grad;
    float *fbuf;
    mpfr_t *eL, *eG;            /* exact values of a block */
} bufs;

#define MAX_ISA 3

/*
 * Runs one (kernel, config, regime) cell on every selected ISA.  The MPFR
 * values (the expensive part) are computed once per block and shared by
 * the ISAs, so more ISAs cost little.
 */
static void run_cell(const args *a, report *rep, int nisa, const char *const *isas,
                     bcev_form f, bcev_type t, config c, bcev_regime reg,
                     const bcev_wc *wc, bufs *b)
{
    const char *kn = kernel_name(f, t);
    row *rl[MAX_ISA], *rg[MAX_ISA];
    for (int k = 0; k < nisa; k++) {
        rl[k] = add_row(rep, isas[k], kn, "loss", bcev_regime_name(reg), config_names[c]);
        rg[k] = add_row(rep, isas[k], kn, "grad", bcev_regime_name(reg), config_names[c]);
    }
    bcev_labels lab = c == C_HARD ? BCEV_LABELS_HARD
                    : c == C_SOFT ? BCEV_LABELS_SOFT : BCEV_LABELS_ANY;
    size_t block = c == C_MEAN ? MEAN_BLOCK : BLOCK;
    uint64_t total = a->samples;
    if (c == C_MEAN && total < MEAN_BLOCK)
        block = (size_t)total;
    if (c == C_MEAN)
        total = block;                      /* one reduction per regime */
    if (reg == BCEV_REG_WC && wc->n < total)
        total = wc->n;                      /* each hard input once */
    mpfr_t den, Lr;
    mpfr_inits2(EXACT_PREC, den, Lr, (mpfr_ptr)0);
    uint64_t seed = a->seed ^ ((uint64_t)c << 40);
    int use_w = c == C_WEIGHTS;
    for (uint64_t first = 0, blk = 0; first < total; first += block, blk++) {
        size_t n = (size_t)(total - first < block ? total - first : block);
        n = bcev_regime_fill(reg, f, t, lab, seed, first, n, wc, b->x, b->y);
        if (n == 0)
            break;
        if (use_w)
            weights(seed, first, n, t, b->w);
        bce_options o;
        options_for(c, blk, &o);
        bcev_denominator(n, use_w ? b->w : NULL, &o, den);
        for (size_t i = 0; i < n; i++) {
            bcev_sample s = {b->x[i], b->y[i], use_w ? b->w[i] : 1.0};
            bcev_exact_mp(f, &s, &o, den, EXACT_PREC, b->eL[i], b->eG[i]);
        }
        if (c == C_MEAN)
            bcev_exact_reduced(f, n, b->x, b->y, NULL, &o, NAN, EXACT_PREC, Lr);
        for (int k = 0; k < nisa; k++) {
            if (bce_set_isa(isas[k]) != BCE_OK)
                continue;
            bce_status st = call_lib(f, t, n, b->x, b->y, use_w ? b->w : NULL, &o,
                                     b->loss, b->grad, b->fbuf);
            if (st != BCE_OK) {
                rl[k]->lib_error = rg[k]->lib_error = (int)st;
                rl[k]->failures++;
                rg[k]->failures++;
                rl[k]->x = rg[k]->x = b->x[0];
                continue;
            }
            for (size_t i = 0; i < n; i++) {
                double y = b->y[i], w = use_w ? b->w[i] : 1.0;
                bcev_config_kind kind = c == C_MEAN ? BCEV_CFG_REDUCED
                    : (c == C_HARD || c == C_SOFT || c == C_WC)
                        ? ((y == 0.0 || y == 1.0) ? BCEV_CFG_HARD : BCEV_CFG_SOFT)
                        : BCEV_CFG_OPTIONS;
                if (c != C_MEAN)
                    record(rl[k], t, b->loss[i], b->eL[i], bcev_bound(f, t, BCEV_LOSS, kind),
                           b->x[i], y, w);
                record(rg[k], t, b->grad[i], b->eG[i], bcev_bound(f, t, BCEV_GRAD, kind),
                       b->x[i], y, w);
            }
            if (c == C_MEAN)
                record(rl[k], t, b->loss[0], Lr,
                       bcev_bound(f, t, BCEV_LOSS, BCEV_CFG_REDUCED), b->x[0], b->y[0], 1.0);
        }
    }
    mpfr_clears(den, Lr, (mpfr_ptr)0);
    for (int k = 0; k < nisa; k++)
        if (rl[k]->failures || rg[k]->failures)
            rep->fail = 1;
}

/* ------------------------------------------------------------------ */
/* output                                                              */

static void print_table(const report *rep, FILE *out)
{
    fprintf(out, "%-7s %-10s %-4s %-11s %-10s %8s %10s %-24s %-24s %5s %s\n", "isa",
            "kernel", "out", "regime", "config", "samples", "max_ulp", "x", "y",
            "bound", "result");
    for (const row *r = rep->head; r; r = r->next) {
        if (r->samples == 0 && !r->lib_error)
            continue;
        char xs[40], ys[40];
        snprintf(xs, sizeof xs, "%a", r->x);
        snprintf(ys, sizeof ys, "%a", r->y);
        fprintf(out, "%-7s %-10s %-4s %-11s %-10s %8" PRIu64 " %10.4g %-24s %-24s %5.2g %s",
                r->isa, r->kernel, r->output, r->regime, r->config, r->samples,
                r->max_ulp < 0 ? 0.0 : r->max_ulp, xs, ys, r->bound,
                r->failures ? "FAIL" : "PASS");
        if (r->lib_error)
            fprintf(out, " (%s)", bce_status_name((bce_status)r->lib_error));
        else if (r->failures)
            fprintf(out, " (%" PRIu64 " over bound)", r->failures);
        fputc('\n', out);
    }
    fprintf(out, "%s\n", rep->fail ? "FAIL: a bound was exceeded" : "PASS: every bound met");
}

static void json_num(FILE *out, double v)
{
    if (isnan(v) || isinf(v))
        fprintf(out, "null");
    else
        fprintf(out, "%.17g", v);
}

static void print_json(const report *rep, const args *a, double secs, FILE *out)
{
    fprintf(out, "{\"tool\":\"bce verify\",\"version\":\"%s\",\"samples\":%" PRIu64
                 ",\"seed\":%" PRIu64 ",\"seconds\":%.3f,\"pass\":%s,\"results\":[",
            bce_version(), a->samples, a->seed, secs, rep->fail ? "false" : "true");
    int first = 1;
    for (const row *r = rep->head; r; r = r->next) {
        if (r->samples == 0 && !r->lib_error)
            continue;
        fprintf(out, "%s\n {\"isa\":\"%s\",\"kernel\":\"%s\",\"output\":\"%s\","
                     "\"regime\":\"%s\",\"config\":\"%s\",\"samples\":%" PRIu64
                     ",\"failures\":%" PRIu64 ",\"max_ulp\":",
                first ? "" : ",", r->isa, r->kernel, r->output, r->regime, r->config,
                r->samples, r->failures);
        json_num(out, r->max_ulp < 0 ? 0.0 : r->max_ulp);
        fprintf(out, ",\"x\":\"%a\",\"y\":\"%a\",\"w\":\"%a\",\"bound\":", r->x, r->y, r->w);
        json_num(out, r->bound);
        fprintf(out, ",\"pass\":%s", r->failures ? "false" : "true");
        if (r->lib_error)
            fprintf(out, ",\"error\":\"%s\"", bce_status_name((bce_status)r->lib_error));
        fputc('}', out);
        first = 0;
    }
    fprintf(out, "\n]}\n");
}

static void usage(FILE *out)
{
    fprintf(out,
        "usage: bce verify [--samples N] [--json] [--seed S] [--isa NAME]\n"
        "                  [--wc-dir DIR] [--quiet]\n"
        "\n"
        "Check every kernel (logits/probs x f64/f32) on every available ISA\n"
        "against the correctly rounded MPFR reference, for every output (loss,\n"
        "grad), input regime (random, tail_pos, tail_neg, thresholds,\n"
        "soft_cancel, special, wc) and option configuration (hard, soft,\n"
        "weights, pos_weight, smoothing, clamp, mean, wc).  Errors are in ulps\n"
        "of the exact value; bounds are those of docs/ACCURACY.md.\n"
        "\n"
        "  --samples N   samples per (isa, kernel, config, regime) (default %u;\n"
        "                a MEAN reduction uses min(N, %u) samples)\n"
        "  --json        one JSON document on stdout instead of the table\n"
        "  --seed S      seed of the generators (default %" PRIu64 ")\n"
        "  --isa NAME    only this ISA (scalar, sse4.1, avx2)\n"
        "  --wc-dir DIR  directory of the hard inputs *.wc (default %s)\n"
        "  --quiet       no progress on stderr\n"
        "\n"
        "Exit status: 0 every bound met, 1 a bound exceeded, 2 usage error.\n",
        DEFAULT_SAMPLES, MEAN_BLOCK, (uint64_t)DEFAULT_SEED, bcev_wc_default_dir());
}

static int parse_u64(const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    if (s == NULL || *s == '\0' || *s == '-')
        return -1;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || *end)
        return -1;
    *v = (uint64_t)x;
    return 0;
}

static int parse_args(int argc, char **argv, args *a)
{
    a->samples = DEFAULT_SAMPLES;
    a->seed = DEFAULT_SEED;
    a->json = a->quiet = 0;
    a->isa = NULL;
    a->wc_dir = bcev_wc_default_dir();
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            usage(stdout);
            return 1;
        } else if (strcmp(o, "--json") == 0) {
            a->json = 1;
        } else if (strcmp(o, "--quiet") == 0) {
            a->quiet = 1;
        } else if (strcmp(o, "--samples") == 0) {
            if (parse_u64(v, &a->samples) || a->samples == 0) {
                fprintf(stderr, "bce verify: --samples needs a positive integer\n");
                return -1;
            }
            i++;
        } else if (strcmp(o, "--seed") == 0) {
            if (parse_u64(v, &a->seed)) {
                fprintf(stderr, "bce verify: --seed needs an unsigned integer\n");
                return -1;
            }
            i++;
        } else if (strcmp(o, "--isa") == 0) {
            if (!v) {
                fprintf(stderr, "bce verify: --isa needs a name\n");
                return -1;
            }
            a->isa = v;
            i++;
        } else if (strcmp(o, "--wc-dir") == 0) {
            if (!v) {
                fprintf(stderr, "bce verify: --wc-dir needs a directory\n");
                return -1;
            }
            a->wc_dir = v;
            i++;
        } else {
            fprintf(stderr, "bce verify: unknown argument '%s' (see bce verify --help)\n", o);
            return -1;
        }
    }
    if (a->isa) {
        int known = 0;
        for (size_t k = 0; k < sizeof isa_names / sizeof *isa_names; k++)
            known |= strcmp(a->isa, isa_names[k]) == 0;
        if (!known) {
            fprintf(stderr, "bce verify: unknown ISA '%s' (scalar, sse4.1, avx2)\n", a->isa);
            return -1;
        }
        if (!bce_isa_available(a->isa)) {
            fprintf(stderr, "bce verify: ISA '%s' is not available here\n", a->isa);
            return -1;
        }
    }
    return 0;
}

static double now(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int bcev_verify_main(int argc, char **argv)
{
    args a;
    int pr = parse_args(argc, argv, &a);
    if (pr != 0)
        return pr > 0 ? 0 : 2;
    bcev_wc wcs[2][2];
    for (int f = 0; f < 2; f++)
        for (int t = 0; t < 2; t++)
            if (bcev_wc_load(a.wc_dir, (bcev_form)f, (bcev_type)t, &wcs[f][t]) != 0) {
                for (int k = 0; k < 2 * f + t; k++)
                    bcev_wc_free(&wcs[k / 2][k % 2]);
                return 2;
            }
    const size_t cap = MEAN_BLOCK > BLOCK ? MEAN_BLOCK : BLOCK;
    bufs b = {malloc(cap * sizeof(double)), malloc(cap * sizeof(double)),
              malloc(cap * sizeof(double)), malloc(cap * sizeof(double)),
              malloc(cap * sizeof(double)), malloc(5 * cap * sizeof(float)),
              malloc(cap * sizeof(mpfr_t)), malloc(cap * sizeof(mpfr_t))};
    if (!b.x || !b.y || !b.w || !b.loss || !b.grad || !b.fbuf || !b.eL || !b.eG) {
        fprintf(stderr, "bce verify: out of memory\n");
        return 2;
    }
    for (size_t i = 0; i < cap; i++) {
        mpfr_init2(b.eL[i], EXACT_PREC);
        mpfr_init2(b.eG[i], EXACT_PREC);
    }
    const char *saved = bce_active_isa();
    const char *isas[MAX_ISA];
    int nisa = 0;
    for (size_t k = 0; k < sizeof isa_names / sizeof *isa_names; k++)
        if ((!a.isa || strcmp(a.isa, isa_names[k]) == 0) && bce_isa_available(isa_names[k]))
            isas[nisa++] = isa_names[k];
    report rep = {NULL, NULL, 0};
    double t0 = now();
    for (int f = 0; f < 2; f++) {
        for (int t = 0; t < 2; t++) {
            double t1 = now();
            for (int c = 0; c < C_COUNT; c++) {
                if (c == C_CLAMP && f == BCEV_LOGITS)
                    continue;
                for (int r = 0; r < BCEV_REG_COUNT; r++) {
                    if ((c == C_WC) != (r == BCEV_REG_WC))
                        continue;
                    if (c == C_HARD && r == BCEV_REG_SOFT_CANCEL)
                        continue;
                    run_cell(&a, &rep, nisa, isas, (bcev_form)f, (bcev_type)t, (config)c,
                             (bcev_regime)r, &wcs[f][t], &b);
                }
            }
            if (!a.quiet)
                fprintf(stderr, "bce verify: %s on %d ISA(s) done in %.1f s%s\n",
                        kernel_name((bcev_form)f, (bcev_type)t), nisa, now() - t1,
                        rep.fail ? " (failures so far)" : "");
        }
    }
    bce_set_isa(saved);
    double secs = now() - t0;
    if (a.json)
        print_json(&rep, &a, secs, stdout);
    else
        print_table(&rep, stdout);
    if (!a.quiet)
        fprintf(stderr, "bce verify: %.1f s\n", secs);
    int status = rep.fail ? 1 : 0;
    for (row *r = rep.head; r;) {
        row *nx = r->next;
        free(r);
        r = nx;
    }
    for (int f = 0; f < 2; f++)
        for (int t = 0; t < 2; t++)
            bcev_wc_free(&wcs[f][t]);
    free(b.x);
    free(b.y);
    free(b.w);
    free(b.loss);
    free(b.grad);
    free(b.fbuf);
    for (size_t i = 0; i < cap; i++) {
        mpfr_clear(b.eL[i]);
        mpfr_clear(b.eG[i]);
    }
    free(b.eL);
    free(b.eG);
    return status;
}

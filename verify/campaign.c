/*
 * campaign.c -- `bce verify`: every ISA x kernel x output x regime x option
 * configuration, library results against the MPFR reference (bcev_exact,
 * 128 bits), measured in ulps (bcev_ulp_error) and checked against the one
 * bounds table (bounds.c).
 *
 * Two passes.  The first runs the original configurations (hard, soft,
 * weights, pos_weight, smoothing, clamp, mean, wc) on the regimes of
 * regimes.c, --samples each; its sample streams are unchanged.  The second,
 * the option grid, runs every option at the ends of its accepted range and
 * their combinations (gconfigs below) on every regime of regimes.c and on
 * the constructed regimes of grid.c (tiny, cancel, cancel_tiny, midpoint),
 * --grid-samples each, and the configurations plain, clamp and mean on the
 * constructed regimes.
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "bce_verify.h"
#include "bcev_internal.h"
#include "bcev_cli.h"

#define DEFAULT_SAMPLES 50000u     /* per (isa, kernel, config, regime) cell */
#define DEFAULT_GRID_SAMPLES 2048u /* per cell of the option grid */
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

/* The option grid: one option set per configuration (no per-block
 * variation, so a row names its options). */
typedef enum wmode { W_NONE, W_MIN, W_MAX, W_ENDS } wmode;
enum { G_NEW_ONLY = 1, G_PROBS_ONLY = 2, G_CLAMP_PROBS = 4 };
typedef struct gconfig {
    const char *name;
    unsigned flags;               /* BCE_OPT_POS_WEIGHT, BCE_OPT_LOG_CLAMP */
    double pos_weight, smoothing;
    wmode w;
    bce_reduction reduction;
    unsigned where;               /* G_* */
    const char *doc;
} gconfig;

#define PW BCE_OPT_POS_WEIGHT
#define CL BCE_OPT_LOG_CLAMP
static const gconfig gconfigs[] = {
    /* the original configurations, on the constructed regimes only */
    {"plain", 0, 0, 0, W_NONE, BCE_REDUCTION_NONE, G_NEW_ONLY, "no options (bound by label: hard/soft)"},
    {"clamp", CL, 0, 0, W_NONE, BCE_REDUCTION_NONE, G_NEW_ONLY | G_PROBS_ONLY, "log clamp"},
    {"mean", 0, 0, 0, W_NONE, BCE_REDUCTION_MEAN, G_NEW_ONLY, "MEAN over the cell"},
    /* pos_weight: 0, both ends of [2^-64, 2^64], powers of two, odd */
    {"pw_zero", PW, 0.0, 0, W_NONE, BCE_REDUCTION_NONE, 0, "P = 0"},
    {"pw_min", PW, 0x1p-64, 0, W_NONE, BCE_REDUCTION_NONE, 0, "P = 2^-64"},
    {"pw_half", PW, 0.5, 0, W_NONE, BCE_REDUCTION_NONE, 0, "P = 1/2"},
    {"pw_2", PW, 2.0, 0, W_NONE, BCE_REDUCTION_NONE, 0, "P = 2"},
    {"pw_3", PW, 3.0, 0, W_NONE, BCE_REDUCTION_NONE, 0, "P = 3"},
    {"pw_max", PW, 0x1p64, 0, W_NONE, BCE_REDUCTION_NONE, 0, "P = 2^64"},
    /* label smoothing: both ends of [2^-64, 1], a non-dyadic value */
    {"sm_min", 0, 0, 0x1p-64, W_NONE, BCE_REDUCTION_NONE, 0, "a = 2^-64"},
    {"sm_mid", 0, 0, 0.1, W_NONE, BCE_REDUCTION_NONE, 0, "a = RN(0.1)"},
    {"sm_max", 0, 0, 1.0, W_NONE, BCE_REDUCTION_NONE, 0, "a = 1"},
    /* weights: both ends of [2^-64, 2^64], and mixed with 0 */
    {"w_min", 0, 0, 0, W_MIN, BCE_REDUCTION_NONE, 0, "w = 2^-64"},
    {"w_max", 0, 0, 0, W_MAX, BCE_REDUCTION_NONE, 0, "w = 2^64"},
    {"w_ends", 0, 0, 0, W_ENDS, BCE_REDUCTION_NONE, 0, "w in {0, 2^-64, 1, 2^64, 2^[-8,8]}"},
    /* combinations */
    {"pw_sm", PW, 2.0, 0.25, W_NONE, BCE_REDUCTION_NONE, 0, "P = 2, a = 1/4"},
    {"pw_w_min", PW, 0x1p-64, 0, W_MIN, BCE_REDUCTION_NONE, 0, "P = w = 2^-64"},
    {"pw_w_max", PW, 0x1p64, 0, W_MAX, BCE_REDUCTION_NONE, 0, "P = w = 2^64"},
    {"all_min", PW, 0x1p-64, 0x1p-64, W_MIN, BCE_REDUCTION_NONE, G_CLAMP_PROBS,
     "P = a = w = 2^-64 (+ clamp for probs)"},
    {"all_max", PW, 0x1p64, 1.0, W_MAX, BCE_REDUCTION_NONE, G_CLAMP_PROBS,
     "P = w = 2^64, a = 1 (+ clamp for probs)"},
    {"clamp_pw_max", CL | PW, 0x1p64, 0, W_NONE, BCE_REDUCTION_NONE, G_PROBS_ONLY, "clamp, P = 2^64"},
    {"clamp_w_ends", CL, 0, 0, W_ENDS, BCE_REDUCTION_NONE, G_PROBS_ONLY, "clamp, w as w_ends"},
    {"wmean_ends", 0, 0, 0, W_ENDS, BCE_REDUCTION_WEIGHTED_MEAN, 0, "WEIGHTED_MEAN, w as w_ends"},
    {"wsum_ends", 0, 0, 0, W_ENDS, BCE_REDUCTION_SUM, 0, "SUM, w as w_ends"},
};
#undef PW
#undef CL
#define N_GCONFIGS (sizeof gconfigs / sizeof *gconfigs)

typedef struct args {
    uint64_t samples, grid_samples, seed;
    int quiet, table;
    const char *json;             /* NULL, "-" (stdout) or a file */
    const char *isa, *wc_dir;
    const char *configs, *regimes, *kernels;   /* comma lists or NULL (all) */
} args;

/* One row of the report. */
typedef struct row {
    const char *isa, *kernel, *output, *regime, *config;
    uint64_t samples, failures;
    uint64_t not_cr;              /* results other than RN(exact), any bound */
    double ncx, ncy, ncw;         /* the first of them */
    double max_ulp, bound, x, y, w;
    double pw, sm;                /* options of the worst sample (pw < 0: no P) */
    unsigned flags;
    int reduction;
    int lib_error;                /* a bce_status other than BCE_OK */
    struct row *next;
} row;

typedef struct report {
    row *head, *tail;
    int fail;
} report;

/* ------------------------------------------------------------------ */
/* progress on stderr (bcev_cli.h): cells done of the run's cells, the    */
/* fraction by samples                                                   */

typedef struct prog {
    bcev_progress p;
    int plan;                     /* counting the work, not running it */
    uint64_t cells, cells_done, work, work_done;
    const char *cell;             /* the running cell, for the note */
} prog;

static void prog_step(prog *g, uint64_t samples)
{
    g->work_done += samples;
    char note[96];
    snprintf(note, sizeof note, "%s", g->cell ? g->cell : "");
    bcev_progress_update(&g->p, g->cells_done, g->cells,
                         g->work ? (double)g->work_done / (double)g->work : 1.0,
                         g->cell ? note : NULL);
}

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
                   double x, double y, double w, const bce_options *o)
{
    double u;
    int ok = bcev_check(t, got, exact, bound, &u);
    r->samples++;
    if (!ok)
        r->failures++;
    if (!mpfr_nan_p(exact)) {
        double rn = bcev_round_to(t, exact);
        if (!(got == rn) && !(isnan(got) && isnan(rn)) && r->not_cr++ == 0) {
            r->ncx = x;
            r->ncy = y;
            r->ncw = w;
        }
    }
    /* keep the worst input: failures first, then the largest error */
    if (u > r->max_ulp || (!ok && r->failures == 1)) {
        if (u > r->max_ulp)
            r->max_ulp = u;
        r->x = x;
        r->y = y;
        r->w = w;
        r->pw = (o->flags & BCE_OPT_POS_WEIGHT) ? o->pos_weight : -1.0;
        r->sm = o->label_smoothing;
        r->flags = o->flags;
        r->reduction = (int)o->reduction;
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

/* "scalar, ..." : the library's ISAs (its registry, bce_isa_name). */
static const char *isa_list(void)
{
    static char buf[512];
    buf[0] = '\0';
    for (size_t k = 0; k < bce_isa_count(); k++) {
        size_t used = strlen(buf);
        snprintf(buf + used, sizeof buf - used, "%s%s", k ? ", " : "", bce_isa_name(k));
    }
    return buf;
}

/* The loss and gradient rows of each of nisa ISAs: rl[k], rl[nisa + k]. */
static row **isa_rows(int nisa)
{
    row **r = malloc(2 * (size_t)nisa * sizeof *r + 1);
    if (!r) {
        fprintf(stderr, "bce verify: out of memory\n");
        exit(2);
    }
    return r;
}

/*
 * Runs one (kernel, config, regime) cell on every selected ISA.  The MPFR
 * values (the expensive part) are computed once per block and shared by
 * the ISAs, so more ISAs cost little.
 */
static void run_cell(const args *a, report *rep, prog *pg, int nisa,
                     const char *const *isas, bcev_form f, bcev_type t, config c,
                     bcev_regime reg, const bcev_wc *wc, bufs *b)
{
    const char *kn = kernel_name(f, t);
    size_t block = c == C_MEAN ? MEAN_BLOCK : BLOCK;
    uint64_t total = a->samples;
    if (c == C_MEAN && total < MEAN_BLOCK)
        block = (size_t)total;
    if (c == C_MEAN)
        total = block;                      /* one reduction per regime */
    if (reg == BCEV_REG_WC && wc->n < total)
        total = wc->n;                      /* each hard input once */
    if (pg->plan) {
        pg->cells++;
        pg->work += total;
        return;
    }
    row **rl = isa_rows(nisa), **rg = rl + nisa;
    for (int k = 0; k < nisa; k++) {
        rl[k] = add_row(rep, isas[k], kn, "loss", bcev_regime_name(reg), config_names[c]);
        rg[k] = add_row(rep, isas[k], kn, "grad", bcev_regime_name(reg), config_names[c]);
    }
    bcev_labels lab = c == C_HARD ? BCEV_LABELS_HARD
                    : c == C_SOFT ? BCEV_LABELS_SOFT : BCEV_LABELS_ANY;
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
                           b->x[i], y, w, &o);
                record(rg[k], t, b->grad[i], b->eG[i], bcev_bound(f, t, BCEV_GRAD, kind),
                       b->x[i], y, w, &o);
            }
            if (c == C_MEAN)
                record(rl[k], t, b->loss[0], Lr,
                       bcev_bound(f, t, BCEV_LOSS, BCEV_CFG_REDUCED), b->x[0], b->y[0], 1.0,
                       &o);
        }
        prog_step(pg, n);
    }
    mpfr_clears(den, Lr, (mpfr_ptr)0);
    for (int k = 0; k < nisa; k++)
        if (rl[k]->failures || rg[k]->failures)
            rep->fail = 1;
    free(rl);
}

/* ------------------------------------------------------------------ */
/* the option grid                                                     */

/* Regimes of the grid: 0 .. BCEV_REG_WC are those of regimes.c, then the
 * constructed ones of grid.c. */
#define GR_COUNT (BCEV_REG_COUNT + BCEV_GREG_COUNT)

static const char *gregime_name(int r)
{
    return r < BCEV_REG_COUNT ? bcev_regime_name((bcev_regime)r)
                              : bcev_grid_regime_name(r - BCEV_REG_COUNT);
}

static uint64_t mix(uint64_t v)
{
    v ^= v >> 31;
    v *= 0xbf58476d1ce4e5b9u;
    return v ^ (v >> 29);
}

static double grid_weight(wmode m, uint64_t seed, uint64_t i, bcev_type t)
{
    if (m == W_MIN)
        return BCE_WEIGHT_MIN;
    if (m == W_MAX)
        return BCE_WEIGHT_MAX;
    if (m == W_NONE)
        return 1.0;
    bcev_rng r;
    bcev_rng_seed(&r, seed ^ 0x77656967687473u ^ (i * 0x9e3779b97f4a7c15u));
    switch (bcev_rng_next(&r) % 5) {
    case 0: return 0.0;
    case 1: return BCE_WEIGHT_MIN;
    case 2: return BCE_WEIGHT_MAX;
    case 3: return 1.0;
    default: {
        double v = ldexp(1.0 + bcev_rng_unif(&r), (int)(bcev_rng_next(&r) % 17) - 8);
        return t == BCEV_F32 ? (double)(float)v : v;
    }
    }
}

static void gconfig_options(const gconfig *g, bcev_form f, bce_options *o)
{
    memset(o, 0, sizeof *o);
    o->flags = g->flags;
    if ((g->where & G_CLAMP_PROBS) && f == BCEV_PROBS)
        o->flags |= BCE_OPT_LOG_CLAMP;
    o->pos_weight = g->pos_weight;
    o->label_smoothing = g->smoothing;
    o->reduction = g->reduction;
}

static int gconfig_applies(const gconfig *g, bcev_form f, int reg)
{
    if ((g->where & G_PROBS_ONLY) && f != BCEV_PROBS)
        return 0;
    if ((g->where & G_NEW_ONLY) && reg < BCEV_REG_COUNT)
        return 0;
    return 1;
}

/* Samples of one grid cell: the finite regimes once (special: its table,
 * wc: its file). */
static uint64_t grid_total(const args *a, bcev_form f, int reg, const bcev_wc *wc)
{
    uint64_t n = a->grid_samples;
    if (reg == BCEV_REG_SPECIAL) {
        uint64_t per = f == BCEV_LOGITS ? 16 * 8 : 10 * 8;   /* gen_special's table */
        if (per < n)
            n = per;
    }
    if (reg == BCEV_REG_WC && wc->n < n)
        n = wc->n;
    return n;
}

static void run_grid_cell(const args *a, report *rep, prog *pg, int nisa,
                          const char *const *isas, bcev_form f, bcev_type t, size_t gi,
                          int reg, const bcev_wc *wc, bufs *b)
{
    const gconfig *g = &gconfigs[gi];
    const char *kn = kernel_name(f, t);
    if (pg->plan) {
        pg->cells++;
        pg->work += grid_total(a, f, reg, wc);
        return;
    }
    row **rl = isa_rows(nisa), **rg = rl + nisa;
    for (int k = 0; k < nisa; k++) {
        rl[k] = add_row(rep, isas[k], kn, "loss", gregime_name(reg), g->name);
        rg[k] = add_row(rep, isas[k], kn, "grad", gregime_name(reg), g->name);
    }
    bce_options o;
    gconfig_options(g, f, &o);
    const int reduced = o.reduction != BCE_REDUCTION_NONE;
    const int plain = o.flags == 0 && o.label_smoothing == 0.0 && g->w == W_NONE && !reduced;
    const int use_w = g->w != W_NONE;
    const uint64_t total = grid_total(a, f, reg, wc);
    const size_t block = reduced ? MEAN_BLOCK : BLOCK;   /* one reduction per call */
    const uint64_t seed = a->seed ^ mix(0x67726964u + 0x100u * (uint64_t)gi
                                        + (uint64_t)reg);
    mpfr_t den, Lr;
    mpfr_inits2(EXACT_PREC, den, Lr, (mpfr_ptr)0);
    for (uint64_t first = 0; first < total; first += block) {
        size_t n = (size_t)(total - first < block ? total - first : block);
        if (reg < BCEV_REG_COUNT)
            n = bcev_regime_fill((bcev_regime)reg, f, t, BCEV_LABELS_ANY, seed, first, n,
                                 wc, b->x, b->y);
        else
            bcev_grid_fill(reg - BCEV_REG_COUNT, f, t, &o, seed, first, n, b->x, b->y);
        if (n == 0)
            break;
        for (size_t i = 0; i < n; i++)
            b->w[i] = grid_weight(g->w, seed, first + i, t);
        if (o.reduction == BCE_REDUCTION_WEIGHTED_MEAN) {
            int nz = 0;
            for (size_t i = 0; i < n; i++)
                nz |= b->w[i] != 0.0;
            if (!nz)
                b->w[0] = 1.0;                  /* a zero sum is an error, not a test */
        }
        bcev_denominator(n, use_w ? b->w : NULL, &o, den);
        for (size_t i = 0; i < n; i++) {
            bcev_sample s = {b->x[i], b->y[i], b->w[i]};
            bcev_exact_mp(f, &s, &o, den, EXACT_PREC, b->eL[i], b->eG[i]);
        }
        if (reduced)
            bcev_exact_reduced(f, n, b->x, b->y, use_w ? b->w : NULL, &o, NAN, EXACT_PREC, Lr);
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
                rl[k]->y = rg[k]->y = b->y[0];
                continue;
            }
            for (size_t i = 0; i < n; i++) {
                double y = b->y[i];
                bcev_config_kind kind = reduced ? BCEV_CFG_REDUCED
                    : plain ? ((y == 0.0 || y == 1.0) ? BCEV_CFG_HARD : BCEV_CFG_SOFT)
                    : BCEV_CFG_OPTIONS;
                if (!reduced)
                    record(rl[k], t, b->loss[i], b->eL[i], bcev_bound(f, t, BCEV_LOSS, kind),
                           b->x[i], y, b->w[i], &o);
                record(rg[k], t, b->grad[i], b->eG[i], bcev_bound(f, t, BCEV_GRAD, kind),
                       b->x[i], y, b->w[i], &o);
            }
            if (reduced)
                record(rl[k], t, b->loss[0], Lr, bcev_bound(f, t, BCEV_LOSS, BCEV_CFG_REDUCED),
                       b->x[0], b->y[0], b->w[0], &o);
        }
        prog_step(pg, n);
    }
    mpfr_clears(den, Lr, (mpfr_ptr)0);
    for (int k = 0; k < nisa; k++)
        if (rl[k]->failures || rg[k]->failures)
            rep->fail = 1;
    free(rl);
}

/* ------------------------------------------------------------------ */
/* selection (--config, --regime, --kernel: comma-separated names)     */

static int in_list(const char *list, const char *name)
{
    if (list == NULL)
        return 1;
    size_t len = strlen(name);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == len && strncmp(p, name, len) == 0)
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

static int known_config(const char *name)
{
    for (int c = 0; c < C_COUNT; c++)
        if (strcmp(name, config_names[c]) == 0)
            return 1;
    for (size_t g = 0; g < N_GCONFIGS; g++)
        if (strcmp(name, gconfigs[g].name) == 0)
            return 1;
    return 0;
}

static int known_regime(const char *name)
{
    for (int r = 0; r < GR_COUNT; r++)
        if (strcmp(name, gregime_name(r)) == 0)
            return 1;
    return 0;
}

static int known_kernel(const char *name)
{
    for (int f = 0; f < 2; f++)
        for (int t = 0; t < 2; t++)
            if (strcmp(name, kernel_name((bcev_form)f, (bcev_type)t)) == 0)
                return 1;
    return 0;
}

/* Every name of a list known; else a message naming the first unknown. */
static int check_list(const char *opt, const char *list, int (*known)(const char *))
{
    char buf[64];
    for (const char *p = list;;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == 0 || l >= sizeof buf) {
            fprintf(stderr, "bce verify: %s: empty or overlong name in '%s'\n", opt, list);
            return -1;
        }
        memcpy(buf, p, l);
        buf[l] = '\0';
        if (!known(buf)) {
            fprintf(stderr, "bce verify: %s: unknown name '%s' (see bce verify --help)\n",
                    opt, buf);
            return -1;
        }
        if (!e)
            return 0;
        p = e + 1;
    }
}

/* ------------------------------------------------------------------ */
/* output                                                              */

static void print_table(const report *rep, FILE *out)
{
    fprintf(out, "%-7s %-10s %-4s %-11s %-12s %8s %10s %-24s %-24s %5s %s\n", "isa",
            "kernel", "out", "regime", "config", "samples", "max_ulp", "x", "y",
            "bound", "result");
    for (const row *r = rep->head; r; r = r->next) {
        if (r->samples == 0 && !r->lib_error)
            continue;
        char xs[40], ys[40];
        snprintf(xs, sizeof xs, "%a", r->x);
        snprintf(ys, sizeof ys, "%a", r->y);
        fprintf(out, "%-7s %-10s %-4s %-11s %-12s %8" PRIu64 " %10.4g %-24s %-24s %5.2g %s",
                r->isa, r->kernel, r->output, r->regime, r->config, r->samples,
                r->max_ulp < 0 ? 0.0 : r->max_ulp, xs, ys, r->bound,
                r->failures ? "FAIL" : "PASS");
        if (r->lib_error)
            fprintf(out, " (%s)", bce_status_name((bce_status)r->lib_error));
        else if (r->failures)
            fprintf(out, " (%" PRIu64 " over bound)", r->failures);
        if (r->w != 1.0 && r->max_ulp >= 0)
            fprintf(out, " w=%a", r->w);
        if (r->not_cr && !r->failures) {
            fprintf(out, " [%" PRIu64 " not correctly rounded, e.g. %a %a", r->not_cr, r->ncx,
                    r->ncy);
            if (r->ncw != 1.0)
                fprintf(out, " w=%a", r->ncw);
            fputc(']', out);
        }
        fputc('\n', out);
    }
    fprintf(out, "%s\n", rep->fail ? "FAIL: a bound was exceeded" : "PASS: every bound met");
}

static const char *const reduction_names[] = {"none", "sum", "mean", "weighted-mean"};

/* The compact report's classes: one per (kernel, output, bound). */
typedef struct klass {
    const char *kernel, *output;
    double bound, max_ulp;
    uint64_t rows, samples, failing_rows, failures;
} klass;

#define MAX_CLASSES 64

static int classes(const report *rep, klass *k)
{
    int n = 0;
    for (const row *r = rep->head; r; r = r->next) {
        if (r->samples == 0 && !r->lib_error)
            continue;
        int i;
        for (i = 0; i < n; i++)
            if (!strcmp(k[i].kernel, r->kernel) && !strcmp(k[i].output, r->output) &&
                k[i].bound == r->bound)
                break;
        if (i == n) {
            if (n == MAX_CLASSES)
                continue;
            k[n] = (klass){r->kernel, r->output, r->bound, 0.0, 0, 0, 0, 0};
            n++;
        }
        k[i].rows++;
        k[i].samples += r->samples;
        k[i].failing_rows += r->failures != 0;
        k[i].failures += r->failures;
        if (r->max_ulp > k[i].max_ulp || (isnan(r->max_ulp) && !isnan(k[i].max_ulp)))
            k[i].max_ulp = r->max_ulp;
    }
    return n;
}

/* The default report: rows checked, max ulp against the bound per class,
 * the failing rows, the verdict. */
static void print_summary(const report *rep, int nisa, const char *const *isas,
                          double secs, FILE *out)
{
    klass k[MAX_CLASSES];
    int n = classes(rep, k);
    uint64_t rows = 0, samples = 0;
    for (int i = 0; i < n; i++) {
        rows += k[i].rows;
        samples += k[i].samples;
    }
    fprintf(out, "bce verify: %" PRIu64 " rows (isa x kernel x output x regime x config), "
            "%" PRIu64 " outputs checked on", rows, samples);
    for (int i = 0; i < nisa; i++)
        fprintf(out, "%s %s", i ? "," : "", isas[i]);
    fprintf(out, " in %.1f s\n", secs);
    fprintf(out, "%-10s %-4s %5s %5s %11s %10s %s\n", "kernel", "out", "bound", "rows",
            "outputs", "max_ulp", "result");
    for (int i = 0; i < n; i++) {
        fprintf(out, "%-10s %-4s %5.2g %5" PRIu64 " %11" PRIu64 " %10.4g %s", k[i].kernel,
                k[i].output, k[i].bound, k[i].rows, k[i].samples, k[i].max_ulp,
                k[i].failing_rows ? "FAIL" : "PASS");
        if (k[i].failing_rows)
            fprintf(out, " (%" PRIu64 " rows, %" PRIu64 " outputs over the bound)",
                    k[i].failing_rows, k[i].failures);
        fputc('\n', out);
    }
    int shown = 0;
    for (const row *r = rep->head; r; r = r->next) {
        if (!r->failures)
            continue;
        if (!shown++)
            fprintf(out, "failing rows (--table or --json FILE: every row):\n");
        fprintf(out, "  %s %s %s %s/%s: max %.4g ulp (bound %.2g), %" PRIu64
                " over; worst x=%a y=%a w=%a%s%s\n", r->isa, r->kernel, r->output, r->config,
                r->regime, r->max_ulp, r->bound, r->failures, r->x, r->y, r->w,
                r->lib_error ? " " : "",
                r->lib_error ? bce_status_name((bce_status)r->lib_error) : "");
    }
    fprintf(out, "%s\n", rep->fail ? "FAIL: a bound was exceeded" : "PASS: every bound met");
}

#define VERIFY_SCHEMA 3

static void print_json(const report *rep, const args *a, double secs, int nisa,
                       const char *const *isas, FILE *out)
{
    bcev_json_header(out, "verify", VERIFY_SCHEMA);
    fprintf(out, "\"samples\": %" PRIu64 ", \"grid_samples\": %" PRIu64 ", \"seed\": %"
            PRIu64 ", \"seconds\": %.3f, \"pass\": %s,\n\"isas\": [", a->samples,
            a->grid_samples, a->seed, secs, rep->fail ? "false" : "true");
    for (int i = 0; i < nisa; i++)
        fprintf(out, "%s\"%s\"", i ? ", " : "", isas[i]);
    fputs("],\n\"summary\": [", out);
    klass k[MAX_CLASSES];
    int n = classes(rep, k);
    for (int i = 0; i < n; i++) {
        fprintf(out, "%s\n {\"kernel\": \"%s\", \"output\": \"%s\", \"bound\": ",
                i ? "," : "", k[i].kernel, k[i].output);
        bcev_json_num(out, k[i].bound);
        fprintf(out, ", \"rows\": %" PRIu64 ", \"samples\": %" PRIu64 ", \"max_ulp\": ",
                k[i].rows, k[i].samples);
        bcev_json_num(out, k[i].max_ulp);
        fprintf(out, ", \"failing_rows\": %" PRIu64 ", \"failures\": %" PRIu64
                ", \"pass\": %s}", k[i].failing_rows, k[i].failures,
                k[i].failing_rows ? "false" : "true");
    }
    fputs("\n],\n\"results\": [", out);
    static const char *const xyw[] = {"x", "y", "w"};
    int first = 1;
    for (const row *r = rep->head; r; r = r->next) {
        if (r->samples == 0 && !r->lib_error)
            continue;
        int f32 = strstr(r->kernel, "f32") != NULL;
        fprintf(out, "%s\n {\"isa\": \"%s\", \"kernel\": \"%s\", \"output\": \"%s\", "
                     "\"regime\": \"%s\", \"config\": \"%s\", \"samples\": %" PRIu64
                     ", \"failures\": %" PRIu64 ", \"max_ulp\": ",
                first ? "" : ",", r->isa, r->kernel, r->output, r->regime, r->config,
                r->samples, r->failures);
        bcev_json_num(out, r->max_ulp < 0 ? 0.0 : r->max_ulp);
        fputs(", ", out);
        bcev_json_values(out, f32, 3, xyw, (const double[]){r->x, r->y, r->w});
        fputs(", \"bound\": ", out);
        bcev_json_num(out, r->bound);
        fprintf(out, ", \"pass\": %s, \"not_correctly_rounded\": %" PRIu64,
                r->failures ? "false" : "true", r->not_cr);
        if (r->not_cr) {
            fputs(", \"first_not_cr\": {", out);
            bcev_json_values(out, f32, 3, xyw, (const double[]){r->ncx, r->ncy, r->ncw});
            fputc('}', out);
        }
        /* the options of the worst sample (the original configurations
         * vary pos_weight and smoothing by block) */
        if (r->pw >= 0) {
            fputs(", ", out);
            bcev_json_value(out, "pos_weight", r->pw, 0);
        }
        fputs(", ", out);
        bcev_json_value(out, "label_smoothing", r->sm, 0);
        fprintf(out, ", \"clamp\": %d, \"reduction\": \"%s\"",
                (r->flags & BCE_OPT_LOG_CLAMP) ? 1 : 0,
                reduction_names[(unsigned)r->reduction & 3u]);
        if (r->lib_error)
            fprintf(out, ", \"error\": \"%s\"", bce_status_name((bce_status)r->lib_error));
        fputc('}', out);
        first = 0;
    }
    fprintf(out, "\n]}\n");
}

static void usage(FILE *out)
{
    fprintf(out,
        "usage: bce verify [--samples N] [--grid-samples N] [--json FILE] [--table]\n"
        "                  [--seed S] [--isa NAME] [--kernel LIST] [--config LIST]\n"
        "                  [--regime LIST] [--wc-dir DIR] [--quiet]\n"
        "\n"
        "Check every kernel (logits_f64, logits_f32, probs_f64, probs_f32) on\n"
        "every available ISA against the correctly rounded MPFR reference, for\n"
        "every output (loss, grad), input regime and option configuration.\n"
        "Errors are in ulps of the exact value; the bounds are those of\n"
        "verify/bounds.c (docs/ACCURACY.md).  One row per (isa, kernel, output,\n"
        "regime, config): samples, max ulp, the worst input, bound, PASS/FAIL\n"
        "with the count over the bound.  Printed by default: a summary, one line\n"
        "per kernel, output and bound (rows, outputs checked, max ulp, PASS/FAIL),\n"
        "the failing rows, and PASS or FAIL; --table prints every row.  Progress\n"
        "on standard error from the start: a bar on a terminal, else a line every\n"
        "5 s (cells done, %% of the samples, seconds, ETA).\n"
        "\n"
        "Pass 1, --samples per cell: configurations hard, soft, weights,\n"
        "pos_weight (3, 1/4, 10.5, 0 by block), smoothing (0.1, 0.05, 0.3, 1 by\n"
        "block), clamp, mean, wc on the regimes random, tail_pos, tail_neg,\n"
        "thresholds, soft_cancel, special, wc.\n"
        "\n"
        "Pass 2, the option grid, --grid-samples per cell (special and wc:\n"
        "each of their inputs once).  Configurations:\n");
    for (size_t g = 0; g < N_GCONFIGS; g++)
        fprintf(out, "  %-13s %s%s%s\n", gconfigs[g].name, gconfigs[g].doc,
                (gconfigs[g].where & G_PROBS_ONLY) ? "; probs only" : "",
                (gconfigs[g].where & G_NEW_ONLY) ? "; constructed regimes only" : "");
    fprintf(out,
        "on every regime of pass 1 and the constructed regimes:\n"
        "  tiny          p (sigma(z)) and y subnormal or tiny (2^-1074..2^-400;\n"
        "                f32 2^-149..2^-64), powers of two, y = 0, 1, ~p\n"
        "  cancel        the cancellation points, constructed for the cell's P\n"
        "                and a: probs P y' = p exactly (p = m 2^-k, y = p/P; or\n"
        "                y with few bits, p = P y'), p = RN(P y'/(P y' + 1 - y'));\n"
        "                logits y = RN(sigma(z)), y' = RN(1/(1 + P e^-z));\n"
        "                5 of 8 exactly there, else +-1, +-2 ulps\n"
        "  cancel_tiny   the same with p (sigma(z)) in 2^-1074..2^-400\n"
        "  midpoint      outputs on a rounding midpoint of the type +- a tiny term:\n"
        "                z (1-y), |z| y, 1 - y with prec+1 bits at large |z|;\n"
        "                -1/p at p = 2^-e (1 - k 2^-prec), 1/(1-p) at\n"
        "                p = k 2^-prec, the tie 2 - 4y at p = 1/2, the clamped\n"
        "                100 y, 100 (1-y), 1 - y\n"
        "\n"
        "  --samples N       samples per cell of pass 1 (default %u; a MEAN\n"
        "                    reduction uses min(N, %u) samples)\n"
        "  --grid-samples N  samples per cell of the grid (default %u; 0: no grid)\n"
        "  --json FILE       the report as JSON into FILE: schema header, the\n"
        "                    summary and every row ('-' = standard output; the\n"
        "                    text report then goes to standard error)\n"
        "  --table           every row, not only the summary\n"
        "  --seed S          seed of the generators (default %" PRIu64 ")\n"
        "  --isa NAME        only this ISA, one of %s\n"
        "  --kernel LIST     only these kernels (comma-separated names)\n"
        "  --config LIST     only these configurations, of either pass\n"
        "  --regime LIST     only these regimes, of either pass\n"
        "  --wc-dir DIR      directory of the hard inputs *.wc (default %s)\n"
        "  --quiet           no progress on stderr\n"
        "\n"
        "Samples are deterministic functions of (seed, cell, index).\n"
        "Exit status: 0 every bound met, 1 a bound exceeded, 2 usage error.\n",
        DEFAULT_SAMPLES, MEAN_BLOCK, DEFAULT_GRID_SAMPLES, (uint64_t)DEFAULT_SEED,
        isa_list(), bcev_wc_default_dir());
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
    a->grid_samples = DEFAULT_GRID_SAMPLES;
    a->seed = DEFAULT_SEED;
    a->quiet = 0;
    a->table = 0;
    a->json = NULL;
    a->isa = NULL;
    a->configs = a->regimes = a->kernels = NULL;
    a->wc_dir = bcev_wc_default_dir();
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            usage(stdout);
            return 1;
        } else if (strcmp(o, "--json") == 0) {
            /* --json FILE (conventions); the bare --json is gone */
            if ((a->json = bcev_json_arg("verify", o, v)) == NULL)
                return -1;
            i++;
        } else if (strcmp(o, "--table") == 0) {
            a->table = 1;
        } else if (strcmp(o, "--quiet") == 0) {
            a->quiet = 1;
        } else if (strcmp(o, "--samples") == 0) {
            if (parse_u64(v, &a->samples) || a->samples == 0) {
                fprintf(stderr, "bce verify: --samples needs a positive integer\n");
                return -1;
            }
            i++;
        } else if (strcmp(o, "--grid-samples") == 0) {
            if (parse_u64(v, &a->grid_samples)) {
                fprintf(stderr, "bce verify: --grid-samples needs an unsigned integer\n");
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
        } else if (strcmp(o, "--config") == 0 || strcmp(o, "--regime") == 0
                   || strcmp(o, "--kernel") == 0) {
            if (!v) {
                fprintf(stderr, "bce verify: %s needs a comma-separated list of names\n", o);
                return -1;
            }
            int (*known)(const char *) = o[2] == 'c' ? known_config
                                       : o[2] == 'r' ? known_regime : known_kernel;
            if (check_list(o, v, known))
                return -1;
            if (o[2] == 'c')
                a->configs = v;
            else if (o[2] == 'r')
                a->regimes = v;
            else
                a->kernels = v;
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
        for (size_t k = 0; k < bce_isa_count(); k++)
            known |= strcmp(a->isa, bce_isa_name(k)) == 0;
        if (!known) {
            fprintf(stderr, "bce verify: unknown ISA '%s' (libbce knows %s)\n", a->isa,
                    isa_list());
            return -1;
        }
        if (!bce_isa_available(a->isa)) {
            fprintf(stderr, "bce verify: ISA '%s' is %s\n", a->isa,
                    bce_isa_compiled(a->isa) ? "not runnable on this CPU"
                                             : "not built into this libbce");
            return -1;
        }
    }
    return 0;
}

static double now(void) { return bcev_now(); }

/* Every selected cell of both passes, in the report's order (pg->plan:
 * only count them). */
static void run_all(const args *a, report *rep, prog *pg, int nisa, const char *const *isas,
                    bcev_wc wcs[2][2], bufs *b)
{
    char note[96];
    for (int f = 0; f < 2; f++) {
        for (int t = 0; t < 2; t++) {
            if (!in_list(a->kernels, kernel_name((bcev_form)f, (bcev_type)t)))
                continue;
            for (int c = 0; c < C_COUNT; c++) {
                if (c == C_CLAMP && f == BCEV_LOGITS)
                    continue;
                if (!in_list(a->configs, config_names[c]))
                    continue;
                for (int r = 0; r < BCEV_REG_COUNT; r++) {
                    if ((c == C_WC) != (r == BCEV_REG_WC))
                        continue;
                    if (c == C_HARD && r == BCEV_REG_SOFT_CANCEL)
                        continue;
                    if (!in_list(a->regimes, bcev_regime_name((bcev_regime)r)))
                        continue;
                    snprintf(note, sizeof note, "%s %s/%s",
                             kernel_name((bcev_form)f, (bcev_type)t), config_names[c],
                             bcev_regime_name((bcev_regime)r));
                    pg->cell = note;
                    run_cell(a, rep, pg, nisa, isas, (bcev_form)f, (bcev_type)t, (config)c,
                             (bcev_regime)r, &wcs[f][t], b);
                    pg->cells_done += !pg->plan;
                }
            }
        }
    }
    for (int f = 0; a->grid_samples && f < 2; f++) {
        for (int t = 0; t < 2; t++) {
            if (!in_list(a->kernels, kernel_name((bcev_form)f, (bcev_type)t)))
                continue;
            for (size_t g = 0; g < N_GCONFIGS; g++) {
                if (!in_list(a->configs, gconfigs[g].name))
                    continue;
                for (int r = 0; r < GR_COUNT; r++) {
                    if (!gconfig_applies(&gconfigs[g], (bcev_form)f, r)
                        || !in_list(a->regimes, gregime_name(r)))
                        continue;
                    snprintf(note, sizeof note, "grid %s %s/%s",
                             kernel_name((bcev_form)f, (bcev_type)t), gconfigs[g].name,
                             gregime_name(r));
                    pg->cell = note;
                    run_grid_cell(a, rep, pg, nisa, isas, (bcev_form)f, (bcev_type)t, g, r,
                                  &wcs[f][t], b);
                    pg->cells_done += !pg->plan;
                }
            }
        }
    }
    pg->cell = NULL;
}

int bcev_verify_main(int argc, char **argv)
{
    args a;
    int pr = parse_args(argc, argv, &a);
    if (pr != 0)
        return pr > 0 ? 0 : 2;
    FILE *jf = NULL;            /* opened first: a bad path fails at once */
    if (a.json && (jf = bcev_json_open("verify", a.json)) == NULL)
        return 2;
    bcev_wc wcs[2][2];
    for (int f = 0; f < 2; f++)
        for (int t = 0; t < 2; t++)
            if (bcev_wc_load(a.wc_dir, (bcev_form)f, (bcev_type)t, &wcs[f][t]) != 0) {
                for (int k = 0; k < 2 * f + t; k++)
                    bcev_wc_free(&wcs[k / 2][k % 2]);
                if (jf && jf != stdout)
                    fclose(jf);
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
    /* the registry's ISAs runnable here (or --isa's) */
    const char **isas = malloc((bce_isa_count() + 1) * sizeof *isas);
    if (!isas) {
        fprintf(stderr, "bce verify: out of memory\n");
        return 2;
    }
    int nisa = 0;
    for (size_t k = 0; k < bce_isa_count(); k++) {
        const char *name = bce_isa_name(k);
        if ((!a.isa || strcmp(a.isa, name) == 0) && bce_isa_available(name))
            isas[nisa++] = name;
    }
    report rep = {NULL, NULL, 0};
    prog pg;
    memset(&pg, 0, sizeof pg);
    bcev_progress_start(&pg.p, "bce verify", "cells", !a.quiet);
    double t0 = now();
    pg.plan = 1;                  /* count the cells and samples first */
    run_all(&a, &rep, &pg, nisa, isas, wcs, &b);
    pg.plan = 0;
    if (pg.cells > 0) {
        bcev_progress_update(&pg.p, 0, pg.cells, 0.0, NULL);   /* from the start */
        run_all(&a, &rep, &pg, nisa, isas, wcs, &b);
        bcev_progress_end(&pg.p, pg.cells_done, pg.cells, 1.0,
                          rep.fail ? "FAIL" : "every bound met");
    }
    bce_set_isa(saved);
    double secs = now() - t0;
    int status = rep.fail ? 1 : 0;
    if (!rep.head) {
        fprintf(stderr, "bce verify: the selection (--kernel, --config, --regime) is empty\n");
        status = 2;
    }
    /* the text report: stdout, or stderr when the JSON goes to stdout */
    FILE *text = jf == stdout ? stderr : stdout;
    if (rep.head) {
        if (a.table)
            print_table(&rep, text);
        else
            print_summary(&rep, nisa, isas, secs, text);
    }
    if (jf) {
        print_json(&rep, &a, secs, nisa, isas, jf);
        if (bcev_json_close("verify", a.json, jf) != 0)
            status = 2;
    }
    free(isas);
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

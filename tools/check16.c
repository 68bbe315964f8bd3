/*
 * check16.c -- `bce check --type bf16|f16 [--out-type f32|bf16|f16]`:
 * judge a 16-bit port against the correctly rounded oracle of the 16-bit
 * entry points, for every configuration `bce check` has (options, weights,
 * reductions), as a process (`-- CMD ARGS`, the batch protocol) or a C
 * symbol (`--lib PATH --symbol NAME`, the signature of bce_<form>_<t> for
 * float outputs, of bce_<form>_<t>_<t> for 16-bit outputs).
 *
 * Header: "# bce-check 1 type=bf16 out_type=bf16 form=logits pos_weight=P
 * label_smoothing=A clamp=0|1 weights=0|1 reduction=R" (out_type: the type
 * the IUT must answer in; `bce eval` honours it), then one line "x y [w]"
 * per row, hex floats of the 16-bit values; the IUT answers "loss grad"
 * per row (reduction none), or one "loss" line then one "grad" line per row:
 * f32 answers are read with strtof, 16-bit ones with strtod and must be
 * exactly values of the type (else an IUT error naming the line).
 *
 * Rows per configuration (deterministic, --seed): every valid x pattern
 * with y = 0 and y = 1 (hard), --samples N random (x, y) pairs of the type
 * (soft), and up to N/4 "midpoint" pairs where RN16 of the correctly
 * rounded float is not the correctly rounded 16-bit value (without
 * options: where a port that computes in f32 and casts once at the end
 * goes wrong); or --exhaustive --range A:B --label 0|1|both|all.  Under a
 * reduction the rows whose loss is infinite or huge are left out (|z| >
 * 2^10, p in {0, 1} unclamped), as in `bce check`.  Weights: 16-bit values,
 * 0 (1 in 8) or (1 + k/128) 2^e, e in [-8, 8] (w16 below).
 *
 * Expected values, each rounded ONCE to the output type (never
 * RN16(RN32)): default options: bcev_lowp_filter, MPFR where it cannot
 * decide (bce_tool_ref16); any other configuration: the fast filter's
 * enclosure (fast_filter.h: every real in mid + lo +- rad; decided when
 * both ends round alike, enc16 below), MPFR otherwise (bcev_exact_mp with
 * the exact denominator, bcev_round16 / bcev_round_to(BCEV_F32)).  The
 * reduced loss: bcev_ff_reduced, else bcev_exact_reduced.  An output passes
 * when it is the correct rounding (the default bound, 0.5 ulp: libbce's
 * claim for the 16-bit outputs with every option, and its measured figure
 * for the float outputs, docs/ACCURACY.md; a zero of either sign for an
 * exact zero) or, with --max-ulp X > 0.5, when its error is at most X ulps
 * of the output type.
 */
#ifndef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <dlfcn.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bce.h"
#include "bce_verify.h"
#include "bcev_cli.h"
#include "exhaustive.h"
#include "fast_filter.h"
#include "iut.h"
#include "tool.h"

#define C16_SCHEMA 4   /* 4: hex option values, one element per line (--merge) */
#define C16_KEEP 1000
#define C16_MAX_CFG 32
#define C16_PREC 256

enum { R_HARD, R_SOFT, R_MID, R_EXH, R_RED, R_N };
static const char *const reg_names[R_N] = {"hard", "soft", "midpoint", "exhaustive", "reduced"};

typedef struct cfg16 {
    int form;
    bce_options opt;
    int weights;
    char name[240];
} cfg16;

typedef struct c16_fail {
    int cfg, reg, output;
    size_t line;
    double x, y, w, expected, got, ulp;
} c16_fail;

/* What judging a range of rows found (one per thread, merged in row order
 * into c16: the result does not depend on the thread count). */
typedef struct j16 {
    size_t rows[R_N][2], failed[R_N][2];
    double worst[R_N][2];
    c16_fail fail[C16_KEEP];
    size_t nfail, mpfr, decided;
} j16;

typedef struct c16 {
    int type, out, forms, exhaustive, label, options_all, explicit_opts, xweights;
    size_t batch;           /* rows per IUT batch of --exhaustive */
    unsigned threads;       /* threads judging the answers */
    bce_options xopt;
    uint64_t lo, hi, seed;
    size_t samples;
    double max_ulp[2], timeout;
    const char *json, *junit, *lib, *symbol;
    bce_tool_shard shard;
    void *libh, *fn;
    char **cmd;
    int quiet;
    cfg16 cfg[C16_MAX_CFG];
    int ncfg;
    /* per configuration, regime, output: rows, failed, max ulp of the failing */
    size_t rows[C16_MAX_CFG][R_N][2], failed[C16_MAX_CFG][R_N][2];
    double worst[C16_MAX_CFG][R_N][2];
    c16_fail fail[C16_KEEP];
    size_t nfail, mpfr, decided;
    const char *iut_json;   /* --merge: the shards' "iut" value, verbatim */
} c16;

typedef struct rows16 {
    size_t n, cap;
    double *x, *y, *w;
    unsigned char *reg;
} rows16;

static uint64_t rs;
static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}
static uint64_t rnd(void) { return mix(rs += UINT64_C(0x9e3779b97f4a7c15)); }

static uint32_t one16(int t) { return t == BCE_TOOL_BF16 ? 0x3f80 : 0x3c00; }

static const char *red_name(bce_reduction r)
{
    static const char *const n[] = {"none", "sum", "mean", "weighted-mean"};
    return (unsigned)r < 4 ? n[r] : "?";
}

/* the weight of row i: 0 (1 in 8), else (1 + k/128) 2^e, e in [-8, 8]:
 * 8 significant bits, a value of bf16 and f16 alike */
static double w16(uint64_t seed, size_t i)
{
    uint64_t u = mix(seed * UINT64_C(0x100000001b3) + i + 1);
    if ((u & 7) == 0) return 0.0;
    return ldexp(1.0 + (double)((u >> 8) & 0x7f) / 128.0, (int)((u >> 16) % 17) - 8);
}

static int push(rows16 *r, double x, double y, int reg)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 4096;
        double *a = realloc(r->x, cap * sizeof *a);
        if (a) r->x = a;
        double *b = realloc(r->y, cap * sizeof *b);
        if (b) r->y = b;
        double *c = realloc(r->w, cap * sizeof *c);
        if (c) r->w = c;
        unsigned char *d = realloc(r->reg, cap);
        if (d) r->reg = d;
        if (!a || !b || !c || !d) return -1;
        r->cap = cap;
    }
    r->x[r->n] = x;
    r->y[r->n] = y;
    r->w[r->n] = 1.0;
    r->reg[r->n] = (unsigned char)reg;
    r->n++;
    return 0;
}

static int valid_x(int form, double x)
{
    return form ? (x >= 0 && x <= 1) : !isnan(x);
}

/* ------------------------------------------------------------------ */
/* Configurations (the same set as `bce check`, tools/check.c) */

static void cfg_name(const c16 *s, cfg16 *c)
{
    double P = (c->opt.flags & BCE_OPT_POS_WEIGHT) ? c->opt.pos_weight : 1.0;
    snprintf(c->name, sizeof c->name,
             "type=%s out_type=%s form=%s pos_weight=%a label_smoothing=%a clamp=%d "
             "weights=%d reduction=%s", bce_tool_type_name(s->type), bce_tool_type_name(s->out),
             c->form ? "probs" : "logits", P, c->opt.label_smoothing,
             (c->opt.flags & BCE_OPT_LOG_CLAMP) ? 1 : 0, c->weights, red_name(c->opt.reduction));
}

static void add_cfg(c16 *s, int form, double pw, double a, int clamp, int weights,
                    bce_reduction red)
{
    if (s->ncfg >= C16_MAX_CFG || (clamp && !form)) return;
    cfg16 *c = &s->cfg[s->ncfg++];
    memset(c, 0, sizeof *c);
    c->form = form;
    if (!isnan(pw)) {
        c->opt.flags |= BCE_OPT_POS_WEIGHT;
        c->opt.pos_weight = pw;
    }
    c->opt.label_smoothing = a;
    if (clamp) c->opt.flags |= BCE_OPT_LOG_CLAMP;
    c->opt.reduction = red;
    c->weights = weights;
    cfg_name(s, c);
}

static void make_configs(c16 *s)
{
    for (int f = 0; f < 2; f++) {
        if (!(s->forms >> f & 1)) continue;
        if (s->explicit_opts) {
            double pw = (s->xopt.flags & BCE_OPT_POS_WEIGHT) ? s->xopt.pos_weight : NAN;
            add_cfg(s, f, pw, s->xopt.label_smoothing, (s->xopt.flags & BCE_OPT_LOG_CLAMP) != 0,
                    s->xweights, s->xopt.reduction);
            continue;
        }
        add_cfg(s, f, NAN, 0, 0, 0, BCE_REDUCTION_NONE);
        if (!s->options_all) continue;
        add_cfg(s, f, 3.5, 0, 0, 0, BCE_REDUCTION_NONE);
        add_cfg(s, f, 0, 0, 0, 0, BCE_REDUCTION_NONE);
        add_cfg(s, f, BCE_POS_WEIGHT_MIN, 0, 0, 0, BCE_REDUCTION_NONE);
        add_cfg(s, f, BCE_POS_WEIGHT_MAX, 0, 0, 0, BCE_REDUCTION_NONE);
        add_cfg(s, f, NAN, 0.1, 0, 0, BCE_REDUCTION_NONE);
        add_cfg(s, f, NAN, 1.0, 0, 0, BCE_REDUCTION_NONE);
        add_cfg(s, f, NAN, 0, 1, 0, BCE_REDUCTION_NONE);
        add_cfg(s, f, NAN, 0, 0, 1, BCE_REDUCTION_NONE);
        add_cfg(s, f, 0.25, 0.2, f == 1, 1, BCE_REDUCTION_NONE);
        if (s->exhaustive) continue;   /* per-sample outputs only */
        add_cfg(s, f, NAN, 0, 0, 0, BCE_REDUCTION_SUM);
        add_cfg(s, f, NAN, 0, 0, 0, BCE_REDUCTION_MEAN);
        add_cfg(s, f, NAN, 0, 0, 1, BCE_REDUCTION_WEIGHTED_MEAN);
        add_cfg(s, f, 2.0, 0.1, 0, 1, BCE_REDUCTION_MEAN);
    }
}

static int is_default(const cfg16 *c)
{
    return c->opt.flags == 0 && c->opt.label_smoothing == 0 && !c->weights &&
           c->opt.reduction == BCE_REDUCTION_NONE;
}

/* ------------------------------------------------------------------ */
/* Rows */

/* The rows of configuration c; --exhaustive: those of the x bit patterns
 * [lo, hi) (one batch), the first of them row k0 of the whole range (the
 * weights are a function of the row's index in the range, so a run in
 * batches sends the same rows as one batch would). */
static int make_rows(const c16 *s, const cfg16 *c, uint64_t lo, uint64_t hi, size_t k0, rows16 *r)
{
    const int t = s->type, form = c->form;
    rs = s->seed * 4 + (uint64_t)(2 * form + (t == BCE_TOOL_F16));
    if (s->exhaustive) {
        for (uint64_t b = lo; b < hi; b++) {
            double x = bcev_from_bits16(t, (uint16_t)b);
            if (!valid_x(form, x)) continue;
            if (s->label == 0 || s->label == 2) if (push(r, x, 0, R_EXH)) return -1;
            if (s->label == 1 || s->label == 2) if (push(r, x, 1, R_EXH)) return -1;
            if (s->label == 3)   /* every value in [0,1]: -0, then +0 ... one */
                for (uint32_t yb = 0xffff; yb == 0xffff || yb <= one16(t); yb = yb == 0xffff ? 0 : yb + 1)
                    if (push(r, x, yb == 0xffff ? -0.0 : bcev_from_bits16(t, (uint16_t)yb), R_EXH)) return -1;
        }
    } else {
        for (uint32_t b = 0; b < 65536; b++) {
            double x = bcev_from_bits16(t, (uint16_t)b);
            if (!valid_x(form, x)) continue;
            if (push(r, x, 0, R_HARD) || push(r, x, 1, R_HARD)) return -1;
        }
        for (size_t i = 0; i < s->samples;) {
            uint32_t b = (uint32_t)(rnd() & 0xffff);
            double x = bcev_from_bits16(t, (uint16_t)(form ? b % (one16(t) + 1) : b));
            double y = bcev_from_bits16(t, (uint16_t)(rnd() % (one16(t) + 1)));
            if (!valid_x(form, x) || isinf(x)) continue;
            if (push(r, x, y, R_SOFT)) return -1;
            i++;
        }
        /* midpoint rows: RN16(correct float) != correct 16-bit value
         * (default options; the same inputs in every configuration) */
        static const double labs[] = { 0.25, 0.75, 0.375, 0.625, 0.125, 0.875, 0.5,
                                       0.1875, 0.8125, 0.3125, 0.6875 };
        const size_t want = s->samples / 4;
        size_t found = 0;
        const uint32_t lim = form ? one16(t) + 1 : 65536;
        for (uint32_t k = 0, b = (uint32_t)(rnd() % lim); k < lim && found < want;
             k++, b = (b + 40503) % lim) {
            double x = bcev_from_bits16(t, (uint16_t)b);
            if (!isfinite(x) || x == 0 || !valid_x(form, x) || (form && x == 1)) continue;
            for (size_t j = 0; j < sizeof labs / sizeof labs[0] && found < want; j++) {
                double r16[2], r32[2];
                bce_tool_cr_both(form, t, x, labs[j], r16, r32);
                if (bce_tool_rn16(t, r32[0]) != r16[0] || bce_tool_rn16(t, r32[1]) != r16[1]) {
                    if (push(r, x, labs[j], R_MID)) return -1;
                    found++;
                }
            }
        }
    }
    /* a reduction: rows with an infinite or huge loss left out; weights */
    const int reduced = c->opt.reduction != BCE_REDUCTION_NONE;
    size_t k = 0;
    for (size_t i = 0; i < r->n; i++) {
        const double x = r->x[i];
        if (reduced && (!form ? !(fabs(x) <= 1024.0)
                        : !(c->opt.flags & BCE_OPT_LOG_CLAMP) && !(x > 0 && x < 1)))
            continue;
        r->x[k] = x;
        r->y[k] = r->y[i];
        r->reg[k] = r->reg[i];
        r->w[k] = c->weights ? w16(s->seed, k0 + k) : 1.0;
        k++;
    }
    r->n = k;
    if (c->weights && k) {   /* a weighted mean needs a nonzero sum */
        int any = 0;
        for (size_t i = 0; i < k; i++) any |= r->w[i] != 0;
        if (!any) r->w[0] = 1.0;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Expected values */

/* RN-even of a long double to the 16-bit type (exact: the sum with
 * C = 2^(q + LDBL_MANT_DIG - 1) rounds to a multiple of 2^q, the type's
 * ulp at a's binade, and the subtraction is exact) */
static long double rn16_ld(int t, long double v)
{
    const int p = t == BCE_TOOL_BF16 ? 8 : 11, emin = t == BCE_TOOL_BF16 ? -126 : -14;
    const long double big = t == BCE_TOOL_BF16 ? 0x1p128L : 0x1p16L;
    long double a = fabsl(v);
    if (!(a > 0) || isinf(a)) return v;
    int e;
    frexpl(a, &e);
    int q = (e - 1 > emin ? e - 1 : emin) - p + 1;
    volatile long double C = ldexpl(1.0L, q + LDBL_MANT_DIG - 1);
    volatile long double s = a + C;
    long double r = s - C;
    if (r >= big) r = INFINITY;
    return v < 0 ? -r : r;
}

/* The 16-bit rounding of every real in an enclosure mid + lo +- rad, when
 * they all round alike: 1 and *out; 0 undecided.  Rounding is monotonic,
 * so equal roundings of two numbers below and above every real of the
 * enclosure decide it.  m = mid + lo in long double is within |m| 2^-64 of
 * mid + lo, the two ends m -+ d are within |m| 2^-63 more, and
 * d = rad (1 + 2^-60) + |m| 2^-59 covers both with room. */
static int enc16(int t, const bcev_ff_val *v, double *out)
{
    if (!v->ok) return 0;
    long double m = v->mid + v->lo;
    if (isnan(m)) return 0;
    if (v->rad == 0 && isinf(m)) { *out = (double)m; return 1; }
    if (isinf(m) || isinf(v->rad)) return 0;
    long double d = v->rad * (1 + 0x1p-60L) + fabsl(m) * 0x1p-59L;
    long double a = rn16_ld(t, m - d), b = rn16_ld(t, m + d);
    if (a != b) return 0;
    *out = (double)a;
    return 1;
}

/* the correctly rounded outputs in the output type, default options:
 * the any-label filter, else MPFR */
static void expected_default(const c16 *s, int form, double x, double y, double e[2])
{
    float o32[2];
    double o16[2];
    int dec[2][2] = {{0, 0}, {0, 0}};
    const int k = s->out != BCE_TOOL_F32;
    if (isfinite(x) && x != 0 && !(form && x == 1))
        bcev_lowp_filter(form ? BCEV_PROBS : BCEV_LOGITS, s->type, x, y, o32, o16, dec);
    if (dec[k][0] && dec[k][1]) {
        e[0] = k ? o16[0] : o32[0];
        e[1] = k ? o16[1] : o32[1];
        return;
    }
    mpfr_t L, G;
    mpfr_inits2(C16_PREC, L, G, (mpfr_ptr)0);
    bce_tool_ref16(form, s->type, s->out, x, y, e, L, G);
    mpfr_clears(L, G, (mpfr_ptr)0);
}

static double round_out(const c16 *s, const mpfr_t v)
{
    return s->out == BCE_TOOL_F32 ? (double)(float)bcev_round_to(BCEV_F32, v)
                                  : bcev_round16(s->type, v);
}

/* the exact value of output o of a row (MPFR, rounded to odd at C16_PREC) */
static void exact_row(const c16 *s, const cfg16 *c, const mpfr_t den, double x, double y,
                      double w, int o, mpfr_t v)
{
    if (is_default(c)) {
        mpfr_t L;
        double e[2];
        mpfr_init2(L, C16_PREC);
        bce_tool_ref16(c->form, s->type, s->out, x, y, e, o ? L : v, o ? v : L);
        mpfr_clear(L);
        return;
    }
    bcev_sample smp = {x, y, w};
    bcev_exact_mp(c->form ? BCEV_PROBS : BCEV_LOGITS, &smp, &c->opt, den, C16_PREC,
                  o ? NULL : v, o ? v : NULL);
    if (mpfr_zero_p(v)) mpfr_set_zero(v, 1);
}

static int same(double g, double e) { return (isnan(g) && isnan(e)) || g == e; }

/* Judge one output against its expected value e (NAN with e_set = 0: not
 * known yet, ask MPFR); record a failure. */
static void verdict(const c16 *s, j16 *a, int ci, const mpfr_t den, size_t i, const rows16 *r,
                    int reg, int o, double g, double e, int e_set)
{
    const cfg16 *c = &s->cfg[ci];
    a->rows[reg][o]++;
    if (e_set && same(g, e)) { a->decided++; return; }
    mpfr_t v;
    mpfr_init2(v, C16_PREC);
    const double x = reg == R_RED ? NAN : r->x[i], y = reg == R_RED ? NAN : r->y[i];
    const double w = reg == R_RED ? NAN : r->w[i];
    if (reg == R_RED)
        bcev_exact_reduced(c->form ? BCEV_PROBS : BCEV_LOGITS, r->n, r->x, r->y,
                           c->weights ? r->w : NULL, &c->opt, NAN, C16_PREC, v);
    else
        exact_row(s, c, den, x, y, w, o, v);
    a->mpfr++;
    if (!e_set) e = round_out(s, v);
    double u = same(g, e) ? 0.0 : bce_tool_ulp16(s->type, s->out, g, v);
    mpfr_clear(v);
    if (same(g, e) || (s->max_ulp[o] > 0.5 && u <= s->max_ulp[o])) return;
    a->failed[reg][o]++;
    if (!(u <= a->worst[reg][o])) a->worst[reg][o] = u;
    if (a->nfail < C16_KEEP) {
        c16_fail *f = &a->fail[a->nfail++];
        f->cfg = ci; f->reg = reg; f->output = o;
        f->line = reg == R_RED ? 0 : i + 2;
        f->x = x; f->y = y; f->w = w; f->expected = e; f->got = g; f->ulp = u;
    }
}

/* the expected value of output o from an enclosure: 1 and *e, or 0 */
static int from_encl(const c16 *s, const bcev_ff_val *v, double g, double *e)
{
    if (!v->ok) return 0;
    if (s->out == BCE_TOOL_F32) {
        /* bound 0.5: got is RN32 of every real in the enclosure */
        if (bcev_ff_check(BCEV_F32, g, v, 0.5)) { *e = g; return 1; }
        return 0;
    }
    return enc16(s->type, v, e);
}

/* Rows [lo, hi) of a batch, judged into a (one thread's part). */
typedef struct j16_job {
    const c16 *s;
    int ci;
    const rows16 *r;
    const double *loss, *grad;
    const mpfr_t *dmp;
    const bcev_ff_val *den;
    size_t lo, hi;
    j16 a;
} j16_job;

static void *judge_part(void *arg)
{
    j16_job *j = arg;
    const c16 *s = j->s;
    const int ci = j->ci;
    const rows16 *r = j->r;
    const double *loss = j->loss, *grad = j->grad;
    const cfg16 *c = &s->cfg[ci];
    const bcev_form F = c->form ? BCEV_PROBS : BCEV_LOGITS;
    const int reduced = c->opt.reduction != BCE_REDUCTION_NONE;
    for (size_t i = j->lo; i < j->hi; i++) {
        const int reg = r->reg[i];
        double e[2] = {NAN, NAN};
        int es[2] = {0, 0};
        if (is_default(c)) {
            expected_default(s, c->form, r->x[i], r->y[i], e);
            es[0] = es[1] = 1;
        } else {
            bcev_sample smp = {r->x[i], r->y[i], r->w[i]};
            bcev_ff_val fv[2] = {{0, 0, 0, 0}, {0, 0, 0, 0}};
            if (bcev_ff_sample(F, &smp, &c->opt, j->den, reduced ? NULL : &fv[0], &fv[1])) {
                if (!reduced) es[0] = from_encl(s, &fv[0], loss[i], &e[0]);
                es[1] = from_encl(s, &fv[1], grad[i], &e[1]);
            }
            if (!es[1]) {
                bcev_ff_val fine;
                if (bcev_ff_grad_fine(F, &smp, &c->opt, j->den, &fine))
                    es[1] = from_encl(s, &fine, grad[i], &e[1]);
            }
        }
        if (!reduced) verdict(s, &j->a, ci, *j->dmp, i, r, reg, 0, loss[i], e[0], es[0]);
        verdict(s, &j->a, ci, *j->dmp, i, r, reg, 1, grad[i], e[1], es[1]);
    }
    mpfr_free_cache();
    return NULL;
}

#define C16_MAX_THREADS 256

/* Judge a batch: its rows split into s->threads contiguous parts (at
 * least 4096 rows each), each judged into its own j16, merged in row
 * order -- the same counts, worst values and kept failing rows for any
 * thread count; then the reduced loss. */
static void judge(c16 *s, int ci, const rows16 *r, const double *loss, const double *grad)
{
    const cfg16 *c = &s->cfg[ci];
    const bcev_form F = c->form ? BCEV_PROBS : BCEV_LOGITS;
    const int reduced = c->opt.reduction != BCE_REDUCTION_NONE;
    const double *w = c->weights ? r->w : NULL;
    bcev_ff_val den;
    mpfr_t dmp;
    mpfr_init2(dmp, 64);
    bcev_denominator(r->n, w, &c->opt, dmp);
    bcev_ff_denominator(r->n, w, &c->opt, &den);
    unsigned nt = s->threads;
    if (r->n < 4096 * (size_t)nt) nt = (unsigned)(r->n / 4096) + 1;
    if (nt > s->threads) nt = s->threads;
    if (nt < 1) nt = 1;
    static j16_job jobs[C16_MAX_THREADS];
    pthread_t tid[C16_MAX_THREADS];
    for (unsigned t = 0; t < nt; t++) {
        j16_job *j = &jobs[t];
        j->s = s; j->ci = ci; j->r = r; j->loss = loss; j->grad = grad;
        j->dmp = (const mpfr_t *)&dmp; j->den = &den;
        j->lo = r->n * t / nt;
        j->hi = r->n * (t + 1) / nt;
        memset(&j->a, 0, sizeof j->a);
    }
    unsigned started = 1;
    for (unsigned t = 1; t < nt; t++, started++)
        if (pthread_create(&tid[t], NULL, judge_part, &jobs[t]) != 0) break;
    for (unsigned t = started; t < nt; t++) judge_part(&jobs[t]);   /* no thread: here */
    judge_part(&jobs[0]);
    for (unsigned t = 1; t < started; t++) pthread_join(tid[t], NULL);
    for (unsigned t = 0; t < nt; t++) {
        const j16 *a = &jobs[t].a;
        for (int g = 0; g < R_N; g++)
            for (int o = 0; o < 2; o++) {
                s->rows[ci][g][o] += a->rows[g][o];
                s->failed[ci][g][o] += a->failed[g][o];
                if (a->worst[g][o] > s->worst[ci][g][o]) s->worst[ci][g][o] = a->worst[g][o];
            }
        for (size_t i = 0; i < a->nfail && s->nfail < C16_KEEP; i++) s->fail[s->nfail++] = a->fail[i];
        s->mpfr += a->mpfr;
        s->decided += a->decided;
    }
    if (reduced) {
        bcev_ff_val f;
        double e = NAN;
        int es = bcev_ff_reduced(F, r->n, r->x, r->y, w, &c->opt, &f) &&
                 from_encl(s, &f, loss[0], &e);
        static j16 a;
        memset(&a, 0, sizeof a);
        verdict(s, &a, ci, dmp, 0, r, R_RED, 0, loss[0], e, es);
        s->rows[ci][R_RED][0] += a.rows[R_RED][0];
        s->failed[ci][R_RED][0] += a.failed[R_RED][0];
        if (a.worst[R_RED][0] > s->worst[ci][R_RED][0]) s->worst[ci][R_RED][0] = a.worst[R_RED][0];
        for (size_t i = 0; i < a.nfail && s->nfail < C16_KEEP; i++) s->fail[s->nfail++] = a.fail[i];
        s->mpfr += a.mpfr;
        s->decided += a.decided;
    }
    mpfr_clear(dmp);
}

/* ------------------------------------------------------------------ */
/* The IUT: a process or a --lib symbol */

static int iut_err(const c16 *s, int ci, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int iut_err(const c16 *s, int ci, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bce check: IUT error: configuration '%s': ", s->cfg[ci].name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return BCE_EXIT_USAGE;
}

/* Run the process IUT on the rows: loss[n or 1], grad[n].  0 or 2. */
static int run_iut(const c16 *s, int ci, const rows16 *r, double *loss, double *grad)
{
    const cfg16 *c = &s->cfg[ci];
    const int reduced = c->opt.reduction != BCE_REDUCTION_NONE;
    size_t cap = 512 + r->n * 72, len = 0;
    char *in = malloc(cap);
    if (!in) return iut_err(s, ci, "out of memory");
    double P = (c->opt.flags & BCE_OPT_POS_WEIGHT) ? c->opt.pos_weight : 1.0;
    len = (size_t)snprintf(in, cap, "# bce-check 1 type=%s out_type=%s form=%s pos_weight=%a "
                           "label_smoothing=%a clamp=%d weights=%d reduction=%s\n",
                           bce_tool_type_name(s->type), bce_tool_type_name(s->out),
                           c->form ? "probs" : "logits", P, c->opt.label_smoothing,
                           (c->opt.flags & BCE_OPT_LOG_CLAMP) ? 1 : 0, c->weights,
                           red_name(c->opt.reduction));
    for (size_t i = 0; i < r->n; i++)
        len += c->weights
            ? (size_t)snprintf(in + len, cap - len, "%a %a %a\n", r->x[i], r->y[i], r->w[i])
            : (size_t)snprintf(in + len, cap - len, "%a %a\n", r->x[i], r->y[i]);
    bce_iut_proc p;
    if (bce_iut_spawn(s->cmd, "check", &p) != 0) {
        free(in);
        return iut_err(s, ci, "cannot start the IUT: %s", strerror(errno));
    }
    char *out = NULL;
    size_t olen = 0;
    int status = 0;
    const int xr = bce_iut_batch(&p, in, len, bcev_now() + s->timeout, &out, &olen, &status);
    const int timed_out = xr == -2, oom = xr == -3 || out == NULL;
    free(in);
    int ret = 0;
    if (oom) ret = iut_err(s, ci, "out of memory reading the answers");
    else if (timed_out) ret = iut_err(s, ci, "timed out after %g s (--timeout)", s->timeout);
    else if (WIFSIGNALED(status)) ret = iut_err(s, ci, "killed by signal %d", WTERMSIG(status));
    else if (WEXITSTATUS(status) != 0) ret = iut_err(s, ci, "exited with status %d", WEXITSTATUS(status));
    if (ret) { free(out); return ret; }
    /* reduction none: one "loss grad" line per row; else "loss", then one
     * "grad" line per row (blank and # lines skipped) */
    const size_t want = reduced ? r->n + 1 : r->n;
    size_t line = 0;
    char *q = out;
    char *const end = out + olen;
    while (q < end && *q && !ret) {
        /* memchr, not strchr: bounded by the answers' length (strchr under
         * ASan's strict_string_checks measured the whole rest each line) */
        char *le = memchr(q, '\n', (size_t)(end - q));
        if (le) *le = '\0';
        char *t = q;
        while (*t == ' ' || *t == '\t' || *t == '\r') t++;
        if (*t && *t != '#') {
            if (line == want) {
                ret = iut_err(s, ci, "more answers than the %zu expected", want);
                break;
            }
            /* the input line this answer belongs to (2: the first row) */
            const size_t row = reduced ? (line ? line - 1 : 0) : line;
            const size_t inl = reduced && line == 0 ? 0 : row + 2;
            const int nums = reduced ? 1 : 2;
            for (int k = 0; k < nums && !ret; k++) {
                const char *what = reduced ? (line ? "grad" : "reduced loss") : k ? "grad" : "loss";
                while (*t == ' ' || *t == '\t') t++;
                char *e;
                double v = s->out == BCE_TOOL_F32 ? (double)strtof(t, &e) : strtod(t, &e);
                if (e == t) {
                    if (inl) ret = iut_err(s, ci, "answer to input line %zu (x=%a y=%a): %s is not a number",
                                           inl, r->x[row], r->y[row], what);
                    else ret = iut_err(s, ci, "answer line 1: the reduced loss is not a number");
                } else if (s->out != BCE_TOOL_F32 && !bce_tool_is16_exact(s->out, v)) {
                    if (inl) ret = iut_err(s, ci, "answer to input line %zu (x=%a y=%a): %s %a is not a %s "
                                           "value (out_type=%s: answer in the type)", inl, r->x[row],
                                           r->y[row], what, v, bce_tool_type_name(s->out),
                                           bce_tool_type_name(s->out));
                    else ret = iut_err(s, ci, "answer line 1: the reduced loss %a is not a %s value",
                                       v, bce_tool_type_name(s->out));
                }
                if (reduced) { if (line) grad[row] = v; else loss[0] = v; }
                else if (k) grad[row] = v;
                else loss[row] = v;
                t = e;
            }
            while (!ret && (*t == ' ' || *t == '\t' || *t == '\r')) t++;
            if (!ret && *t && *t != '#')
                ret = iut_err(s, ci, "answer line %zu: trailing text", line + 1);
            line++;
        }
        if (!le) break;
        q = le + 1;
    }
    if (!ret && line < want) {
        if (reduced && line == 0)
            ret = iut_err(s, ci, "no answer at all (the reduced loss line missing)");
        else {
            const size_t row = reduced ? line - 1 : line;
            ret = iut_err(s, ci, "too few answers: %zu of %zu; input line %zu (x=%a y=%a) unanswered",
                          line, want, row + 2, r->x[row], r->y[row]);
        }
    }
    free(out);
    return ret;
}

typedef bce_status (*fn16_f32)(size_t, const uint16_t *, const uint16_t *, const uint16_t *,
                               const bce_options *, float *, float *);
typedef bce_status (*fn16_16)(size_t, const uint16_t *, const uint16_t *, const uint16_t *,
                              const bce_options *, uint16_t *, uint16_t *);

/* Call the --lib symbol on the rows: loss[n or 1], grad[n].  0 or 2. */
static int run_lib(const c16 *s, int ci, const rows16 *r, double *loss, double *grad)
{
    const cfg16 *c = &s->cfg[ci];
    const int reduced = c->opt.reduction != BCE_REDUCTION_NONE, t = s->type;
    const size_t n = r->n, m = n ? n : 1;
    uint16_t *h = malloc(5 * m * sizeof *h);
    float *f = malloc(2 * m * sizeof *f);
    if (!h || !f) {
        free(h);
        free(f);
        return iut_err(s, ci, "out of memory");
    }
    uint16_t *hx = h, *hy = h + m, *hw = h + 2 * m, *lh = h + 3 * m, *gh = h + 4 * m;
    for (size_t i = 0; i < n; i++) {
        hx[i] = bcev_bits16(t, r->x[i]);
        hy[i] = bcev_bits16(t, r->y[i]);
        hw[i] = bcev_bits16(t, r->w[i]);
    }
    bce_options o = c->opt;
    size_t ei = BCE_NO_INDEX;
    o.error_index = &ei;
    bce_status st;
    const uint16_t *wp = c->weights ? hw : NULL;
    if (s->out == BCE_TOOL_F32) {
        fn16_f32 fn;
        memcpy(&fn, &s->fn, sizeof fn);   /* dlsym's object pointer (POSIX) */
        st = fn(n, hx, hy, wp, &o, f, f + m);
    } else {
        fn16_16 fn;
        memcpy(&fn, &s->fn, sizeof fn);
        st = fn(n, hx, hy, wp, &o, lh, gh);
    }
    if (st == BCE_OK)
        for (size_t i = 0; i < n; i++) {
            const int lo = !reduced || i == 0;
            if (s->out == BCE_TOOL_F32) {
                if (lo) loss[i] = f[i];
                grad[i] = f[m + i];
            } else {
                if (lo) loss[i] = bcev_from_bits16(t, lh[i]);
                grad[i] = bcev_from_bits16(t, gh[i]);
            }
        }
    free(h);
    free(f);
    if (st != BCE_OK) {
        if (ei < n)
            return iut_err(s, ci, "%s returned status %d (%s) at row %zu (input line %zu: x=%a y=%a)",
                           s->symbol, (int)st, bce_status_name(st), ei, ei + 2, r->x[ei], r->y[ei]);
        return iut_err(s, ci, "%s returned status %d (%s)", s->symbol, (int)st, bce_status_name(st));
    }
    return 0;
}

/* ------------------------------------------------------------------ */

static const char help16[] =
    "usage: bce check --type bf16|f16 [--out-type f32|bf16|f16] [options] -- CMD ARGS...\n"
    "       bce check --type bf16|f16 [--out-type T] [options] --lib PATH --symbol NAME\n"
    "\n"
    "Judge a 16-bit port.  A process IUT (after --) reads the header\n"
    "  # bce-check 1 type=bf16 out_type=T form=F pos_weight=P\n"
    "    label_smoothing=A clamp=0|1 weights=0|1 reduction=R\n"
    "and one line \"x y [w]\" per row (C99 hex floats of bf16/f16 values;\n"
    "Python: float.fromhex), then end of input; it answers one line\n"
    "\"loss grad\" per row (reduction none), or one line \"loss\" then one line\n"
    "\"grad\" per row (any other reduction): out_type f32 (default: a\n"
    "mixed-precision/autocast port) read with strtof, out_type bf16/f16 (a\n"
    "port returning its input's type) read with strtod and exactly a value\n"
    "of the type.  `bce eval` is such an IUT.  A --lib symbol has the\n"
    "signature of bce_logits_bf16 (float outputs: --out-type f32) or of\n"
    "bce_logits_bf16_bf16 (uint16_t outputs: --out-type bf16), likewise for\n"
    "f16 and probs, and gets the options as a bce_options.\n"
    "Each output must be the correct rounding of the exact value in the\n"
    "output type (0.5 ulp: libbce's bound for the 16-bit outputs; never\n"
    "RN16(RN32(x))); --max-ulp X > 0.5 accepts X ulps of the output type.\n"
    "\n"
    "  --form logits|probs|all  (default logits; --lib: one form)\n"
    "  --options all|default    configurations: all (default: pos_weight 3.5,\n"
    "                   0, 2^-64, 2^64, smoothing 0.1 and 1, clamp, weights,\n"
    "                   the reductions sum, mean, weighted-mean) or default\n"
    "  --pos-weight P --smoothing A --clamp --weights --reduction R\n"
    "                   one configuration instead (under a reduction, rows\n"
    "                   with |z| > 2^10 or p in {0,1} unclamped left out)\n"
    "  --samples N      soft-label rows per configuration (default 20000), and\n"
    "                   up to N/4 midpoint rows (RN16 of the correctly rounded\n"
    "                   float is wrong there); every x with y = 0 and 1 too\n"
    "  --seed S         (default 1)\n"
    "  --exhaustive --range A:B --label 0|1|both|all   instead: every x bit\n"
    "                   pattern in [A, B) x the labels (all: every value of\n"
    "                   the type in [0,1], -0 included); no reductions\n"
    "  --batch N        rows per batch of --exhaustive (default 2^20; whole x\n"
    "                   values): memory stays bounded, a process IUT is\n"
    "                   started once per batch, and each failing row's line\n"
    "                   is the input line of its batch\n"
    "  --shard I/N      with --exhaustive: the I-th of N parts of the range\n"
    "                   (merge the parts' --json summaries with\n"
    "                   bce check --merge A.json B.json ... [--json F] [--junit F])\n"
    "                   (also GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS or Slurm)\n"
    "  --threads T      threads judging the answers (default: the online\n"
    "                   CPUs; the result does not depend on T)\n"
    "  --max-ulp X      bound of both outputs (default 0.5)\n"
    "  --max-ulp-loss X, --max-ulp-grad X   one output's bound\n"
    "  --timeout S      seconds per configuration (default 600)\n"
    "  --json FILE      summary and the first 1000 failing rows (schema 4)\n"
    "  --junit FILE     JUnit XML: one testcase per configuration and regime\n"
    "  --quiet          only the verdict\n"
    "exit status: 0 pass, 1 an output over its bound, 2 usage or IUT error.\n";

const char *bce_tool_check16_help(void) { return help16; }

static int usage(const char *m, const char *a)
{
    fprintf(stderr, "bce check: ");
    fprintf(stderr, m, a ? bce_tool_esc(a, BCE_TOOL_ESC_NAME) : "");
    fprintf(stderr, "\ntry 'bce check --type bf16 --help'\n");
    return BCE_EXIT_USAGE;
}

static void report(const c16 *s, FILE *text, size_t *nbad_out, size_t *nout_out)
{
    size_t nbad = 0, nout = 0;
    for (int ci = 0; ci < s->ncfg; ci++) {
        if (!s->quiet && s->ncfg > 1) fprintf(text, "configuration %s\n", s->cfg[ci].name);
        for (int g = 0; g < R_N; g++)
            for (int o = 0; o < 2; o++) {
                if (!s->rows[ci][g][o]) continue;
                nout += s->rows[ci][g][o];
                nbad += s->failed[ci][g][o];
                if (!s->quiet)
                    fprintf(text, "%-6s %-10s %-4s rows %7zu failed %6zu%s",
                            s->cfg[ci].form ? "probs" : "logits", reg_names[g],
                            o ? "grad" : "loss", s->rows[ci][g][o], s->failed[ci][g][o],
                            s->failed[ci][g][o] ? "" : "\n");
                if (!s->quiet && s->failed[ci][g][o])
                    fprintf(text, " worst %.6g ulp\n", s->worst[ci][g][o]);
            }
    }
    if (!s->quiet)
        for (size_t i = 0; i < s->nfail && i < 20; i++) {
            const c16_fail *f = &s->fail[i];
            if (f->reg == R_RED)
                fprintf(text, "  FAIL [%d] %s reduced loss: expected %a got %a (%.6g ulp)\n",
                        f->cfg, s->cfg[f->cfg].form ? "probs" : "logits", f->expected, f->got, f->ulp);
            else
            {
                char wb[48] = "";
                if (s->cfg[f->cfg].weights) snprintf(wb, sizeof wb, " w=%a", f->w);
                fprintf(text, "  FAIL [%d] %s %s input line %zu: x=%a y=%a%s %s: expected %a got %a (%.6g ulp)\n",
                        f->cfg, s->cfg[f->cfg].form ? "probs" : "logits", reg_names[f->reg], f->line,
                        f->x, f->y, wb, f->output ? "grad" : "loss", f->expected, f->got, f->ulp);
            }
        }
    *nbad_out = nbad;
    *nout_out = nout;
}

/* JUnit XML: one testcase per configuration and regime (as `bce check`) */
static void junit_write(const c16 *s, FILE *out)
{
    int tests = 0, failures = 0;
    for (int ci = 0; ci < s->ncfg; ci++)
        for (int g = 0; g < R_N; g++)
            if (s->rows[ci][g][0] || s->rows[ci][g][1]) {
                tests++;
                failures += s->failed[ci][g][0] || s->failed[ci][g][1];
            }
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"bce check\" tests=\"%d\" failures=\"%d\">\n"
            "<testsuite name=\"bce check\" tests=\"%d\" failures=\"%d\">\n",
            tests, failures, tests, failures);
    for (int ci = 0; ci < s->ncfg; ci++)
        for (int g = 0; g < R_N; g++) {
            if (!s->rows[ci][g][0] && !s->rows[ci][g][1]) continue;
            fprintf(out, "  <testcase classname=\"");
            bce_tool_xml_esc(out, s->cfg[ci].name);
            fprintf(out, "\" name=\"%s\">", reg_names[g]);
            if (s->failed[ci][g][0] || s->failed[ci][g][1]) {
                /* the first failing row of this configuration and regime kept */
                const c16_fail *f = NULL;
                for (size_t i = 0; i < s->nfail && !f; i++)
                    if (s->fail[i].cfg == ci && s->fail[i].reg == g) f = &s->fail[i];
                fprintf(out, "<failure message=\"%zu loss and %zu grad outputs over the bound; "
                        "max %.6g ulp\">", s->failed[ci][g][0], s->failed[ci][g][1],
                        s->worst[ci][g][0] > s->worst[ci][g][1] ? s->worst[ci][g][0] : s->worst[ci][g][1]);
                if (f)
                    fprintf(out, "first: input line %zu x=%a y=%a w=%a %s expected %a got %a",
                            f->line, f->x, f->y, f->w, f->output ? "grad" : "loss", f->expected, f->got);
                fprintf(out, "</failure>");
            }
            fprintf(out, "</testcase>\n");
        }
    fprintf(out, "</testsuite>\n</testsuites>\n");
}

/* The JSON summary (schema C16_SCHEMA): one element per line, so that
 * `bce check --merge` (json_read16) reads it back. */
static void json_write16(const c16 *s, FILE *f, size_t nbad, size_t nout, double seconds)
{
    bcev_json_header(f, "check", C16_SCHEMA);
    fprintf(f, "\"type\": \"%s\", \"out_type\": \"%s\", \"max_ulp_loss\": %g, \"max_ulp_grad\": %g, "
            "\"pass\": %s, \"outputs\": %zu, \"over\": %zu, \"mpfr\": %zu, \"seconds\": %.3f,\n\"iut\": ",
            bce_tool_type_name(s->type), bce_tool_type_name(s->out), s->max_ulp[0], s->max_ulp[1],
            nbad ? "false" : "true", nout, nbad, s->mpfr, seconds);
    if (s->iut_json) {
        fputs(s->iut_json, f);
    } else if (s->lib) {
        fputs("{\"lib\": ", f);
        bcev_json_str(f, s->lib);
        fputs(", \"symbol\": ", f);
        bcev_json_str(f, s->symbol);
        fputc('}', f);
    } else {
        fputc('[', f);
        for (char **a = s->cmd; *a; a++) {
            if (a != s->cmd) fputs(", ", f);
            bcev_json_str(f, *a);
        }
        fputc(']', f);
    }
    fprintf(f, ",\n\"range\": [%llu, %llu], \"shard\": ", (unsigned long long)s->lo,
            (unsigned long long)s->hi);
    if (s->shard.count)
        fprintf(f, "{\"index\": %d, \"count\": %d, \"source\": \"%s\"}", s->shard.index,
                s->shard.count, s->shard.source);
    else
        fputs("null", f);
    fputs(",\n\"configurations\": [", f);
    for (int ci = 0; ci < s->ncfg; ci++) {
        const cfg16 *c = &s->cfg[ci];
        fprintf(f, "%s\n  {\"config\": %d, \"form\": \"%s\", ", ci ? "," : "", ci,
                c->form ? "probs" : "logits");
        bcev_json_value(f, "pos_weight", (c->opt.flags & BCE_OPT_POS_WEIGHT) ? c->opt.pos_weight : 1.0, 0);
        fputs(", ", f);
        bcev_json_value(f, "label_smoothing", c->opt.label_smoothing, 0);
        fprintf(f, ", \"clamp\": %d, \"weights\": %d, \"reduction\": \"%s\"}",
                (c->opt.flags & BCE_OPT_LOG_CLAMP) ? 1 : 0, c->weights, red_name(c->opt.reduction));
    }
    fputs("\n],\n\"summary\": [", f);
    int first = 1;
    for (int ci = 0; ci < s->ncfg; ci++)
        for (int g = 0; g < R_N; g++)
            for (int o = 0; o < 2; o++) {
                if (!s->rows[ci][g][o]) continue;
                fprintf(f, "%s\n  {\"config\": %d, \"form\": \"%s\", \"regime\": \"%s\", \"output\": \"%s\", "
                        "\"rows\": %zu, \"failed\": %zu, \"worst_ulp\": ", first ? "" : ",", ci,
                        s->cfg[ci].form ? "probs" : "logits", reg_names[g], o ? "grad" : "loss",
                        s->rows[ci][g][o], s->failed[ci][g][o]);
                bcev_json_num(f, s->worst[ci][g][o]);
                fputc('}', f);
                first = 0;
            }
    fputs("\n],\n\"failures\": [", f);
    for (size_t i = 0; i < s->nfail; i++) {
        const c16_fail *q = &s->fail[i];
        fprintf(f, "%s\n  {\"config\": %d, \"form\": \"%s\", \"regime\": \"%s\", \"line\": %zu, \"output\": \"%s\", ",
                i ? "," : "", q->cfg, s->cfg[q->cfg].form ? "probs" : "logits", reg_names[q->reg],
                q->line, q->reg == R_RED ? "reduced loss" : q->output ? "grad" : "loss");
        if (q->reg != R_RED) {
            bcev_json_value(f, "x", q->x, 0);
            fputs(", ", f);
            bcev_json_value(f, "y", q->y, 0);
            fputs(", ", f);
            bcev_json_value(f, "w", q->w, 0);
            fputs(", ", f);
        }
        bcev_json_value(f, "expected", q->expected, s->out == BCE_TOOL_F32);
        fputs(", ", f);
        bcev_json_value(f, "got", q->got, s->out == BCE_TOOL_F32);
        fputs(", \"ulp\": ", f);
        bcev_json_num(f, q->ulp);
        fputc('}', f);
    }
    fputs("\n]}\n", f);
}

/* ------------------------------------------------------------------ */
/* --merge of 16-bit summaries (bce check --merge, dispatched by check.c
 * when the first file has an "out_type"): the shards of one --exhaustive
 * run (same type, output type, bounds, IUT and configurations; ranges
 * contiguous) into one summary -- rows and failures added, the worst ulp
 * the largest, the kept failing rows in range order (at most C16_KEEP). */

typedef struct m16_file {
    const char *path;
    char **line;
    size_t n;
    unsigned long long lo, hi;
} m16_file;

static int m16_name(const char *p, const char *const *names, int n)
{
    char b[32];
    if (!p || sscanf(p, "\"%31[^\"]\"", b) != 1) return -1;
    for (int k = 0; k < n; k++)
        if (!strcmp(b, names[k])) return k;
    return -1;
}

static int m16_bad(const m16_file *m, size_t i, const char *what)
{
    fprintf(stderr, "bce check --merge: %s: line %zu: %s\n", bce_tool_input_name(m->path), i + 1, what);
    return BCE_EXIT_USAGE;
}

static int m16_read(m16_file *m)
{
    FILE *f = fopen(m->path, "r");
    if (!f) {
        bce_tool_io_error("check", bce_tool_input_name(m->path), "cannot open", errno);
        return BCE_EXIT_USAGE;
    }
    char *buf = NULL;
    size_t size = 0, cap = 0;
    int r = 0;
    while (getline(&buf, &size, f) >= 0) {
        if (m->n == cap) {
            char **q = realloc(m->line, (cap = cap ? 2 * cap : 64) * sizeof *q);
            if (!q) { r = -1; break; }
            m->line = q;
        }
        if (!(m->line[m->n] = strdup(buf))) { r = -1; break; }
        m->n++;
    }
    free(buf);
    fclose(f);
    if (r != 0) {
        fprintf(stderr, "bce check --merge: out of memory\n");
        return BCE_EXIT_USAGE;
    }
    if (m->n < 6 || strncmp(m->line[0], "{\"tool\": \"bce check\"", 20) ||
        !strstr(m->line[0], "\"schema\": " "4") || !strstr(m->line[1], "\"out_type\"") ||
        strncmp(m->line[2], "\"iut\": ", 7) ||
        sscanf(m->line[3], "\"range\": [%llu, %llu]", &m->lo, &m->hi) != 2) {
        fprintf(stderr, "bce check --merge: %s: not a 16-bit bce check JSON summary of schema %d\n",
                bce_tool_input_name(m->path), C16_SCHEMA);
        return BCE_EXIT_USAGE;
    }
    return 0;
}

static int m16_cmp(const void *a, const void *b)
{
    const m16_file *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* The first file's header and configurations into s; 0 or an exit status. */
static int m16_header(c16 *s, const m16_file *m, size_t *cfg_end)
{
    const char *l = m->line[1];
    int t, o;
    char tb[8], ob[8];
    if (sscanf(l, "\"type\": \"%7[^\"]\", \"out_type\": \"%7[^\"]\"", tb, ob) != 2 ||
        (t = bce_tool_type_from_name(tb)) < 0 || (o = bce_tool_type_from_name(ob)) < 0)
        return m16_bad(m, 1, "no type and out_type");
    s->type = t;
    s->out = o;
    s->max_ulp[0] = bce_tool_jnum(bce_tool_jfield(l, "max_ulp_loss"));
    s->max_ulp[1] = bce_tool_jnum(bce_tool_jfield(l, "max_ulp_grad"));
    size_t i = 4;
    if (strncmp(m->line[i], "\"configurations\": [", 19)) return m16_bad(m, i, "no configurations");
    for (i++; i < m->n && !strncmp(m->line[i], "  {", 3); i++) {
        const char *c = m->line[i];
        if (s->ncfg >= C16_MAX_CFG || atoi(bce_tool_jfield(c, "config") ? bce_tool_jfield(c, "config") : "-1") != s->ncfg)
            return m16_bad(m, i, "configuration out of order");
        cfg16 *g = &s->cfg[s->ncfg++];
        memset(g, 0, sizeof *g);
        static const char *const forms[2] = {"logits", "probs"};
        static const char *const reds[4] = {"none", "sum", "mean", "weighted-mean"};
        int form = m16_name(bce_tool_jfield(c, "form"), forms, 2);
        int red = m16_name(bce_tool_jfield(c, "reduction"), reds, 4);
        double pw = bce_tool_jnum(bce_tool_jfield(c, "pos_weight")), a = bce_tool_jnum(bce_tool_jfield(c, "label_smoothing"));
        if (form < 0 || red < 0 || pw != pw || a != a || !bce_tool_jfield(c, "clamp") || !bce_tool_jfield(c, "weights"))
            return m16_bad(m, i, "not a configuration");
        g->form = form;
        g->opt.flags |= BCE_OPT_POS_WEIGHT;
        g->opt.pos_weight = pw;
        g->opt.label_smoothing = a;
        if (atoi(bce_tool_jfield(c, "clamp"))) g->opt.flags |= BCE_OPT_LOG_CLAMP;
        g->weights = atoi(bce_tool_jfield(c, "weights")) != 0;
        g->opt.reduction = (bce_reduction)red;
        cfg_name(s, g);
    }
    if (!s->ncfg || i >= m->n || m->line[i][0] != ']') return m16_bad(m, i, "no configurations");
    *cfg_end = i;
    return 0;
}

/* The summary of one file, added into s, and its failing rows appended
 * to fails (nf of cap). */
static int m16_body(c16 *s, const m16_file *m, size_t i, c16_fail **fails, size_t *nf, size_t *cap)
{
    static const char *const outs[2] = {"loss", "grad"};
    int sec = 0;   /* 1: summary, 2: failures */
    for (; i < m->n; i++) {
        const char *l = m->line[i];
        if (!strncmp(l, "\"summary\": [", 12)) { sec = 1; continue; }
        if (!strncmp(l, "\"failures\": [", 13)) { sec = 2; continue; }
        if (strncmp(l, "  {", 3)) continue;
        const char *cf = bce_tool_jfield(l, "config");
        int ci = cf ? atoi(cf) : -1;
        int g = m16_name(bce_tool_jfield(l, "regime"), reg_names, R_N);
        if (ci < 0 || ci >= s->ncfg || g < 0) return m16_bad(m, i, "no configuration or regime");
        if (sec == 1) {
            int o = m16_name(bce_tool_jfield(l, "output"), outs, 2);
            const char *r = bce_tool_jfield(l, "rows"), *fl = bce_tool_jfield(l, "failed");
            if (o < 0 || !r || !fl) return m16_bad(m, i, "not a summary row");
            s->rows[ci][g][o] += strtoull(r, NULL, 10);
            s->failed[ci][g][o] += strtoull(fl, NULL, 10);
            double w = bce_tool_jnum(bce_tool_jfield(l, "worst_ulp"));
            if (w > s->worst[ci][g][o]) s->worst[ci][g][o] = w;
        } else if (sec == 2) {
            if (*nf == *cap) {
                c16_fail *a = realloc(*fails, (*cap = *cap ? 2 * *cap : 256) * sizeof *a);
                if (!a) return m16_bad(m, i, "out of memory");
                *fails = a;
            }
            c16_fail *q = &(*fails)[(*nf)++];
            memset(q, 0, sizeof *q);
            q->cfg = ci;
            q->reg = g;
            q->output = strstr(l, "\"output\": \"grad\"") != NULL;
            q->line = strtoull(bce_tool_jfield(l, "line") ? bce_tool_jfield(l, "line") : "0", NULL, 10);
            q->x = bce_tool_jnum(bce_tool_jfield(l, "x"));
            q->y = bce_tool_jnum(bce_tool_jfield(l, "y"));
            q->w = bce_tool_jnum(bce_tool_jfield(l, "w"));
            q->expected = bce_tool_jnum(bce_tool_jfield(l, "expected"));
            q->got = bce_tool_jnum(bce_tool_jfield(l, "got"));
            q->ulp = bce_tool_jnum(bce_tool_jfield(l, "ulp"));
        }
    }
    return 0;
}

int bce_tool_check16_merge(int nfiles, char **paths, const char *json, const char *junit)
{
    static c16 s;
    memset(&s, 0, sizeof s);
    s.quiet = 1;
    m16_file *m = calloc((size_t)nfiles, sizeof *m);
    if (!m) return BCE_EXIT_USAGE;
    int r = 0;
    char *iut = NULL;
    size_t cfg_end = 0;
    double seconds = 0;
    for (int k = 0; k < nfiles && !r; k++) {
        m[k].path = paths[k];
        r = m16_read(&m[k]);
    }
    if (!r) qsort(m, (size_t)nfiles, sizeof *m, m16_cmp);
    for (int k = 1; k < nfiles && !r; k++)
        if (m[k].lo != m[k - 1].hi) {
            fprintf(stderr, "bce check --merge: ranges not contiguous: [%llu, %llu) then [%llu, %llu)\n",
                    m[k - 1].lo, m[k - 1].hi, m[k].lo, m[k].hi);
            r = BCE_EXIT_USAGE;
        }
    if (!r) r = m16_header(&s, &m[0], &cfg_end);
    for (int k = 1; k < nfiles && !r; k++) {
        /* the same type, output type and bounds (line 2 up to "pass"), IUT
         * and configurations */
        const char *a = m[0].line[1], *b = m[k].line[1];
        const size_t la = (size_t)(strstr(a, "\"pass\"") ? strstr(a, "\"pass\"") - a : 0);
        int same = la && !strncmp(a, b, la) && !strcmp(m[0].line[2], m[k].line[2]) && m[k].n > cfg_end;
        for (size_t i = 4; same && i <= cfg_end; i++) same = !strcmp(m[0].line[i], m[k].line[i]);
        if (!same) {
            fprintf(stderr, "bce check --merge: %s and %s are not shards of one run (type, bounds, IUT "
                    "or configurations differ)\n", bce_tool_input_name(m[0].path),
                    bce_tool_input_name(m[k].path));
            r = BCE_EXIT_USAGE;
        }
    }
    c16_fail *fails = NULL;
    size_t nf = 0, fcap = 0;
    for (int k = 0; k < nfiles && !r; k++) {
        r = m16_body(&s, &m[k], cfg_end + 1, &fails, &nf, &fcap);
        s.mpfr += strtoull(bce_tool_jfield(m[k].line[1], "mpfr") ? bce_tool_jfield(m[k].line[1], "mpfr") : "0", NULL, 10);
        seconds += bce_tool_jnum(bce_tool_jfield(m[k].line[1], "seconds"));
    }
    /* the kept failing rows as one run keeps them: configuration-major,
     * then in range order (the shards' order), the first C16_KEEP */
    for (int ci = 0; ci < s.ncfg && !r; ci++)
        for (size_t k = 0; k < nf && s.nfail < C16_KEEP; k++)
            if (fails[k].cfg == ci) s.fail[s.nfail++] = fails[k];
    free(fails);
    if (!r) {
        const char *v = m[0].line[2] + 7;
        size_t len = strlen(v);
        while (len && (v[len - 1] == '\n' || v[len - 1] == ',')) len--;
        iut = strndup(v, len);
        if (!iut) r = BCE_EXIT_USAGE;
    }
    if (!r) {
        s.iut_json = iut;
        s.lo = m[0].lo;
        s.hi = m[nfiles - 1].hi;
        size_t nbad, nout;
        report(&s, stdout, &nbad, &nout);
        printf("%s: %d shard summaries merged, range [%llu, %llu), %zu of %zu outputs %s "
               "(type=%s out_type=%s)\n", nbad ? "FAIL" : "PASS", nfiles, (unsigned long long)s.lo,
               (unsigned long long)s.hi, nbad ? nbad : nout, nout,
               nbad ? "over their bound" : "within their bound", bce_tool_type_name(s.type),
               bce_tool_type_name(s.out));
        FILE *f;
        if (json && (f = bcev_json_open("check", json)) != NULL) {
            json_write16(&s, f, nbad, nout, seconds);
            if (bcev_json_close("check", json, f) != 0) r = BCE_EXIT_USAGE;
        } else if (json) {
            r = BCE_EXIT_USAGE;
        }
        if (!r && junit && (f = bcev_json_open("check", junit)) != NULL) {
            junit_write(&s, f);
            if (bcev_json_close("check", junit, f) != 0) r = BCE_EXIT_USAGE;
        } else if (!r && junit) {
            r = BCE_EXIT_USAGE;
        }
        if (!r) r = nbad ? BCE_EXIT_FAIL : BCE_EXIT_OK;
    }
    free(iut);
    for (int k = 0; k < nfiles; k++) {
        for (size_t i = 0; i < m[k].n; i++) free(m[k].line[i]);
        free(m[k].line);
    }
    free(m);
    return r;
}

int bce_tool_check16(int argc, char **argv)
{
    static c16 s;
    memset(&s, 0, sizeof s);
    s.out = BCE_TOOL_F32;
    s.forms = 1;
    s.samples = 20000;
    s.seed = 1;
    s.max_ulp[0] = s.max_ulp[1] = 0.5;
    s.timeout = 600;
    s.label = 2;
    s.lo = 0; s.hi = 65536;
    s.batch = (size_t)1 << 20;
    {
        long nc = sysconf(_SC_NPROCESSORS_ONLN);
        s.threads = nc < 1 ? 1 : nc > C16_MAX_THREADS ? C16_MAX_THREADS : (unsigned)nc;
    }
    s.options_all = 1;
    int range_set = 0, label_set = 0, form_all = 0;
    const char *shard_arg = NULL;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        double d;
        if (!strcmp(o, "--")) {
            s.cmd = argv + i + 1;
            if (!*s.cmd) return usage("-- needs a command%s", "");
            break;
        } else if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            fputs(help16, stdout);
            return BCE_EXIT_OK;
        } else if (!strcmp(o, "--quiet")) {
            s.quiet = 1;
        } else if (!strcmp(o, "--exhaustive")) {
            s.exhaustive = 1;
        } else if (!strcmp(o, "--clamp")) {
            s.xopt.flags |= BCE_OPT_LOG_CLAMP;
            s.explicit_opts = 1;
        } else if (!strcmp(o, "--weights")) {
            s.xweights = 1;
            s.explicit_opts = 1;
        } else if (o[0] != '-') {
            return usage("unexpected argument '%s' (the IUT's command goes after --)", o);
        } else if (!v) {
            return usage("%s needs a value (or is unknown)", o);
        } else if (!strcmp(o, "--type")) {
            s.type = bce_tool_type_from_name(v);
            i++;
        } else if (!strcmp(o, "--out-type")) {
            s.out = bce_tool_type_from_name(v);
            if (s.out < 0) return usage("--out-type wants f32, bf16 or f16, not '%s'", v);
            i++;
        } else if (!strcmp(o, "--form")) {
            if (!strcmp(v, "logits")) s.forms = 1;
            else if (!strcmp(v, "probs")) s.forms = 2;
            else if (!strcmp(v, "all")) { s.forms = 3; form_all = 1; }
            else return usage("--form wants logits, probs or all, not '%s'", v);
            i++;
        } else if (!strcmp(o, "--options")) {
            if (!strcmp(v, "all")) s.options_all = 1;
            else if (!strcmp(v, "default")) s.options_all = 0;
            else return usage("--options wants all or default, not '%s'", v);
            i++;
        } else if (!strcmp(o, "--pos-weight")) {
            if (bce_tool_parse_double(v, &d) || !(d >= 0) || isinf(d))
                return usage("--pos-weight wants a finite number >= 0, not '%s'", v);
            s.xopt.flags |= BCE_OPT_POS_WEIGHT;
            s.xopt.pos_weight = d;
            s.explicit_opts = 1;
            i++;
        } else if (!strcmp(o, "--smoothing")) {
            if (bce_tool_parse_double(v, &d) || !(d >= 0 && d <= 1))
                return usage("--smoothing wants a number in [0,1], not '%s'", v);
            s.xopt.label_smoothing = d;
            s.explicit_opts = 1;
            i++;
        } else if (!strcmp(o, "--reduction")) {
            int r = -1;
            for (int k = 0; k < 4; k++)
                if (!strcmp(v, red_name((bce_reduction)k))) r = k;
            if (r < 0) return usage("--reduction wants none, sum, mean or weighted-mean, not '%s'", v);
            s.xopt.reduction = (bce_reduction)r;
            s.explicit_opts = 1;
            i++;
        } else if (!strcmp(o, "--label")) {
            int l = !strcmp(v, "0") ? 0 : !strcmp(v, "1") ? 1 : !strcmp(v, "both") ? 2
                  : !strcmp(v, "all") ? 3 : -1;
            if (l < 0) return usage("--label wants 0, 1, both or all, not '%s'", v);
            s.label = l;
            label_set = 1;
            i++;
        } else if (!strcmp(o, "--range")) {
            char *e;
            errno = 0;
            unsigned long long a = strtoull(v, &e, 0), b;
            if (*e != ':' || errno) return usage("--range wants A:B, not '%s'", v);
            b = strtoull(e + 1, &e, 0);
            if (*e || errno || a >= b || b > 65536)
                return usage("--range wants A:B, 0 <= A < B <= 65536, not '%s'", v);
            s.lo = a; s.hi = b;
            range_set = 1;
            i++;
        } else if (!strcmp(o, "--threads")) {
            char *e;
            errno = 0;
            unsigned long long n = strtoull(v, &e, 0);
            if (*e || errno || *v == '-' || e == v || n < 1 || n > C16_MAX_THREADS)
                return usage("--threads wants 1..256, not '%s'", v);
            s.threads = (unsigned)n;
            i++;
        } else if (!strcmp(o, "--batch")) {
            char *e;
            errno = 0;
            unsigned long long n = strtoull(v, &e, 0);
            if (*e || errno || *v == '-' || e == v || n < 2 || n > (1ULL << 28))
                return usage("--batch wants a row count in 2..2^28, not '%s'", v);
            s.batch = (size_t)n;
            i++;
        } else if (!strcmp(o, "--samples") || !strcmp(o, "--seed")) {
            char *e;
            errno = 0;
            unsigned long long n = strtoull(v, &e, 0);
            if (*e || errno || *v == '-' || e == v) return usage("%s wants a count", o);
            if (o[3] == 'a') s.samples = (size_t)n; else s.seed = n;
            i++;
        } else if (!strcmp(o, "--max-ulp") || !strcmp(o, "--max-ulp-loss") ||
                   !strcmp(o, "--max-ulp-grad") || !strcmp(o, "--timeout")) {
            if (bce_tool_parse_double(v, &d) || !(d > 0) || isinf(d))
                return usage("%s wants a positive number", o);
            if (o[2] == 't') s.timeout = d;
            else {
                d = d < 0.5 ? 0.5 : d;   /* below 0.5 is no bound a rounding can meet */
                if (strcmp(o, "--max-ulp-grad")) s.max_ulp[0] = d;
                if (strcmp(o, "--max-ulp-loss")) s.max_ulp[1] = d;
            }
            i++;
        } else if (!strcmp(o, "--json") || !strcmp(o, "--junit")) {
            const char *f = bcev_json_arg("check", o, v);
            if (!f) return BCE_EXIT_USAGE;
            if (o[3] == 's') s.json = f; else s.junit = f;
            i++;
        } else if (!strcmp(o, "--shard")) {
            shard_arg = v;
            i++;
        } else if (!strcmp(o, "--lib")) {
            s.lib = v;
            i++;
        } else if (!strcmp(o, "--symbol")) {
            s.symbol = v;
            i++;
        } else {
            return usage("%s: not an option of the 16-bit checker (bce check --type bf16 --help)", o);
        }
    }
    if (s.type != BCE_TOOL_BF16 && s.type != BCE_TOOL_F16)
        return usage("--type wants bf16 or f16 here%s", "");
    if (!bce_tool_out_type_ok(s.type, s.out))
        return usage("--out-type %s: the output type is f32 or the input's type (bf16, f16)",
                     bce_tool_type_name(s.out));
    if ((range_set || label_set || shard_arg) && !s.exhaustive)
        return usage("--range, --label and --shard go with --exhaustive%s", "");
    if (s.exhaustive) {
        /* --shard I/N, or the job runner's environment (CONVENTIONS.md) */
        char err[256];
        if (bce_tool_shard_get(shard_arg, &s.shard, err, sizeof err) != 0)
            return usage("%s", err);
        bce_tool_shard_range(&s.shard, s.lo, s.hi, &s.lo, &s.hi);
        if (s.lo >= s.hi) return usage("empty shard of the range%s", "");
        if (s.shard.from_env)
            printf("shard %d/%d from %s: range [%llu, %llu)\n", s.shard.index, s.shard.count,
                   s.shard.source, (unsigned long long)s.lo, (unsigned long long)s.hi);
    }
    if (s.exhaustive && s.explicit_opts && s.xopt.reduction != BCE_REDUCTION_NONE)
        return usage("--exhaustive checks per-sample outputs: --reduction none only%s", "");
    if (s.xopt.flags & BCE_OPT_LOG_CLAMP) {
        if (s.forms & 1) {
            if (form_all) s.forms = 2;
            else return usage("--clamp applies to --form probs only%s", "");
        }
    }
    if (s.lib) {
        if (s.cmd) return usage("--lib and a command: choose one%s", "");
        if (!s.symbol) return usage("--lib needs --symbol NAME%s", "");
        if (form_all) return usage("--lib: one --form (the symbol's signature)%s", "");
        s.libh = dlopen(s.lib, RTLD_NOW | RTLD_LOCAL);
        if (!s.libh) {
            fprintf(stderr, "bce check: --lib %s: %s\n", bce_tool_esc(s.lib, BCE_TOOL_ESC_NAME), dlerror());
            return BCE_EXIT_USAGE;
        }
        s.fn = dlsym(s.libh, s.symbol);
        if (!s.fn) {
            fprintf(stderr, "bce check: --symbol %s: not found in %s\n",
                    bce_tool_esc(s.symbol, BCE_TOOL_ESC_NAME), bce_tool_esc(s.lib, BCE_TOOL_ESC_NAME));
            dlclose(s.libh);
            return BCE_EXIT_USAGE;
        }
    } else if (s.symbol) {
        return usage("--symbol goes with --lib PATH%s", "");
    } else if (!s.cmd) {
        return usage("no IUT: give -- CMD ARGS... or --lib PATH --symbol NAME%s", "");
    }
    signal(SIGPIPE, SIG_IGN);
    make_configs(&s);
    int status = BCE_EXIT_OK;
    double t0 = bcev_now();
    /* --exhaustive: batches of at most s.batch rows (whole x values), so
     * that memory stays bounded (every x of bf16 with every label is 10^9
     * rows); a process IUT is started once per batch */
    size_t per_x = 1;
    if (s.exhaustive)
        per_x = s.label == 2 ? 2 : s.label == 3 ? (size_t)one16(s.type) + 2 : 1;
    const uint64_t xstep = s.exhaustive ? (s.batch / per_x ? s.batch / per_x : 1) : 1;
    double last = bcev_now();
    for (int ci = 0; ci < s.ncfg && status == BCE_EXIT_OK; ci++) {
        const cfg16 *c = &s.cfg[ci];
        size_t k0 = 0;
        for (uint64_t b0 = s.lo; status == BCE_EXIT_OK && (b0 < s.hi || (!s.exhaustive && b0 == s.lo));) {
            const uint64_t b1 = s.exhaustive ? (s.hi - b0 > xstep ? b0 + xstep : s.hi) : s.hi;
            rows16 r = {0, 0, NULL, NULL, NULL, NULL};
            double *loss = NULL, *grad = NULL;
            if (make_rows(&s, c, b0, b1, k0, &r) != 0 || !(loss = malloc((r.n + 1) * sizeof *loss)) ||
                !(grad = malloc((r.n + 1) * sizeof *grad))) {
                fprintf(stderr, "bce check: out of memory\n");
                status = BCE_EXIT_USAGE;
            } else {
                if (!s.quiet && (b0 == s.lo || b1 == s.hi || bcev_now() - last >= 5.0)) {
                    if (s.exhaustive && (b0 != s.lo || b1 != s.hi))
                        fprintf(stderr, "bce check: [%d/%d] %s: x bit patterns [%llu, %llu) of [%llu, %llu): "
                                "%zu rows\n", ci + 1, s.ncfg, c->name, (unsigned long long)b0,
                                (unsigned long long)b1, (unsigned long long)s.lo, (unsigned long long)s.hi, r.n);
                    else
                        fprintf(stderr, "bce check: [%d/%d] %s: %zu rows\n", ci + 1, s.ncfg, c->name, r.n);
                    last = bcev_now();
                }
                if (r.n) {
                    status = s.lib ? run_lib(&s, ci, &r, loss, grad) : run_iut(&s, ci, &r, loss, grad);
                    if (status == BCE_EXIT_OK)
                        judge(&s, ci, &r, loss, grad);
                }
            }
            k0 += r.n;
            free(loss);
            free(grad);
            free(r.x);
            free(r.y);
            free(r.w);
            free(r.reg);
            if (!s.exhaustive) break;
            b0 = b1;
        }
    }
    if (s.libh) dlclose(s.libh);
    if (status != BCE_EXIT_OK) return status;
    size_t nbad, nout;
    FILE *text = s.json && !strcmp(s.json, "-") ? stderr : stdout;
    report(&s, text, &nbad, &nout);
    char bound[64];
    if (s.max_ulp[0] == s.max_ulp[1]) snprintf(bound, sizeof bound, "bound %g ulp", s.max_ulp[0]);
    else snprintf(bound, sizeof bound, "bounds %g ulp loss, %g ulp grad", s.max_ulp[0], s.max_ulp[1]);
    fprintf(text, "%s: %zu of %zu outputs %s (type=%s out_type=%s, %s; %d configuration%s, "
            "%zu outputs sent to MPFR)\n",
            nbad ? "FAIL" : "PASS", nbad ? nbad : nout, nout,
            nbad ? "over their bound" : "within their bound", bce_tool_type_name(s.type),
            bce_tool_type_name(s.out), bound, s.ncfg, s.ncfg == 1 ? "" : "s", s.mpfr);
    if (s.json) {
        FILE *f = bcev_json_open("check", s.json);
        if (!f) return BCE_EXIT_USAGE;
        json_write16(&s, f, nbad, nout, bcev_now() - t0);
        if (bcev_json_close("check", s.json, f) != 0) return BCE_EXIT_USAGE;
    }
    if (s.junit) {
        FILE *f = bcev_json_open("check", s.junit);
        if (!f) return BCE_EXIT_USAGE;
        junit_write(&s, f);
        if (bcev_json_close("check", s.junit, f) != 0) return BCE_EXIT_USAGE;
    }
    return nbad ? BCE_EXIT_FAIL : BCE_EXIT_OK;
}

/*
 * check16.c -- `bce check --type bf16|f16 [--out-type f32|bf16|f16] -- CMD`:
 * judge a 16-bit port (a process speaking the batch protocol) against the
 * correctly rounded oracle of the 16-bit entry points.
 *
 * Header: "# bce-check 1 type=bf16 out_type=bf16 form=logits pos_weight=0x1p+0
 * label_smoothing=0x0p+0 clamp=0 weights=0 reduction=none" (out_type: the
 * type the IUT must answer in; `bce eval` honours it), then one line "x y"
 * per row, hex floats of the 16-bit values; the IUT answers "loss grad" per
 * row: f32 answers are read with strtof, 16-bit ones with strtod and must
 * be exactly values of the type (else an IUT error naming the line).
 *
 * Rows per form (deterministic, --seed): every valid x pattern with y = 0
 * and y = 1 (hard), --samples N random (x, y) pairs of the type (soft), and
 * up to N/4 "midpoint" pairs where RN16 of the correctly rounded float is
 * not the correctly rounded 16-bit value (where a port that computes in f32
 * and casts once at the end goes wrong); or --exhaustive --range A:B
 * --label 0|1|both|all (every x pattern in [A, B) x the labels).
 *
 * Expected: bcev_lowp_filter, MPFR where it cannot decide (bce_tool_ref16:
 * rounded once, never RN16(RN32)).  An output passes when it is the correct
 * rounding (the default bound, 0.5 ulp: libbce's bound for both output
 * types of the 16-bit entry points without options, docs/ACCURACY.md; a
 * zero of either sign for an exact zero) or, with --max-ulp X > 0.5, when
 * its error is at most X ulps of the output type.  Default options only.
 */
#ifndef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bce.h"
#include "bce_verify.h"
#include "bcev_cli.h"
#include "exhaustive.h"
#include "iut.h"
#include "tool.h"

#define C16_SCHEMA 2
#define C16_KEEP 1000

enum { R_HARD, R_SOFT, R_MID, R_EXH, R_N };
static const char *const reg_names[R_N] = {"hard", "soft", "midpoint", "exhaustive"};

typedef struct c16_fail {
    int form, reg, output;
    size_t line;
    double x, y, expected, got, ulp;
} c16_fail;

typedef struct c16 {
    int type, out, forms[2], nforms, exhaustive, label;
    uint64_t lo, hi, seed;
    size_t samples;
    double max_ulp[2], timeout;
    const char *json;
    char **cmd;
    int quiet;
    /* per form, regime, output: rows, failed, max ulp of the failing */
    size_t rows[2][R_N][2], failed[2][R_N][2];
    double worst[2][R_N][2];
    c16_fail fail[C16_KEEP];
    size_t nfail;
} c16;

typedef struct rows16 {
    size_t n, cap;
    double *x, *y;
    unsigned char *reg;
} rows16;

static uint64_t rs;
static uint64_t rnd(void)
{
    uint64_t z = (rs += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint32_t one16(int t) { return t == BCE_TOOL_BF16 ? 0x3f80 : 0x3c00; }

static int push(rows16 *r, double x, double y, int reg)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 4096;
        double *a = realloc(r->x, cap * sizeof *a);
        if (a) r->x = a;
        double *b = realloc(r->y, cap * sizeof *b);
        if (b) r->y = b;
        unsigned char *c = realloc(r->reg, cap);
        if (c) r->reg = c;
        if (!a || !b || !c) return -1;
        r->cap = cap;
    }
    r->x[r->n] = x;
    r->y[r->n] = y;
    r->reg[r->n] = (unsigned char)reg;
    r->n++;
    return 0;
}

static int valid_x(int form, double x)
{
    return form ? (x >= 0 && x <= 1) : !isnan(x);
}

/* the correctly rounded outputs in the output type: filter, else MPFR */
static void expected(const c16 *s, int form, double x, double y, double e[2])
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
    mpfr_inits2(256, L, G, (mpfr_ptr)0);
    bce_tool_ref16(form, s->type, s->out, x, y, e, L, G);
    mpfr_clears(L, G, (mpfr_ptr)0);
}

static int make_rows(const c16 *s, int form, rows16 *r)
{
    const int t = s->type;
    rs = s->seed * 4 + (uint64_t)(2 * form + (t == BCE_TOOL_F16));
    if (s->exhaustive) {
        for (uint64_t b = s->lo; b < s->hi; b++) {
            double x = bcev_from_bits16(t, (uint16_t)b);
            if (!valid_x(form, x)) continue;
            if (s->label == 0 || s->label == 2) if (push(r, x, 0, R_EXH)) return -1;
            if (s->label == 1 || s->label == 2) if (push(r, x, 1, R_EXH)) return -1;
            if (s->label == 3)   /* every value in [0,1]: -0, then +0 ... one */
                for (uint32_t yb = 0xffff; yb == 0xffff || yb <= one16(t); yb = yb == 0xffff ? 0 : yb + 1)
                    if (push(r, x, yb == 0xffff ? -0.0 : bcev_from_bits16(t, (uint16_t)yb), R_EXH)) return -1;
        }
        return 0;
    }
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
    /* midpoint rows: RN16(correct float) != correct 16-bit value */
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
    return 0;
}

static int iut_err(const c16 *s, int form, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int iut_err(const c16 *s, int form, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bce check: IUT error (type=%s out_type=%s form=%s): ",
            bce_tool_type_name(s->type), bce_tool_type_name(s->out), form ? "probs" : "logits");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return BCE_EXIT_USAGE;
}

/* Run the IUT on the rows; answers into got[2 n].  0 or BCE_EXIT_USAGE. */
static int run_iut(const c16 *s, int form, const rows16 *r, double *got)
{
    size_t cap = 256 + r->n * 48, len = 0;
    char *in = malloc(cap);
    if (!in) return iut_err(s, form, "out of memory");
    len = (size_t)snprintf(in, cap, "# bce-check 1 type=%s out_type=%s form=%s pos_weight=0x1p+0 "
                           "label_smoothing=0x0p+0 clamp=0 weights=0 reduction=none\n",
                           bce_tool_type_name(s->type), bce_tool_type_name(s->out),
                           form ? "probs" : "logits");
    for (size_t i = 0; i < r->n; i++)
        len += (size_t)snprintf(in + len, cap - len, "%a %a\n", r->x[i], r->y[i]);
    bce_iut_proc p;
    if (bce_iut_spawn(s->cmd, "check", &p) != 0) {
        free(in);
        return iut_err(s, form, "cannot start the IUT: %s", strerror(errno));
    }
    char *out = NULL;
    size_t olen = 0;
    int status = 0;
    const int xr = bce_iut_batch(&p, in, len, bcev_now() + s->timeout, &out, &olen, &status);
    const int timed_out = xr == -2, oom = xr == -3 || out == NULL;
    free(in);
    int ret = 0;
    if (oom) ret = iut_err(s, form, "out of memory reading the answers");
    else if (timed_out) ret = iut_err(s, form, "timed out after %g s (--timeout)", s->timeout);
    else if (WIFSIGNALED(status)) ret = iut_err(s, form, "killed by signal %d", WTERMSIG(status));
    else if (WEXITSTATUS(status) != 0) ret = iut_err(s, form, "exited with status %d", WEXITSTATUS(status));
    if (ret) { free(out); return ret; }
    /* one "loss grad" line per row (blank and # lines skipped) */
    size_t row = 0;
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
            if (row == r->n) {
                ret = iut_err(s, form, "more answers than the %zu input lines", r->n);
                break;
            }
            for (int k = 0; k < 2 && !ret; k++) {
                while (*t == ' ' || *t == '\t') t++;
                char *e;
                double v = s->out == BCE_TOOL_F32 ? (double)strtof(t, &e) : strtod(t, &e);
                if (e == t)
                    ret = iut_err(s, form, "answer to input line %zu (x=%a y=%a): %s is not a number",
                                  row + 2, r->x[row], r->y[row], k ? "grad" : "loss");
                else if (s->out != BCE_TOOL_F32 && !bce_tool_is16_exact(s->out, v))
                    ret = iut_err(s, form, "answer to input line %zu (x=%a y=%a): %s %a is not a %s "
                                  "value (out_type=%s: answer in the type)", row + 2, r->x[row],
                                  r->y[row], k ? "grad" : "loss", v, bce_tool_type_name(s->out),
                                  bce_tool_type_name(s->out));
                got[2 * row + k] = v;
                t = e;
            }
            while (!ret && (*t == ' ' || *t == '\t' || *t == '\r')) t++;
            if (!ret && *t && *t != '#')
                ret = iut_err(s, form, "answer to input line %zu: trailing text", row + 2);
            row++;
        }
        if (!le) break;
        q = le + 1;
    }
    if (!ret && row < r->n)
        ret = iut_err(s, form, "too few answers: %zu of %zu; input line %zu (x=%a y=%a) unanswered",
                      row, r->n, row + 2, r->x[row], r->y[row]);
    free(out);
    return ret;
}

static void judge(c16 *s, int fi, int form, const rows16 *r, const double *got)
{
    for (size_t i = 0; i < r->n; i++) {
        double e[2];
        expected(s, form, r->x[i], r->y[i], e);
        const int reg = r->reg[i];
        for (int o = 0; o < 2; o++) {
            const double g = got[2 * i + o];
            s->rows[fi][reg][o]++;
            int same = (isnan(g) && isnan(e[o])) || (g == e[o]);   /* +-0 equal */
            if (same) continue;
            mpfr_t L, G;
            double ee[2];
            mpfr_inits2(256, L, G, (mpfr_ptr)0);
            bce_tool_ref16(form, s->type, s->out, r->x[i], r->y[i], ee, L, G);
            double u = bce_tool_ulp16(s->type, s->out, g, o ? G : L);
            mpfr_clears(L, G, (mpfr_ptr)0);
            if (s->max_ulp[o] > 0.5 && u <= s->max_ulp[o]) continue;
            s->failed[fi][reg][o]++;
            if (!(u <= s->worst[fi][reg][o])) s->worst[fi][reg][o] = u;
            if (s->nfail < C16_KEEP) {
                c16_fail *f = &s->fail[s->nfail++];
                f->form = form; f->reg = reg; f->output = o; f->line = i + 2;
                f->x = r->x[i]; f->y = r->y[i]; f->expected = e[o]; f->got = g; f->ulp = u;
            }
        }
    }
}

static const char help16[] =
    "usage: bce check --type bf16|f16 [--out-type f32|bf16|f16] [options] -- CMD ARGS...\n"
    "\n"
    "Judge a 16-bit port: CMD reads the header\n"
    "  # bce-check 1 type=bf16 out_type=T form=F pos_weight=0x1p+0\n"
    "    label_smoothing=0x0p+0 clamp=0 weights=0 reduction=none\n"
    "and one line \"x y\" per row (C99 hex floats of bf16/f16 values; Python:\n"
    "float.fromhex), then end of input; it answers one line \"loss grad\" per\n"
    "row: out_type f32 (default: a mixed-precision/autocast port) read with\n"
    "strtof, out_type bf16/f16 (a port returning its input's type) read with\n"
    "strtod and exactly a value of the type.  `bce eval` is such an IUT.\n"
    "Each output must be the correct rounding of the exact value in the\n"
    "output type (0.5 ulp: libbce's bound for both output types; never\n"
    "RN16(RN32(x))); --max-ulp X > 0.5 accepts X ulps of the output type.\n"
    "\n"
    "  --form logits|probs|all  (default logits)\n"
    "  --samples N      soft-label rows per form (default 20000), and up to\n"
    "                   N/4 midpoint rows (RN16 of the correctly rounded\n"
    "                   float is wrong there); every x with y = 0 and 1 too\n"
    "  --seed S         (default 1)\n"
    "  --exhaustive --range A:B --label 0|1|both|all   instead: every x bit\n"
    "                   pattern in [A, B) x the labels (all: every value of\n"
    "                   the type in [0,1], -0 included)\n"
    "  --max-ulp X      bound of both outputs (default 0.5)\n"
    "  --timeout S      seconds per form (default 600)\n"
    "  --json FILE      summary and the first 1000 failing rows (schema 2)\n"
    "  --quiet          only the verdict\n"
    "Default options only (pos_weight, smoothing, weights, reductions and\n"
    "--lib: the f64/f32 checker).\n"
    "exit status: 0 pass, 1 an output over its bound, 2 usage or IUT error.\n";

const char *bce_tool_check16_help(void) { return help16; }

static int usage(const char *m, const char *a)
{
    fprintf(stderr, "bce check: ");
    fprintf(stderr, m, a ? bce_tool_esc(a, BCE_TOOL_ESC_NAME) : "");
    fprintf(stderr, "\ntry 'bce check --type bf16 --help'\n");
    return BCE_EXIT_USAGE;
}

int bce_tool_check16(int argc, char **argv)
{
    static c16 s;
    memset(&s, 0, sizeof s);
    s.out = BCE_TOOL_F32;
    s.forms[0] = 0; s.nforms = 1;
    s.samples = 20000;
    s.seed = 1;
    s.max_ulp[0] = s.max_ulp[1] = 0.5;
    s.timeout = 600;
    s.label = 2;
    s.lo = 0; s.hi = 65536;
    int range_set = 0, label_set = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
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
            if (!strcmp(v, "logits")) { s.forms[0] = 0; s.nforms = 1; }
            else if (!strcmp(v, "probs")) { s.forms[0] = 1; s.nforms = 1; }
            else if (!strcmp(v, "all")) { s.forms[0] = 0; s.forms[1] = 1; s.nforms = 2; }
            else return usage("--form wants logits, probs or all, not '%s'", v);
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
        } else if (!strcmp(o, "--samples") || !strcmp(o, "--seed")) {
            char *e;
            errno = 0;
            unsigned long long n = strtoull(v, &e, 0);
            if (*e || errno || *v == '-') return usage("%s wants a count", o);
            if (o[3] == 'a') s.samples = (size_t)n; else s.seed = n;
            i++;
        } else if (!strcmp(o, "--max-ulp") || !strcmp(o, "--timeout")) {
            double d;
            if (bce_tool_parse_double(v, &d) || !(d > 0) || isinf(d))
                return usage("%s wants a positive number", o);
            if (o[2] == 'm') s.max_ulp[0] = s.max_ulp[1] = d < 0.5 ? 0.5 : d; else s.timeout = d;
            i++;
        } else if (!strcmp(o, "--json")) {
            if (!(s.json = bcev_json_arg("check", o, v))) return BCE_EXIT_USAGE;
            i++;
        } else {
            return usage("%s: not an option of the 16-bit checker (default options only; "
                         "--lib, configurations: --type f64|f32)", o);
        }
    }
    if (s.type != BCE_TOOL_BF16 && s.type != BCE_TOOL_F16)
        return usage("--type wants bf16 or f16 here%s", "");
    if (!bce_tool_out_type_ok(s.type, s.out))
        return usage("--out-type %s: the output type is f32 or the input's type (bf16, f16)",
                     bce_tool_type_name(s.out));
    if (!s.cmd) return usage("no IUT: bce check --type bf16 ... -- CMD ARGS...%s", "");
    if ((range_set || label_set) && !s.exhaustive)
        return usage("--range and --label go with --exhaustive%s", "");
    int status = BCE_EXIT_OK;
    double t0 = bcev_now();
    for (int fi = 0; fi < s.nforms && status == BCE_EXIT_OK; fi++) {
        const int form = s.forms[fi];
        rows16 r = {0, 0, NULL, NULL, NULL};
        double *got = NULL;
        if (make_rows(&s, form, &r) != 0 || !(got = malloc((2 * r.n + 2) * sizeof *got))) {
            fprintf(stderr, "bce check: out of memory\n");
            status = BCE_EXIT_USAGE;
        } else {
            if (!s.quiet)
                fprintf(stderr, "bce check: %s %s -> %s: %zu rows\n", form ? "probs" : "logits",
                        bce_tool_type_name(s.type), bce_tool_type_name(s.out), r.n);
            status = run_iut(&s, form, &r, got);
            if (status == BCE_EXIT_OK)
                judge(&s, fi, form, &r, got);
        }
        free(got);
        free(r.x);
        free(r.y);
        free(r.reg);
    }
    if (status != BCE_EXIT_OK) return status;
    size_t nbad = 0, nout = 0;
    FILE *text = s.json && !strcmp(s.json, "-") ? stderr : stdout;
    for (int fi = 0; fi < s.nforms; fi++)
        for (int g = 0; g < R_N; g++)
            for (int o = 0; o < 2; o++) {
                if (!s.rows[fi][g][o]) continue;
                nout += s.rows[fi][g][o];
                nbad += s.failed[fi][g][o];
                if (!s.quiet)
                    fprintf(text, "%-6s %-10s %-4s rows %7zu failed %6zu%s", s.forms[fi] ? "probs" : "logits",
                            reg_names[g], o ? "grad" : "loss", s.rows[fi][g][o], s.failed[fi][g][o],
                            s.failed[fi][g][o] ? "" : "\n");
                if (!s.quiet && s.failed[fi][g][o])
                    fprintf(text, " worst %.6g ulp\n", s.worst[fi][g][o]);
            }
    if (!s.quiet)
        for (size_t i = 0; i < s.nfail && i < 20; i++) {
            const c16_fail *f = &s.fail[i];
            fprintf(text, "  FAIL %s %s input line %zu: x=%a y=%a %s: expected %a got %a (%.6g ulp)\n",
                    f->form ? "probs" : "logits", reg_names[f->reg], f->line, f->x, f->y,
                    f->output ? "grad" : "loss", f->expected, f->got, f->ulp);
        }
    fprintf(text, "%s: %zu of %zu outputs %s (type=%s out_type=%s, bound %g ulp)\n",
            nbad ? "FAIL" : "PASS", nbad ? nbad : nout, nout,
            nbad ? "over their bound" : "within their bound", bce_tool_type_name(s.type),
            bce_tool_type_name(s.out), s.max_ulp[0]);
    if (s.json) {
        FILE *f = bcev_json_open("check", s.json);
        if (!f) return BCE_EXIT_USAGE;
        bcev_json_header(f, "check", C16_SCHEMA);
        fprintf(f, "\"type\": \"%s\", \"out_type\": \"%s\", \"max_ulp\": %g, \"pass\": %s, "
                "\"outputs\": %zu, \"over\": %zu, \"seconds\": %.3f,\n\"summary\": [",
                bce_tool_type_name(s.type), bce_tool_type_name(s.out), s.max_ulp[0],
                nbad ? "false" : "true", nout, nbad, bcev_now() - t0);
        int first = 1;
        for (int fi = 0; fi < s.nforms; fi++)
            for (int g = 0; g < R_N; g++)
                for (int o = 0; o < 2; o++) {
                    if (!s.rows[fi][g][o]) continue;
                    fprintf(f, "%s\n  {\"form\": \"%s\", \"regime\": \"%s\", \"output\": \"%s\", "
                            "\"rows\": %zu, \"failed\": %zu, \"worst_ulp\": ", first ? "" : ",",
                            s.forms[fi] ? "probs" : "logits", reg_names[g], o ? "grad" : "loss",
                            s.rows[fi][g][o], s.failed[fi][g][o]);
                    bcev_json_num(f, s.worst[fi][g][o]);
                    fputc('}', f);
                    first = 0;
                }
        fputs("],\n\"failures\": [", f);
        for (size_t i = 0; i < s.nfail; i++) {
            const c16_fail *q = &s.fail[i];
            fprintf(f, "%s\n  {\"form\": \"%s\", \"regime\": \"%s\", \"line\": %zu, \"output\": \"%s\", ",
                    i ? "," : "", q->form ? "probs" : "logits", reg_names[q->reg], q->line,
                    q->output ? "grad" : "loss");
            bcev_json_value(f, "x", q->x, 0);
            fputs(", ", f);
            bcev_json_value(f, "y", q->y, 0);
            fputs(", ", f);
            bcev_json_value(f, "expected", q->expected, s.out == BCE_TOOL_F32);
            fputs(", ", f);
            bcev_json_value(f, "got", q->got, s.out == BCE_TOOL_F32);
            fputs(", \"ulp\": ", f);
            bcev_json_num(f, q->ulp);
            fputc('}', f);
        }
        fputs("\n]}\n", f);
        if (bcev_json_close("check", s.json, f) != 0) return BCE_EXIT_USAGE;
    }
    return nbad ? BCE_EXIT_FAIL : BCE_EXIT_OK;
}

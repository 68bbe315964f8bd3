/*
 * vectors16.c -- `bce vectors --type bf16|f16`: golden vectors for 16-bit
 * ports, DIR/logits_<type>.csv and DIR/probs_<type>.csv.  Inputs x (z or
 * p) and y are values of the type; each row has the correctly rounded loss
 * and gradient in both output types of the 16-bit entry points, from MPFR,
 * each rounded ONCE from the exact value (bcev_round16 / bcev_round_to):
 *
 *   regime,x,y,loss,grad,loss_f32,grad_f32,loss_exact,grad_exact,
 *   loss_bound,grad_bound
 *
 * loss, grad: in the input's type (bce_<form>_<type>_<type>: what a
 * bf16/f16 port returns); loss_f32, grad_f32: rounded once to binary32
 * (bce_<form>_<type>: what an autocast port returns); all C99 hex floats
 * of the values (never bit patterns); *_exact: 30 significant digits;
 * *_bound: 0.5 = the correct rounding, for either output type (default
 * options, docs/ACCURACY.md).  Regimes: random (hard and soft labels),
 * tail_pos, tail_neg (logits |z| large; probs p near 0 and near 1),
 * midpoint (pairs where RN16 of the correctly rounded float is NOT the
 * correctly rounded 16-bit value: a double-rounding port fails there),
 * special (0, subnormals, the largest finite value, infinities, p = 0, 1).
 * Deterministic (fixed seed): tests/test_vectors.sh regenerates
 * data/vectors/{logits,probs}_{bf16,f16}.csv and fails on any difference.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bce_verify.h"
#include "exhaustive.h"
#include "bcev_cli.h"
#include "tool.h"

#define SEED16 UINT64_C(0x676f6c64656e3136)   /* "golden16" */
#define PER 48

static uint64_t rs;
static uint64_t rnd(void)
{
    uint64_t z = (rs += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static double val(int t, uint32_t b) { return bcev_from_bits16(t, (uint16_t)b); }
static uint32_t one16(int t) { return t == BCE_TOOL_BF16 ? 0x3f80 : 0x3c00; }

static void text(double v, char *buf, size_t n)
{
    if (isinf(v)) snprintf(buf, n, "%sinf", v < 0 ? "-" : "");
    else if (isnan(v)) snprintf(buf, n, "nan");
    else snprintf(buf, n, "%a", v);
}

static void exact_text(const mpfr_t v, char *buf, size_t n)
{
    if (mpfr_nan_p(v)) snprintf(buf, n, "nan");
    else if (mpfr_inf_p(v)) snprintf(buf, n, "%sinf", mpfr_sgn(v) < 0 ? "-" : "");
    else if (mpfr_zero_p(v)) snprintf(buf, n, "0");
    else mpfr_snprintf(buf, n, "%.29Re", v);
}

static int valid(int form, double x, double y)
{
    if (isnan(x) || isnan(y) || !(y >= 0 && y <= 1)) return 0;
    return form ? (x >= 0 && x <= 1) : 1;
}

/* one row; 0 when written, -1 when the input is not valid */
static int row(FILE *out, int form, int t, const char *reg, double x, double y)
{
    if (!valid(form, x, y)) return -1;
    double r16[2], r32[2];
    mpfr_t L, G;
    mpfr_inits2(256, L, G, (mpfr_ptr)0);
    bce_tool_ref16(form, t, t, x, y, r16, L, G);
    bce_tool_ref16(form, t, BCE_TOOL_F32, x, y, r32, L, G);
    char xs[40], ys[40], a[40], b[40], c[40], d[40], le[64], ge[64];
    text(x, xs, sizeof xs);
    text(y, ys, sizeof ys);
    text(r16[0], a, sizeof a);
    text(r16[1], b, sizeof b);
    text(r32[0], c, sizeof c);
    text(r32[1], d, sizeof d);
    exact_text(L, le, sizeof le);
    exact_text(G, ge, sizeof ge);
    mpfr_clears(L, G, (mpfr_ptr)0);
    fprintf(out, "%s,%s,%s,%s,%s,%s,%s,%s,%s,0.5,0.5\n", reg, xs, ys, a, b, c, d, le, ge);
    return 0;
}

/* a random valid x of the form: logits any finite, probs in [0,1] */
static double rand_x(int form, int t)
{
    for (;;) {
        uint32_t b = (uint32_t)(rnd() & 0xffff);
        if (form) b %= one16(t) + 1;
        double x = val(t, b);
        if (isfinite(x)) return x;
    }
}
static double rand_y(int t) { return val(t, (uint32_t)(rnd() % (one16(t) + 1))); }

static int write16(FILE *out, int form, int t, int per[5])
{
    static const char *const names[5] = {"random", "tail_pos", "tail_neg", "midpoint", "special"};
    int rows = 0;
    rs = SEED16 + (uint64_t)(2 * t + form);
    fputs("regime,x,y,loss,grad,loss_f32,grad_f32,loss_exact,grad_exact,loss_bound,grad_bound\n",
          out);
    /* random: PER hard labels, PER soft */
    for (int i = 0; i < 2 * PER; i++) {
        double x = rand_x(form, t), y = i < PER ? (double)(rnd() & 1) : rand_y(t);
        if (row(out, form, t, names[0], x, y) == 0) { rows++; per[0]++; }
    }
    /* tails: logits |z| in [8, max], probs p in (0, 2^-6] or [1 - 2^-6, 1) */
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < PER; i++) {
            double x, y = i % 3 == 2 ? rand_y(t) : (double)(i & 1);
            if (!form) {
                do x = rand_x(form, t); while (!(fabs(x) >= 8));
                x = s ? -fabs(x) : fabs(x);
            } else {
                do x = rand_x(form, t); while (!(x > 0 && x <= 0x1p-6) && !(x >= 1 - 0x1p-6 && x < 1));
                if (s == 0 && x < 0.5) x = 1 - x;          /* tail_pos: near 1 */
                if (s == 1 && x > 0.5) x = 1 - x;          /* tail_neg: near 0 */
                if (!bce_tool_is16_exact(t, x)) continue;
            }
            if (row(out, form, t, names[1 + s], x, y) == 0) { rows++; per[1 + s]++; }
        }
    /* midpoint: RN16(correct float) != correct 16-bit value, over dyadic and
     * hard labels and x in a stride through every pattern */
    static const double labs[] = { 0, 1, 0.5, 0.25, 0.75, 0.375, 0.625, 0.125, 0.875, 0.1875 };
    int found = 0;
    const uint32_t lim = form ? one16(t) + 1 : 65536;
    for (uint32_t k = 0, b = 7; k < lim && found < PER; k++, b = (b + 40503) % lim) {
        double x = val(t, b);
        if (!isfinite(x)) continue;
        for (size_t j = 0; j < sizeof labs / sizeof labs[0] && found < PER; j++) {
            double y = labs[j], r16[2], r32[2];
            if (!bce_tool_is16_exact(t, y) || !valid(form, x, y)) continue;
            if (isinf(x) || x == 0 || (form && (x == 0 || x == 1))) continue;
            bce_tool_cr_both(form, t, x, y, r16, r32);
            int dr = 0;
            for (int o = 0; o < 2; o++)
                if (!(bce_tool_rn16(t, r32[o]) == r16[o])) dr = 1;   /* RN16(RN32(v)) */
            if (dr && row(out, form, t, names[3], x, y) == 0) { rows++; per[3]++; found++; }
        }
    }
    /* special values */
    const double maxv = t == BCE_TOOL_BF16 ? 0x1.fep127 : 0x1.ffcp15;
    const double sub = t == BCE_TOOL_BF16 ? 0x1p-133 : 0x1p-24;
    const double xl[] = { 0, sub, -sub, 1, -1, maxv, -maxv, INFINITY, -INFINITY };
    const double xp[] = { 0, sub, 1, 0.5, 1 - (t == BCE_TOOL_BF16 ? 0x1p-8 : 0x1p-11) };
    const double ys[] = { 0, 1, 0.5 };
    const double *xs = form ? xp : xl;
    const size_t nx = form ? sizeof xp / sizeof xp[0] : sizeof xl / sizeof xl[0];
    for (size_t i = 0; i < nx; i++)
        for (size_t j = 0; j < 3; j++)
            if (row(out, form, t, names[4], xs[i], ys[j]) == 0) { rows++; per[4]++; }
    return rows;
}

int bce_tool_vectors16(int t, const char *dir, const char *json)
{
    static const char *const fn[2] = {"logits", "probs"};
    static const char *const names[5] = {"random", "tail_pos", "tail_neg", "midpoint", "special"};
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        bce_tool_io_error("vectors", bce_tool_esc(dir, BCE_TOOL_ESC_NAME), "cannot create", errno);
        return BCE_EXIT_USAGE;
    }
    FILE *jf = NULL;
    if (json) {
        if ((jf = bcev_json_open("vectors", json)) == NULL) return BCE_EXIT_USAGE;
        bcev_json_header(jf, "vectors", 1);
        fputs("\"out\": ", jf);
        bcev_json_str(jf, dir);
        fputs(", \"files\": [", jf);
    }
    for (int f = 0; f < 2; f++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s_%s.csv", dir, fn[f], bce_tool_type_name(t));
        FILE *out = fopen(path, "w");
        if (!out) {
            bce_tool_io_error("vectors", bce_tool_esc(path, BCE_TOOL_ESC_NAME), "cannot open", errno);
            return BCE_EXIT_USAGE;
        }
        int per[5] = {0};
        errno = 0;
        int rows = write16(out, f, t, per);
        int bad = ferror(out);
        bad |= fclose(out) != 0;
        if (bad) {
            bce_tool_io_error("vectors", bce_tool_esc(path, BCE_TOOL_ESC_NAME), "write error", errno);
            return BCE_EXIT_USAGE;
        }
        if (jf != stdout) printf("%s: %d rows\n", path, rows);
        if (jf) {
            fprintf(jf, "%s\n  {\"path\": ", f ? "," : "");
            bcev_json_str(jf, path);
            fprintf(jf, ", \"form\": \"%s\", \"type\": \"%s\", \"out_types\": [\"%s\", \"f32\"], "
                    "\"rows\": %d, \"regimes\": {", fn[f], bce_tool_type_name(t),
                    bce_tool_type_name(t), rows);
            for (int r = 0; r < 5; r++) fprintf(jf, "%s\"%s\": %d", r ? ", " : "", names[r], per[r]);
            fputs("}}", jf);
        }
    }
    if (jf) {
        fputs("\n]}\n", jf);
        if (bcev_json_close("vectors", json, jf) != 0) return BCE_EXIT_USAGE;
    }
    return BCE_EXIT_OK;
}

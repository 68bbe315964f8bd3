/*
 * vectors.c -- `bce vectors`: golden test vectors for ports.  One CSV file
 * per form and type (logits_f64.csv, logits_f32.csv, probs_f64.csv,
 * probs_f32.csv) of hard and representative inputs, each row with the
 * correctly rounded loss and gradient (MPFR, bcev_ref) in C99 hex float and
 * in decimal, the exact values to 30 significant digits, and the bound in
 * ulps a port should meet (bounds.c).  Deterministic: fixed seeds, the same
 * bytes on every run (tests/test_vectors.sh regenerates data/vectors/ and
 * fails on any difference).
 *
 * Columns (docs/PORTING.md):
 *   regime,x,y,loss,grad,loss_dec,grad_dec,loss_exact,grad_exact,
 *   loss_bound,grad_bound
 * x, y, loss, grad: C99 hex floats (%a; binary32 values widened to double
 * for the f32 files), inf/-inf spelled so; loss_dec, grad_dec: %.17g (f64)
 * or %.9g (f32), which read back to the same number; *_exact: the exact
 * real value, 30 significant digits (enough to measure a port's error to
 * 2^-40 ulp); *_bound: ulps against the exact value, 0.5 meaning "must be
 * the correct rounding".
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bce_verify.h"
#include "bcev_cli.h"
#include "tool.h"

#define SEED UINT64_C(0x676f6c64656e3031)   /* "golden01" */
#define PER_REGIME 64u
#define EXACT_PREC 256
#define VECTORS_SCHEMA 1
#define NREG (sizeof regimes / sizeof regimes[0])

static const char vectors_help[] =
    "usage: bce vectors [--out DIR] [--wc DIR] [--json FILE]\n"
    "       bce vectors --type bf16|f16 [--out DIR] [--json FILE]\n"
    "\n"
    "Write the golden test vectors for ports: DIR/logits_f64.csv,\n"
    "logits_f32.csv, probs_f64.csv, probs_f32.csv (default DIR: .).  Each\n"
    "holds hard and representative inputs (both tails, thresholds, soft-label\n"
    "cancellation, special values, the hard cases of verify/wc/), with the\n"
    "correctly rounded loss and gradient (MPFR) in C99 hex and in decimal, the\n"
    "exact values to 30 digits, and the bound in ulps a port should meet.\n"
    "The output is deterministic; data/vectors/ holds the committed copy.\n"
    "Check a port's outputs with `bce compare`; see docs/PORTING.md.\n"
    "\n"
    "--type bf16|f16: DIR/logits_<type>.csv and probs_<type>.csv for 16-bit\n"
    "ports, columns regime,x,y,loss,grad,loss_f32,grad_f32,loss_exact,\n"
    "grad_exact,loss_bound,grad_bound: x, y values of the type; loss, grad\n"
    "correctly rounded to the type (a bf16/f16 port), loss_f32, grad_f32 to\n"
    "binary32 (autocast), each once from the exact value; hex floats of the\n"
    "values; regime midpoint: rows a double-rounding port (RN16(RN32)) gets\n"
    "wrong.  (--type f64|f32 or none: the four f64/f32 files.)\n"
    "\n"
    "  --out DIR   output directory (created if missing)\n"
    "  --wc DIR    hard-case directory (default: the built-in verify/wc)\n"
    "  --json FILE what was written, as JSON into FILE ('-' = standard output,\n"
    "              instead of the text): {\"tool\": \"bce vectors\", \"libbce\": V,\n"
    "              \"schema\": 1, \"out\": DIR, \"files\": [{\"path\", \"form\",\n"
    "              \"type\", \"rows\", \"regimes\": {NAME: ROWS, ...}}]}\n";

const char *bce_tool_vectors_help(void) { return vectors_help; }

static const bcev_regime regimes[] = {
    BCEV_REG_RANDOM, BCEV_REG_TAIL_POS, BCEV_REG_TAIL_NEG, BCEV_REG_THRESHOLDS,
    BCEV_REG_SOFT_CANCEL, BCEV_REG_SPECIAL, BCEV_REG_WC,
};

/* The exact value as text: 30 significant digits, or 0 / inf. */
static void exact_text(const mpfr_t v, char *buf, size_t n)
{
    if (mpfr_nan_p(v))
        snprintf(buf, n, "nan");
    else if (mpfr_inf_p(v))
        snprintf(buf, n, "%sinf", mpfr_sgn(v) < 0 ? "-" : "");
    else if (mpfr_zero_p(v))
        snprintf(buf, n, "0");
    else
        mpfr_snprintf(buf, n, "%.29Re", v);
}

static void value_text(bcev_type t, double v, int decimal, char *buf, size_t n)
{
    if (isinf(v))
        snprintf(buf, n, "%sinf", v < 0 ? "-" : "");
    else if (isnan(v))
        snprintf(buf, n, "nan");
    else if (decimal)
        snprintf(buf, n, t == BCEV_F32 ? "%.9g" : "%.17g", v);
    else
        snprintf(buf, n, "%a", v);
}

static int bce_vectors_write(FILE *out, bcev_form form, bcev_type type, const bcev_wc *wc,
                             int per_regime[])
{
    double x[PER_REGIME * 4], y[PER_REGIME * 4];
    mpfr_t eL, eG, one;
    mpfr_inits2(EXACT_PREC, eL, eG, one, (mpfr_ptr)0);
    mpfr_set_ui(one, 1, MPFR_RNDN);
    fputs("regime,x,y,loss,grad,loss_dec,grad_dec,loss_exact,grad_exact,"
          "loss_bound,grad_bound\n", out);
    int rows = 0;
    for (size_t r = 0; r < sizeof regimes / sizeof regimes[0]; r++) {
        bcev_regime reg = regimes[r];
        /* hard labels and the regime's own (soft) labels, PER_REGIME each;
         * the hard cases once each */
        for (int lab = 0; lab < 2; lab++) {
            size_t n;
            if (reg == BCEV_REG_WC) {
                if (lab == 1 || !wc || wc->n == 0)
                    continue;
                n = bcev_regime_fill(reg, form, type, BCEV_LABELS_ANY, SEED, 0,
                                     wc->n < PER_REGIME * 4 ? wc->n : PER_REGIME * 4,
                                     wc, x, y);
            } else {
                n = bcev_regime_fill(reg, form, type,
                                     lab == 0 ? BCEV_LABELS_HARD : BCEV_LABELS_ANY,
                                     SEED + (uint64_t)lab, 0, PER_REGIME, wc, x, y);
            }
            for (size_t i = 0; i < n; i++) {
                bcev_sample s = {x[i], y[i], 1.0};
                double L, G;
                if (bcev_ref(form, type, &s, NULL, 1.0, &L, &G) != 0)
                    continue;               /* invalid input: not a vector */
                bcev_exact_mp(form, &s, NULL, one, EXACT_PREC, eL, eG);
                int hard = y[i] == 0.0 || y[i] == 1.0;
                bcev_config_kind k = hard ? BCEV_CFG_HARD : BCEV_CFG_SOFT;
                char xs[40], ys[40], lh[40], gh[40], ld[40], gd[40], le[64], ge[64];
                value_text(type, x[i], 0, xs, sizeof xs);
                value_text(type, y[i], 0, ys, sizeof ys);
                value_text(type, L, 0, lh, sizeof lh);
                value_text(type, G, 0, gh, sizeof gh);
                value_text(type, L, 1, ld, sizeof ld);
                value_text(type, G, 1, gd, sizeof gd);
                exact_text(eL, le, sizeof le);
                exact_text(eG, ge, sizeof ge);
                fprintf(out, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%g,%g\n", bcev_regime_name(reg),
                        xs, ys, lh, gh, ld, gd, le, ge,
                        bcev_bound(form, type, BCEV_LOSS, k),
                        bcev_bound(form, type, BCEV_GRAD, k));
                rows++;
                per_regime[r]++;
            }
        }
    }
    mpfr_clears(eL, eG, one, (mpfr_ptr)0);
    return rows;
}

int bce_tool_vectors(int argc, char **argv)
{
    const char *dir = ".", *wc_dir = NULL, *json = NULL;
    int type = -1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(vectors_help, stdout);
            return BCE_EXIT_OK;
        } else if (!strcmp(argv[i], "--type") && i + 1 < argc) {
            type = bce_tool_type_from_name(argv[++i]);
            if (type < 0) {
                fprintf(stderr, "bce vectors: --type wants f64, f32, bf16 or f16, not '%s'\n"
                                "try 'bce help vectors'\n", bce_tool_esc(argv[i], BCE_TOOL_ESC_NAME));
                return BCE_EXIT_USAGE;
            }
        } else if (!strcmp(argv[i], "--json")) {
            if ((json = bcev_json_arg("vectors", argv[i], i + 1 < argc ? argv[i + 1] : NULL))
                == NULL)
                return BCE_EXIT_USAGE;
            i++;
        } else if ((!strcmp(argv[i], "--out") || !strcmp(argv[i], "--wc")) && i + 1 < argc) {
            if (!strcmp(argv[i], "--out"))
                dir = argv[++i];
            else
                wc_dir = argv[++i];
        } else {
            fprintf(stderr, "bce vectors: unexpected argument '%s'\n"
                            "try 'bce help vectors'\n", bce_tool_esc(argv[i], BCE_TOOL_ESC_NAME));
            return BCE_EXIT_USAGE;
        }
    }
    if (type == BCE_TOOL_BF16 || type == BCE_TOOL_F16) {
        if (wc_dir) {
            fprintf(stderr, "bce vectors: --wc applies to f64/f32 vectors only\n");
            return BCE_EXIT_USAGE;
        }
        return bce_tool_vectors16(type, dir, json);
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        bce_tool_io_error("vectors", bce_tool_esc(dir, BCE_TOOL_ESC_NAME), "cannot create",
                          errno);
        return BCE_EXIT_USAGE;
    }
    if (!wc_dir)
        wc_dir = bcev_wc_default_dir();
    static const char *const fn[2] = {"logits", "probs"}, *const tn[2] = {"f64", "f32"};
    FILE *jf = NULL;
    if (json) {
        if ((jf = bcev_json_open("vectors", json)) == NULL)
            return BCE_EXIT_USAGE;
        bcev_json_header(jf, "vectors", VECTORS_SCHEMA);
        fputs("\"out\": ", jf);
        bcev_json_str(jf, dir);
        fputs(", \"files\": [", jf);
    }
    for (int f = 0; f < 2; f++)
        for (int t = 0; t < 2; t++) {
            bcev_wc wc;
            if (bcev_wc_load(wc_dir, (bcev_form)f, (bcev_type)t, &wc) != 0)
                return BCE_EXIT_USAGE;
            size_t n = strlen(dir) + 32;
            char *path = malloc(n);
            if (!path) {
                bcev_wc_free(&wc);
                return BCE_EXIT_USAGE;
            }
            snprintf(path, n, "%s/%s_%s.csv", dir, fn[f], tn[t]);
            FILE *out = fopen(path, "w");
            if (!out) {
                bce_tool_io_error("vectors", bce_tool_esc(path, BCE_TOOL_ESC_NAME),
                                  "cannot open", errno);
                free(path);
                bcev_wc_free(&wc);
                return BCE_EXIT_USAGE;
            }
            errno = 0;
            int per[NREG] = {0};
            int rows = bce_vectors_write(out, (bcev_form)f, (bcev_type)t, &wc, per);
            int bad = ferror(out);
            bad |= fclose(out) != 0;
            int e = errno;       /* the failed write's (or fclose's) reason */
            bcev_wc_free(&wc);
            if (bad) {
                bce_tool_io_error("vectors", bce_tool_esc(path, BCE_TOOL_ESC_NAME),
                                  "write error", e);
                free(path);
                return BCE_EXIT_USAGE;
            }
            if (jf != stdout)
                printf("%s: %d rows\n", path, rows);
            if (jf) {
                fprintf(jf, "%s\n  {\"path\": ", f + t ? "," : "");
                bcev_json_str(jf, path);
                fprintf(jf, ", \"form\": \"%s\", \"type\": \"%s\", \"rows\": %d, "
                        "\"regimes\": {", fn[f], tn[t], rows);
                for (size_t r = 0; r < NREG; r++)
                    fprintf(jf, "%s\"%s\": %d", r ? ", " : "", bcev_regime_name(regimes[r]),
                            per[r]);
                fputs("}}", jf);
            }
            free(path);
        }
    if (jf) {
        fputs("\n]}\n", jf);
        if (bcev_json_close("vectors", json, jf) != 0)
            return BCE_EXIT_USAGE;
    }
    return BCE_EXIT_OK;
}

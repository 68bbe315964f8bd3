/*
 * lowp.c -- the 16-bit types (bf16, f16) in the `bce` tool: names, the
 * --out-type rule, reading a value (as double, exactly representable in the
 * type, CONVENTIONS.md) and one call of the library's 16-bit entry points
 * with the outputs widened to double (exactly).  Shared by eval, vectors,
 * check and exhaustive.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bce.h"
#include "bce_verify.h"
#include "tool.h"

int bce_tool_type_from_name(const char *v)
{
    if (v == NULL) return -1;
    if (strcmp(v, "f64") == 0) return BCE_TOOL_F64;
    if (strcmp(v, "f32") == 0) return BCE_TOOL_F32;
    if (strcmp(v, "bf16") == 0) return BCE_TOOL_BF16;
    if (strcmp(v, "f16") == 0) return BCE_TOOL_F16;
    return -1;
}

const char *bce_tool_type_name(int t)
{
    static const char *const n[] = {"f64", "f32", "bf16", "f16"};
    return t >= 0 && t < 4 ? n[t] : "?";
}

int bce_tool_out_type_ok(int type, int out)
{
    if (type == BCE_TOOL_F64 || type == BCE_TOOL_F32) return out == type;
    return out == BCE_TOOL_F32 || out == type;
}

int bce_tool_is16_exact(int t, double v)
{
    if (isnan(v)) return 1;
    double r = bcev_from_bits16(t, bcev_bits16(t, v));
    return r == v && signbit(r) == signbit(v);
}

int bce_tool_read16(const char *s, int t, double *out)
{
    double v;
    if (bce_tool_parse_double(s, &v) != 0) return -1;
    if (!bce_tool_is16_exact(t, v)) return -2;
    *out = v;
    return 0;
}

bce_status bce_tool_call16(int probs, int t, int out, size_t n, const double *x,
                           const double *y, const double *w, const bce_options *opt,
                           double *loss, double *grad)
{
    const int red = opt->reduction != BCE_REDUCTION_NONE;
    size_t nl = red ? 1 : n, m = n ? n : 1;
    uint16_t *h = malloc(5 * m * sizeof *h);
    float *lf = malloc(2 * m * sizeof *lf);
    if (h == NULL || lf == NULL) {
        free(h);
        free(lf);
        return BCE_E_SIZE_OVERFLOW;   /* no memory: reported as a size too big */
    }
    uint16_t *hx = h, *hy = h + m, *hw = h + 2 * m, *lh = h + 3 * m, *gh = h + 4 * m;
    float *gf = lf + m;
    for (size_t i = 0; i < n; i++) {
        hx[i] = bcev_bits16(t, x[i]);
        hy[i] = bcev_bits16(t, y[i]);
        hw[i] = w ? bcev_bits16(t, w[i]) : 0;
    }
    const uint16_t *wp = w ? hw : NULL;
    bce_status st;
    if (out == BCE_TOOL_F32) {
        if (t == BCE_TOOL_BF16)
            st = probs ? bce_probs_bf16(n, hx, hy, wp, opt, lf, gf)
                       : bce_logits_bf16(n, hx, hy, wp, opt, lf, gf);
        else
            st = probs ? bce_probs_f16(n, hx, hy, wp, opt, lf, gf)
                       : bce_logits_f16(n, hx, hy, wp, opt, lf, gf);
        if (st == BCE_OK) {
            for (size_t i = 0; i < nl; i++) loss[i] = lf[i];
            for (size_t i = 0; i < n; i++) grad[i] = gf[i];
        }
    } else {
        if (t == BCE_TOOL_BF16)
            st = probs ? bce_probs_bf16_bf16(n, hx, hy, wp, opt, lh, gh)
                       : bce_logits_bf16_bf16(n, hx, hy, wp, opt, lh, gh);
        else
            st = probs ? bce_probs_f16_f16(n, hx, hy, wp, opt, lh, gh)
                       : bce_logits_f16_f16(n, hx, hy, wp, opt, lh, gh);
        if (st == BCE_OK) {
            for (size_t i = 0; i < nl; i++) loss[i] = bcev_from_bits16(t, lh[i]);
            for (size_t i = 0; i < n; i++) grad[i] = bcev_from_bits16(t, gh[i]);
        }
    }
    free(h);
    free(lf);
    return st;
}

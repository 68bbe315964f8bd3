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
#include "exhaustive.h"

/* RN-even of a double to the 16-bit type (the self-test's second rounding) */
double bce_tool_rn16(int t, double v)
{
    const int p = t == BCE_TOOL_BF16 ? 8 : 11, emin = t == BCE_TOOL_BF16 ? -126 : -14;
    const double big = t == BCE_TOOL_BF16 ? 0x1p128 : 0x1p16;
    double a = fabs(v);
    if (!(a > 0) || isinf(a)) return v;
    int e;
    frexp(a, &e);
    int q = (e - 1 > emin ? e - 1 : emin) - p + 1;
    double C = ldexp(1.0, q + 52);
    double r = (a + C) - C;
    if (r >= big) r = INFINITY;
    return v < 0 ? -r : r;
}


/* |got - exact| in ulps of the output type at exact's binade */
double bce_tool_ulp16(int t, int out, double got, const mpfr_t exact)
{
    if (out == BCE_TOOL_F32) return bcev_ulp_error(BCEV_F32, got, exact);
    if (mpfr_nan_p(exact)) return isnan(got) ? 0 : INFINITY;
    if (isnan(got) || isinf(got) || mpfr_inf_p(exact))
        return (isinf(got) && mpfr_inf_p(exact) && (got < 0) == (mpfr_sgn(exact) < 0)) ? 0 : INFINITY;
    const int p = t == BCE_TOOL_BF16 ? 8 : 11, emin = t == BCE_TOOL_BF16 ? -126 : -14;
    long e = mpfr_zero_p(exact) ? emin : (long)mpfr_get_exp(exact) - 1;
    if (e < emin) e = emin;
    mpfr_t d;
    mpfr_init2(d, 320);
    mpfr_set_d(d, got, MPFR_RNDN);
    mpfr_sub(d, d, exact, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    mpfr_mul_2si(d, d, -(e - p + 1), MPFR_RNDN);
    double r = mpfr_get_d(d, MPFR_RNDU);
    mpfr_clear(d);
    return r;
}

/* MPFR: the correctly rounded outputs of (x, y) in the output type;
 * exact values in L, G (256 bits, rounded to odd) for the ulp errors */
void bce_tool_ref16(int form, int t, int out_type, double x, double y, double out[2],
                    mpfr_t L, mpfr_t G)
{
    bcev_sample smp = { x, y, 1.0 };
    bcev_exact(form ? BCEV_PROBS : BCEV_LOGITS, &smp, NULL, 1.0, 256, L, G);
    /* an exact zero is +0 (docs/ACCURACY.md) */
    if (mpfr_zero_p(L)) mpfr_set_zero(L, 1);
    if (mpfr_zero_p(G)) mpfr_set_zero(G, 1);
    /* below the reference's 2^-(2^60) cut: the zero of the value's sign
     * (a logits gradient at |z| >= 2^60 with no term on z's side) */
    if (!form && mpfr_zero_p(G) && isfinite(x) && fabs(x) >= 0x1p60 &&
        ((x > 0 && y == 1) || (x < 0 && y == 0)))
        mpfr_set_zero(G, x > 0 ? -1 : 1);
    if (out_type == BCE_TOOL_F32) {
        out[0] = (float)bcev_round_to(BCEV_F32, L);
        out[1] = (float)bcev_round_to(BCEV_F32, G);
    } else {
        out[0] = bcev_round16(t, L);
        out[1] = bcev_round16(t, G);
    }
}


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

void bce_tool_cr_both(int form, int t, double x, double y, double r16[2], double r32[2])
{
    float o32[2];
    double o16[2];
    int dec[2][2] = {{0, 0}, {0, 0}};
    if (isfinite(x) && x != 0 && !(form && x == 1))
        bcev_lowp_filter(form ? BCEV_PROBS : BCEV_LOGITS, t, x, y, o32, o16, dec);
    mpfr_t L, G;
    mpfr_inits2(256, L, G, (mpfr_ptr)0);
    if (dec[1][0] && dec[1][1]) { r16[0] = o16[0]; r16[1] = o16[1]; }
    else bce_tool_ref16(form, t, t, x, y, r16, L, G);
    if (dec[0][0] && dec[0][1]) { r32[0] = o32[0]; r32[1] = o32[1]; }
    else bce_tool_ref16(form, t, BCE_TOOL_F32, x, y, r32, L, G);
    mpfr_clears(L, G, (mpfr_ptr)0);
}

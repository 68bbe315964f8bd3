/*
 * pyapi.c -- array entry points for the Python package (bcev_py.h): the
 * rows of `bce check`, the correctly rounded reference, the judgement of
 * claimed outputs and the fused regression's MPFR reference, each over a
 * whole array in one call.  Built on the public functions of
 * bce_verify.h / bce_gradcheck.h and the fast filter; no new mathematics.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcev_internal.h"
#include "bce_gradcheck.h"
#include "bcev_py.h"

#define PY_PREC 160   /* MPFR precision of the exact values (as bce check) */

int bcev_py_abi(void) { return BCEV_PY_ABI; }


void bcev_py_weights(int type, uint64_t seed, size_t n, const uint64_t *index,
                     double *w)
{
    for (size_t i = 0; i < n; i++)
        w[i] = bcev_check_weight(seed, index[i], (bcev_type)type);
}

size_t bcev_py_check_rows(int form, int type, const bce_options *opt,
                          int weights, uint64_t seed, size_t per,
                          const char *wcdir, double *x, double *y, double *w,
                          unsigned char *reg)
{
    static const bce_options none;
    if (opt == NULL)
        opt = &none;
    bcev_form f = (bcev_form)form;
    bcev_type t = (bcev_type)type;
    bcev_wc wc;
    memset(&wc, 0, sizeof wc);
    if (bcev_wc_load(wcdir ? wcdir : bcev_wc_default_dir(), f, t, &wc) != 0)
        return (size_t)-1;
    const int reduced = opt->reduction != BCE_REDUCTION_NONE;
    size_t n = 0;
    for (int r = 0; r < BCEV_REG_COUNT; r++) {
        size_t m = bcev_regime_fill((bcev_regime)r, f, t, BCEV_LABELS_ANY, seed, 0,
                                    per, &wc, x + n, y + n);
        size_t kept = 0;
        for (size_t i = 0; i < m; i++) {
            double xi = x[n + i];
            if (reduced && (f == BCEV_LOGITS ? !(fabs(xi) <= 1024.0)
                            : !(opt->flags & BCE_OPT_LOG_CLAMP) && !(xi > 0 && xi < 1)))
                continue;
            x[n + kept] = xi;
            y[n + kept] = y[n + i];
            reg[n + kept] = (unsigned char)r;
            if (weights)
                w[n + kept] = bcev_check_weight(seed, n + kept, t);
            kept++;
        }
        n += kept;
    }
    if (weights && n > 0) {
        int any = 0;
        for (size_t i = 0; i < n; i++) any |= w[i] != 0;
        if (!any) w[0] = 1.0;
    }
    bcev_wc_free(&wc);
    return n;
}

static void denominator(bcev_convention c, bcev_form f, size_t n, const double *w,
                        const bce_options *opt, mpfr_t d)
{
    if (c == BCEV_CONV_LIBBCE)
        bcev_denominator(n, w, opt, d);
    else
        bcev_convention_denominator(c, f, n, w, opt, d);
}

int bcev_py_supports(int conv, int form, const bce_options *opt, const char **why)
{
    if (why) *why = NULL;
    if (conv < 0 || conv >= BCEV_CONV_COUNT) {
        if (why) *why = "unknown convention";
        return -1;
    }
    return bcev_convention_supports((bcev_convention)conv, (bcev_form)form, opt, why);
}

int bcev_py_ref(int form, int type, int conv, size_t n, const double *x,
                const double *y, const double *w, const bce_options *opt,
                double *loss, double *grad, size_t *bad)
{
    static const bce_options none;
    if (opt == NULL)
        opt = &none;
    bcev_form f = (bcev_form)form;
    bcev_type t = (bcev_type)type;
    bcev_convention c = (bcev_convention)conv;
    if (bad) *bad = BCE_NO_INDEX;
    if (bcev_py_supports(conv, form, opt, NULL) != 0) {
        if (bad) *bad = n;
        return -1;
    }
    const int reduced = opt->reduction != BCE_REDUCTION_NONE;
    mpfr_t d;
    mpfr_init2(d, 64);
    denominator(c, f, n, w, opt, d);
    int status = 0;
    for (size_t i = 0; i < n; i++) {
        bcev_sample s = {x[i], y[i], w ? w[i] : 1.0};
        double L = NAN, g = NAN;
        int r = c == BCEV_CONV_LIBBCE
            ? bcev_ref_mp(f, t, &s, opt, d, reduced ? NULL : &L, grad ? &g : NULL)
            : bcev_convention_ref(c, f, t, &s, opt, d, reduced ? NULL : &L,
                                  grad ? &g : NULL);
        if (r < 0 && status >= 0) {
            status = -1;
            if (bad) *bad = i;
        } else if (r > 0 && status == 0) {
            status = 1;
        }
        if (loss && !reduced) loss[i] = L;
        if (grad) grad[i] = g;
    }
    if (loss && reduced) {
        if (status < 0) {
            loss[0] = NAN;
        } else if (c == BCEV_CONV_LIBBCE) {
            int r = bcev_ref_reduced(f, t, n, x, y, w, opt, NAN, &loss[0]);
            if (r > 0 && status == 0) status = 1;
        } else {
            mpfr_t e;
            mpfr_init2(e, 256);
            bcev_convention_exact_reduced(c, f, t, n, x, y, w, opt, 256, e);
            loss[0] = bcev_round_to(t, e);
            mpfr_clear(e);
        }
    }
    mpfr_clear(d);
    mpfr_free_cache();
    return status;
}

static void put(double *a, size_t i, double v) { if (a) a[i] = v; }
static void putc8(unsigned char *a, size_t i, int v) { if (a) a[i] = (unsigned char)v; }

int bcev_py_judge(int form, int type, int conv, size_t n, const double *x,
                  const double *y, const double *w, const bce_options *opt,
                  const unsigned char *select, const double *got_loss,
                  const double *got_grad, double bound_loss, double bound_grad,
                  int use_filter, double *ulp_loss, double *ulp_grad,
                  double *exp_loss, double *exp_grad,
                  unsigned char *pass_loss, unsigned char *pass_grad)
{
    static const bce_options none;
    if (opt == NULL)
        opt = &none;
    bcev_form f = (bcev_form)form;
    bcev_type t = (bcev_type)type;
    bcev_convention c = (bcev_convention)conv;
    if (bcev_py_supports(conv, form, opt, NULL) != 0)
        return -1;
    const int reduced = opt->reduction != BCE_REDUCTION_NONE;
    const int lib = c == BCEV_CONV_LIBBCE;
    const int filter = use_filter && lib && bcev_ff_available();
    bcev_ff_val den;
    if (filter)
        bcev_ff_denominator(n, w, opt, &den);
    mpfr_t d, e;
    mpfr_init2(d, 64);
    mpfr_init2(e, PY_PREC);
    denominator(c, f, n, w, opt, d);
    const double *got[2] = {reduced ? NULL : got_loss, got_grad};
    double *ulp[2] = {ulp_loss, ulp_grad}, *ex[2] = {exp_loss, exp_grad};
    unsigned char *pass[2] = {pass_loss, pass_grad};
    const double bound[2] = {bound_loss, bound_grad};
    for (size_t i = 0; i < n; i++) {
        if (select && !select[i])
            continue;
        bcev_sample s = {x[i], y[i], w ? w[i] : 1.0};
        bcev_ff_val fv[2];
        int ok = filter && bcev_ff_sample(f, &s, opt, &den, got[0] ? &fv[0] : NULL,
                                          got[1] ? &fv[1] : NULL);
        for (int o = 0; o < 2; o++) {
            if (got[o] == NULL)
                continue;
            double g = got[o][i];
            if (ok && bcev_ff_check(t, g, &fv[o], bound[o])) {
                long double m = fv[o].mid + fv[o].lo;
                put(ulp[o], i, bcev_ff_ulp(t, g, m));
                put(ex[o], i, bcev_ff_round(t, m));
                putc8(pass[o], i, 1);
                continue;
            }
            if (o == 1 && filter) {
                bcev_ff_val fine;
                if (bcev_ff_grad_fine(f, &s, opt, &den, &fine) &&
                    bcev_ff_check(t, g, &fine, bound[1])) {
                    long double m = fine.mid + fine.lo;
                    put(ulp[1], i, bcev_ff_ulp(t, g, m));
                    put(ex[1], i, bcev_ff_round(t, m));
                    putc8(pass[1], i, 1);
                    continue;
                }
            }
            if (lib)
                bcev_exact_mp(f, &s, opt, d, PY_PREC, o == 0 ? e : NULL, o == 0 ? NULL : e);
            else
                bcev_convention_exact_mp(c, f, t, &s, opt, d, PY_PREC,
                                         o == 0 ? e : NULL, o == 0 ? NULL : e);
            double u;
            int p = bcev_check(t, g, e, bound[o], &u);
            put(ulp[o], i, u);
            put(ex[o], i, bcev_round_to(t, e));
            putc8(pass[o], i, p);
        }
    }
    if (reduced && got_loss && select == NULL) {
        const double g = got_loss[0];
        bcev_ff_val fr;
        if (filter && bcev_ff_reduced(f, n, x, y, w, opt, &fr) &&
            bcev_ff_check(t, g, &fr, bound_loss)) {
            put(ulp_loss, 0, bcev_ff_ulp(t, g, fr.mid + fr.lo));
            put(exp_loss, 0, bcev_ff_round(t, fr.mid + fr.lo));
            putc8(pass_loss, 0, 1);
        } else {
            if (lib)
                bcev_exact_reduced(f, n, x, y, w, opt, NAN, PY_PREC, e);
            else
                bcev_convention_exact_reduced(c, f, t, n, x, y, w, opt, PY_PREC, e);
            double u;
            int p = bcev_check(t, g, e, bound_loss, &u);
            put(ulp_loss, 0, u);
            put(exp_loss, 0, bcev_round_to(t, e));
            putc8(pass_loss, 0, p);
        }
    }
    mpfr_clears(d, e, (mpfr_ptr)0);
    mpfr_free_cache();
    return 0;
}

int bcev_py_logreg_ref(int type, size_t n, size_t k, const double *x,
                       size_t ldx, const double *y, const double *sw,
                       int intercept, double l2, const bce_options *opt,
                       const double *w, double *loss, double *grad,
                       double *grad_cond, double *grad_sig, double *grad_zcond)
{
    size_t m = k + (intercept != 0);
    bcev_logreg_ref r;
    if (bcev_logreg_ref_init(&r, n, m, 256, 0, 0) != 0)
        return BCE_E_OUT_OF_MEMORY;
    bce_status st;
    if (type == BCEV_F32) {
        size_t nx = n ? (n - 1) * ldx + k : 0;
        float *buf = malloc((nx + 2 * n + m + 1) * sizeof *buf);
        if (buf == NULL) {
            bcev_logreg_ref_free(&r);
            return BCE_E_OUT_OF_MEMORY;
        }
        float *xf = buf, *yf = xf + nx, *sf = yf + n, *wf = sf + n;
        for (size_t i = 0; i < nx; i++) xf[i] = (float)x[i];
        for (size_t i = 0; i < n; i++) {
            yf[i] = (float)y[i];
            sf[i] = sw ? (float)sw[i] : 1.0f;
        }
        for (size_t j = 0; j < m; j++) wf[j] = (float)w[j];
        bce_logreg_f32_problem pb = {n, k, xf, ldx, yf, sw ? sf : NULL, intercept, l2};
        st = bcev_logreg_ref_f32(&pb, wf, NULL, opt, &r);
        free(buf);
    } else {
        bce_logreg_f64_problem pb = {n, k, x, ldx, y, sw, intercept, l2};
        st = bcev_logreg_ref_f64(&pb, w, NULL, opt, &r);
    }
    if (st == BCE_OK) {
        if (loss) *loss = r.loss;
        for (size_t j = 0; j < m; j++) {
            put(grad, j, r.grad[j]);
            put(grad_cond, j, r.grad_cond[j]);
            put(grad_sig, j, r.grad_sig[j]);
            put(grad_zcond, j, r.grad_zcond[j]);
        }
    }
    bcev_logreg_ref_free(&r);
    mpfr_free_cache();
    return (int)st;
}

static void put_str(char *dst, size_t stride, const mpfr_t v, int digits)
{
    if (mpfr_nan_p(v))
        snprintf(dst, stride, "nan");
    else if (mpfr_zero_p(v))
        snprintf(dst, stride, mpfr_signbit(v) ? "-0" : "0");
    else if (mpfr_inf_p(v))
        snprintf(dst, stride, mpfr_sgn(v) > 0 ? "inf" : "-inf");
    else
        mpfr_snprintf(dst, stride, "%.*RNe", digits - 1, v);
}

int bcev_py_exact_str(int form, int type, int conv, size_t n, const double *x,
                      const double *y, const double *w, const bce_options *opt,
                      int output, int digits, char *buf, size_t stride)
{
    static const bce_options none;
    if (opt == NULL)
        opt = &none;
    if (digits < 1 || digits > 1000 || stride < (size_t)digits + 16 || buf == NULL ||
        (output != 0 && output != 1) || bcev_py_supports(conv, form, opt, NULL) != 0)
        return -1;
    bcev_form f = (bcev_form)form;
    bcev_type t = (bcev_type)type;
    bcev_convention c = (bcev_convention)conv;
    mpfr_prec_t prec = (mpfr_prec_t)(digits * 3.33) + 64;
    const int reduced = opt->reduction != BCE_REDUCTION_NONE;
    mpfr_t d, e;
    mpfr_init2(d, 64);
    mpfr_init2(e, prec);
    if (output == 0 && reduced) {
        if (c == BCEV_CONV_LIBBCE)
            bcev_exact_reduced(f, n, x, y, w, opt, NAN, prec, e);
        else
            bcev_convention_exact_reduced(c, f, t, n, x, y, w, opt, prec, e);
        put_str(buf, stride, e, digits);
    } else {
        denominator(c, f, n, w, opt, d);
        for (size_t i = 0; i < n; i++) {
            bcev_sample s = {x[i], y[i], w ? w[i] : 1.0};
            if (c == BCEV_CONV_LIBBCE)
                bcev_exact_mp(f, &s, opt, d, prec, output == 0 ? e : NULL,
                              output == 0 ? NULL : e);
            else
                bcev_convention_exact_mp(c, f, t, &s, opt, d, prec, output == 0 ? e : NULL,
                                         output == 0 ? NULL : e);
            put_str(buf + i * stride, stride, e, digits);
        }
    }
    mpfr_clears(d, e, (mpfr_ptr)0);
    mpfr_free_cache();
    return 0;
}


int bcev_py_ref16(int form, int fmt, int out_type, size_t n, const double *x,
                  const double *y, const double *w, const bce_options *opt,
                  double *loss, double *grad, size_t *bad)
{
    static const bce_options none;
    if (opt == NULL)
        opt = &none;
    if (bad) *bad = BCE_NO_INDEX;
    if ((fmt != BCEV_BF16 && fmt != BCEV_F16) || (out_type != BCEV_F32 && out_type != fmt) ||
        (form != BCEV_LOGITS && form != BCEV_PROBS)) {
        if (bad) *bad = n;
        return -1;
    }
    const bcev_form f = (bcev_form)form;
    const int reduced = opt->reduction != BCE_REDUCTION_NONE;
    mpfr_t d, L, G;
    mpfr_init2(d, 64);
    mpfr_inits2(256, L, G, (mpfr_ptr)0);
    bcev_denominator(n, w, opt, d);
    int status = 0;
    for (size_t i = 0; i < n; i++) {
        bcev_sample s = {x[i], y[i], w ? w[i] : 1.0};
        bcev_exact_mp(f, &s, opt, d, 256, reduced ? NULL : L, G);
        if (mpfr_nan_p(G) && !isnan(x[i]) && status == 0) {
            status = -1;
            if (bad) *bad = i;
        }
        for (int o = reduced; o < 2; o++) {
            mpfr_ptr v = o ? G : L;
            if (mpfr_zero_p(v)) mpfr_set_zero(v, 1);
            double r = out_type == BCEV_F32 ? (double)(float)bcev_round_to(BCEV_F32, v)
                                            : bcev_round16(fmt, v);
            if (o == 0 && loss) loss[i] = r;
            if (o == 1 && grad) grad[i] = r;
        }
    }
    if (loss && reduced) {
        bcev_exact_reduced(f, n, x, y, w, opt, NAN, 256, L);
        if (mpfr_zero_p(L)) mpfr_set_zero(L, 1);
        loss[0] = status < 0 ? NAN
                : out_type == BCEV_F32 ? (double)(float)bcev_round_to(BCEV_F32, L)
                                       : bcev_round16(fmt, L);
    }
    mpfr_clears(d, L, G, (mpfr_ptr)0);
    return status;
}

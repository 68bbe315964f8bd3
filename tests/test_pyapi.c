/*
 * test_pyapi.c -- the array entry points of the Python package
 * (verify/pyapi.c, bcev_py.h) in plain C, so that the sanitizer stages of
 * .ci/run (which cannot load an ASan library into python3) run them too:
 * the rows of `bce check`, the reference against bcev_ref, the judgement,
 * the exact values as text, the regression's reference.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bce.h"
#include "bce_verify.h"
#include "bce_gradcheck.h"
#include "bcev_py.h"

static int failures;
#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

int main(void)
{
    CHECK(bcev_py_abi() == BCEV_PY_ABI);
    enum { PER = 40, CAP = PER * BCEV_REG_COUNT };
    double *x = malloc(CAP * sizeof *x), *y = malloc(CAP * sizeof *y);
    double *w = malloc(CAP * sizeof *w), *l = malloc(CAP * sizeof *l);
    double *g = malloc(CAP * sizeof *g), *u = malloc(CAP * sizeof *u);
    double *e = malloc(CAP * sizeof *e), *e2 = malloc(CAP * sizeof *e2);
    unsigned char *reg = malloc(CAP), *pass = malloc(CAP), *pl = malloc(CAP);
    if (!x || !y || !w || !l || !g || !u || !e || !e2 || !reg || !pass || !pl)
        return 2;

    /* rows: a weighted mean over the regimes, |z| <= 1024, regimes in order */
    bce_options o = {.reduction = BCE_REDUCTION_MEAN, .flags = BCE_OPT_POS_WEIGHT,
                     .pos_weight = 2.0, .label_smoothing = 0.1};
    size_t n = bcev_py_check_rows(BCEV_LOGITS, BCEV_F64, &o, 1, 1, PER, NULL, x, y, w, reg);
    CHECK(n > 0 && n <= CAP);
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK(fabs(x[i]) <= 1024.0);
        CHECK(i == 0 || reg[i] >= reg[i - 1]);
        any |= w[i] != 0;
    }
    CHECK(any);

    /* the weights by index: without a reduction no row is left out, so row i
     * has the weight of index i */
    {
        bce_options none = {.reduction = BCE_REDUCTION_NONE};
        size_t m = bcev_py_check_rows(BCEV_PROBS, BCEV_F32, &none, 1, 7, PER, NULL, e, e2,
                                      u, reg);
        uint64_t *idx = malloc(m * sizeof *idx);
        if (!idx) return 2;
        for (size_t i = 0; i < m; i++) idx[i] = i;
        bcev_py_weights(BCEV_F32, 7, m, idx, l);
        for (size_t i = 0; i < m; i++)
            CHECK(l[i] == u[i] || (i == 0 && u[0] == 1.0));
        free(idx);
    }

    /* the reference: per element bcev_ref's values, reduced loss bcev_ref_reduced's */
    size_t bad = 0;
    CHECK(bcev_py_ref(BCEV_LOGITS, BCEV_F64, BCEV_CONV_LIBBCE, n, x, y, w, &o, l, g, &bad) == 0);
    CHECK(bad == BCE_NO_INDEX);
    double lr;
    CHECK(bcev_ref_reduced(BCEV_LOGITS, BCEV_F64, n, x, y, w, &o, NAN, &lr) == 0);
    CHECK(l[0] == lr);
    for (size_t i = 0; i < n; i += 7) {
        bcev_sample s = {x[i], y[i], w[i]};
        double gi;
        bcev_ref(BCEV_LOGITS, BCEV_F64, &s, &o, (double)n, NULL, &gi);
        CHECK(gi == g[i] || (isnan(gi) && isnan(g[i])));
    }

    /* the judgement: the reference passes at 0.5 ulp, one nudged value fails */
    CHECK(bcev_py_judge(BCEV_LOGITS, BCEV_F64, BCEV_CONV_LIBBCE, n, x, y, w, &o, NULL, l, g,
                        0.5, 0.5, 1, u, e2, e, e2, pl, pass) == 0);
    for (size_t i = 0; i < n; i++)
        CHECK(pass[i] == 1);
    CHECK(pl[0] == 1);
    size_t k = n / 2;
    g[k] = nextafter(g[k], INFINITY);
    unsigned char *sel = calloc(n, 1);
    if (!sel) return 2;
    sel[k] = 1;
    pass[k] = 7;
    CHECK(bcev_py_judge(BCEV_LOGITS, BCEV_F64, BCEV_CONV_LIBBCE, n, x, y, w, &o, sel, NULL, g,
                        0.5, 0.5, 0, NULL, u, NULL, e, NULL, pass) == 0);
    CHECK(pass[k] == 0 && u[k] > 0.5 && u[k] < 1.5);
    free(sel);

    /* an unsupported convention configuration */
    CHECK(bcev_py_supports(BCEV_CONV_TORCH, BCEV_LOGITS, &o, NULL) != 0);
    CHECK(bcev_py_ref(BCEV_LOGITS, BCEV_F64, BCEV_CONV_TORCH, n, x, y, w, &o, l, g, &bad) < 0);

    /* exact values as text */
    char buf[3][64];
    double z3[3] = {0.0, INFINITY, -INFINITY}, y3[3] = {1.0, 1.0, 1.0};
    CHECK(bcev_py_exact_str(BCEV_LOGITS, BCEV_F64, 0, 3, z3, y3, NULL, NULL, 0, 20,
                            &buf[0][0], 64) == 0);
    CHECK(strcmp(buf[0], "6.9314718055994530942e-01") == 0);
    CHECK(strcmp(buf[1], "0") == 0 && strcmp(buf[2], "inf") == 0);
    CHECK(bcev_py_exact_str(BCEV_LOGITS, BCEV_F64, 0, 3, z3, y3, NULL, NULL, 0, 20,
                            &buf[0][0], 8) != 0);

    /* the regression: bcev_logreg_ref_f64's gradient */
    double X[6] = {1, 2, -1, 0.5, 3, -2}, Y[3] = {1, 0, 1}, W[3] = {0.1, -0.2, 0.3};
    double loss, grad[3], cond[3];
    bce_options om = {.reduction = BCE_REDUCTION_MEAN};
    CHECK(bcev_py_logreg_ref(BCEV_F64, 3, 2, X, 2, Y, NULL, 1, 0.5, &om, W, &loss, grad,
                             cond, NULL, NULL) == BCE_OK);
    bcev_logreg_ref r;
    CHECK(bcev_logreg_ref_init(&r, 3, 3, 256, 0, 0) == 0);
    bce_logreg_f64_problem pb = {3, 2, X, 2, Y, NULL, 1, 0.5};
    CHECK(bcev_logreg_ref_f64(&pb, W, NULL, &om, &r) == BCE_OK);
    for (int j = 0; j < 3; j++)
        CHECK(grad[j] == r.grad[j] && cond[j] == r.grad_cond[j]);
    CHECK(loss == r.loss);
    bcev_logreg_ref_free(&r);
    CHECK(bcev_py_logreg_ref(BCEV_F32, 3, 2, X, 2, Y, NULL, 1, 0.5, &om, W, &loss, grad,
                             NULL, NULL, NULL) == BCE_OK);
    Y[1] = 2.0;
    CHECK(bcev_py_logreg_ref(BCEV_F64, 3, 2, X, 2, Y, NULL, 1, 0.5, &om, W, &loss, grad,
                             NULL, NULL, NULL) == BCE_E_LABEL_RANGE);

    /* bcev_py_ref16: the bf16/f16 entry points' correct roundings, against
     * libbce's own (certified on every pair) and the documented values */
    {
        const double z16[4] = {1.0, 2.5, -0x1.fcp+9, 0x1.bep-12};
        const double y16[4] = {1.0, 0.5, 0.75, 0.0};
        double L16[4], G16[4], Lf[4], Gf[4];
        size_t bad;
        CHECK(bcev_py_ref16(BCEV_LOGITS, BCEV_BF16, BCEV_BF16, 4, z16, y16, NULL, NULL, L16, G16,
                            &bad) == 0);
        CHECK(L16[0] == 0x1.4p-2 && G16[0] == -0x1.14p-2);   /* bce eval, test_check16 */
        CHECK(L16[2] == 764.0);          /* the dropped-term tie, docs/ACCURACY.md: not 760 */
        CHECK(bcev_py_ref16(BCEV_LOGITS, BCEV_BF16, BCEV_F32, 4, z16, y16, NULL, NULL, Lf, Gf,
                            &bad) == 0);
        CHECK(Lf[0] == (double)0x1.40c7acp-2f && Gf[0] == (double)-0x1.136562p-2f);
        uint16_t hz[4], hy[4], hl[4], hg[4];
        for (int i = 0; i < 4; i++) { hz[i] = bcev_bits16(BCEV_BF16, z16[i]); hy[i] = bcev_bits16(BCEV_BF16, y16[i]); }
        CHECK(bce_logits_bf16_bf16(4, hz, hy, NULL, NULL, hl, hg) == BCE_OK);
        for (int i = 0; i < 4; i++)
            CHECK(bcev_from_bits16(BCEV_BF16, hl[i]) == L16[i] && bcev_from_bits16(BCEV_BF16, hg[i]) == G16[i]);
        /* a reduction: SUM of the dropped term alone is 764 (not 760) */
        bce_options os = {0};
        os.reduction = BCE_REDUCTION_SUM;
        double Ls, Gs;
        CHECK(bcev_py_ref16(BCEV_LOGITS, BCEV_BF16, BCEV_BF16, 1, z16 + 2, y16 + 2, NULL, &os, &Ls,
                            &Gs, &bad) == 0 && Ls == 764.0);
        CHECK(bcev_py_ref16(BCEV_LOGITS, BCEV_BF16, BCEV_F16, 4, z16, y16, NULL, NULL, L16, G16,
                            &bad) < 0 && bad == 4);
        const double ybad[2] = {1.0, 1.5};
        CHECK(bcev_py_ref16(BCEV_LOGITS, BCEV_F16, BCEV_F16, 2, z16, ybad, NULL, NULL, L16, G16,
                            &bad) < 0 && bad == 1);
    }

    free(x); free(y); free(w); free(l); free(g); free(u); free(e); free(e2);
    free(reg); free(pass); free(pl);
    mpfr_free_cache();
    if (failures == 0)
        printf("test_pyapi: all checks passed\n");
    return failures != 0;
}

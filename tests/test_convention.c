/*
 * test_convention.c -- the peer conventions of verify/convention.c against
 * their written definitions (docs/PORTING.md "Conventions of peer
 * libraries"), computed independently here with plain MPFR at 400 bits
 * from those formulas, on hand-checkable cases (clips and clamps active and
 * inactive, smoothing, pos_weight, reductions and the count of a mean), and
 * BCEV_CONV_LIBBCE == bcev_exact_mp on random samples.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>
#include "bce_verify.h"

#define WP 400

/* ------------------------------------------------------------------ */
/* Independent definitions (plain MPFR, no libbce-verify helper).       */

typedef struct def {
    bcev_convention c;
    bcev_form form;
    bcev_type type;
    double a;        /* label smoothing */
    double P;        /* pos_weight (1 if none) */
    double D;        /* the count of the reduction */
} def;

static double out_round(bcev_type t, const mpfr_t v)
{
    return t == BCEV_F32 ? (double)mpfr_get_flt(v, MPFR_RNDN) : mpfr_get_d(v, MPFR_RNDN);
}

/* clip bounds as the documentation states them */
static int doc_clip(const def *d, double *lo, double *hi)
{
    if (d->form != BCEV_PROBS)
        return 0;
    if (d->c == BCEV_CONV_KERAS) {
        *lo = d->type == BCEV_F32 ? 0x1.ad7f2ap-24 : 1e-7;
        *hi = d->type == BCEV_F32 ? 1.0 - 0x1p-23 : 1.0 - 1e-7;
        return 1;
    }
    if (d->c == BCEV_CONV_SKLEARN) {
        *lo = d->type == BCEV_F32 ? 0x1p-23 : 0x1p-52;
        *hi = 1.0 - *lo;
        return 1;
    }
    return 0;
}

/* loss w L and gradient w g / D of one sample, rounded to type */
static void indep(const def *d, double x, double y, double w, double *Lo, double *go)
{
    mpfr_t ys, al, be, L, g, t, u, v;
    mpfr_inits2(WP, ys, al, be, L, g, t, u, v, (mpfr_ptr)0);
    /* y' = y (1-a) + a/2 ; alpha = w P y' ; beta = w (1 - y') */
    mpfr_set_d(t, 1.0, MPFR_RNDN);
    mpfr_sub_d(t, t, d->a, MPFR_RNDN);
    mpfr_mul_d(ys, t, y, MPFR_RNDN);
    mpfr_set_d(t, d->a, MPFR_RNDN);
    mpfr_div_ui(t, t, 2, MPFR_RNDN);
    mpfr_add(ys, ys, t, MPFR_RNDN);
    mpfr_mul_d(al, ys, w * d->P, MPFR_RNDN);   /* w P exact in the cases used */
    mpfr_ui_sub(be, 1, ys, MPFR_RNDN);
    mpfr_mul_d(be, be, w, MPFR_RNDN);

    if (d->form == BCEV_LOGITS) {
        /* L = alpha softplus(-z) + beta softplus(z); g = beta s(z) - alpha s(-z) */
        mpfr_set_d(t, -x, MPFR_RNDN);
        mpfr_exp(t, t, MPFR_RNDN);
        mpfr_log1p(u, t, MPFR_RNDN);          /* softplus(-z) */
        mpfr_set_d(t, x, MPFR_RNDN);
        mpfr_exp(t, t, MPFR_RNDN);
        mpfr_log1p(v, t, MPFR_RNDN);          /* softplus(z) */
        mpfr_mul(u, u, al, MPFR_RNDN);
        mpfr_mul(v, v, be, MPFR_RNDN);
        mpfr_add(L, u, v, MPFR_RNDN);
        /* sigma(z) = 1/(1+e^-z) */
        mpfr_set_d(t, -x, MPFR_RNDN);
        mpfr_exp(t, t, MPFR_RNDN);
        mpfr_add_ui(t, t, 1, MPFR_RNDN);
        mpfr_ui_div(u, 1, t, MPFR_RNDN);      /* s(z) */
        mpfr_ui_sub(v, 1, u, MPFR_RNDN);      /* s(-z) (moderate z only) */
        mpfr_mul(u, u, be, MPFR_RNDN);
        mpfr_mul(v, v, al, MPFR_RNDN);
        mpfr_sub(g, u, v, MPFR_RNDN);
    } else {
        double lo = 0, hi = 1, c = x;
        int clip = doc_clip(d, &lo, &hi);
        if (clip)
            c = x < lo ? lo : x > hi ? hi : x;
        int torch = d->c == BCEV_CONV_TORCH;
        /* L = -alpha log c - beta log(1-c), torch: each log max'ed with -100 */
        mpfr_set_d(t, c, MPFR_RNDN);
        mpfr_log(u, t, MPFR_RNDN);
        mpfr_set_d(t, -c, MPFR_RNDN);
        mpfr_log1p(v, t, MPFR_RNDN);          /* log(1-c), exact for tiny c too */
        if (torch) {
            if (mpfr_cmp_si(u, -100) < 0)
                mpfr_set_si(u, -100, MPFR_RNDN);
            if (mpfr_cmp_si(v, -100) < 0)
                mpfr_set_si(v, -100, MPFR_RNDN);
        }
        mpfr_set_zero(L, 1);
        if (!mpfr_zero_p(al)) {
            mpfr_mul(u, u, al, MPFR_RNDN);
            mpfr_sub(L, L, u, MPFR_RNDN);
        }
        if (!mpfr_zero_p(be)) {
            mpfr_mul(v, v, be, MPFR_RNDN);
            mpfr_sub(L, L, v, MPFR_RNDN);
        }
        if (torch) {
            /* g = w (p - y) / max(p (1-p), (float)1e-12) */
            mpfr_set_d(t, x, MPFR_RNDN);
            mpfr_ui_sub(u, 1, t, MPFR_RNDN);
            mpfr_mul(u, u, t, MPFR_RNDN);
            double e = (double)(float)1e-12;
            if (mpfr_cmp_d(u, e) < 0)
                mpfr_set_d(u, e, MPFR_RNDN);
            mpfr_sub_d(t, t, y, MPFR_RNDN);
            mpfr_mul_d(t, t, w, MPFR_RNDN);
            mpfr_div(g, t, u, MPFR_RNDN);
        } else if (clip && (x < lo || x > hi)) {
            mpfr_set_zero(g, 1);
        } else {
            /* g = -alpha/c + beta/(1-c) */
            mpfr_set_zero(g, 1);
            mpfr_set_d(t, c, MPFR_RNDN);
            if (!mpfr_zero_p(al)) {
                mpfr_div(u, al, t, MPFR_RNDN);
                mpfr_sub(g, g, u, MPFR_RNDN);
            }
            if (!mpfr_zero_p(be)) {
                mpfr_ui_sub(t, 1, t, MPFR_RNDN);
                mpfr_div(u, be, t, MPFR_RNDN);
                mpfr_add(g, g, u, MPFR_RNDN);
            }
        }
    }
    mpfr_div_d(g, g, d->D, MPFR_RNDN);
    *Lo = out_round(d->type, L);
    *go = out_round(d->type, g);
    mpfr_clears(ys, al, be, L, g, t, u, v, (mpfr_ptr)0);
}

static bce_options opts_of(const def *d, bce_reduction red)
{
    bce_options o;
    memset(&o, 0, sizeof o);
    o.reduction = red;
    o.label_smoothing = d->a;
    if (d->P != 1.0) {
        o.flags |= BCE_OPT_POS_WEIGHT;
        o.pos_weight = d->P;
    }
    return o;
}

/* the convention's rounded values against the independent ones */
static void check1(const def *d, double x, double y, double w)
{
    bce_options o = opts_of(d, BCE_REDUCTION_NONE);
    bcev_sample s = {x, y, w};
    mpfr_t den;
    mpfr_init2(den, 64);
    mpfr_set_d(den, d->D, MPFR_RNDN);
    double L, g, Li, gi;
    int r = bcev_convention_ref(d->c, d->form, d->type, &s, &o, den, &L, &g);
    mpfr_clear(den);
    cr_assert_eq(r, 0, "%s x=%a y=%a: returned %d", bcev_convention_name(d->c), x, y, r);
    indep(d, x, y, w, &Li, &gi);
    cr_expect(L == Li, "%s form %d type %d x=%a y=%a w=%g: loss %a, definition %a",
              bcev_convention_name(d->c), d->form, d->type, x, y, w, L, Li);
    cr_expect(g == gi, "%s form %d type %d x=%a y=%a w=%g: grad %a, definition %a",
              bcev_convention_name(d->c), d->form, d->type, x, y, w, g, gi);
}

static void ref2(bcev_convention c, bcev_form f, bcev_type t, double x, double y,
                 double w, const bce_options *o, double *L, double *g)
{
    bcev_sample s = {x, y, w};
    mpfr_t den;
    mpfr_init2(den, 53);
    mpfr_set_ui(den, 1, MPFR_RNDN);
    int r = bcev_convention_ref(c, f, t, &s, o, den, L, g);
    mpfr_clear(den);
    cr_assert_eq(r, 0);
}

/* ------------------------------------------------------------------ */

Test(convention, names)
{
    const char *n[] = {"libbce", "torch", "keras", "optax", "sklearn"};
    for (int i = 0; i < BCEV_CONV_COUNT; i++) {
        bcev_convention c;
        cr_assert_eq(bcev_convention_parse(n[i], &c), 0);
        cr_expect_eq((int)c, i);
        cr_expect_str_eq(bcev_convention_name(c), n[i]);
    }
    bcev_convention c;
    cr_expect_eq(bcev_convention_parse("pytorch", &c), 0);
    cr_expect_eq(c, BCEV_CONV_TORCH);
    cr_expect_eq(bcev_convention_parse("tensorflow2", &c), -1);
    cr_expect_eq(bcev_convention_parse(NULL, &c), -1);
}

Test(convention, supports)
{
    bce_options o;
    const char *why = NULL;
    memset(&o, 0, sizeof o);
    /* forms */
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_OPTAX, BCEV_PROBS, NULL, &why), -1);
    cr_expect(why != NULL && strstr(why, "probability") != NULL);
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_SKLEARN, BCEV_LOGITS, NULL, &why), -1);
    cr_expect(why != NULL && strstr(why, "logits") != NULL);
    for (int c = 0; c < BCEV_CONV_COUNT; c++) {
        int lg = c != BCEV_CONV_SKLEARN, pr = c != BCEV_CONV_OPTAX;
        cr_expect_eq(bcev_convention_supports(c, BCEV_LOGITS, NULL, NULL), lg ? 0 : -1);
        cr_expect_eq(bcev_convention_supports(c, BCEV_PROBS, NULL, NULL), pr ? 0 : -1);
    }
    /* smoothing: libbce, keras */
    o.label_smoothing = 0.1;
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_LIBBCE, BCEV_LOGITS, &o, NULL), 0);
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_KERAS, BCEV_PROBS, &o, NULL), 0);
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_TORCH, BCEV_LOGITS, &o, &why), -1);
    cr_expect(why != NULL);
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_OPTAX, BCEV_LOGITS, &o, NULL), -1);
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_SKLEARN, BCEV_PROBS, &o, NULL), -1);
    /* pos_weight: libbce, torch logits only */
    memset(&o, 0, sizeof o);
    o.flags = BCE_OPT_POS_WEIGHT;
    o.pos_weight = 3.0;
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_TORCH, BCEV_LOGITS, &o, NULL), 0);
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_TORCH, BCEV_PROBS, &o, NULL), -1);
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_KERAS, BCEV_LOGITS, &o, NULL), -1);
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_OPTAX, BCEV_LOGITS, &o, NULL), -1);
    /* clamp: libbce and torch probabilities (implied there) */
    memset(&o, 0, sizeof o);
    o.flags = BCE_OPT_LOG_CLAMP;
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_TORCH, BCEV_PROBS, &o, NULL), 0);
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_KERAS, BCEV_PROBS, &o, NULL), -1);
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_SKLEARN, BCEV_PROBS, &o, NULL), -1);
    /* reductions */
    memset(&o, 0, sizeof o);
    o.reduction = BCE_REDUCTION_WEIGHTED_MEAN;
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_TORCH, BCEV_LOGITS, &o, NULL), -1);
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_OPTAX, BCEV_LOGITS, &o, NULL), -1);
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_KERAS, BCEV_LOGITS, &o, NULL), 0);
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_SKLEARN, BCEV_PROBS, &o, NULL), 0);
    o.reduction = BCE_REDUCTION_MEAN;
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_SKLEARN, BCEV_PROBS, &o, &why), -1);
    cr_expect(why != NULL && strstr(why, "weighted") != NULL);
    cr_expect_eq(bcev_convention_supports(BCEV_CONV_TORCH, BCEV_PROBS, &o, NULL), 0);
    /* unsupported configurations give NaN */
    bcev_sample s = {0.5, 1.0, 1.0};
    mpfr_t L, g;
    mpfr_inits2(64, L, g, (mpfr_ptr)0);
    cr_expect_eq(bcev_convention_exact(BCEV_CONV_OPTAX, BCEV_PROBS, BCEV_F64, &s, NULL,
                                       1.0, 128, L, g), -1);
    cr_expect(mpfr_nan_p(L) && mpfr_nan_p(g));
    mpfr_clears(L, g, (mpfr_ptr)0);
}

Test(convention, clip_constants)
{
    double lo, hi;
    cr_assert_eq(bcev_convention_clip(BCEV_CONV_KERAS, BCEV_PROBS, BCEV_F64, &lo, &hi), 1);
    cr_expect(lo == 1e-7 && hi == 1.0 - 1e-7);
    cr_assert_eq(bcev_convention_clip(BCEV_CONV_KERAS, BCEV_PROBS, BCEV_F32, &lo, &hi), 1);
    cr_expect(lo == 0x1.ad7f2ap-24, "%a", lo);
    cr_expect(hi == 1.0 - 0x1p-23, "%a", hi);       /* two float ulps below 1 */
    cr_assert_eq(bcev_convention_clip(BCEV_CONV_SKLEARN, BCEV_PROBS, BCEV_F64, &lo, &hi), 1);
    cr_expect(lo == 0x1p-52 && hi == 1.0 - 0x1p-52);
    cr_assert_eq(bcev_convention_clip(BCEV_CONV_SKLEARN, BCEV_PROBS, BCEV_F32, &lo, &hi), 1);
    cr_expect(lo == 0x1p-23 && hi == 1.0 - 0x1p-23);
    cr_expect_eq(bcev_convention_clip(BCEV_CONV_TORCH, BCEV_PROBS, BCEV_F64, &lo, &hi), 0);
    cr_expect_eq(bcev_convention_clip(BCEV_CONV_LIBBCE, BCEV_PROBS, BCEV_F64, &lo, &hi), 0);
    cr_expect_eq(bcev_convention_clip(BCEV_CONV_KERAS, BCEV_LOGITS, BCEV_F64, &lo, &hi), 0);
}

/* PyTorch BCELoss: -100 clamp in the loss, max(p(1-p), 1e-12f) in the grad */
Test(convention, torch_probs)
{
    const double E = (double)(float)1e-12;
    double L, g;
    /* inactive: -log 0.5 = ln 2, grad -1/p = -2 */
    ref2(BCEV_CONV_TORCH, BCEV_PROBS, BCEV_F64, 0.5, 1.0, 1.0, NULL, &L, &g);
    cr_expect(L == 0x1.62e42fefa39efp-1 && g == -2.0, "L=%a g=%a", L, g);
    /* p = 0, y = 1: loss 100 (clamped), grad -1/E finite (not 0, not -inf) */
    ref2(BCEV_CONV_TORCH, BCEV_PROBS, BCEV_F64, 0.0, 1.0, 1.0, NULL, &L, &g);
    cr_expect(L == 100.0, "L=%a", L);
    cr_expect(g == -1.0 / E, "g=%a want %a", g, -1.0 / E);
    cr_expect(g < -9.99e11 && g > -1.001e12);
    /* p = 1, y = 0: symmetric */
    ref2(BCEV_CONV_TORCH, BCEV_PROBS, BCEV_F64, 1.0, 0.0, 1.0, NULL, &L, &g);
    cr_expect(L == 100.0 && g == 1.0 / E, "L=%a g=%a", L, g);
    /* p = 0, y = 0: nothing */
    ref2(BCEV_CONV_TORCH, BCEV_PROBS, BCEV_F64, 0.0, 0.0, 1.0, NULL, &L, &g);
    cr_expect(L == 0.0 && g == 0.0);
    /* clamp active (log p < -100), gradient still (p - y)/E: the backward is
     * not the derivative of the clamped loss */
    ref2(BCEV_CONV_TORCH, BCEV_PROBS, BCEV_F64, 1e-50, 1.0, 1.0, NULL, &L, &g);
    cr_expect(L == 100.0);
    cr_expect(g != 0.0 && g == (1e-50 - 1.0) / E, "g=%a", g);
    /* libbce's clamp convention gives 0 there */
    bce_options oc;
    memset(&oc, 0, sizeof oc);
    oc.flags = BCE_OPT_LOG_CLAMP;
    ref2(BCEV_CONV_LIBBCE, BCEV_PROBS, BCEV_F64, 1e-50, 1.0, 1.0, &oc, &L, &g);
    cr_expect(L == 100.0 && g == 0.0, "libbce clamp: L=%a g=%a", L, g);

    def d = {BCEV_CONV_TORCH, BCEV_PROBS, BCEV_F64, 0.0, 1.0, 1.0};
    double ps[] = {0.5, 0.3, 1e-13, 1e-11, 5e-13, 1e-50, 0.0, 1.0, 1.0 - 0x1p-45,
                   1.0 - 0x1p-30, 0x1p-1074, 0.999};
    double ys[] = {0.0, 1.0, 0.5, 0.25};
    double ws[] = {1.0, 2.0, 0.75};
    for (size_t i = 0; i < sizeof ps / sizeof *ps; i++)
        for (size_t j = 0; j < sizeof ys / sizeof *ys; j++)
            for (size_t k = 0; k < sizeof ws / sizeof *ws; k++)
                check1(&d, ps[i], ys[j], ws[k]);
    /* mean: the gradient divides by n (denominator 5 for n = 5 with weights) */
    double w5[] = {1, 2, 3, 4, 5};
    bce_options om;
    memset(&om, 0, sizeof om);
    om.reduction = BCE_REDUCTION_MEAN;
    mpfr_t den;
    mpfr_init2(den, 64);
    cr_assert_eq(bcev_convention_denominator(BCEV_CONV_TORCH, BCEV_PROBS, 5, w5, &om, den), 0);
    cr_expect_eq(mpfr_cmp_ui(den, 5), 0);
    mpfr_clear(den);
    d.D = 5.0;
    for (size_t i = 0; i < sizeof ps / sizeof *ps; i++)
        check1(&d, ps[i], 1.0, 3.0);
    /* f32: the same E */
    d.type = BCEV_F32;
    d.D = 1.0;
    float pf[] = {0.5f, 0.0f, 1.0f, 1e-13f, 1e-30f, 0.25f};
    for (size_t i = 0; i < sizeof pf / sizeof *pf; i++)
        for (size_t j = 0; j < sizeof ys / sizeof *ys; j++)
            check1(&d, pf[i], ys[j], 1.0);
}

/* PyTorch BCEWithLogitsLoss: pos_weight and weight, no clamp */
Test(convention, torch_logits)
{
    def d = {BCEV_CONV_TORCH, BCEV_LOGITS, BCEV_F64, 0.0, 3.0, 1.0};
    double zs[] = {-5.0, -0.75, 0.0, 0.5, 2.0, 7.25};
    double ys[] = {0.0, 1.0, 0.3};
    for (size_t i = 0; i < sizeof zs / sizeof *zs; i++)
        for (size_t j = 0; j < sizeof ys / sizeof *ys; j++) {
            check1(&d, zs[i], ys[j], 1.0);
            check1(&d, zs[i], ys[j], 0.5);
        }
    /* hand value: z = 0, y = 1, P = 3: L = 3 ln 2, g = -3/2 */
    bce_options o;
    memset(&o, 0, sizeof o);
    o.flags = BCE_OPT_POS_WEIGHT;
    o.pos_weight = 3.0;
    double L, g;
    ref2(BCEV_CONV_TORCH, BCEV_LOGITS, BCEV_F64, 0.0, 1.0, 1.0, &o, &L, &g);
    cr_expect(g == -1.5, "g=%a", g);
    cr_expect(L == 3.0 * 0x1.62e42fefa39efp-1 || fabs(L - 3 * 0.6931471805599453) < 1e-15);
}

/* Keras 3: the 1e-7 clip in the dtype, smoothing, gradient 0 where clipped */
Test(convention, keras_probs)
{
    double L, g;
    /* p = 0, y = 1: c = 1e-7, loss -ln(1e-7) = 16.118..., grad 0 */
    ref2(BCEV_CONV_KERAS, BCEV_PROBS, BCEV_F64, 0.0, 1.0, 1.0, NULL, &L, &g);
    cr_expect(fabs(L - 16.11809565095832) < 1e-13, "L=%.17g", L);
    cr_expect(g == 0.0);
    /* on the boundary the gradient passes (TensorFlow's clip gradient) */
    ref2(BCEV_CONV_KERAS, BCEV_PROBS, BCEV_F64, 1e-7, 1.0, 1.0, NULL, &L, &g);
    cr_expect(g == -1.0 / 1e-7 || fabs(g + 1e7) <= 2e-9, "g=%a", g);
    cr_expect(g != 0.0);
    /* just below it the clip is active */
    ref2(BCEV_CONV_KERAS, BCEV_PROBS, BCEV_F64, nextafter(1e-7, 0), 1.0, 1.0, NULL, &L, &g);
    cr_expect(g == 0.0);
    /* p = 1, y = 1: c = 1 - 1e-7 (RN), loss -ln(c) ~ 1e-7 */
    ref2(BCEV_CONV_KERAS, BCEV_PROBS, BCEV_F64, 1.0, 1.0, 1.0, NULL, &L, &g);
    cr_expect(fabs(L - 1.00000005e-7) < 1e-15 && g == 0.0, "L=%.17g", L);
    /* f32: c = RN32(1e-7) */
    ref2(BCEV_CONV_KERAS, BCEV_PROBS, BCEV_F32, 0.0, 1.0, 1.0, NULL, &L, &g);
    cr_expect(L == (double)(float)-log((double)(float)1e-7), "L=%a", L);
    /* f32: p = 1 - 2^-24 (one float ulp below 1) lies above hi = 1 - 2^-23 */
    ref2(BCEV_CONV_KERAS, BCEV_PROBS, BCEV_F32, 1.0 - 0x1p-24, 0.0, 1.0, NULL, &L, &g);
    cr_expect(g == 0.0 && L == (double)(float)(23 * 0.69314718055994531), "L=%a g=%a", L, g);

    double ps[] = {0.0, 1e-9, 1e-7, 2e-7, 0.25, 0.5, 0.9, 1.0 - 1e-7, 1.0 - 5e-8, 1.0};
    double ys[] = {0.0, 1.0, 0.4};
    double as[] = {0.0, 0.2, 1.0};
    for (int t = 0; t < 2; t++)
        for (size_t ia = 0; ia < 3; ia++) {
            def d = {BCEV_CONV_KERAS, BCEV_PROBS, t ? BCEV_F32 : BCEV_F64, as[ia], 1.0, 1.0};
            for (size_t i = 0; i < sizeof ps / sizeof *ps; i++)
                for (size_t j = 0; j < sizeof ys / sizeof *ys; j++) {
                    double p = t ? (double)(float)ps[i] : ps[i];
                    check1(&d, p, ys[j], 1.0);
                    check1(&d, p, ys[j], 2.5);
                }
        }
    /* keras' mean divides by n whatever the weights; mean_with_sample_weight by sum w */
    double w[] = {1.0, 3.0};
    bce_options o;
    memset(&o, 0, sizeof o);
    mpfr_t den;
    mpfr_init2(den, 64);
    o.reduction = BCE_REDUCTION_MEAN;
    bcev_convention_denominator(BCEV_CONV_KERAS, BCEV_PROBS, 2, w, &o, den);
    cr_expect_eq(mpfr_cmp_ui(den, 2), 0);
    o.reduction = BCE_REDUCTION_WEIGHTED_MEAN;
    bcev_convention_denominator(BCEV_CONV_KERAS, BCEV_PROBS, 2, w, &o, den);
    cr_expect_eq(mpfr_cmp_ui(den, 4), 0);
    mpfr_clear(den);
}

Test(convention, keras_logits_smoothing)
{
    double zs[] = {-6.0, -1.0, 0.0, 0.125, 3.0};
    double ys[] = {0.0, 1.0, 0.7};
    double as[] = {0.0, 0.1, 0.5};
    for (size_t ia = 0; ia < 3; ia++) {
        def d = {BCEV_CONV_KERAS, BCEV_LOGITS, BCEV_F64, as[ia], 1.0, 1.0};
        for (size_t i = 0; i < sizeof zs / sizeof *zs; i++)
            for (size_t j = 0; j < sizeof ys / sizeof *ys; j++)
                check1(&d, zs[i], ys[j], 1.0);
    }
    /* hand value: z = 0, y = 1, a = 0.5: y' = 3/4, g = 1/2 - 3/4 */
    bce_options o;
    memset(&o, 0, sizeof o);
    o.label_smoothing = 0.5;
    double L, g;
    ref2(BCEV_CONV_KERAS, BCEV_LOGITS, BCEV_F64, 0.0, 1.0, 1.0, &o, &L, &g);
    cr_expect(g == -0.25 && L == 0x1.62e42fefa39efp-1, "L=%a g=%a", L, g);
}

Test(convention, optax_logits)
{
    def d = {BCEV_CONV_OPTAX, BCEV_LOGITS, BCEV_F64, 0.0, 1.0, 1.0};
    double zs[] = {-8.0, -0.5, 0.0, 1.5, 9.0};
    double ys[] = {0.0, 1.0, 0.6};
    for (size_t i = 0; i < sizeof zs / sizeof *zs; i++)
        for (size_t j = 0; j < sizeof ys / sizeof *ys; j++) {
            check1(&d, zs[i], ys[j], 1.0);
            d.D = 4.0;                        /* the user's jnp.mean over 4 */
            check1(&d, zs[i], ys[j], 1.0);
            d.D = 1.0;
        }
    d.type = BCEV_F32;
    check1(&d, 0.5, 1.0, 1.0);
    check1(&d, -3.0, 0.25, 1.0);
}

Test(convention, sklearn_probs)
{
    double L, g;
    const double LN2 = 0.69314718055994531;
    /* p = 0, y = 1: c = 2^-52, loss 52 ln 2, grad 0 */
    ref2(BCEV_CONV_SKLEARN, BCEV_PROBS, BCEV_F64, 0.0, 1.0, 1.0, NULL, &L, &g);
    cr_expect(fabs(L - 52 * LN2) < 1e-13 && g == 0.0, "L=%.17g g=%a", L, g);
    ref2(BCEV_CONV_SKLEARN, BCEV_PROBS, BCEV_F32, 0.0, 1.0, 1.0, NULL, &L, &g);
    cr_expect(L == (double)(float)(23 * LN2) && g == 0.0, "L=%a", L);
    /* p = 1, y = 0: 52 ln 2; y = 1: -log(1 - 2^-52) ~ 2^-52 */
    ref2(BCEV_CONV_SKLEARN, BCEV_PROBS, BCEV_F64, 1.0, 0.0, 1.0, NULL, &L, &g);
    cr_expect(fabs(L - 52 * LN2) < 1e-13 && g == 0.0);
    ref2(BCEV_CONV_SKLEARN, BCEV_PROBS, BCEV_F64, 1.0, 1.0, 1.0, NULL, &L, &g);
    cr_expect(L == 0x1p-52 + 0x1p-105 || fabs(L - 0x1p-52) < 0x1p-100, "L=%a", L);

    double ps[] = {0.0, 0x1p-60, 0x1p-52, 0x1p-51, 0.1, 0.5, 0.75, 1.0 - 0x1p-52, 1.0};
    double ys[] = {0.0, 1.0, 0.5};
    for (int t = 0; t < 2; t++) {
        def d = {BCEV_CONV_SKLEARN, BCEV_PROBS, t ? BCEV_F32 : BCEV_F64, 0.0, 1.0, 1.0};
        for (size_t i = 0; i < sizeof ps / sizeof *ps; i++)
            for (size_t j = 0; j < sizeof ys / sizeof *ys; j++)
                check1(&d, t ? (double)(float)ps[i] : ps[i], ys[j], 1.0);
    }
}

/* reduced losses against the independent per-sample sums and the counts */
static double indep_reduced(const def *d, size_t n, const double *x, const double *y,
                            const double *w, double D)
{
    mpfr_t s, t;
    mpfr_inits2(WP, s, t, (mpfr_ptr)0);
    mpfr_set_zero(s, 1);
    for (size_t i = 0; i < n; i++) {
        /* per-sample loss from the definition, rounded to double (the
         * callers' tolerance covers these n roundings) */
        def e = *d;
        e.type = BCEV_F64;
        double Lr, gr;
        indep(&e, x[i], y[i], w ? w[i] : 1.0, &Lr, &gr);
        mpfr_set_d(t, Lr, MPFR_RNDN);
        mpfr_add(s, s, t, MPFR_RNDN);
    }
    mpfr_div_d(s, s, D, MPFR_RNDN);
    double r = mpfr_get_d(s, MPFR_RNDN);
    mpfr_clears(s, t, (mpfr_ptr)0);
    return r;
}

static double conv_reduced(bcev_convention c, bcev_form f, bcev_type ty, size_t n,
                           const double *x, const double *y, const double *w,
                           const bce_options *o)
{
    mpfr_t L;
    mpfr_init2(L, 256);
    int r = bcev_convention_exact_reduced(c, f, ty, n, x, y, w, o, 256, L);
    cr_assert_eq(r, 0, "%s reduced: %d", bcev_convention_name(c), r);
    double v = bcev_round_to(ty, L);
    mpfr_clear(L);
    return v;
}

Test(convention, reductions)
{
    /* values chosen so each per-sample loss is far from a rounding boundary
     * relative to the tolerance below (the independent sum rounds each term) */
    double x[] = {0.0, 0.5, 1e-60, 0.9, 1.0};
    double y[] = {1.0, 1.0, 1.0, 0.0, 0.0};
    double w[] = {1.0, 2.0, 0.5, 4.0, 1.0};
    bce_options o;
    memset(&o, 0, sizeof o);
    /* torch: mean over n = 5 with weights; clamp active at 0, 1e-60 and 1 */
    def dt = {BCEV_CONV_TORCH, BCEV_PROBS, BCEV_F64, 0.0, 1.0, 1.0};
    o.reduction = BCE_REDUCTION_MEAN;
    double v = conv_reduced(BCEV_CONV_TORCH, BCEV_PROBS, BCEV_F64, 5, x, y, w, &o);
    double e = indep_reduced(&dt, 5, x, y, w, 5.0);
    cr_expect(fabs(v - e) <= 1e-15 * fabs(e), "torch mean %.17g want %.17g", v, e);
    /* hand: (100 + 2 ln 2 + 0.5*100 + 4 (-ln 0.1) + 100) / 5 */
    double hand = (100 + 2 * 0.69314718055994531 + 50 + 4 * 2.3025850929940457 + 100) / 5;
    cr_expect(fabs(v - hand) <= 1e-14 * hand, "torch mean %.17g hand %.17g", v, hand);
    o.reduction = BCE_REDUCTION_SUM;
    v = conv_reduced(BCEV_CONV_TORCH, BCEV_PROBS, BCEV_F64, 5, x, y, w, &o);
    cr_expect(fabs(v - 5 * hand) <= 1e-14 * 5 * hand);

    /* keras: mean divides by n = 5, mean_with_sample_weight by 8.5 */
    def dk = {BCEV_CONV_KERAS, BCEV_PROBS, BCEV_F64, 0.0, 1.0, 1.0};
    o.reduction = BCE_REDUCTION_MEAN;
    v = conv_reduced(BCEV_CONV_KERAS, BCEV_PROBS, BCEV_F64, 5, x, y, w, &o);
    e = indep_reduced(&dk, 5, x, y, w, 5.0);
    cr_expect(fabs(v - e) <= 1e-15 * e, "keras mean %.17g want %.17g", v, e);
    o.reduction = BCE_REDUCTION_WEIGHTED_MEAN;
    v = conv_reduced(BCEV_CONV_KERAS, BCEV_PROBS, BCEV_F64, 5, x, y, w, &o);
    e = indep_reduced(&dk, 5, x, y, w, 8.5);
    cr_expect(fabs(v - e) <= 1e-15 * e, "keras weighted %.17g want %.17g", v, e);
    /* keras with smoothing */
    o.label_smoothing = 0.1;
    dk.a = 0.1;
    o.reduction = BCE_REDUCTION_MEAN;
    v = conv_reduced(BCEV_CONV_KERAS, BCEV_PROBS, BCEV_F64, 5, x, y, w, &o);
    e = indep_reduced(&dk, 5, x, y, w, 5.0);
    cr_expect(fabs(v - e) <= 1e-15 * e, "keras smoothed mean %.17g want %.17g", v, e);
    o.label_smoothing = 0.0;

    /* sklearn: normalize=True is sum w L / sum w; unweighted: / n */
    def ds = {BCEV_CONV_SKLEARN, BCEV_PROBS, BCEV_F64, 0.0, 1.0, 1.0};
    o.reduction = BCE_REDUCTION_WEIGHTED_MEAN;
    v = conv_reduced(BCEV_CONV_SKLEARN, BCEV_PROBS, BCEV_F64, 5, x, y, w, &o);
    e = indep_reduced(&ds, 5, x, y, w, 8.5);
    cr_expect(fabs(v - e) <= 1e-15 * e, "sklearn weighted %.17g want %.17g", v, e);
    v = conv_reduced(BCEV_CONV_SKLEARN, BCEV_PROBS, BCEV_F64, 5, x, y, NULL, &o);
    e = indep_reduced(&ds, 5, x, y, NULL, 5.0);
    cr_expect(fabs(v - e) <= 1e-15 * e, "sklearn mean %.17g want %.17g", v, e);
    /* hand (unweighted): (52 ln2 + ln 2 + 52 ln 2 + ln 10 + 52 ln 2) / 5 */
    hand = (157 * 0.69314718055994531 + 2.3025850929940457) / 5;
    cr_expect(fabs(v - hand) <= 1e-14 * hand, "sklearn %.17g hand %.17g", v, hand);
    o.reduction = BCE_REDUCTION_MEAN;
    mpfr_t L;
    mpfr_init2(L, 64);
    cr_expect_eq(bcev_convention_exact_reduced(BCEV_CONV_SKLEARN, BCEV_PROBS, BCEV_F64,
                                               5, x, y, w, &o, 64, L), -1);
    cr_expect(mpfr_nan_p(L));
    /* an invalid p is not clipped into validity */
    double xb[] = {0.5, 1.5};
    double yb[] = {1.0, 1.0};
    o.reduction = BCE_REDUCTION_SUM;
    cr_expect_neq(bcev_convention_exact_reduced(BCEV_CONV_KERAS, BCEV_PROBS, BCEV_F64,
                                                2, xb, yb, NULL, &o, 64, L), 0);
    mpfr_clear(L);
}

Test(convention, invalid_samples)
{
    mpfr_t L, g;
    mpfr_inits2(64, L, g, (mpfr_ptr)0);
    bcev_sample s[] = {{1.5, 1.0, 1.0}, {-0.25, 0.0, 1.0}, {NAN, 1.0, 1.0},
                       {0.5, 2.0, 1.0}, {0.5, 1.0, -1.0}};
    for (int c = BCEV_CONV_TORCH; c <= BCEV_CONV_SKLEARN; c++) {
        if (c == BCEV_CONV_OPTAX)
            continue;
        for (size_t i = 0; i < sizeof s / sizeof *s; i++) {
            int r = bcev_convention_exact(c, BCEV_PROBS, BCEV_F64, &s[i], NULL, 1.0,
                                          128, L, g);
            cr_expect(r == -1 && mpfr_nan_p(L) && mpfr_nan_p(g), "%s sample %zu",
                      bcev_convention_name(c), i);
        }
    }
    /* NaN with BCE_OPT_PROPAGATE_NAN: NaN is the answer, not an error */
    bce_options o;
    memset(&o, 0, sizeof o);
    o.flags = BCE_OPT_PROPAGATE_NAN;
    bcev_sample sn = {NAN, 1.0, 1.0};
    for (int c = 0; c < BCEV_CONV_COUNT; c++) {
        bcev_form f = c == BCEV_CONV_OPTAX ? BCEV_LOGITS : BCEV_PROBS;
        int r = bcev_convention_exact(c, f, BCEV_F64, &sn, &o, 1.0, 128, L, g);
        cr_expect(r == 0 && mpfr_nan_p(L) && mpfr_nan_p(g), "%s NaN propagated: %d",
                  bcev_convention_name(c), r);
    }
    mpfr_clears(L, g, (mpfr_ptr)0);
}

/* libbce's convention is bcev_exact_mp, bit for bit, on random samples */
Test(convention, libbce_is_the_reference)
{
    bcev_rng r;
    bcev_rng_seed(&r, 15);
    mpfr_t L1, g1, L2, g2, den;
    mpfr_inits2(256, L1, g1, L2, g2, (mpfr_ptr)0);
    mpfr_init2(den, 64);
    for (int i = 0; i < 3000; i++) {
        bcev_form f = (i & 1) ? BCEV_PROBS : BCEV_LOGITS;
        bce_options o;
        memset(&o, 0, sizeof o);
        double u = bcev_rng_unif(&r);
        double x = f == BCEV_LOGITS ? (u - 0.5) * 80.0 : ldexp(bcev_rng_unif(&r), -(int)(u * 60));
        if (i % 17 == 0 && f == BCEV_PROBS)
            x = (i % 34) ? 0.0 : 1.0;
        double y = (i % 3 == 0) ? (double)(i % 2) : bcev_rng_unif(&r);
        double w = (i % 5 == 0) ? 0.5 + 3 * bcev_rng_unif(&r) : 1.0;
        if (i % 4 == 1) {
            o.flags |= BCE_OPT_POS_WEIGHT;
            o.pos_weight = 0.25 + 4 * bcev_rng_unif(&r);
        }
        if (i % 7 == 2)
            o.label_smoothing = 0.5 * bcev_rng_unif(&r);
        if (f == BCEV_PROBS && i % 3 == 1)
            o.flags |= BCE_OPT_LOG_CLAMP;
        mpfr_set_ui(den, (i % 11 == 0) ? 7 : 1, MPFR_RNDN);
        bcev_sample s = {x, y, w};
        bcev_exact_mp(f, &s, &o, den, 256, L1, g1);
        int rc = bcev_convention_exact_mp(BCEV_CONV_LIBBCE, f, BCEV_F64, &s, &o, den,
                                          256, L2, g2);
        cr_assert_eq(rc, 0);
        cr_assert(mpfr_equal_p(L1, L2) || (mpfr_inf_p(L1) && mpfr_inf_p(L2)),
                  "loss differs at x=%a y=%a", x, y);
        cr_assert(mpfr_equal_p(g1, g2) || (mpfr_inf_p(g1) && mpfr_inf_p(g2) &&
                                           mpfr_sgn(g1) == mpfr_sgn(g2)),
                  "grad differs at x=%a y=%a", x, y);
        /* and the logits conventions without extra options are libbce's too */
        if (f == BCEV_LOGITS && o.label_smoothing == 0.0 && !(o.flags & BCE_OPT_POS_WEIGHT)) {
            for (int c = BCEV_CONV_TORCH; c <= BCEV_CONV_OPTAX; c++) {
                bcev_convention_exact_mp(c, f, BCEV_F64, &s, &o, den, 256, L2, g2);
                cr_assert(mpfr_equal_p(L1, L2) && mpfr_equal_p(g1, g2), "%s at z=%a",
                          bcev_convention_name(c), x);
            }
        }
    }
    mpfr_clears(L1, g1, L2, g2, den, (mpfr_ptr)0);
}

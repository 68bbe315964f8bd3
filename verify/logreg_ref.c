/*
 * logreg_ref.c -- MPFR evaluation of the fused logistic regression
 * (bce_logreg_* of bce.h): loss, gradient, Hessian-vector product and the
 * condition sums an a-priori error bound needs.  Definitions and the
 * meaning of every output: bce_gradcheck.h.
 *
 * Precision.  With P = r->prec and wp = P + 64:
 *   - x_ij w_j is exact (106 bits); z_i = mpfr_sum of the exact products,
 *     rounded once to wp + 64 bits (|z_i' - z_i| <= 2^-(wp+64) |z_i|);
 *   - e = exp(-|z_i|), l = log1p(e), sm = e / (1 + e) = sigma(-|z_i|) at wp
 *     bits (relative error a few 2^-wp; |z_i| >= 2^60: e = 0, below 2^-(2^60));
 *   - L_i = X |z_i| + (alpha + beta) l     (X = beta if z > 0, else alpha;
 *     the log1p terms of consecutive rows with equal alpha + beta summed as
 *     one log of a product, see lsum_flush)
 *     r_i = beta - (alpha+beta) sm  (z > 0),  (alpha+beta) sm - alpha  (z <= 0)
 *     h_i = (alpha + beta) sm (1 - sm)
 *     (alpha, beta exact: the label coefficients of ref_mpfr.c);
 *   - sums accumulated at wp bits (error <= n 2^-wp times the sum of the
 *     magnitudes), divided by the exact denominator, then l2 terms.
 * So each mpfr output is within about 2^-P |value| + (n + 16) 2^-wp cond of
 * the exact value, cond the condition sums that bound the magnitudes of the
 * terms before they cancel (bce_gradcheck.h: grad_sig + grad_zcond for the
 * gradient, hv_cond + hv_dcond + hv_zcond for Hv, loss_cond): below
 * 2^-P (|value| + cond) for n < 2^60.  Not a proven bound (no Gappa file):
 * a budget, checked in tests/test_gradcheck.c against the per-sample
 * reference and finite differences at 256 bits.  Doubles are the prec-bit
 * values rounded to nearest.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bce_gradcheck.h"
#include "bcev_internal.h"

#define ZHUGE 0x1p60

/* ------------------------------------------------------------------ */
/* A problem of either type, read as doubles                           */

typedef struct view {
    size_t n, k, ldx, m;
    int f32, icpt;
    const double *xd, *yd, *sd;
    const float *xf, *yf, *sf;
    double l2;
} view;

static double vx(const view *v, size_t i, size_t j)
{
    return v->f32 ? (double)v->xf[i * v->ldx + j] : v->xd[i * v->ldx + j];
}
static double vy(const view *v, size_t i)
{
    return v->f32 ? (double)v->yf[i] : v->yd[i];
}
static int has_sw(const view *v)
{
    return v->f32 ? v->sf != NULL : v->sd != NULL;
}
static double vs(const view *v, size_t i)
{
    if (!has_sw(v))
        return 1.0;
    return v->f32 ? (double)v->sf[i] : v->sd[i];
}
/* x~_il: 1 for the intercept column, else x_i,l-icpt */
static double vxt(const view *v, size_t i, size_t l)
{
    if (v->icpt)
        return l == 0 ? 1.0 : vx(v, i, l - 1);
    return vx(v, i, l);
}

static void view_f64(view *v, const bce_logreg_f64_problem *pb)
{
    memset(v, 0, sizeof *v);
    v->n = pb->n;
    v->k = pb->k;
    v->ldx = pb->ldx;
    v->xd = pb->x;
    v->yd = pb->y;
    v->sd = pb->sw;
    v->icpt = pb->fit_intercept != 0;
    v->m = pb->k + (size_t)v->icpt;
    v->l2 = pb->l2;
}

static void view_f32(view *v, const bce_logreg_f32_problem *pb)
{
    memset(v, 0, sizeof *v);
    v->f32 = 1;
    v->n = pb->n;
    v->k = pb->k;
    v->ldx = pb->ldx;
    v->xf = pb->x;
    v->yf = pb->y;
    v->sf = pb->sw;
    v->icpt = pb->fit_intercept != 0;
    v->m = pb->k + (size_t)v->icpt;
    v->l2 = pb->l2;
}

static bce_status fail(const bce_options *opt, bce_status st, size_t idx)
{
    if (opt != NULL && opt->error_index != NULL)
        *opt->error_index = idx;
    return st;
}

/* The checks of bce_logreg_* (bce.h): problem, options, then each row i
 * (features, label, weight); parameters (w, v) are checked by the callers. */
static bce_status validate(const view *v, const bce_options *opt)
{
    bce_options def = {.reduction = BCE_REDUCTION_NONE}; /* reserved: zero */
    const bce_options *o = opt != NULL ? opt : &def;
    int xnull = v->f32 ? v->xf == NULL : v->xd == NULL;
    int ynull = v->f32 ? v->yf == NULL : v->yd == NULL;
    if (v->n > 0 && ((xnull && v->k > 0) || ynull))
        return fail(opt, BCE_E_NULL_POINTER, BCE_NO_INDEX);
    if (v->ldx < v->k || !(v->l2 >= 0.0 && v->l2 < INFINITY) || v->m == 0)
        return fail(opt, BCE_E_BAD_PROBLEM, BCE_NO_INDEX);
    if (v->n > 0 && v->ldx > 0 && v->n - 1 > (SIZE_MAX - v->k) / v->ldx)
        return fail(opt, BCE_E_SIZE_OVERFLOW, BCE_NO_INDEX);
    if ((unsigned)o->reduction > (unsigned)BCE_REDUCTION_WEIGHTED_MEAN
        || (o->flags & ~BCE_OPT_ALL_FLAGS) != 0
        || (o->flags & BCE_OPT_LOG_CLAMP) != 0
        || ((o->flags & BCE_OPT_POS_WEIGHT)
            && !(o->pos_weight == 0.0 || (o->pos_weight >= BCE_POS_WEIGHT_MIN
                                          && o->pos_weight <= BCE_POS_WEIGHT_MAX)))
        || !(o->label_smoothing == 0.0 || (o->label_smoothing >= BCE_SMOOTHING_MIN
                                           && o->label_smoothing <= 1.0)))
        return fail(opt, BCE_E_BAD_OPTION, BCE_NO_INDEX);
    for (size_t i = 0; i < sizeof o->reserved / sizeof o->reserved[0]; i++)
        if (o->reserved[i] != 0)    /* future options: must be zero */
            return fail(opt, BCE_E_BAD_OPTION, BCE_NO_INDEX);
    if (o->reduction == BCE_REDUCTION_MEAN && v->n == 0)
        return fail(opt, BCE_E_EMPTY_MEAN, BCE_NO_INDEX);
    double wsum = 0.0;
    for (size_t i = 0; i < v->n; i++) {
        for (size_t j = 0; j < v->k; j++)
            if (!isfinite(vx(v, i, j)))
                return fail(opt, BCE_E_NONFINITE_FEATURE, i * v->ldx + j);
        double y = vy(v, i);
        if (isnan(y))
            return fail(opt, BCE_E_NAN_LABEL, i);
        if (!(y >= 0.0 && y <= 1.0))
            return fail(opt, BCE_E_LABEL_RANGE, i);
        double s = vs(v, i);
        if (isnan(s))
            return fail(opt, BCE_E_NAN_WEIGHT, i);
        if (!(s == 0.0 || (s >= BCE_WEIGHT_MIN && s <= BCE_WEIGHT_MAX)))
            return fail(opt, BCE_E_WEIGHT_RANGE, i);
        wsum += s;
    }
    if (o->reduction == BCE_REDUCTION_WEIGHTED_MEAN && wsum == 0.0)
        return fail(opt, BCE_E_ZERO_WEIGHT_SUM, BCE_NO_INDEX);
    return BCE_OK;
}

/* Exact denominator of the reduction (NONE = SUM: 1). */
static void denominator(const view *v, const bce_options *opt, mpfr_t den)
{
    bce_reduction red = opt != NULL ? opt->reduction : BCE_REDUCTION_NONE;
    if (red == BCE_REDUCTION_WEIGHTED_MEAN && has_sw(v)) {
        mpfr_t a, t, x;
        mpfr_inits2(53, a, t, x, (mpfr_ptr)0);
        mpfr_set_zero(a, 1);
        for (size_t i = 0; i < v->n; i++) {
            bcev_xset_d(x, vs(v, i));
            bcev_xadd(t, a, x);
            mpfr_swap(a, t);
        }
        mpfr_set_prec(den, mpfr_get_prec(a));
        mpfr_set(den, a, MPFR_RNDN);
        mpfr_clears(a, t, x, (mpfr_ptr)0);
    } else if (red == BCE_REDUCTION_MEAN || red == BCE_REDUCTION_WEIGHTED_MEAN) {
        mpfr_set_prec(den, 64);
        mpfr_set_uj(den, (uintmax_t)v->n, MPFR_RNDN);
    } else {
        mpfr_set_prec(den, 2);
        mpfr_set_ui(den, 1, MPFR_RNDN);
    }
}

/* ------------------------------------------------------------------ */
/* Per-row scratch and the per-sample functions                         */

typedef struct scratch {
    mpfr_prec_t wp;
    size_t m;
    mpfr_t *xm, *prod;           /* x~_il (53 bits), products (exact)     */
    mpfr_ptr *pp;                /* pointers to prod for mpfr_sum          */
    mpfr_t alpha, beta, s, z, az, e, l, sm, t, t2, r, h, dv;
    mpfr_t lacc, lprod, ls;      /* the loss sum (lsum_*)                  */
    int lcnt;
} scratch;

static void lsum_reset(scratch *sc);

static int scratch_init(scratch *sc, size_t m, mpfr_prec_t wp)
{
    sc->wp = wp;
    sc->m = m;
    sc->xm = malloc(m * sizeof *sc->xm);
    sc->prod = malloc(m * sizeof *sc->prod);
    sc->pp = malloc(m * sizeof *sc->pp);
    if (sc->xm == NULL || sc->prod == NULL || sc->pp == NULL) {
        free(sc->xm);
        free(sc->prod);
        free(sc->pp);
        return -1;
    }
    for (size_t l = 0; l < m; l++) {
        mpfr_init2(sc->xm[l], 53);
        mpfr_init2(sc->prod[l], 106);
        sc->pp[l] = sc->prod[l];
    }
    mpfr_inits2(53, sc->alpha, sc->beta, sc->s, (mpfr_ptr)0);
    mpfr_inits2(wp + 64, sc->z, sc->az, sc->dv, (mpfr_ptr)0);
    mpfr_inits2(wp, sc->e, sc->l, sc->sm, sc->t, sc->t2, sc->r, sc->h,
                sc->lacc, sc->lprod, (mpfr_ptr)0);
    mpfr_init2(sc->ls, 53);
    lsum_reset(sc);
    return 0;
}

static void scratch_free(scratch *sc)
{
    for (size_t l = 0; l < sc->m; l++) {
        mpfr_clear(sc->xm[l]);
        mpfr_clear(sc->prod[l]);
    }
    free(sc->xm);
    free(sc->prod);
    free(sc->pp);
    mpfr_clears(sc->alpha, sc->beta, sc->s, sc->z, sc->az, sc->e, sc->l,
                sc->sm, sc->t, sc->t2, sc->r, sc->h, sc->dv, sc->lacc,
                sc->lprod, sc->ls, (mpfr_ptr)0);
}

/* alpha, beta, s = alpha + beta of row i, exactly. */
static void row_coefs(scratch *sc, const view *v, size_t i,
                      const bce_options *opt)
{
    double y = vy(v, i), w = vs(v, i);
    double a = opt != NULL ? opt->label_smoothing : 0.0;
    int pw = opt != NULL && (opt->flags & BCE_OPT_POS_WEIGHT) != 0;
    if (a == 0.0 && (y == 0.0 || y == 1.0)) {
        /* hard label: alpha = w P y, beta = w (1 - y) */
        mpfr_t P, W;
        mpfr_inits2(53, P, W, (mpfr_ptr)0);
        bcev_xset_d(W, y == 1.0 ? w : 0.0);
        bcev_xset_d(P, pw ? opt->pos_weight : 1.0);
        bcev_xmul(sc->alpha, W, P);
        bcev_xset_d(sc->beta, y == 0.0 ? w : 0.0);
        mpfr_clears(P, W, (mpfr_ptr)0);
    } else {
        int rc = bcev_label_coefs(y, w, opt, sc->alpha, sc->beta);
        (void)rc;                         /* validated before */
    }
    bcev_xadd(sc->s, sc->alpha, sc->beta);
}

/*
 * The loss sum.  L_i = X |z_i| + s_i log1p(e_i): the first terms are added
 * to acc at wp bits; the log1p terms of consecutive rows with the same
 * coefficient s and e_i >= 2^-32 are gathered as s log(prod (1 + e_i)) over
 * up to LB_MAX rows (one logarithm instead of LB_MAX: the reference's main
 * cost).  Error of a batch: each 1 + e_i rounded (2^-wp), the product
 * (LB_MAX 2^-wp relative), the log (2^-wp relative): at most
 * (2 LB_MAX + 8) 2^-wp s absolute, against a batch sum of at least one
 * term s log1p(2^-32) > s 2^-33: relative error below 2^(41-wp).
 * Rows with e_i < 2^-32 (|z_i| > 22) use log1p directly.
 */
#define LB_MAX 64

static void lsum_reset(scratch *sc)
{
    mpfr_set_zero(sc->lacc, 1);
    sc->lcnt = 0;
}

static void lsum_flush(scratch *sc)
{
    if (sc->lcnt == 0)
        return;
    mpfr_log(sc->l, sc->lprod, MPFR_RNDN);
    mpfr_mul(sc->l, sc->l, sc->ls, MPFR_RNDN);
    mpfr_add(sc->lacc, sc->lacc, sc->l, MPFR_RNDN);
    sc->lcnt = 0;
}

/* Given sc->z and the coefficients: e = exp(-|z|) and, with full, sm,
 * r, h at wp; adds L_i to the loss sum.  Returns the doubles sigma_i (sg),
 * beta sigma + alpha (1-sigma) (sigmag) and L_i (Ld), when full. */
static void row_sample(scratch *sc, int full, double *sg, double *sigmag,
                       double *Ld)
{
    mpfr_abs(sc->az, sc->z, MPFR_RNDN);
    int pos = mpfr_sgn(sc->z) > 0;
    if (mpfr_cmp_d(sc->az, ZHUGE) >= 0) {
        mpfr_set_zero(sc->e, 1);
    } else {
        mpfr_neg(sc->e, sc->az, MPFR_RNDN);
        mpfr_exp(sc->e, sc->e, MPFR_RNDN);
    }
    /* loss: X |z| now, s log1p(e) batched */
    mpfr_srcptr X = pos ? sc->beta : sc->alpha;
    if (!mpfr_zero_p(X)) {
        mpfr_mul(sc->t, X, sc->az, MPFR_RNDN);
        mpfr_add(sc->lacc, sc->lacc, sc->t, MPFR_RNDN);
    }
    if (!mpfr_zero_p(sc->s)) {
        if (mpfr_cmp_d(sc->e, 0x1p-32) >= 0) {
            if (sc->lcnt > 0 && !mpfr_equal_p(sc->ls, sc->s))
                lsum_flush(sc);
            mpfr_add_ui(sc->t, sc->e, 1, MPFR_RNDN);
            if (sc->lcnt == 0) {
                if (mpfr_get_prec(sc->ls) != mpfr_get_prec(sc->s))
                    mpfr_set_prec(sc->ls, mpfr_get_prec(sc->s));
                mpfr_set(sc->ls, sc->s, MPFR_RNDN);
                mpfr_set(sc->lprod, sc->t, MPFR_RNDN);
            } else {
                mpfr_mul(sc->lprod, sc->lprod, sc->t, MPFR_RNDN);
            }
            if (++sc->lcnt == LB_MAX)
                lsum_flush(sc);
        } else if (!mpfr_zero_p(sc->e)) {
            mpfr_log1p(sc->l, sc->e, MPFR_RNDN);
            mpfr_mul(sc->l, sc->l, sc->s, MPFR_RNDN);
            mpfr_add(sc->lacc, sc->lacc, sc->l, MPFR_RNDN);
        }
    }
    if (!full)
        return;
    double ed = mpfr_get_d(sc->e, MPFR_RNDN);
    *Ld = mpfr_get_d(X, MPFR_RNDN) * mpfr_get_d(sc->az, MPFR_RNDN)
          + mpfr_get_d(sc->s, MPFR_RNDN) * log1p(ed);
    mpfr_add_ui(sc->t, sc->e, 1, MPFR_RNDN);
    mpfr_div(sc->sm, sc->e, sc->t, MPFR_RNDN);     /* sigma(-|z|) */
    mpfr_mul(sc->t, sc->s, sc->sm, MPFR_RNDN);     /* s sm */
    if (pos)
        mpfr_sub(sc->r, sc->beta, sc->t, MPFR_RNDN);
    else
        mpfr_sub(sc->r, sc->t, sc->alpha, MPFR_RNDN);
    mpfr_ui_sub(sc->t2, 1, sc->sm, MPFR_RNDN);     /* 1 - sm */
    mpfr_mul(sc->h, sc->t, sc->t2, MPFR_RNDN);     /* s sm (1 - sm) */
    double smd = mpfr_get_d(sc->sm, MPFR_RNDN), cmd = mpfr_get_d(sc->t2, MPFR_RNDN);
    double sig = pos ? cmd : smd, osig = pos ? smd : cmd;
    *sg = sig;
    *sigmag = mpfr_get_d(sc->beta, MPFR_RNDN) * sig
              + mpfr_get_d(sc->alpha, MPFR_RNDN) * osig;
}

/* z = sum_l xm[l] * wl[l] over the row (wl: mpfr parameters), rounded once
 * to z's precision; the products are exact.  Returns sum |x~ w| (double). */
static double row_dot(scratch *sc, const mpfr_t *wl, mpfr_t z)
{
    double c = 0.0;
    for (size_t l = 0; l < sc->m; l++) {
        mpfr_prec_t p = mpfr_get_prec(sc->xm[l]) + mpfr_get_prec(wl[l]);
        if (mpfr_get_prec(sc->prod[l]) != p)
            mpfr_set_prec(sc->prod[l], p);
        mpfr_mul(sc->prod[l], sc->xm[l], wl[l], MPFR_RNDN);   /* exact */
        c += fabs(mpfr_get_d(sc->prod[l], MPFR_RNDN));
    }
    mpfr_sum(z, sc->pp, (unsigned long)sc->m, MPFR_RNDN);
    return c;
}

static void row_load(scratch *sc, const view *v, size_t i)
{
    for (size_t l = 0; l < sc->m; l++)
        mpfr_set_d(sc->xm[l], vxt(v, i, l), MPFR_RNDN);   /* exact */
}

/* ------------------------------------------------------------------ */
/* The reference                                                        */

int bcev_logreg_ref_init(bcev_logreg_ref *r, size_t n, size_t m,
                         mpfr_prec_t prec, int want_hv, int rows)
{
    memset(r, 0, sizeof *r);
    r->n = n;
    r->m = m;
    r->want_hv = want_hv != 0;
    r->prec = prec == 0 ? 256 : prec;
    if (r->prec < 64)
        r->prec = 64;
    r->grad = calloc(m, sizeof(double));
    r->grad_cond = calloc(m, sizeof(double));
    r->grad_sig = calloc(m, sizeof(double));
    r->grad_zcond = calloc(m, sizeof(double));
    r->grad_mp = malloc(m * sizeof(mpfr_t));
    int bad = !r->grad || !r->grad_cond || !r->grad_sig || !r->grad_zcond
              || !r->grad_mp;
    if (want_hv) {
        r->hv = calloc(m, sizeof(double));
        r->hv_cond = calloc(m, sizeof(double));
        r->hv_dcond = calloc(m, sizeof(double));
        r->hv_zcond = calloc(m, sizeof(double));
        r->hv_mp = malloc(m * sizeof(mpfr_t));
        bad |= !r->hv || !r->hv_cond || !r->hv_dcond || !r->hv_zcond || !r->hv_mp;
    }
    if (rows) {
        r->row_zcond = calloc(n ? n : 1, sizeof(double));
        r->row_vcond = calloc(n ? n : 1, sizeof(double));
        bad |= !r->row_zcond || !r->row_vcond;
    }
    mpfr_init2(r->loss_mp, r->prec);
    if (r->grad_mp)
        for (size_t j = 0; j < m; j++)
            mpfr_init2(r->grad_mp[j], r->prec);
    if (r->hv_mp)
        for (size_t j = 0; j < m; j++)
            mpfr_init2(r->hv_mp[j], r->prec);
    if (bad) {
        bcev_logreg_ref_free(r);
        return -1;
    }
    return 0;
}

void bcev_logreg_ref_free(bcev_logreg_ref *r)
{
    if (r->grad_mp)
        for (size_t j = 0; j < r->m; j++)
            mpfr_clear(r->grad_mp[j]);
    if (r->hv_mp)
        for (size_t j = 0; j < r->m; j++)
            mpfr_clear(r->hv_mp[j]);
    mpfr_clear(r->loss_mp);
    free(r->grad);
    free(r->grad_cond);
    free(r->grad_sig);
    free(r->grad_zcond);
    free(r->grad_mp);
    free(r->hv);
    free(r->hv_cond);
    free(r->hv_dcond);
    free(r->hv_zcond);
    free(r->hv_mp);
    free(r->row_zcond);
    free(r->row_vcond);
    memset(r, 0, sizeof *r);
}

/* The largest h over the interval |xi - z| <= dz the computed z may lie
 * in (bce_gradcheck.h, zrel): h = s sigma (1 - sigma) has
 * |h'| = h |1 - 2 sigma| <= h, so h(xi) <= h(z) e^|xi - z|, and h <= s/4
 * everywhere: hbar = min(s/4, h e^dz), rounded up; h for dz = 0. */
static double h_sup(scratch *sc, double dz)
{
    if (dz == 0.0)
        return mpfr_get_d(sc->h, MPFR_RNDN);
    const double cap = mpfr_get_d(sc->s, MPFR_RNDU) * 0.25;
    if (dz >= 0x1p20)
        return cap;
    mpfr_set_d(sc->t, dz, MPFR_RNDU);
    mpfr_exp(sc->t, sc->t, MPFR_RNDU);
    mpfr_mul(sc->t, sc->t, sc->h, MPFR_RNDU);     /* extended exponent range */
    const double hd = mpfr_get_d(sc->t, MPFR_RNDU);
    return hd < cap ? hd : cap;
}

static bce_status ref_core(const view *v, const double *w, const double *vv,
                           const bce_options *opt, bcev_logreg_ref *r)
{
    if (r == NULL)
        return BCE_E_NULL_POINTER;
    bcev_widen_range();
    bce_status st = validate(v, opt);
    if (st != BCE_OK)
        return st;
    if (w == NULL || (r->want_hv && vv == NULL))
        return fail(opt, BCE_E_NULL_POINTER, BCE_NO_INDEX);
    for (size_t j = 0; j < v->m; j++)
        if (!isfinite(w[j]) || (r->want_hv && !isfinite(vv[j])))
            return fail(opt, BCE_E_NONFINITE_PARAM, j);
    if (r->m != v->m || (r->row_zcond != NULL && r->n != v->n))
        return fail(opt, BCE_E_SIZE_OVERFLOW, BCE_NO_INDEX);

    const size_t m = v->m, n = v->n;
    const int hv = r->want_hv;
    const mpfr_prec_t wp = r->prec + 64;
    scratch sc;
    if (scratch_init(&sc, m, wp) != 0)
        return BCE_E_SIZE_OVERFLOW;
    mpfr_t *wm = malloc(m * sizeof *wm), *vm = malloc(m * sizeof *vm);
    mpfr_t *ag = malloc(m * sizeof *ag), *ah = malloc(m * sizeof *ah);
    double *xr = malloc(m * sizeof *xr);
    if (!wm || !vm || !ag || !ah || !xr) {
        free(wm); free(vm); free(ag); free(ah); free(xr);
        scratch_free(&sc);
        return BCE_E_SIZE_OVERFLOW;
    }
    for (size_t l = 0; l < m; l++) {
        mpfr_init2(wm[l], 53);
        mpfr_set_d(wm[l], w[l], MPFR_RNDN);
        mpfr_init2(vm[l], 53);
        mpfr_set_d(vm[l], hv ? vv[l] : 0.0, MPFR_RNDN);
        mpfr_init2(ag[l], wp);
        mpfr_set_zero(ag[l], 1);
        mpfr_init2(ah[l], wp);
        mpfr_set_zero(ah[l], 1);
        r->grad_cond[l] = r->grad_sig[l] = r->grad_zcond[l] = 0.0;
        if (hv)
            r->hv_cond[l] = r->hv_dcond[l] = r->hv_zcond[l] = 0.0;
    }
    mpfr_t aL, den, q;
    mpfr_init2(aL, wp);
    mpfr_init2(q, wp);
    mpfr_init2(den, 53);
    mpfr_set_zero(aL, 1);
    double loss_cond = 0.0, loss_zcond = 0.0;

    for (size_t i = 0; i < n; i++) {
        row_load(&sc, v, i);
        for (size_t l = 0; l < m; l++)
            xr[l] = fabs(vxt(v, i, l));
        double C = row_dot(&sc, (const mpfr_t *)wm, sc.z);
        row_coefs(&sc, v, i, opt);
        double sig, sigmag, Ld;
        row_sample(&sc, 1, &sig, &sigmag, &Ld);
        loss_cond += Ld;
        double rd = fabs(mpfr_get_d(sc.r, MPFR_RNDN));
        /* the row's values over |xi - z_i| <= dz (bce_gradcheck.h, zrel):
         * h <= hbar, |r| and T grow by at most hbar dz (|r'| = h,
         * |T'| = |beta - alpha| h / s <= h) */
        /* (C is a double sum of m rounded magnitudes: relative error
         * below (m + 1) u; the factor rounds dz up) */
        const double dz = r->zrel > 0.0 ? r->zrel * C * (1 + (double)(m + 2) * 0x1p-52) : 0.0;
        const double hd = h_sup(&sc, dz);
        if (dz > 0.0 && hd > 0.0) {
            rd += hd * dz;
            sigmag += hd * dz;
        }
        if (rd != 0.0)
            loss_zcond += rd * C;                 /* 0 C = 0, also for C = inf */
        for (size_t l = 0; l < m; l++) {
            mpfr_fma(ag[l], sc.r, sc.xm[l], ag[l], MPFR_RNDN);
            r->grad_cond[l] += rd * xr[l];
            r->grad_sig[l] += sigmag * xr[l];
            r->grad_zcond[l] += hd * C * xr[l];
        }
        if (r->row_zcond)
            r->row_zcond[i] = C;
        if (hv) {
            double D = row_dot(&sc, (const mpfr_t *)vm, sc.dv);
            double dvd = fabs(mpfr_get_d(sc.dv, MPFR_RNDN));
            /* |h'| = h |1 - 2 sigma|, and |1 - 2 sigma| moves by at most
             * 2 |sigma'| dz <= dz/2 over the interval */
            double om2s = fabs(1.0 - 2.0 * sig) + dz / 2;
            double hpd = hd * (om2s < 1.0 ? om2s : 1.0);
            mpfr_mul(sc.t, sc.h, sc.dv, MPFR_RNDN);
            for (size_t l = 0; l < m; l++) {
                mpfr_fma(ah[l], sc.t, sc.xm[l], ah[l], MPFR_RNDN);
                r->hv_cond[l] += hd * dvd * xr[l];
                r->hv_dcond[l] += hd * D * xr[l];
                r->hv_zcond[l] += hpd * C * dvd * xr[l];
            }
            if (r->row_vcond)
                r->row_vcond[i] = D;
        }
    }

    lsum_flush(&sc);
    mpfr_set(aL, sc.lacc, MPFR_RNDN);
    denominator(v, opt, den);
    double dend = mpfr_get_d(den, MPFR_RNDN);
    /* loss = aL / den + l2/2 sum_{l >= icpt} w_l^2 */
    mpfr_div(q, aL, den, MPFR_RNDN);
    double reg = 0.0;
    if (v->l2 != 0.0) {
        mpfr_t sq, l2m;
        mpfr_init2(sq, wp);
        mpfr_init2(l2m, 53);
        mpfr_set_zero(sq, 1);
        for (size_t l = (size_t)v->icpt; l < m; l++)
            mpfr_fma(sq, wm[l], wm[l], sq, MPFR_RNDN);
        mpfr_set_d(l2m, v->l2, MPFR_RNDN);
        mpfr_mul(sq, sq, l2m, MPFR_RNDN);
        mpfr_div_2ui(sq, sq, 1, MPFR_RNDN);
        reg = mpfr_get_d(sq, MPFR_RNDN);
        mpfr_add(q, q, sq, MPFR_RNDN);
        mpfr_clears(sq, l2m, (mpfr_ptr)0);
    }
    mpfr_set(r->loss_mp, q, MPFR_RNDN);
    r->loss = mpfr_get_d(r->loss_mp, MPFR_RNDN);
    r->loss_cond = loss_cond / dend + reg;
    r->loss_zcond = loss_zcond / dend;
    for (size_t l = 0; l < m; l++) {
        int pen = l >= (size_t)v->icpt && v->l2 != 0.0;
        mpfr_div(q, ag[l], den, MPFR_RNDN);
        if (pen) {
            mpfr_set_d(sc.t, v->l2, MPFR_RNDN);
            mpfr_fma(q, sc.t, wm[l], q, MPFR_RNDN);
        }
        mpfr_set(r->grad_mp[l], q, MPFR_RNDN);
        r->grad[l] = mpfr_get_d(r->grad_mp[l], MPFR_RNDN);
        double lw = pen ? v->l2 * fabs(w[l]) : 0.0;
        r->grad_cond[l] = r->grad_cond[l] / dend + lw;
        r->grad_sig[l] = r->grad_sig[l] / dend + lw;
        r->grad_zcond[l] /= dend;
        if (hv) {
            mpfr_div(q, ah[l], den, MPFR_RNDN);
            if (pen) {
                mpfr_set_d(sc.t, v->l2, MPFR_RNDN);
                mpfr_fma(q, sc.t, vm[l], q, MPFR_RNDN);
            }
            mpfr_set(r->hv_mp[l], q, MPFR_RNDN);
            r->hv[l] = mpfr_get_d(r->hv_mp[l], MPFR_RNDN);
            double lv = pen ? v->l2 * fabs(vv[l]) : 0.0;
            r->hv_cond[l] = r->hv_cond[l] / dend + lv;
            r->hv_dcond[l] /= dend;
            r->hv_zcond[l] /= dend;
        }
    }
    for (size_t l = 0; l < m; l++)
        mpfr_clears(wm[l], vm[l], ag[l], ah[l], (mpfr_ptr)0);
    free(wm); free(vm); free(ag); free(ah); free(xr);
    mpfr_clears(aL, den, q, (mpfr_ptr)0);
    scratch_free(&sc);
    return BCE_OK;
}

bce_status bcev_logreg_ref_f64(const bce_logreg_f64_problem *pb,
                               const double *w, const double *v,
                               const bce_options *opt, bcev_logreg_ref *r)
{
    if (pb == NULL)
        return fail(opt, BCE_E_NULL_POINTER, BCE_NO_INDEX);
    view vw;
    view_f64(&vw, pb);
    return ref_core(&vw, w, v, opt, r);
}

bce_status bcev_logreg_ref_f32(const bce_logreg_f32_problem *pb,
                               const float *w, const float *v,
                               const bce_options *opt, bcev_logreg_ref *r)
{
    if (pb == NULL)
        return fail(opt, BCE_E_NULL_POINTER, BCE_NO_INDEX);
    view vw;
    view_f32(&vw, pb);
    size_t m = vw.m;
    if (w == NULL || (r != NULL && r->want_hv && v == NULL))
        return ref_core(&vw, NULL, NULL, opt, r);      /* reports the error */
    double *wd = malloc((m ? m : 1) * sizeof *wd);
    double *vd = malloc((m ? m : 1) * sizeof *vd);
    if (wd == NULL || vd == NULL) {
        free(wd);
        free(vd);
        return BCE_E_SIZE_OVERFLOW;
    }
    for (size_t j = 0; j < m; j++) {
        wd[j] = w[j];
        vd[j] = v != NULL ? v[j] : 0.0;
    }
    bce_status st = ref_core(&vw, wd, v != NULL ? vd : NULL, opt, r);
    free(wd);
    free(vd);
    return st;
}

/* ------------------------------------------------------------------ */
/* The objective with MPFR parameters                                   */

/* sum_{l >= icpt} w_l^2 * l2 / 2, at wp, added to acc. */
static void add_reg(const view *v, const mpfr_t *w, mpfr_prec_t wp, mpfr_t acc)
{
    if (v->l2 == 0.0)
        return;
    mpfr_t sq, t;
    mpfr_init2(sq, wp);
    mpfr_init2(t, wp);
    mpfr_set_zero(sq, 1);
    for (size_t l = (size_t)v->icpt; l < v->m; l++)
        mpfr_fma(sq, w[l], w[l], sq, MPFR_RNDN);
    mpfr_mul_d(sq, sq, v->l2, MPFR_RNDN);
    mpfr_div_2ui(sq, sq, 1, MPFR_RNDN);
    mpfr_add(acc, acc, sq, MPFR_RNDN);
    mpfr_clears(sq, t, (mpfr_ptr)0);
}

bce_status bcev_logreg_loss_mp(const bce_logreg_f64_problem *pb,
                               const bce_options *opt, const mpfr_t *w,
                               mpfr_prec_t prec, mpfr_t loss)
{
    if (pb == NULL || w == NULL)
        return fail(opt, BCE_E_NULL_POINTER, BCE_NO_INDEX);
    bcev_widen_range();
    view v;
    view_f64(&v, pb);
    bce_status st = validate(&v, opt);
    if (st != BCE_OK)
        return st;
    const mpfr_prec_t wp = prec + 64;
    scratch sc;
    if (scratch_init(&sc, v.m, wp) != 0)
        return BCE_E_SIZE_OVERFLOW;
    mpfr_t acc, den;
    mpfr_init2(acc, wp);
    mpfr_init2(den, 53);
    mpfr_set_zero(acc, 1);
    for (size_t i = 0; i < v.n; i++) {
        row_load(&sc, &v, i);
        row_dot(&sc, w, sc.z);
        row_coefs(&sc, &v, i, opt);
        row_sample(&sc, 0, NULL, NULL, NULL);
    }
    lsum_flush(&sc);
    mpfr_set(acc, sc.lacc, MPFR_RNDN);
    denominator(&v, opt, den);
    mpfr_div(acc, acc, den, MPFR_RNDN);
    add_reg(&v, w, wp, acc);
    mpfr_set_prec(loss, prec);
    mpfr_set(loss, acc, MPFR_RNDN);
    mpfr_clears(acc, den, (mpfr_ptr)0);
    scratch_free(&sc);
    return BCE_OK;
}

/* ------------------------------------------------------------------ */
/* Incremental objective for bcev_gradcheck_mpfr                        */

struct bcev_logreg_mpobj {
    view v;
    bce_options opt;
    int has_opt;
    mpfr_prec_t prec, wp, zp;
    mpfr_t *z0;          /* n: z_i at the base point, zp bits            */
    mpfr_t *w0;          /* m: the base point (copied)                   */
    mpfr_t *al, *be;     /* n: exact label coefficients                  */
    mpfr_t den, d, acc;
    scratch sc;
};

bcev_logreg_mpobj *bcev_logreg_mpobj_new(const bce_logreg_f64_problem *pb,
                                         const bce_options *opt,
                                         mpfr_prec_t prec)
{
    if (pb == NULL)
        return NULL;
    bcev_widen_range();
    bcev_logreg_mpobj *o = calloc(1, sizeof *o);
    if (o == NULL)
        return NULL;
    view_f64(&o->v, pb);
    if (validate(&o->v, opt) != BCE_OK) {
        free(o);
        return NULL;
    }
    if (opt != NULL) {
        o->opt = *opt;
        o->opt.error_index = NULL;
        o->has_opt = 1;
    }
    o->prec = prec < 64 ? 64 : prec;
    o->wp = o->prec + 64;
    o->zp = o->prec + 128;
    size_t n = o->v.n, m = o->v.m;
    o->z0 = malloc((n ? n : 1) * sizeof(mpfr_t));
    o->al = malloc((n ? n : 1) * sizeof(mpfr_t));
    o->be = malloc((n ? n : 1) * sizeof(mpfr_t));
    o->w0 = malloc(m * sizeof(mpfr_t));
    if (!o->z0 || !o->al || !o->be || !o->w0 || scratch_init(&o->sc, m, o->wp) != 0) {
        free(o->z0); free(o->al); free(o->be); free(o->w0);
        free(o);
        return NULL;
    }
    const bce_options *op = o->has_opt ? &o->opt : NULL;
    for (size_t i = 0; i < n; i++) {
        mpfr_init2(o->z0[i], o->zp);
        mpfr_set_zero(o->z0[i], 1);
        row_coefs(&o->sc, &o->v, i, op);
        mpfr_init2(o->al[i], mpfr_get_prec(o->sc.alpha));
        mpfr_set(o->al[i], o->sc.alpha, MPFR_RNDN);
        mpfr_init2(o->be[i], mpfr_get_prec(o->sc.beta));
        mpfr_set(o->be[i], o->sc.beta, MPFR_RNDN);
    }
    for (size_t l = 0; l < m; l++) {
        mpfr_init2(o->w0[l], 53);
        mpfr_set_zero(o->w0[l], 1);
    }
    mpfr_init2(o->den, 53);
    mpfr_init2(o->d, 53);
    mpfr_init2(o->acc, o->wp);
    denominator(&o->v, op, o->den);
    return o;
}

void bcev_logreg_mpobj_free(bcev_logreg_mpobj *o)
{
    if (o == NULL)
        return;
    for (size_t i = 0; i < o->v.n; i++)
        mpfr_clears(o->z0[i], o->al[i], o->be[i], (mpfr_ptr)0);
    for (size_t l = 0; l < o->v.m; l++)
        mpfr_clear(o->w0[l]);
    mpfr_clears(o->den, o->d, o->acc, (mpfr_ptr)0);
    scratch_free(&o->sc);
    free(o->z0); free(o->al); free(o->be); free(o->w0);
    free(o);
}

int bcev_logreg_mpobj_eval(mpfr_t out, const mpfr_t *w, size_t j, void *ctx)
{
    bcev_logreg_mpobj *o = ctx;
    const view *v = &o->v;
    scratch *sc = &o->sc;
    const size_t n = v->n, m = v->m;
    bcev_widen_range();
    if (j == BCEV_GC_BASE) {
        for (size_t l = 0; l < m; l++) {
            mpfr_set_prec(o->w0[l], mpfr_get_prec(w[l]));
            mpfr_set(o->w0[l], w[l], MPFR_RNDN);
        }
    } else if (j >= m) {
        return -1;
    } else {
        /* d = w_j - w0_j exactly */
        bcev_xsub(o->d, w[j], o->w0[j]);
    }
    lsum_reset(sc);
    for (size_t i = 0; i < n; i++) {
        if (j == BCEV_GC_BASE) {
            row_load(sc, v, i);
            row_dot(sc, (const mpfr_t *)o->w0, o->z0[i]);
            mpfr_set(sc->z, o->z0[i], MPFR_RNDN);
        } else {
            mpfr_set_d(sc->xm[0], vxt(v, i, j), MPFR_RNDN);
            mpfr_set_prec(sc->prod[0], 53 + mpfr_get_prec(o->d));
            mpfr_mul(sc->prod[0], sc->xm[0], o->d, MPFR_RNDN);    /* exact */
            mpfr_add(sc->z, o->z0[i], sc->prod[0], MPFR_RNDN);
        }
        mpfr_set_prec(sc->alpha, mpfr_get_prec(o->al[i]));
        mpfr_set(sc->alpha, o->al[i], MPFR_RNDN);
        mpfr_set_prec(sc->beta, mpfr_get_prec(o->be[i]));
        mpfr_set(sc->beta, o->be[i], MPFR_RNDN);
        bcev_xadd(sc->s, sc->alpha, sc->beta);
        row_sample(sc, 0, NULL, NULL, NULL);
    }
    lsum_flush(sc);
    mpfr_set(o->acc, sc->lacc, MPFR_RNDN);
    mpfr_div(o->acc, o->acc, o->den, MPFR_RNDN);
    add_reg(v, w, o->wp, o->acc);
    mpfr_set(out, o->acc, MPFR_RNDN);
    return 0;
}

/* |v - ref| with ref the MPFR value itself (not its rounding to double:
 * that would add up to half an ulp of reference error), rounded up. */


double bcev_err_mp(double v, mpfr_srcptr ref)
{
    if (isnan(v)) return NAN;
    mpfr_t d;
    mpfr_init2(d, mpfr_get_prec(ref) + 64);
    mpfr_set_d(d, v, MPFR_RNDN);                 /* exact */
    mpfr_sub(d, d, ref, MPFR_RNDN);
    double e = fabs(mpfr_get_d(d, MPFR_RNDU));
    if (mpfr_sgn(d) < 0) e = fabs(mpfr_get_d(d, MPFR_RNDD));
    mpfr_clear(d);
    return e;
}

/* The underflow term of the a-priori bound (docs/ACCURACY.md): a row value
 * (L_i, r_i, h_i) below 2^-968 is rounded to a double, absolute error
 * < 2^-1021, before its products with t_i and x~_ij; eta = 2^-1020 covers
 * that and the products' subnormal error terms.  A_j = sum_i s_i |x~_ij|,
 * B_j = sum_i s_i D_i |x~_ij| (D_i = sum_l |x~_il v_l|), S = sum_i s_i,
 * each divided by the reduction's norm. */
void bcev_logreg_uflow_sums(const bce_logreg_f64_problem *p, bce_reduction red,
                       const double *D, double *A, double *B, double *S)
{
    const size_t m = p->k + (p->fit_intercept != 0);
    double sw = 0;
    for (size_t j = 0; j < m; j++) A[j] = B[j] = 0;
    for (size_t i = 0; i < p->n; i++) {
        const double s = p->sw ? p->sw[i] : 1.0;
        sw += s;
        for (size_t j = 0; j < m; j++) {
            const double xa = (p->fit_intercept && j == 0) ? 1.0
                            : fabs(p->x[i * p->ldx + j - (p->fit_intercept != 0)]);
            A[j] += s * xa;
            if (D[i] != 0.0) B[j] += s * D[i] * xa;
        }
    }
    const double norm = red == BCE_REDUCTION_MEAN ? (double)p->n
                      : red == BCE_REDUCTION_WEIGHTED_MEAN ? sw : 1.0;
    for (size_t j = 0; j < m; j++) { A[j] = A[j] / norm * 1.01; B[j] = B[j] / norm * 1.01; }
    *S = sw / norm * 1.01;
}

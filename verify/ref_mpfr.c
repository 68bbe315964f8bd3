/*
 * ref_mpfr.c -- the correctly rounded MPFR reference of one sample and of a
 * reduced loss (definition in bce_verify.h).
 *
 * Method.  The coefficients alpha = w P y', beta = w (1-y') and s = alpha+beta
 * are computed EXACTLY (exact.c).  Each output is then either
 *   - an exact rational num/den (probability-form gradient, z = 0 or +-inf,
 *     zero coefficients, clamped logs): rounded once by bcev_round_q, so
 *     midpoints and exact values are handled without any loop; or
 *   - a transcendental value approximated at working precision wp with a
 *     proven error bound 2^(EXP - err): rounded by bcev_round (mpfr_can_round)
 *     in a Ziv loop wp = 128, 256, ... .  Such values are never exactly a
 *     double nor a midpoint (Lindemann-Weierstrass: e^z, log1p(e^-|z|), log p
 *     are transcendental for rational z != 0, p not in {0,1}), so the loop
 *     ends; BCEV_WP_MAX caps it anyway (return value 1 = not certified).
 *
 * Logits.  With e = exp(-|z|), l = log1p(e), sm = sigma(-|z|) = e/(1+e),
 * X = beta (z > 0) or alpha (z < 0), sg = sign(z):
 *   L = X |z| + s l                    (two non-negative terms)
 *   g = sg (X - s sm)                  (cancels when X ~ s sm)
 * When s e is below every rounding boundary of X |z| (resp. X), i.e. for
 * large |z|, the output rounds like the exact stand-in X|z| + 2^k
 * (resp. sg (X - 2^k)) with 2^k below the last bit of X|z| (resp. X) and of
 * every boundary (see tiny_exp); this ends the loop for |z| up to DBL_MAX
 * (e^-|z| is not even representable in MPFR beyond |z| ~ 3e18).
 */
#include <math.h>
#include "bcev_internal.h"

#define BCEV_WP0 128
#define BCEV_WP_MAX 16384
/* |z| from which e^-|z| is not computed (it is below 2^-(1.44 * 2^60)). */
#define BCEV_ZHUGE 0x1p60

enum { R_APPROX = 0, R_Q = 1 };

/* One output: approximation v with |v - exact| <= 2^(EXP(v) - err), or the
 * exact quotient v / d (err then bounds the distance of the stand-in v/d to
 * the true value the same way, BCEV_EXACT if v/d is the true value). */
typedef struct res {
    mpfr_t v, d;
    int kind;
    long err;
} res;

typedef struct coefs {
    mpfr_t alpha, beta, s;
} coefs;

static void res_init(res *r)
{
    mpfr_init2(r->v, 53);
    mpfr_init2(r->d, 53);
    mpfr_set_ui(r->d, 1, MPFR_RNDN);
    r->kind = R_APPROX;
    r->err = 0;
}

static void res_clear(res *r)
{
    mpfr_clear(r->v);
    mpfr_clear(r->d);
}

/* r = q (exact, copied at its own precision) / den (exact). */
static void res_set_q(res *r, const mpfr_t q, const mpfr_t den)
{
    mpfr_set_prec(r->v, mpfr_get_prec(q));
    mpfr_set(r->v, q, MPFR_RNDN);
    mpfr_set_prec(r->d, mpfr_get_prec(den));
    mpfr_set(r->d, den, MPFR_RNDN);
    r->kind = R_Q;
    r->err = BCEV_EXACT;
}

static void res_set_special(res *r, double v)
{
    mpfr_set_prec(r->v, 53);
    mpfr_set_d(r->v, v, MPFR_RNDN);
    mpfr_set_prec(r->d, 53);
    mpfr_set_ui(r->d, 1, MPFR_RNDN);
    r->kind = R_Q;
    r->err = BCEV_EXACT;
}

/* ------------------------------------------------------------------ */
/* coefficients                                                        */

static int opt_has(const bce_options *opt, unsigned flag)
{
    return opt != NULL && (opt->flags & flag) != 0;
}

/* Checks the sample and builds the exact coefficients; -1 if invalid. */
static int coefs_init(coefs *c, const bcev_sample *sm, const bce_options *opt)
{
    double a = opt != NULL ? opt->label_smoothing : 0.0;
    double P = opt_has(opt, BCE_OPT_POS_WEIGHT) ? opt->pos_weight : 1.0;
    mpfr_inits2(53, c->alpha, c->beta, c->s, (mpfr_ptr)0);
    if (!(sm->y >= 0.0 && sm->y <= 1.0) || !(sm->w == 0.0 || (sm->w >= BCE_WEIGHT_MIN && sm->w <= BCE_WEIGHT_MAX))
        || !(a == 0.0 || (a >= BCE_SMOOTHING_MIN && a <= 1.0)) || !(P == 0.0 || (P >= BCE_POS_WEIGHT_MIN && P <= BCE_POS_WEIGHT_MAX)))
        return -1;
    mpfr_t yp, t, u, one;
    mpfr_inits2(53, yp, t, u, one, (mpfr_ptr)0);
    bcev_xset_d(yp, sm->y);
    if (a != 0.0) {                      /* y' = (y - y a) + a/2, exactly */
        mpfr_t am, ya;
        mpfr_inits2(53, am, ya, (mpfr_ptr)0);
        bcev_xset_d(am, a);
        bcev_xmul(ya, yp, am);
        bcev_xsub(t, yp, ya);
        mpfr_div_2ui(am, am, 1, MPFR_RNDN);   /* exact: a power-of-two scaling */
        bcev_xadd(yp, t, am);
        mpfr_clears(am, ya, (mpfr_ptr)0);
    }
    mpfr_set_ui(one, 1, MPFR_RNDN);
    bcev_xsub(u, one, yp);               /* 1 - y' */
    bcev_xset_d(t, sm->w);
    bcev_xmul(c->beta, t, u);            /* beta = w (1 - y') */
    bcev_xset_d(one, P);
    bcev_xmul(u, t, one);                /* w P */
    bcev_xmul(c->alpha, u, yp);          /* alpha = w P y' */
    bcev_xadd(c->s, c->alpha, c->beta);
    mpfr_clears(yp, t, u, one, (mpfr_ptr)0);
    return 0;
}

static void coefs_clear(coefs *c)
{
    mpfr_clears(c->alpha, c->beta, c->s, (mpfr_ptr)0);
}

/* ------------------------------------------------------------------ */
/* logits                                                              */

static mpfr_exp_t lowbit(const mpfr_t x)
{
    return mpfr_get_exp(x) - (mpfr_exp_t)mpfr_get_prec(x);
}

/*
 * k such that X - t and X - 2^k (t in (0, 2^k]) round alike after division
 * by den, to any format up to 53 bits: 2^k lies below the last bit of X, of
 * every rounding boundary times den (boundaries are (P+1)-bit numbers no
 * finer than X/den's binade allows, or multiples of 2^-1075), minus margin.
 */
static mpfr_exp_t tiny_exp(const mpfr_t X, const mpfr_t den)
{
    mpfr_exp_t k = lowbit(X);
    mpfr_exp_t kb = mpfr_get_exp(X) - 1 - 2 - 55 - (mpfr_exp_t)mpfr_get_prec(den);
    mpfr_exp_t ks = -1080 + lowbit(den);
    if (kb < k)
        k = kb;
    if (ks < k)
        k = ks;
    return k - 3;
}

/* r = sg (X -/+ 2^k) / den as an exact stand-in; err bounds the distance to
 * the true value (both within 2^k of X). */
static void set_standin(res *r, const mpfr_t X, mpfr_exp_t k, int sub, int sg,
                        const mpfr_t den)
{
    mpfr_t t, q;
    mpfr_inits2(53, t, q, (mpfr_ptr)0);
    mpfr_set_ui_2exp(t, 1, k, MPFR_RNDN);
    if (sub)
        bcev_xsub(q, X, t);
    else
        bcev_xadd(q, X, t);
    if (sg < 0)
        mpfr_neg(q, q, MPFR_RNDN);
    res_set_q(r, q, den);
    r->err = (long)(mpfr_get_exp(q) - 1 - k);
    mpfr_clears(t, q, (mpfr_ptr)0);
}

static void logits_special(double z, const coefs *c, const mpfr_t den,
                           res *L, res *g, mpfr_prec_t wp)
{
    mpfr_t t;
    mpfr_init2(t, 53);
    if (isinf(z)) {
        /* softplus(+inf) = inf, softplus(-inf) = 0, sigma(+inf) = 1, 0*inf = 0 */
        const mpfr_t *X = z > 0 ? &c->beta : &c->alpha;
        if (L)
            res_set_special(L, mpfr_zero_p(*X) ? 0.0 : INFINITY);
        if (g) {
            mpfr_set_prec(t, mpfr_get_prec(*X));
            mpfr_set(t, *X, MPFR_RNDN);
            if (z < 0)
                mpfr_neg(t, t, MPFR_RNDN);       /* g = beta or -alpha */
            res_set_q(g, t, den);
        }
    } else {                                     /* z = +-0: sigma = 1/2 */
        if (L) {                                 /* L = s ln 2 */
            if (mpfr_zero_p(c->s)) {
                res_set_special(L, 0.0);
            } else {
                mpfr_set_prec(L->v, wp);
                mpfr_const_log2(L->v, MPFR_RNDN);
                mpfr_mul(L->v, L->v, c->s, MPFR_RNDN);
                L->kind = R_APPROX;
                L->err = (long)wp - 2;
            }
        }
        if (g) {                                 /* g = (beta - alpha) / 2 */
            mpfr_t d2;
            mpfr_init2(d2, 53);
            bcev_xsub(t, c->beta, c->alpha);
            mpfr_set_prec(d2, mpfr_get_prec(den));
            mpfr_mul_2ui(d2, den, 1, MPFR_RNDN);
            res_set_q(g, t, d2);
            mpfr_clear(d2);
        }
    }
    mpfr_clear(t);
}

/* One attempt at precision wp; L or g may be NULL.  Returns 0 when the
 * result has no usable error bound yet (total cancellation). */
static int logits_attempt(double z, const coefs *c, const mpfr_t den,
                          res *L, res *g, mpfr_prec_t wp)
{
    if (isnan(z)) {
        if (L)
            res_set_special(L, NAN);
        if (g)
            res_set_special(g, NAN);
        return 1;
    }
    if (isinf(z) || z == 0.0) {
        logits_special(z, c, den, L, g, wp);
        return 1;
    }
    int sg = z > 0 ? 1 : -1;
    const mpfr_t *X = z > 0 ? &c->beta : &c->alpha;
    int xzero = mpfr_zero_p(*X) != 0;
    int ok = 1;
    mpfr_t az, e, T, one;
    mpfr_inits2(53, az, T, one, (mpfr_ptr)0);
    mpfr_init2(e, wp);
    mpfr_set_ui(one, 1, MPFR_RNDN);
    bcev_xset_d(az, fabs(z));
    bcev_xmul(T, *X, az);                       /* X |z|, exact */
    int huge = fabs(z) >= BCEV_ZHUGE;
    if (!huge)
    {
        mpfr_neg(e, az, MPFR_RNDN);              /* exact: wp >= 53 */
        mpfr_exp(e, e, MPFR_RNDN);
    }
    /* log2 of an upper bound of s e (e <= e' (1 + 2^-wp) < 2^EXP(e')) */
    mpfr_exp_t se_exp = mpfr_zero_p(c->s) ? 0
                        : huge ? -((mpfr_exp_t)1 << 59)
                               : mpfr_get_exp(c->s) + mpfr_get_exp(e);

    if (L) {
        if (mpfr_zero_p(c->s)) {
            res_set_q(L, T, one);                       /* L = 0 */
        } else if (xzero && huge) {
            res_set_special(L, 0.0);   /* s e^-|z| < 2^-(2^60): below any format */
        } else if (!xzero && se_exp <= tiny_exp(T, one) - 2) {
            set_standin(L, T, tiny_exp(T, one), 0, 1, one);
        } else {
            /* e' = e(1+d1); l' = log1p(e')(1+d2) has relative error <= 2u
             * (condition number of log1p <= 1); s l' <= 3u; the sum of two
             * non-negative terms adds u: |L' - L| <= 4.1u L' < 2^(EXP-wp+3) */
            mpfr_t l;
            mpfr_init2(l, wp);
            mpfr_log1p(l, e, MPFR_RNDN);
            mpfr_mul(l, l, c->s, MPFR_RNDN);
            mpfr_set_prec(L->v, wp);
            mpfr_add(L->v, T, l, MPFR_RNDN);
            L->kind = R_APPROX;
            L->err = (long)wp - 3;
            mpfr_clear(l);
        }
    }
    if (g) {
        if (mpfr_zero_p(c->s)) {
            mpfr_set_zero(T, 1);
            res_set_q(g, T, den);                       /* g = 0 */
        } else if (xzero && huge) {
            res_set_special(g, sg > 0 ? -0.0 : 0.0);    /* -sg s sm, far below */
        } else if (!xzero && se_exp <= tiny_exp(*X, den) - 2) {
            set_standin(g, *X, tiny_exp(*X, den), 1, sg, den);
        } else {
            /* sm' = e'/(1+e') rounded twice: <= 3u; D = s sm': <= 4u;
             * N = RN(X - D): |N - n| <= 4.1u D + u |N|;
             * then /den adds u |g|:  |g' - g| <= 2^(M - wp + 3) + 2^(EXP(g')-wp+1)
             * with M = max(EXP(D), EXP(N)). */
            mpfr_t d, D;
            mpfr_inits2(wp, d, D, (mpfr_ptr)0);
            mpfr_add_ui(d, e, 1, MPFR_RNDN);
            mpfr_div(D, e, d, MPFR_RNDN);
            mpfr_mul(D, D, c->s, MPFR_RNDN);
            mpfr_set_prec(g->v, wp);
            mpfr_sub(g->v, *X, D, MPFR_RNDN);
            if (mpfr_zero_p(g->v)) {
                ok = 0;                              /* cancelled entirely */
            } else {
                mpfr_exp_t M = mpfr_get_exp(D) > mpfr_get_exp(g->v)
                                   ? mpfr_get_exp(D) : mpfr_get_exp(g->v);
                g->err = (long)wp - 4 - (long)(M - mpfr_get_exp(g->v));
                if (!mpfr_equal_p(den, one)) {
                    mpfr_div(g->v, g->v, den, MPFR_RNDN);
                    g->err -= 1;
                }
                if (sg < 0)
                    mpfr_neg(g->v, g->v, MPFR_RNDN);
            }
            g->kind = R_APPROX;
            mpfr_clears(d, D, (mpfr_ptr)0);
        }
    }
    mpfr_clears(az, e, T, one, (mpfr_ptr)0);
    return ok;
}

/* ------------------------------------------------------------------ */
/* probabilities                                                       */

/* Is x < e^-100?  (x >= 0 exact.)  e^-100 is irrational, so the bracket
 * [lo, hi] at 256 bits decides every x of at most ~200 significant bits. */
static int below_clamp(const mpfr_t x)
{
    mpfr_t lo, hi, m;
    mpfr_inits2(256, lo, hi, m, (mpfr_ptr)0);
    mpfr_set_si(m, -100, MPFR_RNDN);
    mpfr_exp(lo, m, MPFR_RNDD);
    mpfr_exp(hi, m, MPFR_RNDU);
    int r = mpfr_less_p(x, lo) ? 1 : mpfr_greater_p(x, hi) ? 0 : mpfr_less_p(x, hi);
    mpfr_clears(lo, hi, m, (mpfr_ptr)0);
    return r;
}

static int probs_attempt(double p, const coefs *c, const mpfr_t den,
                         const bce_options *opt, res *L, res *g, mpfr_prec_t wp)
{
    if (isnan(p)) {
        if (L)
            res_set_special(L, NAN);
        if (g)
            res_set_special(g, NAN);
        return 1;
    }
    int clamp = opt_has(opt, BCE_OPT_LOG_CLAMP);
    mpfr_t pm, q, one;                          /* p and q = 1 - p, exact */
    mpfr_inits2(53, pm, q, one, (mpfr_ptr)0);
    mpfr_set_ui(one, 1, MPFR_RNDN);
    bcev_xset_d(pm, p);
    bcev_xsub(q, one, pm);
    /* log p < -100 <=> p < e^-100 (p = 0 included); same for log1p(-p) */
    int clA = clamp && below_clamp(pm);
    int clB = clamp && below_clamp(q);
    int a0 = mpfr_zero_p(c->alpha) != 0, b0 = mpfr_zero_p(c->beta) != 0;

    if (L) {
        /* L = alpha A + beta B, A = min(-log p, 100) (clamp) or -log p */
        int infA = !a0 && p == 0.0 && !clA, infB = !b0 && p == 1.0 && !clB;
        int exA = a0 || p == 1.0 || clA, exB = b0 || p == 0.0 || clB;
        mpfr_t hundred, tA, tB;
        mpfr_inits2(53, hundred, tA, tB, (mpfr_ptr)0);
        mpfr_set_ui(hundred, 100, MPFR_RNDN);
        if (infA || infB) {
            res_set_special(L, INFINITY);
        } else {
            /* exact terms: 0 or 100 * coefficient */
            if (exA) {
                if (clA && !a0) bcev_xmul(tA, c->alpha, hundred);
                else mpfr_set_zero(tA, 1);
            }
            if (exB) {
                if (clB && !b0) bcev_xmul(tB, c->beta, hundred);
                else mpfr_set_zero(tB, 1);
            }
            if (exA && exB) {
                mpfr_t sum;
                mpfr_init2(sum, 53);
                bcev_xadd(sum, tA, tB);
                res_set_q(L, sum, one);
                mpfr_clear(sum);
            } else {
                /* each log correctly rounded (u), times its coefficient (u),
                 * sum of non-negative terms (u): |L' - L| <= 3.1u L' */
                if (!exA) {
                    mpfr_set_prec(tA, wp);
                    mpfr_log(tA, pm, MPFR_RNDN);
                    mpfr_mul(tA, tA, c->alpha, MPFR_RNDN);
                    mpfr_neg(tA, tA, MPFR_RNDN);
                }
                if (!exB) {
                    mpfr_t mp;
                    mpfr_init2(mp, 53);
                    mpfr_neg(mp, pm, MPFR_RNDN);
                    mpfr_set_prec(tB, wp);
                    mpfr_log1p(tB, mp, MPFR_RNDN);
                    mpfr_mul(tB, tB, c->beta, MPFR_RNDN);
                    mpfr_neg(tB, tB, MPFR_RNDN);
                    mpfr_clear(mp);
                }
                mpfr_set_prec(L->v, wp);
                mpfr_add(L->v, tA, tB, MPFR_RNDN);
                L->kind = R_APPROX;
                L->err = (long)wp - 3;
            }
        }
        mpfr_clears(hundred, tA, tB, (mpfr_ptr)0);
    }
    if (g) {
        /* g = -alpha/p [not clA] + beta/(1-p) [not clB], a rational */
        int useA = !clA && !a0, useB = !clB && !b0;
        mpfr_t num, dd, t1, t2;
        mpfr_inits2(53, num, dd, t1, t2, (mpfr_ptr)0);
        if (useA && p == 0.0) {
            res_set_special(g, -INFINITY);
        } else if (useB && p == 1.0) {
            res_set_special(g, INFINITY);
        } else {
            if (useA && useB) {    /* (beta p - alpha (1-p)) / (p (1-p)) */
                bcev_xmul(t1, c->beta, pm);
                bcev_xmul(t2, c->alpha, q);
                bcev_xsub(num, t1, t2);
                bcev_xmul(t1, pm, q);
            } else if (useA) {
                mpfr_set_prec(num, mpfr_get_prec(c->alpha));
                mpfr_neg(num, c->alpha, MPFR_RNDN);
                mpfr_set_prec(t1, 53);
                mpfr_set(t1, pm, MPFR_RNDN);
            } else if (useB) {
                mpfr_set_prec(num, mpfr_get_prec(c->beta));
                mpfr_set(num, c->beta, MPFR_RNDN);
                mpfr_set_prec(t1, mpfr_get_prec(q));
                mpfr_set(t1, q, MPFR_RNDN);
            } else {
                mpfr_set_zero(num, 1);
                mpfr_set_ui(t1, 1, MPFR_RNDN);
            }
            bcev_xmul(dd, t1, den);
            res_set_q(g, num, dd);
        }
        mpfr_clears(num, dd, t1, t2, (mpfr_ptr)0);
    }
    mpfr_clears(pm, q, one, (mpfr_ptr)0);
    return 1;
}

/* ------------------------------------------------------------------ */
/* drivers                                                             */

static int valid_x(bcev_form form, double x, const bce_options *opt)
{
    if (isnan(x))
        return opt_has(opt, BCE_OPT_PROPAGATE_NAN);
    if (form == BCEV_PROBS)
        return x >= 0.0 && x <= 1.0;
    return !opt_has(opt, BCE_OPT_LOG_CLAMP);
}

static int attempt(bcev_form form, const bcev_sample *s, const coefs *c,
                   const mpfr_t den, const bce_options *opt, res *L, res *g,
                   mpfr_prec_t wp)
{
    return form == BCEV_LOGITS ? logits_attempt(s->x, c, den, L, g, wp)
                               : probs_attempt(s->x, c, den, opt, L, g, wp);
}

/* Round r to the format: 1 decided, 0 needs more precision. */
static int finish(const res *r, bcev_type t, int force, double *out)
{
    if (r->kind == R_Q) {
        /* exact value, or a stand-in built to round like the true value */
        *out = bcev_round_q(r->v, r->d, t);
        return 1;
    }
    return bcev_round(r->v, force ? BCEV_EXACT : r->err, t, out);
}

int bcev_ref_mp(bcev_form form, bcev_type type, const bcev_sample *s,
                const bce_options *opt, const mpfr_t denom, double *loss,
                double *grad)
{
    bcev_widen_range();
    coefs c;
    if (coefs_init(&c, s, opt) != 0 || !valid_x(form, s->x, opt)) {
        coefs_clear(&c);
        if (loss)
            *loss = NAN;
        if (grad)
            *grad = NAN;
        return -1;
    }
    res L, g;
    res_init(&L);
    res_init(&g);
    int needL = loss != NULL, needg = grad != NULL, status = 0;
    for (mpfr_prec_t wp = BCEV_WP0; needL || needg; wp *= 2) {
        int force = wp >= BCEV_WP_MAX;
        int ok = attempt(form, s, &c, denom, opt, needL ? &L : NULL,
                         needg ? &g : NULL, wp);
        if (needL && finish(&L, type, force, loss))
            needL = 0;
        if (needg && (ok || force) && finish(&g, type, force, grad))
            needg = 0;
        if (force) {
            if (needg)
                *grad = 0.0;        /* cancelled below 2^-16384 relative */
            status = 1;
            break;
        }
    }
    res_clear(&L);
    res_clear(&g);
    coefs_clear(&c);
    return status;
}

int bcev_ref(bcev_form form, bcev_type type, const bcev_sample *s,
             const bce_options *opt, double denom, double *loss, double *grad)
{
    mpfr_t d;
    mpfr_init2(d, 53);
    mpfr_set_d(d, denom, MPFR_RNDN);
    int r = bcev_ref_mp(form, type, s, opt, d, loss, grad);
    mpfr_clear(d);
    return r;
}

/* Make the last bit of out (just rounded toward zero, inexactly) odd. */
static void make_odd(mpfr_t out)
{
    if (mpfr_regular_p(out) && mpfr_min_prec(out) < mpfr_get_prec(out)) {
        if (mpfr_sgn(out) > 0)
            mpfr_nextabove(out);
        else
            mpfr_nextbelow(out);
    }
}

/*
 * out = the value of r rounded to odd at prec bits: toward zero, last bit
 * forced to 1 when inexact.  A round-to-odd value at prec bits rounds to
 * nearest exactly like the true value at any precision <= prec - 2, so
 * callers may RN the returned number (e.g. bcev_round_to, bcev_check) and
 * get the correct rounding even when the value is within 2^-prec of a
 * midpoint (e.g. a midpoint X|z| plus a tiny e^-|z| term).
 * Approximations are transcendental (never exactly a prec-bit number), so
 * they are always inexact.  Returns 1 done, 0 needs more precision.
 */
static int set_odd(mpfr_t out, const mpfr_t v, long err, int force)
{
    if (!mpfr_regular_p(v)) {
        mpfr_set(out, v, MPFR_RNDN);
        return err == BCEV_EXACT || force || !mpfr_zero_p(v);
    }
    if (err != BCEV_EXACT && !force
        && !mpfr_can_round(v, err, MPFR_RNDN, MPFR_RNDZ, mpfr_get_prec(out)))
        return 0;
    int t = mpfr_set(out, v, MPFR_RNDZ);
    if (t != 0 || err != BCEV_EXACT)
        make_odd(out);
    return 1;
}

static int finish_exact(const res *r, int force, mpfr_t out)
{
    if (r->kind == R_Q) {
        if (mpfr_zero_p(r->v) || !mpfr_number_p(r->v)) {
            mpfr_div(out, r->v, r->d, MPFR_RNDN);
            return 1;
        }
        if (mpfr_div(out, r->v, r->d, MPFR_RNDZ) != 0)
            make_odd(out);
        return 1;
    }
    return set_odd(out, r->v, r->err, force);
}

void bcev_exact_mp(bcev_form form, const bcev_sample *s, const bce_options *opt,
                   const mpfr_t denom, mpfr_prec_t prec, mpfr_t loss, mpfr_t grad)
{
    bcev_widen_range();
    if (loss)
        mpfr_set_prec(loss, prec);
    if (grad)
        mpfr_set_prec(grad, prec);
    coefs c;
    if (coefs_init(&c, s, opt) != 0 || !valid_x(form, s->x, opt)) {
        coefs_clear(&c);
        if (loss)
            mpfr_set_nan(loss);
        if (grad)
            mpfr_set_nan(grad);
        return;
    }
    res L, g;
    res_init(&L);
    res_init(&g);
    int needL = loss != NULL, needg = grad != NULL;
    for (mpfr_prec_t wp = prec + 32; needL || needg; wp *= 2) {
        int force = wp >= BCEV_WP_MAX;
        int ok = attempt(form, s, &c, denom, opt, needL ? &L : NULL,
                         needg ? &g : NULL, wp);
        if (needL && finish_exact(&L, force, loss))
            needL = 0;
        if (needg && (ok || force)) {
            if (!ok)
                mpfr_set_zero(grad, 1);
            else if (!finish_exact(&g, force, grad))
                continue;
            needg = 0;
        }
    }
    res_clear(&L);
    res_clear(&g);
    coefs_clear(&c);
}

void bcev_exact(bcev_form form, const bcev_sample *s, const bce_options *opt,
                double denom, mpfr_prec_t prec, mpfr_t loss, mpfr_t grad)
{
    mpfr_t d;
    mpfr_init2(d, 53);
    mpfr_set_d(d, denom, MPFR_RNDN);
    bcev_exact_mp(form, s, opt, d, prec, loss, grad);
    mpfr_clear(d);
}

/* ------------------------------------------------------------------ */
/* reductions                                                          */

void bcev_denominator(size_t n, const double *w, const bce_options *opt,
                      mpfr_t out)
{
    bcev_widen_range();
    bce_reduction red = opt != NULL ? opt->reduction : BCE_REDUCTION_NONE;
    if (red == BCE_REDUCTION_MEAN || (red == BCE_REDUCTION_WEIGHTED_MEAN && w == NULL)) {
        mpfr_set_prec(out, 64);
        mpfr_set_uj(out, (uintmax_t)n, MPFR_RNDN);
    } else if (red == BCE_REDUCTION_WEIGHTED_MEAN) {
        mpfr_t a, t;
        mpfr_inits2(53, a, t, (mpfr_ptr)0);
        mpfr_set_zero(a, 1);
        for (size_t i = 0; i < n; i++) {
            mpfr_t x;
            mpfr_init2(x, 53);
            mpfr_set_d(x, w[i], MPFR_RNDN);
            bcev_xadd(t, a, x);
            mpfr_swap(a, t);
            mpfr_clear(x);
        }
        mpfr_set_prec(out, mpfr_get_prec(a));
        mpfr_set(out, a, MPFR_RNDN);
        mpfr_clears(a, t, (mpfr_ptr)0);
    } else {
        mpfr_set_prec(out, 53);
        mpfr_set_ui(out, 1, MPFR_RNDN);
    }
}

/*
 * Sum of the n per-sample losses at precision wp.  All terms are >= 0, so
 * with relative error r_i <= 2^(1-err_i) per term and an accumulator of
 * wp + 32 bits (n < 2^30: accumulated error < 2^-wp S), the sum has relative
 * error <= max r_i + 2^-wp.  Returns the error exponent, or BCEV_EXACT when
 * every term is exact (then acc is exact), or -1 when a term is NaN/invalid.
 */
static long reduced_sum(bcev_form form, size_t n, const double *x,
                        const double *y, const double *w,
                        const bce_options *opt, mpfr_prec_t wp, mpfr_t acc)
{
    const bce_options *o1 = opt;
    long err = BCEV_EXACT;
    int all_exact = 1;
    mpfr_t one, t;
    mpfr_init2(one, 53);
    mpfr_init2(t, 53);
    mpfr_set_ui(one, 1, MPFR_RNDN);
    mpfr_set_prec(acc, wp + 32);
    mpfr_set_zero(acc, 1);
    res L;
    res_init(&L);
    for (size_t i = 0; i < n && err >= 0; i++) {
        bcev_sample s = {x[i], y[i], w != NULL ? w[i] : 1.0};
        coefs c;
        if (coefs_init(&c, &s, o1) != 0 || !valid_x(form, s.x, o1) || isnan(s.x)) {
            coefs_clear(&c);
            err = -1;
            break;
        }
        attempt(form, &s, &c, one, o1, &L, NULL, wp);
        coefs_clear(&c);
        if (L.kind == R_Q && L.err == BCEV_EXACT) {
            if (all_exact) {
                bcev_xadd(t, acc, L.v);
                mpfr_set_prec(acc, mpfr_get_prec(t));
                mpfr_set(acc, t, MPFR_RNDN);
            } else {
                mpfr_add(acc, acc, L.v, MPFR_RNDN);
            }
            continue;
        }
        if (all_exact) {                  /* switch to a rounded accumulator */
            all_exact = 0;
            mpfr_prec_round(acc, wp + 32, MPFR_RNDN);
            err = wp;
        }
        long ei = L.err - 1;
        if (ei < err)
            err = ei;
        mpfr_add(acc, acc, L.v, MPFR_RNDN);
    }
    res_clear(&L);
    mpfr_clears(one, t, (mpfr_ptr)0);
    if (err < 0 || all_exact)
        return err;
    return err - 2;                       /* max r_i + 2^-wp, then EXP margin */
}

static int reduced(bcev_form form, bcev_type type, size_t n, const double *x,
                   const double *y, const double *w, const bce_options *opt,
                   const mpfr_t den, mpfr_prec_t prec, double *loss, mpfr_t out)
{
    bcev_widen_range();
    mpfr_t acc, q;
    mpfr_init2(acc, 53);
    mpfr_init2(q, 53);
    int status = 0;
    for (mpfr_prec_t wp = loss ? BCEV_WP0 : prec + 32;; wp *= 2) {
        int force = wp >= BCEV_WP_MAX;
        long err = reduced_sum(form, n, x, y, w, opt, wp, acc);
        if (err < 0) {
            if (loss) *loss = NAN;
            if (out) mpfr_set_nan(out);
            status = -1;
            break;
        }
        if (err == BCEV_EXACT) {
            if (loss) *loss = bcev_round_q(acc, den, type);
            if (out && mpfr_div(out, acc, den, MPFR_RNDZ) != 0)
                make_odd(out);
            break;
        }
        mpfr_set_prec(q, wp);
        mpfr_div(q, acc, den, MPFR_RNDN);   /* one more u */
        err -= 1;
        if (loss && bcev_round(q, force ? BCEV_EXACT : err, type, loss)) {
            status = force;
            break;
        }
        if (out && set_odd(out, q, err, force))
            break;
    }
    mpfr_clears(acc, q, (mpfr_ptr)0);
    return status;
}

static void make_den(size_t n, const double *w, const bce_options *opt,
                     double denom, mpfr_t d)
{
    if (isnan(denom)) {
        bcev_denominator(n, w, opt, d);
    } else {
        mpfr_set_prec(d, 53);
        mpfr_set_d(d, denom, MPFR_RNDN);
    }
}

int bcev_ref_reduced(bcev_form form, bcev_type type, size_t n, const double *x,
                     const double *y, const double *w, const bce_options *opt,
                     double denom, double *loss)
{
    mpfr_t d;
    mpfr_init2(d, 53);
    make_den(n, w, opt, denom, d);
    int r = reduced(form, type, n, x, y, w, opt, d, 0, loss, NULL);
    mpfr_clear(d);
    return r;
}

int bcev_exact_reduced(bcev_form form, size_t n, const double *x,
                       const double *y, const double *w, const bce_options *opt,
                       double denom, mpfr_prec_t prec, mpfr_t loss)
{
    mpfr_t d;
    mpfr_init2(d, 53);
    make_den(n, w, opt, denom, d);
    mpfr_set_prec(loss, prec);
    int r = reduced(form, BCEV_F64, n, x, y, w, opt, d, prec, NULL, loss);
    mpfr_clear(d);
    return r;
}

/* ------------------------------------------------------------------ */
/* shared with logreg_ref.c                                            */

int bcev_label_coefs(double y, double w, const bce_options *opt,
                     mpfr_t alpha, mpfr_t beta)
{
    bcev_sample sm = {0.0, y, w};
    coefs c;
    int r = coefs_init(&c, &sm, opt);
    if (r == 0) {
        mpfr_set_prec(alpha, mpfr_get_prec(c.alpha));
        mpfr_set(alpha, c.alpha, MPFR_RNDN);
        mpfr_set_prec(beta, mpfr_get_prec(c.beta));
        mpfr_set(beta, c.beta, MPFR_RNDN);
    }
    coefs_clear(&c);
    return r;
}

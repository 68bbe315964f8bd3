/*
 * gradcheck.c -- finite-difference gradient checker (bce_gradcheck.h).
 *
 * Method (double modes).  Along a displacement t d (d = e_j, a unit
 * direction u, or v), the central difference
 *     D(t) = (f(w + t d) - f(w - t d)) / (2t) = f'(0) + c2 t^2 + c4 t^4 + ...
 * is taken at t_i = t0 2^-i (i < levels) and extrapolated to t = 0 by
 * Neville's scheme in the variable s = t^2 (Richardson; for ratios exactly
 * 2 it is T_ij = T_i,j-1 + (T_i,j-1 - T_i-1,j-1) / (4^j - 1)).  Ridders'
 * rule picks the tableau entry whose differences to its two parents are
 * smallest -- over the whole tableau: Ridders' early stop (when the
 * diagonal grows) was seen to stop in the pre-asymptotic region of a first
 * step that is too large (k = 512 Hessian-vector products, error 5e-8 with
 * an estimate of 2e-7), so every level is used.  The estimate of the
 * chosen entry is that difference plus the
 * evaluation error (f_rel_err |f| + f_abs_err) / t propagated through the
 * tableau's weights.
 *
 * Coordinate mode: t_i is a power of two, halved further if needed until
 * (w_j + t) - w_j == t and w_j - (w_j - t) == t, so the points are exact and
 * the difference quotient divides by the true step.
 *
 * MPFR mode: f at >= 256 bits, t = 2^-80 (times the power of two above
 * |w_j|): the truncation error is ~ |f'''| 2^-160, the round-off
 * 2^-prec |f| / t ~ 2^-176 |f|; one Richardson step with t and t/2 cancels
 * the t^2 term and |D(t/2) - D(t)|/3 bounds what remains (an
 * overestimate).  No gradient formula is involved.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bce_gradcheck.h"
#include "bcev_internal.h"

#define GC_MAX_LEVELS 30
#define U53 0x1p-53

void bcev_gc_defaults(bcev_gc_options *o)
{
    memset(o, 0, sizeof *o);
    o->atol = 0.0;
    o->atol_vec = NULL;
    o->rtol = 1e-7;
    o->step = 0x1p-4;
    o->typ = 1.0;
    o->levels = 8;
    o->f_rel_err = 0x1p-50;
    o->f_abs_err = 0.0;
    o->ndirs = 8;
    o->seed = 1;
    o->prec = 256;
    o->step_log2 = -80;
}

static int opts_ok(const bcev_gc_options *o)
{
    return o->atol >= 0.0 && o->rtol >= 0.0 && o->step > 0.0
           && o->step < INFINITY && o->typ > 0.0 && o->typ < INFINITY
           && o->levels >= 2 && o->levels <= GC_MAX_LEVELS
           && o->f_rel_err >= 0.0 && o->f_abs_err >= 0.0
           && o->prec >= 64 && o->prec <= 1 << 20
           && o->step_log2 <= -2 && o->step_log2 >= -100000;
}

/* The power of two >= x (x > 0, finite). */
static double pow2_ceil(double x)
{
    int e;
    double m = frexp(x, &e);      /* x = m 2^e, m in [0.5, 1) */
    return m == 0.5 ? x : ldexp(1.0, e);
}

/* ------------------------------------------------------------------ */
/* Report                                                               */

static void rep_start(bcev_gc_report *rep, size_t count)
{
    memset(rep, 0, sizeof *rep);
    rep->count = count;
    rep->ratio = -1.0;
    rep->pass = 1;
}

/* Record component c: ae = |claimed - fd| (computed by the caller). */
static void rep_add_ae(bcev_gc_report *rep, size_t c, double claimed,
                       double fd, double ae, double est, double atol_c,
                       double rtol)
{
    double re = fd != 0.0 ? ae / fabs(fd) : (ae == 0.0 ? 0.0 : INFINITY);
    double tol = atol_c + rtol * fabs(fd) + est;
    double ratio = ae <= tol ? (tol > 0.0 ? ae / tol : 0.0)
                             : (tol > 0.0 ? ae / tol : INFINITY);
    if (isnan(ae))
        ratio = INFINITY;
    if (!(ae <= tol))
        rep->n_fail++;
    if (ae > rep->max_abs_err || isnan(ae))
        rep->max_abs_err = ae;
    if (fd != 0.0 && (re > rep->max_rel_err || isnan(re)))
        rep->max_rel_err = re;
    if (est > rep->max_fd_err)
        rep->max_fd_err = est;
    if (ratio > rep->ratio) {
        rep->ratio = ratio;
        rep->worst = c;
        rep->claimed = claimed;
        rep->fd = fd;
        rep->abs_err = ae;
        rep->rel_err = re;
        rep->fd_err = est;
        rep->tol = tol;
    }
    rep->pass = rep->n_fail == 0;
}

static void rep_add(bcev_gc_report *rep, size_t c, double claimed, double fd,
                    double est, double atol_c, double rtol)
{
    rep_add_ae(rep, c, claimed, fd, fabs(claimed - fd), est, atol_c, rtol);
}

void bcev_gc_print(FILE *out, const char *name, const bcev_gc_report *rep)
{
    fprintf(out, "%s %s: worst %zu claimed %.17g fd %.17g abs %.3g rel %.3g "
                 "est %.3g tol %.3g ratio %.3g; failed %zu/%zu, %zu evaluations\n",
            rep->pass ? "PASS" : "FAIL", name, rep->worst, rep->claimed,
            rep->fd, rep->abs_err, rep->rel_err, rep->fd_err, rep->tol,
            rep->ratio, rep->n_fail, rep->count, rep->n_evals);
}

/* ------------------------------------------------------------------ */
/* The Richardson engine (double)                                      */

/*
 * A probe evaluates p outputs at the displacement t (point w + t d).
 * exact_t (may be NULL) returns a step <= t for which the displacement is
 * exact.  extra_abs (may be NULL) returns an additional absolute error of
 * one evaluation at step t (e.g. the rounding of the point).
 */
typedef struct probe {
    size_t p;
    int (*eval)(void *pc, double t, double *out);
    double (*exact_t)(void *pc, double t);
    double (*extra_abs)(void *pc, double t);
    void *pc;
} probe;

/*
 * fd[c], est[c] for c < p.  work: 4 * levels * p + 2 p doubles.
 * Returns 0, or BCEV_GC_EVAL_ERROR.
 */
static int richardson(const probe *pr, double t0, const bcev_gc_options *o,
                      double *fd, double *est, double *work, size_t *nevals)
{
    const size_t p = pr->p;
    const int L = o->levels;
    double *D = work;                      /* D[i*p + c]    */
    double *N = D + (size_t)L * p;         /* noise of D    */
    double *fp = N + (size_t)L * p, *fm = fp + p;
    double s[GC_MAX_LEVELS];               /* t_i^2         */
    double t = t0, tprev = INFINITY;
    for (int i = 0; i < L; i++) {
        double ti = t0 * ldexp(1.0, -i);
        if (ti >= tprev)
            ti = tprev * 0.5;
        if (pr->exact_t) {
            double nom = ti;
            ti = pr->exact_t(pr->pc, nom);
            while (ti >= tprev && ti > 0.0) {   /* terminates: nom -> 0 */
                nom *= 0.5;
                ti = pr->exact_t(pr->pc, nom);
            }
        }
        if (!(ti > 0.0))
            return BCEV_GC_EVAL_ERROR;
        t = ti;
        tprev = t;
        s[i] = (t / t0) * (t / t0);       /* scaled: no overflow */
        if (pr->eval(pr->pc, t, fp) != 0 || pr->eval(pr->pc, -t, fm) != 0)
            return BCEV_GC_EVAL_ERROR;
        *nevals += 2;
        double xa = pr->extra_abs ? pr->extra_abs(pr->pc, t) : 0.0;
        for (size_t c = 0; c < p; c++) {
            if (!isfinite(fp[c]) || !isfinite(fm[c]))
                return BCEV_GC_EVAL_ERROR;
            double big = fabs(fp[c]) > fabs(fm[c]) ? fabs(fp[c]) : fabs(fm[c]);
            D[(size_t)i * p + c] = (fp[c] - fm[c]) / (2.0 * t);
            /* error of fp - fm: 2 (rel big + abs) (+ its own rounding), / 2t */
            N[(size_t)i * p + c] = ((o->f_rel_err + U53) * big + o->f_abs_err + xa)
                                   / t * (1.0 + 0x1p-40);
        }
    }
    /* Neville / Ridders per component: rows a[j] over the last two columns */
    for (size_t c = 0; c < p; c++) {
        double a[GC_MAX_LEVELS], an[GC_MAX_LEVELS];     /* column i-1 */
        double b[GC_MAX_LEVELS], bn[GC_MAX_LEVELS];     /* column i   */
        a[0] = D[c];
        an[0] = N[c];
        double best = a[0], besterr = INFINITY, bestnoise = an[0];
        for (int i = 1; i < L; i++) {
            b[0] = D[(size_t)i * p + c];
            bn[0] = N[(size_t)i * p + c];
            for (int j = 1; j <= i; j++) {
                double sl = s[i - j], sh = s[i];       /* sl > sh */
                double den = sl - sh;
                b[j] = (sl * b[j - 1] - sh * a[j - 1]) / den;
                bn[j] = (sl * bn[j - 1] + sh * an[j - 1]) / den;
                double e1 = fabs(b[j] - b[j - 1]), e2 = fabs(b[j] - a[j - 1]);
                double errt = e1 > e2 ? e1 : e2;
                if (errt <= besterr) {
                    besterr = errt;
                    best = b[j];
                    bestnoise = bn[j];
                }
            }
            memcpy(a, b, sizeof(double) * (size_t)(i + 1));
            memcpy(an, bn, sizeof(double) * (size_t)(i + 1));
        }
        fd[c] = best;
        est[c] = besterr + bestnoise;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Coordinate mode                                                      */

typedef struct coord_ctx {
    bcev_objective f;
    void *ctx;
    double *x;          /* working copy of w */
    size_t j;
    double wj;
} coord_ctx;

static int coord_eval(void *pc, double t, double *out)
{
    coord_ctx *cc = pc;
    cc->x[cc->j] = cc->wj + t;           /* exact by construction */
    out[0] = cc->f(cc->x, cc->ctx);
    cc->x[cc->j] = cc->wj;
    return 0;
}

/* Largest step <= t (halving) with w + t and w - t exact. */
static double coord_exact_t(void *pc, double t)
{
    coord_ctx *cc = pc;
    volatile double w = cc->wj;          /* keep the compiler from folding */
    /* first the representable steps nearest t: (w + t) - w, w - (w - t) */
    for (int side = 0; side < 2; side++) {
        volatile double a1 = side ? w - t : w + t;
        volatile double t1 = side ? w - a1 : a1 - w;
        if (t1 > 0.0) {
            volatile double a = w + t1, b = w - t1;
            if (a - w == t1 && w - b == t1)
                return t1;
        }
    }
    for (int guard = 0; guard < 2200 && t > 0.0; guard++) {
        volatile double a = w + t, b = w - t;
        if (a - w == t && w - b == t)
            return t;
        t = pow2_ceil(t) * 0.5;          /* next power of two below */
    }
    return 0.0;
}

static const bcev_gc_options *opts_or_default(const bcev_gc_options *opt,
                                              bcev_gc_options *tmp)
{
    if (opt != NULL)
        return opt;
    bcev_gc_defaults(tmp);
    return tmp;
}

int bcev_gradcheck(size_t k, bcev_objective f, void *ctx, const double *w,
                   const double *grad, const bcev_gc_options *opt,
                   bcev_gc_report *rep, double *fd, double *fd_err)
{
    bcev_gc_options tmp;
    const bcev_gc_options *o = opts_or_default(opt, &tmp);
    if (rep == NULL)
        return BCEV_GC_BAD_ARG;
    rep_start(rep, k);
    if (k == 0 || f == NULL || w == NULL || grad == NULL || !opts_ok(o))
        return BCEV_GC_BAD_ARG;
    for (size_t j = 0; j < k; j++)
        if (!isfinite(w[j]))
            return BCEV_GC_BAD_ARG;
    double *x = malloc(k * sizeof *x);
    double *work = malloc((4 * (size_t)o->levels + 2) * sizeof *work);
    if (x == NULL || work == NULL) {
        free(x);
        free(work);
        return BCEV_GC_BAD_ARG;
    }
    memcpy(x, w, k * sizeof *x);
    coord_ctx cc = {f, ctx, x, 0, 0.0};
    probe pr = {1, coord_eval, coord_exact_t, NULL, &cc};
    int status = BCEV_GC_OK;
    for (size_t j = 0; j < k; j++) {
        cc.j = j;
        cc.wj = w[j];
        double scale = fabs(w[j]) > o->typ ? fabs(w[j]) : o->typ;
        double t0 = pow2_ceil(o->step * scale);
        double d, e;
        if (richardson(&pr, t0, o, &d, &e, work, &rep->n_evals) != 0) {
            status = BCEV_GC_EVAL_ERROR;
            rep->worst = j;
            rep->pass = 0;
            break;
        }
        if (fd)
            fd[j] = d;
        if (fd_err)
            fd_err[j] = e;
        double at = o->atol_vec ? o->atol_vec[j] : o->atol;
        rep_add(rep, j, grad[j], d, e, at, o->rtol);
    }
    free(x);
    free(work);
    return status;
}

/* ------------------------------------------------------------------ */
/* Directional mode and Jacobian-vector products                        */

typedef struct dir_ctx {
    size_t k, p;
    bcev_objective f;
    bcev_vecfun F;
    void *ctx;
    const double *w, *u, *g;   /* g: claimed gradient (for the point error) */
    double *x;
} dir_ctx;

static void dir_point(dir_ctx *dc, double t)
{
    for (size_t j = 0; j < dc->k; j++)
        dc->x[j] = dc->w[j] + t * dc->u[j];
}

static int dir_eval(void *pc, double t, double *out)
{
    dir_ctx *dc = pc;
    dir_point(dc, t);
    if (dc->F)
        return dc->F(dc->x, out, dc->ctx);
    out[0] = dc->f(dc->x, dc->ctx);
    return 0;
}

/* Rounding the point w + t u to doubles moves it by <= 2^-53 |w_j + t u_j|
 * per coordinate: f moves by about sum_j |g_j| that much (first order). */
static double dir_extra(void *pc, double t)
{
    dir_ctx *dc = pc;
    double s = 0.0;
    for (size_t j = 0; j < dc->k; j++)
        s += fabs(dc->g[j]) * (fabs(dc->w[j]) + fabs(t * dc->u[j]));
    return 2.0 * U53 * s;
}

/* Standard normal (Box-Muller; u1 in (0,1]). */
static double gauss(bcev_rng *r)
{
    double u1 = 1.0 - bcev_rng_unif(r), u2 = bcev_rng_unif(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* sum a_j b_j, compensated (Dot2: TwoProduct with fma, TwoSum), and a
 * bound on its error. */
static double dot2(size_t k, const double *a, const double *b, double *errb)
{
    double s = 0.0, c = 0.0, abs = 0.0;
    for (size_t j = 0; j < k; j++) {
        double pj = a[j] * b[j];
        double pe = fma(a[j], b[j], -pj);
        double t = s + pj;
        double bb = t - s;
        double se = (s - (t - bb)) + (pj - bb);
        s = t;
        c += pe + se;
        abs += fabs(pj);
    }
    /* Ogita-Rump-Oishi: |res - dot| <= u |dot| + gamma_k^2 sum |a b| */
    double res = s + c;
    double gk = (double)k * U53 / (1.0 - (double)k * U53);
    *errb = U53 * fabs(res) + 2.0 * gk * gk * abs + DBL_MIN;
    return res;
}

static double max_abs(size_t k, const double *v)
{
    double m = 0.0;
    for (size_t j = 0; j < k; j++)
        if (fabs(v[j]) > m)
            m = fabs(v[j]);
    return m;
}

int bcev_gradcheck_dir(size_t k, bcev_objective f, void *ctx, const double *w,
                       const double *grad, const bcev_gc_options *opt,
                       bcev_gc_report *rep)
{
    bcev_gc_options tmp;
    const bcev_gc_options *o = opts_or_default(opt, &tmp);
    if (rep == NULL)
        return BCEV_GC_BAD_ARG;
    rep_start(rep, o->ndirs);
    if (k == 0 || f == NULL || w == NULL || grad == NULL || !opts_ok(o)
        || o->ndirs == 0)
        return BCEV_GC_BAD_ARG;
    for (size_t j = 0; j < k; j++)
        if (!isfinite(w[j]) || !isfinite(grad[j]))
            return BCEV_GC_BAD_ARG;
    double *u = malloc(k * sizeof *u), *x = malloc(k * sizeof *x);
    double *work = malloc((4 * (size_t)o->levels + 2) * sizeof *work);
    if (u == NULL || x == NULL || work == NULL) {
        free(u);
        free(x);
        free(work);
        return BCEV_GC_BAD_ARG;
    }
    bcev_rng rng;
    bcev_rng_seed(&rng, o->seed);
    double wmax = max_abs(k, w);
    double t0 = pow2_ceil(o->step * (wmax > o->typ ? wmax : o->typ));
    dir_ctx dc = {k, 1, f, NULL, ctx, w, u, grad, x};
    probe pr = {1, dir_eval, NULL, dir_extra, &dc};
    int status = BCEV_GC_OK;
    for (size_t d = 0; d < o->ndirs; d++) {
        double nrm;
        do {
            nrm = 0.0;
            for (size_t j = 0; j < k; j++) {
                u[j] = gauss(&rng);
                nrm += u[j] * u[j];
            }
        } while (nrm == 0.0);
        nrm = sqrt(nrm);
        for (size_t j = 0; j < k; j++)
            u[j] /= nrm;
        double fdv, e, derr;
        if (richardson(&pr, t0, o, &fdv, &e, work, &rep->n_evals) != 0) {
            status = BCEV_GC_EVAL_ERROR;
            rep->worst = d;
            rep->pass = 0;
            break;
        }
        double claimed = dot2(k, grad, u, &derr);
        double at = o->atol;
        rep_add(rep, d, claimed, fdv, e + derr, at, o->rtol);
    }
    free(u);
    free(x);
    free(work);
    return status;
}

int bcev_jvpcheck(size_t m, size_t p, bcev_vecfun F, void *ctx,
                  const double *w, const double *v, const double *claimed,
                  const bcev_gc_options *opt, bcev_gc_report *rep,
                  double *fd, double *fd_err)
{
    bcev_gc_options tmp;
    const bcev_gc_options *o = opts_or_default(opt, &tmp);
    if (rep == NULL)
        return BCEV_GC_BAD_ARG;
    rep_start(rep, p);
    if (m == 0 || p == 0 || F == NULL || w == NULL || v == NULL
        || claimed == NULL || !opts_ok(o))
        return BCEV_GC_BAD_ARG;
    for (size_t j = 0; j < m; j++)
        if (!isfinite(w[j]) || !isfinite(v[j]))
            return BCEV_GC_BAD_ARG;
    double vnorm = 0.0, vmax = max_abs(m, v);
    if (vmax == 0.0)
        return BCEV_GC_BAD_ARG;
    for (size_t j = 0; j < m; j++)
        vnorm += (v[j] / vmax) * (v[j] / vmax);
    vnorm = vmax * sqrt(vnorm);                  /* |v|_2, no overflow */
    double *x = malloc(m * sizeof *x);
    double *d = malloc(2 * p * sizeof *d);
    double *work = malloc((4 * (size_t)o->levels + 2) * p * sizeof *work);
    if (x == NULL || d == NULL || work == NULL) {
        free(x);
        free(d);
        free(work);
        return BCEV_GC_BAD_ARG;
    }
    double wmax = max_abs(m, w);
    double t0 = pow2_ceil(o->step * (wmax > o->typ ? wmax : o->typ) / vnorm);
    dir_ctx dc = {m, p, NULL, F, ctx, w, v, NULL, x};
    probe pr = {p, dir_eval, NULL, NULL, &dc};
    int status = richardson(&pr, t0, o, d, d + p, work, &rep->n_evals);
    if (status != 0) {
        rep->pass = 0;
    } else {
        for (size_t c = 0; c < p; c++) {
            double at = o->atol_vec ? o->atol_vec[c] : o->atol;
            rep_add(rep, c, claimed[c], d[c], d[p + c], at, o->rtol);
            if (fd)
                fd[c] = d[c];
            if (fd_err)
                fd_err[c] = d[p + c];
        }
    }
    free(x);
    free(d);
    free(work);
    return status;
}

/* ------------------------------------------------------------------ */
/* MPFR mode                                                            */

int bcev_gradcheck_mpfr(size_t k, bcev_objective_mp f, void *ctx,
                        const double *w, const double *grad,
                        const bcev_gc_options *opt, bcev_gc_report *rep,
                        mpfr_t *fd_mp, double *fd_err)
{
    bcev_gc_options tmp;
    const bcev_gc_options *o = opts_or_default(opt, &tmp);
    if (rep == NULL)
        return BCEV_GC_BAD_ARG;
    rep_start(rep, k);
    if (k == 0 || f == NULL || w == NULL || !opts_ok(o))
        return BCEV_GC_BAD_ARG;
    for (size_t j = 0; j < k; j++)
        if (!isfinite(w[j]))
            return BCEV_GC_BAD_ARG;
    bcev_widen_range();

    const mpfr_prec_t P = o->prec;
    /* parameters: w_j +- h are formed exactly (bcev_xadd picks the
     * precision: a tiny w_j next to h = 2^-80 may need ~1000 bits) */
    mpfr_t *x = malloc(k * sizeof *x);
    if (x == NULL)
        return BCEV_GC_BAD_ARG;
    for (size_t j = 0; j < k; j++) {
        mpfr_init2(x[j], 53);
        bcev_xset_d(x[j], w[j]);
    }
    mpfr_t f0, fa, fb, Dh, Dh2, h, t, wj;
    mpfr_inits2(P, f0, fa, fb, Dh, Dh2, t, (mpfr_ptr)0);
    mpfr_init2(h, 8);
    mpfr_init2(wj, 53);
    int status = BCEV_GC_OK;
    if (f(f0, (const mpfr_t *)x, BCEV_GC_BASE, ctx) != 0 || !mpfr_number_p(f0)) {
        status = BCEV_GC_EVAL_ERROR;
        rep->pass = 0;
        goto done;
    }
    rep->n_evals++;
    for (size_t j = 0; j < k && status == BCEV_GC_OK; j++) {
        double scale = fabs(w[j]) > o->typ ? fabs(w[j]) : o->typ;
        double sc = pow2_ceil(scale);
        int e;
        frexp(sc, &e);                           /* sc = 2^(e-1) */
        double fmax = 0.0;
        for (int lev = 0; lev < 2; lev++) {      /* h, then h/2 */
            mpfr_set_ui_2exp(h, 1, (mpfr_exp_t)(e - 1 + o->step_log2 - lev),
                             MPFR_RNDN);
            bcev_xset_d(wj, w[j]);
            bcev_xadd(x[j], wj, h);                  /* exact */
            int bad = f(fa, (const mpfr_t *)x, j, ctx) != 0;
            bcev_xsub(x[j], wj, h);                  /* exact */
            bad |= f(fb, (const mpfr_t *)x, j, ctx) != 0;
            bcev_xset_d(x[j], w[j]);
            rep->n_evals += 2;
            if (bad || !mpfr_number_p(fa) || !mpfr_number_p(fb)) {
                status = BCEV_GC_EVAL_ERROR;
                rep->worst = j;
                rep->pass = 0;
                break;
            }
            double m1 = fabs(mpfr_get_d(fa, MPFR_RNDN));
            double m2 = fabs(mpfr_get_d(fb, MPFR_RNDN));
            if (m1 > fmax) fmax = m1;
            if (m2 > fmax) fmax = m2;
            mpfr_t *D = lev == 0 ? &Dh : &Dh2;
            mpfr_sub(*D, fa, fb, MPFR_RNDN);
            mpfr_div_2ui(*D, *D, 1, MPFR_RNDN);
            mpfr_div(*D, *D, h, MPFR_RNDN);          /* exact: power of 2 */
        }
        if (status != BCEV_GC_OK)
            break;
        /* R = Dh2 + (Dh2 - Dh)/3 */
        mpfr_sub(t, Dh2, Dh, MPFR_RNDN);
        mpfr_div_ui(t, t, 3, MPFR_RNDN);
        double trunc = fabs(mpfr_get_d(t, MPFR_RNDU)) * (1.0 + 0x1p-40);
        mpfr_add(t, Dh2, t, MPFR_RNDN);
        /* round-off: each f within 2^-P relative (+ sub/div roundings),
         * fa - fb over 2h at the smaller h (twice as large) and the
         * Richardson weights 4/3 + 1/3: <= 2^(3-P) fmax / h_small */
        double hs = ldexp(1.0, e - 1 + o->step_log2 - 1);
        double noise = ldexp(fmax, 3 - (int)(P > 2000 ? 2000 : P)) / hs;
        double est = trunc + noise;
        double fdd = mpfr_get_d(t, MPFR_RNDN);
        if (fd_mp) {
            mpfr_set_prec(fd_mp[j], P);
            mpfr_set(fd_mp[j], t, MPFR_RNDN);
        }
        if (fd_err)
            fd_err[j] = est;
        if (grad) {
            double at = o->atol_vec ? o->atol_vec[j] : o->atol;
            /* the difference claimed - fd in MPFR, then rounded */
            bcev_xset_d(wj, grad[j]);
            mpfr_sub(Dh, t, wj, MPFR_RNDN);
            double ae = fabs(mpfr_get_d(Dh, MPFR_RNDU));
            rep_add_ae(rep, j, grad[j], fdd, ae, est, at, o->rtol);
        } else {
            rep_add(rep, j, fdd, fdd, est, INFINITY, 0.0);
        }
    }
done:
    for (size_t j = 0; j < k; j++)
        mpfr_clear(x[j]);
    free(x);
    mpfr_clears(f0, fa, fb, Dh, Dh2, t, h, wj, (mpfr_ptr)0);
    return status;
}

/*
 * td_log.c -- log, log1p and log1p of a scaled td, in triple-double.
 * Results are scaled: 2^F w with |w.h| in [1,2).
 *
 * Core: log(x), x > 0 a double (log_core, unscaled td result)
 *   x = 2^k m, m in [0.6875, 1.375) (subnormals: x 2^64 first; |k| <= 1075);
 *   i = interval of m (tables/tables.h: 256 of them), c = bce_log_c[i] (20 bits;
 *   c = 1 on the two intervals next to 1), T = -log c = bce_log_tab[i] (td,
 *   rel. 2^-158).  r = c m - 1 EXACTLY: (p,q) = TwoProd(c,m), p - 1 exact
 *   (Sterbenz), r = (p-1) + q renormalized by a two_sum; |r| <= 2^-8 (table
 *   property, re-checked by tests/test_td.c at every interval's ends).
 *   log1p(r) = r Q_1(r), Q_1 = sum_{n=1}^{19} (-1)^(n+1) r^(n-1)/n: terms
 *   n >= 8 by double-double Horner, n = 7..1 in td (bce_td_log1p_coef);
 *   truncation <= |r|^19/20 (1.006) <= 2^-156.3 relative.
 *   log x = K + (T + L), K = k ln2 = bce_td_mul_d(bce_td_ln2, k).
 *
 * Certified: the degree-19 log1p polynomial, 2^-156.32 relative
 *   (proofs/sollya/td_poly.sollya); the rest is written, not machine-checked.
 * Proven relative error of log_core (u = 2^-53, bounds of accurate/td.h):
 *   L = log1p(r): Horner as in td_exp.c with rho_n = |r Q_{n+1}/Q_n|
 *     <= 2^-8 n/(n+1) (1.008) <= 2^-8, alpha <= 2^-154.6, mu = 2^-152.3,
 *     eps_8 (dd tail) <= 2^-100: eps_7 <= 2^-108, eps_6 <= 2^-116, ...,
 *     eps_3 <= 2^-140, eps_2 <= 2^-147.98, eps_1 <= 2^-154.1;
 *     L = r q_1: eps_L <= 2^-154.1 + 2^-152.3 + 2^-156.3 <= 2^-151.8.
 *   K: mul_d 2^-154.7 + ln2 2^-158 <= 2^-154.6.  T: 2^-158.
 *   Sums (bce_td_add, 2^-154.8 of the operands' magnitudes each):
 *     |err| <= (2^-151.8 + 2 * 2^-154.8) (|K| + |T| + |L|) <= 2^-151.48 M.
 *   Cancellation M / |log x| <= 5.004:
 *     k = 0, c != 1: m outside [1-2^-9, 1+2^-8), |log m| >= 2^-9.0 (0.001955),
 *       |L| <= 0.003914, M <= |log m| + 2|L|: ratio <= 1 + 2 (0.003914/0.001955);
 *     k = 1: |log x| >= ln2 + log(0.6875) = 0.3184, M <= 1.0757: 3.38;
 *     k = -1: |log x| >= ln2 - log(1.375) = 0.3747: 2.9; |k| >= 2 smaller;
 *     k = 0, c = 1: T = K = 0, log x = L: ratio 1.
 *   (So every bce_td_add has |a+b| >= (|a|+|b|)/5.004: results normalized.)
 *   log_core: relative error <= 5.004 * 2^-151.48 <= 2^-149.1.
 *
 * bce_td_log(x) = scale(log_core(x)); log(1) = 0.  Bound 2^-149.1.
 *
 * log_of_sum(y0, D): log(y0 + D), |D| <= 2^-50 y0, |log y0| >= 2^-9.01:
 *   log(y0) + log1p(delta), delta = D (1/y0) (bce_td_recip 2^-152.1 and
 *   bce_td_mul 2^-152.3), log1p(delta) = delta (1 - delta/2 + delta^2/3
 *   - delta^3/4) (truncation 2^-200).  |log1p(delta)| <= 2^-49.9 |log y0|, so
 *   errors: 2^-149.1 (log_core) + 2^-154.8 (add) + 2^-200: <= 2^-149.0.
 *
 * bce_td_log1p(u), u in (-1, 1]:
 *   u = 0: 0.  |u| < 2^-60: log1p(u) = u (1 - u/2 + u^2/3) computed on the
 *     scaled u (no underflow; truncation |u|^3/4 <= 2^-182; td ops <= 2^-153.6);
 *     the u^2/3 term is dropped for |u| < 2^-480 (error <= 2^-960), and u/2
 *     is inexact only for subnormal u (error 2^-1075 absolute in 1 - u/2).
 *   -2^-9 <= u < 2^-8: r = u exactly, log1p(r) as above: 2^-151.8.
 *   else: 1 + u = x0 + x1 exactly (two_sum), log_of_sum(x0, x1) with
 *     |log x0| >= |log(1-2^-9)| >= 2^-9.01: 2^-149.0.
 *
 * bce_td_log1p_scaled(E, v), x = 2^E v > 0:
 *   E = INT_MIN: "0+" (F = INT_MIN, w = 1).
 *   E < -200: w = v (log1p(x)/x - 1 in [-x/2, 0]: error <= 2^E <= 2^-201).
 *   -200 <= E <= -61: w = v (1 - x/2 + x^2/3) (truncation x^3/4 <= 2^-178
 *     relative; ops <= 2^-152).
 *   -60 <= E <= -9: x < 2^-8: log1p(x) by the polynomial: 2^-151.8.
 *   -8 <= E <= 0: x >= 2^-8: 1 + x = y0 + D with y0 = RN(1 + x.h) >= 1 + 2^-8
 *     and D = (1 + x.h - y0) + x.m + x.l EXACT (sum3_exact), then
 *     log_of_sum(y0, D): 2^-149.0.
 *
 * Proven: every function here <= 2^-149.0 relative (stated as 2^-148.9).
 * Measured maxima (tests/test_td.c against MPFR): docs/ACCURACY.md, level 2.
 */
#include <limits.h>
#include <stdint.h>

#include "accurate/accurate.h"
#include "accurate/td_data.h"
#include "tables/tables.h"

/* log1p(r), |r| <= 2^-8, r normalized. */
static bce_td log1p_poly(bce_td r)
{
    const double (*c)[3] = bce_td_log1p_coef;
    double qh = c[BCE_TD_LOG_DEG][0], ql = c[BCE_TD_LOG_DEG][1];
    for (int n = BCE_TD_LOG_DEG - 1; n >= 8; n--)
        bce_td_dd_muladd(c[n][0], c[n][1], r.h, r.m, &qh, &ql);
    bce_td q = bce_td_make(qh, ql, 0.0);
    for (int n = 7; n >= 1; n--)
        q = bce_td_add(bce_td_from_arr(c[n]), bce_td_mul(r, q));
    return bce_td_mul(r, q);
}

/* log1p(d), |d| <= 2^-49, d normalized: d (1 - d/2 + d^2/3 - d^3/4). */
static bce_td log1p_small(bce_td d)
{
    const double (*c)[3] = bce_td_log1p_coef;
    bce_td q = bce_td_from_arr(c[4]);
    for (int n = 3; n >= 1; n--)
        q = bce_td_add(bce_td_from_arr(c[n]), bce_td_mul(d, q));
    return bce_td_mul(d, q);
}

/* log x, x > 0 finite (normal or subnormal), unscaled. */
static bce_td log_core(double x)
{
    uint64_t ix = bce_td_asu64(x);
    int kadj = 0;
    if (ix < 0x0010000000000000ull) { /* subnormal: scale by 2^64 (exact) */
        ix = bce_td_asu64(x * 0x1p64);
        kadj = -64;
    }
    uint64_t tmp = ix - BCE_LOG_OFF;
    int i = (int)((tmp >> 44) & (BCE_LOG_N - 1));
    int k = (int)(tmp >> 52);        /* 12-bit two's complement */
    if (k >= 2048)
        k -= 4096;
    double m = bce_td_asdbl(ix - (tmp & 0xfff0000000000000ull)); /* [0.6875, 1.375) */
    k += kadj;
    double c = bce_log_c[i];
    double p, q, r0, r1;
    bce_td_two_prod(c, m, &p, &q);
    bce_td_two_sum(p - 1.0, q, &r0, &r1); /* p - 1 exact: p in [1-2^-8, 1+2^-8] */
    bce_td L = log1p_poly(bce_td_make(r0, r1, 0.0));
    bce_td S = bce_td_add(bce_td_from_arr(bce_log_tab[i]), L);
    bce_td K = bce_td_mul_d(bce_td_from_arr(bce_td_ln2), (double)k);
    return bce_td_add(K, S);
}

/* log(y0 + D): y0 > 0 double, D normalized, |D| <= 2^-50 y0, |log y0| >= 2^-9.01. */
static bce_td log_of_sum(double y0, bce_td D)
{
    bce_td A = log_core(y0);
    bce_td delta = bce_td_mul(D, bce_td_recip(bce_td_from_d(y0)));
    return bce_td_add(A, log1p_small(delta));
}

/* Exact, normalized a + b + c when |c| <= 2^-52 |b|.
 * If TS(a,b) is inexact (e != 0) the sum was not a Sterbenz cancellation, so
 * |s| >= |b|/2 and |e| + |c| <= 2^-40 |s|: renorm3 normalizes.  If e = 0 the
 * two doubles s + c are renormalized by one two_sum. */
static bce_td sum3_exact(double a, double b, double c)
{
    double s, e, h, m;
    bce_td_two_sum(a, b, &s, &e);
    if (e == 0.0) {
        bce_td_two_sum(s, c, &h, &m);
        return bce_td_make(h, m, 0.0);
    }
    return bce_td_renorm3(s, e, c);
}

/* res != 0 (normal leading part) -> 2^F w, |w.h| in [1,2). */
static void to_scaled(bce_td res, int *F, bce_td *w)
{
    int f = 0;
    bce_td_norm_exp(&res, &f);
    *F = f;
    *w = res;
}

void bce_td_log(double x, int *F, bce_td *w)
{
    if (x == 1.0) {
        *F = 0;
        *w = bce_td_make(0.0, 0.0, 0.0);
        return;
    }
    to_scaled(log_core(x), F, w);
}

void bce_td_log1p(double u, int *F, bce_td *w)
{
    double au = bce_td_fabs(u);
    if (u == 0.0) {
        *F = 0;
        *w = bce_td_make(0.0, 0.0, 0.0);
        return;
    }
    if (au < 0x1p-60) {
        double uu = u;
        int adj = 0;
        if (au < 0x1p-1022) { /* subnormal */
            uu = u * 0x1p64;
            adj = -64;
        }
        int f = bce_td_ilogb(uu);
        double us = uu * bce_td_pow2(-f);   /* +-[1,2), exact */
        bce_td p = bce_td_make(1.0, -0.5 * u, 0.0); /* u/2 inexact only if u subnormal */
        if (au >= 0x1p-480) {
            double a, b;
            bce_td_two_prod(u, u, &a, &b);      /* u^2 >= 2^-960: exact */
            bce_td u2_3 = bce_td_mul(bce_td_make(a, b, 0.0),
                                     bce_td_from_arr(bce_td_log1p_coef[3]));
            p = bce_td_add(p, u2_3);
        }
        bce_td res = bce_td_mul_d(p, us);
        f += adj;
        bce_td_norm_exp(&res, &f);
        *F = f;
        *w = res;
        return;
    }
    if (u >= -0x1p-9 && u < 0x1p-8) {
        to_scaled(log1p_poly(bce_td_from_d(u)), F, w);
        return;
    }
    double x0, x1;
    bce_td_two_sum(1.0, u, &x0, &x1);
    to_scaled(log_of_sum(x0, bce_td_from_d(x1)), F, w);
}

void bce_td_log1p_scaled(int E, const bce_td *v, int *F, bce_td *w)
{
    if (E == INT_MIN) {
        *F = INT_MIN;
        *w = bce_td_from_d(1.0);
        return;
    }
    if (E < -200) {
        *F = E;
        *w = *v;
        return;
    }
    if (E <= -61) {
        bce_td X = bce_td_scale(*v, E);
        bce_td X2 = bce_td_mul(X, X);                       /* >= 2^-400 */
        bce_td t = bce_td_add(bce_td_neg(bce_td_scale(X, -1)),
                              bce_td_mul(X2, bce_td_from_arr(bce_td_log1p_coef[3])));
        bce_td p = bce_td_add(bce_td_from_d(1.0), t);
        bce_td res = bce_td_mul(*v, p);
        int f = E;
        bce_td_norm_exp(&res, &f);
        *F = f;
        *w = res;
        return;
    }
    bce_td X = bce_td_scale(*v, E);
    if (E <= -9) {
        to_scaled(log1p_poly(X), F, w);
        return;
    }
    double y0, e0;
    bce_td_two_sum(1.0, X.h, &y0, &e0);
    to_scaled(log_of_sum(y0, sum3_exact(e0, X.m, X.l)), F, w);
}

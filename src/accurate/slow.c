/*
 * accurate/slow.c -- the accurate slow path: one output of one sample recomputed in
 * triple-double (src/accurate/, every primitive proven within 2^-148.9
 * relative), label coefficients included, so that the kernels' rounding
 * tests can be decided.  Called when the level-1 error bound does not
 * decide the rounding (f32: a float midpoint within the bound; f64
 * gradient: |g| < 2^55 err, i.e. a soft label cancelling against sigma(z)).
 *
 * Error bound attached to the result (absolute, same units as the value):
 *   2^-144 (|terms|) where the terms are the two quantities whose sum or
 *   difference is the output (N s0 and T for the gradient; the two loss
 *   terms; N p and alpha over p(1-p)), which covers every td operation
 *   (<= 2^-148.9 each, a handful of them) with margin.  A cancelling
 *   gradient is therefore within 1 ulp whenever |g| >= 2^-88 |terms|.
 *
 * Cases the level-1 path already computes exactly enough (infinities,
 * z beyond 2^900, clamped constants, overflowing quotients) leave *out
 * unchanged.
 */
#include <limits.h>
#include <math.h>
#include "core/internal.h"
#include "accurate/accurate.h"

#define SLOW_REL 0x1p-144

/* floor(log2 |x|) for a finite nonzero x, subnormals included */
static int bce_exponent(double x)
{
    uint64_t u = bce_asuint64(x) & 0x7fffffffffffffffULL;
    int be = (int)(u >> 52);
    if (be) return be - 1023;
    return -1011 - __builtin_clzll(u);          /* 2^-1074 has clz 63 */
}

static bce_td td0(void) { return bce_td_make(0.0, 0.0, 0.0); }

/* 2^n for any n in [-2044, 2046], applied in two exact steps. */
static bce_td td_ldexp(bce_td a, int n)
{
    int n1 = n / 2;
    return bce_td_scale(bce_td_scale(a, n1), n - n1);
}

/* td -> normalised double-double (hi = RN(h + m + l) up to ties at 2^-150) */
static bce_dd td_to_dd(bce_td a)
{
    bce_dd s = bce_two_sum(a.m, a.l);
    bce_dd h = bce_two_sum(a.h, s.hi);
    return bce_fast_two_sum(h.hi, h.lo + s.lo);
}

/* Label coefficients in triple-double (see core/internal.h for the definition). */
static void lab_td(double y, const bce_kparams *kp, bce_td *alpha, bce_td *beta,
                   bce_td *N)
{
    bce_dd omy = bce_two_sum(1.0, -y);
    if (kp->plain) {
        *alpha = bce_td_from_d(y);
        *beta = bce_td_from_dd(omy.hi, omy.lo);
        *N = bce_td_from_d(1.0);
        return;
    }
    bce_td yp = bce_td_from_d(y), om;
    if (kp->smooth != 0.0) {
        bce_td oma = bce_td_from_dd(kp->one_minus_a.hi, kp->one_minus_a.lo);
        yp = bce_td_add(bce_td_mul_d(oma, y), bce_td_from_d(kp->half_a));
        /* 1 - y' = (1-y)(1-a) + a/2: no cancellation (1 - yp lost yp's
         * error relative to 1 - y', up to 2^-150 y'/(1-y') ~ 2^-96; see
         * core/label.c); td_mul 2^-152.3 then a same-sign td_add 2^-154.7 */
        om = bce_td_add(bce_td_mul(oma, bce_td_from_dd(omy.hi, omy.lo)),
                        bce_td_from_d(kp->half_a));
    } else {
        om = bce_td_from_dd(omy.hi, omy.lo);
    }
    *alpha = kp->has_pw ? bce_td_mul_d(yp, kp->pos_weight) : yp;
    *beta = om;
    *N = bce_td_add(*alpha, *beta);
}

/* value = X + 2^F B (X unscaled); out possibly scaled so that tiny values
 * round once.  mag = |X| + |2^F B| bound in the same scale as X.  sgn: the
 * sign of 2^F B when it is dropped as negligible, or when B itself
 * underflowed (F == INT_MIN): r->sticky keeps it for the rounding. */
static void td_combine(bce_td X, bce_td B, int F, int sgn, bce_res *r)
{
    double ax = bce_fabs(X.h);
    if (F == INT_MIN || B.h == 0.0 || F < -1300) {
        r->v = td_to_dd(X); r->scale = 0; r->sticky = sgn;
        r->err = SLOW_REL * ax + (ax == 0.0 ? 0.0 : 0x1p-1074);
        return;
    }
    if (F >= -900) {
        bce_td b = td_ldexp(B, F);
        bce_td v = bce_td_add(X, b);
        r->v = td_to_dd(v); r->scale = 0; r->sticky = 0;
        r->err = SLOW_REL * (ax + bce_fabs(b.h));
        return;
    }
    if (ax > 0x1p-600) { /* 2^F B < 2^-1298: negligible beside X */
        r->v = td_to_dd(X); r->scale = 0; r->sticky = sgn;
        r->err = SLOW_REL * ax + 0x1p-1074;
        return;
    }
    int S = -F;                                /* in (900, 1300] */
    bce_td Xs = td_ldexp(X, S);                /* |X| 2^S < 2^700 */
    bce_td v = bce_td_add(Xs, B);
    r->v = td_to_dd(v); r->scale = S; r->sticky = 0;
    r->err = SLOW_REL * (bce_fabs(Xs.h) + bce_fabs(B.h));
}

void bce_slow_logits(double z, double y, const bce_kparams *kp, int which,
                     bce_res *out)
{
    double az = bce_fabs(z);
    if (which == 1 && az < 0x1p-20) {
        /* Small |z|: sigma(z) = 1/2 + z/4 + c(z), c = -z^3/48 + z^5/480 -
         * 17 z^7/80640 + O(z^9) (below 2^-130 of the first term here), so
         * g = N sigma(z) - alpha = (2 (beta - alpha) + N z + N c4)/4 with
         * c4 = 4 c in double-double (2^-102).  That numerator is summed
         * exactly (src/accurate/exact.c: N c4 enters as exact products), then
         * rounded once: no cancellation of the two halves of sigma is left
         * (the triple-double N s0 - T kept 2^-151 absolute, a quarter of
         * the float quantum at g ~ 2^-128: z = -2^-126, y = 1/2,
         * w = 0x1.6efc36p+1 rounded the wrong way; level 1's labels,
         * 2^-102, left up to 3.7 ulp at z = 0 with y' ~ 1/(P + 1)), and a
         * long numerator (1/2 - y + z/4 at z = 2^-149: 150 bits) keeps
         * every bit that decides a float tie.  Below |z| = 2^-300, c4 is
         * left out: |N c4| < 2^-600 |N z| lies below every rounding of the
         * rest (0 or >= 2^-160 |N z|) and its sign, -sign(z), breaks ties
         * (r->sticky and bce_logits_grad_resolve). */
        bce_dd c4 = bce_dd_make(0.0, 0.0);
        if (az >= 0x1p-300) {
            bce_dd t = bce_two_prod(z, z);
            bce_dd k3 = bce_dd_make(-0x1.5555555555555p-4, -0x1.5555555555555p-58); /* -1/12 */
            bce_dd k5 = bce_dd_make(0x1.1111111111111p-7, 0x1.1111111111111p-63);   /* 1/120 */
            double k7 = -17.0 / 20160.0;
            bce_dd in = bce_dd_add_d(k5, t.hi * k7);
            bce_dd q = bce_dd_add(k3, bce_dd_mul(t, in));
            c4 = bce_dd_mul_d(bce_dd_mul(q, t), z);
        }
        bce_dd m;
        int E;
        if (bce_logits_tinyz_exact(z, y, kp, c4, &m, &E)) return;
        out->err = 0.0;
        out->sticky = 0;
        if (m.hi == 0.0) {         /* exactly 0 (z = 0), or N c -> -+0 */
            out->v = bce_dd_make(z > 0.0 ? -0.0 : 0.0, 0.0); out->scale = 0;
            return;
        }
        int F = E - 2;
        if (F >= -900) {
            out->v = bce_dd_ldexp(m, F); out->scale = 0;
        } else {
            int S = -F < 1400 ? -F : 1400;
            out->v = bce_dd_ldexp(m, F + S); out->scale = S;
        }
        /* num's rounding 2^-105; c4's 2^-102 times N/4 <= (2^64 + 1)/4 */
        out->err = bce_fabs(out->v.hi) * 0x1p-104 + bce_fabs(c4.hi) * 0x1p-39;
        if (az < 0x1p-300) out->sticky = z > 0.0 ? -1 : z < 0.0 ? 1 : 0;
        return;
    }
    /* level 1 is exact enough there (infinities, |z| > 2^900 where the loss
     * is C|z|, |z| < 2^-900 where log1p(e^-|z|) = log 2 - |z|/2 + ...
     * to 2^-1800) */
    if (az - az != 0.0 || az > 0x1p900 || az < 0x1p-900) return;
    bce_td alpha, beta, N;
    lab_td(y, kp, &alpha, &beta, &N);
    const int pos = z > 0;
    bce_td C = pos ? beta : alpha;

    if (which == 0) {          /* L = C |z| + N log1p(e^-|z|) */
        int E, F;
        bce_td e, w;
        bce_td_exp(-az, &E, &e);
        if (E == INT_MIN) { F = INT_MIN; w = td0(); }
        else bce_td_log1p_scaled(E, &e, &F, &w);
        bce_td X = bce_td_mul_d(C, az);
        bce_td B = bce_td_mul(N, w);
        td_combine(X, B, F, +1, out);          /* N log1p(e) > 0 */
        return;
    }
    /* g = N s0 - T (z <= 0), -(N s0 - T) (z > 0), s0 = sigma(-|z|) = 2^E s */
    int E;
    bce_td s;
    bce_td_sigmoid_neg_abs(az, &E, &s);
    bce_td B = bce_td_mul(N, s);
    td_combine(bce_td_neg(C), B, E == INT_MIN ? INT_MIN : E, +1, out);   /* N s0 > 0 */
    if (pos) { out->v = bce_dd_neg(out->v); out->sticky = -out->sticky; }
}

void bce_slow_probs(double p, double y, const bce_kparams *kp, int which,
                    bce_res *out)
{
    /* exact limits in level 1 */
    if (!(p > 0.0 && p < 1.0)) return;
    const int clamp = (kp->flags & BCE_OPT_LOG_CLAMP) != 0;
    const int cl_p = clamp && p < BCE_P100;
    bce_td alpha, beta, N;
    lab_td(y, kp, &alpha, &beta, &N);
    bce_dd q = bce_two_sum(1.0, -p);             /* 1 - p exactly */
    bce_td omp = bce_td_from_dd(q.hi, q.lo);

    if (which == 0) {          /* L = -alpha log p - beta log1p(-p) */
        bce_td X = td0(), B = td0();
        int F2 = 0;
        if (alpha.h != 0.0) {
            if (cl_p) X = bce_td_mul_d(alpha, 100.0);
            else {
                int F; bce_td w;
                bce_td_log(p, &F, &w);           /* log p < 0, F >= -54 */
                X = bce_td_neg(td_ldexp(bce_td_mul(alpha, w), F));
            }
        }
        if (beta.h != 0.0) {
            bce_td w;
            bce_td_log1p(-p, &F2, &w);           /* log1p(-p) < 0 */
            B = bce_td_neg(bce_td_mul(beta, w));
        }
        td_combine(X, B, F2, beta.h != 0.0 ? +1 : 0, out);  /* -beta log1p(-p) */
        return;
    }
    /* gradient */
    if (cl_p) {                                  /* beta / (1 - p) */
        bce_td g = bce_td_div(beta, omp);
        out->v = td_to_dd(g); out->scale = 0; out->sticky = 0;
        out->err = SLOW_REL * bce_fabs(g.h);
        return;
    }
    /* (beta p - alpha (1 - p)) / (p (1 - p)) with the numerator exact
     * (src/accurate/exact.c) and then rounded to num 2^E (relative error < 2^-105):
     * no cancellation is left, whatever the option coefficients, and no
     * frame is lost (the products of a tiny p once underflowed: P y = p
     * near 2^-600 gave 0 for 2^-601).  The denominator p (1 - p) is formed
     * in the frame of p 2^k in [1, 2).  A quotient beyond 2^900 (alpha/p
     * for a tiny p: no cancellation there) stays level 1's. */
    bce_dd m;
    int E;
    if (bce_probs_num_exact(p, y, kp, &m, &E)) return;
    if (m.hi == 0.0) {
        out->v = bce_dd_make(0.0, 0.0); out->scale = 0; out->err = 0.0; out->sticky = 0;
        return;
    }
    int k = -bce_exponent(p);                   /* p 2^k in [1, 2) */
    double ps = p * bce_pow2i(k / 2) * bce_pow2i(k - k / 2);
    bce_td den = bce_td_mul_d(omp, ps);
    bce_td g = bce_td_div(bce_td_from_dd(m.hi, m.lo), den);
    int F = E + k;                              /* g = (num/den_s) 2^F */
    bce_dd gd = td_to_dd(g);
    if (ldexp(bce_fabs(gd.hi), F) > 0x1p900) return;
    if (F >= -900) {
        out->v = bce_dd_ldexp(gd, F); out->scale = 0; out->sticky = 0;
    } else {
        int S = -F < 1400 ? -F : 1400;          /* (a value below 2^-1398 rounds to 0) */
        out->v = bce_dd_ldexp(gd, F + S); out->scale = S; out->sticky = 0;
    }
    /* num 2^-105, td_mul_d 2^-154.7, td_div and td_to_dd < 2^-148 */
    out->err = bce_fabs(out->v.hi) * 0x1p-104;
}

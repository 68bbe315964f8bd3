/*
 * level1/probs.c -- level-1 evaluation of one sample from its probability p.
 *
 *   L = -alpha log p - beta log1p(-p)     two non-negative terms
 *       log p     = bce_ln3(p)             (relative accuracy also near p = 1,
 *                                            where c = 1 makes r = p - 1 exact)
 *       log1p(-p) = bce_ln3(1 - p as an exact double-double)
 *   g = -alpha/p + beta/(1-p) = (N p - alpha) / (p (1-p))
 *       numerator exact for plain labels (N = 1: TwoSum(p, -y)), denominator
 *       and quotient in double-double (relative error < 2^-100).
 * With BCE_OPT_LOG_CLAMP each log is max(log, -100) (PyTorch BCELoss):
 *   log p < -100  <=>  p < e^-100, i.e. p <= 0x1.a8c1f14e2af5cp-145 (the
 *   double just below e^-100 = 0x1.a8c1f14e2af5c...p-145, MPFR);
 *   log1p(-p) < -100 <=> 1 - p < e^-100 <=> p == 1 (every double p < 1 has
 *   1 - p >= 2^-53).  A clamped term is constant: its derivative is 0.
 * Limits: p = 0 or 1 give +inf loss / +-inf gradient when the coefficient
 * of the singular term is positive; a zero coefficient contributes nothing.
 * Proven: the derivative (N p - alpha)/(p (1-p)) in proofs/coq/BceDerivation.v
 * (dLp_dp, dLp_plain); log p and log1p(-p) by ln3 (proofs/gappa/ln3_*.g).
 * Error bounds attached: loss BCE_EPS_LOSS |L|; gradient 2^-100 |g| (+ label
 * error for inexact coefficients, relative to |N p| + alpha).
 */
#include "core/internal.h"
#include "level1/elem_f64.h"

void bce_probs_sample(double p, const bce_lab *lab, unsigned flags,
                      int want_loss, int want_grad, bce_res *L, bce_res *G)
{
    const int clamp = (flags & BCE_OPT_LOG_CLAMP) != 0;
    const int cl_p = clamp && p < BCE_P100;
    const int cl_q = clamp && p == 1.0;
    const double labrel = lab->exact ? 0.0 : BCE_EPS_LAB;
    const bce_dd zero = bce_dd_make(0.0, 0.0);
    const double inf = 1.0 / zero.hi;
    if (want_loss) L->sticky = 0;
    if (want_grad) G->sticky = 0;

    if (lab->exact && !clamp && p >= 0x1p-800 && p < 1.0 &&
        (lab->alpha.hi == 0.0 || lab->alpha.hi >= 0x1p-900)) {
        /* the common case: the statements every ISA runs (level1/probs_hot_tmpl.h) */
        bce_dd Lv = zero, Gv = zero;
        double Lerr = 0.0, Gerr = 0.0;
        bce_el_probs_normal(p, lab->alpha.hi, want_loss, want_grad, &Lv, &Lerr, &Gv, &Gerr);
        if (want_loss) { L->v = Lv; L->scale = 0; L->err = Lerr; }
        if (want_grad) { G->v = Gv; G->scale = 0; G->err = Gerr; }
        return;
    }

    if (want_loss) {
        /* A tiny coefficient alpha or a tiny p makes the loss possibly
         * smaller than 2^-969, where products lose their low parts: then
         * both terms are formed scaled by 2^600 (L->scale = 600). */
        const int apos = bce_lab_alpha_pos(lab);
        const int S = ((apos && lab->alpha.hi < 0x1p-900) || p < 0x1p-900) ? 600 : 0;
        const double f = S ? 0x1p600 : 1.0;
        bce_dd al = S ? bce_lab_alpha_scaled(lab, S) : lab->alpha;
        bce_dd be = bce_dd_make(lab->beta.hi * f, lab->beta.lo * f);
        bce_dd tp = zero, tq = zero;
        if (apos) {
            if (cl_p) tp = bce_dd_mul_d(al, 100.0);
            else if (p == 0.0) tp = bce_dd_make(inf, 0.0);
            else tp = bce_dd_neg(bce_dd_mul(al, bce_ln3(p, 0.0, 0.0)));
        }
        if (be.hi != 0.0) {
            if (cl_q) tq = bce_dd_mul_d(be, 100.0);
            else if (p == 1.0) tq = bce_dd_make(inf, 0.0);
            else {
                bce_dd q = bce_two_sum(1.0, -p);
                tq = bce_dd_neg(bce_dd_mul(be, bce_ln3(q.hi, q.lo, 0.0)));
            }
        }
        L->scale = 0;
        if (tp.hi == inf || tq.hi == inf) {
            L->v = bce_dd_make(inf, 0.0);
            L->err = 0.0;
        } else {
            L->v = bce_dd_add(tp, tq);
            L->scale = S;
            L->err = bce_fabs(L->v.hi) * (BCE_EPS_LOSS + labrel);
        }
    }
    if (!want_grad) return;

    G->scale = 0;
    if (clamp && (cl_p || cl_q)) {
        /* one term is constant; the other is -alpha/p or beta/(1-p) */
        bce_dd g = zero;
        if (cl_p && !cl_q) {          /* beta/(1-p), p tiny */
            g = bce_dd_div_safe(lab->beta, bce_two_sum(1.0, -p));
        } else if (cl_q && !cl_p) {   /* -alpha/p, p == 1 */
            g = bce_dd_neg(lab->alpha);
        }
        G->v = g;
        G->err = bce_fabs(g.hi) * (0x1p-100 + labrel);
        return;
    }
    if (p == 0.0) {
        G->v = bce_lab_alpha_pos(lab) ? bce_dd_make(-inf, 0.0) : lab->beta;
        G->err = bce_lab_alpha_pos(lab) ? 0.0 : bce_fabs(lab->beta.hi) * labrel;
        return;
    }
    if (p == 1.0) {
        G->v = lab->beta.hi > 0 ? bce_dd_make(inf, 0.0) : bce_dd_neg(lab->alpha);
        G->err = lab->beta.hi > 0 ? 0.0 : bce_fabs(lab->alpha.hi) * labrel;
        return;
    }
    bce_dd omp = bce_two_sum(1.0, -p);                /* 1 - p, exact */
    if (p < 0x1p-800) {
        /* Tiny p: g = (N - alpha/p) / (1 - p).  This form has no product
         * below 2^-969: N p would lose N's low part exactly where
         * N - alpha/p cancels, and the division's residual (~ 2^-53 of a
         * numerator as small as p 2^-52) must stay above 2^-969 too.  When alpha/p > 2^1000 (no cancellation) g is
         * kept as g 2^-200 (G->scale = -200): -alpha/p may exceed DBL_MAX
         * while g/n (MEAN) does not. */
        const double pp = p * 0x1p600;
        const int big = bce_lab_alpha_scaled(lab, 600).hi / pp > 0x1p1000;
        const int S = big ? 200 : 0;     /* alpha/p near overflow: keep g 2^-200 */
        bce_dd num, q, n2;
        if (lab->exact) {
            /* plain labels: N - alpha/p = (p - y)/p with p - y exact, so
             * the one division is the only rounding (no cancellation after
             * it, where alpha/p ~ 1) */
            bce_dd d = bce_two_sum(p, -lab->alpha.hi);
            num = bce_dd_div_safe(bce_dd_ldexp(d, 600 - S), bce_dd_make(pp, 0.0));
            q = num; n2 = bce_dd_make(0.0, 0.0);
        } else {
            q = bce_dd_div_safe(bce_lab_alpha_scaled(lab, 600 - S),
                                bce_dd_make(pp, 0.0));       /* alpha/p 2^-S */
            n2 = bce_dd_ldexp(lab->N, -S);
            num = bce_dd_sub(n2, q);
        }
        bce_dd g = bce_dd_div_safe(num, omp);
        G->v = g;
        G->scale = -S;
        G->err = (g.hi - g.hi != 0.0) ? 0.0
               : bce_fabs(g.hi) * 0x1p-100 + (bce_fabs(n2.hi) + bce_fabs(q.hi)) * (labrel + 0x1p-104);
        return;
    }
    /* (N p - alpha) / (p (1 - p)): numerator exact for plain labels.
     * bce_dd_div's 12.5u^2 (proofs/gappa/dd_div.g) needs |num.hi| and
     * |num/den| >= 2^-964.  Plain labels: p >= 2^-800, and a nonzero p - y
     * is a multiple of the ulp of the smaller of p, y; if y < p/2 it is
     * >= p/2, otherwise that ulp is >= 2^-853: |num| >= 2^-853 and
     * |num/den| >= 2^-851 (den <= 1/4).  Label coefficients: N p - alpha
     * may cancel below that range, where the division's error (at worst
     * about 2^-1074/den absolute, a subnormal rounding) is far inside the
     * bound's absolute term labrel (|np| + |alpha|)/den >= 2^-966/den
     * (labrel = BCE_EPS_LAB = 2^-102; |np| ~ N p >= 2^-864: N = P y' + 1 -
     * y' >= min(P, 1) >= 2^-64, p >= 2^-800). */
    bce_dd np = lab->exact ? bce_dd_make(p, 0.0) : bce_dd_mul_d(lab->N, p);
    bce_dd num = bce_dd_sub(np, lab->alpha);
    bce_dd den = bce_dd_mul_d(omp, p);
    bce_dd g = bce_dd_div_safe(num, den);
    G->v = g;
    G->scale = 0;
    if (g.hi - g.hi != 0.0) { G->err = 0.0; return; }
    G->err = bce_fabs(g.hi) * 0x1p-100
           + labrel * (bce_fabs(np.hi) + bce_fabs(lab->alpha.hi)) / den.hi;
}

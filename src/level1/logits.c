/*
 * level1/logits.c -- level-1 evaluation of one sample from its logit z.
 *
 *   e   = e^-|z| = 2^E m          (bce_exp_scaled, rel. error <= 2^-66)
 *   L   = C |z| + N log1p(e)      C = beta if z > 0 else alpha: two
 *                                 non-negative terms, no cancellation
 *   s0  = sigma(-|z|) = e/(1+e)   (double-double division)
 *   g   = beta - N s0   (z > 0)   = beta sigma(z) - alpha sigma(-z)
 *   g   = N s0 - alpha  (z <= 0)
 * so both branches are "N s0 - T" up to sign, with T = C.
 *
 * Error bounds attached to the results (absolute, before final rounding):
 *   loss:     BCE_EPS_LOSS |L|
 *   gradient: BCE_EPS_SIG N s0 (+ BCE_EPS_LAB (N s0 + |T|) for inexact labels)
 * Hard labels never cancel (|g| >= s0 or >= 1/2).  Soft labels can: the
 * kernels compare the bound with |g| and take the slow path when needed.
 *
 * Deep tails (|z| > 623, e < 2^-900): 1 + e == 1 to far below 2^-106, so
 * log1p(e) = s0 = e to that accuracy, and the results are formed as
 * X + sign 2^E B with scaling, so that subnormal results round once.
 * Proven: the formulas (L = C|z| + N log1p(e^-|z|), g = +-(N s0 - C), the
 * derivative of the weighted form) in proofs/coq/BceDerivation.v (loss_code,
 * grad_code, dLw_dz); e^-|z| in proofs/gappa/exp_scaled.g, log1p in
 * proofs/gappa/ln3_*.g, the loss combination in proofs/gappa/loss_combine.g
 * (2^-63 <= BCE_EPS_LOSS); s0 and the hard-label gradient in
 * proofs/gappa/sigma_combine.g (2^-66.9 <= BCE_EPS_SIG; dd_div's error,
 * <= 12.5u^2 for e >= 2^-900 and D in [1, 2], in proofs/gappa/dd_div.g;
 * dd_sub's 3u^2 cited: proofs/README.md).
 */
#include "core/internal.h"
#include "level1/elem_f64.h"

/* C t as a double-double, for |t| up to DBL_MAX (the exact product needs
 * operands below 2^995: scale t first). */
static bce_dd dd_mul_big(bce_dd C, double t)
{
    if (bce_fabs(t) <= 0x1p900)
        return bce_dd_mul_d(C, t);
    return bce_dd_ldexp(bce_dd_mul_d(C, t * 0x1p-600), 600);
}

/* C 2^S accurately: beta is never tiny but 0; alpha may be. */
static bce_dd coef_scaled(const bce_lab *lab, int pos, int S)
{
    return pos ? bce_dd_ldexp(lab->beta, S) : bce_lab_alpha_scaled(lab, S);
}

/* Deep tail: value = C t + sgn 2^E B  (C, B >= 0 double-doubles, t = |z| for
 * the loss or -1 for the gradient), errB = relative error of B, labrel =
 * relative error of C.  Fills r, scaled when the value is tiny so that a
 * subnormal result is rounded once. */
static void deep_combine(bce_dd C, bce_dd (*Cscaled)(const bce_lab *, int, int),
                         const bce_lab *lab, int pos, double t, int sgn,
                         bce_dd B, int E, double errB, double labrel, bce_res *r)
{
    const double tiny_x = 0x1p-800;
    /* C may be a tiny alpha (even one that underflowed to 0): take its
     * magnitude and its products from the scaled copy */
    const int ctiny = !pos && lab->alpha_s.hi < 0x1p-300;
    bce_dd Cs = Cscaled(lab, pos, 600);
    double xmag = ctiny ? Cs.hi * 0x1p-600 * bce_fabs(t) : C.hi * bce_fabs(t);
    if (B.hi == 0.0 || E < -1300) {
        /* 2^E B < 2^-1299: negligible unless C t == 0; then the result is
         * +-0 (the rounding of +-2^E B) */
        if (ctiny && Cs.hi != 0.0 && bce_fabs(t) <= 0x1p900) {
            /* a tiny C: C t kept in the 2^600 frame, so that a subnormal
             * product is rounded once, after any weight (a weight can
             * bring it back above the subnormal range) */
            r->v = bce_dd_mul_d(Cs, t);       /* |Cs t| <= 2^-300 2^900 */
            r->scale = 600;
            r->err = bce_fabs(r->v.hi) * (labrel + 0x1p-103);
            return;
        }
        if (!ctiny && bce_fabs(t) > 0x1p900 && C.hi * (bce_fabs(t) * 0x1p-600) > 0x1p420) {
            /* C t near or beyond DBL_MAX (C = P y' up to 2^64): kept as
             * C t 2^-600 (scale -600), so that a weight or 1/n can bring
             * it back to a finite result */
            r->v = bce_dd_mul_d(C, t * 0x1p-600);
            r->scale = -600;
            r->err = bce_fabs(r->v.hi) * (labrel + 0x1p-103);
            r->sticky = sgn;
            return;
        }
        /* (a tiny C with |t| > 2^900: C t >= 2^-174, normal) */
        bce_dd X = ctiny ? bce_dd_mul_d(Cs, t * 0x1p-600) : dd_mul_big(C, t);
        if (X.hi == 0.0) X = bce_dd_make(sgn > 0 ? 0.0 : -0.0, 0.0);
        r->v = X; r->scale = 0; r->err = bce_fabs(X.hi) * (labrel + 0x1p-103);
        /* the dropped sgn 2^E B > 0 decides a tie of X at the rounding (a
         * soft label whose C t is a double midpoint: z = 768, y = 0.5 -
         * 2^-53 j) */
        r->sticky = sgn;
        return;
    }
    if (xmag < tiny_x) {
        int S = -E - 200;                 /* E in [-1300, -900]: S in [700, 1100] */
        bce_dd Xs = bce_dd_mul_d(Cscaled(lab, pos, S), t);  /* < 2^300 */
        bce_dd Bs = bce_dd_ldexp(B, -200);
        if (sgn < 0) Bs = bce_dd_neg(Bs);
        r->v = bce_dd_add(Xs, Bs);
        r->scale = S;
        r->err = errB * bce_fabs(Bs.hi) + bce_fabs(Xs.hi) * (labrel + 0x1p-103)
               + bce_fabs(r->v.hi) * 0x1p-103;
        return;
    }
    /* |C t| >= 2^-800 > 2^99 2^E B: B enters as a (maybe subnormal) double */
    bce_dd X = ctiny ? bce_dd_mul_d(Cs, t * 0x1p-600) : dd_mul_big(C, t);
    double b = B.hi * bce_pow2i(E / 2) * bce_pow2i(E - E / 2);
    r->v = bce_dd_add_d(X, sgn > 0 ? b : -b);
    if (r->v.hi == X.hi && r->v.lo == X.lo)   /* b below lo's ulp (or 0): its sign */
        r->sticky = sgn;
    r->scale = 0;
    r->err = bce_fabs(X.hi) * (labrel + 0x1p-103) + bce_fabs(b) * (errB + 0x1p-100)
           + 0x1p-1074;
}

/* |z| < 2^-900: s0 = 1/2 - |z|/4 + O(|z|^3) (the cubic term is below 2^-2700),
 * and N s0 - T may be far below 2^-969 (T = N/2, e.g. y = 1/2), where a
 * double-double has no room: form it scaled by 2^600. */
static void tiny_z_grad(double az, int pos, const bce_lab *lab,
                        double labrel, bce_res *G)
{
    bce_dd s0 = bce_two_sum(0x1p599, -az * 0x1p598);       /* exact */
    bce_dd Ns0 = lab->exact ? s0 : bce_dd_mul(lab->N, s0);
    bce_dd Ts = coef_scaled(lab, pos, 600);
    bce_dd g = bce_dd_sub(Ns0, Ts);
    G->v = pos ? bce_dd_neg(g) : g;
    G->scale = 600;
    /* exact operands for plain labels: only the dd rounding (<= 3u^2 |g|),
     * the dropped cubic term (< 2^-2700 2^600) and the label error remain */
    G->err = bce_fabs(g.hi) * 0x1p-103 + (bce_fabs(Ns0.hi) + bce_fabs(Ts.hi)) * labrel
           + 0x1p-1000;
}

void bce_logits_sample(double z, const bce_lab *lab, int want_loss,
                       int want_grad, bce_res *L, bce_res *G)
{
    const int pos = z > 0;
    const double az = bce_fabs(z);
    const bce_dd C = pos ? lab->beta : lab->alpha;   /* loss: C|z|; grad: T */
    const double labrel = lab->exact ? 0.0 : BCE_EPS_LAB;
    if (want_loss) L->sticky = 0;
    if (want_grad) G->sticky = 0;

    if (az - az != 0.0) { /* z = +-inf: exact limits */
        if (want_loss) {
            int cpos = pos ? lab->beta.hi > 0 : bce_lab_alpha_pos(lab);
            L->v = bce_dd_make(cpos ? az : 0.0, 0.0);
            L->scale = 0; L->err = 0.0;
        }
        if (want_grad) { /* g = -sgn T: beta at +inf, -alpha at -inf */
            G->v = pos ? C : bce_dd_make(0.0 - C.hi, 0.0 - C.lo); /* +0 for C = 0 */
            G->scale = 0; G->err = bce_fabs(C.hi) * labrel;
            if (!pos && lab->alpha_s.hi < 0x1p-300 && lab->alpha_s.hi > 0.0) {
                /* a tiny alpha (it may have underflowed to 0): -alpha
                 * from its scaled copy, in the 2^600 frame (a = 2^-1074 makes
                 * alpha = a/2 underflow to 0) */
                G->v = bce_dd_neg(lab->alpha_s);
                G->scale = 600;
                G->err = lab->alpha_s.hi * labrel;
            }
        }
        return;
    }

    int E = BCE_E_TINY;
    bce_dd m = bce_dd_make(1.0, 0.0);
    if (az <= 1000.0)
        m = bce_exp_scaled(-az, &E);

    if (E >= -900) {
        bce_dd Lv, Gv;
        double Lerr = 0.0, Gerr = 0.0;
        bce_el_logits_normal(az, pos, m, E, C, lab->N, lab->exact, labrel,
                             want_loss, want_grad, &Lv, &Lerr, &Gv, &Gerr);
        if (want_loss) { L->v = Lv; L->scale = 0; L->err = Lerr; }
        if (want_grad) {
            G->v = Gv; G->scale = 0; G->err = Gerr;
            if (az < 0x1p-900)
                tiny_z_grad(az, pos, lab, labrel, G);
        }
        return;
    }

    /* Deep tail: e = 2^E m < 2^-900. */
    bce_dd Nm = lab->exact ? m : bce_dd_mul(lab->N, m);
    if (want_loss) /* L = C|z| + 2^E N m */
        deep_combine(C, coef_scaled, lab, pos, az, +1, Nm, E, BCE_EPS_LOSS, labrel, L);
    if (want_grad) { /* N s0 - T = C (-1) + 2^E N m;  g = -(that) for z > 0 */
        deep_combine(C, coef_scaled, lab, pos, -1.0, +1, Nm, E, BCE_EPS_SIG, labrel, G);
        if (pos) { G->v = bce_dd_neg(G->v); G->sticky = -G->sticky; }
    }
}

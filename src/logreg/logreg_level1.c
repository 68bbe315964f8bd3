/*
 * logreg/logreg_level1.c -- one row of the fused logistic regression at a logit
 * known as a double-double z = zh + zl (|zl| <= ulp(zh)/2).
 *
 * The per-sample kernels take a double z, so the row is evaluated at zh by
 * bce_logits_sample (level 1: L, G = dL/dz to BCE_EPS_LOSS / BCE_EPS_SIG,
 * every regime: tails, tiny z, infinities, scaled frames) and moved to
 * zh + zl by one Taylor step:
 *   G(zh + zl) = G(zh) + h zl + O(h zl^2),      h = d2L/dz2 = N s (1 - s)
 *   L(zh + zl) = L(zh) + G zl + O(h zl^2)
 *   h(zh + zl) = h(zh) (1 + (1 - 2 sigma(zh)) zl) + O(h zl^2)
 * with s = s0 = sigma(-|z|).  |zl| <= 2^-53 |zh|, so the dropped terms are
 * below h 2^-107 z^2 <= h 2^-86 for |z| <= 1100; beyond, s0 < 2^-1587 and
 * h = 0 in double (the terms vanish with h).  h is recovered from the
 * gradient for its correction: N s0 = C - G (z > 0) or G + C (z <= 0),
 * C = beta or alpha, in G's scaled frame when it has one (where C >> N s0
 * this loses s0, but then h zl is far below G's last bit); the
 * Hessian's h comes from a second evaluation of s0 itself.
 * Error of the returned values (relative unless said; u = 2^-53):
 *   G: BCE_EPS_SIG N s0 (+ BCE_EPS_LAB (N s0 + C) for inexact labels)
 *      + 3u h |zl| + h 2^-86 |zl|         (docs/ACCURACY.md, fused section)
 *   L: BCE_EPS_LOSS L + 2u |G zl|;  H: 2 BCE_EPS_SIG H + 3u h |zl| (+ BCE_EPS_LAB H).
 * Values below 2^-1000 come back rounded to a double (absolute error
 * <= 2^-1075), so the callers need no frames.
 */
#include "core/internal.h"
#include "logreg/logreg.h"
#include "logreg/logreg_l1_scalar.h"

/* Every other z (tails beyond 600, |z| < 2^-900, infinities): level 1 of
 * bce_logits_sample, scaled frames included, then the same Taylor step. */

/* C 2^S, C the coefficient of the branch (beta for z > 0, else alpha). */
static bce_dd coef_scaled(const bce_lab *lab, int pos, int S)
{
    if (S == 0) return pos ? lab->beta : lab->alpha;
    return pos ? bce_dd_ldexp(lab->beta, S) : bce_lab_alpha_scaled(lab, S);
}

/* v 2^-S as a double for S in [0, 2100] (exact unless it underflows) */
static double down(double v, int S)
{
    while (S > 1000) { v *= 0x1p-1000; S -= 1000; }
    return v * bce_pow2i(-S);
}

/* A framed value in real units: still a double-double when it is not tiny
 * (|z| < 2^-900 gives G ~ 1/2 in the 2^600 frame: rounding it to a double
 * would cost up to 0.5 ulp per row), rounded
 * once to a double below 2^-968 (relative error u, absolute < 2^-1021:
 * the 2^-1020 term of the fused bound). */
static bce_dd unscale(bce_dd v, int S)
{
    if (S == 0) return v;
    const double h = down(v.hi, S);
    if (bce_fabs(h) >= 0x1p-968) return bce_dd_make(h, down(v.lo, S));
    return bce_dd_make(bce_round_scaled(v, S), 0.0);
}

void bce_lr_level1(double zh, double zl, const bce_lab *lab, int want_loss,
                   int want_h, bce_lr_row *o)
{
    if (BCE_LR_NORMAL(bce_fabs(zh)) && lab->exact) {
        /* plain labels: the double-only level 1, as the SIMD blocks */
        bce_el_lr_fast(zh, zl, lab->alpha.hi, want_loss, want_h, &o->L, &o->G, &o->H);
        return;
    }
    if (BCE_LR_NORMAL(bce_fabs(zh))) {
        /* the statements of the SIMD blocks (logreg/logreg_l1_tmpl.h) */
        bce_el_lr_normal(zh, zl, lab->alpha, lab->beta, lab->N, lab->exact,
                         lab->exact ? 0.0 : BCE_EPS_LAB, want_loss, want_h,
                         &o->L, &o->G, &o->H);
        return;
    }
    bce_res L, G;
    bce_logits_sample(zh, lab, want_loss, 1, &L, &G);
    const int pos = zh > 0;
    const int S = G.scale;                      /* >= 0 for the logits form */
    const bce_dd CS = coef_scaled(lab, pos, S);
    /* N s0 2^S; exact (z = +-inf) limits give 0 */
    bce_dd Ns0 = pos ? bce_dd_sub(CS, G.v) : bce_dd_add(G.v, CS);
    if (!(Ns0.hi > 0.0)) Ns0 = bce_dd_make(0.0, 0.0);
    const double s0 = down(Ns0.hi, S) / lab->N.hi;   /* sigma(-|z|), double */
    const double hS = Ns0.hi * (1.0 - s0);            /* h 2^S, ~3u */
    if (zl != 0.0)
        G.v = bce_dd_add_d(G.v, hS * zl);
    o->G = unscale(G.v, S);

    if (want_loss) {
        if (zl != 0.0) {
            if (L.scale == 0) {
                L.v = bce_dd_add_d(L.v, o->G.hi * zl);
            } else {
                /* L 2^SL = C 2^SL |z| + N s0 2^SL (deep tail, log1p(e) = e):
                 * dL/dz = sgn(z) (C - N s0) */
                const int SL = L.scale;
                bce_dd CL = coef_scaled(lab, pos, SL);
                bce_dd X = bce_dd_mul_d(CL, bce_fabs(zh));
                bce_dd dL = bce_dd_sub(CL, bce_dd_sub(L.v, X));
                double d = dL.hi * zl;
                L.v = bce_dd_add_d(L.v, pos ? d : -d);
            }
        }
        o->L = unscale(L.v, L.scale);
    }

    if (want_h) {
        /* s0 from its own evaluation (hard label on the side of z: G = -+s0
         * to BCE_EPS_SIG), not from G +- C, which loses s0 when C >> N s0 */
        static const bce_kparams plain = { .plain = 1 };
        bce_lab hl;
        bce_res Ls, Gs;
        bce_label(pos ? 1.0 : 0.0, &plain, &hl);
        bce_logits_sample(zh, &hl, 0, 1, &Ls, &Gs);
        bce_dd s0d = unscale(Gs.v, Gs.scale);
        if (pos) s0d = bce_dd_neg(s0d);
        bce_dd H = bce_dd_mul(s0d, bce_dd_add_d(bce_dd_neg(s0d), 1.0));
        if (!lab->exact) H = bce_dd_mul(lab->N, H);
        if (zl != 0.0 && H.hi != 0.0) {
            double d = H.hi * ((1.0 - 2.0 * s0) * zl);
            H = bce_dd_add_d(H, pos ? -d : d);
        }
        o->H = H;
    }
}

void bce_lr_block_scalar(size_t nb, const double *zh, const double *zl,
                         const double *y, const bce_kparams *kp, int want_loss,
                         int want_h, bce_lr_row *out)
{
    for (size_t r = 0; r < nb; r++) {
        bce_lab lab;
        bce_label(y[r], kp, &lab);
        bce_lr_level1(zh[r], zl[r], &lab, want_loss, want_h, out + r);
    }
}

/* BCE_OPT_FAST_ACCUM's rows (src/logreg/logreg.h): the lanes of the AVX2 code
 * (row r in lane r mod 4) emulated in order, the same statements. */
int bce_lr_rows_fast_scalar(size_t nb, const double *zh, const double *th,
                            const double *y, const double *sw, int want_loss,
                            double *rh, double *lrow, double *sums)
{
    for (size_t r = 0; r < nb; r++)
        if (!bce_lr_plain_ok(zh[r], y[r], sw ? sw[r] : 1.0, th ? th[r] : 0.0)) return 0;
    double ls[4] = { 0 }, lq[4] = { 0 }, gs[4] = { 0 }, gq[4] = { 0 };
    for (size_t r = 0; r < nb; r++) {
        const size_t l = r & 3;
        const double s = sw ? sw[r] : 1.0;
        double L = 0.0, G, H = 0.0;
        bce_el_lr_plain(zh[r], y[r], want_loss, th != NULL, &L, &G, &H);
        const double rho = th ? (H * th[r]) * s : G * s;
        rh[r] = rho;
        bce_dd t = bce_two_sum(gs[l], rho);
        gs[l] = t.hi;
        gq[l] = gq[l] + t.lo;
        if (want_loss) {
            if (lrow) lrow[r] = L * s;
            t = bce_two_sum(ls[l], L * s);
            ls[l] = t.hi;
            lq[l] = lq[l] + t.lo;
        }
    }
    bce_lr_fold_lanes(ls, lq, sums, sums + 1);
    bce_lr_fold_lanes(gs, gq, sums + 2, sums + 3);
    return 1;
}

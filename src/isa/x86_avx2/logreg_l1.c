/*
 * logreg_l1.c (AVX2+FMA) -- the rows of a fused logistic-regression block,
 * 4 at a time: logreg/logreg_l1_tmpl.h's lr_fast on 4 lanes when all 4 rows
 * are in the normal range with plain labels, the scalar code (same statements, same
 * bits) for the others.
 */
#include "isa/x86_avx2/vec_avx2.h"      /* the lanes: 4 doubles, FMA */
#include "level1/logits_hot_tmpl.h"     /* level 1 of the logits form on them */
#include "level0/elem_tmpl.h"           /* level 0 (double-only): its functions */
#include "level0/logits_tmpl.h"         /* level 0 of the logits form */
#include "logreg/logreg_l1_tmpl.h"      /* the regression's rows on them */
#include "logreg/logreg.h"

void bce_lr_block_avx2(size_t nb, const double *zh, const double *zl,
                       const double *y, const bce_kparams *kp, int want_loss,
                       int want_h, bce_lr_row *out)
{
    size_t r = 0;
    if (kp->plain) {
        for (; r + 4 <= nb; r += 4) {
            v4d h = v4_load_f64(zh + r), l = v4_load_f64(zl + r);
            v4d az = (v4d)((v4i)h & 0x7fffffffffffffffLL);
            if (!v4_all(BCE_LR_NORMAL(az))) {
                bce_lr_block_scalar(4, zh + r, zl + r, y + r, kp, want_loss,
                                    want_h, out + r);
                continue;
            }
            v4d yv = v4_load_f64(y + r);
            v4dd L, G, H;
            v4_el_lr_fast(h, l, yv, want_loss, want_h, &L, &G, &H);
            for (int t = 0; t < 4; t++) {
                out[r + t].G = bce_dd_make(G.hi[t], G.lo[t]);
                if (want_loss) out[r + t].L = bce_dd_make(L.hi[t], L.lo[t]);
                if (want_h) out[r + t].H = bce_dd_make(H.hi[t], H.lo[t]);
            }
        }
    }
    bce_lr_block_scalar(nb - r, zh + r, zl + r, y + r, kp, want_loss, want_h, out + r);
}

/* BCE_OPT_FAST_ACCUM's rows (src/logreg/logreg.h), 4 rows per vector; the last
 * rows padded with (z, y, s, t) = 0, which add exact zeros to the lanes
 * (the lanes start at +0 and never hold -0): the bits of the scalar code. */
int bce_lr_rows_fast_avx2(size_t nb, const double *zh, const double *th,
                          const double *y, const double *sw, int want_loss,
                          double *rh, double *lrow, double *sums)
{
    const v4d zero = { 0, 0, 0, 0 }, one = { 1, 1, 1, 1 };
    const v4d zmax = zero + BCE_LR_PLAIN_ZMAX;
    const v4d wmin = zero + BCE_WEIGHT_MIN, wmax = zero + BCE_WEIGHT_MAX;
    size_t r = 0;
    v4i bad = (v4i)zero;
    for (; r + 4 <= nb; r += 4) {
        v4d z = v4_load_f64(zh + r), yv = v4_load_f64(y + r);
        v4i ok = (z >= -zmax) & (z <= zmax) & (yv >= zero) & (yv <= one);
        if (sw) {
            v4d s = v4_load_f64(sw + r);
            ok &= (s == zero) | ((s >= wmin) & (s <= wmax));
        }
        if (th) {
            v4d t = v4_load_f64(th + r);
            ok &= (t - t) == zero;
        }
        bad |= ~ok;
    }
    if (!v4_all(~bad)) return 0;
    for (; r < nb; r++)
        if (!bce_lr_plain_ok(zh[r], y[r], sw ? sw[r] : 1.0, th ? th[r] : 0.0)) return 0;

    /* NG groups of 4 rows per iteration: the level 1 is a long chain of
     * dependent operations (two polynomials, two divisions); independent
     * groups interleave.  The sums then take the groups in row order. */
    enum { NG = 4 };
    v4d ls = zero, lq = zero, gs = zero, gq = zero;
    for (r = 0; r < nb; r += 4 * NG) {
        v4d L[NG], G[NG], H[NG], t[NG], s[NG];
        int ng = 0;
        for (int h = 0; h < NG && r + 4 * h < nb; h++, ng++) {
            const size_t q0 = r + 4 * (size_t)h;
            v4d z, yv;
            s[h] = one; t[h] = zero;
            if (q0 + 4 <= nb) {
                z = v4_load_f64(zh + q0);
                yv = v4_load_f64(y + q0);
                if (sw) s[h] = v4_load_f64(sw + q0);
                if (th) t[h] = v4_load_f64(th + q0);
            } else {
                double b[4][4] = { { 0 } };
                for (size_t q = 0; q0 + q < nb; q++) {
                    b[0][q] = zh[q0 + q];
                    b[1][q] = y[q0 + q];
                    b[2][q] = sw ? sw[q0 + q] : 1.0;
                    b[3][q] = th ? th[q0 + q] : 0.0;
                }
                z = v4_load_f64(b[0]); yv = v4_load_f64(b[1]);
                s[h] = v4_load_f64(b[2]); t[h] = v4_load_f64(b[3]);
            }
            L[h] = H[h] = zero;
            v4_el_lr_plain(z, yv, want_loss, th != NULL, &L[h], &G[h], &H[h]);
        }
        for (int h = 0; h < ng; h++) {
            const size_t q0 = r + 4 * (size_t)h;
            const v4d rho = th ? (H[h] * t[h]) * s[h] : G[h] * s[h];
            if (q0 + 4 <= nb) v4_store_f64(rh + q0, rho);
            else for (size_t q = 0; q0 + q < nb; q++) rh[q0 + q] = rho[q];
            v4d a = gs + rho, bb = a - gs;
            gq = gq + ((gs - (a - bb)) + (rho - bb));
            gs = a;
            if (want_loss) {
                v4d p = L[h] * s[h];
                if (lrow) {
                    if (q0 + 4 <= nb) v4_store_f64(lrow + q0, p);
                    else for (size_t q = 0; q0 + q < nb; q++) lrow[q0 + q] = p[q];
                }
                a = ls + p; bb = a - ls;
                lq = lq + ((ls - (a - bb)) + (p - bb));
                ls = a;
            }
        }
    }
    double A[4], B[4];
    v4_store_f64(A, ls); v4_store_f64(B, lq);
    bce_lr_fold_lanes(A, B, sums, sums + 1);
    v4_store_f64(A, gs); v4_store_f64(B, gq);
    bce_lr_fold_lanes(A, B, sums + 2, sums + 3);
    return 1;
}

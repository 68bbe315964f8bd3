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

/*
 * BCE_OPT_FAST_ACCUM, plain labels, no weights, no Hessian (the caller
 * checks): one block of nb rows fused per group of 4 rows -- the group's
 * dot products (X from memory), their rows' level 1 as one vector
 * (lr_plain), and the group's accumulation into S while its rows are in
 * L1 -- so that the next group's loads overlap this group's level 1.
 * Bit for bit the three passes dots_fast, rows_fast and accum_fast
 * (src/logreg/logreg_rows_tmpl.h, bce_lr_rows_fast_avx2 above), which the
 * scalar ISA runs: the same statements per row (z: the 16 lanes and their
 * fold, transposed so that a lane is a row), the same Sum2 lanes for the
 * loss and the intercept (row r in lane r mod 4, groups in row order, the
 * last group padded with z = y = 0 and weight 0) and the same fma chain
 * per feature in row order.  A row outside lr_plain's range (|z| > 600 or
 * non-finite, or a label outside [0, 1]) makes the whole block go to the
 * general rows, as rows_fast does: S is restored from Sbak (k values) and
 * 0 returned.  Otherwise 1, sums[0..3] as rows_fast's.
 */
#define LRF_PF(p) __builtin_prefetch((const void *)((uintptr_t)(p) + 12288), 0, 3)

#define LRF_DEFINE(T, NAME, LOAD4)                                             \
static inline void NAME##_load8(const T *r, size_t j, size_t k, v4d *a, v4d *b)\
{                                                                              \
    if (j + 8 <= k) { *a = LOAD4(r + j); *b = LOAD4(r + j + 4); return; }      \
    T buf[8] = { 0 };                                                          \
    for (size_t t = 0; j + t < k; t++) buf[t] = r[j + t];                      \
    *a = LOAD4(buf); *b = LOAD4(buf + 4);                                      \
}                                                                              \
/* dots_fast's 16 lanes of one row, reduced to 4: (s0 + s1) + (s2 + s3) */    \
static inline v4d NAME##_row(const T *r, size_t k, size_t kf, const double *w, \
                             const double *wt)                                 \
{                                                                              \
    const v4d zero = { 0, 0, 0, 0 };                                           \
    v4d s0 = zero, s1 = zero, s2 = zero, s3 = zero, a, b, c, d;                \
    for (size_t j = 0; j < kf; j += 16) {                                      \
        LRF_PF(r + j); LRF_PF(r + j + 8);                                      \
        a = LOAD4(r + j); b = LOAD4(r + j + 4);                                \
        c = LOAD4(r + j + 8); d = LOAD4(r + j + 12);                           \
        s0 = VDD_FMA(a, v4_load_f64(w + j), s0);                               \
        s1 = VDD_FMA(b, v4_load_f64(w + j + 4), s1);                           \
        s2 = VDD_FMA(c, v4_load_f64(w + j + 8), s2);                           \
        s3 = VDD_FMA(d, v4_load_f64(w + j + 12), s3);                          \
    }                                                                          \
    if (kf < k) {                                                              \
        NAME##_load8(r, kf, k, &a, &b);                                        \
        NAME##_load8(r, kf + 8, k, &c, &d);                                    \
        s0 = VDD_FMA(a, v4_load_f64(wt), s0);                                  \
        s1 = VDD_FMA(b, v4_load_f64(wt + 4), s1);                              \
        s2 = VDD_FMA(c, v4_load_f64(wt + 8), s2);                              \
        s3 = VDD_FMA(d, v4_load_f64(wt + 12), s3);                             \
    }                                                                          \
    return (s0 + s1) + (s2 + s3);                                              \
}                                                                              \
int NAME(const T *x, size_t ldx, size_t k, const double *w, double w0,         \
         size_t i0, size_t nb, const T *y, int want_loss, double *S,           \
         double *Sbak, double *sums)                                           \
{                                                                              \
    const v4d zero = { 0, 0, 0, 0 }, one = { 1, 1, 1, 1 };                     \
    const v4d zmax = zero + BCE_LR_PLAIN_ZMAX, W0 = zero + w0;                 \
    const size_t kf = k & ~(size_t)15;                                         \
    double wt[16] = { 0 };                                                     \
    for (size_t u = kf; u < k; u++) wt[u - kf] = w[u];                         \
    memcpy(Sbak, S, k * sizeof *S);                                            \
    v4d ls = zero, lq = zero, gs = zero, gq = zero;                            \
    for (size_t q0 = 0; q0 < nb; q0 += 4) {                                    \
        const size_t m = nb - q0 < 4 ? nb - q0 : 4;                            \
        const T *r0 = x + (i0 + q0) * ldx;                                     \
        v4d s[4] = { zero, zero, zero, zero };                                 \
        for (size_t t = 0; t < m; t++) s[t] = NAME##_row(r0 + t * ldx, k, kf, w, wt); \
        /* lane t = row t: ((s[0] + s[2]) + (s[1] + s[3])) + w0 per row */     \
        const __m256d t0 = _mm256_unpacklo_pd((__m256d)s[0], (__m256d)s[1]);   \
        const __m256d t1 = _mm256_unpackhi_pd((__m256d)s[0], (__m256d)s[1]);   \
        const __m256d t2 = _mm256_unpacklo_pd((__m256d)s[2], (__m256d)s[3]);   \
        const __m256d t3 = _mm256_unpackhi_pd((__m256d)s[2], (__m256d)s[3]);   \
        const v4d A0 = (v4d)_mm256_permute2f128_pd(t0, t2, 0x20);              \
        const v4d A1 = (v4d)_mm256_permute2f128_pd(t1, t3, 0x20);              \
        const v4d A2 = (v4d)_mm256_permute2f128_pd(t0, t2, 0x31);              \
        const v4d A3 = (v4d)_mm256_permute2f128_pd(t1, t3, 0x31);              \
        v4d z = ((A0 + A2) + (A1 + A3)) + W0, yv = zero, sv = one;             \
        if (m == 4) yv = LOAD4(y + q0);                                        \
        else {                                                                 \
            double yb[4] = { 0, 0, 0, 0 }, zb[4] = { 0, 0, 0, 0 }, sb[4] = { 0, 0, 0, 0 }; \
            for (size_t t = 0; t < m; t++) { yb[t] = (double)y[q0 + t]; zb[t] = z[t]; sb[t] = 1.0; } \
            yv = v4_load_f64(yb); z = v4_load_f64(zb); sv = v4_load_f64(sb);   \
        }                                                                      \
        const v4i ok = (z >= -zmax) & (z <= zmax) & (yv >= zero) & (yv <= one); \
        if (!v4_all(ok)) { memcpy(S, Sbak, k * sizeof *S); return 0; }         \
        v4d L = zero, G, H = zero;                                             \
        v4_el_lr_plain(z, yv, want_loss, 0, &L, &G, &H);                       \
        const v4d rho = G * sv;                                                \
        v4d a = gs + rho, bb = a - gs;                                         \
        gq = gq + ((gs - (a - bb)) + (rho - bb));                              \
        gs = a;                                                                \
        if (want_loss) {                                                       \
            const v4d p = L * sv;                                              \
            a = ls + p; bb = a - ls;                                           \
            lq = lq + ((ls - (a - bb)) + (p - bb));                            \
            ls = a;                                                            \
        }                                                                      \
        /* S_j = fma(rho_r, x_rj, S_j), rows in order (accum_fast) */          \
        const v4d h0 = zero + rho[0], h1 = zero + rho[1];                      \
        const v4d h2 = zero + rho[2], h3 = zero + rho[3];                      \
        const T *r1 = r0 + ldx, *r2 = r1 + ldx, *r3 = r2 + ldx;                \
        for (size_t j = 0; j < k; j += 8) {                                    \
            v4d sa = v4_load_f64(S + j), sb = v4_load_f64(S + j + 4), xa, xb;  \
            NAME##_load8(r0, j, k, &xa, &xb);                                  \
            sa = VDD_FMA(h0, xa, sa); sb = VDD_FMA(h0, xb, sb);                \
            if (m > 1) { NAME##_load8(r1, j, k, &xa, &xb);                     \
                sa = VDD_FMA(h1, xa, sa); sb = VDD_FMA(h1, xb, sb); }          \
            if (m > 2) { NAME##_load8(r2, j, k, &xa, &xb);                     \
                sa = VDD_FMA(h2, xa, sa); sb = VDD_FMA(h2, xb, sb); }          \
            if (m > 3) { NAME##_load8(r3, j, k, &xa, &xb);                     \
                sa = VDD_FMA(h3, xa, sa); sb = VDD_FMA(h3, xb, sb); }          \
            v4_store_f64(S + j, sa); v4_store_f64(S + j + 4, sb);              \
        }                                                                      \
    }                                                                          \
    double A[4], B[4];                                                         \
    v4_store_f64(A, ls); v4_store_f64(B, lq);                                  \
    bce_lr_fold_lanes(A, B, sums, sums + 1);                                   \
    v4_store_f64(A, gs); v4_store_f64(B, gq);                                  \
    bce_lr_fold_lanes(A, B, sums + 2, sums + 3);                               \
    return 1;                                                                  \
}

LRF_DEFINE(double, bce_lr_fused_fast_f64_avx2, v4_load_f64)
LRF_DEFINE(float, bce_lr_fused_fast_f32_avx2, v4_load_f32)

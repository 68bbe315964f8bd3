/*
 * logreg_rows_tmpl.h -- the feature loops of the fused logistic regression
 * (src/logreg.c), written once and compiled per ISA (src/scalar/logreg_rows.c
 * baseline, src/x86/avx2/logreg_rows.c with AVX2+FMA).  The loops run on
 * 8 virtual lanes (two 4-double vectors) in the same order on every ISA and
 * use only error-free transformations whose results do not depend on how the
 * hardware computes them (the product error by a true fma, the sum error by
 * TwoSum), so every ISA gives the same bits.
 *
 *   dots:  z_i = sum_j x_ij w_j as s + c (Dot2 of Ogita, Rump and Oishi,
 *          "Accurate sum and dot product", SISC 2005): per lane
 *          p + e = x w exactly (fma), s + t = s + p exactly (TwoSum),
 *          c += t + e.  |s + c - z| <= gamma_{K}^2 sum_j |x_ij w_j| with
 *          K = ceil(k/8) + 8 (the per-lane recursion, then the fold of the
 *          lanes), plus 2^-1074 per product whose error term is subnormal.
 *   accum: S_j + Q_j += rho_i x_ij over the rows of a block, rho_i a
 *          double-double: the same Sum2 recursion per feature, with the
 *          rho_lo x_ij product rounded once (error <= u |rho_lo x_ij|).
 *
 * The includer defines LR_T (double or float: the data type), LR_FN(name),
 * v4d (4 doubles), LR_LOAD4(p) (4 LR_T from p, unaligned, as v4d) and
 * LR_FMA4(a, b, c) (a b + c rounded once, per lane).
 * No include guard: included once per instantiation.
 */

static inline void LR_FN(two_sum4)(v4d a, v4d b, v4d *s, v4d *e)
{
    v4d t = a + b;
    v4d bb = t - a;
    *e = (a - (t - bb)) + (b - bb);
    *s = t;
}

/* 8 elements of a row from j (k - j of them real, the rest zero) */
static inline void LR_FN(load8)(const LR_T *r, size_t j, size_t k, v4d *a, v4d *b)
{
    if (j + 8 <= k) {
        *a = LR_LOAD4(r + j);
        *b = LR_LOAD4(r + j + 4);
        return;
    }
    LR_T buf[8] = { 0 };
    for (size_t t = 0; j + t < k; t++) buf[t] = r[j + t];
    *a = LR_LOAD4(buf);
    *b = LR_LOAD4(buf + 4);
}

/* Fold 8 lanes (s + c per lane) into hi + lo: sum the s lanes with TwoSum
 * in a fixed order, their errors and the c lanes into one double. */
static inline void LR_FN(fold)(v4d s0, v4d s1, v4d c0, v4d c1, double *hi, double *lo)
{
    double s[8], c[8];
    memcpy(s, &s0, 32); memcpy(s + 4, &s1, 32);
    memcpy(c, &c0, 32); memcpy(c + 4, &c1, 32);
    double h = s[0], l = c[0];
    for (int t = 1; t < 8; t++) {
        bce_dd u = bce_two_sum(h, s[t]);
        h = u.hi;
        l = l + (u.lo + c[t]);
    }
    bce_dd r = bce_two_sum(h, l);
    *hi = r.hi; *lo = r.lo;
}

/* z (and t = x.v when v != NULL) of rows i0 .. i0+nb-1, without the
 * intercept (the caller adds it).  w, v: k values. */
void LR_FN(dots)(const LR_T *x, size_t ldx, size_t k, const double *w,
                 const double *v, size_t i0, size_t nb,
                 double *zh, double *zl, double *th, double *tl)
{
    const v4d zero = { 0, 0, 0, 0 };
    for (size_t i = 0; i < nb; i++) {
        const LR_T *r = x + (i0 + i) * ldx;
        v4d s0 = zero, s1 = zero, c0 = zero, c1 = zero;
        v4d q0 = zero, q1 = zero, d0 = zero, d1 = zero;
        for (size_t j = 0; j < k; j += 8) {
            v4d a, b, wa, wb, p, e, t;
            LR_FN(load8)(r, j, k, &a, &b);
            double wbuf[8] = { 0 };
            const double *wp = w + j;
            if (j + 8 > k) { for (size_t u = 0; j + u < k; u++) wbuf[u] = w[j + u]; wp = wbuf; }
            memcpy(&wa, wp, 32); memcpy(&wb, wp + 4, 32);
            p = a * wa; e = LR_FMA4(a, wa, -p);
            LR_FN(two_sum4)(s0, p, &s0, &t); c0 = c0 + (t + e);
            p = b * wb; e = LR_FMA4(b, wb, -p);
            LR_FN(two_sum4)(s1, p, &s1, &t); c1 = c1 + (t + e);
            if (v) {
                v4d va, vb;
                const double *vp = v + j;
                if (j + 8 > k) { for (size_t u = 0; u < 8; u++) wbuf[u] = j + u < k ? v[j + u] : 0.0; vp = wbuf; }
                memcpy(&va, vp, 32); memcpy(&vb, vp + 4, 32);
                p = a * va; e = LR_FMA4(a, va, -p);
                LR_FN(two_sum4)(q0, p, &q0, &t); d0 = d0 + (t + e);
                p = b * vb; e = LR_FMA4(b, vb, -p);
                LR_FN(two_sum4)(q1, p, &q1, &t); d1 = d1 + (t + e);
            }
        }
        LR_FN(fold)(s0, s1, c0, c1, zh + i, zl + i);
        if (v) LR_FN(fold)(q0, q1, d0, d1, th + i, tl + i);
    }
}

/* S_j + Q_j += rho_i x_ij, rows i0 .. i0+nb-1, j < k (S, Q: k rounded up
 * to a multiple of 8 values; the padding lanes stay 0). */
void LR_FN(accum)(const LR_T *x, size_t ldx, size_t k, size_t i0, size_t nb,
                  const double *rh, const double *rl, double *S, double *Q)
{
    for (size_t i = 0; i < nb; i++) {
        const LR_T *r = x + (i0 + i) * ldx;
        const v4d h = { rh[i], rh[i], rh[i], rh[i] };
        const v4d l = { rl[i], rl[i], rl[i], rl[i] };
        if (rh[i] == 0.0 && rl[i] == 0.0) continue; /* adds exact zeros */
        for (size_t j = 0; j < k; j += 8) {
            v4d a, b, sa, sb, qa, qb, p, e, t;
            LR_FN(load8)(r, j, k, &a, &b);
            memcpy(&sa, S + j, 32); memcpy(&sb, S + j + 4, 32);
            memcpy(&qa, Q + j, 32); memcpy(&qb, Q + j + 4, 32);
            p = h * a; e = LR_FMA4(h, a, -p) + l * a;
            LR_FN(two_sum4)(sa, p, &sa, &t); qa = qa + (t + e);
            p = h * b; e = LR_FMA4(h, b, -p) + l * b;
            LR_FN(two_sum4)(sb, p, &sb, &t); qb = qb + (t + e);
            memcpy(S + j, &sa, 32); memcpy(S + j + 4, &sb, 32);
            memcpy(Q + j, &qa, 32); memcpy(Q + j + 4, &qb, 32);
        }
    }
}

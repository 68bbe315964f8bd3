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
 *          K = ceil(k/8) + 4 (the per-lane recursion, then the fold of the
 *          lanes and the intercept), plus 2^-1074 per product whose error term is subnormal.
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

/* Fold 8 lanes (s + c per lane) and a last term w0 into hi + lo: the s
 * lanes by a tree of TwoSums (vector halves, then lane pairs), their errors
 * and the c lanes into one double, w0 by a last TwoSum. */
static inline void LR_FN(fold)(v4d s0, v4d s1, v4d c0, v4d c1, double w0,
                               double *hi, double *lo)
{
    v4d s, e;
    LR_FN(two_sum4)(s0, s1, &s, &e);
    v4d c = (c0 + c1) + e;
    double sv[4], cv[4];
    memcpy(sv, &s, 32); memcpy(cv, &c, 32);
    bce_dd a = bce_two_sum(sv[0], sv[2]), b = bce_two_sum(sv[1], sv[3]);
    bce_dd t = bce_two_sum(a.hi, b.hi);
    bce_dd u = bce_two_sum(t.hi, w0);
    double l = ((cv[0] + cv[2]) + (cv[1] + cv[3])) + ((a.lo + b.lo) + (t.lo + u.lo));
    bce_dd r = bce_two_sum(u.hi, l);
    *hi = r.hi; *lo = r.lo;
}

/* z = w0 + x.w (and t = v0 + x.v when v != NULL) of rows i0 .. i0+nb-1.
 * w, v: k values. */
void LR_FN(dots)(const LR_T *x, size_t ldx, size_t k, const double *w,
                 const double *v, double w0, double v0, size_t i0, size_t nb,
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
        LR_FN(fold)(s0, s1, c0, c1, w0, zh + i, zl + i);
        if (v) LR_FN(fold)(q0, q1, d0, d1, v0, th + i, tl + i);
    }
}

/* One Sum2 step of S + Q += (h + l) x, lane-wise. */
#define LR_STEP(sv, qv, xv, h, l) do {                                        \
        v4d p_ = (h) * (xv), t_;                                              \
        v4d e_ = LR_FMA4((h), (xv), -p_) + (l) * (xv);                        \
        LR_FN(two_sum4)((sv), p_, &(sv), &t_);                                \
        (qv) = (qv) + (t_ + e_);                                              \
    } while (0)

/* S_j + Q_j += rho_i x_ij, rows i0 .. i0+nb-1 in order, j < k (S, Q: k
 * rounded up to a multiple of 8 values; the padding lanes stay 0).  Four
 * rows share each load and store of S and Q; the order of the additions
 * into each S_j is still row by row.  A zero rho adds exact zeros. */
void LR_FN(accum)(const LR_T *x, size_t ldx, size_t k, size_t i0, size_t nb,
                  const double *rh, const double *rl, double *S, double *Q)
{
    size_t i = 0;
    for (; i + 4 <= nb; i += 4) {
        const LR_T *r0 = x + (i0 + i) * ldx, *r1 = r0 + ldx, *r2 = r1 + ldx, *r3 = r2 + ldx;
        const v4d h0 = { rh[i], rh[i], rh[i], rh[i] }, l0 = { rl[i], rl[i], rl[i], rl[i] };
        const v4d h1 = { rh[i+1], rh[i+1], rh[i+1], rh[i+1] }, l1 = { rl[i+1], rl[i+1], rl[i+1], rl[i+1] };
        const v4d h2 = { rh[i+2], rh[i+2], rh[i+2], rh[i+2] }, l2 = { rl[i+2], rl[i+2], rl[i+2], rl[i+2] };
        const v4d h3 = { rh[i+3], rh[i+3], rh[i+3], rh[i+3] }, l3 = { rl[i+3], rl[i+3], rl[i+3], rl[i+3] };
        for (size_t j = 0; j < k; j += 8) {
            v4d a, b, sa, sb, qa, qb;
            memcpy(&sa, S + j, 32); memcpy(&sb, S + j + 4, 32);
            memcpy(&qa, Q + j, 32); memcpy(&qb, Q + j + 4, 32);
            LR_FN(load8)(r0, j, k, &a, &b);
            LR_STEP(sa, qa, a, h0, l0); LR_STEP(sb, qb, b, h0, l0);
            LR_FN(load8)(r1, j, k, &a, &b);
            LR_STEP(sa, qa, a, h1, l1); LR_STEP(sb, qb, b, h1, l1);
            LR_FN(load8)(r2, j, k, &a, &b);
            LR_STEP(sa, qa, a, h2, l2); LR_STEP(sb, qb, b, h2, l2);
            LR_FN(load8)(r3, j, k, &a, &b);
            LR_STEP(sa, qa, a, h3, l3); LR_STEP(sb, qb, b, h3, l3);
            memcpy(S + j, &sa, 32); memcpy(S + j + 4, &sb, 32);
            memcpy(Q + j, &qa, 32); memcpy(Q + j + 4, &qb, 32);
        }
    }
    for (; i < nb; i++) {
        const LR_T *r = x + (i0 + i) * ldx;
        const v4d h = { rh[i], rh[i], rh[i], rh[i] }, l = { rl[i], rl[i], rl[i], rl[i] };
        for (size_t j = 0; j < k; j += 8) {
            v4d a, b, sa, sb, qa, qb;
            memcpy(&sa, S + j, 32); memcpy(&sb, S + j + 4, 32);
            memcpy(&qa, Q + j, 32); memcpy(&qb, Q + j + 4, 32);
            LR_FN(load8)(r, j, k, &a, &b);
            LR_STEP(sa, qa, a, h, l); LR_STEP(sb, qb, b, h, l);
            memcpy(S + j, &sa, 32); memcpy(S + j + 4, &sb, 32);
            memcpy(Q + j, &qa, 32); memcpy(Q + j + 4, &qb, 32);
        }
    }
}
#undef LR_STEP

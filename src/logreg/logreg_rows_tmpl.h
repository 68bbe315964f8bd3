/*
 * logreg/logreg_rows_tmpl.h -- the feature loops of the fused logistic regression
 * (src/logreg/logreg.c), written once and compiled per ISA (src/isa/scalar/logreg_rows.c
 * baseline, src/isa/x86_avx2/logreg_rows.c with AVX2+FMA).  The loops run on
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
 * The includer defines LR_T (double or float: the data type), LR_FN(name)
 * (names of the static functions defined here: LR_FN(dots), LR_FN(accum),
 * LR_FN(dots_fast), LR_FN(accum_fast), which the unit's table
 * bce_lr_kernels_<isa> holds), the type v4d (4 doubles, a GCC
 * vector), LR_LOAD4(p) (4 LR_T from p, unaligned, as v4d) and
 * LR_FMA4(a, b, c) (a b + c rounded once, per lane), and includes
 * <string.h> and core/isa.h first.  With LR_FAST_OWN defined, dots_fast and
 * accum_fast are left out (the includer has its own: the AVX-512 unit).
 * No include guard: included once per instantiation.
 */
#if !defined(LR_T) || !defined(LR_FN) || !defined(LR_LOAD4) || !defined(LR_FMA4)
#error "logreg_rows_tmpl.h: define LR_T, LR_FN, LR_LOAD4 and LR_FMA4 (and typedef v4d) before including"
#endif

/* LR_ADDF(a, b), LR_SUBF(a, b): a + b and a - b rounded once, as the
 * includer computes them.  The AVX2 unit takes them through the FMA pipes
 * (fma(b, 1, a), fma(b, -1, a): the exact sum rounded once, the same
 * value, the same signed zero, the same inf and NaN), so that the
 * error-free transformations below, which are mostly additions, use the
 * two FMA pipes beside the two adders of a Zen 2 or Skylake core; the
 * scalar unit uses + and -.  The same bits either way. */
#ifndef LR_ADDF
#define LR_ADDF(a, b) ((a) + (b))
#define LR_SUBF(a, b) ((a) - (b))
#endif

/* TwoSum (Knuth): s + e = a + b exactly; 6 operations, 2 of them on the
 * FMA pipes (LR_SUBF), none of these on the chain through s. */
static inline void LR_FN(two_sum4)(v4d a, v4d b, v4d *s, v4d *e)
{
    v4d t = a + b;
    v4d bb = t - a;
    *e = (a - LR_SUBF(t, bb)) + LR_SUBF(b, bb);
    *s = t;
}

/* 8 elements of a row from j (k - j of them real, the rest zero).  With
 * LR_LOAD4M(p, c) from the includer (the first c < 4 of 4 elements from
 * p, zero in the other lanes, which are not read: a masked load), the
 * partial chunk takes no copy loop; the same values either way. */
static inline void LR_FN(load8)(const LR_T *r, size_t j, size_t k, v4d *a, v4d *b)
{
    if (j + 8 <= k) {
        *a = LR_LOAD4(r + j);
        *b = LR_LOAD4(r + j + 4);
        return;
    }
#ifdef LR_LOAD4M
    if (j >= k) {
        const v4d zero = { 0, 0, 0, 0 };
        *a = *b = zero;
    } else if (j + 4 <= k) {
        *a = LR_LOAD4(r + j);
        *b = LR_LOAD4M(r + j + 4, k - j - 4);
    } else {
        const v4d zero = { 0, 0, 0, 0 };
        *a = LR_LOAD4M(r + j, k - j);
        *b = zero;
    }
#else
    LR_T buf[8] = { 0 };
    for (size_t t = 0; j + t < k; t++) buf[t] = r[j + t];
    *a = LR_LOAD4(buf);
    *b = LR_LOAD4(buf + 4);
#endif
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
/* One Dot2 step on 8 lanes: x (a, b) times w (from wp) into s + c. */
#define LR_DOT2_8(a, b, wp, s0, s1, c0, c1) do {                              \
        v4d wa_, wb_, p_, e_, t_;                                             \
        memcpy(&wa_, (wp), 32); memcpy(&wb_, (wp) + 4, 32);                   \
        p_ = (a) * wa_; e_ = LR_FMA4((a), wa_, -p_);                          \
        LR_FN(two_sum4)((s0), p_, &(s0), &t_); (c0) = (c0) + LR_ADDF(t_, e_); \
        p_ = (b) * wb_; e_ = LR_FMA4((b), wb_, -p_);                          \
        LR_FN(two_sum4)((s1), p_, &(s1), &t_); (c1) = (c1) + LR_ADDF(t_, e_); \
    } while (0)

/* Prefetch 4 KiB ahead of p in the rows being read, into L2 only
 * (locality 1: prefetcht2), with LR_PF below for the next block: the
 * default mode's dots (the hardware prefetchers stop at page
 * boundaries, and a row of 512 doubles is a page).  Integer arithmetic: no
 * pointer is formed past the data.  Measured 2026-12-07 (one process,
 * alternated, n k = 1.6e7, f64, load 6-7): 1.00 / 1.08 / 1.09 times the
 * speed of L1 prefetches 12 KiB ahead (k = 32 / 128 / 512). */
#define LR_PF_AHEAD(p) __builtin_prefetch((const void *)((uintptr_t)(p) + 4096), 0, 1)
/* The fast mode's prefetches (BCE_OPT_FAST_ACCUM), both into L2 only:
 * the dots 8 KiB ahead (LR_PF_AHEAD_F), and accum_fast every line of the
 * next block (LR_PF below).  Measured 2026-12-07 (one process, alternated,
 * n k = 1.6e7, f64, load about 3): main's L1 prefetches (12 KiB ahead in
 * the dots, the next block in accum_fast) were 1.3-1.4 times slower than
 * this (k = 32 / 128 / 512); the dots' L2 prefetch alone 1.1-1.2 times,
 * none at all 1.2-1.35 times. */
#define LR_PF_AHEAD_F(p) __builtin_prefetch((const void *)((uintptr_t)(p) + 8192), 0, 1)

/* The 8 lanes of one row's Dot2, reduced to 4: (s, c) with s + c the sum. */
static inline void LR_FN(half)(v4d s0, v4d s1, v4d c0, v4d c1, v4d *s, v4d *c)
{
    v4d e;
    LR_FN(two_sum4)(s0, s1, s, &e);
    *c = (c0 + c1) + e;
}

/* LR_FN(fold) for four rows at once: the rows' 4-lane (s, c) are
 * transposed so that each lane is a row, then the same tree runs on
 * vectors (the same operations per row: the same bits). */
static inline void LR_FN(fold4)(const v4d *s, const v4d *c, double w0, double *hi, double *lo)
{
    /* __builtin_shufflevector (gcc >= 12 and clang) with constant lane
     * indices: __builtin_shuffle is gcc-only and broke the clang (fuzz)
     * build.  Pure permutations: the same bits. */
#define m02(a, b) __builtin_shufflevector(a, b, 0, 4, 2, 6)
#define m13(a, b) __builtin_shufflevector(a, b, 1, 5, 3, 7)
#define lo2(a, b) __builtin_shufflevector(a, b, 0, 1, 4, 5)
#define hi2(a, b) __builtin_shufflevector(a, b, 2, 3, 6, 7)
    v4d t0 = m02(s[0], s[1]), t1 = m13(s[0], s[1]);
    v4d t2 = m02(s[2], s[3]), t3 = m13(s[2], s[3]);
    v4d S0 = lo2(t0, t2), S2 = hi2(t0, t2);
    v4d S1 = lo2(t1, t3), S3 = hi2(t1, t3);
    t0 = m02(c[0], c[1]); t1 = m13(c[0], c[1]);
    t2 = m02(c[2], c[3]); t3 = m13(c[2], c[3]);
    v4d C0 = lo2(t0, t2), C2 = hi2(t0, t2);
    v4d C1 = lo2(t1, t3), C3 = hi2(t1, t3);
#undef m02
#undef m13
#undef lo2
#undef hi2
    const v4d W = { w0, w0, w0, w0 };
    v4d ah, al, bh, bl, th, tl, uh, ul, rh, rl;
    LR_FN(two_sum4)(S0, S2, &ah, &al);
    LR_FN(two_sum4)(S1, S3, &bh, &bl);
    LR_FN(two_sum4)(ah, bh, &th, &tl);
    LR_FN(two_sum4)(th, W, &uh, &ul);
    v4d l = ((C0 + C2) + (C1 + C3)) + ((al + bl) + (tl + ul));
    LR_FN(two_sum4)(uh, l, &rh, &rl);
    memcpy(hi, &rh, 32);
    memcpy(lo, &rl, 32);
}

/* One row's Dot2 over its k features into 4-lane (s, c) for w (and v). */
static inline void LR_FN(row2)(const LR_T *r, size_t k, size_t kf, const double *w,
                               const double *v, const double *wt, const double *vt,
                               v4d *s, v4d *c, v4d *q, v4d *d)
{
    const v4d zero = { 0, 0, 0, 0 };
    v4d s0 = zero, s1 = zero, c0 = zero, c1 = zero;
    v4d q0 = zero, q1 = zero, d0 = zero, d1 = zero;
    v4d a, b;
    for (size_t j = 0; j < kf; j += 8) {
        LR_PF_AHEAD(r + j);
        a = LR_LOAD4(r + j); b = LR_LOAD4(r + j + 4);
        LR_DOT2_8(a, b, w + j, s0, s1, c0, c1);
        if (v) LR_DOT2_8(a, b, v + j, q0, q1, d0, d1);
    }
    if (kf < k) {
        LR_FN(load8)(r, kf, k, &a, &b);
        LR_DOT2_8(a, b, wt, s0, s1, c0, c1);
        if (v) LR_DOT2_8(a, b, vt, q0, q1, d0, d1);
    }
    LR_FN(half)(s0, s1, c0, c1, s, c);
    if (v) LR_FN(half)(q0, q1, d0, d1, q, d);
}

static void LR_FN(dots)(const LR_T *x, size_t ldx, size_t k, const double *w,
                 const double *v, double w0, double v0, size_t i0, size_t nb,
                 double *zh, double *zl, double *th, double *tl)
{
    const size_t kf = k & ~(size_t)7;
    double wt[8] = { 0 }, vt[8] = { 0 };   /* the last, partial chunk */
    for (size_t u = kf; u < k; u++) { wt[u - kf] = w[u]; if (v) vt[u - kf] = v[u]; }
    size_t i = 0;
    for (; i + 4 <= nb; i += 4) {
        v4d s[4], c[4], q[4], d[4];
        for (int t = 0; t < 4; t++)
            LR_FN(row2)(x + (i0 + i + t) * ldx, k, kf, w, v, wt, vt, s + t, c + t, q + t, d + t);
        LR_FN(fold4)(s, c, w0, zh + i, zl + i);
        if (v) LR_FN(fold4)(q, d, v0, th + i, tl + i);
    }
    for (; i < nb; i++) {
        v4d s, c, q, d;
        const v4d zero = { 0, 0, 0, 0 };
        LR_FN(row2)(x + (i0 + i) * ldx, k, kf, w, v, wt, vt, &s, &c, &q, &d);
        LR_FN(fold)(s, zero, c, zero, w0, zh + i, zl + i);
        if (v) LR_FN(fold)(q, zero, d, zero, v0, th + i, tl + i);
    }
}
#undef LR_DOT2_8

/* Prefetch the line of row i of the next block (nb rows on) at column j,
 * if that row exists (i < npf), into L2 only (locality 1): the next
 * block's X streams in while this one is accumulated from cache, and the
 * requests are spread over the whole block's work, not only over its dots.
 * Both modes (accum, accum_fast).  Integer arithmetic: no pointer is formed
 * past the data. */
#define LR_PF(i, j) do {                                                      \
        if ((i) < npf)                                                        \
            __builtin_prefetch((const void *)((uintptr_t)x + (((i0) + (i) + nb) * ldx + (j)) * sizeof(LR_T)), 0, 1); \
    } while (0)

/* One Sum2 step of S + Q += (h + l) x, lane-wise. */
#define LR_STEP(sv, qv, xv, h, l) do {                                        \
        v4d p_ = (h) * (xv), t_;                                              \
        v4d e_ = LR_ADDF(LR_FMA4((h), (xv), -p_), (l) * (xv));               \
        LR_FN(two_sum4)((sv), p_, &(sv), &t_);                                \
        (qv) = (qv) + (t_ + e_);                                              \
    } while (0)

/* S_j + Q_j += rho_i x_ij, rows i0 .. i0+nb-1 in order, j < k (S, Q: k
 * rounded up to a multiple of 8 values; the padding lanes stay 0).  Four
 * rows share each load and store of S and Q; the order of the additions
 * into each S_j is still row by row.  A zero rho adds exact zeros. */
static void LR_FN(accum)(const LR_T *x, size_t ldx, size_t k, size_t i0, size_t nb, size_t npf,
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
            LR_PF(i, j); LR_PF(i + 1, j); LR_PF(i + 2, j); LR_PF(i + 3, j);
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
            LR_PF(i, j);
            LR_FN(load8)(r, j, k, &a, &b);
            LR_STEP(sa, qa, a, h, l); LR_STEP(sb, qb, b, h, l);
            memcpy(S + j, &sa, 32); memcpy(S + j + 4, &sb, 32);
            memcpy(Q + j, &qa, 32); memcpy(Q + j + 4, &qb, 32);
        }
    }
}
#undef LR_STEP

/* out[t] = ((s_t[0] + s_t[2]) + (s_t[1] + s_t[3])) + w0 for the four
 * rows' vectors s_t: the same additions as row by row (a + b = b + a
 * exactly), the lanes regrouped by permutations only. */
static inline void LR_FN(hsum4)(const v4d *s, double w0, double *out)
{
    const v4d p01 = __builtin_shufflevector(s[0], s[1], 0, 1, 4, 5)
                  + __builtin_shufflevector(s[0], s[1], 2, 3, 6, 7);
    const v4d p23 = __builtin_shufflevector(s[2], s[3], 0, 1, 4, 5)
                  + __builtin_shufflevector(s[2], s[3], 2, 3, 6, 7);
    /* p01 = [a0+c0, b0+d0, a1+c1, b1+d1], p23 likewise */
    const v4d W = { w0, w0, w0, w0 };
    const v4d z = (__builtin_shufflevector(p01, p23, 0, 2, 4, 6)
                 + __builtin_shufflevector(p01, p23, 1, 3, 5, 7)) + W;
    memcpy(out, &z, 32);
}

#ifndef LR_FAST_OWN   /* (an includer with fast loops of its own: the AVX-512 unit) */
/* BCE_OPT_FAST_ACCUM: plain fma recursions (16 lanes for the dots, one per
 * feature for the accumulation, folded every BCE_LR_FOLD rows by the
 * caller).  Bounds: |z^ - z| <= gamma_{ceil(k/16)+3} sum_j |x~_ij w_j|;
 * |S^_j - S_j| <= gamma_{BCE_LR_FOLD} sum_i |rho_i x_ij| per fold. */
static void LR_FN(dots_fast)(const LR_T *x, size_t ldx, size_t k, const double *w,
                      const double *v, double w0, double v0, size_t i0,
                      size_t nb, double *zh, double *zl, double *th, double *tl)
{
    const v4d zero = { 0, 0, 0, 0 };
    const size_t kf = k & ~(size_t)15;
    double wt[16] = { 0 }, vt[16] = { 0 };  /* the last, partial chunk */
    for (size_t u = kf; u < k; u++) { wt[u - kf] = w[u]; if (v) vt[u - kf] = v[u]; }
#define LR_FMA16(wp, s0, s1, s2, s3) do {                                     \
        v4d wa_, wb_, wc_, wd_;                                               \
        memcpy(&wa_, (wp), 32); memcpy(&wb_, (wp) + 4, 32);                   \
        memcpy(&wc_, (wp) + 8, 32); memcpy(&wd_, (wp) + 12, 32);              \
        s0 = LR_FMA4(a, wa_, s0); s1 = LR_FMA4(b, wb_, s1);                   \
        s2 = LR_FMA4(c, wc_, s2); s3 = LR_FMA4(d, wd_, s3);                   \
    } while (0)
    v4d sb[4], qb[4];
    size_t i = 0;
    if (!v && kf == 32) {
        /* k in [32, 48) without v: the 32 weights of the full chunks in 8
         * vector registers for the whole block (no w load per row); each
         * row's statements as in the loop below, in the same order: the
         * same bits */
        v4d W0, W1, W2, W3, W4, W5, W6, W7;
        memcpy(&W0, w, 32); memcpy(&W1, w + 4, 32); memcpy(&W2, w + 8, 32);
        memcpy(&W3, w + 12, 32); memcpy(&W4, w + 16, 32); memcpy(&W5, w + 20, 32);
        memcpy(&W6, w + 24, 32); memcpy(&W7, w + 28, 32);
        for (; i < nb; i++) {
            const LR_T *r = x + (i0 + i) * ldx;
            v4d s0 = zero, s1 = zero, s2 = zero, s3 = zero;
            v4d a, b, c, d;
            LR_PF_AHEAD_F(r); LR_PF_AHEAD_F(r + 8);
            LR_PF_AHEAD_F(r + 16); LR_PF_AHEAD_F(r + 24);
            s0 = LR_FMA4(LR_LOAD4(r), W0, s0);      s1 = LR_FMA4(LR_LOAD4(r + 4), W1, s1);
            s2 = LR_FMA4(LR_LOAD4(r + 8), W2, s2);  s3 = LR_FMA4(LR_LOAD4(r + 12), W3, s3);
            s0 = LR_FMA4(LR_LOAD4(r + 16), W4, s0); s1 = LR_FMA4(LR_LOAD4(r + 20), W5, s1);
            s2 = LR_FMA4(LR_LOAD4(r + 24), W6, s2); s3 = LR_FMA4(LR_LOAD4(r + 28), W7, s3);
            if (kf < k) {
                LR_FN(load8)(r, kf, k, &a, &b);
                LR_FN(load8)(r, kf + 8, k, &c, &d);
                LR_FMA16(wt, s0, s1, s2, s3);
            }
            sb[i & 3] = (s0 + s1) + (s2 + s3);
            if ((i & 3) == 3) LR_FN(hsum4)(sb, w0, zh + i - 3);
        }
    }
    for (; i < nb; i++) {
        const LR_T *r = x + (i0 + i) * ldx;
        v4d s0 = zero, s1 = zero, s2 = zero, s3 = zero;
        v4d q0 = zero, q1 = zero, q2 = zero, q3 = zero;
        v4d a, b, c, d;
        for (size_t j = 0; j < kf; j += 16) {
            LR_PF_AHEAD_F(r + j); LR_PF_AHEAD_F(r + j + 8);
            a = LR_LOAD4(r + j); b = LR_LOAD4(r + j + 4);
            c = LR_LOAD4(r + j + 8); d = LR_LOAD4(r + j + 12);
            LR_FMA16(w + j, s0, s1, s2, s3);
            if (v) LR_FMA16(v + j, q0, q1, q2, q3);
        }
        if (kf < k) {
            LR_FN(load8)(r, kf, k, &a, &b);
            LR_FN(load8)(r, kf + 8, k, &c, &d);
            LR_FMA16(wt, s0, s1, s2, s3);
            if (v) LR_FMA16(vt, q0, q1, q2, q3);
        }
        /* the row's 4 lanes s kept; every 4 rows their horizontal sums
         * ((s[0] + s[2]) + (s[1] + s[3])) + w0 as one vector (hsum4) */
        sb[i & 3] = (s0 + s1) + (s2 + s3);
        if (v) qb[i & 3] = (q0 + q1) + (q2 + q3);
        if ((i & 3) == 3) {
            LR_FN(hsum4)(sb, w0, zh + i - 3);
            if (v) LR_FN(hsum4)(qb, v0, th + i - 3);
        }
    }
    for (i = nb & ~(size_t)3; i < nb; i++) {
        const v4d s = sb[i & 3];
        zh[i] = ((s[0] + s[2]) + (s[1] + s[3])) + w0;
        if (v) {
            const v4d q = qb[i & 3];
            th[i] = ((q[0] + q[2]) + (q[1] + q[3])) + v0;
        }
    }
    for (size_t i = 0; i < nb; i++) {
        zl[i] = 0.0;
        if (v) tl[i] = 0.0;
    }
#undef LR_FMA16
}

static void LR_FN(accum_fast)(const LR_T *x, size_t ldx, size_t k, size_t i0, size_t nb, size_t npf,
                       const double *rh, const double *rl, double *S, double *Q)
{
    (void)rl; (void)Q;
    /* Tiles of 32 features: S of the tile in 8 vector registers for the
     * whole block, each row one fma per vector into them (8 independent
     * chains; S loaded and stored once per block).  The order of the
     * additions into each S_j is still row by row: the same bits as the
     * groups of 4 rows below, which take the features past the tiles. */
    const size_t kt = k & ~(size_t)31;
    for (size_t j = 0; j < kt; j += 32) {
        v4d s0, s1, s2, s3, s4, s5, s6, s7;
        memcpy(&s0, S + j, 32); memcpy(&s1, S + j + 4, 32);
        memcpy(&s2, S + j + 8, 32); memcpy(&s3, S + j + 12, 32);
        memcpy(&s4, S + j + 16, 32); memcpy(&s5, S + j + 20, 32);
        memcpy(&s6, S + j + 24, 32); memcpy(&s7, S + j + 28, 32);
        for (size_t i = 0; i < nb; i++) {
            const LR_T *r = x + (i0 + i) * ldx + j;
            const v4d h = { rh[i], rh[i], rh[i], rh[i] };
            LR_PF(i, j); LR_PF(i, j + 8); LR_PF(i, j + 16); LR_PF(i, j + 24);
            s0 = LR_FMA4(h, LR_LOAD4(r), s0);      s1 = LR_FMA4(h, LR_LOAD4(r + 4), s1);
            s2 = LR_FMA4(h, LR_LOAD4(r + 8), s2);  s3 = LR_FMA4(h, LR_LOAD4(r + 12), s3);
            s4 = LR_FMA4(h, LR_LOAD4(r + 16), s4); s5 = LR_FMA4(h, LR_LOAD4(r + 20), s5);
            s6 = LR_FMA4(h, LR_LOAD4(r + 24), s6); s7 = LR_FMA4(h, LR_LOAD4(r + 28), s7);
        }
        memcpy(S + j, &s0, 32); memcpy(S + j + 4, &s1, 32);
        memcpy(S + j + 8, &s2, 32); memcpy(S + j + 12, &s3, 32);
        memcpy(S + j + 16, &s4, 32); memcpy(S + j + 20, &s5, 32);
        memcpy(S + j + 24, &s6, 32); memcpy(S + j + 28, &s7, 32);
    }
    if (kt == k) return;
    x += kt; S += kt; k -= kt;
    size_t i = 0;
    for (; i + 4 <= nb; i += 4) {
        const LR_T *r0 = x + (i0 + i) * ldx, *r1 = r0 + ldx, *r2 = r1 + ldx, *r3 = r2 + ldx;
        const v4d h0 = { rh[i], rh[i], rh[i], rh[i] };
        const v4d h1 = { rh[i+1], rh[i+1], rh[i+1], rh[i+1] };
        const v4d h2 = { rh[i+2], rh[i+2], rh[i+2], rh[i+2] };
        const v4d h3 = { rh[i+3], rh[i+3], rh[i+3], rh[i+3] };
        for (size_t j = 0; j < k; j += 8) {
            v4d a, b, sa, sb;
            memcpy(&sa, S + j, 32); memcpy(&sb, S + j + 4, 32);
            LR_PF(i, j); LR_PF(i + 1, j); LR_PF(i + 2, j); LR_PF(i + 3, j);
            LR_FN(load8)(r0, j, k, &a, &b); sa = LR_FMA4(h0, a, sa); sb = LR_FMA4(h0, b, sb);
            LR_FN(load8)(r1, j, k, &a, &b); sa = LR_FMA4(h1, a, sa); sb = LR_FMA4(h1, b, sb);
            LR_FN(load8)(r2, j, k, &a, &b); sa = LR_FMA4(h2, a, sa); sb = LR_FMA4(h2, b, sb);
            LR_FN(load8)(r3, j, k, &a, &b); sa = LR_FMA4(h3, a, sa); sb = LR_FMA4(h3, b, sb);
            memcpy(S + j, &sa, 32); memcpy(S + j + 4, &sb, 32);
        }
    }
    for (; i < nb; i++) {
        const LR_T *r = x + (i0 + i) * ldx;
        const v4d h = { rh[i], rh[i], rh[i], rh[i] };
        for (size_t j = 0; j < k; j += 8) {
            v4d a, b, sa, sb;
            memcpy(&sa, S + j, 32); memcpy(&sb, S + j + 4, 32);
            LR_PF(i, j);
            LR_FN(load8)(r, j, k, &a, &b); sa = LR_FMA4(h, a, sa); sb = LR_FMA4(h, b, sb);
            memcpy(S + j, &sa, 32); memcpy(S + j + 4, &sb, 32);
        }
    }
}

#endif /* LR_FAST_OWN */

#undef LR_PF
#undef LR_PF_AHEAD_F

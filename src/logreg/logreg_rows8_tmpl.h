/*
 * logreg/logreg_rows8_tmpl.h -- BCE_OPT_FAST_ACCUM's feature loops of the
 * fused logistic regression on 8-double vectors (AVX-512,
 * src/isa/x86_avx512/logreg_rows.c): logreg_rows_tmpl.h's LR_FN(dots_fast)
 * and LR_FN(accum_fast) with the same operations on every lane, in the
 * same order, so the same bits as every other ISA (tests/test_logreg_api.c
 * compares each ISA with scalar bit for bit).
 *
 *   dots8_fast:  the 16 lanes of logreg_rows_tmpl.h's dots_fast (s0 .. s3,
 *                4 lanes each, element j + 4 q + l into s_q's lane l) held
 *                as two 8-lane vectors A = (s0, s1) and B = (s2, s3); a
 *                row's 4-lane sum (s0 + s1) + (s2 + s3) is formed from the
 *                halves of A and B, and the rows' horizontal sums by
 *                LR_FN(hsum4) as there.
 *   accum8_fast: S_j += rho_i x_ij, one fma per feature and row, rows in
 *                order: per feature the same recursion whatever the lane
 *                width (tiles of 64, then 32 features in registers over
 *                the block, then groups of 4 rows through memory).
 *
 * Bounds (proven, the same operations as logreg_rows_tmpl.h's, so its
 * bounds): |z^ - z| <= gamma_{ceil(k/16)+3} sum_j |x~_ij w_j| for the dots,
 * |S^_j - S_j| <= gamma_{BCE_LR_FOLD} sum_i |rho_i x_ij| per fold for the
 * accumulation (docs/ACCURACY.md, the fused section: eZ, eA of the fast
 * mode); measured against MPFR by tests/test_logreg.c (the active ISA),
 * every ISA's bits equal to scalar's by tests/test_logreg_api.c.
 * Constants: tiles of 64 and 32 features (8 and 4 zmm accumulators, 1 fma
 * per row each); the weights in registers for k < 144 (16 zmm of the 32).
 *
 * What it changes is the instruction count: one 8-lane fma where AVX2 runs
 * two 4-lane ones (Zen 4 executes it on both 256-bit halves, but issues,
 * renames and retires it once).
 *
 * The includer defines LR_T, LR_FN (as for logreg_rows_tmpl.h, which it
 * includes first: LR_FN(hsum4) is used here), v8d, LR8_LOAD(p) (8 LR_T
 * from p as v8d), LR8_LOADM(m, p) (the first lanes of mask m from p, zero
 * in the others, reading nothing past them) and LR8_FMA(a, b, c) (a b + c
 * rounded once).  No include guard: included once per instantiation.
 */
#if !defined(LR_T) || !defined(LR_FN) || !defined(LR8_LOAD) || !defined(LR8_LOADM) || !defined(LR8_FMA)
#error "logreg_rows8_tmpl.h: define LR_T, LR_FN, LR8_LOAD, LR8_LOADM and LR8_FMA (and typedef v8d) first"
#endif

/* the low and high 4 lanes of an 8-lane vector */
static inline v4d LR_FN(lo4)(v8d a) { return (v4d)_mm512_castpd512_pd256((__m512d)a); }
static inline v4d LR_FN(hi4)(v8d a) { return (v4d)_mm512_extractf64x4_pd((__m512d)a, 1); }

/* elements per 64-byte line (the prefetches' stride) */
#define LR8_LINE (64 / sizeof(LR_T))
/* the dots' prefetch: 8 KiB ahead into L2, as logreg_rows_tmpl.h's
 * LR_PF_AHEAD_F (one per line here) */
#define LR8_PF_AHEAD(p) __builtin_prefetch((const void *)((uintptr_t)(p) + 8192), 0, 1)

/* One row's 16-lane fma recursion over k features for w (and v when not
 * NULL; the last chunk zero-padded in wt, vt), each returned as
 * logreg_rows_tmpl.h's (s0 + s1) + (s2 + s3) in *s (*q); both share the
 * loads of the row, as dots_fast's LR_FMA16 do there. */
static inline __attribute__((always_inline)) void
LR_FN(row8_fast)(const LR_T *r, size_t k, size_t kf, const double *w, const double *wt,
                 const double *v, const double *vt, v4d *s, v4d *q)
{
    const v8d zero = { 0, 0, 0, 0, 0, 0, 0, 0 };
    v8d A = zero, B = zero, C = zero, D = zero, a, b, wa, wb;
    for (size_t j = 0; j < kf; j += 16) {
        for (size_t o = 0; o < 16; o += LR8_LINE) LR8_PF_AHEAD(r + j + o);
        a = LR8_LOAD(r + j); b = LR8_LOAD(r + j + 8);
        memcpy(&wa, w + j, 64); memcpy(&wb, w + j + 8, 64);
        A = LR8_FMA(a, wa, A);
        B = LR8_FMA(b, wb, B);
        if (v) {
            memcpy(&wa, v + j, 64); memcpy(&wb, v + j + 8, 64);
            C = LR8_FMA(a, wa, C);
            D = LR8_FMA(b, wb, D);
        }
    }
    if (kf < k) {
        /* the last k - kf < 16 features, the lanes past k zero (as
         * logreg_rows_tmpl.h's load8 pads them), times wt's zeros */
        const size_t t = k - kf;
        const __mmask8 ma = (__mmask8)(t >= 8 ? 0xff : (1u << t) - 1);
        const __mmask8 mb = (__mmask8)(t > 8 ? (1u << (t - 8)) - 1 : 0);
        a = LR8_LOADM(ma, r + kf); b = LR8_LOADM(mb, r + kf + 8);
        memcpy(&wa, wt, 64); memcpy(&wb, wt + 8, 64);
        A = LR8_FMA(a, wa, A);
        B = LR8_FMA(b, wb, B);
        if (v) {
            memcpy(&wa, vt, 64); memcpy(&wb, vt + 8, 64);
            C = LR8_FMA(a, wa, C);
            D = LR8_FMA(b, wb, D);
        }
    }
    *s = (LR_FN(lo4)(A) + LR_FN(hi4)(A)) + (LR_FN(lo4)(B) + LR_FN(hi4)(B));
    if (v) *q = (LR_FN(lo4)(C) + LR_FN(hi4)(C)) + (LR_FN(lo4)(D) + LR_FN(hi4)(D));
}

/* The rows' dots without v when the full chunks are NC (a constant, at
 * most 8) chunks of 16: the 16 NC weights in 2 NC vector registers for
 * the whole block, the same statements per row as row8_fast. */
static inline __attribute__((always_inline)) void
LR_FN(dots8_reg)(const LR_T *x, size_t ldx, size_t k, const double *w, const double *wt,
                 double w0, size_t i0, size_t nb, double *zh, v4d *sb, const int NC)
{
    const v8d zero = { 0, 0, 0, 0, 0, 0, 0, 0 };
    const size_t kf = 16 * (size_t)NC;
    v8d W[16], wa, wb;
    for (int c = 0; c < 2 * NC; c++) memcpy(&W[c], w + 8 * c, 64);
    memcpy(&wa, wt, 64); memcpy(&wb, wt + 8, 64);
    const size_t t = k - kf;
    const __mmask8 ma = (__mmask8)(t >= 8 ? 0xff : (1u << t) - 1);
    const __mmask8 mb = (__mmask8)(t > 8 ? (1u << (t - 8)) - 1 : 0);
    for (size_t i = 0; i < nb; i++) {
        const LR_T *r = x + (i0 + i) * ldx;
        v8d A = zero, B = zero;
        for (int c = 0; c < NC; c++) {
            for (size_t o = 0; o < 16; o += LR8_LINE) LR8_PF_AHEAD(r + 16 * c + o);
            A = LR8_FMA(LR8_LOAD(r + 16 * c), W[2 * c], A);
            B = LR8_FMA(LR8_LOAD(r + 16 * c + 8), W[2 * c + 1], B);
        }
        if (t) {
            A = LR8_FMA(LR8_LOADM(ma, r + kf), wa, A);
            B = LR8_FMA(LR8_LOADM(mb, r + kf + 8), wb, B);
        }
        sb[i & 3] = (LR_FN(lo4)(A) + LR_FN(hi4)(A)) + (LR_FN(lo4)(B) + LR_FN(hi4)(B));
        if ((i & 3) == 3) LR_FN(hsum4)(sb, w0, zh + i - 3);
    }
}

static void LR_FN(dots8_fast)(const LR_T *x, size_t ldx, size_t k, const double *w,
                              const double *v, double w0, double v0, size_t i0,
                              size_t nb, double *zh, double *zl, double *th, double *tl)
{
    const size_t kf = k & ~(size_t)15;
    double wt[16] = { 0 }, vt[16] = { 0 };  /* the last, partial chunk */
    for (size_t u = kf; u < k; u++) { wt[u - kf] = w[u]; if (v) vt[u - kf] = v[u]; }
    v4d sb[4], qb[4];
    size_t i = 0;
    if (!v && kf >= 16 && kf <= 128) {
        switch (kf / 16) {
        case 1: LR_FN(dots8_reg)(x, ldx, k, w, wt, w0, i0, nb, zh, sb, 1); break;
        case 2: LR_FN(dots8_reg)(x, ldx, k, w, wt, w0, i0, nb, zh, sb, 2); break;
        case 3: LR_FN(dots8_reg)(x, ldx, k, w, wt, w0, i0, nb, zh, sb, 3); break;
        case 4: LR_FN(dots8_reg)(x, ldx, k, w, wt, w0, i0, nb, zh, sb, 4); break;
        case 5: LR_FN(dots8_reg)(x, ldx, k, w, wt, w0, i0, nb, zh, sb, 5); break;
        case 6: LR_FN(dots8_reg)(x, ldx, k, w, wt, w0, i0, nb, zh, sb, 6); break;
        case 7: LR_FN(dots8_reg)(x, ldx, k, w, wt, w0, i0, nb, zh, sb, 7); break;
        default: LR_FN(dots8_reg)(x, ldx, k, w, wt, w0, i0, nb, zh, sb, 8); break;
        }
        i = nb;
    }
    for (; i < nb; i++) {
        const LR_T *r = x + (i0 + i) * ldx;
        LR_FN(row8_fast)(r, k, kf, w, wt, v, vt, &sb[i & 3], &qb[i & 3]);
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
    for (i = 0; i < nb; i++) {
        zl[i] = 0.0;
        if (v) tl[i] = 0.0;
    }
}

/* Prefetch the line of row i of the next block (nb rows on) at column j
 * into L2, if that row exists (i < npf): as logreg_rows_tmpl.h's LR_PF. */
#define LR8_PF(i, j) do {                                                     \
        if ((i) < npf)                                                        \
            __builtin_prefetch((const void *)((uintptr_t)x + (((i0) + (i) + nb) * ldx + (j)) * sizeof(LR_T)), 0, 1); \
    } while (0)

/* One tile of T vectors (8 T features from j) over the block's rows: S in
 * registers, one fma per vector and row. */
#define LR8_TILE(T) do {                                                      \
        v8d s_[T];                                                            \
        for (int q_ = 0; q_ < (T); q_++) memcpy(&s_[q_], S + j + 8 * q_, 64); \
        for (size_t i = 0; i < nb; i++) {                                     \
            const LR_T *r = x + (i0 + i) * ldx + j;                           \
            const v8d h = { rh[i], rh[i], rh[i], rh[i], rh[i], rh[i], rh[i], rh[i] }; \
            for (size_t o = 0; o < 8 * (T); o += LR8_LINE) LR8_PF(i, j + o); \
            for (int q_ = 0; q_ < (T); q_++)                                  \
                s_[q_] = LR8_FMA(h, LR8_LOAD(r + 8 * q_), s_[q_]);            \
        }                                                                     \
        for (int q_ = 0; q_ < (T); q_++) memcpy(S + j + 8 * q_, &s_[q_], 64); \
    } while (0)

static void LR_FN(accum8_fast)(const LR_T *x, size_t ldx, size_t k, size_t i0, size_t nb,
                               size_t npf, const double *rh, const double *rl,
                               double *S, double *Q)
{
    (void)rl; (void)Q;
    size_t j = 0;
    for (; j + 64 <= k; j += 64) LR8_TILE(8);
    if (j + 32 <= k) { LR8_TILE(4); j += 32; }
    if (j == k) return;
    /* the last k - j < 32 features: 4 rows per load and store of S (S
     * holds k rounded up to 8 values; the lanes past k add h 0 into
     * them, as logreg_rows_tmpl.h's zero-padded loads do) */
    size_t i = 0;
    for (; i + 4 <= nb; i += 4) {
        const LR_T *r0 = x + (i0 + i) * ldx, *r1 = r0 + ldx, *r2 = r1 + ldx, *r3 = r2 + ldx;
        const v8d h0 = { rh[i], rh[i], rh[i], rh[i], rh[i], rh[i], rh[i], rh[i] };
        const v8d h1 = { rh[i+1], rh[i+1], rh[i+1], rh[i+1], rh[i+1], rh[i+1], rh[i+1], rh[i+1] };
        const v8d h2 = { rh[i+2], rh[i+2], rh[i+2], rh[i+2], rh[i+2], rh[i+2], rh[i+2], rh[i+2] };
        const v8d h3 = { rh[i+3], rh[i+3], rh[i+3], rh[i+3], rh[i+3], rh[i+3], rh[i+3], rh[i+3] };
        for (size_t c = j; c < k; c += 8) {
            const __mmask8 m = (__mmask8)(k - c >= 8 ? 0xff : (1u << (k - c)) - 1);
            v8d s;
            memcpy(&s, S + c, 64);
            if ((c - j) % LR8_LINE == 0) {
                LR8_PF(i, c); LR8_PF(i + 1, c); LR8_PF(i + 2, c); LR8_PF(i + 3, c);
            }
            s = LR8_FMA(h0, LR8_LOADM(m, r0 + c), s);
            s = LR8_FMA(h1, LR8_LOADM(m, r1 + c), s);
            s = LR8_FMA(h2, LR8_LOADM(m, r2 + c), s);
            s = LR8_FMA(h3, LR8_LOADM(m, r3 + c), s);
            memcpy(S + c, &s, 64);
        }
    }
    for (; i < nb; i++) {
        const LR_T *r = x + (i0 + i) * ldx;
        const v8d h = { rh[i], rh[i], rh[i], rh[i], rh[i], rh[i], rh[i], rh[i] };
        for (size_t c = j; c < k; c += 8) {
            const __mmask8 m = (__mmask8)(k - c >= 8 ? 0xff : (1u << (k - c)) - 1);
            v8d s;
            memcpy(&s, S + c, 64);
            if ((c - j) % LR8_LINE == 0) LR8_PF(i, c);
            s = LR8_FMA(h, LR8_LOADM(m, r + c), s);
            memcpy(S + c, &s, 64);
        }
    }
}

#undef LR8_TILE
#undef LR8_PF
#undef LR8_LINE
#undef LR8_PF_AHEAD

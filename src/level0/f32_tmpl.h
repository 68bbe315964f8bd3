/*
 * level0/f32_tmpl.h -- the table-free, gather-free level 1 of the float
 * outputs (AVX2+FMA f32 kernels), written once for lane types with a fused
 * multiply-add (EL_FMA); instantiated by simd/lanes_tmpl.h.  Plain doubles
 * throughout, about 2^-43 relative: a float needs far less than the 2^-60
 * of the double outputs, because the caller (isa/x86_avx2/loop_f32.h) keeps a
 * result only when a rounding test proves it is the correctly rounded
 * float -- which is what every other path (the double-double level 1 and
 * its slow path) returns too, so every ISA gives the same bits.  With a
 * half-width near 2^-43 |v| the test fails for about one output in 2^18;
 * such a lane takes the double-double path.
 *
 * Each form returns, for each output with exact value v, two doubles
 * lo <= v <= hi (the ends of the rounding test), computed from the
 * output's double d and its error bound as RN(d -+ w) or RN(d (1 -+ K))
 * with enough margin for those roundings (stated at each).  If
 * RN_f32(lo) and RN_f32(hi) have the same bits, that float is RN_f32(v)
 * (RN_f32 is monotonic; equal bits also fix the sign of a zero: a +0 end
 * means lo >= 0, a -0 end hi < 0, since RN(d + w) is never -0 here), and
 * the caller stores it.
 *
 * Coefficients: src/level0/f32_coef.h; proofs/sollya/f32v_poly.sollya
 * regenerates them (fpminimax, relative error) and certifies the supnorms
 * used below (`proofs/run.sh sollya . /tmp/s`, or the `proofs` suite).
 * Budgets: by hand, below (not machine-checked); measured maxima:
 * tests/test_fast.c (docs/ACCURACY.md) for the plain variants.  The label
 * variants (f32v_lab, *_bl, *_a1l, probs_f32v_bhl) have their budgets by
 * hand and no separate measured maxima; their outputs are checked bit for
 * bit against the scalar ISA and MPFR (tests/test_options_l0.c), where a
 * build without their absolute half-widths fails.
 *
 * Needs level1/elem_tmpl.h's macros (EL_V, EL_I, EL_ASI, EL_ASD, EL_SPLAT, EL_M,
 * EL_SEL, EL_ABS, EL_SRL) and EL_FMA; optionally EL_SIGNSEL(s, a, b), a
 * where s's sign bit is set, else b (default: by EL_SEL).
 * No include guard: once per instantiation.
 */
#if !defined(EL_V) || !defined(EL_I) || !defined(EL_FN) || !defined(EL_FMA)
#error "level0/f32_tmpl.h: define EL_V, EL_I, EL_FN, EL_FMA before including it (contract above)"
#endif
#ifndef EL_SIGNSEL
#define EL_SIGNSEL(s, a, b) EL_SEL(EL_ASI(s) < 0, (a), (b))
#endif
/* the functions below, always inlined into the kernel loop: as plain
 * static inline functions gcc kept the probability form's stages A1 and B
 * (and later the logs' helpers) out of line in the one-group path of small
 * calls when the unit grew, and the plain probs f32 calls at n <= 8 took
 * 7-11 ns (10-20%) longer (bce-bench-ab) */
#ifndef F32V_STAGE
#define F32V_STAGE static inline __attribute__((always_inline))
#endif

/*
 * e^-a for a = |z| in [0, 600] (z a float), as 2^k P(r):
 *   k = RN(-a/ln2) (FMA with the 1.5 2^52 shift: kd's low bits are k;
 *     |a/ln2 - k| <= 1/2 + 600 |RN(1/ln2) - 1/ln2|: |r| <= ln2/2 + 2^-43),
 *   r1 = -a - k L1 exact (L1 = ln2 to a multiple of 2^-42: k L1 < 2^52
 *     ulps; -a - k L1 is a multiple of 2^-42 (a is a float >= 0.34 when
 *     k != 0, ulp >= 2^-25) below 0.35: representable),
 *   r = RN(r1 - k L2): |r - (-a - k ln2)| <= u 0.3466 + 866 |ln2 - L1 - L2|
 *     <= 2^-54.52, |r| <= ln2/2 + 2^-40;
 *   P = 1 + r + c2 r^2 + ... + c9 r^9 (f32v_exp_c, fpminimax relative on
 *     [-ln2/2 - 2^-30, ln2/2 + 2^-30]): |P/e^r - 1| <= 1.928 10^-14
 *     = 2^-45.56 (Sollya supnorm, certified);
 *   Estrin: P = RN(RN(r + r2 Q) + 1), relative to P >= 0.707: the last
 *     rounding u, RN(r + r2 Q) <= 0.41 u (|r + r^2 Q| <= 0.293 at r < 0,
 *     0.414 <= 0.29 P at r > 0), r2 = RN(r^2) 0.12 0.56 u / 0.707 <= 0.1 u,
 *     Q ~ 0.5 (|Q| <= 0.56) with <= 3 roundings of terms <= 0.56 (a, ab,
 *     Q; r4 and the cd terms are below 2^-8 of it): 0.12 (3.1 u 0.56) /
 *     0.707 <= 0.3 u.  Total <= 1.81 u; budget 2u;
 *   2^k by adding k to the exponent field (k >= -866: e >= 2^-867, a
 *     normal double; exact).
 * EPS_E = 2^-45.56 + 2u + 1.01 2^-54.52 <= 1.955e-14 = 2^-45.54.
 */
F32V_STAGE EL_V EL_FN(exp_f32v)(EL_V a)
{
    const double shift = 0x1.8p52;
    EL_V kd = EL_FMA(a, EL_SPLAT(-0x1.71547652b82fep0), EL_SPLAT(shift));
    EL_I kbits = EL_ASI(kd) << 52;                      /* k 2^52 mod 2^64 */
    kd = kd - shift;
    EL_V r = EL_FMA(kd, EL_SPLAT(-bce_f32v_ln2[0]), -a);           /* exact */
    r = EL_FMA(kd, EL_SPLAT(-bce_f32v_ln2[1]), r);
    /* Estrin (a short dependency chain): P = 1 + (r + r^2 Q),
     * Q = (c2 + c3 r) + r^2 (c4 + c5 r) + r^4 ((c6 + c7 r) + r^2 (c8 + c9 r)) */
    const double *c = bce_f32v_exp_c;
    EL_V r2 = r * r, r4 = r2 * r2;
    EL_V pa = EL_FMA(EL_SPLAT(c[3]), r, EL_SPLAT(c[2]));
    EL_V pb = EL_FMA(EL_SPLAT(c[5]), r, EL_SPLAT(c[4]));
    EL_V cc = EL_FMA(EL_SPLAT(c[7]), r, EL_SPLAT(c[6]));
    EL_V d = EL_FMA(EL_SPLAT(c[9]), r, EL_SPLAT(c[8]));
    EL_V ab = EL_FMA(pb, r2, pa);
    EL_V cd = EL_FMA(d, r2, cc);
    EL_V Q = EL_FMA(cd, r4, ab);
    EL_V P = EL_FMA(Q, r2, r) + 1.0;
    return EL_ASD(EL_ASI(P) + kbits);
}

/*
 * 2 atanh(s) = s (2 + t R(t)), t = s^2, for |s| <= S (R from the odd
 * fpminimax polynomial s + c3 s^3 + ... of atanh, coefficients doubled:
 * exact).  Two instances:
 *   atanh15: S = 1/3 + 2^-30, c3 .. c15 (f32v_at15_c, 7 coefficients):
 *     relative error of the polynomial <= 7.027e-14 = 2^-43.69;
 *   atanh11: S = 0.1716 + 2^-20, c3 .. c11 (f32v_at11_c, 5):
 *     <= 2.954e-14 = 2^-44.94 (Sollya supnorms, certified).
 * Roundings (S <= 1/3): t = RN(s^2) u; R by Estrin in t <= 0.112 (R ~
 * 0.667, |R| <= 0.75; t2, t4 and the terms they scale are below 2^-3 of
 * it): <= 3.3 u relative; w = RN(2 + t R): t R <= 0.084 carries 4.3 u of
 * it, 0.18 u relative to w >= 2, plus u; RN(s w): u.  Total <= 2.2 u.
 */
F32V_STAGE EL_V EL_FN(atanh2_15)(EL_V s)
{
    /* Estrin: R = (c0 + c1 t) + t^2 (c2 + c3 t) + t^4 ((c4 + c5 t) + c6 t^2) */
    const double *c = bce_f32v_at15_c;
    EL_V t = s * s;
    EL_V t2 = t * t, t4 = t2 * t2;
    EL_V a = EL_FMA(EL_SPLAT(c[1]), t, EL_SPLAT(c[0]));
    EL_V b = EL_FMA(EL_SPLAT(c[3]), t, EL_SPLAT(c[2]));
    EL_V cc = EL_FMA(EL_SPLAT(c[5]), t, EL_SPLAT(c[4]));
    EL_V ab = EL_FMA(b, t2, a);
    EL_V ce = EL_FMA(EL_SPLAT(c[6]), t2, cc);
    EL_V R = EL_FMA(ce, t4, ab);
    return s * EL_FMA(t, R, EL_SPLAT(2.0));
}

F32V_STAGE EL_V EL_FN(atanh2_11)(EL_V s)
{
    /* R = (c0 + c1 t) + t^2 ((c2 + c3 t) + c4 t^2) */
    const double *c = bce_f32v_at11_c;
    EL_V t = s * s;
    EL_V t2 = t * t;
    EL_V a = EL_FMA(EL_SPLAT(c[1]), t, EL_SPLAT(c[0]));
    EL_V b = EL_FMA(EL_SPLAT(c[3]), t, EL_SPLAT(c[2]));
    EL_V R = EL_FMA(EL_FMA(EL_SPLAT(c[4]), t2, b), t2, a);
    return s * EL_FMA(t, R, EL_SPLAT(2.0));
}

/*
 * The logits form, plain labels, for float z with |z| <= 600 (z = +-0
 * included: e = 1) and y in [0, 1].  a = |z|, e = e^-a:
 *   L = C a + log1p(e),  C = 1 - y (z >= +0) or y (sign bit set),
 *   g = s0 - C (sign bit set) or C - s0 (z >= +0),  s0 = e/(1 + e)
 * (at z = +-0 both choices are the same values; the dd path treats z = 0
 * in its scalar code, the results are the same correctly rounded floats).
 * One division: inv = RN(1/RN(D1 D2)), D1 = RN(1 + e), D2 = RN(2 + e);
 *   s0 = RN(RN(e D2) inv)   (D2 cancels: e/D1 up to 4 roundings, D1's 1)
 *   s  = RN(RN(e D1) inv)   (D1 cancels: e/D2 up to 5 roundings)
 *   log1p(e) = 2 atanh(s), s = e/(2 + e) in (0, 1/3].
 * Budgets (relative, u = 2^-53), e = e^-a (1 + EPS_E):
 *   s0 and s: the condition numbers of e/(1+e) and e/(2+e) in e are <= 1:
 *     EPS_S = EPS_E (1 + 2^-40) + 5.01 u <= 2.010e-14 = 2^-45.50.
 *   lg = RN(s w) (atanh2_15): s's error times s atanh'(s)/atanh(s) <=
 *     1/(1 - s^2) <= 1.1251, the polynomial 7.027e-14, roundings 2.2 u:
 *     EPS_LG = 1.1251 EPS_S + 7.027e-14 + 2.2 u <= 9.313e-14 = 2^-43.29.
 *   L = RN(Ch a + lg) (FMA; Ch = RN(1 - y) within u C; both terms >= 0):
 *     |L - v| <= (EPS_LG + 2.01 u) v <= (EPS_LG + 2.01 u)(1 + 2^-42) L.
 *     Ends RN(L -+ wL), wL = L 2^-43 exactly (an integer subtraction from
 *     the exponent field: L >= e^-600 > 2^-866, so wL is normal):
 *     RN(L + wL) >= L + wL - u (L + wL), so wL >= L ((EPS_LG + 2.01 u)
 *     (1 + 2^-42) + 1.01 u) = 9.346e-14 L = 2^-43.283 L suffices: 2^-43.
 *   g0 = RN(s0 - Ch): |g0 - (s0* - C)| <= EPS_S s0* + u C + u |s0 - Ch|
 *     <= (EPS_S (1 + 2^-44) + 2.01 u)(s0 + Ch) (|g0| <= s0 + Ch: no
 *     relative bound is needed where soft labels cancel).  Half-width
 *     wG = RN(s0 + Ch) 2^-45 (exactly, by the exponent field: s0 > 2^-866)
 *     >= 2^-45 (s0 + Ch)(1 - u); the ends RN(g -+ wG) move by >= wG (1 - u)
 *     - u (s0 + Ch): enough when 2^-45 >= (EPS_S (1 + 2^-44) + 3.01 u) /
 *     (1 - u)^2 = 2.043e-14 = 2^-45.476.
 * Outputs: the ends (*Llo, *Lhi), (*Glo, *Ghi) of the rounding test; the
 * value itself is never needed (RN_f32(lo) is the result when it passes).
 */
/* in three stages, so that the kernel loop can run each over a block of
 * groups (short dependency chains: the out-of-order window then overlaps
 * many groups, which pays for the buffer; docs/PERFORMANCE.md): stage A1 the exponential, T[2] = e; A2 the division,
 * T[0] = s, T[1] = s0; B the rest. */
F32V_STAGE void EL_FN(logits_f32v_a1)(EL_V z, EL_V y, int want_loss, int want_grad,
                                         EL_V *T)
{
    (void)y; (void)want_loss; (void)want_grad;
    T[2] = EL_FN(exp_f32v)(EL_ABS(z));
}

F32V_STAGE void EL_FN(logits_f32v_a2)(int want_loss, int want_grad, EL_V *T)
{
    const EL_V one = EL_SPLAT(1.0);
    EL_V e = T[2];
    EL_V D1 = one + e;
    EL_V D2 = EL_SPLAT(2.0) + e;
    EL_V ei = e * (one / (D1 * D2));
    if (want_loss) T[0] = ei * D1;
    if (want_grad) T[1] = ei * D2;
}

F32V_STAGE void EL_FN(logits_f32v_b)(EL_V z, EL_V y, int want_loss, int want_grad,
                                        const EL_V *T, EL_V *Llo, EL_V *Lhi,
                                        EL_V *Glo, EL_V *Ghi)
{
    const EL_V one = EL_SPLAT(1.0);
    EL_V a = EL_ABS(z);
    EL_V Ch = EL_SIGNSEL(z, y, one - y);               /* by z's sign bit */
    if (want_loss) {
        EL_V lg = EL_FN(atanh2_15)(T[0]);
        EL_V L = EL_FMA(Ch, a, lg);
        EL_V w = EL_ASD(EL_ASI(L) - ((int64_t)43 << 52));    /* L 2^-43 */
        *Llo = L - w;
        *Lhi = L + w;
    }
    if (want_grad) {
        EL_V s0 = T[1];
        EL_V g0 = s0 - Ch;
        /* z >= +0: g = -g0 (flip the sign bit) */
        EL_V g = EL_ASD(EL_ASI(g0) ^ (~EL_ASI(z) & (int64_t)0x8000000000000000LL));
        EL_V w = EL_ASD(EL_ASI(s0 + Ch) - ((int64_t)45 << 52));   /* 2^-45 */
        *Glo = g - w;
        *Ghi = g + w;
    }
}

/* both stages */
static inline void EL_FN(logits_f32v)(EL_V z, EL_V y, int want_loss, int want_grad,
                                      EL_V *Llo, EL_V *Lhi, EL_V *Glo, EL_V *Ghi)
{
    EL_V T[3];
    EL_FN(logits_f32v_a1)(z, y, want_loss, want_grad, T);
    EL_FN(logits_f32v_a2)(want_loss, want_grad, T);
    EL_FN(logits_f32v_b)(z, y, want_loss, want_grad, T, Llo, Lhi, Glo, Ghi);
}

/*
 * Label coefficients for a call with pos_weight P or label smoothing a (not
 * plain): per lane ah ~ alpha = P y' and bh ~ beta = 1 - y', y' = y (1 -
 * a) + a/2 (core/label.c's definitions), by plain doubles, for the float
 * level 0 below (the dd path, simd/label_tmpl.h, keeps its 2^-102).  y is a
 * float in [0, 1]; P = 0 or in [2^-64, 2^64] (1 without pos_weight:
 * exact products); a = 0 (ha = 0) or a in [2^-64, 1], oma = RN(1 - a) (within u
 * (1 - a)), ha = a/2 exact.  Relative errors (u = 2^-53; no term
 * underflows: y >= 2^-149 or 0, P >= 2^-64, ha >= 2^-65):
 *   a = 0: yp = y exact, bh = RN(1 - y): u;
 *   a > 0: yp = RN(oma y + ha) (FMA): u (1-a) y + u y' <= 2.01 u y' (both
 *     terms >= 0); bh = RN(RN(1 - y) oma + ha) (FMA): (1-y)(1-a) is
 *     within 2.01 u, the rounding u: <= 3.01 u beta;
 *   ah = RN(yp P): <= 3.02 u alpha.
 * So |ah - alpha| <= 3.02 u alpha, |bh - beta| <= 3.01 u beta, and Nh =
 * RN(ah + bh) is within 4.03 u of N = alpha + beta (N >= min(P, 1) >=
 * 2^-64 for P > 0; for P = 0, N = beta, 0 or >= 2^-65).  alpha = 0
 * exactly when P = 0, or y = 0 and a = 0, and then ah = +0; beta = 0 when
 * y = 1 and a = 0, and then bh = +0; otherwise ah >= 2^-213, bh >= 2^-65
 * (normal doubles).  The forms below let lanes with N = 0 fail.
 */
F32V_STAGE void EL_FN(f32v_lab)(EL_V y, double P, double oma, double ha, EL_V *ah,
                                   EL_V *bh)
{
    EL_V yp = y, omy = EL_SPLAT(1.0) - y;
    if (ha != 0.0) {
        yp = EL_FMA(EL_SPLAT(oma), y, EL_SPLAT(ha));
        omy = EL_FMA(omy, EL_SPLAT(oma), EL_SPLAT(ha));
    }
    *ah = yp * P;
    *bh = omy;
}

/*
 * The logits form with label coefficients (f32v_lab: ah, bh): L = C a +
 * N lg, g = -+(N s0 - C), C = beta (z >= +0) or alpha (sign bit set), N =
 * alpha + beta, a = |z|, lg = log1p(e^-a) (at z = +-0 both choices give
 * the same values: C a = 0, and beta - N/2 = (beta - alpha)/2 = N/2 -
 * alpha).  Stages A1 and A2 are the plain ones (they do not see the
 * labels); this is stage B.  Budgets by hand, as logits_f32v_b's, with the
 * coefficients' errors added (Ch: 3.02 u, Nh: 4.03 u):
 *   L = RN(Ch a + RN(Nh lg)) (FMA; terms >= 0): at most EPS_LG + 4.03 u
 *     + 2 u (the product's and the FMA's roundings) =
 *     9.380e-14 relative, (1 + 2^-40) for L vs v; the ends RN(L -+ L 2^-43)
 *     need 9.392e-14 (the plain argument) < 2^-43 (1 - u) - u = 1.1358e-13.
 *     L >= N lg >= 2^-65 log1p(e^-600) > 2^-932 (N > 0) and L <= 2^64 601: L 2^-43
 *     is a normal double (the exponent-field subtraction is exact).
 *   g0 = RN(Nh s0 - Ch) (FMA): |Nh s0 - Ch - (N s0* - C)| <= (EPS_S +
 *     4.04 u) N s0* + 3.02 u C, the rounding u |g0|: in all D <= (EPS_S +
 *     5.05 u)(N s0* + C) (absolute: g cancels near s0 = C/N).  Half-width
 *     W = RN(Nh s0 + Ch) 2^-45 (exact scaling: N s0 >= 2^-65 2^-866.6),
 *     W >= 2^-45 (N s0* + C)(1 - 2^-44.9); the ends RN(g -+ W) move by >= W
 *     - u (|g| + W): enough when 2^-45 (1 - 2^-44.9)(1 - u) - u (1 + 2^-44)
 *     = 2.831e-14 >= EPS_S + 5.05 u = 2.066e-14.
 */
F32V_STAGE void EL_FN(logits_f32v_bl)(EL_V z, EL_V ah, EL_V bh, int want_loss,
                                         int want_grad, const EL_V *T, EL_V *Llo,
                                         EL_V *Lhi, EL_V *Glo, EL_V *Ghi)
{
    EL_V a = EL_ABS(z);
    EL_V Ch = EL_SIGNSEL(z, ah, bh);                   /* by z's sign bit */
    EL_V Nh = ah + bh;
    /* N = 0 (pos_weight 0 with y = 1, a = 0: every output is 0): the lane
     * fails (-inf and +inf ends; the bounds below need N > 0) */
    EL_M n0 = Nh == 0.0;
    const EL_V inf = EL_SPLAT(__builtin_inf());
    if (want_loss) {
        EL_V lg = EL_FN(atanh2_15)(T[0]);
        EL_V L = EL_FMA(Ch, a, Nh * lg);
        EL_V w = EL_ASD(EL_ASI(L) - ((int64_t)43 << 52));    /* L 2^-43 */
        *Llo = EL_SEL(n0, -inf, L - w);
        *Lhi = EL_SEL(n0, inf, L + w);
    }
    if (want_grad) {
        EL_V s0 = T[1];
        EL_V g0 = EL_FMA(Nh, s0, -Ch);
        /* z >= +0: g = -g0 (flip the sign bit) */
        EL_V g = EL_ASD(EL_ASI(g0) ^ (~EL_ASI(z) & (int64_t)0x8000000000000000LL));
        EL_V w = EL_ASD(EL_ASI(EL_FMA(Nh, s0, Ch)) - ((int64_t)45 << 52));   /* 2^-45 */
        *Glo = EL_SEL(n0, -inf, g - w);
        *Ghi = EL_SEL(n0, inf, g + w);
    }
}

/*
 * log x = k ln2 + log m, x = 2^k m exactly, m in [SQ, 2 SQ) (SQ =
 * RN(sqrt(2)/2), so |s| <= 0.17158 below), for x in [2^-150, 1]: the
 * exponent k and m by integer operations on the bits, k as a double
 * (exact).  *sn = 1 - m - xl is the negated numerator of s = (m' - 1) /
 * (m' + 1), m' = m + xl (xl = 0 except where the caller's x is xh + xl,
 * k = 0 then); *den = RN(m + 1).  1 - m is exact (Sterbenz), so *sn =
 * RN(1 - m') within u; dropping xl (|xl| <= 2^-54) from den costs
 * <= 2^-54.7 relative, its rounding u.
 */
F32V_STAGE void EL_FN(logsplit_f32v)(EL_V x, EL_V xl, EL_V *kd, EL_V *sn, EL_V *den)
{
    const EL_V one = EL_SPLAT(1.0);
    EL_I tmp = EL_ASI(x) - (int64_t)0x3fe6a09e667f3bcdLL;   /* bits(SQ) */
    EL_I hi = tmp & (int64_t)0xfff0000000000000ULL;          /* k 2^52 */
    EL_V m = EL_ASD(EL_ASI(x) - hi);
    /* k + 2048 in the low 12 bits, then k as a double */
    EL_I kb = EL_SRL(hi ^ (int64_t)0x8000000000000000ULL, 52) | (int64_t)0x4330000000000000LL;
    *kd = EL_ASD(kb) - (0x1p52 + 2048.0);
    *sn = (one - m) - xl;
    *den = m + one;
}

/*
 * The probability form, plain labels, for float p in [0, 1], in two stages
 * like the logits form.  L = -y log p - (1-y) log1p(-p), g = (p - y) /
 * (p (1 - p)).  LN2 = RN(ln2); |k| (LN2 - ln2) <= 0.6 u |k| ln2 / 2, and
 * the loss of a lane with k != 0 is >= |k| ln2 / 2 >= |log m|: 0.6 u
 * relative.  atanh2_11's relative error on s within EPS_S: 1.0303 EPS_S
 * (1/(1 - s^2), s <= 0.1716) + 2.954e-14 + 2.2 u.
 *
 * Hard labels (the loop checks y in {0, 1} on all 8 lanes): x = p (y = 1)
 * or 1 - p = xh + xl (y = 0, TwoSum, exact; xl = 0 unless p < 2^-29, and
 * then k = 0), L = -log x, g = -1/x (y = 1) or 1/x.  One division:
 *   inv = RN(1/RN(den xh)); s' = RN(RN(sn xh) inv) = -s: xh cancels, 6
 *     roundings and den's 2^-54.7: EPS_S = 6.01 u + 2^-54.7 = 7.02e-16;
 *   |g| = RN(den inv) = 1/xh up to 3 roundings, and 1/x vs 1/xh: |xl|
 *     <= u x: 4.01 u;
 *   L = RN(-kd LN2 + RN(atanh2_11(s'))) (= -log x; k = 0: exactly the
 *     atanh value): EPS_LG = 1.0303 EPS_S + 2.954e-14 + 2.2 u = 2^-44.90,
 *     EPS_L = EPS_LG + 0.6 u + u = 3.068e-14 = 2^-44.89.
 *   x = 0 (p = 1, y = 0 or p = 0, y = 1): L = +inf, g = +-inf exactly (x
 *     replaced by 1 on the way, then kd = -inf and |g| = inf); x = 1 gives
 *     sn = +0, L = +0, |g| = 1: exact.
 *   Ends RN(d (1 -+ K)) (relative errors: RN(d (1 + K)) moves by >= |d|
 *     (K - 1.01 u)): KL >= EPS_L (1 + 2^-40) + 1.01 u = 3.079e-14:
 *     0x1.16p-45; KG >= 4.01 u + 1.01 u = 5.02 u: 0x1.42p-51.
 * Soft labels (any y in [0, 1]): both logs and one division for three
 *   quotients: pq = RN(p xq) (xq = RN(1 - p); 1 - p = xq + xql exactly),
 *   A = RN(denp denq), inv = RN(1/RN(A pq)):
 *   sp' = RN(RN(snp RN(denq pq)) inv): snp exact, denq and pq cancel, 7
 *     roundings: 7.01 u;  sq' = RN(RN(snq RN(denp pq)) inv): 8.01 u +
 *     2^-54.7;  g = RN(RN(RN(p - y) A) inv): A cancels, p - y rounded once
 *     (relative u, whatever the cancellation), pq's rounding and the
 *     dropped xql (u each), 4 more: 7.01 u relative.
 *   Lp = RN(-kdp LN2 + lp'), Lq likewise (-log p, -log(1-p) >= 0, within
 *     EPS_LG + 1.6 u <= 3.11e-14), L = RN(y Lp + RN(bh Lq)), bh = RN(1 - y):
 *     3 more roundings of non-negative terms: EPS_L = 3.124e-14 = 2^-44.86;
 *     KL >= EPS_L (1 + 2^-40) + 1.01 u = 3.135e-14: 0x1.1bp-45; KG >=
 *     7.01 u + 1.01 u = 8.02 u: 0x1.01p-50.
 *   p = 0 or 1 (replaced by 1/2 on the way): L = +inf and g = -inf (p = 0)
 *     or +inf (p = 1) where y is not 0 or 1 -- the exact limits; where y
 *     is 0 or 1 the lane fails its test (-inf and +inf ends) and takes the
 *     scalar code.
 * Stages: A1 the logs' reductions and the products, A2 the division
 * (T[5] the divisor), B the rest.  After A2: hard T = { s', |g|, kd },
 * soft T = { sp', sq', g, kdp, kdq }.  (Calls without the loss: hard |g| =
 * RN(1/xh), 2.01 u; soft g = RN(RN(p - y) RN(1/pq)), 5.01 u.)
 */
#define BCE_F32V_KL_PH 0x1.16p-45
#define BCE_F32V_KG_PH 0x1.42p-51
#define BCE_F32V_KL_PS 0x1.1bp-45
#define BCE_F32V_KG_PS 0x1.01p-50
#define BCE_F32V_LN2 0x1.62e42fefa39efp-1
/* the soft variants' two logs' reductions and the products (stage A1):
 * T[0], T[1], T[3], T[4] and the divisor T[5]; returns A = denp denq */
F32V_STAGE EL_V EL_FN(probs_f32v_logs2)(EL_V p, EL_V xq, EL_V xql, EL_V pq, EL_V *T)
{
    EL_V kdp, snp, denp, kdq, snq, denq;
    EL_FN(logsplit_f32v)(p, EL_SPLAT(0.0), &kdp, &snp, &denp);
    EL_FN(logsplit_f32v)(xq, xql, &kdq, &snq, &denq);
    EL_V A = denp * denq;
    T[0] = snp * (denq * pq);
    T[1] = snq * (denp * pq);
    T[3] = kdp;
    T[4] = kdq;
    T[5] = A * pq;
    return A;
}

F32V_STAGE void EL_FN(probs_f32v_a1)(EL_V p, EL_V y, int want_loss, int want_grad,
                                        int soft, EL_V *T)
{
    const EL_V one = EL_SPLAT(1.0);
    (void)want_grad;
    if (!soft) {
        EL_M y1 = y == 1.0;
        EL_V qh = one - p;
        EL_V ql = (one - qh) - p;                      /* exact: 1 >= p */
        EL_V xh = EL_SEL(y1, p, qh);
        EL_M x0 = xh == 0.0;
        xh = EL_SEL(x0, one, xh);
        EL_V xl = EL_SEL(y1, EL_SPLAT(0.0), ql);
        if (want_loss) {
            EL_V kd, sn, den;
            EL_FN(logsplit_f32v)(xh, xl, &kd, &sn, &den);
            T[0] = sn * xh;
            T[1] = EL_SEL(x0, EL_SPLAT(__builtin_inf()), den);
            T[2] = EL_SEL(x0, EL_SPLAT(-__builtin_inf()), kd);
            T[5] = den * xh;
        } else {
            T[1] = EL_SEL(x0, EL_SPLAT(__builtin_inf()), one);
            T[5] = xh;
        }
        return;
    }
    EL_M spec = (p == 0.0) | (p == 1.0);
    p = EL_SEL(spec, EL_SPLAT(0.5), p);
    EL_V xq = one - p;
    EL_V xql = (one - xq) - p;                         /* exact */
    EL_V pq = p * xq;
    if (want_loss) {
        EL_V A = EL_FN(probs_f32v_logs2)(p, xq, xql, pq, T);
        T[2] = (p - y) * A;
    } else {
        T[2] = p - y;
        T[5] = pq;
    }
}

/* the one division: T[0..2] times 1/T[5] */
/* (soft = 2: the label variant's, probs_f32v_a1l: T[8] too) */
F32V_STAGE void EL_FN(probs_f32v_a2)(int want_loss, int want_grad, int soft, EL_V *T)
{
    EL_V inv = EL_SPLAT(1.0) / T[5];
    if (want_loss) T[0] = T[0] * inv;
    if (want_loss && soft) T[1] = T[1] * inv;
    if (want_grad || (want_loss && !soft)) {
        if (soft) T[2] = T[2] * inv;
        else T[1] = T[1] * inv;
    }
    if (want_grad && soft == 2) T[8] = T[8] * inv;
}

F32V_STAGE void EL_FN(probs_f32v_b)(EL_V p, EL_V y, int want_loss, int want_grad,
                                       int soft, const EL_V *T, EL_V *Llo, EL_V *Lhi,
                                       EL_V *Glo, EL_V *Ghi)
{
    const EL_V one = EL_SPLAT(1.0);
    const EL_V inf = EL_SPLAT(__builtin_inf());
    if (!soft) {
        if (want_loss) {
            EL_V L = EL_FMA(-T[2], EL_SPLAT(BCE_F32V_LN2), EL_FN(atanh2_11)(T[0]));
            *Llo = L * (1.0 - BCE_F32V_KL_PH);
            *Lhi = L * (1.0 + BCE_F32V_KL_PH);
        }
        if (want_grad) {
            /* y = 1: g = -|g| */
            EL_V g = EL_ASD(EL_ASI(T[1]) ^ ((y == 1.0) & (int64_t)0x8000000000000000LL));
            *Glo = g * (1.0 - BCE_F32V_KG_PH);
            *Ghi = g * (1.0 + BCE_F32V_KG_PH);
        }
        return;
    }
    EL_M spec = (p == 0.0) | (p == 1.0);
    /* p in {0, 1} with y in {0, 1}: not handled here (the lane fails) */
    EL_M fail = spec & ((y == 0.0) | (y == 1.0));
    if (want_loss) {
        EL_V Lp = EL_FMA(-T[3], EL_SPLAT(BCE_F32V_LN2), EL_FN(atanh2_11)(T[0]));
        EL_V Lq = EL_FMA(-T[4], EL_SPLAT(BCE_F32V_LN2), EL_FN(atanh2_11)(T[1]));
        EL_V L = EL_FMA(y, Lp, (one - y) * Lq);
        L = EL_SEL(spec, inf, L);
        *Llo = EL_SEL(fail, -inf, L * (1.0 - BCE_F32V_KL_PS));
        *Lhi = L * (1.0 + BCE_F32V_KL_PS);
    }
    if (want_grad) {
        /* p = 1: +inf, p = 0: -inf */
        EL_V g = EL_SEL(spec, EL_SEL(p == 1.0, inf, -inf), T[2]);
        *Glo = EL_SEL(fail, -inf, g * (1.0 - BCE_F32V_KG_PS));
        *Ghi = EL_SEL(fail, inf, g * (1.0 + BCE_F32V_KG_PS));
    }
}

/*
 * The probability form with label coefficients (f32v_lab: ah, bh), one
 * variant for every label (the soft layout of T, two logs):
 *   L = alpha (-log p) + beta (-log(1 - p)),
 *   g = (N p - alpha) / (p (1 - p)),  N = alpha + beta.
 * Stage A1 is the soft one with the numerator N p - alpha = beta p - alpha
 * (1 - p) as num = RN(bh p - RN(ah xq)) (FMA) in place of RN(p - y), and
 * T[8] = RN(RN(bh p + RN(ah xq)) A), a magnitude for the gradient's
 * absolute half-width (A2, probs_f32v_a2 with soft = 2, multiplies it by
 * inv too).  (Not Nh p - ah: its
 * error, relative to N p + alpha, made the half-width of a hard label's
 * gradient -alpha/p about 2/(1 - p) times |g| 2^-49 -- one float ulp at p
 * = 1 - 2^-24.  Written as beta p - alpha (1 - p) the error is relative
 * to beta p + alpha (1 - p), which is |num| itself when alpha or beta is
 * 0.)  Budgets by
 * hand (u = 2^-53), the plain soft argument with the coefficients' errors
 * added (ah 3.02 u, bh 3.01 u, Nh 4.03 u: f32v_lab):
 *   loss: Lp and Lq within 3.11e-14 as there; L = RN(ah Lp + RN(bh Lq))
 *     (terms >= 0): 3.11e-14 + 5.02 u = 3.166e-14 relative; the ends
 *     RN(L (1 -+ K)) need K >= 3.166e-14 (1 + 2^-40) + 1.01 u = 3.177e-14:
 *     KL = 0x1.2p-45 (3.197e-14).
 *   gradient: xq = RN(1 - p) within u (1 - p) (the dropped xql), so
 *     RN(ah xq) is within 5.03 u of alpha (1 - p) and bh p within 3.01 u of
 *     beta p: |bh p - RN(ah xq) - (N p - alpha)| <= 5.03 u S, S = beta p +
 *     alpha (1 - p) (absolute: the numerator cancels near p = alpha/N,
 *     where the coefficients' errors are not relative to it); the chain
 *     from the numerator to g, its own rounding included, is the plain
 *     one, 7.01 u relative; so |g - g*| <= 7.01 u |g*| + 5.04 u M*, M* =
 *     S/(p (1 - p)) = beta/(1 - p) + alpha/p.  M = T[8] after A2 is within
 *     14 u of M* (6.04 u to RN(bh p + RN(ah xq)), the chain's 7.01 u).  The
 *     half-width e = RN(|g| K + W) (FMA), K = 9 u, W = M 2^-49 (exact
 *     scaling: M* >= beta + alpha = N >= 2^-65 (N > 0), M* <= 2^65 2^149), and the
 *     ends RN(g -+ e): they move by >= e - u (|g|
 *     + e) >= (K (1 - 2u) - u) |g| + W (1 - 2u) >= 7.99 u |g| + 15.9 u M*,
 *     more than |g - g*| <= (7.01 u |g| + 5.04 u M*)(1 + 8u).
 *   p = 0 or 1 (replaced by 1/2 on the way): L = +inf and g = -inf (p = 0)
 *     or +inf (p = 1), the exact limits when alpha > 0 (p = 0) and beta > 0
 *     (p = 1).  Otherwise a coefficient is exactly 0 (ah or bh = +0
 *     exactly: f32v_lab) and the exact values are finite; two such cases
 *     are common (a saturated sigmoid with its own label, hard labels
 *     without smoothing) and exact here: p = 1, y = 1, a = 0, P > 0: L =
 *     -P log 1 = +0, g = -alpha/p = -P (ah = P exactly); p = 0, y = 0, a =
 *     0, P > 0 (ex0): L = -log 1 = +0, g = beta/(1 - p) = 1 (bh = 1
 *     exactly) -- both ends those values.  The others (pos_weight 0, whose
 *     alpha is 0 for every label; or beta inexact) fail: -inf and +inf
 *     ends, the current path.  N = 0 (P = 0, y = 1, a = 0) fails too.
 */
#define BCE_F32V_KL_PL 0x1.2p-45
#define BCE_F32V_KG_PL 0x1.2p-50
F32V_STAGE void EL_FN(probs_f32v_a1l)(EL_V p, EL_V ah, EL_V bh, int want_loss,
                                         int want_grad, EL_V *T)
{
    const EL_V one = EL_SPLAT(1.0);
    EL_M spec = (p == 0.0) | (p == 1.0);
    p = EL_SEL(spec, EL_SPLAT(0.5), p);
    EL_V xq = one - p;
    EL_V xql = (one - xq) - p;                         /* exact */
    EL_V pq = p * xq;
    EL_V aq = ah * xq;
    EL_V num = EL_FMA(bh, p, -aq);
    if (want_loss) {
        EL_V A = EL_FN(probs_f32v_logs2)(p, xq, xql, pq, T);
        T[2] = num * A;
        if (want_grad) T[8] = EL_FMA(bh, p, aq) * A;
    } else {
        T[2] = num;
        T[5] = pq;
        T[8] = EL_FMA(bh, p, aq);
    }
    (void)want_grad;
}

F32V_STAGE void EL_FN(probs_f32v_bl)(EL_V p, EL_V ah, EL_V bh, EL_M ex0, int want_loss,
                                        int want_grad, const EL_V *T, EL_V *Llo,
                                        EL_V *Lhi, EL_V *Glo, EL_V *Ghi)
{
    const EL_V inf = EL_SPLAT(__builtin_inf()), zero = EL_SPLAT(0.0);
    EL_M pz = p == 0.0, po = p == 1.0, spec = pz | po;
    /* the exact cases: p = 1 with beta = 0 (y = 1, a = 0: ah = P exactly)
     * and P > 0; p = 0 with ex0 (y = 0, a = 0, P > 0: ah = 0, bh = 1
     * exactly): L = +0, g = -P or 1.  The other lanes whose limit is not
     * +-inf (p = 0 with alpha = 0, p = 1 with beta = 0) fail, and so do N =
     * 0 lanes (P = 0, y = 1, a = 0: the loss is 0 for every p). */
    EL_M z1 = po & (bh == 0.0) & (ah > 0.0), z0 = pz & ex0;
    EL_M fail = (pz & (ah == 0.0) & ~z0) | (po & (bh == 0.0) & ~z1) | ((ah == 0.0) & (bh == 0.0));
    if (want_loss) {
        EL_V Lp = EL_FMA(-T[3], EL_SPLAT(BCE_F32V_LN2), EL_FN(atanh2_11)(T[0]));
        EL_V Lq = EL_FMA(-T[4], EL_SPLAT(BCE_F32V_LN2), EL_FN(atanh2_11)(T[1]));
        EL_V L = EL_FMA(ah, Lp, bh * Lq);
        L = EL_SEL(spec, EL_SEL(z1 | z0, zero, inf), L);
        *Llo = EL_SEL(fail, -inf, L * (1.0 - BCE_F32V_KL_PL));
        *Lhi = L * (1.0 + BCE_F32V_KL_PL);
    }
    if (want_grad) {
        EL_V g = T[2];
        EL_V e = EL_FMA(EL_ABS(g), EL_SPLAT(BCE_F32V_KG_PL), T[8] * 0x1p-49);
        /* p = 1: +inf, p = 0: -inf, or the exact values above (selected
         * after the ends: inf - inf) */
        EL_V gs = EL_SEL(z1, -ah, EL_SEL(z0, bh, EL_SEL(po, inf, -inf)));
        *Glo = EL_SEL(fail, -inf, EL_SEL(spec, gs, g - e));
        *Ghi = EL_SEL(fail, inf, EL_SEL(spec, gs, g + e));
    }
}

/*
 * Hard labels with pos_weight and no smoothing (the common label call):
 * alpha, beta = (P, 0) for y = 1 and (0, 1) for y = 0, exactly, so L = c
 * L1 and g = c g1 with c = P (y = 1) or 1 (y = 0), L1 and g1 the plain
 * hard variant's (one log; stages A1 and A2 are the plain ones).  P > 0
 * (P = 0 takes probs_f32v_bl: 0 inf).  Budgets (u = 2^-53): Lc = RN(c L)
 * adds u to the plain EPS_L = 3.068e-14: the ends RN(Lc (1 -+ K)) need K >=
 * (EPS_L + u)(1 + 2^-40) + 1.01 u = 3.090e-14: KL = 0x1.18p-45 (3.109e-14);
 * gc = RN(c |g1|): 4.01 u + u, the ends need 5.01 u + 1.01 u = 6.02 u: KG
 * = 0x1.84p-51 (6.06 u).  x = 0 (p = 0 with y = 1, p = 1 with y = 0): L =
 * +inf and g = -+inf, c inf = inf (c > 0); x = 1: L = +0 and |g| = c,
 * exactly.  (The plain variant's exact cases stay exact: c is exact.)
 */
#define BCE_F32V_KL_PHL 0x1.18p-45
#define BCE_F32V_KG_PHL 0x1.84p-51
F32V_STAGE void EL_FN(probs_f32v_bhl)(EL_V y, double P, int want_loss, int want_grad,
                                         const EL_V *T, EL_V *Llo, EL_V *Lhi, EL_V *Glo,
                                         EL_V *Ghi)
{
    EL_M y1 = y == 1.0;
    EL_V c = EL_SEL(y1, EL_SPLAT(P), EL_SPLAT(1.0));
    if (want_loss) {
        EL_V L = c * EL_FMA(-T[2], EL_SPLAT(BCE_F32V_LN2), EL_FN(atanh2_11)(T[0]));
        *Llo = L * (1.0 - BCE_F32V_KL_PHL);
        *Lhi = L * (1.0 + BCE_F32V_KL_PHL);
    }
    if (want_grad) {
        /* y = 1: g = -c |g1| */
        EL_V g = EL_ASD(EL_ASI(c * T[1]) ^ (y1 & (int64_t)0x8000000000000000LL));
        *Glo = g * (1.0 - BCE_F32V_KG_PHL);
        *Ghi = g * (1.0 + BCE_F32V_KG_PHL);
    }
}

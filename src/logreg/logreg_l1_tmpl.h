/*
 * logreg/logreg_l1_tmpl.h -- one row of the fused logistic regression in the
 * normal range (2^-900 <= |zh| <= 600, finite), written once for every lane
 * type (the scalar code in src/logreg/logreg_level1.c and the SIMD blocks run these
 * statements, so they give the same bits).  Algorithm and bounds:
 * src/logreg/logreg_level1.c.  Uses level1/elem_tmpl.h and level1/logits_hot_tmpl.h's functions.
 * Instantiated by level1/elem_f64.h (scalar) and isa/x86_{avx2,avx512}/logreg_l1.c
 * (lanes),
 * after those two templates, with their lane vocabulary:
 *   EL_V, EL_I, EL_M   the lane types (double, integer, mask)
 *   EL_DD              the double-double of EL_V; EL_DDFN(name) its operations
 *   EL_FN(name)        names of the functions defined here (and the
 *                      elem_tmpl.h / logits_hot_tmpl.h ones they call)
 *   EL_SPLAT(c), EL_SEL(m, a, b), EL_ABS(x), EL_ASI(v), EL_ASD(i)
 *   EL_FMA(a, b, c)    optional: a fused multiply-add; lr_fast and
 *                      lr_plain are defined only with it
 * No include guard: included once per instantiation.
 */
#if !defined(EL_V) || !defined(EL_I) || !defined(EL_M) || !defined(EL_DD) || \
    !defined(EL_DDFN) || !defined(EL_FN) || !defined(EL_SPLAT) || !defined(EL_SEL) || \
    !defined(EL_ABS) || !defined(EL_ASI) || !defined(EL_ASD)
#error "logreg_l1_tmpl.h: define EL_V, EL_I, EL_M, EL_DD, EL_DDFN, EL_FN, EL_SPLAT, EL_SEL, EL_ABS, EL_ASI and EL_ASD (and optionally EL_FMA) before including"
#endif

/* L (if want_loss), G and H (if want_h) at z = zh + zl, for the label
 * coefficients alpha, beta, N (exact: plain labels, labrel = 0). */
static inline void EL_FN(lr_normal)(EL_V zh, EL_V zl, EL_DD alpha, EL_DD beta,
                                    EL_DD N, int exact, EL_V labrel,
                                    int want_loss, int want_h,
                                    EL_DD *Lo, EL_DD *Go, EL_DD *Ho)
{
    const EL_V az = EL_ABS(zh);
    const EL_M pos = zh > 0.0;
    EL_I E;
    const EL_DD m = EL_FN(exp_scaled)(-az, &E);
    const EL_DD C = EL_FN(sel_dd)(pos, beta, alpha);
    EL_DD Lv, Gv;
    EL_V Lerr, Gerr;
    EL_FN(logits_normal)(az, pos, m, E, C, N, exact, labrel, want_loss, 1,
                         &Lv, &Lerr, &Gv, &Gerr);
    /* N s0 from G (see logreg/logreg_level1.c), clamped at 0 */
    EL_DD Ns0 = EL_FN(sel_dd)(pos, EL_DDFN(dd_sub)(C, Gv), EL_DDFN(dd_add)(Gv, C));
    const EL_M npos = Ns0.hi > 0.0;
    Ns0.hi = EL_SEL(npos, Ns0.hi, EL_SPLAT(0.0));
    Ns0.lo = EL_SEL(npos, Ns0.lo, EL_SPLAT(0.0));
    const EL_V s0 = Ns0.hi / N.hi;
    const EL_V hS = Ns0.hi * (1.0 - s0);
    const EL_M nz = zl != 0.0;
    Gv = EL_FN(sel_dd)(nz, EL_DDFN(dd_add_d)(Gv, hS * zl), Gv);
    *Go = Gv;
    if (want_loss)
        *Lo = EL_FN(sel_dd)(nz, EL_DDFN(dd_add_d)(Lv, Gv.hi * zl), Lv);
    if (want_h) {
        /* s0 itself: the hard label on z's side (C = 0, N = 1) */
        EL_DD zero, one, G2, L2;
        EL_V e1, e2;
        zero.hi = EL_SPLAT(0.0); zero.lo = EL_SPLAT(0.0);
        one.hi = EL_SPLAT(1.0); one.lo = EL_SPLAT(0.0);
        EL_FN(logits_normal)(az, pos, m, E, zero, one, 1, EL_SPLAT(0.0), 0, 1,
                             &L2, &e1, &G2, &e2);
        const EL_DD s0d = EL_FN(sel_dd)(pos, EL_DDFN(dd_neg)(G2), G2);
        EL_DD H = EL_DDFN(dd_mul)(s0d, EL_DDFN(dd_add_d)(EL_DDFN(dd_neg)(s0d), EL_SPLAT(1.0)));
        if (!exact) H = EL_DDFN(dd_mul)(N, H);
        const EL_V d = H.hi * ((1.0 - 2.0 * s0) * zl);
        const EL_M app = nz & (H.hi != 0.0);
        *Ho = EL_FN(sel_dd)(app, EL_DDFN(dd_add_d)(H, EL_SEL(pos, -d, d)), H);
    }
}

#ifdef EL_FMA
/* lr_normal for plain labels (alpha = y, beta = 1 - y, N = 1) with the
 * double-only level 1 of level0/logits_tmpl.h (which needs EL_FMA; the
 * scalar instantiation uses libm's fma(), correctly rounded like the
 * hardware's, so every ISA gets these bits).  Its bounds, absolute:
 *   L: lg 1.3125 2^-65 + |L| 2^-100 <= 2^-62 L,
 *   G: s0 2^-66.8 + 2^-104 (|G| + 2 s0 + C) <= 2^-62 (beta s + alpha (1-s)),
 * the e1 of the fused bound (src/logreg/logreg_level1.c).  The Taylor step to
 * zh + zl and h are as in lr_normal. */
static inline void EL_FN(lr_fast)(EL_V zh, EL_V zl, EL_V y, int want_loss,
                                  int want_h, EL_DD *Lo, EL_DD *Go, EL_DD *Ho)
{
    const EL_M pos = zh > 0.0;
    EL_DD Lv, Gv;
    EL_V e1, e2, e3, e4;
    (void)EL_FN(logits_l0)(zh, y, want_loss, 1, &Lv, &e1, &e2, &Gv, &e3, &e4);
    Gv = EL_DDFN(two_sum)(Gv.hi, Gv.lo);                /* normalised, exact */
    /* C = beta (z > 0) or alpha, exact double-double */
    EL_DD C;
    {
        EL_DD beta = EL_DDFN(two_sum)(EL_SPLAT(1.0), -y);
        C.hi = EL_SEL(pos, beta.hi, y);
        C.lo = EL_SEL(pos, beta.lo, EL_SPLAT(0.0));
    }
    EL_DD Ns0 = EL_FN(sel_dd)(pos, EL_DDFN(dd_sub)(C, Gv), EL_DDFN(dd_add)(Gv, C));
    const EL_M npos = Ns0.hi > 0.0;
    Ns0.hi = EL_SEL(npos, Ns0.hi, EL_SPLAT(0.0));
    Ns0.lo = EL_SEL(npos, Ns0.lo, EL_SPLAT(0.0));
    const EL_V s0 = Ns0.hi;
    const EL_V hS = Ns0.hi * (1.0 - s0);
    const EL_M nz = zl != 0.0;
    Gv = EL_FN(sel_dd)(nz, EL_DDFN(dd_add_d)(Gv, hS * zl), Gv);
    *Go = Gv;
    if (want_loss) {
        Lv = EL_DDFN(two_sum)(Lv.hi, Lv.lo);
        *Lo = EL_FN(sel_dd)(nz, EL_DDFN(dd_add_d)(Lv, Gv.hi * zl), Lv);
    }
    if (want_h) {
        /* s0 itself: the hard label on z's side (C = 0) */
        EL_DD G2, L2;
        EL_V f1, f2, f3, f4;
        (void)EL_FN(logits_l0)(zh, EL_SEL(pos, EL_SPLAT(1.0), EL_SPLAT(0.0)), 0, 1,
                                 &L2, &f1, &f2, &G2, &f3, &f4);
        G2 = EL_DDFN(two_sum)(G2.hi, G2.lo);
        const EL_DD s0d = EL_FN(sel_dd)(pos, EL_DDFN(dd_neg)(G2), G2);
        EL_DD H = EL_DDFN(dd_mul)(s0d, EL_DDFN(dd_add_d)(EL_DDFN(dd_neg)(s0d), EL_SPLAT(1.0)));
        const EL_V d = H.hi * ((1.0 - 2.0 * s0) * zl);
        const EL_M app = nz & (H.hi != 0.0);
        *Ho = EL_FN(sel_dd)(app, EL_DDFN(dd_add_d)(H, EL_SEL(pos, -d, d)), H);
    }
}
#endif

#ifdef EL_FMA
/*
 * BCE_OPT_FAST_ACCUM's rows: plain labels (alpha = y, beta = 1 - y, N = 1),
 * z a double with |z| <= BCE_LR_PLAIN_ZMAX = 600 (e^-|z| >= 2^-866: no
 * underflow), in plain doubles with no table (no lookups, no gathers).
 * L (if want_loss), G = sigma(z) - y and H = sigma (1 - sigma) (if want_h).
 * Every ISA runs these statements (the scalar code with libm's fma(),
 * correctly rounded like the hardware's): the same bits.
 *
 * u = 2^-53.  Budgets by hand (not machine-checked); measured against
 * MPFR by tests/test_lr_plain.c (200,000 rows): L 3.9 u L, G 2.8 u T,
 * H 3.5 u H, against the budgets 11.3 u, 16.1 u, 13.1 u below; and
 * through the fused bound's e1 = eH = 2^-48 by tests/test_logreg.c:
 *   e = e^-a, a = |z|: k = round(a / ln2) (the 1.5 2^52 shift), r = -a +
 *     k ln2 by two fma with ln2 = bce_ln2[0] + bce_ln2[1] (|ln2 - that| <=
 *     2^-102, |k| <= 866): |r^ - r| <= u |r1| + u |r| + 2^-92 <= 0.71 u
 *     (|r| <= ln2/2 (1 + 2^-40)).  e^r by its Taylor polynomial of degree
 *     13: truncation r^14/14! e^|r| <= 2^-55.6; the last three steps by
 *     Horner (fma), roundings u (|p| + |r p1| + |r^2 p2|) <= 1.95 u over
 *     e^r >= 0.707; Q (1/3! .. r^10/13!, Estrin) enters times r^3 <= 0.042:
 *     its roundings (<= 6 u |Q|, |Q| <= 0.18) and the coefficients' give
 *     < 0.2 u: 2.9 u.  e = p 2^-k exact (normal).
 *     eps_e <= 0.71 u + 2.9 u + 0.2 u <= 4 u (relative).
 *   s0 = sigma(-a) = RN(e / RN(1 + e)): eps_s <= eps_e + 2u <= 6.01 u.
 *   G: z <= 0: RN(s0 - y); z > 0: -RN(s0 - RN(1 - y)).  With
 *     T = beta sigma + alpha (1 - sigma) (the fused bound's T_i), s0 <= 2T
 *     and C <= 2T (C = alpha or beta, the coefficient of z's side; one of
 *     alpha, beta is >= 1/2 and the other side of sigma is >= 1/2):
 *     |G^ - G| <= u C + eps_s s0 + u (s0 + C) <= (2 eps_s + 4u) T = 16.1 u T.
 *   log1p(e) = 2 atanh(s), s = RN(e / RN(2 + e)) in (0, 1/3]: s's relative
 *     error <= eps_e + 2u (e's error enters with the factor 2/(2+e) <= 1),
 *     and d atanh(s)/atanh(s) <= (ds/s) / (1 - s^2) <= 9/8 ds/s: 6.8 u.
 *     atanh(s)/s = 1 + t R(t), t = s^2 <= 1/9, R = sum_{j=1..15} t^{j-1}/(2j+1)
 *     (Estrin): truncation t^16 / (33 (1 - t)) <= 2^-55.6; roundings of t
 *     and R (<= 8 u |R| with Estrin's depth, times t R <= 0.045), P =
 *     RN(1 + t R), lg = RN(2 s P): <= 2.5 u.  eps_lg <= 9.3 u.
 *   L = RN(C a + lg) (fma; C = RN(1 - y) within u C): C a <= L and lg <= L:
 *     |L^ - L| <= (u + 9.3 u + u) L = 11.3 u L.
 *   H = RN(s0 - s0^2) (fma): d h / h <= 2 d s0 / s0 (1 - s0 >= 1/2) and one
 *     rounding: 2 eps_s + u = 13.1 u.
 * The caller's products s_i L_i, s_i G_i, s_i h_i t_i add u (2u for h t s):
 * L 12.3 u, G 17.1 u, H 15.1 u, all <= 2^-48 = 32 u: the fast mode's e1 and
 * eH (docs/ACCURACY.md).
 */
static inline void EL_FN(lr_plain)(EL_V z, EL_V y, int want_loss, int want_h,
                                   EL_V *Lo, EL_V *Go, EL_V *Ho)
{
    const EL_V one = EL_SPLAT(1.0);
    const EL_V a = EL_ABS(z);
    const EL_M pos = z > 0.0;
    const double shift = 0x1.8p52;
    EL_V kd = EL_FMA(a, EL_SPLAT(0x1.71547652b82fep0), EL_SPLAT(shift));   /* RN(1/ln2) */
    const EL_I k = EL_ASI(kd) - (int64_t)0x4338000000000000;
    kd = kd - shift;
    EL_V r = EL_FMA(kd, EL_SPLAT(bce_ln2[0]), -a);
    r = EL_FMA(kd, EL_SPLAT(bce_ln2[1]), r);            /* -a + k ln2 */
    /* e^r = 1 + r (1 + r (1/2 + r Q(r))), Q = 1/3! + ... + r^10/13! by
     * Estrin (depth 4 instead of 10: the chain is the latency) */
    const EL_V r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    const EL_V q0 = EL_FMA(r, EL_SPLAT(1.0 / 24.0), EL_SPLAT(1.0 / 6.0));
    const EL_V q1 = EL_FMA(r, EL_SPLAT(1.0 / 720.0), EL_SPLAT(1.0 / 120.0));
    const EL_V q2 = EL_FMA(r, EL_SPLAT(1.0 / 40320.0), EL_SPLAT(1.0 / 5040.0));
    const EL_V q3 = EL_FMA(r, EL_SPLAT(1.0 / 3628800.0), EL_SPLAT(1.0 / 362880.0));
    const EL_V q4 = EL_FMA(r, EL_SPLAT(1.0 / 479001600.0), EL_SPLAT(1.0 / 39916800.0));
    const EL_V q5 = EL_SPLAT(1.0 / 6227020800.0);
    const EL_V Q = EL_FMA(EL_FMA(q5, r2, q4), r8,
                          EL_FMA(EL_FMA(q3, r2, q2), r4, EL_FMA(q1, r2, q0)));
    EL_V p = EL_FMA(r, Q, EL_SPLAT(0.5));
    p = EL_FMA(p, r, one);
    p = EL_FMA(p, r, one);
    const EL_V e = p * EL_ASD((1023 - k) << 52);          /* 2^-k, k in [0, 866] */
    const EL_V s0 = e / (one + e);
    const EL_V beta = one - y;
    const EL_V C = EL_SEL(pos, beta, y);
    const EL_V g0 = s0 - C;
    *Go = EL_SEL(pos, -g0, g0);
    if (want_loss) {
        const EL_V s = e / (EL_SPLAT(2.0) + e);
        const EL_V t = s * s;
        /* R = sum_{j=1..15} t^(j-1)/(2j+1) by Estrin (depth 4) */
        const EL_V t2 = t * t, t4 = t2 * t2, t8 = t4 * t4;
        const EL_V c0 = EL_FMA(t, EL_SPLAT(1.0 / 5), EL_SPLAT(1.0 / 3));
        const EL_V c1 = EL_FMA(t, EL_SPLAT(1.0 / 9), EL_SPLAT(1.0 / 7));
        const EL_V c2 = EL_FMA(t, EL_SPLAT(1.0 / 13), EL_SPLAT(1.0 / 11));
        const EL_V c3 = EL_FMA(t, EL_SPLAT(1.0 / 17), EL_SPLAT(1.0 / 15));
        const EL_V c4 = EL_FMA(t, EL_SPLAT(1.0 / 21), EL_SPLAT(1.0 / 19));
        const EL_V c5 = EL_FMA(t, EL_SPLAT(1.0 / 25), EL_SPLAT(1.0 / 23));
        const EL_V c6 = EL_FMA(t, EL_SPLAT(1.0 / 29), EL_SPLAT(1.0 / 27));
        const EL_V c7 = EL_SPLAT(1.0 / 31);
        const EL_V R = EL_FMA(EL_FMA(EL_FMA(c7, t2, c6), t4, EL_FMA(c5, t2, c4)), t8,
                              EL_FMA(EL_FMA(c3, t2, c2), t4, EL_FMA(c1, t2, c0)));
        const EL_V P = EL_FMA(t, R, one);
        const EL_V lg = (s + s) * P;
        *Lo = EL_FMA(C, a, lg);
    }
    if (want_h) *Ho = EL_FMA(-s0, s0, s0);
}
#endif

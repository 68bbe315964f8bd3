/*
 * level1/elem_tmpl.h -- the level-1 elementary functions (algorithm, budgets:
 * src/level1/elem_f64.h), written once for every lane type.  The scalar
 * kernels instantiate it for double, the SIMD kernels for their vectors:
 * the same statements in the same order, so the same bits.
 *
 * The includer defines (besides an instantiation of core/dd_tmpl.h):
 *   EL_V, EL_I          lane types: doubles, and int64 of the same width
 *   EL_DD, EL_DDMAKE    the double-double type of EL_V and its constructor
 *   EL_DDFN(name)       the core/dd_tmpl.h function `name` for EL_V
 *   EL_FN(name)         the name of the function defined here
 *   EL_ASI(v), EL_ASD(i)  bit reinterpretation double <-> int64 lanes
 *   EL_I2D(i)           int64 lanes to double lanes (|i| < 2^51 here: exact)
 *   EL_SRA(i, n), EL_SRL(i, n)  arithmetic / logical right shift of int64
 *                       lanes (the results used here are the same values
 *                       whichever way a lane type computes them)
 *   EL_LOOKUP(tab, idx, col)  (tab)[idx][col] per lane, idx an EL_I
 *                       (one scalar load per lane: no gathers)
 *   EL_LOOKUP1(tab, idx)  (tab)[idx] per lane
 *   EL_SPLAT(c)         a double constant in every lane
 *   EL_M                the mask type of a comparison of EL_V (int for double)
 *   EL_SEL(m, a, b)     lane-wise m ? a : b
 *   EL_ABS(x)           |x|
 *   EL_SCALAR           (scalar only) include the tiny-argument branch;
 *                       the SIMD callers never pass x < 2^-1000 to ln3.
 * Proven: proofs/gappa/exp_scaled.g, ln3_near1.g, ln3_far.g mirror these
 * statements one for one (bounds: src/level1/elem_f64.h).
 * No include guard: included once per instantiation.
 */
#if !defined(EL_V) || !defined(EL_I) || !defined(EL_DD) || \
    !defined(EL_DDFN) || !defined(EL_FN) || !defined(EL_ASI) || \
    !defined(EL_ASD) || !defined(EL_I2D) || !defined(EL_SRA) || \
    !defined(EL_SRL) || !defined(EL_LOOKUP) || !defined(EL_LOOKUP1) || \
    !defined(EL_SPLAT) || !defined(EL_M) || !defined(EL_SEL) || \
    !defined(EL_ABS)
#error "level1/elem_tmpl.h: define EL_V, EL_I, EL_DD, EL_DDFN, EL_FN, EL_ASI, EL_ASD, EL_I2D, EL_SRA, EL_SRL, EL_LOOKUP, EL_LOOKUP1, EL_SPLAT, EL_M, EL_SEL, EL_ABS before including it (contract above)"
#endif

/* lane-wise m ? a : b of double-doubles */
static inline EL_DD EL_FN(sel_dd)(EL_M m, EL_DD a, EL_DD b)
{
    EL_DD r;
    r.hi = EL_SEL(m, a.hi, b.hi);
    r.lo = EL_SEL(m, a.lo, b.lo);
    return r;
}

/* e^x = 2^E (hi + lo), x in [-1000, 0].  E as int64 lanes. */
static inline EL_DD EL_FN(exp_scaled)(EL_V x, EL_I *E)
{
    const double shift = 0x1.8p52;
    EL_V kd = x * bce_exp_invln2n + shift;     /* round to nearest integer */
    EL_I k = EL_ASI(kd) - (int64_t)0x4338000000000000; /* bits(kd) - bits(shift) */
    kd = kd - shift;
    /* r = x - kd ln2/128 */
    EL_V r1 = x - kd * bce_exp_ln2n[0];              /* exact */
    EL_DD t2 = EL_DDFN(two_prod)(kd, EL_SPLAT(bce_exp_ln2n[1])); /* exact */
    EL_DD r = EL_DDFN(two_sum)(r1, -t2.hi);          /* exact */
    EL_V rl = r.lo - t2.lo - kd * bce_exp_ln2n[2];
    EL_DD rr = EL_DDFN(fast_two_sum)(r.hi, rl);
    EL_V rh = rr.hi;
    rl = rr.lo;
    /* e^r - 1 - rh = rl + rh rl + rh^2 Q(rh), Q Taylor 1/2 ... 1/720 */
    EL_V q = 1.0 / 120 + rh * (1.0 / 720);
    q = 1.0 / 24 + rh * q;
    q = 1.0 / 6 + rh * q;
    q = 0.5 + rh * q;
    EL_V plo = rl + (rh * rl + (rh * rh) * q);
    EL_I j = k & 127;
    EL_I Ek = EL_SRA(k, 7);
    EL_V th = EL_LOOKUP(bce_exp_tab, j, 0), tm = EL_LOOKUP(bce_exp_tab, j, 1);
    EL_DD a = EL_DDFN(two_prod)(th, rh);
    EL_DD s = EL_DDFN(fast_two_sum)(th, a.hi);
    EL_V lo = s.lo + (a.lo + (th * plo + (tm + tm * (rh + plo))));
    *E = Ek;
    return EL_DDFN(fast_two_sum)(s.hi, lo);
}

/* log(xh + xl + xu), xh > 0 (>= 2^-1000 unless EL_SCALAR). */
static inline EL_DD EL_FN(ln3)(EL_V xh, EL_V xl, EL_V xu)
{
    int64_t kadj = 0;
#ifdef EL_SCALAR
    if (xh < 0x1p-1000) { /* subnormal or tiny: make it normal, exactly */
        xh *= 0x1p200; xl *= 0x1p200; xu *= 0x1p200; kadj = -200;
    }
#endif
    EL_I tmp = EL_ASI(xh) - (int64_t)BCE_LOG_OFF;
    EL_I i = EL_SRL(tmp, 44) & (BCE_LOG_N - 1);
    EL_I k = EL_SRA(tmp, 52);                         /* arithmetic */
    EL_V sc = EL_ASD((1023 - k) << 52);               /* 2^-k, exact */
    EL_V mh = xh * sc, ml = xl * sc, mu = xu * sc;
    EL_V c = EL_LOOKUP1(bce_log_c, i);
    EL_DD p = EL_DDFN(two_prod)(c, mh);
    EL_V rh0 = p.hi - 1.0;                            /* exact (Sterbenz) */
    EL_DD r = EL_DDFN(two_sum)(rh0, p.lo + c * ml);
    EL_V rh = r.hi, rl = r.lo + c * mu;
    /* log1p(r): rh - rh^2/2 exactly, then the small rest */
    EL_DD q2 = EL_DDFN(two_prod)(rh, rh);
    EL_DD h = EL_DDFN(two_sum)(rh, -0.5 * q2.hi);
    EL_V P = -1.0 / 8 + rh * (1.0 / 9);
    P = 1.0 / 7 + rh * P;
    P = -1.0 / 6 + rh * P;
    P = 1.0 / 5 + rh * P;
    P = -1.0 / 4 + rh * P;
    P = 1.0 / 3 + rh * P;
    EL_V small = (q2.hi * rh) * P - rh * rl - 0.5 * q2.lo + rl;
    EL_V lo1 = h.lo + small;
    /* k ln2 + (-log c) + log1p(r) */
    EL_V kd = EL_I2D(k + kadj);
    EL_V A = kd * bce_ln2[0];                         /* exact: 42+11 bits */
    EL_DD B = EL_DDFN(two_sum)(A, EL_LOOKUP(bce_log_tab, i, 0));
    EL_DD C = EL_DDFN(two_sum)(B.hi, h.hi);
    EL_V lo = B.lo + C.lo + (lo1 + (EL_LOOKUP(bce_log_tab, i, 1) + kd * bce_ln2[1]));
    return EL_DDFN(fast_two_sum)(C.hi, lo);
}

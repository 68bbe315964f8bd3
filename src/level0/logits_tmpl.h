/*
 * level0/logits_tmpl.h -- level 0 (the double-only level) of the logits
 * form for plain labels, written once for lane types that have a fused
 * multiply-add (EL_FMA).  Instantiated by the kernels of ISAs with a
 * hardware FMA (f64 outputs; the f32 outputs' level 0 is level0/f32_tmpl.h)
 * and the fused regression; the rounding tests of its callers (simd/loop_tmpl.h)
 * keep a result only when it provably equals what the double-double level 1
 * (level1/logits_hot_tmpl.h) and its finishing code give, so every ISA -- with or
 * without this path -- returns the same bits.  Lanes whose test fails are
 * recomputed by the double-double path.
 *
 * Domain: 2^-900 <= |z| <= 600 (the SIMD "hot" lanes), plain labels:
 * C = beta = 1 - y (z > 0) or alpha = y (z <= 0), as an exact double-double.
 *
 *   e  = e^-|z| = 2^E (eh' + el')          exp_lean, rel. error <= EPS_E
 *   D  = 1 + e = Dh + Dl                    exact TwoSum, then Dl rounded
 *   s0 = e / D = q + sl                     one division and a correction
 *   g0 = s0 - C = th + gl                   exact TwoSum, gl rounded
 *   L  = C |z| + log D = hi + lo            log_1to2, exact TwoSums
 *
 * Proven (error budgets below, by hand like level1/elem_f64.h; not machine-checked)
 * / Measured (tests/test_fast.c against MPFR, printed maxima):
 *   exp_lean:  |2^E (h + l) - e^x| <= 2^-67 e^x   [budget 2^-67.5]
 *   log_1to2:  |hi + lo - log D| <= 2^-65 log D
 *   s0:        rel. error <= 2^-66.9 (EPS_E + 2^-100)
 *   (Proven = these hand budgets; Measured maxima: docs/ACCURACY.md.)
 *   loss:      Lef = lg 1.3125 2^-65 + |L| 2^-100 (absolute)
 *   gradient:  Gef = q 2^-66.8 + (|tl| + |sl| + |Cl|) 2^-52 (absolute)
 *
 * Needs an instantiation of level1/elem_tmpl.h and level0/elem_tmpl.h (their
 * macros stay defined, EL_FMA included).
 * No include guard: included once per instantiation.
 */
#if !defined(EL_V) || !defined(EL_DD) || !defined(EL_DDFN) || \
    !defined(EL_FN) || !defined(EL_FMA)
#error "level0/logits_tmpl.h: define EL_V, EL_DD, EL_DDFN, EL_FN, EL_FMA before including it (contract above)"
#endif


/*
 * Level 0 of the logits form on one group of lanes (domain: top of file).
 * Outputs, each an unnormalised (hi, lo) and absolute error bounds:
 *   *Lv, *Lef   the loss and the bound of this path's error
 *   *Led        a bound of the double-double path's loss error
 *               (BCE_EPS_LOSS |L|, with margin: its value Lv_dd has
 *               |Lv_dd - L| <= that, level1/logits.c)
 *   *Gv, *Gef, *Ged  the same for the gradient (dd bound:
 *               BCE_EPS_SIG s0 + 2^-103 |g|)
 * Returns the lanes where the dd path keeps its own gradient (its test
 * Gerr 2^55 <= |g| passes: ensured by |g| >= 2^-8 s0, always true for
 * hard labels), so that its result is RN(Gv_dd) there.
 *
 * Budgets (u = 2^-53), relative to the exact values:
 *   e = 2^E (eh + el): EPS_E = 2^-67 (exp_lean); el's scaling may underflow
 *     (E >= -867 here: <= 2^-1075 absolute, negligible).
 *   D: Dh + Dl = 1 + eh + el up to RN(d.lo + el) <= 2^-105.
 *   s0: q = RN(eh inv) (inv = RN(1/Dh)), r = eh - q Dh by FMA (exact or
 *     within u |r| <= 2^-104 q), r2 = RN(RN(r + el) - q Dl) within
 *     2^-103.4 e, sl = RN(r2 inv) within 2u |r2| <= 2^-103 s0:
 *     |q + sl - s0| <= (EPS_E + 2^-100) s0 <= 2^-66.9 s0.
 *   g0 = s0 - C: (th, tl) = TwoSum(q, -Ch) exact; gl = RN(tl + RN(sl - Cl)):
 *     <= 2u (|tl| + |sl| + |Cl|):  Gef = q 2^-66.8 + (|tl|+|sl|+|Cl|) 2^-52.
 *   L = C az + log D: a = Ch az exact (FMA); Cl az <= u C az; log_1to2's
 *     budget 2^-65 and EPS_E (log D' / log D <= 1 + EPS_E) on lg; the sum
 *     (TwoSum exact, then 3 roundings of terms <= 2u L):
 *     Lef = lg 1.3125 2^-65 (>= 2^-65 + 2^-67) + L 2^-100.
 */
/* Its first stage: e = e^-|z| as a normalised eh + el (a staged loop,
 * simd/loop_tmpl.h's PFX(l0_run), runs it over a block of groups before
 * logits_l0_b; logits_l0 is the two in a row: the same statements). */
static inline void EL_FN(logits_l0_e)(EL_V z, EL_V *ehp, EL_V *elp)
{
    EL_I kb;
    EL_DD m = EL_FN(exp_lean_k)(-EL_ABS(z), &kb);
    /* 2^E, exact: kb << 45 puts E + 1023 = kb >> 7 (in [157, 1023]) in the
     * exponent field and kb's low 7 bits under it, which the mask drops */
    EL_V sc = EL_ASD((kb << 45) & (int64_t)0x7ff0000000000000);
    EL_V eh0 = m.hi * sc, el0 = m.lo * sc;
    /* (eh, el) normalised: Fast2Sum, exact */
    EL_V eh = eh0 + el0;
    *ehp = eh;
    *elp = el0 - (eh - eh0);
}

/* Its second stage: log D = log(1 + e), D = 1 + eh + el as log_1to2
 * takes it (Dh + dlo = 1 + eh exactly) */
static inline EL_DD EL_FN(logits_l0_lg)(EL_V eh, EL_V el)
{
    const EL_V one = EL_SPLAT(1.0);
    EL_V Dh = one + eh;
    EL_V dlo = (one - Dh) + eh;                        /* Fast2Sum(1, eh) */
    return EL_FN(log_12)(Dh, dlo, el);
}
/* the same in two steps: the table look-ups, then the rest */
static inline void EL_FN(logits_l0_lgtab)(EL_V eh, EL_V *c, EL_V *t0, EL_V *t1)
{
    EL_FN(log_12_tab)(EL_SPLAT(1.0) + eh, c, t0, t1);
}
static inline EL_DD EL_FN(logits_l0_lgt)(EL_V eh, EL_V el, EL_V c, EL_V t0, EL_V t1)
{
    const EL_V one = EL_SPLAT(1.0);
    EL_V Dh = one + eh;
    EL_V dlo = (one - Dh) + eh;                        /* Fast2Sum(1, eh) */
    return EL_FN(log_12_t)(Dh, dlo, el, c, t0, t1);
}

/* The rest, from e = eh + el and lg = log(1 + e) (used when want_loss) */
static inline EL_M EL_FN(logits_l0_b)(EL_V z, EL_V y, EL_V eh, EL_V el, EL_DD lg,
                                        int want_loss, int want_grad,
                                        EL_DD *Lv, EL_V *Lef, EL_V *Led,
                                        EL_DD *Gv, EL_V *Gef, EL_V *Ged)
{
    const EL_V one = EL_SPLAT(1.0);
    EL_V az = EL_ABS(z);
    EL_M pos = z > 0.0;
    /* C = beta = 1 - y (z > 0) or alpha = y: exact double-double */
    EL_V bh = one - y;
    EL_V bl = (one - bh) - y;                          /* exact: 1 >= y */
    EL_V Ch = EL_SEL(pos, bh, y);
    EL_V Cl = EL_SEL(pos, bl, EL_SPLAT(0.0));
    EL_V Dh = one + eh;
    EL_V dlo = (one - Dh) + eh;                        /* Fast2Sum(1, eh) */
    EL_V Dl = dlo + el;
    EL_M okdd = EL_ABS(z) >= 0.0;                     /* all lanes */
    if (want_loss) {
        EL_V ah = Ch * az;
        EL_V al = EL_FMA(Ch, az, -ah);                 /* exact */
        EL_DD s = EL_DDFN(two_sum)(ah, lg.hi);
        EL_V lo = s.lo + ((al + Cl * az) + lg.lo);
        Lv->hi = s.hi;
        Lv->lo = lo;
        *Lef = EL_FMA(lg.hi, EL_SPLAT(0x1.5p-65), s.hi * 0x1p-100);
        *Led = s.hi * 0x1.001p-62;
    }
    if (want_grad) {
        EL_V inv = one / Dh;
        EL_V q = eh * inv;
        EL_V r = EL_FMA(-q, Dh, eh);
        EL_V r2 = EL_FMA(-q, Dl, r + el);
        EL_V sl = r2 * inv;
        EL_DD t = EL_DDFN(two_sum)(q, -Ch);
        EL_V gl = t.lo + (sl - Cl);
        /* g = -g0 for z > 0: flip the sign bits (EL_SEL of the bits) */
        Gv->hi = EL_SEL(pos, -t.hi, t.hi);
        Gv->lo = EL_SEL(pos, -gl, gl);
        *Gef = EL_FMA(q, EL_SPLAT(0x1.2p-67), (EL_ABS(t.lo) + EL_ABS(sl) + EL_ABS(Cl)) * 0x1p-52);
        *Ged = EL_FMA(q, EL_SPLAT(0x1.0001p-64), EL_ABS(t.hi) * 0x1p-102);
        okdd = EL_ABS(t.hi) >= q * 0x1p-8;
    }
    return okdd;
}

/*
 * The rest for hard labels (every lane's y is 0 or 1; the caller checks,
 * EL_FN(logits_hard)): the same outputs and bounds as logits_l0_b, with
 * fewer operations, since C = Ch is 0 or 1 exactly (Cl = 0):
 *   loss: Ch az is az or 0 (a mask, exact), al = Cl az = 0, so Lv is
 *     logits_l0_b's, statement for statement, and so are Lef and Led.
 *   gradient: g0 = s0 - C is s0 = e/D (C = 0) or -1/D (C = 1), and
 *     g = -g0 for z > 0, so g = +-num/D with num = e (C = 0) or 1 (C = 1)
 *     and the sign - exactly where y = 1 (C = 1 xor z > 0 is y = 1).
 *     num/D as s0 is computed in logits_l0_b (q = RN(num inv), r = num -
 *     q Dh by FMA, r2 = RN(RN(r + numl) - q Dl), sl = RN(r2 inv)), with
 *     num = eh + el or 1 + 0: the same budget, |q + sl - num/D'| <=
 *     2^-100 q for D' = Dh + Dl; D' is within EPS_E e + 2^-105 of 1 + e,
 *     so 1/D' is within (EPS_E e/(1+e) + 2^-105) <= EPS_E + 2^-105
 *     (relative) of 1/D, and e/D' within EPS_E + 2^-100 of s0 as before:
 *     |q + sl - |g|| <= (EPS_E + 2^-100)(1 + 2^-52) q <= 1.125 2^-67 q = Gef
 *     (EPS_E = 2^-67).  No subtraction of C, so no further rounding
 *     (logits_l0_b's (|tl| + |sl| + |Cl|) 2^-52 term is not needed).
 *     Ged: the dd path's bound BCE_EPS_SIG s0 + 2^-103 |g| with s0 = q
 *     (C = 0) or e/D = RN(eh q) (C = 1; eh q is within 2^-52 + 2^-66 of
 *     s0, inside the 2^-16 margin of 0x1.0001p-64), |g| <= q (1 + 2^-52).
 *     The dd path keeps its own gradient (|g| >= s0): okdd is every lane.
 */
static inline EL_M EL_FN(logits_l0_bh)(EL_V z, EL_V y, EL_V eh, EL_V el, EL_DD lg,
                                         int want_loss, int want_grad,
                                         EL_DD *Lv, EL_V *Lef, EL_V *Led,
                                         EL_DD *Gv, EL_V *Gef, EL_V *Ged)
{
    const EL_V one = EL_SPLAT(1.0), zero = EL_SPLAT(0.0);
    EL_V az = EL_ABS(z);
    EL_M y1 = y == 1.0;
    EL_M Cm = (z > 0.0) ^ y1;                          /* C = 1 */
    if (want_loss) {
        EL_V ah = EL_SEL(Cm, az, zero);                /* C az, exact */
        EL_DD s = EL_DDFN(two_sum)(ah, lg.hi);
        Lv->hi = s.hi;
        Lv->lo = s.lo + lg.lo;
        *Lef = EL_FMA(lg.hi, EL_SPLAT(0x1.5p-65), s.hi * 0x1p-100);
        *Led = s.hi * 0x1.001p-62;
    }
    if (want_grad) {
        EL_V Dh = one + eh;
        EL_V dlo = (one - Dh) + eh;                    /* Fast2Sum(1, eh) */
        EL_V Dl = dlo + el;
        EL_V num = EL_SEL(Cm, one, eh), numl = EL_SEL(Cm, zero, el);
        EL_V inv = one / Dh;
        EL_V q = num * inv;
        EL_V r = EL_FMA(-q, Dh, num);
        EL_V r2 = EL_FMA(-q, Dl, r + numl);
        EL_V sl = r2 * inv;
        /* the sign of g: - where y = 1 */
        Gv->hi = EL_SEL(y1, -q, q);
        Gv->lo = EL_SEL(y1, -sl, sl);
        *Gef = q * 0x1.2p-67;
        EL_V s0 = EL_SEL(Cm, eh * q, q);
        *Ged = EL_FMA(s0, EL_SPLAT(0x1.0001p-64), q * 0x1p-102);
    }
    return one > zero;                                 /* all lanes */
}

static inline EL_M EL_FN(logits_l0)(EL_V z, EL_V y, int want_loss, int want_grad,
                                      EL_DD *Lv, EL_V *Lef, EL_V *Led,
                                      EL_DD *Gv, EL_V *Gef, EL_V *Ged)
{
    EL_V eh, el;
    EL_FN(logits_l0_e)(z, &eh, &el);
    EL_DD lg = { EL_SPLAT(0.0), EL_SPLAT(0.0) };
    if (want_loss) lg = EL_FN(logits_l0_lg)(eh, el);
    return EL_FN(logits_l0_b)(z, y, eh, el, lg, want_loss, want_grad, Lv, Lef, Led, Gv, Gef, Ged);
}

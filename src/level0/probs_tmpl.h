/*
 * level0/probs_tmpl.h -- level 0 (the double-only level) of the
 * probability form, for lane types with a fused multiply-add (EL_FMA);
 * instantiated by the kernels of ISAs with a hardware FMA.  As for level0/logits_tmpl.h, the callers' rounding
 * tests (simd/loop_tmpl.h) keep a result only where it provably equals the
 * double-double path's (level1/probs_hot_tmpl.h), so every ISA gives the same bits.
 *
 * Domain: the probability form's hot lanes (simd/form_probs.h: plain
 * labels, no clamp, 2^-800 <= p < 1) with y = 0 or y = 1.  Then, with
 * x = p (y = 1) or x = 1 - p = xh + xl exactly (y = 0, TwoSum):
 *   L = -log x,          g = -1/x (y = 1)  or  +1/x (y = 0)
 * (the dd path's -y log p - (1-y) log1p(-p) and (p - y)/(p (1-p)) are
 * these values exactly).  x >= 2^-800 (y = 1) or x >= 2^-53 (y = 0).
 *
 * Proven (hand budgets below; not machine-checked) / Measured
 * (tests/test_fast.c against MPFR; docs/ACCURACY.md):
 *   log_l0: |hi + lo - log x| <= 2^-65 |log x|
 *   loss:     Lef = 1.0625 |L| 2^-65
 *   gradient: Gef = |g| 2^-100
 * Needs an instantiation of level1/elem_tmpl.h and level0/elem_tmpl.h (their
 * macros stay defined, EL_FMA included).
 * No include guard: included once per instantiation.
 */
#if !defined(EL_V) || !defined(EL_DD) || !defined(EL_DDFN) || \
    !defined(EL_FN) || !defined(EL_FMA)
#error "level0/probs_tmpl.h: define EL_V, EL_DD, EL_DDFN, EL_FN, EL_FMA before including it (contract above)"
#endif


/*
 * log(xh + xl), xh in [2^-1000, 1], |xl| <= ulp(xh)/2, x <= 1: ln3's
 * reduction (level1/elem_f64.h) with log_1to2's double-only tail
 * (level0/elem_tmpl.h's log_tail_t; here its copy log_tail_l0, below,
 * with the integer steps of L0_LOG_RED): x = 2^k m, k in [-1000, 0], c = bce_log_c[i],
 * r = c m - 1 as rh + rl (exact when c = 1, else within 2^-102), log1p(r) =
 * (rh - rh^2/2 exactly) + [rl - rh rl - q2.lo/2 + rh^3 P(rh)];
 * log x = (k ln2_hi + (-log c).hi: Fast2Sum, exact: |k ln2_hi| >= 0.69 >
 * |log c| for k != 0) + h.hi (exact: TwoSum in log_tail_t, Fast2Sum in
 * log_tail_l0) + [lows].
 * |log x| >= 2^-9.5 where c != 1 (c = 1 covers x in [1 - 2^-9, 1]).
 * Budget: as log_1to2, 2^-65 relative (k ln2_lo: |k| 2^-97 < 2^-87 |log x|).
 */
/*
 * log_tail_l0: level0/elem_tmpl.h's log_tail_t (the same statements and
 * values, its explicit FMAs included; k given as the double kd) with one
 * change: C = Bh + hh by
 * Fast2Sum instead of TwoSum (3 operations fewer; the logits form's
 * log_1to2 keeps log_tail_t).  Fast2Sum is
 * exact when |hh| <= |Bh| (proofs/coq/BceEFT.v, Fast2Sum_correct; for Bh =
 * 0 it gives hh, 0), so it gives TwoSum's pair whenever:
 *   k != 0:         |Bh| >= |k ln2_hi| - |t0| >= 0.69 - 0.4 > 2^-8 >= |hh|;
 *   k = 0, c = 1:   Bh = t0 = 0;
 *   k = 0, c != 1:  Bh = t0 = RN(-log c), and on every such interval
 *                   |t0| >= 1.01 max |c m - 1| (proofs/sollya/log_data.sollya
 *                   checks it entry by entry: the smallest ratio is 2.99),
 *                   while |hh| = |RN(rh - rh^2/2)| <= |rh| (1 + 2^-8.9) and
 *                   |rh| <= max |c m - 1| (1 + 2^-40) (the caller's budget).
 * So the result and the budget are log_tail_t's.
 */
static inline EL_DD EL_FN(log_tail_l0)(EL_V rh, EL_V rl, EL_V kd, EL_V t0, EL_V t1)
{
    EL_V q2h = rh * rh;
    EL_V q2l = EL_FMA(rh, rh, -q2h);                   /* exact */
    EL_V hh = EL_FMA(q2h, EL_SPLAT(-0.5), rh);         /* rh - q2h/2 */
    EL_V hl = EL_XFMA(q2h, EL_SPLAT(-0.5), rh - hh);   /* exact (Fast2Sum) */
    EL_V P = EL_FMA(rh, EL_SPLAT(1.0 / 9), EL_SPLAT(-1.0 / 8));
    P = EL_FMA(rh, P, EL_SPLAT(1.0 / 7));
    P = EL_FMA(rh, P, EL_SPLAT(-1.0 / 6));
    P = EL_FMA(rh, P, EL_SPLAT(1.0 / 5));
    P = EL_FMA(rh, P, EL_SPLAT(-1.0 / 4));
    P = EL_FMA(rh, P, EL_SPLAT(1.0 / 3));
    /* (q2l/2 exact: the subtraction rounds once either way) */
    EL_V small = EL_FMA(q2h * rh, P, EL_XFMA(q2l, EL_SPLAT(-0.5), EL_FMA(-rh, rl, rl)));
    EL_V A = kd * bce_ln2[0];                          /* exact */
    EL_V Bh = A + t0;
    EL_V Bl = (A - Bh) + t0;                           /* exact (Fast2Sum) */
    EL_V Ch = Bh + hh;
    EL_V Cl = (Bh - Ch) + hh;                          /* exact (Fast2Sum, above) */
    EL_V lo = (Bl + Cl) + ((hl + small) + EL_FMA(kd, EL_SPLAT(bce_ln2[1]), t1));
    EL_DD r;
    r.hi = Ch;
    r.lo = lo;
    return r;
}

/* The reduction's integer steps, for xh in [2^-1000, 1]: with tmp =
 * bits(xh) - bits(0.6875) (>= 0 when k = 0, negative two's complement
 * otherwise), i = bits 44..51 of tmp, and k = tmp >> 52 (arithmetic):
 *   kb = tmp & 0xfff0...0 is k 2^52 mod 2^64 (the arithmetic shift and the
 *     shift back), so mh = xh 2^-k has the bits bits(xh) - kb (xh and mh
 *     are normal: only the exponent field moves; exact, as xh * 2^-k) and
 *     2^-k has the bits bits(1.0) - kb (1023 - k in [1023, 2023]);
 *   kd = k as a double: u = tmp >> 52 (logical) in [0, 4095], k = (u ^
 *     0x800) - 0x800; the double with bits 0x4330000000000800 ^ u (u has
 *     no bit at or above 12) is 2^52 + (u ^ 0x800), and subtracting the
 *     double 2^52 + 2048 is exact (integers below 2^53): k.
 * The same values as the former EL_SRA(tmp, 52), EL_ASD((1023 - k) << 52),
 * xh * 2^-k and EL_I2D(k) (simd/lanes_tmpl.h), in fewer instructions;
 * tests/test_fast.c (log_l0, probs) and the fingerprint see the same
 * results. */
#define L0_LOG_RED(xh, i, kb, kd) do { \
        EL_I tmp_ = EL_ASI(xh) - (int64_t)BCE_LOG_OFF; \
        (i) = EL_SRL(tmp_, 44) & (BCE_LOG_N - 1); \
        (kb) = tmp_ & ~(((int64_t)1 << 52) - 1); \
        (kd) = EL_ASD(EL_SRL(tmp_, 52) ^ (int64_t)0x4330000000000800) - 0x1.00000000008p52; \
    } while (0)

static inline EL_DD EL_FN(log_l0)(EL_V xh, EL_V xl)
{
    EL_I i, kb;
    EL_V kd;
    L0_LOG_RED(xh, i, kb, kd);
    EL_V sc = EL_ASD((int64_t)0x3ff0000000000000 - kb);   /* 2^-k, exact */
    EL_V mh = EL_ASD(EL_ASI(xh) - kb), ml = xl * sc;       /* exact */
    EL_V c = EL_LOOKUP1(bce_log_c, i);
    EL_V ph = c * mh;
    EL_V pl = EL_FMA(c, mh, -ph);                      /* exact */
    EL_V rh0 = ph - 1.0;                               /* exact (Sterbenz) */
    EL_V rs = EL_FMA(c, ml, pl);
    EL_V rh = rh0 + rs;
    EL_V rl = (rh0 - rh) + rs;
    EL_V t0, t1;
    EL_FN(lookup2)(bce_log_tab, i, &t0, &t1);
    return EL_FN(log_tail_l0)(rh, rl, kd, t0, t1);
}

/* log_l0 for xl = 0 (log p of the soft-label variant): ml = 0, so rs =
 * RN(c 0 + pl) = pl (an exact zero pl is +0, as c 0 + pl), the same
 * values without the two operations */
static inline EL_DD EL_FN(log_l0_1)(EL_V xh)
{
    EL_I i, kb;
    EL_V kd;
    L0_LOG_RED(xh, i, kb, kd);
    EL_V mh = EL_ASD(EL_ASI(xh) - kb);                 /* exact */
    EL_V c = EL_LOOKUP1(bce_log_c, i);
    EL_V ph = c * mh;
    EL_V pl = EL_FMA(c, mh, -ph);                      /* exact */
    EL_V rh0 = ph - 1.0;                               /* exact (Sterbenz) */
    EL_V rh = rh0 + pl;
    EL_V rl = (rh0 - rh) + pl;
    EL_V t0, t1;
    EL_FN(lookup2)(bce_log_tab, i, &t0, &t1);
    return EL_FN(log_tail_l0)(rh, rl, kd, t0, t1);
}

/*
 * Hard labels (the caller checks y = 0 or 1 on every lane).  Outputs as in
 * logits_l0: values (hi, lo), this path's bounds *Lef, *Gef and the dd
 * path's bounds *Led (BCE_EPS_LOSS |L|), *Ged (2^-100 |g|), with margins.
 * Budgets (u = 2^-53):
 *   L = -(hi + lo) of log_l0: Lef = 1.0625 |L| 2^-65 (2^-65 and the
 *     roundings of lo, <= u |lo| <= 2^-104 |L|).
 *   g = s / x, s = -1 (y = 1) or 1: inv = RN(1/xh), e1 = 1 - inv xh (FMA,
 *     exact: inv is the rounded quotient), e = RN(e1 - inv xl) (|e| <=
 *     2^-52: error <= 2^-105), g = s (inv + inv e): 1/x = inv (1 + e + e^2
 *     + ...), the dropped e^2 <= 2^-104 and RN(inv e) <= 2^-105 |g|:
 *     Gef = |g| 2^-100 (with margin).
 */
/* its log (the loss's), log x: the first stage of a staged loop
 * (simd/loop0_staged_tmpl.h); probs_l0_hard is the two stages in a row */
static inline EL_DD EL_FN(probs_l0_hard_lg)(EL_V p, EL_V y)
{
    const EL_V one = EL_SPLAT(1.0);
    EL_M y1 = y == 1.0;
    EL_V qh = one - p;
    EL_V ql = (one - qh) - p;                          /* 1 - p exact: p < 1 */
    return EL_FN(log_l0)(EL_SEL(y1, p, qh), EL_SEL(y1, EL_SPLAT(0.0), ql));
}

/* the rest, given lg = log x (used when want_loss) */
static inline void EL_FN(probs_l0_hard_b)(EL_V p, EL_V y, EL_DD lg, int want_loss, int want_grad,
                                            EL_DD *Lv, EL_V *Lef, EL_V *Led,
                                            EL_DD *Gv, EL_V *Gef, EL_V *Ged)
{
    const EL_V one = EL_SPLAT(1.0);
    EL_M y1 = y == 1.0;
    EL_V qh = one - p;
    EL_V ql = (one - qh) - p;                          /* 1 - p exact: p < 1 */
    EL_V xh = EL_SEL(y1, p, qh);
    EL_V xl = EL_SEL(y1, EL_SPLAT(0.0), ql);
    if (want_loss) {
        Lv->hi = -lg.hi;
        Lv->lo = -lg.lo;
        *Lef = EL_ABS(lg.hi) * 0x1.1p-65;
        *Led = EL_ABS(lg.hi) * 0x1.001p-62;
    }
    if (want_grad) {
        EL_V inv = one / xh;
        EL_V e = EL_FMA(-inv, xl, EL_FMA(-inv, xh, one));
        EL_V gl = inv * e;
        Gv->hi = EL_SEL(y1, -inv, inv);
        Gv->lo = EL_SEL(y1, -gl, gl);
        *Gef = EL_ABS(inv) * 0x1.1p-100;
        *Ged = EL_ABS(inv) * 0x1.1p-100;
    }
}

static inline void EL_FN(probs_l0_hard)(EL_V p, EL_V y, int want_loss, int want_grad,
                                          EL_DD *Lv, EL_V *Lef, EL_V *Led,
                                          EL_DD *Gv, EL_V *Gef, EL_V *Ged)
{
    EL_DD lg = { EL_SPLAT(0.0), EL_SPLAT(0.0) };
    if (want_loss) lg = EL_FN(probs_l0_hard_lg)(p, y);
    EL_FN(probs_l0_hard_b)(p, y, lg, want_loss, want_grad, Lv, Lef, Led, Gv, Gef, Ged);
}

/*
 * Any plain label y in {0} or [2^-900, 1] (the hot lanes).  Two logs:
 *   L = y (-log p) + (1 - y) (-log(1 - p)),  1 - y = bh + bl exact: a sum of
 *     two non-negative terms; products by exact FMA products, the small
 *     cross terms (<= 2u |term|) rounded: Lef = 1.0625 2^-65 |L| (log_l0's
 *     2^-65 and <= 2^-102 |L| of roundings).
 *   g = (p - y) / (p (1 - p)): num = p - y exact (TwoSum: the cancellation
 *     costs nothing), den = p (qh + ql) = dh + dl (FMA product; p ql
 *     rounded: <= 2^-105 den); g1 = RN(nh RN(1/dh)), r = nh - g1 dh (FMA),
 *     r2 = RN(RN(r + nl) - g1 dl) (|r2| <= 2^-50 |nh|, roundings <=
 *     2^-102 |nh|), gl = RN(r2 RN(1/dh)) (<= 2^-102 |g|), dropped second
 *     order <= 2^-103 |g|: Gef = 2^-99 |g| (with margin).  p == y gives +0
 *     exactly, as the dd path.
 */
/* its two logs, log p and log(1 - p): two stages of a staged loop
 * (simd/loop0_staged_tmpl.h); probs_l0_soft is the three in a row */
static inline EL_DD EL_FN(probs_l0_soft_lp)(EL_V p)
{
    return EL_FN(log_l0_1)(p);
}
static inline EL_DD EL_FN(probs_l0_soft_lq)(EL_V p)
{
    const EL_V one = EL_SPLAT(1.0);
    EL_V qh = one - p;
    EL_V ql = (one - qh) - p;                          /* 1 - p exact */
    return EL_FN(log_l0)(qh, ql);
}

/* the rest, given lp = log p and lq = log(1 - p) (used when want_loss) */
static inline void EL_FN(probs_l0_soft_b)(EL_V p, EL_V y, EL_DD lp, EL_DD lq,
                                            int want_loss, int want_grad,
                                            EL_DD *Lv, EL_V *Lef, EL_V *Led,
                                            EL_DD *Gv, EL_V *Gef, EL_V *Ged)
{
    const EL_V one = EL_SPLAT(1.0);
    EL_V qh = one - p;
    EL_V ql = (one - qh) - p;                          /* 1 - p exact */
    if (want_loss) {
        EL_V bh = one - y;
        EL_V bl = (one - bh) - y;                      /* 1 - y exact */
        /* L = -(y lp + (bh + bl) lq), both products <= 0 */
        EL_V ph = y * lp.hi;
        EL_V pe = EL_FMA(y, lp.hi, -ph);               /* exact */
        EL_V qhh = bh * lq.hi;
        EL_V qe = EL_FMA(bh, lq.hi, -qhh);             /* exact */
        EL_DD s = EL_DDFN(two_sum)(ph, qhh);
        EL_V lo = s.lo + ((pe + qe) + (EL_FMA(y, lp.lo, bh * lq.lo) + bl * lq.hi));
        Lv->hi = -s.hi;
        Lv->lo = -lo;
        *Lef = EL_ABS(s.hi) * 0x1.1p-65;
        *Led = EL_ABS(s.hi) * 0x1.001p-62;
    }
    if (want_grad) {
        EL_DD num = EL_DDFN(two_sum)(p, -y);           /* exact */
        EL_V dh = p * qh;
        EL_V dl = EL_FMA(p, qh, -dh) + p * ql;
        EL_V inv = one / dh;
        EL_V g1 = num.hi * inv;
        EL_V r = EL_FMA(-g1, dh, num.hi);
        EL_V r2 = EL_FMA(-g1, dl, r + num.lo);
        Gv->hi = g1;
        Gv->lo = r2 * inv;
        *Gef = EL_ABS(g1) * 0x1p-99;
        *Ged = EL_ABS(g1) * 0x1.1p-100;
    }
}

static inline void EL_FN(probs_l0_soft)(EL_V p, EL_V y, int want_loss, int want_grad,
                                          EL_DD *Lv, EL_V *Lef, EL_V *Led,
                                          EL_DD *Gv, EL_V *Gef, EL_V *Ged)
{
    EL_DD lp = { EL_SPLAT(0.0), EL_SPLAT(0.0) }, lq = lp;
    if (want_loss) {
        lp = EL_FN(probs_l0_soft_lp)(p);
        lq = EL_FN(probs_l0_soft_lq)(p);
    }
    EL_FN(probs_l0_soft_b)(p, y, lp, lq, want_loss, want_grad, Lv, Lef, Led, Gv, Gef, Ged);
}

/*
 * Labels with pos_weight or smoothing (not plain): alpha, beta, N double-
 * doubles from simd/label_tmpl.h's vlabel (normalised, alpha, beta >= 0,
 * N = alpha + beta >= 2^-64, each within eps_lab = BCE_EPS_LAB = 2^-102
 * of the true coefficient on its labok lanes; the caller masks the rest),
 *   L = -(alpha log p + beta log(1 - p)),   g = (N p - alpha) / (p (1 - p)).
 * Outputs as probs_l0_soft_b's.  Proof (by hand, u = 2^-53; not
 * machine-checked):
 *   loss: lp = log_l0_1(p), lq = log_l0(1 - p) (probs_l0_soft_lp, _lq:
 *     the caller's, used when want_loss), each within 2^-65 of the
 *     log (log_l0's budget), |lo| <= 2^-19 |hi| (log_tail_l0's low parts:
 *     Bl, Cl, hl, t1, k ln2_lo are <= u-sized, and rh^3 P(rh) <= |rh|^3/3
 *     <= 2^-19.5 |hi|: |hi| ~ |rh| when c = 1, k = 0, else |hi| >= 2^-9.5
 *     and |rh| <= 2^-9).  Both products <= 0: ph + pe = ah lp.hi,
 *     qhh + qe = bh lq.hi exact (FMA; |ah lp.hi| >= 2^-900 2^-53 when ah
 *     != 0, so the error is representable; a beta lq below 2^-1022 is an
 *     absolute 2^-1074 next to L >= 2^-865, since alpha or beta >= 2^-65),
 *     TwoSum(ph, qhh) exact; the cross terms cp = ah lp.lo + al lp.hi,
 *     cq = bh lq.lo + bl lq.hi are <= 2^-18.9 of their product (al lp.lo,
 *     bl lq.lo <= 2^-72 u of it, dropped), and the 7 roundings (al lp.hi,
 *     bl lq.hi, the two FMAs, pe + qe, cp + cq, s.lo + ...) are each <= u
 *     times a partial sum <= 2^-18.8 |L|: <= 2^-69 |L|.  Labels: 2^-102
 *     |L|.  So
 *       Lef = |s.hi| 0x1.2p-65  (2^-65 + 2^-69 + 2^-102 <= 1.07 2^-65)
 *       Led = |s.hi| 0x1.001p-62 (the dd path's (BCE_EPS_LOSS + BCE_EPS_LAB) |L|,
 *             level1/probs.c: the same bound for these labels)
 *   gradient: n1 + n1e = Nh p exact (FMA; n1 >= 2^-64 2^-800, normal);
 *     (th, tl) = TwoSum(n1, -ah) exact; nl = RN(tl + RN(RN(n1e + RN(Nl p))
 *     - al)): 4 roundings of partial sums of S = |tl| + |n1e| + |Nl p| +
 *     |al| <= 4u (n1 + ah) (1 + u) each <= u S (1 + 4u): <= 16.01 u^2 (n1 +
 *     ah); Nl p's true value: |Nl| <= u Nh.  Labels: |dN| p + |dalpha| <=
 *     2^-102 (N p + alpha).  So the numerator num = th + nl (renormalised
 *     by TwoSum, exact) is within E = 2^-101.9 (n1 + ah) (1 + 2^-50) +
 *     2^-102 (n1 + ah) (1 + 2^-52) <= 2^-100.9 (n1 + ah) of N p - alpha
 *     (absolute: it cancels near N p = alpha, and E does not).  The
 *     quotient by den = p (1 - p) = dh + dl as probs_l0_soft_b (within
 *     2^-105 den): relative error <= 2^-101 of num/den plus the dropped
 *     second-order terms, i.e. the plain budget Gef = 2^-99 |g| (which
 *     covers num's exact-numerator case) plus E / den (1 + 2^-50):
 *       Gef = |g1| 2^-99 + (n1 + ah) inv 2^-100   (inv = RN(1/dh))
 *     Ged >= the dd path's Gerr = |g| 2^-100 + BCE_EPS_LAB (|N p| + alpha)
 *     / den (level1/probs.c, the general branch):
 *       Ged = |g1| 0x1.1p-100 + (n1 + ah) inv 0x1.01p-102
 *     (the gradient's f64 output is correctly rounded either way: the
 *     interval holds the exact value).
 */
static inline void EL_FN(probs_l0_lab)(EL_V p, EL_DD alpha, EL_DD beta, EL_DD N,
                                         EL_DD lp, EL_DD lq, int want_loss, int want_grad,
                                         EL_DD *Lv, EL_V *Lef, EL_V *Led,
                                         EL_DD *Gv, EL_V *Gef, EL_V *Ged)
{
    const EL_V one = EL_SPLAT(1.0);
    EL_V qh = one - p;
    EL_V ql = (one - qh) - p;                          /* 1 - p exact */
    if (want_loss) {
        EL_V ph = alpha.hi * lp.hi;
        EL_V pe = EL_FMA(alpha.hi, lp.hi, -ph);        /* exact */
        EL_V qhh = beta.hi * lq.hi;
        EL_V qe = EL_FMA(beta.hi, lq.hi, -qhh);        /* exact */
        EL_DD s = EL_DDFN(two_sum)(ph, qhh);
        EL_V cp = EL_FMA(alpha.hi, lp.lo, alpha.lo * lp.hi);
        EL_V cq = EL_FMA(beta.hi, lq.lo, beta.lo * lq.hi);
        EL_V lo = s.lo + ((pe + qe) + (cp + cq));
        Lv->hi = -s.hi;
        Lv->lo = -lo;
        *Lef = EL_ABS(s.hi) * 0x1.2p-65;
        *Led = EL_ABS(s.hi) * 0x1.001p-62;
    }
    if (want_grad) {
        EL_V n1 = N.hi * p;
        EL_V n1e = EL_FMA(N.hi, p, -n1);               /* exact */
        EL_DD t = EL_DDFN(two_sum)(n1, -alpha.hi);     /* exact */
        EL_V nl0 = t.lo + ((n1e + N.lo * p) - alpha.lo);
        EL_DD num = EL_DDFN(two_sum)(t.hi, nl0);       /* exact */
        EL_V dh = p * qh;
        EL_V dl = EL_FMA(p, qh, -dh) + p * ql;
        EL_V inv = one / dh;
        EL_V g1 = num.hi * inv;
        EL_V r = EL_FMA(-g1, dh, num.hi);
        EL_V r2 = EL_FMA(-g1, dl, r + num.lo);
        Gv->hi = g1;
        Gv->lo = r2 * inv;
        EL_V cn = (n1 + alpha.hi) * inv;
        *Gef = EL_FMA(EL_ABS(g1), EL_SPLAT(0x1p-99), cn * 0x1p-100);
        *Ged = EL_FMA(EL_ABS(g1), EL_SPLAT(0x1.1p-100), cn * 0x1.01p-102);
    }
}

/*
 * level0/elem_tmpl.h -- the elementary functions of level 0 (the
 * double-only level of lane types with a fused multiply-add, EL_FMA):
 * written once for every such lane type, used by level0/logits_tmpl.h,
 * level0/probs_tmpl.h and the fused regression's rows.
 *
 *   lookup2(tab, idx)   columns 0 and 1 of 3-double table rows, per lane
 *   exp_lean(x, &E)     e^x = 2^E (h + l), rel. error <= 2^-67
 *   log_tail, log_1to2  log D for D in [1, 2], rel. error <= 2^-65
 * (budgets at each function; by hand, not machine-checked; measured by
 * tests/test_fast.c against MPFR.)
 *
 * Needs an instantiation of level1/elem_tmpl.h (its macros stay defined)
 * and EL_FMA(a, b, c), fused a*b + c (one rounding); optionally
 * EL_LOOKUP2(tab, idx, c0, c1), the ISA's two-column table load.
 * No include guard: included once per instantiation.
 */
#if !defined(EL_V) || !defined(EL_I) || !defined(EL_DD) || \
    !defined(EL_DDFN) || !defined(EL_FN) || !defined(EL_FMA)
#error "level0/elem_tmpl.h: define EL_V, EL_I, EL_DD, EL_DDFN, EL_FN, EL_FMA before including it (contract above)"
#endif

/* a*b + c where the result is exact either way (b a power of 2 here): one
 * FMA on vector lanes, the plain expression on the scalar lane (whose
 * EL_FMA is a libm call) -- the same value */
#ifndef EL_XFMA
#ifdef EL_SCALAR
#define EL_XFMA(a, b, c) ((a) * (b) + (c))
#else
#define EL_XFMA(a, b, c) EL_FMA((a), (b), (c))
#endif
#endif

/* columns 0 and 1 of a table of 3-double rows, per lane */
static inline void EL_FN(lookup2)(const double (*tab)[3], EL_I idx, EL_V *c0, EL_V *c1)
{
#ifdef EL_LOOKUP2
    EL_LOOKUP2(tab, idx, c0, c1);
#else
    *c0 = EL_LOOKUP(tab, idx, 0);
    *c1 = EL_LOOKUP(tab, idx, 1);
#endif
}

/*
 * e^x = 2^E (h + l), x in [-600, -2^-900] (unnormalised: |l| < 2^-16 h).
 * k = round(x 128/ln2) (FMA with the 1.5 2^52 shift), |k| < 2^17.
 * r1 = x - k L1 exact (L1 has 35 bits: k L1 exact; the FMA's subtraction is
 * exact as in level1/elem_f64.h).  ph = RN(k L2): |k L2| < 2^-26, error <= 2^-79;
 * the dropped k L3 < 2^-81.  rh = RN(r1 - ph), rl = RN(RN(r1 - rh) - ph):
 * exact (Fast2Sum) when |r1| >= |ph|, otherwise |r| < 2^-25 and the two
 * roundings cost <= 2^-77: |rh + rl - r| <= 2^-75.8, |rh| <= ln2/256 (1+2^-40).
 * e^r - 1 - rh ~ plo = rl + rh rl + rh^2 Q(rh), Q Taylor 1/2 ... 1/720:
 *   truncation <= r^7/5040 <= 2^-71.9; Q's last FMA and rh^2 <= 2^-71 each;
 *   plo's FMA <= 2^-71; total |plo - (e^r - 1 - rh)| <= 2^-69.2.
 * T = th + tm (table, 2^-105 rel.).  h = th + a.hi, a = th rh exact (FMA),
 * Fast2Sum exact; l = sh.lo + a.lo + th plo + tm (1 + rh): roundings
 * <= 2^-70 + 2^-70.  Total <= 2^-68.2 + 2^-69 <= 2^-67.6 abs on T e^r >= 0.997:
 *   EPS_E = 2^-67.5 (budget), stated 2^-67.
 */
/* exp_lean_k: the same with *kb = k + 1023 * 128 (k = 128 E + j, so
 * kb >> 7 = E + 1023, a biased exponent in [157, 1023]: k >= -110804 for
 * x >= -600).  The shift constant carries the bias: RN(x 128/ln2 +
 * 1.5 2^52 + 130944) is 1.5 2^52 + 130944 + k with the same k as RN to the
 * nearest integer (every sum lies in [2^52, 2^53), spacing 1; the bias is
 * even, so ties go the same way), its low bits are kb, and subtracting the
 * constant gives k exactly. */
static inline EL_DD EL_FN(exp_lean_k)(EL_V x, EL_I *kb)
{
    const double shift = 0x1.8p52 + 130944.0;                 /* exact */
    EL_V kd = EL_FMA(x, EL_SPLAT(bce_exp_invln2n), EL_SPLAT(shift));
    EL_I k = EL_ASI(kd) - (int64_t)0x4338000000000000;        /* kb */
    *kb = k;
    kd = kd - shift;
    EL_V r1 = EL_FMA(-kd, EL_SPLAT(bce_exp_ln2n[0]), x);          /* exact */
    EL_V ph = kd * bce_exp_ln2n[1];
    EL_V rh = r1 - ph;
    EL_V rl = (r1 - rh) - ph;
    EL_V q = EL_FMA(rh, EL_SPLAT(1.0 / 720), EL_SPLAT(1.0 / 120));
    q = EL_FMA(rh, q, EL_SPLAT(1.0 / 24));
    q = EL_FMA(rh, q, EL_SPLAT(1.0 / 6));
    q = EL_FMA(rh, q, EL_SPLAT(0.5));
    EL_V rh2 = rh * rh;
    EL_V plo = EL_FMA(rh2, q, EL_FMA(rh, rl, rl));
    EL_I j = k & 127;                                  /* 130944 = 1023 128 */
    EL_V th, tm;
    EL_FN(lookup2)(bce_exp_tab, j, &th, &tm);
    EL_V ah = th * rh;
    EL_V al = EL_FMA(th, rh, -ah);                                 /* exact */
    EL_V sh = th + ah;
    EL_V sl = (th - sh) + ah;                          /* exact: th >= |ah| */
    EL_V l = (sl + al) + EL_FMA(th, plo, EL_FMA(tm, rh, tm));
    EL_DD r;
    r.hi = sh;
    r.lo = l;
    return r;
}
static inline EL_DD EL_FN(exp_lean)(EL_V x, EL_I *E)
{
    EL_I kb;
    EL_DD r = EL_FN(exp_lean_k)(x, &kb);
    *E = EL_SRL(kb, 7) - 1023;
    return r;
}

/*
 * The common end of log_1to2 and log_l0 (level0/probs_tmpl.h): log of
 * 2^k (1 + r)/c for r = rh + rl (|r| <= 2^-8) and table index i (c =
 * bce_log_c[i], -log c = bce_log_tab[i][0] + [1]):
 * log1p(r) = (rh - rh^2/2 exactly: FMA product, Fast2Sum since |rh| >=
 * rh^2/2) + [rl - rh rl - q2.lo/2 + rh^3 P(rh)], P Taylor 1/3 .. 1/9, then
 * k ln2_hi + (-log c).hi (Fast2Sum, exact), + h.hi (TwoSum, exact), + the
 * low parts.  Budgets: in the callers' comments.
 */
static inline EL_DD EL_FN(log_tail_t)(EL_V rh, EL_V rl, EL_I k, EL_V t0, EL_V t1)
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
    EL_V kd = EL_I2D(k);
    EL_V A = kd * bce_ln2[0];                          /* exact */
    EL_V Bh = A + t0;
    EL_V Bl = (A - Bh) + t0;                           /* exact (Fast2Sum) */
    EL_DD C = EL_DDFN(two_sum)(Bh, hh);
    EL_V lo = (Bl + C.lo) + ((hl + small) + EL_FMA(kd, EL_SPLAT(bce_ln2[1]), t1));
    EL_DD r;
    r.hi = C.hi;
    r.lo = lo;
    return r;
}

/* log_tail with its table look-up: t0 + t1 = -log c, c = bce_log_c[i] */
static inline EL_DD EL_FN(log_tail)(EL_V rh, EL_V rl, EL_I k, EL_I i)
{
    EL_V t0, t1;
    EL_FN(lookup2)(bce_log_tab, i, &t0, &t1);
    return EL_FN(log_tail_t)(rh, rl, k, t0, t1);
}

/*
 * log D for D = Dh + Dl + Du, Dh in [1, 2], |Dl| <= 2^-52, |Du| <= 2^-53
 * (D = 1 + e here: Dh + Dl = 1 + eh exactly, Du = el; kept apart so that a
 * tiny e keeps its relative accuracy: then Dh = 1, Dl = eh, Du = el).
 * Same tables and reduction as ln3 (level1/elem_f64.h): D = 2^k m, k in {0, 1},
 * c = bce_log_c[i] (c = 1 on the intervals next to 1), r = c m - 1:
 *   p = c mh exactly (FMA), rh0 = p.hi - 1 exact (Sterbenz), then
 *   rs = RN(p.lo + c ml) (error <= 2^-104; exact when c = 1), rh + rl =
 *   rh0 + rs by Fast2Sum: exact when |rh0| >= |rs| (always when c = 1: rh0
 *   is a multiple of 2^-52 or 0); otherwise |r| < 2^-50 and the error is
 *   <= 2^-102; then rl += c mu (two roundings <= 2^-105 |r| + 2^-106 |mu|).
 * log1p(r) = (rh - rh^2/2 exactly: FMA product, Fast2Sum since
 *   |rh| >= rh^2/2) + [rl - rh rl - q2.lo/2 + rh^3 P(rh)], P Taylor 1/3 ..
 *   1/9: truncation <= r^10/10 < 2^-75 |r|; the bracket is < 2^-16.5 |r|
 *   and its roundings <= 2^-68 |r|.
 * log D = k ln2_hi + (-log c).hi   (Fast2Sum: exact; |k ln2_hi| >= |log c|
 *          when k = 1, and k = 0 gives (-log c).hi exactly)
 *       + h.hi                     (TwoSum: exact)
 *       + [lows]                   (roundings <= 2^-104 + 3 u |lows|)
 * Relative error: where c = 1 (k = 0: D < 1 + 2^-8) every term is relative
 * to r ~ log D: <= 2^-68 + 2^-75 + 2^-100 -> 2^-67.9; elsewhere
 * log D >= 2^-9.5 and the absolute errors (2^-102 in r, 2^-68 2^-8 in the
 * bracket, table 2^-106, lows 2^-104) give <= 2^-66.  Budget: 2^-65.
 */
/* log_1to2 in two steps (a staged loop runs the table look-ups apart):
 * c = bce_log_c[i] and t0 + t1 = -log c for Dh's interval i, then the rest */
static inline void EL_FN(log_1to2_tab)(EL_V Dh, EL_V *c, EL_V *t0, EL_V *t1)
{
    EL_I tmp = EL_ASI(Dh) - (int64_t)BCE_LOG_OFF;
    EL_I i = EL_SRL(tmp, 44) & (BCE_LOG_N - 1);
    *c = EL_LOOKUP1(bce_log_c, i);
    EL_FN(lookup2)(bce_log_tab, i, t0, t1);
}
static inline EL_DD EL_FN(log_1to2_t)(EL_V Dh, EL_V Dl, EL_V Du, EL_V c, EL_V t0, EL_V t1)
{
    EL_I tmp = EL_ASI(Dh) - (int64_t)BCE_LOG_OFF;
    EL_I k = EL_SRL(tmp, 52);                          /* 0 or 1: Dh >= 1 */
    EL_V sc = EL_ASD((1023 - k) << 52);                /* 2^-k, exact */
    EL_V mh = Dh * sc, ml = Dl * sc, mu = Du * sc;
    EL_V ph = c * mh;
    EL_V pl = EL_FMA(c, mh, -ph);                      /* exact */
    EL_V rh0 = ph - 1.0;                               /* exact (Sterbenz) */
    EL_V rs = EL_FMA(c, ml, pl);
    EL_V rh = rh0 + rs;
    EL_V rl = ((rh0 - rh) + rs) + c * mu;
    return EL_FN(log_tail_t)(rh, rl, k, t0, t1);
}
static inline EL_DD EL_FN(log_1to2)(EL_V Dh, EL_V Dl, EL_V Du)
{
    EL_V c, t0, t1;
    EL_FN(log_1to2_tab)(Dh, &c, &t0, &t1);
    return EL_FN(log_1to2_t)(Dh, Dl, Du, c, t0, t1);
}


/*
 * log_12: log D for D = Dh + Dl + Du with Dh in [1, 2] (the logits' log(1 +
 * e), e in (0, 1]), |Dl| <= 2^-52, |Du| <= 2^-53, without log_1to2's
 * exponent k (its 2^-k scaling, k as a double, k ln2 and their Fast2Sum):
 * the table bce_log1_* covers [1, 2] itself, i = (bits(Dh) - bits(1)) >> 44
 * in [0, 256] (intervals of 2^-8; row 256 takes Dh = 2).  c = bce_log1_c[i]
 * (1 for i = 0, else the midpoint's reciprocal to 20 bits), t0 + t1 the
 * first two parts of -log c (triple-double, |T - t0 - t1| <= 2^-106).
 * Certified by proofs/sollya/log1_data.sollya: |c D - 1| <= 2^-8 on every
 * interval, and |t0| >= 1.01 max |c D - 1| where c != 1.
 * Reduction as log_1to2 with k = 0: p = c Dh exactly (FMA), rh0 = p.hi - 1
 * exact (Sterbenz, c Dh in [1 - 2^-8, 1 + 2^-8]), rh + rl = rh0 + RN(p.lo +
 * c Dl) (+ c Du): the same errors (<= 2^-102 where not exact, then |r| <
 * 2^-50; rl's two roundings <= 2^-105 |r| + 2^-106 |Du|).
 * log1p(r) = hh + hl + small as in log_tail_t (|r| <= 2^-8: the same
 * polynomial, truncation < 2^-75 |r|, bracket roundings <= 2^-68 |r|).
 * log D = t0 + hh (Fast2Sum, exact: t0 = 0 where c = 1, otherwise
 * |t0| >= 1.01 |r| >= |hh|, |hh| <= 1.0021 |r|) + [Cl + (hl + small + t1)]
 * (roundings <= 2^-104 + 3 u |lows|).
 * Relative error: i = 0 (c = 1, t0 = t1 = 0, D < 1 + 2^-8): every term is
 * relative to r ~ log D: <= 2^-68 + 2^-75 + 2^-100 -> 2^-67.9, and the
 * dropped rl rh^2 (|rl| <= |Du| + ulp(rh) <= 2^-52 |r|) 2^-68: 2^-66.9.
 * i >= 1: proofs/gappa/log12_far.g proves |log_12 - log D + W| <= 2^-75
 * (every statement; W = rl rh^2/(1 + rh), |W| <= 2^-78 + 1.01 2^-69 e since
 * |Du| <= 2^-53 e at every call) and log D >= max(2^-8.01, e ln2): <=
 * 2^-66.4 |log D|.  The budget stays log_1to2's 2^-65 (the rounding tests of
 * level0/logits_tmpl.h use it); measured by tests/test_fast.c (log_12).
 * For the lanes with Dh < 1.375 (k = 0 in log_1to2), the rows are log_1to2's
 * rows 160 .. 255 and the operations are log_1to2's with k = 0 (Bl = 0,
 * 0 ln2_lo + t1 = t1 exactly; a Fast2Sum that is exact gives TwoSum's
 * values): the same results bit for bit.
 */
static inline void EL_FN(log_12_tab)(EL_V Dh, EL_V *c, EL_V *t0, EL_V *t1)
{
    EL_I i = EL_SRL(EL_ASI(Dh) - (int64_t)BCE_LOG1_OFF, 44);      /* 0 .. 256 */
    *c = EL_LOOKUP1(bce_log1_c, i);
    EL_FN(lookup2)(bce_log1_tab, i, t0, t1);
}
static inline EL_DD EL_FN(log_12_t)(EL_V Dh, EL_V Dl, EL_V Du, EL_V c, EL_V t0, EL_V t1)
{
    EL_V ph = c * Dh;
    EL_V pl = EL_FMA(c, Dh, -ph);                      /* exact */
    EL_V rh0 = ph - 1.0;                               /* exact (Sterbenz) */
    EL_V rs = EL_FMA(c, Dl, pl);
    EL_V rh = rh0 + rs;
    EL_V rl = ((rh0 - rh) + rs) + c * Du;
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
    EL_V small = EL_FMA(q2h * rh, P, EL_XFMA(q2l, EL_SPLAT(-0.5), EL_FMA(-rh, rl, rl)));
    EL_V Ch = t0 + hh;
    EL_V Cl = (t0 - Ch) + hh;                          /* exact (Fast2Sum, above) */
    EL_DD r;
    r.hi = Ch;
    r.lo = Cl + ((hl + small) + t1);
    return r;
}
static inline EL_DD EL_FN(log_12)(EL_V Dh, EL_V Dl, EL_V Du)
{
    EL_V c, t0, t1;
    EL_FN(log_12_tab)(Dh, &c, &t0, &t1);
    return EL_FN(log_12_t)(Dh, Dl, Du, c, t0, t1);
}

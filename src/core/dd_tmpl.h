/*
 * core/dd_tmpl.h -- the double-double operations, written once and instantiated
 * per lane type: src/core/dd.h for double (the scalar kernels), the SIMD kernels
 * for their vector types.  The same statements in the same order on every
 * type, so every ISA computes the same bits (error-free transformations give
 * the same exact result with or without FMA).  Error bounds: src/core/dd.h.
 *
 * The includer defines:
 *   DD_V          the lane type (double, or a GCC vector of doubles)
 *   DD_T          the double-double type, a struct { DD_V hi, lo; }
 *   DD_MAKE(h,l)  builds a DD_T
 *   DD_FN(name)   the function name for `name`
 *   DD_FMA(a,b,c) optional: a fused multiply-add (exact products use it)
 * Proven exact: two_sum, fast_two_sum, two_prod (proofs/coq/BceEFT.v).
 * No include guard: included once per instantiation.
 */
#if !defined(DD_V) || !defined(DD_T) || !defined(DD_MAKE) || !defined(DD_FN)
#error "core/dd_tmpl.h: define DD_V, DD_T, DD_MAKE, DD_FN before including it (contract above)"
#endif

static inline DD_T DD_FN(two_sum)(DD_V a, DD_V b)
{
    DD_V s = a + b;
    DD_V bb = s - a;
    DD_V e = (a - (s - bb)) + (b - bb);
    return DD_MAKE(s, e);
}

static inline DD_T DD_FN(fast_two_sum)(DD_V a, DD_V b)
{
    DD_V s = a + b;
    DD_V e = b - (s - a);
    return DD_MAKE(s, e);
}

static inline DD_T DD_FN(two_prod)(DD_V a, DD_V b)
{
    DD_V p = a * b;
#ifdef DD_FMA
    DD_V e = DD_FMA(a, b, -p);          /* exact: the error of a rounded product */
#else
    /* Veltkamp split with 2^27 + 1, then Dekker's exact product */
    DD_V ta = 134217729.0 * a, ah = ta - (ta - a), al = a - ah;
    DD_V tb = 134217729.0 * b, bh = tb - (tb - b), bl = b - bh;
    DD_V e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
#endif
    return DD_MAKE(p, e);
}

/* a + b, both double-doubles (AccurateDWPlusDW). */
static inline DD_T DD_FN(dd_add)(DD_T a, DD_T b)
{
    DD_T s = DD_FN(two_sum)(a.hi, b.hi);
    DD_T t = DD_FN(two_sum)(a.lo, b.lo);
    DD_V c = s.lo + t.hi;
    DD_T v = DD_FN(fast_two_sum)(s.hi, c);
    DD_V w = t.lo + v.lo;
    return DD_FN(fast_two_sum)(v.hi, w);
}

static inline DD_T DD_FN(dd_neg)(DD_T a) { return DD_MAKE(-a.hi, -a.lo); }
static inline DD_T DD_FN(dd_sub)(DD_T a, DD_T b) { return DD_FN(dd_add)(a, DD_FN(dd_neg)(b)); }

/* a + b, double-double plus double. */
static inline DD_T DD_FN(dd_add_d)(DD_T a, DD_V b)
{
    DD_T s = DD_FN(two_sum)(a.hi, b);
    DD_V v = a.lo + s.lo;
    return DD_FN(fast_two_sum)(s.hi, v);
}

/* a * b, double-double times double (DWTimesFP3). */
static inline DD_T DD_FN(dd_mul_d)(DD_T a, DD_V b)
{
    DD_T c = DD_FN(two_prod)(a.hi, b);
    DD_V cl3 = c.lo + a.lo * b;
    return DD_FN(fast_two_sum)(c.hi, cl3);
}

/* a * b, double-double times double-double (DWTimesDW). */
static inline DD_T DD_FN(dd_mul)(DD_T a, DD_T b)
{
    DD_T c = DD_FN(two_prod)(a.hi, b.hi);
    DD_V tl = a.hi * b.lo + a.lo * b.hi;
    DD_V cl = c.lo + tl;
    return DD_FN(fast_two_sum)(c.hi, cl);
}

/* a / b, double-doubles: q1 = a.hi/b.hi, one exact-residual correction. */
static inline DD_T DD_FN(dd_div)(DD_T a, DD_T b)
{
    DD_V q1 = a.hi / b.hi;
    DD_T p = DD_FN(dd_mul_d)(b, q1);          /* b q1 */
    DD_T r = DD_FN(dd_sub)(a, p);             /* a - b q1 (nearly exact) */
    DD_V q2 = r.hi / b.hi;
    return DD_FN(fast_two_sum)(q1, q2);
}


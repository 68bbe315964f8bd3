/*
 * fast_filter.c -- the proven fast filter of the fuzz targets (and of any
 * other checker that wants one): an enclosure of one sample's exact loss
 * w L and gradient w g / den, for both forms, f64 and f32 inputs, soft
 * labels, pos_weight P, smoothing a, weights w, the log clamp and every
 * reduction's denominator, and a rounding test that decides whether a
 * returned value meets bcev_check's bound for every real in the enclosure.
 * MPFR (bcev_exact_mp) decides whatever this cannot.  The scheme is that of
 * verify/exhaustive_filter.c, made general, in x87 extended precision
 * (long double: 64-bit significand, exponents to 2^+-16382, so that neither
 * e^-|z| nor the products of the coefficients underflow or overflow).  It
 * shares nothing with the library's kernels: libm's expl, logl and log1pl
 * and IEEE long double operations only.  Builds whose long double is
 * narrower (LDBL_MANT_DIG < 64 or a double exponent range) compile the
 * filter to "always undecided".
 *
 * Definitions (bce_verify.h): y' = y(1-a) + a/2, alpha = P y', beta = 1 - y'
 * (here per unit weight), L = alpha sp(-z) + beta sp(z) or
 * -alpha log p - beta log1p(-p), g = beta s(z) - alpha s(-z) or
 * -alpha/p + beta/(1-p); outputs w L and w g / den.
 *
 * ERROR BUDGET.  u = 2^-64 (one long double rounding, round to nearest; no
 * operation below underflows or overflows: every quantity lies in
 * [2^-15800, 2^1200], see "Ranges").  E bounds the relative error of one
 * call of glibc's expl, logl or log1pl on x86-64; the documented maximum is
 * 1-2 ulps of the 64-bit significand (<= 2^-62); we assume E = 2^-59 (8 to
 * 16 times that).  tests/test_fast_filter.c measures the three functions
 * against MPFR over the arguments used here and asserts <= E/4.
 *
 *   Coefficients (inputs y, a, P, w are doubles, exact in long double):
 *     a = 0:  alpha = RN(P y), beta = RN(1 - y)           rel <= u
 *     a > 0:  ma = RN(1 - a); y' = RN(RN(y ma) + a/2)     rel <= 3.01u
 *             alpha = RN(P y')                            rel <= 4.01u
 *             beta = RN(RN(RN(1 - y) ma) + a/2)           rel <= 4.01u
 *     (sums of two non-negative terms: no cancellation).  c_u = u or
 *     4.25u below; s = RN(alpha + beta): c_u + 1.01u.
 *   Logits, t = |z| <= 10000, X = beta (z >= +0) or alpha (z <= -0), Y the
 *   other, sg = sign(z), e = e^-t, l = log1p(e):
 *     e~ = expl(-t)                                       rel <= E
 *     l~ = log1pl(e~): log1p has condition <= 1 and
 *          log1p(e) >= e/(1+e), so                        rel <= 2.01E
 *     L = X t + s l (two non-negative terms), times w:
 *          |L~ - L| <= (2.02E + c_u + 5.1u) L~            (K_L)
 *     g = sg (X - Y e)/(1 + e), N~ = RN(X~ - RN(Y~ e~)),
 *          d~ = RN(1 + e~) (rel <= E + u), q~ = RN(N~/d~), times w, / den:
 *          |g~ - g| <= (2.02E + c_u + 6.1u + rho) T~,
 *          T = (X + Y e)/(1 + e) w / den >= |g|   (the two terms' size;
 *          the bound is absolute in T: a cancelling gradient, y' near
 *          s(z), gets a wide enclosure and goes to MPFR)
 *     rho = the denominator's relative error: 0 for 1 and n; the long
 *     double sum of n positive weights: 1.01 n u.
 *   Logits, t > 10000: e < 2^-14426 < EMAX = 2^-14400 is not computed:
 *     L = X t w (rel <= c_u + 2.1u) + s w e (< 2 s w EMAX, absolute);
 *     g = sg X w/den (rel <= c_u + 3.1u + rho) + at most (X + Y) EMAX w/den.
 *   Logits, z = +-inf: L = X inf (= +inf, or exactly 0 when X = 0);
 *     g = sg X w / den (rel <= c_u + 3.1u + rho).
 *   Probs, p = 0 or 1: the exact limits (+-inf, 0, or the other term:
 *     beta w/den, -alpha w/den, 100 alpha w, 100 beta w under the clamp;
 *     rel <= c_u + 2.1u + rho).  NaN x (BCE_OPT_PROPAGATE_NAN): exactly NaN.
 *   Probs, p in (0,1):
 *     A = -logl(p), B = -log1pl(-p)                       rel <= E
 *     clamp: A' = 100 when A~ > 100 (1 + 1.01E), A' = A~ when
 *            A~ < 100 (1 - 1.01E), else undecided; the same for B
 *     L = (alpha A' + beta B') w:  |L~ - L| <= (1.01E + c_u + 3.1u) L~
 *     g = -alpha/p + beta/RN(1-p) (terms of a clamped log dropped), w/den:
 *          |g~ - g| <= (c_u + 5.1u + rho) T~, T = (alpha/p + beta/(1-p)) w/den
 *   Every bound is applied to the computed mid or T~, which is within
 *   2^-50 relative of the exact quantity; the constants below carry
 *   that margin (each is rounded up by more than 2^-48 relative).
 *   Reduced loss: S~ = sum of the n per-sample mids (non-negative),
 *     |S~ - sum mid_i| <= 1.01 n u S~; rad = (sum rad_i + 1.01 n u S~)/den~
 *     + (rho + 1.01u) S~/den~, all times (1 + 2^-50).
 *
 *   Ranges: y, a, y', 1 - y' >= 2^-1074 or exactly 0; P, w in [2^-64,
 *   2^64] or 0; den in [2^-64, 2^71]; e >= 2^-14427; the smallest product
 *   formed is >= 2^-1074 2^-64 2^-64 2^-14427 2^-71 > 2^-15800; the largest
 *   <= 2^64 2^64 2^1024 2^7 < 2^1200 (z <= DBL_MAX).
 *
 * SECOND STAGE (bcev_ff_grad_fine), for gradients the first stage leaves
 *   undecided because they cancel: the same quantities in double long double
 *   (hi + lo, ~2^-128), with the error-free transformations and the bounds of
 *   Joldes, Muller and Popescu (budget at "double long double" below);
 *   e^-t and 1 - e^-t by a degree-27 Taylor polynomial after t = k ln2 + r
 *   (relative error E2m <= 2^-112, the budget at dd_exp_neg_em); logits
 *   N = (X - Y) + Y (1 - e) and probs without smoothing N = (p - P y) +
 *   (P - 1) y p, so that exact coefficients (no smoothing, or a = 1) leave an
 *   error of N's own size: z = 0, y' = 1/2 at tiny z, y = p and P y = p are
 *   decided, and the rest to about 2^-112 of the two terms' size (the
 *   enclosure's rad is the sum of the per-operation bounds, written next to
 *   each formula in bcev_ff_grad_fine).
 *
 * DECISION (bcev_ff_check).  With S = |mid| + |lo| + rad:
 *   bound 0.5 (correct rounding): lo = (mid - rad) - 2^-61 S and
 *     hi = (mid + rad) + 2^-61 S bracket v despite the two roundings of each
 *     (each <= 2^-64 S); RN to the type (a single rounding of the long
 *     double, subnormals included) is monotonic, so RN(lo) == RN(hi) == got
 *     proves got == RN(v) for every v in the enclosure.
 *   other bounds: |v| >= m = (|mid| - rad) - 2^-61 S (0 if negative), ulp
 *     is non-decreasing in |v|, so ulp(v) >= ulp(m); |got - v| <=
 *     (|got - mid| + rad)(1 + 2^-60) =: D; decided iff D <= bound ulp(m).
 *   Undecided: got NaN; S (1 + 2^-60) at or beyond the type's largest finite
 *     number (overflow rules are MPFR's); got = +-inf against a finite v,
 *     unless every v of the enclosure is at or beyond 2^emax (then RN(v) is
 *     that infinity and bcev_ulp_error counts it 0 ulp: decided).
 *   An exact infinity (rad = 0) is decided iff got is the same infinity; an
 *   exact NaN (a propagated NaN input) iff got is NaN.
 */
#include <float.h>
#include <math.h>
#include "bcev_internal.h"

#if LDBL_MANT_DIG >= 64 && LDBL_MAX_EXP >= 16384
#define FF_ON 1
#else
#define FF_ON 0
#endif

#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

typedef long double ld;

#define FF_U 0x1p-64L           /* u */
#define FF_E 0x1p-59L           /* E: libm's expl / logl / log1pl */
#define FF_TMAX 10000.0L        /* e^-t computed up to here */
#define FF_EMAX 0x1p-14400L     /* > e^-t beyond it */
#define FF_MARGIN (1.0L + 0x1p-48L)

int bcev_ff_available(void)
{
    return FF_ON;
}

static void set_exact(bcev_ff_val *v, ld x)
{
    v->mid = x;
    v->lo = 0.0L;
    v->rad = 0.0L;
    v->ok = 1;
}

static void set_encl(bcev_ff_val *v, ld mid, ld rad)
{
    v->mid = mid;
    v->lo = 0.0L;
    v->rad = rad * FF_MARGIN;
    v->ok = 1;
}

typedef struct ff_coef {
    ld al, be;     /* alpha, beta per unit weight */
    ld cu;         /* relative error bound of each */
} ff_coef;

static int ff_coefs(double y, const bce_options *opt, ff_coef *c)
{
    const double a = opt != NULL ? opt->label_smoothing : 0.0;
    const double P = (opt != NULL && (opt->flags & BCE_OPT_POS_WEIGHT)) ? opt->pos_weight : 1.0;
    if (!(y >= 0.0 && y <= 1.0))
        return 0;
    if (!(a == 0.0 || (a >= BCE_SMOOTHING_MIN && a <= 1.0)))
        return 0;
    if (!(P == 0.0 || (P >= BCE_POS_WEIGHT_MIN && P <= BCE_POS_WEIGHT_MAX)))
        return 0;
    if (a == 0.0) {
        c->al = (ld)P * (ld)y;
        c->be = 1.0L - (ld)y;
        c->cu = FF_U;
    } else {
        const ld ma = 1.0L - (ld)a, ha = (ld)a * 0.5L;
        const ld yp = (ld)y * ma + ha;
        c->al = (ld)P * yp;
        c->be = (1.0L - (ld)y) * ma + ha;
        c->cu = 4.25L * FF_U;
    }
    return 1;
}

/* ------------------------------------------------------------------ */
/* double long double (hi + lo, |lo| <= ulp(hi)/2): the error-free      */
/* transformations TwoSum and Dekker's product (Veltkamp's split by     */
/* 2^32 + 1 for a 64-bit significand), and the algorithms of Joldes,   */
/* Muller, Popescu, "Tight and rigorous error bounds for basic building */
/* blocks of double-word arithmetic" (ACM TOMS 2017) with their bounds, */
/* in u = 2^-64: add 3u^2 (AccurateDWPlusDW), mul by a long double 2u^2 */
/* (DWTimesFP1), mul 7u^2 (DWTimesDW1), div 15u^2 + 56u^3 (DWDivDW2,    */
/* bounded by 16u^2 here).  Below: 3, 3, 7 and 16 u^2.                  */

typedef struct ldd {
    ld hi, lo;
} ldd;

static ldd dd_fast_two_sum(ld a, ld b)     /* |a| >= |b| or a = 0 */
{
    const ld s = a + b;
    return (ldd){s, b - (s - a)};
}

static ldd dd_two_sum(ld a, ld b)
{
    const ld s = a + b, bb = s - a;
    return (ldd){s, (a - (s - bb)) + (b - bb)};
}

static void dd_split(ld a, ld *h, ld *l)
{
    const ld t = 0x1.00000002p+32L * a;    /* 2^32 + 1 */
    *h = t - (t - a);
    *l = a - *h;
}

static ldd dd_two_prod(ld a, ld b)
{
    ld ah, al, bh, bl;
    const ld p = a * b;
    dd_split(a, &ah, &al);
    dd_split(b, &bh, &bl);
    return (ldd){p, ((ah * bh - p) + ah * bl + al * bh) + al * bl};
}

static ldd dd_add(ldd x, ldd y)
{
    ldd s = dd_two_sum(x.hi, y.hi), t = dd_two_sum(x.lo, y.lo);
    s.lo += t.hi;
    s = dd_fast_two_sum(s.hi, s.lo);
    s.lo += t.lo;
    return dd_fast_two_sum(s.hi, s.lo);
}

static ldd dd_neg(ldd x) { return (ldd){-x.hi, -x.lo}; }

static ldd dd_mul_ld(ldd x, ld b)
{
    ldd p = dd_two_prod(x.hi, b);
    p.lo += x.lo * b;
    return dd_fast_two_sum(p.hi, p.lo);
}

static ldd dd_mul(ldd x, ldd y)
{
    ldd p = dd_two_prod(x.hi, y.hi);
    p.lo += x.hi * y.lo + x.lo * y.hi;
    return dd_fast_two_sum(p.hi, p.lo);
}

static ldd dd_div(ldd x, ldd y)
{
    const ld q1 = x.hi / y.hi;
    const ldd r = dd_add(x, dd_neg(dd_mul_ld(y, q1)));
    const ld q2 = r.hi / y.hi;
    const ldd r2 = dd_add(r, dd_neg(dd_mul_ld(y, q2)));
    const ld q3 = r2.hi / y.hi;
    ldd q = dd_fast_two_sum(q1, q2);
    return dd_add(q, (ldd){q3, 0.0L});
}

static ldd dd_ldexp(ldd x, int k) { return (ldd){ldexpl(x.hi, k), ldexpl(x.lo, k)}; }

/* e^-t for 0 <= t <= FF_TMAX, relative error <= E2 = 2^-114 (budget at
 * the top; tests/test_fast_filter.c measures it).  ln 2 = L1 + L2 + L3 +
 * O(2^-176): L1 has 48 bits, so k L1 is exact for |k| < 2^16; r = t - k L1
 * is exact (t, k L1 multiples of 2^-54 when k != 0, |r| < 1).  e^-r by its
 * Taylor polynomial of degree 27 on |r| <= 0.3466 + 2^-60 (truncation
 * < 2^-140), Horner in double long double; 1/i! by dd_div at first use. */
static const ld FF_L1 = 0xb.17217f7d1cfp-4L;
static const ld FF_L2 = 0xf.35793c7673007e6p-53L;
static const ld FF_L3 = -0x9.50bf0cbcd98d675p-120L;
#define FF_TAYLOR 27

/* e = e^-t and em = 1 - e, each with relative error <= E2m = 2^-112:
 * for k = 0 (t < 0.3466) em = t P1(-t) from the polynomial without its
 * constant term (no cancellation), e = 1 - em; otherwise em = 1 - e with
 * e <= 0.71, em >= 0.29: 3u^2 + 2.5 E2. */
static ldd dd_exp_neg_em(ld t, ldd *em)
{
    static ldd c[FF_TAYLOR + 1];
    static int ready;
    if (!ready) {                       /* idempotent: racing threads write the same */
        c[0] = (ldd){1.0L, 0.0L};
        for (int i = 1; i <= FF_TAYLOR; i++)
            c[i] = dd_div(c[i - 1], (ldd){(ld)i, 0.0L});
        ready = 1;
    }
    const ld k = nearbyintl(t * 0xb.8aa3b295c17f0bcp-3L);    /* t / ln 2 */
    const ld r0 = t - k * FF_L1;                             /* exact */
    ldd r = dd_add((ldd){r0, 0.0L}, dd_neg(dd_two_prod(k, FF_L2)));
    r = dd_add(r, (ldd){-k * FF_L3, 0.0L});
    const ldd x = dd_neg(r);                                 /* e^x, |x| <= 0.35 */
    ldd p = c[FF_TAYLOR];
    for (int i = FF_TAYLOR - 1; i >= 1; i--)
        p = dd_add(dd_mul(p, x), c[i]);
    /* p = P1(x) = (e^x - 1)/x */
    if (k == 0.0L) {
        *em = dd_mul(p, r);                                  /* 1 - e^-r = r P1(-r) */
        return dd_add((ldd){1.0L, 0.0L}, dd_neg(*em));
    }
    p = dd_add(dd_mul(p, x), c[0]);
    const ldd e = dd_ldexp(p, -(int)k);
    *em = dd_add((ldd){1.0L, 0.0L}, dd_neg(e));
    return e;
}

void bcev_ff_denominator(size_t n, const double *w, const bce_options *opt,
                         bcev_ff_val *den)
{
    const bce_reduction red = opt != NULL ? opt->reduction : BCE_REDUCTION_NONE;
    if (red == BCE_REDUCTION_MEAN || (red == BCE_REDUCTION_WEIGHTED_MEAN && w == NULL)) {
        set_exact(den, (ld)n);
    } else if (red == BCE_REDUCTION_WEIGHTED_MEAN) {
        /* double long double sum of positive doubles: 3u^2 per addition */
        ldd s = {0.0L, 0.0L};
        for (size_t i = 0; i < n; i++)
            s = dd_add(s, (ldd){(ld)w[i], 0.0L});
        den->mid = s.hi;
        den->lo = s.lo;
        den->rad = 3.1L * (ld)n * FF_U * FF_U * s.hi;
        den->ok = 1;
    } else {
        set_exact(den, 1.0L);
    }
    den->ok = FF_ON && den->mid > 0.0L && den->mid < 0x1p100L && n < ((size_t)1 << 40);
}

/* relative error of a denominator enclosure taken as its mid alone (0
 * when exact) */
static ld den_rho(const bcev_ff_val *den)
{
    return den->rad == 0.0L && den->lo == 0.0L ? 0.0L
         : (den->rad + fabsl(den->lo)) / den->mid * FF_MARGIN;
}

static void logits_sample(double z, const ff_coef *c, ld w, const bcev_ff_val *den,
                          bcev_ff_val *loss, bcev_ff_val *grad)
{
    const int neg = signbit(z) != 0;
    const ld sg = neg ? -1.0L : 1.0L;
    const ld t = fabsl((ld)z);
    const ld X = neg ? c->al : c->be, Y = neg ? c->be : c->al;
    const ld cu = c->cu;
    const ld s = c->al + c->be;
    const ld rho = grad != NULL ? den_rho(den) : 0.0L;
    const ld dm = grad != NULL ? den->mid : 1.0L;
    if (isinf(t)) {
        if (loss)
            set_exact(loss, X > 0.0L ? (ld)INFINITY : 0.0L);
        if (grad) {
            const ld g = sg * X * w / dm;
            set_encl(grad, g, (cu + 3.1L * FF_U + rho) * fabsl(g));
        }
        return;
    }
    if (t <= FF_TMAX) {
        const ld e = expl(-t);
        if (loss) {
            const ld l = log1pl(e);
            const ld L = (X * t + s * l) * w;
            set_encl(loss, L, (2.02L * FF_E + cu + 5.1L * FF_U) * L);
        }
        if (grad) {
            const ld ye = Y * e, d = 1.0L + e;
            const ld q = (X - ye) / d;
            const ld g = sg * q * w / dm;
            const ld T = (X + ye) / d * w / dm;
            set_encl(grad, g, (2.02L * FF_E + cu + 6.1L * FF_U + rho) * T);
        }
        return;
    }
    /* t > 10000: e < EMAX, not computed */
    if (loss) {
        const ld L = X * t * w;
        set_encl(loss, L, (cu + 2.1L * FF_U) * L + 2.0L * s * w * FF_EMAX);
    }
    if (grad) {
        const ld g = sg * X * w / dm;
        set_encl(grad, g, (cu + 3.1L * FF_U + rho) * fabsl(g)
                              + 2.0L * (X + Y) * w / dm * FF_EMAX);
    }
}

/* -1 undecided, 0 not clamped, 1 clamped (log term A = -log x > 100) */
static int clamp_of(ld A)
{
    if (A > 100.0L * (1.0L + 1.01L * FF_E))
        return 1;
    if (A < 100.0L * (1.0L - 1.01L * FF_E))
        return 0;
    return -1;
}

/* p = 0 or 1: the exact limits of ref_mpfr.c (a term whose coefficient is 0
 * contributes nothing; a clamped log is 100 with derivative 0; p = 0 is
 * below the clamp, p = 1 leaves log p = 0 unclamped and clamps log1p(-p)) */
static void probs_limit(double p, const ff_coef *c, ld w, int clamp,
                        const bcev_ff_val *den, bcev_ff_val *loss, bcev_ff_val *grad)
{
    const int one = p == 1.0;
    /* the coefficient whose log is infinite here, and the other one */
    const ld K = one ? c->be : c->al, O = one ? c->al : c->be;
    const ld cu = c->cu;
    if (loss) {
        if (K == 0.0L)
            set_exact(loss, 0.0L);
        else if (!clamp)
            set_exact(loss, (ld)INFINITY);
        else
            set_encl(loss, 100.0L * K * w, (cu + 2.1L * FF_U) * 100.0L * K * w);
    }
    if (grad) {
        if (K != 0.0L && !clamp) {
            set_exact(grad, one ? (ld)INFINITY : -(ld)INFINITY);
        } else {
            /* the other term: beta/(1-0) at p = 0, -alpha/1 at p = 1 */
            const ld g = (one ? -O : O) * w / den->mid;
            set_encl(grad, g, (cu + 2.1L * FF_U + den_rho(den)) * fabsl(g));
        }
    }
}

static int probs_sample(double p, const ff_coef *c, ld w, int clamp,
                        const bcev_ff_val *den, bcev_ff_val *loss, bcev_ff_val *grad)
{
    if (p == 0.0 || p == 1.0) {
        probs_limit(p, c, w, clamp, den, loss, grad);
        return 1;
    }
    const ld A = -logl((ld)p), B = -log1pl(-(ld)p);
    int clA = 0, clB = 0;
    if (clamp) {
        clA = clamp_of(A);
        clB = clamp_of(B);
        if (clA < 0 || clB < 0)
            return 0;
    }
    const ld cu = c->cu;
    if (loss) {
        const ld tA = c->al * (clA ? 100.0L : A), tB = c->be * (clB ? 100.0L : B);
        const ld L = (tA + tB) * w;
        set_encl(loss, L, (1.01L * FF_E + cu + 3.1L * FF_U) * L);
    }
    if (grad) {
        const ld q = 1.0L - (ld)p;
        const ld a = clA ? 0.0L : c->al / (ld)p, b = clB ? 0.0L : c->be / q;
        const ld g = (b - a) * w / den->mid;
        const ld T = (a + b) * w / den->mid;
        set_encl(grad, g, (cu + 5.1L * FF_U + den_rho(den)) * T);
    }
    return 1;
}

int bcev_ff_sample(bcev_form form, const bcev_sample *s, const bce_options *opt,
                   const bcev_ff_val *den, bcev_ff_val *loss, bcev_ff_val *grad)
{
    if (loss)
        loss->ok = 0;
    if (grad)
        grad->ok = 0;
    if (!FF_ON)
        return 0;
    const double x = s->x, w = s->w;
    const int clamp = opt != NULL && (opt->flags & BCE_OPT_LOG_CLAMP);
    ff_coef c;
    if (!ff_coefs(s->y, opt, &c))
        return 0;
    if (!(w == 0.0 || (w >= BCE_WEIGHT_MIN && w <= BCE_WEIGHT_MAX)))
        return 0;
    if (grad && !(den != NULL && den->ok))
        return 0;
    if (isnan(x)) {                   /* only valid with BCE_OPT_PROPAGATE_NAN */
        if (opt == NULL || !(opt->flags & BCE_OPT_PROPAGATE_NAN) || (form == BCEV_LOGITS && clamp))
            return 0;
        if (loss)
            set_exact(loss, (ld)NAN);
        if (grad)
            set_exact(grad, (ld)NAN);
        return 1;
    }
    if (form == BCEV_PROBS ? !(x >= 0.0 && x <= 1.0) : clamp)
        return 0;
    if (w == 0.0) {                   /* alpha = beta = 0: both outputs 0 */
        if (loss)
            set_exact(loss, 0.0L);
        if (grad)
            set_exact(grad, 0.0L);
        return 1;
    }
    if (form == BCEV_LOGITS) {
        logits_sample(x, &c, (ld)w, den, loss, grad);
        return 1;
    }
    return probs_sample(x, &c, (ld)w, clamp, den, loss, grad);
}

/* The coefficients in double long double: a = 0: alpha = P y (Dekker,
 * exact), beta = 1 - y (TwoSum, exact); a = 1: y' = 1/2, alpha = P/2,
 * beta = 1/2 (exact); other a: 1 - a exact, y' = y (1-a) + a/2 (3u^2 +
 * 3u^2 on non-negative terms), alpha = P y' (+3u^2), beta = (1-y)(1-a) +
 * a/2 (7u^2 + 3u^2): relative error c2 <= 10.1u^2.  Returns 1 when both
 * are exact. */
static int dd_coefs(double y, const bce_options *opt, ldd *al, ldd *be)
{
    const double a = opt != NULL ? opt->label_smoothing : 0.0;
    const double P = (opt != NULL && (opt->flags & BCE_OPT_POS_WEIGHT)) ? opt->pos_weight : 1.0;
    if (a == 0.0) {
        *al = dd_two_prod((ld)P, (ld)y);
        *be = dd_two_sum(1.0L, -(ld)y);
        return 1;
    }
    if (a == 1.0) {
        *al = (ldd){(ld)P * 0.5L, 0.0L};
        *be = (ldd){0.5L, 0.0L};
        return 1;
    }
    const ldd ma = dd_two_sum(1.0L, -(ld)a), ha = {(ld)a * 0.5L, 0.0L};
    const ldd yp = dd_add(dd_mul_ld(ma, (ld)y), ha);
    *al = dd_mul_ld(yp, (ld)P);
    *be = dd_add(dd_mul(dd_two_sum(1.0L, -(ld)y), ma), ha);
    return 0;
}

int bcev_ff_grad_fine(bcev_form form, const bcev_sample *s, const bce_options *opt,
                      const bcev_ff_val *den, bcev_ff_val *grad)
{
    grad->ok = 0;
    if (!FF_ON || den == NULL || !den->ok)
        return 0;
    const double x = s->x, w = s->w;
    ff_coef c;
    if (!ff_coefs(s->y, opt, &c) || !(w > 0.0 && w >= BCE_WEIGHT_MIN && w <= BCE_WEIGHT_MAX))
        return 0;
    ldd al, be;
    const int cex = dd_coefs(s->y, opt, &al, &be);
    const ld c2 = cex ? 0.0L : 10.1L * FF_U * FF_U;
    const ldd dn = {den->mid, den->lo};
    const ld rho2 = den->rad / den->mid * FF_MARGIN;
    const ld u2 = FF_U * FF_U;
    ldd g;
    ld T, K;
    if (form == BCEV_LOGITS) {
        if (!(fabs(x) <= (double)FF_TMAX) || (opt != NULL && (opt->flags & BCE_OPT_LOG_CLAMP)))
            return 0;
        /* g = sg N/(1 + e), N = X - Y e = (X - Y) + Y em, em = 1 - e (so
         * that X = Y, e.g. y' = 1/2 with P = 1, and z = 0, em = 0, do not
         * cancel):  D = X - Y: c2 (X + Y) + 3u^2 |D|;  Y em: c2 + E2m +
         * 7u^2 relative;  their sum 3u^2;  d = 1 + e = 2 - em: 3u^2 + E2m;
         * the quotient 16u^2, w 3u^2, den 16u^2 + rho.  So |g~ - g| <=
         * [A/d + |q| (19u^2 + E2m)] w/den + |g| (19u^2 + rho) with
         * A = c2 (X + Y) + 3u^2 |D| + (c2 + E2m + 7u^2) Y em + 3u^2 |N|. */
        const int neg = signbit(x) != 0;
        const ldd X = neg ? al : be, Y = neg ? be : al;
        ldd em;
        (void)dd_exp_neg_em(fabsl((ld)x), &em);
        const ldd D = dd_add(X, dd_neg(Y)), yem = dd_mul(Y, em);
        const ldd N = dd_add(D, yem);
        const ldd d = dd_add((ldd){2.0L, 0.0L}, dd_neg(em));
        const ldd q0 = dd_div(N, d);
        ldd q = dd_div(dd_mul_ld(q0, (ld)w), dn);
        g = neg ? dd_neg(q) : q;
        const ld E2m = 0x1p-112L;
        const ld A = c2 * (X.hi + Y.hi) + 3 * u2 * fabsl(D.hi) + (c2 + E2m + 7 * u2) * Y.hi * em.hi
                   + 3 * u2 * fabsl(N.hi);
        const ld wd = (ld)w / den->mid;
        grad->mid = g.hi;
        grad->lo = g.lo;
        grad->rad = ((A / d.hi + fabsl(q0.hi) * (19 * u2 + E2m)) * wd
                     + fabsl(g.hi) * (19 * u2 + rho2)) * (1.0L + 0x1p-40L);
        grad->ok = 1;
        return 1;
    } else {
        if (!(x > 0.0 && x < 1.0))
            return 0;
        int clA = 0, clB = 0;
        if (opt != NULL && (opt->flags & BCE_OPT_LOG_CLAMP)) {
            clA = clamp_of(-logl((ld)x));
            clB = clamp_of(-log1pl(-(ld)x));
            if (clA < 0 || clB < 0)
                return 0;
        }
        const double a0 = opt != NULL ? opt->label_smoothing : 0.0;
        if (a0 == 0.0 && !clA && !clB) {
            /* No smoothing: alpha = P y and beta = 1 - y are exact, and
             * g = N / (p q) with N = beta p - alpha q = (p - P y) + (P - 1) y p,
             * q = 1 - p: p - P y from exact operands (Dekker's P y) has 3u^2
             * of its own size, (P - 1) y p (P - 1 exact by TwoSum) 6.1u^2 of
             * its own, their sum 3u^2; p q 3u^2, the quotient 16u^2, w 3u^2,
             * den 16u^2 + rho:  |g~ - g| <= [A/(p q) + |g1| (19u^2)] w/den +
             * |g| (19u^2 + rho), A = 3u^2 |d| + 6.1u^2 |t| + 3u^2 |N|.  So
             * y = p (P = 1) and P y = p give N exactly 0 or with an error of
             * its own size, where the difference of the two quotients would
             * leave 2^-125 of their size. */
            const ldd Py = dd_two_prod((ld)(opt != NULL && (opt->flags & BCE_OPT_POS_WEIGHT)
                                            ? opt->pos_weight : 1.0), (ld)s->y);
            const ld P = (opt != NULL && (opt->flags & BCE_OPT_POS_WEIGHT)) ? (ld)opt->pos_weight : 1.0L;
            const ldd d = dd_add((ldd){(ld)x, 0.0L}, dd_neg(Py));
            const ldd t = dd_mul_ld(dd_mul_ld(dd_two_sum(P, -1.0L), (ld)s->y), (ld)x);
            const ldd N = dd_add(d, t);
            const ldd pq = dd_mul_ld(dd_two_sum(1.0L, -(ld)x), (ld)x);
            const ldd g1 = dd_div(N, pq);
            g = dd_div(dd_mul_ld(g1, (ld)w), dn);
            const ld A = 3 * u2 * fabsl(d.hi) + 6.1L * u2 * fabsl(t.hi) + 3 * u2 * fabsl(N.hi);
            const ld wd = (ld)w / den->mid;
            grad->mid = g.hi;
            grad->lo = g.lo;
            grad->rad = ((A / pq.hi + fabsl(g1.hi) * 19 * u2) * wd
                         + fabsl(g.hi) * (19 * u2 + rho2)) * (1.0L + 0x1p-40L);
            grad->ok = 1;
            return 1;
        }
        /* g = -alpha/p + beta/(1-p) (1 - p exact by TwoSum): each quotient
         * c2 + 16u^2, the difference 3u^2, w 2u^2, den 16u^2 + rho:
         * |g~ - g| <= (c2 + 40u^2 + rho) T, T = (alpha/p + beta/(1-p)) w/den */
        const ldd a = clA ? (ldd){0.0L, 0.0L} : dd_div(al, (ldd){(ld)x, 0.0L});
        const ldd b = clB ? (ldd){0.0L, 0.0L} : dd_div(be, dd_two_sum(1.0L, -(ld)x));
        g = dd_div(dd_mul_ld(dd_add(b, dd_neg(a)), (ld)w), dn);
        T = (a.hi + b.hi) * (ld)w / den->mid;
        K = c2 + 45.0L * u2 + rho2;
    }
    grad->mid = g.hi;
    grad->lo = g.lo;
    grad->rad = K * T * (1.0L + 0x1p-40L);
    grad->ok = 1;
    return 1;
}

int bcev_ff_reduced(bcev_form form, size_t n, const double *x, const double *y,
                    const double *w, const bce_options *opt, bcev_ff_val *loss)
{
    loss->ok = 0;
    bcev_ff_val den;
    bcev_ff_denominator(n, w, opt, &den);
    if (!den.ok)
        return 0;
    ld S = 0.0L, R = 0.0L;
    int inf = 0;
    for (size_t i = 0; i < n; i++) {
        const bcev_sample s = {x[i], y[i], w != NULL ? w[i] : 1.0};
        bcev_ff_val Li;
        if (!bcev_ff_sample(form, &s, opt, NULL, &Li, NULL) || isnan(Li.mid))
            return 0;
        if (isinf(Li.mid))
            inf = 1;
        else {
            S += Li.mid;
            R += Li.rad;
        }
    }
    if (inf) {
        set_exact(loss, (ld)INFINITY);
        return 1;
    }
    const ld v = S / den.mid;
    const ld rad = (R + 1.01L * (ld)n * FF_U * S) / den.mid + (den_rho(&den) + 1.01L * FF_U) * v;
    set_encl(loss, v, rad);
    return 1;
}

/* ulp of the binade of m >= 0 in the type (the subnormal quantum below the
 * normal range and at 0), as bcev_ulp_error */
static ld ulp_of(bcev_type t, ld m)
{
    const int f32 = t == BCEV_F32;
    if (m < (f32 ? 0x1p-126L : 0x1p-1022L))
        return f32 ? 0x1p-149L : 0x1p-1074L;
    int e;
    frexpl(m, &e);                  /* m in [2^(e-1), 2^e) */
    return ldexpl(1.0L, e - (f32 ? 24 : 53));
}

int bcev_ff_check(bcev_type type, double got, const bcev_ff_val *v, double bound)
{
    if (!FF_ON || !v->ok || isnan(v->rad))
        return 0;
    if (isnan(v->mid))                /* exactly NaN: NaN x, propagated */
        return isnan(got);
    if (isnan(got))
        return 0;
    if (isinf(v->mid))
        return v->rad == 0.0L && got == (double)v->mid;
    const ld mid = v->mid, lo = v->lo, rad = v->rad;
    const ld S = fabsl(mid) + fabsl(lo) + rad;
    const ld slack = S * 0x1p-61L;
    if (isinf(got)) {
        /* |v| >= 2^emax for every v: RN(v) = +-inf, and bcev_ulp_error
         * counts an infinity against such a v as 0 ulp */
        const ld m = ((fabsl(mid) - rad) - fabsl(lo)) - slack;
        const ld two_emax = type == BCEV_F32 ? 0x1p128L : 0x1p1024L;
        return m >= two_emax && (got > 0) == (mid > 0);
    }
    const ld top = type == BCEV_F32 ? (ld)FLT_MAX : (ld)DBL_MAX;
    if (!(S * (1.0L + 0x1p-60L) < top))
        return 0;
    if (bound == 0.5) {
        const ld bl = ((mid - rad) + lo) - slack, bh = ((mid + rad) + lo) + slack;
        if (type == BCEV_F32) {
            const float rl = (float)bl, rh = (float)bh;
            return rl == rh && got == (double)rl;
        }
        const double rl = (double)bl, rh = (double)bh;
        return rl == rh && got == rl;
    }
    ld m = ((fabsl(mid) - rad) - fabsl(lo)) - slack;
    if (m < 0.0L)
        m = 0.0L;
    const ld D = (fabsl(((ld)got - mid) - lo) + rad) * (1.0L + 0x1p-60L);
    return D <= (ld)bound * ulp_of(type, m);
}

double bcev_ff_ulp(bcev_type t, double got, long double v)
{
    if (isnan(got) || isnan((double)v))
        return isnan(got) && isnan((double)v) ? 0.0 : INFINITY;
    if ((long double)got == v)
        return 0.0;
    if (isinf(got) || isinf((double)v))
        return INFINITY;
    int p = t == BCEV_F32 ? 24 : 53, emin = t == BCEV_F32 ? -126 : -1022;
    int e = v != 0 ? ilogbl(v) : emin;
    if (e < emin) e = emin;
    return (double)(fabsl((long double)got - v) / ldexpl(1.0L, e - p + 1));
}

double bcev_ff_round(bcev_type t, long double v)
{
    return t == BCEV_F32 ? (double)(float)v : (double)v;
}

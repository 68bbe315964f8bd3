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
 *   Probs, p in (0,1) (p in {0,1}: exact limits, left to MPFR):
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
 * DECISION (bcev_ff_check).  With S = |mid| + rad:
 *   bound 0.5 (correct rounding): lo = (mid - rad) - 2^-61 S and
 *     hi = (mid + rad) + 2^-61 S bracket v despite the two roundings of each
 *     (each <= 2^-64 S); RN to the type (a single rounding of the long
 *     double, subnormals included) is monotonic, so RN(lo) == RN(hi) == got
 *     proves got == RN(v) for every v in the enclosure.
 *   other bounds: |v| >= m = (|mid| - rad) - 2^-61 S (0 if negative), ulp
 *     is non-decreasing in |v|, so ulp(v) >= ulp(m); |got - v| <=
 *     (|got - mid| + rad)(1 + 2^-60) =: D; decided iff D <= bound ulp(m).
 *   Undecided: got NaN; S (1 + 2^-60) at or beyond the type's largest finite
 *     number (overflow rules are MPFR's); got = +-inf against a finite v.
 *   An exact infinity (rad = 0) is decided iff got is the same infinity.
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
    v->rad = 0.0L;
    v->ok = 1;
}

static void set_encl(bcev_ff_val *v, ld mid, ld rad)
{
    v->mid = mid;
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

void bcev_ff_denominator(size_t n, const double *w, const bce_options *opt,
                         bcev_ff_val *den)
{
    const bce_reduction red = opt != NULL ? opt->reduction : BCE_REDUCTION_NONE;
    if (red == BCE_REDUCTION_MEAN || (red == BCE_REDUCTION_WEIGHTED_MEAN && w == NULL)) {
        set_exact(den, (ld)n);
    } else if (red == BCE_REDUCTION_WEIGHTED_MEAN) {
        ld s = 0.0L;
        for (size_t i = 0; i < n; i++)
            s += (ld)w[i];
        if (n <= 1)
            set_exact(den, s);
        else
            set_encl(den, s, 1.01L * (ld)n * FF_U * s);
    } else {
        set_exact(den, 1.0L);
    }
    den->ok = FF_ON && den->mid > 0.0L && den->mid < 0x1p100L && n < ((size_t)1 << 40);
}

/* relative error of a denominator enclosure (0 when exact) */
static ld den_rho(const bcev_ff_val *den)
{
    return den->rad == 0.0L ? 0.0L : den->rad / den->mid * FF_MARGIN;
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

static int probs_sample(double p, const ff_coef *c, ld w, int clamp,
                        const bcev_ff_val *den, bcev_ff_val *loss, bcev_ff_val *grad)
{
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
    if (isnan(x))
        return 0;
    if (form == BCEV_PROBS ? !(x > 0.0 && x < 1.0) : clamp)
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
        if (!bcev_ff_sample(form, &s, opt, NULL, &Li, NULL))
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
    if (!FF_ON || !v->ok || isnan(got) || isnan(v->mid) || isnan(v->rad))
        return 0;
    if (isinf(v->mid))
        return v->rad == 0.0L && got == (double)v->mid;
    if (isinf(got))
        return 0;
    const ld mid = v->mid, rad = v->rad;
    const ld S = fabsl(mid) + rad;
    const ld top = type == BCEV_F32 ? (ld)FLT_MAX : (ld)DBL_MAX;
    if (!(S * (1.0L + 0x1p-60L) < top))
        return 0;
    const ld slack = S * 0x1p-61L;
    if (bound == 0.5) {
        const ld lo = (mid - rad) - slack, hi = (mid + rad) + slack;
        if (type == BCEV_F32) {
            const float rl = (float)lo, rh = (float)hi;
            return rl == rh && got == (double)rl;
        }
        const double rl = (double)lo, rh = (double)hi;
        return rl == rh && got == rl;
    }
    ld m = (fabsl(mid) - rad) - slack;
    if (m < 0.0L)
        m = 0.0L;
    const ld D = (fabsl((ld)got - mid) + rad) * (1.0L + 0x1p-60L);
    return D <= (ld)bound * ulp_of(type, m);
}

/*
 * level1/lowp16_tmpl.h -- the table path of the bf16/f16 entry points
 * (plain calls, reduction NONE, with or without weights): the algorithm
 * every ISA shares, written once in portable C on doubles and compiled
 * per ISA (src/isa/scalar/lowp16.c, src/isa/x86_avx2/lowp16.c).  Every
 * statement is one IEEE operation on doubles (or exact integer and
 * conversion steps) and the build contracts nothing (-ffp-contract=off),
 * so every compilation gives the same bits.
 *
 * Contract (the includer defines): L16FN(name), the instantiated names.
 * Defines L16FN(chunk) (the function below) and its static helpers.
 *
 * A 16-bit input has 2^16 values, so the transcendental part of each
 * output is read from a table of doubles filled once by the library's own
 * f64 kernels (core/lowp.c, bce_lowp_tables): for a = |z| (bits & 0x7fff)
 *   T[a][0] = L(a) = log1p(e^-a)   (bce_logits_f64 loss at z = a, y = 1)
 *   T[a][1] = s(a) = sigma(-a)     (bce_logits_f64 gradient at z = -a, y = 0)
 * and for p in (0, 1) (its bits)
 *   T[p][0] = A(p) = -log p        (bce_probs_f64 loss at y = 1)
 *   T[p][1] = B(p) = -log1p(-p)    (bce_probs_f64 loss at y = 0).
 * Each is within 1 ulp of the exact value (docs/ACCURACY.md's f64 bounds;
 * the probs gradient, correctly rounded, is not used), so with u = 2^-53
 *   |T - exact| <= UT |T| + ET,  UT = 2^-51, ET = 2^-1073
 * (1 ulp of the exact binade is <= 2^-52 |exact| <= 2^-52 (1 + 2^-51) |T|,
 * and never below 2^-1074, the subnormal quantum).
 *
 * With z (or p), y, w 16-bit values (exact doubles), u = 2^-53, RN errors
 * <= u |result| (exact where a result is subnormal: sums and differences;
 * products underflowing add <= 2^-1075):
 *
 * logits loss  = A + L(|z|), A = max(z, 0) - z y.  z y is exact (<= 11 + 11
 *   significant bits, >= 2^-266), so TwoSum(max(z, 0), -z y) = ah + al is A
 *   exactly; A = z (1 - y) >= 0 for z > 0 and -z y >= 0 for z <= 0: every
 *   term is non-negative.  s1 = RN(ah + T0), v = RN(s1 + al):
 *   |v - exact| <= UT T0 + ET + u s1 + u v <= 2^-50 v + ET, as T0 <= s1
 *   (ah >= 0, RN monotone), |al| <= u ah <= u s1, so s1 <= v (1 + 2.01 u),
 *   and (UT + u)(1 + 2.01 u) + u <= 0.76 2^-50.
 * logits gradient = sigma(z) - y = (b - y) + sg s(|z|), b = 1, sg = -1 for
 *   z >= 0 (sigma(z) = 1 - s(|z|)), b = 0, sg = +1 for z < 0.
 *   TwoSum(b, -y) = ch + cl exactly; d = RN(ch + sg T1), v = RN(d + cl):
 *   |v - exact| <= UT T1 + ET + u |d| + u |v|.  (z = +-0: 1/2 - y.)
 * probs loss = y A(p) + (1 - y) B(p), p in (0, 1); 1 - y = ch + cl (TwoSum,
 *   |cl| <= u ch); t1 = RN(y T0), t2 = RN(ch T1), v = RN(t1 + t2), all
 *   >= 0.  y |A - T0| + |t1 - y T0| <= (UT (1 + 3u) + u) t1 + 2 ET,
 *   (1 - y) |B - T1| + |cl| B + |t2 - ch T1| <= (UT (1 + 3u) + 2u) t2 + 3 ET:
 *   |v - exact| <= 2^-50 (t1 + t2) + u v + 2^-1069 <= 2^-49 v + 2^-1069
 *   (t1 + t2 <= v (1 + u)).
 * probs gradient = (p - y) / (p (1 - p)); TwoSum(p, -y) = dh + dl exactly
 *   (|dl| <= u |dh|), m = RN(1 - p), q = RN(p m) (>= 2^-134: normal),
 *   v = RN(dh / q): exact = v (1+d1)(1+d2) / ((1+d3)(1+d4)), |di| <= u:
 *   |v - exact| <= 4.01 u |v| <= 5 u |v|.
 * weights: v' = RN(w v), e' = w e + u |v'| + 2^-1074 (>= its underflow, 2^-1075).
 *
 * The decision: E is computed with at most 6 roundings of non-negative
 * terms, so the true bound is <= E (1 + 2^-50).  E2 = E (1 + 2^-45) +
 * 2^-50 |v| + 2^-1070 (three more roundings) then satisfies
 * E2 (1 - u) >= E (1 + 2^-50) + u |v|, so lo = RN(v - E2) <= exact <=
 * RN(v + E2) = hi (the subtraction's own rounding, <= u |v - E2|, is
 * covered).  RN to the output type is monotone, so the output is decided
 * iff RN_out(lo) == RN_out(hi), as bits (a zero of either sign against the
 * other is undecided: exact zeros, w = 0 and underflowing tables always
 * straddle 0 through the 2^-1070 term and go to the old path).
 *   RN_out for float: (float)x, the correctly rounded conversion.
 *   RN_out for bf16 / f16: with f = RN32(lo) == RN32(hi), every x in
 *   [lo, hi] (the exact value too) has RN32(x) = f, so lies within half
 *   a binary32 ulp of f, where f is the only binary32 number.  Every
 *   16-bit rounding boundary (a midpoint of two consecutive 16-bit values,
 *   or the overflow threshold) is a binary32 number (<= 12 significant
 *   bits, exponent inside binary32's range) with >= 2^12 binary32 steps
 *   to the next one, so:
 *   - f not a boundary (mid16): no boundary lies in [lo, hi], RN16 is
 *     constant there: RN16(f), core/half.h's integer bce_f32mag_to_h16
 *     of f's magnitude a (f = +-inf: every x is beyond both formats'
 *     overflow thresholds, the 16-bit infinity);
 *   - f a boundary and every |x| > |f| (min(|lo|, |hi|) > |f|): RN16
 *     rounds away from the boundary, as it rounds the binary32 a + 1
 *     (strictly between f and the next boundary); every |x| < |f|: a - 1;
 *   - otherwise (|f| inside [|lo|, |hi|]) the element goes to the old
 *     path (an exact 16-bit midpoint such as z (1 - y) with a tiny L is
 *     decided when the interval, 2^-50 relative, clears it: L > ~2^-48
 *     relative).
 */
#if !defined(L16FN)
#error "lowp16_tmpl.h: define L16FN(name) before including"
#endif

#include <math.h>
#include <stdint.h>
#include <string.h>
#include "core/half.h"
#include "core/lowp.h"

#define L16_U  0x1p-53
#define L16_UT 0x1p-51
#define L16_ET 0x1p-1073

/* lo, hi of value v with bound e (above) */
static inline __attribute__((always_inline)) void
L16FN(interval)(double v, double e, unsigned exact, double *lo, double *hi)
{
    const double av = v < 0 ? -v : v;
    const double e1 = (e * (1.0 + 0x1p-45) + av * 0x1p-50) + 0x1p-1070;
    const double e2 = exact ? 0.0 : e1;
    *lo = v - e2;
    *hi = v + e2;
}

/* Is the binary32 magnitude a (bits, finite) a 16-bit rounding boundary:
 * a midpoint of two consecutive values of the format, or the overflow
 * threshold (the midpoint above the largest finite)?  bf16: its low 16
 * bits are 0x8000.  f16: the bits below the rounding position of
 * bce_f32mag_to_h16 (13 where E >= 113, 126 - E for 101 <= E < 113, none
 * below) are exactly one half. */
static inline __attribute__((always_inline)) uint32_t L16FN(mid16)(uint32_t a, int fmt)
{
    if (fmt == BCE_FMT_BF16) return (a & 0xffffu) == 0x8000u;
    const uint32_t E = a >> 23;
    const uint32_t m = (a & 0x7fffffu) | 0x800000u;
    const uint32_t sh = E >= 113 ? 13u : E >= 101 ? 126u - E : 31u;
    return (m & ((1u << sh) - 1u)) == (1u << (sh - 1u));
}

/* float bits of RN32(x) */
static inline __attribute__((always_inline)) uint32_t L16FN(rn32)(double x)
{
    const float f = (float)x;
    uint32_t a;
    memcpy(&a, &f, 4);
    return a;
}

/* One output: decide it and store it, or mark the element. */
static inline __attribute__((always_inline)) unsigned
L16FN(out)(double v, double e, unsigned exact, int fmt, int out16, size_t j, float *of,
           uint16_t *oh)
{
    double lo, hi;
    L16FN(interval)(v, e, exact, &lo, &hi);
    const uint32_t rl = L16FN(rn32)(lo), rh = L16FN(rn32)(hi);
    if (out16) {
        const uint32_t a = rl & 0x7fffffffu;
        float fa;
        memcpy(&fa, &a, 4);
        const double fb = (double)fa;
        const double alo = lo < 0 ? -lo : lo, ahi = hi < 0 ? -hi : hi;
        const double amin = alo < ahi ? alo : ahi, amax = alo < ahi ? ahi : alo;
        const uint32_t above = amin > fb, below = amax < fb;
        const uint32_t mid = L16FN(mid16)(a, fmt);
        const uint32_t a2 = mid ? a + above - below : a;
        oh[j] = (uint16_t)(((rl >> 16) & 0x8000u) | bce_f32mag_to_h16(a2, fmt));
        return (rl != rh) | (mid & !(above | below));
    }
    float f;
    memcpy(&f, &rl, 4);
    of[j] = f;
    return rl != rh;
}

static inline __attribute__((always_inline)) void
L16FN(weigh)(double w, double *v, double *e)
{
    const double vw = w * *v;
    const double avw = vw < 0 ? -vw : vw;
    *e = (w * *e + L16_U * avw) + 0x1p-1074;
    *v = vw;
}

/* The body: m elements; xb the input bits, xf/yf/wf their binary32 values;
 * outputs at of (float) or oh (16-bit) for loss (index 0) and gradient
 * (1); redo[j] = 1 where an element is cold or an output undecided (its
 * outputs are then recomputed by the caller); returns the count of redo. */
static inline __attribute__((always_inline)) size_t
L16FN(body)(size_t m, const uint16_t *xb, const float *xf, const float *yf,
            const float *wf, int fmt, int logits, int out16, int wl, int wg,
            const double (*T)[2], float *lf, float *gf, uint16_t *lh, uint16_t *gh,
            unsigned char *redo)
{
    const uint32_t inf16 = fmt == BCE_FMT_BF16 ? 0x7f80u : 0x7c00u;
    const uint32_t one16 = fmt == BCE_FMT_BF16 ? 0x3f80u : 0x3c00u;
    size_t cnt = 0;
    for (size_t j = 0; j < m; j++) {
        const uint32_t b = xb[j];
        const double x = (double)xf[j], y = (double)yf[j];
        unsigned cold, exact = 0;
        uint32_t idx;
        if (logits) {
            cold = (b & 0x7fffu) >= inf16;
            idx = cold ? 0u : (b & 0x7fffu);
        } else {
            const unsigned hot = b - 1u < one16 - 1u;    /* p in (0, 1): 0 < b < one16 */
            exact = (b == 0u) | (b == one16);            /* p = +0 or 1: exact limits */
            cold = !(hot | exact);
            idx = hot ? b : 1u;
        }
        const double t0 = T[idx][0], t1 = T[idx][1];
        double vL, eL, vG, eG;
        if (logits) {
            const double mz = x > 0 ? x : 0.0;
            const double zy = x * y;                      /* exact */
            const double ah = mz - zy;                    /* TwoSum(mz, -zy) */
            const double bb = ah - mz;
            const double al = (mz - (ah - bb)) + (-zy - bb);
            const double s1 = ah + t0;
            vL = s1 + al;
            eL = 0x1p-50 * vL + L16_ET;        /* vL >= 0; the header's bound */
            const double bz = x >= 0 ? 1.0 : 0.0;
            const double ch = bz - y;                     /* TwoSum(bz, -y) */
            const double cb = ch - bz;
            const double cl = (bz - (ch - cb)) + (-y - cb);
            const double sg = x >= 0 ? -t1 : t1;
            const double d = ch + sg;
            vG = d + cl;
            eG = ((L16_UT * t1 + L16_ET) + L16_U * (d < 0 ? -d : d)) + L16_U * (vG < 0 ? -vG : vG);
        } else {
            const double ch = 1.0 - y;                    /* TwoSum(1, -y): ch + cl */
            const double q1 = ch * t1;
            const double p1 = y * t0;
            vL = p1 + q1;
            eL = 0x1p-49 * vL + 0x1p-1069;     /* vL >= 0; the header's bound */
            const double dh = x - y;                      /* TwoSum(p, -y): high part */
            const double mm = 1.0 - x;
            const double q = x * mm;
            vG = dh / q;
            eG = 5.0 * L16_U * (vG < 0 ? -vG : vG);
            /* p = 0: loss 0 (y = 0) or +inf, gradient 1 (y = 0) or -inf;
             * p = 1: loss 0 (y = 1) or +inf, gradient -1 (y = 1) or +inf
             * (the limits of include/bce.h, the f32 kernels' values) */
            const unsigned pone = b == one16, yedge = pone ? y == 1.0 : y == 0.0;
            const double lim_l = yedge ? 0.0 : HUGE_VAL;
            const double lim_g = yedge ? (pone ? -1.0 : 1.0) : (pone ? HUGE_VAL : -HUGE_VAL);
            vL = exact ? lim_l : vL;
            eL = exact ? 0.0 : eL;
            vG = exact ? lim_g : vG;
            eG = exact ? 0.0 : eG;
        }
        if (wf) {
            const double w = (double)wf[j];
            L16FN(weigh)(w, &vL, &eL);          /* exact limits times w: exact */
            L16FN(weigh)(w, &vG, &eG);
            cold |= exact & (w == 0.0);         /* 0 * inf: the old path's */
        }
        unsigned bad = cold;
        if (wl) bad |= L16FN(out)(vL, eL, exact, fmt, out16, j, lf, lh);
        if (wg) bad |= L16FN(out)(vG, eG, exact, fmt, out16, j, gf, gh);
        redo[j] = (unsigned char)bad;
        cnt += bad;
    }
    return cnt;
}

#define L16_CASE(F, LG, O, WL, WG)                                                  \
    return L16FN(body)(m, xb, xf, yf, wf, F, LG, O, WL, WG, T, lf, gf, lh, gh, redo)

/* Dispatch to a body with every flag constant (the compilers vectorise
 * each).  lf/gf or lh/gh: the chunk's outputs (NULL when not wanted). */
size_t L16FN(chunk)(size_t m, const uint16_t *xb, const float *xf, const float *yf,
                    const float *wf, int fmt, int logits, const double (*T)[2],
                    const float (*Tf)[2], float *lf, float *gf, uint16_t *lh, uint16_t *gh,
                    unsigned char *redo)
{
    (void)Tf;   /* the binary32 tier is AVX2's (isa/x86_avx2/lowp16.c) */
    const int out16 = lh || gh;
    const int wl = lf || lh, wg = gf || gh;
    const int bf = fmt == BCE_FMT_BF16;
#define L16_FORMS(WL, WG)                                                           \
    if (logits) {                                                                   \
        if (out16) { if (bf) L16_CASE(BCE_FMT_BF16, 1, 1, WL, WG);                 \
                     else L16_CASE(BCE_FMT_F16, 1, 1, WL, WG); }                     \
        else if (bf) L16_CASE(BCE_FMT_BF16, 1, 0, WL, WG);                          \
        else L16_CASE(BCE_FMT_F16, 1, 0, WL, WG);                                   \
    } else {                                                                        \
        if (out16) { if (bf) L16_CASE(BCE_FMT_BF16, 0, 1, WL, WG);                 \
                     else L16_CASE(BCE_FMT_F16, 0, 1, WL, WG); }                     \
        else if (bf) L16_CASE(BCE_FMT_BF16, 0, 0, WL, WG);                          \
        else L16_CASE(BCE_FMT_F16, 0, 0, WL, WG);                                   \
    }
    if (wl && wg) { L16_FORMS(1, 1) }
    if (wl) { L16_FORMS(1, 0) }
    L16_FORMS(0, 1)
#undef L16_FORMS
}
#undef L16_CASE

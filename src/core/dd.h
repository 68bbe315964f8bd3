/*
 * core/dd.h -- double-double building blocks shared by every kernel.
 *
 * Error-free transformations (exact, barring overflow/underflow):
 *   bce_two_sum(a,b)      s + e = a + b                       (Knuth, 6 flops)
 *   bce_fast_two_sum(a,b) s + e = a + b  if a == 0 or |a| >= |b| (Dekker)
 *   bce_two_prod(a,b)     p + e = a * b  (hardware FMA when compiled with it,
 *                         Veltkamp/Dekker split otherwise: the same exact
 *                         result either way, so every ISA gives the same bits)
 * The split is valid for |a|,|b| <= 2^995 and products whose error term does
 * not underflow (|a b| >= 2^-969); callers keep operands in that range.
 *
 * Double-double operations (relative error bounds from Joldes, Muller, Popescu,
 * "Tight and rigorous error bounds for basic building blocks of double-word
 * arithmetic", ACM TOMS 2017, u = 2^-53):
 *   bce_dd_add     (AccurateDWPlusDW)  <= 3u^2 / (1 - 4u)
 *   bce_dd_mul_d   (DWTimesFP3)        <= 2u^2
 *   bce_dd_mul     (DWTimesDW3)        <= 4u^2
 *   bce_dd_div     (one residual correction, DWDivDW2-like: the paper's
 *                  15u^2, which the callers quote)  <= 12.5u^2 relative to
 *                  a/b, machine-checked (proofs/gappa/dd_div.g) for
 *                  normalised a, b (|lo| <= u|hi|), |a.hi| >= 2^-964 and
 *                  |a.hi / b.hi| >= 2^-964 (below, roundings of the u^2-sized
 *                  terms underflow and only an absolute bound holds), no
 *                  overflow (|a.hi| <= 2^1021; the split: |b.hi|, |q| <= 2^995)
 * Everything here is static inline and contraction-free (-ffp-contract=off).
 * Proven: the error-free transformations are exact and the FMA and Dekker
 * forms of two_prod give the same pair (proofs/coq/BceEFT.v, Flocq), so the
 * same statements give the same bits on every ISA; dd_div's bound as above;
 * the dd_add / dd_mul_d / dd_mul bounds are cited from the paper, not
 * machine-checked.
 */
#ifndef BCE_DD_H
#define BCE_DD_H

#include <stdint.h>
#include <string.h>

typedef struct bce_dd { double hi, lo; } bce_dd;

static inline bce_dd bce_dd_make(double hi, double lo) { bce_dd r = { hi, lo }; return r; }

static inline uint64_t bce_asuint64(double x) { uint64_t u; memcpy(&u, &x, 8); return u; }
static inline double bce_asdouble(uint64_t u) { double x; memcpy(&x, &u, 8); return x; }
static inline uint32_t bce_asuint32(float x) { uint32_t u; memcpy(&u, &x, 4); return u; }
static inline float bce_asfloat(uint32_t u) { float x; memcpy(&x, &u, 4); return x; }

/* |x| (x < 0 ? -x : x: -0 stays -0, as the kernels' EL_ABS for double). */
static inline double bce_fabs(double x) { return x < 0 ? -x : x; }

/* 2^e for -1022 <= e <= 1023, exact. */
static inline double bce_pow2i(int e) { return bce_asdouble((uint64_t)(e + 1023) << 52); }

#define DD_V double
#define DD_T bce_dd
#define DD_MAKE(h, l) bce_dd_make((h), (l))
#define DD_FN(name) bce_##name
#if defined(__FMA__)
#define DD_FMA(a, b, c) __builtin_fma((a), (b), (c))
#endif
#include "core/dd_tmpl.h"
#undef DD_V
#undef DD_T
#undef DD_MAKE
#undef DD_FN
#undef DD_FMA

/* a / b, also when the quotient is beyond the exact-product range
 * (|q| > 2^900: a scaled numerator is divided and the quotient scaled back;
 * overflow gives the correctly signed infinity), zero or infinite. */
static inline bce_dd bce_dd_div_safe(bce_dd a, bce_dd b)
{
    double q = a.hi / b.hi;
    if (q - q != 0.0 || q == 0.0) return bce_dd_make(q, 0.0);
    if (q > 0x1p900 || q < -0x1p900) {
        bce_dd t = bce_dd_div(bce_dd_make(a.hi * 0x1p-200, a.lo * 0x1p-200), b);
        t = bce_dd_make(t.hi * 0x1p200, t.lo * 0x1p200);
        if (t.hi - t.hi != 0.0) t.lo = 0.0;
        return t;
    }
    return bce_dd_div(a, b);
}

/* Round-to-odd of hi + lo to double (for a second, correct rounding to float:
 * RN24(RO53(x)) = RN24(x) since 53 >= 24 + 2). */
static inline double bce_dd_round_odd(bce_dd a)
{
    uint64_t u = bce_asuint64(a.hi);
    if (a.lo != 0.0 && (u & 1u) == 0 && a.hi == a.hi && a.hi - a.hi == 0.0) {
        /* hi is even and the exact value lies strictly on lo's side:
         * step one ulp towards it (bit patterns are monotone per sign). */
        if ((a.lo > 0) == (a.hi > 0)) u += 1; else u -= 1;
        if (a.hi == 0.0) u = bce_asuint64(a.lo > 0 ? 0x1p-1074 : -0x1p-1074);
        return bce_asdouble(u);
    }
    return a.hi;
}

/* Correctly rounded float of the double-double a (hi = RN(hi+lo)). */
static inline float bce_dd_to_float(bce_dd a) { return (float)bce_dd_round_odd(a); }

#endif /* BCE_DD_H */

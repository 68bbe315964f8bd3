/*
 * core/half.h -- the 16-bit formats of the bf16/f16 entry points: exact
 * conversions to binary32/binary64, and ONE rounding (nearest-even, the
 * subnormal grid, overflow to infinity) of a double or of a double-double
 * (with its sticky sign: core/internal.h's bce_res) to bfloat16 or IEEE
 * binary16.  Internal (hidden).
 *
 * Formats (p: significand bits with the hidden one; emin: exponent of the
 * smallest normal; emax: of the largest finite):
 *   bf16  p = 8,  emin = -126, emax = 127, smallest subnormal 2^-133
 *   f16   p = 11, emin = -14,  emax = 15,  smallest subnormal 2^-24
 * Every value of either format is a binary32 (and binary64) value, and so
 * is every midpoint between two consecutive values (at most p + 1 <= 12
 * significant bits, exponents inside binary32's range): rounding a
 * double-double hi + lo once to 16 bits is RN16(hi), unless hi is itself a
 * midpoint, where the sign of lo decides (a tie only when lo == 0).
 */
#ifndef BCE_HALF_H
#define BCE_HALF_H

#include <stdint.h>
#include <string.h>
#include "core/internal.h"

enum bce_fmt16 { BCE_FMT_BF16 = 2, BCE_FMT_F16 = 3 };

static inline float bce_bf16_to_float(uint16_t h)
{
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static inline float bce_f16_to_float(uint16_t h)
{
    const uint32_t s = (uint32_t)(h & 0x8000u) << 16;
    const uint32_t e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
    uint32_t u;
    if (e == 0x1f) {
        u = s | 0x7f800000u | (m << 13) | (m ? 0x400000u : 0u);  /* inf, quiet NaN */
    } else if (e != 0) {
        u = s | ((e + 112u) << 23) | (m << 13);
    } else {
        /* zero or subnormal: m 2^-24, exact in binary32 */
        float f = (float)m * 0x1p-24f;
        memcpy(&u, &f, 4);
        u |= s;
    }
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static inline double bce_h16_to_double(uint16_t h, int fmt)
{
    return fmt == BCE_FMT_BF16 ? (double)bce_bf16_to_float(h) : (double)bce_f16_to_float(h);
}

/* The quantum (ulp) of the format at |x| (x finite, nonzero), as a double. */
static inline double bce_h16_quantum(double ax, int fmt)
{
    const int p = fmt == BCE_FMT_BF16 ? 8 : 11;
    const int emin = fmt == BCE_FMT_BF16 ? -126 : -14;
    int e = (int)((bce_asuint64(ax) >> 52) & 0x7ff) - 1023;  /* ax >= 2^-1022 here or tiny */
    if (e < emin) e = emin;
    return bce_pow2i(e - p + 1);
}

/* RN-even of a double to the format, returned as a double (exact value of
 * the 16-bit result): subnormals, overflow to +-inf, signed zeros, NaN. */
static inline double bce_h16_round(double x, int fmt)
{
    if (x != x || x - x != 0.0 || x == 0.0) return x;
    const double ax = bce_fabs(x);
    const double big = fmt == BCE_FMT_BF16 ? 0x1p128 : 0x1p16;
    if (ax >= big) return x < 0 ? -HUGE_VAL : HUGE_VAL;
    const double tiny = fmt == BCE_FMT_BF16 ? 0x1p-140 : 0x1p-30;
    double r;
    if (ax < tiny) {
        r = 0.0;                               /* below a quarter of the least subnormal */
    } else {
        const double q = bce_h16_quantum(ax, fmt);
        const double C = q * 0x1p52;           /* ax < 2^p q << C: (ax + C) - C is RN-even to q */
        r = (ax + C) - C;
    }
    if (r >= big) r = HUGE_VAL;
    return x < 0 ? -r : r;
}

/* RN-even of hi + lo (|lo| <= ulp(hi)/2, a normalised double-double) to
 * the format, once: the 16-bit midpoints are doubles, so only a hi that is
 * one can be decided by lo. */
static inline double bce_h16_round_dd(bce_dd v, int fmt)
{
    const double r = bce_h16_round(v.hi, fmt);
    if (v.lo == 0.0 || v.hi == 0.0 || v.hi - v.hi != 0.0) return r;
    const double ah = bce_fabs(v.hi);
    if (ah < (fmt == BCE_FMT_BF16 ? 0x1p-140 : 0x1p-30)) return r;
    const double q = bce_h16_quantum(ah, fmt);
    const double k = ah / q;                   /* exact; < 2^p unless overflowing */
    if (!(k < 0x1p20)) return r;               /* far beyond the largest finite */
    const double kf = (double)(int64_t)k;
    if (k - kf != 0.5) return r;               /* not a midpoint */
    /* hi is a midpoint: lo's side */
    const int away = (v.lo > 0) == (v.hi > 0);
    double out = away ? ah + 0.5 * q : ah - 0.5 * q;
    if (out >= (fmt == BCE_FMT_BF16 ? 0x1p128 : 0x1p16)) out = HUGE_VAL;
    return v.hi < 0 ? -out : out;
}

/* The bits of a double that is a value of the format (or +-inf, NaN). */
static inline uint16_t bce_h16_bits(double v, int fmt)
{
    if (fmt == BCE_FMT_BF16) {
        if (v != v) return 0x7fc0u;
        float f = (float)v;                    /* exact */
        uint32_t u;
        memcpy(&u, &f, 4);
        return (uint16_t)(u >> 16);
    }
    if (v != v) return 0x7e00u;
    uint16_t s = (bce_asuint64(v) >> 63) ? 0x8000u : 0u;
    const double a = bce_fabs(v);
    if (a - a != 0.0) return s | 0x7c00u;
    if (a < 0x1p-14) return s | (uint16_t)(a * 0x1p24);      /* subnormal or 0: exact */
    int e = (int)((bce_asuint64(a) >> 52) & 0x7ff) - 1023;   /* -14 .. 15 */
    uint16_t m = (uint16_t)(a * bce_pow2i(10 - e) - 1024.0);
    return s | (uint16_t)((e + 15) << 10) | m;
}

/* RN-even of a finite binary32 magnitude (bits a < 0x7f800000) to the
 * format's magnitude bits, in integer arithmetic (overflow gives the
 * infinity's bits): bf16 is binary32's top half, subnormals included; f16
 * rounds at bit 13 in the normal range (E >= 113: >= 2^-14; E >= 143:
 * >= 2^16 overflows) and at bit 126 - E below it (E < 101: < 2^-25, 0). */
static inline uint32_t bce_f32mag_to_h16(uint32_t a, int fmt)
{
    if (fmt == BCE_FMT_BF16)
        return (a + 0x7fffu + ((a >> 16) & 1u)) >> 16;
    /* branch-free (selects), so that loops over it vectorise */
    const uint32_t E = a >> 23;
    const uint32_t b = a - (112u << 23);              /* used only when E >= 113 */
    uint32_t rn = (b + 0xfffu + ((b >> 13) & 1u)) >> 13;
    rn = rn > 0x7c00u ? 0x7c00u : rn;
    const uint32_t m = (a & 0x7fffffu) | 0x800000u;
    const uint32_t sh = E >= 101 && E < 113 ? 126u - E : 31u;   /* 14 .. 25; 31 gives 0 */
    const uint32_t rs = (m + (1u << (sh - 1)) - 1u + ((m >> sh) & 1u)) >> sh;
    return E >= 143 ? 0x7c00u : E >= 113 ? rn : E >= 101 ? rs : 0u;
}

/* A float to the format's bits, rounded once (the float is the value). */
static inline uint16_t bce_h16_from_float(float f, int fmt)
{
    return bce_h16_bits(bce_h16_round((double)f, fmt), fmt);
}

/* The final rounding of a kernel result (v 2^-scale, sticky sign) to the
 * format: the 16-bit sibling of bce_res_f32. */
static inline double bce_res_h16(const bce_res *r, int fmt)
{
    if (r->scale != 0) {
        bce_res u = bce_res_unscaled(r);
        if (u.scale == 0) return bce_res_h16(&u, fmt);
        /* |value| < 2^-960 (a signed 0) or beyond DBL_MAX (+-inf) */
        return bce_h16_round(bce_round_scaled(r->v, r->scale), fmt);
    }
    return bce_h16_round_dd(r->sticky ? bce_dd_sticky(r->v, r->sticky) : r->v, fmt);
}

/* Does every value within err of r round to the same 16-bit value? */
static inline int bce_h16_safe(const bce_res *r, int fmt)
{
    if (r->scale != 0) {
        bce_res u = bce_res_unscaled(r);
        if (u.scale != 0) return 1;
        return bce_h16_safe(&u, fmt);
    }
    if (r->err == 0.0) return 1;
    double e = r->err * (1 + 0x1p-40);
    bce_dd a = bce_two_sum(r->v.hi, r->v.lo - e);
    bce_dd b = bce_two_sum(r->v.hi, r->v.lo + e);
    return bce_h16_round_dd(a, fmt) == bce_h16_round_dd(b, fmt);
}

#endif

/*
 * td_exp.c -- e^x in triple-double, scaled: e^x = 2^E v, v.h in [1,2).
 *
 * Algorithm
 *   k = round(x 128/ln2) (double product, magic-constant rounding; exact
 *   integer, |k| < 2^37.6 for |x| <= 2^30),  x = k ln2/128 + r,
 *   e^x = 2^((k-j)/128) 2^(j/128) e^r,  j = k mod 128 in [0,127].
 *   1. Reduction in exact fixed point (no td rounding at all): 256-bit
 *      two's complement integers in units of 2^-224.  |x| 2^224 is an
 *      integer (k != 0 implies |x| >= 2^-9); K = |k| * round(ln2/128 2^224)
 *      (bce_td_ln2n_fix, error <= 1/2 unit); D = |x| 2^224 - K exactly;
 *      r = sign(x) D 2^-224.  Its top 159 bits are cut into h, m, l (each an
 *      exact double) and renormalized (exact).
 *        |r - r_true| <= |k| 2^-225 + 2^-158 |r| <= 2^-187.4 + 2^-158 |r|.
 *      |r| <= (1/2 + 2^-14.4) ln2/128 <= 2^-8.52 (k is within 1/2 + 2^-14.4
 *      of x 128/ln2: two roundings of a product < 2^37.6).
 *      k = 0: r = x exactly.
 *   2. e^r = sum_{n=0}^{13} r^n/n! + tail, |tail| <= |r|^14/14! (1.001)
 *      <= 2^-155.6 e^r.  Horner: the tail sum_{n>=6} in double-double
 *      (bce_td_dd_muladd, r taken as r.h + r.m), then
 *      q_n = c_n + r q_{n+1} in td (bce_td_mul, bce_td_add) for n = 5..0;
 *      c_n = 1/n! from bce_td_exp_coef (td, rel. error <= 2^-158).
 *   3. v = bce_exp_tab[j] (td, 2^-158) * e^r (bce_td_mul), then one exact
 *      doubling if v.h < 1 (v in [2^-1/256, 2^(255/256)) before it).
 *
 * Certified: the degree-13 polynomial with the committed coefficients,
 *   2^-155.74 relative (proofs/sollya/td_poly.sollya); the rest of this
 *   derivation is written, not machine-checked.
 * Proven relative error (u = 2^-53; bounds of accurate/td.h):
 *   Horner: with Q_n the exact inner sums and q_n = Q_n (1 + eps_n),
 *     eps_n <= alpha + rho_n (eps_{n+1} + mu),  alpha = 2^-154.8 (add)
 *     + 2^-158 (coefficient) <= 2^-154.6,  mu = 2^-152.3 (mul),
 *     rho_n = |r Q_{n+1}/Q_n| <= 2^-8.52 (1.006)/(n+1).
 *     dd tail: each step <= 3.3u^2 + 2^-104 (dropped r.l, c.l), contracted
 *     by rho <= 2^-11: eps_6 <= 2^-103.8 (we use 2^-100).
 *     eps_5 <= 2^-111.1, eps_4 <= 2^-121.9, eps_3 <= 2^-132.4,
 *     eps_2 <= 2^-142.5, eps_1 <= 2^-151.8, eps_0 <= 2^-154.45.
 *   e^r: eps_0 + tail 2^-155.6 + reduction (|r - r_true| <= 2^-166 here,
 *     e^(r+d) = e^r (1 + d + ..)) <= 2^-153.9.
 *   v: table 2^-158 + mul 2^-152.3 + 2^-153.9  ==>  |v 2^E / e^x - 1| <= 2^-151.8.
 *   No cancellation anywhere (q_n = c_n + r q_{n+1} with |r q_{n+1}| <= 2^-8 c_n),
 *   so bce_td_add's precondition holds and every td stays normalized.
 *   Subnormal x (k = 0, r = x): products below 2^-968 are not exact but
 *   err < 2^-1065 absolute against values >= 1/13!: negligible.
 *
 * Range: |x| <= 2^30 computed (E = (k-j)/128 - {0,1}, |E| < 2^30.6 fits int);
 *   x < -2^30: E = INT_MIN, v = 1 ("below anything": callers use +0);
 *   x > 2^30: E = INT_MAX, v = 1; NaN: E = 0, v = NaN.
 *
 * Measured maxima (tests/test_td.c against MPFR): docs/ACCURACY.md, level 2.
 */
#include <limits.h>
#include <stdint.h>

#include "accurate/accurate.h"
#include "accurate/td_data.h"
#include "tables/tables.h"

#define TD_EXP_XMAX 0x1p30 /* |x| <= 2^30: |k| < 2^37.6 and E fits an int */

/* ---- 256-bit two's complement fixed point, 8 little-endian 32-bit limbs ---- */

/* acc += v 2^sh (mod 2^256), 0 <= sh < 224. */
static void fx_add_shifted(uint32_t acc[8], uint64_t v, int sh)
{
    int q = sh / 32, s = sh % 32;
    uint64_t lo = v << s;
    uint64_t hi = s ? v >> (64 - s) : 0;
    uint32_t w[3] = { (uint32_t)lo, (uint32_t)(lo >> 32), (uint32_t)hi };
    uint64_t carry = 0;
    for (int i = q; i < 8; i++) {
        uint64_t t = (uint64_t)acc[i] + carry + (i - q < 3 ? w[i - q] : 0);
        acc[i] = (uint32_t)t;
        carry = t >> 32;
    }
}

/* out = k * bce_td_ln2n_fix, k < 2^38 (the product is < 2^255). */
static void fx_mul_k(uint32_t out[8], uint64_t k)
{
    const uint32_t *L = bce_td_ln2n_fix;
    uint32_t k0 = (uint32_t)k, k1 = (uint32_t)(k >> 32);
    uint64_t carry = 0;
    for (int i = 0; i < 7; i++) {
        uint64_t t = (uint64_t)L[i] * k0 + carry;
        out[i] = (uint32_t)t;
        carry = t >> 32;
    }
    out[7] = (uint32_t)carry;
    carry = 0;
    for (int i = 0; i < 7; i++) {
        uint64_t t = (uint64_t)L[i] * k1 + out[i + 1] + carry;
        out[i + 1] = (uint32_t)t;
        carry = t >> 32;
    }
}

/* Bits [pos, pos+53) of d as an integer; bits at negative positions are 0. */
static uint64_t fx_bits53(const uint32_t d[8], int pos)
{
    uint64_t r = 0;
    for (int i = 0; i < 8; i++) {
        int off = 32 * i - pos; /* where limb i's bit 0 lands in the window */
        if (off >= 53 || off <= -32)
            continue;
        r |= off >= 0 ? (uint64_t)d[i] << off : (uint64_t)d[i] >> -off;
    }
    return r & 0x001fffffffffffffull;
}

/* r = x - k ln2/128 for 2^-9 <= |x| <= 2^30, k != 0 of the sign of x. */
static bce_td reduce(double x, int64_t k)
{
    uint32_t acc[8] = { 0 }, kl[8];
    uint64_t ix = bce_td_asu64(x) & 0x7fffffffffffffffull;
    int ex = (int)(ix >> 52) - 1075; /* |x| = M 2^ex, x normal */
    uint64_t M = (ix & 0x000fffffffffffffull) | 0x0010000000000000ull;
    fx_add_shifted(acc, M, ex + 224); /* ex + 224 in [163, 202] */
    fx_mul_k(kl, (uint64_t)(k < 0 ? -k : k));
    uint64_t borrow = 0;
    for (int i = 0; i < 8; i++) { /* acc -= kl */
        uint64_t t = (uint64_t)acc[i] - kl[i] - borrow;
        acc[i] = (uint32_t)t;
        borrow = (t >> 32) & 1u;
    }
    int neg = (int)(acc[7] >> 31);
    if (neg) { /* acc = -acc */
        uint64_t carry = 1;
        for (int i = 0; i < 8; i++) {
            uint64_t t = (uint64_t)(uint32_t)~acc[i] + carry;
            acc[i] = (uint32_t)t;
            carry = t >> 32;
        }
    }
    int top = -1;
    for (int i = 7; i >= 0 && top < 0; i--)
        if (acc[i])
            for (int b = 31; b >= 0; b--)
                if ((acc[i] >> b) & 1u) { top = 32 * i + b; break; }
    if (top < 0)
        return bce_td_make(0.0, 0.0, 0.0);
    /* top <= 216 (|D| <= 2^224 |r| + 1 <= 2^215.5), so the exponents below
     * are in [-382, -60]: normal, the products exact. */
    double h = (double)fx_bits53(acc, top - 52) * bce_td_pow2(top - 52 - 224);
    double m = (double)fx_bits53(acc, top - 105) * bce_td_pow2(top - 105 - 224);
    double l = (double)fx_bits53(acc, top - 158) * bce_td_pow2(top - 158 - 224);
    /* |m| + |l| < 2^(top-52-224) <= 2^-52 |h|: renorm3 is exact and normalizes. */
    bce_td r = bce_td_renorm3(h, m, l);
    /* D = |x| 2^224 - |k| L; r = x - kL = sign(x) D 2^-224. */
    int negr = (x < 0) != neg;
    return negr ? bce_td_neg(r) : r;
}

/* e^r, |r| <= 2^-8.52, r normalized. */
static bce_td exp_poly(bce_td r)
{
    const double (*c)[3] = bce_td_exp_coef;
    double qh = c[BCE_TD_EXP_DEG][0], ql = c[BCE_TD_EXP_DEG][1];
    for (int n = BCE_TD_EXP_DEG - 1; n >= 6; n--)
        bce_td_dd_muladd(c[n][0], c[n][1], r.h, r.m, &qh, &ql);
    bce_td q = bce_td_make(qh, ql, 0.0);
    for (int n = 5; n >= 0; n--)
        q = bce_td_add(bce_td_from_arr(c[n]), bce_td_mul(r, q));
    return q;
}

void bce_td_exp(double x, int *E, bce_td *v)
{
    if (x != x) {
        *E = 0;
        *v = bce_td_make(x, x, x);
        return;
    }
    if (x < -TD_EXP_XMAX) {
        *E = INT_MIN;
        *v = bce_td_from_d(1.0);
        return;
    }
    if (x > TD_EXP_XMAX) {
        *E = INT_MAX;
        *v = bce_td_from_d(1.0);
        return;
    }
    double t = x * bce_exp_invln2n;                  /* |t| < 2^37.6 */
    double kd = (t + 0x1.8p52) - 0x1.8p52;           /* nearest integer */
    int64_t k = (int64_t)kd;
    bce_td r = (k == 0) ? bce_td_from_d(x) : reduce(x, k);
    bce_td p = exp_poly(r);
    int j = (int)((uint64_t)k & 127u);
    int e = (int)((k - j) / 128);
    bce_td res = bce_td_mul(bce_td_from_arr(bce_exp_tab[j]), p);
    bce_td_norm_exp(&res, &e);
    *E = e;
    *v = res;
}

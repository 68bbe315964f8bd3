/*
 * lowp_filter.c -- a proven double filter for 16-bit inputs with ANY label
 * (the `--label all` runs of issue 18): the correctly rounded binary32 and
 * bf16/f16 loss and gradient of one (x, y) pair of 16-bit values, default
 * options, or "undecided" (the caller asks MPFR).  Independent of the
 * library's kernels: libm's exp, log, log1p, tanh and IEEE operations.
 *
 * Every output is written v = A + T: A an exact double, T > 0 or of known
 * sign approximated by T^ with |T^ - T| <= eT.  E bounds one libm call's
 * relative error; glibc documents <= 1-2 ulp for these; we assume E =
 * 2^-48 (as verify/exhaustive_filter.c), u = 2^-53.
 *   logits loss  z > 0: A = (1 - y) z, T = log1p(e^-z); z < 0: A = y |z|
 *                (A = z - y z by TwoSum: y z is exact, and A's low part,
 *                nonzero for a tiny bf16 y, moves into T with one more
 *                rounding, u |T^|; the same for 1 - y and 1/2 - y below);
 *                T^ = log1p(exp(-|z|)): eT <= (2.45 E + u) T^ (1 + 2^-40)
 *                plus 2^-1070 (exp's underflow), as exhaustive_filter.c.
 *   logits grad  |z| >= 1: A = 1 - y, T = -sigma(-z) (z > 0), A = -y,
 *                T = sigma(-|z|) (z < 0); sigma^ = e^/RN(1 + e^):
 *                rel <= 2E + 4u.  |z| < 1: A = 1/2 - y (exact),
 *                T = tanh(z/2)/2, rel <= E + u.
 *   probs loss   A = 0, T = -y log p - (1 - y) log1p(-p) (two terms >= 0,
 *                each rel <= E + 2u; 1 - y exact).
 *   probs grad   A = 0, T = (p - y)/(p (1 - p)): p - y and 1 - p as exact
 *                double-doubles (two_sum), T^ = RN(d.hi / RN(p q.hi)):
 *                rel <= 4u + 2^-50 (the dropped low parts, |lo| <= u |hi|).
 * Decision, for each target format F (binary32 and the 16-bit one):
 *   a = RN(A + T^), e = eT + 2^-52 |a| bounds |a - v|; if RN_F(a - e) ==
 *   RN_F(a + e) (computed with margin) that is RN_F(v).  Otherwise, when
 *   the two are neighbours, m = the boundary between them (their midpoint,
 *   or the overflow threshold), D = A - m computed exactly (checked with
 *   TwoSum) and v - m = D + T: decided when |RN(D + T^)| exceeds eT plus
 *   its rounding; then RN_F(v) is the neighbour on that side.  An exact
 *   midpoint A = m (D = 0) is decided by the sign of the exact T, known
 *   from the mathematics when A's TwoSum left no low part (log1p(e^-|z|)
 *   > 0, -sigma(-z) < 0, tanh(z/2) of z's sign: nonzero for z finite and
 *   nonzero), however small T is (e^-|z| underflowed); the only exact
 *   ties left (v = m, the rational probs gradient) stay undecided.
 * The logits gradient with no term on z's side (A = 0 exactly: z > 0 with
 * y = 1, z < 0 with y = 0 or -0) and |z| >= 104: v = -sigma(-z) (z > 0)
 * or sigma(-|z|) (z < 0), and 0 < sigma(-|z|) < e^-|z| <= e^-104 < 2^-150
 * (104 > 150 ln 2 = 103.97), below half the least subnormal of binary32
 * (2^-149), bf16 (2^-133) and f16 (2^-24): RN_F(v) is the zero of v's
 * sign, -0 for z > 0 and +0 for z < 0, in every target format.  Decided
 * from the exponent alone, where e^-|z| underflows in double (|z| > 745:
 * before this rule the hard-label runs sent these pairs to MPFR).
 * Special inputs (x = +-inf, p = 0 or 1, z = 0 with y = 1/2: exact
 * values) are left to the caller (BCEV_X_SPECIAL of exhaustive_filter.c,
 * plus z = 0: undecided here).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "exhaustive.h"

#define LF_E 0x1p-48
#define LF_U 0x1p-53

/* 2^k for k in double's normal range, from its bits */
static inline double pow2i(int k)
{
    const uint64_t u = (uint64_t)(k + 1023) << 52;
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* floor(log2 a) of a finite a > 0 from its exponent bits (-1023 for a
 * subnormal double: below every 16-bit binade, where only that matters) */
static inline int ilog2d(double a)
{
    uint64_t u;
    memcpy(&u, &a, sizeof u);
    return (int)((u >> 52) & 0x7ff) - 1023;
}

/* RN-even of a >= 0 to the 16-bit format (double trick: a + C with C =
 * 2^(q + 52) rounds a to a multiple of 2^q, the format's ulp at a's
 * binade, and the subtraction is exact), +inf beyond */
static inline double rn16(int fmt, double a)
{
    const int p = fmt == BCEV_BF16 ? 8 : 11, emin = fmt == BCEV_BF16 ? -126 : -14;
    const double big = fmt == BCEV_BF16 ? 0x1p128 : 0x1p16;
    if (!(a > 0) || isinf(a)) return a;
    if (a >= big) return INFINITY;
    const int e1 = ilog2d(a);   /* frexp's e - 1 */
    const int q = (e1 > emin ? e1 : emin) - p + 1;
    const double C = pow2i(q + 52);
    const double r = (a + C) - C;
    return r >= big ? INFINITY : r;
}

static inline double rnf(int f16fmt, double a)   /* f16fmt: 0 = binary32 */
{
    return f16fmt ? rn16(f16fmt, a) : (double)(float)a;
}

/* the value of the format next above r >= 0 (r finite) */
static double next_up(int f, double r)
{
    if (!f) return (double)nextafterf((float)r, INFINITY);
    const int p = f == BCEV_BF16 ? 8 : 11, emin = f == BCEV_BF16 ? -126 : -14;
    int e = emin;
    if (r > 0) { e = ilog2d(r); e = e > emin ? e : emin; }
    double n = r + pow2i(e - p + 1);
    return n >= (f == BCEV_BF16 ? 0x1p128 : 0x1p16) ? INFINITY : n;
}

/* the boundary between neighbours r1 < r2 (r2 may be +inf) */
static double boundary(int f, double r1, double r2)
{
    if (isinf(r2)) {
        const double max = f == BCEV_BF16 ? 0x1.fep127 : f == BCEV_F16 ? 0x1.ffcp15 : 0x1.fffffep127;
        const double thr = f == BCEV_BF16 ? 0x1.ffp127 : f == BCEV_F16 ? 0x1.ffep15 : 0x1.ffffffp127;
        return r1 == max ? thr : NAN;
    }
    return 0.5 * (r1 + r2);
}

/* RN_F(v) for v = A + T (|T^ - T| <= eT), sign of v known (neg); 1 when
 * decided (*out, signed), 0 otherwise.  The margins 2^-51 |.| cover the
 * rounding of A + T^ and of the bounds' own sums. */
static int decide(int f, double A, double Th, double eT, int tsign, int neg, double *out)
{
    const double a = A + Th;
    const double aa = fabs(a);
    const double e = eT * (1 + 0x1p-40) + aa * 0x1p-51 + 0x1p-1074;
    const double lo = aa - e > 0 ? aa - e : 0.0, hi = aa + e;
    const double r1 = rnf(f, lo), r2 = rnf(f, hi);
    if (r1 == r2) { *out = neg ? -r1 : r1; return 1; }
    if (next_up(f, r1) != r2) return 0;
    /* one boundary m between r1 and r2; in |v| units v = s (A + T), s = -1
     * when neg: |v| - m = (s A - m) + s T = D + Ts */
    const double m = boundary(f, r1, r2);
    if (isnan(m)) return 0;
    const double As = neg ? -A : A, Ts = neg ? -Th : Th;
    const double D = As - m;
    const double bb = D - As, err = (As - (D - bb)) + (-m - bb);   /* TwoSum */
    if (err != 0) return 0;                                        /* D not exact */
    const double sres = D + Ts;
    const double es = eT * (1 + 0x1p-40) + fabs(sres) * 0x1p-51 + 0x1p-1074;
    if (sres > es) { *out = neg ? -r2 : r2; return 1; }
    if (sres < -es) { *out = neg ? -r1 : r1; return 1; }
    if (D == 0 && tsign) {
        /* A is the boundary itself: T's sign decides, however small T is
         * (e^-|z| underflowed: T^ = 0 but T > 0) */
        const int up = (tsign > 0) != (neg != 0);
        *out = up ? (neg ? -r2 : r2) : (neg ? -r1 : r1);
        return 1;
    }
    return 0;
}

/* a + b = s + *err exactly */
static inline double two_sum(double a, double b, double *err)
{
    const double s = a + b, bb = s - a;
    *err = (a - (s - bb)) + (b - bb);
    return s;
}

void bcev_lowp_filter_prep(bcev_form form, int fmt, double x, bcev_lowp_x *p)
{
    memset(p, 0, sizeof *p);
    p->form = form;
    p->fmt = fmt;
    p->x = x;
    if (form == BCEV_LOGITS) {
        p->ok = isfinite(x) && x != 0;
        if (!p->ok) return;
        p->t = fabs(x);
        p->e = exp(-p->t);
        p->l = log1p(p->e);
        if (p->t >= 1) p->s = p->e / (1 + p->e);   /* sigma(-|z|) */
        else p->th = 0.5 * tanh(0.5 * x);
    } else {
        p->ok = x > 0 && x < 1;
        if (!p->ok) return;
        p->lp = -log(x);
        p->l1 = -log1p(-x);
        p->q = x * (1 - x);
    }
}

int bcev_lowp_filter(bcev_form form, int fmt, double x, double y,
                     float out32[2], double out16[2], int decided[2][2])
{
    bcev_lowp_x p;
    bcev_lowp_filter_prep(form, fmt, x, &p);
    return bcev_lowp_filter_y(&p, y, out32, out16, decided);
}

/* the same expressions as before the split: what depends on x alone
 * (libm's exp, log1p, tanh, log; x (1 - x)) is computed once per x by
 * bcev_lowp_filter_prep, bit for bit the values the error budget bounds */
int bcev_lowp_filter_y(const bcev_lowp_x *px, double y, float out32[2], double out16[2],
                       int decided[2][2])
{
    const bcev_form form = px->form;
    const int fmt = px->fmt;
    const double x = px->x;
    double A[2], T[2], eT[2];
    int neg[2], ok[2] = { 1, 1 }, ts[2] = { 0, 0 };
    memset(decided, 0, 4 * sizeof(int));
    if (form == BCEV_LOGITS) {
        if (!px->ok) return 4;
        const double t = px->t;
        const double l = px->l;
        /* A as an exact double-double (TwoSum; y x and y t are exact
         * products of two 16-bit values, 1 - y and 1/2 - y need not be
         * doubles for a tiny bf16 y): its high part is A, its low part
         * joins T (one more rounding, u |T^|, in eT) */
        double al;
        A[0] = two_sum(x > 0 ? x : 0.0, x > 0 ? -y * x : y * t, &al);
        T[0] = l + al;
        ts[0] = al == 0 ? 1 : 0;                /* log1p(e^-|z|) > 0 */
        eT[0] = l * (2.45 * LF_E + LF_U) + fabs(T[0]) * LF_U + 0x1p-1070;
        neg[0] = 0;
        if (t >= 1) {
            const double s = px->s;             /* sigma(-|z|) */
            A[1] = x > 0 ? two_sum(1.0, -y, &al) : -y;
            if (x < 0) al = 0;
            T[1] = (x > 0 ? -s : s) + al;
            ts[1] = al == 0 ? (x > 0 ? -1 : 1) : 0;
            eT[1] = s * (2 * LF_E + 4 * LF_U) + fabs(T[1]) * LF_U + 0x1p-1070;
        } else {
            const double th = px->th;
            A[1] = two_sum(0.5, -y, &al);
            T[1] = th + al;
            ts[1] = al == 0 ? (x > 0 ? 1 : -1) : 0;
            eT[1] = fabs(th) * (LF_E + LF_U) + fabs(T[1]) * LF_U + 0x1p-1074;
        }
        /* the gradient's sign, sigma(z) - y, from the same bound */
        const double g = A[1] + T[1];
        if (!(fabs(g) > 2 * eT[1] + fabs(g) * 0x1p-50)) ok[1] = 0;
        neg[1] = g < 0;
        if (t >= 104 && A[1] == 0 && al == 0) {
            /* v = -+sigma(-|z|), |v| < e^-104 < 2^-150: the zero of its
             * sign in every format (header) */
            const double zero = x > 0 ? -0.0 : 0.0;
            out32[1] = (float)zero;
            out16[1] = zero;
            decided[0][1] = decided[1][1] = 1;
            ok[1] = -1;
        }
    } else {
        if (!px->ok) return 4;
        const double lp = px->lp, l1 = px->l1;
        const double L = y * lp + (1 - y) * l1;  /* 1 - y exact */
        A[0] = 0; T[0] = L; eT[0] = L * (LF_E + 3 * LF_U) + 0x1p-1074;
        neg[0] = 0;
        if (x == y) ok[1] = 0;                   /* an exact 0 */
        const double g = (x - y) / px->q;
        A[1] = 0; T[1] = g;
        eT[1] = fabs(g) * (4 * LF_U + 0x1p-50);
        neg[1] = g < 0;
    }
    int und = 0;
    for (int k = 0; k < 2; k++) {
        double r;
        if (ok[k] < 0) continue;   /* decided above */
        if (ok[k] && decide(0, A[k], T[k], eT[k], ts[k], neg[k], &r)) {
            out32[k] = (float)r;
            decided[0][k] = 1;
        } else {
            und++;
        }
        if (ok[k] && decide(fmt, A[k], T[k], eT[k], ts[k], neg[k], &r)) {
            out16[k] = r;
            decided[1][k] = 1;
        } else {
            und++;
        }
    }
    return und;
}

/*
 * accurate/exact.c -- exact arithmetic for the probability form's gradient, the one
 * output of libbce that is a rational function of its inputs:
 *
 *   g = (beta p - alpha (1 - p)) / (p (1 - p)),
 *   alpha = P y',  beta = 1 - y',  y' = y (1 - a) + a/2,
 *
 * so its exact value can lie on (or within any distance of) a rounding
 * boundary, and no fixed-precision evaluation decides every case.  Here the
 * numerator is computed exactly -- every quantity is a polynomial in the
 * doubles p, y, P, a/2 and the exact two-term splits of 1 - p, 1 - y,
 * 1 - a -- as a fixed-point integer of XL 64-bit limbs spanning
 * 2^-XB .. 2^(64 XL - XB), wide enough for every product the accepted
 * ranges allow (P, w in [2^-64, 2^64], a in [2^-64, 1], any double p, y;
 * see XB below).  The same machinery serves the logits gradient at small
 * |z|, whose leading part (2 (beta - alpha) + N z)/4 is a polynomial too
 * (bce_logits_tinyz_exact, bce_logits_grad_resolve).  For the probs form:
 *   bce_probs_num_exact   the numerator, rounded to a double-double with
 *                         relative error < 2^-104 (the slow path divides it
 *                         by p (1 - p); no cancellation is left in it);
 *   bce_probs_grad_resolve  the sign of c g - B for a rounding boundary B
 *                         (the midpoint of two adjacent doubles or floats)
 *                         and the final factor c = w / K (weight over the
 *                         reduction's divisor), which decides the correct
 *                         rounding when every approximation is too close.
 * Only libc: no MPFR in the library.  Called only when the level-1 and
 * triple-double evaluations cannot decide (rare, see docs/ACCURACY.md,
 * "Option coefficients: where they cancel").
 */
#include <stdint.h>
#include <math.h>
#include <string.h>
#include "core/internal.h"
#include "core/half.h"
#include "accurate/accurate.h"
#include <limits.h>

__extension__ typedef unsigned __int128 u128;   /* 64 x 64 -> 128-bit limb products */

/* Fixed point: value = sum limb[i] 2^(64 i - XB).  Exponents of the
 * monomials: at least -4400 (five factors: w >= 2^-664, 1 - a's low part
 * >= 2^-170, p, y and 1 - p's low part >= 2^-1074, a boundary >= 2^-1075,
 * a divisor's low part >= 2^-1074), at most +2600 (a boundary below 2^1024,
 * a divisor below 2^1100, w below 2^700), plus 5 x 53 bits of mantissa. */
#define XL 128
#define XB 4672                     /* 73 limbs below 2^0 */

typedef struct xacc { uint64_t l[XL]; int bad; } xacc;

/* |x| = M 2^e, M < 2^53 an integer; 0 for x = 0 */
static uint64_t split_d(double x, int *e)
{
    uint64_t u = bce_asuint64(x) & 0x7fffffffffffffffULL;
    int be = (int)(u >> 52);
    uint64_t m = u & 0xfffffffffffffULL;
    if (be == 0) { *e = -1074; return m; }
    *e = be - 1075;
    return m | (1ULL << 52);
}

/* acc += M 2^e, M given as k limbs (little-endian) */
static void acc_add(xacc *a, const uint64_t *m, int k, int e)
{
    int pos = e + XB;
    if (pos < 0 || pos / 64 + k + 1 >= XL) { a->bad = 1; return; }
    int li = pos / 64, sh = pos % 64;
    u128 carry = 0;
    for (int i = 0; i <= k; i++) {
        uint64_t lo = i < k ? m[i] << sh : 0;
        uint64_t hi = (sh && i > 0) ? m[i - 1] >> (64 - sh) : 0;
        uint64_t part = lo | hi;
        carry += (u128)a->l[li + i] + part;
        a->l[li + i] = (uint64_t)carry;
        carry >>= 64;
    }
    for (int i = li + k + 1; carry && i < XL; i++) {
        carry += a->l[i];
        a->l[i] = (uint64_t)carry;
        carry >>= 64;
    }
    if (carry) a->bad = 1;
}

/* A monomial: sign times a product of up to 6 doubles. */
typedef struct xmono { int n, neg; double f[6]; } xmono;
typedef struct xpoly { int n; xmono m[48]; } xpoly;

static void poly_d(xpoly *r, double x)
{
    r->n = 0;
    if (x == 0.0) return;
    r->n = 1;
    r->m[0].n = 1; r->m[0].neg = 0; r->m[0].f[0] = x;
}

static void poly_dd(xpoly *r, bce_dd x)
{
    xpoly t;
    poly_d(r, x.hi);
    poly_d(&t, x.lo);
    if (t.n) r->m[r->n++] = t.m[0];
}

/* r = a + s b (s = +1 or -1); r may alias a */
static int poly_add(xpoly *r, const xpoly *a, const xpoly *b, int s)
{
    xpoly t = *a;
    for (int i = 0; i < b->n; i++) {
        if (t.n >= 48) return -1;
        t.m[t.n] = b->m[i];
        if (s < 0) t.m[t.n].neg ^= 1;
        t.n++;
    }
    *r = t;
    return 0;
}

static int poly_mul(xpoly *r, const xpoly *a, const xpoly *b)
{
    xpoly t;
    t.n = 0;
    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n; j++) {
            const xmono *x = &a->m[i], *y = &b->m[j];
            if (t.n >= 48 || x->n + y->n > 6) return -1;
            xmono *m = &t.m[t.n++];
            m->n = x->n + y->n;
            m->neg = x->neg ^ y->neg;
            memcpy(m->f, x->f, sizeof(double) * (size_t)x->n);
            memcpy(m->f + x->n, y->f, sizeof(double) * (size_t)y->n);
        }
    *r = t;
    return 0;
}

/* pos/neg accumulators += the polynomial's monomials */
static void poly_eval(const xpoly *p, xacc *pos, xacc *neg)
{
    for (int i = 0; i < p->n; i++) {
        const xmono *m = &p->m[i];
        uint64_t prod[7] = { 1, 0, 0, 0, 0, 0, 0 };
        int k = 1, e = 0, zero = 0, neg_ = m->neg;
        for (int j = 0; j < m->n; j++) {
            int ej;
            double f = m->f[j];
            if (f < 0) neg_ ^= 1;
            uint64_t mj = split_d(f, &ej);
            if (mj == 0) { zero = 1; break; }
            e += ej;
            u128 c = 0;
            for (int q = 0; q < k; q++) {
                c += (u128)prod[q] * mj;
                prod[q] = (uint64_t)c;
                c >>= 64;
            }
            if (c) prod[k++] = (uint64_t)c;
        }
        if (zero) continue;
        acc_add(neg_ ? neg : pos, prod, k, e);
    }
}

/* sign of a - b (magnitudes), and |a - b| into d when d != NULL */
static int acc_cmp_sub(const xacc *a, const xacc *b, xacc *d)
{
    int s = 0;
    for (int i = XL - 1; i >= 0; i--)
        if (a->l[i] != b->l[i]) { s = a->l[i] > b->l[i] ? 1 : -1; break; }
    if (d && s) {
        const xacc *x = s > 0 ? a : b, *y = s > 0 ? b : a;
        u128 borrow = 0;
        for (int i = 0; i < XL; i++) {
            u128 v = (u128)x->l[i] - y->l[i] - borrow;
            d->l[i] = (uint64_t)v;
            borrow = (v >> 64) ? 1 : 0;
        }
    }
    return s;
}

/* 64 bits of a starting at bit index b (bit 0 = 2^-XB), zero outside */
static uint64_t acc_bits(const xacc *a, int b)
{
    int li = b >= 0 ? b / 64 : -((-b + 63) / 64);
    int sh = b - 64 * li;
    uint64_t lo = (li >= 0 && li < XL) ? a->l[li] : 0;
    uint64_t hi = (li + 1 >= 0 && li + 1 < XL) ? a->l[li + 1] : 0;
    return sh ? (lo >> sh) | (hi << (64 - sh)) : lo;
}

/* a nonzero accumulator as m 2^E, |m| in [1, 2]: its top 106 bits,
 * rounded to odd (truncated, and the last bit set when any bit below is
 * set): relative error < 2^-105, and a later rounding to 53 or 24 bits
 * is the correct rounding of the exact value (round-to-odd keeps the
 * sticky information: 1/2 - y + 2^-151 stays above its float midpoint) */
static bce_dd acc_to_dd(const xacc *a, int *E)
{
    int top = XL - 1;
    while (top > 0 && a->l[top] == 0) top--;
    int lead = 64 * top + 63 - __builtin_clzll(a->l[top]);
    uint64_t h = acc_bits(a, lead - 52) & ((1ULL << 53) - 1);
    uint64_t l = acc_bits(a, lead - 105) & ((1ULL << 53) - 1);
    int below = lead - 106;                 /* bits 0 .. below are the rest */
    int sticky = 0;
    if (below >= 0) {
        int li = below / 64, sh = below % 64;
        uint64_t mask = sh == 63 ? ~0ULL : ((1ULL << (sh + 1)) - 1);
        sticky = (a->l[li] & mask) != 0;
        for (int i = 0; i < li && !sticky; i++) sticky = a->l[i] != 0;
    }
    if (sticky) l |= 1;
    *E = lead - XB;
    /* normalised: hi = RN(hi + lo) (the truncated pair need not be) */
    return bce_fast_two_sum((double)h * 0x1p-52, (double)l * 0x1p-105);
}

/* alpha, beta and (1 - p) as polynomials (exact), for the sample's label */
static int label_polys(double p, double y, const bce_kparams *kp,
                       xpoly *al, xpoly *be, xpoly *omp)
{
    xpoly yp, omy, t, u;
    bce_dd q = bce_two_sum(1.0, -p), oy = bce_two_sum(1.0, -y);
    poly_dd(omp, q);
    poly_d(&yp, y);
    poly_dd(&omy, oy);
    if (kp->smooth != 0.0) {
        xpoly oma, h;
        poly_dd(&oma, kp->one_minus_a);
        poly_d(&h, kp->half_a);             /* a/2: exact (a >= 2^-64) */
        if (poly_mul(&t, &yp, &oma) || poly_add(&yp, &t, &h, 1)) return -1;
        if (poly_mul(&u, &omy, &oma) || poly_add(&omy, &u, &h, 1)) return -1;
    }
    if (kp->has_pw) {
        xpoly pw;
        poly_d(&pw, kp->pos_weight);
        if (poly_mul(al, &yp, &pw)) return -1;
    } else {
        *al = yp;
    }
    *be = omy;
    return 0;
}

/* p (1 - p) and the numerator beta p - alpha (1 - p) of the gradient */
static int probs_num_den(double p, const xpoly *al, const xpoly *be, const xpoly *omp,
                         xpoly *num, xpoly *den)
{
    xpoly pp, t1, t2;
    poly_d(&pp, p);
    if (poly_mul(&t1, be, &pp) || poly_mul(&t2, al, omp)) return -1;
    if (den && poly_mul(den, &pp, omp)) return -1;
    return poly_add(num, &t1, &t2, -1);
}

/* the exact value of a polynomial as num 2^E (rounded to odd at 106 bits;
 * 0 and E = 0 when it is exactly 0) */
static int poly_round(const xpoly *n, bce_dd *num, int *E)
{
    static const xacc zero;
    xacc P = zero, N = zero, D = zero;
    poly_eval(n, &P, &N);
    if (P.bad || N.bad) return -1;
    int s = acc_cmp_sub(&P, &N, &D);
    if (s == 0) { *num = bce_dd_make(0.0, 0.0); *E = 0; return 0; }
    bce_dd r = acc_to_dd(&D, E);
    *num = s > 0 ? r : bce_dd_neg(r);
    return 0;
}

/* The reduction's divisor K (1, n, or the sum of the weights 2^wscale_e)
 * exactly: gden, plus the parts the double-double does not hold when the
 * weights' sum needs more than 106 bits (kp->gden_x: core/api.c,
 * wsum_exact): at most 5 monomials of one factor. */
static void poly_den(xpoly *r, const bce_kparams *kp)
{
    if (!kp->has_gscale) { poly_d(r, 1.0); return; }
    poly_dd(r, kp->gden);
    for (int k = 0; k < kp->gden_xn; k++) {
        xpoly t;
        poly_d(&t, kp->gden_x[k]);
        if (t.n) r->m[r->n++] = t.m[0];
    }
}

/* 2 w num - (b1 + b2) den K as a polynomial.  Capacity (48 monomials of
 * at most 6 factors, poly_add / poly_mul return -1 beyond): K has at most
 * 5 monomials (poly_den), b 2, den at most 2 (p (1 - p)), so (b1 + b2) den
 * K at most 20 of at most 4 factors; num at most 24 (tinyz_poly: 2 (beta -
 * alpha) + N z with 5 monomials in beta, 3 in alpha) of at most 4 factors
 * (y (1 - a) P z), 5 with 2 w; in all at most 34 (probs: 11 + 20 = 31;
 * tail_cmp: 5 + 10), for every accepted option: the -1 paths are not
 * reached. */
static int frac_poly(const xpoly *num, const xpoly *den, double w, const xpoly *kk,
                     double b1, double b2, xpoly *lhs)
{
    xpoly f, b, t, bd;
    poly_d(&f, 2.0 * w);
    if (poly_mul(lhs, num, &f)) return -1;
    poly_d(&b, b1);
    poly_d(&t, b2);
    if (t.n) b.m[b.n++] = t.m[0];
    if (poly_mul(&bd, &b, den) || poly_mul(&t, &bd, kk) || poly_add(lhs, lhs, &t, -1))
        return -1;
    return 0;
}

/* the sign of w num / (den K) - (b1 + b2)/2 for den, K > 0: that of
 * 2 w num - (b1 + b2) den K, exactly */
static int frac_sign(const xpoly *num, const xpoly *den, double w, const xpoly *K,
                     double b1, double b2, int *sign)
{
    xpoly lhs;
    if (frac_poly(num, den, w, K, b1, b2, &lhs)) return -1;
    static const xacc zero;
    xacc P = zero, N = zero;
    poly_eval(&lhs, &P, &N);
    if (P.bad || N.bad) return -1;
    *sign = acc_cmp_sub(&P, &N, NULL);
    return 0;
}

int bce_probs_num_exact(double p, double y, const bce_kparams *kp, bce_dd *num, int *E)
{
    xpoly al, be, omp, n;
    if (label_polys(p, y, kp, &al, &be, &omp) ||
        probs_num_den(p, &al, &be, &omp, &n, NULL)) return -1;
    return poly_round(&n, num, E);
}

/* the gradient as num / den: (beta p - alpha (1 - p)) / (p (1 - p)); with
 * the log p term clamped beta / (1 - p); at p = 0 (alpha = 0 or clamped)
 * beta; at p = 1 (beta = 0 or clamped) -alpha */
static int probs_cmp(double p, double y, const bce_kparams *kp, int clamped_p,
                     double w, const xpoly *K, double b1, double b2, int *sign)
{
    xpoly al, be, omp, num, den, zero;
    if (label_polys(p, y, kp, &al, &be, &omp)) return -1;
    poly_d(&zero, 0.0);
    if (p == 0.0) {
        num = be; poly_d(&den, 1.0);
    } else if (p == 1.0) {
        if (poly_add(&num, &zero, &al, -1)) return -1;
        poly_d(&den, 1.0);
    } else if (clamped_p) {
        num = be; den = omp;
    } else if (probs_num_den(p, &al, &be, &omp, &num, &den)) {
        return -1;
    }
    return frac_sign(&num, &den, w, K, b1, b2, sign);
}

/* The logits form's gradient at small |z|: sigma(z) = 1/2 + z/4 - z^3/48
 * + ..., so g = N sigma(z) - alpha = (2 (beta - alpha) + N z)/4 - N z^3/48
 * + ...; the polynomial part is exact here.  Below |z| = 2^-300 the rest
 * (< 2^-600 |N z|) lies below every rounding of the polynomial part (0 or
 * at least its quantum, ~2^-160 |N z|) and only its sign, that of -z,
 * matters. */
static int tinyz_poly(double z, double y, const bce_kparams *kp, bce_dd c4, xpoly *num)
{
    xpoly al, be, omp, t, zz, N, Nz, cc;
    if (label_polys(0.5, y, kp, &al, &be, &omp)) return -1;
    if (poly_add(&t, &be, &al, -1) || poly_add(&t, &t, &t, 1)) return -1;   /* 2 (beta - alpha) */
    if (poly_add(&N, &al, &be, 1)) return -1;
    poly_d(&zz, z);
    if (poly_mul(&Nz, &N, &zz) || poly_add(&t, &t, &Nz, 1)) return -1;
    poly_dd(&cc, c4);                     /* + N c4 (exact products) */
    if (cc.n && (poly_mul(&Nz, &N, &cc) || poly_add(&t, &t, &Nz, 1))) return -1;
    *num = t;
    return 0;
}

int bce_logits_tinyz_exact(double z, double y, const bce_kparams *kp, bce_dd c4,
                           bce_dd *num, int *E)
{
    xpoly n;
    if (tinyz_poly(z, y, kp, c4, &n)) return -1;
    return poly_round(&n, num, E);
}

/* sign of w g / K - (b1 + b2)/2 at |z| < 2^-300, g = num/4: exactly, else
 * (a tie of the polynomial part) that of -z, the cubic term's */
static int tinyz_cmp(double z, double y, const bce_kparams *kp, double w, const xpoly *K,
                     double b1, double b2, int *sign)
{
    xpoly n, four;
    if (tinyz_poly(z, y, kp, bce_dd_make(0.0, 0.0), &n)) return -1;
    poly_d(&four, 4.0);
    if (frac_sign(&n, &four, w, K, b1, b2, sign)) return -1;
    if (*sign == 0) *sign = z > 0 ? -1 : z < 0 ? 1 : 0;
    return 0;
}

/* floor(log2 |x|) of a nonzero finite double */
static int expo(double x)
{
    int e;
    const uint64_t m = split_d(x, &e);
    return e + 63 - __builtin_clzll(m);
}

/* The logits form's gradient away from z = 0 (found by the 16-bit outputs:
 * under MEAN, f16 z = 0x1.c2p+6, y = 0x1.bf4p-4, n = 80 has (1 - y)/n
 * exactly the f16 midpoint 0x1.6cep-7, and -sigma(-z)/n decides):
 *   g = C0 + s N sigma(-|z|),  C0 = beta, s = -1 (z > 0);  C0 = -alpha,
 *   s = +1 (z < 0), N = alpha + beta <= P + 1.
 * The sign of w g / K - B, B = (b1 + b2)/2: D = 2 w C0 - (b1 + b2) K is
 * exact (label_polys: every option); D = 0 (w C0 / K is the boundary: the
 * tiny term decides) or sign(D) = s gives s; otherwise sign(D) when
 * |D| >= 2^E (D = num 2^E, num in [1, 2]) exceeds the tail term's bound
 * 2 w (P + 1) e^-|z| < 2^(expo(w) + expo(P + 1) + Ee + 4) (e^-|z| = 2^Ee v,
 * v < 2); else undecided (-1: the rounding of r stands). */
static int tail_cmp(double z, double y, const bce_kparams *kp, double w, const xpoly *K,
                    double b1, double b2, int *sign)
{
    xpoly al, be, omp, c0, one, D;
    if (label_polys(0.5, y, kp, &al, &be, &omp)) return -1;
    if (z > 0) {
        c0 = be;
    } else {
        xpoly zero;
        poly_d(&zero, 0.0);
        if (poly_add(&c0, &zero, &al, -1)) return -1;
    }
    poly_d(&one, 1.0);
    if (frac_poly(&c0, &one, w, K, b1, b2, &D)) return -1;
    bce_dd num;
    int E;
    if (poly_round(&D, &num, &E)) return -1;
    const int sD = num.hi > 0 ? 1 : num.hi < 0 ? -1 : 0;
    const int s = z > 0 ? -1 : 1;
    if (z - z != 0.0) { *sign = sD; return 0; }          /* sigma(-|z|) = 0: exact */
    if (sD == 0 || sD == s) { *sign = s; return 0; }
    int Ee;
    bce_td v;
    bce_td_exp(-bce_fabs(z), &Ee, &v);
    if (Ee == INT_MIN) { *sign = sD; return 0; }
    const double P = kp->has_pw ? kp->pos_weight : 1.0;
    if (w <= 0.0) return -1;
    if (E > expo(w) + expo(P + 1.0) + Ee + 4) { *sign = sD; return 0; }
    return -1;
}

/* The correct rounding (to double, float, bf16 or f16: fmt) of a final
 * gradient value c g, rational in the inputs (the probs form; the logits
 * form at |z| < 2^-300 up to a term below its roundings; else the rounding
 * of r is returned) (c = w / K, the weight over the
 * reduction's divisor; level1/sample_tmpl.h's PFX(weigh)), from its approximation
 * r (v 2^-scale, within r->err) whose interval holds a rounding boundary:
 * R = the rounding of r, R2 its neighbour on r's side, and the exact sign
 * of c g - (R + R2)/2 picks one (a tie: the even one). */
/* The neighbour of a 16-bit value R towards +inf (up) or -inf. */
static double next16(double R, int up, int fmt)
{
    const uint16_t b = bce_h16_bits(R, fmt);
    const uint16_t sgn = b & 0x8000u;
    uint16_t mag = b & 0x7fffu;
    if (mag == 0) return bce_h16_to_double(up ? 1u : 0x8001u, fmt);
    const int away = (up != 0) == (sgn == 0);
    mag = away ? (uint16_t)(mag + 1) : (uint16_t)(mag - 1);
    return bce_h16_to_double((uint16_t)(sgn | mag), fmt);
}

/* fmt: 0 double, 1 float, BCE_FMT_BF16 or BCE_FMT_F16 (core/half.h). */
static double grad_resolve(int logits, double p, double y, double w, const bce_kparams *kp,
                           const bce_res *r, int fmt)
{
    const int f32 = fmt == 1, h16 = fmt == BCE_FMT_BF16 || fmt == BCE_FMT_F16;
    double R = f32 ? (double)bce_res_f32(r) : h16 ? bce_res_h16(r, fmt) : bce_res_f64(r);
    if (R - R != 0.0 || r->v.hi - r->v.hi != 0.0) return R;
    const int tail = logits && !(bce_fabs(p) < 0x1p-300);
    if (!logits && !(p >= 0.0 && p <= 1.0)) return R;
    const int clamp = (kp->flags & BCE_OPT_LOG_CLAMP) != 0;
    /* r's side of R: sign of v - R 2^scale (exact: R is a rounding of v) */
    bce_dd Rs = bce_dd_ldexp(bce_dd_make(R, 0.0), r->scale);
    bce_dd d = bce_two_sum(r->v.hi, -Rs.hi);
    double side = d.hi + (d.lo + r->v.lo);
    if (side == 0.0) side = d.lo + r->v.lo;
    if (side == 0.0) return R;
    double R2;
    if (f32) R2 = (double)nextafterf((float)R, side > 0 ? HUGE_VALF : -HUGE_VALF);
    else if (h16) R2 = next16(R, side > 0, fmt);
    else R2 = nextafter(R, side > 0 ? HUGE_VAL : -HUGE_VAL);
    if (R2 - R2 != 0.0) return R;
    xpoly K;                    /* the divisor, exactly (poly_den) */
    poly_den(&K, kp);
    double wf = w;
    if (kp->has_gscale && !kp->mean_e && kp->wscale_e) wf = w * bce_pow2i(kp->wscale_e);
    int s;
    /* (-1, a product beyond the fixed-point range or a polynomial beyond
     * 48 monomials, is not reached for accepted inputs: frac_poly, XB) */
    if (tail ? tail_cmp(p, y, kp, wf, &K, R, R2, &s)
        : logits ? tinyz_cmp(p, y, kp, wf, &K, R, R2, &s)
                 : probs_cmp(p, y, kp, clamp && p < BCE_P100, wf, &K, R, R2, &s))
        return R;
    double lo = R < R2 ? R : R2, hi = R < R2 ? R2 : R;
    if (s > 0) return hi;
    if (s < 0) return lo;
    /* an exact tie: the one with the even significand */
    if (h16) return (bce_h16_bits(R, fmt) & 1) ? R2 : R;
    if (f32) {
        float f = (float)R;
        uint32_t u;
        memcpy(&u, &f, 4);
        return (u & 1) ? R2 : R;
    }
    return (bce_asuint64(R) & 1) ? R2 : R;
}

double bce_probs_grad_resolve(double p, double y, double w, const bce_kparams *kp,
                              const bce_res *r, int fmt)
{
    return grad_resolve(0, p, y, w, kp, r, fmt);
}

double bce_logits_grad_resolve(double z, double y, double w, const bce_kparams *kp,
                               const bce_res *r, int fmt)
{
    return grad_resolve(1, z, y, w, kp, r, fmt);
}

/*
 * core/frame.c -- a result times a factor, r 2^-scale * f, when the product
 * needs a frame: the rare cases of bce_res_scale (core/internal.h), whose
 * inline fast path takes the common one (scale 0, both factors and the
 * product within [2^-900, 2^900]: one double-double product).
 *
 * The factor f is a weight (w in [2^-64, 2^64], or w 2^E in a weight frame
 * of core/api.c, E = +-600), 1/n or 1/sum w (gscale).  A result r is
 * v 2^-scale with an error bound err in v's units (core/internal.h,
 * bce_res); the product must keep v's relative accuracy and give the same
 * bits on every ISA.  The exact products of bce_dd_mul do so only inside
 * the splitting range of core/dd.h (operands <= 2^995, products >=
 * 2^-969: there the FMA and Dekker's product agree), so the rules below
 * move powers of two between v, f and the scale (all exact) until the
 * product is there, or give its exact limit (inf, NaN).  In order:
 *
 *   1. fold_large_value      scale > 0 and |v| > 2^600 (a huge loss in the
 *                            w 2^-600 frame): fold part of the scale into v,
 *                            so that the later rules see the real magnitude
 *                            (v f would overflow though the value does not).
 *   2. move_factor           scale > 0, |f| >= 2 and |v f| > 2^900: move the
 *                            factor's exponent into the scale (f 2^-k >= 1).
 *                            Only then: moving it when nothing overflows
 *                            makes a tiny v times 1/sum w (2^594 in the
 *                            2^-600 frame) underflow with its error bound.
 *   3. lift_tiny_product     otherwise |v f| < 2^-900 (a subnormal weight, a
 *                            tiny v times a tiny weight): form the product
 *                            in the 2^600 frame (2^1200 when that is still
 *                            below 2^-900 and f <= 2^-200), above 2^-969.
 *   then multiply:
 *   4. nonfinite             v inf or NaN: v.hi f.hi, no low part.
 *   5. overflow              |v f| > 2^1200 (est > 2^1000): v.hi f.hi (inf).
 *   6. split range           |v| or |f| > 2^900, or |v f| > 2^900: the larger
 *                            factor times 2^-200, multiply, times 2^200
 *                            (an overflow is inf with no low part).
 *   7. plain                 bce_dd_mul.
 * The inputs that made each rule necessary: docs/ACCURACY.md, "Fuzzing".
 */
#include "core/internal.h"

/* Rule 1: a value above 2^600 in a positive frame. */
static int value_large_in_frame(const bce_res *r)
{
    return r->scale > 0 && r->v.hi - r->v.hi == 0.0 &&
           (r->v.hi > 0x1p600 || r->v.hi < -0x1p600);
}

/* Fold 2^k of the scale into v (exact: v > 2^600 stays above 2^600). */
static void fold_large_value(bce_res *r)
{
    int k = ((int)(bce_asuint64(r->v.hi) >> 52) & 0x7ff) - 1023 - 600;
    if (k > r->scale) k = r->scale;
    double s = bce_pow2i(-k);
    r->v = bce_dd_make(r->v.hi * s, r->v.lo * s);
    r->err *= s;
    r->scale -= k;
}

/* Rule 2: a scaled value times a large factor that would exceed 2^900. */
static int factor_overflows(const bce_res *r, double af)
{
    return r->scale > 0 && af >= 2.0 && af - af == 0.0 &&
           !((bce_fabs(r->v.hi) * 0x1p-200) * af <= 0x1p700);
}

/* Move 2^k of the factor into the scale (exact: f 2^-k >= 1). */
static void move_factor(bce_res *r, bce_dd *f, double *af)
{
    int k = ((int)(bce_asuint64(*af) >> 52) & 0x7ff) - 1023;  /* af >= 2: normal */
    if (k > r->scale) k = r->scale;
    if (k > 1022) k = 1022;                 /* bce_pow2i(-k) normal */
    double s = bce_pow2i(-k);
    *f = bce_dd_make(f->hi * s, f->lo * s);
    *af *= s;
    r->scale -= k;
}

/* Rule 3: a finite nonzero v times a factor below 2^300 gives less than
 * 2^-900. */
static int product_tiny(const bce_res *r, double af)
{
    return af < 0x1p300 && af > 0.0 && r->scale >= -1400 && r->scale <= 1400 &&
           r->v.hi != 0.0 && r->v.hi - r->v.hi == 0.0 &&
           bce_fabs(r->v.hi) * af < 0x1p-900;
}

/* Form the product scaled by 2^600, or by 2^1200 when v f 2^600 is still
 * below 2^-900 (f <= 2^-200, so that f 2^1200 <= 2^1000). */
static void lift_tiny_product(bce_res *r, bce_dd *f, double *af)
{
    const int k = (bce_fabs(r->v.hi) * *af * 0x1p600 < 0x1p-900
                   && *af <= 0x1p-200 && r->scale <= 800) ? 1200 : 600;
    *f = bce_dd_make(f->hi * 0x1p600, f->lo * 0x1p600);
    if (k == 1200) *f = bce_dd_make(f->hi * 0x1p600, f->lo * 0x1p600);
    *af = bce_fabs(f->hi);
    r->scale += k;
}

/* Rules 4 to 7: v f, once the frame is set, and its error bound. */
static void multiply(bce_res *r, bce_dd f, double af)
{
    if (r->v.hi - r->v.hi != 0.0) { /* rule 4: inf (or NaN): no double-double */
        r->v = bce_dd_make(r->v.hi * f.hi, 0.0);
        return;
    }
    double av = bce_fabs(r->v.hi);
    /* |v f| 2^-200 (rounded; 0 for tiny products, inf for huge ones) */
    const double est = (av * 0x1p-200) * af;
    if (est > 0x1p1000) { /* rule 5: product > 2^1200: overflow */
        r->v = bce_dd_make(r->v.hi * f.hi, 0.0); r->err = 0.0;
        return;
    }
    if (av > 0x1p900 || af > 0x1p900 || est > 0x1p700) {
        /* rule 6: scale the larger factor down, multiply, scale back */
        bce_dd a = r->v, b = f;
        if (av >= af) a = bce_dd_make(a.hi * 0x1p-200, a.lo * 0x1p-200);
        else b = bce_dd_make(b.hi * 0x1p-200, b.lo * 0x1p-200);
        bce_dd t = bce_dd_mul(a, b);
        r->v = bce_dd_make(t.hi * 0x1p200, t.lo * 0x1p200);
        if (r->v.hi - r->v.hi != 0.0) { r->v.lo = 0.0; r->err = 0.0; return; }
    } else {
        r->v = bce_dd_mul(r->v, f);         /* rule 7 */
    }
    r->err = r->err * af * (1 + 0x1p-50) + bce_fabs(r->v.hi) * BCE_RES_SCALE_REL;
}

void bce_res_scale_framed(bce_res *r, bce_dd f)
{
    double af = bce_fabs(f.hi);
    if (value_large_in_frame(r)) fold_large_value(r);
    if (factor_overflows(r, af)) move_factor(r, &f, &af);
    else if (product_tiny(r, af)) lift_tiny_product(r, &f, &af);
    multiply(r, f, af);
}

/* The gradient's divisor error when the exact sum of the weights is not a
 * double-double (core/internal.h: the bound and why; kp->gden_xn).  Out of
 * line and cold: the per-sample finishing code (level1/sample_tmpl.h) only
 * tests kp->gden_xn, so the kernels that inline it stay as they were. */
__attribute__((cold)) void bce_res_gden_err(bce_res *r)
{
    if (r->v.hi - r->v.hi == 0.0)
        r->err += (bce_fabs(r->v.hi) + r->err) * 0x1p-105;
}

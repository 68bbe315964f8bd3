/*
 * core/scan_lanes_tmpl.h -- one step of the validation scan's sums on SL_W
 * lanes (core/api.c scan_elements, the case of weights or means): the
 * elements at i .. i + SL_W - 1, element i + k in lane k, each lane the same
 * IEEE operations as core/api.c's scalar statements elem_check (the
 * accepted lanes) and elem_sums (the weights' double-double sum by
 * bce_dd_add_d's TwoSum and Fast2Sum, the smallest positive weight, the
 * loss bound B and the gradient bound G).  Written once over the vector
 * operations; instantiated by core/api.c on SSE2 (SL_W = 2, 8 calls per
 * step of BCE_SCAN_LANES = 16 elements) and by isa/x86_avx2/scan.c on AVX2
 * (SL_W = 4, 4 calls per step), so that lane k of a step holds the same
 * element, and so the same sums, on both.
 * (Intrinsics, not GCC's generic vectors: GCC 12 lowered the generic code
 * to per-lane integer selects on SSE2, 3x slower than the scalar loop.)
 *
 * Needs: SL_V (the vector), SL_FN(name), SL_SET1(d), SL_ADD, SL_SUB,
 * SL_MUL, SL_DIV, SL_AND, SL_ANDNOT(m, a) (a where m is clear), SL_OR, the
 * comparisons SL_GE, SL_LE, SL_LT, SL_GT, SL_EQ (ordered: false on NaN),
 * SL_NEQ (unordered: true on NaN), SL_UNORD, SL_ORD, the loads
 * SL_LOAD_F64(p) and SL_LOAD_F32(p) (SL_W elements, widened exactly).
 * No include guard: once per instantiation.
 */
static inline SL_V SL_FN(sel)(SL_V m, SL_V a, SL_V b) { return SL_OR(SL_AND(m, a), SL_ANDNOT(m, b)); }

/* *ok: all ones in the lanes accepted so far; the rest as elem_sums (with
 * bounds = 0, B and G stay as they are: run_entry's need_bounds) */
static inline __attribute__((always_inline)) void
SL_FN(scan_step)(size_t i, const void *x, const void *y, const void *w, int f32, int probs,
                 int prop, int bounds, double smooth, double pmin1, SL_V *ok,
                 SL_V *sh, SL_V *sl, SL_V *wm, SL_V *bd, SL_V *gm)
{
    const SL_V zero = SL_SET1(0.0), one = SL_SET1(1.0), two = SL_SET1(2.0);
    SL_V xv, yv, wv = one;
    if (f32) {
        xv = SL_LOAD_F32((const float *)x + i);
        yv = SL_LOAD_F32((const float *)y + i);
        if (w) wv = SL_LOAD_F32((const float *)w + i);
    } else {
        xv = SL_LOAD_F64((const double *)x + i);
        yv = SL_LOAD_F64((const double *)y + i);
        if (w) wv = SL_LOAD_F64((const double *)w + i);
    }
    /* elem_check: the accepted lanes */
    SL_V acc = SL_AND(SL_GE(yv, zero), SL_LE(yv, one));
    if (probs) {
        SL_V in = SL_AND(SL_GE(xv, zero), SL_LE(xv, one));
        if (prop) in = SL_OR(in, SL_UNORD(xv, xv));            /* NaN passes */
        acc = SL_AND(acc, in);
    } else if (!prop) {
        acc = SL_AND(acc, SL_ORD(xv, xv));
    }
    if (w) {
        const SL_V in = SL_AND(SL_GE(wv, SL_SET1(BCE_WEIGHT_MIN)), SL_LE(wv, SL_SET1(BCE_WEIGHT_MAX)));
        acc = SL_AND(acc, SL_OR(in, SL_EQ(wv, zero)));
    }
    *ok = SL_AND(*ok, acc);
    /* elem_sums */
    SL_V Lb = zero, Gb = zero;
    if (!bounds) {
    } else if (probs) {
        Lb = SL_SET1(746.0);
        const SL_V d = SL_FN(sel)(SL_LT(xv, SL_SET1(0.5)), xv, SL_SUB(one, xv));
        Gb = SL_FN(sel)(SL_AND(SL_GT(xv, zero), SL_LT(xv, one)), SL_DIV(two, d), two);
    } else {
        /* label_side, bce_fabs (where x < 0, 0 - x is -x exactly) */
        SL_V c = SL_FN(sel)(SL_GT(xv, zero), SL_ADD(SL_SUB(one, yv), SL_SET1(smooth)),
                            SL_MUL(SL_SET1(pmin1), SL_ADD(yv, SL_SET1(smooth))));
        c = SL_FN(sel)(SL_LT(c, one), c, one);
        const SL_V ax = SL_FN(sel)(SL_LT(xv, zero), SL_SUB(zero, xv), xv);
        Lb = SL_FN(sel)(SL_NEQ(SL_SUB(xv, xv), zero), zero, SL_ADD(SL_MUL(c, ax), one));
        Gb = two;
    }
    if (w) {
        /* bce_dd_add_d((sh, sl), w): TwoSum, then Fast2Sum */
        const SL_V a = SL_ADD(*sh, wv), bb = SL_SUB(a, *sh);
        const SL_V e = SL_ADD(SL_SUB(*sh, SL_SUB(a, bb)), SL_SUB(wv, bb));
        const SL_V v = SL_ADD(*sl, e);
        *sh = SL_ADD(a, v);
        *sl = SL_SUB(v, SL_SUB(*sh, a));
        const SL_V pos = SL_GT(wv, zero);
        *wm = SL_FN(sel)(SL_AND(pos, SL_LT(wv, *wm)), wv, *wm);
        if (!bounds) return;
        *bd = SL_ADD(*bd, SL_AND(pos, SL_MUL(wv, Lb)));
        const SL_V g = SL_MUL(wv, Gb);
        *gm = SL_FN(sel)(SL_ANDNOT(SL_LE(g, *gm), pos), g, *gm);
    } else if (bounds) {
        *bd = SL_ADD(*bd, Lb);
        *gm = SL_FN(sel)(SL_LE(Gb, *gm), *gm, Gb);
    }
}

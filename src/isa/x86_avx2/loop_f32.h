/*
 * isa/x86_avx2/loop_f32.h -- the x86 f32 kernels' loop, written once for
 * the avx2 row (VW = 4 double lanes: a group's 8 floats as F32V_H = 2
 * halves) and the avx512 row (VW = 8: the group as one vector; groups of 16
 * floats as two 8-double halves measured 0.94-0.99x as fast,
 * docs/PERFORMANCE.md, "AVX-512 (issue 19)").  The same arithmetic on each
 * lane (level0/f32_tmpl.h), so the same ends, tests and bits on both.
 * For calls without weights,
 * reduction or gradient factor, and for those with them that kp->l0red
 * admits (the ends scaled by PFX(f32v_scale), a reduced loss's terms summed
 * into acc->s0): 8 floats per group, the form's table-free
 * level 1 (level0/f32_tmpl.h) on F32V_H halves of VW double lanes, in
 * stages, each stage over a block of F32V_BG groups (the intermediate
 * values in a small buffer), and the float rounding test: both ends of
 * each output's interval
 * converted to float (RN, as the scalar code's final (float)), compared
 * bit for bit.  A group whose 8 lanes are all in the fast domain
 * (VF32HOT8) and pass is stored as floats; otherwise each half goes to
 * simd/loop_tmpl.h's group_lanes: the passing lanes are stored, the others take
 * the double-double path (hot lanes) or the scalar per-sample code -- the
 * same bits as the scalar kernel either way.
 * Included by simd/loop_tmpl.h (needs PFX, FT = float, VW, VD, VI, LOADV,
 * VHOT, VEVAL and group_lanes) when the form (isa/x86_avx2/f32v_form_*.h)
 * defines
 *   VF32HOT8(zf, yf)   __m256 lane mask (all ones) of the fast domain
 *   VF32SOFT8(zf, yf)  0 or 1: which variant of the level 1 (the
 *                      probability form: 1 unless every label is 0 or 1)
 * and VF32V_A (z, y -> T), optionally VF32V_A2 (T -> T), and VF32V_B
 * (z, y, T -> the ends), the level 1's stages (see level0/f32_tmpl.h),
 * optionally VF32FIX_L(xf, yf, kp, &fL): the lanes (a __m256 mask) of a
 * group that failed its test whose loss is a known exact case, their
 * correctly rounded loss set in fL (any labels: kp).  Calls with pos_weight or smoothing (lab:
 * not kp->plain) take the form's label variant, PFX(f32v_al), (f32v_a2l)
 * and (f32v_bl) in place of the three stages (kind from
 * VF32SOFTL8(xf, yf, kp)).
 */

#include <immintrin.h>

#if VW == 4
#define F32V_H 2           /* halves per group of 8 floats */
/* the lanes of 4 whose bit in m is set, as a v4i mask */
static inline VI PFX(f32v_mask)(int m)
{
    VI r = { -(int64_t)(m & 1), -(int64_t)((m >> 1) & 1),
             -(int64_t)((m >> 2) & 1), -(int64_t)((m >> 3) & 1) };
    return r;
}
/* half h of 8 floats as doubles (exact widening) */
static inline VD PFX(f32v_widen)(__m256 f, int h)
{
    return (VD)_mm256_cvtps_pd(h ? _mm256_extractf128_ps(f, 1) : _mm256_castps256_ps128(f));
}
/* the halves' doubles as 8 floats (RN, vcvtpd2ps) */
static inline __m256 PFX(f32v_narrow)(const VD *v)
{
    return _mm256_set_m128(_mm256_cvtpd_ps((__m256d)v[1]), _mm256_cvtpd_ps((__m256d)v[0]));
}
/* the sign bits of a half's lanes (a comparison's mask) as VW bits */
static inline int PFX(f32v_movemask)(VI m) { return _mm256_movemask_pd((__m256d)m); }
#elif VW == 8
#define F32V_H 1
/* the lanes of 8 whose bit in m is set, as a v8i mask (vpmovm2q) */
static inline VI PFX(f32v_mask)(int m)
{
    return (VI)_mm512_movm_epi64((__mmask8)m);
}
static inline VD PFX(f32v_widen)(__m256 f, int h)
{
    (void)h;
    return (VD)_mm512_cvtps_pd(f);
}
static inline __m256 PFX(f32v_narrow)(const VD *v) { return _mm512_cvtpd_ps((__m512d)v[0]); }
static inline int PFX(f32v_movemask)(VI m) { return _mm512_movepi64_mask((__m512i)m); }
#else
#error "isa/x86_avx2/loop_f32.h: VW must be 4 (avx2) or 8 (avx512)"
#endif

#define F32V_BG 8          /* groups of 8 per block */
/* per half group (T[F32V_H g + h]): the form's 6 intermediate values, then z and y as
 * doubles (stage A writes them, stage B reads them), then one more of the
 * form's (the probability form with label coefficients: the gradient's
 * magnitude) */
#define F32V_TZ 6
#ifdef BCE_F32LAB_UNIT
#define F32V_TN 9
#else
#define F32V_TN 8
#endif

/* stage A on the groups of a block: the hot masks (lanes outside the fast
 * domain get harmless inputs) and the form's intermediate values */
static inline __attribute__((always_inline)) int
PFX(f32v_stage_a)(size_t i, int ng, size_t back, const float *x, const float *y, int wl, int wg,
                  int lab, const bce_kparams *kp,
                  unsigned char *hm, VD (*T)[F32V_TN], unsigned char *kind)
{
    int all = 0xff;
    for (int g = 0; g < ng; g++) {
        /* (the last group back samples earlier: PFX(f32v_blocks)' ovl) */
        size_t k = i + 8 * (size_t)g - (g == ng - 1 ? back : 0);
        __m256 zf = _mm256_loadu_ps(x + k), yf = _mm256_loadu_ps(y + k);
        __m256 hotf = VF32HOT8(zf, yf);
        int m = _mm256_movemask_ps(hotf);
        hm[g] = (unsigned char)m;
        int soft = lab ? VF32SOFTL8(zf, yf, kp) : VF32SOFT8(zf, yf);
        kind[g] = (unsigned char)soft;
        all &= m;
        if (__builtin_expect(m != 0xff, 0)) {
            const __m256 half = _mm256_set1_ps(0.5f);
            zf = _mm256_blendv_ps(half, zf, hotf);
            yf = _mm256_blendv_ps(half, yf, hotf);
        }
        VD zh[F32V_H], yh[F32V_H];
        for (int h = 0; h < F32V_H; h++) {
            zh[h] = PFX(f32v_widen)(zf, h);
            yh[h] = PFX(f32v_widen)(yf, h);
            /* the inputs as doubles, for stage B (no second load and widening) */
            T[F32V_H * g + h][F32V_TZ] = zh[h];
            T[F32V_H * g + h][F32V_TZ + 1] = yh[h];
        }
        for (int h = 0; h < F32V_H; h++) {
            if (lab)
                PFX(f32v_al)(zh[h], yh[h], wl, wg, soft, kp, T[F32V_H * g + h]);
            else
                VF32V_A(zh[h], yh[h], wl, wg, soft, T[F32V_H * g + h]);
        }
    }
    return all;
}

/* stage B on one group: the rest of the level 1, the rounding tests, the
 * stores or the fallback */
/* kp->l0red: an output's ends [lo, hi] times a factor F = sh + sl > 0 as
 * the current path's finishing code applies it (the weight, sl = 0; a
 * gradient's gscale, 1/n or 1/sum w).  With a = RN(lo sh), b = RN(hi sh)
 * and M = |a| + |b|, the ends a - M 2^-50, b + M 2^-50 hold every value
 * the current path can round: v F with v in [lo, hi] (|v sl| <= u |v sh|),
 * its level-1 or slow-path value times F (bce_dd_mul) within their bounds,
 * the exact value of its resolve step (gscale - 1/n <= 15u^2; 12.5u^2
 * proven, proofs/gappa/dd_div.g), and the
 * roundings of a and b: together < 3.1u M, inside M 2^-50 = 8u M less
 * the ends' own roundings (u (|a| + 8u M) <= 1.01u M): >= 6.9u M
 * (docs/ACCURACY.md, "Reductions and weights on level 0").  Equal float
 * bits of the ends then prove the float that path returns.  (2^-48 until
 * 2026-12-08: a gradient 2^-48 from a float midpoint, such as -1/p at p =
 * 1 - 2^-24 with y = 1, a saturated sigmoid's neighbour, failed every
 * MEAN call's test and took the current path.) */
static inline void PFX(f32v_scale)(VD *lo, VD *hi, VD sh)
{
    VD a = *lo * sh, b = *hi * sh;
    VD M = (EL_ABS(a) + EL_ABS(b)) * 0x1p-50;
    /* an exact infinite limit (p = 0 or 1: both ends the same infinity)
     * stays that infinity, exactly (a positive finite factor): no widening,
     * which would make inf - inf = NaN at one end -- and after a second
     * scaling (weights, then a mean's 1/n) NaN at both ends, whose equal
     * bits the test below took for a decided lane (p = 0, y > 0 under MEAN
     * with weights gave NaN for -inf: isa_bits in the ASan build) */
    M = EL_SEL((EL_ABS(a) == VSPLAT(__builtin_inf())) & (a == b), VSPLAT(0.0), M);
    *lo = a - M;
    *hi = b + M;
}

static inline __attribute__((always_inline)) void
PFX(f32v_stage_b)(size_t i, const float *x, const float *y, const bce_kparams *kp,
                  int wl, int wg, int lab, int hm, int soft, VD (*T)[F32V_TN], float *loss,
                  float *grad, bce_acc *acc, VDD *lsum, VD *lerr, size_t *lcnt, int nv,
                  const float *w)
{
    (void)soft;                                   /* (the logits form has one variant) */
    /* the inputs widened by stage A (lanes outside the fast domain
     * already replaced by 0.5) */
    VD Llo[F32V_H], Lhi[F32V_H], Glo[F32V_H], Ghi[F32V_H];
    for (int h = 0; h < F32V_H; h++) {
        if (lab)
            PFX(f32v_bl)(T[h][F32V_TZ], T[h][F32V_TZ + 1], wl, wg, soft, kp, T[h], &Llo[h], &Lhi[h],
                         &Glo[h], &Ghi[h]);
        else
            VF32V_B(T[h][F32V_TZ], T[h][F32V_TZ + 1], wl, wg, soft, T[h], &Llo[h], &Lhi[h],
                    &Glo[h], &Ghi[h]);
    }
    /* weights (kp->l0red): the lanes with w > 0 (a zero weight's outputs
     * are exact zeros: the current path's) */
    VD wd[F32V_H];
    for (int h = 0; h < F32V_H; h++) wd[h] = VSPLAT(1.0);
    int wpos = 0xff;
    if (w) {
        __m256 wf = _mm256_loadu_ps(w + i);
        for (int h = 0; h < F32V_H; h++) wd[h] = PFX(f32v_widen)(wf, h);
        wpos = _mm256_movemask_ps(_mm256_cmp_ps(wf, _mm256_setzero_ps(), _CMP_GT_OQ));
    }
    const int lsumd = wl && kp->reduce;
    VD Lb[F32V_H];
    for (int h = 0; h < F32V_H; h++) Lb[h] = VSPLAT(0.0);
    if (wg && w)
        for (int h = 0; h < F32V_H; h++) PFX(f32v_scale)(&Glo[h], &Ghi[h], wd[h]);
    if (wg && kp->has_gscale)
        for (int h = 0; h < F32V_H; h++) PFX(f32v_scale)(&Glo[h], &Ghi[h], VSPLAT(kp->gscale.hi));
    if (lsumd) {
        /* a reduced loss (kp->l0red): the terms T = RN(Lhi w), each within
         * b = ((Lhi - Llo) + 0x1.01p-52 Lhi) w of the current path's term
         * L1 w (bce_dd_mul): the exact loss is in [Llo, Lhi], L1 within
         * BCE_EPS_LOSS of it; u (Lhi w) for T's rounding, 4u^2 for the
         * current path's product */
        for (int h = 0; h < F32V_H; h++) {
            Lb[h] = ((Lhi[h] - Llo[h]) + Lhi[h] * 0x1.01p-52) * wd[h];
            Lhi[h] = Lhi[h] * wd[h];
        }
    } else if (wl && w) {
        for (int h = 0; h < F32V_H; h++) PFX(f32v_scale)(&Llo[h], &Lhi[h], wd[h]);
    }
    /* both halves' ends as 8 floats; equal bits lane by lane */
    __m256 fL = _mm256_setzero_ps(), fG = fL;
    __m256i okL = _mm256_set1_epi32(-1), okG = okL;
    if (wl && !lsumd) {
        fL = PFX(f32v_narrow)(Llo);
        __m256 hL = PFX(f32v_narrow)(Lhi);
        okL = _mm256_cmpeq_epi32(_mm256_castps_si256(fL), _mm256_castps_si256(hL));
    }
    if (wg) {
        fG = PFX(f32v_narrow)(Glo);
        __m256 hG = PFX(f32v_narrow)(Ghi);
        okG = _mm256_cmpeq_epi32(_mm256_castps_si256(fG), _mm256_castps_si256(hG));
    }
    /* (never a NaN end after a scaling: equal NaN bits decide nothing;
     * the plain calls' ends are not scaled and stay as they were tested) */
    if (wl && !lsumd && w) okL = _mm256_and_si256(okL, _mm256_castps_si256(_mm256_cmp_ps(fL, fL, _CMP_ORD_Q)));
    if (wg && (w || kp->has_gscale))
        okG = _mm256_and_si256(okG, _mm256_castps_si256(_mm256_cmp_ps(fG, fG, _CMP_ORD_Q)));
    int m = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_and_si256(okL, okG))) & hm & wpos;
    /* a reduced loss's padded group (nv < 8 samples): lane by lane, so
     * that the padding adds nothing (group_lanes stops at the samples) */
    if (lsumd && nv < 8) m &= (1 << nv) - 1;
    /* an exact infinite limit of a reduced loss (both ends +inf: p = 0 or 1
     * where the vanishing log's coefficient is positive; its weight > 0):
     * the current path's term sets acc->inf and adds nothing, so that the
     * reduced loss is +inf, or NaN beside a NaN term (core/api.c's
     * reduced).  Here too: such a lane that passes its other tests (m)
     * sets acc->inf and enters the sum as 0 with bound 0 -- whether its
     * group is stored on the vectors or lane by lane (group_lanes_b adds
     * the 0), the flag decides the result.  (Until 2026-12-08 these lanes
     * went lane by lane: a bench input with 3% of them, p = 1.0f beside y
     * = 0, sent 23% of the groups there.)  A lane whose loss is +inf any
     * other way (fin) goes lane by lane as before. */
    if (lsumd) {
        int fin = 0, infl = 0;
        for (int h = 0; h < F32V_H; h++) {
            VI e = (Llo[h] == VSPLAT(__builtin_inf())) & (Lhi[h] == VSPLAT(__builtin_inf()));
            infl |= PFX(f32v_movemask)(e) << (VW * h);
            Lhi[h] = EL_SEL(e, VSPLAT(0.0), Lhi[h]);
            Lb[h] = EL_SEL(e, VSPLAT(0.0), Lb[h]);
            fin |= PFX(f32v_movemask)(Lhi[h] <= 0x1.fffffffffffffp+1023) << (VW * h);
        }
        acc->inf |= (infl & m) != 0;
        m &= fin;
    }
#ifdef VF32FIX_L
    if (__builtin_expect(m != 0xff, 0) && wl && !lsumd && !w) {
        /* the form's exact cases of the loss (proven results the test
         * cannot decide: isa/x86_avx2/f32v_form_probs.h), before the slow
         * lanes */
        __m256 xf = _mm256_loadu_ps(x + i), yf = _mm256_loadu_ps(y + i);
        __m256 hitL = VF32FIX_L(xf, yf, kp, &fL);
        okL = _mm256_or_si256(okL, _mm256_castps_si256(hitL));
        m = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_and_si256(okL, okG))) & hm & wpos;
    }
#endif
    if (__builtin_expect(m == 0xff, 1)) {
        if (wg) _mm256_storeu_ps(grad + i, fG);
        if (lsumd) {
            VD lb = Lb[0];
            for (int h = 0; h < F32V_H; h++) *lsum = VFN(dd_add_d)(*lsum, Lhi[h]);
            for (int h = 1; h < F32V_H; h++) lb += Lb[h];
            *lerr += lb;
            *lcnt += 8;
        } else if (wl) {
            _mm256_storeu_ps(loss + i, fL);
        }
        return;
    }
    for (int h = 0; h < F32V_H; h++) {
        size_t k0 = i + VW * (size_t)h;
        VD zd = LOADV(x + k0), yd = LOADV(y + k0);
        VI hot = VHOT(zd, yd);
        const VD halfd = VSPLAT(0.5);
        zd = EL_SEL(hot, zd, halfd);
        yd = EL_SEL(hot, yd, halfd);
        /* the passing lanes' results: the floats fL, fG (widened
         * exactly; group_lanes narrows them back), so that the ends need
         * not stay live past the test */
        VD dL = lsumd ? Lhi[h] : wl ? PFX(f32v_widen)(fL, h) : halfd;
        VD dG = wg ? PFX(f32v_widen)(fG, h) : halfd;
        const size_t nl = nv >= VW * (h + 1) ? VW : nv > VW * h ? (size_t)(nv - VW * h) : 0;
        PFX(group_lanes_b)(k0, nl, zd, yd, hot, PFX(f32v_mask)((m >> (VW * h)) & ((1 << VW) - 1)),
                         dL, VSPLAT(0.0), Lb[h], dG, x, y, w, kp, loss, grad, acc);
    }
}

/* the first m < 8 floats of b to d: at most three moves (4, 2, 1 floats;
 * a masked store, vmaskmovps, cost more on Zen 4) */
static inline void PFX(f32v_put)(float *d, const float *b, size_t m)
{
    size_t o = 0;
    if (m & 4) { __builtin_memcpy(d, b, 16); o = 4; }
    if (m & 2) { __builtin_memcpy(d + o, b + o, 8); o += 2; }
    if (m & 1) d[o] = b[o];
}

static inline __attribute__((always_inline)) size_t
PFX(f32v_blocks)(size_t n, const float *x, const float *y, const float *w,
                 const bce_kparams *kp,
                 int wl, int wg, int lab, float *loss, float *grad, bce_acc *acc)
{
    size_t i = 0;
    /* a reduced loss's level-0 terms (kp->l0red; flushed into acc at the end) */
    VDD lsum = VFN(make)(VSPLAT(0.0), VSPLAT(0.0));
    VD lerr = VSPLAT(0.0);
    size_t lcnt = 0;
    /* a block holds F32V_BG groups, the last one up to 2 F32V_BG - 1 and
     * the padded group: fewer than F32V_BG groups left after a block would
     * run alone, with little to overlap their latency (bce-bench-side-by-side
     * --short: 9 groups as 8 + 1 cost 2.9 groups' time, as one block 2.3) */
    VD T[F32V_H * 2 * F32V_BG][F32V_TN];
    unsigned char hm[2 * F32V_BG], kind[2 * F32V_BG];
    /* the n mod 8 leftover floats (without ovl, below): one more group in
     * the last block, run on a local copy padded with the hot pair (0.25,
     * 0) (never reading past x, y), of which only the m outputs are
     * copied back; in the block, its latency overlaps the other groups'
     * (simd/loop_tmpl.h's PFX(tail) does the same for the other kernels) */
    const size_t m = n % 8;
    /* n > 8 without a reduction and with no output on an input (dz == z
     * is allowed): the leftover group is instead the last 8 samples,
     * n - 8 .. n - 1, read and written in place -- the 8 - m samples it
     * shares with the group before are computed again from the same
     * inputs, to the same bits (each sample's results depend on its inputs
     * only), and nothing is summed.  It then costs a full group: no copy
     * in, no copy out, no step of its own (measured as
     * bce-bench-side-by-side --short does, 2026-12-08: the padded group
     * cost 1.33-1.54 full groups' time, this one 1.03-1.16;
     * docs/PERFORMANCE.md, item 3).  In place, the group before would
     * have overwritten the shared samples' inputs, which the per-sample
     * code reads again (test_api's gradient_in_place_leftover_cold). */
    const int ovl = m && n > 8 && !kp->reduce
        && (!wl || (loss != x && loss != y && loss != w))
        && (!wg || (grad != x && grad != y && grad != w));
    float bx[8] __attribute__((aligned(32))), by[8] __attribute__((aligned(32)));
    float bw[8] __attribute__((aligned(32)));
    float bl[8] __attribute__((aligned(32))), bg[8] __attribute__((aligned(32)));
    /* lanes 0 .. m-1: masked loads and stores touch nothing past the
     * arrays (the masked-out lanes are neither read nor written, and
     * cannot fault); they replace copy loops whose cost grew with m */
    const __m256i mmask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)m),
                                             _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    if (m && !ovl) {
        _mm256_store_ps(bx, _mm256_blendv_ps(_mm256_set1_ps(0.25f),
                                             _mm256_maskload_ps(x + n - m, mmask),
                                             _mm256_castsi256_ps(mmask)));
        _mm256_store_ps(by, _mm256_maskload_ps(y + n - m, mmask));   /* 0 in the padding */
        if (w)
            _mm256_store_ps(bw, _mm256_blendv_ps(_mm256_set1_ps(1.0f),
                                                 _mm256_maskload_ps(w + n - m, mmask),
                                                 _mm256_castsi256_ps(mmask)));
    }
    if (n <= 8) {
        /* one group (n = 8, or padded): the same stages on a buffer of
         * constant indices, which the compiler keeps in registers (the
         * block's buffer costs its chain a store and a load per stage) */
        const float *gx = m ? bx : x, *gy = m ? by : y;
        VD T1[F32V_H][F32V_TN];
        unsigned char h1, k1;
        PFX(f32v_stage_a)(0, 1, 0, gx, gy, wl, wg, lab, kp, &h1, T1, &k1);
#ifdef VF32V_A2
        for (int h = 0; h < F32V_H; h++) {
            if (lab) PFX(f32v_a2l)(wl, wg, k1, T1[h]);
            else VF32V_A2(wl, wg, k1, T1[h]);
        }
#endif
        /* (a padded group of a reduced loss: group_lanes, whose lane loop
         * stops at the m samples) */
        PFX(f32v_stage_b)(0, gx, gy, kp, wl, wg, lab, h1, k1, T1,
                          m ? bl : loss, m ? bg : grad, acc, &lsum, &lerr, &lcnt, m ? (int)m : 8,
                          w && m ? bw : w);
        if (lcnt) PFX(l0_sum_flush)(acc, lsum, lerr, lcnt);
        if (m && wl && !kp->reduce) PFX(f32v_put)(loss, bl, m);
        if (m && wg) PFX(f32v_put)(grad, bg, m);
        return n;
    }
    while (i + 8 <= n || (m && i < n)) {
        size_t left = (n - i) / 8;
        int ng = left < 2 * F32V_BG ? (int)left : F32V_BG;
        int tail = m && (size_t)ng == left;  /* this block ends with the leftover group */
        /* ovl: the leftover group is a full group at n - 8, the block's
         * last, back = 8 - m samples before its place (ng >= 1 here: n > 8) */
        const int ngs = ng + (tail && ovl);
        const size_t back = tail && ovl ? 8 - m : 0;
        if (ngs == F32V_BG)
            PFX(f32v_stage_a)(i, F32V_BG, back, x, y, wl, wg, lab, kp, hm, T, kind);
        else if (ngs)
            PFX(f32v_stage_a)(i, ngs, back, x, y, wl, wg, lab, kp, hm, T, kind);
        if (tail && !ovl)
            PFX(f32v_stage_a)(0, 1, 0, bx, by, wl, wg, lab, kp, hm + ng, T + F32V_H * ng, kind + ng);
#ifdef VF32V_A2
        for (int g = 0; g < ng + tail; g++)
            for (int h = 0; h < F32V_H; h++) {
                if (lab) PFX(f32v_a2l)(wl, wg, kind[g], T[F32V_H * g + h]);
                else VF32V_A2(wl, wg, kind[g], T[F32V_H * g + h]);
            }
#endif

        for (int g = 0; g < ngs; g++)
            PFX(f32v_stage_b)(i + 8 * (size_t)g - (g == ngs - 1 ? back : 0), x, y, kp, wl, wg, lab,
                              hm[g], kind[g], &T[F32V_H * g],
                              loss, grad, acc, &lsum, &lerr, &lcnt, 8, w);
        i += 8 * (size_t)ng;
        if (tail && ovl) {
            i += m;
        } else if (tail) {
            PFX(f32v_stage_b)(0, bx, by, kp, wl, wg, lab, hm[ng], kind[ng],
                              &T[F32V_H * ng], bl, bg, acc, &lsum, &lerr, &lcnt, (int)m, w ? bw : NULL);
            if (wl && !kp->reduce) PFX(f32v_put)(loss + i, bl, m);
            if (wg) PFX(f32v_put)(grad + i, bg, m);
            i += m;
        }
    }
    if (lcnt) PFX(l0_sum_flush)(acc, lsum, lerr, lcnt);
    return i;
}

/* every sample (the leftover in a padded group); returns n, or 0 when
 * no output is wanted */
static size_t PFX(f32v_run)(size_t n, const float *x, const float *y, const float *w,
                            const bce_kparams *kp, float *loss, float *grad,
                            bce_acc *acc)
{
    /* (labels with pos_weight or smoothing: the label variant, lab = 1) */
#define F32V_RUN3(W, LAB)                                                           \
    do {                                                                            \
        if (kp->want_loss && kp->want_grad)                                         \
            return PFX(f32v_blocks)(n, x, y, W, kp, 1, 1, LAB, loss, grad, acc);    \
        if (kp->want_loss)                                                          \
            return PFX(f32v_blocks)(n, x, y, W, kp, 1, 0, LAB, loss, grad, acc);    \
        if (kp->want_grad)                                                          \
            return PFX(f32v_blocks)(n, x, y, W, kp, 0, 1, LAB, loss, grad, acc);    \
        return 0;                                                                   \
    } while (0)
#ifdef BCE_F32LAB_UNIT
    /* (the label unit, *_f32_lab.c: label calls only) */
    if (w) F32V_RUN3(w, 1);        /* (weights: kp->l0red) */
    F32V_RUN3(NULL, 1);
#else
    if (w) F32V_RUN3(w, 0);
    F32V_RUN3(NULL, 0);
#endif
#undef F32V_RUN3
}

#ifdef BCE_F32LAB_UNIT
/* the label unit's exported kernel, F32LAB_ENTRY (the registry's,
 * core/isa.h): plain calls through the kernel unit's F32LAB_KERNEL, label
 * calls through this unit's loop */
void F32LAB_ENTRY(size_t n, const float *x, const float *y, const float *w,
                  const bce_kparams *kp, float *loss, float *grad, bce_acc *acc)
{
    if (kp->plain) {
        F32LAB_KERNEL(n, x, y, w, kp, loss, grad, acc);
        return;
    }
    PFX(loop)(n, x, y, w, kp, loss, grad, acc);
}
#endif
